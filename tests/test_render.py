"""``render`` and ``verify``: the protocol as the parties sign it, and proof that a signed copy
matches the repository.

Both examples are rendered to DOCX and HTML through the real CLI. The DOCX is read back with
python-docx and every party, every locked clause's exact text and every sharing rule must be in
it; headless Chromium prints the HTML to PDF (the page counts are printed in the test output);
``verify`` must find the rendered DOCX and the printed PDF to match, and name the word when one
word of a locked clause is changed. Expectations come from the YAML read with PyYAML, not from
the renderer's own model.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ARTIFACTS, EXAMPLES, REPO, lint, print_to_pdf, run_process, write
from docx import Document
from pypdf import PdfReader
from test_report_html import Page

PACK_CLAUSES = REPO / "policies" / "im4cm-standard" / "clauses.yaml"
EXAMPLE_FILES = {"et-gambella": EXAMPLES / "et-gambella" / "dpisp.yaml",
                 "ke-kakuma": EXAMPLES / "ke-kakuma-draft" / "dpisp.yaml"}
FINGERPRINT = re.compile(r"sha256:[0-9a-f]{16}")


def _words(text: str) -> str:
    return " ".join(text.split())


def _protocol(path: Path) -> dict:
    return next(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d.get("kind") == "DPISP")


def _locked_ids() -> set[str]:
    clauses = yaml.safe_load(PACK_CLAUSES.read_text(encoding="utf-8"))["clauses"]
    return {c["id"] for c in clauses if c.get("locked") is True}


def _docx_text(path: Path) -> tuple[list[str], list[list[list[str]]], list[str]]:
    """(body paragraphs, tables as rows of cell texts, header paragraphs of every section)."""
    document = Document(str(path))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    headers = [p.text for s in document.sections for p in s.header.paragraphs]
    return [p.text for p in document.paragraphs], tables, headers


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("rendered")
    made: dict[str, dict[str, Path]] = {}
    for name, source in EXAMPLE_FILES.items():
        made[name] = {}
        for fmt in ("docx", "html"):
            target = out / f"{name}.{fmt}"
            run = lint("render", str(source), "--format", fmt, "-o", str(target))
            assert run.code == 0, run.err
            assert f"Wrote {target}" in run.err
            made[name][fmt] = target
    return made


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_docx_holds_every_party_locked_clause_and_sharing_rule(rendered, name):
    protocol = _protocol(EXAMPLE_FILES[name])
    paragraphs, tables, headers = _docx_text(rendered[name]["docx"])
    body = "\n".join(paragraphs)
    cells = "\n".join(cell for table in tables for row in table for cell in row)
    for party in protocol["parties"]:
        assert party["name"] in body, party["id"]
        assert f"For {party['name']}" in paragraphs, f"no signature block for {party['id']}"
    locked = [c for c in protocol["clauses"] if c["id"] in _locked_ids()]
    assert len(locked) >= 10
    for clause in locked:
        marker = next(i for i, p in enumerate(paragraphs) if p.endswith(f"clause [{clause['id']}]"))
        assert paragraphs[marker].startswith("LOCKED LEGAL TEXT")
        following = []
        for paragraph in paragraphs[marker + 1:]:
            if re.match(r"\d+\. ", paragraph) or paragraph.startswith("Annex A."):
                break
            following.append(paragraph)
        assert _words(" ".join(following)) == _words(clause["text"]), clause["id"]
    sharing = next(t for t in tables if t[0][0] == "Rule")
    assert [row[0] for row in sharing[1:]] == [f"[{rule['id']}]" for rule in protocol["sharing"]]
    for row, rule in zip(sharing[1:], protocol["sharing"]):
        assert all(f"{category} (" in row[5] for category in rule["categories"]), rule["id"]
        assert rule.get("channel", "not stated") == row[6]
    fingerprint = FINGERPRINT.search(body).group(0)
    assert headers[0] == f"Protocol {protocol['metadata']['id']} · version {protocol['metadata']['version']} · " \
                         f"{fingerprint}"
    assert "Protocol: " + protocol["metadata"]["id"] in paragraphs
    names = {role["holder"]["name"] for value in protocol["roles"].values()
             for role in (value if isinstance(value, list) else [value])}
    assert not any(n in cells for n in names), "names are printed only when the protocol says so"
    assert [p for p in paragraphs if p.startswith("Name: ")] == ["Name: " + "_" * 40] * len(protocol["parties"])


def test_rendering_is_deterministic_and_dated_from_the_protocol(rendered, tmp_path):
    for fmt in ("docx", "html"):
        again = tmp_path / f"again.{fmt}"
        assert lint("render", str(EXAMPLE_FILES["et-gambella"]), "--format", fmt, "-o", str(again)).code == 0
        assert again.read_bytes() == rendered["et-gambella"][fmt].read_bytes(), fmt
    props = Document(str(rendered["et-gambella"]["docx"])).core_properties
    assert (props.created.date().isoformat(), props.modified.date().isoformat()) == ("2025-11-17", "2026-03-01")
    with zipfile.ZipFile(rendered["et-gambella"]["docx"]) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_fingerprint_ignores_comments_and_key_order_but_not_a_word(tmp_path):
    source = EXAMPLE_FILES["ke-kakuma"].read_text(encoding="utf-8")
    (tmp_path / ".git").mkdir()
    variants = {"same": source, "comment": "# a new comment\n" + source.replace("version: 0.3.0", "version: 0.3.0  # x"),
                "word": source.replace("Lutheran World Federation", "Lutheran World Federation (LWF)")}
    prints = {}
    for name, text in variants.items():
        (tmp_path / "dpisp.yaml").write_text(text, encoding="utf-8")
        run = lint("render", "dpisp.yaml", "-o", "-", cwd=tmp_path)
        assert run.code == 0, run.err
        prints[name] = FINGERPRINT.search(run.out).group(0)
    assert prints["same"] == prints["comment"] != prints["word"]


def test_html_is_escaped_isolated_and_fetches_nothing(repo):
    write(repo, "dpisp.yaml", """
        apiVersion: im4cm/v1
        kind: DPISP
        metadata: {id: xx-test, country: XX, operation: "Op <b>bold</b>", setting: refugee,
                   template: im4cm-standard@2024.1, version: "1.0 </style><script>x()</script>", status: draft,
                   print_names: true}
        parties:
          - {id: a, name: "\u202eAgency <img src=x onerror=alert(1)>", type: ingo}
          - {id: b, name: "منظمة الأطفال", type: lngo}
        roles:
          process_lead:
            holder: {name: "R. \u05e9\u05dc\u05d5\u05dd", title: Lead, party: a}
        clauses:
          - id: local-context
            text: "Text with <script>alert(2)</script> & more"
        sharing:
          - {id: a-to-b, from: a, to: b, purpose: referral.service, basis: consent, categories: [identity.name],
             channel: "<a href='https://example.org'>link</a>"}
    """)
    run = lint("render", "dpisp.yaml", "-o", "-", cwd=repo)
    assert run.code == 0, run.err
    page = run.out
    assert "<script" not in page and "<img" not in page and "<a " not in page and "<b>" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt; &amp; more" in page
    assert "<bdi>\u202eAgency &lt;img src=x onerror=alert(1)&gt;</bdi>" in page
    assert "<bdi>R. \u05e9\u05dc\u05d5\u05dd</bdi>" in page  # print_names: true prints the holder's name
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "unsafe-inline" not in csp and "default-src 'none'" in csp
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert f"'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'" in csp
    assert "</style><script>" not in style and "\\3c " in style  # the version is escaped inside the CSS string too
    assert not re.search(r"""<[^>]*\s(src|href)\s*=|url\(|@import""", page)
    dom = Page(page)
    assert len(dom.find("h3")) == 2  # one signature block per party
    word = lint("render", "dpisp.yaml", "--format", "docx", "-o", "out.docx", cwd=repo)
    assert word.code == 0, word.err
    paragraphs, tables, headers = _docx_text(repo / "out.docx")
    assert "\u202eAgency <img src=x onerror=alert(1)>" in "\n".join(paragraphs)  # text, never markup
    assert headers[0].startswith("Protocol xx-test · version 1.0 </style><script>x()</script> · sha256:")
    assert "This protocol has no Annex C." in paragraphs
    assert "No data protection impact assessment refers to this protocol." in paragraphs


def test_render_refuses_what_it_cannot_render(repo):
    write(repo, "broken.yaml", """
        apiVersion: im4cm/v1
        kind: DPISP
        metadata: {id: xx-broken, country: XX}
        parties: []
    """)
    write(repo, "other.yaml", "apiVersion: im4cm/v1\nkind: DPIA\nmetadata: {id: x-dpia, dpisp: xx-broken}\n")
    for args, said in [(["missing.yaml"], "missing.yaml: no such file"),
                       (["other.yaml"], "other.yaml holds no DPISP document"),
                       (["broken.yaml"], "the protocol does not fit the contract")]:
        run = run_process("render", *args, "-o", "out.html", cwd=repo)
        assert run.returncode == 2, run.stderr
        assert said in run.stderr and "Traceback" not in run.stderr
    assert not (repo / "out.html").exists()


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_printed_pdf_and_docx_verify_and_a_changed_word_is_named(chromium, rendered, name, tmp_path, capsys):
    source = EXAMPLE_FILES[name]
    protocol = _protocol(source)
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / f"render-{name}.pdf"
    print_to_pdf(chromium, rendered[name]["html"], pdf)
    pages = PdfReader(str(pdf)).pages
    with capsys.disabled():
        print(f"\n[render] {name}: the printed HTML has {len(pages)} pages")
    fingerprint = FINGERPRINT.search(rendered[name]["html"].read_text(encoding="utf-8")).group(0)
    for number, page in enumerate(pages, 1):
        text = unicodedata.normalize("NFKC", page.extract_text())  # Chromium may print "ff" as one ligature
        assert fingerprint in text and f"Page {number} of {len(pages)}" in text, f"page {number}"
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}
    assert sizes == {(595, 842), (842, 595)}, "A4 portrait, and landscape for the sharing annex"

    commit = subprocess.run(["git", "log", "-1", "--format=%H", "--", str(source.relative_to(REPO))], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    for copy in (rendered[name]["docx"], pdf):
        run = lint("verify", str(copy), str(source))
        assert run.code == 0, run.out + run.err
        assert f"clauses: {len(protocol['clauses'])} of {len(protocol['clauses'])} match word for word" in run.out
        assert f"sharing annex: {len(protocol['sharing'])} of {len(protocol['sharing'])} rules match" in run.out
        assert f"Match: the signed copy is protocol {protocol['metadata']['id']}" in run.out
        if commit and f"commit {commit}" not in run.out:
            assert "not committed yet" in run.out  # the example is being edited in this work tree
    found = lint("verify", str(rendered[name]["docx"]), cwd=source.parent)  # found by the id on the copy
    assert found.code == 0, found.out + found.err

    changed = tmp_path / "changed.docx"
    document = Document(str(rendered[name]["docx"]))
    paragraph = next(p for p in document.paragraphs if "research or fundraising" in p.text)
    for run_ in paragraph.runs:
        run_.text = run_.text.replace("research or fundraising", "research and fundraising")
    document.save(str(changed))
    run = lint("verify", str(changed), str(source))
    assert run.code == 1, run.out
    assert "clause 2 'purpose-limitation' (locked legal text) differs" in run.out
    assert 'changed "or" to "and"' in run.out and run.out.count("text) differs") == 1

    html_changed = tmp_path / "changed.html"
    html_changed.write_text(rendered[name]["html"].read_text(encoding="utf-8").replace(
        "uses it for any other purpose", "uses it for any compatible purpose", 1), encoding="utf-8")
    changed_pdf = tmp_path / "changed.pdf"
    print_to_pdf(chromium, html_changed, changed_pdf)
    run = lint("verify", str(changed_pdf), str(source))
    assert run.code == 1, run.out
    assert "'purpose-limitation' (locked legal text) differs" in run.out
    assert 'changed "other" to "compatible"' in run.out and run.out.count("text) differs") == 1


@pytest.mark.parametrize("content", [b"", b"not a document", b"%PDF-1.7 truncated", b"PK\x03\x04truncated"])
def test_verify_unreadable_copy_exits_2_without_traceback(repo, content):
    (repo / "copy.pdf").write_bytes(content)
    run = run_process("verify", "copy.pdf", cwd=repo)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.startswith("im4cm-lint verify: ") and "Traceback" not in run.stderr
    assert run.stdout == ""


def test_verify_a_copy_not_made_by_render(repo, tmp_path):
    document = Document()
    document.add_paragraph("A protocol typed by hand.")
    document.save(str(repo / "typed.docx"))
    run = run_process("verify", "typed.docx", cwd=repo)
    assert run.returncode == 2 and "no protocol id, version and fingerprint found" in run.stderr


def test_letter_paper(tmp_path):
    source = EXAMPLE_FILES["ke-kakuma"]
    assert lint("render", str(source), "--paper", "letter", "-o", str(tmp_path / "l.html")).code == 0
    assert lint("render", str(source), "--paper", "letter", "--format", "docx", "-o", str(tmp_path / "l.docx")).code == 0
    css = re.search(r"<style>(.*?)</style>", (tmp_path / "l.html").read_text(encoding="utf-8"), re.S).group(1)
    assert "size: letter;" in css and "size: letter landscape;" in css
    sections = Document(str(tmp_path / "l.docx")).sections
    assert [(round(s.page_width.mm, 1), round(s.page_height.mm, 1)) for s in sections] == [
        (215.9, 279.4), (279.4, 215.9), (215.9, 279.4)]  # the sharing annex on a landscape page


def test_verify_against_another_protocol(rendered):
    run = lint("verify", str(rendered["et-gambella"]["docx"]), str(EXAMPLE_FILES["ke-kakuma"]))
    assert run.code == 1
    assert "is protocol et-gambella; examples/ke-kakuma-draft/dpisp.yaml holds protocol ke-kakuma" in run.out


def test_verify_refuses_a_docx_that_unpacks_to_gigabytes(repo):
    with zipfile.ZipFile(repo / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (201 * 1024 * 1024))
    assert (repo / "bomb.docx").stat().st_size < 1_000_000
    run = run_process("verify", "bomb.docx", cwd=repo)
    assert run.returncode == 2 and "unpacks to 201 MB" in run.stderr and "Traceback" not in run.stderr
