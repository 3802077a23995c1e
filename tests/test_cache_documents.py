"""The cache keeps an unchanged file's documents: rebuilt from it, they are the documents parsing
builds (values, types, positions, parents, sources), and a run that uses them reports what a
cold run reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import lint_json
from im4cm_lint import cache_codec, engine, loading
from im4cm_lint.loader import load_data, restored_documents, stored_documents, tree_form
from im4cm_lint.yamltree import YMap, YSeq

REPO = Path(__file__).resolve().parent.parent
FILES = sorted([*REPO.glob("examples/**/*.yaml"), *REPO.glob("tests/fixtures/**/*.yaml")])


def same_tree(a, b, where="") -> None:
    """``a`` and ``b`` hold the same values of the same types at the same positions."""
    assert type(a) is type(b), where
    if isinstance(a, YMap):
        assert (a.line, a.column, list(a), a.key_pos, a.value_pos) == (b.line, b.column, list(b), b.key_pos, b.value_pos), where
        assert [type(k) for k in a] == [type(k) for k in b], where
        for key in a:
            same_tree(a[key], b[key], f"{where}.{key}")
            if isinstance(a[key], (YMap, YSeq)):
                assert b[key].parent is b and b[key].parent_key == key, where
    elif isinstance(a, YSeq):
        assert (a.line, a.column, len(a), a.item_pos) == (b.line, b.column, len(b), b.item_pos), where
        for index, (x, y) in enumerate(zip(a, b)):
            same_tree(x, y, f"{where}[{index}]")
            if isinstance(x, (YMap, YSeq)):
                assert y.parent is b and y.parent_key == index, where
    else:
        assert a == b or (a != a and b != b), where  # NaN is itself


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_restored_documents_are_the_parsed_ones(path):
    data = path.read_bytes()
    loaded = load_data(data, "shown.yaml")
    stored = stored_documents(loaded.documents, loaded.diagnostics)
    if stored is None:  # a file that does not load cleanly is parsed again on every run
        assert loaded.diagnostics or any(d.partial or not d.parse_ok for d in loaded.documents)
        return
    back = cache_codec.loads(cache_codec.dumps(stored))  # as the cache writes and reads it
    restored = restored_documents(data, "shown.yaml", back)
    assert restored is not None and len(restored) == len(loaded.documents)
    for parsed, again in zip(loaded.documents, restored):
        assert (type(again), again.path, again.index, again.id, again.kind, again.parse_ok, again.partial) == \
               (type(parsed), parsed.path, parsed.index, parsed.id, parsed.kind, parsed.parse_ok, parsed.partial)
        source, other = parsed.body.source, again.body.source
        assert (other.path, other.doc_index, other.doc_id, other.text) == (source.path, source.doc_index, source.doc_id, source.text)
        same_tree(parsed.body, again.body)


def test_odd_scalars_and_keys_survive():
    text = ("apiVersion: im4cm/v1\nkind: DPISP\nmetadata: {id: x}\n2: one\n1.5: [.inf, -.inf, .nan, -0.0, 0x1F, 1e3]\n"
            "true: ~\nnull: 'null'\nbig: 123456789012345\nlist: [[], {}, [[a]]]\n").encode()
    loaded = load_data(text, "odd.yaml")
    stored = cache_codec.loads(cache_codec.dumps(stored_documents(loaded.documents, loaded.diagnostics)))
    same_tree(loaded.documents[0].body, restored_documents(text, "odd.yaml", stored)[0].body)


def test_what_the_compact_form_cannot_keep_is_parsed_again():
    aliased = b"apiVersion: im4cm/v1\nkind: DPISP\nmetadata: &m {id: x}\nagain: *m\n"
    loaded = load_data(aliased, "a.yaml")
    assert stored_documents(loaded.documents, loaded.diagnostics) is None  # one container in two places
    huge = b"apiVersion: im4cm/v1\nkind: DPISP\nmetadata: {id: x}\nn: 1152921504606846976\n"
    loaded = load_data(huge, "h.yaml")
    assert stored_documents(loaded.documents, loaded.diagnostics) is None
    broken = b"apiVersion: im4cm/v1\nkind: DPISP\nmetadata: {id: x}\na: 1\na: 2\n"
    loaded = load_data(broken, "b.yaml")
    assert stored_documents(loaded.documents, loaded.diagnostics) is None  # PARSE findings: read again


@pytest.mark.parametrize("form", [
    None, "x", [], [[0]], [["0", cache_codec.StoredTree({"m": [1, 1]})]], [[0, {"m": [1, 1]}]],
    [[0, cache_codec.StoredTree({"m": [1]})]], [[0, cache_codec.StoredTree({"m": [1, 1, "k", 1, 1, 1, 1]})]],
    [[0, cache_codec.StoredTree({"s": [1, 1]})]], [[0, cache_codec.StoredTree({"m": ["1", 1]})]],
    [[0, cache_codec.StoredTree({"m": [1, 1, ["k"], 1, 1, 1, 1, "v"]})]],
    [[0, cache_codec.StoredTree({"m": [1, 1, "k", 1, 1, 1, 1, {"q": [1, 1]}]})]],
    [[0, cache_codec.StoredTree({"m": [1, 1, "k", 1, 1, 1, 1, {"m": [1, 1], "s": [1, 1]}]})]],
])
def test_a_form_it_does_not_write_is_a_miss_not_a_crash(form):
    """Entries are authenticated before they are read, but a form the loader does not write is
    still refused cleanly: the file is parsed instead."""
    data = b"apiVersion: im4cm/v1\nkind: DPISP\nmetadata: {id: x}\n"
    assert form == [] or restored_documents(data, "x.yaml", form) is None


def test_nesting_deeper_than_the_loader_allows_is_refused():
    deep: dict = {"m": [1, 1]}
    for _ in range(80):
        deep = {"m": [1, 1, "k", 1, 1, 1, 1, deep]}
    assert restored_documents(b"x", "x.yaml", [[0, cache_codec.StoredTree(deep)]]) is None


def test_a_warm_run_builds_the_documents_from_the_cache_and_reports_as_a_cold_one(tmp_path, monkeypatch):
    """The clean example with one export edited into two findings: every rule runs on documents
    from the cache, and says what it says on parsed ones."""
    country = tmp_path / "country"
    shutil.copytree(REPO / "examples" / "et-gambella", country)
    monkeypatch.setenv("IM4CM_LINT_CACHE_DIR", str(tmp_path / "cache"))
    parsed: list[str] = []
    real = loading.load_data

    def counting(data, shown, **kwargs):
        parsed.append(shown)
        return real(data, shown, **kwargs)

    monkeypatch.setattr(loading, "load_data", counting)
    monkeypatch.chdir(country)
    options = engine.Options(cache=True)
    engine.run(["."], options)
    export = next(country.glob("exports/*.yaml"))
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace("kind: DataExport", "kind: DataExport\nsharing_rule: no-such-rule", 1)
                      + "# edited\n", encoding="utf-8")
    parsed.clear()
    warm = engine.run(["."], options)
    assert parsed == [export.relative_to(country).as_posix()]  # the others come from the cache
    assert len(warm.project.documents) >= 5 and warm.diagnostics
    cold = engine.run(["."], engine.Options())
    assert warm.diagnostics == cold.diagnostics
    monkeypatch.undo()
    monkeypatch.setenv("IM4CM_LINT_CACHE_DIR", str(tmp_path / "cache"))
    assert lint_json(".", cwd=country).findings() == lint_json("--no-cache", ".", cwd=country).findings()


def test_the_tree_form_is_plain_json():
    loaded = load_data(b"apiVersion: im4cm/v1\nkind: DPISP\nmetadata: {id: x}\nl: [1, {a: b}]\n", "p.yaml")
    assert tree_form(loaded.documents[0].body) == {"m": [
        1, 1, "apiVersion", 1, 1, 1, 13, "im4cm/v1", "kind", 2, 1, 2, 7, "DPISP",
        "metadata", 3, 1, 3, 11, {"m": [3, 11, "id", 3, 12, 3, 16, "x"]},
        "l", 4, 1, 4, 4, {"s": [4, 4, 4, 5, 1, 4, 8, {"m": [4, 8, "a", 4, 9, 4, 12, "b"]}]}]}
