"""Checks that judge a change (``--base REF``) and the documents a change affects, on real git
repositories: the base revision is committed, the change is in the working tree. Each
history-aware rule's own cases are in tests/rules/cases/ (with ``base_files``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import lint_json, write
from country_docs import DPISP, REF_ONLY, export

CASES = Path(__file__).resolve().parent / "rules" / "cases"
HISTORY_RULES = ("ROLE011", "LIFE010", "LIFE011", "CLAUSE010", "ANNEXC010")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for args in (("init", "-q", "-b", "main"), ("config", "user.email", "ci@example.org"),
                 ("config", "user.name", "CI"), ("config", "commit.gpgsign", "false")):
        git(path, *args)
    return path


def commit(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)


def test_without_a_base_the_history_checks_find_nothing(tmp_path):
    spec = yaml.safe_load((CASES / "LIFE010.yml").read_text(encoding="utf-8"))
    repo = tmp_path / "repo"
    write(repo, "dpisp.yaml", spec["cases"][0]["files"]["dpisp.yaml"])
    (repo / ".git").mkdir()
    assert lint_json("--select", ",".join(HISTORY_RULES), ".", cwd=repo).findings() == []


def test_base_head_before_the_first_commit_compares_nothing(tmp_path):
    repo = new_repo(tmp_path / "repo")
    write(repo, "dpisp.yaml", DPISP)
    run = lint_json("--select", "LIFE", "--base", "HEAD", ".", cwd=repo)
    assert run.code in (0, 1) and "CONFIG001" not in run.rules()


@pytest.mark.parametrize("base, message", [
    ("nope", "--base nope: unknown revision 'nope': give a branch, a tag or a commit of this repository "
             "(in a shallow clone, fetch it first, e.g. 'git fetch origin main')"),
    ("--upload-pack=x", "--base --upload-pack=x: '--upload-pack=x' is not a revision name: give a branch, a tag "
                        "or a commit"),
])
def test_a_bad_base_stops_the_run(tmp_path, base, message):
    repo = new_repo(tmp_path / "repo")
    write(repo, "dpisp.yaml", DPISP)
    commit(repo)
    run = lint_json(f"--base={base}", ".", cwd=repo)
    assert run.code == 2
    assert [(d["rule"], d["message"]) for d in run.json["diagnostics"]] == [("CONFIG001", message)]


def test_a_base_outside_git_stops_the_run(repo):
    write(repo, "dpisp.yaml", DPISP)  # `repo` has a .git marker folder, not a repository
    run = lint_json("--base", "main", ".", cwd=repo)
    assert run.code == 2 and run.json["diagnostics"][0]["rule"] == "CONFIG001"


def test_the_cached_result_follows_the_base_commit(tmp_path):
    """The whole-run cache keys on the commit the base names, not on its name."""
    spec = yaml.safe_load((CASES / "LIFE011.yml").read_text(encoding="utf-8"))
    case = spec["cases"][0]
    repo = new_repo(tmp_path / "repo")
    write(repo, "dpisp.yaml", case["base_files"]["dpisp.yaml"])
    commit(repo, "1.2.0")
    write(repo, "dpisp.yaml", case["files"]["dpisp.yaml"])
    git(repo, "branch", "target")
    args = ("--select", "LIFE011", "--base", "target", "dpisp.yaml")
    assert lint_json(*args, cwd=repo).findings() == [("LIFE011", "dpisp.yaml", 9)]
    git(repo, "stash", "-q")
    commit_text = case["base_files"]["dpisp.yaml"].replace("version: 1.2.0", "version: 1.0.0")
    write(repo, "dpisp.yaml", commit_text)
    commit(repo, "1.0.0")
    git(repo, "branch", "-f", "target", "HEAD")
    write(repo, "dpisp.yaml", case["files"]["dpisp.yaml"])
    assert lint_json(*args, cwd=repo).findings() == []


# -- the documents a change affects --------------------------------------------------------------

def test_a_protocol_change_reports_the_exports_it_breaks(repo):
    """Committing dpisp.yaml alone with its sharing rule removed: the export that relied on it is
    reported (REF004), though pre-commit passed only the protocol."""
    write(repo, ".im4cm-lint.yaml", REF_ONLY)
    write(repo, "dpisp.yaml", DPISP.replace("  - id: irc-to-unhcr", "  - id: irc-to-unhcr-2"))
    write(repo, "export.yaml", export("irc-to-unhcr"))
    write(repo, "other/export.yaml", export("irc-to-unhcr").replace("ke-kakuma", "ke-other").replace("irc-unhcr-", "other-"))
    assert lint_json("dpisp.yaml", cwd=repo).findings() == [("REF004", "export.yaml", 10)]
    # an export given alone still reports only itself
    assert lint_json("other/export.yaml", cwd=repo).findings() == [("REF003", "other/export.yaml", 5)]


def test_a_git_that_hangs_is_stopped(tmp_path, monkeypatch):
    """git runs under a time limit: a hung git (a lock, a network filesystem) ends the run with a
    clear message, not a wait for ever."""
    import os

    from im4cm_lint import history

    fake = tmp_path / "bin" / "git"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(history, "GIT_TIMEOUT", 0.5)
    with pytest.raises(history.HistoryError, match="git rev-parse did not finish within 0.5 s"):
        history._run_git(tmp_path, "rev-parse", "HEAD")
