"""ROLE001-ROLE009 against a small pack (tests/fixtures/packs/mini-pack) and the standard, and a
country pack that extends the standard with a role and a tighter threshold."""

from __future__ import annotations

import re

from conftest import FIXTURES, lint, lint_json, write

PACKS, KAKUMA = FIXTURES / "packs", FIXTURES / "countries" / "kakuma-draft"
MINI = str(PACKS / "mini-pack")
BASE = (KAKUMA / "dpisp.yaml").read_text()
TODAY = "2025-09-01"


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def roles(repo, text: str, *options: str, pack: str = MINI):
    write(repo, "dpisp.yaml", text)
    run = lint_json("--select", "ROLE", "--policy-pack", pack, "--today", TODAY, *options, ".", cwd=repo)
    found = [(d["rule"], d["line"], d["column"], d["severity"]) for d in run.json["diagnostics"]]
    return run, found


def test_a_complete_assignment_has_no_finding(repo):
    run, found = roles(repo, BASE)
    assert found == [] and run.code == 0


def test_missing_process_role_points_at_roles_and_follows_status(repo):
    text = edit(BASE, """  process_lead:
    holder: {name: A. Achieng, title: CP Officer, party: unhcr}
    backup: {name: B. Otieno, title: Associate CP Officer, party: unhcr}
    confirmed: 2025-06-01
    trained: 2025-01-20
""", "")
    run, found = roles(repo, text)
    assert found == [("ROLE001", 19, 3, "error")]
    diag = run.json["diagnostics"][0]
    assert diag["yaml_path"] == "roles.process_lead"
    assert diag["message"] == ("no one holds the role 'Coordination lead' (process_lead), which a refugee protocol "
                               "requires; name a holder and a backup under 'roles'")
    _, found = roles(repo, edit(text, "status: in_force", "status: draft"))
    assert found == [("ROLE001", 19, 3, "warning")]


def test_role_gates_setting_systems_and_unhcr(repo):
    no_bip = edit(BASE, """  unhcr_bip_focal_point:
    holder: {name: A. Achieng, title: CP Officer, party: unhcr}
    confirmed: 2025-06-01
""", "")
    _, found = roles(repo, no_bip)
    assert found == [("ROLE001", 19, 3, "error")]
    assert roles(repo, edit(no_bip, "setting: refugee", "setting: idp"))[1] == []  # BIP: refugee settings only
    no_admin = edit(BASE, """  system_administrator:
    holder: {name: I. Kiprop, title: IM Officer, party: unhcr}
    confirmed: 2025-06-01
""", "")
    run, found = roles(repo, no_admin)
    assert [f[0] for f in found] == ["ROLE001"] and "system_administrator" in run.json["diagnostics"][0]["message"]
    # required only when some party runs CPIMS+ ...
    assert roles(repo, edit(no_admin, "systems: [cpims+]", "systems: [kobo]"))[1] == []
    # ... or a system with the same field map (Primero)
    assert [f[0] for f in roles(repo, edit(no_admin, "systems: [cpims+]", "systems: [primero]"))[1]] == ["ROLE001"]


def test_party_role_missing_for_a_party_that_shares_data(repo):
    text = edit(BASE, """    - holder: {name: G. Odhiambo, title: CP Manager, party: sc}
      backup: {name: H. Chebet, title: CM Supervisor, party: sc}
      confirmed: 2025-06-01
      trained: 2025-01-20
""", "")
    run, found = roles(repo, text)
    assert found == [("ROLE002", 30, 5, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "no one holds the role 'Data protection focal point' (data_protection_focal_point) for party 'sc', which "
        "shares or receives data; name a holder and a backup from the same agency for each agency")


def test_party_types_decide_which_sharing_parties_need_a_role(repo):
    # rcs (a local NGO) starts sharing: it needs a signatory, but the pack asks a data protection
    # focal point only of UN agencies and international NGOs.
    text = edit(BASE, "signatures:", """  - {id: rcs-to-unhcr, from: rcs, to: unhcr, unhcr_role: service_provider, purpose: referral.service,
     basis: consent, categories: [identity.name]}
signatures:""")
    run, found = roles(repo, text)
    assert found == [("ROLE002", 25, 5, "error")]
    assert "'Agency signatory' (signatory) for party 'rcs'" in run.json["diagnostics"][0]["message"]


def test_a_whole_per_agency_role_missing_names_every_party(repo):
    text = edit(BASE, """  signatory:
    - holder: {name: C. Wanjiru, title: Representative, party: unhcr}
      confirmed: 2025-06-01
    - holder: {name: D. Kamau, title: Country Director, party: sc}
      confirmed: 2025-06-01
""", "")
    run, found = roles(repo, text)
    assert found == [("ROLE002", 19, 3, "error")]
    diag = run.json["diagnostics"][0]
    assert diag["yaml_path"] == "roles.signatory"
    assert "for parties 'unhcr' and 'sc', which share or receive data" in diag["message"]


def test_missing_backup_or_backup_who_is_the_holder(repo):
    run, found = roles(repo, edit(BASE, "    backup: {name: B. Otieno, title: Associate CP Officer, party: unhcr}\n", ""))
    assert found == [("ROLE003", 20, 5, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "the role 'Coordination lead' (process_lead) has no backup; name another person as backup")
    run, found = roles(repo, edit(BASE, "backup: {name: B. Otieno,", "backup: {name: ' a.  ACHIENG',"))
    assert found == [("ROLE003", 21, 20, "error")]
    assert "names the holder as their own backup" in run.json["diagnostics"][0]["message"]
    # the signatory's backup is optional in the pack
    assert roles(repo, BASE)[1] == []


def test_backup_from_another_agency(repo):
    run, found = roles(repo, edit(BASE, "backup: {name: H. Chebet, title: CM Supervisor, party: sc}",
                                  "backup: {name: H. Chebet, title: CM Supervisor, party: unhcr}"))
    assert found == [("ROLE004", 35, 62, "warning")]
    assert run.json["diagnostics"][0]["message"] == (
        "the backup for the role 'Data protection focal point' (data_protection_focal_point) for party 'sc' is from "
        "party 'unhcr', not from the holder's agency 'sc'; name a backup from 'sc'")
    draft = edit(BASE, "status: in_force", "status: draft")
    assert roles(repo, edit(draft, "CM Supervisor, party: sc}", "CM Supervisor, party: unhcr}"))[1] == [
        ("ROLE004", 35, 62, "info")]
    # the coordination lead's backup may come from another agency (backup: required, not same_party)
    assert roles(repo, edit(BASE, "Associate CP Officer, party: unhcr}", "Associate CP Officer, party: sc}"))[1] == []


def test_stale_or_missing_confirmation(repo):
    text = edit(BASE, "    confirmed: 2025-06-01\n    trained: 2025-01-20\n", "    confirmed: 2024-12-01\n    trained: 2025-01-20\n")
    text = edit(text, """    holder: {name: A. Achieng, title: CP Officer, party: unhcr}
    confirmed: 2025-06-01
""", """    holder: {name: A. Achieng, title: CP Officer, party: unhcr}
""")
    run, found = roles(repo, text)
    # confirmed before the holder was trained: ROLE012 says the holder may be new
    assert found == [("ROLE005", 22, 16, "warning"), ("ROLE012", 22, 16, "warning"), ("ROLE005", 42, 5, "warning")]
    messages = [d["message"] for d in run.json["diagnostics"] if d["rule"] == "ROLE005"]
    assert messages[0] == ("the assignment of 'Coordination lead' (process_lead) was last confirmed on 2024-12-01, "
                           "274 days ago (the limit is 180 days); check that the holder and backup are still in post "
                           "and update 'confirmed'")
    assert "'UNHCR BIP focal point' (unhcr_bip_focal_point) has no confirmation date" in messages[1]


def test_configuration_tightens_the_confirmation_threshold(repo):
    # confirmations are 92 days old: fine for the pack (180), stale for a config that asks 60.
    assert roles(repo, BASE)[1] == []
    write(repo, ".im4cm-lint.yaml", "thresholds:\n  role_confirmation_stale_days: 60\n")
    _, found = roles(repo, BASE)
    assert [f[0] for f in found] == ["ROLE005"] * 8


def test_untrained_focal_point(repo):
    text = edit(BASE, """      confirmed: 2025-06-01
      trained: 2025-01-20
    - holder: {name: G. Odhiambo""", """      confirmed: 2025-06-01
    - holder: {name: G. Odhiambo""")
    run, found = roles(repo, text)
    assert found == [("ROLE006", 30, 7, "warning")]
    assert run.json["diagnostics"][0]["message"] == (
        "the holder of 'Data protection focal point' (data_protection_focal_point) for party 'unhcr' has no IM4CM "
        "training recorded; arrange the training and write its date in `trained: YYYY-MM-DD`")
    # training is optional for signatories and system administrators, who have no `trained` here
    assert roles(repo, BASE)[1] == []


def test_one_person_in_two_roles_that_must_be_separate(repo):
    run, found = roles(repo, edit(BASE, "holder: {name: G. Odhiambo,", "holder: {name: d.kamau ,"))
    assert found == []  # a different person: "d.kamau" is not "D. Kamau"
    run, found = roles(repo, edit(BASE, "holder: {name: G. Odhiambo,", "holder: {name: ' d.   KAMAU',"))
    assert found == [("ROLE007", 34, 22, "error")]
    message = run.json["diagnostics"][0]["message"]
    assert message == ("the same person holds 'Agency signatory' (signatory) and 'Data protection focal point' "
                       "(data_protection_focal_point) in party 'sc'; the standard requires different people for these "
                       "roles, so name another holder for one of them")
    assert "Kamau" not in message and "KAMAU" not in message
    # A. Achieng leads and is the BIP focal point: the pack does not separate those roles
    assert "A. Achieng" in BASE and roles(repo, BASE)[1] == []


def test_role_held_by_an_agency_that_may_not_hold_it(repo):
    text = edit(BASE, """  unhcr_bip_focal_point:
    holder: {name: A. Achieng, title: CP Officer, party: unhcr}""", """  unhcr_bip_focal_point:
    holder: {name: A. Achieng, title: CP Officer, party: sc}""")
    text = edit(text, "holder: {name: I. Kiprop, title: IM Officer, party: unhcr}",
                "holder: {name: I. Kiprop, title: IM Officer, party: sc}")
    run, found = roles(repo, text)
    assert found == [("ROLE008", 39, 57, "error"), ("ROLE008", 42, 58, "error")]
    messages = [d["message"] for d in run.json["diagnostics"]]
    assert messages[0] == ("the role 'CPIMS+ system administrator' (system_administrator) is held at party 'sc', but it "
                           "may be held only by a party of type un_agency, and 'sc' is of type ingo; give it to a "
                           "person of such a party")
    assert "is a UNHCR role; give it to a person of the UNHCR party" in messages[1]


def test_placeholder_people_and_nothing_else_about_them(repo):
    text = edit(BASE, """    holder: {name: A. Achieng, title: CP Officer, party: unhcr}
    backup: {name: B. Otieno, title: Associate CP Officer, party: unhcr}
    confirmed: 2025-06-01
    trained: 2025-01-20""", """    holder: {name: '[INSERT name of the Coordination lead]', title: CP Officer, party: unhcr}
    backup: {name: '[INSERT name of the backup]', title: Associate CP Officer, party: unhcr}""")
    run, found = roles(repo, text)
    assert found == [("ROLE009", 20, 20, "error"), ("ROLE009", 21, 20, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "the holder of the role 'Coordination lead' (process_lead) is still a placeholder; write the name of the "
        "person who is the holder")
    assert roles(repo, edit(text, "status: in_force", "status: in_review"))[1] == [
        ("ROLE009", 20, 20, "warning"), ("ROLE009", 21, 20, "warning")]


# --- the standard pack ---------------------------------------------------------------------------

def scaffold(tmp_path, *options: str):
    target = tmp_path / "ke"
    run = lint("init", "--country", "KE", "--operation", "Kakuma", "--implementing-partner", "sc", *options, str(target))
    assert run.code == 0, run.err
    return target


def test_standard_pack_scaffold_has_only_placeholder_people_and_reports_a_dropped_role(tmp_path):
    target = scaffold(tmp_path)
    dpisp = target / "dpisp.yaml"
    text = dpisp.read_text()
    placeholders = len(re.findall(r"name: '\[INSERT name of the", text))
    run = lint_json("--select", "ROLE", "--today", TODAY, ".", cwd=target)
    assert [d["rule"] for d in run.json["diagnostics"]] == ["ROLE009"] * placeholders and placeholders > 10
    dropped = re.sub(r"\n  breach_incident_manager:.*?(?=\n  [a-z_]+:|\n\n)", "", text, count=1, flags=re.S)
    assert "breach_incident_manager:" not in dropped
    dpisp.write_text(dropped)
    run = lint_json("--select", "ROLE001", "--today", TODAY, ".", cwd=target)
    assert [(d["rule"], d["yaml_path"]) for d in run.json["diagnostics"]] == [
        ("ROLE001", "roles.breach_incident_manager")]
    assert "'Data breach incident manager' (breach_incident_manager)" in run.json["diagnostics"][0]["message"]


STANDARD_DPISP = """
    apiVersion: im4cm/v1
    kind: DPISP
    metadata: {id: ke-dadaab, country: KE, operation: Dadaab, setting: refugee, template: im4cm-standard@2024.1,
               version: 1.0.0, status: in_force, effective: 2025-03-01, review_by: 2026-03-01}
    parties:
      - {id: unhcr, name: UNHCR Kenya, type: un_agency, unhcr_roles: [service_provider]}
    roles:
      process_lead:
        holder: {name: A. Achieng, title: CP Officer, party: unhcr}
        backup: {name: B. Otieno, title: Associate CP Officer, party: unhcr}
        confirmed: 2025-05-01
        trained: 2025-01-20
    """


def test_country_pack_adds_a_role_and_tightens_a_threshold(repo):
    write(repo, "dpisp.yaml", STANDARD_DPISP)

    def found(*pack):
        run = lint_json("--select", "ROLE001,ROLE005", "--today", TODAY, *pack, ".", cwd=repo)
        assert run.code in (0, 1), run.out
        return {(d["rule"], d.get("yaml_path")) for d in run.json["diagnostics"]}

    standard = found()
    country = found("--policy-pack", str(PACKS / "extended-pack"))
    # confirmed 123 days ago: fine under the standard (180 days), stale under the country pack (90)
    assert country - standard == {("ROLE001", "roles.gbv_referral_focal_point"),
                                  ("ROLE005", "roles.process_lead.confirmed")}
    assert standard - country == set()
    assert ("ROLE001", "roles.breach_incident_manager") in standard
