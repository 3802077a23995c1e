"""Reading the files a ``System`` document points at (FORMAT.md 5.3), safely and within limits.

A System document names a file that a system wrote about its own configuration (a Primero
bundle, a forms export, an XLSForm, an OpenFn project). Checks never open files themselves:
they ask the project for a :class:`SourceFiles`, which hands out bytes only of regular files
inside the repository, under a size limit, and remembers what it read so that a cached run is
not reused after one of those files changed. The engine does not interpret the bytes: what they
mean is the business of the plugin that knows the format.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path, PurePosixPath

from im4cm_lint.i18n import _

MAX_SOURCE_BYTES = 16 * 1024 * 1024  # a real Primero bundle of a large deployment is 2-8 MB


class SourceError(Exception):
    """A source file that may not or cannot be read; the message says why, in the user's words."""


class SourceFiles:
    """The files of one System document's source: ``path`` relative to the document's folder,
    confined to ``root`` (the repository: links and ``..`` that leave it are refused)."""

    def __init__(self, document_path: str, root: Path, limit: int = MAX_SOURCE_BYTES,
                 record: dict[str, str] | None = None):
        self.base = Path(document_path).parent
        self.root = root.resolve()
        self.limit = limit
        # each file asked for (as named, made absolute) -> what was found there (see :func:`found`)
        self.record = record if record is not None else {}

    def shown(self, relative: str, start: str | None = None) -> str:
        """The path of ``relative`` (to the document, or to the file ``start`` when given) as
        findings show it: '/'-separated, relative to the working directory where possible."""
        folder = Path(start).parent if start else self.base
        joined = os.path.normpath(folder / relative)
        return PurePosixPath(Path(joined).as_posix()).as_posix()

    def resolve(self, relative: str, start: str | None = None) -> Path:
        """The real file ``relative`` names, or SourceError when it is absent, not a regular
        file, or outside the repository (an absolute path, ``..`` or a link leaving it)."""
        if not isinstance(relative, str) or not relative.strip():
            raise SourceError(_("the source path is empty"))
        if "\x00" in relative or os.path.isabs(relative) or relative.startswith(("~", "\\")):
            raise SourceError(_("the source path must be relative to the document, inside the repository"))
        folder = Path(start).parent if start else self.base
        target = folder / relative
        try:
            real = target.resolve(strict=True)
        except FileNotFoundError:
            raise SourceError(_("'{path}' does not exist", path=self.shown(relative, start))) from None
        except (OSError, RuntimeError) as err:  # link loops, permissions
            raise SourceError(_("'{path}' cannot be read: {reason}", path=self.shown(relative, start),
                                 reason=str(getattr(err, "strerror", None) or err))) from None
        if real != self.root and self.root not in real.parents:
            raise SourceError(_("'{path}' leads outside the repository; keep the system's files inside it",
                                path=self.shown(relative, start)))
        return real

    def read(self, relative: str, start: str | None = None, limit: int | None = None) -> bytes:
        """The bytes of a regular file inside the repository, at most ``limit`` bytes (else
        SourceError naming the limit). What was found is recorded, a file that is not there or
        cannot be read too, so that a cached run is not reused once any of it changes."""
        limit = limit or self.limit
        asked = self._asked(relative, start)
        try:
            data = self._read(relative, start, limit)
        except SourceError:
            if asked:
                self.record[asked] = found(asked, limit, str(self.root))
            raise
        if asked:
            self.record[asked] = _state(limit, str(self.root), str(self.resolve(relative, start)),
                                        hashlib.blake2b(data, digest_size=16).hexdigest())
        return data

    def _asked(self, relative: str, start: str | None) -> str | None:
        """The file a source path names, made absolute, when it lies in the repository as written
        (a path that does not is refused whatever is on disk, and nothing is recorded of it)."""
        if not isinstance(relative, str) or "\x00" in relative or os.path.isabs(relative):
            return None
        asked = os.path.abspath((Path(start).parent if start else self.base) / relative)
        return asked if _inside(asked, str(self.root)) or _inside(os.path.realpath(asked), str(self.root)) else None

    def _read(self, relative: str, start: str | None, limit: int) -> bytes:
        real = self.resolve(relative, start)
        shown = self.shown(relative, start)
        try:
            info = os.stat(real)
            if not stat.S_ISREG(info.st_mode):
                raise SourceError(_("'{path}' is not a regular file", path=shown))
            if info.st_size > limit:
                raise SourceError(_("'{path}' has {size} bytes, more than the {limit} that are read", path=shown,
                                    size=format(info.st_size, ","), limit=format(limit, ",")))
            with open(real, "rb") as handle:
                data = handle.read(limit + 1)
        except OSError as err:
            raise SourceError(_("'{path}' cannot be read: {reason}", path=shown,
                                reason=str(err.strerror or err))) from None
        if len(data) > limit:
            raise SourceError(_("'{path}' has more than the {limit} bytes that are read", path=shown,
                                limit=format(limit, ",")))
        return data


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _state(limit: int, root: str, real: str, what: str) -> str:
    return f"{limit}\x1e{root}\x1e{real}\x1e{what}"


def found(asked: str, limit: int, root: str) -> str:
    """What stands at ``asked`` now, as a record keeps it: the real file it leads to and the hash
    of its bytes, or why it gives none (absent, outside the repository ``root``, not a regular
    file, too large, unreadable). Nothing outside ``root`` is read."""
    try:
        real = os.path.realpath(asked, strict=True)
        info = os.stat(real)
    except (OSError, ValueError):
        return _state(limit, root, "", "absent")
    if not _inside(real, root):
        return _state(limit, root, real, "outside")
    if not stat.S_ISREG(info.st_mode):
        return _state(limit, root, real, f"other:{stat.S_IFMT(info.st_mode)}")
    if info.st_size > limit:
        return _state(limit, root, real, f"size:{info.st_size}")
    try:
        with open(real, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as err:
        return _state(limit, root, real, f"error:{err.errno}")
    if len(data) > limit:
        return _state(limit, root, real, f"size:{len(data)}")
    return _state(limit, root, real, hashlib.blake2b(data, digest_size=16).hexdigest())


def unchanged(record: dict[str, str]) -> bool:
    """Whether every file in ``record`` (see :class:`SourceFiles`) still gives what it gave."""
    for asked, known in record.items():
        limit, _, rest = str(known).partition("\x1e")
        root = rest.partition("\x1e")[0]
        if not limit.isdigit() or found(asked, int(limit), root) != known:
            return False
    return True
