"""The JSON form of what the cache keeps: findings, positioned YAML (a pack's body) and plain data,
and nothing else.

Nothing read back can name a type to build or code to run (as unpickling could): each value is
one of a fixed set of forms, and anything else is refused on the way in (the entry is then not
stored) and on the way out (the entry is then a miss). Entries reach this module only once their
keyed hash is verified (:mod:`im4cm_lint.cache`), so the containers of a pack, thousands of them,
are rebuilt without checking each position again; a form that is not what this module writes
still fails cleanly, as :class:`Unreadable`. Positioned YAML containers keep their
positions, their parents and which containers are shared, so a pack read back is the pack that
was stored. Integers beyond 2**53 are written in hexadecimal, which has no length limit in
Python (its decimal conversion stops at 4,300 digits).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from im4cm_lint.diagnostics import Diagnostic, Fix, Location, Suppression
from im4cm_lint.yamltree import Source, YMap, YSeq

_SAFE_INT = 2 ** 53


class Unreadable(ValueError):
    """A stored value that is not one of the forms this module writes."""


class StoredTree:
    """A document's positioned tree in the loader's compact form (:func:`im4cm_lint.loader.tree_form`),
    kept as it is: the loader rebuilds the tree from it, and checks the form as it does."""

    __slots__ = ("form",)

    def __init__(self, form: Any):
        self.form = form


_NO_KEY = object()  # equal to no key: nothing is left out


class _Writer:
    def __init__(self, left_out: tuple[YMap, Any] | None = None) -> None:
        self.left_out = left_out  # (a mapping, one of its keys): that entry is not written
        self.nodes: list[Any] = []
        self.node_ids: dict[int, int] = {}
        self.sources: list[list] = []
        self.source_ids: dict[int, int] = {}

    def source(self, source: Source) -> int:
        number = self.source_ids.get(id(source))
        if number is None:
            number = self.source_ids[id(source)] = len(self.sources)
            self.sources.append([source.path, source.doc_index, source.doc_id])
        return number

    def node(self, node: YMap | YSeq) -> int:
        number = self.node_ids.get(id(node))
        if number is not None:
            return number
        number = self.node_ids[id(node)] = len(self.nodes)
        self.nodes.append(None)
        if isinstance(node, YMap):  # flat lists: a pack holds thousands of positions
            gone = self.left_out[1] if self.left_out and node is self.left_out[0] else _NO_KEY
            body = {"m": [x for k, v in node.items() if k != gone for x in (self.value(k), self.value(v))],
                    "kp": [x for k, (line, col) in node.key_pos.items() if k != gone for x in (self.value(k), line, col)],
                    "vp": [x for k, (line, col) in node.value_pos.items() if k != gone
                           for x in (self.value(k), line, col)]}
        else:
            body = {"s": [self.value(v) for v in node], "ip": [x for pos in node.item_pos for x in pos]}
        body.update(src=self.source(node.source), at=[node.line, node.column],
                    up=None if node.parent is None else self.node(node.parent), key=self.value(node.parent_key))
        self.nodes[number] = body
        return number

    def value(self, value: Any) -> Any:  # noqa: PLR0911 - one branch per stored form
        if value is None or isinstance(value, (bool, str, float)):
            return value
        if isinstance(value, int):
            return value if -_SAFE_INT < value < _SAFE_INT else {"x": format(value, "x")}
        if isinstance(value, (YMap, YSeq)):
            return {"n": self.node(value)}
        if isinstance(value, Diagnostic):
            return {"D": [value.rule, value.severity, self.value(value.location), value.message,
                          self.value(value.fix), self.value(value.suppression)]}
        if isinstance(value, Location):
            return {"L": [value.path, value.line, value.column, value.doc_id, value.yaml_path]}
        if isinstance(value, Fix):
            return {"F": [value.description, value.yaml_path, self.value(value.value), value.doc_index, value.action]}
        if isinstance(value, Suppression):
            return {"S": [value.kind, value.reason, value.approved_by, value.expires]}
        if isinstance(value, dict):
            return {"d": [[self.value(k), self.value(v)] for k, v in value.items()]}
        if isinstance(value, list):
            return {"l": [self.value(v) for v in value]}
        if isinstance(value, tuple):
            return {"t": [self.value(v) for v in value]}
        if isinstance(value, Path):
            return {"p": str(value)}
        if isinstance(value, StoredTree):
            return {"T": value.form}
        raise TypeError(f"the cache does not store {type(value).__name__}")


def dumps(value: Any, left_out: tuple[YMap, Any] | None = None) -> bytes:
    """``value`` as JSON bytes; TypeError when it holds a type the cache does not store.
    ``left_out``: (a mapping ``value`` holds, a key) whose entry is not written (nor what only it
    holds), as if the mapping had no such key."""
    writer = _Writer(left_out)
    encoded = writer.value(value)
    return json.dumps({"sources": writer.sources, "nodes": writer.nodes, "value": encoded},
                      separators=(",", ":")).encode("ascii")


class _Reader:
    def __init__(self, sources: Any, nodes: Any):
        if not isinstance(sources, list) or not isinstance(nodes, list):
            raise Unreadable("no sources or nodes")
        self.sources = [Source(*_fields(s, (str, int, str))) for s in sources]
        # every container first, so that parents and shared children resolve
        self.nodes: list[YMap | YSeq] = [(YMap if "m" in raw else YSeq)(self.sources[raw["src"]], *raw["at"])
                                         for raw in nodes]
        for node, raw in zip(self.nodes, nodes):
            self._fill(node, raw)

    def _fill(self, node: YMap | YSeq, raw: dict) -> None:
        value = self.value
        if isinstance(node, YMap):
            items = raw["m"]
            for at in range(0, len(items), 2):
                node[value(items[at])] = value(items[at + 1])
            spots = raw["kp"]
            node.key_pos = {value(spots[at]): (spots[at + 1], spots[at + 2]) for at in range(0, len(spots), 3)}
            spots = raw["vp"]
            node.value_pos = {value(spots[at]): (spots[at + 1], spots[at + 2]) for at in range(0, len(spots), 3)}
        else:
            node.extend(value(v) for v in raw["s"])
            spots = raw["ip"]
            node.item_pos = [(spots[at], spots[at + 1]) for at in range(0, len(spots), 2)]
        up = raw["up"]
        node.parent = None if up is None else self.nodes[up]
        node.parent_key = value(raw["key"])

    def value(self, raw: Any) -> Any:  # noqa: PLR0911, PLR0912 - one branch per stored form
        if type(raw) is str or raw is None or type(raw) in (bool, int, float):
            return raw
        if not isinstance(raw, dict) or len(raw) != 1:
            raise Unreadable("not a stored form")
        (tag, body), = raw.items()
        if tag == "x" and isinstance(body, str):
            return int(body, 16)
        if tag == "n":
            return self.nodes[body]
        if tag == "l":
            return [self.value(v) for v in _list(body)]
        if tag == "t":
            return tuple(self.value(v) for v in _list(body))
        if tag == "d":
            return {self.value(k): self.value(v) for k, v in _pairs(body)}
        if tag == "p" and isinstance(body, str):
            return Path(body)
        if tag == "T":
            return StoredTree(body)
        if tag in _BUILDERS:
            return _BUILDERS[tag](self, _list(body))
        raise Unreadable(f"unknown form {tag!r}")


def _list(raw: Any) -> list:
    if not isinstance(raw, list):
        raise Unreadable("not a list")
    return raw


def _pairs(raw: Any) -> list:
    pairs = _list(raw)
    if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise Unreadable("not a list of pairs")
    return pairs


_ANY = object()
_TEXT_OR_NONE = (str, type(None))


def _fields(raw: Any, types: tuple) -> list:
    """``raw`` when it is a list of exactly as many items of these types (``_ANY``: any stored form)."""
    items = _list(raw)
    if len(items) != len(types) or not all(
            kind is _ANY or type(item) in (kind if isinstance(kind, tuple) else (kind,)) for item, kind in zip(items, types)):
        raise Unreadable("fields of the wrong type")
    return items


def _optional(reader: _Reader, raw: Any, kind: type) -> Any:
    value = reader.value(raw)
    if value is not None and not isinstance(value, kind):
        raise Unreadable(f"not a {kind.__name__}")
    return value


def _diagnostic(reader: _Reader, body: list) -> Diagnostic:
    rule, severity, location, message, fix, suppression = _fields(body, (str, str, dict, str, _ANY, _ANY))
    location = reader.value(location)
    if not isinstance(location, Location):
        raise Unreadable("a finding without a location")
    return Diagnostic(rule, severity, location, message, _optional(reader, fix, Fix),
                      _optional(reader, suppression, Suppression))


def _location(reader: _Reader, body: list) -> Location:
    return Location(*_fields(body, (str, int, int, str, str)))


def _fix(reader: _Reader, body: list) -> Fix:
    description, yaml_path, value, doc_index, action = _fields(body, (str, str, _ANY, int, str))
    return Fix(description, yaml_path, reader.value(value), doc_index, action)


def _suppression(reader: _Reader, body: list) -> Suppression:
    return Suppression(*_fields(body, (str, str, _TEXT_OR_NONE, _TEXT_OR_NONE)))


_BUILDERS = {"D": _diagnostic, "L": _location, "F": _fix, "S": _suppression}


def loads(data: bytes) -> Any:
    """The value :func:`dumps` wrote; :class:`Unreadable` for anything else."""
    try:
        stored = json.loads(data)
    except (ValueError, RecursionError) as err:
        raise Unreadable(str(err)) from None
    if not isinstance(stored, dict):
        raise Unreadable("not a stored value")
    try:
        reader = _Reader(stored.get("sources"), stored.get("nodes"))
        return reader.value(stored.get("value"))
    except Unreadable:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError) as err:
        raise Unreadable(f"{type(err).__name__}: {err}") from None  # a form this module does not write
