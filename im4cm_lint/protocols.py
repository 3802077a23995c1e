"""Re-checking only the protocols a change affects.

A run with the cache keeps an index of every file it read (its hash, its documents' kind, id and
protocol, its PARSE and SCHEMA findings) and, for each protocol (the groups of
:func:`im4cm_lint.model.group_numbers`: a DPISP and the documents that name it), the findings of
the rules whose findings depend on that protocol's documents alone (``Rule.scope``
"protocol"). The next run reads and hashes every file, as every run does; it parses the changed
files only, and loads and checks the documents of a protocol only when the protocol's findings
are not kept for what decides them now. Rules of the whole project ("project") run on every
document, so while one of them is selected every document is loaded, as without the cache.

What decides a protocol's findings, and keys them: what decides the whole run's (the engine, the
rules and their code, the pack, the configuration, the options, the date), the files of the
protocol with their hashes and its documents' places in them, and the ids of every document of
the run (a rule may name another document's id, as in "did you mean"). The System sources its
checks read are kept with them and compared before they are used, as for a whole run.
"""

from __future__ import annotations

from typing import Any

from im4cm_lint import cache as caching
from im4cm_lint.diagnostics import Diagnostic
from im4cm_lint.loading import load_documents
from im4cm_lint.model import Document, group_numbers, ids_by_kind, named_documents, protocol_of
from im4cm_lint.sources import unchanged

_KEEP_SPARE = 64  # protocol entries kept beyond twice the protocols of the run (other branches, configurations)


class ChangedRun:
    """The documents of one run, loaded as far as the checks need them. ``entries`` holds (file,
    index, kind, id, protocol, the documents it names) of every document, in the order of the
    files; ``load_problems`` the PARSE and SCHEMA findings of every file."""

    def __init__(self, cache: caching.Cache, inputs: list[caching.FileInput], max_file_size: int, jobs: int):
        self.cache, self.inputs, self.max_file_size = cache, inputs, max_file_size
        known = cache.file_index()
        fresh = [item for item in inputs if not _indexed(known.get(item.shown), item)]
        regular = {item.shown for item in fresh if item.data is not None}  # (loading releases the bytes)
        documents, found = load_documents(fresh, max_file_size, cache, jobs)
        self.loaded: dict[tuple[str, int], Document] = {(d.path, d.index): d for d in documents}
        read = {item.shown for item in fresh}
        for item in inputs:
            if item.shown not in read:
                cache.keep_file(item)  # not read, still the project's
        self.index: dict[str, Any] = {}
        self.load_problems: list[Diagnostic] = []
        by_file: dict[str, list[Document]] = {}
        for document in documents:
            by_file.setdefault(document.path, []).append(document)
        problems: dict[str, list[Diagnostic]] = {}
        for diagnostic in found:
            problems.setdefault(diagnostic.path, []).append(diagnostic)
        self.entries: list[tuple] = []
        for item in inputs:
            if item.shown in read:
                entry = (item.digest, _summaries(by_file.get(item.shown, [])), problems.pop(item.shown, []))
            else:
                entry = known[item.shown]
            if item.shown in regular or item.shown not in read:  # (not a file the loader reads every run)
                self.index[item.shown] = entry
            self.entries += ((item.shown, *document) for document in entry[1])
            self.load_problems += entry[2]
        self.load_problems += [d for rest in problems.values() for d in rest]  # findings of no file of the run
        self.known = known
        self.known_ids = ids_by_kind((kind, doc_id) for _path, _index, kind, doc_id, *_rest in self.entries)
        self.group_of = group_numbers([entry[2:] for entry in self.entries])
        self._kept: dict[int, list[Diagnostic]] = {}
        self.kept_sources: dict[str, str] = {}  # the System sources the kept findings rest on

    def keys(self, base: str) -> dict[int, str]:
        """Group number -> the key of its findings (``base``: what decides the whole run's findings
        but the files)."""
        ids = caching.digest(*sorted(f"{kind}\x1e{doc_id}" for kind, found in self.known_ids.items() for doc_id in found))
        parts: dict[int, list[str]] = {}
        digests = {item.shown: item.digest for item in self.inputs}
        for (path, index, *_rest), group in zip(self.entries, self.group_of):
            parts.setdefault(group, []).append(f"{path}\x1e{index}\x1e{digests.get(path)}")
        return {group: caching.digest(base, ids, *found) for group, found in parts.items()}

    def stale(self, keys: dict[int, str]) -> set[int]:
        """The groups whose findings must be found again (the others' are kept for :meth:`kept_findings`)."""
        stale = set()
        for group, key in keys.items():
            stored = self.cache.protocol_results(key)
            if stored is None or not unchanged(stored[1]):
                stale.add(group)
            else:
                self._kept[group] = stored[0]
                self.kept_sources.update(stored[1])
        return stale

    def kept_findings(self, keys: dict[int, str], stale: set[int]) -> list[Diagnostic]:
        return [finding for group in sorted(keys) if group not in stale for finding in self._kept.get(group, [])]

    def documents(self, groups: set[int] | None) -> list[Document]:
        """The documents of ``groups`` (None: every document), in order, loaded now if they were not."""
        wanted = [(path, index) for (path, index, *_rest), group in zip(self.entries, self.group_of)
                  if groups is None or group in groups]
        missing = {path for path, index in wanted if (path, index) not in self.loaded}
        if missing:
            documents, _found = load_documents([item for item in self.inputs if item.shown in missing],
                                               self.max_file_size, self.cache)
            self.loaded.update(((d.path, d.index), d) for d in documents)
        return [self.loaded[place] for place in wanted if place in self.loaded]

    def keep(self, keys: dict[int, str], stale: set[int], found: list[Diagnostic], sources: dict,
             whole_project: bool) -> None:
        """Keep the findings of the ``stale`` groups, found now, and the index (that of the files
        of this run, and of the project's other files too when the run did not read them all). A
        finding that belongs to no one group (a check that failed, a finding in a file of no
        document of the run) keeps nothing: the next run checks again."""
        if stale:
            homes: dict[Any, set[int]] = {}  # (file, id), and id alone: a System's findings are in its sources
            for (path, _index, _kind, doc_id, *_rest), group in zip(self.entries, self.group_of):
                homes.setdefault((path, doc_id or ""), set()).add(group)
                if doc_id:
                    homes.setdefault(doc_id, set()).add(group)
            per_group: dict[int, list[Diagnostic]] = {group: [] for group in stale}
            for finding in found:
                doc_id = finding.location.doc_id or ""
                home = homes.get((finding.path, doc_id)) or homes.get(doc_id) or set()
                if len(home) != 1 or finding.family == "PLUGIN" or next(iter(home)) not in per_group:
                    per_group = {}
                    break
                per_group[next(iter(home))].append(finding)
            for group, findings in per_group.items():
                self.cache.store_protocol_results(keys[group], findings, sources)
            if per_group:
                self.cache.trim_protocols(2 * len(keys) + _KEEP_SPARE)
        index = self.index if whole_project else {**self.known, **self.index}
        if index != self.known:
            self.cache.store_file_index(index)


def entries(documents: list[Document]) -> list[tuple]:
    """(file, index, kind, id, protocol, the documents it names) of each document, as
    :attr:`ChangedRun.entries` holds them."""
    return [(d.path, *summary) for d, summary in zip(documents, _summaries(documents))]


def affected(documents: list[tuple], given: set[str]) -> set[str]:
    """The files of the documents that rely on a DPISP of the ``given`` files (its exports, DPIAs
    and systems name it in ``metadata.dpisp``): a change to a protocol can break them.
    ``documents``: :func:`entries`."""
    changed = {doc_id for path, _i, kind, doc_id, *_rest in documents if kind == "DPISP" and path in given}
    return {path for path, _i, kind, _id, protocol, _named in documents if kind != "DPISP" and protocol in changed}


def _indexed(entry: Any, item: caching.FileInput) -> bool:
    """Whether the index holds this file as it is now (a file that is not a regular file under the
    size limit is loaded every run: the loader says what is wrong with it)."""
    return item.data is not None and isinstance(entry, tuple) and len(entry) == 3 and entry[0] == item.digest \
        and isinstance(entry[1], list) and isinstance(entry[2], list) and all(map(_document_entry, entry[1]))


def _document_entry(entry: Any) -> bool:
    """(index, kind, id, protocol, the (kind, id) of the documents it names) of a document, as the index keeps it."""
    return isinstance(entry, tuple) and len(entry) == 5 and type(entry[0]) is int and isinstance(entry[1], str) \
        and isinstance(entry[2], str) and (entry[3] is None or isinstance(entry[3], str)) \
        and isinstance(entry[4], list) and all(isinstance(n, tuple) and len(n) == 2 and all(isinstance(p, str) for p in n)
                                               for n in entry[4])


def _summaries(documents: list[Document]) -> list[tuple]:
    """What the index keeps of a file's documents."""
    return [(d.index, d.kind, d.id or "", protocol_of(d), named_documents(d)) for d in documents]
