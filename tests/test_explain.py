"""``--explain FILE``: the drafting walkthrough, section by section, in plain language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import EXAMPLES, lint, lint_json

CLAUSE_WORDS = "compatible with them. No participant uses it"


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    """A fresh scaffold of a refugee operation with one implementing partner."""
    target = tmp_path / "et"
    run = lint("init", "--country", "ET", "--operation", "Gambella", "--implementing-partner", "sc", str(target))
    assert run.code == 0, run.err
    return target


def drop_role(text: str, role: str) -> str:
    """The DPISP text without the assignment of ``role`` (a key directly under ``roles:``)."""
    return re.sub(rf"\n  {role}:.*?(?=\n  [a-z_]+:|\n\n)", "", text, count=1, flags=re.S)


def test_walkthrough_names_each_missing_role_and_marks_locked_clauses(drafted):
    dpisp = drafted / "dpisp.yaml"
    text = drop_role(dpisp.read_text(), "unhcr_bip_focal_point")
    text = drop_role(text, "breach_incident_manager")
    assert CLAUSE_WORDS in text
    dpisp.write_text(text.replace(CLAUSE_WORDS, "compatible with them. A participant may use it"))
    run = lint("--explain", "dpisp.yaml", cwd=drafted)
    assert run.code == 0, run.err
    out = run.out
    assert "UNHCR Best Interests Procedure focal point (unhcr_bip_focal_point): MISSING" in out
    assert "Data breach incident manager (breach_incident_manager): MISSING" in out
    assert "Coordination lead (process_lead): held at unhcr" in out
    assert "[LOCKED] 2. Purpose and objectives (purpose-limitation)" in out
    assert "[ADAPTABLE] 1. Context of the response (local-context)" in out
    assert "the text differs from the standard's; locked text must stay word for word" in out
    steps = out.split("Next steps", 1)[1]
    assert re.search(r"\[Roles\] ROLE001 warning \(line \d+\): no one holds the role "
                     r"'UNHCR Best Interests Procedure focal point' \(unhcr_bip_focal_point\)", steps)
    assert "(breach_incident_manager)" in steps
    assert steps.index("CLAUSE001 error") < steps.index("ROLE001 warning")  # errors first
    headings = [line for line in out.splitlines() if re.match(r"\d+\. ", line)]
    assert headings == ["1. Cover", "2. Parties", "3. Roles", "4. Clauses", "5. Sharing rules",
                        "6. Annex C (UNHCR implementing partners)", "7. Signatures"]
    assert "\x1b[" not in out


def test_findings_land_in_their_section_and_errors_come_first(drafted):
    dpisp = drafted / "dpisp.yaml"
    dpisp.write_text(dpisp.read_text().replace("    to: unhcr\n", "    to: unhrc\n"))
    out = lint("--explain", "dpisp.yaml", cwd=drafted).out
    sharing = out.split("5. Sharing rules", 1)[1].split("6. Annex C", 1)[0]
    assert re.search(r"! next steps 1, \d+ \(LIFE009, REF002\)", sharing)  # the section points at its steps
    first_step = out.split("Next steps", 1)[1].strip().splitlines()[0]
    assert re.match(r"1\. \[Sharing rules\] REF002 error \(line \d+\): sharing rule 'example-referral' "
                    r"\('to'\) names 'unhrc'", first_step)


def test_markdown_for_an_email_or_a_wiki(drafted):
    run = lint("--explain", "dpisp.yaml", "--format", "markdown", cwd=drafted)
    assert run.code == 0
    out = run.out
    assert out.startswith("# DPISP `et-gambella` (dpisp.yaml)\n")
    assert "## 3. Roles" in out and "## Next steps" in out
    assert "### **LOCKED** 2. Purpose and objectives (purpose-limitation)" in out
    assert "### **ADAPTABLE** 1. Context of the response (local-context)" in out
    assert "**Who:** the Coordination lead (process_lead)" in out


def test_people_are_never_named(drafted):
    dpisp = drafted / "dpisp.yaml"
    dpisp.write_text(dpisp.read_text().replace("'[INSERT name of the Coordination lead]'", "Amina Yusuf", 1))
    out = lint("--explain", "dpisp.yaml", cwd=drafted).out
    assert "Amina" not in out
    assert "Coordination lead (process_lead): held at unhcr; 1 name still a placeholder" in out


def test_dpia_and_export_walkthroughs(drafted):
    dpia = lint("--explain", "dpia.yaml", cwd=drafted).out
    assert "DPIA 'et-gambella-dpia'" in dpia
    assert "r1: likelihood medium, impact high, residual medium, owner dpia_owner" in dpia
    export = lint("--explain", "exports/example.yaml", cwd=drafted).out
    assert "cpims+: sc -> unhcr, purpose bip.referral, individual level, under sharing rule example-referral" in export
    assert "encrypted: yes" in export
    assert "REF003" not in export  # the DPISP is found: the whole repository was linted


def test_export_problem_shows_in_its_walkthrough(drafted):
    export = drafted / "exports" / "example.yaml"
    export.write_text(export.read_text().replace("sharing_rule: example-referral", "sharing_rule: example-refferal"))
    out = lint("--explain", str(export), cwd=drafted).out
    flow = out.split("2. The flow", 1)[1].split("3. Fields", 1)[0]
    assert "! next step 1 (REF004)" in flow
    assert re.search(r"1\. \[The flow\] REF004 error \(line \d+\): .*did you mean 'example-referral'\?", out)


def test_unreadable_file_is_explained_not_crashed(repo):
    (repo / "d.yaml").write_text("apiVersion: im4cm/v1\nkind: DPISP\nmetadata: [\n")
    run = lint("--explain", "d.yaml", cwd=repo)
    assert run.code == 0
    assert "Findings about the file itself" in run.out and "PARSE001" in run.out


def test_machine_formats_are_refused_for_a_walkthrough(drafted):
    run = lint("--explain", "dpisp.yaml", "--format", "json", cwd=drafted)
    assert run.code == 2
    assert "text or markdown" in run.err


def test_a_walkthrough_whose_lint_cannot_run_exits_2_with_the_report(repo):
    (repo / ".im4cm-lint.yaml").write_text("policy-pack: no-such-pack\n")
    (repo / "d.yaml").write_text("apiVersion: im4cm/v1\nkind: DPIA\n")
    run = lint("--explain", "d.yaml", cwd=repo)
    assert run.code == 2
    assert run.out == ""
    assert "CONFIG003 error policy pack 'no-such-pack' not found" in run.err
    assert "Traceback" not in run.err


# --- --explain PURPOSE_ID / CATEGORY_ID: the pack's pages, through the plugin hook -----------------

def test_explain_purpose_prints_its_page(tmp_path):
    run = lint("--explain", "bip.referral", cwd=tmp_path)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "bip.referral: Referral into UNHCR's Best Interests Procedure"
    assert "Shares individual records; legitimate bases: consent, best_interests; meant for: unhcr." in lines
    assert "Needs (list these in the sharing rule's categories):" in lines
    assert "  - identity.name (high): Name of the child" in lines
    assert "Never allowed, whatever the justification:" in lines


def test_explain_category_prints_its_page_and_json_record(tmp_path):
    run = lint("--explain", "identity.name", cwd=tmp_path)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0].startswith("identity.name: Name of the child (high; identifies a person)")
    assert re.search(r"^Purposes that need it: .*bip\.referral", run.out, re.M)
    as_json = lint("--explain", "identity.name", "--format", "json", cwd=tmp_path)
    assert as_json.code == 0
    assert as_json.json["categories"] == [{"id": "identity.name", "name": "Name of the child",
                                              "sensitivity": "high", "identifiable": True}]
    markdown = lint("--explain", "bip.referral", "--format", "markdown", cwd=tmp_path)
    assert markdown.out.startswith("# bip.referral: Referral into UNHCR's Best Interests Procedure\n")


def test_explain_uses_the_configured_pack(tmp_path):
    (tmp_path / ".im4cm-lint.yaml").write_text("policy-pack: no-such-pack\n")
    run = lint("--explain", "bip.referral", cwd=tmp_path)
    assert run.code == 2
    assert "no rule, purpose or category 'bip.referral' and no such file." in run.err


def test_unknown_explain_target_suggests_rules_purposes_and_categories(tmp_path):
    run = lint("--explain", "identity.nme", cwd=tmp_path)
    assert run.code == 2
    assert ("Error: no rule, purpose or category 'identity.nme' and no such file. Did you mean: "
            "identity.name, identity.sex, identity.dob_age? 'im4cm-lint rules' lists the rules, "
            "'im4cm-lint pack purposes categories' the purposes and categories.") in run.err
    err = lint("--explain", "LIFE01", cwd=tmp_path).err
    assert "Did you mean: " in err and "LIFE001" in err


# --- each finding once; a clean protocol on one screen; Annex C's clauses --------------------------

def test_each_finding_is_written_once(drafted):
    run = lint("--explain", "dpisp.yaml", cwd=drafted)
    assert run.code == 0
    messages = [line.split("): ", 1)[1] for line in run.out.splitlines() if re.search(r"[A-Z]+\d{3} \w+ \(line \d+\): ", line)]
    listed = lint_json(cwd=drafted).json["diagnostics"]
    assert len(messages) == len([d for d in listed if d["path"] == "dpisp.yaml"])
    lines = [line for line in run.out.splitlines() if "): " in line]
    assert len(lines) == len(set(lines))
    roles = run.out.split("3. Roles", 1)[1].split("4. Clauses", 1)[0]
    assert re.search(r"! next steps \d+-\d+ \(LIFE009, ROLE009\)", roles)


def test_a_clean_protocol_fits_one_screen():
    run = lint("--explain", "dpisp.yaml", cwd=EXAMPLES / "et-gambella")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert len(lines) <= 40
    assert "   - 20 clauses (13 locked, 7 adaptable), all as the standard expects" in lines
    assert "   - and 3 more (--format markdown lists them all)" in lines
    assert lines[-1] == "   Nothing left to fix here. Keep it under review: confirm the roles and the review date."
    full = lint("--explain", "dpisp.yaml", "--format", "markdown", cwd=EXAMPLES / "et-gambella").out
    assert "- rrs: authority" in full


def test_annex_c_lists_the_clauses_of_this_protocol_that_meet_each_open_obligation(drafted):
    out = lint("--explain", "dpisp.yaml", cwd=drafted).out
    annex = out.split("6. Annex C", 1)[1].split("7. Signatures", 1)[0]
    assert "   - not met yet: breach-notification; clause of this protocol that meets it: breach-management\n" in annex
    assert ("   - not met yet: data-categories; clauses of this protocol that meet it: information-sharing, "
            "collection, principles\n") in annex
    assert "   - not met yet: audit; clause of this protocol that meets it: review-amendment (or the partnership agreement)" in annex


def test_dpia_walkthrough_shows_its_placeholders(drafted):
    run = lint("--explain", "dpia.yaml", cwd=drafted)
    assert "Nothing left to fix" not in run.out
    risks = run.out.split("3. Risks", 1)[1].split("4. Sign-off", 1)[0]
    assert "! next steps 2-3 (LIFE009)" in risks  # the description and the mitigation, not "other findings"
    assert "Other findings" not in run.out
    steps = run.out.split("Next steps", 1)[1]
    assert re.search(r'\[Risks\] LIFE009 warning \(line 22\): DPIA et-gambella-dpia still has the placeholder '
                     r'"\[INSERT what reduces the risk\]"', steps)
