"""SCHEMA: each way a document can misfit its kind is reported at the key or value, with a hint."""

from __future__ import annotations

from conftest import lint_json, write

EXPORT = """
    apiVersion: im4cm/v1
    kind: DataExport
    metadata: {id: e1, dpisp: et-gambella}
    system: cpims+
    owner: sc
    recipient: unhcr
    purpose: bip.referral
    level: individual
    fields: [name_first]
    transport: {encrypted: true}
    """


def schema_findings(repo, text: str):
    write(repo, "doc.yaml", text)
    run = lint_json("--select", "SCHEMA", ".", cwd=repo)
    return run, [(d["rule"], d["line"], d["column"], d["message"]) for d in run.json["diagnostics"]]


def test_valid_export_has_no_schema_finding(repo):
    run, found = schema_findings(repo, EXPORT)
    assert found == [] and run.code == 0


def test_unknown_key_points_at_the_key_with_did_you_mean(repo):
    run, found = schema_findings(repo, EXPORT.replace("level: individual", "levle: individual"))
    assert [(r, line, col) for r, line, col, _ in found] == [("SCHEMA002", 1, 1), ("SCHEMA001", 8, 1)]
    assert "did you mean 'level'?" in found[1][3]
    assert run.code == 1


def test_wrong_type_and_yes_hint(repo):
    _, found = schema_findings(repo, EXPORT.replace("encrypted: true", "encrypted: yes"))
    assert [(r, line, col) for r, line, col, _ in found] == [("SCHEMA003", 10, 24)]
    assert "write true or false" in found[0][3]


def test_number_where_text_is_expected_says_quote_it(repo):
    _, found = schema_findings(repo, EXPORT.replace("owner: sc", "owner: 12"))
    assert [(r, line) for r, line, _, _ in found] == [("SCHEMA003", 5)]
    assert "put it in quotes" in found[0][3]


def test_enum_value_suggests_the_closest(repo):
    _, found = schema_findings(repo, EXPORT.replace("system: cpims+", "system: progres-v5"))
    assert [(r, line, col) for r, line, col, _ in found] == [("SCHEMA004", 4, 9)]
    assert "did you mean 'progres-v4'?" in found[0][3]


def test_bad_date_and_bad_id(repo):
    _, found = schema_findings(repo, """
        apiVersion: im4cm/v1
        kind: DPIA
        metadata: {id: Gambella DPIA, dpisp: et-gambella, status: completed, completed: 15/01/2025}
        """)
    assert sorted((r, line) for r, line, _, _ in found) == [("SCHEMA005", 3), ("SCHEMA006", 3)]


def test_unknown_kind_and_api_version(repo):
    _, found = schema_findings(repo, "apiVersion: im4cm/v2\nkind: DataExports\n")
    assert [(r, line, col) for r, line, col, _ in found] == [("SCHEMA008", 1, 13), ("SCHEMA009", 2, 7)]
    assert "did you mean 'DataExport'?" in found[1][3]


def test_role_assignment_must_be_mapping_or_list(repo):
    _, found = schema_findings(repo, """
        apiVersion: im4cm/v1
        kind: DPISP
        metadata: {id: x, country: ET, operation: o, setting: refugee, template: im4cm-standard@2024.1,
                   version: 1.0.0, status: draft}
        parties: [{id: sc, name: SC, type: ingo}]
        roles:
          process_lead: A. Person
        """)
    assert [(r, line) for r, line, _, _ in found] == [("SCHEMA003", 7)]
    assert "assignment" in found[0][3]


def test_a_schema_error_does_not_cascade_into_ref_findings(repo):
    """A document that does not fit its schema is not checked, but its id still resolves."""
    write(repo, "dpisp.yaml", """
        apiVersion: im4cm/v1
        kind: DPISP
        metadata: {id: et-gambella, country: ET, operation: o, setting: refugee,
                   template: im4cm-standard@2024.1, version: 1.0.0, status: drafted}
        parties: [{id: sc, name: SC, type: ingo}]
        """)
    write(repo, "export.yaml", EXPORT)
    run = lint_json("--select", "SCHEMA,REF", ".", cwd=repo)
    assert run.findings() == [("SCHEMA004", "dpisp.yaml", 4)]


def test_control_characters_from_a_key_never_reach_the_terminal(repo):
    """A crafted key with an ANSI escape is shown escaped, not interpreted."""
    write(repo, "doc.yaml", EXPORT.replace("level: individual", 'level: individual\n    "\\e[31mred": 1'))
    run = lint_json("--select", "SCHEMA", ".", cwd=repo)
    [diag] = run.json["diagnostics"]
    assert diag["rule"] == "SCHEMA001"
    assert "\x1b" not in diag["message"] and "[8 characters at 9:1]" in diag["message"]  # shown by position (5.5)
