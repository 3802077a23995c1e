"""Files that are, or look like, im4cm documents but that the loader would pass over in silence.

The loader reads a document when its bytes hold ``im4cm/`` and its ``apiVersion`` starts with
it; anything else is taken for other YAML and ignored, so that the linter can run over a whole
repository. A pull request can use that to hide a document from the gate: ``apiversion:``,
``IM4CM/v1``, UTF-16 without a byte-order mark, a file over the size limit whose header comes
after the first 64 KiB, the same document saved as ``.json``. This module finds them from the
bytes read once per run (or, for files the loader never reads, from their head), so that each
is reported instead.
"""

from __future__ import annotations

import codecs
import os
import re

from im4cm_lint.i18n import _
from im4cm_lint.diagnostics import Diagnostic, Location
from im4cm_lint.engine_rules.parse import BadEncoding, FileTooLarge
from im4cm_lint.engine_rules.schema import MisspeltHeader

HEAD = 64 * 1024  # what the loader reads of a file over the size limit
SCAN_LIMIT = 256 * 1024 * 1024  # a file over the limit is searched this far for a header
_CHUNK = 1024 * 1024
_EXACT_KEY, _EXACT_VALUE = b"apiVersion", b"im4cm/"
_MARK = b"im4cm"
# An apiVersion stated on a line, however spelt: at the line's start (block style) or after '{' or
# ',' (JSON and flow mappings). Searched only on the lines that mention im4cm, in any case.
_HEADER = re.compile(rb"""(?:^[ \t]*|[{,][ \t]*)["']?(?P<key>api[-_ ]?version)["']?[ \t]*:[ \t]*["']?"""
                     rb"""(?P<value>[^\s"',}#]*)""", re.IGNORECASE | re.MULTILINE)
_WIDE = {"UTF-16LE": "utf-16-le", "UTF-16BE": "utf-16-be", "UTF-32LE": "utf-32-le", "UTF-32BE": "utf-32-be"}


def headers(data: bytes) -> list[tuple[int, int, bytes, bytes]]:
    """(line, column, key, value) of every apiVersion in ``data`` that names im4cm, in any case."""
    lower = data.lower()
    found = []
    line, counted = 1, 0  # line numbers are counted on from the last hit: linear in the file's size
    at = lower.find(_MARK)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end
        for match in _HEADER.finditer(data, start, end):
            if match.group("value").lower().startswith(_MARK):
                line, counted = line + data.count(b"\n", counted, start), start
                found.append((line, match.start("key") - start + 1, match.group("key"), match.group("value")))
        at = lower.find(_MARK, end)
    return found


def is_exact(key: bytes, value: bytes) -> bool:
    return key == _EXACT_KEY and value.startswith(_EXACT_VALUE)


def near_misses(data: bytes, shown: str) -> list[Diagnostic]:
    """MisspeltHeader (SCHEMA010) for each apiVersion line that almost names the contract: a document the loader
    would take for other YAML."""
    found = []
    for line, column, key, value in headers(data):
        if is_exact(key, value):
            continue
        wrote = f"{key.decode('ascii', 'replace')}: {value.decode('ascii', 'replace')}"[:60]
        found.append(MisspeltHeader.at(
            Location(shown, line, column),
            _("'{header}' looks like the header of an im4cm document but is misspelt, so the document is not "
              "checked; write 'apiVersion: im4cm/v1' (the key and the value are case-sensitive)", header=wrote)))
    return found


def wide_encoding(data: bytes) -> str | None:
    """The name of the UTF-16 or UTF-32 encoding of a text that mentions im4cm without a
    byte-order mark (the loader reports those with one), else None."""
    if data.find(b"\x00", 0, HEAD) < 0:
        return None
    cut = min(len(data), HEAD)
    for name, codec in _WIDE.items():
        try:
            text = data[:cut - cut % 4].decode(codec, "strict")
        except UnicodeDecodeError:
            continue
        if "im4cm" in text.lower():
            return name
    return None


def input_problems(data: bytes, shown: str) -> list[Diagnostic]:
    """What the loader would pass over in the bytes of a file it reads: a misspelt header, or
    an im4cm document in UTF-16 or UTF-32 without a byte-order mark."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return []  # the loader reports these
    wide = wide_encoding(data)
    if wide:
        return [BadEncoding.at(Location(shown, 1, 1), _("the file is {encoding} encoded without a byte-order mark, "
                                                        "so it is not checked; save it as UTF-8", encoding=wide))]
    return near_misses(data, shown)


def late_header(path: str, shown: str, size: int, limit: int) -> Diagnostic | None:
    """FileTooLarge (PARSE007) for a file over the size limit that states an im4cm header (spelt right or
    nearly) the loader cannot see, that is, not in its first 64 KiB; also for a file too large to
    search (over SCAN_LIMIT) without one in what was searched."""
    with open(path, "rb", buffering=0) as handle:
        head = handle.read(HEAD)
        if _EXACT_VALUE in head:
            return None  # the loader reports it
        found = bool(headers(head))
        carry = head[head.rfind(b"\n") + 1:]  # a header line cut by the end of a chunk is read whole
        read = len(head)
        while not found and read < min(size, SCAN_LIMIT):
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            window = carry + chunk
            found = bool(headers(window))
            carry, read = window[window.rfind(b"\n") + 1:][-HEAD:], read + len(chunk)
    if not found and size <= SCAN_LIMIT:
        return None
    what = (_("states an im4cm apiVersion the linter does not reach") if found else
            _("is too large to search for one (over {limit} MB)", limit=SCAN_LIMIT // 1_048_576))
    return FileTooLarge.at(Location(shown, 1, 1),
                           _("the file is {size} MB, over the {limit} MB limit, and {what}: it may hold an im4cm "
                             "document that is not checked; split it, move it out of the repository, or raise "
                             "'max-file-size' in the configuration",
                             size=format(size / 1_048_576, ".1f"), limit=format(limit / 1_048_576, ".1f"), what=what))


def head_of(path: str, size: int = HEAD) -> bytes | None:
    """The first bytes of a regular file, read without blocking on a FIFO or a device."""
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, size)
    finally:
        os.close(fd)


def holds_document(data: bytes) -> bool:
    """Whether bytes state an im4cm header, spelt right or nearly."""
    return bool(headers(data)) or wide_encoding(data) is not None
