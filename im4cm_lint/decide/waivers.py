"""Waivers: reviewed exceptions kept as data in the configuration (rule, document id, YAML path,
reason, approver, expiry date). A waiver without a reason, expired, or waiving nothing is itself a
finding, so no exception outlives the situation it was granted for."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Mapping
from im4cm_lint.i18n import _

from im4cm_lint.config import Config
from im4cm_lint.decide.common import Reports, rule_problem
from im4cm_lint.diagnostics import Diagnostic, Suppression
from im4cm_lint.engine_rules.config import ExpiredWaiver, SuppressionWithoutReason, UnusedSuppression
from im4cm_lint.yamltree import YMap, locate


def covers(waiver_path: str, yaml_path: str) -> bool:
    """A waiver covers its YAML path and everything under it."""
    return yaml_path == waiver_path or (
        yaml_path.startswith(waiver_path) and yaml_path[len(waiver_path)] in ".[")


def apply_waivers(findings: list[Diagnostic], config: Config, rules: Mapping[str, object],
                  documents: list[tuple[str, str]] | None,
                  reported: set[str] | None, reports: Reports,
                  today: datetime.date) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Apply the configuration's waivers; return the findings and the problems of the waivers.
    ``documents`` holds (id, file) of every document of the run; without them (None), a waiver
    is never judged unused."""
    problems: list[Diagnostic] = []
    homes: dict[str, set[str]] = {}  # document id -> the files that hold it
    for doc_id, path in documents or ():
        homes.setdefault(doc_id, set()).add(path)
    whole_config = reported is None or (config.path in reported)
    for waiver in config.waivers:
        home = homes.get(waiver["document"], set())
        seen = reported is None or bool(home & reported)  # its document's findings are in this run
        if not (whole_config or seen):
            continue
        problem = _invalid(waiver, rules, today)
        if problem is None and not _waive(waiver, findings) and documents is not None:
            problem = _unused(waiver, home, seen, reports)
        if problem is not None:
            problems.append(problem)
    return findings, problems


MAX_WAIVER_DAYS = 366  # a waiver is reviewed at least yearly (the standard's review cycle)


def _invalid(waiver: YMap, rules: Mapping[str, object], today: datetime.date) -> Diagnostic | None:
    """Why ``waiver`` does not apply at all: an unknown rule, a missing field, a past expiry date."""
    rule_id, doc_id, path = waiver["rule"], waiver["document"], waiver["path"]
    bad = rule_problem(rule_id, rules, locate(waiver, "rule"))
    if bad:
        return bad
    missing = [key for key in ("reason", "approved-by", "expires") if not str(waiver.get(key) or "").strip()]
    if missing:
        return SuppressionWithoutReason.at(
            locate(waiver, missing[0]),
            _("the waiver of {rule} for {document} {path} has no {keys}, so it does not apply; a waiver records "
              "why, who approved it (approved-by) and until when (expires: YYYY-MM-DD)", rule=rule_id,
              document=doc_id, path=path, keys=_(" or ").join(missing)))
    expires = datetime.date.fromisoformat(waiver["expires"])
    if expires > today + datetime.timedelta(days=MAX_WAIVER_DAYS):
        return SuppressionWithoutReason.at(
            locate(waiver, "expires"),
            _("the waiver of {rule} for {document} {path} expires on {date}, more than a year from now, so it "
              "does not apply; a waiver lasts until the next review at most: set a date before {latest}",
              rule=rule_id, document=doc_id, path=path, date=expires.isoformat(),
              latest=(today + datetime.timedelta(days=MAX_WAIVER_DAYS + 1)).isoformat()))
    if expires < today:
        return ExpiredWaiver.at(
            locate(waiver, "expires"),
            _("the waiver of {rule} for {document} {path} expired on {date} and no longer applies; fix the "
              "findings, or have the exception reviewed again and set a new date", rule=rule_id, document=doc_id,
              path=path, date=expires.isoformat()))
    return None


def _waive(waiver: YMap, findings: list[Diagnostic]) -> bool:
    """Mark the findings ``waiver`` covers as accepted, in place; whether it covers any."""
    rule_id, doc_id, path = waiver["rule"], waiver["document"], waiver["path"]
    accepted = Suppression("waiver", waiver["reason"].strip(), waiver["approved-by"].strip(),
                           datetime.date.fromisoformat(waiver["expires"]).isoformat())
    used = False
    for index, diag in enumerate(findings):
        if diag.rule == rule_id and diag.location.doc_id == doc_id and covers(path, diag.location.yaml_path):
            used = True
            if diag.suppression is None:
                findings[index] = replace(diag, suppression=accepted)
    return used


def _unused(waiver: YMap, home: set[str], seen: bool, reports: Reports) -> Diagnostic | None:
    """CONFIG007 for a waiver that covers no finding, when this run can tell (its document's
    findings are part of it)."""
    rule_id, doc_id, path = waiver["rule"], waiver["document"], waiver["path"]
    if home:
        if not seen or not any(reports(rule_id, p) for p in home):
            return None  # its findings are not part of this run: it cannot be judged unused here
        why = _("{rule} reports nothing at {path} in {document}", rule=rule_id, path=path, document=doc_id)
    else:
        why = _("no document with the id '{document}' was linted", document=doc_id)
    return UnusedSuppression.at(
        locate(waiver, "path"),
        _("this waiver suppresses nothing: {why}; remove it, or correct 'document' and 'path' (copy the finding's "
          "'document' and 'yaml_path' from --format json)", why=why))
