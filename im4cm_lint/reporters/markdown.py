"""A compact Markdown summary for ``$GITHUB_STEP_SUMMARY`` and pull-request comments: counts by
family, the top findings (errors first) with links to the lines, then the sections plugins add
(hook ``im4cm_lint_summary_sections``; the standard adds the sharing rules and exports that have
new findings since the baseline).

Links point at the blob of the commit being checked when GitHub's variables are set
(``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY``, ``GITHUB_SHA``); elsewhere they are plain
``path:line``.
"""

from __future__ import annotations

import html
import os
import re

from im4cm_lint import hooks
from im4cm_lint.diagnostics import SEVERITY_RANK
from im4cm_lint.reporters import summary
from im4cm_lint.words import plural
from im4cm_lint.reporters.github import workspace_path

TOP = 20
_SIGNS = {"error": "✖", "warning": "▲", "info": "ℹ"}
_CODE_SPAN = re.compile(r"(`[^`]*`)")


def cell(text: str) -> str:
    """Text safe in a table cell: one line, pipes escaped, HTML escaped outside `code` spans."""
    parts = _CODE_SPAN.split(" ".join(str(text).split()))
    return "".join(p if p.startswith("`") else html.escape(p, quote=False) for p in parts).replace("|", "\\|")


def where(diag) -> str:
    """``path:line``, linked to the line on GitHub when the run is in GitHub Actions."""
    path = workspace_path(diag.path)
    label = cell(f"{path}:{diag.line}")
    server, repo, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if server and repo and sha and diag.line:
        return f"[{label}]({server.rstrip('/')}/{repo}/blob/{sha}/{path}#L{diag.line})"
    return label


def _families(active) -> list[str]:
    rows = []
    found = sorted({d.family for d in active}, key=hooks.family_order)
    for family in found:
        counts = [sum(1 for d in active if d.family == family and d.severity == s) for s in ("error", "warning", "info")]
        rows.append(f"| {family} | {cell(hooks.families().get(family, 'rules of a plugin'))} | "
                    + " | ".join(map(str, counts)) + " |")
    return ["| Family | What it checks | Errors | Warnings | Info |", "| --- | --- | ---: | ---: | ---: |", *rows]


def _top(active) -> list[str]:
    ranked = sorted(active, key=lambda d: (-SEVERITY_RANK[d.severity], *d.sort_key()))
    shown = ranked[:TOP]
    lines = [f"#### Top findings ({len(shown)} of {len(active)})" if len(active) > TOP else "#### Findings", "",
             "| Severity | Rule | Where | What is wrong and what to do |", "| --- | --- | --- | --- |"]
    lines += [f"| {_SIGNS[d.severity]} {d.severity} | {d.rule} | {where(d)} | {cell(d.message)} |" for d in shown]
    if len(active) > TOP:
        lines += ["", f"…and {len(active) - TOP} more: see the annotations on the changed files, or run "
                      "`im4cm-lint` locally. `im4cm-lint --explain RULE` says what a rule protects and how to fix it."]
    return lines


def render(result) -> str:
    counts = summary(result)
    active = [d for d in result.diagnostics if not d.suppression]
    scope = f"{plural(counts['documents'], 'document')} in {plural(counts['files'], 'file')}"
    pack = f"policy pack `{counts['policy_pack']}`" if counts["policy_pack"] else "no policy pack loaded"
    verdict = (f"**fails**: findings at or above `{counts['fail_on']}`" if counts["failed"]
               else f"passes: nothing at or above `{counts['fail_on']}`")
    if active:
        head = (f"### im4cm-lint: ✖ {plural(counts['error'], 'error')} · ▲ {plural(counts['warning'], 'warning')}"
                f" · ℹ {counts['info']} info")
    else:
        head = "### im4cm-lint: ✔ no problems found"
    lines = [head, "", f"{pack} · {scope} · {verdict}"]
    if counts["suppressed"]:
        lines[-1] += f" · {counts['suppressed']} suppressed with a reason"
    if active:
        lines += ["", *_families(active), "", *_top(active)]
    for section in hooks.summary_sections(result):
        lines += ["", *section]
    return "\n".join(lines) + "\n"
