"""Loading the files of a run into documents: parsed, schema-checked (in worker processes when
there are many, from the cache when unchanged), with their PARSE and SCHEMA findings."""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

from im4cm_lint import cache as caching
from im4cm_lint import schemas
from im4cm_lint import i18n
from im4cm_lint.i18n import _n
from im4cm_lint.diagnostics import Diagnostic
from im4cm_lint.engine_rules.parse import TooManyProblems
from im4cm_lint.engine_rules.schema import UnknownKey
from im4cm_lint.loader import MAX_FILE_PROBLEMS, load_data, load_file, restored_documents, stored_documents
from im4cm_lint.model import Document
from im4cm_lint.pack import PACK_FILE, load_pack_folder


def schema_problems(document: Document) -> list[Diagnostic]:
    """SCHEMA findings of one document: its header, then its body (a pack is validated as a pack)."""
    problems = schemas.check_header(document.body)
    if not problems and document.kind != "PolicyPack":
        problems = schemas.validate(document.kind, document.body)
    return problems


PARALLEL_MIN_FILES = 50  # measured (bench/): on 2 cores, worker processes pay off from about 40 files


def _checked_quickly(document: Document) -> bool:
    """Whether a document's schema check needs no cerberus: it certainly fits its schema
    (:func:`schemas.certainly_fits`), its header is wrong (the body is then not checked), or it
    is not checked at all. Worker processes pay off only for the others."""
    if document.partial or document.kind == "PolicyPack" or schemas.check_header(document.body):
        return True
    return schemas.certainly_fits(schemas.SCHEMAS[document.kind], document.body)


def load_one(data: bytes, shown: str) -> tuple[list[Document], list[Diagnostic]]:
    """Parse and schema-check one file."""
    loaded = load_data(data, shown)
    return loaded.documents, check_structure(loaded.documents, loaded.diagnostics)


def check_structure(documents: list[Document], parse_problems: list[Diagnostic]) -> list[Diagnostic]:
    """The file's PARSE findings and its documents' SCHEMA findings, setting ``schema_ok``.
    Unknown keys do not stop a document from being checked; any other schema or parse problem
    does (its id still resolves for other documents). After MAX_FILE_PROBLEMS findings the rest
    of the file is not checked (PARSE011)."""
    found = list(parse_problems)
    count = sum(d.rule != TooManyProblems.id for d in found)
    stopped = count >= MAX_FILE_PROBLEMS  # the loader stopped on problems already
    for document in documents:
        if stopped or document.partial:  # not checked: its structure is unknown, so no check may rely on it
            document.schema_ok = False
            continue
        problems = sorted(schema_problems(document), key=Diagnostic.sort_key)
        document.schema_ok = all(p.rule == UnknownKey.id for p in problems)
        room = MAX_FILE_PROBLEMS - count
        if len(problems) > room:
            stopped = True
            problems = [*problems[:room], TooManyProblems.at(problems[room].location,
                                                             TooManyProblems.stopped(
                _n("{n} problem", "{n} problems", MAX_FILE_PROBLEMS)))]
        count += len(problems)
        found.extend(problems)
    return found


def _checked_in_worker(item: tuple[bytes, str]) -> tuple[list[bool], list[Diagnostic]]:
    """What a worker process sends back for a file: whether each document fits its schema, and
    the file's findings. Small: the parent parses the file itself (libyaml's share of the work is
    small) rather than receive and unpickle the trees, which would cost time and keep every
    string and position twice."""
    documents, found = load_one(*item)
    return [document.schema_ok for document in documents], found


def _load_in_workers(items: list[caching.FileInput], jobs: int):
    """Results of _checked_in_worker for ``items``, in order, from ``jobs`` processes (forked
    where that is safe, so workers start without importing anything)."""
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    # a spawned worker starts in English: it speaks the run's language from its first message
    with context.Pool(jobs, initializer=i18n.activate, initargs=(i18n.current(),)) as pool:
        yield from pool.imap(_checked_in_worker, ((item.data, item.shown) for item in items),
                             chunksize=max(1, len(items) // (jobs * 8)))


@contextmanager
def _fewer_collections():
    """Loading builds hundreds of thousands of containers that all stay alive, and the cyclic
    garbage collector traverses every one of them again and again: a third of the loading time
    at 5,000 documents. Full collections wait until loading is done."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], 1_000))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextmanager
def documents_kept():
    """Once loaded, the documents live until the run ends: the cyclic garbage collector need not
    walk them again while the checks run (each full collection walked every document: ~60 ms
    at 1,000 documents, several times a run). The checks make little cyclic garbage, and what
    they make is collected once the run is done. (Freezing the documents instead, with
    ``gc.freeze``, hid them from the collector's count of long-lived objects: a process that
    runs many lints, as the tests do, then grew by every run's documents.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_documents(inputs: list[caching.FileInput], max_file_size: int, cache: caching.Cache | None = None,
                   jobs: int = 1) -> tuple[list[Document], list[Diagnostic]]:
    """Documents and PARSE/SCHEMA findings of every file, in order. Schema checks are done once
    per file content: their outcome comes from the cache when the file is unchanged, else from
    the quick test here, and from cerberus for the documents it does not pass (in ``jobs``
    processes when there are enough such files to be worth it). The cache keeps an unchanged file's documents too (in a compact JSON form, rebuilt in about half
    the time parsing takes, with keys, short values and positions shared as parsing shares them);
    workers send back only outcomes, and the documents of changed files are parsed here. Each
    file's bytes are released once it is loaded."""
    results: list = [None] * len(inputs)
    todo: list[int] = []

    def done(number: int, documents: list[Document], found: list[Diagnostic], flags: list[bool] | None = None,
             fresh: bool = True) -> None:
        """Record a file: ``flags`` (schema_ok of each document) when the checks ran elsewhere,
        ``fresh`` when they ran in this run (their outcome is then cached)."""
        item = inputs[number]
        if flags is None:
            flags = [document.schema_ok for document in documents]
        for document, schema_ok in zip(documents, flags):
            document.schema_ok = schema_ok
        if fresh and cache and item.data is not None:
            cache.store_file_result(item, (flags, found, stored_documents(documents, found)))
        results[number] = (documents, found)
        item.data = None

    with _fewer_collections():
        for number, item in enumerate(inputs):
            if item.data is None:  # too large, not a regular file, unreadable: the loader says which
                loaded = load_file(item.path, item.shown, max_file_size)
                done(number, loaded.documents, loaded.diagnostics, fresh=False)
                continue
            stored = cache.file_result(item) if cache else None
            if stored is not None:
                documents = restored_documents(item.data, item.shown, stored[2])
                if documents is None or len(documents) != len(stored[0]):
                    documents = load_data(item.data, item.shown).documents
                done(number, documents, stored[1], stored[0], fresh=False)
                continue
            todo.append(number)
        jobs = jobs or os.cpu_count() or 1
        if jobs > 1 and len(todo) >= PARALLEL_MIN_FILES:
            # Documents that certainly fit their schema are checked here, in no time; cerberus runs
            # in worker processes only for the others, when there are enough of them to pay.
            slow = {}
            for number in todo:
                loaded = load_data(inputs[number].data, inputs[number].shown)
                if all(map(_checked_quickly, loaded.documents)):
                    done(number, loaded.documents, check_structure(loaded.documents, loaded.diagnostics))
                else:
                    slow[number] = loaded
            if len(slow) >= PARALLEL_MIN_FILES:
                for number, (flags, found) in zip(slow, _load_in_workers([inputs[n] for n in slow], min(jobs, len(slow)))):
                    done(number, slow[number].documents, found, flags)
            else:
                for number, loaded in slow.items():
                    done(number, loaded.documents, check_structure(loaded.documents, loaded.diagnostics))
        else:
            for number in todo:
                done(number, *load_one(inputs[number].data, inputs[number].shown))
    documents: list[Document] = []
    found: list[Diagnostic] = []
    for file_documents, file_found in results:
        documents.extend(file_documents)
        found.extend(file_found)
    return documents, found


def lint_packs(documents: Iterable[tuple[str, str]], available: list[Path]) -> list[Diagnostic]:
    """Policy packs found among the linted files (``documents``: the kind and file of each) are
    loaded and validated as packs."""
    found: list[Diagnostic] = []
    loaded: dict = {}  # a pack the others extend is loaded once
    for kind, path in documents:
        if kind == "PolicyPack" and Path(path).name == PACK_FILE:
            found.extend(load_pack_folder(Path(path).parent, available, loaded=loaded).diagnostics)
    return found
