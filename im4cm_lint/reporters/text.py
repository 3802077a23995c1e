"""``path:line:col: RULE severity message`` lines and a summary, coloured on a terminal.

Every finding is printed through :meth:`Diagnostic.printable` and every line through
:func:`im4cm_lint.ci.for_log`, whichever path it came by (the configuration errors of an exit
status 2 included): no value from the repository moves the cursor, starts a line or forms a
workflow command in a CI log.
"""

from __future__ import annotations

import click

from im4cm_lint.ci import for_log
from im4cm_lint.i18n import _, _n
from im4cm_lint.reporters import summary
from im4cm_lint.weakenings import describe

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
        fixable = _(" [fixable]") if diag.fix else ""
        message = diag.revealed() if show_values else diag.message
        lines.append(f"{where} {style(diag.rule, bold=True)} {sev} {message}{fixable}")
    if quiet:
        return for_log("".join(line + "\n" for line in lines))
    hidden = sum(len(d.values) for d in result.diagnostics if not d.suppression)
    note = [_n("{n} value from the documents shown by position and length (names and free text stay out of logs); "
               "--show-values writes them out on a terminal.",
               "{n} values from the documents shown by position and length (names and free text stay out of logs); "
               "--show-values writes them out on a terminal.", hidden)] if hidden and not show_values else []
    return for_log("\n".join(lines + summary_lines(result, style) + note) + "\n")


def summary_lines(result, style) -> list[str]:
    lines = []
    counts = summary(result)
    total = counts["error"] + counts["warning"] + counts["info"]
    scope = scope_words(counts)
    if total == 0:
        tail = _("No problems found ({scope}).", scope=scope)
        lines.append(style(tail, fg="green") if counts["documents"] else tail)
    else:
        parts = _("{errors}, {warnings}, {info} info", errors=_n("{n} error", "{n} errors", counts["error"]),
                  warnings=_n("{n} warning", "{n} warnings", counts["warning"]), info=counts["info"])
        lines.append(style(_n("Found {n} problem ({counts}) in {scope}.", "Found {n} problems ({counts}) in {scope}.",
                              total, counts=parts, scope=scope), bold=True))
    if counts["suppressed"]:
        lines.append(_n("{n} suppressed with a reason (see --format json).",
                        "{n} suppressed with a reason (see --format json).", counts["suppressed"]))
    if counts["baselined"]:
        lines.append(_n("{n} finding accepted by the baseline not shown.",
                        "{n} findings accepted by the baseline not shown.", counts["baselined"]))
    if result.weakenings:
        lines.append(_("Turned off by the configuration: {settings}.",
                       settings="; ".join(map(describe, result.weakenings))))
    if result.skipped:
        lines.append(_("Skipped: {folders}.",
                       folders=", ".join(f"{folder.shown} ({folder.why})" for folder in result.skipped)))
    if any(d.rule.startswith("PARSE") or d.rule.startswith("SCHEMA") for d in result.diagnostics) or total:
        lines.append(_("Run 'im4cm-lint --explain RULE' to learn what a rule protects and how to fix it."))
    return lines


def scope_words(counts) -> str:
    """'3 documents in 2 files', in the chosen language."""
    return _("{documents} in {files}", documents=_n("{n} document", "{n} documents", counts["documents"]),
             files=_n("{n} file", "{n} files", counts["files"]))


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
