"""Which findings a configuration keeps: ``select``, ``ignore``, ``per-file-ignores`` and
``severity``, decided per rule id once and remembered (as flake8's ``DecisionEngine``). Pure: no
files are read here."""

from __future__ import annotations

import fnmatch
from typing import Callable, Iterable

from im4cm_lint.i18n import _
from im4cm_lint.config import Config
from im4cm_lint.diagnostics import Diagnostic
from im4cm_lint.engine_rules.config import UnknownRuleInConfig


def matches(rule_id: str, selectors: list[str]) -> bool:
    """A rule is selected by its id, its family or any prefix of its id (as ruff does)."""
    return any(rule_id.startswith(sel) for sel in selectors)


class Selection:
    """Which rules run, at which severity, for which files."""

    def __init__(self, config: Config):
        self.config = config
        self._enabled: dict[str, bool] = {}
        self._severity: dict[str, str | None] = {}

    def enabled(self, rule_id: str) -> bool:
        """``select`` never hides PLUGIN findings: a crashed check would make the run look clean.
        Only an explicit ``ignore`` turns them off; ``ignore`` beats ``select``."""
        decided = self._enabled.get(rule_id)
        if decided is None:
            cfg = self.config
            selected = not cfg.select or matches(rule_id, cfg.select) or rule_id.startswith("PLUGIN")
            decided = self._enabled[rule_id] = selected and not matches(rule_id, cfg.ignore)
        return decided

    def reports(self, rule_id: str, path: str) -> bool:
        """Would a finding of ``rule_id`` in ``path`` be reported? If not, an exception for it
        cannot be judged unused (the rule is off there, e.g. by --select or per-file-ignores)."""
        if not self.enabled(rule_id):
            return False
        return not any(fnmatch.fnmatch(path, pattern) and matches(rule_id, rules)
                       for pattern, rules in self.config.per_file_ignores.items())

    def keep(self, diag: Diagnostic) -> Diagnostic | None:
        """The finding as reported (at its configured severity), or None when it is not."""
        if not self.reports(diag.rule, diag.path):
            return None
        override = self.severity(diag.rule)
        return diag.with_severity(override) if override else diag

    def severity(self, rule_id: str) -> str | None:
        """The configured severity of ``rule_id``: the longest matching selector wins."""
        if rule_id not in self._severity:
            best: tuple[int, str] | None = None
            for selector, severity in self.config.severity.items():
                if rule_id.startswith(selector) and (best is None or len(selector) > best[0]):
                    best = (len(selector), severity)
            self._severity[rule_id] = best[1] if best else None
        return self._severity[rule_id]


def selector_problems(config: Config, rule_ids: Iterable[str],
                      families: Callable[[], Iterable[str]]) -> list[Diagnostic]:
    """CONFIG002 for every selector that names no rule (``families()``: the declared families, in
    the order the hint lists them; asked only when a selector names nothing)."""
    rule_ids = list(rule_ids)
    problems: list[Diagnostic] = []
    named: list[tuple[tuple, str]] = [(("select", i), s) for i, s in enumerate(config.select)]
    named += [(("ignore", i), s) for i, s in enumerate(config.ignore)]
    named += [(("per-file-ignores", k, i), s) for k, v in config.per_file_ignores.items() for i, s in enumerate(v)]
    named += [(("severity", s), s) for s in config.severity]
    for keys, selector in named:
        if not any(rid.startswith(selector) for rid in rule_ids):
            problems.append(UnknownRuleInConfig.at(config.where(*keys), _(
                "'{selector}' matches no rule; families are: {families}", selector=selector,
                families=", ".join(families()))))
    return problems
