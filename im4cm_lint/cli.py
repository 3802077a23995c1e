"""The ``im4cm-lint`` command. ``im4cm-lint [PATHS]`` lints; subcommands list rules and more.

Exit status (FORMAT.md §4): 0 nothing at or above the failing severity, 1 findings, 2 the linter
could not run (bad usage, unreadable configuration, missing policy pack).
"""

from __future__ import annotations

import os
import sys

import click

from im4cm_lint import __version__
from im4cm_lint.diagnostics import SEVERITIES

from im4cm_lint.reporters import FORMATS

# Subcommands living in other modules, imported only when used (start-up time matters in
# pre-commit): name -> "module:attribute" of a click command.
LAZY_COMMANDS: dict[str, str] = {}


class _DefaultToCheck(click.Group):
    """Runs ``check`` when the first argument is not a subcommand, so ``im4cm-lint PATH`` works,
    and imports the modules of subcommands only when they are called."""

    def list_commands(self, ctx):
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, _, attribute = LAZY_COMMANDS[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def parse_args(self, ctx, args):
        known = {*self.commands, *LAZY_COMMANDS, "--help", "-h", "--version"}
        if not args or args[0] not in known:
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="im4cm-lint")
def cli() -> None:
    """Lint child-protection data-sharing protocols (DPISP), DPIAs and data exports against the
    inter-agency standard.

    \b
    im4cm-lint [PATHS]...            lint (default: the current folder)
    im4cm-lint --explain RULE        what a rule protects and how to fix it
    im4cm-lint rules                 every rule
    """


def _split(values: tuple[str, ...]) -> list[str] | None:
    if not values:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATS)), default="text", show_default=True,
              help="Output format.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .im4cm-lint.yaml or pyproject.toml found upward).")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder.")
@click.option("--select", multiple=True, help="Only these rules or families (comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rules or families (comma-separated).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Lowest severity that fails the run [default: error].")
@click.option("--max-file-size", type=click.IntRange(min=1), help="Largest file to read, in bytes [default: 2 MB].")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge dates (reviews, confirmations) as of this day instead of today.")
@click.option("--explain", "explain", metavar="RULE", help="Explain a rule and exit.")
def check(paths, output_format, config_path, policy_pack, select, ignore, fail_on, max_file_size, today,
          explain) -> None:
    """Lint the documents under PATHS (default: the current folder)."""
    if explain:
        _explain_rule(explain)
        return
    from im4cm_lint.engine import Options, run
    from im4cm_lint.reporters import renderer

    options = Options(config_path=config_path, policy_pack=policy_pack, select=_split(select),
                      ignore=_split(ignore), fail_on=fail_on, max_file_size=max_file_size,
                      today=today.date() if today else None)
    result = run(list(paths), options)
    render = renderer(output_format)
    if output_format == "text":
        text = render(result, colour=sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    else:
        text = render(result)
    click.echo(text, nl=False)
    if result.fatal:
        sys.exit(2)
    sys.exit(1 if result.failed() else 0)


def _explain_rule(rule_id: str) -> None:
    from im4cm_lint.plugins import load_registry

    rules = load_registry().rules
    rule = rules.get(rule_id.upper())
    if rule is None:
        import difflib

        close = difflib.get_close_matches(rule_id.upper(), list(rules), n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else " Run 'im4cm-lint rules' to list them."
        raise click.UsageError(f"no rule '{rule_id}'.{hint}")
    click.echo(f"{rule.id} ({rule.name}) {rule.severity}: {rule.summary}\n")
    click.echo(rule.explanation())


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
def rules_command(output_format: str) -> None:
    """List every rule: id, family, default severity, summary, whether it has a fix."""
    from im4cm_lint.plugins import load_registry

    rules = sorted(load_registry().rules.values(), key=lambda r: r.id)
    if output_format == "json":
        import json

        click.echo(json.dumps([
            {"id": r.id, "name": r.name, "family": r.family, "severity": r.severity, "summary": r.summary,
             "fixable": r.fixable, "plugin": r.plugin} for r in rules], indent=2))
        return
    for r in rules:
        click.echo(f"{r.id:<10} {r.severity:<8} {'fix' if r.fixable else '   '} {r.summary}")


def main() -> None:
    """Entry point: never shows a traceback; an unexpected failure exits 2 with a short message."""
    try:
        cli.main(prog_name="im4cm-lint")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("im4cm-lint: interrupted", err=True)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - last line of defence: no traceback for users
        if os.environ.get("IM4CM_LINT_DEBUG"):
            raise
        click.echo(f"im4cm-lint: internal error: {type(err).__name__}: {err}\n"
                   "Please report this with the command you ran (set IM4CM_LINT_DEBUG=1 to see the details).",
                   err=True)
        sys.exit(2)
