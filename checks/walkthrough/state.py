"""What each section of a document holds now, in plain words (ids only, never people's names), and
the run's findings placed in the section they are about.

The state describes the document; it never judges it. What is wrong comes from the run's
findings only, so the walkthrough and the lint cannot disagree. The one step added without a
finding is part of the drafting workflow that no rule judges: who still has to sign.
"""

from __future__ import annotations

from typing import Callable

from im4cm_lint.diagnostics import SEVERITY_RANK, Diagnostic
from im4cm_lint.words import plural

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
    block.state.append(f"setting: {meta.get('setting')}; status: {meta.get('status')}; version: {meta.get('version')}")
    template = meta.get("template")
    current = f" (the current standard is {pack.ref})" if pack and template != pack.ref else ""
    block.state.append(f"drafted from {template}{current}")
    block.state.append(f"effective: {meta.get('effective') or 'not set'}; review by: {meta.get('review_by') or 'not set'}")


def _parties(doc, pack, block: Block) -> None:
    for party in doc.parties.values():
        notes = [str(party.get("type"))]
        if is_unhcr(party):
            notes.append("UNHCR, as " + ", ".join(party.get("unhcr_roles") or ["(capacities not stated)"]))
        if party.get("unhcr_partnership") in ("implementing_partner", "operational_partner"):
            notes.append("UNHCR " + party["unhcr_partnership"].replace("_", " "))
        block.state.append(f"{party['id']}: {'; '.join(notes)}")


def _roles(doc, pack, block: Block) -> None:
    if pack is None:
        return
    parties = list(doc.parties.values())
    now, later = required_roles(pack, doc.setting, parties)
    for role in now:
        block.state.append(_role_line(role, doc.roles.get(role["id"]), parties, pack))
    for role in later:
        systems = ", ".join(role.get("requires_systems") or [])
        block.state.append(f"{role.get('name')} ({role['id']}): required once a party runs {systems}")
    for role_id in sorted(set(doc.roles) - {r["id"] for r in now + later}):
        known = "optional" if role_id in pack.roles else "not a role of the standard"
        block.state.append(f"{role_id}: assigned ({known})")


def _role_line(role, assignment, parties, pack) -> str:
    label = f"{role.get('name')} ({role['id']})"
    if assignment is None:
        return f"{label}: MISSING, nobody is named"
    entries = _holders(assignment)
    placeholders = sum(1 for a in entries for who in ("holder", "backup")
                       if isinstance(a.get(who), dict) and _placeholders(pack, a[who].get("name")))
    notes = [_holding(role, entries, parties)]
    if placeholders:
        notes.append(f"{placeholders} name{'s' if placeholders > 1 else ''} still "
                     f"{'placeholders' if placeholders > 1 else 'a placeholder'}")
    if role.get("backup") in ("required", "same_party") and any(not a.get("backup") for a in entries):
        notes.append("backup missing")
    return f"{label}: " + "; ".join(notes)


def _holding(role, entries: list, parties: list) -> str:
    """Where a role is held: at which party, or for a per-agency role, which agencies lack it."""
    if role.get("scope") != "party":
        holder = (entries[0].get("holder") or {}) if entries else {}
        return f"held at {holder.get('party')}"
    types = role.get("party_types") or []
    covered = {(a.get("holder") or {}).get("party") for a in entries}
    missing = [p["id"] for p in parties if (not types or p.get("type") in types) and p["id"] not in covered]
    return f"one per agency; missing for {', '.join(missing)}" if missing else "one per agency, all named"


def _clauses(doc, pack, block: Block) -> None:
    if pack is None:
        return
    present = doc.clauses
    for clause in pack.clauses.values():
        block.children.append(_clause_block(clause, present.get(clause["id"]), pack))
    for clause_id, clause in present.items():
        if clause_id not in pack.clauses:
            child = Block(f"{clause_id}", "A clause that is not in the standard's clause list.",
                          ref=f"clause {clause_id}", tag="LOCKED" if clause.get("locked") else "ADAPTABLE")
            child.state.append("present; check that its id is right, or that the standard allows it")
            block.children.append(child)


def _clause_block(clause, present, pack) -> Block:
    locked = bool(clause.get("locked")) or bool(present and present.get("locked") is True)
    number = f"{clause['section']}. " if clause.get("section") is not None else ""
    block = Block(f"{number}{clause.get('title')} ({clause['id']})", str(clause.get("guidance") or "").strip(),
                  ref=f"clause {clause['id']}", who=role_words(pack, clause.get("owner_role") or ""),
                  tag="LOCKED" if locked else "ADAPTABLE")
    if present is None:
        block.state.append("MISSING from the protocol")
    elif locked:
        block.state.append(_locked_state(pack, clause, present.get("text")))
    else:
        count = _placeholders(pack, present.get("text"))
        block.state.append(f"{count} placeholder{'s' if count != 1 else ''} left to fill" if count else "filled in")
    return block


def _locked_state(pack, clause, text) -> str:
    """Which released text of the standard a locked clause holds, following the pack's lineage
    as the CLAUSE checks do (an extending pack keeps the standard's texts current)."""
    texts = released_texts(pack, clause)
    match = matching_release(pack, clause, text)
    if match is None:
        return "the text differs from the standard's; locked text must stay word for word"
    version, current = match.rpartition("@")[2], texts[0][0].rpartition("@")[2]
    if match == texts[0][0]:
        return f"the standard's text of {version}, unchanged"
    return f"the text of {version}; the current standard is {current}"


def _sharing(doc, pack, block: Block) -> None:
    for rule in doc.sharing_rules.values():
        purpose = pack.purposes.get(rule.get("purpose")) if pack else None
        what = f"{purpose.get('name')} ({rule.get('purpose')})" if purpose else str(rule.get("purpose"))
        capacity = f" as {rule['unhcr_role']}" if rule.get("unhcr_role") else ""
        block.state.append(f"{rule['id']}: {rule.get('from')} -> {rule.get('to')}{capacity}, {what}, "
                           f"basis {rule.get('basis')}, {plural(len(rule.get('categories') or []), 'category', 'categories')}")
    if not doc.sharing_rules:
        block.state.append("no sharing rules yet")


def _annex_c(doc, pack, block: Block) -> None:
    partners = [p["id"] for p in doc.parties.values() if p.get("unhcr_partnership") == "implementing_partner"]
    annex = doc.get("annex_c")
    if not partners and not annex:
        block.state.append("not needed: no party is a UNHCR implementing partner")
        return
    block.state.append(f"implementing partners: {', '.join(partners) or 'none'}")
    if pack is None:
        return
    items = {k: v for k, v in (annex or {}).items() if k != "applies_to"}
    missing = [i for i in pack.annex_c if i not in items]
    unmet = [i for i in pack.annex_c if isinstance(items.get(i), dict) and not items[i].get("met")]
    block.state.append(f"{len(pack.annex_c) - len(missing) - len(unmet)} of {len(pack.annex_c)} obligations met")
    for words, open_ids in (("not met yet", unmet), ("not addressed", missing)):
        for requirement_id in open_ids:
            block.state.append(f"{words}: {requirement_id}; {_meeting(pack.annex_c[requirement_id], doc)}")


def _meeting(requirement, doc) -> str:
    """Where an obligation can be met: the clauses of this protocol that already meet it."""
    clauses = meeting_clauses(requirement, doc.clauses)
    where = (f"clause{'s' if len(clauses) > 1 else ''} of this protocol that meet{'' if len(clauses) > 1 else 's'} it: "
             f"{', '.join(clauses)}"
             if clauses else choices_words(requirement, doc.clauses))
    return where + (" (or the partnership agreement)" if by_agreement(requirement) else "")


def _signatures(doc, pack, block: Block) -> None:
    signed = {s.get("party") for s in doc.get("signatures") or [] if isinstance(s, dict)}
    block.state.append("signed by: " + (", ".join(sorted(p for p in signed if p)) or "nobody yet"))
    unsigned = [p for p in doc.parties if p not in signed]
    if unsigned:
        block.state.append("not signed yet: " + ", ".join(unsigned))
        block.todo.append("have " + ", ".join(unsigned) + " sign once the text is final")


# --- DPIA and DataExport sections ------------------------------------------------------------------

def _dpia_cover(doc, pack, block: Block) -> None:
    meta = doc.metadata
    block.state += [f"assesses DPISP {meta.get('dpisp')}; status: {meta.get('status')}",
                    f"completed: {meta.get('completed') or 'not set'}; review by: {meta.get('review_by') or 'not set'}"]


def _risks(doc, pack, block: Block) -> None:
    block.state += [f"{r['id']}: likelihood {r.get('likelihood')}, impact {r.get('impact')}, residual "
                    f"{r.get('residual')}, owner {r.get('owner') or 'none'}" for r in doc.risks.values()] or ["no risks yet"]


def _processing(doc, pack, block: Block) -> None:
    block.state += [str(a.get("id")) for a in doc.get("processing") or [] if isinstance(a, dict)] or ["nothing yet"]


def _signoff(doc, pack, block: Block) -> None:
    signoff = [s.get("role") for s in doc.get("signoff") or [] if isinstance(s, dict)]
    block.state.append(f"signed off as: {', '.join(map(str, signoff))}" if signoff else "not signed off yet")


def _export_cover(doc, pack, block: Block) -> None:
    block.state.append(f"relies on DPISP {doc.metadata.get('dpisp')}")


def _flow(doc, pack, block: Block) -> None:
    rule = doc.get("sharing_rule")
    block.state.append(f"{doc.get('system')}: {doc.get('owner')} -> {doc.get('recipient')}, purpose {doc.get('purpose')}, "
                       f"{doc.get('level')} level" + (f", under sharing rule {rule}" if rule else ", no sharing rule named"))


def _fields(doc, pack, block: Block) -> None:
    block.state.append(plural(len(doc.get("fields") or []), "field"))


def _transport(doc, pack, block: Block) -> None:
    transport = doc.get("transport") or {}
    encrypted = {True: "yes", False: "NO"}.get(transport.get("encrypted"), "not said")
    block.state.append(f"encrypted: {encrypted}; schedule: {doc.get('schedule') or 'not set'}")


def _system_cover(doc, pack, block: Block) -> None:
    block.state.append(f"runs under DPISP {doc.metadata.get('dpisp')}")


def _system(doc, pack, block: Block) -> None:
    block.state.append(f"{doc.get('system')}, administered by {doc.get('operated_by') or 'nobody named'}")


def _source(doc, pack, block: Block) -> None:
    block.state.append(f"{doc.source.get('format')}: {doc.source.get('path')}")


def _agencies(doc, pack, block: Block) -> None:
    block.state.append(plural(len(doc.get("agencies") or {}), "agency", "agencies") + " mapped to parties")


def _assignments(doc, pack, block: Block) -> None:
    block.state.append(plural(len(doc.get("assignments") or {}), "party", "parties") + " with users in the system")


def _system_exports(doc, pack, block: Block) -> None:
    block.state.append(plural(len(doc.get("exports") or []), "export") + ", "
                       + plural(len(doc.get("jobs") or {}), "job") + " bound to exports")


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
        block = Block(spec.title, spec.purpose, who=role_words(pack, spec.who))
        if doc.checkable:
            STATES[doc.kind, spec.key](doc, pack, block)
        blocks.append(block)
        by_key[spec.key] = block
    clause_blocks = {c.ref.removeprefix("clause "): c for c in by_key["clauses"].children} if "clauses" in by_key else {}
    other = Block("Other findings", "Findings about the document as a whole.")
    for diag in findings:
        key, clause_id = section_of(doc.kind, diag.location.yaml_path)
        target = clause_blocks.get(clause_id or "") or by_key.get(key) or other
        target.findings.append(diag)
    if other.findings:
        blocks.insert(0, other)
    return blocks


def finding_line(diag: Diagnostic) -> str:
    return f"{diag.rule} {diag.severity} (line {diag.line}): {diag.message}{' [fixable]' if diag.fix else ''}"


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
