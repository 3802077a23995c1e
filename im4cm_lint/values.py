"""Quoting document values in messages without repeating personal data (contract 5.5).

A message may quote a value from a document only when it is an id, a date, a number, an enum
value or words of the pack's own texts. Any other value (free text, a name, a field name that is
not an identifier) is shown by position and length: ``[15 characters at 12:5]``.

Rules write ``f"unknown key {shown(key, at)}"``. For a value that may not be quoted, ``shown``
returns a marker that carries the raw value; ``Diagnostic`` takes every marker out of its message
when it is built, keeps the position-and-length text in ``message`` and the raw value in
``Diagnostic.values``, which only the text reporter prints, and only with ``--show-values``.
Strings that never become a Diagnostic (a walkthrough line, a report cell) go through ``plain``.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any, Iterable

_OPEN, _MID, _CLOSE = "\ue000", "\ue001", "\ue002"  # private-use characters, removed from values
_MARKER = re.compile(f"{_OPEN}([^{_MID}]*){_MID}([^{_CLOSE}]*){_CLOSE}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?\Z")


@functools.lru_cache(maxsize=1)
def _id_pattern() -> re.Pattern:
    from im4cm_lint.schemas import ID, SYSTEM_ID  # the contract's one ID pattern

    return re.compile(rf"(?:{ID}|{SYSTEM_ID})\Z")


def quotable(value: Any, vocabulary: Iterable[str] = ()) -> bool:
    """Whether a message may repeat ``value``: an id-like token, an ISO date, a number, a boolean,
    a member of ``vocabulary`` (an enum, the pack's ids) or words that are all in it (the words of
    the pack's texts)."""
    if value is None or isinstance(value, (bool, int, float, datetime.date)):
        return True
    if not isinstance(value, str):
        return False
    if len(value) <= 100 and (_id_pattern().match(value) or _DATE.match(value) or _NUMBER.match(value)):
        return True
    known = vocabulary if isinstance(vocabulary, (set, frozenset)) else set(vocabulary)
    return value in known or bool(known and value.split() and all(word in known for word in value.split()))


def where_of(at: Any) -> str:
    """'12:5' from a (line, column) pair, a Location or anything with ``line`` and ``column``;
    '' when unknown (the finding's own position is then used)."""
    if at is None:
        return ""
    if isinstance(at, tuple):
        return f"{at[0]}:{at[1]}"
    return f"{at.line}:{at.column}"


def shown(value: Any, at: Any = None, *, vocabulary: Iterable[str] = (), quote: bool = True,
          label: str | None = None) -> str:
    """``value`` as a message may show it: quoted (``'x'``, or bare with ``quote=False``) when
    ``quotable``, else a marker that ``Diagnostic`` turns into ``[N characters at L:C]``.
    ``at`` is where the value stands (default: where the finding points); ``label`` words the
    placeholder instead (``2 words (9 characters)``) and always hides the value."""
    if label is not None:
        return f"{_OPEN}={label.replace(_MID, '')}{_MID}{_clean(str(value))}{_CLOSE}"
    if quotable(value, vocabulary):
        text = str(value)
        return f"'{text}'" if quote else text
    return f"{_OPEN}{where_of(at)}{_MID}{_clean(str(value))}{_CLOSE}"


def _clean(raw: str) -> str:
    for char in (_OPEN, _MID, _CLOSE):
        raw = raw.replace(char, "")
    return raw


def placeholder(where: str, raw: str) -> str:
    """What a message says instead of a value it may not quote."""
    if where.startswith("="):
        return where[1:]
    from im4cm_lint.i18n import _n

    if where:
        return _n("[{n} character at {where}]", "[{n} characters at {where}]", len(raw), where=where)
    return _n("[{n} character]", "[{n} characters]", len(raw))


def split(message: str, here: str = "") -> tuple[str, tuple[tuple[str, str], ...]]:
    """The message with its markers replaced by placeholders, and (placeholder, raw value) pairs.
    ``here`` ('12:5') stands for markers that did not say where their value is."""
    if _OPEN not in message:
        return message, ()
    pairs: list[tuple[str, str]] = []

    def swap(match: re.Match) -> str:
        text = placeholder(match.group(1) or here, match.group(2))
        pairs.append((text, match.group(2)))
        return text

    cleaned = _MARKER.sub(swap, message)
    for char in (_OPEN, _MID, _CLOSE):  # an unbalanced marker never leaks its value either
        cleaned = cleaned.split(char)[0] if char == _OPEN else cleaned.replace(char, "")
    return cleaned, tuple(pairs)


def plain(text: str, here: str = "") -> str:
    """A string that holds markers but never becomes a Diagnostic (a walkthrough line, a report
    cell), with its values shown by position."""
    return split(text, here)[0]


_PATH_PARTS = re.compile(r"(\.|\[|\])")


def safe_path(yaml_path: str) -> str:
    """A YAML path (``sharing[sc-to-unhcr].categories[2]``) as outputs may carry it: each key or
    item name that may not be quoted becomes ``<N characters>``."""
    parts = _PATH_PARTS.split(yaml_path)
    return "".join(part if not part or _PATH_PARTS.fullmatch(part) or quotable(part)
                   else f"<{len(part)} characters>" for part in parts)


def reveal(message: str, values: Iterable[tuple[str, str]]) -> str:
    """The message with each placeholder replaced by the value it stands for (``--show-values``)."""
    for text, raw in values:
        message = message.replace(text, repr(raw), 1)
    return message
