"""Calls the plugins' optional hooks (commands, families, walkthrough, summary sections).

Rules and policy packs are collected by :func:`im4cm_lint.plugins.load_registry`, which reports a
plugin that fails. The hooks here only add to the output: a plugin whose hook fails contributes
nothing, and the lint itself reports the plugin when it cannot be loaded (PLUGIN002).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from im4cm_lint.rule import FAMILIES

if TYPE_CHECKING:
    import click
    import pluggy

    from im4cm_lint.engine import RunResult

# The engine's own families: the document as read (first) and the linter itself (last).
DOCUMENT_FAMILIES = ("PARSE", "SCHEMA")
LINTER_FAMILIES = ("CONFIG", "PLUGIN")


@functools.cache
def manager() -> pluggy.PluginManager:
    from im4cm_lint.plugins import plugin_manager

    return plugin_manager()[0]


def _each(hook: str, **kwargs: Any) -> list[Any]:
    """What every implementation of ``hook`` returns, in plugin order, skipping failures."""
    results = []
    for impl in reversed(getattr(manager().hook, hook).get_hookimpls()):
        try:
            results.append(impl.function(**{name: kwargs[name] for name in impl.argnames}))
        except Exception:  # noqa: BLE001 - an optional contribution never stops the run
            continue
    return [result for result in results if result is not None]


@functools.cache
def families() -> dict[str, str]:
    """Every rule family that is declared: prefix -> what it checks, in the order they are shown."""
    declared: dict[str, str] = {}
    for contribution in _each("im4cm_lint_families"):
        for family, words in dict(contribution).items():
            declared.setdefault(str(family), str(words))
    engine = {family: FAMILIES[family] for family in (*DOCUMENT_FAMILIES, *LINTER_FAMILIES)}
    ordered = {family: engine[family] for family in DOCUMENT_FAMILIES}
    ordered.update((f, w) for f, w in declared.items() if f not in engine)
    ordered.update((family, engine[family]) for family in LINTER_FAMILIES)
    return ordered


def catalogs() -> list[tuple[str, Path]]:
    """The plugins' gettext catalogs: (domain, locale folder)."""
    return [(str(domain), Path(folder)) for contribution in _each("im4cm_lint_catalogs")
            for domain, folder in contribution]


def family_order(family: str) -> tuple[int, str]:
    """Sort key: declared families in their order, then the others by name."""
    known = list(families())
    return (known.index(family) if family in known else len(known), family)


@functools.cache
def commands() -> dict[str, str | click.Command]:
    """The subcommands plugins add: name -> "module:attribute" or the command (the first plugin
    to claim a name keeps it)."""
    found: dict[str, str | click.Command] = {}
    for contribution in _each("im4cm_lint_commands"):
        for name, command in dict(contribution).items():
            found.setdefault(str(name), command)
    return found


def command(name: str) -> click.Command:
    """The click command a plugin adds under ``name``, imported now if it was named by path."""
    found = commands()[name]
    if isinstance(found, str):
        import importlib

        module, _, attribute = found.partition(":")
        found = getattr(importlib.import_module(module), attribute)
    return found


def walkthrough(**kwargs: Any) -> str | None:
    """The walkthrough the first plugin that has one renders (see
    :func:`im4cm_lint.hookspecs.im4cm_lint_walkthrough`); its failure is not hidden."""
    return manager().hook.im4cm_lint_walkthrough(**kwargs)


def explain_page(**kwargs: Any) -> str | None:
    """The page the first plugin that knows ``target`` renders (see
    :func:`im4cm_lint.hookspecs.im4cm_lint_explain_page`); its failure is not hidden."""
    return manager().hook.im4cm_lint_explain_page(**kwargs)


def summary_sections(result: RunResult) -> list[list[str]]:
    """The extra sections plugins add to the Markdown summary, each as lines."""
    return [list(section) for section in _each("im4cm_lint_summary_sections", result=result) if section]

