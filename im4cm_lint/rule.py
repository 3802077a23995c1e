"""The rule type: one class per rule, its docstring is its documentation.

A plugin returns rule classes from its ``im4cm_lint_rules`` hook. Each rule has an id (a family
prefix and three digits), a default severity, a one-line summary and, in its docstring, the
explanation that ``--explain``, SARIF help and docs/rules.md are all generated from, in sections:
``## What it checks``, ``## Why it matters``, ``## Example``, ``## How to fix``.
"""

from __future__ import annotations

import inspect
import re
from typing import TYPE_CHECKING, ClassVar, Iterable

from im4cm_lint.diagnostics import Diagnostic, Fix, Location, family_of
from im4cm_lint.i18n import N_

if TYPE_CHECKING:
    from im4cm_lint.model import Project
    from im4cm_lint.pack import Pack

RULE_ID = re.compile(r"[A-Z]{2,10}[0-9]{3}\Z")

FAMILIES = {  # the engine's own families (shown through _()); plugins declare theirs (hook ``im4cm_lint_families``)
    "PARSE": N_("the file cannot be read as YAML"),
    "SCHEMA": N_("the document does not fit its kind"),
    "CONFIG": N_("the linter's own configuration, suppressions and policy pack"),
    "PLUGIN": N_("a plugin failed"),
}


class Rule:
    """Base class of every rule. Subclasses set the class attributes and implement ``check``."""

    id: ClassVar[str]
    name: ClassVar[str]  # kebab-case, e.g. "missing-required-role"
    summary: ClassVar[str]  # one line, ends without a full stop
    severity: ClassVar[str] = "error"
    fixable: ClassVar[bool] = False
    plugin: ClassVar[str] = ""  # set by the plugin manager: the plugin that provided the rule
    # What the rule's findings depend on, so that a run re-checks only what a change can affect:
    # "project" (the default), any document of the run; "protocol", only the documents of one
    # protocol (im4cm_lint.model.protocols: a DPISP and the documents naming it), the pack, the
    # configuration, the date and the ids of all documents (``project.known_ids``). A "protocol"
    # rule run on a project holding one protocol finds exactly what it finds there in the whole run.
    # A run with --base checks the whole project, so a rule that judges a change (it finds nothing
    # without a base) is "protocol" as well.
    scope: ClassVar[str] = "project"

    def check(self, project: Project, pack: Pack) -> Iterable[Diagnostic]:
        """Yield findings for the whole run. Rules emitted by the engine itself yield nothing."""
        return ()

    def finding(
        self, where: Location, message: str, *, severity: str | None = None, fix: Fix | None = None
    ) -> Diagnostic:
        return Diagnostic(self.id, severity or self.severity, where, message, fix)

    @property
    def family(self) -> str:
        return family_of(self.id)

    @classmethod
    def explanation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")


class EngineRule(Rule):
    """A rule the engine emits itself (PARSE, SCHEMA, CONFIG, PLUGIN): it has no check, and its
    findings are built from the rule, never from a bare id."""

    scope: ClassVar[str] = "protocol"  # it checks nothing in the project model

    @classmethod
    def at(cls, where: Location, message: str, *, severity: str | None = None) -> Diagnostic:
        """This rule's finding at ``where``."""
        return Diagnostic(cls.id, severity or cls.severity, where, message)


def explanation_sections(rule: type[Rule] | Rule) -> dict[str, str]:
    """The ``## Heading`` sections of a rule's docstring, in order."""
    return markdown_sections(rule.explanation())


def markdown_sections(text: str) -> dict[str, str]:
    """``## Heading`` -> the section's text, in order (what comes before the first heading is left out)."""
    sections: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = ""
        elif current is not None:
            sections[current] += line + "\n"
    return {k: v.strip() for k, v in sections.items()}
