"""The machine-readable format of the contract (FORMAT.md section 4). Under GitHub Actions a
``##[`` in any value is written ``##\\u005b``, which decodes to the same text but is no workflow
command in the log (:mod:`im4cm_lint.ci`)."""

from __future__ import annotations

import json

from im4cm_lint.ci import for_log, json_printable
from im4cm_lint.reporters import summary
from im4cm_lint.values import safe_path


def suppression_dict(suppression) -> dict:
    """How a finding was accepted: ``inline`` (a comment with a reason) or ``waiver`` (reviewed
    data in the configuration, with approver and expiry)."""
    item = {"kind": suppression.kind, "reason": suppression.reason_for_output}
    if suppression.approved_by is not None:
        item["approved_by"] = suppression.approved_by
    if suppression.expires is not None:
        item["expires"] = suppression.expires
    return item


def diagnostic_dict(diag) -> dict:
    item = {
        "rule": diag.rule,
        "severity": diag.severity,
        "path": diag.path,
        "line": diag.line,
        "column": diag.column,
        "message": diag.message,
    }
    if diag.fix is not None:
        item["fix"] = {"description": diag.fix.description, "yaml_path": safe_path(diag.fix.yaml_path)}
    if diag.location.yaml_path:
        item["yaml_path"] = safe_path(diag.location.yaml_path)
    if diag.location.doc_id:
        item["document"] = diag.location.doc_id
    item["fingerprint"] = diag.fingerprint()
    if diag.suppression is not None:
        item["suppressed"] = suppression_dict(diag.suppression)
    return item


def render(result) -> str:
    payload = {
        "version": 1,
        "diagnostics": [diagnostic_dict(d.printable()) for d in result.diagnostics],
        "summary": summary(result),
    }
    return for_log(json_printable(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n", json=True)
