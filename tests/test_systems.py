"""System documents (contract 5.3): the readers of each source format on real-shaped files and on
hostile ones, the engine's safe reading of sources, and ``im4cm-lint import``.

Real-shaped files come from tests/system_sources.py (shapes read from primeroIMS/primero
@4b95bf947480e7cdd1fca197b1c7ef7188a9bd8e, OpenFn/primero-progres
@58e0a4d0bf6819a812946e2b4ba16b68af4169fd and XLSForm/pyxform); each test changes one thing in a
copy of the clean Gambella example and asserts the exact findings.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest

import system_sources as sources
from conftest import EXAMPLES, lint, lint_json

TODAY = "2026-11-24"


@pytest.fixture
def gambella(tmp_path: Path) -> Path:
    """A copy of the clean Gambella example, as its own repository."""
    root = tmp_path / "gambella"
    shutil.copytree(EXAMPLES / "et-gambella", root)
    (root / ".git").mkdir()
    return root


def system_findings(root: Path, *extra: str) -> list[tuple[str, str, int, int]]:
    run = lint_json("--today", TODAY, "--select", "SYSTEM", "--no-cache", *extra, ".", cwd=root)
    assert run.code in (0, 1), run.out + run.err
    return sorted((d["rule"], d["path"], d["line"], d["column"]) for d in run.json["diagnostics"])


def messages(root: Path) -> list[str]:
    run = lint_json("--today", TODAY, "--select", "SYSTEM", "--no-cache", ".", cwd=root)
    return [d["message"] for d in run.json["diagnostics"]]


def line_of(path: Path, text: str) -> int:
    return next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in row)


def where(path: Path, text: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of ``text`` in ``path``."""
    return next((n, row.index(text) + 1) for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in row)


BUNDLE = "systems/cpims/config_data.json"


def edit_bundle(root: Path, change) -> Path:
    path = root / BUNDLE
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["data"])
    return sources.write_json(path, data)


def role_of(data: dict, unique_id: str) -> dict:
    return next(r for r in data["Role"] if r["unique_id"] == unique_id)


# --- the clean example, and the engine's reading of sources -------------------------------------

def test_clean_example_systems_find_nothing(gambella):
    assert system_findings(gambella) == []


def test_source_outside_the_repository_is_refused(gambella, tmp_path):
    sources.write_json(tmp_path / "elsewhere.json", sources.gambella_bundle())
    doc = gambella / "systems" / "cpims.yaml"
    doc.write_text(doc.read_text().replace("path: cpims/config_data.json", "path: ../../elsewhere.json"))
    assert system_findings(gambella) == [("SYSTEM001", "systems/cpims.yaml", line_of(doc, "  path:"), 9)]
    assert "leads outside the repository" in messages(gambella)[0]


def test_link_leaving_the_repository_is_refused(gambella, tmp_path):
    sources.write_json(tmp_path / "elsewhere.json", sources.gambella_bundle())
    (gambella / BUNDLE).unlink()
    os.symlink(tmp_path / "elsewhere.json", gambella / BUNDLE)
    doc = gambella / "systems" / "cpims.yaml"
    assert system_findings(gambella) == [("SYSTEM001", "systems/cpims.yaml", line_of(doc, "  path:"), 9)]


def test_missing_source_names_the_file(gambella):
    (gambella / BUNDLE).unlink()
    assert system_findings(gambella)[0][:2] == ("SYSTEM001", "systems/cpims.yaml")
    assert "'systems/cpims/config_data.json' does not exist" in messages(gambella)[0]


def test_cached_run_sees_a_changed_source(gambella):
    first = lint_json("--today", TODAY, ".", cwd=gambella)
    assert first.json["diagnostics"] == []
    edit_bundle(gambella, lambda d: d["Agency"].append(sources.agency("HIAS", "HIAS")))
    second = lint_json("--today", TODAY, ".", cwd=gambella)  # the cache is on: it must not hide the change
    assert [d["rule"] for d in second.json["diagnostics"]] == ["SYSTEM002"]


# --- primero-config ---------------------------------------------------------------------------------

def test_agency_not_party_points_at_its_record(gambella):
    path = edit_bundle(gambella, lambda d: d["Agency"].append(sources.agency("HIAS", "HIAS Ethiopia")))
    line = line_of(path, '"agency_code": "HIAS"') - 2
    assert system_findings(gambella) == [("SYSTEM002", BUNDLE, line, 7)]
    assert messages(gambella) == [
        "agency 'HIAS' of system 'gambella-cpims' is not mapped to a DPISP party; add `HIAS: <party>` to the "
        "System's agencies, or disable the agency"]


def test_agency_disabled_is_not_reported(gambella):
    def change(data):
        data["Agency"].append({**sources.agency("HIAS", "HIAS Ethiopia"), "disabled": True})
    edit_bundle(gambella, change)
    assert system_findings(gambella) == []


def test_export_role_held_by_party_without_rule_out(gambella):
    doc = gambella / "systems" / "cpims.yaml"
    doc.write_text(doc.read_text().replace("unicef: [role-cp-administrator]", "unicef: [role-cp-administrator, role-cp-manager]"))
    path = gambella / BUNDLE
    found = system_findings(gambella)
    # the first role granting export_unhcr_csv is role-cp-manager
    assert ("SYSTEM003", BUNDLE, *where(path, '"export_unhcr_csv"')) in found
    # unicef has no supervisor named either
    assert [f[0] for f in found] == ["SYSTEM003", "SYSTEM005"]


def test_referral_role_reading_concern_details(gambella):
    edit_bundle(gambella, lambda d: role_of(d, "role-referral")["form_section_read_write"].update(protection_concerns="r"))
    found = system_findings(gambella)
    # the protection concerns field can carry the severe options of its lookup (GBV, trafficking,
    # abuse, health): every party holding the role reads more than its referral rules allow
    assert [f[0] for f in found] == ["SYSTEM004", "SYSTEM004", "SYSTEM004"]
    text = messages(gambella)[0]
    assert "referral role 'role-referral' held by 'gvca' reads 8 categories beyond the 1 sharing rule from gvca" in text
    assert text.endswith("protection.concern.type, protection.gbv, protection.status, protection.violence_incident; "
                         "remove those forms from the role or agree the categories in a sharing rule")


def test_consent_override_without_named_supervisor(gambella):
    dpisp = gambella / "dpisp.yaml"
    dpisp.write_text(dpisp.read_text().replace(
        "    - holder: {name: J. Nyaluak, title: Case Management Officer, party: irc}\n"
        "      confirmed: 2026-10-09\n      trained: 2025-09-19\n", ""))
    assert system_findings(gambella) == [("SYSTEM005", BUNDLE, *where(gambella / BUNDLE, '"consent_override"'))]


def test_user_group_across_parties_without_rule(gambella):
    edit_bundle(gambella, lambda d: d["UserGroup"].append(sources.group("usergroup-sci-unicef", "SCI and UNICEF",
                                                                      ["agency-sci", "agency-unicef"])))
    path = gambella / BUNDLE
    line = line_of(path, '"unique_id": "usergroup-sci-unicef"') - 1
    assert system_findings(gambella) == [("SYSTEM006", BUNDLE, line, 7)]
    # SCI and IRC share a group and the transfer rule between them: that group is fine; a group of
    # GVCA and UNICEF is fine too, as none of their users has group permission


def test_user_group_whose_users_cannot_see_the_group(gambella):
    edit_bundle(gambella, lambda d: d["UserGroup"].append(sources.group("usergroup-gvca-unicef", "GVCA and UNICEF",
                                                                      ["agency-gvca", "agency-unicef"])))
    assert system_findings(gambella) == []


def test_terms_of_use_disabled(gambella):
    def change(data):
        data["Agency"][3]["terms_of_use_enabled"] = False
    path = edit_bundle(gambella, change)
    line, column = where(path, '"terms_of_use_enabled": false')
    assert system_findings(gambella) == [("SYSTEM007", BUNDLE, line, column + len('"terms_of_use_enabled": '))]


def test_unmapped_field_of_an_outward_role_by_position(gambella):
    def change(data):
        data["FormSection"][0]["fields_attributes"].append(sources.field("hiv_status_private_note"))
    path = edit_bundle(gambella, change)
    line, column = where(path, '"hiv_status_private_note"')
    assert system_findings(gambella) == [("SYSTEM009", BUNDLE, line, column)]
    assert "hiv_status" not in messages(gambella)[0]  # by position, never by value
    assert "/data/FormSection/0/fields_attributes/11/name" in messages(gambella)[0]


@pytest.mark.parametrize("text, where", [
    ('{"data": {"Role": [{"unique_id": "r", "permissions": ', (1, 54)),  # truncated: where json stops
    ('{"data": {"Role": {"unique_id": "r"}}}', (1, 19)),  # a model that is not a list
    ('{"data": {"Role": [{"unique_id": 7}]}}', (1, 34)),  # an id that is not text
    ('{"data": {"Role": [{"unique_id": "r", "form_section_read_write": {"basic_identity": "x"}}]}}', (1, 85)),
    ('[' * 100_000 + ']' * 100_000, (1, 1)),  # nesting that would exhaust the stack
    ('{"nothing": "here"}', (1, 1)),
])
def test_malformed_bundle_is_a_finding_at_its_position(gambella, text, where):
    (gambella / BUNDLE).write_text(text)
    found = system_findings(gambella)
    assert found[0] == ("SYSTEM001", BUNDLE, *where), found


def test_bundle_not_utf8(gambella):
    (gambella / BUNDLE).write_bytes(b'{"data": {"Agency": [{"unique_id": "\xff"}]}}')
    assert system_findings(gambella) == [("SYSTEM001", BUNDLE, 1, 1)]
    assert "not UTF-8 text (byte 36)" in messages(gambella)[0]


def test_100_mb_bundle_stops_at_the_size_limit(gambella):
    with open(gambella / BUNDLE, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: nothing is written, the size is real
    doc = gambella / "systems" / "cpims.yaml"
    started = time.monotonic()
    assert system_findings(gambella) == [("SYSTEM001", "systems/cpims.yaml", line_of(doc, "  path:"), 9)]
    assert time.monotonic() - started < 10
    assert "has 104,857,600 bytes, more than the 16,777,216 that are read" in messages(gambella)[0]


# --- xlsform and primero-forms ----------------------------------------------------------------------

FORM = "systems/kobo/gvca-identification.xlsx"


def test_xlsform_reader_reads_questions_in_order(gambella):
    run = lint("import", FORM, "--from", "xlsform", "--system", "kobo", cwd=gambella)
    assert run.code == 0, run.err
    names = [row.split("{name: ")[1].split(",")[0] for row in run.out.splitlines() if row.startswith("  - {name: ")]
    assert names == ["child_name", "child_sex", "child_age", "child_language", "child_location", "caregiver_name",
                     "service_needed", "consent_referral"]


def test_severe_question_without_public_key(gambella):
    sources.write_xlsform(gambella / FORM, [
        sources.SURVEY_HEADER, ["text", "child_name", "Name", "yes", ""],
        ["text", "abuse_details", "What happened", "", ""]], public_key=None)
    kobo = gambella / "systems" / "kobo.yaml"
    kobo.write_text(kobo.read_text().replace(
        "  - {name: child_sex, category: identity.sex}",
        "  - {name: abuse_details, category: protection.concern.narrative}"))
    found = system_findings(gambella)
    assert ("SYSTEM008", FORM, 1, 1) in found
    assert "the first at survey!B3" in " ".join(messages(gambella))


def test_formula_and_external_link_in_a_workbook(gambella):
    sources.write_xlsform(gambella / FORM, [
        sources.SURVEY_HEADER, ["text", "child_name", "Name", "yes", ""],
        ["text", "=HYPERLINK(\"http://example.org\")", "Name", "", ""]], public_key=sources.PUBLIC_KEY)
    data = (gambella / FORM).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(buffer, "w") as new:
        for item in old.infolist():
            new.writestr(item, old.read(item))
        new.writestr("xl/externalLinks/externalLink1.xml",
                     '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    (gambella / FORM).write_bytes(buffer.getvalue())
    found = [f for f in system_findings(gambella) if f[0] == "SYSTEM001"]
    assert found == [("SYSTEM001", FORM, 1, 1), ("SYSTEM001", FORM, 3, 2)]
    text = " ".join(messages(gambella))
    assert "links to 1 other file(s)" in text and "survey!B3 holds a formula, which is not computed" in text


def test_zip_bomb_posing_as_xlsx(gambella):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        with bomb.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(40):
                part.write(chunk)
    (gambella / FORM).write_bytes(buffer.getvalue())
    assert len(buffer.getvalue()) < 1024 * 1024
    assert system_findings(gambella) == [("SYSTEM001", FORM, 1, 1)]
    assert "would unpack to 41,943,040 bytes, more than the 33,554,432" in messages(gambella)[0]


@pytest.mark.parametrize("data", [b"not a zip at all", b"PK\x03\x04" + b"\0" * 40])
def test_not_a_workbook(gambella, data):
    (gambella / FORM).write_bytes(data)
    assert system_findings(gambella) == [("SYSTEM001", FORM, 1, 1)]


def test_primero_forms_export(gambella, tmp_path):
    path = sources.write_forms_export(gambella / "systems" / "forms.xlsx", [
        ("basic_identity", "Basic Identity", [("name_first", "text_field"), ("sex", "select_box"),
                                              ("custom_flag_x", "tick_box")])])
    (gambella / "systems" / "forms.yaml").write_text(
        "apiVersion: im4cm/v1\nkind: System\nmetadata: {id: gambella-forms, dpisp: et-gambella}\n"
        "system: cpims+\nsource: {format: primero-forms, path: forms.xlsx}\n")
    assert system_findings(gambella) == [("SYSTEM009", "systems/forms.xlsx", 5, 3)]
    assert "'Basic Identity'!C5" in messages(gambella)[0]
    run = lint("import", str(path.relative_to(gambella)), "--from", "primero-forms", cwd=gambella)
    assert "  - name_first\n  - sex\n  - {name: custom_flag_x, category: }" in run.out


# --- openfn-project ---------------------------------------------------------------------------------

JOBS = "systems/openfn/jobs"


def test_job_sending_caseworker_contacts(gambella):
    job = gambella / JOBS / "f2-2.sendReferralToDTP.js"
    job.write_text(job.read_text().replace("        owned_by: data.owned_by,\n",
                                           "        owned_by: data.owned_by,\n        email: user.email,\n"))
    assert system_findings(gambella) == [("SYSTEM010", f"{JOBS}/f2-2.sendReferralToDTP.js", line_of(job, "email:"), 9)]


def test_export_listing_a_field_the_job_no_longer_sends(gambella):
    job = gambella / JOBS / "f2-2.sendReferralToDTP.js"
    job.write_text(job.read_text().replace("        telephone_current: data.telephone_current ? data.telephone_current.toString() : null,\n", ""))
    export = gambella / "exports" / "cpims-to-progres-bip-referral.yaml"
    lines = [n for n, row in enumerate(export.read_text().splitlines(), 1) if row.startswith("  - telephone_current")]
    assert system_findings(gambella) == [("SYSTEM014", "exports/cpims-to-progres-bip-referral.yaml", n, 5) for n in lines]


def test_proGres_to_primero_job_is_read_in_proGres_names(gambella):
    job = gambella / JOBS / "f1-1.sendReferralsToPrimero.js"
    job.write_text(job.read_text().replace("      name_last: data['individuals.progres_familyname'],\n",
                                           "      name_last: data['individuals.progres_familyname'],\n"
                                           "      name_nickname: data['individuals.progres_commonyusedname'],\n"))
    assert system_findings(gambella) == [("SYSTEM010", f"{JOBS}/f1-1.sendReferralsToPrimero.js",
                                          *where(job, "'individuals.progres_commonyusedname'"))]


def test_job_logs_ids_fetches_without_remote_and_all_users(gambella):
    job = gambella / JOBS / "f2-2.sendReferralToDTP.js"
    text = job.read_text()
    text = text.replace("{ remote: true, service_implementing_agency", "{ service_implementing_agency")
    text = text.replace("  console.log('# CPIMS+ referrals to send to proGres v4 :: ', state.cases.length);",
                        "  console.log('# CPIMS+ referrals to send to proGres v4 :: ', state.cases.length);\n"
                        "  console.log('Primero case id(s) :: ', state.cases.map(c => c.case_id));\n"
                        "  console.log(`created ${resp.data.case_id}`);\n"
                        "  http.get({ url: `${host}/api/v2/users?per=100000&page=1` });")
    job.write_text(text)
    path = f"{JOBS}/f2-2.sendReferralToDTP.js"
    assert system_findings(gambella) == [
        ("SYSTEM011", path, *where(job, "console.log('Primero case id(s)")),
        ("SYSTEM011", path, *where(job, "console.log(`created")),
        ("SYSTEM012", path, *where(job, "getCases(")),
        ("SYSTEM013", path, *where(job, "/api/v2/users"))]


def test_remote_true_in_a_comment_does_not_count(gambella):
    job = gambella / JOBS / "f2-2.sendReferralToDTP.js"
    job.write_text(job.read_text().replace("{ remote: true, service_implementing_agency",
                                           "{ /* remote: true, */ service_implementing_agency"))
    assert [f[0] for f in system_findings(gambella)] == ["SYSTEM012"]


def test_job_of_50000_lines(gambella):
    job = gambella / JOBS / "f2-2.sendReferralToDTP.js"
    filler = "".join(f"const value{n} = {{ key: 'text with a brace {{', other: `x${{n}}` }}; // }} {n}\n"
                     for n in range(50_000))
    job.write_text(job.read_text() + filler + "console.log('ids', caseIds);\n")
    started = time.monotonic()
    found = system_findings(gambella)
    assert time.monotonic() - started < 20
    assert found == [("SYSTEM011", f"{JOBS}/f2-2.sendReferralToDTP.js", line_of(job, "caseIds"), 1)]


def test_job_file_outside_the_repository(gambella, tmp_path):
    (tmp_path / "stolen.js").write_text("console.log('x');\n")
    project = gambella / "systems" / "openfn" / "project.yaml"
    project.write_text(project.read_text().replace("./jobs/f2-2.sendReferralToDTP.js", "../../../stolen.js"))
    found = system_findings(gambella)
    assert found[0] == ("SYSTEM001", "systems/openfn/project.yaml", line_of(project, "stolen.js"), 17)


def test_broken_project_yaml(gambella):
    project = gambella / "systems" / "openfn" / "project.yaml"
    project.write_text("workflows: [unclosed\n")
    assert system_findings(gambella)[0][:2] == ("SYSTEM001", "systems/openfn/project.yaml")


# --- references -------------------------------------------------------------------------------------

def test_unknown_references_in_a_system_document(gambella):
    doc = gambella / "systems" / "openfn.yaml"
    doc.write_text(doc.read_text().replace("operated_by: unicef", "operated_by: unicfe").replace(
        "  f2-2-send-referral-to-dtp: [sc-cpims-to-progres-bip-referral,", "  f2-2-send-referral-to-dtp: [sc-to-progres,"))
    assert system_findings(gambella) == [
        ("SYSTEM015", "systems/openfn.yaml", line_of(doc, "operated_by"), 14),
        ("SYSTEM015", "systems/openfn.yaml", line_of(doc, "[sc-to-progres"), 31)]


# --- import -----------------------------------------------------------------------------------------

def test_import_openfn_project_writes_one_export_per_job_in_source_order(gambella):
    run = lint("import", "systems/openfn/project.yaml", "--from", "openfn-project", "--dpisp", "et-gambella",
               "--job", "f2-2-send-referral-to-dtp", "--owner", "sc", "--recipient", "unhcr", "--purpose",
               "bip.referral", cwd=gambella)
    assert run.code == 0, run.err
    assert run.out.startswith("# Imported by `im4cm-lint import` from systems/openfn/project.yaml (openfn-project, "
                              "job f2-2-send-referral-to-dtp).\n")
    fields = [row[4:] for row in run.out.splitlines() if row.startswith("  - ")]
    committed = (gambella / "exports" / "cpims-to-progres-bip-referral.yaml").read_text().split("---")[0]
    listed = [row.split("#")[0].strip()[2:] for row in committed.splitlines() if row.startswith("  - ")]
    assert fields == listed


def test_imported_export_lints_without_drift(gambella):
    out = gambella / "exports" / "imported.yaml"
    run = lint("import", "systems/openfn/project.yaml", "--from", "openfn-project", "--dpisp", "et-gambella",
               "--job", "f2-2-send-referral-to-dtp", "--owner", "sc", "--recipient", "unhcr", "--purpose",
               "bip.referral", "-o", str(out), cwd=gambella)
    assert run.code == 0
    text = out.read_text().replace("id: f2-2-send-referral-to-dtp", "id: imported-referral")
    out.write_text(text)
    doc = gambella / "systems" / "openfn.yaml"
    doc.write_text(doc.read_text().replace("  f2-2-send-referral-to-dtp: [", "  f2-2-send-referral-to-dtp: [imported-referral, "))
    assert system_findings(gambella) == []
    result = lint_json("--today", TODAY, "--no-cache", ".", cwd=gambella)
    assert [d["rule"] for d in result.json["diagnostics"]] == []


def test_import_primero_role_lists_the_forms_it_reads(gambella):
    run = lint("import", BUNDLE, "--from", "primero-config", "--role", "role-referral", cwd=gambella)
    assert run.code == 0, run.err
    assert [row[4:] for row in run.out.splitlines() if row.startswith("  - ")] == [
        "case_id_display", "name_first", "name_middle", "name_last", "sex", "date_of_birth", "age", "language",
        "location_current", "address_current", "telephone_current"]


def test_import_of_a_broken_file_exits_2_without_traceback(gambella):
    run = lint("import", "nowhere.json", "--from", "primero-config", cwd=gambella)
    assert run.code == 2
    assert "does not exist" in run.err and "Traceback" not in run.err


def test_five_megabyte_bundle_reads_and_checks_in_under_a_second(gambella):
    def change(data):
        template = data["FormSection"][0]
        for n in range(1400):
            data["FormSection"].append({**template, "unique_id": f"custom_form_{n}"})
    path = edit_bundle(gambella, change)
    assert path.stat().st_size > 5_000_000
    started = time.monotonic()
    assert system_findings(gambella) == []
    assert time.monotonic() - started < 3  # the whole CLI run; bench/run.py measures the check alone


def test_jobs_naming_a_job_the_project_does_not_have(gambella):
    doc = gambella / "systems" / "openfn.yaml"
    doc.write_text(doc.read_text().replace("  f1-1-send-referrals-to-primero:", "  f1-1-send-referral-to-primero:"))
    assert system_findings(gambella) == [("SYSTEM015", "systems/openfn.yaml", line_of(doc, "f1-1-send-referral-to"), 3)]
    assert "did you mean 'f1-1-send-referrals-to-primero'?" in messages(gambella)[0]


def test_a_source_too_slow_to_read_is_read_once(gambella, monkeypatch):
    """A reader stopped by the check time limit leaves the source unreadable for the other rules,
    so they do not each start reading it again."""
    import im4cm_lint_checks.systems.primero as primero

    calls = []

    def slow(data, shown):
        calls.append(shown)
        time.sleep(5)

    monkeypatch.setattr(primero, "read_config", slow)
    (gambella / ".im4cm-lint.yaml").write_text((gambella / ".im4cm-lint.yaml").read_text() + "check-timeout: 1\n")
    run = lint_json("--today", TODAY, "--select", "SYSTEM", "--no-cache", ".", cwd=gambella)
    assert [d["rule"] for d in run.json["diagnostics"]] == ["PLUGIN005"]
    assert "check SYSTEM001" in run.json["diagnostics"][0]["message"]
    assert calls == ["systems/cpims/config_data.json"]
