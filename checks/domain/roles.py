"""Which roles a protocol needs, and the skeleton of one: used by the ROLE checks, ``init``,
the walkthrough and the report alike."""

from __future__ import annotations

from typing import Any

from im4cm_lint.pack import Pack

from im4cm_lint_checks.domain.parties import is_unhcr


def required_roles(pack: Pack, setting: str, parties: list) -> tuple[list, list]:
    """(roles the setting requires now, roles it requires only once parties run certain systems),
    for parties given as mappings with ``id``, ``type`` and ``systems``."""
    running = {s for p in parties for s in p.get("systems") or []}
    maps = {(pack.systems.get(s) or {}).get("field_map") for s in running} - {None}

    def runs(system: str) -> bool:
        field_map = (pack.systems.get(system) or {}).get("field_map")
        return system in running or (field_map is not None and field_map in maps)

    has_unhcr = any(is_unhcr(p) for p in parties)
    now, later = [], []
    for role in pack.roles.values():
        if setting not in (role.get("required_in") or []) or (role.get("unhcr_only") and not has_unhcr):
            continue
        systems = role.get("requires_systems") or []
        (now if all(runs(s) for s in systems) else later).append(role)
    return now, later


def role_skeleton(role, parties: list) -> Any:
    """An assignment of ``role`` with placeholder people, for parties given as mappings: one per
    agency for a role held in each agency. The party of a process role is the UNHCR party for
    UNHCR roles, else the first party the role allows; the placeholders say what a person decides."""
    name = role.get("name") or role["id"]

    def assignment(party_id: str) -> dict:
        made = {"holder": {"name": f"[INSERT name of the {name}]", "title": "[INSERT job title]", "party": party_id}}
        if role.get("backup") in ("required", "same_party"):
            made["backup"] = {"name": f"[INSERT name of the backup {name}]", "title": "[INSERT job title]",
                              "party": party_id}
        return made

    types = role.get("party_types") or []
    allowed = [p for p in parties if not types or p.get("type") in types]
    if role.get("scope") == "party":
        return [assignment(p["id"]) for p in allowed]
    holder = next((p for p in parties if is_unhcr(p)), None) if role.get("unhcr_only") else None
    return assignment((holder or (allowed or parties)[0])["id"])
