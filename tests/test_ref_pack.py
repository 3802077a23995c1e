"""REF005-REF009: ids that only the policy pack defines (purposes, categories, roles, clauses,
systems), with "did you mean" suggestions."""

from __future__ import annotations

from conftest import FIXTURES, lint_json, write

PACKS, KAKUMA = FIXTURES / "packs", FIXTURES / "countries" / "kakuma-draft"
MINI = str(PACKS / "mini-pack")
DPISP = (KAKUMA / "dpisp.yaml").read_text()
DPIA = (KAKUMA / "dpia.yaml").read_text()
EXPORT = """
    apiVersion: im4cm/v1
    kind: DataExport
    metadata: {id: cpims-unhcr, dpisp: ke-kakuma}
    system: cpims+
    owner: sc
    recipient: unhcr
    purpose: referral.service
    sharing_rule: sc-to-unhcr
    level: individual
    fields: [name_first, {name: custom_flag, category: protection.concern.type}]
    transport: {encrypted: true}
    """
ANNEX = """annex_c:
  applies_to: [sc]
  breach-notification: {met: true, clause: breach}
"""
NEW_REFS = "REF005,REF006,REF007,REF008,REF009"


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def refs(repo, dpisp: str = DPISP, dpia: str = DPIA, export: str = EXPORT):
    write(repo, "dpisp.yaml", dpisp)
    write(repo, "dpia.yaml", dpia)
    write(repo, "export.yaml", export)
    run = lint_json("--select", NEW_REFS, "--policy-pack", MINI, ".", cwd=repo)
    return run, [(d["rule"], d["path"], d["line"], d["column"]) for d in run.json["diagnostics"]]


def messages(run) -> list[str]:
    return [d["message"] for d in run.json["diagnostics"]]


def test_ids_the_pack_defines_resolve(repo):
    run, found = refs(repo, dpisp=DPISP + ANNEX)
    assert found == [] and run.code == 0


def test_unknown_purpose_in_a_sharing_rule_an_export_and_a_dpia(repo):
    run, found = refs(repo, dpisp=edit(DPISP, "purpose: referral.service", "purpose: referal.service"),
                      dpia=edit(DPIA, "purposes: [referral.service]", "purposes: [referral.service, statistics]"),
                      export=edit(EXPORT, "purpose: referral.service", "purpose: referral"))
    assert found == [("REF005", "dpia.yaml", 5, 90), ("REF005", "dpisp.yaml", 57, 83), ("REF005", "export.yaml", 7, 10)]
    assert messages(run)[1] == ("sharing rule 'sc-to-unhcr' names the purpose 'referal.service', which the policy pack "
                                "mini-standard@2.0 does not define; did you mean 'referral.service'?")
    assert messages(run)[0] == ("processing 'case-management' names the purpose 'statistics', which the policy pack "
                                "mini-standard@2.0 does not define; known: referral.service, reporting.statistical")
    assert run.code == 1


def test_unknown_category_in_a_sharing_rule_and_an_export_field(repo):
    run, found = refs(repo, dpisp=edit(DPISP, "categories: [identity.name]", "categories: [identity.nam]"),
                      export=edit(EXPORT, "category: protection.concern.type", "category: protection.concern"))
    assert found == [("REF006", "dpisp.yaml", 58, 35), ("REF006", "export.yaml", 10, 52)]
    assert messages(run) == [
        "sharing rule 'sc-to-unhcr' names the data category 'identity.nam', which the policy pack mini-standard@2.0 "
        "does not define; did you mean 'identity.name'?",
        "export field 'custom_flag' names the data category 'protection.concern', which the policy pack "
        "mini-standard@2.0 does not define; did you mean 'protection.concern.type'?"]


def test_unknown_role_id_in_roles_risks_and_signoff(repo):
    dpia = edit(DPIA, "owner: data_protection_focal_point", "owner: dp_focal_point")
    dpia += "signoff:\n  - {role: dpia_ownr, by: E. Njeri, signed: 2025-02-01}\n"
    run, found = refs(repo, dpisp=edit(DPISP, "  process_lead:\n", "  process_leed:\n"), dpia=dpia)
    assert found == [("REF007", "dpia.yaml", 12, 12), ("REF007", "dpia.yaml", 15, 12), ("REF007", "dpisp.yaml", 19, 3)]
    assert messages(run)[2] == ("'roles' names the role 'process_leed', which the policy pack mini-standard@2.0 does not "
                                "define; did you mean 'process_lead'?")
    assert run.json["diagnostics"][2]["yaml_path"] == "roles.process_leed"


def test_unknown_clause_cited_by_annex_c(repo):
    run, found = refs(repo, dpisp=DPISP + edit(ANNEX, "clause: breach}", "clause: breech}"))
    assert found == [("REF008", "dpisp.yaml", 64, 44)]
    assert messages(run) == ["Annex C entry 'breach-notification' cites clause 'breech', which is neither a clause of "
                             "ke-kakuma nor of the policy pack; did you mean 'breach'?"]


def test_unknown_system_of_a_party_a_dpia_and_an_export(repo):
    run, found = refs(repo, dpisp=edit(DPISP, "systems: [cpims+]}", "systems: [cpims]}"),
                      dpia=edit(DPIA, "systems: [cpims+]", "systems: [cpims+, excel]"),
                      export=edit(EXPORT, "system: cpims+", "system: spreadsheet"))
    assert found == [("REF009", "dpia.yaml", 5, 45), ("REF009", "dpisp.yaml", 16, 61), ("REF009", "export.yaml", 4, 9)]
    assert messages(run)[1] == ("party 'sc' names the system 'cpims', which the policy pack mini-standard@2.0 does not "
                                "define; did you mean 'cpims+'?")


def test_new_refs_against_the_standard_pack(repo):
    """The standard knows the ids the contract's own example uses, and suggests the closest."""
    dpisp = edit(edit(DPISP, "template: mini-standard@2.0", "template: im4cm-standard@2024.1"),
                 "purpose: referral.service", "purpose: bip.referal")
    write(repo, "dpisp.yaml", dpisp)
    run = lint_json("--select", NEW_REFS, ".", cwd=repo)
    found = [(d["rule"], d["message"]) for d in run.json["diagnostics"]]
    assert ("REF005", "sharing rule 'sc-to-unhcr' names the purpose 'bip.referal', which the policy pack "
                      "im4cm-standard@2024.1 does not define; did you mean 'bip.referral'?") in found
    assert {rule for rule, _ in found} == {"REF005"}
