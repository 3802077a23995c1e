"""``path:line:col: RULE severity message`` lines and a summary, coloured on a terminal.

Every finding is printed through :meth:`Diagnostic.printable` and every line through
:func:`im4cm_lint.ci.for_log`, whichever path it came by (the configuration errors of an exit
status 2 included): no value from the repository moves the cursor, starts a line or forms a
workflow command in a CI log.
"""

from __future__ import annotations

import click

from im4cm_lint.ci import for_log
from im4cm_lint.reporters import summary
from im4cm_lint.weakenings import describe
from im4cm_lint.words import plural

_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def render(result, colour: bool = False, quiet: bool = False, show_values: bool = False) -> str:
    """The findings, then (unless ``quiet``) a summary and a pointer to --explain. ``show_values``
    writes out the values messages show by position (contract 5.5), for the person drafting."""
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text

    lines = []
    for diag in result.diagnostics:
        if diag.suppression:
            continue
        diag = diag.printable()
        where = style(f"{diag.path}:{diag.line}:{diag.column}:", bold=True)
        sev = style(diag.severity, fg=_COLOURS[diag.severity])
        fixable = " [fixable]" if diag.fix else ""
        message = diag.revealed() if show_values else diag.message
        lines.append(f"{where} {style(diag.rule, bold=True)} {sev} {message}{fixable}")
    if quiet:
        return for_log("".join(line + "\n" for line in lines))
    hidden = sum(len(d.values) for d in result.diagnostics if not d.suppression)
    note = [f"{plural(hidden, 'value')} from the documents shown by position and length (names and free text "
            "stay out of logs); --show-values writes them out on a terminal."] if hidden and not show_values else []
    return for_log("\n".join(lines + summary_lines(result, style) + note) + "\n")


def summary_lines(result, style) -> list[str]:
    lines = []
    counts = summary(result)
    total = counts["error"] + counts["warning"] + counts["info"]
    scope = f"{plural(counts['documents'], 'document')} in {plural(counts['files'], 'file')}"
    if total == 0:
        tail = f"No problems found ({scope})."
        lines.append(style(tail, fg="green") if counts["documents"] else tail)
    else:
        parts = f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, {counts['info']} info"
        lines.append(style(f"Found {plural(total, 'problem')} ({parts}) in {scope}.", bold=True))
    if counts["suppressed"]:
        lines.append(f"{counts['suppressed']} suppressed with a reason (see --format json).")
    if counts["baselined"]:
        lines.append(f"{plural(counts['baselined'], 'finding')} accepted by the baseline not shown.")
    if result.weakenings:
        lines.append("Turned off by the configuration: " + "; ".join(map(describe, result.weakenings)) + ".")
    if result.skipped:
        lines.append("Skipped: " + ", ".join(f"{folder.shown} ({folder.why})" for folder in result.skipped) + ".")
    if any(d.rule.startswith("PARSE") or d.rule.startswith("SCHEMA") for d in result.diagnostics) or total:
        lines.append("Run 'im4cm-lint --explain RULE' to learn what a rule protects and how to fix it.")
    return lines


def render_statistics(result, quiet: bool = False) -> str:
    """How many findings each rule reports, most first (as ``ruff --statistics``)."""
    counts: dict[str, int] = {}
    for diag in result.diagnostics:
        if not diag.suppression:
            counts[diag.rule] = counts.get(diag.rule, 0) + 1
    lines = []
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = result.rules.get(rule_id)
        lines.append(f"{count:>5}  {rule_id:<10} {rule.name if rule else ''}".rstrip())
    if not quiet:
        lines += summary_lines(result, lambda text, **kw: text)
    return for_log("".join(line + "\n" for line in lines))
