"""The sharing report for people who decide, in a real headless Chromium: at 1400 px and at a
phone's 390 px, and printed.

The page is measured inside the browser: a copy of it gets a small script that writes what the
browser laid out (the page's scroll width, the box of every label on the map) into the DOM, which
``--dump-dom`` returns. Printed, the brief must fit page one (the next page starts with the
protocol's details), no page may be blank, and rule help comes after the findings, only for the
rules that fired. Screenshots and PDFs are kept under test-artifacts/ for people to look at.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import ARTIFACTS, EXAMPLES, browse, lint, lint_json, print_to_pdf
from pypdf import PdfReader
from test_report_browser import TODAY, _forty
from test_report_html import SMALL

MEASURE = """<script>
(function () {
  var out = {width: document.documentElement.scrollWidth, viewport: window.innerWidth, map: 0, labels: []};
  document.querySelectorAll('svg.map').forEach(function (svg) { out.map += svg.getBoundingClientRect().width; });
  document.querySelectorAll('svg.map g.label').forEach(function (g) {
    var t = g.querySelector('text').getBoundingClientRect(), r = g.querySelector('rect').getBoundingClientRect();
    out.labels.push({text: [t.left, t.top, t.right, t.bottom], box: [r.left, r.top, r.right, r.bottom]});
  });
  var top = window.parent.document, pre = top.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(out);
  top.body.appendChild(pre);
})();
</script>"""

CASES = {"small": lambda tmp: SMALL, "forty-parties": _forty,
         "et-gambella": lambda tmp: EXAMPLES / "et-gambella", "ke-kakuma": lambda tmp: EXAMPLES / "ke-kakuma-draft"}


def _overlap(a: list[float], b: list[float], tolerance: float = 0.5) -> bool:
    return (a[0] + tolerance < b[2] and b[0] + tolerance < a[2]
            and a[1] + tolerance < b[3] and b[1] + tolerance < a[3])


def _report(name: str, tmp_path: Path) -> tuple[Path, Path]:
    """(the report page, the folder it reports on)."""
    folder = CASES[name](tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / f"report-{name}.html"
    run = lint("report", "--html", str(page), "--today", TODAY, ".", cwd=folder)
    assert run.code == 0, run.err
    return page, folder


def _measure(chromium: str, page: Path, width: int, shot: Path) -> dict:
    """What Chromium laid out at ``width`` pixels. A headless window is at least 500 px wide, so the
    page is shown in a frame of exactly ``width`` pixels (``srcdoc``: the frame may write its
    measures into the page around it, which --dump-dom returns)."""
    probe = page.with_name(f"{page.stem}-measured-{width}.html")
    source = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text(encoding="utf-8"))
    framed = html.escape(source.replace("</body>", MEASURE + "</body>"), quote=True)
    probe.write_text(f'<!DOCTYPE html><html><body style="margin:0"><iframe width="{width}" height="1600" '
                     f'style="border:0;display:block" srcdoc="{framed}"></iframe></body></html>', encoding="utf-8")
    done = browse(chromium, probe, "--dump-dom", f"--screenshot={shot}", f"--window-size={max(width, 500)},1600")
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert found, "the measuring script did not run"
    return json.loads(found.group(1).replace("&quot;", '"'))


@pytest.mark.parametrize("name", CASES)
def test_report_at_1400_and_390_pixels(chromium, name, tmp_path):
    page, _ = _report(name, tmp_path)
    wide = _measure(chromium, page, 1400, ARTIFACTS / f"report-{name}-1400.png")
    assert wide["viewport"] == 1400 and wide["map"] > 0
    for n, label in enumerate(wide["labels"]):  # each label's words stay in its box, no two boxes touch
        text, box = label["text"], label["box"]
        assert box[0] - 1 <= text[0] and text[2] <= box[2] + 1, f"label {n} spills out of its box"
        others = wide["labels"][n + 1:]
        assert not any(_overlap(box, other["box"]) for other in others), f"label {n} overlaps another"
        assert not any(_overlap(text, other["text"]) for other in others), f"label {n}'s text overlaps another"
    if name != "forty-parties":
        assert wide["labels"], "a small map labels its edges"

    phone = _measure(chromium, page, 390, ARTIFACTS / f"report-{name}-390.png")
    assert phone["viewport"] == 390
    assert phone["width"] <= 390, f"the page scrolls sideways on a phone: {phone['width']} px wide"
    assert phone["map"] == 0  # too narrow to read: the list of flows stands in for the map


def _print(chromium: str, page: Path, pdf: Path) -> list[str]:
    """The text of each printed page."""
    print_to_pdf(chromium, page, pdf)
    return [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in PdfReader(str(pdf)).pages]


@pytest.mark.parametrize("name", ["et-gambella", "ke-kakuma", "forty-parties"])
def test_printed_brief_fits_page_one_and_help_follows_the_findings(chromium, name, tmp_path, capsys):
    page, folder = _report(name, tmp_path)
    pages = _print(chromium, page, ARTIFACTS / f"report-{name}.pdf")
    with capsys.disabled():
        print(f"\n[report] {name}: printed on {len(pages)} pages")
    findings = [d for d in lint_json("--today", TODAY, ".", cwd=folder).json["diagnostics"] if not d.get("suppressed")]
    operation = re.search(r"<h2>In brief: (.*?) <span", page.read_text(encoding="utf-8")).group(1)
    assert pages[0].startswith("Who shares what with whom") and f"In brief: {operation}" in pages[0]
    assert ("most important finding" in pages[0]) == bool(findings)
    assert pages[1].startswith(f"{operation} — protocol"), "the brief spilled onto page two"
    assert all(len(text) > 40 for text in pages), "a blank page"
    whole = " ".join(pages)
    fired = {d["rule"] for d in findings}
    assert whole.count("What it checks") == len(fired)
    if fired:
        assert whole.index("Findings by family") < whole.index("What the findings mean")
    other = "Gambella" if name == "ke-kakuma" else "Kakuma"
    assert other not in whole, "rule help brought another operation's protocol into the report"
