"""Rule documentation: every rule has a page of substance, one source feeds ``--explain``,
``rules`` and docs/rules.md, and the committed docs/rules.md is what that source generates."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, lint
from im4cm_lint.explain import REGENERATE_DOCS, rules_markdown
from im4cm_lint.plugins import load_registry
from im4cm_lint.rule import RULE_ID, explanation_sections

RULES = load_registry().rules
# Families about document content: their example is a failing YAML snippet and its fixed version.
CONTENT_FAMILIES = {"REF", "ROLE", "CLAUSE", "SHARE", "ANNEXC", "DPIA", "LIFE"}


def test_docs_rules_md_is_up_to_date():
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(RULES.values()), f"docs/rules.md is out of date: run `{REGENERATE_DOCS}`"


def test_rules_markdown_command_writes_the_docs():
    run = lint("rules", "--format", "markdown")
    assert run.code == 0
    assert run.out == rules_markdown(RULES.values())


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_has_a_page_of_substance(rule_id):
    rule = RULES[rule_id]
    sections = explanation_sections(rule)
    for name in ("What it checks", "Why it matters", "Example", "How to fix"):
        assert len(sections.get(name, "")) >= 20, f"{rule_id}: section '{name}' is missing or too short"
    assert "Source" in sections["Why it matters"], f"{rule_id}: 'Why it matters' names no source"
    if rule.family in CONTENT_FAMILIES:
        example = sections["Example"]
        assert example.startswith("```yaml") and "Fixed:" in example and example.count("```yaml") == 2, rule_id
    page = lint("--explain", rule_id).out
    for heading in ("What it checks", "Why it matters", "Example", "How to fix", "How to suppress, with a reason"):
        assert heading in page, f"{rule_id}: --explain lacks '{heading}'"


def test_explain_page_shows_the_example_and_how_to_suppress_with_a_reason():
    run = lint("--explain", "ref002")
    assert run.code == 0
    assert run.out.startswith("REF002 unknown-party")
    assert "This fails:" in run.out and "Fixed:" in run.out
    assert "      - {id: irc, name: International Rescue Committee, type: ingo}" in run.out
    assert "# im4cm-lint: disable=REF002 -- reason why this is acceptable" in run.out
    assert "\x1b[" not in run.out  # no colour when not a terminal


def test_engine_failures_are_not_suppressible():
    page = lint("--explain", "PARSE001").out
    assert "cannot be suppressed inline" in page
    assert "disable=PARSE001" not in page


def test_explain_markdown_and_json():
    markdown = lint("--explain", "REF003", "--format", "markdown").out
    assert markdown.startswith("# REF003 unknown-dpisp\n")
    assert "## How to suppress, with a reason" in markdown
    record = lint("--explain", "REF003", "--format", "json")
    assert record.json["id"] == "REF003"
    assert set(record.json["help"]) >= {"What it checks", "Why it matters", "Example", "How to fix"}


def test_unknown_rule_suggests_the_closest():
    run = lint("--explain", "REF02")
    assert run.code == 2
    assert "Did you mean" in run.err and "REF002" in run.err


def test_rules_json_lists_every_rule_once():
    run = lint("rules", "--format", "json")
    assert run.code == 0
    records = run.json
    assert [r["id"] for r in records] == sorted(RULES)
    for record in records:
        assert RULE_ID.match(record["id"])
        assert record["family"] == re.sub(r"[0-9]+$", "", record["id"])
        assert record["severity"] in ("error", "warning", "info")
        assert record["summary"] and isinstance(record["fixable"], bool)
        assert record["fixable"] == RULES[record["id"]].fixable


def test_rules_text_marks_the_fixable_ones():
    lines = {line.split()[0]: line for line in lint("rules").out.splitlines() if line and RULE_ID.match(line.split()[0])}
    assert set(lines) == set(RULES)
    for rule_id, line in lines.items():
        assert (" fix " in line) == RULES[rule_id].fixable, line
