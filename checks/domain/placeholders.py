"""How a message quotes a placeholder so that the user finds it in the file: its words when the
pack's own words make it (contract 5.5; otherwise by position and length), and, when the value runs
over several lines, the line and column where it starts (the words alone would not match the file,
where line breaks and indentation stand between them)."""

from __future__ import annotations

from typing import Any

from im4cm_lint.i18n import _
from im4cm_lint.pack import Pack
from im4cm_lint.values import quotable, shown
from im4cm_lint.yamltree import YMap, YSeq, locate, position_in_value

from im4cm_lint_checks.domain.clauses import pack_words


def quoted_placeholder(container: YMap | YSeq, key: Any, placeholder: str, pack: Pack) -> str:
    """``"[INSERT ...]"`` (or its position and length when words other than the pack's are in it),
    followed by ``(line L, column C)`` when it starts on another line than the value it is in."""
    words = " ".join(placeholder.split())
    known = {word.strip("[](),.;:") for word in pack_words(pack)}
    own = all(not word or word in known or quotable(word) for word in (w.strip("[](),.;:") for w in words.split()))
    quoted = f'"{words}"' if own else shown(words)
    start = position_in_value(container, key, placeholder)
    if start is None or start[0] == locate(container, key).line:
        return quoted
    return _("{placeholder} (line {line}, column {column})", placeholder=quoted, line=start[0], column=start[1])
