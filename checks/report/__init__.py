"""``im4cm-lint report --html OUT.html [PATHS]``: the sharing picture for people who do not read
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


def render_report(result, as_of=None, title: str | None = None) -> str:
    """The HTML page of a finished run (a :class:`~im4cm_lint.engine.RunResult`)."""
    from im4cm_lint_checks.report.html import render
    from im4cm_lint_checks.report.picture import build

    return render(result, build(result), as_of=as_of, title=title)


@click.command("report")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--html", "html_path", required=True, type=click.Path(dir_okay=False),
              help="Write the HTML report to this file ('-' for standard output).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .im4cm-lint.yaml or pyproject.toml found upward).")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge dates (reviews, confirmations) as of this day instead of today; shown on the page.")
@click.option("--title", help="Heading of the page (default: the operations' names).")
def command(paths, html_path, config_path, policy_pack, today, title) -> None:
    """Write a self-contained HTML report of who shares what with whom under PATHS.

    Exit status 0 when the report is written (whatever it finds: use 'im4cm-lint' to gate), 2 when
    the linter could not run as configured (the report then lists why) or the file cannot be written.
    """
    from im4cm_lint.engine import Options, run

    as_of = today.date() if today else None
    result = run(list(paths), Options(config_path=config_path, policy_pack=policy_pack, today=as_of))
    page = render_report(result, as_of=as_of, title=title)
    if html_path == "-":
        click.echo(page, nl=False)
    else:
        try:
            with open(html_path, "w", encoding="utf-8", newline="\n") as out:
                out.write(page)
        except OSError as err:
            click.echo(f"im4cm-lint report: cannot write {html_path}: {err.strerror or err}", err=True)
            sys.exit(RC.FATAL)
        active = [d for d in result.diagnostics if not d.suppression]
        click.echo(f"Wrote {html_path}: {len(result.project.dpisps) if result.project else 0} protocol(s), "
                   f"{len(active)} finding(s).", err=True)
    sys.exit(RC.FATAL if result.fatal else RC.OK)


@hookimpl
def im4cm_lint_summary_sections(result) -> list[str] | None:
    """The sharing rules and exports with findings that the baseline did not hold."""
    if not result.baselined:
        return None
    from im4cm_lint import gfm
    from im4cm_lint.words import plural

    from im4cm_lint_checks.report.picture import build

    picture = build(result)
    lines = ["#### What changed in sharing since the baseline", "",
             f"{plural(result.baselined, 'finding')} accepted in the baseline {'is' if result.baselined == 1 else 'are'} "
             "not shown; everything above is new."]
    changed = [(protocol, flow) for protocol in picture.protocols for flow in protocol.flows if flow.findings]
    changed += [(None, flow) for flow in picture.loose_exports if flow.findings]
    if not changed:
        return [*lines, "No sharing rule and no export has a new finding."]
    lines.append("")
    for protocol, flow in changed:
        what = "sharing rule" if flow.kind == "rule" else "export"
        rules = ", ".join(sorted({d.rule for d in flow.findings}))
        scope = f" of {gfm.code(protocol.dpisp.id)}" if protocol else ""  # values of the repository: text only
        lines.append(f"- {what} {gfm.code(flow.id)}{scope}: {gfm.text(flow.source)} → {gfm.text(flow.target)}, "
                     f"{gfm.code(flow.purpose)}, most sensitive data {gfm.text(flow.sensitivity)}: {rules}")
    return lines
