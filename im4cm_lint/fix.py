"""``--fix``: apply the safe fixes that findings carry, and change nothing else.

Each :class:`~im4cm_lint.diagnostics.Fix` names one node by its YAML path. The file is loaded with
ruamel.yaml's round-trip loader (comments, quoting and key order kept), the node is changed there,
and the document is dumped with the file's own indentation. Only the lines of the changed node are
taken from that dump and spliced into the original text, so every other byte of the file stays as
it was, whatever ruamel.yaml would have re-formatted. Before a file is written it is checked: it
must parse, hold exactly the data the fixes intend (the same documents, with only the named nodes
changed), differ from the original only inside the changed nodes, and gain no PARSE or SCHEMA
finding. A file that fails any check is left untouched and reported.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from im4cm_lint.diagnostics import Diagnostic, Fix
from im4cm_lint.engine import Options, RunResult, run
from im4cm_lint.loading import schema_problems
from im4cm_lint.loader import LoadedFile, compose_all, parse_text
from im4cm_lint.paths import repo_root
from im4cm_lint.i18n import _, _n
from im4cm_lint.yamltree import find_item, follow, parse_yaml_path, to_plain


class Refused(Exception):
    """A fix that cannot be applied safely; the message says why, in the user's words."""


@dataclass
class FixOutcome:
    result: RunResult  # findings after fixing (before, when only previewing)
    diff: str = ""
    notes: list[str] = field(default_factory=list)
    fatal: bool = False


@dataclass
class _Change:
    """One fix placed in the text: replace ``orig[start:end]`` (an insertion when equal)."""

    fix: Fix
    start: int
    end: int
    lines: list[str]


# --- finding the nodes --------------------------------------------------------------------------

def _item_proxies(seq: SequenceNode) -> list:
    """What :func:`find_item` needs to know of each item: its ``id``, or its scalar value."""
    proxies: list = []
    for item in seq.value:
        if isinstance(item, MappingNode):
            ids = [v.value for k, v in item.value if isinstance(k, ScalarNode) and k.value == "id"
                   and isinstance(v, ScalarNode)]
            proxies.append({"id": ids[0]} if ids else {})
        else:
            proxies.append(item.value if isinstance(item, ScalarNode) else None)
    return proxies


def node_entry(root, path: str | list) -> tuple[Any, Any, Any]:
    """(container node, key node or item index, value node or None) of ``path`` (or of its parsed
    steps) in a node tree."""
    steps = parse_yaml_path(path) if isinstance(path, str) else path
    node = root
    for number, (kind, text) in enumerate(steps):
        last = number == len(steps) - 1
        if kind == "key" and isinstance(node, MappingNode):
            pair = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == text), None)
            if last:
                return node, pair[0] if pair else None, pair[1] if pair else None
            if pair is None:
                raise KeyError(path)
            node = pair[1]
        elif kind == "item" and isinstance(node, SequenceNode):
            index = find_item(_item_proxies(node), text)
            if index is None:
                raise KeyError(path)
            if last:
                return node, index, node.value[index]
            node = node.value[index]
        else:
            raise KeyError(path)
    raise KeyError(path)  # an empty path names no entry


def _blank(line: str) -> bool:
    return not line.strip()


def content_end(node, lines: list[str], text: str) -> int:
    """The line after the last line holding ``node``'s content (0-based, exclusive): trailing
    blank lines and comments that follow the node stay outside, with what comes next."""
    if isinstance(node, ScalarNode):
        mark = node.end_mark
        end = mark.line if mark.column == 0 else mark.line + 1
        if node.style in ("|", ">"):
            header = text[node.start_mark.index:node.start_mark.index + 4]
            if "+" not in header.split("\n", 1)[0]:  # keep-chomping: trailing blank lines are content
                while end > node.start_mark.line + 1 and _blank(lines[end - 1]):
                    end -= 1
        return end
    if node.flow_style or not node.value:
        mark = node.end_mark
        return mark.line if mark.column == 0 else mark.line + 1
    last = node.value[-1]
    return content_end(last[1] if isinstance(node, MappingNode) else last, lines, text)


def _first_line(container, key, value) -> tuple[int, int]:
    """(line, column) where an entry starts: its key, or the item itself in a list."""
    node = value if isinstance(container, SequenceNode) else key
    return node.start_mark.line, node.start_mark.column


# --- layout -------------------------------------------------------------------------------------

# A key that opens a nested block: a mapping, a list or a block scalar (``key: |``).
_PARENT = re.compile(r"^(\s*)((?:- +)*)([^\s#][^#]*?):\s*(?P<scalar>[|>][-+0-9]*)?\s*(#.*)?$")


def detect_indent(text: str) -> tuple[int, int, int]:
    """The file's indentation as ruamel.yaml sets it: (mapping, sequence, dash offset). The
    mapping indent also sets how far block scalars' text is indented."""
    mapping: Counter = Counter()
    offsets: Counter = Counter()
    sequence: Counter = Counter()
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for line, following in zip(lines, lines[1:]):
        parent = _PARENT.match(line)
        if not parent:
            continue
        column = len(parent.group(1)) + len(parent.group(2))
        indent = len(following) - len(following.lstrip(" "))
        if indent <= column and not (indent == column and following.lstrip().startswith("- ")):
            continue
        rest = following[indent:]
        if rest.startswith("-") and not parent.group("scalar"):
            dash_space = len(rest) - len(rest[1:].lstrip(" "))
            offsets[indent - column] += 1
            sequence[indent - column + dash_space] += 1
        else:
            mapping[indent - column] += 1
    map_indent = mapping.most_common(1)[0][0] if mapping else 2
    offset = offsets.most_common(1)[0][0] if offsets else 2
    seq_indent = sequence.most_common(1)[0][0] if sequence else offset + 2
    return map_indent, max(seq_indent, offset + 2), offset


def _round_trip(text: str):
    from ruamel.yaml import YAML

    yml = YAML(typ="rt")
    yml.preserve_quotes = True
    yml.width = 4096
    mapping, sequence, offset = detect_indent(text)
    yml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yml


def _styled(value: Any, old: Any) -> Any:
    """The new value, written in the style of the old one where the text allows it."""
    from ruamel.yaml.scalarstring import (DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString,
                                          SingleQuotedScalarString)

    if not isinstance(value, str):
        return value
    if "\n" in value.rstrip("\n"):
        return LiteralScalarString(value)
    for style in (LiteralScalarString, FoldedScalarString, DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, style):
            return style(value)
    return value


def _blocks(value: Any) -> Any:
    """A copy of new data with multi-line text as literal blocks (``|``), as people write clauses."""
    if isinstance(value, dict):
        return {k: _blocks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blocks(v) for v in value]
    return _styled(value, None)


def _reindent(chunk: list[str], first_prefix: str, dump_column: int, column: int) -> list[str]:
    """The dumped lines moved to the original's column; the first keeps the original's prefix
    (for instance the ``- `` of a list item)."""
    shift = column - dump_column
    out = [first_prefix + chunk[0][dump_column:]]
    for line in chunk[1:]:
        if _blank(line):
            out.append(line)
        elif shift >= 0:
            out.append(" " * shift + line)
        elif line[:-shift].strip():
            raise Refused(_("the new text cannot be placed at the file's indentation"))
        else:
            out.append(line[-shift:])
    return out


# --- applying -----------------------------------------------------------------------------------

def _block_style(container: Any) -> None:
    """An empty ``{}`` or ``[]`` that receives entries becomes a block, as people write them."""
    if not container and hasattr(container, "fa"):
        container.fa.set_block_style()


def _apply_to_tree(doc: Any, fix: Fix) -> None:
    """Make the change in a tree of dicts and lists (ruamel.yaml's, or plain data)."""
    try:
        container, key = follow(doc, fix.yaml_path)
    except KeyError as err:
        raise Refused(_("{path} is no longer where the finding saw it ({problem})", path=fix.yaml_path,
                        problem=err.args[0])) from None
    if fix.action == "set":
        if isinstance(container, dict) and key not in container:
            raise Refused(_("{path} no longer exists", path=fix.yaml_path))
        container[key] = _styled(_blocks(fix.value), container[key])
    elif fix.action == "add":
        if not isinstance(container, dict) or key in container:
            raise Refused(_("{path} cannot be added: it exists already or its parent is not a mapping",
                            path=fix.yaml_path))
        _block_style(container)
        container[key] = _blocks(fix.value)
    elif fix.action == "append":
        target = container[key] if (isinstance(container, dict) and key in container) or isinstance(container, list) \
            else None
        if not isinstance(target, list):
            raise Refused(_("{path} is not a list", path=fix.yaml_path))
        _block_style(target)
        target.append(_blocks(fix.value))
    else:
        raise Refused(_("unknown fix action '{action}'", action=fix.action))


def _place(fix: Fix, orig_root, dump_root, orig: list[str], dump: list[str], orig_text: str, dump_text: str) -> _Change:
    """Where the changed node stands in the original and which dumped lines replace it."""
    try:
        if fix.action == "append":
            o_container, o_key, o_list = node_entry(orig_root, fix.yaml_path)
            d_container, d_key, d_list = node_entry(dump_root, fix.yaml_path)
            if not isinstance(o_list, SequenceNode) or o_list.flow_style or not o_list.value:
                return _replace_entry(fix, o_container, o_key, o_list, d_container, d_key, d_list,
                                      orig, dump, orig_text, dump_text)
            last = o_list.value[-1]
            new = d_list.value[len(o_list.value)]
            line, column = last.start_mark.line, last.start_mark.column
            prefix = orig[line][:column]
            at = content_end(last, orig, orig_text)
            chunk = dump[new.start_mark.line:content_end(new, dump, dump_text)]
            return _Change(fix, at, at, _reindent(chunk, prefix, new.start_mark.column, column))
        if fix.action == "add":
            path = fix.yaml_path
            parent_path = parse_yaml_path(path)[:-1]
            d_container, d_key, d_value = node_entry(dump_root, path)
            if parent_path:
                o_outer, o_pkey, o_parent = node_entry(orig_root, parent_path)
                d_outer, d_pkey, d_parent = node_entry(dump_root, parent_path)
            else:
                o_parent, d_parent = orig_root, dump_root
            if not isinstance(o_parent, MappingNode) or o_parent.flow_style or not o_parent.value:
                if not parent_path:
                    raise Refused(_("the document has no mapping to add to"))
                return _replace_entry(fix, o_outer, o_pkey, o_parent, d_outer, d_pkey, d_parent,
                                      orig, dump, orig_text, dump_text)
            last_key, last_value = o_parent.value[-1]
            column = last_key.start_mark.column
            at = content_end(last_value, orig, orig_text)
            chunk = dump[d_key.start_mark.line:content_end(d_value, dump, dump_text)]
            return _Change(fix, at, at, _reindent(chunk, " " * column, d_key.start_mark.column, column))
        o_container, o_key, o_value = node_entry(orig_root, fix.yaml_path)
        d_container, d_key, d_value = node_entry(dump_root, fix.yaml_path)
        return _replace_entry(fix, o_container, o_key, o_value, d_container, d_key, d_value,
                              orig, dump, orig_text, dump_text)
    except (KeyError, IndexError, TypeError, AttributeError):
        raise Refused(_("cannot find {path} in the file's layout", path=fix.yaml_path)) from None


def _replace_entry(fix, o_container, o_key, o_value, d_container, d_key, d_value, orig, dump, orig_text, dump_text):
    if o_value is None or d_value is None:
        raise KeyError(fix.yaml_path)
    line, column = _first_line(o_container, o_key, o_value)
    d_line, d_column = _first_line(d_container, d_key, d_value)
    end = content_end(o_value, orig, orig_text)
    chunk = dump[d_line:content_end(d_value, dump, dump_text)]
    return _Change(fix, line, end, _reindent(chunk, orig[line][:column], d_column, column))


def _documents(text: str, shown: str) -> LoadedFile:
    loaded = LoadedFile(shown)
    parse_text(text, loaded)
    return loaded


def _schema_problems(loaded: LoadedFile) -> set[str]:
    return {f"{document.index}:{d.rule}:{d.location.yaml_path}:{d.message}"
            for document in loaded.documents for d in schema_problems(document)}


@dataclass
class _Lines:
    """A file's lines as the YAML readers see them (``lines``: CRLF read as LF, the last line
    given a new line when it has none) and as the file has them (``raw``), so that every line
    the fixes do not touch is written back with its own ending, CRLF or LF."""

    lines: list[str]
    raw: list[str]
    trailing_newline: bool

    @classmethod
    def of(cls, text: str) -> _Lines:
        raw = text.splitlines(keepends=True)
        lines = [line[:-2] + "\n" if line.endswith("\r\n") else line for line in raw]
        trailing_newline = not lines or lines[-1].endswith("\n")
        if not trailing_newline:
            lines[-1] += "\n"
            raw[-1] += cls._ending(raw, len(raw) - 2)
        return cls(lines, raw, trailing_newline)

    @staticmethod
    def _ending(raw: list[str], index: int) -> str:
        """The ending of line ``index`` (the nearest line before it that has one); LF by default."""
        for line in reversed(raw[:index + 1]):
            if line.endswith("\r\n"):
                return "\r\n"
            if line.endswith("\n"):
                return "\n"
        return "\n"

    def text(self) -> str:
        """What the YAML readers parse (no new line added at the end)."""
        joined = "".join(self.lines)
        return joined if self.trailing_newline else joined[:-1]

    def splice(self, changes: list[_Change]) -> tuple[str, str]:
        """(the text as the readers see it, the text as it will be written) with ``changes``
        made; each new line takes the ending of the old line at its place in the node it
        replaces (of the node's last line beyond it, of the line before an insertion)."""
        lines: list[str] = []
        raw: list[str] = []
        position = 0
        for change in changes:
            lines += self.lines[position:change.start]
            raw += self.raw[position:change.start]
            lines += change.lines
            for offset, line in enumerate(change.lines):  # the k-th new line ends as the k-th old one did
                ending = self._ending(self.raw, min(change.start + offset, change.end - 1) if change.end > change.start
                                      else change.start - 1)
                raw.append(line[:-1] + ending if line.endswith("\n") else line)
            position = change.end
        lines += self.lines[position:]
        raw += self.raw[position:]
        _check_only_inside(self.lines, lines, changes)
        seen, written = "".join(lines), "".join(raw)
        if not self.trailing_newline:
            seen = seen[:-1]
            written = written[:-2] if written.endswith("\r\n") else written[:-1]
        return seen, written


def _load_for_fixing(work: str):
    """(ruamel.yaml's round-trip loader, its trees, libyaml's node trees) of the text."""
    yml = _round_trip(work)
    try:
        return yml, list(yml.load_all(work)), list(compose_all(work))
    except Exception as err:  # noqa: BLE001 - any reader failure means: do not touch the file
        raise Refused(_("it cannot be read for fixing ({error})", error=type(err).__name__)) from None


def _document_changes(yml, tree: Any, root, fixes: list[Fix], lines: list[str], work: str) -> tuple[list[_Change], list[str]]:
    """The changes that ``fixes`` make to one document, placed in the original text, and why
    the fixes that cannot be made were skipped."""
    skipped: list[str] = []
    done = []
    for fix in fixes:
        try:
            _apply_to_tree(tree, fix)
            done.append(fix)
        except Refused as why:
            skipped.append(str(why))
    if not done:
        return [], skipped
    buffer = io.StringIO()
    try:
        yml.dump(tree, buffer)
    except Exception as err:  # noqa: BLE001 - a writer failure means: do not touch the file
        raise Refused(_("the fixed document cannot be written ({error})", error=type(err).__name__)) from None
    dump_text = buffer.getvalue()
    dump = dump_text.splitlines(keepends=True)
    dump_root = list(compose_all(dump_text))[0]
    changes = []
    for fix in done:
        try:
            changes.append(_place(fix, root, dump_root, lines, dump, work, dump_text))
        except Refused as why:
            skipped.append(str(why))
    return changes, skipped


def _without_overlaps(changes: list[_Change]) -> tuple[list[_Change], list[str]]:
    """The changes in the order of the text, less those that overlap one kept before them."""
    kept: list[_Change] = []
    skipped: list[str] = []
    for change in sorted(changes, key=lambda c: (c.start, c.end)):
        if kept and change.start < kept[-1].end:
            skipped.append(_("{path}: overlaps another fix; run --fix again", path=change.fix.yaml_path))
            continue
        kept.append(change)
    return kept, skipped


def _verify(before: LoadedFile, result: str, shown: str, applied: list[Fix]) -> None:
    """Refused unless the fixed text parses, gains no schema problem and holds exactly the data
    the fixes intend."""
    after = _documents(result, shown)
    if any(d.rule.startswith("PARSE") for d in after.diagnostics):
        raise Refused(_("the fixed text would not parse"))
    if _schema_problems(after) - _schema_problems(before):
        raise Refused(_("the fixed text would not fit the schema"))
    intended = {d.index: to_plain(d.body) for d in before.documents}
    for fix in applied:
        _apply_to_tree(intended[fix.doc_index], fix)
    if {d.index: to_plain(d.body) for d in after.documents} != intended:
        raise Refused(_("the fixed text would not hold exactly the intended data"))


def fix_text(text: str, shown: str, fixes: list[Fix]) -> tuple[str, list[Fix], list[str]]:
    """The text with ``fixes`` applied, the fixes applied and why the others were not.

    Raises :class:`Refused` when the file as a whole cannot be fixed safely."""
    source = _Lines.of(text)
    work = source.text()
    yml, trees, nodes = _load_for_fixing(work)
    before = _documents(work, shown)
    indexes = {d.index for d in before.documents}
    skipped: list[str] = []
    changes: list[_Change] = []
    by_doc: dict[int, list[Fix]] = {}
    for fix in fixes:
        by_doc.setdefault(fix.doc_index, []).append(fix)
    for index, doc_fixes in sorted(by_doc.items()):
        if index >= len(trees) or trees[index] is None or index not in indexes:
            skipped.extend(f"{f.yaml_path}: the document is no longer in the file" for f in doc_fixes)
            continue
        found, why = _document_changes(yml, trees[index], nodes[index], doc_fixes, source.lines, work)
        changes += found
        skipped += why
    kept, overlapping = _without_overlaps(changes)
    skipped += overlapping
    if not kept:
        return text, [], skipped
    seen, written = source.splice(kept)
    applied = [c.fix for c in kept]
    _verify(before, seen, shown, applied)
    return written, applied, skipped


def _check_only_inside(orig: list[str], new: list[str], changes: list[_Change]) -> None:
    """Every line outside the changed nodes is byte for byte what it was."""
    position = 0
    out = 0
    for change in changes:
        length = change.start - position
        if new[out:out + length] != orig[position:change.start]:
            raise Refused(_("the fix would change lines outside the node it names"))
        out += length + len(change.lines)
        position = change.end
    if new[out:] != orig[position:]:
        raise Refused(_("the fix would change lines outside the node it names"))


# --- the command --------------------------------------------------------------------------------

def collect(result: RunResult) -> dict[str, list[tuple[Diagnostic, Fix]]]:
    """The fixes of the active findings, by file, once per node. Skeletons added to a missing
    section (several roles and no ``roles:``) are merged into one."""
    unreadable = {d.path for d in result.diagnostics if d.family == "PARSE"}
    by_file: dict[str, dict[tuple, tuple[Diagnostic, Fix]]] = {}
    for diag in result.diagnostics:
        if diag.suppression or diag.path in unreadable:
            continue
        fix = diag.fix
        if fix is None:
            continue
        key = (fix.doc_index, fix.yaml_path, fix.action)
        seen = by_file.setdefault(diag.path, {}).get(key)
        if seen and fix.action == "add" and isinstance(seen[1].value, dict) and isinstance(fix.value, dict):
            fix = Fix(seen[1].description, fix.yaml_path, {**seen[1].value, **fix.value}, fix.doc_index, "add")
            by_file[diag.path][key] = (seen[0], fix)  # several missing roles and no roles section
        elif not seen:
            by_file[diag.path][key] = (diag, fix)
    return {path: list(items.values()) for path, items in sorted(by_file.items())}


def _repository(path: str, config_root: Path | None) -> Path:
    """The repository a linted file belongs to, found from where the file is named (not from
    where its links lead): the git work tree around it, else the folder of the configuration
    that governs it, else the working directory or, outside it, the file's own folder."""
    named = Path(os.path.abspath(path))
    tree = repo_root(named.parent)
    if tree is not None:
        return tree
    for folder in (config_root, Path.cwd()):
        if folder is not None and Path(os.path.abspath(folder)) in named.parents:
            return Path(os.path.abspath(folder))
    return named.parent


def _outside(path: str, repository: Path) -> bool:
    """Whether ``path``, its links followed, leads out of the repository."""
    real, root = Path(os.path.realpath(path)), Path(os.path.realpath(repository))
    return not (real == root or root in real.parents)


def write_in_place(path: str, expected: bytes, data: bytes) -> None:
    """Replace the file at ``path`` (its links followed) by ``data``, or leave it as it was.

    ``data`` goes to a temporary file in the same folder, is flushed to disk, and is renamed
    over the file in one step, so a write cut short (a full disk, a crash, a kill) leaves the
    original intact. Just before the rename the file is read again: if it is no longer
    ``expected`` (someone saved an edit meanwhile) nothing is written and Refused says so."""
    real = os.path.realpath(path)
    mode = stat.S_IMODE(os.stat(real).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", suffix=".im4cm-lint-fix",
                               dir=os.path.dirname(real))
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        with open(real, "rb") as handle:
            if handle.read(len(expected) + 1) != expected:
                raise Refused(_("the file changed while it was being fixed (an edit was saved); run --fix again"))
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # the rename itself, on disk (POSIX)
        folder = os.open(os.path.dirname(real), os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


@dataclass
class _FileFix:
    """What --fix did, or would do, to one file."""

    applied: list[Fix] = field(default_factory=list)
    diff: str = ""
    notes: list[str] = field(default_factory=list)


def _fix_file(path: str, fixes: list[Fix], write: bool, config_root: Path | None) -> _FileFix:
    """Apply (or preview) the fixes of one file; a file that cannot be fixed safely is left as
    it is, with a note that says why."""
    done = _FileFix()
    if _outside(path, _repository(path, config_root)):
        done.notes.append(_("{path}: not fixed: it is a link to a file outside the repository; nothing was written",
                            path=path))
        return done
    try:
        raw = Path(path).read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        new_text, done.applied, skipped = fix_text(text, path, fixes)
        new_raw = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
        if write and done.applied:
            write_in_place(path, raw, new_raw)
    except (OSError, UnicodeDecodeError) as err:
        writing = isinstance(err, OSError) and done.applied
        done.applied = []
        done.notes.append(_("{path}: not fixed: cannot write the file ({error}); it was left as it was", path=path,
                            error=str(err)) if writing else
                          _("{path}: not fixed: cannot read the file ({error}); it was left as it was", path=path,
                            error=str(err)))
        return done
    except Refused as why:
        done.applied = []
        done.notes.append(_("{path}: not fixed: {why}. Nothing was written; apply the fixes by hand (see "
                            "'im4cm-lint --explain RULE').", path=path, why=str(why)))
        return done
    done.notes += [_("{path}: one fix skipped: {reason}", path=path, reason=reason) for reason in skipped]
    if done.applied and not write:
        done.diff = "".join(difflib.unified_diff(
            text.splitlines(keepends=True), new_text.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}"))
    return done


def fix_paths(paths: list[str], options: Options, write: bool = True) -> FixOutcome:
    """Lint, apply the safe fixes (or only show them as a diff), and lint again."""
    first = run(paths, options)
    outcome = FixOutcome(first, fatal=first.fatal)
    if first.fatal:
        return outcome
    config_root = first.config.root if first.config and first.config.path else None
    diffs: list[str] = []
    fixed_files = 0
    fixed_findings = 0
    for path, items in collect(first).items():
        done = _fix_file(path, [fix for _diag, fix in items], write, config_root)
        outcome.notes += done.notes
        if not done.applied:
            continue
        rules = sorted({diag.rule for diag, fix in items if fix in done.applied})
        fixed_files += 1
        fixed_findings += sum(1 for _diag, fix in items if fix in done.applied)
        diffs.append(done.diff)
        count, listed = len(done.applied), ", ".join(rules)
        outcome.notes.append(
            _n("{path}: fixed {n} problem ({rules})", "{path}: fixed {n} problems ({rules})", count, path=path,
               rules=listed) if write else
            _n("{path}: would fix {n} problem ({rules})", "{path}: would fix {n} problems ({rules})", count, path=path,
               rules=listed))
    outcome.diff = "".join(diffs)
    if write and fixed_files:
        outcome.result = run(paths, options)
        outcome.notes.append(_n("Fixed {n} problem in {files}; the findings below remain.",
                                "Fixed {n} problems in {files}; the findings below remain.", fixed_findings,
                                files=_n("{n} file", "{n} files", fixed_files)))
    elif not fixed_files:
        outcome.notes.append(_("Nothing to fix automatically."))
    return outcome
