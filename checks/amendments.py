"""Checks that judge a change, not a state: what happened since the base revision.

They run when the lint is given a base (``--base REF``: the target branch in a pull request, the
previous commit in pre-commit) and the run sets ``project.base`` to the Project of that revision.
Each reads the changes :func:`im4cm_lint_checks.diff.compare` finds (the same ones
``im4cm-lint diff`` shows), so the review and the gate never disagree on what changed.

A protocol that parties signed, or that is in force, changes only by amendment: a new `version`
that every party signs again. A change to what it shares, to its locked legal text or to its
Annex C alignment without both is an amendment nobody signed.
"""

from __future__ import annotations

import re
from typing import Iterator

from im4cm_lint import Rule, hookimpl
from im4cm_lint.i18n import N_, _
from im4cm_lint.model import DPISP, Project
from im4cm_lint.pack import Pack
from im4cm_lint.yamltree import YMap, locate

from im4cm_lint_checks.domain.status import by_status, status_words
from im4cm_lint_checks.diff import Change, compare, quoted as _quoted, unmark
from im4cm_lint_checks.share import category_words

RELIED_ON = ("signed", "in_force")


def quoted(value: object) -> str:
    """A value as a message may show it (contract 5.5), between single quotes."""
    return unmark(_quoted(value))  # statuses under which the parties rely on the text they signed


def changes_since_base(project: Project, pack: Pack) -> list[Change]:
    """The changes from ``project.base`` to ``project`` (none without a base), computed once a run."""
    base = getattr(project, "base", None)
    if base is None:
        return []
    cached = project.__dict__.get("_changes_since_base")
    if cached is None:
        cached = project.__dict__["_changes_since_base"] = compare(base, project, pack)
    return cached


def version_key(version: object) -> tuple[int, ...] | None:
    """'1.2.0' as (1, 2, 0); None for a version that is not dotted numbers (it is not compared)."""
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        version = str(version)
    if not isinstance(version, str) or not re.fullmatch(r"v?\d+(\.\d+)*", version.strip()):
        return None
    return tuple(int(part) for part in version.strip().lstrip("v").split("."))


def _signed(dpisp: DPISP) -> dict[str, object]:
    dates: dict[str, object] = {}
    for item in dpisp.get("signatures") or []:
        if isinstance(item, YMap) and isinstance(item.get("party"), str):
            dates.setdefault(item["party"], Project.date(item.get("signed")))
    return dates


def amendment(base: DPISP, head: DPISP) -> tuple[bool, bool]:
    """(a new version, signatures renewed): the two marks of an amendment the parties signed.
    Signatures are renewed when every party that had signed has signed again, later."""
    old, new = version_key(base.metadata.get("version")), version_key(head.metadata.get("version"))
    new_version = base.metadata.get("version") != head.metadata.get("version") and (old is None or new is None or new > old)
    before, after = _signed(base), _signed(head)
    renewed = bool(after) and all(after.get(party) and (date is None or after[party] > date)
                                  for party, date in before.items())
    return new_version, renewed


def _missing(new_version: bool, renewed: bool, head: DPISP) -> str:
    version = quoted(head.metadata.get("version"))
    if not new_version and not renewed:
        return _("keeps version {version} and no party has signed it again", version=version)
    if not new_version:
        return _("keeps version {version}", version=version)
    return _("no party has signed it again") if not renewed else ""


def _relied_on(project: Project, change: Change) -> tuple[DPISP, DPISP] | None:
    """The base and head protocols of a change, when the parties relied on both."""
    base = getattr(project, "base", None)
    head = project.dpisps.get(change.document) if change.kind == "DPISP" else None
    before = base.dpisps.get(change.document) if base is not None and head is not None else None
    if before is None or before.status not in RELIED_ON or head.status not in RELIED_ON:
        return None
    return before, head


def _unsigned(project: Project, change: Change) -> tuple[DPISP, str] | None:
    """(head protocol, what the amendment lacks) when the change amends a protocol relied on
    without a new version signed again; None otherwise."""
    pair = _relied_on(project, change)
    if pair is None:
        return None
    new_version, renewed = amendment(*pair)
    if new_version and renewed:
        return None
    return pair[1], _missing(new_version, renewed, pair[1])


_AMEND = N_("set 'status: in_review' while the parties discuss it, then raise 'version' and have every party sign "
            "again (new dates under 'signatures') before it is in force again")


class HolderChangedUnconfirmed(Rule):
    """
    ## What it checks
    When the lint is given a base revision (`--base REF`), a role whose holder changed since that
    revision also has a new `confirmed` date.

    Severity follows the protocol's status: a warning on a draft, an error once it is signed or
    in force.

    ## Why it matters
    `confirmed` is the date the coordination lead last checked who holds the role. A new holder
    with the old date claims a confirmation that never happened: the person may not know the
    role, may not be trained, and the stale-confirmation check (ROLE003) counts from a date that
    says nothing about them. Source: inter-agency DPISP template, roles and focal points
    (assignments confirmed at least twice a year); GBVIMS Information Sharing Protocol
    (a change of lead triggers review).

    ## Example
    ```yaml
    # --base main: there the holder was another person, confirmed on 2025-06-01
    roles:
      process_lead:
        holder: {name: New Person, title: CP Officer, party: unhcr}
        backup: {name: B. Person, title: CP Associate, party: unhcr}
        confirmed: 2025-06-01
    ```
    Fixed:
    ```yaml
    roles:
      process_lead:
        holder: {name: New Person, title: CP Officer, party: unhcr}
        backup: {name: B. Person, title: CP Associate, party: unhcr}
        confirmed: 2025-09-15
    ```

    ## How to fix
    Confirm the assignment with the new holder and their agency, then set `confirmed` to that day.
    """

    id, name, summary = "ROLE011", "holder-changed-unconfirmed", "A role changed hands without a new confirmation date"
    severity = "warning"
    scope = "protocol"  # it finds nothing without a base, and a run with a base checks the whole project

    def check(self, project: Project, pack: Pack) -> Iterator:
        for change in changes_since_base(project, pack):
            if change.section != "role" or not change.details.get("holder_changed"):
                continue
            before, after = (Project.date(change.details.get(k)) for k in ("confirmed_before", "confirmed_after"))
            if after is not None and (before is None or after > before):
                continue
            head = project.dpisps.get(change.document)
            entry = change.node
            if head is None or not isinstance(entry, YMap):
                continue
            where = locate(entry, "confirmed") if "confirmed" in entry else locate(entry, "holder")
            what = unmark(change.label)
            if "confirmed" in entry:
                message = _("{what} has a new holder since the base revision but still says {date}; confirm the "
                            "assignment with the new holder and set 'confirmed' to that day", what=what,
                            date=quoted(entry.get("confirmed")))
            else:
                message = _("{what} has a new holder since the base revision but has no 'confirmed' date; confirm "
                            "the assignment with the new holder and set 'confirmed' to that day", what=what)
            yield self.finding(
                where, message,
                severity=by_status(head.status))


class UnsignedAmendment(Rule):
    """
    ## What it checks
    When the lint is given a base revision (`--base REF`), a protocol that was signed or in
    force there, and still is, shares no more than it did unless it has a new `version` that
    every party signed again: no sharing rule added, and no category added to a sharing rule.

    ## Why it matters
    The parties signed what the protocol said when they signed it. Sharing more under the same
    signatures is an amendment nobody agreed to: the new data flows without a legal basis that
    every party accepted, and the signed copy on file no longer describes what is shared.
    Source: inter-agency DPISP template, review, amendment and withdrawal (amendments are agreed
    in writing by all participants); UNHCR Data Protection Policy (2015) §6.1 (data transfer
    agreements).

    ## Example
    ```yaml
    # --base main: there the rule shared identity.name only, in force, version 1.0.0
    metadata:
      version: 1.0.0
      status: in_force
    sharing:
      - id: irc-to-unhcr
        categories: [identity.name, protection.gbv]
    ```
    Fixed:
    ```yaml
    metadata:
      version: 1.1.0
      status: in_review
    sharing:
      - id: irc-to-unhcr
        categories: [identity.name, protection.gbv]
    ```

    ## How to fix
    Put the protocol back in review (`status: in_review`), raise `version`, and have every party
    sign the new version before it is in force again.
    """

    id, name, summary = "LIFE010", "unsigned-amendment", "Sharing widened in a signed protocol without a new signed version"
    scope = "protocol"  # it finds nothing without a base, and a run with a base checks the whole project

    def check(self, project: Project, pack: Pack) -> Iterator:
        for change in changes_since_base(project, pack):
            if change.section != "sharing" or change.action not in ("widened", "added"):
                continue
            unsigned = _unsigned(project, change)
            where = change.where()
            if unsigned is None or where is None:
                continue
            head, missing = unsigned
            values = {"rule": quoted(change.subject), "status": status_words(head.status), "missing": missing,
                      "amend": _(_AMEND)}
            if change.action == "widened":
                carried = ", ".join(category_words(pack, c) for c in change.details.get("categories", []))
                message = _("sharing rule {rule} now also carries {categories}, but the protocol, {status} at the "
                            "base revision, {missing}: an amendment nobody signed; {amend}", categories=carried,
                            **values)
            else:
                message = _("sharing rule {rule} was added, but the protocol, {status} at the base revision, "
                            "{missing}: an amendment nobody signed; {amend}", **values)
            yield self.finding(where, message)


class LockedClauseAmended(Rule):
    """
    ## What it checks
    When the lint is given a base revision (`--base REF`), no locked clause of a protocol in force
    there, and still in force, was changed, added or removed, unless the protocol has a new
    `version` that every party signed again.

    ## Why it matters
    Locked clauses are the legal text every party signed. Changing them in a protocol in force,
    even to restore the standard's wording, changes what the parties agreed to; it must go
    through an amendment. Source: inter-agency DPISP template, locked clauses and review,
    amendment and withdrawal.

    ## Example
    ```yaml
    # --base main: there the clause said 72 hours, in force, version 1.0.0
    metadata: {version: 1.0.0, status: in_force}
    clauses:
      - id: breach-management
        locked: true
        text: ...notify within 7 days...
    ```
    Fixed:
    ```yaml
    metadata: {version: 1.0.0, status: in_force}
    clauses:
      - id: breach-management
        locked: true
        text: ...notify within 72 hours...
    ```

    ## How to fix
    Restore the clause as signed, or amend the protocol: `status: in_review`, a new `version`,
    and every party's signature again.
    """

    id, name, summary = "CLAUSE010", "locked-clause-amended", "A locked clause changed in a protocol in force"
    scope = "protocol"  # it finds nothing without a base, and a run with a base checks the whole project

    def check(self, project: Project, pack: Pack) -> Iterator:
        for change in changes_since_base(project, pack):
            if change.section != "clause" or not change.details.get("locked"):
                continue
            yield from _in_force_finding(self, project, change, N_(
                "the locked clause {subject} changed in a protocol in force ({detail}), but the protocol {missing}: "
                "restore it as signed, or {amend}"))


class AnnexCAmended(Rule):
    """
    ## What it checks
    When the lint is given a base revision (`--base REF`), no Annex C entry of a protocol in force
    there, and still in force, was changed, added or removed, unless the protocol has a new
    `version` that every party signed again.

    ## Why it matters
    The Annex C entries say how the protocol honours UNHCR's data protection annex for
    implementing partners (breach notification hours, retention, onward transfer). UNHCR and the
    partners signed that alignment; changing it in force changes their obligations without their
    agreement. Source: UNHCR Data Protection Policy (2015) §5.1-5.5; UNHCR partnership agreement,
    Annex C.

    ## Example
    ```yaml
    # --base main: there the entry said 72 hours, in force, version 1.0.0
    metadata: {version: 1.0.0, status: in_force}
    annex_c:
      breach-notification: {met: true, clause: breach-management, hours: 96}
    ```
    Fixed:
    ```yaml
    metadata: {version: 1.0.0, status: in_force}
    annex_c:
      breach-notification: {met: true, clause: breach-management, hours: 72}
    ```

    ## How to fix
    Restore the entry as signed, or amend the protocol: `status: in_review`, a new `version`, and
    every party's signature again.
    """

    id, name, summary = "ANNEXC010", "annex-c-amended", "An Annex C entry changed in a protocol in force"
    scope = "protocol"  # it finds nothing without a base, and a run with a base checks the whole project

    def check(self, project: Project, pack: Pack) -> Iterator:
        for change in changes_since_base(project, pack):
            if change.section == "annex_c":
                yield from _in_force_finding(self, project, change, N_(
                    "the Annex C entry {subject} changed in a protocol in force ({detail}), but the protocol "
                    "{missing}: restore it as signed, or {amend}"))


def _in_force_finding(rule: Rule, project: Project, change: Change, message: str) -> Iterator:
    pair = _relied_on(project, change)
    if pair is None or pair[0].status != "in_force" or pair[1].status != "in_force":
        return
    new_version, renewed = amendment(*pair)
    where = change.where()
    if (new_version and renewed) or where is None:
        return
    words = unmark(change.words)
    detail = words.split(": ", 1)[-1] if ": " in words else change.action
    yield rule.finding(
        where, _(message, subject=quoted(change.subject), detail=detail,
                 missing=_missing(new_version, renewed, pair[1]), amend=_(_AMEND)))


class VersionBackwards(Rule):
    """
    ## What it checks
    When the lint is given a base revision (`--base REF`), a protocol's `version` is not lower
    than it was there.

    ## Why it matters
    Versions tell the parties which text they signed. A version that goes backwards (a revert,
    a merge that took the older file) makes two different texts carry one number, and a signed
    copy can no longer be matched to its text. Source: inter-agency DPISP template, review,
    amendment and withdrawal (version history kept by the coordination lead).

    ## Example
    ```yaml
    # --base main: there the version was 1.2.0
    metadata:
      version: 1.1.0
    ```
    Fixed:
    ```yaml
    metadata:
      version: 1.3.0
    ```

    ## How to fix
    Give the protocol a version higher than the base revision's; if the older text was restored
    on purpose, it is a new version of its own.
    """

    id, name, summary = "LIFE011", "version-backwards", "A protocol's version is lower than at the base revision"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        base = getattr(project, "base", None)
        if base is None:
            return
        for dpisp in project.dpisps.values():
            before = base.dpisps.get(dpisp.id)
            if before is None:
                continue
            old, new = version_key(before.metadata.get("version")), version_key(dpisp.metadata.get("version"))
            if old is None or new is None or new >= old:
                continue
            yield self.finding(
                locate(dpisp.metadata, "version"),
                _("version {version} is lower than {before} at the base revision; give the protocol a higher "
                  "version than any it had", version=quoted(dpisp.metadata.get("version")),
                  before=quoted(before.metadata.get("version"))),
                severity=by_status(dpisp.status))


@hookimpl
def im4cm_lint_rules():
    return [HolderChangedUnconfirmed, UnsignedAmendment, LockedClauseAmended, AnnexCAmended, VersionBackwards]
