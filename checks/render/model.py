"""The protocol as the parties sign it: what each page says, built once from the DPISP, its DPIA and
the policy pack, then written as HTML or DOCX and read back by ``verify``.

The order is the inter-agency template's: cover, clauses in the pack's section order, the
data-points and sharing annex, the focal points annex, Annex C, the DPIA summary, the signature
page. The fingerprint ties every page to the YAML it was rendered from: the sha256 of the
protocol's content in canonical YAML (keys sorted, comments, order of keys and quoting ignored),
so a re-wrapped comment does not change it and any changed word does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import yaml

from im4cm_lint.i18n import N_, _
from im4cm_lint.model import DPIA, DPISP, Project
from im4cm_lint.pack import Pack
from im4cm_lint.yamltree import YMap

from im4cm_lint_checks.domain.clauses import normalise, released_texts
from im4cm_lint_checks.domain.parties import signatures
from im4cm_lint_checks.domain.roles import assignments
from im4cm_lint_checks.report.picture import PARTY_TYPE_NAMES

FINGERPRINT_CHARS = 16  # hex digits shown: 64 bits, enough to tell versions of one protocol apart
# The English of every text below; the page shows it in the chosen language (``_``).
TITLE = N_("Data Protection and Information Sharing Protocol")
BASES = {"consent": N_("consent"), "best_interests": N_("best interests of the child"),
         "vital_interests": N_("vital interests"), "legal_obligation": N_("legal obligation"),
         "public_interest": N_("public interest")}
STATUSES = {"draft": N_("Draft"), "in_review": N_("In review"), "signed": N_("Signed"), "in_force": N_("In force"),
            "expired": N_("Expired")}
# Headings that verify looks for in a signed copy's text (in English or in the language verify
# runs in): change them and old copies stop verifying.
SHARING_HEADING = N_("Annex A. Data points and sharing")
FOCAL_HEADING = N_("Annex B. Focal points")
ANNEX_C_HEADING = N_("Annex C. UNHCR data protection obligations of implementing partners")
DPIA_HEADING = N_("Annex D. Summary of the data protection impact assessment")
SIGNATURE_HEADING = N_("Signatures")
SHARING_COLUMNS = (N_("Rule"), N_("From"), N_("To"), N_("Purpose"), N_("Basis"), N_("Categories (sensitivity)"),
                   N_("Channel"), N_("UNHCR capacity"))
REVIEW_BY = N_("Review by")
FINGERPRINT_LABEL = N_("Content fingerprint")


def plain(value: Any) -> Any:
    """A positioned YAML value as plain dicts, lists and scalars (what the canonical form dumps)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def canonical_yaml(body: YMap) -> bytes:
    """The protocol's content as canonical YAML bytes: keys sorted, block style, UTF-8."""
    text = yaml.safe_dump(plain(body), sort_keys=True, allow_unicode=True, default_flow_style=False,
                          width=1 << 16)
    return text.encode("utf-8")


def fingerprint(body: YMap) -> str:
    """``sha256:`` and the first hex digits of the sha256 of the canonical YAML."""
    return "sha256:" + hashlib.sha256(canonical_yaml(body)).hexdigest()[:FINGERPRINT_CHARS]


@dataclass
class Clause:
    number: int
    id: str
    title: str
    locked: bool
    marker: str  # the visible line under the heading: locked or adaptable, and against which text
    paragraphs: list[str]
    changed: bool = False  # locked, but not word for word a released text of the standard

    @property
    def text(self) -> str:
        return " ".join(self.paragraphs)


@dataclass
class SharingRow:
    id: str
    source: str
    recipient: str
    purpose: str
    basis: str
    categories: list[tuple[str, str]]  # (category id, sensitivity)
    channel: str
    unhcr_capacity: str

    def cells(self) -> list[str]:
        """The row's cells as text, in the order of SHARING_COLUMNS."""
        categories = "\n".join(f"{cid} ({sensitivity})" for cid, sensitivity in self.categories)
        return [f"[{self.id}]", self.source, self.recipient, self.purpose, self.basis, categories, self.channel,
                self.unhcr_capacity]


@dataclass
class FocalPoint:
    role: str
    agency: str
    position: str
    name: str | None  # only when the protocol says to print names
    backup_position: str
    backup_name: str | None


@dataclass
class Signature:
    party: str
    agency_type: str
    title: str
    name: str | None
    signed: str | None


@dataclass
class Signable:
    """Everything the signed document says, in the order it says it."""

    id: str
    version: str
    status: str
    operation: str
    country: str
    setting: str
    template: str
    pack_ref: str
    fingerprint: str
    dates: list[tuple[str, str]]  # (label, ISO date) for the cover
    parties: list[tuple[str, str, str]]  # (id, name, type words)
    clauses: list[Clause]
    sharing: list[SharingRow]
    focal_points: list[FocalPoint]
    names_printed: bool
    annex_c_parties: list[str]
    annex_c: list[tuple[str, str, str, str]]  # (requirement, met, reference, detail)
    dpia: dict[str, Any] | None
    signatures: list[Signature]
    notes: list[str] = field(default_factory=list)  # what the renderer left out, and why

    def cover_rows(self) -> list[tuple[str, str]]:
        return [(_("Operation"), self.operation), (_("Country"), self.country), (_("Setting"), self.setting),
                (_("Protocol"), self.id), (_("Version"), self.version), (_("Status"), self.status), *self.dates,
                (_("Template"), self.template), (_("Checked against"), self.pack_ref),
                (_(FINGERPRINT_LABEL), self.fingerprint)]

    def focal_table(self) -> tuple[list[str], list[list[str]]]:
        """(head, rows) of the focal points annex: names only in the columns the protocol allows."""
        names = self.names_printed
        head = [_("Role"), _("Agency"), _("Position"), *([_("Name")] if names else []), _("Backup position"),
                *([_("Backup name")] if names else [])]
        rows = [[p.role, p.agency, p.position, *([p.name or ""] if names else []), p.backup_position,
                 *([p.backup_name or ""] if names else [])] for p in self.focal_points]
        return head, rows

    def dpia_facts(self) -> list[tuple[str, str]]:
        return [(_(label), self.dpia[key]) for key, label in (("version", N_("version")), ("status", N_("status")),
                ("completed", N_("completed")), ("review_by", N_("review by"))) if self.dpia and self.dpia[key]]

    def dpia_table(self) -> tuple[list[str], list[list[str]]]:
        head = [_("Risk"), _("Description"), _("Before mitigation"), _("Mitigations"), _("Owner"), _("Residual risk")]
        rows = [[r["id"], r["description"], r["before"], str(r["mitigations"]), r["owner"], r["residual"]]
                for r in (self.dpia or {}).get("risks", [])]
        return head, rows

    @property
    def running_head(self) -> str:
        """The line on every page: which protocol, which version, rendered from which content."""
        return f"Protocol {self.id} · version {self.version} · {self.fingerprint}"


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _paragraphs(text: Any) -> list[str]:
    """A clause's text as paragraphs: blank lines separate them, line wraps inside do not count."""
    paragraphs, current = [], []
    for line in str(text or "").splitlines():
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(normalise(" ".join(current)))
            current = []
    if current:
        paragraphs.append(normalise(" ".join(current)))
    return paragraphs


def _clause(number: int, clause: YMap, pack: Pack) -> Clause:
    clause_id = clause["id"]
    canon = pack.clauses.get(clause_id)
    title = _text(clause.get("title") or (canon or {}).get("title") or clause_id)
    paragraphs = _paragraphs(clause.get("text"))
    pack_locked = canon is not None and canon.get("locked") is True
    locked = pack_locked or clause.get("locked") is True
    texts = released_texts(pack, canon) if pack_locked else []
    mine = normalise(" ".join(paragraphs))
    same = next((ref for ref, text in texts if normalise(text) == mine), None)
    changed = False
    if not locked:
        what = _("ADAPTABLE TEXT · written by this operation") if canon is not None \
            else _("LOCAL CLAUSE · not a clause of {pack}").format(pack=pack.ref)
    elif not pack_locked:
        what = _("LOCKED TEXT · locked by this protocol")
    elif same == texts[0][0]:
        what = _("LOCKED LEGAL TEXT · {release}, word for word").format(release=same)
    elif same:
        what = _("LOCKED LEGAL TEXT · {release}, an older release than {latest}").format(release=same,
                                                                                         latest=texts[0][0])
    else:
        changed = True
        what = _("LOCKED LEGAL TEXT, CHANGED · differs from {release}").format(
            release=texts[0][0] if texts else pack.ref)
    marker = what + " · " + _("clause") + f" [{clause_id}]"
    return Clause(number, clause_id, title, locked, marker, paragraphs, changed)


def _clauses(dpisp: DPISP, pack: Pack) -> list[Clause]:
    """The clauses in the template's order (the pack's sections); clauses the pack does not know
    keep their place after the known ones."""
    order = {clause_id: position for position, clause_id in enumerate(pack.clauses)}
    listed = [c for c in (dpisp.get("clauses") or []) if isinstance(c, YMap) and isinstance(c.get("id"), str)]
    ordered = sorted(enumerate(listed), key=lambda item: (order.get(item[1]["id"], len(order)), item[0]))
    return [_clause(number, clause, pack) for number, (_, clause) in enumerate(ordered, 1)]


def _party_name(dpisp: DPISP, party_id: Any) -> str:
    party = dpisp.parties.get(party_id) if isinstance(party_id, str) else None
    return _text(party.get("name")) if party else _("{party} (not a party of this protocol)").format(party=party_id)


def _sharing(dpisp: DPISP, pack: Pack) -> list[SharingRow]:
    rows = []
    for rule in dpisp.sharing_rules.values():
        purpose = pack.purposes.get(rule.get("purpose"))
        categories = []
        for category in rule.get("categories") or []:
            known = pack.categories.get(category) if isinstance(category, str) else None
            categories.append((str(category), str(known.get("sensitivity")) if known else _("not in the standard")))
        capacity = rule.get("unhcr_role")
        rows.append(SharingRow(
            rule["id"], _party_name(dpisp, rule.get("from")), _party_name(dpisp, rule.get("to")),
            f"{pack.text('purposes', rule.get('purpose'), 'name')} ({rule.get('purpose')})" if purpose
            else _text(rule.get("purpose")),
            (_(BASES[rule.get("basis")]) if rule.get("basis") in BASES else _text(rule.get("basis"))) + (
                ", " + _("{level} data").format(level=rule.get("level")) if rule.get("level") else ""),
            categories, _text(rule.get("channel")) or _("not stated"),
            str(capacity).replace("_", " ") if capacity else _("not applicable")))
    return rows


def _focal_points(dpisp: DPISP, pack: Pack, names: bool) -> list[FocalPoint]:
    order = {role_id: position for position, role_id in enumerate(pack.roles)}
    found = sorted(assignments(dpisp), key=lambda item: order.get(item[0], len(order)))
    points = []
    for role_id, entry in found:
        role = pack.roles.get(role_id)
        holder, backup = entry["holder"], entry.get("backup")
        backup = backup if isinstance(backup, YMap) else None
        points.append(FocalPoint(
            _text(pack.text("roles", role_id, "name")) if role else role_id, _party_name(dpisp, holder.get("party")),
            _text(holder.get("title")) or _("position not stated"), _text(holder.get("name")) if names else None,
            (_text(backup.get("title")) or _("position not stated")) if backup else _("no backup"),
            _text(backup.get("name")) if backup and names else None))
    return points


def _annex_c(dpisp: DPISP, pack: Pack) -> tuple[list[str], list[tuple[str, str, str, str]]]:
    annex = dpisp.get("annex_c")
    if not isinstance(annex, YMap):
        return [], []
    applies = [_party_name(dpisp, pid) for pid in annex.get("applies_to") or []]
    rows = []
    for requirement_id, requirement in pack.annex_c.items():
        entry = annex.get(requirement_id)
        if not isinstance(entry, YMap):
            rows.append((_text(pack.text("obligations", requirement_id, "title") or requirement_id), _("not stated"), "", ""))
            continue
        detail = []
        if entry.get("hours") is not None:
            detail.append(_("within {hours} hours").format(hours=entry["hours"]))
        if entry.get("days") is not None:
            detail.append(_("{days} days").format(days=entry["days"]))
        if entry.get("notify"):
            detail.append(_("notify: {who}").format(who=_text(entry["notify"])))
        rows.append((_text(pack.text("obligations", requirement_id, "title") or requirement_id), _("yes") if entry.get("met") is True else _("no"),
                     _text(entry.get("reference")), "; ".join(detail)))
    return applies, rows


def _dpia(dpias: list[DPIA], pack: Pack) -> dict[str, Any] | None:
    if not dpias:
        return None
    dpia = sorted(dpias, key=lambda d: d.id)[0]
    meta = dpia.metadata
    risks = []
    for risk in dpia.risks.values():
        owner = pack.roles.get(risk.get("owner")) if isinstance(risk.get("owner"), str) else None
        risks.append({"id": risk["id"], "description": _text(risk.get("description")),
                      "before": _("{likelihood} likelihood, {impact} impact").format(
                          likelihood=risk.get("likelihood") or "?", impact=risk.get("impact") or "?"),
                      "mitigations": len(risk.get("mitigations") or []),
                      "owner": _text(owner.get("name")) if owner else _text(risk.get("owner")) or _("no owner"),
                      "residual": _text(risk.get("residual")) or _("not assessed")})
    processing = [_text(p.get("id")) for p in dpia.get("processing") or [] if isinstance(p, YMap)]
    return {"id": dpia.id, "version": _text(meta.get("version")), "status": _text(meta.get("status")),
            "completed": _text(meta.get("completed")), "review_by": _text(meta.get("review_by")),
            "processing": processing, "risks": risks}


def _party_type(kind: Any) -> str:
    return _(PARTY_TYPE_NAMES[kind]) if kind in PARTY_TYPE_NAMES else _text(kind)


def _signatures(dpisp: DPISP, names: bool) -> list[Signature]:
    who_signed = signatures(dpisp.body)
    signed = {s.get("party"): s for s in dpisp.get("signatures") or [] if isinstance(s, YMap)}
    signatories = {entry["holder"].get("party"): entry["holder"] for role_id, entry in assignments(dpisp)
                   if role_id == "signatory"}
    blocks = []
    for party_id, party in dpisp.parties.items():
        record = signed.get(party_id)
        by = record.get("by") if record is not None and isinstance(record.get("by"), YMap) else None
        person = by or signatories.get(party_id)
        blocks.append(Signature(
            _text(party.get("name")), _party_type(party.get("type")),
            _text(person.get("title")) if person else "",
            _text(person.get("name")) if person and names else None,
            who_signed.get(party_id) or None))
    return blocks


def build(dpisp: DPISP, project: Project, pack: Pack) -> Signable:
    """The signable document of one protocol."""
    meta = dpisp.metadata
    names = meta.get("print_names") is True
    applies, annex_rows = _annex_c(dpisp, pack)
    dates = [(_(label), _text(meta.get(key))) for key, label in
             (("drafted", N_("Drafted")), ("effective", N_("Effective")), ("review_by", REVIEW_BY)) if meta.get(key)]
    notes = [] if names else [_("People's names are not printed (positions and agencies only); set "
                                "'metadata.print_names: true' in the protocol to print them.")]
    return Signable(
        id=dpisp.id, version=_text(meta.get("version")),
        status=_(STATUSES[dpisp.status]) if dpisp.status in STATUSES else _text(dpisp.status),
        operation=_text(meta.get("operation")), country=_text(meta.get("country")), setting=_text(meta.get("setting")),
        template=_text(meta.get("template")), pack_ref=pack.ref, fingerprint=fingerprint(dpisp.body), dates=dates,
        parties=[(pid, _text(p.get("name")), _party_type(p.get("type")))
                 for pid, p in dpisp.parties.items()],
        clauses=_clauses(dpisp, pack), sharing=_sharing(dpisp, pack), focal_points=_focal_points(dpisp, pack, names),
        names_printed=names, annex_c_parties=applies, annex_c=annex_rows, dpia=_dpia(project.dpias_of(dpisp), pack),
        signatures=_signatures(dpisp, names), notes=notes)


def protocol_dates(signable: Signable) -> tuple[str | None, str | None]:
    """(first, last) ISO date the protocol records: when it was drafted and its latest event
    (a signature or the day it took effect; never the planned review)."""
    recorded = [d for label, d in signable.dates if label != _(REVIEW_BY)] + [
        s.signed for s in signable.signatures if s.signed]
    valid = sorted(d for d in recorded if Project.date(d))
    return (valid[0], valid[-1]) if valid else (None, None)

