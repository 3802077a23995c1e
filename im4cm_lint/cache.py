"""The content-hash cache, kept outside the repository under review, as pre-commit keeps its own.

Where: ``$IM4CM_LINT_CACHE_DIR`` (or ``--cache-dir``), else ``$XDG_CACHE_HOME/im4cm-lint``, else
``~/.cache/im4cm-lint``; one folder per project in it, named by a hash of the project root's
path. The repository under review controls every file in it, so nothing of the cache lives there:
a folder inside the project (or inside its git work tree) is refused, and the run is then cold.

What is cached, and why (measured on 1,000 generated documents, see bench/):

- per file, the outcome of its schema checks (whether each document fits its kind, and the
  file's PARSE/SCHEMA findings) and its documents, keyed by the hash of the file's bytes (they
  do not depend on the policy pack). The documents are kept in the loader's compact JSON form
  (:func:`im4cm_lint.loader.tree_form`), rebuilt in under half the time parsing takes, with
  their strings and positions shared as parsing shares them. One file per entry, under
  ``files/``, so that a change rewrites one entry.
- an index of every file of the project (its hash, its documents' kind, id and protocol, its
  PARSE/SCHEMA findings), and per protocol the findings of the rules that depend on one
  protocol's documents alone (:mod:`im4cm_lint.protocols`): with one file changed, a run loads
  and checks only the protocols the change affects (1,000 documents: ~0.3 s against ~0.9 s).
- the resolved policy pack, keyed by the hash of its files: loading and validating the standard
  pack costs ~40 ms on every run, reading it back ~2 ms.
- the findings of a whole run, keyed by the hash of everything that decides them: every file's
  hash, the configuration, the options, the pack, the installed rules and the code of the
  linter and its plugins, and the day the run judges dates at. Nothing changed: only the files
  are read and hashed.

Trust: entries are JSON of a fixed set of forms (:mod:`im4cm_lint.cache_codec`): nothing read
back is unpickled or run. Each entry carries its key and a keyed hash (BLAKE2b with a random key
kept in the cache's base folder, readable by its owner only) of its content, recomputed on every
read: an entry that was edited, moved to another key, truncated or written by anyone without the
key is a miss, never a result. Per-file entries also name the hash of the bytes they were made
from, which is recomputed from the bytes read in this run. Every path is opened relative to the
cache folder's descriptor without following links (``O_NOFOLLOW``), only regular files are read
(a FIFO or a device is never opened blocking) and no larger than ``_MAX_ENTRY``; temporary files
are created exclusively and renamed in place, so the cache never writes, reads or deletes
anything outside its own folder. Platforms without descriptor-relative file calls run cold.

Every key includes the linter's version and a stamp of its own source files, so an upgrade or
a local edit of a check never reuses stale results. A cache that cannot be read or written is
ignored: the run is then cold, never wrong.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import re
import stat
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from im4cm_lint import __version__, cache_codec, i18n
from im4cm_lint.pack import TRANSLATIONS, Pack
from im4cm_lint.paths import repo_root

ENV_VAR = "IM4CM_LINT_CACHE_DIR"
_FORMAT = 5  # bump when what is stored changes shape (5: the index of files, findings per protocol)
_KEEP_RESULTS = 8  # whole-run results kept (one per recent combination of inputs)
_KEEP_PACKS = 4
_KEEP_PROJECTS = 64  # project folders kept in the base folder, the most recently used
_MAX_ENTRY = 256 * 1024 * 1024  # an entry file larger than this is not read
_KEY_FILE = "key"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache of im4cm-lint; see https://bford.info/cachedir/\n"
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
SUPPORTED = (hasattr(os, "O_NOFOLLOW") and os.open in os.supports_dir_fd and os.unlink in os.supports_dir_fd
             and os.mkdir in os.supports_dir_fd and os.listdir in os.supports_fd)


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass
class FileInput:
    """A file of the run: its bytes when it is a regular file under the size limit (else None,
    and the loader reports why), and the hash that stands for its content in every key. The
    bytes are read once per run: the findings, the suppression comments (``directive_source``)
    and the cache key all come from them, so a file saved during a run cannot mix two versions."""

    path: str
    shown: str
    data: bytes | None
    digest: str
    directive_source: bytes | None = None  # the bytes, kept when they hold a suppression comment
    problems: list = field(default_factory=list)  # what the loader would pass over (im4cm_lint.sniff)


# What every suppression comment, well or badly written, holds (suppressions.py's _COMMENT).
DIRECTIVE_MARK = re.compile(rb"#[ \t]*im4cm-lint[ \t]*:")


def read_regular(path: str | Path, limit: int) -> tuple[bytes | None, os.stat_result]:
    """(the bytes, the file's status) of a regular file of at most ``limit`` bytes; (None, status)
    for anything else. Opened without blocking, so a FIFO or a device is looked at, never read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None, info
        data = _read_up_to(fd, info.st_size, limit)
        return (data if len(data) <= limit else None), info
    finally:
        os.close(fd)


def _read_up_to(fd: int, size: int, limit: int) -> bytes:
    """The bytes of an open file of ``size`` bytes, read in one call, and at most ``limit`` + 1
    of them if it grew meanwhile (reading ``limit`` + 1 bytes at once would allocate them all)."""
    with open(fd, "rb", closefd=False) as handle:
        data = handle.read(size + 1)
        if len(data) > size:
            data += handle.read(limit + 1 - len(data))
    return data


def read_inputs(files: list[tuple[str, str]], max_size: int) -> list[FileInput]:
    """Read and hash every file once; oversized, special and unreadable files are left to the
    loader (which reads no more than their head) and stand in keys by their size and time.
    What the loader would pass over in silence (:mod:`im4cm_lint.sniff`) is found here, from
    the same bytes, and kept as the input's ``problems``."""
    from im4cm_lint import sniff

    inputs = []
    for path, shown in files:
        try:
            data, info = read_regular(path, max_size)
        except OSError as err:
            inputs.append(FileInput(path, shown, None, f"unreadable:{err.errno}"))
            continue
        if data is None:
            item = FileInput(path, shown, None, f"other:{info.st_mode}:{info.st_size}:{info.st_mtime_ns}")
            if stat.S_ISREG(info.st_mode):
                with contextlib.suppress(OSError):
                    item.problems = [p for p in [sniff.late_header(path, shown, info.st_size, max_size)] if p]
        else:
            item = FileInput(path, shown, data, digest(data), data if DIRECTIVE_MARK.search(data) else None,
                             sniff.input_problems(data, shown))
        inputs.append(item)
    return inputs


def directive_sources(inputs: list[FileInput]) -> dict[str, bytes]:
    """The bytes read this run of each file that may hold suppression comments, by shown path."""
    return {item.shown: item.directive_source for item in inputs if item.directive_source is not None}


def code_stamp(module_name: str) -> str | None:
    """Size and modification time of every file of the package a module belongs to (of the
    module alone when it is in no package): a check's helpers and data decide its findings as
    much as the check itself. None when there is no file to stamp."""
    top = sys.modules.get(module_name.partition(".")[0])
    filename = getattr(top, "__file__", None)
    if not filename:
        return None
    if os.path.basename(filename) != "__init__.py":
        files = [filename]
    else:  # os.walk, not Path.rglob: this runs on every run, and pathlib took milliseconds of it
        files = []
        for folder, subfolders, names in os.walk(os.path.dirname(filename)):
            subfolders[:] = [name for name in subfolders if name != "__pycache__"]
            files += (os.path.join(folder, name) for name in names)
        files.sort()
    parts = []
    for path in files:
        with contextlib.suppress(OSError):
            info = os.stat(path)
            if stat.S_ISREG(info.st_mode):
                parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return digest(*parts)


def engine_stamp() -> str:
    """The linter's version and code, Python's, and the versions of the YAML reader and of
    cerberus, and the language of the messages: what decides how a file is parsed and
    schema-checked, and what its findings say."""
    import importlib.util

    import yaml

    from im4cm_lint import loader, schemas

    cerberus = importlib.util.find_spec("cerberus")  # located, not imported: a warm run may not need it
    return digest(str(_FORMAT), __version__, sys.version, yaml.__version__, str(getattr(yaml, "__with_libyaml__", "")),
                  file_stamp(cerberus.origin if cerberus else None),
                  str((loader.MAX_DEPTH, loader.MAX_NODES, loader.MAX_DOCUMENTS, loader.MAX_FILE_PROBLEMS, schemas.MAX_ERRORS)),
                  code_stamp("im4cm_lint") or "-", i18n.stamp())


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


_MAX_STAMPED = 64 * 1024 * 1024  # a file larger than this stands in a key by its size and time


def _content(path: str | Path) -> bytes | str:
    """What stands for a file's content in a key: its bytes, or, for anything but a regular file
    of reasonable size (``baseline: /dev/zero``, a FIFO), its kind, size and time."""
    try:
        data, info = read_regular(path, _MAX_STAMPED)
    except OSError:
        return f"{path}:unreadable"
    return data if data is not None else f"{path}:other:{info.st_mode}:{info.st_size}:{info.st_mtime_ns}"


def folder_stamp(folders: Iterable[Path]) -> str:
    """The content of every YAML file under the folders (a policy pack and those it extends)."""
    parts: list[bytes | str] = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.y*ml")):
            parts += [str(path), _content(path)]
    return digest(*parts)


def file_stamp(path: str | Path | None) -> str:
    """A file's content as it stands in a key ("-" when there is none)."""
    if not path:
        return "-"
    return digest(str(path), _content(path))


class _Folder:
    """A folder of the cache, held open by descriptor. Every name below it is opened relative to
    that descriptor with no link followed, so a link planted in the cache leads nowhere."""

    def __init__(self, fd: int):
        self.fd = fd

    @classmethod
    def base(cls, path: Path) -> _Folder | None:
        """The base folder (created, for its owner only), which the user chose or the platform
        names: links above and at it are the user's own and are followed."""
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        return cls(fd)

    def sub(self, name: str) -> _Folder | None:
        """The folder ``name`` in this one (created when missing); None when it is anything but
        a folder of the user's own, a link to one included."""
        try:
            os.mkdir(name, 0o700, dir_fd=self.fd)
        except FileExistsError:
            pass
        except OSError:
            return None
        try:
            fd = os.open(name, _DIR_FLAGS, dir_fd=self.fd)
        except OSError:
            return None
        info = os.fstat(fd)
        if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "geteuid") and info.st_uid != os.geteuid()):
            os.close(fd)
            return None
        return _Folder(fd)

    def read(self, name: str) -> bytes | None:
        """The bytes of the regular file ``name``; None for anything else (a link, a FIFO, a
        device, a folder, a file too large) or when it cannot be read."""
        try:
            fd = os.open(name, _READ_FLAGS, dir_fd=self.fd)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_ENTRY:
                return None
            data = _read_up_to(fd, info.st_size, _MAX_ENTRY)
            return data if len(data) <= _MAX_ENTRY else None
        except OSError:
            return None
        finally:
            os.close(fd)

    def write(self, name: str, data: bytes) -> bool:
        """Replace ``name`` with ``data`` atomically: a temporary file created exclusively here,
        then renamed over the name (a link of that name is replaced, never followed)."""
        tmp = f".{name}-{os.getpid()}-{threading.get_ident()}.tmp"
        try:
            fd = os.open(tmp, _CREATE_FLAGS, 0o600, dir_fd=self.fd)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(tmp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            return True
        except OSError:  # a full disk or a read-only folder: the next run is cold, never wrong
            self.remove(tmp)
            return False

    def names(self) -> list[str]:
        try:
            return os.listdir(self.fd)
        except OSError:
            return []

    def modified(self, name: str) -> int:
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False).st_mtime_ns
        except OSError:
            return 0

    def remove(self, name: str) -> None:
        """Remove the file (or the link itself) ``name`` from this folder."""
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=self.fd)

    def remove_tree(self, name: str) -> None:
        """Remove the folder ``name`` and what it holds, never leaving this folder through a link."""
        import shutil

        with contextlib.suppress(OSError):
            if stat.S_ISDIR(os.stat(name, dir_fd=self.fd, follow_symlinks=False).st_mode):
                shutil.rmtree(name, dir_fd=self.fd)  # descriptor-based on POSIX: links are removed, not followed
            else:
                os.unlink(name, dir_fd=self.fd)

    def close(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1

    __del__ = close


def cache_home() -> Path:
    """The base folder of every project's cache: ``$IM4CM_LINT_CACHE_DIR``, else the platform's
    cache folder for the user."""
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "im4cm-lint"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "im4cm-lint"
    return Path.home() / ".cache" / "im4cm-lint"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _secret(base: _Folder) -> bytes | None:
    """The key that authenticates entries: created once, readable by its owner only."""
    stored = base.read(_KEY_FILE)
    if stored is None:
        fresh = os.urandom(32).hex().encode("ascii")
        try:
            fd = os.open(_KEY_FILE, _CREATE_FLAGS, 0o600, dir_fd=base.fd)
            try:
                os.write(fd, fresh)
            finally:
                os.close(fd)
        except OSError:
            pass  # another run created it first: read theirs
        stored = base.read(_KEY_FILE)
    if stored is None or len(stored) != 64:
        return None
    return stored


class Cache:
    """The cache folder of one project. Small parts (the pack, whole-run results) are files of
    their own under ``packs/`` and ``results/``; each linted file's entry is a file under
    ``files/``, written as soon as the file is parsed, so a large repository's entries never
    sit in memory all at once. Every write replaces a file atomically: concurrent runs never read
    half an entry."""

    def __init__(self, folder: _Folder, secret: bytes, stamp: str, where: Path):
        self.folder = folder
        self.where = where  # for messages and tests only: every access goes through ``folder``
        self.secret = secret
        self.stamp = stamp
        self._subs: dict[str, _Folder | None] = {}
        self._seen: set[str] = set()  # file entries read or written by this run
        self.pack_key = "-"  # set by resolve_pack

    @classmethod
    def open(cls, root: Path, home: Path | None = None) -> Cache | None:
        """The cache of the project at ``root``, or None when it cannot be used: the platform
        lacks safe file calls, the folder cannot be written, or it lies inside the project."""
        if not SUPPORTED:
            return None
        home = Path(os.path.abspath(home or cache_home()))
        project = Path(os.path.realpath(root))
        with contextlib.suppress(OSError):
            if _inside(Path(os.path.realpath(home)), repo_root(project) or project):
                return None  # the repository under review could have written it
        base = _Folder.base(home)
        if base is None:
            return None
        try:
            secret = _secret(base)
            name = digest("project", str(project))
            folder = base.sub(name) if secret else None
            tag = _TAG.encode("ascii")  # written once (a write costs milliseconds of a pre-commit run)
            if folder is None or (folder.read("CACHEDIR.TAG") != tag and not folder.write("CACHEDIR.TAG", tag)):
                return None
            _forget_old_projects(base, keep=name)
        finally:
            base.close()
        return cls(folder, secret, engine_stamp(), home / name)

    # -- storage -------------------------------------------------------------------------------

    def _sub(self, name: str) -> _Folder | None:
        if name not in self._subs:
            self._subs[name] = self.folder.sub(name)
        return self._subs[name]

    def _mac(self, kind: str, key: str, payload: bytes) -> bytes:
        return hmac.new(self.secret, b"\x1f".join([kind.encode(), key.encode(), self.stamp.encode(), payload]),
                        hashlib.blake2b).hexdigest().encode("ascii")

    def _read(self, kind: str, name: str, key: str) -> Any:
        """What the entry ``kind/name`` holds for ``key``, if this linter, as it is now, wrote it
        with this cache's key and nobody changed it since; else None."""
        folder = self._sub(kind)
        data = folder.read(name) if folder else None
        if not data:
            return None
        mac, _, payload = data.partition(b"\n")
        if not hmac.compare_digest(mac, self._mac(kind, key, payload)):
            return None
        try:
            return cache_codec.loads(payload)
        except cache_codec.Unreadable:
            return None

    def _write(self, kind: str, name: str, key: str, value: Any, left_out: tuple | None = None) -> None:
        """Store ``value`` (``left_out``: as :func:`im4cm_lint.cache_codec.dumps` takes it)."""
        folder = self._sub(kind)
        if folder is None:
            return
        try:
            payload = cache_codec.dumps(value, left_out)
        except (TypeError, ValueError, RecursionError):  # a value the cache does not keep: not stored
            return
        folder.write(name, self._mac(kind, key, payload) + b"\n" + payload)

    def _trim(self, kind: str, keep: int) -> None:
        """Keep the ``keep`` most recently written entries of ``kind``."""
        folder = self._sub(kind)
        if folder is None:
            return
        names = sorted((n for n in folder.names() if not n.startswith(".")), key=folder.modified)
        for name in names[:-keep]:
            folder.remove(name)

    def save(self) -> None:
        """Entries are written as they are made; this closes the folders."""
        for folder in self._subs.values():
            if folder is not None:
                folder.close()
        self._subs.clear()

    # -- per file: documents and PARSE/SCHEMA findings ------------------------------------------

    def _entry(self, item: FileInput) -> str:
        name = digest(os.path.abspath(item.path))
        self._seen.add(name)
        return name

    def file_result(self, item: FileInput) -> tuple[list[bool], list, list | None] | None:
        """(schema_ok of each document, findings, the documents' trees or None) of a file whose
        bytes are unchanged, else None."""
        entry = self._read("files", self._entry(item), item.digest)
        if isinstance(entry, tuple) and len(entry) == 5 and entry[0] == item.digest and entry[1] == item.shown \
                and isinstance(entry[2], list) and isinstance(entry[3], list):
            return entry[2], entry[3], entry[4]
        return None

    def store_file_result(self, item: FileInput, outcome: tuple[list[bool], list, list | None]) -> None:
        self._write("files", self._entry(item), item.digest, (item.digest, item.shown, *outcome))

    def prune_files(self) -> None:
        """Drop the entries this run did not use: call it after a run over the whole project,
        when every file that still exists has been read."""
        folder = self._sub("files")
        for name in folder.names() if folder else []:
            if name not in self._seen:
                folder.remove(name)

    def keep_file(self, item: FileInput) -> None:
        """The entry of a file this run did not need to read is still the project's (not pruned)."""
        self._entry(item)

    # -- per protocol: the index of the documents, and the findings of "protocol" rules ---------

    def file_index(self) -> dict:
        """Shown path -> (hash of the file, its documents as (index, kind, id, protocol), its
        PARSE/SCHEMA findings) as the last run saw them; empty when there is none."""
        stored = self._read("index", "files", "files")
        return stored if isinstance(stored, dict) else {}

    def store_file_index(self, index: dict) -> None:
        self._write("index", "files", "files", index)

    def protocol_results(self, key: str) -> tuple[list, dict] | None:
        """(findings, System sources read) of one protocol's "protocol" rules, when kept for ``key``."""
        stored = self._read("protocols", key, key)
        if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], list) \
                and isinstance(stored[1], dict):
            return stored
        return None

    def store_protocol_results(self, key: str, findings: list, sources: dict) -> None:
        self._write("protocols", key, key, (findings, sources))

    def trim_protocols(self, keep: int) -> None:
        self._trim("protocols", keep)

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
        self.pack_key = key = digest(repr(ref), str(base_dir), os.getcwd(), *map(str, available), folder_stamp(lineage))
        stored = self._read("packs", key, key)
        if isinstance(stored, tuple) and len(stored) == 6 and isinstance(stored[4], list) \
                and (stored[5] is None or isinstance(stored[5], list)):
            name, version, lineage_refs, overrides, diagnostics, languages = stored
            body = functools.cache(lambda: self._pack_body(key, folder, available))
            sections = functools.cache(lambda: self._pack_sections(key, body))
            return packs.PackLoad(StoredPack(body, name, version, folder, lineage_refs, overrides, sections, languages),
                                  diagnostics)
        load = packs.load_pack_folder(folder, available)
        pack = load.pack
        if pack is not None:
            self._write("bodies", key, key, pack.body)
            self._trim("bodies", _KEEP_PACKS)
            self._write("sections", key, key, pack.body, left_out=(pack.body, packs.TRANSLATIONS))
            self._trim("sections", _KEEP_PACKS)
            translations = pack.body.get(packs.TRANSLATIONS)
            languages = list(translations) if isinstance(translations, dict) else None
            self._write("packs", key, key, (pack.name, pack.version, pack.lineage, pack.overrides, load.diagnostics,
                                            languages))
            self._trim("packs", _KEEP_PACKS)
        return load

    def _pack_body(self, key: str, folder: Path, available: list[Path]) -> Any:
        """The body of a stored pack, from the cache, or loaded again when its entry is gone."""
        from im4cm_lint import pack as packs
        from im4cm_lint.yamltree import YMap

        body = self._read("bodies", key, key)
        if isinstance(body, YMap):
            return body
        return packs.load_pack_folder(folder, available).pack.body

    def _pack_sections(self, key: str, body: Callable[[], Any]) -> Any:
        """The body of a stored pack without its translations (three fifths of the standard's
        body), from the cache; the whole ``body()`` when that entry is gone."""
        from im4cm_lint.yamltree import YMap

        sections = self._read("sections", key, key)
        return sections if isinstance(sections, YMap) else body()

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
        return self._read("results", key, key)

    def store_results(self, key: str, payload: Any) -> None:
        self._write("results", key, key, payload)
        self._trim("results", _KEEP_RESULTS)


class StoredPack(Pack):
    """A policy pack read back from the cache. Its name, version, folder and lineage come at once;
    its body, thousands of positioned values, is read from the cache when a check first needs it,
    which a run answered whole from the cache never does. The checks read the sections from a
    copy of the body without its translations (``sections``): the translations are read only in
    a language the pack has words in (``languages``; None: not known, they are read)."""

    def __init__(self, body: Callable[[], Any], name: str, version: str, folder: Path, lineage: list[str],
                 overrides: dict[str, Any] | None = None, sections: Callable[[], Any] | None = None,
                 languages: list | None = None):  # noqa: D107 - Pack's, with the body deferred
        self._body = body  # memoized: every copy made by with_overrides reads it once
        self._sections = sections or body  # memoized too
        self._languages = languages
        self._name, self._version = name, version
        self.folder, self.lineage, self.overrides = folder, lineage, dict(overrides or {})

    @property
    def body(self) -> Any:  # type: ignore[override]
        return self._body()

    @property
    def metadata(self) -> Any:
        return self._sections()["metadata"]

    def section(self, name: str, default: Any = None) -> Any:
        return (self.body if name == TRANSLATIONS else self._sections()).get(name, default)

    def translation(self, kind: str, entry_id: str, field: str, language: str | None = None) -> str | None:
        if self._languages is not None and (language or i18n.current()) not in self._languages:
            return None  # the pack has no words in that language (as Pack.translation finds)
        return super().translation(kind, entry_id, field, language)

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> str:
        return self._version

    def with_overrides(self, overrides: dict[str, Any]) -> StoredPack:
        return StoredPack(self._body, self._name, self._version, self.folder, self.lineage,
                          {**self.overrides, **overrides}, self._sections, self._languages)


def _forget_old_projects(base: _Folder, keep: str) -> None:
    """Keep the base folder small: the caches of the least recently used projects go."""
    projects = [n for n in base.names() if n != keep and n != _KEY_FILE and not n.startswith(".")]
    if len(projects) < _KEEP_PROJECTS:
        return
    for name in sorted(projects, key=base.modified)[:len(projects) - _KEEP_PROJECTS + 1]:
        base.remove_tree(name)
