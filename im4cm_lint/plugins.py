"""The plugin manager: finds plugins through the ``im4cm_lint`` entry-point group and collects
their rules and policy packs. A plugin that fails to load is reported, never fatal."""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from pathlib import Path

import pluggy

from im4cm_lint import engine_rules, hookspecs
from im4cm_lint.i18n import _
from im4cm_lint.diagnostics import SEVERITIES, Diagnostic, Location
from im4cm_lint.engine_rules.plugin import BadRule, PluginLoadFailed
from im4cm_lint.rule import RULE_ID, EngineRule, Rule


@dataclass
class Registry:
    """Every rule and policy pack the installed plugins provide, and what went wrong loading them."""

    rules: dict[str, Rule] = field(default_factory=dict)
    packs: list[Path] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def _problem(rule: type[EngineRule], message: str) -> Diagnostic:
    """A PLUGIN finding: a plugin is not in a file the user can point at, so it is at '.'."""
    return rule.at(Location(".", 1, 1), message)


# What pluggy can take as a hook implementation (see pluggy's ``_static_hook_attr``).
_HOOKABLE = (types.FunctionType, types.MethodType, staticmethod, classmethod)


class _PluginManager(pluggy.PluginManager):
    """pluggy's manager, which passes over a plugin module's classes, constants and imported
    modules without pluggy's look at each (``inspect.getattr_static``): the built-in plugins hold
    hundreds of names, and that look was a millisecond or two of every run."""

    def parse_hookimpl_opts(self, plugin, name):
        if isinstance(plugin, types.ModuleType) and not isinstance(vars(plugin).get(name), _HOOKABLE):
            return None
        return super().parse_hookimpl_opts(plugin, name)


def plugin_manager(extra_plugins: tuple = ()) -> tuple[pluggy.PluginManager, list[Diagnostic]]:
    pm = _PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(engine_rules, name="im4cm-lint")
    problems: list[Diagnostic] = []
    from im4cm_lint.entrypoints import entry_points

    for ep in entry_points(hookspecs.PROJECT):
        if pm.has_plugin(ep.name):
            continue
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as err:  # a broken plugin must not stop the others
            problems.append(_problem(PluginLoadFailed, _(
                "plugin '{plugin}' could not be loaded: {error}", plugin=ep.name,
                error=": ".join((type(err).__name__, str(err))))))
    for plugin in extra_plugins:
        pm.register(plugin)
    return pm, problems


def load_registry(extra_plugins: tuple = ()) -> Registry:
    pm, problems = plugin_manager(extra_plugins)
    registry = Registry(problems=problems)
    for impl in pm.hook.im4cm_lint_rules.get_hookimpls():
        plugin_name = pm.get_name(impl.plugin) or "?"
        try:
            provided = impl.function() or []
        except Exception as err:
            registry.problems.append(_problem(PluginLoadFailed, _(
                "plugin '{plugin}' failed to list its rules: {error}", plugin=plugin_name,
                error=": ".join((type(err).__name__, str(err))))))
            continue
        for rule_cls in provided:
            _add_rule(registry, rule_cls, plugin_name)
    for impl in pm.hook.im4cm_lint_policy_packs.get_hookimpls():
        try:
            registry.packs.extend(Path(p) for p in impl.function() or [])
        except Exception as err:
            name = pm.get_name(impl.plugin) or "?"
            registry.problems.append(_problem(PluginLoadFailed, _(
                "plugin '{plugin}' failed to list its policy packs: {error}", plugin=name,
                error=": ".join((type(err).__name__, str(err))))))
    return registry


def _add_rule(registry: Registry, rule_cls, plugin_name: str) -> None:
    rid = getattr(rule_cls, "id", None)
    if not (isinstance(rule_cls, type) and issubclass(rule_cls, Rule)):
        registry.problems.append(_problem(BadRule, _(
            "plugin '{plugin}' returned {value}, which is not a Rule class", plugin=plugin_name, value=repr(rule_cls))))
        return
    if not isinstance(rid, str) or not RULE_ID.match(rid) or getattr(rule_cls, "severity", None) not in SEVERITIES \
            or not getattr(rule_cls, "summary", None):
        registry.problems.append(_problem(
            BadRule, _("rule {rule} of plugin '{plugin}' needs an id like ABC123, a summary and a severity",
                       rule=rule_cls.__name__, plugin=plugin_name)))
        return
    if rid in registry.rules:
        other = registry.rules[rid].plugin
        registry.problems.append(_problem(
            BadRule, _("rule id {rule} of plugin '{plugin}' is already used by plugin '{other}'; it is not run",
                       rule=rid, plugin=plugin_name, other=other)))
        return
    rule = rule_cls()
    rule.plugin = plugin_name
    registry.rules[rid] = rule
