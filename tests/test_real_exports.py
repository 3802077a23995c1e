"""What real exports send, built from the public sources of the systems (contract v1.1 5.1, 5.4).

Field and option names are copied from:
- primeroIMS/primero@4b95bf947480e7cdd1fca197b1c7ef7188a9bd8e: db/configuration/exports/exports.rb
  (export-unhcr-csv: property_keys, opt_out_field), app/models/exporters/unhcr_csv_exporter.rb
  (PROPERTIES: governorate_country joins the last location level to the first two;
  secondary_protection_concerns are the case's unhcr_needs_codes), app/models/concerns/
  unhcr_mapping.rb (unhcr_needs_codes, unhcr_export_opt_out kept "until we fix or discard the
  UNHCR export"), db/configuration/lookups/lookups.rb (lookup-unhcr-needs-codes options);
- OpenFn/primero-progres@58e0a4d0bf6819a812946e2b4ba16b68af4169fd: jobs/PROD/f1-1.sendReferralsToPrimero.js
  (address_current merged from individuals.progres_coalocationlevel1-6),
  jobs/PROD/f2-2.sendReferralToDTP.js (request_type: 'ReceiveIncomingReferral', a constant);
  no consent field on the proGres side: none in any of the repository's 685 commits (jobs, sampleData,
  FetchXML), and the CPIMS+ case f1-1 creates (body, lines 167-214) sets none; likewise
  OpenFn/ping-primero@55e03ff00bd11bad21f007b866a484920b218934 (spec.yaml Flow1-1, lines 576-595).
"""

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
      - {id: unhcr, name: UNHCR Ethiopia, type: un_agency, unhcr_roles: [service_provider, donor]}
      - {id: unicef, name: UNICEF Ethiopia, type: un_agency}
      - {id: rrs, name: Refugees and Returnees Service, type: authority}
    sharing:
      - id: unicef-to-unhcr-csv
        from: unicef
        to: unhcr
        unhcr_role: service_provider
        purpose: reporting.unhcr_csv
        basis: consent
        level: individual
        categories: [identity.registration_id, record.legacy_id, record.status_workflow, protection.status,
                     protection.unhcr_codes, location.admin_area, identity.sex, identity.dob_age,
                     family.separation_tracing, demographics.nationality_origin, family.care_arrangement]
      - id: unhcr-to-unicef-referral
        from: unhcr
        to: unicef
        purpose: referral.service
        basis: consent
        level: individual
        categories: [identity.registration_id, identity.name, location.current, service.referral]
      - id: unicef-to-unhcr-bip
        from: unicef
        to: unhcr
        unhcr_role: service_provider
        purpose: bip.referral
        basis: consent
        level: individual
        categories: [identity.registration_id, identity.name, service.referral, consent.sharing]
    """

# export-unhcr-csv as seeded: the fourteen property keys and the opt-out field, unchanged.
SEEDED_UNHCR_CSV = """
    apiVersion: im4cm/v1
    kind: DataExport
    metadata: {id: unhcr-csv, dpisp: et-gambella}
    system: cpims+
    owner: unicef
    recipient: unhcr
    purpose: reporting.unhcr_csv
    sharing_rule: unicef-to-unhcr-csv
    level: individual
    records:
      opt_out: [unhcr_export_opt_out]
    fields:
      - individual_progress_id
      - cpims_code
      - date_of_identification
      - primary_protection_concerns
      - secondary_protection_concerns
      - governorate_country
      - sex
      - date_of_birth
      - age
      - causes_of_separation
      - country_of_origin
      - current_care_arrangement
      - reunification_status
      - case_status
    transport: {encrypted: true, method: CPIMS+ export download}
    """


def lint(repo, export: str, rules: str):
    write(repo, "dpisp.yaml", DPISP)
    write(repo, "export.yaml", export)
    run = lint_json("--select", rules, "--today", "2026-11-27", ".", cwd=repo)
    return [(d["rule"], d["line"], d["column"]) for d in run.json["diagnostics"]], run


def test_the_seeded_unhcr_csv_opts_nobody_out_and_sends_severe_codes_and_the_current_location(repo):
    found, run = lint(repo, SEEDED_UNHCR_CSV, "SHARE005,SHARE014,SHARE017")
    assert found == [
        ("SHARE014", 11, 13),  # records.opt_out: the superseded flag
        ("SHARE005", 17, 5),  # secondary_protection_concerns: SV, TR, CR-AF, DS, SM options
        ("SHARE005", 18, 5),  # governorate_country: the child's current location
    ]
    messages = [d["message"] for d in run.json["diagnostics"]]
    assert "protection.gbv (severe)" in messages[1] and "`values: [...]`" in messages[1]
    assert "(category location.current, high)" in messages[2]
    assert run.code == 1


def test_restricting_the_codes_and_the_consent_flag_passes(repo):
    fixed = SEEDED_UNHCR_CSV.replace("opt_out: [unhcr_export_opt_out]", "consent: [unhcr_export_opt_in]").replace(
        "  - secondary_protection_concerns\n",
        "  - {name: secondary_protection_concerns, values: [cr-cp, cr-cs, sc-ch, fu-tr]}\n").replace(
        "  - governorate_country\n", "")
    found, run = lint(repo, fixed, "SHARE005,SHARE014,SHARE017")
    assert found == [] and run.code == 0


def test_relabelling_a_mapped_field_does_not_change_what_it_carries(repo):
    relabelled = SEEDED_UNHCR_CSV.replace("  - governorate_country\n",
                                          "  - {name: governorate_country, category: location.admin_area}\n")
    found, _ = lint(repo, relabelled, "SHARE005,SHARE017")
    assert ("SHARE017", 18, 43) in found and ("SHARE005", 18, 5) in found


PROGRES_REFERRAL = """
    apiVersion: im4cm/v1
    kind: DataExport
    metadata: {id: progres-referral, dpisp: et-gambella}
    system: progres-v4
    owner: unhcr
    recipient: unicef
    purpose: referral.service
    sharing_rule: unhcr-to-unicef-referral
    level: individual
    fields:
      - individuals.progres_id
      - individuals.progres_givenname
      - name: address_current
        from: [individuals.progres_coalocationlevel1, individuals.progres_coalocationlevel2,
               individuals.progres_coalocationlevel3, individuals.progres_coalocationlevel4,
               individuals.progres_coalocationlevel5, individuals.progres_coalocationlevel6]
        category: location.admin_area
      - interventiontype.progres_description
    transport: {encrypted: true, method: HTTPS via OpenFn}
    """


def test_a_merged_address_carries_its_most_precise_level(repo):
    found, run = lint(repo, PROGRES_REFERRAL, "SHARE004,SHARE005,SHARE019")
    assert found == [("SHARE019", 17, 15)]
    assert "location.current (high)" in run.json["diagnostics"][0]["message"]
    with_transform = PROGRES_REFERRAL.replace("category: location.admin_area",
                                              "category: location.admin_area, transform: levels 1-2 only")
    assert lint(repo, with_transform, "SHARE004,SHARE005,SHARE019")[0] == []


def test_the_progres_referral_carries_no_consent_field_and_says_so(repo):
    found, run = lint(repo, PROGRES_REFERRAL, "SHARE013,SHARE023")
    assert found == [("SHARE023", 4, 9)]  # `system: progres-v4`: consent is not judged, and why
    finding = run.json["diagnostics"][0]
    assert finding["severity"] == "info"
    assert "no proGres v4 consent field is public" in finding["message"]
    assert "`records.consent`" in finding["message"] and "`consent_verified:`" in finding["message"]
    declared = PROGRES_REFERRAL.replace(
        "transport:", "consent_verified: recorded in proGres v4 by the UNHCR caseworker\n    transport:")
    assert lint(repo, declared, "SHARE013,SHARE023")[0] == []
    # a field of the referral is not a consent flag because an export says so
    misnamed = PROGRES_REFERRAL.replace("    fields:\n", "    records:\n      consent: [individuals.progres_id]\n    fields:\n")
    found, run = lint(repo, misnamed, "SHARE013,SHARE023")
    assert found == [("SHARE023", 4, 9)] and "identity.registration_id in the pack, not consent" in run.json["diagnostics"][0]["message"]


BIP_REFERRAL = """
    apiVersion: im4cm/v1
    kind: DataExport
    metadata: {id: bip-referral, dpisp: et-gambella}
    system: cpims+
    owner: unicef
    recipient: unhcr
    purpose: bip.referral
    sharing_rule: unicef-to-unhcr-bip
    level: individual
    fields:
      - unhcr_individual_no
      - name_first
      - {name: request_type, constant: true}
      - unhcr_export_opt_in
    transport: {encrypted: true, method: HTTPS to UNHCR DTP via OpenFn}
    """


def test_a_constant_needs_no_category(repo):
    found, _ = lint(repo, BIP_REFERRAL, "SHARE004,SHARE005")
    assert found == []
    found, _ = lint(repo, BIP_REFERRAL.replace("{name: request_type, constant: true}", "request_type"),
                    "SHARE004,SHARE005")
    assert found == [("SHARE004", 13, 5)]
