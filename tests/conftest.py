"""Shared test helpers: run the real CLI on real files and read its JSON output.

``lint(*args, cwd=...)`` runs ``im4cm-lint`` in-process through click (exceptions are not caught,
so a crash fails the test instead of hiding behind exit status 2); ``findings`` reduces the JSON
output to ``(rule, path, line)`` tuples for exact assertions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from im4cm_lint.cli import cli

REPO = Path(__file__).resolve().parent.parent
# The linter's cache lives in the user's cache folder: tests keep theirs in a folder of the session
# (the tests of the cache and the attacks on it choose their own).
os.environ["IM4CM_LINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="im4cm-lint-test-cache-")
EXAMPLES = REPO / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict:
        return json.loads(self.out)

    def findings(self) -> list[tuple[str, str, int]]:
        return [(d["rule"], d["path"], d["line"]) for d in self.json["diagnostics"]]

    def rules(self) -> set[str]:
        return {d["rule"] for d in self.json["diagnostics"]}


# Under GitHub Actions the text format adds annotations; tests see what a terminal user sees.
CLEAN_ENV = {"GITHUB_ACTIONS": None, "GITHUB_WORKSPACE": None}


def lint(*args: str, cwd: Path | str | None = None, env: dict | None = None) -> Run:
    """Run the CLI in-process in ``cwd`` (default: the repository root)."""
    env = {**CLEAN_ENV, **(env or {})}
    old = os.getcwd()
    os.chdir(cwd or REPO)
    try:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    finally:
        os.chdir(old)
    return Run(result.exit_code, result.stdout, result.stderr)


def lint_json(*args: str, cwd: Path | str | None = None) -> Run:
    return lint("--format", "json", *args, cwd=cwd)


def run_process(*args: str, cwd: Path | str | None = None, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
    """The installed console script in a real process (for exit codes, tracebacks, stdin)."""
    exe = shutil.which("im4cm-lint") or sys.executable
    cmd = [exe, *args] if exe.endswith("im4cm-lint") else [sys.executable, "-m", "im4cm_lint", *args]
    return subprocess.run(cmd, cwd=cwd or REPO, capture_output=True, text=True, timeout=timeout, **kw)


def write(root: Path, name: str, text: str) -> Path:
    """Write a dedented document under ``root`` and return its path."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty country repository (a folder with a .git marker so config lookup stops there)."""
    (tmp_path / ".git").mkdir()
    return tmp_path
