"""How a message quotes a placeholder so that the user finds it in the file: its words, and,
when the value runs over several lines, the line and column where it starts (the words alone
would not match the file, where line breaks and indentation stand between them)."""

from __future__ import annotations

from typing import Any

from im4cm_lint.yamltree import YMap, YSeq, locate, position_in_value


def quoted_placeholder(container: YMap | YSeq, key: Any, placeholder: str) -> str:
    """``"[INSERT ...]"``, followed by ``(line L, column C)`` when it starts on another line than
    the value it is in."""
    words = " ".join(placeholder.split())
    start = position_in_value(container, key, placeholder)
    if start is None or start[0] == locate(container, key).line:
        return f'"{words}"'
    return f'"{words}" (line {start[0]}, column {start[1]})'
