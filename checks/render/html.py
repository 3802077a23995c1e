"""The signable document as one printable HTML page: a print stylesheet (A4 or Letter, the sharing
annex on landscape pages), the protocol id, version and fingerprint at the top of every printed
page, nothing fetched and no inline style or script the Content-Security-Policy has not hashed.

Every value from a document is escaped and isolated (``<bdi>``, ``dir="auto"``), so a name
written right to left, or one holding a direction override, cannot reorder the text around it.
"""

from __future__ import annotations

import base64
import hashlib
import html

from im4cm_lint_checks.render.model import (
    ANNEX_C_HEADING, DPIA_HEADING, FOCAL_HEADING, SHARING_COLUMNS, SHARING_HEADING, SIGNATURE_HEADING, TITLE,
    Signable)

PAPERS = {"a4": "A4", "letter": "letter"}


def _v(value: object) -> str:
    """A document value, escaped and isolated from the text around it."""
    return f"<bdi>{html.escape(str(value), quote=True)}</bdi>"


def _css_string(text: str) -> str:
    """``text`` as a CSS string in which only letters, digits and a few marks stay literal."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:@_-")
    return '"' + "".join(ch if ch in safe else f"\\{ord(ch):x} " for ch in text) + '"'


CSS = """
@page { size: %(paper)s; margin: 20mm 17mm 18mm;
  @top-left { content: %(head)s; font: 8pt system-ui, sans-serif; color: #52606d; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; color: #52606d; } }
@page annex { size: %(paper)s landscape; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%%; }
body { font: 10.5pt/1.45 Georgia, "Times New Roman", serif; color: #111; margin: 0;
  font-variant-ligatures: none; hyphens: manual; overflow-wrap: normal; }
main { max-width: 190mm; margin: 0 auto; padding: 0 12px 40px; }
.runhead { font: 9pt system-ui, sans-serif; color: #52606d; border-bottom: 1px solid #cbd2d9; padding: 6px 12px; }
h1 { font-size: 20pt; margin: 40mm 0 6mm; line-height: 1.2; }
h2 { font-size: 13pt; margin: 9mm 0 2mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2.5mm; text-align: left; }
.cover dl { display: grid; grid-template-columns: max-content 1fr; gap: 1.5mm 6mm; margin: 6mm 0; }
.cover dt { font-weight: bold; }
.cover dd { margin: 0; }
.status { display: inline-block; border: 2px solid #111; padding: 1mm 3mm; font: bold 12pt system-ui, sans-serif;
  letter-spacing: .08em; text-transform: uppercase; }
.fp { font-family: ui-monospace, Menlo, Consolas, monospace; }
.id { white-space: nowrap; }
.clause { margin: 0 0 4mm; }
.marker { font: bold 8.5pt system-ui, sans-serif; letter-spacing: .03em; margin: 0 0 2mm; padding: 1mm 2mm; }
.locked { border-left: 4px solid #111; padding-left: 4mm; }
.locked .marker { background: #e4e7eb; }
.changed .marker { background: #fde2e2; }
.adaptable .marker { color: #3e4c59; border: 1px dashed #9aa5b1; }
table { border-collapse: collapse; width: 100%%; margin: 2mm 0 4mm; font: 8.5pt/1.35 system-ui, sans-serif; }
th, td { border: 1px solid #9aa5b1; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top; }
th { background: #e4e7eb; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.annex { break-before: page; }
.landscape { page: annex; }
table.sharing th:nth-child(1) { width: 11%%; } table.sharing th:nth-child(2), table.sharing th:nth-child(3) { width: 10%%; }
table.sharing th:nth-child(4) { width: 11%%; } table.sharing th:nth-child(5) { width: 7%%; }
table.sharing th:nth-child(6) { width: 34%%; } table.sharing th:nth-child(7) { width: 10%%; }
table.sharing th:nth-child(8) { width: 7%%; }
.cats { columns: 2; column-gap: 3mm; font-size: 7.5pt; }
.cats span { display: block; break-inside: avoid; }
.landscape main, main .landscape { max-width: none; }
.note { font: 9pt system-ui, sans-serif; color: #3e4c59; }
.signatures { break-before: page; }
.sign { border: 1px solid #9aa5b1; padding: 3mm 4mm; margin: 0 0 4mm; break-inside: avoid; }
.sign h3 { margin-top: 0; }
.line { display: grid; grid-template-columns: 28mm 1fr; gap: 2mm; margin: 3mm 0 0; }
.line span:last-child { border-bottom: 1px solid #111; min-height: 6mm; }
.scroll { overflow-x: auto; }
@media screen { body { background: #f5f7fa; } main { background: #fff; padding: 8px 28px 40px; } }
@media screen and (max-width: 600px) { h1 { margin-top: 8mm; } main { padding: 4px 10px 30px; } }
@media print { .runhead { display: none; } main { max-width: none; padding: 0; } .scroll { overflow: visible; } h1 { margin-top: 30mm; } }
"""


def _cover(doc: Signable) -> list[str]:
    rows = [(label, f'<span class="fp">{_v(value)}</span>' if label == "Content fingerprint" else _v(value))
            for label, value in doc.cover_rows()]
    out = ['<section class="cover">', f"<h1>{TITLE}</h1>", f'<p><span class="status">{_v(doc.status)}</span></p>',
           "<dl>", *(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows), "</dl>",
           "<h2>Participants</h2>", "<ul>",
           *(f'<li>{_v(name)} ({_v(kind)}; <span class="id">{_v(pid)}</span>)</li>' for pid, name, kind in doc.parties),
           "</ul>",
           f'<p class="note">Rendered by im4cm-lint from protocol {_v(doc.id)} version {_v(doc.version)}. Every page '
           f'carries the fingerprint {_v(doc.fingerprint)} of the text it was rendered from: '
           f'"im4cm-lint verify" proves that a signed copy matches the repository.</p>']
    out += [f'<p class="note">{_v(note)}</p>' for note in doc.notes]
    return out + ["</section>"]


def _clauses(doc: Signable) -> list[str]:
    out = ['<section class="clauses annex">']
    for clause in doc.clauses:
        kind = "locked" + (" changed" if clause.changed else "") if clause.locked else "adaptable"
        out += [f'<div class="clause {kind}" id="clause-{html.escape(clause.id)}">',
                f"<h2>{clause.number}. {_v(clause.title)}</h2>", f'<p class="marker">{_v(clause.marker)}</p>',
                *(f'<p dir="auto">{html.escape(paragraph)}</p>' for paragraph in clause.paragraphs), "</div>"]
    return out + ["</section>"]


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> list[str]:
    """A table whose cells are already escaped."""
    opening = f'<table class="{cls}">' if cls else "<table>"
    return ['<div class="scroll">', opening, "<thead><tr>", *(f"<th>{h}</th>" for h in head), "</tr></thead><tbody>",
            *("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows),
            "</tbody></table></div>"]


def _sharing(doc: Signable) -> list[str]:
    rows = []
    for rule in doc.sharing:
        cells = rule.cells()
        categories = '<div class="cats">' + "".join(
            f'<span><span class="id">{_v(cid)}</span> ({_v(sensitivity)})</span>' for cid, sensitivity in rule.categories
        ) + "</div>"
        rows.append([_v(cells[0]), *(_v(c) for c in cells[1:5]), categories,
                     _v(cells[6]), _v(cells[7])])
    out = ['<section class="annex landscape">', f"<h2>{SHARING_HEADING}</h2>",
           '<p class="note">Every flow of data the participants agree to, with its purpose, legitimate basis and the '
           "data categories it may carry (need to know). Sensitivity: low, moderate, high, severe.</p>"]
    return out + (_table(list(SHARING_COLUMNS), rows, "sharing") if rows else ["<p>No sharing rule.</p>"]) + ["</section>"]


def _focal(doc: Signable) -> list[str]:
    head, rows = doc.focal_table()
    out = ['<section class="annex">', f"<h2>{FOCAL_HEADING}</h2>"]
    if not doc.names_printed:
        out.append('<p class="note">Positions and agencies; the names of the people who hold them are kept by the '
                   "coordination lead.</p>")
    cells = [[_v(cell) for cell in row] for row in rows]
    return out + (_table(head, cells) if rows else ["<p>No role is assigned.</p>"]) + ["</section>"]


def _annex_c(doc: Signable) -> list[str]:
    out = ['<section class="annex">', f"<h2>{ANNEX_C_HEADING}</h2>"]
    if not doc.annex_c:
        return out + ["<p>This protocol has no Annex C.</p>", "</section>"]
    out.append(f"<p>Applies to: {', '.join(_v(name) for name in doc.annex_c_parties) or 'no party'}.</p>")
    rows = [[_v(a), _v(b), _v(c), _v(d)] for a, b, c, d in doc.annex_c]
    return out + _table(["Obligation", "Met", "Where the protocol meets it", "Detail"], rows) + ["</section>"]


def _dpia(doc: Signable) -> list[str]:
    out = ['<section class="annex">', f"<h2>{DPIA_HEADING}</h2>"]
    dpia = doc.dpia
    if dpia is None:
        return out + ["<p>No data protection impact assessment refers to this protocol.</p>", "</section>"]
    facts = ", ".join(f"{label} {_v(value)}" for label, value in doc.dpia_facts())
    out.append(f'<p>Assessment <span class="id">{_v(dpia["id"])}</span>: {facts}. Processing assessed: '
               f'{", ".join(_v(p) for p in dpia["processing"]) or "none listed"}.</p>')
    head, rows = doc.dpia_table()
    cells = [[_v(cell) for cell in row] for row in rows]
    return out + (_table(head, cells) if rows else ["<p>No risk is recorded.</p>"]) + ["</section>"]


def _signatures(doc: Signable) -> list[str]:
    out = ['<section class="signatures">', f"<h2>{SIGNATURE_HEADING}</h2>",
           f"<p>Signed for each participant, for protocol {_v(doc.id)} version {_v(doc.version)} "
           f'(<span class="fp">{_v(doc.fingerprint)}</span>).</p>']
    for block in doc.signatures:
        out += ['<div class="sign">', f"<h3>For {_v(block.party)}</h3>", f'<p class="note">{_v(block.agency_type)}</p>',
                f'<div class="line"><span>Name</span><span>{_v(block.name or "")}</span></div>',
                f'<div class="line"><span>Position</span><span>{_v(block.title)}</span></div>',
                f'<div class="line"><span>Date</span><span>{_v(block.signed or "")}</span></div>',
                '<div class="line"><span>Signature</span><span></span></div>', "</div>"]
    return out + ["</section>"]


def render_html(doc: Signable, paper: str = "a4") -> str:
    """The whole page. Same document, same bytes."""
    css = CSS % {"paper": PAPERS[paper], "head": _css_string(doc.running_head)}
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    body = [*_cover(doc), *_clauses(doc), *_sharing(doc), *_focal(doc), *_annex_c(doc), *_dpia(doc), *_signatures(doc)]
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE}: {html.escape(doc.id)} {html.escape(doc.version)}</title>",
        f"<style>{css}</style>", "</head>", "<body>",
        f'<div class="runhead">{_v(doc.running_head)}</div>', "<main>", *body, "</main>", "</body>", "</html>", ""])
