"""What a change does to sharing, in the words of the people who review and sign it.

A pull request on a protocol shows a YAML diff; reviewers and signatories need to know which
party joined or left, whose role changed hands, which sharing rule now carries more (and how
sensitive that is), which export sends new fields, which locked clause or Annex C obligation
moved, and whose signature is new. :func:`compare` reads two projects (an earlier revision and
the working tree or a later revision) and returns those changes; ids renamed without any other
change are recognised as renames, not as one thing removed and another added.

Nothing here quotes personal data (contract 5.5): people are described by agency and by whether
the person changed, free text by whether it changed; only ids, dates, numbers, enum values and
the pack's own words appear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from im4cm_lint.diagnostics import Location
from im4cm_lint.i18n import N_, _, _n
from im4cm_lint.model import Project
from im4cm_lint.pack import Pack
from im4cm_lint.yamltree import YMap, YSeq, locate, to_plain

from im4cm_lint_checks.domain.clauses import normalise
from im4cm_lint_checks.domain.sharing import export_fields
from im4cm_lint_checks.role import assignments, person_key
from im4cm_lint_checks.share import SENSITIVITY

Q = "\x1f"  # marks a quoted value in a Change's words (YAML text can never hold it)
_QUOTABLE = r"[A-Za-z0-9][A-Za-z0-9._+/-]{0,79}\Z"  # ids, field names, versions, dates (re compiles it when used)


@dataclass(frozen=True)
class Change:
    """One change to one thing of one document. ``sign`` is '+' (added, widened), '-' (removed,
    narrowed) or '~' (changed, renamed); ``words`` is the sentence shown to people."""

    kind: str  # the document's kind: DPISP, DataExport, DPIA, System
    document: str  # the document's id
    path: str  # the file (at head; at base when the document was removed)
    line: int
    section: str  # document, metadata, party, role, clause, sharing, annex_c, signature, field, risk, ...
    action: str  # added, removed, renamed, changed, widened, narrowed
    subject: str  # the id of what changed (a party, a rule, a clause...), "" for the document itself
    words: str
    details: dict = field(default_factory=dict, compare=False)
    node: Any = field(default=None, compare=False, repr=False)  # the head's node (for findings)
    at: Any = field(default=None, compare=False, repr=False)  # its key, when the change is about one
    label: str = field(default="", compare=False, repr=False)  # how ``words`` name the subject, for findings

    @property
    def sign(self) -> str:
        return {"added": "+", "widened": "+", "removed": "-", "narrowed": "-"}.get(self.action, "~")

    def where(self) -> Location | None:
        """Where a finding about this change points (None when the change has no node at head)."""
        if not isinstance(self.node, (YMap, YSeq)):
            return None
        return locate(self.node, self.at) if self.at is not None else locate(self.node)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "document": self.document, "path": self.path, "line": self.line,
                "section": self.section, "action": self.action, "subject": self.subject,
                "text": self.words, **({"details": self.details} if self.details else {})}


def quoted(value: Any) -> str:
    """A value people may see (an id, a date, a number, an enum): quoted; anything else is
    described by its length only, never shown (contract 5.5)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str) and re.match(_QUOTABLE, value):
        return f"{Q}{value}{Q}"
    if value is None:
        return _("nothing")
    if isinstance(value, str):
        return _n("a text of {n} characters", "a text of {n} characters", len(value))
    return _("a value")


def unmark(words: str) -> str:
    """A change's words as plain text: quoted values between single quotes."""
    return words.replace(Q, "'")


def _line(node: Any, key: Any = None) -> int:
    if key is not None and isinstance(node, YMap) and key in node.key_pos:
        return node.key_pos[key][0]
    if isinstance(key, int) and isinstance(node, YSeq) and 0 <= key < len(node.item_pos):
        return node.item_pos[key][0]
    return getattr(node, "line", 1) or 1


class _Document:
    """Collects the changes of one document pair."""

    def __init__(self, kind: str, doc_id: str, base, head, pack: Pack):
        self.kind, self.id, self.base, self.head, self.pack = kind, doc_id, base, head, pack
        self.path = (head or base).path
        self.changes: list[Change] = []

    def add(self, section: str, action: str, subject: str, words: str, node: Any = None, at: Any = None,
            label: str = "", **details: Any) -> None:
        """Record a change, at the line of ``node`` (of its key ``at`` when given)."""
        line = _line(node, at) if node is not None else 1
        self.changes.append(Change(self.kind, self.id, self.path, line, section, action, subject, words,
                                   {k: v for k, v in details.items() if v is not None},
                                   node if self.head is not None else None, at, label))

    # --- shared wording -------------------------------------------------------------------------

    def category(self, category_id: str) -> str:
        entry = self.pack.categories.get(category_id) if self.pack else None
        level = entry.get("sensitivity") if entry else None
        return f"{quoted(category_id)} ({level})" if level else quoted(category_id)

    def categories(self, ids: Iterable[str]) -> str:
        ranked = sorted(ids, key=lambda c: (-self.sensitivity(c), str(c)))
        return ", ".join(self.category(c) for c in ranked)

    def sensitivity(self, category_id: str) -> int:
        entry = self.pack.categories.get(category_id) if self.pack else None
        return SENSITIVITY.get(entry.get("sensitivity"), -1) if entry else -1

    def most_sensitive(self, ids: Iterable[str]) -> str | None:
        levels = [self.pack.categories[c].get("sensitivity") for c in ids
                  if self.pack and c in self.pack.categories]
        return max(levels, key=lambda level: SENSITIVITY.get(level, -1)) if levels else None

    def values(self, section: str, subject: str, label: str, old: YMap, new: YMap, keys: Iterable[str],
               free: Iterable[str] = ()) -> None:
        """'<label>: <key> a -> b' for each of ``keys`` that differs; 'changed' only for ``free`` text."""
        for key in keys:
            before, after = to_plain(old.get(key)), to_plain(new.get(key))
            if before != after:
                self.add(section, "changed", subject,
                         _("{label}: {key} {before} → {after}", label=label, key=key, before=quoted(before),
                           after=quoted(after)), new, key,
                         key=key, before=before if _shown(before) else None, after=after if _shown(after) else None)
        for key in free:
            if to_plain(old.get(key)) != to_plain(new.get(key)):
                words = (_("{label}: {key} removed (free text, not shown)", label=label, key=key) if key not in new
                         else _("{label}: {key} added (free text, not shown)", label=label, key=key) if key not in old
                         else _("{label}: {key} changed (free text, not shown)", label=label, key=key))
                self.add(section, "changed", subject, words, new, key, key=key)


def _shown(value: Any) -> bool:
    return isinstance(value, (bool, int, float)) or value is None or (isinstance(value, str) and bool(re.match(_QUOTABLE, value)))


def _by_id(items: Any) -> dict[str, YMap]:
    found: dict[str, YMap] = {}
    for item in items if isinstance(items, YSeq) else []:
        if isinstance(item, YMap) and isinstance(item.get("id"), str):
            found.setdefault(item["id"], item)
    return found


def _without_id(item: YMap) -> dict:
    return {k: to_plain(v) for k, v in item.items() if k != "id"}


def _renames(old: dict[str, YMap], new: dict[str, YMap], old_content=_without_id) -> dict[str, str]:
    """Old id -> new id for items removed and added with the same content but for the id
    (``old_content`` may translate the old item's references to renamed parties)."""
    gone = [key for key in old if key not in new]
    came = {key: _without_id(new[key]) for key in new if key not in old}
    found: dict[str, str] = {}
    for key in gone:
        body = old_content(old[key])
        match = next((other for other, other_body in came.items() if other_body == body and other not in found.values()), None)
        if match is not None:
            found[key] = match
    return found


# --- DPISP ----------------------------------------------------------------------------------------

def _dpisp(doc: _Document) -> None:
    base, head = doc.base, doc.head
    doc.values("metadata", "", _("protocol"), base.metadata, head.metadata,
               ("version", "status", "template", "setting", "effective", "review_by"), free=("operation",))
    renamed_parties = _parties(doc)
    _roles(doc, renamed_parties)
    _clauses(doc)
    _sharing(doc, renamed_parties)
    _annex_c(doc)
    _signatures(doc, renamed_parties)


def _parties(doc: _Document) -> dict[str, str]:
    old, new = doc.base.parties, doc.head.parties
    renamed = _renames(old, new)
    for old_id, new_id in renamed.items():
        doc.add("party", "renamed", new_id, _("party {old} renamed to {new} (nothing else changed)", old=quoted(old_id), new=quoted(new_id)),
                new[new_id], "id", before=old_id)
    for party_id, party in new.items():
        if party_id not in old and party_id not in renamed.values():
            doc.add("party", "added", party_id, _("party {party} added ({type})", party=quoted(party_id), type=party.get("type")),
                    party, type=party.get("type"))
    for party_id, party in old.items():
        if party_id not in new and party_id not in renamed:
            doc.add("party", "removed", party_id, _("party {party} removed ({type})", party=quoted(party_id), type=party.get("type")),
                    doc.head.body.get("parties") or doc.head.body,
                    type=party.get("type"))
    for party_id in old.keys() & new.keys():
        before, after = old[party_id], new[party_id]
        label = _("party {party}", party=quoted(party_id))
        roles_before, roles_after = _list(before.get("unhcr_roles")), _list(after.get("unhcr_roles"))
        if roles_before != roles_after:
            doc.add("party", "changed", party_id,
                    _("{label}: UNHCR capacities {before} → {after}", label=label, before=_listing(roles_before),
                      after=_listing(roles_after)), after, "unhcr_roles",
                    added=sorted(set(roles_after) - set(roles_before)), removed=sorted(set(roles_before) - set(roles_after)))
        doc.values("party", party_id, label, before, after, ("type", "unhcr_partnership", "local"), free=("name",))
        systems_before, systems_after = _list(before.get("systems")), _list(after.get("systems"))
        if systems_before != systems_after:
            doc.add("party", "changed", party_id, _("{label}: systems {before} → {after}", label=label, before=_listing(systems_before),
                      after=_listing(systems_after)),
                    after, "systems")
    return renamed


def _list(value: Any) -> list:
    return [to_plain(item) for item in value] if isinstance(value, list) else ([] if value is None else [to_plain(value)])


def _listing(items: list) -> str:
    return "[" + ", ".join(quoted(item) for item in items) + "]" if items else _("none")


def _role_name(doc: _Document, role_id: str) -> str:
    role = doc.pack.roles.get(role_id) if doc.pack else None
    if role and role.get("name"):
        return _("role {role} ({name})", role=quoted(role_id), name=doc.pack.text("roles", role_id, "name"))
    return _("role {role}", role=quoted(role_id))


def _role_label(doc: _Document, dpisp, role_id: str, party: str) -> str:
    """A role, with the party it is assigned for when the role is one per agency."""
    if _per_agency(dpisp, role_id):
        return _("{role} for {party}", role=_role_name(doc, role_id), party=quoted(party))
    return _role_name(doc, role_id)


def _assignments(dpisp) -> dict[tuple[str, str], YMap]:
    """(role id, holder's party) -> assignment: a per-agency role has one per party."""
    found: dict[tuple[str, str], YMap] = {}
    for role_id, entry in assignments(dpisp):
        party = entry["holder"].get("party")
        found.setdefault((role_id, party if isinstance(party, str) else ""), entry)
    return found


def _person_change(before: Any, after: Any, renamed: dict[str, str]) -> str | None:
    """How a holder or backup changed, by agency and by whether the person changed; None: not."""
    if not isinstance(before, YMap) and not isinstance(after, YMap):
        return None
    if not isinstance(before, YMap):
        return _("added (at {party})", party=quoted(after.get("party")))
    if not isinstance(after, YMap):
        return _("removed (was at {party})", party=quoted(before.get("party")))
    party_before, party_after = renamed.get(before.get("party"), before.get("party")), after.get("party")
    person = person_key(before.get("name")) != person_key(after.get("name"))
    title = to_plain(before.get("title")) != to_plain(after.get("title"))
    if party_before != party_after:
        if person:
            return _("another person now at {party} (was at {before})", party=quoted(party_after),
                     before=quoted(before.get("party")))
        return _("the same person now at {party} (was at {before})", party=quoted(party_after),
                 before=quoted(before.get("party")))
    if person:
        if title:
            return _("another person (at {party}), another position", party=quoted(party_after))
        return _("another person (at {party})", party=quoted(party_after))
    if title:
        return _("the same person, another position (at {party})", party=quoted(party_after))
    return None


def _roles(doc: _Document, renamed: dict[str, str]) -> None:
    old, new = _assignments(doc.base), _assignments(doc.head)
    old = {(role_id, renamed.get(party, party)): entry for (role_id, party), entry in old.items()}
    for key, entry in new.items():
        role_id, party = key
        label = _role_label(doc, doc.head, role_id, party)
        before = old.get(key)
        if before is None and not _per_agency(doc.head, role_id):  # a role of the process moved to another agency
            before = next((e for (r, _), e in old.items() if r == role_id), None)
        if before is None:
            doc.add("role", "added", role_id, _("{role} assigned (holder at {party})", role=label, party=quoted(party)),
                    entry, "holder")
        else:
            _assignment(doc, role_id, label, before, entry, renamed)
    new_roles = {role_id for role_id, _ in new}
    for key, entry in old.items():
        role_id, party = key
        if key in new or (role_id in new_roles and not _per_agency(doc.base, role_id)):
            continue
        label = _role_label(doc, doc.base, role_id, party)
        doc.add("role", "removed", role_id,
                _("{role} no longer assigned (holder was at {party})", role=label, party=quoted(party)),
                doc.head.body.get("roles") or doc.head.body)


def _assignment(doc: _Document, role_id: str, label: str, before: YMap, entry: YMap, renamed: dict[str, str]) -> None:
    """A holder or backup who changed (by agency), and the confirmation date."""
    holder = _person_change(before["holder"], entry["holder"], renamed)
    if holder:
        doc.add("role", "changed", role_id, _("{role}: holder changed: {change}; {confirmed}", role=label, change=holder,
                                              confirmed=_confirmed(before, entry)), entry, "holder", label,
                holder_changed=True, confirmed_before=to_plain(before.get("confirmed")),
                confirmed_after=to_plain(entry.get("confirmed")))
    backup = _person_change(before.get("backup"), entry.get("backup"), renamed)
    if backup:
        doc.add("role", "changed", role_id, _("{role}: backup changed: {change}", role=label, change=backup), entry,
                "backup")
    if not holder and to_plain(before.get("confirmed")) != to_plain(entry.get("confirmed")):
        doc.add("role", "changed", role_id,
                _("{role}: confirmed {before} → {after}", role=label, before=quoted(to_plain(before.get("confirmed"))),
                  after=quoted(to_plain(entry.get("confirmed")))),
                entry, "confirmed")


def _per_agency(dpisp, role_id: str) -> bool:
    return isinstance(dpisp.roles.get(role_id), YSeq)


def _confirmed(before: YMap, after: YMap) -> str:
    old, new = to_plain(before.get("confirmed")), to_plain(after.get("confirmed"))
    if old == new:
        return _("confirmed not updated ({date})", date=quoted(new))
    return _("confirmed {before} → {after}", before=quoted(old), after=quoted(new))


def _clause_locked(doc: _Document, clause_id: str, clause: YMap) -> bool:
    canon = doc.pack.clauses.get(clause_id) if doc.pack else None
    return (canon is not None and canon.get("locked") is True) or clause.get("locked") is True


def _clauses(doc: _Document) -> None:
    old, new = doc.base.clauses, doc.head.clauses
    for clause_id, clause in new.items():
        locked = _clause_locked(doc, clause_id, clause)
        label = _clause_label(clause_id, locked)
        if clause_id not in old:
            doc.add("clause", "added", clause_id, _("{clause} added", clause=label), clause, locked=locked)
            continue
        before = old[clause_id]
        if normalise(before.get("text")) != normalise(clause.get("text")):
            words = _word_counts(before.get("text"), clause.get("text"))
            doc.add("clause", "changed", clause_id, _("{clause}: text changed ({words})", clause=label, words=words),
                    clause, "text", locked=locked)
        if to_plain(before.get("locked")) != to_plain(clause.get("locked")):
            doc.add("clause", "changed", clause_id,
                    _("{clause}: locked {before} → {after}", clause=label, before=quoted(to_plain(before.get("locked"))),
                      after=quoted(to_plain(clause.get("locked")))),
                    clause, "locked")
        if to_plain(before.get("title")) != to_plain(clause.get("title")):
            doc.add("clause", "changed", clause_id, _("{clause}: title changed", clause=label), clause, "title")
    for clause_id, clause in old.items():
        if clause_id not in new:
            locked = _clause_locked(doc, clause_id, clause)
            doc.add("clause", "removed", clause_id, _("{clause} removed", clause=_clause_label(clause_id, locked)),
                    doc.head.body.get("clauses") or doc.head.body, locked=locked)


def _clause_label(clause_id: str, locked: bool) -> str:
    if locked:
        return _("locked clause {clause}", clause=quoted(clause_id))
    return _("clause {clause}", clause=quoted(clause_id))


def _word_counts(old: Any, new: Any) -> str:
    import difflib

    before, after = normalise(old).split(), normalise(new).split()
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return _n("{n} word added, {removed} removed", "{n} words added, {removed} removed", added, removed=removed)


def _rule_content(renamed: dict[str, str]):
    def content(rule: YMap) -> dict:
        body = {k: to_plain(v) for k, v in rule.items() if k != "id"}
        for key in ("from", "to"):
            if body.get(key) in renamed:
                body[key] = renamed[body[key]]
        return body
    return content


def _flow(rule: YMap) -> str:
    return _("{sender} → {recipient}, purpose {purpose}", sender=quoted(rule.get("from")),
             recipient=quoted(rule.get("to")), purpose=quoted(rule.get("purpose")))


def _sharing(doc: _Document, renamed_parties: dict[str, str]) -> None:
    old, new = _by_id(doc.base.get("sharing")), _by_id(doc.head.get("sharing"))
    content = _rule_content(renamed_parties)
    renamed = _renames(old, new, old_content=content)
    for old_id, new_id in renamed.items():
        doc.add("sharing", "renamed", new_id, _("sharing rule {old} renamed to {new} (nothing else changed)", old=quoted(old_id),
                  new=quoted(new_id)),
                new[new_id], "id", before=old_id)
    for rule_id, rule in new.items():
        if rule_id in old or rule_id in renamed.values():
            continue
        categories = [c for c in _list(rule.get("categories")) if isinstance(c, str)]
        most = doc.most_sensitive(categories)
        doc.add("sharing", "added", rule_id,
                _("sharing rule {rule} added: {flow}", rule=quoted(rule_id), flow=_flow(rule))
                + (_(", UNHCR as {role}", role=quoted(rule.get("unhcr_role"))) if rule.get("unhcr_role") else "")
                + _(", categories {categories}", categories=doc.categories(categories) or _("none")), rule,
                categories=categories, most_sensitive=most)
    for rule_id, rule in old.items():
        if rule_id not in new and rule_id not in renamed:
            doc.add("sharing", "removed", rule_id,
                    _("sharing rule {rule} removed ({flow})", rule=quoted(rule_id), flow=_flow(rule)),
                    doc.head.body.get("sharing") or doc.head.body)
    for rule_id in old.keys() & new.keys():
        _rule(doc, rule_id, old[rule_id], new[rule_id], renamed_parties)


def _rule(doc: _Document, rule_id: str, before: YMap, after: YMap, renamed: dict[str, str]) -> None:
    label = _("sharing rule {rule}", rule=quoted(rule_id))
    cats_before = [c for c in _list(before.get("categories")) if isinstance(c, str)]
    cats_after = [c for c in _list(after.get("categories")) if isinstance(c, str)]
    gained = [c for c in cats_after if c not in cats_before]
    lost = [c for c in cats_before if c not in cats_after]
    if gained:
        listed = after.get("categories")
        node, at = (listed, cats_after.index(gained[0])) if isinstance(listed, YSeq) else (after, "categories")
        doc.add("sharing", "widened", rule_id, _("{rule} widened: now also {categories} ({flow})", rule=label,
                                                 categories=doc.categories(gained), flow=_flow(after)),
                node, at, categories=gained, most_sensitive=doc.most_sensitive(gained))
    if lost:
        doc.add("sharing", "narrowed", rule_id, _("{rule} narrowed: no longer {categories}", rule=label,
                                                  categories=doc.categories(lost)),
                after, "categories", categories=lost)
    for key, words in (("to", N_("{label}: recipient {before} → {after}")), ("from", N_("{label}: sender {before} → {after}"))):
        old_party, new_party = renamed.get(before.get(key), before.get(key)), after.get(key)
        if old_party != new_party:
            doc.add("sharing", "changed", rule_id,
                    _(words, label=label, before=quoted(before.get(key)), after=quoted(new_party)),
                    after, key, key=key, before=to_plain(before.get(key)), after=to_plain(new_party))
    if to_plain(before.get("unhcr_role")) != to_plain(after.get("unhcr_role")):
        doc.add("sharing", "changed", rule_id,
                _("{label}: UNHCR capacity {before} → {after}", label=label,
                  before=quoted(to_plain(before.get("unhcr_role"))), after=quoted(to_plain(after.get("unhcr_role")))),
                after, "unhcr_role", before=to_plain(before.get("unhcr_role")), after=to_plain(after.get("unhcr_role")))
    doc.values("sharing", rule_id, label, before, after, ("purpose", "basis", "level", "onward_sharing"),
               free=("channel", "justification", "consent_withdrawal", "onward_recipients"))


def _annex_c(doc: _Document) -> None:
    old, new = doc.base.get("annex_c"), doc.head.get("annex_c")
    old = old if isinstance(old, YMap) else {}
    new_map = new if isinstance(new, YMap) else {}
    if old == new_map:
        return
    where = new if isinstance(new, YMap) else doc.head.body
    partners_before, partners_after = _list(old.get("applies_to")), _list(new_map.get("applies_to"))
    if partners_before != partners_after:
        doc.add("annex_c", "changed", "applies_to",
                _("Annex C applies to {before} → {after}", before=_listing(partners_before),
                  after=_listing(partners_after)), where, "applies_to")
    for key in [k for k in new_map if k != "applies_to"]:
        requirement = _requirement(doc, key)
        after = new_map[key]
        if key not in old:
            doc.add("annex_c", "added", key, _("Annex C entry {entry} added ({met})", entry=requirement, met=_met(after)),
                    where, key)
            continue
        before = old[key]
        if to_plain(before) == to_plain(after):
            continue
        doc.add("annex_c", "changed", key,
                _("Annex C entry {entry}: {changes}", entry=requirement, changes="; ".join(_entry_changes(before, after))),
                where, key)
    for key in [k for k in old if k != "applies_to" and k not in new_map]:
        doc.add("annex_c", "removed", key, _("Annex C entry {entry} removed", entry=_requirement(doc, key)), where)


def _entry_changes(before: Any, after: Any) -> list[str]:
    """What changed in an Annex C entry, key by key ('hours 72 → 96'); free text by key only."""
    if not (isinstance(before, YMap) and isinstance(after, YMap)):
        return [_("changed")]
    parts = []
    for item in sorted(set(before) | set(after), key=str):
        old, new = to_plain(before.get(item)), to_plain(after.get(item))
        if old == new:
            continue
        name = item if isinstance(item, str) and re.match(_QUOTABLE, item) else _("a key")
        if _shown(old) and _shown(new):
            parts.append(_("{key} {before} → {after}", key=name, before=quoted(old), after=quoted(new)))
        else:
            parts.append(_("{key} changed (free text, not shown)", key=name))
    return parts


def _requirement(doc: _Document, key: Any) -> str:
    entry = doc.pack.annex_c.get(key) if doc.pack else None
    return f"{quoted(key)} ({doc.pack.text('obligations', key, 'title')})" if entry and entry.get("title") else quoted(key)


def _met(entry: Any) -> str:
    met = entry.get("met") if isinstance(entry, YMap) else None
    return _("met") if met is True else _("not met") if met is False else _("met not stated")


def _signatures(doc: _Document, renamed: dict[str, str]) -> None:
    def by_party(dpisp, mapping=None) -> dict[str, YMap]:
        found: dict[str, YMap] = {}
        for item in dpisp.get("signatures") or []:
            if isinstance(item, YMap) and isinstance(item.get("party"), str):
                party = (mapping or {}).get(item["party"], item["party"])
                found.setdefault(party, item)
        return found

    old, new = by_party(doc.base, renamed), by_party(doc.head)
    where = doc.head.body.get("signatures") or doc.head.body
    for party, item in new.items():
        if party not in old:
            doc.add("signature", "added", party, _("signature of {party} added (signed {date})", party=quoted(party),
                      date=quoted(to_plain(item.get("signed")))),
                    item, signed=to_plain(item.get("signed")))
            continue
        before = old[party]
        signer = _person_change(before.get("by"), item.get("by"), renamed)
        dates = to_plain(before.get("signed")), to_plain(item.get("signed"))
        if dates[0] != dates[1] or signer:
            what = (_("signed {before} → {after}", before=quoted(dates[0]), after=quoted(dates[1]))
                    if dates[0] != dates[1] else _("signed {date}", date=quoted(dates[1])))
            who = _("; signed by another person") if _another_person(before.get("by"), item.get("by")) else ""
            doc.add("signature", "changed", party,
                    _("signature of {party}: {what}{who}", party=quoted(party), what=what, who=who), item, "signed",
                    before=dates[0], after=dates[1])
    for party in old.keys() - new.keys():
        doc.add("signature", "removed", party,
                _("signature of {party} removed (was signed {date})", party=quoted(party),
                  date=quoted(to_plain(old[party].get("signed")))), where)


def _another_person(before: Any, after: Any) -> bool:
    """Whether a signer (both sides given) is another person now."""
    return (isinstance(before, YMap) and isinstance(after, YMap)
            and person_key(before.get("name")) != person_key(after.get("name")))


# --- DataExport -----------------------------------------------------------------------------------

def _field_words(doc: _Document, item) -> str:
    name = item.name if isinstance(item.name, str) and re.match(_QUOTABLE, item.name) else None
    shown = _("field {field}", field=quoted(name)) if name else _("field {number} of the list", number=item.index + 1)
    if item.category:
        level = _level(doc, item.category)
        if level:
            return _("{field} (category {category}, {sensitivity})", field=shown, category=quoted(item.category),
                     sensitivity=level)
        return _("{field} (category {category})", field=shown, category=quoted(item.category))
    return _("{field} (no category known)", field=shown)


def _export(doc: _Document) -> None:
    base, head = doc.base, doc.head
    label = _("export")
    for key, words in (("owner", N_("{label}: sender {before} → {after}")),
                       ("recipient", N_("{label}: recipient {before} → {after}"))):
        if to_plain(base.get(key)) != to_plain(head.get(key)):
            doc.add("export", "changed", key,
                    _(words, label=label, before=quoted(to_plain(base.get(key))), after=quoted(to_plain(head.get(key)))),
                    head.body, key, key=key, before=to_plain(base.get(key)), after=to_plain(head.get(key)))
    doc.values("export", "", label, base.body, head.body,
               ("system", "purpose", "sharing_rule", "level", "min_cell_size", "schedule"))
    doc.values("export", "", label, base.metadata, head.metadata, ("dpisp",))
    encrypted = [to_plain(d.get("transport", {}).get("encrypted")) if isinstance(d.get("transport"), YMap) else None
                 for d in (base, head)]
    if encrypted[0] != encrypted[1]:
        doc.add("export", "changed", "transport", _("{label}: transport encrypted {before} → {after}", label=label,
                                                        before=quoted(encrypted[0]), after=quoted(encrypted[1])),
                head.body, "transport")
    _fields(doc, label)


def _fields(doc: _Document, label: str) -> None:
    """Fields an export gains or stops sending, and fields whose category changed."""
    base, head = doc.base, doc.head
    fields_before = {(f.name if isinstance(f.name, str) else f"#{f.index}"): f for f in export_fields(base, doc.pack)}
    fields_after = {(f.name if isinstance(f.name, str) else f"#{f.index}"): f for f in export_fields(head, doc.pack)}
    node = head.get("fields") if isinstance(head.get("fields"), YSeq) else head.body
    gained = [f for key, f in fields_after.items() if key not in fields_before]
    lost = [f for key, f in fields_before.items() if key not in fields_after]
    for item in gained:
        doc.add("field", "added", str(item.name) if _shown(item.name) else "",
                _("{label} gains {field}", label=label, field=_field_words(doc, item)), node if not isinstance(node, YSeq) else _item(node, item.index),
                category=item.category, sensitivity=_level(doc, item.category))
    for item in lost:
        doc.add("field", "removed", str(item.name) if _shown(item.name) else "",
                _("{label} no longer sends {field}", label=label, field=_field_words(doc, item)), node, category=item.category)
    for key in fields_before.keys() & fields_after.keys():
        before, after = fields_before[key], fields_after[key]
        if before.category != after.category:
            doc.add("field", "changed", key if _shown(key) else "",
                    _("{label}: {field} was {category}", label=label, field=_field_words(doc, after),
                      category=before.category or _("without a category")),
                    _item(node, after.index) if isinstance(node, YSeq) else node, before=before.category, after=after.category)


class _At:
    """A line to point at, for a list item given by index."""

    def __init__(self, line: int):
        self.line = line


def _item(seq: YSeq, index: int) -> _At:
    return _At(seq.item_pos[index][0] if index < len(seq.item_pos) else seq.line)


def _level(doc: _Document, category: str | None) -> str | None:
    entry = doc.pack.categories.get(category) if doc.pack and category else None
    return entry.get("sensitivity") if entry else None


# --- DPIA and System ------------------------------------------------------------------------------

def _dpia(doc: _Document) -> None:
    doc.values("metadata", "", _("DPIA"), doc.base.metadata, doc.head.metadata, ("version", "status", "dpisp", "review_by"))
    old, new = _by_id(doc.base.get("risks")), _by_id(doc.head.get("risks"))
    for risk_id, risk in new.items():
        if risk_id not in old:
            doc.add("risk", "added", risk_id, _("risk {risk} added (residual {residual})", risk=quoted(risk_id),
                                                residual=quoted(risk.get("residual"))), risk)
        else:
            doc.values("risk", risk_id, _("risk {risk}", risk=quoted(risk_id)), old[risk_id], risk, ("likelihood", "impact", "residual", "owner"),
                       free=("description", "mitigations"))
    for risk_id in old.keys() - new.keys():
        doc.add("risk", "removed", risk_id, _("risk {risk} removed", risk=quoted(risk_id)), doc.head.body.get("risks") or doc.head.body)


def _system(doc: _Document) -> None:
    doc.values("system", "", _("system"), doc.base.body, doc.head.body, ("system", "operated_by"))
    doc.values("system", "", _("system"), doc.base.metadata, doc.head.metadata, ("dpisp",))
    old, new = _list(doc.base.get("exports")), _list(doc.head.get("exports"))
    for export_id in [e for e in new if e not in old]:
        doc.add("system", "added", str(export_id), _("system now produces export {export}", export=quoted(export_id)),
                doc.head.body, "exports")
    for export_id in [e for e in old if e not in new]:
        doc.add("system", "removed", str(export_id), _("system no longer produces export {export}", export=quoted(export_id)),
                doc.head.body, "exports")
    roles_old = doc.base.get("assignments") if isinstance(doc.base.get("assignments"), YMap) else {}
    roles_new = doc.head.get("assignments") if isinstance(doc.head.get("assignments"), YMap) else {}
    for party in sorted(set(roles_old) | set(roles_new), key=str):
        before, after = _list(roles_old.get(party)), _list(roles_new.get(party))
        if before != after:
            doc.add("system", "changed", str(party),
                    _("system roles of {party}: {before} → {after}", party=quoted(party), before=_listing(before),
                      after=_listing(after)), doc.head.body, "assignments")


_COMPARE = {"DPISP": _dpisp, "DataExport": _export, "DPIA": _dpia, "System": _system}
KIND_WORDS = {"DPISP": N_("protocol"), "DataExport": N_("export"), "DPIA": N_("DPIA"), "System": N_("system")}


def _documents(project: Project) -> tuple[dict[tuple[str, str], Any], dict[tuple[str, str], Any]]:
    """(kind, id) -> document, for the documents that fit their schema, and for those that do
    not (the lint's business: they are named, not compared)."""
    found: dict[tuple[str, str], Any] = {}
    misshapen: dict[tuple[str, str], Any] = {}
    for document in project.documents:
        if document.kind in _COMPARE and document.id:
            fits = document.checkable or (document.kind == "System" and document.parse_ok)
            (found if fits else misshapen).setdefault((document.kind, document.id), document)
    return found, misshapen


def _document_content(document) -> Any:
    body = {k: to_plain(v) for k, v in document.body.items() if k != "metadata"}
    body["metadata"] = {k: to_plain(v) for k, v in document.metadata.items() if k != "id"}
    return body


def _not_compared(old: dict, old_misshapen: dict, new: dict, new_misshapen: dict) -> list[Change]:
    """One change per document that does not fit its schema on either side; it leaves both sides."""
    changes = []
    for key in sorted(old_misshapen.keys() | new_misshapen.keys()):
        document = new_misshapen.get(key) or new.get(key) or old_misshapen[key]
        words = (N_("{kind} {document} does not fit its schema in the new revision: not compared (run im4cm-lint "
                    "on it)") if key in new_misshapen else
                 N_("{kind} {document} does not fit its schema in the earlier revision: not compared (run "
                    "im4cm-lint on it)"))
        changes.append(Change(key[0], key[1], document.path, document.body.line, "document", "not compared", key[1],
                              _(words, kind=_(KIND_WORDS[key[0]]), document=quoted(key[1]))))
        old.pop(key, None)
        new.pop(key, None)
    return changes


def _document_renames(old: dict, new: dict) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, old id) -> (kind, new id) for documents whose id alone changed."""
    renamed: dict[tuple[str, str], tuple[str, str]] = {}
    came = [key for key in new if key not in old]
    for key in (key for key in old if key not in new):
        body = _document_content(old[key])
        match = next((other for other in came if other[0] == key[0] and other not in renamed.values()
                      and _document_content(new[other]) == body), None)
        if match:
            renamed[key] = match
    return renamed


def _changes_of(kind: str, doc_id: str, before, document, previous: str | None, pack: Pack | None) -> list[Change]:
    doc = _Document(kind, doc_id, before, document, pack)
    if previous:
        doc.add("document", "renamed", doc_id, _("{kind} {old} renamed to {new} (nothing else changed)",
                                                 kind=_(KIND_WORDS[kind]), old=quoted(previous), new=quoted(doc_id)),
                document.metadata, "id", before=previous)
    elif before is None:
        doc.add("document", "added", doc_id, _("{kind} {document} added{summary}", kind=_(KIND_WORDS[kind]),
                                               document=quoted(doc_id), summary=_summary(document, pack)),
                document.body)
    elif before is not document:  # the same object: read once for both sides, unchanged
        _COMPARE[kind](doc)
    return sorted(doc.changes, key=lambda c: c.line)


def compare(base: Project, head: Project, pack: Pack | None) -> list[Change]:
    """Every change from ``base`` to ``head``, document by document (in the order of their files),
    each document's changes in the order of its lines."""
    (old, old_misshapen), (new, new_misshapen) = _documents(base), _documents(head)
    changes = _not_compared(old, old_misshapen, new, new_misshapen)
    renamed = _document_renames(old, new)
    previous = {new_key: old_key[1] for old_key, new_key in renamed.items()}
    for (kind, doc_id), document in new.items():
        changes += _changes_of(kind, doc_id, old.get((kind, doc_id)), document, previous.get((kind, doc_id)), pack)
    for (kind, doc_id), document in old.items():
        if (kind, doc_id) not in new and (kind, doc_id) not in renamed:
            doc = _Document(kind, doc_id, document, None, pack)
            doc.add("document", "removed", doc_id, _("{kind} {document} removed", kind=_(KIND_WORDS[kind]),
                                                     document=quoted(doc_id)), document.body)
            changes += doc.changes
    order = {path: n for n, path in enumerate(sorted({c.path for c in changes}))}
    return sorted(changes, key=lambda c: (order[c.path], c.kind, c.document))


def _summary(document, pack: Pack | None) -> str:
    """What a new document brings, in a few words."""
    if document.kind == "DataExport":
        fields = export_fields(document, pack) if pack else []
        doc = _Document("DataExport", document.id, None, document, pack)
        most = doc.most_sensitive([f.category for f in fields if f.category])
        return (_n(": {owner} → {recipient}, purpose {purpose}, {n} field",
                   ": {owner} → {recipient}, purpose {purpose}, {n} fields", len(fields),
                   owner=quoted(document.get("owner")), recipient=quoted(document.get("recipient")),
                   purpose=quoted(document.get("purpose")))
                + (_(", most sensitive data {sensitivity}", sensitivity=most) if most else ""))
    if document.kind == "DPISP":
        parties, rules = len(document.parties), len(document.sharing_rules)
        return _(" ({status}): {parties}, {rules}", status=document.status or _("no status"),
                 parties=_n("{n} party", "{n} parties", parties), rules=_n("{n} sharing rule", "{n} sharing rules", rules))
    return ""
