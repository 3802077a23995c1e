"""JSON Schema (draft-07) of the document kinds, generated from the cerberus schemas in
:mod:`im4cm_lint.schemas`, so editors with the YAML language server complete and check keys while
people draft, from the same single source the linter validates with.

``im4cm-lint schema [KIND]`` prints one kind, or a bundle that picks the kind's schema by the
document's ``kind``; ``im4cm-lint init`` writes the bundle into the new repository.
"""

from __future__ import annotations

import json
from typing import Any

import click

from im4cm_lint import schemas

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

_TYPES = {"string": "string", "dict": "object", "list": "array", "boolean": "boolean",
          "integer": "integer", "number": "number"}

# Hover text for the keys people fill most; the contract itself is FORMAT.md.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "DPISP": {
        "metadata": "Identity and lifecycle of the protocol: id, country, setting, template, version, status, dates.",
        "parties": "Every agency that shares or receives data under this protocol; each must sign it.",
        "roles": "Role id from the policy pack -> who holds it (holder, backup, confirmed, trained).",
        "clauses": "The protocol's text, clause by clause; locked clauses must keep the pack's exact text.",
        "sharing": "What may flow, from whom, to whom, for which purpose, on which basis (need-to-know).",
        "annex_c": "Alignment with UNHCR's data protection annex (Annex C) for UNHCR implementing partners.",
        "signatures": "One signature per party: who signed for it and when.",
    },
    "DPIA": {
        "metadata": "Identity and lifecycle of the assessment, and the DPISP it assesses.",
        "processing": "The processing activities assessed: systems and parties involved.",
        "risks": "Each risk with likelihood, impact, mitigations, an owner role and the residual risk.",
        "signoff": "Who approved the assessment, in which role, and when.",
    },
    "DataExport": {
        "metadata": "Identity of the export and the DPISP that must permit it.",
        "fields": "System field names sent; a field the pack does not map needs its category.",
        "sharing_rule": "The DPISP sharing rule this export relies on.",
        "transport": "How the data travels: encrypted or not, and the method.",
    },
}

KIND_DESCRIPTIONS = {
    "DPISP": "Data Protection and Information Sharing Protocol of a country operation",
    "DPIA": "Data Protection Impact Assessment",
    "DataExport": "What one information system actually sends, to whom, for which purpose",
    "PolicyPack": "Header of a policy pack: the inter-agency standard as data",
}


def _anchored(regex: str) -> str:
    """cerberus matches a regex against the whole value; JSON Schema searches, so anchor it."""
    return f"^(?:{regex})$"


def convert(rules: dict) -> dict:
    """The JSON Schema of one cerberus field definition."""
    out: dict[str, Any] = {}
    kind = rules.get("type")
    if rules.get("check_with") == "field_map_entry":  # checked by one function in the linter (schemas.py)
        return {"anyOf": [{"type": "string", "pattern": _anchored(schemas.ID)},
                          {"type": "object", "required": ["category"], "additionalProperties": False,
                           "properties": {"category": {"type": "string", "pattern": _anchored(schemas.ID)},
                                          "values": {"type": "object",
                                                     "additionalProperties": {"type": "string",
                                                                              "pattern": _anchored(schemas.ID)}},
                                          "note": {"type": "string"}}}]}
    if isinstance(kind, list):
        out["type"] = [_TYPES[k] for k in kind]
    elif kind:
        json_type = _TYPES[kind]
        out["type"] = [json_type, "null"] if rules.get("nullable") else json_type
    if "allowed" in rules:
        out["enum"] = list(rules["allowed"])
    if "regex" in rules:
        out["pattern"] = _anchored(rules["regex"])
    if rules.get("check_with") == "iso_date":
        out["pattern"] = DATE_PATTERN
        out["format"] = "date"
    if "min" in rules:
        out["minimum"] = rules["min"]
    if "minlength" in rules:
        out["minItems" if kind == "list" else "minLength"] = rules["minlength"]
    if "anyof" in rules:
        out["anyOf"] = [convert(option) for option in rules["anyof"]]
    inner = rules.get("schema")
    if kind == "list" and isinstance(inner, dict):
        out["items"] = convert(inner)
    elif kind == "dict" and isinstance(inner, dict):
        out.update(_object(inner, rules.get("allow_unknown", False)))
    if "keysrules" in rules:
        out["propertyNames"] = convert(rules["keysrules"])
    if "valuesrules" in rules:
        out["additionalProperties"] = convert(rules["valuesrules"])
    elif kind == "dict" and not isinstance(inner, dict) and isinstance(rules.get("allow_unknown"), bool):
        out["additionalProperties"] = rules["allow_unknown"]
    return out


def _object(fields: dict, allow_unknown: Any = False, descriptions: dict[str, str] | None = None) -> dict:
    properties = {}
    for name, rules in fields.items():
        prop = convert(rules)
        if descriptions and name in descriptions:
            prop = {"description": descriptions[name], **prop}
        properties[name] = prop
    out: dict[str, Any] = {"properties": properties}
    required = [name for name, rules in fields.items() if rules.get("required")]
    if required:
        out["required"] = required
    out["additionalProperties"] = convert(allow_unknown) if isinstance(allow_unknown, dict) else bool(allow_unknown)
    return out


def kind_schema(kind: str) -> dict:
    """The JSON Schema of one document kind (a key of ``schemas.SCHEMAS``)."""
    body = _object(schemas.SCHEMAS[kind], descriptions=DESCRIPTIONS.get(kind))
    body["properties"]["apiVersion"] = {"const": schemas.API_VERSION, "description": "Version of the im4cm contract."}
    body["properties"]["kind"] = {"const": kind}
    return {"title": f"im4cm {kind}", "description": KIND_DESCRIPTIONS.get(kind, kind), "type": "object", **body}


def standalone(kind: str) -> dict:
    return {"$schema": DRAFT_07, "$id": f"https://im4cm.org/schema/v1/{kind}.json", **kind_schema(kind)}


def bundle() -> dict:
    """Every kind in one schema: the document's ``kind`` selects the definition that applies."""
    kinds = list(schemas.SCHEMAS)
    return {
        "$schema": DRAFT_07,
        "$id": "https://im4cm.org/schema/v1/im4cm.json",
        "title": "im4cm documents",
        "description": "DPISP, DPIA, DataExport and PolicyPack documents of the im4cm contract (v1).",
        "type": "object",
        "required": ["apiVersion", "kind"],
        "properties": {
            "apiVersion": {"const": schemas.API_VERSION},
            "kind": {"enum": kinds},
        },
        "allOf": [
            {"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
             "then": {"$ref": f"#/definitions/{kind}"}}
            for kind in kinds
        ],
        "definitions": {kind: kind_schema(kind) for kind in kinds},
    }


def render(kind: str | None = None) -> str:
    data = standalone(kind) if kind else bundle()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@click.command("schema")
@click.argument("kind", required=False, type=click.Choice(list(schemas.SCHEMAS)))
def schema_command(kind: str | None) -> None:
    """Print the JSON Schema of KIND (default: every kind in one bundle), for editors.

    \b
    Save it next to your documents and add this first line to each YAML file:
      # yaml-language-server: $schema=PATH/TO/schema.json
    """
    click.echo(render(kind), nl=False)
