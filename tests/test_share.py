"""SHARE001-SHARE016: need-to-know, from the DPISP's sharing rules down to each exported field.

Every case starts from the clean example in fixtures/countries/clean-refugee (a UNHCR party in three
capacities, two implementing partners, a local authority, CPIMS+ <-> proGres v4 exports), which
lints clean, and changes one thing in it: the change must produce exactly the findings listed,
at the lines listed, and nothing else of the rule under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, lint_json, write

CLEAN = FIXTURES / "countries" / "clean-refugee"
MINI_PACK = FIXTURES / "packs" / "taxonomy-pack"


def example(repo: Path, edits: dict[str, list[tuple[str, str]]] | None = None) -> Path:
    """The clean example in ``repo`` with ``edits`` ({file: [(old, new)]}; each old text occurs once)."""
    for source in CLEAN.glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        for old, new in (edits or {}).get(source.name, []):
            assert text.count(old) == 1, f"{old!r} must occur once in {source.name}"
            text = text.replace(old, new)
        (repo / source.name).write_text(text, encoding="utf-8")
    return repo


def found(repo: Path, select: str, *extra: str):
    """(run, [(rule, path, line)]) for the selected rules; PLUGIN is selected so a crash shows."""
    run = lint_json("--select", f"{select},PLUGIN", *extra, ".", cwd=repo)
    return run, run.findings()


def messages(run) -> list[str]:
    return [d["message"] for d in run.json["diagnostics"]]


def test_clean_example_lints_clean(repo):
    run, findings = found(example(repo), "SHARE,ANNEXC,REF,SCHEMA,PARSE")
    assert findings == [] and run.code == 0


JUSTIFICATION = "The proGres individual number lets the caseworker match the referral to the registered child."
BIP_CATEGORIES = "service.referral, consent.sharing]"
STATS_CATEGORIES = "aggregate.protection_concerns]"
MOSWA_CATEGORIES = "family.care_arrangement, protection.status]"
NO_LOCAL_ACTOR = [("    type: authority\n", "    type: ingo\n"), ("    type: lngo\n", "    type: ingo\n")]


def case(select: str, expected: list, dpisp: list = (), exports: list = ()) -> tuple:
    """A rule selection, the edits to the clean example, and the findings they must produce."""
    return select, {"dpisp.yaml": list(dpisp), "exports.yaml": list(exports)}, expected


CASES = {
    # rule level: categories against the purpose
    "never-allowed-whatever-the-justification": case("SHARE001", [("SHARE001", "dpisp.yaml", 42)], dpisp=[
        (BIP_CATEGORIES, "service.referral, consent.sharing, sensitive.ethnicity]"),
        ("    channel: progres-interop\n    onward_sharing: false",
         "    justification: the BIA panel asked for it\n    channel: progres-interop\n    onward_sharing: false")]),
    "beyond-purpose-even-with-justification": case("SHARE002", [("SHARE002", "dpisp.yaml", 66)], dpisp=[
        (STATS_CATEGORIES, "aggregate.protection_concerns, plan.case_plan]"),
        ("    level: aggregate\n", "    level: aggregate\n    justification: to follow up cases\n")]),
    "justification-missing": case("SHARE003", [("SHARE003", "dpisp.yaml", 46)], dpisp=[
        (f"    justification: {JUSTIFICATION}\n", "")]),
    "justification-blank": case("SHARE003", [("SHARE003", "dpisp.yaml", 54)], dpisp=[
        (JUSTIFICATION, '" "')]),
    # export level
    "unmapped-fields": case("SHARE004", [("SHARE004", "exports.yaml", 20), ("SHARE004", "exports.yaml", 58)], exports=[
        ("  - service_type\n", "  - service_type\n  - custom_x\n"),
        ("{name: cases_open, category: aggregate.case_counts}", "cases_open")]),
    "field-beyond-named-rule": case("SHARE005", [("SHARE005", "exports.yaml", 20)], exports=[
        ("  - service_type\n", "  - service_type\n  - religion\n")]),
    "field-beyond-implied-rule": case("SHARE005", [("SHARE005", "exports.yaml", 42)], exports=[
        ("  - progres_reasonforreferral\n",
         "  - progres_reasonforreferral\n  - individuals.progres_commonyusedname\n")]),
    "explicit-category-wins": case("SHARE005", [("SHARE005", "exports.yaml", 21)], exports=[
        ("category: protection.concern.type}", "category: health.hiv_srh}")]),
    "export-without-rule": case("SHARE006", [("SHARE006", "exports.yaml", 31)], exports=[
        ("purpose: referral.service\nlevel", "purpose: tracing.ftr\nlevel")]),
    "export-names-rule-for-other-flow": case("SHARE007", [("SHARE007", "exports.yaml", 32)], exports=[
        ("purpose: referral.service\n", "purpose: referral.service\nsharing_rule: sc-to-unhcr-bip\n")]),
    # sensitive data to the wrong places
    "severe-to-authority": case("SHARE008", [("SHARE008", "dpisp.yaml", 72)], dpisp=[
        (MOSWA_CATEGORIES, "family.care_arrangement, protection.status, protection.perpetrator]")]),
    "severe-to-unhcr-as-donor": case("SHARE008", [("SHARE008", "dpisp.yaml", 65)], dpisp=[
        ("    unhcr_role: coordinator\n", "    unhcr_role: donor\n"),
        (STATS_CATEGORIES, "aggregate.protection_concerns, protection.gbv]")]),
    "severe-to-unicef-as-coordinator": case("SHARE008", [("SHARE008", "dpisp.yaml", 75)], dpisp=[
        ("sharing:\n", "  - {id: unicef, name: UNICEF Ethiopia, type: un_agency}\nsharing:\n"),
        ("annex_c:\n",
         "  - {id: sc-to-unicef-stats, from: sc, to: unicef, purpose: reporting.statistical,\n"
         "     basis: public_interest, categories: [aggregate.case_counts, protection.gbv]}\nannex_c:\n")]),
    "severe-to-unhcr-as-service-provider-is-for-people-to-justify": case("SHARE008", [], dpisp=[
        (BIP_CATEGORIES, "service.referral, consent.sharing, protection.concern.narrative]")]),
    "individual-rule-for-aggregate-purpose": case("SHARE009", [("SHARE009", "dpisp.yaml", 64)], dpisp=[
        ("    level: aggregate\n", "    level: individual\n")]),
    "individual-export-for-aggregate-purpose": case("SHARE009", [("SHARE009", "exports.yaml", 54)], exports=[
        ("level: aggregate\n", "level: individual\n")]),
    "identifier-in-aggregate-export": case("SHARE009", [("SHARE009", "exports.yaml", 58)], exports=[
        ("  - {name: cases_open, category: aggregate.case_counts}\n",
         "  - {name: cases_open, category: aggregate.case_counts}\n  - {name: case_no, category: record.case_id}\n")]),
    "small-cells": case("SHARE010", [("SHARE010", "exports.yaml", 55)], exports=[
        ("min_cell_size: 5", "min_cell_size: 3")]),
    "no-cell-size": case("SHARE010", [("SHARE010", "exports.yaml", 54)], exports=[("min_cell_size: 5\n", "")]),
    "unencrypted": case("SHARE011", [("SHARE011", "exports.yaml", 60)], exports=[
        ("{encrypted: true, method: sftp}", "{encrypted: false, method: email}")]),
    "unencrypted-low-only-is-fine": case("SHARE011", [], exports=[
        ("{encrypted: true, method: sftp}", "{encrypted: false, method: email}"),
        ("  - {name: cases_by_concern, category: aggregate.protection_concerns}\n", "")]),
    "onward-unnamed": case("SHARE012", [("SHARE012", "dpisp.yaml", 56)], dpisp=[
        ("    onward_recipients: [rdo]\n", "")]),
    # consent
    "consent-field-missing": case("SHARE013", [("SHARE013", "exports.yaml", 11)], exports=[
        ("  - unhcr_export_opt_in\n", "")]),
    "consent-info-sharing-covers-unhcr": case("SHARE013", [], exports=[
        ("  - unhcr_export_opt_in\n", "  - consent_info_sharing\n")]),
    "consent-field-for-other-recipients-does-not-count": case("SHARE013", [("SHARE013", "exports.yaml", 11)], exports=[
        ("  - unhcr_export_opt_in\n", "  - disclosure_other_orgs\n")]),
    "no-consent-field-needed-without-consent-basis": case("SHARE013", [], exports=[
        ("  - unhcr_export_opt_in\n", "")], dpisp=[
        ("    purpose: bip.referral\n    basis: consent", "    purpose: bip.referral\n    basis: best_interests")]),
    "superseded-flag-is-a-consent-flag-but-superseded": case("SHARE013,SHARE014", [("SHARE014", "exports.yaml", 20)],
                                                             exports=[("unhcr_export_opt_in", "unhcr_export_opt_out")]),
    # national counterparts
    "authority-purpose-through-another-party": case("SHARE015", [("SHARE015", "dpisp.yaml", 68)], dpisp=[
        ("    type: authority\n", "    type: un_agency\n")]),
    "no-local-actor": case("SHARE016", [("SHARE016", "dpisp.yaml", 17)], dpisp=NO_LOCAL_ACTOR),
    "local-flag-counts": case("SHARE016", [], dpisp=[
        ("    type: authority\n", "    type: ingo\n"), ("    type: lngo\n", "    type: ingo\n    local: true\n")]),
    "local-false-overrides-type": case("SHARE016", [("SHARE016", "dpisp.yaml", 17)], dpisp=[
        ("    type: authority\n", "    type: authority\n    local: false\n"),
        ("    type: lngo\n", "    type: ingo\n")]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_finding_at_its_line(repo, case):
    select, edits, expected = CASES[case]
    run, findings = found(example(repo, edits), select)
    assert findings == expected
    assert run.code == (1 if any(d["severity"] == "error" for d in run.json["diagnostics"]) else 0)


def test_field_message_names_field_category_rule_and_purpose(repo):
    example(repo, {"exports.yaml": [("  - service_type\n", "  - service_type\n  - concern_details\n")]})
    run, _ = found(repo, "SHARE005")
    assert messages(run) == [
        "field 'concern_details' (category protection.concern.narrative, severe) is sent to unhcr for "
        "'bip.referral' (Referral into UNHCR's Best Interests Procedure), but sharing rule 'sc-to-unhcr-bip' does not "
        "permit that category; remove the field from the export or add the category to the rule with a justification"]


def test_rule_messages_say_what_to_do(repo):
    example(repo, {"dpisp.yaml": [(BIP_CATEGORIES,
                                   "service.referral, consent.sharing, sensitive.ethnicity, plan.case_plan]")],
                   "exports.yaml": [("purpose: referral.service\nlevel", "purpose: tracing.ftr\nlevel"),
                                    ("  - unhcr_export_opt_in\n", "")]})
    run, findings = found(repo, "SHARE001,SHARE002,SHARE006,SHARE013")
    assert [f[0] for f in findings] == ["SHARE001", "SHARE002", "SHARE013", "SHARE006"]
    never, beyond, consent, no_rule = messages(run)
    assert "category sensitive.ethnicity (severe)" in never and "whatever the justification" in never
    assert "category plan.case_plan (high)" in beyond and "'bip.referral'" in beyond
    assert "add 'consent_info_sharing' or 'unhcr_export_opt_in'" in consent
    assert "no sharing rule from unhcr to sc for that purpose (it has rules from unhcr to sc for referral.service)" \
        in no_rule
    assert all("; " in m for m in messages(run))  # what is wrong; what to do


def test_rule_mismatch_suggests_the_rule_that_covers_the_flow(repo):
    example(repo, {"exports.yaml": [("purpose: referral.service\n",
                                     "purpose: referral.service\nsharing_rule: sc-to-unhcr-bip\n")]})
    run, _ = found(repo, "SHARE")
    # the export's fields are not judged against a rule for another flow: one finding, not a cascade
    assert run.findings() == [("SHARE007", "exports.yaml", 32)]
    assert "sharing rule 'unhcr-to-sc-referral' covers this flow: name it instead" in messages(run)[0]


def test_no_local_actor_is_a_note_that_does_not_fail_the_run(repo):
    example(repo, {"dpisp.yaml": NO_LOCAL_ACTOR})
    run, _ = found(repo, "SHARE016")
    assert [d["severity"] for d in run.json["diagnostics"]] == ["info"] and run.code == 0


def test_configured_cell_size_threshold_applies(repo):
    example(repo)
    write(repo, ".im4cm-lint.yaml", "thresholds:\n  min_cell_size: 10\n")
    run, findings = found(repo, "SHARE010")
    assert findings == [("SHARE010", "exports.yaml", 55)]
    assert "below the minimum cell size of 10" in messages(run)[0]


def test_unresolved_ids_are_left_to_ref(repo):
    example(repo, {"dpisp.yaml": [("    purpose: reporting.statistical\n", "    purpose: reporting.statistics\n"),
                                  (MOSWA_CATEGORIES, "family.care_arrangment, protection.status]")],
                   "exports.yaml": [("{name: cp_flag_2024, category: protection.concern.type}",
                                     "{name: cp_flag_2024, category: protection.concern}")]})
    run, findings = found(repo, "SHARE,REF")
    assert sorted(f[0] for f in findings) == ["REF005", "REF006", "REF006", "SHARE007"]


def test_suppression_with_a_reason_records_a_decision(repo):
    example(repo, {"dpisp.yaml": [
        (MOSWA_CATEGORIES,
         "family.care_arrangement, protection.status,\n"
         "                 # im4cm-lint: disable=SHARE008 -- court order 2025/17, reviewed by the DP focal point\n"
         "                 protection.perpetrator]"),
        ("    basis: best_interests\n", "    basis: legal_obligation\n    justification: court order 2025/17\n")]})
    run, findings = found(repo, "SHARE")
    assert findings == [("SHARE008", "dpisp.yaml", 75)] and run.code == 0
    assert run.json["diagnostics"][0]["suppressed"]["reason"] == "[51 characters]"  # by length (contract 5.5)


def test_checks_follow_the_selected_pack(repo):
    """Every list the checks use comes from the pack: a pack with other systems, field maps,
    consent fields, purposes and thresholds gives other findings on the same kind of document."""
    write(repo, "dpisp.yaml", """
        apiVersion: im4cm/v1
        kind: DPISP
        metadata: {id: mini, country: KE, operation: Kakuma, setting: refugee, template: issue4-mini@1.0,
                   version: 1.0.0, status: draft}
        parties:
          - {id: irc, name: IRC, type: ingo}
          - {id: ngo, name: Local NGO, type: lngo}
        sharing:
          - {id: irc-to-ngo, from: irc, to: ngo, purpose: help, basis: consent, categories: [child.sex, child.name]}
          - {id: irc-to-ngo-stats, from: irc, to: ngo, purpose: stats, basis: consent, categories: [counts]}
        """)
    write(repo, "export.yaml", """
        apiVersion: im4cm/v1
        kind: DataExport
        metadata: {id: kobo-help, dpisp: mini}
        system: kobo
        owner: irc
        recipient: ngo
        purpose: help
        level: individual
        fields: [child_sex, child_name, story]
        transport: {encrypted: true}
        ---
        apiVersion: im4cm/v1
        kind: DataExport
        metadata: {id: kobo-stats, dpisp: mini}
        system: kobo
        owner: irc
        recipient: ngo
        purpose: stats
        level: aggregate
        min_cell_size: 5
        fields: [{name: n, category: counts}]
        transport: {encrypted: true}
        """)
    run, findings = found(repo, "SHARE", "--policy-pack", str(MINI_PACK))
    assert findings == [
        ("SHARE003", "dpisp.yaml", 9),  # child.name needs a justification for 'help' in this pack
        ("SHARE013", "export.yaml", 9),  # 'agreed_sharing' is this pack's consent field for NGOs
        ("SHARE005", "export.yaml", 9),  # 'story' maps to concern.narrative in this pack's kobo map
        ("SHARE010", "export.yaml", 20),  # this pack's minimum cell size is 10
    ]
    assert "add 'agreed_sharing'" in messages(run)[1]


def test_checks_do_no_io(repo, monkeypatch):
    """Cross-document checks read the project model built once per run: no file is opened again."""
    import builtins

    from im4cm_lint import loader
    from im4cm_lint.engine import Options, run
    from im4cm_lint.plugins import load_registry

    example(repo, {"exports.yaml": [("  - service_type\n", "  - service_type\n  - religion\n  - custom_x\n")]})
    monkeypatch.chdir(repo)
    result = run(["."], Options())
    expected = sorted((d.rule, d.location.line) for d in result.diagnostics if d.rule[:5] in ("SHARE", "ANNEX"))
    assert expected  # the edit above must be found, or this test proves nothing
    rules = [rule for rid, rule in sorted(load_registry().rules.items()) if rid[:5] in ("SHARE", "ANNEX")]

    def no_io(*args, **kwargs):
        raise AssertionError("a check read a file")

    with monkeypatch.context() as guard:
        guard.setattr(builtins, "open", no_io)
        guard.setattr(loader, "load_file", no_io)
        again = sorted((d.rule, d.location.line) for rule in rules for d in rule.check(result.project, result.pack))
    assert again == expected


def test_severe_to_authority_with_a_justification_is_a_warning_for_review(repo):
    """The pack allows some severe categories to authorities with a justification: the rule is
    then flagged for review (warning), not refused; without one it stays an error."""
    edits = {"dpisp.yaml": [
        (MOSWA_CATEGORIES, "family.care_arrangement, protection.status, protection.concern.narrative]\n"
                           "    justification: the court needs the circumstances to place the child")]}
    run, findings = found(example(repo, edits), "SHARE")
    assert findings == [("SHARE008", "dpisp.yaml", 72)]
    [diag] = run.json["diagnostics"]
    assert diag["severity"] == "warning" and "waiver" in diag["message"] and "suppress" not in diag["message"]
    assert run.code == 0
