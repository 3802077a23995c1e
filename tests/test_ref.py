"""REF001-REF004: ids that repeat and references to parties, DPISPs and sharing rules."""

from __future__ import annotations

from conftest import lint_json, write

DPISP = """
    apiVersion: im4cm/v1
    kind: DPISP
    metadata:
      id: et-gambella
      country: ET
      operation: Gambella refugee response
      setting: refugee
      template: im4cm-standard@2024.1
      version: 1.0.0
      status: draft
    parties:
      - {id: unhcr, name: UNHCR Ethiopia, type: un_agency, unhcr_roles: [service_provider]}
      - {id: sc, name: Save the Children, type: ingo}
    roles:
      process_lead:
        holder: {name: A. Tesfaye, title: CMTF Coordinator, party: sc}
        backup: {name: B. Okello, title: CP Specialist, party: scc}
    sharing:
      - {id: sc-to-unhcr, from: sc, to: unhcr, unhcr_role: service_provider, purpose: bip.referral,
         basis: consent, categories: [identity.name]}
    signatures:
      - {party: sc, by: {name: C. Director}, signed: 2025-02-20}
    """

EXPORT = """
    apiVersion: im4cm/v1
    kind: DataExport
    metadata: {id: cpims-unhcr, dpisp: et-gambella}
    system: cpims+
    owner: sc
    recipient: unhcr
    purpose: bip.referral
    sharing_rule: sc-to-unhcr
    level: individual
    fields: [name_first]
    transport: {encrypted: true}
    """


def ref(repo):
    run = lint_json("--select", "REF001,REF002,REF003,REF004", ".", cwd=repo)
    return run, [(d["rule"], d["path"], d["line"], d["column"]) for d in run.json["diagnostics"]]


def test_clean_references(repo):
    write(repo, "dpisp.yaml", DPISP.replace("party: scc", "party: sc"))
    write(repo, "export.yaml", EXPORT)
    run, found = ref(repo)
    assert found == [] and run.code == 0


def test_unknown_party_in_a_role_points_at_the_value(repo):
    write(repo, "dpisp.yaml", DPISP)
    run, found = ref(repo)
    assert found == [("REF002", "dpisp.yaml", 17, 60)]
    assert "did you mean 'sc'?" in run.json["diagnostics"][0]["message"]
    assert run.code == 1


def test_unknown_party_in_sharing_signature_and_export(repo):
    write(repo, "dpisp.yaml", DPISP.replace("party: scc", "party: sc").replace("to: unhcr,", "to: unhrc,")
          .replace("- {party: sc,", "- {party: irc,"))
    write(repo, "export.yaml", EXPORT.replace("owner: sc", "owner: save"))
    _, found = ref(repo)
    assert found == [
        ("REF002", "dpisp.yaml", 19, 37),
        ("REF002", "dpisp.yaml", 22, 13),
        ("REF002", "export.yaml", 5, 8),
    ]


def test_unknown_dpisp_and_sharing_rule(repo):
    write(repo, "dpisp.yaml", DPISP.replace("party: scc", "party: sc"))
    write(repo, "a.yaml", EXPORT.replace("dpisp: et-gambella", "dpisp: et-gambela"))
    write(repo, "b.yaml", EXPORT.replace("id: cpims-unhcr", "id: other").replace("sharing_rule: sc-to-unhcr",
                                                                               "sharing_rule: sc-to-unicef"))
    run, found = ref(repo)
    assert found == [("REF003", "a.yaml", 3, 36), ("REF004", "b.yaml", 8, 15)]
    messages = [d["message"] for d in run.json["diagnostics"]]
    assert "did you mean 'et-gambella'?" in messages[0]


def test_duplicate_ids_in_a_section_and_across_documents(repo):
    write(repo, "dpisp.yaml", DPISP.replace("party: scc", "party: sc").replace(
        "  - {id: sc, name: Save the Children, type: ingo}",
        "  - {id: sc, name: Save the Children, type: ingo}\n      - {id: sc, name: Solidarites, type: ingo}"))
    write(repo, "a.yaml", EXPORT)
    write(repo, "b.yaml", EXPORT)
    run, found = ref(repo)
    assert found == [("REF001", "b.yaml", 3, 16), ("REF001", "dpisp.yaml", 14, 10)]
    assert "first on line 13" in run.json["diagnostics"][1]["message"]
