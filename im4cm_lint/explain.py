"""Teaching texts: every rule's page (``--explain RULE``, ``rules``, SARIF help, docs/rules.md), and
``--explain PATH``, which lints the repository and hands the file's findings to the plugin that
walks through documents (the standard's ``im4cm_lint_checks.walkthrough``).

A rule's page comes from its docstring (see :mod:`im4cm_lint.rule`), plus what this module adds
the same way for every rule: whether ``--fix`` can repair it and how to suppress it with a reason.
One source feeds the terminal, Markdown and JSON, so the docs cannot drift from the code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable

import click

from im4cm_lint.decide.common import NOT_SUPPRESSIBLE
from im4cm_lint.exitcodes import RC
from im4cm_lint.hooks import families
from im4cm_lint.paths import repo_root, shown_path
from im4cm_lint.i18n import N_, _, translated_markdown
from im4cm_lint.rule import Rule, explanation_sections

SECTIONS = (N_("What it checks"), N_("Why it matters"), N_("Example"), N_("How to fix"))
FIX_SECTION, SUPPRESS_SECTION = N_("Automatic fix"), N_("How to suppress, with a reason")
REGENERATE_DOCS = "im4cm-lint rules --format markdown > docs/rules.md"

def fix_text(rule: Rule) -> str:
    if rule.fixable:
        return _("`im4cm-lint --fix` repairs this safely: it changes only the node the finding points at and "
                 "keeps comments and layout. Preview the change first with `im4cm-lint --fix --diff`.")
    return _("No automatic fix: what to write here is a decision for the people responsible for the document.")


def suppression_text(rule: Rule) -> str:
    """How to suppress the rule with a reason (Markdown), the same wording for every rule."""
    family = rule.family
    if family in NOT_SUPPRESSIBLE:
        return (_("This finding cannot be suppressed inline: {why}. Fix it. If a file is not meant to be checked, "
                  "exclude it in `.im4cm-lint.yaml`:", why=_(NOT_SUPPRESSIBLE[family])) + "\n\n"
                "```yaml\nexclude: [drafts/old-notes.yaml]\n```")
    return (
        _("Only when the finding is a deliberate, reviewed exception. Say why on the offending line or on "
          "the line above; a suppression without a reason is itself reported:") + "\n\n"
        f"```yaml\n# im4cm-lint: disable={rule.id} -- {_('reason why this is acceptable')}\n```\n\n"
        + _("For an exception that a reviewer approves and that must not outlive the review cycle, record a "
            "waiver in `.im4cm-lint.yaml` instead (the path is the `yaml_path` of the finding in "
            "`--format json`):") + "\n\n"
        f"```yaml\nwaivers:\n  - rule: {rule.id}\n    document: et-gambella\n"
        f"    path: sharing[sc-to-unhcr-bip].categories\n    reason: {_('why this is acceptable')}\n"
        f"    approved-by: {_('name and role of the approver')}\n    expires: 2026-03-01\n```\n\n"
        + _("To turn the rule off for some files, use `per-file-ignores`; everywhere, `ignore: [{rule}]`.",
            rule=rule.id))


def page_sections(rule: Rule) -> dict[str, str]:
    """The sections of a rule's page, in order, as Markdown."""
    own = {name: translated_markdown(text) for name, text in explanation_sections(rule).items()}
    sections = {name: own.get(name, "") for name in SECTIONS}
    for name, text in own.items():
        sections.setdefault(name, text)
    example = sections.get("Example", "")
    if example.startswith("```"):
        sections["Example"] = _("This fails:") + "\n" + example
    sections[FIX_SECTION] = fix_text(rule)
    sections[SUPPRESS_SECTION] = suppression_text(rule)
    return {name: text for name, text in sections.items() if text}


def _header(rule: Rule) -> dict[str, str]:
    return {
        "family": f"{rule.family} ({_(families().get(rule.family, N_('plugin rule')))})",
        "severity": rule.severity,
        "fix": _("yes (--fix)") if rule.fixable else _("no"),
    }


def rule_markdown(rule: Rule, level: int = 2) -> str:
    head = "#" * level
    info = _header(rule)
    lines = [f"{head} {rule.id} {rule.name}", "",
             f"{_(rule.summary)}.", "",
             _("Family: {family} · default severity: {severity} · automatic fix: {fix}", **info), ""]
    for name, text in page_sections(rule).items():
        lines += [f"{head}# {_(name)}", "", text, ""]
    return "\n".join(lines).rstrip() + "\n"


def _terminal_block(text: str, style) -> list[str]:
    """Markdown as terminal lines: code blocks indented and dimmed, the rest as written."""
    out: list[str] = []
    in_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            out.append(style("      " + line, dim=True))
        else:
            out.append("  " + line if line else "")
    return out


def rule_text(rule: Rule, colour: bool = False) -> str:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text

    info = _header(rule)
    lines = [style(f"{rule.id} {rule.name}", bold=True) + f"  {_(rule.summary)}",
             _("family {family}; default severity {severity}; automatic fix: {fix}", **info), ""]
    for name, text in page_sections(rule).items():
        lines.append(style(_(name), bold=True, underline=True))
        lines += _terminal_block(text, style)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def rule_record(rule: Rule) -> dict:
    """A rule as data (``rules --format json``, SARIF rule metadata)."""
    return {"id": rule.id, "name": rule.name, "family": rule.family, "severity": rule.severity,
            "summary": rule.summary, "fixable": rule.fixable, "plugin": rule.plugin,
            "help": page_sections(rule)}


def help_markdown(rule: Rule) -> str:
    """The full page as Markdown, for SARIF ``help.markdown`` and the like."""
    return rule_markdown(rule, level=2)


def help_text(rule: Rule) -> str:
    """The full page as plain text, for SARIF ``help.text``."""
    return rule_text(rule, colour=False)


def built_in(rule: Rule) -> bool:
    """A rule of im4cm-lint itself (the engine's or the built-in checks'), not of a third-party plugin."""
    return type(rule).__module__.split(".")[0] in ("im4cm_lint", "im4cm_lint_checks")


def rules_markdown(rules: Iterable[Rule]) -> str:
    """docs/rules.md: an index by family, then every built-in rule's page."""
    rules = sorted((r for r in rules if built_in(r)), key=lambda r: r.id)
    lines = ["# im4cm-lint rules", "",
             f"<!-- Generated from the rules' own documentation. Do not edit: run `{REGENERATE_DOCS}`. -->", "",
             "Every rule: what it checks, why it matters (the data-protection principle and its source), an "
             "example that fails and its fixed version, how to fix it and how to suppress it with a reason. "
             "The same text is shown by `im4cm-lint --explain RULE`.", "",
             "| Rule | Name | Severity | Fix | Summary |", "| --- | --- | --- | --- | --- |"]
    for rule in rules:
        anchor = f"{rule.id}-{rule.name}".lower()
        lines.append(f"| [{rule.id}](#{anchor}) | {rule.name} | {rule.severity} | "
                     f"{'yes' if rule.fixable else ''} | {rule.summary} |")
    lines.append("")
    family = None
    for rule in rules:
        if rule.family != family:
            family = rule.family
            lines += [f"## {family}: {_(families().get(family, N_('plugin rules')))}", ""]
        lines.append(rule_markdown(rule, level=3))
    return "\n".join(lines).rstrip() + "\n"


def rules_listing(rules: Iterable[Rule], output_format: str = "text") -> str:
    rules = sorted(rules, key=lambda r: r.id)
    if output_format == "json":
        return json.dumps([rule_record(r) for r in rules], indent=2, ensure_ascii=False) + "\n"
    if output_format == "markdown":
        return rules_markdown(rules)
    width = max((len(r.id) for r in rules), default=8) + 2
    lines = [f"{r.id:<{width}}{r.severity:<9}{'fix' if r.fixable else '   '}  {_(r.summary)}" for r in rules]
    lines.append("")
    lines.append(_("'im4cm-lint --explain RULE' shows what a rule protects, an example and how to fix it."))
    return "\n".join(lines) + "\n"


def find_rule(rules: dict[str, Rule], rule_id: str, pack_ids: Iterable[str] = ()) -> Rule:
    """The rule named ``rule_id`` (any case); a usage error with suggestions otherwise, among the
    rules and the ids of the pack's purposes and categories (``pack_ids``)."""
    rule = rules.get(rule_id.upper())
    if rule is not None:
        return rule
    import difflib

    pack_ids = list(pack_ids)
    close = difflib.get_close_matches(rule_id.upper(), list(rules), n=3)
    close += difflib.get_close_matches(rule_id, pack_ids, n=3)
    listing = _("'im4cm-lint rules' lists the rules, 'im4cm-lint pack purposes categories' the purposes and "
                "categories.")
    hint = _(" Did you mean: {names}? {listing}", names=", ".join(close), listing=listing) if close else f" {listing}"
    raise click.UsageError(_("no rule, purpose or category '{name}' and no such file.{hint}", name=rule_id, hint=hint))


def explain_rule(rules: dict[str, Rule], rule_id: str, output_format: str = "text", colour: bool = False) -> str:
    rule = find_rule(rules, rule_id)
    if output_format == "markdown":
        return rule_markdown(rule, level=1)
    if output_format == "json":
        return json.dumps(rule_record(rule), indent=2, ensure_ascii=False) + "\n"
    return rule_text(rule, colour)


RULE_LIKE = re.compile(r"[A-Za-z]{2,10}[0-9]{3}\Z")


@click.command("rules")
@click.option("--format", "output_format", type=click.Choice(("text", "json", "markdown")), default="text",
              show_default=True, help="markdown writes the page set of docs/rules.md.")
def rules_command(output_format: str) -> None:
    """List every rule: id, family, default severity, summary, whether --fix can repair it."""
    from im4cm_lint.plugins import load_registry

    click.echo(rules_listing(load_registry().rules.values(), output_format), nl=False)


# --- --explain FILE: lint the repository, then let a plugin walk through the file ----------------

class CannotRun(click.ClickException):
    """The lint behind a walkthrough could not run as configured: the CLI shows the report and
    exits with status 2."""

    exit_code = RC.FATAL

    def show(self, file=None) -> None:
        click.echo(self.message, err=True, nl=False)


def _repo_root(path: Path) -> Path:
    """Where a lint run finds every document the file relates to: the configuration's folder, the
    repository root, or the file's own folder."""
    from im4cm_lint.config import find_config

    start = path if path.is_dir() else path.parent
    config = find_config(start)
    if config is not None:
        return config.parent
    return repo_root(start.resolve()) or start


def walkthrough(target: str, output_format: str, options, colour: bool) -> str:
    """Lint the repository of ``target``, then ask the plugins for the walkthrough of its
    documents (hook ``im4cm_lint_walkthrough``) from the run's findings."""
    from im4cm_lint import hooks
    from im4cm_lint.engine import run

    path = Path(target)
    result = run([str(_repo_root(path))], options)
    if result.fatal:
        from im4cm_lint.reporters import renderer

        raise CannotRun(renderer("text")(result))
    shown = shown_path(path)
    documents = [d for d in (result.project.documents if result.project else [])
                 if d.path == shown or (path.is_dir() and (shown == "." or d.path.startswith(shown.rstrip("/") + "/")))]
    files = {d.path for d in documents} | ({shown} if path.is_file() else set())
    findings = [d for d in result.diagnostics if d.path in files and not d.suppression]
    page = hooks.walkthrough(target=shown, documents=documents, findings=findings, result=result,
                             output_format=output_format, colour=colour)
    if page is None:
        raise click.UsageError(_("no installed plugin provides a walkthrough of documents; "
                                 "'im4cm-lint --explain RULE' explains a rule"))
    return page


def _pack_page(target: str, output_format: str, options) -> tuple[str | None, list[str]]:
    """The page a plugin renders for ``target`` in the configured pack (hook
    ``im4cm_lint_explain_page``), and the pack's purpose and category ids to suggest otherwise."""
    from im4cm_lint import hooks
    from im4cm_lint.pack import configured_pack

    load, _ = configured_pack(options.config_path, options.policy_pack)
    if load.pack is None:
        return None, []
    page = hooks.explain_page(target=target, pack=load.pack, output_format=output_format)
    return page, [*load.pack.purposes, *load.pack.categories]


def explain_target(target: str, output_format: str, options, colour: bool) -> str:
    """``--explain``: a rule's page, the walkthrough of a file or folder, or the page a plugin
    has for another word (a purpose or category of the pack)."""
    from im4cm_lint.plugins import load_registry

    rules = load_registry().rules
    is_rule = RULE_LIKE.match(target) and target.upper() in rules
    if not is_rule and Path(target).exists():
        if output_format not in ("text", "markdown"):
            raise click.UsageError(_("--explain FILE writes text or markdown (--format markdown)"))
        return walkthrough(target, output_format, options, colour)
    if output_format not in ("text", "markdown", "json"):
        raise click.UsageError(_("--explain RULE writes text, markdown or json"))
    pack_ids: list[str] = []
    if not is_rule:
        page, pack_ids = _pack_page(target, output_format, options)
        if page is not None:
            return page
    if not is_rule:
        find_rule(rules, target, pack_ids)
    return explain_rule(rules, target, output_format, colour)
