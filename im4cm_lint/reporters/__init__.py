"""Output formats. Each is a module with ``render(result) -> str``, imported only when chosen."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from im4cm_lint.engine import RunResult

FORMATS = {
    "text": "im4cm_lint.reporters.text",
    "json": "im4cm_lint.reporters.json",
    "sarif": "im4cm_lint.reporters.sarif",
    "github": "im4cm_lint.reporters.github",
    "markdown": "im4cm_lint.reporters.markdown",
}


def renderer(name: str) -> Callable[["RunResult"], str]:
    return importlib.import_module(FORMATS[name]).render


def summary(result: "RunResult") -> dict:
    """Counts shared by the text and machine formats."""
    active = [d for d in result.diagnostics if not d.suppression]
    counts = {sev: sum(1 for d in active if d.severity == sev) for sev in ("error", "warning", "info")}
    families: dict[str, int] = {}
    for diag in active:
        families[diag.family] = families.get(diag.family, 0) + 1
    return {
        **counts,
        "suppressed": len(result.diagnostics) - len(active),
        "baselined": result.baselined,
        "files": result.files,
        "documents": result.documents,
        "by_family": dict(sorted(families.items())),
        "policy_pack": result.pack.ref if result.pack else None,
        "fail_on": result.fail_on,
        "failed": result.failed(),
        "weakenings": [{"setting": w.setting, "what": w.what, "reason": w.reason} for w in result.weakenings],
    }
