"""Policy packs: the inter-agency standard as data, found by name or path, merged with the pack it
extends, validated by the PolicyPack schema, and indexed for the checks.

A pack is a folder with ``pack.yaml`` (``kind: PolicyPack``) and the part files it ``include``s
(plain YAML mappings holding sections such as ``categories`` or ``clauses``). Which sections
exist and what they mean is the pack's business and the checks'; the engine only merges,
validates and indexes lists of entries by their ``id``.

A pack may also hold its own words in other languages: ``translations/<lang>.yaml`` (``language:``,
then ``categories``, ``purposes``, ``roles``, ``obligations`` and ``clauses``, each ``{id: {field:
text}}``), merged along its lineage like the rest, so a country pack adds or overrides a language.
:meth:`Pack.text` is the one way to show a pack's words. A clause's translated text is for
information only: the checks compare with the English, which stays authoritative.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from im4cm_lint import schemas
from im4cm_lint.diagnostics import Diagnostic, Location
from im4cm_lint.i18n import ENGLISH, _, current
from im4cm_lint.engine_rules.config import InvalidPolicyPack, PolicyPackNotFound
from im4cm_lint.loader import load_file
from im4cm_lint.model import index_by_id
from im4cm_lint.values import shown
from im4cm_lint.paths import shown_path
from im4cm_lint.yamltree import YMap, YSeq, locate

if TYPE_CHECKING:
    from im4cm_lint.config import Config
    from im4cm_lint.plugins import Registry

DEFAULT_PACK = "im4cm-standard"
PACK_FILE = "pack.yaml"
TRANSLATIONS = "translations"  # the folder of a pack's translations, and their section once loaded
# What a translations file may translate: its section -> (the pack section of the ids, the fields)
TRANSLATABLE = {
    "categories": ("categories", ("name", "description")),
    "purposes": ("purposes", ("name", "description")),
    "roles": ("roles", ("name", "description")),
    "obligations": ("annex_c", ("title", "obligation")),
    # text: a release's text (`release`, a key of the clause's versions), for information only
    "clauses": ("clauses", ("title", "guidance", "text", "release")),
}
_LANGUAGE = re.compile(r"[a-z]{2,3}\Z")


class Pack:
    """A resolved policy pack. Sections are reached by name; list sections also by id."""

    def __init__(self, body: YMap, folder: Path, lineage: list[str], overrides: dict[str, Any] | None = None):
        self.body = body
        self.folder = folder
        self.lineage = lineage  # this pack and the packs it extends, as name@version, nearest first
        self.overrides = dict(overrides or {})

    @property
    def metadata(self) -> YMap:
        return self.body["metadata"]

    @property
    def name(self) -> str:
        return self.metadata["name"]

    @property
    def version(self) -> str:
        return self.metadata["version"]

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def supersedes(self) -> list[str]:
        return list(self.metadata.get("supersedes") or [])

    def section(self, name: str, default: Any = None) -> Any:
        """A top-level entry of the body: every section is read through here (a pack read back
        from the cache reads them from a body without its translations, see
        :class:`im4cm_lint.cache.StoredPack`)."""
        return self.body.get(name, default)

    def by_id(self, name: str) -> dict[str, YMap]:
        """The entries of a list section indexed by id (cached)."""
        cache = self.__dict__.setdefault("_by_id", {})
        if name not in cache:
            cache[name] = index_by_id(self.section(name))
        return cache[name]

    @property
    def categories(self) -> dict[str, YMap]:
        return self.by_id("categories")

    @property
    def roles(self) -> dict[str, YMap]:
        return self.by_id("roles")

    @property
    def clauses(self) -> dict[str, YMap]:
        return self.by_id("clauses")

    @property
    def purposes(self) -> dict[str, YMap]:
        return self.by_id("purposes")

    @property
    def annex_c(self) -> dict[str, YMap]:
        return self.by_id("annex_c")

    @property
    def systems(self) -> dict[str, YMap]:
        return self.by_id("systems")

    def field_map(self, system: str) -> dict[str, str] | None:
        """System field name -> category id for a system, or None when it has no standard names."""
        entry = self.systems.get(system)
        map_name = entry.get("field_map") if entry else None
        maps = self.section("field_maps") or {}
        return maps.get(map_name) if map_name else None

    @cached_property
    def placeholder(self) -> re.Pattern[str] | None:
        pattern = self.section("placeholder_pattern")
        try:
            return re.compile(pattern) if pattern else None
        except re.error:
            return None

    def threshold(self, name: str, default: Any = None) -> Any:
        """A threshold, as the configuration overrides it or as the pack sets it."""
        if name in self.overrides:
            return self.overrides[name]
        return (self.section("thresholds") or {}).get(name, default)

    def with_overrides(self, overrides: dict[str, Any]) -> Pack:
        return Pack(self.body, self.folder, self.lineage, {**self.overrides, **overrides})

    def translation(self, kind: str, entry_id: str, field: str, language: str | None = None) -> str | None:
        """The pack's own translation of a text (``kind`` as in :data:`TRANSLATABLE`) into
        ``language`` (default: the language of the run), or None when it has none."""
        by_language = self.section(TRANSLATIONS) or {}
        entries = (by_language.get(language or current()) or {}).get(kind) or {}
        value = (entries.get(entry_id) or {}).get(field) if isinstance(entries.get(entry_id), dict) else None
        return value if isinstance(value, str) and value.strip() else None

    def text(self, kind: str, entry_id: str, field: str) -> str:
        """A name, title or description of the pack as the user reads it: in the language of the
        run where the pack translates it, else the pack's English ("" when it has none)."""
        translated = self.translation(kind, entry_id, field)
        if translated is not None:
            return translated
        entry = self.by_id(TRANSLATABLE[kind][0]).get(entry_id)
        value = entry.get(field) if isinstance(entry, dict) else None
        return "" if value is None else str(value)


@dataclass
class PackLoad:
    pack: Pack | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def read_header(folder: Path) -> YMap | None:
    """The metadata of the pack in ``folder`` (None when it has no readable pack.yaml)."""
    loaded = load_file(str(folder / PACK_FILE), shown_path(folder / PACK_FILE))
    for doc in loaded.documents:
        if doc.kind == "PolicyPack" and isinstance(doc.body.get("metadata"), YMap):
            return doc.body["metadata"]
    return None


def load_pack_folder(folder: Path, available: Iterable[Path] = (), _seen: tuple = (),
                     loaded: dict[Path, PackLoad] | None = None) -> PackLoad:
    """Load, merge (with what it extends) and validate the pack in ``folder``. ``loaded`` keeps
    the packs already loaded in this run, so that a chain of packs that extend one another is
    loaded once, not once per pack of the chain (40 chained packs: 40 loads, not 820). Merging
    never changes the pack merged from, so a loaded pack can serve every pack that extends it."""
    key = folder.resolve()
    if loaded is not None and key in loaded:
        return loaded[key]
    load = _load_pack_folder(folder, available, _seen, loaded)
    if loaded is not None:
        loaded[key] = load
    return load


def _load_pack_folder(folder: Path, available: Iterable[Path], _seen: tuple, memo: dict | None) -> PackLoad:
    pack_file = folder / PACK_FILE
    loaded = load_file(str(pack_file), shown_path(pack_file))
    problems = list(loaded.diagnostics)
    header = next((d for d in loaded.documents if d.kind == "PolicyPack"), None)
    if header is None:
        if not problems:
            problems.append(InvalidPolicyPack.at(
                Location(shown_path(pack_file), 1, 1), _("no 'kind: PolicyPack' document in {path}",
                                                          path=shown_path(pack_file))))
        return PackLoad(None, problems)
    merged = _with_parts(header.body, folder, problems)
    own = _translations(merged, folder, problems)
    lineage = _with_parent(merged, folder, available, _seen, problems, memo)
    for diag in schemas.check_header(merged) + schemas.validate("PolicyPack", merged):
        problems.append(InvalidPolicyPack.at(diag.location, _("policy pack: {message}", message=diag.message)))
    if own:
        # this pack's own translations name its entries, its parents' included; those it
        # inherits were checked with the pack that gave them (an overridden clause may have
        # other releases: its inherited translation is then no longer shown)
        problems += _check_translations(own, merged)
        inherited = merged.get(TRANSLATIONS)
        if isinstance(inherited, YMap):
            _add_missing(own, inherited)
        merged[TRANSLATIONS] = own
    if any(d.severity == "error" for d in problems):
        return PackLoad(None, problems)
    return PackLoad(Pack(merged, folder, lineage), problems)


def _with_parts(body: YMap, folder: Path, problems: list[Diagnostic]) -> YMap:
    """``pack.yaml``'s body with the sections of the part files it includes."""
    merged = YMap(body.source, body.line, body.column)
    for key, value in body.items():
        merged[key] = value
        merged.key_pos[key] = body.key_pos[key]
        merged.value_pos[key] = body.value_pos[key]
    includes = body.get("include")
    for position, part_name in enumerate(includes if isinstance(includes, YSeq) else []):
        if not isinstance(part_name, str):
            continue
        part_path = folder / part_name
        if not part_path.is_file():
            problems.append(InvalidPolicyPack.at(locate(includes, position), _("included file '{file}' does not exist",
                                                                                   file=part_name)))
            continue
        part = load_file(str(part_path), shown_path(part_path), any_mapping=True)
        problems.extend(part.diagnostics)
        for doc in part.documents:
            for key, value in doc.body.items():
                if key in merged:
                    problems.append(InvalidPolicyPack.at(
                        locate(doc.body, key, on_key=True),
                        _("section '{key}' is defined twice in the pack; keep it in one file", key=key)))
                    continue
                merged[key] = value
    return merged


def _translations(merged: YMap, folder: Path, problems: list[Diagnostic]) -> YMap | None:
    """The pack's own ``translations/<lang>.yaml`` files, by language (None when it has none)."""
    if TRANSLATIONS in merged:
        problems.append(InvalidPolicyPack.at(
            locate(merged, TRANSLATIONS, on_key=True),
            _("a pack's translations are files of its '{folder}/' folder, one per language "
              "({folder}/fr.yaml...), not a section", folder=TRANSLATIONS)))
        del merged[TRANSLATIONS]
        return None
    files = sorted((folder / TRANSLATIONS).glob("*.y*ml")) if (folder / TRANSLATIONS).is_dir() else []
    if not files:
        return None
    section = YMap(merged.source, merged.line, merged.column)
    for path in files:
        shown = shown_path(path)
        loaded = load_file(str(path), shown, any_mapping=True)
        problems.extend(loaded.diagnostics)
        for doc in loaded.documents[:1]:
            body, language = doc.body, doc.body.get("language")
            if not (isinstance(language, str) and _LANGUAGE.match(language) and path.stem == language):
                problems.append(InvalidPolicyPack.at(
                    locate(body, "language"),
                    _("{path}: 'language' must be the language code of the file's name ('{code}'), "
                      "such as fr, ar or es", path=shown, code=path.stem)))
            elif language == ENGLISH:
                problems.append(InvalidPolicyPack.at(
                    locate(body, "language"),
                    _("{path}: the pack's own words are the English; translate into another language", path=shown)))
            elif language in section:
                problems.append(InvalidPolicyPack.at(locate(body, "language"),
                                                     _("{path}: language '{language}' is translated twice",
                                                       path=shown, language=language)))
            else:
                section[language] = body
    return section or None


def _check_translations(translations: YMap, merged: YMap) -> list[Diagnostic]:
    """Every translated text names an entry and a field of the pack ``merged``, and is text."""
    problems: list[Diagnostic] = []
    for language, body in translations.items():
        for kind, entries in body.items():
            if kind in ("language", "review"):
                if not isinstance(entries, str):
                    problems.append(InvalidPolicyPack.at(locate(body, kind), _("translations '{language}': '{key}' must be text",
                                                                                 language=language, key=kind)))
                continue
            if kind not in TRANSLATABLE:
                problems.append(InvalidPolicyPack.at(
                    locate(body, kind, on_key=True),
                    _("translations '{language}': {key} cannot be translated; translate: {keys}",
                      language=language, key=shown(kind), keys=", ".join(TRANSLATABLE))))
                continue
            section, fields = TRANSLATABLE[kind]
            known = index_by_id(merged.get(section))
            for entry_id, entry in (entries.items() if isinstance(entries, YMap) else []):
                if entry_id not in known:
                    problems.append(InvalidPolicyPack.at(
                        locate(entries, entry_id, on_key=True),
                        _("translations '{language}': the pack has no {kind} entry {entry}",
                          language=language, kind=kind, entry=shown(entry_id))))
                    continue
                for field_name, value in (entry.items() if isinstance(entry, YMap) else []):
                    if field_name not in fields:
                        problems.append(InvalidPolicyPack.at(
                            locate(entry, field_name, on_key=True),
                            _("translations '{language}': {kind} '{entry}' has no field {field} to translate; "
                              "translate: {fields}", language=language, kind=kind, entry=entry_id, field=shown(field_name),
                              fields=", ".join(fields))))
                    elif not isinstance(value, str):
                        problems.append(InvalidPolicyPack.at(
                            locate(entry, field_name),
                            _("translations '{language}': {kind} '{entry}' {field} must be text",
                              language=language, kind=kind, entry=entry_id, field=field_name)))
                    elif field_name == "release" and value not in (known[entry_id].get("versions") or {}):
                        problems.append(InvalidPolicyPack.at(
                            locate(entry, field_name),
                            _("translations '{language}': clause '{entry}' has no release {release}; its releases: "
                              "{releases}", language=language, entry=entry_id, release=shown(value),
                              releases=", ".join(known[entry_id].get("versions") or {}) or _("none"))))
                if not isinstance(entry, YMap):
                    problems.append(InvalidPolicyPack.at(
                        locate(entries, entry_id),
                        _("translations '{language}': {kind} '{entry}' must be a mapping of fields to texts",
                          language=language, kind=kind, entry=entry_id)))
            if not isinstance(entries, YMap):
                problems.append(InvalidPolicyPack.at(
                    locate(body, kind), _("translations '{language}': '{key}' must be a mapping of ids",
                                          language=language, key=kind)))
    return problems


def _with_parent(merged: YMap, folder: Path, available: Iterable[Path], seen: tuple,
                 problems: list[Diagnostic], loaded: dict | None = None) -> list[str]:
    """Merge the pack ``merged`` extends under it, in place; its lineage (this pack's ref first)."""
    meta = merged.get("metadata")
    parent_ref = meta.get("extends") if isinstance(meta, YMap) else None
    lineage = [f"{meta.get('name')}@{meta.get('version')}"] if isinstance(meta, YMap) else []
    if not (isinstance(parent_ref, str) and parent_ref):
        return lineage
    parent_folder = find_pack(parent_ref, available, folder)
    if parent_folder is None or parent_folder.resolve() in seen:
        message = (_("pack extends itself: '{pack}'", pack=parent_ref) if parent_folder is not None
                   else _("pack extends a pack that cannot be found: '{pack}'", pack=parent_ref))
        problems.append(PolicyPackNotFound.at(locate(meta, "extends"), message))
        return lineage
    parent = load_pack_folder(parent_folder, available, (*seen, folder.resolve()), loaded)
    problems.extend(parent.diagnostics)
    if parent.pack is not None:
        problems.extend(_extend(merged, parent.pack.body))
        lineage += parent.pack.lineage
    return lineage


def _extend(child: YMap, parent: YMap) -> list[Diagnostic]:
    """Merge ``parent`` under ``child`` in place: the child adds and overrides, never unlocks."""
    problems: list[Diagnostic] = []
    for key, base in parent.items():
        if key in ("metadata", "include"):
            continue
        mine = child.get(key)
        if mine is None:
            child[key] = base
        elif isinstance(base, YSeq) and isinstance(mine, YSeq):
            own = index_by_id(mine)
            for entry in base:
                entry_id = entry.get("id") if isinstance(entry, YMap) else None
                override = own.get(entry_id) if entry_id else None
                if override is None:
                    mine.append(entry)
                    mine.item_pos.append((entry.line, entry.column) if isinstance(entry, YMap) else (0, 0))
                elif entry.get("locked") is True and override.get("locked") is False:
                    problems.append(InvalidPolicyPack.at(
                        locate(override, "locked"),
                        _("'{id}' is locked by the pack this one extends; locks only tighten, never loosen",
                          id=entry_id)))
        elif isinstance(base, YMap) and isinstance(mine, YMap):
            for sub_key, sub_value in base.items():
                if sub_key not in mine:
                    mine[sub_key] = sub_value
                elif isinstance(sub_value, YMap) and isinstance(mine[sub_key], YMap):
                    for leaf_key, leaf in sub_value.items():
                        mine[sub_key].setdefault(leaf_key, leaf)
    return problems


def _add_missing(mine: YMap, base: YMap) -> None:
    """What ``base`` has and ``mine`` lacks, at any depth (a child's translation wins)."""
    for key, value in base.items():
        if key not in mine:
            mine[key] = value
        elif isinstance(value, YMap) and isinstance(mine[key], YMap):
            _add_missing(mine[key], value)


def find_pack(ref: str, available: Iterable[Path], base_dir: Path) -> Path | None:
    """The folder of a pack given as ``name``, ``name@version`` or a folder path."""
    if "/" in ref or os.sep in ref or ref.startswith("."):
        folder = (base_dir / ref).resolve()
        return folder if (folder / PACK_FILE).is_file() else None
    name, _, version = ref.partition("@")
    for folder in available:
        meta = read_header(Path(folder))
        if meta is not None and meta.get("name") == name and (not version or str(meta.get("version")) == version):
            return Path(folder)
    return None


def describe_available(available: Iterable[Path]) -> str:
    refs = []
    for folder in available:
        meta = read_header(Path(folder))
        if meta is not None:
            refs.append(f"{meta.get('name')}@{meta.get('version')}")
    return ", ".join(sorted(refs)) or _("none")


def resolve_pack(ref: str | None, available: list[Path], base_dir: Path, where: Location | None = None) -> PackLoad:
    """Find and load the pack a configuration selects (default: the built-in standard)."""
    ref = ref or DEFAULT_PACK
    folder = find_pack(ref, available, base_dir)
    if folder is None:
        where = where or Location(".", 1, 1)
        return PackLoad(None, [PolicyPackNotFound.at(
            where,
            _("policy pack '{pack}' not found; installed packs: {installed}; or give the path of a folder that "
              "holds pack.yaml", pack=ref, installed=describe_available(available)))])
    return load_pack_folder(folder, available)


def pack_for(config: Config, registry: Registry, ref: str | None = None, *,
             resolve: Callable[..., PackLoad] = resolve_pack) -> PackLoad:
    """The policy pack a command works with: ``ref`` (given on its command line, relative to the
    working folder) or else the configuration's ``policy-pack`` (relative to the configuration's
    folder; a pack not found is reported there), else the standard. ``resolve`` may be the
    cache's :meth:`~im4cm_lint.cache.Cache.resolve_pack`."""
    if ref:
        return resolve(ref, registry.packs, Path.cwd())
    where = config.where("policy-pack") if config.policy_pack else None
    return resolve(config.policy_pack, registry.packs, config.root, where)


def configured_pack(config_path: str | None = None, ref: str | None = None,
                    start: Path | None = None) -> tuple[PackLoad, Config | None]:
    """The pack a subcommand works with, chosen as a lint run chooses it: ``ref`` (its
    ``--policy-pack``, relative to the working folder), else the configuration found from
    ``start`` (or ``config_path``), else the standard. The configuration's own problems come back
    as the load's diagnostics, with no pack."""
    from im4cm_lint.config import find_config, load_config
    from im4cm_lint.plugins import load_registry

    config_file = Path(config_path) if config_path else find_config(start or Path.cwd())
    config, problems = load_config(config_file, Path.cwd())
    if problems:
        return PackLoad(None, problems), None
    return pack_for(config, load_registry(), ref), config
