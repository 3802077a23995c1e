"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Each result carries the finding's fingerprint (:meth:`Diagnostic.fingerprint`, built from the
document id and YAML path) as ``partialFingerprints``, so an alert survives edits above it;
suppressed findings are listed with their justification (``inSource`` for a comment, ``external``
for a waiver). Paths are relative (``%SRCROOT%``) and nothing depends on the time or the machine,
so the same input gives byte-identical output.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from urllib.parse import quote

from im4cm_lint import __url__, __version__
from im4cm_lint.ci import for_log, json_printable
from im4cm_lint.i18n import ENGLISH, _, current, translated_markdown
from im4cm_lint.reporters.github import workspace_path
from im4cm_lint.rule import explanation_sections
from im4cm_lint.values import safe_path

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "im4cm/v1"


def _rule_catalogue(result) -> dict:
    """Every rule of the run; the engine's own when the configuration stopped it before plugins loaded."""
    from im4cm_lint.engine_rules import ENGINE_RULES

    return {**{rule.id: rule() for rule in ENGINE_RULES}, **result.rules}


def _help(rule) -> str:
    """The rule's page in the chosen language, section by section (headings translated)."""
    if current() == ENGLISH:
        return rule.explanation()
    return "\n\n".join(f"## {_(name)}\n{translated_markdown(text)}"
                       for name, text in explanation_sections(rule).items())


def rule_descriptor(rule) -> dict:
    text = _help(rule)
    what = translated_markdown(explanation_sections(rule).get("What it checks", "")) or _(rule.summary)
    family = rule.family
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _(rule.summary)},
        "fullDescription": {"text": what},
        "help": {"text": text, "markdown": text},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [family], "family": family, "fixable": bool(rule.fixable)},
    }


def artifact_location(path: str) -> dict:
    path = workspace_path(path)
    if PurePosixPath(path).is_absolute():
        return {"uri": PurePosixPath(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def _suppression(suppression) -> dict:
    if suppression.kind == "waiver":
        return {
            "kind": "external",
            "status": "accepted",
            "justification": _("{reason} (waiver approved by {approver}, expires {date})",
                               reason=suppression.reason, approver=suppression.approved_by, date=suppression.expires),
            "properties": {"approvedBy": suppression.approved_by, "expires": suppression.expires},
        }
    return {"kind": "inSource", "status": "accepted", "justification": suppression.reason_for_output}


def sarif_result(diag, index: int | None) -> dict:
    location: dict = {
        "physicalLocation": {
            "artifactLocation": artifact_location(diag.path),
            "region": {"startLine": diag.line, "startColumn": diag.column},
        }
    }
    if diag.location.doc_id:
        location["logicalLocations"] = [{
            "name": safe_path(diag.location.yaml_path) or diag.location.doc_id,
            "fullyQualifiedName": f"{diag.location.doc_id}:{safe_path(diag.location.yaml_path)}".rstrip(":"),
            "kind": "element",
        }]
    item: dict = {"ruleId": diag.rule}
    if index is not None:
        item["ruleIndex"] = index
    item.update({
        "level": LEVELS[diag.severity],
        "message": {"text": diag.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: diag.fingerprint()},
    })
    if diag.suppression is not None:
        item["suppressions"] = [_suppression(diag.suppression)]
    if diag.fix is not None:
        item["properties"] = {"fix": diag.fix.description}
    return item


def sarif_log(result) -> dict:
    catalogue = _rule_catalogue(result)
    used = sorted({d.rule for d in result.diagnostics if d.rule in catalogue})
    index = {rule_id: n for n, rule_id in enumerate(used)}
    run = {
        "tool": {"driver": {
            "name": "im4cm-lint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": __url__,
            "rules": [rule_descriptor(catalogue[rule_id]) for rule_id in used],
        }},
        "invocations": [{"executionSuccessful": not result.fatal}],
        "columnKind": "unicodeCodePoints",
        **({"language": current()} if current() != ENGLISH else {}),  # SARIF's default is en-US
        "results": [sarif_result(d, index.get(d.rule)) for d in result.diagnostics],
        "properties": {
            "policyPack": result.pack.ref if result.pack else None,
            "baselined": result.baselined,
            "weakenings": [{"setting": w.setting, "what": w.what, "reason": w.reason} for w in result.weakenings],
        },
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(result) -> str:
    """The log as JSON; values from the repository carry no control character and, under
    GitHub Actions, no workflow command (:mod:`im4cm_lint.ci`)."""
    return for_log(json_printable(json.dumps(sarif_log(result), indent=2, ensure_ascii=False)) + "\n", json=True)
