"""The example country repositories: the clean Gambella and Irbid protocols lint without a single finding,
and the Kakuma draft shows every rule family exactly as its README lists it.

The README's listing is the real output of the linter. When checks change, regenerate it with
``python3 tests/test_examples.py --write`` (it keeps the hand-written sentences and replaces the
listing under each family heading), then read the diff.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from conftest import EXAMPLES, REPO, lint, lint_json

TODAY = "2026-11-24"
CLEAN = "examples/et-gambella"
SECOND_CLEAN = "examples/jo-irbid"
DRAFT = "examples/ke-kakuma-draft"
DRAFT_README = EXAMPLES / "ke-kakuma-draft" / "README.md"
FAMILIES = ("PARSE", "SCHEMA", "REF", "ROLE", "CLAUSE", "LIFE", "DPIA", "SHARE", "ANNEXC", "SYSTEM")

LISTING_LINE = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<rule>[A-Z]+\d{3}) (?:error|warning|info) ")


def readme_listing() -> list[tuple[str, str, int]]:
    """(rule, path, line) of every finding line in the draft's README."""
    found = []
    for row in DRAFT_README.read_text(encoding="utf-8").splitlines():
        match = LISTING_LINE.match(row)
        if match:
            found.append((match["rule"], match["path"], int(match["line"])))
    return found


def line_of(path: Path, prefix: str) -> int:
    """The 1-based number of the first line of ``path`` that starts with ``prefix``."""
    rows = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, row in enumerate(rows, 1) if row.startswith(prefix))


def test_clean_example_has_no_findings_at_all():
    run = lint_json("--today", TODAY, CLEAN)
    assert run.json["diagnostics"] == []
    assert run.code == 0
    assert run.json["summary"]["documents"] == 12


def test_second_clean_example_has_no_findings_at_all():
    """examples/jo-irbid, the mixed refugee and host-community protocol drafted from init."""
    run = lint_json("--today", "2026-11-27", "--fail-on", "info", SECOND_CLEAN)
    assert run.json["diagnostics"] == []
    assert run.code == 0
    assert run.json["summary"]["documents"] == 4


def test_clean_example_passes_with_info_as_failing_severity():
    run = lint("--today", TODAY, "--fail-on", "info", CLEAN)
    assert run.code == 0, run.out
    assert "No problems found" in run.out


def test_clean_example_reports_the_passed_review_date_later():
    run = lint_json("--today", "2028-01-01", CLEAN)
    review_line = line_of(EXAMPLES / "et-gambella" / "dpisp.yaml", "  review_by:")
    assert ("LIFE001", f"{CLEAN}/dpisp.yaml", review_line) in run.findings(), run.out
    assert run.code == 1


def test_draft_fails_with_every_family():
    run = lint_json("--today", TODAY, DRAFT)
    assert run.code == 1
    families = {re.match(r"[A-Z]+", rule).group(0) for rule in run.rules()}
    assert families >= set(FAMILIES), sorted(set(FAMILIES) - families)


def test_draft_findings_are_exactly_the_readme_listing():
    run = lint_json("--today", TODAY, DRAFT)
    listed = readme_listing()
    assert listed, "the README lists no findings"
    assert sorted(run.findings()) == sorted(listed), (
        "the README of the draft is out of date: run python3 tests/test_examples.py --write")


def test_readme_listing_covers_every_family_under_its_heading():
    text = DRAFT_README.read_text(encoding="utf-8")
    for family in FAMILIES:
        section = text.split(f"### {family}", 1)
        assert len(section) == 2, f"no '### {family}' heading"
        block = section[1].split("\n### ", 1)[0]
        rules = {m["rule"] for m in map(LISTING_LINE.match, block.splitlines()) if m}
        assert rules and all(rule.startswith(family) for rule in rules), family


def write_readme_listing() -> None:
    """Replace the listing under each family heading of the draft's README with the real output."""
    run = lint("--today", TODAY, DRAFT)
    rows = [row for row in run.out.splitlines() if LISTING_LINE.match(row)]
    summary = next(row for row in run.out.splitlines() if row.startswith("Found "))
    by_family: dict[str, list[str]] = {}
    for row in rows:
        family = re.match(r"[A-Z]+", LISTING_LINE.match(row)["rule"]).group(0)
        by_family.setdefault(family, []).append(row)
    text = DRAFT_README.read_text(encoding="utf-8")
    missing = sorted(set(by_family) - {f for f in by_family if f"### {f}" in text})
    if missing:
        sys.exit(f"add a '### FAMILY' heading with a sentence for: {', '.join(missing)}")
    for family, family_rows in by_family.items():
        pattern = re.compile(rf"(### {family}\b.*?```text\n).*?(```)", re.S)
        text = pattern.sub(lambda m: m.group(1) + "\n".join(family_rows) + "\n" + m.group(2), text, count=1)
    text = re.sub(r"^Found \d+ problems.*$", summary, text, flags=re.M)
    DRAFT_README.write_text(text, encoding="utf-8")
    print(f"{DRAFT_README.relative_to(REPO)}: {len(rows)} findings in {len(by_family)} families")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python3 tests/test_examples.py --write")
    write_readme_listing()
