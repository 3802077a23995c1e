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
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
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
CLEAN_ENV = {"GITHUB_ACTIONS": None, "GITHUB_WORKSPACE": None,
             # English whatever the developer's locale; --lang or these variables choose another
             "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}
for _name, _value in CLEAN_ENV.items():  # and in the processes tests start
    if _name.startswith(("LANG", "LC_")):
        os.environ.pop(_name, None) if _value is None else os.environ.__setitem__(_name, _value)
# Commands run in their own process, not in a server the developer may have started
# (tests/test_server.py starts its own).
os.environ["IM4CM_LINT_SERVER"] = "off"


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


# --- a real headless Chromium, for the report and the signable document -----------------------

ARTIFACTS = REPO / "test-artifacts"  # screenshots and PDFs kept for people to look at (git-ignored)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0"]


def _find_chromium() -> str | None:
    return next((path for name in ("chromium", "chromium-browser", "google-chrome")
                 if (path := shutil.which(name))), None)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium from the system packages, installed with apt-get when it is missing (CI runs on
    fresh machines); the tests that need it skip, saying why, only when that is impossible."""
    found = _find_chromium()
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is None or not shutil.which("apt-get"):
        pytest.skip("Chromium is not installed and cannot be installed here (needs apt-get as root or sudo): "
                    "install the 'chromium' package to run the browser tests")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run([*sudo, *step], capture_output=True, text=True, env=env, timeout=1200)
        if done.returncode != 0:
            pytest.skip(f"could not install Chromium with '{' '.join(step)}': {done.stderr.strip()[-500:]}")
    found = _find_chromium()
    if not found:
        pytest.skip("apt-get installed 'chromium' but no chromium executable is on PATH")
    return found


def browse(chromium: str, page: Path, *action: str) -> subprocess.CompletedProcess:
    """Open ``page`` in a fresh profile with the network cut off (every host resolves to nothing)."""
    with tempfile.TemporaryDirectory(prefix="im4cm-chromium-") as profile:
        return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *action, page.as_uri()],
                              capture_output=True, text=True, timeout=120)


def print_to_pdf(chromium: str, page: Path, pdf: Path) -> None:
    """Print ``page`` as a browser prints it (its own print stylesheet, no browser header or footer)."""
    done = browse(chromium, page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]


@pytest.fixture(scope="session")
def sarif_validator():
    """A validator of the official SARIF 2.1.0 schema (../shared/schemas beside the repository)."""
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the official SARIF schema is not at {SARIF_SCHEMA} (../shared/schemas beside the repository)")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)
