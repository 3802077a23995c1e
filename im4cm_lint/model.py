"""The project model: every document of a run, indexed once, handed to every check.

Checks never read files. They receive a :class:`Project` (the country's DPISPs, DPIAs and data
exports with their parties, roles, clauses and sharing rules indexed by id) and the resolved
policy pack, and they point at nodes with :func:`im4cm_lint.yamltree.locate`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable

from im4cm_lint.paths import repo_root
from im4cm_lint.sources import SourceFiles

from im4cm_lint.yamltree import YMap, YSeq

COUNTRY_KINDS = ("DPISP", "DPIA", "DataExport", "System")
KINDS = (*COUNTRY_KINDS, "PolicyPack")


class Document:
    """One im4cm document: its file, its place in the file, its body and whether it may be checked.

    ``checkable`` is false when the document could not be read cleanly or does not fit its schema
    (other than unknown keys): checks then skip it, but its id still resolves, so one broken file
    does not cascade into REF findings elsewhere.
    """

    __slots__ = ("path", "index", "body", "parse_ok", "schema_ok", "partial", "__dict__")

    def __init__(self, path: str, index: int, body: YMap, parse_ok: bool = True, partial: bool = False):
        self.path, self.index, self.body, self.parse_ok = path, index, body, parse_ok
        self.schema_ok = True
        self.partial = partial  # only the kind and id read before a syntax error: never checked

    @property
    def kind(self) -> str:
        kind = self.body.get("kind")
        return kind if isinstance(kind, str) else ""

    @property
    def metadata(self) -> YMap:
        meta = self.body.get("metadata")
        return meta if isinstance(meta, YMap) else YMap(self.body.source, self.body.line, self.body.column)

    @property
    def id(self) -> str:
        return self.body.source.doc_id

    @property
    def checkable(self) -> bool:
        return self.parse_ok and self.schema_ok

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default)

    def __repr__(self) -> str:
        return f"<{self.kind} {self.id!r} {self.path}#{self.index}>"


def index_by_id(items: Any) -> dict[str, YMap]:
    """The first item for each ``id`` in a list of mappings (duplicates are a REF finding)."""
    found: dict[str, YMap] = {}
    if isinstance(items, YSeq):
        for item in items:
            if isinstance(item, YMap) and isinstance(item.get("id"), str):
                found.setdefault(item["id"], item)
    return found


class DPISP(Document):
    """A Data Protection and Information Sharing Protocol, with its sections indexed by id."""

    @cached_property
    def parties(self) -> dict[str, YMap]:
        return index_by_id(self.body.get("parties"))

    @cached_property
    def clauses(self) -> dict[str, YMap]:
        return index_by_id(self.body.get("clauses"))

    @cached_property
    def sharing_rules(self) -> dict[str, YMap]:
        return index_by_id(self.body.get("sharing"))

    @property
    def roles(self) -> YMap:
        roles = self.body.get("roles")
        return roles if isinstance(roles, YMap) else YMap(self.body.source, self.body.line, self.body.column)

    @property
    def setting(self) -> str:
        return self.metadata.get("setting") or ""

    @property
    def status(self) -> str:
        return self.metadata.get("status") or ""

    def rules_between(self, source: str, recipient: str, purpose: str | None = None) -> list[YMap]:
        """The sharing rules from ``source`` to ``recipient`` (for ``purpose`` when given), in order."""
        return [rule for rule in self.sharing_rules.values()
                if rule.get("from") == source and rule.get("to") == recipient
                and (purpose is None or rule.get("purpose") == purpose)]


class DPIA(Document):
    """A Data Protection Impact Assessment, tied to a DPISP by ``metadata.dpisp``."""

    @property
    def dpisp_id(self) -> str | None:
        return self.metadata.get("dpisp")

    @cached_property
    def risks(self) -> dict[str, YMap]:
        return index_by_id(self.body.get("risks"))


class DataExport(Document):
    """What one system actually sends, from ``owner`` to ``recipient``, for ``purpose``."""

    @property
    def dpisp_id(self) -> str | None:
        return self.metadata.get("dpisp")


class System(Document):
    """What a system really runs (FORMAT.md 5.3): a file it wrote about its own configuration,
    bound to a DPISP, with the system's agency codes mapped to the DPISP's parties."""

    @property
    def dpisp_id(self) -> str | None:
        return self.metadata.get("dpisp")

    @property
    def source(self) -> YMap:
        source = self.body.get("source")
        return source if isinstance(source, YMap) else YMap(self.body.source, self.body.line, self.body.column)


class PolicyPackDocument(Document):
    """A policy pack's header found among the linted files (validated, not used as the pack)."""


_CLASSES = {"DPISP": DPISP, "DPIA": DPIA, "DataExport": DataExport, "System": System,
            "PolicyPack": PolicyPackDocument}


def known_ids(documents: list[Document]) -> dict[str, set[str]]:
    """Kind -> the ids of the documents of that kind, checkable or not."""
    return ids_by_kind((document.kind, document.id) for document in documents)


def ids_by_kind(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Kind -> ids, from (kind, id) of documents (those of no known kind or without an id left out)."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for kind, doc_id in pairs:
        if kind in found and doc_id:
            found[kind].add(doc_id)
    return found


def protocol_of(document: Document) -> str | None:
    """The protocol a document belongs to: a DPISP's own id, else the DPISP its ``metadata.dpisp`` names."""
    value = document.id if document.kind == "DPISP" else getattr(document, "dpisp_id", None)
    return value if isinstance(value, str) and value else None


def named_documents(document: Document) -> list[tuple[str, str]]:
    """(kind, id) of the other documents a document names besides its protocol: a System's
    exports, in ``exports`` and in ``jobs`` (FORMAT.md 5.3)."""
    if document.kind != "System":
        return []
    named = document.get("exports")
    jobs = document.get("jobs")
    ids = [*(named if isinstance(named, list) else []),
           *(e for produced in (jobs.values() if isinstance(jobs, dict) else ()) if isinstance(produced, list)
             for e in produced)]
    return sorted({("DataExport", e) for e in ids if isinstance(e, str) and e})


def protocols(documents: list[Document]) -> list[list[Document]]:
    """The documents in the groups a check of one protocol sees together (``Rule.scope``
    "protocol"; see :func:`group_numbers`), in the order of ``documents``."""
    groups: dict[int, list[Document]] = {}
    numbers = group_numbers([(d.kind, d.id, protocol_of(d), named_documents(d)) for d in documents])
    for document, number in zip(documents, numbers):
        groups.setdefault(number, []).append(document)
    return list(groups.values())


def group_numbers(documents: list[tuple[str, str, str | None, list]]) -> list[int]:
    """The group of each document, from its (kind, id, protocol, the (kind, id) of the documents
    it names): a DPISP with every document that names it in ``metadata.dpisp``, every document
    of the same kind and id as one of these (a duplicate id is a finding of the group), and the
    exports a System of the group names (they may be another protocol's: the two are then one
    group). A document of no protocol (a pack, a document without ``metadata.dpisp``, one that
    could not be read) is a group of its own unless an id joins it to one. Groups are numbered
    from 0 in the order of their first document."""
    parent: dict[tuple, tuple] = {}

    def root(label: tuple) -> tuple:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    labels = []
    for number, (kind, doc_id, protocol, named) in enumerate(documents):
        own = ("protocol", protocol) if protocol else ("document", number)
        for other_kind, other_id in [(kind, doc_id), *named] if doc_id else named:
            parent[root(("id", other_kind, other_id))] = root(own)
        labels.append(own)
    numbering: dict[tuple, int] = {}
    return [numbering.setdefault(root(label), len(numbering)) for label in labels]


def specialise(document: Document) -> Document:
    """The document as the class of its kind (the loader does not know kinds)."""
    cls = _CLASSES.get(document.kind)
    if cls is None or type(document) is cls:
        return document
    typed = cls(document.path, document.index, document.body, document.parse_ok, document.partial)
    typed.schema_ok = document.schema_ok
    return typed


@dataclass
class Project:
    """All documents of a run. The ``*_by_id`` indexes hold checkable documents only;
    ``known_ids`` holds the ids of every document found, checkable or not."""

    documents: list[Document] = field(default_factory=list)
    today: datetime.date = field(default_factory=datetime.date.today)  # checks judge dates against this
    root: Path | None = None  # the repository (the configuration's folder); System sources stay inside it
    base: Project | None = None  # the project at the base revision (--base REF), for checks that judge a change
    # kind -> the ids of every document of the run, given when this project holds one protocol of it
    known_ids: dict[str, set[str]] | None = None

    def __post_init__(self) -> None:
        self.dpisps: dict[str, DPISP] = {}
        self.dpias: list[DPIA] = []
        self.exports: list[DataExport] = []
        self.systems: list[System] = []
        self.sources_read: dict[str, str] = {}  # files asked for by System documents -> what they gave
        self._memo: dict[tuple, Any] = {}
        if self.known_ids is None:
            self.known_ids = known_ids(self.documents)
        for document in self.documents:
            if not document.checkable:
                continue
            if isinstance(document, DPISP):
                self.dpisps.setdefault(document.id, document)
            elif isinstance(document, DPIA):
                self.dpias.append(document)
            elif isinstance(document, DataExport):
                self.exports.append(document)
            elif isinstance(document, System):
                self.systems.append(document)

    @staticmethod
    def date(value: object) -> datetime.date | None:
        """A document date (ISO text, as the schema guarantees) as a date; None when absent."""
        try:
            return datetime.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    @classmethod
    def days_between(cls, start: object, end: object) -> int | None:
        """Days from one document date to another; None when either is absent."""
        first, last = cls.date(start), cls.date(end)
        return (last - first).days if first and last else None

    def source_files(self, system: System) -> SourceFiles:
        """The safe, bounded reader of a System document's files (see im4cm_lint.sources): inside
        the repository, that is the configuration's folder, else the git work tree holding the
        document, else the document's own folder."""
        root = self.root or repo_root(Path(system.path).resolve()) or Path(system.path).parent
        return SourceFiles(system.path, root, record=self.sources_read)

    def memo(self, key: tuple, compute: Callable[[], Any], pending: Any = None) -> Any:
        """``compute()`` once per run for ``key``: lets several rules of a plugin share work done
        on the same documents (reading a System's source) without module-level state. While it
        runs, and for good if it is stopped (a check past its time), ``key`` holds ``pending``,
        so the next rule does not start the same work again."""
        if key not in self._memo:
            self._memo[key] = pending
            self._memo[key] = compute()
        return self._memo[key]

    def dpisp_for(self, document: DPIA | DataExport | System) -> DPISP | None:
        """The DPISP a DPIA or export relies on (``metadata.dpisp``), if it is in the run."""
        return self.dpisps.get(document.dpisp_id or "")

    def exports_of(self, dpisp: DPISP) -> list[DataExport]:
        return [e for e in self.exports if e.dpisp_id == dpisp.id]

    def dpias_of(self, dpisp: DPISP) -> list[DPIA]:
        return [d for d in self.dpias if d.dpisp_id == dpisp.id]
