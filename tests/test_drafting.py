"""Drafting from ``init`` as a new user would: fill the placeholders section by section, lint after
each step, and reach zero findings. At every step each message says what to write, every
placeholder it quotes can be found in the file as it stands, and nothing is a PARSE, SCHEMA or REF
finding caused by the scaffold."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml

from conftest import lint, lint_json

TODAY = "2026-11-27"
PLACEHOLDER = re.compile(r"\[(?:INSERT|TBD|TODO)[^\]]*\]")
# A message names what to write: it gives an instruction, or quotes the choices or the placeholder.
INSTRUCTION = re.compile(r"\b(write|add|name|replace|set|remove|collect|cite|list|assign|give)\b|\"\[|: [a-z0-9_-]+(, [a-z0-9_-]+)+")
STRUCTURAL = ("PARSE", "SCHEMA", "REF")
# What a fresh draft may report: things left to fill, people to name, signatures to collect;
# nothing init itself got wrong (ANNEXC005, a capacity the UNHCR party does not declare, was one).
DRAFTING = {"LIFE009", "ROLE009", "CLAUSE006", "ANNEXC003", "LIFE001", "LIFE002"}


def init(target: Path) -> None:
    run = lint("init", "--country", "JO", "--operation", "Amman urban refugee response", "--setting", "mixed",
               "--implementing-partner", "jrf:lngo", "--party", "unicef:un_agency", "--party", "mosd:authority",
               str(target))
    assert run.code == 0, run.err


def findings(target: Path) -> list[dict]:
    run = lint_json("--today", TODAY, ".", cwd=target)
    assert run.code in (0, 1), run.err
    return run.json["diagnostics"]


def assert_each_message_says_what_to_write(target: Path, found: list[dict]) -> None:
    vague = [f"{f['path']}:{f['line']} {f['rule']}: {f['message']}" for f in found
             if f["rule"].startswith(STRUCTURAL) or not INSTRUCTION.search(f["message"])]
    assert vague == []
    for finding in found:
        where = f"{finding['path']}:{finding['line']} {finding['rule']}: {finding['message']}"
        lines = (target / finding["path"]).read_text(encoding="utf-8").splitlines()
        for quoted, line, column in re.findall(r'"(\[[^"]*\])"(?: \(line (\d+), column (\d+)\))?', finding["message"]):
            if line:  # broken over lines: the message gives where it starts
                rest = " ".join(row.strip() for row in lines[int(line) - 1:int(line) + 3])
                assert lines[int(line) - 1][int(column) - 1:].startswith("["), where
                assert quoted in " ".join(rest.split()), where
            else:
                assert quoted in "\n".join(lines), f"{where}: the quoted placeholder is not in the file as it stands"


def section(text: str, key: str) -> tuple[int, int]:
    """Start and end offsets of the top-level ``key:`` block of a YAML text."""
    start = re.search(rf"^{key}:", text, re.M).start()
    following = re.compile(r"^[a-z_]+:", re.M).search(text, start + 1)
    return start, following.start() if following else len(text)


def fill(path: Path, key: str | None, value) -> None:
    """Replace every placeholder in the top-level ``key`` block of ``path`` (the whole file when
    ``key`` is None) with ``value(placeholder)``."""
    text = path.read_text(encoding="utf-8")
    start, end = section(text, key) if key else (0, len(text))
    block = PLACEHOLDER.sub(lambda m: value(m.group(0)), text[start:end])
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")


PARTY_NAMES = {"UNHCR": "UNHCR Jordan", "jrf": "Jordan River Foundation", "unicef": "UNICEF Jordan",
               "mosd": "Ministry of Social Development"}


def party_name(placeholder: str) -> str:
    return next(name for key, name in PARTY_NAMES.items() if key in placeholder)


def clause_words(placeholder: str) -> str:
    return "30" if "number" in placeholder else "the Amman response"


def test_drafting_from_init_reaches_zero_findings_and_every_step_says_what_to_write(tmp_path):
    target = tmp_path / "jo-amman"
    init(target)
    dpisp, dpia, export = target / "dpisp.yaml", target / "dpia.yaml", target / "exports" / "example.yaml"
    assert "id: jo-amman\n" in dpisp.read_text()
    people = itertools.count(1)

    def person(placeholder: str) -> str:
        return "Officer" if "job title" in placeholder else f"Person {next(people)}"

    def annex_c_from_messages() -> None:
        """Set each entry met, then write the clause the ANNEXC009 message names first."""
        text = dpisp.read_text()
        start, end = section(text, "annex_c")
        block = re.sub(r"met: false\n(\s+)reference: '\[INSERT[^\n]*\n", r"met: true\n", text[start:end])
        dpisp.write_text(text[:start] + block + text[end:])
        lines = dpisp.read_text().splitlines()
        for finding in findings(target):
            if finding["rule"] == "ANNEXC009":
                choice = re.search(r"clauses of this protocol that can: ([a-z0-9-]+)", finding["message"])
                assert choice, finding["message"]
                row = finding["line"] - 1
                indent = lines[row][: len(lines[row]) - len(lines[row].lstrip())]
                lines[row] += f"\n{indent}clause: {choice.group(1)}"
        dpisp.write_text("\n".join(lines) + "\n")
        lines = dpisp.read_text().splitlines()
        for finding in reversed(findings(target)):  # ANNEXC004: the values the obligation needs
            if finding["rule"] == "ANNEXC004":
                key = re.search(r"add `(\w+):`", finding["message"]).group(1)
                limit = re.search(r"at most (\d+)", finding["message"])
                below = lines[finding["line"]]
                indent = below[: len(below) - len(below.lstrip())]
                value = limit.group(1) if limit else "UNHCR data protection focal point"
                lines.insert(finding["line"], f"{indent}{key}: {value}")
        dpisp.write_text("\n".join(lines) + "\n")

    def dates_in_roles() -> None:
        """Write `confirmed` and `trained` in each assignment, as ROLE005 and ROLE006 ask."""
        text = dpisp.read_text()
        start, end = section(text, "roles")
        block = re.sub(r"^    holder:", "    confirmed: 2026-11-02\n    trained: 2026-10-01\n    holder:",
                       text[start:end], flags=re.M)
        block = re.sub(r"^    - holder:", "    - confirmed: 2026-11-02\n      trained: 2026-10-01\n      holder:",
                       block, flags=re.M)
        dpisp.write_text(text[:start] + block + text[end:])

    def sign() -> None:
        text = dpisp.read_text()
        text = text.replace("  # review_by: YYYY-MM-DD       # at most a year after the protocol takes effect",
                            "  review_by: 2027-11-01")
        holders = [entry["holder"] for entry in yaml.safe_load(text)["roles"]["signatory"]]
        rows = [f"  - party: {h['party']}\n    by: {{name: {h['name']}, title: {h['title']}}}\n    signed: 2026-11-20"
                for h in holders]
        dpisp.write_text(text.replace("signatures: []", "signatures:\n" + "\n".join(rows)))

    steps = [
        ("party names", lambda: fill(dpisp, "parties", party_name)),
        ("people in roles", lambda: fill(dpisp, "roles", person)),
        ("confirmation and training dates", dates_in_roles),
        ("adaptable clauses", lambda: fill(dpisp, "clauses", clause_words)),
        ("the channel", lambda: fill(dpisp, "sharing", lambda _: "CPIMS+ referral")),
        ("the export's transport", lambda: fill(export, None, lambda _: "sftp")),
        ("the DPIA", lambda: fill(dpia, None, lambda _: "case data of children in Amman")),
        ("Annex C", annex_c_from_messages),
        ("review date and signatures", sign),
    ]
    before = findings(target)
    assert before and all(f["rule"] in DRAFTING for f in before), {f["rule"] for f in before} - DRAFTING
    assert_each_message_says_what_to_write(target, before)
    for name, step in steps:
        step()
        found = findings(target)
        assert_each_message_says_what_to_write(target, found)
        assert len(found) < len(before), f"{name}: {len(before)} -> {len(found)} findings"
        before = found
    assert before == [], [(f["rule"], f["path"], f["line"], f["message"]) for f in before]
    for path in target.rglob("*.yaml"):
        assert not PLACEHOLDER.search(path.read_text()), path


@pytest.mark.parametrize("operation, expected", [
    ("Amman urban refugee response", "jo-amman"), ("Refugee response in Zaatari camp", "jo-zaatari"),
    ("Response", "jo-response")])
def test_the_protocol_id_is_the_country_and_the_operation_s_distinctive_word(tmp_path, operation, expected):
    run = lint("init", "--country", "JO", "--operation", operation, str(tmp_path / "c"))
    assert run.code == 0, run.err
    assert f"  id: {expected}\n" in (tmp_path / "c" / "dpisp.yaml").read_text()


def test_party_types_are_taken_from_the_options(tmp_path):
    run = lint("init", "--country", "JO", "--operation", "Irbid", "--implementing-partner", "jrf:lngo",
               "--implementing-partner", "irc", "--party", "mosd:authority", str(tmp_path / "c"))
    assert run.code == 0, run.err
    text = (tmp_path / "c" / "dpisp.yaml").read_text()
    assert "- id: jrf    # UNHCR implementing partner\n    name: '[INSERT full name of jrf]'\n    type: lngo\n" in text
    assert "- id: irc    # UNHCR implementing partner; set the type: ingo or lngo\n" in text
    assert "- id: mosd\n    name: '[INSERT full name of mosd]'\n    type: authority\n" in text
    assert "applies_to: [jrf, irc]" in text
    bad = lint("init", "--country", "JO", "--operation", "Irbid", "--implementing-partner", "jrf:ngo",
               str(tmp_path / "d"))
    assert bad.code == 2 and "party type 'ngo'" in bad.err
