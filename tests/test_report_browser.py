"""The HTML report in a real headless Chromium: it loads with no console message (no script error,
no blocked request), every party and every finding is in the rendered DOM, and a screenshot is
kept under test-artifacts/ for people to look at.

Chromium comes from the system packages (the ``chromium`` fixture of conftest.py installs it when
it is missing). The network is cut off inside the browser (every host resolves to nothing), so a
report that tried to fetch anything would log an error here.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from conftest import ARTIFACTS, EXAMPLES, FIXTURES, browse, lint, lint_json
from test_report_html import Page, big_repo, finding_rows

TODAY = "2026-10-01"


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
    dumped = browse(chromium, html_file, "--dump-dom", f"--screenshot={shot}", "--window-size=1400,2000")
    loaded = time.perf_counter() - started
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    console = [line for line in dumped.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], "\n".join(console)
    assert loaded < 30, f"Chromium took {loaded:.1f}s to load the report"

    dom = Page(dumped.stdout)
    assert dom.find("svg", cls="map"), "the map was not rendered"
    on_map = {el.attrs["data-party"] for el in dom.find("g", cls="party") + dom.find("span", cls="idle")}
    assert _parties(folder) <= on_map
    findings = lint_json("--today", TODAY, ".", cwd=folder).json["diagnostics"]
    assert sorted(finding_rows(dom)) == sorted((d["rule"], f"{d['path']}:{d['line']}:{d['column']}")
                                               for d in findings if not d.get("suppressed"))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
