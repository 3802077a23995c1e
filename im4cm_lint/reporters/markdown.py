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
from im4cm_lint.i18n import N_, _, _n
from im4cm_lint.reporters import summary
from im4cm_lint.reporters.github import workspace_path
from im4cm_lint.reporters.text import scope_words

TOP = 20
_SIGNS = {"error": "✖", "warning": "▲", "info": "ℹ"}
PLUGIN_FAMILY = N_("rules of a plugin")  # what a family no plugin describes checks


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
        rows.append(f"| {gfm.text(family)} | {gfm.text(_(hooks.families().get(family, PLUGIN_FAMILY)))} | "
                    + " | ".join(map(str, counts)) + " |")
    header = "| {} | {} | {} | {} | {} |".format(_("Family"), _("What it checks"), _("Errors"), _("Warnings"),
                                                 _("Info"))
    return [header, "| --- | --- | ---: | ---: | ---: |", *rows]


def _top(active) -> list[str]:
    ranked = sorted(active, key=lambda d: (-SEVERITY_RANK[d.severity], *d.sort_key()))
    shown = ranked[:TOP]
    title = (_("Top findings ({shown} of {total})", shown=len(shown), total=len(active)) if len(active) > TOP
             else _("Findings"))
    header = "| {} | {} | {} | {} |".format(_("Severity"), _("Rule"), _("Where"), _("What is wrong and what to do"))
    lines = [f"#### {title}", "", header, "| --- | --- | --- | --- |"]
    lines += [f"| {_SIGNS[d.severity]} {d.severity} | {d.rule} | {where(d)} | {gfm.text(d.message)} |" for d in shown]
    if len(active) > TOP:
        lines += ["", _("…and {count} more: see the annotations on the changed files, or run `im4cm-lint` locally. "
                        "`im4cm-lint --explain RULE` says what a rule protects and how to fix it.",
                        count=len(active) - TOP)]
    return lines


def render(result) -> str:
    counts = summary(result)
    active = [d for d in result.diagnostics if not d.suppression]
    scope = scope_words(counts)
    pack = (_("policy pack {pack}", pack=gfm.code(counts["policy_pack"])) if counts["policy_pack"]
            else _("no policy pack loaded"))
    verdict = (_("**fails**: findings at or above `{level}`", level=counts["fail_on"]) if counts["failed"]
               else _("passes: nothing at or above `{level}`", level=counts["fail_on"]))
    if active:
        head = "### im4cm-lint: " + _("✖ {errors} · ▲ {warnings} · ℹ {info} info",
                                      errors=_n("{n} error", "{n} errors", counts["error"]),
                                      warnings=_n("{n} warning", "{n} warnings", counts["warning"]),
                                      info=counts["info"])
    else:
        head = "### im4cm-lint: " + _("✔ no problems found")
    lines = [head, "", f"{pack} · {scope} · {verdict}"]
    if counts["suppressed"]:
        lines[-1] += " · " + _n("{n} suppressed with a reason", "{n} suppressed with a reason", counts["suppressed"])
    if result.weakenings:
        lines += ["", "#### " + _("Turned off by the configuration"), "",
                  *(f"- `{w.setting}` {gfm.text(w.what)}: "
                    f"{gfm.text(w.reason) if w.reason else _('**no reason given**')}"
                    for w in result.weakenings)]
    if result.skipped:
        lines += ["", _("Skipped: {folders}.",
                        folders=", ".join(f"{gfm.text(f.shown)} ({gfm.text(f.why)})" for f in result.skipped))]
    if active:
        lines += ["", *_families(active), "", *_top(active)]
    for section in hooks.summary_sections(result):
        lines += ["", *section]
    return for_log("\n".join(lines) + "\n")
