"""A compact Markdown summary for ``$GITHUB_STEP_SUMMARY`` and pull-request comments: counts by
family, the top findings (errors first) with links to the lines, then the sections plugins add
(hook ``im4cm_lint_summary_sections``; the standard adds the sharing rules and exports that have
new findings since the baseline).

Links point at the blob of the commit being checked when GitHub's variables are set
(``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY``, ``GITHUB_SHA``); elsewhere they are plain
``path:line``. Every value that comes from the repository (file names, messages, ids, names) is
written as literal text or code (:mod:`im4cm_lint.gfm`): no image, link, HTML or @mention can
come out of a document. What the configuration turns off and the folders discovery skipped are
listed first, for the reviewer.
"""

from __future__ import annotations

import os

from im4cm_lint import gfm, hooks
from im4cm_lint.ci import for_log
from im4cm_lint.diagnostics import SEVERITY_RANK
from im4cm_lint.reporters import summary
from im4cm_lint.words import plural
from im4cm_lint.reporters.github import workspace_path

TOP = 20
_SIGNS = {"error": "✖", "warning": "▲", "info": "ℹ"}


def where(diag) -> str:
    """``path:line``, linked to the line on GitHub when the run is in GitHub Actions."""
    path = workspace_path(diag.path)
    server, repo, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if server and repo and sha and diag.line:
        return gfm.link(f"{path}:{diag.line}", f"{server}/{repo}/blob/{sha}", path, f"L{diag.line}")
    return gfm.text(f"{path}:{diag.line}")


def _families(active) -> list[str]:
    rows = []
    found = sorted({d.family for d in active}, key=hooks.family_order)
    for family in found:
        counts = [sum(1 for d in active if d.family == family and d.severity == s) for s in ("error", "warning", "info")]
        rows.append(f"| {gfm.text(family)} | {gfm.text(hooks.families().get(family, 'rules of a plugin'))} | "
                    + " | ".join(map(str, counts)) + " |")
    return ["| Family | What it checks | Errors | Warnings | Info |", "| --- | --- | ---: | ---: | ---: |", *rows]


def _top(active) -> list[str]:
    ranked = sorted(active, key=lambda d: (-SEVERITY_RANK[d.severity], *d.sort_key()))
    shown = ranked[:TOP]
    lines = [f"#### Top findings ({len(shown)} of {len(active)})" if len(active) > TOP else "#### Findings", "",
             "| Severity | Rule | Where | What is wrong and what to do |", "| --- | --- | --- | --- |"]
    lines += [f"| {_SIGNS[d.severity]} {d.severity} | {d.rule} | {where(d)} | {gfm.text(d.message)} |" for d in shown]
    if len(active) > TOP:
        lines += ["", f"…and {len(active) - TOP} more: see the annotations on the changed files, or run "
                      "`im4cm-lint` locally. `im4cm-lint --explain RULE` says what a rule protects and how to fix it."]
    return lines


def render(result) -> str:
    counts = summary(result)
    active = [d for d in result.diagnostics if not d.suppression]
    scope = f"{plural(counts['documents'], 'document')} in {plural(counts['files'], 'file')}"
    pack = f"policy pack {gfm.code(counts['policy_pack'])}" if counts["policy_pack"] else "no policy pack loaded"
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
    if result.weakenings:
        lines += ["", "#### Turned off by the configuration", "",
                  *(f"- `{w.setting}` {gfm.text(w.what)}: {gfm.text(w.reason) if w.reason else '**no reason given**'}"
                    for w in result.weakenings)]
    if result.skipped:
        lines += ["", "Skipped: " + ", ".join(f"{gfm.text(f.shown)} ({gfm.text(f.why)})" for f in result.skipped) + "."]
    if active:
        lines += ["", *_families(active), "", *_top(active)]
    for section in hooks.summary_sections(result):
        lines += ["", *section]
    return for_log("\n".join(lines) + "\n")
