"""Positioned YAML values: plain dicts and lists that remember where each key and value stood.

Checks read documents as ordinary Python data (``doc["parties"][0]["id"]``) and point at a node
with :func:`locate`, which returns its file position and its logical YAML path. The path uses
list items' ``id`` (``sharing[sc-to-unhcr]``) or scalar value rather than their index, so it
survives reordering and edits above the node.
"""

from __future__ import annotations

from typing import Any

from im4cm_lint.diagnostics import Location

_MISSING = object()


class Source:
    """The document a container belongs to: file path as shown to users, index in the file, id."""

    __slots__ = ("path", "doc_index", "doc_id")

    def __init__(self, path: str, doc_index: int = 0, doc_id: str = ""):
        self.path = path
        self.doc_index = doc_index
        self.doc_id = doc_id


class YMap(dict):
    """A mapping with the 1-based position of itself, of each key and of each value."""

    __slots__ = ("line", "column", "key_pos", "value_pos", "parent", "parent_key", "source")

    def __init__(self, source: Source, line: int, column: int):
        super().__init__()
        self.source, self.line, self.column = source, line, column
        self.key_pos: dict[Any, tuple[int, int]] = {}
        self.value_pos: dict[Any, tuple[int, int]] = {}
        self.parent: YMap | YSeq | None = None
        self.parent_key: Any = None


class YSeq(list):
    """A sequence with the 1-based position of itself and of each item."""

    __slots__ = ("line", "column", "item_pos", "parent", "parent_key", "source")

    def __init__(self, source: Source, line: int, column: int):
        super().__init__()
        self.source, self.line, self.column = source, line, column
        self.item_pos: list[tuple[int, int]] = []
        self.parent: YMap | YSeq | None = None
        self.parent_key: Any = None


def _segment(container: YMap | YSeq, key: Any) -> str:
    if isinstance(container, YSeq):
        item = container[key] if isinstance(key, int) and 0 <= key < len(container) else None
        if isinstance(item, YMap) and isinstance(item.get("id"), str):
            return f"[{item['id']}]"
        if isinstance(item, str):
            return f"[{item}]"
        return f"[{key}]"
    text = str(key)
    if any(ch in text for ch in ".[]") or not text:
        return f'["{text}"]'
    return f".{text}"


def yaml_path(container: YMap | YSeq, key: Any = _MISSING) -> str:
    """The logical address of ``container`` (or of its ``key``), e.g. ``sharing[r1].categories``."""
    parts: list[str] = []
    if key is not _MISSING:
        parts.append(_segment(container, key))
    node: YMap | YSeq | None = container
    while node is not None and node.parent is not None:
        parts.append(_segment(node.parent, node.parent_key))
        node = node.parent
    return "".join(reversed(parts)).lstrip(".")


def locate(container: YMap | YSeq, key: Any = _MISSING, *, on_key: bool = False) -> Location:
    """Where to point a finding about ``container`` or about its ``key``.

    A value that is present is pointed at itself (``on_key`` points at the key instead, as for an
    unknown key). A key that is absent points at the mapping that lacks it, while the YAML path
    still names the key, so the finding keeps a stable identity.
    """
    line, column = container.line, container.column
    if key is not _MISSING:
        if isinstance(container, YMap):
            table = container.key_pos if on_key else container.value_pos
            line, column = table.get(key, (line, column))
        elif isinstance(key, int) and 0 <= key < len(container.item_pos):
            line, column = container.item_pos[key]
    source = container.source
    return Location(source.path, line, column, source.doc_id, yaml_path(container, key))


def to_plain(value: Any) -> Any:
    """A copy made of builtin dicts and lists (for JSON output and round-trip writers)."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value
