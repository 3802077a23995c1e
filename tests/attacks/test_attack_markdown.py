"""Attack: document values turn the Markdown job summary into a page the pull request controls.

Before issue 12 a key or a file name reached the summary as Markdown: an image to an outside host
(a tracking pixel in the job summary), a link, raw HTML smuggled through a code span with a
backslash, an @mention that notifies whoever is named, a file name that broke the link to its
line. The summary is rendered here with GitHub's own Markdown library (cmark-gfm, with its
autolink and table extensions, through cmarkgfm) and every value must come out as text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import lint, write

cmarkgfm = pytest.importorskip("cmarkgfm")  # a test dependency (pyproject's "test" extra)

OURS = "https://github.com/org/repo/blob/0123abc/"
GITHUB = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "org/repo", "GITHUB_SHA": "0123abc"}
KEYS = [
    "![pixel](https://evil.example/pixel.png)",
    "[click](https://evil.example/login)",
    "<img src=https://evil.example/p.png onerror=alert(1)>",
    "`x\\\\`<img src=https://evil.example/q.png>`",
    "@octocat and @org/team, see #1 and www.evil.example",
    "https://evil.example/raw and mail a@evil.example",
    "a | b | c",
]
NAMES = ["[a](https:evil.example) #L1.yaml", "x) <b>.yaml", "@octocat.yaml"]


def html_of(markdown: str) -> str:
    from cmarkgfm.cmark import Options

    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def assert_only_text(markdown: str) -> None:
    html = html_of(markdown)
    assert "<img" not in html and "<script" not in html
    for href in re.findall(r'<a href="([^"]*)"', html):
        assert href.startswith(OURS), href
    prose = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert not re.search(r"@[A-Za-z0-9]", prose), "an @mention"
    assert not re.search(r"#[0-9]", prose), "an issue reference"
    tags = set(re.findall(r"</?([a-z0-9]+)", html))
    assert tags <= {"h1", "h2", "h3", "h4", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "strong", "a",
                    "ul", "ol", "li", "em", "br"}, tags


@pytest.fixture
def hostile(repo: Path) -> Path:
    write(repo, ".im4cm-lint.yaml", "select: [PARSE, SCHEMA, REF, CONFIG]\n")
    keys = "".join(f'    "{key}": 1\n' for key in KEYS)
    for number, name in enumerate(NAMES):
        write(repo, name, f"""
            apiVersion: im4cm/v1
            kind: DataExport
            metadata:
              id: e{number}
              dpisp: nowhere
        {keys}    system: cpims+
            """)
    return repo


def test_the_summary_carries_no_image_link_html_or_mention(hostile):
    run = lint("--format", "markdown", ".", cwd=hostile, env=GITHUB)
    assert run.code == 1 and "SCHEMA001" in run.out
    assert_only_text(run.out)


def test_file_names_keep_their_link_to_the_line(hostile):
    run = lint("--format", "markdown", ".", cwd=hostile, env=GITHUB)
    hrefs = set(re.findall(r'<a href="([^"]*)"', html_of(run.out)))
    assert f"{OURS}x%29%20%3Cb%3E.yaml#L1" in hrefs
    assert f"{OURS}%5Ba%5D%28https%3Aevil.example%29%20%23L1.yaml#L1" in hrefs


def test_outside_github_the_summary_is_as_safe(hostile):
    run = lint("--format", "markdown", ".", cwd=hostile)
    assert_only_text(run.out)
    assert "<a href" not in html_of(run.out)


def test_the_walkthrough_as_markdown_carries_only_text(tmp_path):
    target = tmp_path / "ke"
    assert lint("init", "--country", "KE", "--operation", "Kakuma", str(target)).code == 0
    dpisp = target / "dpisp.yaml"
    keys = "".join(f'"{key}": 1\n' for key in KEYS)
    dpisp.write_text(dpisp.read_text(encoding="utf-8") + keys, encoding="utf-8")
    run = lint("--explain", "dpisp.yaml", "--format", "markdown", cwd=target)
    assert "SCHEMA001" in run.out and "evil.example" not in run.out  # keys shown by position (5.5)
    assert_only_text(run.out)
