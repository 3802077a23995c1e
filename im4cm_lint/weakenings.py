"""What the repository's own configuration turns off, and why.

``ignore``, ``exclude``, ``per-file-ignores`` and a ``severity`` below a rule's own weaken the gate:
whoever opens a pull request can add them to ``.im4cm-lint.yaml`` as easily as a bad protocol.
Like a waiver, each needs a reason, written beside it::

    ignore: [{rule: LIFE004, reason: reviews are tracked in the CMTF calendar}]
    severity: {ROLE006: {level: info, reason: one trained officer covers both roles until June}}
    exclude: [{path: archive/, reason: superseded protocols kept for the record}]
    per-file-ignores: {"drafts/*": {rules: [LIFE], reason: drafts are not in force}}

The plain forms (``ignore: [LIFE004]``) still apply, and are reported (CONFIG005) until they say
why. Every weakening, with or without its reason, is listed in every run's summary (text,
Markdown, SARIF run properties, the HTML report), so a reviewer sees it in the pull request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from im4cm_lint.i18n import _
from im4cm_lint.diagnostics import SEVERITY_RANK, Diagnostic, Location
from im4cm_lint.engine_rules.config import InvalidConfig, SuppressionWithoutReason
from im4cm_lint.yamltree import YMap, YSeq, locate

SETTINGS = ("ignore", "severity", "exclude", "per-file-ignores")
_FORMS = {  # setting: (the key that holds the plain value, its type's name)
    "ignore": ("rule", str),
    "exclude": ("path", str),
    "severity": ("level", str),
    "per-file-ignores": ("rules", list),
}


@dataclass(frozen=True)
class Weakening:
    """One setting of the configuration that turns a check off or down."""

    setting: str  # ignore | severity | exclude | per-file-ignores
    what: str  # "LIFE004", "ROLE006: info", "archive/", "drafts/*: LIFE"
    reason: str | None
    where: Location


def _entry(setting: str, value: Any, where: Location) -> tuple[Any, str | None, list[Diagnostic]]:
    """(the plain value, its reason, problems with the written form) of one entry."""
    key, kind = _FORMS[setting]
    if not isinstance(value, YMap):
        return value, None, []
    unknown = sorted(set(map(str, value)) - {key, "reason"})
    plain, reason = value.get(key), value.get("reason")
    problems = []
    if unknown or not isinstance(plain, kind) or not (isinstance(reason, str) and reason.strip()):
        problems.append(InvalidConfig.at(where, _("configuration: write this {setting} entry as {{{key}: ..., "
                                                  "reason: why}}", setting=setting, key=key)
                                         + (_(" (unknown: {keys})", keys=", ".join(unknown)) if unknown else "")))
    return plain, reason.strip() if isinstance(reason, str) else None, problems


def split(body: YMap) -> tuple[YMap, list[Weakening], list[Diagnostic]]:
    """``body`` with every weakening in its plain form (what the schema checks), the weakenings
    with their reasons, and the problems with the forms that carry a reason."""
    plain = YMap(body.source, body.line, body.column)
    plain.key_pos, plain.value_pos = dict(body.key_pos), dict(body.value_pos)
    found: list[Weakening] = []
    problems: list[Diagnostic] = []
    for name, value in body.items():
        plain[name] = value
        if name in ("ignore", "exclude") and isinstance(value, YSeq):
            plain[name] = _plain_list(name, value, found, problems)
        elif name in ("severity", "per-file-ignores") and isinstance(value, YMap):
            plain[name] = _plain_map(name, value, found, problems)
    return plain, found, problems


def _plain_list(name: str, seq: YSeq, found: list, problems: list) -> YSeq:
    out = YSeq(seq.source, seq.line, seq.column)
    out.item_pos = list(seq.item_pos)
    out.parent, out.parent_key = seq.parent, seq.parent_key
    for index, item in enumerate(seq):
        where = locate(seq, index)
        value, reason, bad = _entry(name, item, where)
        problems += bad
        out.append(value)
        found.append(Weakening(name, str(value), reason, where))
    return out


def _plain_map(name: str, mapping: YMap, found: list, problems: list) -> YMap:
    out = YMap(mapping.source, mapping.line, mapping.column)
    out.key_pos, out.value_pos = dict(mapping.key_pos), dict(mapping.value_pos)
    out.parent, out.parent_key = mapping.parent, mapping.parent_key
    for key, item in mapping.items():
        where = locate(mapping, key)
        value, reason, bad = _entry(name, item, where)
        problems += bad
        out[key] = value
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        found.append(Weakening(name, f"{key}: {shown}", reason, where))
    return out


def in_force(weakenings: list[Weakening], severity: dict[str, str], rules: dict[str, Any]) -> list[Weakening]:
    """The weakenings that weaken: a severity override counts when it is below the default of a
    rule it matches (raising a rule to an error needs no reason)."""
    kept = []
    for item in weakenings:
        if item.setting == "severity":
            selector = item.what.partition(":")[0]
            level = severity.get(selector)
            if level not in SEVERITY_RANK or not any(
                    rid.startswith(selector) and SEVERITY_RANK[level] < SEVERITY_RANK[rule.severity]
                    for rid, rule in rules.items()):
                continue
        kept.append(item)
    return kept


def without_reason(weakenings: list[Weakening]) -> list[Diagnostic]:
    """CONFIG005 for each weakening that does not say why. These are not subject to ``ignore``:
    the configuration cannot silence what reports the configuration."""
    return [SuppressionWithoutReason.at(
        item.where, _("'{setting}: {what}' turns a check off or down without a reason; write the reason beside it "
                      "(see 'im4cm-lint --explain CONFIG005'), so a reviewer can judge it",
                      setting=item.setting, what=item.what))
        for item in weakenings if not item.reason]


def describe(item: Weakening) -> str:
    """One weakening in a line: the setting, what it turns off, and why."""
    return f"{item.setting} {item.what} ({item.reason or _('no reason given')})"
