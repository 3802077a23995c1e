"""The ``im4cm-lint`` command. ``im4cm-lint [PATHS]`` lints; subcommands list rules and more.

Exit status (FORMAT.md §4): 0 nothing at or above the failing severity, 1 findings, 2 the linter
could not run (bad usage, unreadable configuration, missing policy pack).
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from dataclasses import replace

import click

from im4cm_lint import __version__, i18n
from im4cm_lint.ci import file_lines, for_log, printable
from im4cm_lint.diagnostics import SEVERITIES
from im4cm_lint.exitcodes import RC
from im4cm_lint.i18n import _, _n

from im4cm_lint.reporters import FORMATS

# The engine's subcommands living in other modules, imported only when used (start-up time
# matters in pre-commit): name -> "module:attribute" of a click command. Plugins add theirs
# through the ``im4cm_lint_commands`` hook (the standard adds init, report and taxonomy).
LAZY_COMMANDS: dict[str, str] = {
    "rules": "im4cm_lint.explain:rules_command",
    "schema": "im4cm_lint.schema_export:schema_command",
    "server": "im4cm_lint.server_command:server_command",
}


def _plugin_commands() -> set[str]:
    from im4cm_lint.hooks import commands

    return set(commands()) - {"check", *LAZY_COMMANDS}


class _DefaultToCheck(click.Group):
    """Runs ``check`` when the first argument is not a subcommand, so ``im4cm-lint PATH`` works,
    and imports the modules of subcommands only when they are called."""

    def list_commands(self, ctx):
        return sorted({*self.commands, *LAZY_COMMANDS, *_plugin_commands()})

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, _, attribute = LAZY_COMMANDS[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        elif name not in self.commands and name in _plugin_commands():
            from im4cm_lint.hooks import command

            self.add_command(command(name), name)
        found = super().get_command(ctx, name)
        return _in_language(found) if found is not None else None

    def parse_args(self, ctx, args):
        args, requested = _take_language(args)
        try:
            i18n.activate(i18n.choose(requested))
        except i18n.UnknownLanguage as err:
            raise click.UsageError(str(err), ctx) from None
        _in_language(self)
        known = {*self.commands, *LAZY_COMMANDS, "--help", "-h", "--version"}
        first = _first_word(args)
        if first is None or (first not in known and not _may_be_plugin_command(first)):
            args, first = ["check", *args], "check"
        ctx.meta["im4cm_lint.command"] = first
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        """Hand the global options given before the subcommand to it, as the defaults of the
        subcommand's own options of the same name (given after it, they win); a subcommand
        without such an option has no use for it and ignores it."""
        name = ctx.meta.get("im4cm_lint.command")
        if name:
            command = self.get_command(ctx, name)
            given = {flag: value for flag, value in ctx.params.items() if value is not None}
            if command is not None and given:
                defaults = {param.name: given[GLOBAL_OPTIONS[opt]] for param in command.params
                            for opt in getattr(param, "opts", ()) if GLOBAL_OPTIONS.get(opt) in given}
                ctx.default_map = {**(ctx.default_map or {}), name: defaults}
        return super().invoke(ctx)


# Options that mean the same to every subcommand that has them, and so may come before the
# subcommand's name (``im4cm-lint --today 2026-01-01 rules``): flag -> parameter of the group.
GLOBAL_OPTIONS = {"--today": "today", "--config": "config", "--policy-pack": "policy_pack", "--format": "format"}


def _in_language(command: click.Command) -> click.Command:
    """``command`` with its help and its options' help in the run's language. click reads them from
    the command objects, which live as long as the process, so each run sets them from the English
    kept aside (the catalogs hold them: ``i18n_extract`` takes every ``help=`` and command docstring)."""
    for item in (command, *command.params):
        english = vars(item).setdefault("_im4cm_english_help", getattr(item, "help", None))
        if english:
            translated = i18n._(inspect.cleandoc(english))  # as click shows it, and the catalog holds it
            item.help = english if translated == inspect.cleandoc(english) else translated
    return command


def _take_language(args: list[str]) -> tuple[list[str], str | None]:
    """The arguments without ``--lang X`` (or ``--lang=X``), wherever it stands, and X: the
    language is chosen before anything is printed, for every subcommand alike."""
    rest: list[str] = []
    requested = None
    words = iter(args)
    for word in words:
        if word == "--":
            rest += [word, *words]
            break
        if word == "--lang":
            requested = next(words, "")
        elif word.startswith("--lang="):
            requested = word.partition("=")[2]
        else:
            rest.append(word)
    return rest, requested


def _first_word(args: list[str]) -> str | None:
    """The first argument that is not a global option or its value: the subcommand's name, a
    path, or another option (then the default ``check`` reads everything)."""
    position = 0
    while position < len(args):
        word = args[position]
        if word.split("=", 1)[0] not in GLOBAL_OPTIONS:
            return word
        position += 1 if "=" in word else 2
    return None


_COMMAND_NAME = re.compile(r"[a-z][a-z0-9-]*")


def _may_be_plugin_command(word: str) -> bool:
    """Whether ``word`` names a plugin's command; a path such as ``.`` or ``dpisp.yaml`` is never
    one, so linting a path does not wait for the plugins' commands."""
    return bool(_COMMAND_NAME.fullmatch(word)) and word in _plugin_commands()


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="im4cm-lint")
@click.option("--today", metavar="YYYY-MM-DD", help="Before a subcommand: its --today.")
@click.option("--config", metavar="FILE", help="Before a subcommand: its --config.")
@click.option("--policy-pack", metavar="PACK", help="Before a subcommand: its --policy-pack.")
@click.option("--format", metavar="FORMAT", help="Before a subcommand: its --format.")
@click.option("--lang", metavar="LANG", expose_value=False,
              help="Language of messages and pages: en, ar, fr or es (default: the locale, LANG/LC_MESSAGES). "
                   "Rule ids, keys and ids never change.")
def cli(today, config, policy_pack, format) -> None:  # noqa: A002 - the option's name
    """Lint child-protection data-sharing protocols (DPISP), DPIAs and data exports against the
    inter-agency standard.

    \b
    im4cm-lint [PATHS]...            lint (default: the current folder)
    im4cm-lint --explain RULE        what a rule protects and how to fix it
    im4cm-lint --explain FILE        a drafting walkthrough of a DPISP, DPIA or export
    im4cm-lint --fix [--diff]        apply (or preview) the safe fixes
    im4cm-lint rules                 every rule
    im4cm-lint init --country CC --operation NAME DIR   start a country repository
    im4cm-lint schema [KIND]         JSON Schema for editors
    im4cm-lint taxonomy              which system fields fall in each data category
    im4cm-lint report --html OUT.html [PATHS]   who shares what with whom, as one offline page
    im4cm-lint report --format markdown [PATHS] the same picture as Markdown
    im4cm-lint pack [SECTIONS]       the standard's purposes, categories, roles, clauses...

    Options such as --today, --config, --policy-pack and --format work before or after a
    subcommand's name (im4cm-lint --today 2026-01-01 rules).
    im4cm-lint import FILE --from FORMAT    DataExports from a system's own files
    im4cm-lint render DPISP_FILE --format docx  the protocol as the parties sign it (or html)
    im4cm-lint verify SIGNED.pdf [DPISP_FILE]   does a signed copy match the repository
    im4cm-lint diff BASE [HEAD]      what a change does to sharing, between two git revisions
    """


def _split(values: tuple[str, ...]) -> list[str] | None:
    if not values:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATS)), default="text",
              show_default=True, help="Output format (markdown: a summary for pull requests and the job summary; "
                                       "with --explain, the page as Markdown).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .im4cm-lint.yaml or pyproject.toml found upward).")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder.")
@click.option("--select", multiple=True, help="Only these rules or families (comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rules or families (comma-separated).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Lowest severity that fails the run [default: error].")
@click.option("--max-file-size", type=click.IntRange(min=1), help="Largest file to read, in bytes [default: 2 MB].")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge dates (reviews, confirmations) as of this day instead of today.")
@click.option("--explain", "explain", metavar="RULE|FILE",
              help="Explain a rule, or walk through a DPISP, DPIA or export file as a drafting guide, and exit.")
@click.option("--fix", "fix", is_flag=True,
              help="Apply the safe fixes (locked clause text, outdated clauses, skeletons of missing roles), "
                   "then report what remains.")
@click.option("--diff", "show_diff", is_flag=True, help="With --fix: print the fixes as a diff and write nothing.")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Report only findings that are not in this baseline file (see --write-baseline).")
@click.option("--write-baseline", type=click.Path(dir_okay=False),
              help="Record today's findings in this file, to adopt the linter on an existing repository.")
@click.option("--report-all", is_flag=True,
              help="With file paths (as pre-commit passes them): report on every document of the repository, "
                   "not only on those files.")
@click.option("--base", metavar="REV",
              help="A git revision (the target branch, HEAD for pre-commit): also report what the change since it "
                   "breaks (a role changed hands unconfirmed, an amendment nobody signed, a version gone backwards).")
@click.option("--quiet", "-q", is_flag=True, help="Text format: print the findings only, no summary.")
@click.option("--statistics", is_flag=True, help="Text format: count the findings by rule instead of listing them.")
@click.option("--no-cache", is_flag=True, envvar="IM4CM_LINT_NO_CACHE",
              help="Read and check everything again instead of reusing the cache (also IM4CM_LINT_NO_CACHE=1).")
@click.option("--cache-dir", type=click.Path(file_okay=False), envvar="IM4CM_LINT_CACHE_DIR",
              help="Where the cache lives, outside the repository (also IM4CM_LINT_CACHE_DIR; "
                   "default: ~/.cache/im4cm-lint or $XDG_CACHE_HOME/im4cm-lint).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes that load files (0: one per core); used only for large repositories.")
@click.option("--show-values", is_flag=True,
              help="Text format on a terminal: write out the values (names, free text) that messages show by "
                   "position, for the person drafting. Never in other formats or in CI.")
def check(paths, output_format, config_path, policy_pack, select, ignore, fail_on, max_file_size, today,
          explain, fix, show_diff, baseline, write_baseline, report_all, base, quiet, statistics, no_cache, cache_dir,
          jobs, show_values) -> None:
    """Lint the documents under PATHS (default: the current folder).

    Given only files (as pre-commit passes them), im4cm-lint also loads the other documents of the
    repository, so an export is checked against its DPISP, and reports on those files only.
    """
    from im4cm_lint.engine import Options, run
    from im4cm_lint.reporters import renderer

    options = Options(config_path=config_path, policy_pack=policy_pack, select=_split(select),
                      ignore=_split(ignore), fail_on=fail_on, max_file_size=max_file_size,
                      today=today.date() if today else None, baseline=baseline,
                      write_baseline=write_baseline, report_all=report_all, jobs=jobs, base=base,
                      cache_dir=cache_dir)
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    if show_values and (output_format != "text" or explain or os.environ.get("GITHUB_ACTIONS") == "true"):
        click.echo("im4cm-lint: " + _("--show-values applies to the text format outside CI only; values are "
                                      "shown by position"), err=True)
        show_values = False
    if explain:
        from im4cm_lint.explain import explain_target

        page = explain_target(explain, output_format, options, colour)
        click.echo(for_log(page if colour else file_lines(page)), nl=False)  # colour: ours, on a terminal
        return
    if fix or show_diff:
        from im4cm_lint.fix import fix_paths

        outcome = fix_paths(list(paths), options, write=not show_diff)
        for note in outcome.notes:
            click.echo(for_log(printable(note)), err=True)
        if show_diff and not outcome.fatal:
            click.echo(for_log(file_lines(outcome.diff)), nl=False)  # the files' own lines: no escape, no command
            sys.exit(RC.FINDINGS if outcome.diff else RC.OK)
        result = outcome.result
    else:
        result = run(list(paths), replace(options, cache=not (no_cache or show_values)))  # the cache keeps no values
    render = renderer(output_format)
    if output_format == "text" and statistics:
        from im4cm_lint.reporters.text import render_statistics

        text = render_statistics(result, quiet=quiet)
    elif output_format == "text":
        text = render(result, colour=colour, quiet=quiet, show_values=show_values)
        if os.environ.get("GITHUB_ACTIONS") == "true":  # as yamllint does: annotate the pull request too
            text += renderer("github")(result, summary=False)
    else:
        text = render(result)
    if write_baseline and not result.fatal and not quiet:
        click.echo("im4cm-lint: " + _n("wrote the baseline {path}; use it with --baseline ({n} finding accepted)",
                                       "wrote the baseline {path}; use it with --baseline ({n} findings accepted)",
                                       result.baselined, path=write_baseline), err=True)
    click.echo(text, nl=False)
    if result.fatal:
        sys.exit(RC.FATAL)
    sys.exit(RC.FINDINGS if result.failed() else RC.OK)


def main() -> None:
    """Entry point: never shows a traceback; an unexpected failure exits 2 with a short message.

    One command per process: the cyclic garbage collector is off, as the process ends when the
    command does. Otherwise it walks every document loaded, again and again, for garbage the
    checks hardly make (~100 ms of a 1,000-document run, ~3 MB more at its peak); and at the end
    the run's objects are frozen, so that Python's last collection at exit passes over them (the
    system takes the memory back: ~20 ms of a pre-commit run)."""
    import gc

    gc.disable()
    try:
        cli.main(prog_name="im4cm-lint")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("im4cm-lint: " + _("interrupted"), err=True)
        sys.exit(RC.INTERRUPTED)
    except Exception as err:  # noqa: BLE001 - last line of defence: no traceback for users
        if os.environ.get("IM4CM_LINT_DEBUG"):
            raise
        click.echo(for_log(f"im4cm-lint: internal error: {type(err).__name__}: {printable(str(err))}\n"
                           + _("Please report this with the command you ran (set IM4CM_LINT_DEBUG=1 to see the "
                               "details).")),
                   err=True)
        sys.exit(RC.FATAL)
    finally:
        gc.freeze()
