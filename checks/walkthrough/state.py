"""What each section of a document holds now, in plain words (ids only, never people's names), and
the run's findings placed in the section they are about.

The state describes the document; it never judges it. What is wrong comes from the run's
findings only, so the walkthrough and the lint cannot disagree. The one step added without a
finding is part of the drafting workflow that no rule judges: who still has to sign.
"""

from __future__ import annotations

from typing import Callable

from im4cm_lint.diagnostics import SEVERITY_RANK, Diagnostic
from im4cm_lint.i18n import N_, _, _n

from im4cm_lint_checks.browse import clause_texts, clause_translation
from im4cm_lint_checks.domain.clauses import matching_release, released_texts
from im4cm_lint_checks.domain.obligations import by_agreement, choices_words, meeting_clauses
from im4cm_lint_checks.domain.parties import is_unhcr
from im4cm_lint_checks.domain.roles import required_roles
from im4cm_lint_checks.walkthrough.sections import SPECS, Block, role_words, section_of


def _placeholders(pack, text) -> int:
    pattern = pack.placeholder if pack else None
    return len(pattern.findall(text)) if pattern is not None and isinstance(text, str) else 0


def _holders(assignment) -> list:
    return [a for a in (assignment if isinstance(assignment, list) else [assignment]) if isinstance(a, dict)]


# --- DPISP sections --------------------------------------------------------------------------------

def _cover(doc, pack, block: Block) -> None:
    meta = doc.metadata
    block.state.append(_("setting: {setting}; status: {status}; version: {version}", setting=meta.get("setting"),
                         status=meta.get("status"), version=meta.get("version")))
    template = meta.get("template")
    if pack and template != pack.ref:
        block.state.append(_("drafted from {template} (the current standard is {pack})", template=template, pack=pack.ref))
    else:
        block.state.append(_("drafted from {template}", template=template))
    block.state.append(_("effective: {effective}; review by: {review_by}", effective=meta.get("effective") or _("not set"),
                         review_by=meta.get("review_by") or _("not set")))


def _parties(doc, pack, block: Block) -> None:
    for party in doc.parties.values():
        notes = [str(party.get("type"))]
        if is_unhcr(party):
            notes.append(_("UNHCR, as {capacities}",
                           capacities=", ".join(party.get("unhcr_roles") or [_("(capacities not stated)")])))
        if party.get("unhcr_partnership") == "implementing_partner":
            notes.append(_("UNHCR implementing partner"))
        elif party.get("unhcr_partnership") == "operational_partner":
            notes.append(_("UNHCR operational partner"))
        block.state.append(_("{party}: {state}", party=party["id"], state="; ".join(notes)))


def _roles(doc, pack, block: Block) -> None:
    if pack is None:
        return
    parties = list(doc.parties.values())
    now, later = required_roles(pack, doc.setting, parties)
    for role in now:
        block.state.append(_role_line(role, doc.roles.get(role["id"]), parties, pack))
    for role in later:
        systems = ", ".join(role.get("requires_systems") or [])
        block.state.append(_("{role} ({role_id}): required once a party runs {systems}",
                             role=pack.text("roles", role["id"], "name"), role_id=role["id"], systems=systems))
    for role_id in sorted(set(doc.roles) - {r["id"] for r in now + later}):
        if role_id in pack.roles:
            block.state.append(_("{role_id}: assigned (optional)", role_id=role_id))
        else:
            block.state.append(_("{role_id}: assigned (not a role of the standard)", role_id=role_id))


def _role_line(role, assignment, parties, pack) -> str:
    label = f"{pack.text('roles', role['id'], 'name')} ({role['id']})"
    if assignment is None:
        return _("{role}: MISSING, nobody is named", role=label)
    entries = _holders(assignment)
    placeholders = sum(1 for a in entries for who in ("holder", "backup")
                       if isinstance(a.get(who), dict) and _placeholders(pack, a[who].get("name")))
    notes = [_holding(role, entries, parties)]
    if placeholders:
        notes.append(_n("{n} name still a placeholder", "{n} names still placeholders", placeholders))
    if role.get("backup") in ("required", "same_party") and any(not a.get("backup") for a in entries):
        notes.append(_("backup missing"))
    return _("{role}: {state}", role=label, state="; ".join(notes))


def _holding(role, entries: list, parties: list) -> str:
    """Where a role is held: at which party, or for a per-agency role, which agencies lack it."""
    if role.get("scope") != "party":
        holder = (entries[0].get("holder") or {}) if entries else {}
        return _("held at {party}", party=holder.get("party"))
    types = role.get("party_types") or []
    covered = {(a.get("holder") or {}).get("party") for a in entries}
    missing = [p["id"] for p in parties if (not types or p.get("type") in types) and p["id"] not in covered]
    return (_("one per agency; missing for {parties}", parties=", ".join(missing)) if missing
            else _("one per agency, all named"))


def _clauses(doc, pack, block: Block) -> None:
    if pack is None:
        return
    present = doc.clauses
    for clause in pack.clauses.values():
        block.children.append(_clause_block(clause, present.get(clause["id"]), pack))
    for clause_id, clause in present.items():
        if clause_id not in pack.clauses:
            child = Block(f"{clause_id}", _("A clause that is not in the standard's clause list."),
                          ref=_("clause {clause}", clause=clause_id), clause=clause_id,
                          tag="LOCKED" if clause.get("locked") else "ADAPTABLE")
            child.state.append(_("present; check that its id is right, or that the standard allows it"))
            block.children.append(child)


def _clause_block(clause, present, pack) -> Block:
    locked = bool(clause.get("locked")) or bool(present and present.get("locked") is True)
    number = f"{clause['section']}. " if clause.get("section") is not None else ""
    block = Block(f"{number}{pack.text('clauses', clause['id'], 'title')} ({clause['id']})",
                  pack.text("clauses", clause["id"], "guidance").strip(),
                  ref=_("clause {clause}", clause=clause["id"]), clause=clause["id"],
                  who=role_words(pack, clause.get("owner_role") or ""),
                  tag="LOCKED" if locked else "ADAPTABLE")
    translated = clause_translation(pack, clause) if locked else ""
    if translated:
        block.texts = clause_texts(pack, clause, translated)
    if present is None:
        block.state.append(_("MISSING from the protocol"))
    elif locked:
        block.state.append(_locked_state(pack, clause, present.get("text")))
    else:
        count = _placeholders(pack, present.get("text"))
        block.state.append(_n("{n} placeholder left to fill", "{n} placeholders left to fill", count) if count
                           else _("filled in"))
    return block


def _locked_state(pack, clause, text) -> str:
    """Which released text of the standard a locked clause holds, following the pack's lineage
    as the CLAUSE checks do (an extending pack keeps the standard's texts current)."""
    texts = released_texts(pack, clause)
    match = matching_release(pack, clause, text)
    if match is None:
        return _("the text differs from the standard's; locked text must stay word for word")
    version, current = match.rpartition("@")[2], texts[0][0].rpartition("@")[2]
    if match == texts[0][0]:
        return _("the standard's text of {version}, unchanged", version=version)
    return _("the text of {version}; the current standard is {current}", version=version, current=current)


def _sharing(doc, pack, block: Block) -> None:
    for rule in doc.sharing_rules.values():
        purpose = pack.purposes.get(rule.get("purpose")) if pack else None
        what = (f"{pack.text('purposes', rule['purpose'], 'name')} ({rule.get('purpose')})" if purpose
                else str(rule.get("purpose")))
        values = dict(rule=rule["id"], party=rule.get("from"), recipient=rule.get("to"), purpose=what,
                      basis=rule.get("basis"))
        count = len(rule.get("categories") or [])
        if rule.get("unhcr_role"):
            block.state.append(_n("{rule}: {party} -> {recipient} as {capacity}, {purpose}, basis {basis}, {n} category",
                                  "{rule}: {party} -> {recipient} as {capacity}, {purpose}, basis {basis}, {n} categories",
                                  count, capacity=rule["unhcr_role"], **values))
        else:
            block.state.append(_n("{rule}: {party} -> {recipient}, {purpose}, basis {basis}, {n} category",
                                  "{rule}: {party} -> {recipient}, {purpose}, basis {basis}, {n} categories",
                                  count, **values))
    if not doc.sharing_rules:
        block.state.append(_("no sharing rules yet"))


def _annex_c(doc, pack, block: Block) -> None:
    partners = [p["id"] for p in doc.parties.values() if p.get("unhcr_partnership") == "implementing_partner"]
    annex = doc.get("annex_c")
    if not partners and not annex:
        block.state.append(_("not needed: no party is a UNHCR implementing partner"))
        return
    block.state.append(_("implementing partners: {parties}", parties=", ".join(partners) or _("none")))
    if pack is None:
        return
    items = {k: v for k, v in (annex or {}).items() if k != "applies_to"}
    missing = [i for i in pack.annex_c if i not in items]
    unmet = [i for i in pack.annex_c if isinstance(items.get(i), dict) and not items[i].get("met")]
    block.state.append(_n("{met} of {n} obligation met", "{met} of {n} obligations met", len(pack.annex_c),
                          met=len(pack.annex_c) - len(missing) - len(unmet)))
    for requirement_id in unmet:
        block.state.append(_("not met yet: {obligation}; {where}", obligation=requirement_id,
                             where=_meeting(pack.annex_c[requirement_id], doc)))
    for requirement_id in missing:
        block.state.append(_("not addressed: {obligation}; {where}", obligation=requirement_id,
                             where=_meeting(pack.annex_c[requirement_id], doc)))


def _meeting(requirement, doc) -> str:
    """Where an obligation can be met: the clauses of this protocol that already meet it."""
    clauses = meeting_clauses(requirement, doc.clauses)
    where = (_n("clause of this protocol that meets it: {clauses}", "clauses of this protocol that meet it: {clauses}",
                len(clauses), clauses=", ".join(clauses))
             if clauses else choices_words(requirement, doc.clauses))
    return where + (_(" (or the partnership agreement)") if by_agreement(requirement) else "")


def _signatures(doc, pack, block: Block) -> None:
    signed = {s.get("party") for s in doc.get("signatures") or [] if isinstance(s, dict)}
    block.state.append(_("signed by: {parties}", parties=", ".join(sorted(p for p in signed if p)) or _("nobody yet")))
    unsigned = [p for p in doc.parties if p not in signed]
    if unsigned:
        block.state.append(_("not signed yet: {parties}", parties=", ".join(unsigned)))
        block.todo.append(_("have {parties} sign once the text is final", parties=", ".join(unsigned)))


# --- DPIA and DataExport sections ------------------------------------------------------------------

def _dpia_cover(doc, pack, block: Block) -> None:
    meta = doc.metadata
    block.state += [_("assesses DPISP {dpisp}; status: {status}", dpisp=meta.get("dpisp"), status=meta.get("status")),
                    _("completed: {completed}; review by: {review_by}", completed=meta.get("completed") or _("not set"),
                      review_by=meta.get("review_by") or _("not set"))]


def _risks(doc, pack, block: Block) -> None:
    block.state += [_("{risk}: likelihood {likelihood}, impact {impact}, residual {residual}, owner {role}",
                      risk=r["id"], likelihood=r.get("likelihood"), impact=r.get("impact"), residual=r.get("residual"),
                      role=r.get("owner") or _("none")) for r in doc.risks.values()] or [_("no risks yet")]


def _processing(doc, pack, block: Block) -> None:
    block.state += [str(a.get("id")) for a in doc.get("processing") or [] if isinstance(a, dict)] or [_("nothing yet")]


def _signoff(doc, pack, block: Block) -> None:
    signoff = [s.get("role") for s in doc.get("signoff") or [] if isinstance(s, dict)]
    block.state.append(_("signed off as: {roles}", roles=", ".join(map(str, signoff))) if signoff
                       else _("not signed off yet"))


def _export_cover(doc, pack, block: Block) -> None:
    block.state.append(_("relies on DPISP {dpisp}", dpisp=doc.metadata.get("dpisp")))


def _flow(doc, pack, block: Block) -> None:
    rule = doc.get("sharing_rule")
    values = dict(system=doc.get("system"), party=doc.get("owner"), recipient=doc.get("recipient"),
                  purpose=doc.get("purpose"), level=doc.get("level"))
    if rule:
        block.state.append(_("{system}: {party} -> {recipient}, purpose {purpose}, {level} level, under sharing rule {rule}",
                             rule=rule, **values))
    else:
        block.state.append(_("{system}: {party} -> {recipient}, purpose {purpose}, {level} level, no sharing rule named",
                             **values))


def _fields(doc, pack, block: Block) -> None:
    block.state.append(_n("{n} field", "{n} fields", len(doc.get("fields") or [])))


def _transport(doc, pack, block: Block) -> None:
    transport = doc.get("transport") or {}
    encrypted = {True: _("yes"), False: _("NO")}.get(transport.get("encrypted"), _("not said"))
    block.state.append(_("encrypted: {encrypted}; schedule: {schedule}", encrypted=encrypted,
                         schedule=doc.get("schedule") or _("not set")))


def _system_cover(doc, pack, block: Block) -> None:
    block.state.append(_("runs under DPISP {dpisp}", dpisp=doc.metadata.get("dpisp")))


def _system(doc, pack, block: Block) -> None:
    block.state.append(_("{system}, administered by {party}", system=doc.get("system"),
                         party=doc.get("operated_by") or _("nobody named")))


def _source(doc, pack, block: Block) -> None:
    block.state.append(f"{doc.source.get('format')}: {doc.source.get('path')}")


def _agencies(doc, pack, block: Block) -> None:
    block.state.append(_n("{n} agency mapped to parties", "{n} agencies mapped to parties", len(doc.get("agencies") or {})))


def _assignments(doc, pack, block: Block) -> None:
    block.state.append(_n("{n} party with users in the system", "{n} parties with users in the system",
                          len(doc.get("assignments") or {})))


def _system_exports(doc, pack, block: Block) -> None:
    block.state.append(_n("{n} export", "{n} exports", len(doc.get("exports") or [])) + ", "
                       + _n("{n} job bound to exports", "{n} jobs bound to exports", len(doc.get("jobs") or {})))


STATES: dict[tuple[str, str], Callable] = {
    ("System", "metadata"): _system_cover, ("System", "system"): _system, ("System", "source"): _source,
    ("System", "agencies"): _agencies, ("System", "assignments"): _assignments, ("System", "exports"): _system_exports,
    ("DPISP", "metadata"): _cover, ("DPISP", "parties"): _parties, ("DPISP", "roles"): _roles,
    ("DPISP", "clauses"): _clauses, ("DPISP", "sharing"): _sharing, ("DPISP", "annex_c"): _annex_c,
    ("DPISP", "signatures"): _signatures,
    ("DPIA", "metadata"): _dpia_cover, ("DPIA", "processing"): _processing, ("DPIA", "risks"): _risks,
    ("DPIA", "signoff"): _signoff,
    ("DataExport", "metadata"): _export_cover, ("DataExport", "flow"): _flow, ("DataExport", "fields"): _fields,
    ("DataExport", "transport"): _transport,
}


def document_blocks(doc, pack, findings: list[Diagnostic]) -> list[Block]:
    """The sections of a document in order, each with its state and its findings."""
    blocks: list[Block] = []
    by_key: dict[str, Block] = {}
    for spec in SPECS.get(doc.kind, []):
        block = Block(_(spec.title), _(spec.purpose), who=role_words(pack, spec.who))
        if doc.checkable:
            STATES[doc.kind, spec.key](doc, pack, block)
        blocks.append(block)
        by_key[spec.key] = block
    clause_blocks = {c.clause: c for c in by_key["clauses"].children} if "clauses" in by_key else {}
    other = Block(_("Other findings"), _("Findings about the document as a whole."))
    for diag in findings:
        key, clause_id = section_of(doc.kind, diag.location.yaml_path)
        target = clause_blocks.get(clause_id or "") or by_key.get(key) or other
        target.findings.append(diag)
    if other.findings:
        blocks.insert(0, other)
    return blocks


SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}


def severity_words(severity: str) -> str:
    return _(SEVERITY_WORDS[severity]) if severity in SEVERITY_WORDS else severity


def finding_line(diag: Diagnostic) -> str:
    return _("{rule} {severity} (line {line}): {message}", rule=diag.rule, severity=severity_words(diag.severity),
             line=diag.line, message=diag.message) + (_(" [fixable]") if diag.fix else "")


def next_steps(blocks: list[Block]) -> list[tuple[str, str, Diagnostic | None]]:
    """(where, what, finding): every finding, errors first and then in the order of the document,
    followed by the workflow steps of the sections that have no finding."""
    ordered: list[tuple[int, int, str, Diagnostic]] = []
    todo: list[tuple[str, str, None]] = []
    items = [item for block in blocks for item in [block, *block.children]]
    for position, item in enumerate(items):
        where = item.ref or item.title
        for diag in item.findings:
            ordered.append((-SEVERITY_RANK[diag.severity], position, where, diag))
        if not item.findings:
            todo += [(where, line, None) for line in item.todo]
    ordered.sort(key=lambda entry: (entry[0], entry[1], entry[3].line, entry[3].rule))
    return [(where, finding_line(diag), diag) for _, _, where, diag in ordered] + todo
