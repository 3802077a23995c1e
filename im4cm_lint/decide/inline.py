"""Inline suppressions: a YAML comment ``# im4cm-lint: disable=RULE[,RULE] -- reason`` on the line
of the finding (after the value) or alone on the line above it (the next line that is not blank
or a comment). The reason is mandatory; a suppression that names an unknown rule or suppresses
nothing is itself a finding."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Mapping

from im4cm_lint.i18n import _
from im4cm_lint.decide.common import Reports, rule_problem
from im4cm_lint.diagnostics import Diagnostic, Location, Suppression
from im4cm_lint.engine_rules.config import BadSuppression, SuppressionWithoutReason, UnusedSuppression

DIRECTIVE_FORM = "# im4cm-lint: disable=RULE[,RULE] -- reason"

_MARKER = b"im4cm-lint"
# The patterns are compiled (and cached by ``re``) when a file first holds the word im4cm-lint:
# most runs meet none, and a pre-commit run pays for every compile at start-up.
# A comment starts with '#' at the start of a line or after a space (YAML's rule for comments).
_COMMENT = r"(?:^|(?<=\s))#[ \t]*im4cm-lint[ \t]*:(?P<body>.*)"
_DISABLE = r"\s*disable\s*=\s*(?P<rules>[A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)*)\s*(?:--(?P<reason>.*))?\Z"
_LINE_BREAK = "\r\n|[\r\n\x85\u2028\u2029]"  # the line breaks YAML (and our positions) count


@dataclass
class Directive:
    """One inline suppression comment and the line whose findings it covers."""

    path: str
    line: int
    column: int
    rules: tuple[str, ...]
    reason: str
    target: int | None  # None: nothing follows a comment that stands alone
    used: set[str] = field(default_factory=set)

    def where(self) -> Location:
        return Location(self.path, self.line, self.column)


def _next_content_line(text: str, offset: int, number: int) -> int | None:
    """The number of the first line at or after ``offset`` (line ``number``) that is neither
    blank nor a comment: what a comment standing alone on the line above applies to."""
    while offset <= len(text):
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end
        row = text[offset:end].strip()
        if row and not row.startswith("#"):
            return number
        offset, number = end + 1, number + 1
    return None


def scan_directives(text: str, path: str) -> tuple[list[Directive], list[Diagnostic]]:
    """The suppression comments of one file, and CONFIG006 for those not written as they must be.

    Only lines holding the word im4cm-lint are looked at (a fast substring search), so the cost
    on files without suppressions is one scan of their text.
    """
    directives: list[Directive] = []
    problems: list[Diagnostic] = []
    found = text.find("im4cm-lint")
    if found < 0:
        return directives, problems
    if any(ch in text for ch in "\r\x85\u2028\u2029"):
        text = re.sub(_LINE_BREAK, "\n", text)  # count lines as YAML (and the loader's positions) do
        found = text.find("im4cm-lint")
    number, counted = 1, 0
    while found >= 0:
        start = text.rfind("\n", 0, found) + 1
        end = text.find("\n", found)
        end = len(text) if end < 0 else end
        number += text.count("\n", counted, start)
        counted = start
        row = text[start:end]
        match = re.search(_COMMENT, row)
        found = text.find("im4cm-lint", end)
        if match is None:
            continue
        column = match.start() + 1
        form = re.match(_DISABLE, match.group("body"))
        if form is None:
            problems.append(BadSuppression.at(
                Location(path, number, column),
                _("this suppression comment is not understood; write it as '{form}'", form=DIRECTIVE_FORM)))
            continue
        rules = tuple(dict.fromkeys(r.strip() for r in form.group("rules").split(",")))
        alone = not row[:column - 1].strip()
        target = _next_content_line(text, end + 1, number + 1) if alone else number
        directives.append(Directive(path, number, column, rules, (form.group("reason") or "").strip(), target))
    return directives, problems


def read_directives(sources: Mapping[str, bytes], wanted: set[str]) -> tuple[list[Directive], list[Diagnostic]]:
    """The suppression comments of the files in ``wanted`` (shown paths), from the bytes the run
    read (``sources``: only files that hold a comment are kept, so memory stays flat however
    large the repository)."""
    directives: list[Directive] = []
    problems: list[Diagnostic] = []
    for shown, data in sources.items():
        if shown not in wanted or _MARKER not in data:
            continue
        found, bad = scan_directives(data.decode("utf-8-sig", "replace"), shown)
        directives += found
        problems += bad
    return directives, problems


def apply_inline(findings: list[Diagnostic], directives: list[Directive], rules: Mapping[str, object],
            reports: Reports) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Apply inline suppressions; return the findings and the problems of the directives."""
    problems: list[Diagnostic] = []
    by_line: dict[tuple[str, int], list[Directive]] = {}
    for directive in directives:
        valid = []
        for rule_id in directive.rules:
            bad = rule_problem(rule_id, rules, directive.where())
            if bad:
                problems.append(bad)
            else:
                valid.append(rule_id)
        directive.rules = tuple(valid)
        if valid and not directive.reason:
            problems.append(SuppressionWithoutReason.at(
                directive.where(),
                _("this suppression of {rules} gives no reason, so it does not apply; say why the finding is "
                  "acceptable after ' -- ': '{form}'", rules=", ".join(valid), form=DIRECTIVE_FORM)))
        elif valid and directive.target is not None:
            by_line.setdefault((directive.path, directive.target), []).append(directive)
    kept = []
    for diag in findings:
        for directive in by_line.get((diag.path, diag.line), ()):
            if diag.rule in directive.rules:
                directive.used.add(diag.rule)
                if diag.suppression is None:
                    diag = replace(diag, suppression=Suppression("inline", directive.reason))
        kept.append(diag)
    for directive in directives:
        if not directive.reason:
            continue
        for rule_id in directive.rules:
            if rule_id in directive.used or not reports(rule_id, directive.path):
                continue
            message = (_("this suppression of {rule} suppresses nothing: there is no {rule} finding on line {line}; "
                         "remove it, or put it on the line of the finding or alone on the line above",
                         rule=rule_id, line=directive.target) if directive.target else
                       _("this suppression of {rule} suppresses nothing: there is no {rule} finding after it; "
                         "remove it, or put it on the line of the finding or alone on the line above", rule=rule_id))
            problems.append(UnusedSuppression.at(directive.where(), message))
    return kept, problems
