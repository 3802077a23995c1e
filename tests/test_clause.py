"""CLAUSE001-CLAUSE008: locked text, older releases, unlocking, missing and unknown clauses,
placeholders and the template version; against a small pack and against the standard."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, lint, lint_json, write
from im4cm_lint.pack import resolve_pack
from im4cm_lint.plugins import load_registry

PACKS, KAKUMA = FIXTURES / "packs", FIXTURES / "countries" / "kakuma-draft"
MINI = str(PACKS / "mini-pack")
BASE = (KAKUMA / "dpisp.yaml").read_text()
TODAY = "2025-09-01"
BREACH = """    text: |
      A participant notifies the breach incident manager within 72 hours
      of becoming aware of a breach, and UNHCR within the same period.
"""


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def clauses(repo, text: str, *options: str, pack: str | None = MINI):
    write(repo, "dpisp.yaml", text)
    chosen = ("--policy-pack", pack) if pack else ()
    run = lint_json("--select", "CLAUSE", *chosen, "--today", TODAY, *options, ".", cwd=repo)
    assert run.code in (0, 1), run.out
    return run, [(d["rule"], d["line"], d["column"], d["severity"]) for d in run.json["diagnostics"]]


def test_clauses_as_released_have_no_finding(repo):
    run, found = clauses(repo, BASE)
    assert found == [] and run.code == 0


def test_changed_locked_text_shows_a_short_word_diff_and_a_fix(repo):
    run, found = clauses(repo, edit(BASE, "within 72 hours", "within 7 days"))
    assert found == [("CLAUSE001", 49, 11, "error")]
    diag = run.json["diagnostics"][0]
    assert diag["message"] == (
        "the locked clause 'Breach notification' (breach) differs from the standard text of mini-standard@2.0: "
        "changed \"72 hours\" to \"7 days\". Locked text must stay word for word: restore the text of "
        "mini-standard@2.0 and put local details in an adaptable clause or an annex")
    assert diag["fix"] == {"description": "restore the text of mini-standard@2.0", "yaml_path": "clauses[breach].text"}


def test_word_diff_is_capped_and_never_quotes_the_whole_clause(repo):
    text = edit(BASE, BREACH, """    text: |
      One participant tells the breach incident manager within 72 hours
      of becoming aware of a breach, and UNHCR and OCHA within the same week, if it wants.
""")
    run, _ = clauses(repo, text)
    message = run.json["diagnostics"][0]["message"]
    assert ('changed "A" to "One"; changed "notifies" to "tells"; added "and OCHA" after "breach, and UNHCR"; '
            'and 1 more change. Locked text') in message
    long = edit(BASE, BREACH, "    text: " + " ".join(f"w{i}" for i in range(60)) + "\n")
    message = clauses(repo, long)[0].json["diagnostics"][0]["message"]
    assert 'to "w0 w1 w2 w3 w4 w5 w6 w7 ..."' in message and "w20" not in message


def test_rewrapping_and_reindenting_a_locked_clause_is_no_change(repo):
    rewrapped = edit(BASE, BREACH, """    text: >-
      A  participant notifies the breach
        incident manager within 72 hours of becoming aware of a breach,
      and UNHCR within the same     period.
""")
    assert clauses(repo, rewrapped)[1] == []
    one_line = edit(BASE, BREACH, "    text: \"A participant notifies the breach incident manager within 72 hours\\n\\tof "
                                  "becoming aware of a breach, and UNHCR within the same period.\"\n")
    assert clauses(repo, one_line)[1] == []


def test_text_of_an_older_release_names_both_versions_and_upgrades(repo):
    older = edit(BASE, BREACH, "    text: A participant notifies the coordination lead without undue delay.\n")
    run, found = clauses(repo, older)
    assert found == [("CLAUSE002", 49, 11, "warning")]
    diag = run.json["diagnostics"][0]
    assert diag["message"].startswith(
        "the locked clause 'Breach notification' (breach) has the text of mini-standard@1.0, an older release; the "
        "current mini-standard@2.0 changed \"coordination lead without undue delay.\" to \"breach incident manager")
    assert diag["message"].endswith("Update it to the text of mini-standard@2.0")
    assert diag["fix"] == {"description": "upgrade to the text of mini-standard@2.0", "yaml_path": "clauses[breach].text"}
    # `rights` is the same in both releases: current, not outdated
    assert "rights" not in str(run.json["diagnostics"])


def test_edited_older_text_is_compared_with_the_closest_release(repo):
    text = edit(BASE, BREACH, "    text: A participant notifies the coordination lead without delay.\n")
    run, found = clauses(repo, text)
    assert found == [("CLAUSE001", 49, 11, "error")]
    assert ("differs from every released text; it is closest to the older mini-standard@1.0, from which it removed "
            "\"undue\"") in run.json["diagnostics"][0]["message"]


def test_fix_restores_the_locked_text(repo):
    write(repo, "dpisp.yaml", edit(BASE, "within 72 hours", "within 7 days"))
    run = lint("--fix", "--select", "CLAUSE", "--policy-pack", MINI, ".", cwd=repo)
    assert run.code == 0, run.out + run.err
    assert (repo / "dpisp.yaml").read_text() == BASE
    write(repo, "dpisp.yaml", edit(BASE, BREACH, "    text: A participant notifies the coordination lead without undue delay.\n"))
    lint("--fix", "--select", "CLAUSE", "--policy-pack", MINI, ".", cwd=repo)
    assert clauses(repo, (repo / "dpisp.yaml").read_text())[1] == []


def test_locked_false_is_reported_and_never_obeyed(repo):
    unlocked = edit(BASE, "  - id: breach\n", "  - id: breach\n    locked: false\n")
    run, found = clauses(repo, unlocked)
    assert found == [("CLAUSE003", 49, 13, "error")]
    assert run.json["diagnostics"][0]["fix"]["yaml_path"] == "clauses[breach].locked"
    _, found = clauses(repo, edit(unlocked, "within 72 hours", "within 7 days"))
    assert [f[0] for f in found] == ["CLAUSE003", "CLAUSE001"]
    # an adaptable clause may say either; a country may lock more
    assert clauses(repo, edit(BASE, "  - id: local\n", "  - id: local\n    locked: false\n"))[1] == []
    assert clauses(repo, edit(BASE, "  - id: local\n", "  - id: local\n    locked: true\n"))[1] == []


def test_missing_locked_clause_follows_status(repo):
    text = edit(BASE, "  - id: rights\n    text: Children and caregivers may ask to see, correct or delete their data.\n", "")
    run, found = clauses(repo, text)
    assert found == [("CLAUSE004", 48, 3, "error")]
    diag = run.json["diagnostics"][0]
    assert diag["yaml_path"] == "clauses[rights]"
    assert diag["message"] == ("the locked clause 'Data-subject rights' (rights) is missing; add it with the text of "
                               "mini-standard@2.0, word for word")
    assert clauses(repo, edit(text, "status: in_force", "status: draft"))[1] == [("CLAUSE004", 48, 3, "warning")]
    # an adaptable clause may be left out
    assert clauses(repo, edit(BASE, "  - id: local\n    text: This protocol covers the Kakuma camps in Turkana County.\n",
                              ""))[1] == []


def test_unknown_clause_id_suggests_the_closest(repo):
    run, found = clauses(repo, edit(BASE, "  - id: rights\n", "  - id: right\n"))
    assert found == [("CLAUSE004", 48, 3, "error"), ("CLAUSE005", 52, 9, "error")]
    assert run.json["diagnostics"][1]["message"] == (
        "clause 'right' is not a clause of the policy pack mini-standard@2.0; did you mean 'rights'?")


@pytest.mark.parametrize("text, expected", [
    ("'This protocol covers [INSERT operation] in [INSERT\n      area].'",
     'still has the placeholders "[INSERT operation]", "[INSERT area]"; replace each with the operation\'s own wording'),
    ("''", "is empty; write the operation's own text, using the pack's template as a guide"),
    ("'   '", "is empty; write the operation's own text, using the pack's template as a guide"),
])
def test_adaptable_clause_with_placeholder_or_empty(repo, text, expected):
    changed = edit(BASE, "    text: This protocol covers the Kakuma camps in Turkana County.\n", f"    text: {text}\n")
    run, found = clauses(repo, changed)
    assert found == [("CLAUSE006", 55, 11, "error")]
    assert run.json["diagnostics"][0]["message"] == f"the clause 'Context' (local) {expected}"
    assert clauses(repo, edit(changed, "status: in_force", "status: draft"))[1] == [("CLAUSE006", 55, 11, "warning")]


def test_template_that_does_not_exist_or_is_superseded(repo):
    run, found = clauses(repo, edit(BASE, "template: mini-standard@2.0", "template: mini-standard@2.1"))
    assert found == [("CLAUSE007", 8, 13, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "template 'mini-standard@2.1' is not a released version of the policy pack in use (mini-standard@2.0); "
        "did you mean 'mini-standard@2.0'?; name the version the protocol was drafted from")
    assert clauses(repo, edit(BASE, "template: mini-standard@2.0", "template: other-pack@2.0"))[1] == [
        ("CLAUSE007", 8, 13, "error")]
    run, found = clauses(repo, edit(BASE, "template: mini-standard@2.0", "template: mini-standard@1.0"))
    assert found == [("CLAUSE008", 8, 13, "warning")]
    assert run.json["diagnostics"][0]["message"] == (
        "the protocol was drafted from mini-standard@1.0, which mini-standard@2.0 supersedes; bring its clauses to "
        "mini-standard@2.0 and set template to 'mini-standard@2.0'")


# --- the standard pack ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def standard():
    return resolve_pack(None, load_registry().packs, Path.cwd()).pack


@pytest.fixture
def drafted(tmp_path):
    target = tmp_path / "et"
    assert lint("init", "--country", "ET", "--operation", "Gambella", str(target)).code == 0
    return target


def standard_clauses(target):
    run = lint_json("--select", "CLAUSE001,CLAUSE002,CLAUSE003,CLAUSE004,CLAUSE005,CLAUSE007,CLAUSE008", "--today",
                    TODAY, ".", cwd=target)
    return run, [(d["rule"], d.get("yaml_path")) for d in run.json["diagnostics"]]


def test_standard_scaffold_carries_the_current_locked_text(drafted):
    run, found = standard_clauses(drafted)
    assert found == [] and run.code == 0


def test_standard_locked_clause_edited_rewrapped_and_outdated(drafted, standard):
    dpisp = drafted / "dpisp.yaml"
    original = dpisp.read_text()
    breach = standard.clauses["breach-management"]["versions"]
    current, older = breach[standard.version], breach["2023.1"]
    block = textwrap.indent(current, "      ")
    assert block in original

    dpisp.write_text(original.replace(block, block.replace("within 72 hours", "within 7 days")))
    run, found = standard_clauses(drafted)
    assert found == [("CLAUSE001", "clauses[breach-management].text")]
    assert 'changed "72 hours" to "7 days"' in run.json["diagnostics"][0]["message"]

    rewrapped = textwrap.indent(textwrap.fill(current, width=55) + "\n", "      ")
    assert rewrapped != block
    dpisp.write_text(original.replace(block, rewrapped))
    assert standard_clauses(drafted)[1] == []

    dpisp.write_text(original.replace(block, textwrap.indent(older, "      ")).replace(
        "template: im4cm-standard@2024.1", "template: im4cm-standard@2023.1"))
    run, found = standard_clauses(drafted)
    assert found == [("CLAUSE008", "metadata.template"), ("CLAUSE002", "clauses[breach-management].text")]
    assert "has the text of im4cm-standard@2023.1, an older release; the current im4cm-standard@2024.1" in \
        run.json["diagnostics"][1]["message"]


def test_standard_locked_clause_dropped_or_unlocked(drafted):
    dpisp = drafted / "dpisp.yaml"
    original = dpisp.read_text()
    without = re.sub(r"\n  - id: data-subject-rights\n.*?(?=\n  - id: )", "", original, count=1, flags=re.S)
    assert "data-subject-rights" not in without
    dpisp.write_text(without)
    assert standard_clauses(drafted)[1] == [("CLAUSE004", "clauses[data-subject-rights]")]
    dpisp.write_text(original.replace("  - id: data-subject-rights\n", "  - id: data-subject-rights\n    locked: false\n"))
    assert standard_clauses(drafted)[1] == [("CLAUSE003", "clauses[data-subject-rights].locked")]


def test_country_pack_that_unlocks_a_standard_clause_is_refused(drafted):
    run = lint_json("--policy-pack", str(PACKS / "unlocking-pack"), ".", cwd=drafted)
    assert run.code == 2
    assert [(d["rule"], d["line"]) for d in run.json["diagnostics"]] == [("CONFIG004", 12)]
    assert "'breach-management' is locked by the pack this one extends" in run.json["diagnostics"][0]["message"]


def test_country_pack_keeps_the_standard_clause_texts_current(drafted):
    run = lint_json("--select", "CLAUSE001,CLAUSE002,CLAUSE004,CLAUSE007,CLAUSE008", "--policy-pack",
                    str(PACKS / "extended-pack"), ".", cwd=drafted)
    assert run.json["diagnostics"] == [] and run.code == 0
