"""The JSON Schema export: generated from the same cerberus schemas the linter validates with, so
an editor accepts what the linter accepts and flags what it flags."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import EXAMPLES, lint, lint_json, write
from im4cm_lint.loading import schema_problems
from im4cm_lint.loader import load_file
from im4cm_lint.yamltree import to_plain

COUNTRY_KINDS = ("DPISP", "DPIA", "DataExport")


def bundle() -> dict:
    run = lint("schema")
    assert run.code == 0
    return json.loads(run.out)


def documents_under(root: Path) -> list[tuple[str, dict, bool]]:
    """(file:kind, plain body, whether the linter's schema check accepts it) of every country
    document found under ``root``."""
    found = []
    for path in sorted(root.rglob("*.y*ml")):
        for doc in load_file(str(path), str(path)).documents:
            if doc.kind in COUNTRY_KINDS:
                found.append((f"{path.relative_to(root)}:{doc.kind}", to_plain(doc.body), not schema_problems(doc)))
    return found


def test_bundle_is_a_valid_draft07_schema_for_every_kind():
    schema = bundle()
    jsonschema.Draft7Validator.check_schema(schema)
    assert set(schema["definitions"]) == {"DPISP", "DPIA", "DataExport", "PolicyPack"}
    assert schema["definitions"]["DPISP"]["required"] == ["apiVersion", "kind", "metadata", "parties"]


def test_one_kind_is_standalone_and_rejects_other_kinds():
    run = lint("schema", "DataExport")
    schema = json.loads(run.out)
    jsonschema.Draft7Validator.check_schema(schema)
    errors = list(jsonschema.Draft7Validator(schema).iter_errors({"apiVersion": "im4cm/v1", "kind": "DPIA"}))
    assert any(e.validator == "const" for e in errors)


def test_unknown_kind_is_a_usage_error():
    assert lint("schema", "Protocol").code == 2


def test_scaffold_and_every_example_validate_as_the_linter_says(tmp_path):
    assert lint("init", "--country", "ET", "--operation", "Gambella refugee response",
                "--implementing-partner", "sc", str(tmp_path / "repo")).code == 0
    scaffold = documents_under(tmp_path / "repo")
    assert {name.rsplit(":", 1)[1] for name, _, _ in scaffold} == set(COUNTRY_KINDS)
    assert all(accepted for _, _, accepted in scaffold)
    docs = scaffold + (documents_under(EXAMPLES) if EXAMPLES.is_dir() else [])
    validator = jsonschema.Draft7Validator(bundle(), format_checker=jsonschema.FormatChecker())
    for name, body, accepted in docs:
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
        if accepted:
            assert problems == [], name
        else:  # the examples of mistakes: the editor flags what the linter flags
            assert problems != [], name


EXPORT = """\
apiVersion: im4cm/v1
kind: DataExport
metadata: {id: cpims-unhcr, dpisp: et-gambella}
system: cpims+
owner: sc
recipient: unhcr
purpose: bip.referral
level: individual
fields: [name_first, {name: custom_flag, category: protection.concern.type}]
transport: {encrypted: true}
"""


@pytest.mark.parametrize("change, rule", [
    (("level: individual", "level: individuel"), "SCHEMA004"),          # enum
    (("transport: {encrypted: true}", "transport: {encrypted: yes}"), "SCHEMA003"),  # type
    (("owner: sc", "owner: Save the Children"), "SCHEMA006"),           # id pattern (anchored)
    (("owner: sc", "owner: sc\nownr: sc"), "SCHEMA001"),               # unknown key
    (("system: cpims+\n", ""), "SCHEMA002"),                             # required
    (("fields: [name_first", "fields: [7"), "SCHEMA003"),                # anyOf
])
def test_schema_and_linter_reject_the_same_mistakes(repo, change, rule):
    validator = jsonschema.Draft7Validator(bundle())
    good = write(repo, "export.yaml", EXPORT)
    body = to_plain(load_file(str(good), "export.yaml").documents[0].body)
    assert list(validator.iter_errors(body)) == []
    assert lint_json(".", cwd=repo).rules() & {"SCHEMA001", "SCHEMA002", "SCHEMA003", "SCHEMA004", "SCHEMA006"} == set()

    bad = write(repo, "export.yaml", EXPORT.replace(*change))
    body = to_plain(load_file(str(bad), "export.yaml").documents[0].body)
    assert list(validator.iter_errors(body)) != []
    assert rule in lint_json(".", cwd=repo).rules()


def test_dates_need_the_iso_form():
    validator = jsonschema.Draft7Validator(bundle()["definitions"]["DPIA"])
    doc = {"apiVersion": "im4cm/v1", "kind": "DPIA", "metadata": {"id": "d", "dpisp": "x", "status": "draft",
                                                                    "completed": "2025-01-15"}}
    assert list(validator.iter_errors(doc)) == []
    doc["metadata"]["completed"] = "15/01/2025"
    assert [e.validator for e in validator.iter_errors(doc)] == ["pattern"]
