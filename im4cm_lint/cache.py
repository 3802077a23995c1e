"""The content-hash cache, as ruff keeps one: ``.im4cm-lint-cache/`` at the project root.

What is cached, and why (measured on 1,000 generated documents, see bench/):

- per file, the outcome of its schema checks (whether each document fits its kind, and the
  file's PARSE/SCHEMA findings), keyed by the hash of the file's bytes (they do not depend on
  the policy pack). Schema validation is most of a cold run. The documents themselves are not
  kept: unpickling them is 7x faster than parsing them again with libyaml, but unpickled trees
  share nothing, and at 5,000 documents memory grows from 190 MB to 315 MB; parsing costs
  about 0.7 ms a file. One small file per entry, under ``files/``, so that a change rewrites
  one entry.
- the resolved policy pack, keyed by the hash of its files: loading and validating the standard
  pack costs ~40 ms on every run, unpickling it ~1 ms.
- the findings of a whole run, keyed by the hash of everything that decides them: every file's
  hash, the configuration, the options, the pack, the installed rules and the code of the
  linter and its plugins, and the day the run judges dates at. Nothing changed: only the files
  are read and hashed.

Every key includes the linter's version and a stamp of its own source files, so an upgrade or
a local edit of a check never reuses stale results. A cache that cannot be read or written is
ignored: the run is then cold, never wrong. The folder holds a ``.gitignore`` of ``*`` (and a
``CACHEDIR.TAG``) so it never reaches the repository. Pickles are only read from this folder,
which only the linter writes; whoever can write it can already change the repository itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from im4cm_lint import __version__

CACHE_DIR = ".im4cm-lint-cache"
_FORMAT = 2  # bump when what is stored changes shape (2: whole-run results carry the System sources read)
_KEEP_RESULTS = 8  # whole-run results kept (one per recent combination of inputs)
_KEEP_PACKS = 4
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache of im4cm-lint; see https://bford.info/cachedir/\n"


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass
class FileInput:
    """A file of the run: its bytes when it is a regular file under the size limit (else None,
    and the loader reports why), and the hash that stands for its content in every key."""

    path: str
    shown: str
    data: bytes | None
    digest: str


def read_inputs(files: list[tuple[str, str]], max_size: int) -> list[FileInput]:
    """Read and hash every file once; oversized, special and unreadable files are left to the
    loader (which reads no more than their head) and stand in keys by their size and time."""
    inputs = []
    for path, shown in files:
        try:
            info = os.stat(path)
            if stat.S_ISREG(info.st_mode) and info.st_size <= max_size:
                with open(path, "rb") as handle:
                    data = handle.read()
                inputs.append(FileInput(path, shown, data, digest(data)))
                continue
            inputs.append(FileInput(path, shown, None, f"other:{info.st_mode}:{info.st_size}:{info.st_mtime_ns}"))
        except OSError as err:
            inputs.append(FileInput(path, shown, None, f"unreadable:{err.errno}"))
    return inputs


def code_stamp(module_name: str) -> str | None:
    """Size and modification time of every file of the package a module belongs to (of the
    module alone when it is in no package): a check's helpers and data decide its findings as
    much as the check itself. None when there is no file to stamp."""
    top = sys.modules.get(module_name.partition(".")[0])
    filename = getattr(top, "__file__", None)
    if not filename:
        return None
    root = Path(filename)
    files = ([p for p in sorted(root.parent.rglob("*")) if "__pycache__" not in p.parts]
             if root.name == "__init__.py" else [root])
    parts = []
    for path in files:
        with contextlib.suppress(OSError):
            info = path.stat()
            if stat.S_ISREG(info.st_mode):
                parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return digest(*parts)


def engine_stamp() -> str:
    """The linter's version and code, Python's, and the versions of the YAML reader and of
    cerberus: what decides how a file is parsed and schema-checked."""
    import importlib.util

    import yaml

    from im4cm_lint import loader, schemas

    cerberus = importlib.util.find_spec("cerberus")  # located, not imported: a warm run may not need it
    return digest(str(_FORMAT), __version__, sys.version, yaml.__version__, str(getattr(yaml, "__with_libyaml__", "")),
                  file_stamp(cerberus.origin if cerberus else None),
                  str((loader.MAX_DEPTH, loader.MAX_NODES, loader.MAX_DOCUMENTS, loader.MAX_FILE_PROBLEMS, schemas.MAX_ERRORS)),
                  code_stamp("im4cm_lint") or "-")


def rules_stamp(rules: dict[str, Any]) -> str | None:
    """Which rules run, from which plugin, and the code of each plugin (None when a rule has no
    source file, e.g. one defined interactively: its results are then not cached)."""
    parts, stamps = [], {}
    for rule_id, rule in sorted(rules.items()):
        module = type(rule).__module__
        top = module.partition(".")[0]
        if top not in stamps:
            stamps[top] = code_stamp(module)
        if stamps[top] is None:
            return None
        parts.append(f"{rule_id}:{rule.plugin}:{module}:{stamps[top]}")
    return digest(*parts)


def folder_stamp(folders: Iterable[Path]) -> str:
    """The content of every YAML file under the folders (a policy pack and those it extends)."""
    parts = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.y*ml")):
            try:
                parts += [str(path), path.read_bytes()]
            except OSError:
                parts.append(f"{path}:unreadable")
    return digest(*parts)


def file_stamp(path: str | Path | None) -> str:
    """A file's content as it stands in a key ("-" when there is none)."""
    if not path:
        return "-"
    try:
        return digest(str(path), Path(path).read_bytes())
    except OSError:
        return f"{path}:unreadable"


class Cache:
    """The cache folder of one project. Small parts (packs, whole-run results) are read
    on first use and written by :meth:`save`; each file's entry is a file of its own, written as
    soon as the file is parsed, so a large repository's entries never sit in memory all at once.
    Every write replaces a file atomically: concurrent runs never read half an entry."""

    def __init__(self, folder: Path, stamp: str):
        self.folder = folder
        self.stamp = stamp
        self._parts: dict[str, dict] = {}
        self._dirty: set[str] = set()
        self._seen: set[str] = set()  # file entries read or written by this run
        self.pack_key = "-"  # set by resolve_pack

    @classmethod
    def open(cls, root: Path) -> Cache | None:
        """The cache at ``root`` (created with its .gitignore), or None when it cannot be written."""
        folder = Path(root) / CACHE_DIR
        try:
            (folder / "files").mkdir(parents=True, exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Automatically created by im4cm-lint.\n*\n", encoding="utf-8")
                (folder / "CACHEDIR.TAG").write_text(_TAG, encoding="utf-8")
            if not os.access(folder, os.W_OK):
                return None
        except OSError:
            return None
        return cls(folder, engine_stamp())

    # -- storage -------------------------------------------------------------------------------

    def _read(self, path: Path) -> Any:
        """What an entry file holds, if it was written by this linter as it is now, else None."""
        try:
            with open(path, "rb") as handle:
                stored = pickle.load(handle)
            return stored[1] if isinstance(stored, tuple) and stored[0] == self.stamp else None
        except Exception:  # noqa: BLE001 - a missing, old or damaged entry is no entry
            return None

    def _write(self, path: Path, value: Any) -> None:
        tmp = path.with_name(f".{path.name}-{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            with open(tmp, "wb") as handle:
                pickle.dump((self.stamp, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:  # a full disk or a read-only folder: the next run is cold, never wrong
            with contextlib.suppress(OSError):
                tmp.unlink()

    def _part(self, name: str) -> dict:
        if name not in self._parts:
            entries = self._read(self.folder / f"{name}.pickle")
            self._parts[name] = entries if isinstance(entries, dict) else {}
        return self._parts[name]

    def _put(self, name: str, key: str, value: Any, keep: int | None = None) -> None:
        entries = self._part(name)
        entries.pop(key, None)
        entries[key] = value  # the newest last, so the oldest go first when trimmed
        if keep is not None:
            for old in list(entries)[:-keep]:
                del entries[old]
        self._dirty.add(name)

    def save(self) -> None:
        """Write the parts that changed."""
        for name in sorted(self._dirty):
            self._write(self.folder / f"{name}.pickle", self._parts[name])
        self._dirty.clear()

    # -- per file: documents and PARSE/SCHEMA findings ------------------------------------------

    def _entry(self, item: FileInput) -> Path:
        name = digest(os.path.abspath(item.path))
        self._seen.add(name)
        return self.folder / "files" / name

    def file_result(self, item: FileInput) -> tuple[list[bool], list] | None:
        """(schema_ok of each document, findings) of a file whose bytes are unchanged, else None."""
        entry = self._read(self._entry(item))
        if isinstance(entry, tuple) and len(entry) == 4 and entry[0] == item.digest and entry[1] == item.shown:
            return entry[2], entry[3]
        return None

    def store_file_result(self, item: FileInput, outcome: tuple[list[bool], list]) -> None:
        self._write(self._entry(item), (item.digest, item.shown, *outcome))

    def prune_files(self) -> None:
        """Drop the entries this run did not use: call it after a run over the whole project,
        when every file that still exists has been read."""
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder / "files"):
                if entry.name not in self._seen:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    # -- the policy pack ------------------------------------------------------------------------

    def resolve_pack(self, ref: str | None, available: list[Path], base_dir: Path, where: Any = None) -> Any:
        """:func:`im4cm_lint.pack.resolve_pack`, restored from the cache while the files of the
        pack and of every pack it extends are unchanged."""
        from im4cm_lint import pack as packs

        folder = packs.find_pack(ref or packs.DEFAULT_PACK, available, base_dir)
        if folder is None:
            return packs.resolve_pack(ref, available, base_dir, where)  # says which packs exist
        lineage = [folder]
        header = packs.read_header(folder)
        while header is not None and isinstance(header.get("extends"), str):
            parent = packs.find_pack(header["extends"], available, lineage[-1])
            if parent is None or parent in lineage:
                break  # loading the pack reports it
            lineage.append(parent)
            header = packs.read_header(parent)
        self.pack_key = digest(repr(ref), str(base_dir), os.getcwd(), *map(str, available), folder_stamp(lineage))
        blob = self._part("packs").get(self.pack_key)
        try:
            if blob:
                return pickle.loads(blob)
        except Exception:  # noqa: BLE001 - a damaged entry: load the pack again
            pass
        load = packs.load_pack_folder(folder, available)
        self._put("packs", self.pack_key, pickle.dumps(load, protocol=pickle.HIGHEST_PROTOCOL), keep=_KEEP_PACKS)
        return load

    # -- whole runs -----------------------------------------------------------------------------

    def results_key(self, rules: dict[str, Any], inputs: list[FileInput], *parts: Any) -> str | None:
        """The key of a run's findings: the engine, the rules and their code, the pack, every
        file's content, and ``parts`` (options, configuration and anything else the run read).
        None when a rule has no source file to stamp."""
        stamp = rules_stamp(rules)
        if stamp is None:
            return None
        return digest(self.stamp, stamp, self.pack_key, *map(repr, parts),
                      *(f"{item.shown}\x1e{item.digest}" for item in inputs))

    def results(self, key: str) -> Any:
        blob = self._part("results").get(key)
        try:
            return pickle.loads(blob) if blob else None
        except Exception:  # noqa: BLE001 - damaged entry: run the checks again
            return None

    def store_results(self, key: str, payload: Any) -> None:
        self._put("results", key, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL), keep=_KEEP_RESULTS)
