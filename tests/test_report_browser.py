"""The HTML report in a real headless Chromium: it loads with no console message (no script error,
no blocked request), every party and every finding is in the rendered DOM, and a screenshot is
kept under test-artifacts/ for people to look at.

Chromium comes from the system packages: the session fixture installs it with apt-get when it is
missing (CI runs on fresh machines) and skips, saying why, only when that is impossible. The
network is cut off inside the browser (every host resolves to nothing), so a report that tried to
fetch anything would log an error here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, FIXTURES, REPO, lint, lint_json
from test_report_html import Page, big_repo, finding_rows

ARTIFACTS = REPO / "test-artifacts"
TODAY = "2026-10-01"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0"]


def _find_chromium() -> str | None:
    return next((path for name in ("chromium", "chromium-browser", "google-chrome")
                 if (path := shutil.which(name))), None)


@pytest.fixture(scope="session")
def chromium() -> str:
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


def _browse(chromium: str, page: Path, *action: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="im4cm-chromium-") as profile:
        return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *action, page.as_uri()],
                              capture_output=True, text=True, timeout=120)


def _example_folders() -> list[Path]:
    """Every folder under examples/ that holds a DPISP."""
    found = []
    for folder in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()) if EXAMPLES.is_dir() else []:
        if any("kind: DPISP" in f.read_text(encoding="utf-8", errors="replace") for f in folder.rglob("*.yaml")):
            found.append(folder)
    return found


def _parties(folder: Path) -> set[str]:
    ids = set()
    for path in folder.rglob("*.yaml"):
        try:
            docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            continue
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") == "DPISP":
                ids |= {p["id"] for p in doc.get("parties") or [] if isinstance(p, dict) and "id" in p}
    return ids


CASES = [pytest.param(lambda tmp: FIXTURES / "countries" / "riverside", id="small"),
         pytest.param(lambda tmp: _forty(tmp), id="forty-parties"),
         *(pytest.param(lambda tmp, f=folder: f, id=f"example-{folder.name}") for folder in _example_folders())]


def _forty(tmp: Path) -> Path:
    root = tmp / "forty"
    (root / ".git").mkdir(parents=True)
    big_repo(root)
    return root


@pytest.mark.parametrize("make", CASES)
def test_report_renders_in_chromium(chromium, make, tmp_path, request):
    folder = make(tmp_path)
    name = request.node.callspec.id
    ARTIFACTS.mkdir(exist_ok=True)
    html_file = ARTIFACTS / f"report-{name}.html"
    started = time.perf_counter()
    run = lint("report", "--html", str(html_file), "--today", TODAY, ".", cwd=folder)
    made = time.perf_counter() - started
    assert run.code == 0, run.err
    assert made < 5, f"writing the report took {made:.2f}s"

    shot = ARTIFACTS / f"report-{name}.png"
    shot.unlink(missing_ok=True)
    started = time.perf_counter()
    dumped = _browse(chromium, html_file, "--dump-dom", f"--screenshot={shot}", "--window-size=1400,2000")
    loaded = time.perf_counter() - started
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    console = [line for line in dumped.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], "\n".join(console)
    assert loaded < 30, f"Chromium took {loaded:.1f}s to load the report"

    dom = Page(dumped.stdout)
    assert dom.find("svg", cls="map"), "the map was not rendered"
    on_map = {el.attrs["data-party"] for el in dom.find("g", cls="party")}
    assert _parties(folder) <= on_map
    findings = lint_json("--today", TODAY, ".", cwd=folder).json["diagnostics"]
    assert sorted(finding_rows(dom)) == sorted((d["rule"], f"{d['path']}:{d['line']}:{d['column']}")
                                               for d in findings if not d.get("suppressed"))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
