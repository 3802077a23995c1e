"""LIFE: a protocol's lifecycle: review dates, signatures, and a status that matches its dates.

Dates are judged as of ``project.today`` (``--today`` on the command line), never the clock.
"""

from __future__ import annotations

from typing import Iterator

from im4cm_lint import Rule, hookimpl
from im4cm_lint.i18n import _
from im4cm_lint.model import Project
from im4cm_lint.pack import Pack
from im4cm_lint.yamltree import YMap, YSeq, locate

from im4cm_lint_checks.domain.parties import signatures
from im4cm_lint_checks.domain.periods import beyond, days_since
from im4cm_lint_checks.domain.placeholders import quoted_placeholder
from im4cm_lint_checks.domain.status import ENFORCED, by_status, status_words
from im4cm_lint_checks.role import assignments, data_parties, person_key


class ReviewDate(Rule):
    """
    ## What it checks
    A protocol has a review date (`metadata.review_by`) and it has not passed. Expired protocols
    (`status: expired`) are not checked.

    Severity follows the protocol's status: a missing date is information on a draft, a passed
    date a warning; both are errors once the protocol is signed or in force.

    ## Why it matters
    Partners, systems and staff change; a protocol nobody reviews describes an operation that no
    longer exists, and the GBVIMS experience is that sharing must not simply continue when the
    lead changes. Source: IASC Operational Guidance on Data Responsibility (2023), accountability
    (and the guidance itself is reviewed every two years); GBVIMS Information Sharing Protocol,
    leadership-change rule; inter-agency DPISP template, review and amendment.

    ## Example
    ```yaml
    metadata:
      status: in_force
      effective: 2024-03-01
      review_by: 2025-03-01
    ```
    Fixed:
    ```yaml
    metadata:
      status: in_force
      effective: 2025-04-10
      review_by: 2026-04-10
    ```

    ## How to fix
    Review the protocol with the parties, record the new version and its dates; until then, plan
    the review and tell the coordination lead.
    """

    id, name, summary = "LIFE001", "review-date", "The review date has passed or is missing"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            if dpisp.status == "expired":
                continue
            review_by = project.date(dpisp.metadata.get("review_by"))
            where = locate(dpisp.metadata, "review_by")
            if review_by is None:
                limit = pack.threshold("review_period_days")
                within = _(" (at most {limit} days after 'effective')", limit=f"{limit:g}") if limit is not None else ""
                yield self.finding(
                    where, _("protocol {dpisp} has no review date; add 'review_by'{within} so that someone is due to "
                             "review it", dpisp=dpisp.id, within=within),
                    severity=by_status(dpisp.status, otherwise="info"))
            elif review_by < project.today:
                yield self.finding(
                    where, _("protocol {dpisp} was due for review on {date} ({days} days ago); review it with the "
                             "parties and set the next review date, or mark it expired", dpisp=dpisp.id,
                             date=review_by.isoformat(), days=(project.today - review_by).days),
                    severity=by_status(dpisp.status))


class UnsignedParty(Rule):
    """
    ## What it checks
    Every party that shares or receives data (the `from` or `to` of a sharing rule) has signed:
    there is an entry for it under `signatures`.

    Severity follows the protocol's status: information while it is drafted or reviewed (the
    signatures still to collect), an error once it is signed or in force. A party that sends
    nothing and receives only aggregate data (counts) is reported for information only.

    ## Why it matters
    A party that has not signed is not bound by the protocol: data sent to it is shared outside
    any agreement. Source: inter-agency DPISP template ("participants are signatories to this
    protocol"); CPIMS+ rollout guidance (terms signed by each participating agency before
    deployment); UNHCR Data Protection Policy (2015) §6 (transfers to third parties).

    ## Example
    ```yaml
    metadata: {status: in_force, ...}
    sharing:
      - {id: sc-to-unhcr, from: sc, to: unhcr, ...}
    signatures:
      - {party: sc, by: {name: A. Person, title: Country Director}, signed: 2025-02-20}
    ```
    Fixed:
    ```yaml
    metadata: {status: in_force, ...}
    sharing:
      - {id: sc-to-unhcr, from: sc, to: unhcr, ...}
    signatures:
      - {party: sc, by: {name: A. Person, title: Country Director}, signed: 2025-02-20}
      - {party: unhcr, by: {name: B. Person, title: Representative}, signed: 2025-02-24}
    ```

    ## How to fix
    Collect the missing signature and record it; until then, do not share data with or from that
    party.
    """

    id, name, summary = "LIFE002", "unsigned-party", "A party that shares or receives data has not signed"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            signed = signatures(dpisp.body)
            parties = dpisp.get("parties")
            for party_id in data_parties(dpisp):
                if party_id in signed:
                    continue
                index = next(i for i, p in enumerate(parties) if p is dpisp.parties[party_id])
                yield self.finding(
                    locate(parties, index),
                    _("party '{party}' shares or receives data under protocol {dpisp} but has not signed it; "
                      "collect its signature and add it under 'signatures', and stop sharing with it until then",
                      party=party_id, dpisp=dpisp.id) if dpisp.status in ENFORCED else
                    _("party '{party}' shares or receives data under protocol {dpisp} but has not signed it; "
                      "collect its signature and add it under 'signatures'", party=party_id, dpisp=dpisp.id),
                    severity="info" if receives_counts_only(dpisp, pack, party_id) else by_status(dpisp.status, otherwise="info"))


def receives_counts_only(dpisp, pack: Pack, party_id: str) -> bool:
    """A party that sends nothing and receives only aggregate data (counts carry no one's data, so
    its missing signature is for information, not an error)."""
    rules = [r for r in dpisp.sharing_rules.values() if party_id in (r.get("from"), r.get("to"))]
    return bool(rules) and all(
        r.get("to") == party_id and (r.get("level") == "aggregate"
                                     or (pack.purposes.get(r.get("purpose")) or {}).get("individual_level") is False)
        for r in rules)


class EffectiveAfterReview(Rule):
    """
    ## What it checks
    A protocol's `effective` date is not after its `review_by` date.

    ## Why it matters
    A review due before the protocol even takes effect is a typing mistake in a date that other
    checks, and the people who plan reviews, rely on. Source: inter-agency DPISP template, review
    and amendment; IASC Operational Guidance on Data Responsibility (2023), accountability.

    ## Example
    ```yaml
    metadata:
      effective: 2025-03-01
      review_by: 2024-03-01
    ```
    Fixed:
    ```yaml
    metadata:
      effective: 2025-03-01
      review_by: 2026-03-01
    ```

    ## How to fix
    Correct whichever date is wrong.
    """

    id, name, summary = "LIFE003", "effective-after-review", "The effective date is after the review date"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            effective = project.date(dpisp.metadata.get("effective"))
            review_by = project.date(dpisp.metadata.get("review_by"))
            if effective and review_by and effective > review_by:
                yield self.finding(
                    locate(dpisp.metadata, "review_by"),
                    _("protocol {dpisp} takes effect on {effective}, after its review date {review_by}; correct "
                      "whichever date is wrong", dpisp=dpisp.id, effective=effective.isoformat(),
                      review_by=review_by.isoformat()))


class StaleDraft(Rule):
    """
    ## What it checks
    A protocol still in draft or in review (`status: draft` or `in_review`) was not first drafted
    (`metadata.drafted`) longer ago than the pack's `draft_max_days` threshold (180 days in the
    standard; a configuration may tighten it under `thresholds:`).

    ## Why it matters
    Meanwhile, data is shared with no agreed rules, or under an old protocol nobody updates: the
    consultations found processes that stalled with staff turnover. Source: IM4CM country
    consultations (inter-agency Guidance Note 2023); IASC Operational Guidance on Data
    Responsibility (2023), accountability.

    ## Example
    ```yaml
    metadata:
      status: draft
      drafted: 2024-01-10
    ```
    Fixed:
    ```yaml
    metadata:
      status: in_force
      drafted: 2024-01-10
      effective: 2024-05-02
      review_by: 2025-05-02
    ```

    ## How to fix
    Ask the coordination lead to finish the review and collect the signatures, or to record
    why the protocol is on hold.
    """

    id, name, summary = "LIFE004", "stale-draft", "A protocol has been in draft longer than the pack allows"
    severity = "warning"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        open_drafts = [d for d in project.dpisps.values() if d.status in ("draft", "in_review")]
        for dpisp, days, limit in beyond(pack, "draft_max_days", open_drafts,
                                         lambda d: days_since(project, d.metadata.get("drafted"))):
            drafted = project.date(dpisp.metadata.get("drafted"))
            yield self.finding(
                locate(dpisp.metadata, "status"),
                _("protocol {dpisp} has been {status} since {date}, {days} days (the limit is {limit}); finish the "
                  "review and collect the signatures, or ask the coordination lead to record why it is on hold",
                  dpisp=dpisp.id, status=status_words(dpisp.status), date=drafted.isoformat(), days=days,
                  limit=f"{limit:g}"))


class ReviewPeriodTooLong(Rule):
    """
    ## What it checks
    The time from a protocol's `effective` date to its `review_by` date is no longer than the
    pack's `review_period_days` threshold (365 days in the standard; a configuration may tighten
    it under `thresholds:`).

    ## Why it matters
    A review date years away keeps a protocol formally current while partners, systems and
    focal points change under it. Source: inter-agency DPISP template, review and amendment
    (annual review); IASC Operational Guidance on Data Responsibility (2023), accountability.

    ## Example
    ```yaml
    metadata:
      effective: 2025-03-01
      review_by: 2028-03-01
    ```
    Fixed:
    ```yaml
    metadata:
      effective: 2025-03-01
      review_by: 2026-03-01
    ```

    ## How to fix
    Set the review date within the period the pack allows.
    """

    id, name, summary = "LIFE005", "review-period-too-long", "The review date is further from the effective date than the pack allows"
    severity = "warning"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp, days, limit in beyond(pack, "review_period_days", project.dpisps.values(), lambda d: project.days_between(
                d.metadata.get("effective"), d.metadata.get("review_by"))):
            yield self.finding(
                locate(dpisp.metadata, "review_by"),
                _("protocol {dpisp} is reviewed {days} days after it takes effect; the standard allows at most "
                  "{limit} days, so set an earlier review date", dpisp=dpisp.id, days=days, limit=f"{limit:g}"))


class InForceWithoutDpia(Rule):
    """
    ## What it checks
    A protocol that is signed or in force has a DPIA (a DPIA document whose `metadata.dpisp` is
    the protocol's id) among the linted documents, and that DPIA is completed.

    ## Why it matters
    The impact assessment is how the participants know the risks of the sharing they agreed to
    and who mitigates each; sharing under a protocol with no completed DPIA means nobody has.
    Source: UNHCR Data Protection Policy (2015) §4.5 (a DPIA before new systems or transfer
    arrangements); CPIMS+ rollout guidance, phase 1.

    ## Example
    ```yaml
    metadata: {id: et-gambella, status: in_force, ...}
    ```
    Fixed:
    ```yaml
    metadata: {id: et-gambella, status: in_force, ...}
    ---
    apiVersion: im4cm/v1
    kind: DPIA
    metadata: {id: et-gambella-dpia, dpisp: et-gambella, status: completed,
               completed: 2025-01-15, review_by: 2026-01-15}
    ```

    ## How to fix
    Complete the DPIA and keep it next to the protocol (lint both together).
    """

    id, name, summary = "LIFE006", "in-force-without-dpia", "A protocol in force has no completed DPIA"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        assessing: dict[str, list] = {}  # DPISP id -> the DPIAs that name it, in document order
        for d in project.documents:
            named = d.metadata.get("dpisp") if d.kind == "DPIA" and d.parse_ok else None
            if isinstance(named, str):
                assessing.setdefault(named, []).append(d)
        for dpisp in project.dpisps.values():
            if dpisp.status not in ("signed", "in_force"):
                continue
            dpias = assessing.get(dpisp.id, [])
            if not dpias:
                yield self.finding(
                    locate(dpisp.metadata, "status"),
                    _("protocol {dpisp} is {status} but no DPIA assesses it; complete one (metadata.dpisp: {dpisp}) "
                      "and lint it with the protocol", dpisp=dpisp.id, status=status_words(dpisp.status)))
            elif not any(d.metadata.get("status") == "completed" for d in dpias):
                yield self.finding(
                    locate(dpisp.metadata, "status"),
                    _("protocol {dpisp} is {status} but its DPIA '{dpia}' is not completed; complete the assessment "
                      "and record it", dpisp=dpisp.id, status=status_words(dpisp.status), dpia=dpias[0].id),
                    severity="warning")


class StatusBeforeEffective(Rule):
    """
    ## What it checks
    A protocol marked `status: in_force` has an `effective` date, and that date has come.

    ## Why it matters
    Whether data may flow under a protocol depends on it being in force; a status that says so
    before the agreed date lets sharing start early. Source: inter-agency DPISP template,
    signatures and entry into force; IASC Operational Guidance on Data Responsibility (2023),
    accountability.

    ## Example
    ```yaml
    metadata:
      status: in_force
    ```
    Fixed:
    ```yaml
    metadata:
      status: in_force
      effective: 2025-03-01
      review_by: 2026-03-01
    ```

    ## How to fix
    Record the date the protocol took effect, or set the status to `signed` until that date.
    """

    id, name, summary = "LIFE007", "in-force-before-effective", "A protocol is in force without an effective date that has come"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            if dpisp.status != "in_force":
                continue
            effective = project.date(dpisp.metadata.get("effective"))
            if effective is None:
                message = _("protocol {dpisp} is in force but has no effective date; add 'effective'", dpisp=dpisp.id)
            elif effective > project.today:
                message = _("protocol {dpisp} is marked in force, but takes effect only on {effective}; set the "
                            "status to 'signed' until then", dpisp=dpisp.id, effective=effective.isoformat())
            else:
                continue
            yield self.finding(locate(dpisp.metadata, "effective"), message)


class SignatureNotValid(Rule):
    """
    ## What it checks
    Each signature under `signatures` can bind its party:
    - the signer is the holder of the party's `signatory` role (by name);
    - no party signs twice;
    - no signature is dated before the version it signs was drafted (`metadata.drafted`);
    - no party that sends data signs after the protocol took effect (`metadata.effective`).

    ## Why it matters
    A signature binds an agency only when its authorised signatory gives it, for the text that
    exists. A party that signs after the effective date shared data before it agreed; a second
    signature of one party hides which one counts. Source: inter-agency DPISP template
    (signature page: the authorised representative of each participant); UNHCR Data Protection
    Policy (2015) §6.1 (transfers only under an agreement).

    ## Example
    ```yaml
    metadata: {drafted: 2025-11-17, effective: 2026-03-01, ...}
    roles:
      signatory:
        - holder: {name: S. Lindqvist, title: Country Director, party: sc}
    signatures:
      - party: sc
        by: {name: W. Akway, title: Child Protection Manager}
        signed: 2026-02-18
    ```
    Fixed:
    ```yaml
    signatures:
      - party: sc
        by: {name: S. Lindqvist, title: Country Director}
        signed: 2026-02-18
    ```

    ## How to fix
    Have the party's signatory sign (or correct `roles.signatory` if the holder changed), keep one
    signature per party, and collect every signature before the effective date.
    """

    id = "LIFE008"
    name = "signature-not-valid"
    summary = "A signature is not the party's signatory's, repeats a party, or is dated outside the version's life"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            signatures = dpisp.get("signatures")
            if not isinstance(signatures, YSeq):
                continue
            signers = {holder.get("party"): person_key(holder.get("name"))
                       for role_id, entry in assignments(dpisp) if role_id == SIGNATORY
                       for holder in [entry["holder"]]}
            senders = {rule.get("from") for rule in dpisp.sharing_rules.values()}
            drafted = project.date(dpisp.metadata.get("drafted"))
            effective = project.date(dpisp.metadata.get("effective"))
            seen: dict[str, int] = {}
            for index, signature in enumerate(signatures):
                if isinstance(signature, YMap):
                    yield from self._judge(dpisp, signature, locate(signatures, index), seen, index,
                                           signers, senders, drafted, project.date(signature.get("signed")), effective)

    def _judge(self, dpisp, signature, where, seen, index, signers, senders, drafted, signed, effective):
        party = signature.get("party")
        first = seen.setdefault(party, where.line)
        if first != where.line:
            yield self.finding(where, _("party '{party}' signs protocol {dpisp} twice (first on line {line}); keep "
                                        "the signature that counts", party=party, dpisp=dpisp.id, line=first))
            return
        by = signature.get("by")
        name = by.get("name") if isinstance(by, YMap) else None
        if party in signers and name is not None and person_key(name) != signers[party]:
            yield self.finding(
                locate(by, "name"),
                _("the signature of party '{party}' is not given by the holder of its signatory role "
                  "(roles.signatory); have the signatory sign, or update roles.signatory if the holder changed",
                  party=party),
                severity="warning")
        if signed and drafted and signed < drafted:
            yield self.finding(
                locate(signature, "signed"),
                _("party '{party}' signed on {date}, before this version ({version}) was drafted ({drafted}); it "
                  "signed an earlier text: collect its signature of this version", party=party,
                  date=signed.isoformat(), version=dpisp.metadata.get("version"), drafted=drafted.isoformat()))
        elif signed and effective and signed > effective and party in senders:
            yield self.finding(
                locate(signature, "signed"),
                _("party '{party}' signed on {date}, after protocol {dpisp} took effect ({effective}), and it sends "
                  "data under it: it shared before it agreed; move 'effective' after the last signature, or record "
                  "why sharing started earlier", party=party, date=signed.isoformat(), dpisp=dpisp.id,
                  effective=effective.isoformat()))


SIGNATORY = "signatory"  # the pack's role of the person who signs for an agency


class PlaceholderValue(Rule):
    """
    ## What it checks
    No value anywhere in a protocol, DPIA or export is still a template placeholder such as
    `[INSERT name of the operation]` or `[TBD]` (the pack's `placeholder_pattern`): party names,
    channels, Annex C entries, transport, DPIA risks and mitigations. Clause texts and role
    holders have their own rules (CLAUSE006, ROLE009).

    Severity follows status: a warning while a document is drafted, an error once it is signed,
    in force or completed.

    ## Why it matters
    A placeholder reads as filled at a glance and says nothing: a channel "[INSERT channel]" is
    no agreed channel, a mitigation "[TBD]" mitigates nothing. Source: inter-agency DPISP
    template (the slots each operation fills); IASC Operational Guidance on Data Responsibility
    (2023), accountability.

    ## Example
    ```yaml
    parties:
      - {id: sc, name: "[INSERT name of the agency]", type: ingo}
    ```
    Fixed:
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo}
    ```

    ## How to fix
    Write the operation's own words in place of the placeholder; the message quotes it as it
    stands in the file so that a search finds it.
    """

    id = "LIFE009"
    name = "placeholder-value"
    summary = "A value is still a template placeholder"
    scope = "protocol"

    OWN_RULES = ("clauses",)  # subtrees with a rule of their own (CLAUSE006)

    def check(self, project: Project, pack: Pack) -> Iterator:
        pattern = pack.placeholder
        if pattern is None:
            return
        for document in project.documents:
            if not document.checkable or document.kind == "PolicyPack":
                continue
            status = document.metadata.get("status")
            if status is None and document.kind == "DataExport":
                dpisp = project.dpisp_for(document)
                status = dpisp.status if dpisp is not None else None
            for container, key, found in placeholders(document.body, pattern, self.OWN_RULES):
                yield self.finding(locate(container, key),
                                   _("{kind} {id} still has the placeholder {placeholder} here; write the "
                                     "operation's own words in its place", kind=document.kind, id=document.id,
                                     placeholder=quoted_placeholder(container, key, found, pack)),
                                   severity=by_status(status))


def placeholders(node, pattern, skip: tuple) -> list[tuple]:
    """(container, key, placeholder text) for every string under ``node`` that holds a placeholder,
    leaving out the top-level sections in ``skip`` and the names of role holders and backups
    (ROLE009 reports those). Every value of every document is read: a plain walk, not nested
    generators, which took most of the rule's time at 1,000 documents."""
    found: list[tuple] = []
    search = pattern.search

    def walk(node, top: bool, person: bool) -> None:
        for key, value in (node.items() if isinstance(node, YMap) else enumerate(node)):
            if (top and key in skip) or (person and key == "name"):
                continue
            if isinstance(value, (YMap, YSeq)):
                walk(value, False, key in ("holder", "backup"))
            elif isinstance(value, str):
                match = search(value)
                if match:
                    found.append((node, key, match.group(0)))

    walk(node, True, False)
    return found


@hookimpl
def im4cm_lint_rules():
    return [ReviewDate, UnsignedParty, EffectiveAfterReview, StaleDraft, ReviewPeriodTooLong, InForceWithoutDpia,
            StatusBeforeEffective, SignatureNotValid, PlaceholderValue]
