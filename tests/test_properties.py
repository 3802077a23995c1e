"""Property-based tests (hypothesis) on a real country repository made by ``im4cm-lint init``:

- random edits of valid documents (keys dropped, duplicated, retyped or renamed; random unicode;
  random indentation) never make the linter fail: exit status 0 or 1, valid JSON, no check
  failing (PLUGIN);
- ``--fix`` changes exactly what ``--fix --diff`` shows, only at the YAML paths of the fixes the
  findings carry, and a second ``--fix`` changes nothing;
- a document with nothing to fix is written back byte for byte, however it is formatted.

CI runs a bounded number of examples (profile ``ci``); run more with
``HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_properties.py``.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from conftest import lint, lint_json
from im4cm_lint.fix import fix_text
from im4cm_lint.loader import load_data, load_file
from im4cm_lint.yamltree import YMap, YSeq, to_plain, yaml_path

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HAS_FIX = "--fix" in lint("check", "--help").out
needs_fix = pytest.mark.skipif(not HAS_FIX, reason="`im4cm-lint check --fix` does not exist yet (issue 6)")

DOCUMENTS = ("dpisp.yaml", "dpia.yaml", "exports/example.yaml")


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory) -> Path:
    """A refugee operation with an implementing partner, as ``im4cm-lint init`` writes it."""
    target = tmp_path_factory.mktemp("props") / "op"
    made = lint("init", "--country", "ke", "--operation", "Kakuma refugee response",
                "--implementing-partner", "irc", str(target))
    assert made.code == 0, made.err
    return target


def copy_repo(scaffold: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="im4cm-props-"))
    shutil.copytree(scaffold, folder / "op")
    (folder / "op" / ".git").mkdir()
    return folder / "op"


def plain(path: Path) -> Any:
    return to_plain(load_file(str(path), path.name).documents[0].body)


# --- edits -----------------------------------------------------------------------------------------

VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from(["", "NO", "2025-13-45", "unhcr", "[INSERT x]", "~", "0x1F"]),
    st.lists(st.text(max_size=6), max_size=3), st.dictionaries(st.text(min_size=1, max_size=6), st.text(max_size=6), max_size=2),
)
UNICODE = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)
DATA_EDITS = st.tuples(st.sampled_from(["drop", "retype", "rename", "unicode"]),
                       st.lists(st.integers(0, 10**6), min_size=1, max_size=5), VALUES, UNICODE)
TEXT_EDITS = st.tuples(st.sampled_from(["duplicate", "indent", "tab", "unicode"]),
                       st.integers(0, 10**6), st.integers(-3, 3), UNICODE)


def _descend(node: Any, steps: list[int]) -> tuple[Any, Any]:
    """A (container, key) pair inside ``node``, chosen by ``steps``."""
    container, key = None, None
    for step in steps:
        if isinstance(node, dict) and node:
            key = list(node)[step % len(node)]
        elif isinstance(node, list) and node:
            key = step % len(node)
        else:
            break
        container, node = node, node[key]
    return container, key


def edit_data(data: Any, edit: tuple) -> None:
    kind, steps, value, text = edit
    container, key = _descend(data, steps)
    if container is None:
        return
    if kind == "drop":
        del container[key]
    elif kind == "retype":
        container[key] = value
    elif kind == "rename" and isinstance(container, dict):
        container[text] = container.pop(key)
    elif kind == "unicode" and isinstance(container[key], str):
        middle = len(container[key]) // 2
        container[key] = container[key][:middle] + text + container[key][middle:]


def edit_text(text: str, edit: tuple) -> str:
    kind, where, shift, chars = edit
    lines = text.split("\n")
    number = where % len(lines)
    line = lines[number]
    if kind == "duplicate":
        lines.insert(number, line)
    elif kind == "indent":
        lines[number] = " " * shift + line if shift >= 0 else line[min(-shift, len(line) - len(line.lstrip(" "))):]
    elif kind == "tab":
        lines[number] = "\t" + line
    else:
        lines[number] = line[: where % (len(line) + 1)] + chars + line[where % (len(line) + 1):]
    return "\n".join(lines)


def dump(data: Any, style: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, **style)


STYLES = st.fixed_dictionaries({
    "indent": st.integers(2, 6),
    "width": st.sampled_from([60, 80, 4096]),
    "allow_unicode": st.booleans(),
    "default_flow_style": st.sampled_from([False, None]),
    "explicit_start": st.booleans(),
})


def findings_are_clean(run) -> dict:
    assert run.code in (0, 1), (run.code, run.err)
    payload = run.json
    assert payload["version"] == 1
    failed_checks = [d for d in payload["diagnostics"] if d["rule"].startswith("PLUGIN")]
    assert failed_checks == []
    return payload


@settings(PROFILE)
@given(edits=st.lists(DATA_EDITS, max_size=4), text_edits=st.lists(TEXT_EDITS, max_size=3),
       which=st.sampled_from(DOCUMENTS), style=STYLES)
def test_random_edits_never_break_the_linter(scaffold, edits, text_edits, which, style):
    repo = copy_repo(scaffold)
    try:
        data = plain(repo / which)
        for edit in edits:
            edit_data(data, edit)
        text = dump(data, style)
        for edit in text_edits:
            text = edit_text(text, edit)
        (repo / which).write_text(text, encoding="utf-8")
        findings_are_clean(lint_json("--no-cache", ".", cwd=repo))
        findings_are_clean(lint_json("--no-cache", which, cwd=repo))  # alone, as pre-commit passes it
    finally:
        shutil.rmtree(repo.parent)


# --- --fix -----------------------------------------------------------------------------------------

def texts(repo: Path) -> dict[str, str]:
    return {path.relative_to(repo).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(repo.rglob("*.yaml")) if ".im4cm" not in path.parts}


def changed_paths(node: Any, new: Any, where: str = "") -> set[str]:
    """The YAML paths (as findings name them) where a document (``node``, positioned) and a new
    version of it (``new``, plain data) differ."""
    if isinstance(node, YMap) and isinstance(new, dict):
        found: set[str] = set()
        for key in set(node) | set(new):
            if key not in node or key not in new:
                found.add(yaml_path(node, key))
            elif to_plain(node[key]) != new[key]:
                found |= changed_paths(node[key], new[key], yaml_path(node, key))
        return found
    if isinstance(node, YSeq) and isinstance(new, list) and len(node) == len(new):
        return set().union(*(changed_paths(item, new[i], yaml_path(node, i))
                             for i, item in enumerate(node) if to_plain(item) != new[i]))
    return {where}


LOCKED_CLAUSE_EDITS = st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(["word", "unicode", "drop-line"]),
                                         UNICODE), min_size=1, max_size=3)


def edit_clauses(data: dict, edits: list) -> None:
    """Change the text of clauses (the locked ones then carry a fix back to the standard text)."""
    clauses = data.get("clauses") or []
    for where, kind, chars in edits:
        clause = clauses[where % len(clauses)]
        lines = clause["text"].split("\n")
        number = where % len(lines)
        if kind == "word":
            lines[number] = lines[number].replace(" the ", " a ", 1)
        elif kind == "unicode":
            lines[number] = lines[number] + chars.replace("\n", " ")
        elif len(lines) > 1:
            del lines[number]
        clause["text"] = "\n".join(lines)


def allowed_paths(payload: dict, shown: str) -> list[str]:
    """Where --fix may change a file: the fixes the findings carry (and the skeletons of missing
    roles, which --fix adds where the ROLE finding points)."""
    allowed = []
    for d in payload["diagnostics"]:
        if d["path"] == shown and ("fix" in d or d["rule"].startswith("ROLE")):
            allowed.append(d["fix"]["yaml_path"] if "fix" in d else d.get("yaml_path", ""))
    return allowed


@needs_fix
@settings(PROFILE)
@given(edits=LOCKED_CLAUSE_EDITS, drop_roles=st.lists(st.integers(0, 10**6), max_size=2), style=STYLES)
def test_fix_changes_only_what_it_reports_and_is_idempotent(scaffold, edits, drop_roles, style):
    repo = copy_repo(scaffold)
    try:
        data = plain(repo / "dpisp.yaml")
        edit_clauses(data, edits)
        for number in drop_roles:
            roles = data["roles"]
            if len(roles) > 1:
                del roles[list(roles)[number % len(roles)]]
        (repo / "dpisp.yaml").write_text(dump(data, style), encoding="utf-8")
        report = findings_are_clean(lint_json("--no-cache", ".", cwd=repo))
        before = texts(repo)
        preview = lint("--no-cache", "--fix", "--diff", ".", cwd=repo)
        assert texts(repo) == before  # --diff writes nothing
        fixed = lint("--no-cache", "--fix", ".", cwd=repo)
        assert fixed.code in (0, 1), fixed.err
        after = texts(repo)
        shown = "".join("".join(difflib.unified_diff(before[name].splitlines(keepends=True), after[name].splitlines(keepends=True),
                                                     fromfile=f"a/{name}", tofile=f"b/{name}"))
                        for name in sorted(before) if before[name] != after[name])
        assert preview.out == shown
        event("--fix changed files" if shown else "nothing to fix")
        for name in sorted(before):
            if before[name] == after[name]:
                continue
            allowed = allowed_paths(report, name)
            old = load_data(before[name].encode(), name).documents[0].body
            for changed in changed_paths(old, plain(repo / name)):
                assert any(changed == a or changed.startswith((a + ".", a + "[")) for a in allowed), (changed, allowed)
        again = lint("--no-cache", "--fix", ".", cwd=repo)
        assert texts(repo) == after, "a second --fix changed the files again"
        assert lint("--no-cache", "--fix", "--diff", ".", cwd=repo).out == ""
        assert again.code in (0, 1)
    finally:
        shutil.rmtree(repo.parent)


# --- nothing to fix: byte for byte -----------------------------------------------------------------

def decorate(text: str, comments: list[tuple[int, str]], crlf: bool) -> str:
    """Comments and blank lines before top-level keys (never inside a block of text), CRLF."""
    lines = text.split("\n")
    tops = [n for n, line in enumerate(lines) if line[:1].isalpha()]
    for where, comment in sorted(comments, reverse=True):
        lines.insert(tops[where % len(tops)], "" if not comment.strip() else "# " + comment.replace("\r", " "))
    joined = "\n".join(lines)
    return joined.replace("\n", "\r\n") if crlf else joined


COMMENTS = st.lists(st.tuples(st.integers(0, 10**6), st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                                                             max_size=20)), max_size=5)


@needs_fix
@settings(PROFILE)
@given(which=st.sampled_from(DOCUMENTS), style=STYLES, comments=COMMENTS, crlf=st.booleans())
def test_a_document_with_nothing_to_fix_is_written_back_byte_for_byte(scaffold, which, style, comments, crlf):
    repo = copy_repo(scaffold)
    try:
        text = decorate(dump(plain(repo / which), style), comments, crlf)
        (repo / which).write_bytes(text.encode("utf-8"))
        findings_are_clean(lint_json("--no-cache", ".", cwd=repo))
        assume(f"a/{which}" not in lint("--no-cache", "--fix", "--diff", ".", cwd=repo).out)  # nothing to fix in it
        assert fix_text(text, which, []) == (text, [], [])
        lint("--no-cache", "--fix", ".", cwd=repo)
        assert (repo / which).read_bytes() == text.encode("utf-8")
    finally:
        shutil.rmtree(repo.parent)


def test_the_profiles_bound_ci_and_allow_more():
    assert settings.get_profile("ci").max_examples <= 50 < settings.get_profile("thorough").max_examples
