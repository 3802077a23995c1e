"""The plugin contract: the hooks a plugin may implement (entry-point group ``im4cm_lint``).

A plugin is a module registered under the ``im4cm_lint`` entry-point group of its distribution::

    [project.entry-points.im4cm_lint]
    my_checks = "my_package.checks"

and implements any of these hooks with ``@im4cm_lint.hookimpl``. The built-in standard in
``checks/`` (import name ``im4cm_lint_checks``) is a plugin of exactly this kind: its rules, its
policy pack, the ``init``, ``report`` and ``taxonomy`` commands, the walkthrough of
``--explain FILE`` and the sharing section of the Markdown summary all come through these hooks.
The engine never imports a plugin; a plugin imports the engine's public API (``im4cm_lint``).

Hooks that return a list may return ``None`` or an empty list to contribute nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from im4cm_lint.diagnostics import Diagnostic
    from im4cm_lint.engine import RunResult
    from im4cm_lint.model import Document
    from im4cm_lint.pack import Pack
    from im4cm_lint.rule import Rule

PROJECT = "im4cm_lint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def im4cm_lint_rules() -> list[type[Rule]]:
    """Return the rule classes (subclasses of :class:`im4cm_lint.rule.Rule`) this plugin provides.

    Each rule's ``check(project, pack)`` receives the loaded, schema-valid documents of the whole
    run and the resolved policy pack, and yields diagnostics. It must not read files or the network.
    When the run is given a base revision (``--base REF``), ``project.base`` is the project at that
    revision (else None), so a rule may judge what a change did.

    Use in plugins: every plugin that brings rules.
    """


@hookspec
def im4cm_lint_policy_packs() -> list[Path]:
    """Return folders of the policy packs this plugin ships.

    A folder holds a ``pack.yaml`` of ``kind: PolicyPack``; a configuration selects a pack by
    ``name`` or ``name@version``.

    Use in plugins: a plugin that ships a standard as data.
    """


@hookspec
def im4cm_lint_families() -> dict[str, str]:
    """Return the rule families this plugin's rules belong to: prefix -> what the family checks.

    The words name the family in ``--explain RULE``, ``docs/rules.md``, the Markdown summary and
    the HTML report (one line, no full stop, e.g. ``{"CHAN": "channels named in sharing rules"}``).
    A family nobody declares is shown as a plugin's rules. Families are listed in the order the
    plugins declare them, after the engine's document families (PARSE, SCHEMA) and before its own
    (CONFIG, PLUGIN).

    Use in plugins: every plugin that brings rules of a new family.
    """


@hookspec
def im4cm_lint_catalogs() -> list[tuple[str, Path]]:
    """Return the gettext catalogs of this plugin's messages and pages: (domain, locale folder)
    pairs, the folder holding ``<lang>/LC_MESSAGES/<domain>.mo`` (built with Babel's
    ``pybabel compile``). ``im4cm_lint.i18n._`` looks every message up in the engine's catalog
    and in each plugin's, so a rule's message, its ``--explain`` page (docstring paragraphs and
    ``summary``) and a command's words are translated wherever they are shown.

    Use in plugins: a plugin whose messages are translated (the standard ships ar, fr and es).
    """


@hookspec
def im4cm_lint_commands() -> dict[str, str | click.Command]:
    """Return the subcommands this plugin adds to ``im4cm-lint``: name -> ``"module:attribute"`` of a
    click command (imported only when the command runs or ``--help`` lists it, so plugins never
    slow down ``im4cm-lint PATH``), or the click command itself.

    They are listed by ``im4cm-lint --help`` and run as ``im4cm-lint NAME ...``; a name is a word
    of lowercase letters, digits and hyphens (so it never reads as a path). The engine keeps
    ``check``, ``rules`` and ``schema``; a plugin command never replaces one of those, and the
    first plugin to claim a name keeps it.

    Use in plugins: the standard contributes ``init``, ``report`` and ``taxonomy``.
    """


@hookspec(firstresult=True)
def im4cm_lint_walkthrough(
    target: str, documents: list[Document], findings: list[Diagnostic], result: RunResult,
    output_format: str, colour: bool,
) -> str | None:
    """Return the drafting walkthrough of ``im4cm-lint --explain FILE``, or None to leave it to
    another plugin.

    The engine has already linted the repository the file belongs to; the walkthrough explains
    that run, it never judges the documents a second time: what it says is wrong is exactly
    ``findings``.

    :param target: the file or folder as the user named it, relative to the working folder.
    :param documents: the documents in ``target``, in file order.
    :param findings: the run's findings in those files, suppressed ones left out.
    :param result: the whole run (its ``pack`` and ``project``).
    :param output_format: ``text`` or ``markdown``.
    :param colour: whether the text may use terminal colours.

    Use in plugins: a standard that teaches how to draft its documents.
    """


@hookspec(firstresult=True)
def im4cm_lint_explain_page(target: str, pack: Pack, output_format: str) -> str | None:
    """Return the page of ``im4cm-lint --explain TARGET`` when ``target`` is neither a rule id nor
    an existing file, e.g. an id of the policy pack's purposes or categories; None when this plugin
    has no page for it.

    :param target: the word as the user wrote it.
    :param pack: the policy pack the configuration selects (``--config``, ``--policy-pack``).
    :param output_format: ``text`` or ``markdown``.

    Use in plugins: a standard whose pack entries have pages of their own.
    """


@hookspec
def im4cm_lint_summary_sections(result: RunResult) -> list[str] | None:
    """Return one extra section of the Markdown summary (``--format markdown``), as lines of
    Markdown, or None.

    Sections follow the counts and the top findings, in plugin order.

    :param result: the finished run, with its findings, documents, pack and ``baselined`` count.

    Use in plugins: e.g. the standard adds "what changed in sharing since the baseline".
    """
