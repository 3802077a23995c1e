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

from im4cm_lint.model import DPIA, DPISP, Project
from im4cm_lint.pack import Pack
from im4cm_lint.yamltree import YMap

from im4cm_lint_checks.domain.clauses import normalise, released_texts
from im4cm_lint_checks.domain.parties import signatures
from im4cm_lint_checks.domain.roles import assignments
from im4cm_lint_checks.report.picture import PARTY_TYPE_NAMES

FINGERPRINT_CHARS = 16  # hex digits shown: 64 bits, enough to tell versions of one protocol apart
TITLE = "Data Protection and Information Sharing Protocol"
BASES = {"consent": "consent", "best_interests": "best interests of the child",
         "vital_interests": "vital interests", "legal_obligation": "legal obligation",
         "public_interest": "public interest"}
STATUSES = {"draft": "Draft", "in_review": "In review", "signed": "Signed", "in_force": "In force",
            "expired": "Expired"}
# Headings that verify looks for in a signed copy's text: change them and old copies stop verifying.
SHARING_HEADING = "Annex A. Data points and sharing"
FOCAL_HEADING = "Annex B. Focal points"
ANNEX_C_HEADING = "Annex C. UNHCR data protection obligations of implementing partners"
DPIA_HEADING = "Annex D. Summary of the data protection impact assessment"
SIGNATURE_HEADING = "Signatures"
SHARING_COLUMNS = ("Rule", "From", "To", "Purpose", "Basis", "Categories (sensitivity)", "Channel",
                   "UNHCR capacity")


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
        return [("Operation", self.operation), ("Country", self.country), ("Setting", self.setting),
                ("Protocol", self.id), ("Version", self.version), ("Status", self.status), *self.dates,
                ("Template", self.template), ("Checked against", self.pack_ref), ("Content fingerprint", self.fingerprint)]

    def focal_table(self) -> tuple[list[str], list[list[str]]]:
        """(head, rows) of the focal points annex: names only in the columns the protocol allows."""
        names = self.names_printed
        head = ["Role", "Agency", "Position", *(["Name"] if names else []), "Backup position",
                *(["Backup name"] if names else [])]
        rows = [[p.role, p.agency, p.position, *([p.name or ""] if names else []), p.backup_position,
                 *([p.backup_name or ""] if names else [])] for p in self.focal_points]
        return head, rows

    def dpia_facts(self) -> list[tuple[str, str]]:
        return [(label, self.dpia[key]) for key, label in (("version", "version"), ("status", "status"),
                ("completed", "completed"), ("review_by", "review by")) if self.dpia and self.dpia[key]]

    def dpia_table(self) -> tuple[list[str], list[list[str]]]:
        head = ["Risk", "Description", "Before mitigation", "Mitigations", "Owner", "Residual risk"]
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
        what = "ADAPTABLE TEXT · written by this operation" if canon is not None \
            else f"LOCAL CLAUSE · not a clause of {pack.ref}"
    elif not pack_locked:
        what = "LOCKED TEXT · locked by this protocol"
    elif same == texts[0][0]:
        what = f"LOCKED LEGAL TEXT · {same}, word for word"
    elif same:
        what = f"LOCKED LEGAL TEXT · {same}, an older release than {texts[0][0]}"
    else:
        changed = True
        what = f"LOCKED LEGAL TEXT, CHANGED · differs from {texts[0][0] if texts else pack.ref}"
    return Clause(number, clause_id, title, locked, f"{what} · clause [{clause_id}]", paragraphs, changed)


def _clauses(dpisp: DPISP, pack: Pack) -> list[Clause]:
    """The clauses in the template's order (the pack's sections); clauses the pack does not know
    keep their place after the known ones."""
    order = {clause_id: position for position, clause_id in enumerate(pack.clauses)}
    listed = [c for c in (dpisp.get("clauses") or []) if isinstance(c, YMap) and isinstance(c.get("id"), str)]
    ordered = sorted(enumerate(listed), key=lambda item: (order.get(item[1]["id"], len(order)), item[0]))
    return [_clause(number, clause, pack) for number, (_, clause) in enumerate(ordered, 1)]


def _party_name(dpisp: DPISP, party_id: Any) -> str:
    party = dpisp.parties.get(party_id) if isinstance(party_id, str) else None
    return _text(party.get("name")) if party else f"{party_id} (not a party of this protocol)"


def _sharing(dpisp: DPISP, pack: Pack) -> list[SharingRow]:
    rows = []
    for rule in dpisp.sharing_rules.values():
        purpose = pack.purposes.get(rule.get("purpose"))
        categories = []
        for category in rule.get("categories") or []:
            known = pack.categories.get(category) if isinstance(category, str) else None
            categories.append((str(category), str(known.get("sensitivity")) if known else "not in the standard"))
        capacity = rule.get("unhcr_role")
        rows.append(SharingRow(
            rule["id"], _party_name(dpisp, rule.get("from")), _party_name(dpisp, rule.get("to")),
            f"{purpose.get('name')} ({rule.get('purpose')})" if purpose else _text(rule.get("purpose")),
            BASES.get(rule.get("basis"), _text(rule.get("basis"))) + (
                f", {rule.get('level')} data" if rule.get("level") else ""),
            categories, _text(rule.get("channel")) or "not stated",
            str(capacity).replace("_", " ") if capacity else "not applicable"))
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
            _text(role.get("name")) if role else role_id, _party_name(dpisp, holder.get("party")),
            _text(holder.get("title")) or "position not stated", _text(holder.get("name")) if names else None,
            (_text(backup.get("title")) or "position not stated") if backup else "no backup",
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
            rows.append((_text(requirement.get("title") or requirement_id), "not stated", "", ""))
            continue
        detail = []
        if entry.get("hours") is not None:
            detail.append(f"within {entry['hours']} hours")
        if entry.get("days") is not None:
            detail.append(f"{entry['days']} days")
        if entry.get("notify"):
            detail.append(f"notify: {_text(entry['notify'])}")
        rows.append((_text(requirement.get("title") or requirement_id), "yes" if entry.get("met") is True else "no",
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
                      "before": f"{risk.get('likelihood') or '?'} likelihood, {risk.get('impact') or '?'} impact",
                      "mitigations": len(risk.get("mitigations") or []),
                      "owner": _text(owner.get("name")) if owner else _text(risk.get("owner")) or "no owner",
                      "residual": _text(risk.get("residual")) or "not assessed"})
    processing = [_text(p.get("id")) for p in dpia.get("processing") or [] if isinstance(p, YMap)]
    return {"id": dpia.id, "version": _text(meta.get("version")), "status": _text(meta.get("status")),
            "completed": _text(meta.get("completed")), "review_by": _text(meta.get("review_by")),
            "processing": processing, "risks": risks}


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
            _text(party.get("name")), PARTY_TYPE_NAMES.get(party.get("type"), _text(party.get("type"))),
            _text(person.get("title")) if person else "",
            _text(person.get("name")) if person and names else None,
            who_signed.get(party_id) or None))
    return blocks


def build(dpisp: DPISP, project: Project, pack: Pack) -> Signable:
    """The signable document of one protocol."""
    meta = dpisp.metadata
    names = meta.get("print_names") is True
    applies, annex_rows = _annex_c(dpisp, pack)
    dates = [(label, _text(meta.get(key))) for key, label in
             (("drafted", "Drafted"), ("effective", "Effective"), ("review_by", "Review by")) if meta.get(key)]
    notes = [] if names else ["People's names are not printed (positions and agencies only); set "
                              "'metadata.print_names: true' in the protocol to print them."]
    return Signable(
        id=dpisp.id, version=_text(meta.get("version")), status=STATUSES.get(dpisp.status, _text(dpisp.status)),
        operation=_text(meta.get("operation")), country=_text(meta.get("country")), setting=_text(meta.get("setting")),
        template=_text(meta.get("template")), pack_ref=pack.ref, fingerprint=fingerprint(dpisp.body), dates=dates,
        parties=[(pid, _text(p.get("name")), PARTY_TYPE_NAMES.get(p.get("type"), _text(p.get("type"))))
                 for pid, p in dpisp.parties.items()],
        clauses=_clauses(dpisp, pack), sharing=_sharing(dpisp, pack), focal_points=_focal_points(dpisp, pack, names),
        names_printed=names, annex_c_parties=applies, annex_c=annex_rows, dpia=_dpia(project.dpias_of(dpisp), pack),
        signatures=_signatures(dpisp, names), notes=notes)


def protocol_dates(signable: Signable) -> tuple[str | None, str | None]:
    """(first, last) ISO date the protocol records: when it was drafted and its latest event
    (a signature or the day it took effect; never the planned review)."""
    recorded = [d for label, d in signable.dates if label != "Review by"] + [
        s.signed for s in signable.signatures if s.signed]
    valid = sorted(d for d in recorded if Project.date(d))
    return (valid[0], valid[-1]) if valid else (None, None)

