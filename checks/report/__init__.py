"""``im4cm-lint report --html OUT.html [PATHS]`` (or ``--format markdown``): the sharing picture for people who do not read
YAML or lint output (coordinators, agency heads, UNHCR colleagues): one self-contained page they
can open offline, print for a coordination meeting or attach to an email.

The report runs the same lint as ``im4cm-lint`` and draws from its result: the map of who
shares what with whom, the category matrix, the exports' fields, roles, Annex C status, DPIA
risks and every finding with its explanation. The same picture gives the Markdown summary its
section on what changed in sharing since the baseline (hook ``im4cm_lint_summary_sections``).
"""

from __future__ import annotations

import sys

import click

from im4cm_lint import hookimpl
from im4cm_lint.exitcodes import RC
from im4cm_lint.i18n import _, _n


def render_report(result, as_of=None, title: str | None = None) -> str:
    """The HTML page of a finished run (a :class:`~im4cm_lint.engine.RunResult`)."""
    from im4cm_lint_checks.report.html import render
    from im4cm_lint_checks.report.picture import build

    return render(result, build(result), as_of=as_of, title=title)


def render_markdown(result) -> str:
    """The sharing picture as Markdown (``report --format markdown``): the lint's summary, as the
    job summary shows it, then every sharing rule and export of each protocol."""
    from im4cm_lint import gfm
    from im4cm_lint.reporters.markdown import render

    from im4cm_lint_checks.report.picture import build

    picture = build(result)
    lines = [render(result).rstrip("\n")]
    for protocol in picture.protocols:
        lines += ["", "#### " + _("Who shares what with whom under {dpisp}", dpisp=gfm.code(protocol.dpisp.id)), "",
                  _("{parties}, {flows} (sharing rules and exports)",
                    parties=_n("{n} party", "{n} parties", len(protocol.parties)),
                    flows=_n("{n} flow", "{n} flows", len(protocol.flows))), ""]
        lines += [_flow_line(None, flow) for flow in protocol.flows] or [_("No sharing rule yet.")]
    if picture.loose_exports:
        lines += ["", "#### " + _("Exports whose protocol is not among the documents"), ""]
        lines += [_flow_line(None, flow) for flow in picture.loose_exports]
    return "\n".join(lines) + "\n"


def _flow_line(protocol, flow) -> str:
    """One sharing rule or export as a Markdown list item, with the rules of its findings."""
    from im4cm_lint import gfm

    values = {"id": gfm.code(flow.id), "source": gfm.text(flow.source), "target": gfm.text(flow.target),
              "purpose": gfm.code(flow.purpose), "sensitivity": gfm.text(flow.sensitivity)}  # text only
    if protocol:
        values["dpisp"] = gfm.code(protocol.dpisp.id)
        line = ("- " + _("sharing rule {id} of {dpisp}: {source} → {target}, {purpose}, most sensitive data {sensitivity}",
                  **values) if flow.kind == "rule" else
                "- " + _("export {id} of {dpisp}: {source} → {target}, {purpose}, most sensitive data {sensitivity}",
                  **values))
    else:
        line = ("- " + _("sharing rule {id}: {source} → {target}, {purpose}, most sensitive data {sensitivity}", **values)
                if flow.kind == "rule" else
                "- " + _("export {id}: {source} → {target}, {purpose}, most sensitive data {sensitivity}", **values))
    rules = ", ".join(sorted({d.rule for d in flow.findings}))
    return line + (f": {rules}" if rules else "")


@click.command("report")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write the HTML report to this file ('-' for standard output).")
@click.option("--format", "output_format", type=click.Choice(["html", "markdown"]), default="html", show_default=True,
              help="markdown: the sharing picture as Markdown on standard output (for a pull request or a wiki).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .im4cm-lint.yaml or pyproject.toml found upward).")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge dates (reviews, confirmations) as of this day instead of today; shown on the page.")
@click.option("--title", help="Heading of the page (default: the operations' names).")
def command(paths, html_path, output_format, config_path, policy_pack, today, title) -> None:
    """Write a self-contained HTML report of who shares what with whom under PATHS (--html OUT.html),
    or its Markdown summary (--format markdown).

    Exit status 0 when the report is written (whatever it finds: use 'im4cm-lint' to gate), 2 when
    the linter could not run as configured (the report then lists why) or the file cannot be written.
    """
    from im4cm_lint.engine import Options, run

    if output_format == "markdown" and html_path:
        raise click.UsageError(_("--html writes the HTML page; --format markdown writes Markdown to standard output"))
    if output_format == "html" and not html_path:
        raise click.UsageError(_("give --html OUT.html (or '-' for standard output), or --format markdown"))
    as_of = today.date() if today else None
    result = run(list(paths), Options(config_path=config_path, policy_pack=policy_pack, today=as_of))
    if output_format == "markdown":
        click.echo(render_markdown(result), nl=False)
        sys.exit(RC.FATAL if result.fatal else RC.OK)
    page = render_report(result, as_of=as_of, title=title)
    if html_path == "-":
        click.echo(page, nl=False)
    else:
        try:
            with open(html_path, "w", encoding="utf-8", newline="\n") as out:
                out.write(page)
        except OSError as err:
            click.echo(_("im4cm-lint report: cannot write {path}: {reason}", path=html_path, reason=err.strerror or err),
                       err=True)
            sys.exit(RC.FATAL)
        active = [d for d in result.diagnostics if not d.suppression]
        click.echo(_("Wrote {path}: {protocols} protocol(s), {findings} finding(s).", path=html_path,
                     protocols=len(result.project.dpisps) if result.project else 0, findings=len(active)), err=True)
    sys.exit(RC.FATAL if result.fatal else RC.OK)


@hookimpl
def im4cm_lint_summary_sections(result) -> list[str] | None:
    """The sharing rules and exports with findings that the baseline did not hold."""
    if not result.baselined:
        return None
    from im4cm_lint_checks.report.picture import build

    picture = build(result)
    lines = ["#### " + _("What changed in sharing since the baseline"), "",
             _n("{n} finding accepted in the baseline is not shown; everything above is new.",
                "{n} findings accepted in the baseline are not shown; everything above is new.", result.baselined)]
    changed = [(protocol, flow) for protocol in picture.protocols for flow in protocol.flows if flow.findings]
    changed += [(None, flow) for flow in picture.loose_exports if flow.findings]
    if not changed:
        return [*lines, _("No sharing rule and no export has a new finding.")]
    lines.append("")
    lines += [_flow_line(protocol, flow) for protocol, flow in changed]
    return lines
