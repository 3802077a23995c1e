"""Which clauses of a protocol can meet an Annex C obligation: the pack's `met_by` read against the
clauses the protocol has. Used by ANNEXC009 (to name the choices) and by the walkthrough (to show
what already meets each obligation), so both say the same."""

from __future__ import annotations

from im4cm_lint.i18n import _
from im4cm_lint.yamltree import YMap


def able_clauses(requirement: YMap) -> list[str]:
    """The clauses of the standard that can meet an obligation (`met_by`), in the pack's order."""
    return [str(c) for c in requirement.get("met_by") or []]


def meeting_clauses(requirement: YMap, present) -> list[str]:
    """The clauses of this protocol (ids in ``present``) that can meet an obligation."""
    return [c for c in able_clauses(requirement) if c in present]


def by_agreement(requirement: YMap) -> bool:
    """Whether the partnership agreement itself, outside the protocol, may meet the obligation."""
    return requirement.get("agreement") is True


def choices_words(requirement: YMap, present) -> str:
    """The clauses to choose from, in words: this protocol's own, else the standard's."""
    able, choices = able_clauses(requirement), meeting_clauses(requirement, present)
    if choices:
        return _("clauses of this protocol that can: {clauses}", clauses=", ".join(choices))
    if able:
        return _("the standard's clauses that can: {clauses} (none is in this protocol yet)", clauses=", ".join(able))
    return _("no clause of the standard can")
