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

from im4cm_lint.i18n import N_, _, current, right_to_left

from im4cm_lint_checks.render.model import (
    ANNEX_C_HEADING, DPIA_HEADING, FINGERPRINT_LABEL, FOCAL_HEADING, SHARING_COLUMNS, SHARING_HEADING,
    SIGNATURE_HEADING, TITLE, Signable)

PAPERS = {"a4": "A4", "letter": "letter"}
SHARING_NOTE = N_("Every flow of data the participants agree to, with its purpose, legitimate basis and the data "
                  "categories it may carry (need to know). Sensitivity: low, moderate, high, severe.")
NAMES_NOTE = N_("Positions and agencies; the names of the people who hold them are kept by the coordination lead.")
ANNEX_C_COLUMNS = (N_("Obligation"), N_("Met"), N_("Where the protocol meets it"), N_("Detail"))
SIGNATURE_LINES = (N_("Name"), N_("Position"), N_("Date"), N_("Signature"))


def _v(value: object) -> str:
    """A document value, escaped and isolated from the text around it."""
    return f"<bdi>{html.escape(str(value), quote=True)}</bdi>"


class _Markup(str):
    """Part of the page already written as HTML: ``_w`` puts it in as it is."""


def _w(message: str, /, **values: object) -> str:
    """A sentence of the page in the chosen language, escaped; its values (document values) escaped
    and isolated as ``_v`` does (``_Markup`` kept as it is)."""
    given = {name: value if isinstance(value, _Markup) else _v(value) for name, value in values.items()}
    try:
        return html.escape(_(message), quote=False).format(**given)
    except (KeyError, IndexError, ValueError):  # a translation that names other placeholders
        return html.escape(message, quote=False).format(**given)


def _css_string(text: str) -> str:
    """``text`` as a CSS string in which only letters, digits and a few marks stay literal."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:@_-")
    return '"' + "".join(ch if ch in safe else f"\\{ord(ch):x} " for ch in text) + '"'


CSS = """
@page { size: %(paper)s; margin: 20mm 17mm 18mm;
  @top-%(start)s { content: %(head)s; font: 8pt system-ui, sans-serif; color: #52606d; }
  @bottom-%(end)s { content: %(page)s counter(page) %(of)s counter(pages); font: 8pt system-ui, sans-serif; color: #52606d; } }
@page annex { size: %(paper)s landscape; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%%; }
body { font: 10.5pt/1.45 Georgia, "Times New Roman", serif; color: #111; margin: 0;
  font-variant-ligatures: none; hyphens: manual; overflow-wrap: normal; }
html:lang(ar) body { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI", Tahoma, "Geeza Pro",
  "DejaVu Sans", Arial, sans-serif; font-variant-ligatures: normal; }
html:lang(ar) .status, html:lang(ar) .marker { letter-spacing: 0; }
main { max-width: 190mm; margin: 0 auto; padding: 0 12px 40px; }
.runhead { font: 9pt system-ui, sans-serif; color: #52606d; border-bottom: 1px solid #cbd2d9; padding: 6px 12px; }
h1 { font-size: 20pt; margin: 40mm 0 6mm; line-height: 1.2; }
h2 { font-size: 13pt; margin: 9mm 0 2mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2.5mm; text-align: start; }
.cover dl { display: grid; grid-template-columns: max-content 1fr; gap: 1.5mm 6mm; margin: 6mm 0; }
.cover dt { font-weight: bold; }
.cover dd { margin: 0; }
.status { display: inline-block; border: 2px solid #111; padding: 1mm 3mm; font: bold 12pt system-ui, sans-serif;
  letter-spacing: .08em; text-transform: uppercase; }
.fp { font-family: ui-monospace, Menlo, Consolas, monospace; }
.id { white-space: nowrap; }
.clause { margin: 0 0 4mm; }
.marker { font: bold 8.5pt system-ui, sans-serif; letter-spacing: .03em; margin: 0 0 2mm; padding: 1mm 2mm; }
.locked { border-inline-start: 4px solid #111; padding-inline-start: 4mm; }
.locked .marker { background: #e4e7eb; }
.changed .marker { background: #fde2e2; }
.adaptable .marker { color: #3e4c59; border: 1px dashed #9aa5b1; }
table { border-collapse: collapse; width: 100%%; margin: 2mm 0 4mm; font: 8.5pt/1.35 system-ui, sans-serif; }
th, td { border: 1px solid #9aa5b1; padding: 1.2mm 1.6mm; text-align: start; vertical-align: top; }
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
    rows = [(label, f'<span class="fp">{_v(value)}</span>' if label == _(FINGERPRINT_LABEL) else _v(value))
            for label, value in doc.cover_rows()]
    out = ['<section class="cover">', f"<h1>{html.escape(_(TITLE))}</h1>",
           f'<p><span class="status">{_v(doc.status)}</span></p>',
           "<dl>", *(f"<dt>{html.escape(label)}</dt><dd>{value}</dd>" for label, value in rows), "</dl>",
           "<h2>" + _w("Participants") + "</h2>", "<ul>",
           *(f'<li>{_v(name)} ({_v(kind)}; <span class="id">{_v(pid)}</span>)</li>' for pid, name, kind in doc.parties),
           "</ul>",
           '<p class="note">' + _w("Rendered by im4cm-lint from protocol {protocol} version {version}. Every page "
                                   "carries the fingerprint {fingerprint} of the text it was rendered from: "
                                   '"im4cm-lint verify" proves that a signed copy matches the repository.',
                                   protocol=doc.id, version=doc.version, fingerprint=doc.fingerprint) + "</p>"]
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
    out = ['<section class="annex landscape">', "<h2>" + _w(SHARING_HEADING) + "</h2>",
           '<p class="note">' + _w(SHARING_NOTE) + "</p>"]
    return out + (_table([_w(c) for c in SHARING_COLUMNS], rows, "sharing") if rows
                  else ["<p>" + _w("No sharing rule.") + "</p>"]) + ["</section>"]


def _focal(doc: Signable) -> list[str]:
    head, rows = doc.focal_table()
    out = ['<section class="annex">', "<h2>" + _w(FOCAL_HEADING) + "</h2>"]
    if not doc.names_printed:
        out.append('<p class="note">' + _w(NAMES_NOTE) + "</p>")
    cells = [[_v(cell) for cell in row] for row in rows]
    return out + (_table([html.escape(h) for h in head], cells) if rows
                  else ["<p>" + _w("No role is assigned.") + "</p>"]) + ["</section>"]


def _annex_c(doc: Signable) -> list[str]:
    out = ['<section class="annex">', "<h2>" + _w(ANNEX_C_HEADING) + "</h2>"]
    if not doc.annex_c:
        return out + ["<p>" + _w("This protocol has no Annex C.") + "</p>", "</section>"]
    parties = ", ".join(_v(name) for name in doc.annex_c_parties) or _w("no party")
    out.append("<p>" + _w("Applies to: {parties}.", parties=_Markup(parties)) + "</p>")
    rows = [[_v(a), _v(b), _v(c), _v(d)] for a, b, c, d in doc.annex_c]
    return out + _table([_w(h) for h in ANNEX_C_COLUMNS], rows) + ["</section>"]


def _dpia(doc: Signable) -> list[str]:
    out = ['<section class="annex">', "<h2>" + _w(DPIA_HEADING) + "</h2>"]
    dpia = doc.dpia
    if dpia is None:
        return out + ["<p>" + _w("No data protection impact assessment refers to this protocol.") + "</p>", "</section>"]
    facts = ", ".join(f"{html.escape(label)} {_v(value)}" for label, value in doc.dpia_facts())
    processing = ", ".join(_v(p) for p in dpia["processing"]) or _w("none listed")
    out.append("<p>" + _w("Assessment {dpia}: {facts}. Processing assessed: {processing}.",
                          dpia=_Markup(f'<span class="id">{_v(dpia["id"])}</span>'), facts=_Markup(facts),
                          processing=_Markup(processing)) + "</p>")
    head, rows = doc.dpia_table()
    cells = [[_v(cell) for cell in row] for row in rows]
    return out + (_table([html.escape(h) for h in head], cells) if rows
                  else ["<p>" + _w("No risk is recorded.") + "</p>"]) + ["</section>"]


def _signatures(doc: Signable) -> list[str]:
    out = ['<section class="signatures">', "<h2>" + _w(SIGNATURE_HEADING) + "</h2>",
           "<p>" + _w("Signed for each participant, for protocol {protocol} version {version} ({fingerprint}).",
                      protocol=doc.id, version=doc.version,
                      fingerprint=_Markup(f'<span class="fp">{_v(doc.fingerprint)}</span>')) + "</p>"]
    labels = [_w(word) for word in SIGNATURE_LINES]
    for block in doc.signatures:
        out += ['<div class="sign">', "<h3>" + _w("For {party}", party=block.party) + "</h3>",
                f'<p class="note">{_v(block.agency_type)}</p>',
                f'<div class="line"><span>{labels[0]}</span><span>{_v(block.name or "")}</span></div>',
                f'<div class="line"><span>{labels[1]}</span><span>{_v(block.title)}</span></div>',
                f'<div class="line"><span>{labels[2]}</span><span>{_v(block.signed or "")}</span></div>',
                f'<div class="line"><span>{labels[3]}</span><span></span></div>', "</div>"]
    return out + ["</section>"]


def render_html(doc: Signable, paper: str = "a4") -> str:
    """The whole page. Same document, same bytes."""
    rtl = right_to_left()
    css = CSS % {"paper": PAPERS[paper], "head": _css_string(doc.running_head), "start": "right" if rtl else "left",
                 "end": "left" if rtl else "right", "page": _css_string(_("Page") + " "),
                 "of": _css_string(" " + _("of") + " ")}
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    body = [*_cover(doc), *_clauses(doc), *_sharing(doc), *_focal(doc), *_annex_c(doc), *_dpia(doc), *_signatures(doc)]
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{current()}"' + (' dir="rtl">' if rtl else ">"), "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(_(TITLE))}: {html.escape(doc.id)} {html.escape(doc.version)}</title>",
        f"<style>{css}</style>", "</head>", "<body>",
        f'<div class="runhead">{_v(doc.running_head)}</div>', "<main>", *body, "</main>", "</body>", "</html>", ""])
