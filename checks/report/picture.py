"""The sharing picture of one lint run: who shares what with whom, and which findings stand where.

Built once from a :class:`~im4cm_lint.engine.RunResult` (the documents, the pack and the findings
the run kept) and drawn by the HTML report. Findings are tied to what they are about through
their document and YAML path (``sharing[sc-to-unhcr].categories[2]`` belongs to the sharing rule
``sc-to-unhcr``), never through their wording.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from im4cm_lint.diagnostics import Diagnostic
from im4cm_lint.i18n import N_, _
from im4cm_lint.model import DPIA, DPISP, DataExport, Document, Project
from im4cm_lint.pack import Pack
from im4cm_lint.schemas import PARTY_TYPES, SENSITIVITIES
from im4cm_lint.values import plain, shown
from im4cm_lint.yamltree import parse_yaml_path

from im4cm_lint_checks.domain.clauses import pack_words
from im4cm_lint_checks.domain.parties import signatures
from im4cm_lint_checks.domain.roles import required_roles
from im4cm_lint_checks.domain.sharing import export_fields

UNKNOWN = "unknown"  # the sensitivity of a category the pack does not list
UNLISTED = "unlisted"  # the type of a party named by a rule or export but absent from the protocol
SENSITIVITY_RANK = {UNKNOWN: -1, **{name: rank for rank, name in enumerate(SENSITIVITIES)}}
PARTY_TYPE_NAMES = {  # shown through _(): the words of the chosen language
    "un_agency": N_("UN agency"),
    "ingo": N_("International NGO"),
    "lngo": N_("Local NGO"),
    "authority": N_("Authority"),
    "service_provider": N_("Service provider"),
    UNLISTED: N_("Not a party of the protocol"),
}
DETAIL_WORDS = {"basis": N_("basis"), "channel": N_("channel"), "justification": N_("justification")}
GROUP_ORDER = (*PARTY_TYPES, UNLISTED)
FLAG_FAMILIES = ("SHARE", "ANNEXC", "REF")  # findings that turn a sharing edge red
RESIDUAL_LEVELS = ("high", "medium", "low")


@dataclass
class Category:
    id: str
    name: str
    sensitivity: str
    identifiable: bool | None


@dataclass
class Party:
    id: str
    name: str
    type: str
    unhcr_roles: list[str] = field(default_factory=list)
    partnership: str = ""
    systems: list[str] = field(default_factory=list)
    findings: list[Diagnostic] = field(default_factory=list)
    signed: str | None = None  # the date it signed ("" if the entry has none); None: not signed

    @property
    def type_name(self) -> str:
        return _(PARTY_TYPE_NAMES[self.type]) if self.type in PARTY_TYPE_NAMES else self.type

    @property
    def listed(self) -> bool:
        """A party of the protocol (not only named by a sharing rule or an export)."""
        return self.type != UNLISTED


@dataclass
class Flow:
    """One edge of the map: a sharing rule of the protocol (key ``S1``...) or an export (``X1``...)."""

    key: str
    kind: str  # "rule" | "export"
    id: str
    source: str
    target: str
    purpose: str
    purpose_name: str
    unhcr_role: str
    level: str
    categories: list[Category]
    path: str
    line: int
    fields: list[tuple[str, Category | None]] = field(default_factory=list)  # exports only
    details: dict[str, str] = field(default_factory=dict)  # basis, channel, system, sharing rule...
    findings: list[Diagnostic] = field(default_factory=list)
    outside: bool = False  # it sends or receives outside the protocol: an end is not one of its parties

    @property
    def sensitivity(self) -> str:
        ranked = max((SENSITIVITY_RANK[c.sensitivity] for c in self.categories), default=-1)
        return SENSITIVITIES[ranked] if ranked >= 0 else UNKNOWN

    @property
    def flagged(self) -> bool:
        return self.outside or any(d.family in FLAG_FAMILIES for d in self.findings)


@dataclass
class RoleRow:
    role_id: str
    role_name: str
    holder: dict | None  # None: a role the standard requires that nobody holds
    backup: dict | None
    confirmed: datetime.date | None
    trained: datetime.date | None
    stale: bool
    training_expected: bool
    backup_required: bool
    findings: list[Diagnostic] = field(default_factory=list)


@dataclass
class AnnexCItem:
    id: str
    title: str
    entry: Any  # the protocol's entry for this requirement; None when it has none
    findings: list[Diagnostic] = field(default_factory=list)


@dataclass
class PartnerAnnexC:
    party: Party
    listed: bool  # named in annex_c.applies_to
    met: list[str]
    not_met: list[str]
    missing: list[str]


@dataclass
class Risk:
    dpia: str
    id: str
    entry: Any  # the risk mapping as written
    findings: list[Diagnostic] = field(default_factory=list)


@dataclass
class Protocol:
    """Everything the report shows about one DPISP."""

    dpisp: DPISP
    parties: list[Party]
    flows: list[Flow]
    roles: list[RoleRow]
    stale_after_days: int
    annex_c_partners: list[PartnerAnnexC]
    annex_c_items: list[AnnexCItem]
    annex_c_findings: list[Diagnostic]
    dpias: list[DPIA]
    risks: dict[str, list[Risk]]  # residual level -> risks
    dpia_findings: list[Diagnostic]

    @property
    def exports(self) -> list[Flow]:
        return [f for f in self.flows if f.kind == "export"]


@dataclass
class Picture:
    protocols: list[Protocol]
    loose_exports: list[Flow]  # exports whose DPISP is not among the documents
    loose_dpias: list[DPIA]
    findings: list[Diagnostic]  # every active finding, in output order
    suppressed: list[Diagnostic]


class _Findings:
    """The run's active findings indexed by document (file and id), queried by YAML path prefix."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.by_doc: dict[tuple[str, str], list[tuple[list[tuple[str, str]], Diagnostic]]] = {}
        for diag in diagnostics:
            loc = diag.location
            try:
                steps = parse_yaml_path(loc.yaml_path) if loc.yaml_path else []
            except ValueError:
                steps = []
            self.by_doc.setdefault((loc.path, loc.doc_id), []).append((steps, diag))

    def at(self, doc: Document, *prefix: tuple[str, str], exact: bool = False) -> list[Diagnostic]:
        """Findings in ``doc`` whose YAML path starts with the steps ``prefix`` (or is ``prefix``)."""
        n = len(prefix)
        return [d for steps, d in self.by_doc.get((doc.path, doc.id), [])
                if tuple(steps[:n]) == prefix and (not exact or len(steps) == n)]


def _category(pack: Pack | None, category_id: str) -> Category:
    entry = pack.categories.get(category_id) if pack else None
    if entry is None:
        return Category(category_id, "", UNKNOWN, None)
    return Category(category_id, pack.text("categories", category_id, "name"), entry.get("sensitivity") or UNKNOWN,
                    entry.get("identifiable"))


def _unique(values) -> list:
    return list(dict.fromkeys(v for v in values if v))


def _purpose_name(pack: Pack | None, purpose: str) -> str:
    return pack.text("purposes", purpose, "name") if pack and purpose in pack.purposes else ""


def safe_text(container: Any, key: Any, words: frozenset[str] = frozenset()) -> str:
    """A document value as the report may show it (contract 5.5): ids, dates, numbers, enums and the
    pack's words as they are, any other text by position and length; a mapping key by key."""
    if isinstance(container, list):  # an item of a list, by its index
        value, at = container[key], (container.item_pos[key] if hasattr(container, "item_pos") else None)
    else:
        value, at = container.get(key), getattr(container, "value_pos", {}).get(key)
    if isinstance(value, dict):
        parts = [f"{shown(k, quote=False)}: {shown(v, getattr(value, 'value_pos', {}).get(k), quote=False)}"
                 for k, v in value.items()]
        return plain("; ".join(parts))
    return plain(shown(value, at, vocabulary=words, quote=False))


def _person(person: Any, words: frozenset[str]) -> Any:
    """A role holder as the report shows them: by title (when the pack's words make it) and agency,
    never by name."""
    if not isinstance(person, dict):
        return person
    return {"title": safe_text(person, "title", words) if person.get("title") else None, "party": person.get("party")}


def _rule_flow(number: int, rule: Any, dpisp: DPISP, pack: Pack | None, findings: _Findings) -> Flow:
    categories = [_category(pack, c) for c in _unique(rule.get("categories") or [])]
    details = {_(DETAIL_WORDS[k]): safe_text(rule, k) for k in ("basis", "channel", "justification") if rule.get(k)}
    if "onward_sharing" in rule:
        details[_("onward sharing")] = _("yes") if rule["onward_sharing"] else _("no")
    return Flow(
        key=f"S{number}", kind="rule", id=rule["id"], source=rule["from"], target=rule["to"],
        purpose=rule["purpose"], purpose_name=_purpose_name(pack, rule["purpose"]),
        unhcr_role=rule.get("unhcr_role") or "", level=rule.get("level") or "individual",
        categories=categories, path=dpisp.path, line=rule.line, details=details,
        findings=findings.at(dpisp, ("key", "sharing"), ("item", rule["id"])))


def _export_flow(number: int, export: DataExport, pack: Pack, findings: _Findings) -> Flow:
    fields = [(safe_text({"name": f.name}, "name"), _category(pack, f.category) if f.category else None)
              for f in export_fields(export, pack)]
    categories = list({c.id: c for _, c in fields if c is not None}.values())
    transport = export.get("transport") or {}
    details = {_("system"): str(export.get("system"))}
    if export.get("sharing_rule"):
        details[_("relies on sharing rule")] = export.get("sharing_rule")
    details[_("encrypted in transit")] = _("yes") if transport.get("encrypted") else _("no")
    if transport.get("method"):
        details[_("method")] = safe_text(transport, "method")
    if export.get("min_cell_size") is not None:
        details[_("smallest cell")] = str(export.get("min_cell_size"))
    if export.get("schedule"):
        details[_("schedule")] = safe_text(export.body, "schedule")
    return Flow(
        key=f"X{number}", kind="export", id=export.id, source=export.get("owner"), target=export.get("recipient"),
        purpose=export.get("purpose"), purpose_name=_purpose_name(pack, export.get("purpose")),
        unhcr_role="", level=export.get("level") or "", categories=categories, path=export.path,
        line=export.body.line, fields=fields, details=details, findings=findings.at(export))


def _party(entry: Any, findings: list[Diagnostic], signed: dict[str, str]) -> Party:
    return Party(entry["id"], entry.get("name") or entry["id"], entry.get("type") or UNLISTED,
                 list(entry.get("unhcr_roles") or []), entry.get("unhcr_partnership") or "",
                 list(entry.get("systems") or []), findings, signed.get(entry["id"]))


def _roles(dpisp: DPISP, pack: Pack | None, today: datetime.date, stale_after: int, findings: _Findings) -> list[RoleRow]:
    roles = dpisp.roles
    pack_roles = pack.roles if pack else {}
    required = [r["id"] for r in required_roles(pack, dpisp.setting, list(dpisp.parties.values()))[0]] if pack else []
    rows: list[RoleRow] = []
    for role_id in _unique([*roles, *required]):
        spec = pack_roles.get(role_id) or {}
        name = spec.get("name") or ""
        expected = spec.get("training") == "expected"
        backup = spec.get("backup") in ("required", "same_party")
        where = (("key", "roles"), ("key", role_id))
        assignment = roles.get(role_id)
        if assignment is None:
            rows.append(RoleRow(role_id, name, None, None, None, None, False, expected, backup,
                                findings.at(dpisp, *where)))
            continue
        listed = isinstance(assignment, list)
        for index, entry in enumerate(assignment if listed else [assignment]):
            if not isinstance(entry, dict):
                continue
            confirmed = Project.date(entry.get("confirmed"))
            stale = confirmed is None or (today - confirmed).days > stale_after
            own = (findings.at(dpisp, *where, exact=True) + findings.at(dpisp, *where, ("item", str(index)))
                   if listed else findings.at(dpisp, *where))
            words = pack_words(pack) if pack else frozenset()
            rows.append(RoleRow(role_id, name, _person(entry.get("holder"), words), _person(entry.get("backup"), words),
                                confirmed,
                                Project.date(entry.get("trained")), stale, expected, backup, own))
    return rows


def _annex_c(dpisp: DPISP, parties: list[Party], pack: Pack | None, findings: _Findings):
    annex = dpisp.get("annex_c") or {}
    applies_to = list(annex.get("applies_to") or [])
    titles = {rid: pack.text("obligations", rid, "title") for rid in (pack.annex_c if pack else {})}
    items = [AnnexCItem(rid, titles.get(rid, ""), annex.get(rid),
                        findings.at(dpisp, ("key", "annex_c"), ("key", rid)))
             for rid in _unique([*titles, *(k for k in annex if k != "applies_to")])]
    met = [i.id for i in items if isinstance(i.entry, dict) and i.entry.get("met") is True]
    not_met = [i.id for i in items if isinstance(i.entry, dict) and i.entry.get("met") is not True]
    missing = [i.id for i in items if not isinstance(i.entry, dict)]
    by_id = {p.id: p for p in parties}
    partner_ids = _unique([*(p.id for p in parties if p.partnership == "implementing_partner"), *applies_to])
    partners = []
    for pid in partner_ids:
        party = by_id.get(pid) or Party(pid, pid, UNLISTED)
        listed = pid in applies_to
        partners.append(PartnerAnnexC(party, listed, met if listed else [], not_met if listed else [],
                                      missing if listed else [i.id for i in items]))
    return partners, items


def _protocol(dpisp: DPISP, project: Project, pack: Pack | None, findings: _Findings) -> Protocol:
    signed = signatures(dpisp.body)
    parties = [_party(p, findings.at(dpisp, ("key", "parties"), ("item", pid)), signed)
               for pid, p in dpisp.parties.items()]
    flows = [_rule_flow(n, rule, dpisp, pack, findings) for n, rule in enumerate(dpisp.sharing_rules.values(), 1)]
    flows += [_export_flow(n, e, pack, findings) for n, e in enumerate(project.exports_of(dpisp), 1)]
    known = {p.id for p in parties}
    for pid in _unique(end for flow in flows for end in (flow.source, flow.target)):
        if pid not in known:
            parties.append(Party(pid, pid, UNLISTED))
            known.add(pid)
    for flow in flows:
        flow.outside = not (flow.source in dpisp.parties and flow.target in dpisp.parties)
    stale_after = int(pack.threshold("role_confirmation_stale_days", 180)) if pack else 180
    partners, items = _annex_c(dpisp, parties, pack, findings)
    dpias = project.dpias_of(dpisp)
    risks: dict[str, list[Risk]] = {level: [] for level in RESIDUAL_LEVELS}
    for dpia in dpias:
        for rid, entry in dpia.risks.items():
            risks[entry["residual"]].append(
                Risk(dpia.id, rid, entry, findings.at(dpia, ("key", "risks"), ("item", rid))))
    return Protocol(
        dpisp=dpisp, parties=parties, flows=flows,
        roles=_roles(dpisp, pack, project.today, stale_after, findings), stale_after_days=stale_after,
        annex_c_partners=partners, annex_c_items=items,
        annex_c_findings=[d for d in findings.at(dpisp) if d.family == "ANNEXC"],
        dpias=dpias, risks=risks,
        dpia_findings=[d for dpia in dpias for d in findings.at(dpia)])


def build(result) -> Picture:
    """The picture of a finished run (a :class:`~im4cm_lint.engine.RunResult`)."""
    active = [d for d in result.diagnostics if not d.suppression]
    findings = _Findings(active)
    project: Project = result.project or Project([])
    protocols = [_protocol(d, project, result.pack, findings) for _, d in sorted(project.dpisps.items())]
    loose = [e for e in project.exports if e.dpisp_id not in project.dpisps]
    return Picture(
        protocols=protocols,
        loose_exports=[_export_flow(n, e, result.pack, findings) for n, e in enumerate(loose, 1)],
        loose_dpias=[d for d in project.dpias if d.dpisp_id not in project.dpisps],
        findings=active,
        suppressed=[d for d in result.diagnostics if d.suppression])
