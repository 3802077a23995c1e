"""``--explain FILE`` says exactly what the lint says: every finding of the file is a next step,
and nothing else is, except who still has to sign (a drafting step no rule judges)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import EXAMPLES, FIXTURES, lint, lint_json

TODAY = ("--today", "2025-06-01")
# A country pack that extends the standard and has no clause texts of its own.
EXTENDED_PACK = FIXTURES / "packs" / "extended-pack"
STEP = re.compile(r"   \d+\. \[(?P<where>[^]]+)\] (?P<rule>[A-Z]+\d{3}) (?P<severity>error|warning|info) "
                  r"\(line (?P<line>\d+)\): (?P<message>.*?)(?: \[fixable\])?$")
WORKFLOW = re.compile(r"   \d+\. \[Signatures\] have [a-z0-9._, -]+ sign once the text is final$")


def steps(root: Path, name: str) -> tuple[list[tuple[str, str, int, str]], list[str]]:
    """(findings named as next steps, other next steps) of the walkthrough of ``name``."""
    run = lint("--explain", name, *TODAY, cwd=root)
    assert run.code == 0, run.err
    found, other = [], []
    for line in run.out.split("Next steps", 1)[1].splitlines()[1:]:
        if not re.match(r"   \d+\. ", line):
            continue
        match = STEP.match(line)
        if match:
            found.append((match["rule"], match["severity"], int(match["line"]), match["message"]))
        else:
            other.append(line)
    return found, other


def findings(root: Path, name: str) -> list[tuple[str, str, int, str]]:
    run = lint_json(*TODAY, cwd=root)
    return [(d["rule"], d["severity"], d["line"], d["message"]) for d in run.json["diagnostics"] if d["path"] == name]


def documents(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.yaml")
                  if not p.name.startswith(".") and ".im4cm" not in p.parts)


def assert_agrees(root: Path) -> None:
    names = documents(root)
    assert names
    for name in names:
        found, other = steps(root, name)
        assert sorted(found) == sorted(findings(root, name)), name
        assert all(WORKFLOW.match(line) for line in other), (name, other)


@pytest.mark.parametrize("example", ["et-gambella", "ke-kakuma-draft"])
def test_walkthrough_and_lint_agree_on_the_examples(example):
    assert_agrees(EXAMPLES / example)


@pytest.fixture
def extended(tmp_path: Path) -> Path:
    """A fresh repository drafted from a country pack that extends the standard."""
    run = lint("init", "--country", "KE", "--operation", "Kakuma refugee response", "--policy-pack",
               str(EXTENDED_PACK), str(tmp_path / "ke"))
    assert run.code == 0, run.err
    return tmp_path / "ke"


def test_walkthrough_and_lint_agree_under_a_pack_that_extends_the_standard(extended):
    assert_agrees(extended)
    out = lint("--explain", "dpisp.yaml", *TODAY, cwd=extended).out
    assert "restore" not in out and "the current standard is" not in out
    assert "[LOCKED] 2. Purpose and objectives (purpose-limitation)" in out
    assert "the standard's text of 2024.1, unchanged" in out
    assert lint_json("--select", "CLAUSE001,CLAUSE002", *TODAY, cwd=extended).json["diagnostics"] == []
    assert lint("--fix", "--diff", *TODAY, cwd=extended).code == 0


def test_an_ignored_rule_is_not_advised_by_the_walkthrough(extended):
    dpisp = extended / "dpisp.yaml"
    dpisp.write_text(dpisp.read_text().replace("within 72 hours", "within 7 days"))
    assert "CLAUSE001 error" in lint("--explain", "dpisp.yaml", *TODAY, cwd=extended).out
    (extended / ".im4cm-lint.yaml").write_text((extended / ".im4cm-lint.yaml").read_text() + "ignore: [CLAUSE001]\n")
    out = lint("--explain", "dpisp.yaml", *TODAY, cwd=extended).out
    assert "CLAUSE001" not in out
    assert "the text differs from the standard's; locked text must stay word for word" in out
    assert_agrees(extended)
