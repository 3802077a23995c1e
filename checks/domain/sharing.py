"""What an export carries and which sharing rules it relies on: used by the SHARE and ANNEXC
checks and by the sharing picture alike.

A field carries the pack's category for its name (contract v1.1 5.1: an export cannot relabel it),
the categories of the lookup options it can send (5.4), or its sources' categories when it is
derived (5.1); a constant carries none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from im4cm_lint.model import DPISP, DataExport, Project
from im4cm_lint.pack import Pack
from im4cm_lint.yamltree import YMap, YSeq


SENSITIVITY = {"low": 0, "moderate": 1, "high": 2, "severe": 3}


def blank(value: object) -> bool:
    """No text written: absent, not a string, or only spaces."""
    return not (isinstance(value, str) and value.strip())


def sensitivity(pack: Pack, category_id: str | None) -> int:
    """0 (low) to 3 (severe); -1 for a category the pack does not know."""
    category = pack.categories.get(category_id or "")
    return SENSITIVITY.get(category.get("sensitivity"), 0) if category is not None else -1


@dataclass(frozen=True)
class ExportField:
    """One field of an export: its position in `fields`, its name and every category it can carry.

    A field the system's field map lists carries the map's category, whatever the export says
    (contract 5.1), plus the categories of the options it can send (5.4); a derived field carries
    the categories of its sources unless a `transform` makes it coarser; a constant carries none.
    """

    index: int
    name: str
    categories: tuple[str, ...] = ()  # most sensitive first; empty: no category known
    constant: bool = False
    stated: str | None = None  # the category the export states for the field
    mapped: str | None = None  # the category the pack's field map gives the name
    sources: tuple[str, ...] = ()  # `from`: the fields it is derived from
    transformed: bool = False

    @property
    def category(self) -> str | None:
        """The most sensitive category the field carries (None: unknown, or a constant)."""
        return self.categories[0] if self.categories else None

    @property
    def unknown(self) -> bool:
        """Neither the pack nor the export says what the field holds."""
        return not self.constant and not self.categories


def map_entry(pack: Pack, system: str, name: str) -> tuple[str | None, dict]:
    """The pack's category for a field name of ``system`` and the categories of its options."""
    entry = (pack.field_map(system) or {}).get(name)
    if isinstance(entry, YMap):
        return entry.get("category"), dict(entry.get("values") or {})
    return entry, {}


def _ranked(pack: Pack, categories) -> tuple[str, ...]:
    unique = list(dict.fromkeys(c for c in categories if c))
    return tuple(sorted(unique, key=lambda c: -sensitivity(pack, c)))


def _mapped_categories(pack: Pack, system: str, name: str, values=None) -> tuple[str | None, tuple[str, ...]]:
    if values is None:  # the same field names recur in every export of a system: each is looked up once
        known = pack.__dict__.setdefault("_mapped_categories", {})
        key = (system, name)
        try:
            if key not in known:
                known[key] = _looked_up(pack, system, name, None)
            return known[key]
        except TypeError:  # a name that is not text (the schema says so): not kept
            pass
    return _looked_up(pack, system, name, values)


def _looked_up(pack: Pack, system: str, name: str, values) -> tuple[str | None, tuple[str, ...]]:
    base, options = map_entry(pack, system, name)
    if base is None:
        return None, ()
    if values is not None:  # the export sends only these options
        return base, _ranked(pack, [options.get(str(value), base) for value in values])
    return base, _ranked(pack, [base, *options.values()])


def field_categories(pack: Pack, system: str, name: str) -> tuple[str, ...]:
    """Every category a field of ``system`` can carry as the pack maps it (its own and its
    options'), most sensitive first; empty when the map does not list it."""
    return _mapped_categories(pack, system, name)[1]


def export_field(item, index: int, system: str, pack: Pack) -> ExportField:
    """What one entry of an export's `fields` carries (see :class:`ExportField`)."""
    if isinstance(item, str):
        base, categories = _mapped_categories(pack, system, item)
        return ExportField(index, item, categories, mapped=base)
    name, stated = item.get("name"), item.get("category")
    values = item.get("values") if isinstance(item.get("values"), YSeq) else None
    base, categories = _mapped_categories(pack, system, name, values)
    sources = tuple(s for s in (item.get("from") or []) if isinstance(s, str))
    transformed = not blank(item.get("transform"))
    common = dict(stated=stated, mapped=base, sources=sources, transformed=transformed)
    if item.get("constant") is True:
        return ExportField(index, name, (), constant=True, **common)
    if base is not None:  # the pack's map wins over what the export states
        return ExportField(index, name, categories, **common)
    if sources:
        inherited = _ranked(pack, [c for source in sources for c in _mapped_categories(pack, system, source)[1]])
        if stated and (transformed or not inherited or sensitivity(pack, stated) >= sensitivity(pack, inherited[0])):
            return ExportField(index, name, (stated,), **common)
        return ExportField(index, name, _ranked(pack, [*inherited, *([stated] if stated else [])]), **common)
    return ExportField(index, name, (stated,) if stated else (), **common)


def export_fields(export: DataExport, pack: Pack) -> list[ExportField]:
    """The export's fields with the categories they carry (never a guess: the pack's field map for
    the export's system, the option categories, the sources of derived fields, or the export's own
    `category` where the map is silent). Worked out once per export and pack: a dozen rules
    ask, and at 1,000 documents asking again was a fifth of the checks' time."""
    listed = export.get("fields")
    memo = export.__dict__.get("_export_fields")
    if memo is None or memo[0] is not pack or memo[1] is not listed:
        system = export.get("system")
        memo = export.__dict__["_export_fields"] = (pack, listed, [
            export_field(item, index, system, pack) for index, item in enumerate(listed or [])
            if isinstance(item, (str, YMap))])
    return list(memo[2])


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
