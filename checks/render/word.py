"""The signable document as a Word file (python-docx), for agencies that sign and archive DOCX.

The running head (protocol id, version, fingerprint) is the header of every section, the page
number its footer; the sharing annex sits in a landscape section. The file is the same, byte for
byte, for the same protocol: the core properties take the protocol's own dates and every entry
of the zip archive a fixed time, never the time of rendering.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from im4cm_lint.i18n import _, right_to_left

from im4cm_lint_checks.render.html import ANNEX_C_COLUMNS, NAMES_NOTE, SHARING_NOTE, SIGNATURE_LINES
from im4cm_lint_checks.render.model import (
    ANNEX_C_HEADING, DPIA_HEADING, FOCAL_HEADING, SHARING_COLUMNS, SHARING_HEADING, SIGNATURE_HEADING, TITLE,
    Signable, protocol_dates)

PAPERS = {"a4": (Mm(210), Mm(297)), "letter": (Mm(215.9), Mm(279.4))}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry: no clock in the file
FSI, PDI = "\u2068", "\u2069"  # isolate a value inside a sentence, as <bdi> does in HTML


def _t(value: object) -> str:
    """Text Word can hold: characters XML forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", str(value))


def _iso(value: object) -> str:
    return f"{FSI}{_t(value)}{PDI}"


def _shade(paragraph, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    paragraph._p.get_or_add_pPr().append(shading)


def _left_rule(paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("val", "single"), ("sz", "24"), ("space", "8"), ("color", "111111")):
        left.set(qn(f"w:{key}"), value)
    borders.append(left)
    paragraph._p.get_or_add_pPr().append(borders)


def _field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_setup(section, paper: str, landscape: bool, head: str | None = None) -> None:
    """Paper, orientation and margins; the first section also gets the running head and page
    numbers, which later sections repeat (Word links their header to the previous one)."""
    width, height = PAPERS[paper]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    section.left_margin = section.right_margin = Mm(17)
    if head is None:
        return
    header = section.header.paragraphs[0]
    header.text = _t(head)
    header.runs[0].font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.add_run(_("Page") + " ").font.size = Pt(8)
    _field(footer, "PAGE")
    footer.add_run(" " + _("of") + " ").font.size = Pt(8)
    _field(footer, "NUMPAGES")


def _table(document, head: list[str], rows: list[list[str]], size: float = 8.5) -> None:
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = text
        cell.paragraphs[0].runs[0].font.bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = _t(text)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def _note(document, text: str) -> None:
    run = document.add_paragraph().add_run(_t(text))
    run.font.size, run.font.color.rgb = Pt(9), RGBColor(0x3E, 0x4C, 0x59)


def _when(iso: str | None, fallback: datetime.datetime) -> datetime.datetime:
    try:
        return datetime.datetime.combine(datetime.date.fromisoformat(iso), datetime.time()) if iso else fallback
    except ValueError:
        return fallback


def _stable_zip(data: bytes) -> bytes:
    """The archive again, entries in the same order, each with the fixed time and mode."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, ZIP_TIME)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def _cover(document, doc: Signable) -> None:
    document.add_heading(_(TITLE), 0)
    document.add_paragraph().add_run(_t(doc.status.upper())).bold = True
    for label, value in doc.cover_rows():
        line = document.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(_t(value))
    document.add_heading(_("Participants"), 1)
    for pid, name, kind in doc.parties:
        document.add_paragraph(f"{_iso(name)} ({_iso(kind)}; {_t(pid)})", style="List Bullet")
    _note(document, _("Rendered by im4cm-lint from protocol {protocol} version {version}. Every page carries the "
                      "fingerprint {fingerprint} of the text it was rendered from: \"im4cm-lint verify\" proves "
                      "that a signed copy matches the repository.", protocol=doc.id, version=doc.version,
                      fingerprint=doc.fingerprint))
    for note in doc.notes:
        _note(document, note)


def _clauses(document, doc: Signable) -> None:
    document.add_page_break()
    for clause in doc.clauses:
        document.add_heading(_t(f"{clause.number}. {clause.title}"), 1)
        marker = document.add_paragraph()
        run = marker.add_run(_t(clause.marker))
        run.bold, run.font.size = True, Pt(8.5)
        if clause.locked:
            _shade(marker, "FDE2E2" if clause.changed else "E4E7EB")
        for paragraph in clause.paragraphs:
            written = document.add_paragraph(_t(paragraph))
            if clause.locked:
                _left_rule(written)


def _table_or(document, table: tuple[list[str], list[list[str]]], empty: str) -> None:
    head, rows = table
    if rows:
        _table(document, head, rows)
    else:
        document.add_paragraph(empty)


def _annexes(document, doc: Signable, paper: str) -> None:
    _page_setup(document.add_section(WD_SECTION.NEW_PAGE), paper, True)
    document.add_heading(_(SHARING_HEADING), 1)
    _note(document, _(SHARING_NOTE))
    _table_or(document, ([_(c) for c in SHARING_COLUMNS], [rule.cells() for rule in doc.sharing]), _("No sharing rule."))

    _page_setup(document.add_section(WD_SECTION.NEW_PAGE), paper, False)
    document.add_heading(_(FOCAL_HEADING), 1)
    if not doc.names_printed:
        _note(document, _(NAMES_NOTE))
    _table_or(document, doc.focal_table(), _("No role is assigned."))

    document.add_page_break()
    document.add_heading(_(ANNEX_C_HEADING), 1)
    if doc.annex_c:
        parties = ", ".join(_iso(n) for n in doc.annex_c_parties) or _("no party")
        document.add_paragraph(_("Applies to: {parties}.").format(parties=parties))
    _table_or(document, ([_(c) for c in ANNEX_C_COLUMNS], [list(r) for r in doc.annex_c]),
              _("This protocol has no Annex C."))

    document.add_page_break()
    document.add_heading(_(DPIA_HEADING), 1)
    if doc.dpia is None:
        document.add_paragraph(_("No data protection impact assessment refers to this protocol."))
        return
    facts = ", ".join(f"{label} {_iso(value)}" for label, value in doc.dpia_facts())
    processing = ", ".join(_t(p) for p in doc.dpia["processing"]) or _("none listed")
    document.add_paragraph(_("Assessment {dpia}: {facts}. Processing assessed: {processing}.").format(
        dpia=_t(doc.dpia["id"]), facts=facts, processing=processing))
    _table_or(document, doc.dpia_table(), _("No risk is recorded."))


def _signatures(document, doc: Signable) -> None:
    document.add_page_break()
    document.add_heading(_(SIGNATURE_HEADING), 1)
    document.add_paragraph(_("Signed for each participant, for protocol {protocol} version {version} ({fingerprint}).")
                           .format(protocol=doc.id, version=_iso(doc.version), fingerprint=doc.fingerprint))
    for block in doc.signatures:
        document.add_heading(_t(_("For {party}").format(party=block.party)), 2)
        _note(document, block.agency_type)
        for label, value in zip(map(_, SIGNATURE_LINES), (block.name, block.title, block.signed, None)):
            line = document.add_paragraph()
            line.add_run(f"{label}: ").bold = True
            line.add_run(_t(value) if value else "_" * 40)


def _properties(document, doc: Signable) -> None:
    """Core properties from the protocol: its dates, never the time of rendering."""
    first, last = protocol_dates(doc)
    epoch = datetime.datetime(2000, 1, 1)
    props = document.core_properties
    props.title = _t(f"{_(TITLE)}: {doc.id} {doc.version}")
    props.subject = _t(doc.operation)
    props.keywords = doc.fingerprint
    props.author = props.last_modified_by = "im4cm-lint"
    props.comments = _t(doc.running_head)
    props.created = _when(first, epoch)
    props.modified = _when(last, epoch)
    props.revision = 1


_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_BIDI_VISUAL = ("w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing",
                      "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                      "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _right_to_left(document) -> None:
    """Arabic: every paragraph (body, tables, running heads) right to left, tables laid out from the
    right, and a complex-script font that has Arabic letters (elements in the schema's order)."""
    fonts = document.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:cs"), "Arial")
    parts = [document, *(s.header for s in document.sections), *(s.footer for s in document.sections)]
    paragraphs = [p for part in parts for p in part.paragraphs]
    for table in document.tables:
        table._tbl.tblPr.insert_element_before(OxmlElement("w:bidiVisual"), *_AFTER_BIDI_VISUAL)
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for paragraph in paragraphs:
        paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
        for run in paragraph.runs:
            run._r.get_or_add_rPr().insert_element_before(OxmlElement("w:rtl"), *_AFTER_RTL)


def render_docx(doc: Signable, paper: str = "a4") -> bytes:
    """The DOCX file's bytes."""
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    _page_setup(document.sections[0], paper, False, doc.running_head)
    _cover(document, doc)
    _clauses(document, doc)
    _annexes(document, doc, paper)
    _signatures(document, doc)
    _properties(document, doc)
    if right_to_left():
        _right_to_left(document)
    out = io.BytesIO()
    document.save(out)
    return _stable_zip(out.getvalue())
