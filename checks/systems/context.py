"""What the SYSTEM rules share: a System with its DPISP and its source's facts, the categories of
system fields, positions, and the words of the standard about Primero permissions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from im4cm_lint.diagnostics import Location
from im4cm_lint.model import DPISP, DataExport, Project, System
from im4cm_lint.pack import Pack
from im4cm_lint.yamltree import YMap

from im4cm_lint_checks.domain import sharing
from im4cm_lint_checks.systems.readers import system_facts

if TYPE_CHECKING:  # facts are read only when a System document exists (see readers)
    from im4cm_lint_checks.systems.facts import Agency, Facts, FormField, Job, Pos, Role

# Primero permissions that let a user take personal data out of the system (role_permissions_exporter.rb)
EXPORT_ACTIONS = ("export_unhcr_csv", "export_json", "export_custom", "sync_external")
CONSENT_OVERRIDE = "consent_override"
TRANSFER_PURPOSES = ("case.transfer",)


def referral_purpose(purpose: object) -> bool:
    return isinstance(purpose, str) and (purpose.startswith("referral.") or purpose.endswith(".referral"))


@dataclass
class Bound:
    """One System document in context."""

    system: System
    dpisp: DPISP | None
    facts: Facts
    project: Project

    @property
    def agencies(self) -> dict[str, str]:
        """System agency code (or id) -> DPISP party."""
        value = self.system.get("agencies")
        return {str(k): v for k, v in value.items() if isinstance(v, str)} if isinstance(value, YMap) else {}

    @property
    def assignments(self) -> dict[str, list[str]]:
        value = self.system.get("assignments")
        if not isinstance(value, YMap):
            return {}
        return {party: [r for r in roles if isinstance(r, str)] for party, roles in value.items()
                if isinstance(roles, list)}

    def party_of(self, agency: Agency) -> str | None:
        return self.agencies.get(agency.code) or self.agencies.get(agency.unique_id)

    def party_of_agency_id(self, unique_id: str) -> str | None:
        agency = next((a for a in self.facts.agencies if a.unique_id == unique_id), None)
        return self.party_of(agency) if agency else self.agencies.get(unique_id)

    def holders(self, role: Role) -> list[str]:
        """Parties whose users hold ``role``: as ``assignments`` says, else every mapped party
        (without assignments, any user of the system may hold any role)."""
        assignments = self.assignments
        if assignments:
            return [party for party, roles in assignments.items() if role.unique_id in roles]
        return sorted(set(self.agencies.values()))

    def exports(self, ids: list[str] | None = None) -> list[DataExport]:
        wanted = ids if ids is not None else [e for e in self.system.get("exports") or [] if isinstance(e, str)]
        return [e for e in self.project.exports if e.id in wanted]

    def job_exports(self) -> dict[str, list[str]]:
        value = self.system.get("jobs")
        return {str(k): [e for e in v if isinstance(e, str)] for k, v in value.items()
                if isinstance(v, list)} if isinstance(value, YMap) else {}

    def at(self, pos: Pos) -> Location:
        """A finding inside the source file, identified by the System's id and the address."""
        address = pos.address if pos.address.startswith("/") else f":{pos.address}"
        return Location(pos.path, pos.line, pos.column, self.system.id, f"source{address}")

    def shares(self, source: str, recipient: str) -> bool:
        return bool(self.dpisp and (self.dpisp.rules_between(source, recipient)
                                    or self.dpisp.rules_between(recipient, source)))


def bound_systems(project: Project, *, under_protocol: bool = False) -> Iterator[Bound]:
    """Every checkable System whose source could be read (the problems of a source are SYSTEM001's);
    with ``under_protocol``, only those whose DPISP is among the linted documents (the checks
    that hold a system to its protocol)."""
    for system in project.systems:
        facts = system_facts(project, system)
        if facts is None or facts.unreadable is not None:
            continue
        dpisp = project.dpisp_for(system)
        if dpisp is not None or not under_protocol:
            yield Bound(system, dpisp, facts, project)


def job_facts(project: Project, kind: str) -> Iterator[tuple[Bound, Job, Any]]:
    """(system, job, fact) for every fact of one kind that the OpenFn jobs of the readable
    Systems show (``logged_ids``, ``fetch_without_remote``, ``unbounded_fetches``)."""
    for bound in bound_systems(project):
        for job in bound.facts.jobs:
            for found in getattr(job, kind):
                yield bound, job, found


def declared_categories(bound: Bound) -> dict[str, str]:
    """Field name -> category that the System's exports state explicitly."""
    found: dict[str, str] = {}
    for export in bound.exports():
        for item in export.get("fields") or []:
            if isinstance(item, YMap) and isinstance(item.get("name"), str) and isinstance(item.get("category"), str):
                found.setdefault(item["name"], item["category"])
    return found


def field_categories(bound: Bound, pack: Pack, name: str, declared: dict[str, str]) -> tuple[str, ...]:
    """The categories a field of the system carries: the pack's map (with its options'), else the
    category an export of the system states for it; empty when neither says."""
    mapped = sharing.field_categories(pack, bound.system.get("system"), name)
    if mapped:
        return tuple(c for c in mapped if c in pack.categories)
    return (declared[name],) if declared.get(name) in pack.categories else ()


def readable_fields(facts: Facts, role: Role) -> list[FormField]:
    """The fields of the forms a role can read, subforms included."""
    found: list[FormField] = []
    seen: set[str] = set()
    todo = list(role.forms)
    while todo:
        form = facts.form(todo.pop(0))
        if form is None or form.unique_id in seen:
            continue
        seen.add(form.unique_id)
        for item in form.fields:
            found.append(item)
            if item.subform:
                todo.append(item.subform)
    return found


def export_field_names(export: DataExport) -> list[tuple[int, str]]:
    names = []
    for number, item in enumerate(export.get("fields") or []):
        name = item if isinstance(item, str) else item.get("name") if isinstance(item, YMap) else None
        if isinstance(name, str):
            names.append((number, name))
    return names


def sensitivity(pack: Pack, category: str) -> str:
    entry = pack.categories.get(category)
    return entry.get("sensitivity", "") if entry else ""


def carried(job: Job, exports: list[DataExport], pack: Pack) -> list[FormField]:
    """The fields of a job in the vocabulary of its exports: the keys it sends when they are the
    names the exports use (a Primero -> proGres job sends Primero names), else the fields it
    reads from the record it received (a proGres -> Primero job reads proGres names)."""
    known: set[str] = set()
    for export in exports:
        known |= set(pack.field_map(export.get("system")) or {})
        known |= {name for _, name in export_field_names(export)}

    def score(fields: list[FormField]) -> int:
        return sum(f.name in known for f in fields)

    return job.sent if score(job.sent) >= score(job.reads) else job.reads
