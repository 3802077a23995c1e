"""Real-shaped system files for the tests and the examples: Primero configuration bundles, Primero
forms exports, XLSForms. ``python3 tests/system_sources.py --write`` writes the files of
examples/et-gambella/systems and examples/ke-kakuma-draft/systems (the OpenFn jobs there are kept
as text); ``--write-fixtures`` writes tests/fixtures/countries/systems-mini, the base of the
SYSTEM rule cases (tests/rules/cases/SYSTEM*.yml).

Shapes follow the public sources, read at these commits:
- primeroIMS/primero @4b95bf947480e7cdd1fca197b1c7ef7188a9bd8e: PrimeroConfiguration#to_json with
  ``data`` keyed by CONFIGURABLE_MODELS (app/models/primero_configuration.rb); Role#configuration_hash
  (permissions as PermissionSerializer.dump: resource -> actions plus ``objects``;
  form_section_read_write; group_permission; referral; transfer), Agency (agency_code,
  terms_of_use_enabled), UserGroup (agency_unique_ids), FormSection (fields_attributes,
  subform_unique_id); role ids, permissions and forms of db/configuration/users/roles.rb;
  Exporters::FormExporter columns (app/models/exporters/form_exporter.rb, config/locales/en.yml).
- XLSForm/pyxform @HEAD of the mirror: survey type/name/label, settings form_id/public_key.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CASE_WORKER = ["read", "write", "create", "flag", "referral", "receive_referral", "receive_transfer",
               "export_pdf", "export_list_view_csv", "request_approval_case_plan", "request_approval_closure",
               "sync_mobile", "referral_from_service"]
MANAGER = ["read", "write", "flag", "referral", "transfer", "reopen", "close", "consent_override",
           "export_unhcr_csv", "export_pdf", "approve_case_plan", "approve_closure", "assign_within_agency"]
REFERRAL = ["read", "receive_referral", "services_section_from_case"]
TRANSFER = ["read", "receive_transfer", "accept_or_reject_transfer"]
SERVICE_PROVIDER = ["read", "write", "flag", "services_section_from_case", "search_owned_by_others",
                    "display_view_page", "receive_referral"]


def field(name: str, kind: str = "text_field", label: str = "", **extra) -> dict:
    return {"name": name, "type": kind, "display_name_i18n": {"en": label or name.replace("_", " ").title()},
            "visible": True, "mobile_visible": True, "editable": True, "disabled": False, **extra}


def form(unique_id: str, fields: list[dict], *, group: str, nested: bool = False, order: int = 10) -> dict:
    return {"unique_id": unique_id, "name_i18n": {"en": unique_id.replace("_", " ").title()},
            "parent_form": "case", "form_group_id": group, "order": order, "order_form_group": order,
            "visible": not nested, "is_nested": nested, "editable": True, "mobile_form": True,
            "module_ids": ["primeromodule-cp"], "fields_attributes": fields}


def role(unique_id: str, name: str, actions: list[str], forms: dict[str, str], *, group_permission: str = "self",
         referral: bool = False, transfer: bool = False, manager: bool = False) -> dict:
    return {"unique_id": unique_id, "name": name, "description": "", "group_permission": group_permission,
            "referral": referral, "transfer": transfer, "is_manager": manager, "disabled": False,
            "reporting_location_level": None, "referral_authorization": False,
            "module_unique_ids": ["primeromodule-cp"],
            "permissions": {"case": actions, "dashboard": ["dash_workflow", "dash_case_risk"], "objects": {}},
            "form_section_read_write": forms}


def agency(code: str, name: str, terms: bool = True) -> dict:
    return {"unique_id": f"agency-{code.lower()}", "agency_code": code, "name": {"en": name}, "order": 0,
            "logo_enabled": False, "terms_of_use_enabled": terms, "disabled": False, "services": [],
            "pdf_logo_option": False, "exclude_agency_from_lookups": False}


def group(unique_id: str, name: str, agencies: list[str]) -> dict:
    return {"unique_id": unique_id, "name": name, "description": "", "disabled": False, "agency_unique_ids": agencies}


def bundle(*, forms: list[dict], roles: list[dict], agencies: list[dict], groups: list[dict]) -> dict:
    """A PrimeroConfiguration as ``rails primero:export_config_json`` writes it."""
    lookups = [{"unique_id": "lookup-service-type", "name_i18n": {"en": "Service Type"}, "locked": True,
                "lookup_values_i18n": [{"id": "alternative_care", "display_text": {"en": "Alternative Care"}}]}]
    return {"id": 12, "name": "Config Export", "description": "Config Export by System Operator",
            "version": "20261015.101500.4b95bf9", "primero_version": "2.11.0",
            "data": {"FormSection": forms, "Lookup": lookups, "Agency": agencies, "Role": roles,
                     "UserGroup": groups, "Report": [], "ContactInformation": []},
            "created_on": "2026-10-15T10:15:00.000Z", "created_by": "system_operator",
            "applied_on": None, "applied_by": None}


def gambella_forms() -> list[dict]:
    return [
        form("basic_identity", [field("case_id_display"), field("name_first"), field("name_middle"),
                                field("name_last"), field("sex", "select_box"), field("date_of_birth", "date_field"),
                                field("age", "numeric_field"), field("language", "select_box"),
                                field("location_current", "select_box"), field("address_current", "textarea"),
                                field("telephone_current")], group="identification_registration"),
        form("other_identity_details", [field("unhcr_individual_no"), field("unhcr_id_no")],
             group="identification_registration", order=20),
        form("data_confidentiality", [field("consent_info_sharing", "select_box"),
                                      field("unhcr_export_opt_in", "tick_box"),
                                      field("consent_for_services", "tick_box"),
                                      field("disclosure_other_orgs", "tick_box")], group="identification_registration",
             order=30),
        form("protection_concerns", [field("protection_status", "select_box"),
                                     field("protection_concerns", "select_box", multi_select=True)],
             group="assessment", order=40),
        form("services", [field("services_section", "subform", subform_unique_id="services_section")],
             group="services_follow_up", order=50),
        form("services_section", [field("service_type", "select_box", option_strings_source="lookup lookup-service-type"),
                                  field("service_response_day_time", "date_field"),
                                  field("service_implementing_agency", "select_box"),
                                  field("service_referral_notes", "textarea")],
             group="services_follow_up", nested=True, order=51),
    ]


ALL_FORMS = {"basic_identity": "rw", "other_identity_details": "rw", "data_confidentiality": "rw",
             "protection_concerns": "rw", "services": "rw"}


def gambella_bundle() -> dict:
    return bundle(
        forms=gambella_forms(),
        roles=[
            role("role-cp-administrator", "CP Administrator", [], {}, group_permission="all"),
            role("role-cp-case-worker", "CP Case Worker", CASE_WORKER, ALL_FORMS),
            role("role-cp-manager", "CP Manager", MANAGER, ALL_FORMS, group_permission="group", manager=True),
            role("role-referral", "Referral", REFERRAL, {"basic_identity": "r"}, referral=True),
            role("role-transfer", "Transfer", TRANSFER, {"basic_identity": "r", "protection_concerns": "r"},
                 transfer=True),
            role("role-cp-service-provider", "CP Service Provider", SERVICE_PROVIDER,
                 {"basic_identity": "r", "services": "rw"}, referral=True),
        ],
        agencies=[agency("UNICEF", "UNICEF Ethiopia"), agency("SCI", "Save the Children International"),
                  agency("IRC", "International Rescue Committee"), agency("GVCA", "Gilo Valley Children's Aid")],
        groups=[group("usergroup-unicef", "UNICEF", ["agency-unicef"]), group("usergroup-sci", "Save the Children",
                                                                              ["agency-sci"]),
                group("usergroup-irc", "IRC", ["agency-irc"]), group("usergroup-gvca", "GVCA", ["agency-gvca"]),
                group("usergroup-gambella-transfers", "Camp transfers (IRC and SCI)", ["agency-irc", "agency-sci"])],
    )


def kakuma_bundle() -> dict:
    forms = gambella_forms() + [
        form("protection_concern_details", [field("protection_concern_detail_subform_section", "subform",
                                                  subform_unique_id="protection_concern_detail_subform_section")],
             group="assessment", order=45),
        form("protection_concern_detail_subform_section", [field("protection_concern_type", "select_box"),
                                                           field("concern_details", "textarea")],
             group="assessment", nested=True, order=46),
    ]
    return bundle(
        forms=forms,
        roles=[
            role("role-cp-case-worker", "CP Case Worker", CASE_WORKER, ALL_FORMS),
            role("role-cp-manager", "CP Manager", [*MANAGER, "export_json"], ALL_FORMS, group_permission="group",
                 manager=True),
            role("role-referral", "Referral", REFERRAL, {"basic_identity": "r", "protection_concern_details": "r"},
                 referral=True),
        ],
        agencies=[agency("LWF", "Lutheran World Federation"), agency("JRS", "Jesuit Refugee Service"),
                  agency("TCWN", "Tarach Child Welfare Network", terms=False), agency("DCS", "Department of Children's Services"),
                  agency("HIAS", "HIAS Kenya")],
        groups=[group("usergroup-lwf", "LWF", ["agency-lwf"]),
                group("usergroup-kakuma-community", "Kakuma community case management", ["agency-jrs", "agency-tcwn"])],
    )


# --- workbooks -----------------------------------------------------------------------------------

def write_xlsform(path: Path, survey: list[list], *, public_key: str | None, form_id: str = "cp_intake",
                  choices: list[list] | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    options = book.create_sheet("choices")
    for row in choices or [["list_name", "name", "label::English (en)"], ["sex", "female", "Female"],
                           ["sex", "male", "Male"]]:
        options.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "public_key", "submission_url"])
    settings.append(["Child protection intake", form_id, "2026101501", public_key or "",
                     "https://kc.humanitarianresponse.info/submission" if public_key else ""])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


SURVEY_HEADER = ["type", "name", "label::English (en)", "required", "relevant"]
PUBLIC_KEY = ("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwqk7Yd3Yp0ZtVYh3v4oQnq9tQ1yq1H7v0PdP3yYy0m2bC7mQ"
              "l1hLw5oM9q3sFqkS7a8m5uFqgQ2dWk1xVn6u0hq3m7WJt1b4wq5m2Q8p8cQ3K9t0b2QIDAQAB")


def gambella_intake(path: Path) -> Path:
    """GVCA's community identification form (KoBoToolbox): children it refers to Save the Children."""
    return write_xlsform(path, [
        SURVEY_HEADER,
        ["begin_group", "child", "The child", "", ""],
        ["text", "child_name", "Name of the child", "yes", ""],
        ["select_one sex", "child_sex", "Sex", "yes", ""],
        ["integer", "child_age", "Age in years", "yes", ""],
        ["text", "child_language", "Language spoken at home", "", ""],
        ["text", "child_location", "Block and zone where the child lives", "yes", ""],
        ["end_group", "", "", "", ""],
        ["text", "caregiver_name", "Name of the caregiver", "", ""],
        ["text", "service_needed", "Service the child needs", "yes", ""],
        ["note", "consent_note", "Read the consent script to the caregiver", "", ""],
        ["select_one yes_no", "consent_referral", "Caregiver agrees to the referral to Save the Children", "yes", ""],
    ], public_key=PUBLIC_KEY, form_id="gvca_cp_identification",
        choices=[["list_name", "name", "label::English (en)"], ["sex", "female", "Female"], ["sex", "male", "Male"],
                 ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]])


def kakuma_intake(path: Path) -> Path:
    """TCWN's intake form: asks about abuse, has no public_key, one name cell is a formula."""
    return write_xlsform(path, [
        SURVEY_HEADER,
        ["text", "child_name", "Name of the child", "yes", ""],
        ["select_one sex", "child_sex", "Sex", "yes", ""],
        ["integer", "child_age", "Age in years", "yes", ""],
        ["select_one yes_no", "abuse_disclosed", "Has the child disclosed abuse?", "yes", ""],
        ["text", "abuse_details", "What happened, in the child's words", "", "${abuse_disclosed} = 'yes'"],
        ["text", "school_name", "School", "", ""],
        ["text", '=CONCAT("care","giver")', "Caregiver", "", ""],
    ], public_key=None, form_id="tcwn_intake")


def write_forms_export(path: Path, forms: list[tuple[str, str, list[tuple[str, str]]]]) -> Path:
    """Primero's forms export: Key, Primero Forms, then per form: A1 the form id, row 2 the header."""
    from openpyxl import Workbook

    header = ["Form Group", "Form Name", "Field ID", "Field Type", "Field Name", "Required", "On Mobile",
              "On Short Form", "Options", "Lookup", "Help Text", "Guiding Questions"]
    book = Workbook()
    key = book.active
    key.title = "Key"
    key.append(["source", path.name])
    summary = book.create_sheet("Primero Forms")
    summary.append(["Form Group", "Form", "Status", "Notes"])
    for unique_id, title, _ in forms:
        summary.append(["identification_registration", title])
    for unique_id, title, fields in forms:
        sheet = book.create_sheet(title[:31])
        sheet.append([unique_id])
        sheet.append(header)
        for name, kind in fields:
            sheet.append(["identification_registration", title, name, kind, name.replace("_", " ").title(),
                          "", "✔", "", "", "", "", ""])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_json(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_examples() -> None:
    gambella = REPO / "examples" / "et-gambella" / "systems"
    write_json(gambella / "cpims" / "config_data.json", gambella_bundle())
    gambella_intake(gambella / "kobo" / "gvca-identification.xlsx")
    kakuma = REPO / "examples" / "ke-kakuma-draft" / "systems"
    write_json(kakuma / "cpims" / "config_data.json", kakuma_bundle())
    kakuma_intake(kakuma / "kobo" / "tcwn-intake.xlsx")


def write_fixtures() -> None:
    write_mini(REPO / "tests" / "fixtures" / "countries" / "systems-mini")



# --- the small operation the SYSTEM rule cases start from (tests/fixtures/countries/systems-mini) ----

MINI_DPISP = """\
apiVersion: im4cm/v1
kind: DPISP
metadata:
  id: et-gambella
  country: ET
  operation: Gambella refugee response (rule cases)
  setting: refugee
  template: im4cm-standard@2024.1
  version: 1.0.0
  status: draft
parties:
  - {id: unhcr, name: UNHCR, type: un_agency, unhcr_roles: [service_provider]}
  - {id: unicef, name: UNICEF, type: un_agency}
  - {id: sc, name: Save the Children, type: ingo, systems: [cpims+]}
  - {id: gvca, name: Gilo Valley Children's Aid, type: lngo, systems: [cpims+]}
roles:
  case_management_supervisor:
    - holder: {name: Y. Omot, title: Case Management Supervisor, party: sc}
sharing:
  - id: sc-to-gvca-referral
    from: sc
    to: gvca
    purpose: referral.service
    basis: consent
    categories: [record.case_id, identity.name, identity.sex, identity.dob_age, service.referral]
  - id: gvca-to-sc-referral
    from: gvca
    to: sc
    purpose: referral.service
    basis: consent
    categories: [record.case_id, identity.name, identity.sex, identity.dob_age, service.referral]
  - id: sc-to-unhcr-bip
    from: sc
    to: unhcr
    unhcr_role: service_provider
    purpose: bip.referral
    basis: consent
    categories: [record.case_id, identity.name, identity.sex, identity.dob_age, service.referral]
"""

MINI_CPIMS = """\
apiVersion: im4cm/v1
kind: System
metadata: {id: gambella-cpims, dpisp: et-gambella}
system: cpims+
operated_by: unicef
source: {format: primero-config, path: cpims/config_data.json}
agencies: {UNICEF: unicef, SCI: sc, GVCA: gvca}
assignments:
  unicef: [role-cp-administrator]
  sc: [role-cp-manager, role-referral]
  gvca: [role-referral]
"""

MINI_EXPORT = """\
apiVersion: im4cm/v1
kind: DataExport
metadata: {id: sc-referral-to-unhcr, dpisp: et-gambella}
system: cpims+
owner: sc
recipient: unhcr
purpose: bip.referral
sharing_rule: sc-to-unhcr-bip
level: individual
fields: [case_id, name_first, sex, date_of_birth, service_type]
transport: {encrypted: true}
"""

MINI_OPENFN = """\
apiVersion: im4cm/v1
kind: System
metadata: {id: gambella-interop, dpisp: et-gambella}
system: cpims+
source: {format: openfn-project, path: openfn/project.yaml}
exports: [sc-referral-to-unhcr]
jobs: {send-referrals: [sc-referral-to-unhcr]}
"""

MINI_PROJECT = """\
name: mini-interop
workflows:
  referrals:
    name: CPIMS+ referrals to proGres v4
    jobs:
      send-referrals:
        name: sendReferrals
        adaptor: '@openfn/language-primero@2.5.0'
        body:
          path: ./jobs/sendReferrals.js
"""

MINI_JOB = """\
getCases({ remote: true, service_implementing_agency: 'UNHCR' }, state => state);

each('$.data[*]', fn(state => {
  const { data } = state;
  const referralMapping = {
    case_id: data.case_id,
    name_first: data.name_first,
    sex: data.sex,
    date_of_birth: data.date_of_birth,
    service_type: data.service_type,
  };
  console.log('Sending one referral');
  return http.post({ url: state.configuration.url, data: referralMapping })(state);
}));
"""

MINI_KOBO = """\
apiVersion: im4cm/v1
kind: System
metadata: {id: gvca-kobo-intake, dpisp: et-gambella}
system: kobo
operated_by: gvca
source: {format: xlsform, path: kobo/intake.xlsx}
exports: [gvca-intake-to-sc]
---
apiVersion: im4cm/v1
kind: DataExport
metadata: {id: gvca-intake-to-sc, dpisp: et-gambella}
system: kobo
owner: gvca
recipient: sc
purpose: referral.service
sharing_rule: gvca-to-sc-referral
level: individual
fields:
  - {name: child_name, category: identity.name}
  - {name: child_sex, category: identity.sex}
  - {name: child_age, category: identity.dob_age}
  - {name: concern_details, category: protection.concern.narrative}
transport: {encrypted: true}
"""


def mini_bundle() -> dict:
    forms = [
        form("basic_identity", [field("case_id_display"), field("name_first"), field("sex", "select_box"),
                                field("date_of_birth", "date_field")], group="identification_registration"),
        form("protection_concerns", [field("protection_concerns", "select_box", multi_select=True)],
             group="assessment", order=40),
    ]
    return bundle(
        forms=forms,
        roles=[role("role-cp-administrator", "CP Administrator", [], {}, group_permission="all"),
               role("role-cp-manager", "CP Manager", MANAGER, {"basic_identity": "rw", "protection_concerns": "rw"},
                    group_permission="group", manager=True),
               role("role-referral", "Referral", REFERRAL, {"basic_identity": "r"}, referral=True)],
        agencies=[agency("UNICEF", "UNICEF"), agency("SCI", "Save the Children International"),
                  agency("GVCA", "Gilo Valley Children's Aid")],
        groups=[group("usergroup-sci", "Save the Children", ["agency-sci"]),
                group("usergroup-gvca", "GVCA", ["agency-gvca"])],
    )


def mini_intake(path: Path, public_key: str | None = PUBLIC_KEY) -> Path:
    return write_xlsform(path, [SURVEY_HEADER, ["text", "child_name", "Name of the child", "yes", ""],
                                ["select_one sex", "child_sex", "Sex", "yes", ""],
                                ["integer", "child_age", "Age in years", "yes", ""],
                                ["text", "concern_details", "What happened, in the child's words", "", ""]],
                         public_key=public_key, form_id="gvca_intake")


def write_mini(root: Path) -> None:
    """The SYSTEM rule cases' base: a small operation whose systems lint clean under SYSTEM."""
    for name, text in {"dpisp.yaml": MINI_DPISP, "exports/referral.yaml": MINI_EXPORT,
                       "systems/cpims.yaml": MINI_CPIMS, "systems/openfn.yaml": MINI_OPENFN,
                       "systems/openfn/project.yaml": MINI_PROJECT, "systems/openfn/jobs/sendReferrals.js": MINI_JOB,
                       "systems/kobo.yaml": MINI_KOBO}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    write_json(root / "systems" / "cpims" / "config_data.json", mini_bundle())
    mini_intake(root / "systems" / "kobo" / "intake.xlsx")
    mini_intake(root / "systems" / "kobo" / "intake-unencrypted.xlsx", public_key=None)


if __name__ == "__main__":
    if sys.argv[1:] not in (["--write"], ["--write-fixtures"]):
        sys.exit("usage: python3 tests/system_sources.py --write | --write-fixtures")
    write_examples() if sys.argv[1] == "--write" else write_fixtures()
