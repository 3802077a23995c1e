"""``im4cm-lint init``: a new country repository that parses, fits the schema and resolves every
reference, with everything left to do showing up as placeholders and missing people."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import lint, lint_json
from im4cm_lint.loader import load_file
from im4cm_lint.pack import resolve_pack
from im4cm_lint.plugins import load_registry

STRUCTURAL = ("PARSE", "SCHEMA", "REF")


@pytest.fixture(scope="module")
def pack():
    registry = load_registry()
    return resolve_pack(None, registry.packs, Path.cwd()).pack


def init(target: Path, *extra: str):
    return lint("init", "--country", "et", "--operation", "Gambella refugee response", *extra, str(target))


def dpisp(target: Path):
    [doc] = load_file(str(target / "dpisp.yaml"), "dpisp.yaml").documents
    return doc


@pytest.mark.parametrize("extra", [(), ("--implementing-partner", "sc"), ("--setting", "idp", "--party", "irc:ingo"),
                                   ("--setting", "mixed", "--party", "arrc:authority")])
def test_scaffold_lints_without_structural_findings(tmp_path, extra):
    target = tmp_path / "country"
    run = init(target, *extra)
    assert run.code == 0, run.err
    assert "Left to fill:" in run.out
    result = lint_json(".", cwd=target)
    structural = [f for f in result.findings() if f[0].startswith(STRUCTURAL)]
    assert structural == []
    assert result.json["summary"]["documents"] == 3
    for name in ("dpisp.yaml", "dpia.yaml", "exports/example.yaml", ".im4cm-lint.yaml",
                 ".pre-commit-config.yaml", ".im4cm/schema.json"):
        assert (target / name).is_file(), name


def test_every_required_role_and_clause_is_there(tmp_path, pack):
    target = tmp_path / "c"
    init(target, "--implementing-partner", "sc")
    doc = dpisp(target)
    roles = doc.body["roles"]
    required = {r["id"] for r in pack.roles.values()
                if "refugee" in r.get("required_in", []) and not r.get("requires_systems")}
    assert required and required <= set(roles)
    for role_id in required:
        entries = roles[role_id] if isinstance(roles[role_id], list) else [roles[role_id]]
        assert all(pack.placeholder.search(e["holder"]["name"]) for e in entries), role_id
    per_agency = [r["id"] for r in pack.roles.values() if r["id"] in required and r.get("scope") == "party"]
    assert per_agency and all({e["holder"]["party"] for e in roles[r]} == {"unhcr", "sc"} for r in per_agency)
    clauses = {c["id"]: c["text"] for c in doc.body["clauses"]}
    assert list(clauses) == list(pack.clauses)
    for clause in pack.clauses.values():
        assert clauses[clause["id"]] == clause["versions"][pack.version], clause["id"]
    assert doc.body["metadata"]["template"] == pack.ref
    assert doc.body["metadata"]["status"] == "draft"


def test_annex_c_only_with_an_implementing_partner(tmp_path, pack):
    init(tmp_path / "a", "--implementing-partner", "sc")
    annex = dpisp(tmp_path / "a").body["annex_c"]
    assert annex["applies_to"] == ["sc"]
    assert set(annex) - {"applies_to"} == set(pack.annex_c)
    assert all(item["met"] is False for key, item in annex.items() if key != "applies_to")
    init(tmp_path / "b")
    assert "annex_c" not in dpisp(tmp_path / "b").body


def test_idp_setting_has_no_unhcr_roles(tmp_path, pack):
    init(tmp_path / "idp", "--setting", "idp")
    body = dpisp(tmp_path / "idp").body
    assert "unhcr" not in {p["id"] for p in body["parties"]}
    unhcr_only = {r["id"] for r in pack.roles.values() if r.get("unhcr_only")}
    assert unhcr_only and not unhcr_only & set(body["roles"])


def test_editor_schema_modeline_points_at_the_written_schema(tmp_path):
    target = tmp_path / "c"
    init(target)
    for name in ("dpisp.yaml", "dpia.yaml", "exports/example.yaml"):
        first = (target / name).read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        assert ((target / name).parent / first.split("=", 1)[1]).resolve() == (target / ".im4cm/schema.json").resolve()
    hook = (target / ".pre-commit-config.yaml").read_text()
    assert "id: im4cm-lint" in hook and "rev: v0.1.0" in hook


def test_output_is_deterministic(tmp_path):
    init(tmp_path / "one", "--implementing-partner", "sc")
    init(tmp_path / "two", "--implementing-partner", "sc")
    names = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert names
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_existing_files_are_kept_unless_forced(tmp_path):
    target = tmp_path / "c"
    target.mkdir()
    (target / "dpisp.yaml").write_text("mine\n")
    run = init(target)
    assert run.code == 2
    assert "dpisp.yaml" in run.err and "--force" in run.err
    assert (target / "dpisp.yaml").read_text() == "mine\n"
    assert init(target, "--force").code == 0
    assert (target / "dpisp.yaml").read_text() != "mine\n"


@pytest.mark.parametrize("args, words", [
    (("--country", "Ethiopia"), "two-letter"),
    (("--country", "ET", "--implementing-partner", "Save the Children"), "not a valid party id"),
    (("--country", "ET", "--setting", "idp", "--implementing-partner", "sc"), "refugee or mixed"),
    (("--country", "ET", "--party", "irc:ngo"), "party type"),
])
def test_bad_options_are_explained(tmp_path, args, words):
    run = lint("init", *args, "--operation", "Op", str(tmp_path / "c"))
    assert run.code == 2
    assert words in run.err
    assert not (tmp_path / "c" / "dpisp.yaml").exists()
