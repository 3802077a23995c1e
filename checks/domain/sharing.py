"""What an export carries and which sharing rules it relies on: used by the SHARE and ANNEXC
checks and by the sharing picture alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from im4cm_lint.model import DPISP, DataExport, Project
from im4cm_lint.pack import Pack
from im4cm_lint.yamltree import YMap


@dataclass(frozen=True)
class ExportField:
    """One field of an export: its position in `fields`, its name and the category it carries."""

    index: int
    name: str
    category: str | None  # None: neither the export nor the system's field map says


def export_fields(export: DataExport, pack: Pack) -> list[ExportField]:
    """The export's fields with their categories: an explicit `category` wins, else the pack's
    field map for the export's system (never a guess)."""
    field_map = pack.field_map(export.get("system")) or {}
    found = []
    for index, item in enumerate(export.get("fields") or []):
        if isinstance(item, YMap):
            name, category = item.get("name"), item.get("category")
            found.append(ExportField(index, name, category or field_map.get(name)))
        elif isinstance(item, str):
            found.append(ExportField(index, item, field_map.get(item)))
    return found


def covering_rules(dpisp: DPISP, export: DataExport) -> list[YMap]:
    """The DPISP rules an export relies on: the one its `sharing_rule` names when that rule is for
    the export's owner, recipient and purpose; otherwise, when it names none, every rule from the
    owner to the recipient for the purpose. Empty when the named rule is missing or for other
    parties (REF004 and SHARE007 say so)."""
    owner, recipient, purpose = export.get("owner"), export.get("recipient"), export.get("purpose")
    named = export.get("sharing_rule")
    if isinstance(named, str):
        rule = dpisp.sharing_rules.get(named)
        if rule is not None and (rule.get("from"), rule.get("to"), rule.get("purpose")) == (owner, recipient, purpose):
            return [rule]
        return []
    return dpisp.rules_between(owner, recipient, purpose)


def exports_in_context(project: Project) -> Iterator[tuple[DataExport, DPISP]]:
    """Each export whose DPISP is in the run and whose owner and recipient are its parties."""
    for export in project.exports:
        dpisp = project.dpisp_for(export)
        if dpisp is not None and export.get("owner") in dpisp.parties and export.get("recipient") in dpisp.parties:
            yield export, dpisp
