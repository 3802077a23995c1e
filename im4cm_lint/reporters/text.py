"""``path:line:col: RULE severity message`` lines and a summary, coloured on a terminal."""

from __future__ import annotations

import click

from im4cm_lint.reporters import summary

_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(result, colour: bool = False) -> str:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text

    lines = []
    for diag in result.diagnostics:
        if diag.suppression:
            continue
        where = style(f"{diag.path}:{diag.line}:{diag.column}:", bold=True)
        sev = style(diag.severity, fg=_COLOURS[diag.severity])
        fixable = " [fixable]" if diag.fix else ""
        lines.append(f"{where} {style(diag.rule, bold=True)} {sev} {diag.message}{fixable}")
    counts = summary(result)
    total = counts["error"] + counts["warning"] + counts["info"]
    scope = f"{_plural(counts['documents'], 'document')} in {_plural(counts['files'], 'file')}"
    if total == 0:
        tail = f"No problems found ({scope})."
        lines.append(style(tail, fg="green") if counts["documents"] else tail)
    else:
        parts = f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, {counts['info']} info"
        lines.append(style(f"Found {_plural(total, 'problem')} ({parts}) in {scope}.", bold=True))
    if counts["suppressed"]:
        lines.append(f"{counts['suppressed']} suppressed with a reason (see --format json).")
    if any(d.rule.startswith("PARSE") or d.rule.startswith("SCHEMA") for d in result.diagnostics) or total:
        lines.append("Run 'im4cm-lint --explain RULE' to learn what a rule protects and how to fix it.")
    return "\n".join(lines) + "\n"
