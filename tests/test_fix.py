"""``--fix``: safe fixes change the node they name and nothing else, byte for byte."""

from __future__ import annotations

import difflib
import re

import pytest

from conftest import lint, lint_json
from im4cm_lint import Rule, hookimpl
from im4cm_lint.diagnostics import Fix
from im4cm_lint.fix import Refused, detect_indent, fix_text
from im4cm_lint.loader import load_file
from im4cm_lint.yamltree import follow, locate, to_plain

CANON = "This protocol sets out the principles.\nIt binds every participant.\n"


def changed_lines(before: str, after: str) -> set[int]:
    """1-based lines of ``before`` that differ in ``after`` (insertions count at their position)."""
    lines: set[int] = set()
    matcher = difflib.SequenceMatcher(None, before.splitlines(True), after.splitlines(True), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            lines.update(range(i1 + 1, max(i2, i1 + 1) + 1 if i1 == i2 else i2 + 1))
    return lines


def data(text: str, tmp_path) -> list:
    path = tmp_path / "d.yaml"
    path.write_text(text)
    return [to_plain(d.body) for d in load_file(str(path), "d.yaml").documents]


DPISP = """\
# A protocol with the layout people really write: comments, odd spacing, quotes, flow maps.
apiVersion: im4cm/v1
kind: DPISP
metadata: {id: et-x, country: "NO", operation: Op, setting: refugee,   template: im4cm-standard@2024.1, version: '1', status: draft}
parties:
- id: sc      # the lead agency
  name:   'Save the Children'
  type: ingo
roles:
  process_lead:
    holder: {name: A. Person,   party: sc}   # spacing kept
clauses:
- id: purpose-limitation
  title: "Purpose"
  text: |
    This protocol was edited
    by someone.

# the next clause is adaptable
- id: local-context
  text: Context of the operation.   # plain
- text: >-
    folded text first
  id: definitions
sharing: []   # none yet
"""


@pytest.mark.parametrize("path, old_lines", [
    ("clauses[purpose-limitation].text", {15, 16, 17}),
    ("clauses[local-context].text", {21}),
    ("clauses[definitions].text", {22, 23}),
])
def test_set_changes_only_the_node(tmp_path, path, old_lines):
    new, applied, skipped = fix_text(DPISP, "d.yaml", [Fix("restore", path, CANON)])
    assert skipped == [] and len(applied) == 1
    assert changed_lines(DPISP, new) <= old_lines
    expected = data(DPISP, tmp_path)
    container, key = follow(expected[0], path)
    container[key] = CANON
    assert data(new, tmp_path) == expected


def test_restored_clause_is_a_literal_block_in_place(tmp_path):
    new, _, _ = fix_text(DPISP, "d.yaml", [Fix("restore", "clauses[purpose-limitation].text", CANON)])
    assert new == DPISP.replace("    This protocol was edited\n    by someone.\n",
                                "    This protocol sets out the principles.\n    It binds every participant.\n")


def test_single_line_keeps_its_quoting():
    text = DPISP.replace('title: "Purpose"', 'title: "Old title"')
    new, _, _ = fix_text(text, "d.yaml", [Fix("retitle", "clauses[purpose-limitation].title", "Purpose and objectives")])
    assert new == text.replace('title: "Old title"', 'title: "Purpose and objectives"')


def test_add_a_missing_role_skeleton(tmp_path):
    skeleton = {"holder": {"name": "[INSERT name]", "title": "[INSERT job title]", "party": "sc"}}
    new, applied, _ = fix_text(DPISP, "d.yaml", [Fix("add role", "roles.breach_incident_manager", skeleton, action="add")])
    assert applied
    assert changed_lines(DPISP, new) == {12}  # inserted after the last role, before `clauses:`
    assert data(new, tmp_path)[0]["roles"]["breach_incident_manager"] == skeleton
    assert "  breach_incident_manager:\n    holder:\n      name: '[INSERT name]'\n" in new


def test_append_a_missing_clause(tmp_path):
    new, applied, _ = fix_text(DPISP, "d.yaml", [Fix("add clause", "clauses", {"id": "principles", "text": CANON},
                                                     action="append")])
    assert applied
    assert new.endswith("  id: definitions\n- id: principles\n  text: |\n    This protocol sets out the principles.\n"
                        "    It binds every participant.\nsharing: []   # none yet\n")
    assert data(new, tmp_path)[0]["clauses"][-1] == {"id": "principles", "text": CANON}


def test_set_inside_a_flow_mapping_keeps_the_rest_of_the_line(tmp_path):
    new, applied, _ = fix_text(DPISP, "d.yaml", [Fix("r", "metadata.template", "im4cm-standard@2023.1")])
    assert new == DPISP.replace("template: im4cm-standard@2024.1,", "template: im4cm-standard@2023.1,")


def test_add_into_an_empty_flow_mapping_and_to_the_document(tmp_path):
    text = "apiVersion: im4cm/v1\nkind: DPISP\nroles: {}\nclauses: []   # none yet\n"
    role = {"holder": {"name": "[INSERT name]", "party": "sc"}}
    new, applied, _ = fix_text(text, "d.yaml", [Fix("a", "roles.process_lead", role, action="add")])
    assert new == text.replace("roles: {}\n", "roles:\n  process_lead:\n    holder:\n      name: '[INSERT name]'\n"
                                             "      party: sc\n")
    bare = "apiVersion: im4cm/v1\nkind: DPISP\nmetadata: {id: x}\n# the end\n"
    new, applied, _ = fix_text(bare, "d.yaml", [Fix("a", "roles", {"process_lead": role}, action="add")])
    assert data(new, tmp_path)[0]["roles"] == {"process_lead": role}
    assert new.startswith(bare.replace("# the end\n", "")) and new.endswith("      party: sc\n# the end\n")


@pytest.mark.parametrize("layout", ["two", "four", "offset"])
def test_indentation_of_the_file_is_kept(tmp_path, layout):
    text = {
        "two": "clauses:\n- id: a\n  text: |\n    old\n",
        "four": "clauses:\n    -   id: a\n        text: |\n            old\n",
        "offset": "clauses:\n  - id: a\n    text: |\n      old\n",
    }[layout]
    text = "apiVersion: im4cm/v1\nkind: DPISP\n" + text
    new, applied, _ = fix_text(text, "d.yaml", [Fix("r", "clauses[a].text", "new\ntext\n")])
    assert applied
    old_indent = text.splitlines()[-1].index("old")
    assert new.splitlines()[-2:] == [" " * old_indent + "new", " " * old_indent + "text"]
    assert data(new, tmp_path)[0]["clauses"][0]["text"] == "new\ntext\n"


def test_windows_line_endings_and_missing_final_newline_are_kept(tmp_path):
    text = "apiVersion: im4cm/v1\r\nkind: DPISP\r\nclauses:\r\n- id: a   # keep\r\n  text: old\r\n- id: b\r\n  text: x"
    new, applied, _ = fix_text(text, "d.yaml", [Fix("r", "clauses[a].text", "new")])
    assert new == text.replace("text: old", "text: new")


def test_only_the_named_document_of_a_file_changes(tmp_path):
    first = "apiVersion: im4cm/v1\nkind: DPIA\nmetadata: {id: a}   # first\n"
    second = "apiVersion: im4cm/v1\nkind: DPISP\nclauses:\n- id: c\n  text: old\n"
    text = first + "---\n" + second
    new, applied, _ = fix_text(text, "d.yaml", [Fix("r", "clauses[c].text", "new", doc_index=1)])
    assert new == first + "---\n" + second.replace("old", "new")


def test_a_fix_that_no_longer_matches_is_skipped(tmp_path):
    new, applied, skipped = fix_text(DPISP, "d.yaml", [Fix("r", "clauses[retention].text", CANON)])
    assert (new, applied) == (DPISP, [])
    assert skipped and "clauses[retention].text" in skipped[0]


def test_a_fix_that_would_break_the_schema_is_refused():
    with pytest.raises(Refused, match="would not fit the schema"):
        fix_text(DPISP, "d.yaml", [Fix("r", "metadata.status", "signed-ish")])


def test_fixing_twice_changes_nothing_more(tmp_path):
    fixes = [Fix("restore", "clauses[purpose-limitation].text", CANON)]
    once, _, _ = fix_text(DPISP, "d.yaml", fixes)
    twice, _, _ = fix_text(once, "d.yaml", fixes)
    assert twice == once


def test_indent_detection():
    assert detect_indent("a:\n  b:\n    - c\n    - d\n") == (2, 4, 2)
    assert detect_indent("a:\n    b:\n    - c\n") == (4, 2, 0)


# --- the command, on a scaffold with a locked clause edited by hand ------------------------------

@pytest.fixture
def drafted(tmp_path):
    target = tmp_path / "et"
    assert lint("init", "--country", "ET", "--operation", "Gambella", str(target)).code == 0
    dpisp = target / "dpisp.yaml"
    original = dpisp.read_text()
    edited = original.replace("compatible with them. No participant uses it",
                              "compatible with them. A participant may use it")
    edited = edited.replace("  - id: purpose-limitation\n", "  - id: purpose-limitation   # edited by hand\n")
    assert edited.count("edited by hand") == 1 and "A participant may" in edited
    dpisp.write_text(edited)
    return target, original, edited


def test_fix_diff_previews_and_writes_nothing(drafted):
    target, original, edited = drafted
    run = lint("--fix", "--diff", cwd=target)
    assert run.code == 1
    assert run.out.startswith("--- a/dpisp.yaml\n+++ b/dpisp.yaml\n")
    assert "-      compatible with them. A participant may use it for any other purpose, including law\n" in run.out
    assert "+      compatible with them. No participant uses it for any other purpose, including law\n" in run.out
    assert "would fix 1 problem (CLAUSE001)" in run.err
    assert (target / "dpisp.yaml").read_text() == edited


def test_fix_restores_the_locked_clause_and_keeps_everything_else(drafted):
    target, original, edited = drafted
    before = lint_json(".", cwd=target)
    assert ("CLAUSE001", "dpisp.yaml") in {(r, p) for r, p, _ in before.findings()}
    run = lint("--fix", "--format", "json", cwd=target)
    after = (target / "dpisp.yaml").read_text()
    assert after == original.replace("  - id: purpose-limitation\n", "  - id: purpose-limitation   # edited by hand\n")
    assert "CLAUSE001" not in {d["rule"] for d in run.json["diagnostics"]}
    assert "fixed 1 problem (CLAUSE001)" in run.err
    assert {r for r, _, _ in run.findings()} == {r for r, _, _ in before.findings()} - {"CLAUSE001"}
    again = lint("--fix", "--diff", cwd=target)
    assert (again.code, again.out) == (0, "")
    assert "Nothing to fix automatically." in again.err


def test_files_that_cannot_be_read_are_never_touched(drafted):
    target, _, edited = drafted
    broken = edited + "oops: [\n"
    (target / "dpisp.yaml").write_text(broken)
    run = lint("--fix", cwd=target)
    assert (target / "dpisp.yaml").read_text() == broken
    assert "PARSE001" in run.out


def test_fix_adds_skeletons_of_missing_roles(drafted):
    target, original, _ = drafted
    dpisp = target / "dpisp.yaml"
    lines = original.splitlines(keepends=True)
    start = lines.index("  signatory:    # Agency signatory\n")
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"  [a-z_]+:", lines[i]))
    manager = lines.index("  breach_incident_manager:    # Data breach incident manager\n")
    manager_end = lines.index("\n", manager)
    without = lines[:start] + lines[end:manager] + lines[manager_end:]
    dpisp.write_text("".join(without))
    before = lint_json(".", cwd=target).json["diagnostics"]
    fixes = {d["rule"]: d["fix"]["yaml_path"] for d in before if d["rule"] in ("ROLE001", "ROLE002")}
    assert fixes == {"ROLE001": "roles.breach_incident_manager", "ROLE002": "roles.signatory"}
    run = lint("--fix", cwd=target)
    assert "fixed 2 problems (ROLE001, ROLE002)" in run.err
    fixed = dpisp.read_text()
    assert "ROLE001" not in run.out and "ROLE002" not in run.out
    assert "ROLE009" in run.out  # the placeholders stay visible: a person must still be named
    # The two roles come back at the end of `roles`, exactly as the scaffold writes them (without
    # the scaffold's comments), and not one other byte of the file moves.
    added = ["  breach_incident_manager:\n", *lines[manager + 1:manager_end], "  signatory:\n", *lines[start + 1:end]]
    at = start + (manager - end)
    assert fixed == "".join(without[:at] + added + without[at:])
    assert lint("--fix", "--diff", cwd=target).out == ""


class BadStatusFix(Rule):
    """A rule whose fix would break the document: --fix must refuse it and write nothing."""

    id, name, summary, fixable = "XFIX002", "bad-fix", "Offers a fix that breaks the schema", True

    def check(self, project, pack):
        for dpisp in project.dpisps.values():
            where = locate(dpisp.metadata, "status")
            yield self.finding(where, "status", fix=Fix("set a wrong status", where.yaml_path, "finished", dpisp.index))


def test_a_refused_file_is_reported_and_left_alone(monkeypatch, drafted):
    import im4cm_lint.engine as engine

    class Plugin:
        @hookimpl
        def im4cm_lint_rules(self):
            return [BadStatusFix]

    real = engine.load_registry
    monkeypatch.setattr(engine, "load_registry", lambda extra=(): real((*extra, Plugin())))
    target, _, edited = drafted
    run = lint("--fix", cwd=target)
    assert (target / "dpisp.yaml").read_text() == edited
    assert "dpisp.yaml: not fixed: the fixed text would not fit the schema. Nothing was written" in run.err
    assert "XFIX002" in run.out
    assert run.code == 1


def test_fix_upgrades_an_outdated_clause_and_locks_an_unlocked_one(drafted, tmp_path):
    from im4cm_lint.pack import resolve_pack
    from im4cm_lint.plugins import load_registry

    target, original, _ = drafted
    pack = resolve_pack(None, load_registry().packs, target).pack
    old, new = pack.clauses["purpose-limitation"]["versions"]["2023.1"], pack.clauses["purpose-limitation"]["versions"]["2024.1"]
    indent = lambda text: "".join("      " + line + "\n" for line in text.rstrip("\n").split("\n"))  # noqa: E731
    assert indent(new) in original
    outdated = original.replace(indent(new), indent(old))
    outdated = outdated.replace("  - id: principles\n", "  - id: principles\n    locked: false   # why not?\n")
    (target / "dpisp.yaml").write_text(outdated)
    assert {"CLAUSE002", "CLAUSE003"} <= lint_json(".", cwd=target).rules()
    run = lint("--fix", cwd=target)
    assert "fixed 2 problems (CLAUSE002, CLAUSE003)" in run.err
    assert (target / "dpisp.yaml").read_text() == original.replace(
        "  - id: principles\n", "  - id: principles\n    locked: true    # why not?\n")  # the comment keeps its column
