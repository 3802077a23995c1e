"""Attack: links and special files make the linter write, delete or hang outside its own folder.

Before issue 12 a committed ``.im4cm-lint-cache/files -> ../../victim`` had the victim's files
pruned, and a ``CACHEDIR.TAG`` link was written through. The cache now lives outside the
repository, but its own folder is defended as if it did not: every name in it is opened without
following links, only regular files are read, and a FIFO never blocks. Each test plants links to
victims outside and asserts that the victims are untouched and the findings unchanged.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import lint_json, run_process, write
from country_docs import DRAFT_DPISP, draft_export
from im4cm_lint.cache import ENV_VAR, digest


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


@pytest.fixture
def victim(tmp_path_factory) -> Path:
    """A folder outside the repository and the cache, with a file and a folder of files."""
    folder = tmp_path_factory.mktemp("victim")
    (folder / "notes.txt").write_text("precious\n", encoding="utf-8")
    (folder / "files").mkdir()
    for name in ("a", "b", digest("x")):
        (folder / "files" / name).write_text(f"precious {name}\n", encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_links_committed_in_the_old_cache_folder_lead_nowhere(country, cache_home, victim):
    old = country / ".im4cm-lint-cache"
    old.mkdir()
    (old / "files").symlink_to(victim / "files")
    (old / "CACHEDIR.TAG").symlink_to(victim / "notes.txt")
    (old / ".gitignore").symlink_to(victim / "notes.txt")
    before = snapshot(victim)
    cold = lint_json("--no-cache", ".", cwd=country)
    assert lint_json(".", cwd=country).out == lint_json(".", cwd=country).out == cold.out
    assert snapshot(victim) == before


def test_links_planted_in_the_cache_folder_itself_lead_nowhere(country, cache_home, victim):
    project = cache_home / digest("project", os.path.realpath(country))
    project.mkdir()
    for name in ("files", "packs", "results"):
        (project / name).symlink_to(victim / "files")
    (project / "CACHEDIR.TAG").symlink_to(victim / "notes.txt")
    (cache_home / "key").symlink_to(victim / "notes.txt")
    before = snapshot(victim)
    cold = lint_json("--no-cache", ".", cwd=country)
    for _ in range(2):
        assert lint_json(".", cwd=country).out == cold.out
    assert snapshot(victim) == before
    assert (project / "CACHEDIR.TAG").is_symlink() or not (project / "CACHEDIR.TAG").exists() or \
        (project / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature")


def test_entries_that_are_links_to_outside_files_are_neither_read_nor_written(country, cache_home, victim):
    lint_json(".", cwd=country)
    project = cache_home / digest("project", os.path.realpath(country))
    for entry in [p for p in project.rglob("*") if p.is_file() and p.parent != project]:
        entry.unlink()
        entry.symlink_to(victim / "notes.txt")
    before = snapshot(victim)
    cold = lint_json("--no-cache", ".", cwd=country)
    assert lint_json(".", cwd=country).out == cold.out
    (country / "dpisp.yaml").write_text(DRAFT_DPISP.replace("    ", "", 1) + "\n", encoding="utf-8")
    lint_json(".", cwd=country)  # a change: entries are written again, over the links
    assert snapshot(victim) == before


def test_pruning_removes_only_the_cache_s_own_entries(country, cache_home, victim):
    lint_json(".", cwd=country)
    files = cache_home / digest("project", os.path.realpath(country)) / "files"
    (files / "stale-link").symlink_to(victim / "files")
    (files / "stale-dir").mkdir()
    (files / "stale-dir" / "x").write_text("x", encoding="utf-8")
    before = snapshot(victim)
    with (country / "dpisp.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# edited\n")  # not a whole-run hit: the run reads every file, then prunes
    lint_json(".", cwd=country)
    assert snapshot(victim) == before and not (files / "stale-link").is_symlink()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_fifo_in_the_cache_never_blocks(country, cache_home):
    lint_json(".", cwd=country)
    project = cache_home / digest("project", os.path.realpath(country))
    for entry in [p for p in project.rglob("*") if p.is_file() and p.parent != project]:
        entry.unlink()
        os.mkfifo(entry)
    os.unlink(cache_home / "key")
    os.mkfifo(cache_home / "key")
    cold = lint_json("--no-cache", ".", cwd=country)
    try:
        run = run_process("--format", "json", ".", cwd=country, timeout=30, env={**os.environ, ENV_VAR: str(cache_home)})
    except subprocess.TimeoutExpired:
        pytest.fail("a FIFO in the cache blocked the run")
    assert (run.returncode, run.stdout) == (cold.code, cold.out)
