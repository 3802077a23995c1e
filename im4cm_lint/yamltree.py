"""Positioned YAML values: plain dicts and lists that remember where each key and value stood.

Checks read documents as ordinary Python data (``doc["parties"][0]["id"]``) and point at a node
with :func:`locate`, which returns its file position and its logical YAML path. The path uses
list items' ``id`` (``sharing[sc-to-unhcr]``) or scalar value rather than their index, so it
survives reordering and edits above the node.
"""

from __future__ import annotations

import re
from typing import Any

from im4cm_lint.diagnostics import Location

_MISSING = object()


class Source:
    """The document a container belongs to: file path as shown to users, index in the file, id,
    and the file's text (to find where words of a value stand, see :func:`position_in_value`)."""

    __slots__ = ("path", "doc_index", "doc_id", "text")

    def __init__(self, path: str, doc_index: int = 0, doc_id: str = "", text: str = ""):
        self.path = path
        self.doc_index = doc_index
        self.doc_id = doc_id
        self.text = text


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
        name = item.get("id") if isinstance(item, YMap) else item
        if isinstance(name, str) and name and not any(ch in name for ch in "[]"):
            return f"[{name}]"
        return f"[{key}]"  # by position: a name with brackets (a placeholder) would not read back
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


# compiled (and cached by ``re``) on first use: most runs read no path back
_PATH_TOKEN = r'\["(?P<quoted>.*?)"\]|\[(?P<item>[^\]]*)\]|\.?(?P<key>[^.\[\]]+)'


def parse_yaml_path(path: str) -> list[tuple[str, str]]:
    """The steps of a path written by :func:`yaml_path`: ``("key", name)`` for ``.name`` and
    ``["a.b"]``, ``("item", text)`` for ``[id]``, ``[value]`` or ``[N]``. Raises ValueError on
    text that is not such a path."""
    steps: list[tuple[str, str]] = []
    token = re.compile(_PATH_TOKEN)
    position = 0
    while position < len(path):
        match = token.match(path, position)
        if match is None or match.end() == position:
            raise ValueError(f"not a YAML path: {path!r} (at character {position + 1})")
        if match.group("item") is not None:
            steps.append(("item", match.group("item")))
        else:
            steps.append(("key", match.group("quoted") if match.group("quoted") is not None else match.group("key")))
        position = match.end()
    return steps


def find_item(items: list, text: str) -> int | None:
    """The index a ``[text]`` step names: the mapping whose ``id`` is ``text``, else the scalar
    item equal to it, else the position ``text`` when it is a number."""
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == text:
            return index
    for index, item in enumerate(items):
        if isinstance(item, str) and item == text:
            return index
    if text.isdigit() and int(text) < len(items):
        return int(text)
    return None


def follow(root: Any, path: str) -> tuple[Any, Any]:
    """The container holding the node at ``path`` and the node's key or index in it, in any
    tree of dicts and lists (positioned values or ruamel.yaml's round-trip values). The last key
    need not exist (a missing key is a place to add it); a missing step before it is a KeyError."""
    steps = parse_yaml_path(path)
    if not steps:
        raise KeyError("an empty path names the whole document")
    node = root
    for number, (kind, text) in enumerate(steps):
        last = number == len(steps) - 1
        if kind == "key" and isinstance(node, dict):
            key: Any = text
            if not last and key not in node:
                raise KeyError(f"no key '{text}' in {path}")
        elif kind == "item" and isinstance(node, list):
            key = find_item(node, text)
            if key is None:
                raise KeyError(f"no item [{text}] in {path}")
        else:
            raise KeyError(f"{path} does not match the document's structure at '{text}'")
        if last:
            return node, key
        node = node[key]
    raise AssertionError("unreachable")


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


def position_in_value(container: YMap | YSeq, key: Any, words: str) -> tuple[int, int] | None:
    """(line, column) in the file where ``words``, found in the string value at ``key``, start:
    a value written over several lines (a block or folded scalar) holds them with its line breaks
    and indentation in place of spaces, so a message can say where to look. None when the file's
    text is not known or does not show them."""
    location = locate(container, key)
    text = container.source.text
    parts = words.split()
    if not text or not parts:
        return None
    lines = text.split("\n")
    if not 0 < location.line <= len(lines):
        return None
    start = sum(len(line) + 1 for line in lines[:location.line - 1]) + location.column - 1
    value = container[key] if isinstance(container, (YMap, YSeq)) else ""
    span = (len(value) if isinstance(value, str) else 0) * 2 + 200
    pattern = re.compile(r"\s+".join(re.escape(part) for part in parts))
    found = pattern.search(text, start, start + span)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    return line, found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1


def to_plain(value: Any) -> Any:
    """A copy made of builtin dicts and lists (for JSON output and round-trip writers)."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value
