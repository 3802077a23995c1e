"""Attack: a pull request commits a cache that runs code or changes the result.

Before issue 12 the linter unpickled ``.im4cm-lint-cache/*.pickle`` from the repository: a pickle
added with ``git add -f`` ran arbitrary code in every cached lint and could print a clean result.
Now the cache lives outside the repository, holds JSON only, and authenticates every entry with
a key the repository never sees. Each test plants pickles that would create a marker file when
unpickled, and asserts that the marker never appears and that the findings are those of a cold
run (``--no-cache``).
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from conftest import lint_json, write
from country_docs import DRAFT_DPISP, draft_export
from im4cm_lint.cache import ENV_VAR, digest


class _Detonator:
    """Unpickling this creates the marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.fixture
def cache_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("cache-home")
    monkeypatch.setenv(ENV_VAR, str(home))
    return home


@pytest.fixture
def country(repo: Path) -> Path:
    write(repo, ".im4cm-lint.yaml", "select: [REF, PARSE, SCHEMA, PLUGIN]\n")
    write(repo, "dpisp.yaml", DRAFT_DPISP)
    write(repo, "exports/export.yaml", draft_export("sc"))
    return repo


def plant_pickles(folder: Path, marker: Path) -> None:
    """The old cache's files, each a pickle that detonates, and one that claims a clean run."""
    bomb = pickle.dumps(_Detonator(marker))
    (folder / "files").mkdir(parents=True, exist_ok=True)
    for name in ("packs.pickle", "results.pickle", "files/entry", "packs/entry", "results/entry"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(bomb)
    (folder / "clean.pickle").write_bytes(pickle.dumps(("stamp", {"key": ([], 2, 2, 0, False)})))


def test_a_committed_pickle_cache_runs_nothing_and_changes_nothing(country, cache_home, tmp_path_factory):
    marker = tmp_path_factory.mktemp("outside") / "pwned"
    plant_pickles(country / ".im4cm-lint-cache", marker)
    cold = lint_json("--no-cache", ".", cwd=country)
    assert cold.findings() == [("REF002", "exports/export.yaml", 6)]
    for _ in range(2):  # cold, then warm
        run = lint_json(".", cwd=country)
        assert (run.code, run.out) == (cold.code, cold.out)
    assert not marker.exists()


def test_a_cache_folder_chosen_inside_the_repository_is_never_read(country, monkeypatch, tmp_path_factory):
    """CI configured to keep the cache in the checkout: the pull request controls that folder."""
    marker = tmp_path_factory.mktemp("outside") / "pwned"
    inside = country / ".cache" / "im4cm-lint"
    project = inside / digest("project", os.path.realpath(country))
    plant_pickles(project, marker)
    (inside / "key").write_text("0" * 64, encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(inside))
    cold = lint_json("--no-cache", ".", cwd=country)
    assert lint_json(".", cwd=country).out == cold.out
    assert not marker.exists()


def test_pickles_and_forgeries_in_the_user_s_own_cache_are_misses(country, cache_home, tmp_path_factory):
    """Even in the real cache folder, an entry not written by the linter with its key is a miss."""
    marker = tmp_path_factory.mktemp("outside") / "pwned"
    cold = lint_json("--no-cache", ".", cwd=country)
    lint_json(".", cwd=country)  # fills the cache
    project = cache_home / digest("project", os.path.realpath(country))
    bomb = pickle.dumps(_Detonator(marker))
    for entry in [p for p in project.rglob("*") if p.is_file() and p.name != "CACHEDIR.TAG"]:
        mac, _, payload = entry.read_bytes().partition(b"\n")
        entry.write_bytes(mac + b"\n" + bomb)  # right key and MAC line, content swapped
    assert lint_json(".", cwd=country).out == cold.out
    for entry in project.rglob("*"):  # the run rewrote good entries; now forge one well-formed
        if entry.parent.name == "results":
            mac, _, payload = entry.read_bytes().partition(b"\n")
            stored = json.loads(payload)
            stored["value"]["t"][0]["l"] = []
            entry.write_bytes(b"0" * len(mac) + b"\n" + json.dumps(stored).encode())
    assert lint_json(".", cwd=country).out == cold.out
    assert not marker.exists()


def test_no_pickle_is_loaded_anywhere_in_a_run(country, cache_home, monkeypatch):
    """Belt and braces: a lint, cold and warm, never calls the unpickler."""
    def refuse(*args, **kwargs):
        raise AssertionError("pickle loaded")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    first, second = lint_json(".", cwd=country), lint_json(".", cwd=country)
    assert first.out == second.out and first.findings() == [("REF002", "exports/export.yaml", 6)]


def test_an_entry_moved_to_another_key_is_a_miss(country, cache_home):
    """A genuine entry, copied under the name of another run's key, does not answer for it."""
    results = cache_home / digest("project", os.path.realpath(country)) / "results"
    lint_json("--select", "PARSE", ".", cwd=country)  # no findings: the entry a forger would like
    (clean,) = results.iterdir()
    cold = lint_json(".", cwd=country)
    (stored,) = [p for p in results.iterdir() if p != clean]
    stored.write_bytes(clean.read_bytes())
    run = lint_json(".", cwd=country)
    assert (run.code, run.out) == (cold.code, cold.out) and run.findings() != []
