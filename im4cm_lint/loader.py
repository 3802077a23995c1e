"""Reading one file into positioned documents, turning every way it can fail into a PARSE finding.

Linting takes the fast way: libyaml's composer (PyYAML's C binding) builds the node graph with
marks, and :class:`_TreeBuilder` turns it into :mod:`im4cm_lint.yamltree` values with YAML 1.2
core-schema scalars (``country: NO`` is the string "NO"), refusing what a protocol never needs
(non-standard tags, alias bombs, deep nesting, duplicate keys). ``--fix`` uses ruamel.yaml's
round-trip mode separately, where comments matter.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (CollectionEndEvent, CollectionStartEvent, DocumentStartEvent, MappingStartEvent,
                         ScalarEvent)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from im4cm_lint.i18n import N_, _, _n
from im4cm_lint.diagnostics import Diagnostic, Location
from im4cm_lint.engine_rules.parse import (
    AliasBomb, BadEncoding, DuplicateKey, FileTooLarge, ForbiddenTag, NestingTooDeep, NotAMapping,
    TooManyProblems, Unreadable, UnsupportedKey, YamlSyntaxError,
)
from im4cm_lint.rule import EngineRule
from im4cm_lint.model import Document, specialise
from im4cm_lint.values import shown
from im4cm_lint.yamltree import Source, YMap, YSeq

API_PREFIX = "im4cm/"
MARKER = API_PREFIX.encode()

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 50_000  # per document, after alias expansion; real protocols hold a few hundred nodes
MAX_DOCUMENTS = 1_000  # per file; real files hold a handful
MAX_FILE_PROBLEMS = 100  # PARSE and SCHEMA findings per file before the linter stops reading it
SAFE_DEPTH_BOUND = 5_000  # texts that could nest deeper are scanned before composing (see too_deep)

_STD = "tag:yaml.org,2002:"
_PLAIN = "?plain"  # our resolver's mark for an untagged plain scalar, resolved below per YAML 1.2
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}

_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_SPECIAL = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}
_MAYBE_NOT_STR = set("-+.0123456789~nNtTfF")


_LARGEST = 2 ** 63  # no number in an im4cm document needs more; larger ones stay text, never crash a check


def _integer(text: str) -> int | str:
    """A YAML 1.2 integer (decimal, 0o octal, 0x hexadecimal), or the text itself when it is
    beyond 64 bits: a 4 KB number would overflow the checks' arithmetic and Python's decimal
    conversion (4,300 digits), so it is kept as text and the schema reports it."""
    if len(text) > 24:  # beyond 64 bits in any base: decided without converting
        return text
    base = 16 if text.startswith("0x") else 8 if text.startswith("0o") else 10
    value = int(text[2:] if base != 10 else text, base)
    return value if -_LARGEST <= value < _LARGEST else text


def resolve_plain(text: str) -> Any:
    """A plain scalar under the YAML 1.2 core schema: null, bool, int, float, else the string."""
    if text and text[0] not in _MAYBE_NOT_STR:
        return text
    if text in _SPECIAL:
        return _SPECIAL[text]
    if _INT.match(text) or _OCT.match(text) or _HEX.match(text):
        return _integer(text)
    if _FLOAT.match(text):
        return float(text)
    return text


_BaseLoader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


class _Composer(_BaseLoader):  # type: ignore[misc,valid-type]
    """libyaml's composer with YAML 1.1 implicit typing switched off: untagged plain scalars
    come back marked, and :func:`resolve_plain` applies the 1.2 rules."""

    def resolve(self, kind, value, implicit):  # noqa: D102 - pyyaml hook
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STD + "str"
        return _STD + ("seq" if kind is SequenceNode else "map")


def compose_all(text: str):
    """libyaml's node graphs of every document in ``text``, with marks (plain scalars untyped)."""
    return yaml.compose_all(text, Loader=_Composer)


class ParseProblem(Exception):
    """A PARSE finding found deep in the reading, raised (or collected) until its file records it."""

    def __init__(self, rule: type[EngineRule], message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.rule, self.message, self.line, self.column = rule, message, line, column


@dataclass
class LoadedFile:
    path: str
    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str = ""

    def add(self, rule: type[EngineRule], message: str, line: int = 1, column: int = 1) -> None:
        """Record a finding of ``rule`` in this file."""
        self.diagnostics.append(rule.at(Location(self.path, line, column), message))

    def record(self, problem: ParseProblem) -> None:
        self.add(problem.rule, problem.message, problem.line, problem.column)


class _TreeBuilder:
    """Turns composed nodes into YMap/YSeq/scalars, one document at a time."""

    def __init__(self, source: Source, problems: list[ParseProblem]):
        self.source = source
        self.problems = problems
        self.done: dict[int, tuple[Any, int]] = {}  # node id -> (value, expanded size), for aliases
        self.count = 0

    def build(self, node, depth: int = 0) -> Any:
        seen = self.done.get(id(node))
        if seen is not None:
            value, size = seen
            self.count += size
            if self.count > MAX_NODES:
                raise ParseProblem(
                    AliasBomb,
                    _("aliases expand to more than {count} nodes (an 'alias bomb'); write the repeated data "
                      "out or use fewer nested aliases", count=format(MAX_NODES, ",")),
                    *_pos(node),
                )
            return value
        if depth > MAX_DEPTH:
            raise ParseProblem(
                NestingTooDeep,
                NestingTooDeep.beyond(MAX_DEPTH),
                *_pos(node),
            )
        start = self.count
        self.count += 1
        if self.count > MAX_NODES:
            raise ParseProblem(AliasBomb, _("the document has more than {count} nodes", count=format(MAX_NODES, ",")),
                               *_pos(node))
        tag = node.tag
        if tag != _PLAIN and tag not in _ALLOWED_TAGS:
            self._bad_tag(node)
        if isinstance(node, ScalarNode):
            value = self._scalar(node)
            if type(value) is str and len(value) <= 64:
                value = sys.intern(value)  # ids and names recur across documents: keep one copy
        elif isinstance(node, MappingNode):
            value = self._mapping(node, depth)
        else:
            value = YSeq(self.source, *_pos(node))
            for item in node.value:
                child = self.build(item, depth + 1)
                _adopt(child, value, len(value))
                value.append(child)
                value.item_pos.append(_pos(item))
        self.done[id(node)] = (value, self.count - start)
        return value

    def _scalar(self, node) -> Any:
        tag, text = node.tag, node.value
        if tag == _PLAIN:
            return resolve_plain(text)
        if tag == _STD + "str" or tag not in _ALLOWED_TAGS:
            return text
        value = resolve_plain(text)
        expected = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}.get(tag[len(_STD):])
        if expected is None or (isinstance(value, expected) and not (tag.endswith("int") and isinstance(value, bool))):
            return float(value) if tag.endswith("float") and isinstance(value, int) else value
        raise ParseProblem(ForbiddenTag, _("{value} is not a valid !!{tag} value", value=shown(text),
                                                  tag=tag[len(_STD):]), *_pos(node))

    def _mapping(self, node, depth: int) -> YMap:
        mapping = YMap(self.source, *_pos(node))
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ParseProblem(
                    UnsupportedKey, _("a key must be plain text, not a list or a mapping"), *_pos(key_node)
                )
            if key_node.tag not in _ALLOWED_TAGS and key_node.tag != _PLAIN:
                self._bad_tag(key_node)
            key = self._scalar(key_node)
            if isinstance(key, str):
                key = sys.intern(key)  # the same few dozen keys recur in every document
            if key == "<<" and key_node.tag == _PLAIN:
                raise ParseProblem(
                    UnsupportedKey,
                    _("merge keys ('<<') are not part of YAML 1.2; write the keys out in full"),
                    *_pos(key_node),
                )
            key_pos = _pos(key_node)
            if key in mapping:
                first_line = mapping.key_pos[key][0]
                self.problems.append(ParseProblem(
                    DuplicateKey,
                    _("duplicate key {key} (first defined on line {line}); a repeated key silently hides one "
                      "of its values: keep one and merge what both said", key=shown(key), line=first_line),
                    *key_pos,
                ))
                self.build(value_node, depth + 1)  # still walk it: tags and bombs inside count
                continue
            value = self.build(value_node, depth + 1)
            _adopt(value, mapping, key)
            mapping[key] = value
            mapping.key_pos[key] = key_pos
            mapping.value_pos[key] = _pos(value_node)
        return mapping

    def _bad_tag(self, node) -> None:
        tag = node.tag
        name = shown("!!" + tag[len(_STD):] if tag.startswith(_STD) else tag, quote=False)
        if "python/" in tag or "ruby/" in tag or "perl/" in tag:
            why = _("it asks to build a program object; im4cm-lint never constructs such objects")
        elif tag.startswith(_STD):
            why = _("im4cm documents use only text, numbers, booleans, null, lists and mappings")
        else:
            why = _("custom tags have no meaning in an im4cm document")
        raise ParseProblem(ForbiddenTag, _("tag '{tag}' is not allowed: {why}; remove the tag", tag=name, why=why),
                           *_pos(node))


_POSITIONS: dict[tuple[int, int], tuple[int, int]] = {}


def _pos(node) -> tuple[int, int]:
    """The 1-based (line, column) of a node. Every key, value and item keeps one, and the same
    positions recur from document to document: the common ones are shared, not repeated (a
    fifth of the memory of 5,000 documents)."""
    mark = node.start_mark
    position = (mark.line + 1, mark.column + 1)
    if mark.line < 2048 and mark.column < 128:
        return _POSITIONS.setdefault(position, position)
    return position


def _adopt(child: Any, parent: YMap | YSeq, key: Any) -> None:
    if isinstance(child, (YMap, YSeq)) and child.parent is None and child is not parent:
        child.parent, child.parent_key = parent, key


class Unstorable(ValueError):
    """A tree the compact form does not keep as it is (a container shared through an alias, an
    integer JSON would not keep exactly): its file is parsed again on every run."""


_SAFE_INT = 2 ** 53


def _scalar_form(value: Any) -> Any:
    if value is None or type(value) in (str, bool, float) or (type(value) is int and -_SAFE_INT < value < _SAFE_INT):
        return value
    raise Unstorable(type(value).__name__)


def tree_form(root: YMap) -> Any:
    """``root`` as plain JSON data: a mapping is ``{"m": [line, column, then key, key line, key
    column, value line, value column, value for each entry]}``, a list ``{"s": [line, column, then
    line, column, value for each item]}``, a scalar itself. Unstorable when a container is shared."""
    seen: set[int] = set()

    def form(node: Any) -> Any:
        if isinstance(node, (YMap, YSeq)):
            if id(node) in seen:
                raise Unstorable("a container reached through an alias")
            seen.add(id(node))
            flat: list[Any] = [node.line, node.column]
            if isinstance(node, YMap):
                key_pos, value_pos = node.key_pos, node.value_pos
                for key, value in node.items():
                    flat += (_scalar_form(key), *key_pos[key], *value_pos[key], form(value))
                return {"m": flat}
            for position, value in zip(node.item_pos, node):
                flat += (*position, form(value))
            return {"s": flat}
        return _scalar_form(node)

    return form(root)


def tree_from(stored: Any, source: Source) -> YMap:
    """The tree :func:`tree_form` wrote, as parsing would have built it: keys and short values
    interned, common positions shared, parents set. ValueError for anything else. (Written for
    speed: it runs for every node of every unchanged file.)"""
    shared, intern = _POSITIONS, sys.intern

    def position(line: Any, column: Any) -> tuple[int, int]:
        found = shared.get((line, column))  # holds only pairs of numbers checked before
        if found is not None:
            return found
        if type(line) is not int or type(column) is not int:
            raise ValueError("a position that is not two numbers")
        if line < 2048 and column < 128:
            return shared.setdefault((line, column), (line, column))
        return line, column

    def value_of(raw: Any, depth: int) -> Any:
        kind = type(raw)
        if kind is str:
            return intern(raw) if len(raw) <= 64 else raw
        if kind is dict:
            return build(raw, depth)
        if raw is None or kind is bool or kind is int or kind is float:
            return raw
        raise ValueError("not a stored value")

    def build(raw: dict, depth: int) -> Any:
        if len(raw) != 1 or depth > MAX_DEPTH:
            raise ValueError("not a stored tree")
        (tag, flat), = raw.items()
        if type(flat) is not list or len(flat) < 2:
            raise ValueError("not a stored container")
        if tag == "m" and len(flat) % 6 == 2:
            node = YMap(source, *position(flat[0], flat[1]))
            key_pos, value_pos = node.key_pos, node.value_pos
            for at in range(2, len(flat), 6):
                key = flat[at]
                if type(key) is str:
                    key = intern(key)
                elif not (key is None or type(key) in (bool, int, float)):
                    raise ValueError("a key that is not a scalar")
                value = value_of(flat[at + 5], depth + 1)
                if type(value) is YMap or type(value) is YSeq:
                    value.parent, value.parent_key = node, key
                node[key] = value
                key_pos[key] = position(flat[at + 1], flat[at + 2])
                value_pos[key] = position(flat[at + 3], flat[at + 4])
            return node
        if tag == "s" and len(flat) % 3 == 2:
            node = YSeq(source, *position(flat[0], flat[1]))
            items = node.item_pos
            for at in range(2, len(flat), 3):
                value = value_of(flat[at + 2], depth + 1)
                if type(value) is YMap or type(value) is YSeq:
                    value.parent, value.parent_key = node, len(node)
                node.append(value)
                items.append(position(flat[at], flat[at + 1]))
            return node
        raise ValueError("not a stored container")

    root = build(stored, 0) if type(stored) is dict else None
    if not isinstance(root, YMap):
        raise ValueError("a document that is not a mapping")
    return root


def stored_documents(documents: list[Document], found: list[Diagnostic]) -> list | None:
    """(index, tree) of each document of a file, to keep in the cache with its schema outcome;
    None when the file did not load cleanly (it is then parsed again, and reports again)."""
    if any(d.rule.startswith("PARSE") for d in found) or any(not d.parse_ok or d.partial for d in documents):
        return None
    from im4cm_lint.cache_codec import StoredTree

    try:
        return [[d.index, StoredTree(tree_form(d.body))] for d in documents]
    except Unstorable:
        return None


def restored_documents(data: bytes, shown_path: str, stored: Any) -> list[Document] | None:
    """The documents of a file whose bytes are unchanged, rebuilt from what
    :func:`stored_documents` kept (None: not kept, or not in a form it writes: parse the file)."""
    from im4cm_lint.cache_codec import StoredTree

    if not isinstance(stored, list):
        return None
    documents: list[Document] = []
    try:
        text = data.decode("utf-8-sig") if stored else ""
        for index, tree in stored:
            if type(index) is not int or not isinstance(tree, StoredTree):
                return None
            source = Source(shown_path, index, text=text)
            root = tree_from(tree.form, source)
            source.doc_id = _document_id(root)
            documents.append(specialise(Document(shown_path, index, root)))
    except (ValueError, TypeError, RecursionError):
        return None
    return documents


def _offset_to_pos(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(data: bytes) -> str:
    """UTF-8 text (a UTF-8 BOM is dropped); anything else is a PARSE003 problem with its position."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ParseProblem(BadEncoding, "the file is UTF-32 encoded; save it as UTF-8", 1, 1)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ParseProblem(BadEncoding, "the file is UTF-16 encoded; save it as UTF-8", 1, 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        start = err.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
        line = data.count(b"\n", 0, start) + 1
        line_start = data.rfind(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        raise ParseProblem(
            BadEncoding,
            _("invalid UTF-8 (byte 0x{byte}); save the file as UTF-8", byte=format(data[start], "02x")),
            line,
            column,
        ) from None


def has_marker(data: bytes) -> bool:
    """Cheap test that a file may hold an im4cm document, so other YAML is never parsed."""
    if MARKER in data:
        return True
    for boms, codec in (((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "utf-32"),
                        ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16")):
        if data.startswith(boms):  # UTF-32 first: its little-endian BOM starts like UTF-16's
            return API_PREFIX in data.decode(codec, "replace")
    return False


def load_file(
    path: str, shown_path: str, max_size: int = DEFAULT_MAX_FILE_SIZE, *, any_mapping: bool = False
) -> LoadedFile:
    """Load every im4cm document of one file. Never raises for bad input.

    ``any_mapping`` keeps every mapping document, im4cm header or not (policy pack part files).
    """
    result = LoadedFile(shown_path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # a pipe or a device would block or never end
            result.add(Unreadable, _("cannot read the file: it is not a regular file"))
            return result
        size = info.st_size
        if size > max_size:
            with open(path, "rb") as handle:
                head = handle.read(64 * 1024)
            if any_mapping or has_marker(head):
                result.add(
                    FileTooLarge,
                    _("the file is {size} MB, over the {limit} MB limit (real protocols are under 100 KB); "
                      "split it or raise 'max_file_size' in the config",
                      size=format(size / 1_048_576, ".1f"), limit=format(max_size / 1_048_576, ".1f")),
                )
            return result
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        result.add(Unreadable, _("cannot read the file: {reason}", reason=str(err.strerror or err)))
        return result
    return load_data(data, shown_path, any_mapping=any_mapping, result=result)


def load_data(data: bytes, shown_path: str, *, any_mapping: bool = False, result: LoadedFile | None = None) -> LoadedFile:
    """Load the im4cm documents of a file's bytes (read and size-checked by the caller)."""
    result = result or LoadedFile(shown_path)
    if not any_mapping and not has_marker(data):
        return result
    try:
        text = decode(data)
    except ParseProblem as bad:
        result.record(bad)
        return result
    result.text = text
    parse_text(text, result, any_mapping)
    return result


def too_deep(text: str) -> tuple[int, int] | None:
    """Where nesting first goes deeper than MAX_DEPTH, found without recursion (None: it does not).

    libyaml's composer recurses in C and crashes the whole process near 30,000 levels, so a text
    that could nest that deep is scanned event by event first. Nesting cannot exceed the number
    of flow brackets plus the longest line (block nesting needs one more column per level), and
    that cheap bound spares ordinary files the scan.
    """
    bound = text.count("[") + text.count("{") + max(map(len, text.split("\n")))
    if bound <= SAFE_DEPTH_BOUND:
        return None
    depth = -1  # the depth of the current collection, the document's root being 0 (as _TreeBuilder counts)
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return _pos(event)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # the composer reports it, at a depth it can handle
    return None


def parse_text(text: str, result: LoadedFile, any_mapping: bool = False) -> None:
    """Compose ``text`` document by document into ``result``; report what cannot be read.

    A file stops being read after MAX_FILE_PROBLEMS findings or MAX_DOCUMENTS documents
    (PARSE011), so that no file, however hostile, floods the output or the memory.
    """
    deep = too_deep(text)
    if deep:
        result.add(NestingTooDeep, NestingTooDeep.beyond(MAX_DEPTH), *deep)
        return
    index = -1
    try:
        for index, node in enumerate(compose_all(text)):
            if _stop_reading(result, index, node):
                break
            if node is not None:
                _read_document(text, result, index, node, any_mapping)
    except yaml.YAMLError as err:
        result.record(_yaml_problem(text, err))
        _keep_identity(text, result, index + 1)
    except RecursionError:
        result.add(NestingTooDeep, _(NestingTooDeep.unreadable))


def _keep_identity(text: str, result: LoadedFile, index: int) -> None:
    """Keep what the document the reader failed on says it is (its kind and id, when they come
    before the error) as a document that is never checked: other documents that name it then
    find it, so one syntax error gives one finding, not a REF finding in every file that relies
    on it."""
    kind, doc_id, line, column = _identity_before_error(text)
    if not (kind and doc_id):
        return
    source = Source(result.path, index, doc_id)
    root, meta = YMap(source, line, column), YMap(source, line, column)
    root["apiVersion"], root["kind"], root["metadata"] = f"{API_PREFIX}v1", kind, meta
    meta["id"] = doc_id
    for key in ("apiVersion", "kind", "metadata"):
        root.key_pos[key] = root.value_pos[key] = (line, column)
    meta.key_pos["id"] = meta.value_pos["id"] = (line, column)
    _adopt(meta, root, "metadata")
    result.documents.append(specialise(Document(result.path, index, root, parse_ok=False, partial=True)))


def _identity_before_error(text: str) -> tuple[str, str, int, int]:
    """(kind, metadata.id, line, column of the document) of the last document the YAML reader
    started before it failed, from the events it read; empty strings for what it did not reach."""
    kind = doc_id = ""
    line = column = 1
    keys: list[Any] = []  # the key of each open mapping's current entry (None: a key comes next)
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, DocumentStartEvent):
                kind = doc_id = ""
                keys = []
                line, column = event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, CollectionStartEvent):
                keys.append(None if isinstance(event, MappingStartEvent) else "-")
            elif isinstance(event, CollectionEndEvent):
                keys.pop()
                if keys and keys[-1] != "-":
                    keys[-1] = None
            elif isinstance(event, ScalarEvent) and keys and keys[-1] is None:
                keys[-1] = event.value
            elif isinstance(event, ScalarEvent) and keys and keys[-1] != "-":
                if keys == ["kind"]:
                    kind = event.value
                elif keys == ["metadata", "id"]:
                    doc_id = event.value
                keys[-1] = None
    except yaml.YAMLError:
        pass
    return kind, doc_id, line, column


def _stop_reading(result: LoadedFile, index: int, node) -> bool:
    """PARSE011 and True once the file has had MAX_FILE_PROBLEMS findings or MAX_DOCUMENTS documents."""
    if len(result.diagnostics) >= MAX_FILE_PROBLEMS:
        what = _n("{n} problem", "{n} problems", MAX_FILE_PROBLEMS)
    elif index >= MAX_DOCUMENTS:
        what = _n("{count} document", "{count} documents", MAX_DOCUMENTS, count=format(MAX_DOCUMENTS, ","))
    else:
        return False
    result.add(TooManyProblems, TooManyProblems.stopped(what), *(_pos(node) if node is not None else (1, 1)))
    return True


def _read_document(text: str, result: LoadedFile, index: int, node, any_mapping: bool) -> None:
    """Build one composed document into ``result``: an im4cm document (or, with ``any_mapping``,
    any mapping) becomes a Document; another value in an im4cm file is PARSE009."""
    source = Source(result.path, index, text=text)
    problems: list[ParseProblem] = []
    try:
        root = _TreeBuilder(source, problems).build(node)
    except ParseProblem as bad:
        result.record(bad)
        root, problems = None, []
    except RecursionError:
        result.add(NestingTooDeep, _(NestingTooDeep.unreadable), *_pos(node))
        root = None
    for bad in problems:
        result.record(bad)
    if isinstance(root, YMap):
        api = root.get("apiVersion")
        if any_mapping or (isinstance(api, str) and api.startswith(API_PREFIX)):
            source.doc_id = _document_id(root)
            result.documents.append(specialise(Document(result.path, index, root, parse_ok=not problems)))
    elif root is not None and API_PREFIX in text:
        result.add(
            NotAMapping,
            _("this document is a list; an im4cm document is a mapping that starts with 'apiVersion: im4cm/v1' "
              "and 'kind:'") if isinstance(root, YSeq) else
            _("this document is a single value; an im4cm document is a mapping that starts with "
              "'apiVersion: im4cm/v1' and 'kind:'"),
            *_pos(node),
        )


def _document_id(root: YMap) -> str:
    """``metadata.id``, else ``metadata.name`` (packs), else ''."""
    meta = root.get("metadata")
    doc_id = meta.get("id") if isinstance(meta, YMap) else None
    if not isinstance(doc_id, str):
        doc_id = meta.get("name", "") if isinstance(meta, YMap) else ""
    return doc_id if isinstance(doc_id, str) else ""


# What the parser's context names, in the words of someone who typed it: the construct whose
# opening is where the mistake is, although the parser only notices it lines later.
_OPENED = {  # shown through _()
    "parsing a flow sequence": N_("the list '[' (flow sequence)"),
    "parsing a flow mapping": N_("the mapping '{' (flow mapping)"),
    "scanning a quoted scalar": N_("the quoted value"),
}


def _apostrophe_in_single_quotes(text: str, line: int, column: int) -> int | None:
    """The column of an apostrophe that closed a single-quoted value too early (``'Children's``),
    when the parser gave up right after it on the same line; None otherwise."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    before = lines[line - 1][:column - 1]
    quote = before.rfind("'")
    if quote <= 0 or quote != len(before) - 1 and not before[quote + 1:].replace("_", "").isalnum():
        return None
    opening = before[:quote].rfind("'")
    if opening < 0 or before[:opening].rstrip()[-1:] not in (":", "-", "[", ",", "{"):
        return None
    return quote + 1


def _yaml_problem(text: str, err: yaml.YAMLError) -> ParseProblem:
    """The PARSE finding for an error of the YAML reader."""
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = err.problem or "invalid YAML"
        if "nesting depth" in what:  # newer libyaml builds stop deep nesting themselves
            return ParseProblem(NestingTooDeep, NestingTooDeep.beyond(MAX_DEPTH), line, column)
        apostrophe = _apostrophe_in_single_quotes(text, line, column)
        if apostrophe:
            return ParseProblem(
                YamlSyntaxError, _("YAML syntax error: an apostrophe inside a single-quoted value ends the value "
                                   "early; write the apostrophe twice (''), or quote the value with double quotes "
                                   "(the parser gave up at line {line}, column {column}: {problem})",
                                   line=line, column=column, problem=what), line, apostrophe)
        opened = err.context_mark if err.problem_mark else None
        if opened is not None and err.context and opened.line + 1 < line:
            construct = _OPENED.get(err.context.removeprefix("while ").strip())
            if construct:
                return ParseProblem(
                    YamlSyntaxError, _("YAML syntax error: {construct} opened here is never closed (the parser "
                                       "gave up at line {line}, column {column}: {problem})",
                                       construct=_(construct), line=line, column=column, problem=what),
                    opened.line + 1, opened.column + 1)
        context = f" ({err.context})" if err.context else ""
        return ParseProblem(YamlSyntaxError, _("YAML syntax error: {problem}{context}", problem=what, context=context),
                            line, column)
    if isinstance(err, yaml.reader.ReaderError):
        line, column = _offset_to_pos(text, err.position)
        char = err.character if isinstance(err.character, str) else chr(err.character)
        return ParseProblem(
            BadEncoding, _("the file contains a character YAML does not allow ({character}); remove it",
                           character=ascii(char)), line, column)
    return ParseProblem(YamlSyntaxError, _("YAML error: {problem}", problem=shown(str(err))))
