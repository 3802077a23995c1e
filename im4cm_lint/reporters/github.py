"""GitHub Actions workflow commands: one ``::error``, ``::warning`` or ``::notice`` annotation per
finding, so each appears on the pull request next to the line it is about.

Escaping follows GitHub's toolkit (``packages/core/src/command.ts``: ``escapeData``,
``escapeProperty``): in the message ``%``, CR and LF are escaped; in properties also ``:`` and
``,``. Nothing after the command name can then end the command early or start another line; the
older ``##[`` form is neutralised too (:mod:`im4cm_lint.ci`), and control characters never pass.
Suppressed findings are not annotated.
"""

from __future__ import annotations

import os

from im4cm_lint.ci import neutralise, printable, without_old_commands
from im4cm_lint.i18n import _

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """A command's message, as the toolkit's ``escapeData``; ``##[`` neutralised."""
    return without_old_commands(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """A command's property value, as the toolkit's ``escapeProperty``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workspace_path(path: str) -> str:
    """A shown path relative to the repository checkout ($GITHUB_WORKSPACE), which GitHub needs
    to place an annotation; shown paths are relative to the working directory, which may be a
    folder inside the checkout."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return path
    full, root = os.path.abspath(path), os.path.abspath(workspace)
    if full == root or not full.startswith(root + os.sep):
        return path
    return os.path.relpath(full, root).replace(os.sep, "/")


def annotation(diag, rules: dict) -> str:
    diag = diag.printable()
    rule = rules.get(diag.rule)
    title = printable(f"{diag.rule} {rule.name}" if rule is not None else diag.rule)
    fixable = _(" (fixable: run im4cm-lint --fix)") if diag.fix else ""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in (
        ("file", workspace_path(diag.path)), ("line", diag.line), ("col", diag.column), ("title", title)))
    return f"::{LEVELS[diag.severity]} {props}::{escape_data(diag.message + fixable)}\n"


def render(result, summary: bool = True) -> str:
    """Annotations for the findings, then (unless ``summary`` is false) the text summary."""
    out = "".join(annotation(d, result.rules) for d in result.diagnostics if not d.suppression)
    if summary:
        from im4cm_lint.reporters.text import summary_lines

        out += neutralise("".join(line + "\n" for line in summary_lines(result, lambda text, **kw: text)))
    return out
