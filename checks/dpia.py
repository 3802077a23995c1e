"""DPIA: the Data Protection Impact Assessment that goes with a protocol.

Severity follows status: a finding is an error once the DPIA is completed or its protocol is
signed or in force (people rely on the assessment then), and lower while both are drafts.
"""

from __future__ import annotations

from typing import Iterator

from im4cm_lint import Rule, hookimpl
from im4cm_lint.i18n import _
from im4cm_lint.model import DPIA, Project
from im4cm_lint.pack import Pack
from im4cm_lint.yamltree import YMap, YSeq, locate

from im4cm_lint_checks.domain.periods import beyond
from im4cm_lint_checks.domain.status import by_status
from im4cm_lint_checks.role import role_label


def _severity(project: Project, dpia: DPIA, enforced: str = "error", otherwise: str = "warning") -> str:
    dpisp = project.dpisp_for(dpia)
    return by_status(dpia.metadata.get("status"), dpisp.status if dpisp else None,
                     enforced=enforced, otherwise=otherwise)


def _risks(project: Project) -> Iterator[tuple[DPIA, YMap]]:
    for dpia in project.dpias:
        risks = dpia.get("risks")
        for risk in risks if isinstance(risks, YSeq) else []:
            if isinstance(risk, YMap):
                yield dpia, risk


class RiskWithoutOwner(Rule):
    """
    ## What it checks
    Every risk of a DPIA has an `owner`, the id of a role, and when the DPIA's protocol is among
    the linted documents, someone holds that role in it. (A role id the pack does not know is
    REF007.)

    Severity follows status: a warning while the DPIA and its protocol are drafts, an error once
    the DPIA is completed or the protocol signed or in force.

    ## Why it matters
    A risk that no role owns is a risk nobody mitigates or watches. Owners are roles, not
    people, so that ownership survives staff turnover. Source: IASC Operational Guidance on Data
    Responsibility (2023), accountability; UNHCR Data Protection Policy (2015) §4.5 (DPIA).

    ## Example
    ```yaml
    risks:
      - id: r1
        description: Re-identification of children from referral lists
        likelihood: medium
        impact: severe
        mitigations: [Share case ids, never names, in lists]
        residual: low
    ```
    Fixed:
    ```yaml
    risks:
      - id: r1
        description: Re-identification of children from referral lists
        likelihood: medium
        impact: severe
        mitigations: [Share case ids, never names, in lists]
        owner: data_protection_focal_point
        residual: low
    ```

    ## How to fix
    Name the role that owns the risk, and make sure the protocol assigns it.
    """

    id, name, summary = "DPIA001", "risk-without-owner", "A DPIA risk has no owner, or no one holds its owner role"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpia, risk in _risks(project):
            owner = risk.get("owner")
            dpisp = project.dpisp_for(dpia)
            if owner is None:
                message = _("risk '{risk}' has no owner; name the role that mitigates and watches it in 'owner'",
                            risk=risk.get("id"))
            elif dpisp is not None and owner in pack.roles and not dpisp.roles.get(owner):
                message = _("risk '{risk}' is owned by the role {role}, which no one holds in protocol {dpisp}; "
                            "assign the role there or choose a role that is held", risk=risk.get("id"),
                            role=role_label(pack.roles[owner], pack), dpisp=dpisp.id)
            else:
                continue
            yield self.finding(locate(risk, "owner"), message, severity=_severity(project, dpia))


class RiskWithoutMitigation(Rule):
    """
    ## What it checks
    Every risk of a DPIA lists at least one mitigation under `mitigations`.

    Severity follows status: a warning while the DPIA and its protocol are drafts, an error once
    the DPIA is completed or the protocol signed or in force.

    ## Why it matters
    Identifying a risk without deciding what reduces it assesses nothing. Source: UNHCR Data
    Protection Policy (2015) §4.5 (a DPIA identifies measures to mitigate the risks); OCHA Centre
    for Humanitarian Data guidance note on data impact assessments.

    ## Example
    ```yaml
    risks:
      - {id: r2, description: Lost paper files, likelihood: medium, impact: high,
         owner: data_protection_focal_point, residual: medium}
    ```
    Fixed:
    ```yaml
    risks:
      - {id: r2, description: Lost paper files, likelihood: medium, impact: high,
         mitigations: [Locked cabinets, sign-out register], owner: data_protection_focal_point,
         residual: medium}
    ```

    ## How to fix
    List what is done to reduce the likelihood or the impact of the risk.
    """

    id, name, summary = "DPIA002", "risk-without-mitigation", "A DPIA risk has no mitigation"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpia, risk in _risks(project):
            mitigations = risk.get("mitigations")
            if not any(isinstance(m, str) and m.strip() for m in mitigations or []):
                yield self.finding(
                    locate(risk, "mitigations"),
                    _("risk '{risk}' has no mitigation; list what reduces its likelihood or impact",
                      risk=risk.get("id")),
                    severity=_severity(project, dpia))


class HighResidualWithoutDecision(Rule):
    """
    ## What it checks
    A risk whose residual level (after mitigation) is still `high` records the decision taken on
    it in `decision`: who accepted it and why, or that the processing does not go ahead.

    Severity follows status: a warning while the DPIA and its protocol are drafts, an error once
    the DPIA is completed or the protocol signed or in force.

    ## Why it matters
    A high residual risk to children is accepted by someone with the authority to do so, on the
    record, or the processing stops; silence is neither. Source: UNHCR Data Protection Policy
    (2015) §4.5; IASC Operational Guidance on Data Responsibility (2023), do no harm and
    accountability.

    ## Example
    ```yaml
    risks:
      - {id: r3, description: Authorities request case files, likelihood: medium, impact: severe,
         mitigations: [Refer requests to the coordination lead], owner: process_lead, residual: high}
    ```
    Fixed:
    ```yaml
    risks:
      - {id: r3, description: Authorities request case files, likelihood: medium, impact: severe,
         mitigations: [Refer requests to the coordination lead], owner: process_lead, residual: high,
         decision: "Accepted by the heads of agency on 2025-02-10; reviewed quarterly"}
    ```

    ## How to fix
    Record the decision (accepted by whom, on what date, with what follow-up), or reduce the
    risk further.
    """

    id, name, summary = "DPIA003", "high-residual-without-decision", "A high residual risk has no recorded decision"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpia, risk in _risks(project):
            decision = risk.get("decision")
            if risk.get("residual") == "high" and not (isinstance(decision, str) and decision.strip()):
                yield self.finding(
                    locate(risk, "decision"),
                    _("risk '{risk}' stays high after mitigation and no decision is recorded; write in 'decision' "
                      "who accepted it and why, or do not go ahead with the processing", risk=risk.get("id")),
                    severity=_severity(project, dpia))


class DpiaReviewDate(Rule):
    """
    ## What it checks
    A DPIA's review date (`metadata.review_by`) has not passed, and a completed DPIA has one.
    Expired DPIAs are not checked.

    Severity follows status: a warning while the DPIA and its protocol are drafts, an error once
    the DPIA is completed or the protocol signed or in force.

    ## Why it matters
    Risks change with new partners, systems, exports and the context; an assessment nobody
    reviews assesses an operation that no longer exists. Source: UNHCR Data Protection Policy
    (2015) §4.5; IASC Operational Guidance on Data Responsibility (2023), accountability.

    ## Example
    ```yaml
    metadata: {id: et-gambella-dpia, dpisp: et-gambella, status: completed,
               completed: 2024-01-15, review_by: 2025-01-15}
    ```
    Fixed:
    ```yaml
    metadata: {id: et-gambella-dpia, dpisp: et-gambella, status: completed,
               completed: 2025-02-03, review_by: 2026-02-03}
    ```

    ## How to fix
    Review the DPIA (its risks, owners and mitigations) and set the next review date.
    """

    id, name, summary = "DPIA004", "dpia-review-date", "A DPIA's review date has passed or is missing"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpia in project.dpias:
            status = dpia.metadata.get("status")
            if status == "expired":
                continue
            review_by = project.date(dpia.metadata.get("review_by"))
            where = locate(dpia.metadata, "review_by")
            if review_by is None and status == "completed":
                yield self.finding(where, _("DPIA {dpia} is completed but has no review date; add 'review_by'",
                                            dpia=dpia.id),
                                   severity=_severity(project, dpia))
            elif review_by is not None and review_by < project.today:
                yield self.finding(
                    where, _("DPIA {dpia} was due for review on {date} ({days} days ago); review its risks and set "
                             "the next date", dpia=dpia.id, date=review_by.isoformat(),
                             days=(project.today - review_by).days),
                    severity=_severity(project, dpia))


class ProcessingOutsideDpisp(Rule):
    """
    ## What it checks
    Every system named in a DPIA's `processing` is run by a party of the protocol the DPIA
    assesses (`parties[].systems` of the DPISP). Parties named in `processing` must be parties
    of the protocol too (REF002), and systems must be known to the pack (REF009).

    ## Why it matters
    A DPIA that assesses a system the protocol does not cover assesses processing nobody agreed
    to, and the system the protocol does cover may be the one left unassessed. Source: UNHCR
    Data Protection Policy (2015) §4.5 (a DPIA for each new system); IASC Operational Guidance on
    Data Responsibility (2023), data ecosystem mapping.

    ## Example
    ```yaml
    processing:
      - {id: case-management, systems: [cpims+, kobo], parties: [sc]}
    ```
    Fixed:
    ```yaml
    processing:
      - {id: case-management, systems: [cpims+], parties: [sc]}
    ```

    ## How to fix
    Add the system to the party that runs it in the protocol (`parties[].systems`), or correct
    the DPIA.
    """

    id, name, summary = "DPIA005", "processing-outside-dpisp", "A DPIA processes a system no party of its DPISP runs"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpia in project.dpias:
            dpisp = project.dpisp_for(dpia)
            if dpisp is None:
                continue
            run = {system for party in dpisp.parties.values() for system in party.get("systems") or []}
            processing = dpia.get("processing")
            for activity in processing if isinstance(processing, YSeq) else []:
                systems = activity.get("systems") if isinstance(activity, YMap) else None
                for index, system in enumerate(systems if isinstance(systems, YSeq) else []):
                    if system in pack.systems and system not in run:
                        yield self.finding(
                            locate(systems, index),
                            _("processing '{processing}' uses system '{system}', which no party of protocol {dpisp} "
                              "runs; add it to the 'systems' of the party that runs it, or correct the DPIA",
                              processing=activity.get("id"), system=system, dpisp=dpisp.id),
                            severity=_severity(project, dpia))


class DpiaReviewPeriodTooLong(Rule):
    """
    ## What it checks
    The time from a DPIA's `completed` date to its `review_by` date is no longer than the pack's
    `dpia_review_period_days` threshold (365 days in the standard; a configuration may tighten
    it under `thresholds:`).

    ## Why it matters
    A DPIA whose next review is years away stops describing the risks long before anyone looks
    at it again. Source: UNHCR Data Protection Policy (2015) §4.5; IASC Operational Guidance on
    Data Responsibility (2023), accountability.

    ## Example
    ```yaml
    metadata: {id: et-gambella-dpia, dpisp: et-gambella, status: completed,
               completed: 2025-01-15, review_by: 2028-01-15}
    ```
    Fixed:
    ```yaml
    metadata: {id: et-gambella-dpia, dpisp: et-gambella, status: completed,
               completed: 2025-01-15, review_by: 2026-01-15}
    ```

    ## How to fix
    Set the review date within the period the pack allows.
    """

    id, name, summary = "DPIA006", "dpia-review-period-too-long", "A DPIA's review is further from completion than the pack allows"
    severity = "warning"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpia, days, limit in beyond(pack, "dpia_review_period_days", project.dpias, lambda d: project.days_between(
                d.metadata.get("completed"), d.metadata.get("review_by"))):
            yield self.finding(
                locate(dpia.metadata, "review_by"),
                _("DPIA {dpia} is reviewed {days} days after completion; the standard allows at most {limit} days, "
                  "so set an earlier review date", dpia=dpia.id, days=days, limit=f"{limit:g}"))


@hookimpl
def im4cm_lint_rules():
    return [RiskWithoutOwner, RiskWithoutMitigation, HighResidualWithoutDecision, DpiaReviewDate,
            ProcessingOutsideDpisp, DpiaReviewPeriodTooLong]
