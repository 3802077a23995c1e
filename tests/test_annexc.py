"""ANNEXC001-ANNEXC008: Annex C for UNHCR implementing partners, UNHCR's capacity on each sharing
rule, and CPIMS+ <-> proGres v4 interoperability. Cases change one thing in the clean example
(fixtures/countries/clean-refugee, which lints clean: see test_share.py)."""

from __future__ import annotations

import pytest

from conftest import write
from test_share import MINI_PACK, case, example, found, messages

IMPLEMENTING_PARTNER = "    unhcr_partnership: implementing_partner\n"
SC_FROM_UNHCR = "  - id: unhcr-to-sc-referral\n    from: unhcr\n    to: sc\n"
WITHDRAWAL = 'consent_withdrawal: "SOP-07: IM focal points record a withdrawal in both systems within 48 hours"\n'
BREACH = ("breach-notification: {met: true, reference: clause breach, hours: 48, "
          "notify: UNHCR data protection focal point}")

CASES = {
    "annex-missing": case("ANNEXC001", [("ANNEXC001", "dpisp.yaml", 25)], dpisp=[("annex_c:\n", "not_annex_c:\n")]),
    "annex-not-needed-without-implementing-partners": case("ANNEXC001", [], dpisp=[
        ("annex_c:\n", "not_annex_c:\n"),
        ("    type: ingo\n" + IMPLEMENTING_PARTNER, "    type: ingo\n    unhcr_partnership: operational_partner\n"),
        ("    type: lngo\n" + IMPLEMENTING_PARTNER, "    type: lngo\n")]),
    "applies-to-wrong-parties": case("ANNEXC002", [("ANNEXC002", "dpisp.yaml", 74), ("ANNEXC002", "dpisp.yaml", 74)],
                                     dpisp=[("applies_to: [sc, rdo]", "applies_to: [sc, moswa]")]),
    "requirement-missing": case("ANNEXC003", [("ANNEXC003", "dpisp.yaml", 74)], dpisp=[
        ("  training: {met: true, reference: clause capacity}\n", "")]),
    "requirement-not-met": case("ANNEXC003", [("ANNEXC003", "dpisp.yaml", 90)], dpisp=[
        ("audit: {met: true,", "audit: {met: false,")]),
    "breach-hours-above-standard": case("ANNEXC004", [("ANNEXC004", "dpisp.yaml", 82)], dpisp=[
        ("hours: 48,", "hours: 96,")]),
    "breach-hours-at-standard": case("ANNEXC004", [], dpisp=[("hours: 48,", "hours: 72,")]),
    "breach-without-hours-or-contact": case(
        "ANNEXC004", [("ANNEXC004", "dpisp.yaml", 82), ("ANNEXC004", "dpisp.yaml", 82)],
        dpisp=[(BREACH, "breach-notification: {met: true, reference: clause breach}")]),
    "retention-too-long": case("ANNEXC004", [("ANNEXC004", "dpisp.yaml", 88)], dpisp=[
        ("days: 1825", "days: 3650")]),
    "unhcr-role-missing": case("ANNEXC005", [("ANNEXC005", "dpisp.yaml", 58)], dpisp=[
        ("    unhcr_role: coordinator\n", "")]),
    "unhcr-role-not-declared-by-the-party": case("ANNEXC005", [("ANNEXC005", "dpisp.yaml", 49)], dpisp=[
        (SC_FROM_UNHCR + "    unhcr_role: service_provider\n", SC_FROM_UNHCR + "    unhcr_role: data_controller\n")]),
    "unhcr-party-without-roles": case("ANNEXC005", [("ANNEXC005", "dpisp.yaml", 17)], dpisp=[
        ("    unhcr_roles: [donor, coordinator, service_provider]\n", "")]),
    "case-data-to-unhcr-as-coordinator": case("ANNEXC006", [("ANNEXC006", "dpisp.yaml", 61)], dpisp=[
        ("categories: [aggregate.case_counts,", "categories: [identity.name, aggregate.case_counts,")]),
    "individual-records-to-unhcr-as-coordinator": case("ANNEXC006", [("ANNEXC006", "dpisp.yaml", 61)], dpisp=[
        ("    level: aggregate\n", "    level: individual\n")]),
    "interoperability-without-the-way-back": case("ANNEXC007", [("ANNEXC007", "exports.yaml", 6)], dpisp=[
        (SC_FROM_UNHCR, SC_FROM_UNHCR.replace("to: sc", "to: rdo"))]),
    "not-interoperability-without-a-progres-channel": case("ANNEXC007", [], dpisp=[
        (SC_FROM_UNHCR, SC_FROM_UNHCR.replace("to: sc", "to: rdo")),
        ("    channel: progres-interop\n    onward_sharing: false", "    channel: sftp\n    onward_sharing: false")],
        exports=[("method: progres-interop-api}\nschedule", "method: sftp}\nschedule")]),
    "progres-export-without-withdrawal": case("ANNEXC008", [("ANNEXC008", "exports.yaml", 28)], exports=[
        (WITHDRAWAL, "")]),
    "cpims-export-without-withdrawal": case("ANNEXC008", [("ANNEXC008", "exports.yaml", 4)], dpisp=[
        ("    " + WITHDRAWAL, "")]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_finding_at_its_line(repo, case):
    select, edits, expected = CASES[case]
    run, findings = found(example(repo, edits), select)
    assert findings == expected
    assert run.code == (1 if expected else 0)


def test_requirement_messages_name_the_requirement_and_the_partners(repo):
    example(repo, {"dpisp.yaml": [("  training: {met: true, reference: clause capacity}\n", "  trainig: {met: true}\n"),
                                  (BREACH, "breach-notification: {met: true, hours: 96}")]})
    run, findings = found(repo, "ANNEXC003,ANNEXC004")
    assert findings == [("ANNEXC003", "dpisp.yaml", 74), ("ANNEXC004", "dpisp.yaml", 82),
                        ("ANNEXC004", "dpisp.yaml", 82)]
    missing, contact, hours = messages(run)
    assert "requirement 'training' (Staff training) for sc, rdo" in missing and "did you mean 'trainig'?" in missing
    assert "does not say whom to notify" in contact
    assert "sets hours: 96, weaker than the standard (at most 72, breach_notification_hours)" in hours


def test_annex_messages_say_which_partner(repo):
    example(repo, {"dpisp.yaml": [("applies_to: [sc, rdo]", "applies_to: [sc, moswa]")]})
    run, _ = found(repo, "ANNEXC002")
    assert messages(run) == [
        "rdo is a UNHCR implementing partner but annex_c.applies_to does not list it; add it",
        "annex_c.applies_to lists moswa, which is not a UNHCR implementing partner (no UNHCR partnership); "
        "remove it, or correct its unhcr_partnership"]


def test_case_data_message_names_the_capacity_and_the_categories(repo):
    example(repo, {"dpisp.yaml": [("categories: [aggregate.case_counts,",
                                   "categories: [identity.name, aggregate.case_counts,")]})
    run, _ = found(repo, "ANNEXC006")
    assert messages(run) == [
        "sharing rule 'sc-to-unhcr-stats' sends identifiable categories identity.name (high) to unhcr as coordinator; "
        "UNHCR receives case-level data only as service provider: share aggregate data, or set "
        "`unhcr_role: service_provider` if UNHCR acts on these cases"]


def test_parameters_come_from_the_pack(repo):
    """A pack's own Annex C list and thresholds: here a training minimum (at least 8 hours) and a
    24-hour breach deadline."""
    write(repo, "dpisp.yaml", """
        apiVersion: im4cm/v1
        kind: DPISP
        metadata: {id: mini, country: KE, operation: Kakuma, setting: refugee, template: issue4-mini@1.0,
                   version: 1.0.0, status: draft}
        parties:
          - {id: unhcr, name: UNHCR Kenya, type: un_agency, unhcr_roles: [service_provider]}
          - {id: irc, name: IRC, type: ingo, unhcr_partnership: implementing_partner}
        annex_c:
          applies_to: [irc]
          training: {met: true, hours: 4}
          breach-notification: {met: true, hours: 48, notify: UNHCR DP focal point}
        """)
    run, findings = found(repo, "ANNEXC", "--policy-pack", str(MINI_PACK))
    assert findings == [("ANNEXC004", "dpisp.yaml", 10), ("ANNEXC004", "dpisp.yaml", 11)]
    training, breach = messages(run)
    assert "sets hours: 4, weaker than the standard (at least 8, training_hours_min)" in training
    assert "(at most 24, breach_notification_hours)" in breach
