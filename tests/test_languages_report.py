"""The report in the users' languages: ``--lang ar`` writes a right-to-left page with Arabic
headings and the ids isolated left to right, ``--lang fr`` a French Markdown summary with the same
ids, English as it always was; and a real headless Chromium draws the Arabic letters with the
report's own font stack (glyphs, not the boxes a browser draws for letters no font has).

Chromium comes from the system packages (the ``chromium`` fixture of conftest.py installs it with
apt-get when it is missing, and the test skips, saying why, only when that is impossible).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import ARTIFACTS, EXAMPLES, browse, lint

from im4cm_lint import i18n

DRAFT = EXAMPLES / "ke-kakuma-draft"
TODAY = "2026-10-01"
ARABIC = re.compile("[\u0600-\u06ff]")
PROTOCOL_ID = "ke-kakuma"


def _in(language: str, message: str) -> str:
    """``message`` as the catalogs of ``language`` have it (what the report must print)."""
    i18n.activate(language)
    try:
        return i18n._(message)
    finally:
        i18n.activate(i18n.ENGLISH)


def _report(tmp_path: Path, *lang: str) -> str:
    out = tmp_path / f"report{'-'.join(['', *lang[1:]])}.html"
    run = lint(*lang, "report", "--html", str(out), "--today", TODAY, str(DRAFT))
    assert run.code == 0, run.err
    return out.read_text(encoding="utf-8")


def _headings(page: str, tag: str = "h2") -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", page, re.S)]


def _finding_rules(page: str) -> list[str]:
    return re.findall(r'<tr id="finding-\d+" class="finding"><td[^>]*>.*?</td><td[^>]*>(?:<a [^>]*>)?([A-Z]+\d+)', page)


def test_arabic_report_is_right_to_left_with_arabic_headings_and_isolated_ids(tmp_path):
    english, arabic = _report(tmp_path), _report(tmp_path, "--lang", "ar")
    assert '<html lang="en">' in english and 'dir="rtl"' not in english
    assert '<html lang="ar" dir="rtl">' in arabic
    expected = _in("ar", "Findings by family")
    assert ARABIC.search(expected), "the Arabic catalog has no translation of 'Findings by family'"
    assert '<section id="findings"><h2>' + expected + "</h2>" in arabic
    assert "Findings by family" not in arabic and "Who shares what with whom" not in arabic
    arabic_h2 = [h for h in _headings(arabic) if ARABIC.search(h)]
    assert len(arabic_h2) >= 3, _headings(arabic)
    # the same findings, in the same order, under the same rule ids
    assert _finding_rules(arabic) == _finding_rules(english) and _finding_rules(english)
    # ids, dates and paths inside Arabic sentences are isolated: <bdi>, or <code> (unicode-bidi: isolate)
    brief = re.search(r'<section class="brief" id="brief-' + PROTOCOL_ID + r'"><h2>(.*?)</h2>', arabic, re.S)
    assert brief and ARABIC.search(brief.group(1)) and f"<code>{PROTOCOL_ID}</code>" in brief.group(1)
    meta = re.search(r'<section class="protocol" id="dpisp-' + PROTOCOL_ID + r'">.*?<p class="meta">(.*?)</p>',
                     arabic, re.S).group(1)
    assert "<bdi>examples/ke-kakuma-draft/dpisp.yaml</bdi>" in meta or "<bdi>dpisp.yaml</bdi>" in meta, meta
    assert re.search(r"<bdi>\d+(\.\d+)*</bdi>", meta), meta  # the version
    assert "code { unicode-bidi: isolate" in arabic or re.search(r"\bcode\b[^{]*\{[^}]*unicode-bidi: isolate", arabic)
    # no isolate made visible by the escaping of documents' text
    assert "[U+2068]" not in arabic and "[U+2069]" not in arabic
    # the page keeps its Content-Security-Policy: the one script runs by its hash, nothing is fetched
    assert "script-src 'sha256-" in arabic and "default-src 'none'" in arabic
    assert not re.search(r"(src|href)=\"https?:", arabic) and "@font-face" not in arabic


def test_french_markdown_summary_has_french_headings_and_the_same_ids():
    english = lint("report", "--format", "markdown", "--today", TODAY, str(DRAFT))
    french = lint("--lang", "fr", "report", "--format", "markdown", "--today", TODAY, str(DRAFT))
    assert english.code == french.code == 0, french.err
    heading = _in("fr", "Who shares what with whom under {dpisp}")
    assert heading != "Who shares what with whom under {dpisp}", "the French catalog lacks the heading"
    assert "#### " + heading.format(dpisp=f"`{PROTOCOL_ID}`") in french.out
    assert f"#### Who shares what with whom under `{PROTOCOL_ID}`" in english.out
    assert "Who shares what with whom" not in french.out
    ids = re.compile(r"`([a-z0-9][a-z0-9._-]*)`")
    items = lambda out: [ids.findall(line) for line in out.splitlines() if line.startswith("- ")]  # noqa: E731
    assert items(french.out) == items(english.out) and items(english.out)


def test_english_stays_the_default(tmp_path):
    """No --lang and an English or C locale: the page and the summary are the English ones."""
    page = _report(tmp_path)
    assert '<section id="findings"><h2>Findings by family</h2>' in page
    assert ">Who shares what with whom</h3>" in page
    assert not ARABIC.search(re.sub(r"<style>.*?</style>", "", page, flags=re.S))


def _page(word: str, folder: Path, name: str) -> Path:
    """A page with the report's own stylesheet (its Arabic font stack) showing one big word."""
    from im4cm_lint_checks.report.html import CSS

    path = folder / f"{name}.html"
    path.write_text('<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
                    f"<style>{CSS} h1.probe {{ font-size: 96px; font-weight: 400; margin: 40px; }}</style></head>"
                    f'<body><h1 class="probe">{word}</h1></body></html>\n', encoding="utf-8")
    return path


def _screenshot(chromium: str, page: Path, size: str = "600,300"):
    """The page as Chromium draws it, in grey levels (Pillow's image)."""
    from PIL import Image

    png = page.with_suffix(".png")
    done = browse(chromium, page, f"--screenshot={png}", f"--window-size={size}")
    assert png.is_file(), done.stderr[-2000:]
    with Image.open(png) as image:
        return image.convert("L")


def _ink_columns(image) -> list[int]:
    """The x of every column that holds a dark pixel."""
    width, height = image.size
    pixels = image.load()
    return [x for x in range(width) if any(pixels[x, y] < 128 for y in range(height))]


def _runs(columns: list[int]) -> int:
    """How many separate stretches of ink, left to right."""
    return sum(1 for i, x in enumerate(columns) if i == 0 or x != columns[i - 1] + 1)


@pytest.mark.slow
def test_chromium_draws_arabic_letters_not_boxes(chromium, tmp_path):
    """Two words of three letters that all join (so a real font draws each as one connected
    stroke): a browser without an Arabic font draws three separate, identical boxes for each."""
    pytest.importorskip("PIL", reason="Pillow (the test extra) reads the screenshots")
    first = _screenshot(chromium, _page("سمك", tmp_path, "first"))
    second = _screenshot(chromium, _page("نجم", tmp_path, "second"))
    for word, image in (("سمك", first), ("نجم", second)):
        columns = _ink_columns(image)
        assert len(columns) > 40, f"{word}: nothing drawn"
        assert _runs(columns) == 1, f"{word}: drawn as {_runs(columns)} separate pieces (boxes?), not one joined word"
    # boxes look the same whatever the letter; glyphs do not
    box = lambda image: image.crop(image.getbbox() if image.getbbox() else (0, 0, 1, 1))  # noqa: E731
    inverted = [img.point(lambda v: 255 - v) for img in (first, second)]
    a, b = (box(img) for img in inverted)
    assert a.size != b.size or list(a.getdata()) != list(b.getdata()), "both words look the same: boxes, not letters"


@pytest.mark.slow
def test_arabic_report_screenshot_is_not_blank(chromium, tmp_path):
    pytest.importorskip("PIL", reason="Pillow (the test extra) reads the screenshots")
    page = tmp_path / "report-ar.html"
    run = lint("--lang", "ar", "report", "--html", str(page), "--today", TODAY, str(DRAFT))
    assert run.code == 0, run.err
    image = _screenshot(chromium, page, "1200,900")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / "report-ar.png")
    dark = sum(image.histogram()[:128])
    assert dark > 2000, f"the Arabic report's screenshot is (nearly) blank: {dark} dark pixels"
    # the page is laid out right to left: the heading's ink starts on the right half
    top = image.crop((0, 0, image.size[0], 70))
    columns = _ink_columns(top)
    assert columns and max(columns) > image.size[0] * 0.6, "the heading does not stand on the right"


def test_arabic_rendered_protocol_is_right_to_left_and_still_verifies(tmp_path):
    """The signable document in Arabic: a right-to-left page and Word file with Arabic headings,
    the ids and the fingerprint isolated; ``verify`` in the same language finds every clause and
    every sharing rule of the Arabic copy."""
    import zipfile

    protocol = DRAFT / "dpisp.yaml"
    page, word = tmp_path / "ar.html", tmp_path / "ar.docx"
    for fmt, out in (("html", page), ("docx", word)):
        run = lint("--lang", "ar", "render", str(protocol), "--format", fmt, "-o", str(out))
        assert run.code == 0, run.err
    text = page.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in text
    heading = _in("ar", "Annex A. Data points and sharing")
    assert ARABIC.search(heading) and f"<h2>{heading}</h2>" in text
    assert f"<bdi>{PROTOCOL_ID}</bdi>" in text and re.search(r'<span class="fp"><bdi>sha256:[0-9a-f]{16}</bdi>', text)
    document = zipfile.ZipFile(word).read("word/document.xml").decode("utf-8")
    assert "<w:bidi/>" in document and "<w:bidiVisual/>" in document and heading in document
    checked = lint("--lang", "ar", "verify", str(word), str(protocol))
    assert checked.code == 0, checked.out + checked.err  # 1: the copy differs (a clause or a rule not found)
