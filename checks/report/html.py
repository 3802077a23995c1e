"""The sharing picture as one self-contained HTML page: inline CSS, SVG and script, nothing
fetched (field offices are often offline; a Content-Security-Policy forbids any request).

Meaning is never carried by colour alone: sensitivity is also a dash pattern and a word, a
finding is also a badge and the word "finding", severities have a symbol and a word. Every text
that comes from a document is escaped. Same input, same bytes: no timestamp unless ``--today``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import defaultdict
from typing import Iterable

from im4cm_lint.diagnostics import Diagnostic
from im4cm_lint.model import Project
from im4cm_lint.hooks import families, family_order
from im4cm_lint.i18n import FSI, N_, PDI, _, _n, current, right_to_left
from im4cm_lint.reporters import summary
from im4cm_lint.schemas import SENSITIVITIES

from im4cm_lint_checks.report import layout as geometry
from im4cm_lint_checks.report.picture import (
    FLAG_FAMILIES, GROUP_ORDER, PARTY_TYPE_NAMES, RESIDUAL_LEVELS, SENSITIVITY_RANK, UNKNOWN, Category, Flow,
    Picture, Protocol, safe_text)

LABEL_LIMIT = 30  # above this many edges, labels live in the numbered table only
BRIEF_NAMES = 8  # parties named in the brief's signed / not signed lines; the parties table has them all
_CHAR_W = 5.7  # average width of a character at the map's 11px label font
_SEVERITY_SIGNS = {"error": "✖", "warning": "▲", "info": "ℹ"}
_SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}
_TYPE_SHORT = {"un_agency": N_("UN"), "ingo": N_("INGO"), "lngo": N_("Local NGO"), "authority": N_("Authority"),
               "service_provider": N_("Service provider"), "unlisted": N_("not in protocol")}
_NO_CATEGORY = N_("no category: the field is not in the system's field map and none is written beside it")
_PATTERN_WORDS = {"low": N_("solid line"), "moderate": N_("dashed line"), "high": N_("dotted line"),
                  "severe": N_("thick dash-dot line"), UNKNOWN: N_("sparse dots")}


# Characters that reorder the text around them (overrides, embeddings, isolates): a party name
# holding one could make a row read as something else. Shown as a visible mark instead.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_OTHER_BIDI = re.compile("[\u202a-\u202e\u2066\u2067]")  # all but FSI and PDI


def e(value: object) -> str:
    """Text, safe in HTML text and attributes; directional controls made visible (the cells that
    show names also isolate their text: see ``unicode-bidi`` in the CSS). Right to left, paired
    isolates (FSI ... PDI) are kept: a translated message or placeholder puts them around its
    values so that ids read left to right inside Arabic, and they force no direction."""
    text = str(value)
    if right_to_left():
        return html.escape(_OTHER_BIDI.sub(_visible, _paired(text)), quote=True)
    return html.escape(_BIDI.sub(_visible, text), quote=True)


def _visible(match: re.Match) -> str:
    return f"[U+{ord(match.group()):04X}]"


class Html(str):
    """Text already written as HTML (a link, a mark): a message puts it in as it is."""


class _Kept:
    """An escaped value that ``_n`` puts in as it is (it isolates only plain values)."""

    def __init__(self, markup: str):
        self.markup = markup

    def __format__(self, spec: str) -> str:
        return self.markup


def _value(value: object, isolate: str) -> str:
    if isinstance(value, Html):
        return value
    text = e(value)
    if not right_to_left():
        return text
    return f"<bdi>{text}</bdi>" if isolate == "bdi" else f"{FSI}{text}{PDI}"


def _fill(message: str, values: dict, isolate: str) -> Html:
    given = {name: _value(value, isolate) for name, value in values.items()}
    try:
        return Html(e(_(message)).format(**given))
    except (KeyError, IndexError, ValueError):  # a translation that names other placeholders
        return Html(e(message).format(**given))


def t(message: str, /, **values: object) -> Html:
    """A sentence of the page in the chosen language, as HTML: its words escaped as ``e`` escapes
    them, its values escaped too (``Html`` ones kept) and, right to left, isolated in ``<bdi>``
    so ids, dates and paths read left to right inside Arabic."""
    return _fill(message, values, "bdi")


def ts(message: str, /, **values: object) -> Html:
    """``t`` for SVG text and attributes, which hold no markup: values isolated by Unicode
    isolates (FSI ... PDI) instead of ``<bdi>``."""
    return _fill(message, values, "chars")


def k(value: object) -> _Kept:
    """A value for ``_n``: escaped (``Html`` kept) and, right to left, isolated in ``<bdi>``."""
    return _Kept(_value(value, "bdi"))


def _paired(text: str) -> str:
    """``text`` with the isolates that have no partner left out (a message clipped, or cut at its
    first clause, may end inside one), so the kept ones always close."""
    opened: list[int] = []
    dropped: set[int] = set()
    for position, char in enumerate(text):
        if char == FSI:
            opened.append(position)
        elif char == PDI:
            if opened:
                opened.pop()
            else:
                dropped.add(position)
    dropped.update(opened)
    return "".join(char for position, char in enumerate(text) if position not in dropped)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #cbd2d9; --bg: #ffffff; --soft: #f5f7fa;
  --low: #15803d; --moderate: #0369a1; --high: #a16207; --severe: #6d28d9; --unknown: #6b7280;
  --finding: #dc2626; --warn: #b45309; --info: #2563eb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg); margin: 0; }
html:lang(ar) body { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI", Tahoma, "Geeza Pro",
  "DejaVu Sans", Arial, sans-serif; }
html:lang(ar) .band text { letter-spacing: 0; }
header.top { padding: 20px 28px 12px; border-bottom: 3px solid var(--ink); }
header.top h1 { margin: 0 0 4px; font-size: 24px; }
.meta { color: var(--muted); margin: 2px 0; }
main { padding: 8px 28px 40px; max-width: 1500px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
h4 { font-size: 14px; margin: 16px 0 6px; }
nav.toc ul { columns: 2; margin: 6px 0; padding-inline-start: 18px; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 7px; text-align: start; vertical-align: top; unicode-bidi: isolate; }
li, h2, h3, text, code { unicode-bidi: isolate; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: end; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { background: var(--soft); border: 1px solid var(--line); padding: 8px 10px; overflow-x: auto; font-size: 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card b { display: block; font-size: 22px; }
.sev { white-space: nowrap; font-weight: 600; }
.sev-error { color: var(--finding); } .sev-warning { color: var(--warn); } .sev-info { color: var(--info); }
.sens { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; font-size: 12px; }
.sens svg { flex: none; }
.mark { font-weight: 600; white-space: nowrap; }
.mark.bad { color: var(--finding); } .mark.ok { color: var(--low); } .mark.warn { color: var(--warn); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 6px 0 10px; font-size: 13px; }
.mapwrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
svg.map { display: block; margin: 0 auto; max-width: 100%; height: auto; font-family: inherit; direction: ltr; }
.band rect { fill: var(--soft); stroke: var(--line); }
.band text { font-size: 11px; font-weight: 700; fill: var(--muted); letter-spacing: .04em; text-transform: uppercase; }
.colhead { font-size: 13px; font-weight: 700; fill: var(--ink); }
.party rect { fill: #fff; stroke: #7b8794; stroke-width: 1.2; }
.party.g-un_agency rect { stroke-width: 2.2; }
.party.g-unlisted rect { stroke-dasharray: 4 3; stroke: var(--finding); }
.party .pname { font-size: 12.5px; font-weight: 600; fill: var(--ink); }
.party .psub { font-size: 10.5px; fill: var(--muted); }
.party:focus rect, .party:hover rect { stroke: var(--ink); stroke-width: 2.5; }
.edge { fill: none; stroke-width: 2; }
.s-low { stroke: var(--low); stroke-width: 1.6; }
.s-moderate { stroke: var(--moderate); stroke-dasharray: 8 4; }
.s-high { stroke: var(--high); stroke-width: 2.4; stroke-dasharray: 2 3; }
.s-severe { stroke: var(--severe); stroke-width: 3.2; stroke-dasharray: 12 3 3 3; }
.s-unknown { stroke: var(--unknown); stroke-dasharray: 1 5; }
.flagged .edge { stroke: var(--finding); }
.badge rect { fill: #fff; stroke: #52606d; }
.badge text, .label text { font-size: 11px; fill: var(--ink); }
.badge text { font-weight: 700; }
.flagged .badge rect { fill: var(--finding); stroke: var(--finding); }
.flagged .badge text { fill: #fff; }
.label rect { fill: #fff; fill-opacity: .93; stroke: var(--line); }
.flagged .label rect { stroke: var(--finding); }
.focus .flow:not(.hl) { opacity: .12; }
.focus tr[data-flow]:not(.hl) { opacity: .45; }
tr.hl { background: #fff7d6; }
.flow { cursor: pointer; }
.cats { list-style: none; margin: 0; padding: 0; }
.cats li { white-space: nowrap; }
.via { color: var(--muted); font-size: 11px; }
.matrix th.rowhead { white-space: nowrap; }
.matrix td.none { color: var(--line); text-align: center; }
.scroll { overflow-x: auto; }
.explain { border-inline-start: 4px solid var(--line); padding-block: 2px; padding-inline: 14px 0; margin: 18px 0 26px; }
.explain h4 { margin-top: 12px; }
.muted { color: var(--muted); }
a { color: #1d4ed8; }
.brief h2 { border-top: none; }
.briefgrid { display: grid; grid-template-columns: minmax(260px, 1fr) minmax(0, 2.2fr); gap: 18px; align-items: start; }
.briefgrid h3 { margin-top: 8px; }
table.facts th { white-space: nowrap; }
ol.top { padding-inline-start: 22px; margin: 4px 0; }
ol.top li { margin: 5px 0; }
.flowlist { display: none; padding-inline-start: 20px; }
.flowlist li { margin: 4px 0; }
.party.unsigned rect { stroke: var(--warn); stroke-dasharray: 6 3; stroke-width: 2; }
.key-unsigned { color: var(--warn); }
.key-unlisted { color: var(--finding); }
@media (max-width: 900px) { .briefgrid { grid-template-columns: minmax(0, 1fr); } }
@media (max-width: 600px) {
  header.top, main { padding-inline: 10px; }
  header.top h1 { font-size: 20px; }
  nav.toc ul { columns: 1; }
  .mapwrap, .briefmap .legend { display: none; }
  .flowlist { display: block; }
  table, thead, tbody, tr, th, td { display: block; }
  thead { display: none; }
  table { border: none; }
  tr { border: 1px solid var(--line); border-radius: 4px; margin: 0 0 8px; }
  th, td { border: none; border-bottom: 1px solid var(--soft); }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; color: var(--muted); }
  td, th, code, .mono, .meta, li, p { overflow-wrap: anywhere; }
  .cats li, .mark, .sev, .sens, .matrix th.rowhead { white-space: normal; }
  .card { min-width: 0; }
  pre { white-space: pre-wrap; }
}
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { font-size: 10pt; }
  table { font-size: 8pt; width: 100%; }
  th, td { padding: 2px 4px; }
  td code, td .muted, td.mono { overflow-wrap: anywhere; }
  table code { font-size: inherit; }
  header.top { padding: 0 0 8px; }
  main { padding: 0; max-width: none; }
  nav.toc, .noprint { display: none; }
  section.protocol, section#findings, section#explanations { break-before: page; }
  h2, h3, h4 { break-after: avoid; }
  tr, .card, .explain pre { break-inside: avoid; }
  .mapwrap, .scroll { overflow: visible; border: none; }
  .brief { break-after: page; }
  .briefgrid { grid-template-columns: 100mm minmax(0, 1fr); gap: 6mm; }
  .brief h2 { margin-top: 0; padding-top: 0; }
  .brief table.facts { width: 100%; }
  .brieftext { font-size: 8.5pt; }
  .brieftext h3 { font-size: 11pt; margin: 8px 0 4px; }
  .briefmap svg.map { width: auto; height: auto; max-width: 100%; max-height: 140mm; }
  .flowlist { display: none; }
  a { color: inherit; text-decoration: none; }
  .focus .flow, .focus tr { opacity: 1 !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

SCRIPT = """
(function () {
  'use strict';
  document.querySelectorAll('.mapblock').forEach(function (block) {
    var flows = block.querySelectorAll('[data-flow]');
    function show(keep) {
      block.classList.add('focus');
      flows.forEach(function (el) { el.classList.toggle('hl', keep(el)); });
    }
    function clear() {
      block.classList.remove('focus');
      flows.forEach(function (el) { el.classList.remove('hl'); });
    }
    function hover(el, keep) {
      ['mouseenter', 'focus'].forEach(function (name) { el.addEventListener(name, function () { show(keep); }); });
      ['mouseleave', 'blur'].forEach(function (name) { el.addEventListener(name, clear); });
    }
    block.querySelectorAll('[data-party]').forEach(function (node) {
      var party = node.getAttribute('data-party');
      hover(node, function (el) {
        return el.getAttribute('data-from') === party || el.getAttribute('data-to') === party;
      });
    });
    flows.forEach(function (flow) {
      var key = flow.getAttribute('data-flow');
      hover(flow, function (el) { return el.getAttribute('data-flow') === key; });
    });
  });
})();
"""

# Only the page's own script runs, by its hash: nothing injected into the page could run even if
# it escaped the escaping. Styles may be inline (a style runs no code, and nothing may be fetched).
CSP = ("default-src 'none'; style-src 'unsafe-inline'; "
       f"script-src 'sha256-{base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()}'; "
       "img-src data:; base-uri 'none'; form-action 'none'")


def _swatch(sensitivity: str, flagged: bool = False) -> str:
    """A short line drawn as the map draws edges of this sensitivity."""
    style = ' style="stroke: var(--finding)"' if flagged else ""
    return (f'<svg width="40" height="10" aria-hidden="true"><line x1="1" y1="5" x2="39" y2="5" '
            f'class="edge s-{sensitivity}"{style}/></svg>')


def _sens(sensitivity: str) -> str:
    return f'<span class="sens">{_swatch(sensitivity)}{e(sensitivity)}</span>'


def _severity(severity: str) -> str:
    word = _(_SEVERITY_WORDS[severity]) if severity in _SEVERITY_WORDS else severity
    return f'<span class="sev sev-{e(severity)}">{_SEVERITY_SIGNS.get(severity, "")} {e(word)}</span>'


def _mark(text: str, kind: str = "bad") -> str:
    """A verdict with its sign; ``text`` is a sentence of the page (``t``) or text to escape."""
    sign = {"bad": "✖", "warn": "▲", "ok": "✔"}[kind]
    return f'<span class="mark {kind}">{sign} {text if isinstance(text, Html) else e(text)}</span>'


def _flagging() -> Html:
    """The families that turn an edge red: "SHARE, ANNEXC or REF"."""
    return t(N_("{families} or {family}"), families=", ".join(FLAG_FAMILIES[:-1]), family=FLAG_FAMILIES[-1])


def _markdown(text: str) -> str:
    """The small Markdown of rule pages (paragraphs, lists, code blocks, `code`, **bold**) as HTML."""
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []
    code: list[str] | None = None
    list_tag = "ul"

    def inline(value: str) -> str:
        value = e(value)
        value = re.sub(r"`([^`]+)`", r"<code>\1</code>", value)
        return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", value)

    def flush() -> None:
        if para:
            out.append(f"<p>{inline(' '.join(para))}</p>")
            para.clear()
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{inline(i)}</li>" for i in items) + f"</{list_tag}>")
            items.clear()

    for line in text.splitlines():
        if line.startswith("```"):
            if code is None:
                flush()
                code = []
            else:
                out.append("<pre><code>" + e("\n".join(code)) + "</code></pre>")
                code = None
            continue
        if code is not None:
            code.append(line)
            continue
        bullet = re.match(r"\s*(?:([-*])|(\d+)\.)\s+(.*)", line)
        if not line.strip():
            flush()
        elif bullet:
            if para:
                flush()
            list_tag = "ul" if bullet.group(1) else "ol"
            items.append(bullet.group(3))
        elif items and line.startswith(" "):
            items[-1] += " " + line.strip()
        elif line.startswith("#"):
            flush()
            out.append(f"<h5>{inline(line.lstrip('#').strip())}</h5>")
        else:
            para.append(line.strip())
    if code is not None:
        out.append("<pre><code>" + e("\n".join(code)) + "</code></pre>")
    flush()
    return "\n".join(out)


class _Anchors:
    """Each finding's place in the findings list, so tables and the map can link to it."""

    def __init__(self, findings: list[Diagnostic]):
        self.ordered = findings
        self.index = {id(d): n for n, d in enumerate(findings, 1)}

    def links(self, findings: Iterable[Diagnostic]) -> str:
        """Links to the findings, each shown as its severity sign and rule id ("" when none)."""
        return " ".join(f'<a href="#finding-{self.index[id(d)]}" title="{e(d.message)}">'
                        f'{_SEVERITY_SIGNS[d.severity]}&#8239;{e(d.rule)}</a>' for d in findings)


def _flow_label(flow: Flow) -> str:
    """The words on an edge's lane (its number is in the badge beside them), fitted to the lane."""
    parts = [flow.purpose, flow.sensitivity]
    if flow.unhcr_role:
        parts.append(_("UNHCR as {capacity}").format(capacity=flow.unhcr_role.replace('_', ' ')))
    if flow.outside:
        parts.append(_("outside the protocol"))
    text = ("⚠ " if flow.flagged else "") + " · ".join(parts)
    return _clip(text, int((geometry.LABEL_MAX - 12) / _CHAR_W))


def _party_sub(party) -> str:
    sub = f"{party.id} · {_(_TYPE_SHORT[party.type]) if party.type in _TYPE_SHORT else party.type}"
    if party.unhcr_roles:
        sub += " · " + ", ".join(r.replace("_", " ") for r in party.unhcr_roles)
    elif party.partnership == "implementing_partner":
        sub += " · " + _("UNHCR partner")
    return sub


def _map_svg(protocol: Protocol) -> str:
    flows = protocol.flows
    parties = {p.id: p for p in protocol.parties}
    labelled = len(flows) <= LABEL_LIMIT
    labels = {f.key: _flow_label(f) for f in flows}
    widths = {k: len(v) * _CHAR_W + 12 for k, v in labels.items()} if labelled else None
    placed = geometry.layout([(p.id, p.type) for p in protocol.parties],
                             [(f.key, f.source, f.target) for f in flows], GROUP_ORDER, widths)
    w, h = placed.width, placed.height
    by_key = {f.key: f for f in flows}
    title = ts(N_("Sharing map of {dpisp}: {parties} parties, {flows} sharing rules and exports; the table below "
               "lists every edge."), dpisp=protocol.dpisp.id, parties=len(protocol.parties), flows=len(flows))
    out = [f'<svg class="map" viewBox="0 0 {w:g} {h:g}" width="{w:g}" height="{h:g}" role="img" '
           f'aria-labelledby="maptitle-{e(protocol.dpisp.id)}" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="maptitle-{e(protocol.dpisp.id)}">{title}</title>']
    for side, x in placed.columns.items():
        head = _("Shares data") if side == "from" else _("Receives data")
        out.append(f'<text class="colhead" x="{x:g}" y="18">{e(head)}</text>')
    for band in placed.bands:
        b = band.box
        group = _(PARTY_TYPE_NAMES[band.group]) if band.group in PARTY_TYPE_NAMES else band.group
        out.append(f'<g class="band"><rect x="{b.x:g}" y="{b.y:g}" width="{b.w:g}" height="{b.h:g}" rx="6"/>'
                   f'<text x="{b.x + 8:g}" y="{b.y + 15:g}">{e(group)}</text></g>')
    for edge in placed.edges:
        flow = by_key[edge.key]
        cls = "flow" + (" flagged" if flow.flagged else "")
        marker = "finding" if flow.flagged else flow.sensitivity
        sx, sy = edge.start
        ex, ey = edge.end
        badge = flow.key + (" ⚠" if flow.flagged else "")
        tip = (ts(N_("{key} {source} → {target}: {purpose}; most sensitive data: {sensitivity}"), key=flow.key,
                  source=flow.source, target=flow.target, purpose=flow.purpose, sensitivity=flow.sensitivity)
               + (ts(N_("; UNHCR as {capacity}"), capacity=flow.unhcr_role) if flow.unhcr_role else "")
               + (ts(N_("; has a finding")) if flow.flagged else ""))
        out.append(f'<g class="{cls}" data-flow="{e(flow.key)}" data-id="{e(flow.id)}" '
                   f'data-from="{e(flow.source)}" data-to="{e(flow.target)}" tabindex="0"><title>{tip}</title>'
                   f'<path class="edge s-{flow.sensitivity}" d="{edge.d}" marker-end="url(#arrow-{marker})"/>')
        for bx, by in ((sx + 2, sy), (ex - geometry.BADGE_W - 9, ey)):
            out.append(f'<g class="badge"><rect x="{bx:g}" y="{by - 8:g}" width="{geometry.BADGE_W}" height="16" rx="8"/>'
                       f'<text x="{bx + geometry.BADGE_W / 2:g}" y="{by + 4:g}" text-anchor="middle">{e(badge)}</text></g>')
        if edge.label is not None:  # the text is stretched or squeezed to its box: it never spills over
            lb = edge.label
            out.append(f'<g class="label"><rect x="{lb.x:g}" y="{lb.y:g}" width="{lb.w:g}" height="{lb.h:g}" rx="3"/>'
                       f'<text x="{lb.x + 6:g}" y="{lb.y + 12:g}" textLength="{lb.w - 12:g}" '
                       f'lengthAdjust="spacingAndGlyphs">{e(labels[flow.key])}</text></g>')
        out.append("</g>")
    for node in placed.nodes:
        party = parties[node.party]
        b = node.box
        unsigned = party.listed and party.signed is None
        tip = (ts(N_("{party} ({id}), {type}"), party=party.name, id=party.id, type=party.type_name)
               + (ts(N_("; has not signed the protocol")) if unsigned else ""))
        sub = _clip((_("not signed") + " · " if unsigned else "") + _party_sub(party), 36)
        out.append(f'<g class="party g-{e(party.type)}{" unsigned" if unsigned else ""}" data-party="{e(party.id)}" '
                   f'data-side="{node.side}" '
                   f'tabindex="0"><title>{tip}</title>'
                   f'<rect x="{b.x:g}" y="{b.y:g}" width="{b.w:g}" height="{b.h:g}" rx="5"/>'
                   f'<text class="pname" x="{b.x + 8:g}" y="{b.y + 16:g}">{e(_clip(party.name, 28))}</text>'
                   f'<text class="psub" x="{b.x + 8:g}" y="{b.y + 31:g}">{e(sub)}</text></g>')
    out.append("</svg>")
    return "\n".join(out)


def _markers() -> str:
    """Arrowheads, one per edge colour, shared by every map of the page."""
    colours = {s: f"var(--{s})" for s in (*SENSITIVITIES, UNKNOWN)} | {"finding": "var(--finding)"}
    marks = "".join(
        f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" style="fill: {colour}"/></marker>'
        for name, colour in colours.items())
    return (f'<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false">'
            f'<defs>{marks}</defs></svg>')


def _legend() -> str:
    items = [f'<span class="sens">{_swatch(s)}{e(s)} ({e(_(_PATTERN_WORDS[s]))})</span>' for s in (*SENSITIVITIES, UNKNOWN)]
    items.append(f'<span class="sens">{_swatch("high", flagged=True)}<b>'
                 + _legend_words(t(N_("red, badge ⚠: a {families} finding stands on this edge, or it leaves the "
                                   "protocol's parties"), families=_flagging())) + "</b></span>")
    items.append('<span><b class="key-unsigned">' + t(N_("dashed amber box")) + "</b>: "
                 + t(N_("has not signed the protocol")) + "</span>")
    items.append('<span><b class="key-unlisted">' + t(N_("dashed red box")) + "</b>: "
                 + t(N_("not a party of the protocol")) + "</span>")
    return ('<div class="legend" aria-label="' + t(N_("How to read the map")) + '"><span><b>' + t(N_("Edges")) + "</b> "
            + t(N_("(most sensitive data they carry):")) + "</span>" + "".join(items) + '</div><p class="muted">'
            + _legend_words(t(N_("S1, S2… are the protocol's sharing rules; X1, X2… are exports from a system. Point at a "
                              "party or an edge to follow it. Parties that share nothing stand only on the right.")))
            + "</p>")


def _legend_words(text: Html) -> Html:
    """The legend as it was always written: apostrophes as they are, not as entities."""
    return Html(text.replace("&#x27;", "'"))


def _categories_cell(categories: Iterable[Category], via: dict[str, list[str]] | None = None) -> str:
    ranked = sorted(categories, key=lambda c: (-SENSITIVITY_RANK[c.sensitivity], c.id))
    if not ranked:
        return "—"
    rows = []
    for cat in ranked:
        suffix = f' <span class="via">{e(" ".join(via[cat.id]))}</span>' if via else ""
        rows.append(f'<li>{_sens(cat.sensitivity)} <code>{e(cat.id)}</code>{suffix}</li>')
    return f'<ul class="cats">{"".join(rows)}</ul>'


def _flows_table(protocol: Protocol, anchors: _Anchors) -> str:
    names = {p.id: p.name for p in protocol.parties}
    rows = []
    for flow in protocol.flows:
        what = _("sharing rule") if flow.kind == "rule" else _("export")
        details = "; ".join(f"{k}: {v}" for k, v in flow.details.items())
        purpose = f"<code>{e(flow.purpose)}</code>" + (f"<br>{e(flow.purpose_name)}" if flow.purpose_name else "")
        flag = _mark(_("finding")) + "<br>" if flow.flagged else ""
        rows.append(
            f'<tr data-flow="{e(flow.key)}" data-from="{e(flow.source)}" data-to="{e(flow.target)}" tabindex="0">'
            f'<td><b>{e(flow.key)}</b></td>'
            f'<td>{e(what)} <code>{e(flow.id)}</code><br><span class="muted">{e(flow.path)}:{flow.line}</span></td>'
            f'<td>{e(names.get(flow.source, flow.source))} → {e(names.get(flow.target, flow.target))}</td>'
            f'<td>{purpose}</td><td>{e(flow.unhcr_role.replace("_", " ")) or "—"}</td><td>{e(flow.level) or "—"}</td>'
            f'<td>{_sens(flow.sensitivity)}</td><td>{len(flow.categories)}</td>'
            f'<td class="muted">{e(details)}</td><td>{flag}{anchors.links(flow.findings) or "—"}</td></tr>')
    if not rows:
        return "<p>" + t(N_("No sharing rules and no exports yet.")) + "</p>"
    return ('<div class="scroll"><table class="flows"><thead><tr><th>#</th>'
            + _heads(N_("What"), N_("From → to"), N_("Purpose"), N_("UNHCR capacity"), N_("Level"),
                     N_("Most sensitive"), N_("Categories"), N_("Details"), N_("Findings"))
            + '</tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>")


def _heads(*names: str) -> str:
    """A table's column headings in the chosen language (each name is marked where it is written)."""
    return "".join(f"<th>{t(name)}</th>" for name in names)


def _parties_table(protocol: Protocol, anchors: _Anchors) -> str:
    sends = defaultdict(int)
    receives = defaultdict(int)
    for flow in protocol.flows:
        sends[flow.source] += 1
        receives[flow.target] += 1
    rows = []
    for p in protocol.parties:
        unhcr = ", ".join(r.replace("_", " ") for r in p.unhcr_roles) or p.partnership.replace("_", " ") or "—"
        rows.append(f'<tr data-party-row="{e(p.id)}"><td>{e(p.name)}</td><td><code>{e(p.id)}</code></td>'
                    f'<td>{e(p.type_name)}</td><td>{e(unhcr)}</td><td>{e(", ".join(p.systems)) or "—"}</td>'
                    f'<td class="num">{sends[p.id]}</td><td class="num">{receives[p.id]}</td>'
                    f'<td>{anchors.links(p.findings) or "—"}</td></tr>')
    return ('<div class="scroll"><table><thead><tr>'
            + _heads(N_("Party"), N_("Id"), N_("Type"), N_("UNHCR capacity / partnership"), N_("Systems"),
                     N_("Shares (edges)"), N_("Receives (edges)"), N_("Findings"))
            + '</tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>")


def _matrix(protocol: Protocol) -> str:
    cells: dict[tuple[str, str], dict[str, tuple[Category, list[str]]]] = defaultdict(dict)
    for flow in protocol.flows:
        cell = cells[(flow.source, flow.target)]
        for cat in flow.categories:
            cell.setdefault(cat.id, (cat, []))[1].append(flow.key)
    senders = [p for p in protocol.parties if any(s == p.id for s, _ in cells)]
    receivers = [p for p in protocol.parties if any(t == p.id for _, t in cells)]
    if not cells:
        return "<p>" + t(N_("Nothing is shared yet.")) + "</p>"
    head = "".join(f'<th scope="col">{e(_clip(p.name, 28))}<br><code>{e(p.id)}</code></th>' for p in receivers)
    rows = []
    for s in senders:
        tds = []
        for receiver in receivers:
            cell = cells.get((s.id, receiver.id))
            if not cell:
                tds.append('<td class="none" aria-label="' + t(N_("nothing")) + '">·</td>')
                continue
            cats = [c for c, _ in cell.values()]
            tds.append(f"<td>{_categories_cell(cats, {cid: keys for cid, (_, keys) in cell.items()})}</td>")
        rows.append(f'<tr><th scope="row" class="rowhead">{e(_clip(s.name, 28))}<br><code>{e(s.id)}</code></th>'
                    + "".join(tds) + "</tr>")
    return ('<p class="muted">' + t(N_("Rows share with columns. Each cell lists the data categories, most sensitive "
                                    "first, and the sharing rules (S) and exports (X) that carry them.")) + '</p>'
            + '<div class="scroll"><table class="matrix"><thead><tr><th>' + t(N_("From \\ to")) + f'</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _exports(protocol: Protocol, anchors: _Anchors) -> str:
    exports = protocol.exports
    if not exports:
        return "<p>" + t(N_("No data export is defined for this protocol.")) + "</p>"
    return "".join(_export_block(flow, {p.id: p.name for p in protocol.parties}, anchors) for flow in exports)


def _export_block(flow: Flow, names: dict[str, str], anchors: _Anchors) -> str:
    rows = []
    for name, cat in flow.fields:
        if cat is None:
            rows.append(f'<tr><td><code>{e(name)}</code></td><td colspan="3">{_mark(_(_NO_CATEGORY), "warn")}</td></tr>')
            continue
        ident = {True: _("yes"), False: _("no"), None: "—"}[cat.identifiable]
        rows.append(f'<tr><td><code>{e(name)}</code></td><td><code>{e(cat.id)}</code> {e(cat.name)}</td>'
                    f'<td>{_sens(cat.sensitivity)}</td><td>{ident}</td></tr>')
    details = "; ".join(f"{k}: {v}" for k, v in flow.details.items())
    level = t(N_("level: {level}"), level=flow.level)
    found = " · " + t(N_("findings: {links}"), links=Html(anchors.links(flow.findings))) if flow.findings else ""
    return (f'<h4 id="export-{e(flow.id)}">{e(flow.key)} <code>{e(flow.id)}</code>: '
            f'{e(names.get(flow.source, flow.source))} → {e(names.get(flow.target, flow.target))}, '
            f'<code>{e(flow.purpose)}</code></h4>'
            f'<p class="muted">{e(flow.path)}:{flow.line} · {level} · {e(details)}{found}</p>'
            '<table><thead><tr>' + _heads(N_("Field"), N_("Category"), N_("Sensitivity"), N_("Identifiable"))
            + f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _person(person, required: bool = True) -> str:
    """A role holder by position and agency; people's names stay in the protocol itself."""
    if not isinstance(person, dict):
        return _mark(_("none named"), "warn") if required else t(N_("none (optional)"))
    title = person.get("title") or _("(no title)")
    party = person.get("party")
    return e(title) + (" <span class='muted'>" + t(N_("at")) + f"</span> <code>{e(party)}</code>" if party else "")


def _roles(protocol: Protocol, anchors: _Anchors, today) -> str:
    if not protocol.roles:
        return "<p>" + t(N_("No roles are assigned.")) + "</p>"
    rows = []
    for row in protocol.roles:
        label = f"{e(row.role_name)} <code>{e(row.role_id)}</code>" if row.role_name else f"<code>{e(row.role_id)}</code>"
        if row.holder is None:
            rows.append(f"<tr data-role='{e(row.role_id)}'><td>{label}</td>"
                        f"<td colspan='4'>{_mark(t('not assigned: the standard requires it'))}</td>"
                        f"<td>{anchors.links(row.findings) or '—'}</td></tr>")
            continue
        if row.confirmed is None:
            confirmed = _mark(t(N_("never confirmed")))
        else:
            age = (today - row.confirmed).days
            confirmed = (f"{row.confirmed.isoformat()} <span class='muted'>"
                         + Html(_n("({n} day ago)", "({n} days ago)", age)) + "</span>")
            if row.stale:
                confirmed += "<br>" + _mark(t(N_("stale: older than {days} days"), days=protocol.stale_after_days))
        if row.trained:
            trained = row.trained.isoformat()
        else:
            trained = _mark(t(N_("not recorded")), "warn") if row.training_expected else t(N_("not recorded"))
        rows.append(f"<tr data-role='{e(row.role_id)}'><td>{label}</td><td>{_person(row.holder)}</td>"
                    f"<td>{_person(row.backup, row.backup_required)}</td><td>{confirmed}</td><td>{trained}</td><td>{anchors.links(row.findings) or '—'}</td></tr>")
    return ('<p class="muted">' + t(N_("Holders are shown by position and agency; their names are in the protocol."))
            + '</p><div class="scroll"><table><thead><tr>'
            + _heads(N_("Role"), N_("Holder"), N_("Backup"), N_("Last confirmed"), N_("Trained"), N_("Findings"))
            + '</tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>")


def _annex_c(protocol: Protocol, anchors: _Anchors) -> str:
    if not protocol.annex_c_partners:
        found = t(N_("Findings: {links}"), links=Html(anchors.links(protocol.annex_c_findings)))
        return "<p>" + t(N_("Not needed: no party is a UNHCR implementing partner.")) + "</p>" + (
            f"<p>{found}</p>" if protocol.annex_c_findings else "")
    total = len(protocol.annex_c_items)
    rows = []
    for partner in protocol.annex_c_partners:
        covered = _mark(t(N_("yes")), "ok") if partner.listed else _mark(t(N_("no: not in annex_c.applies_to")))
        met = t(N_("{met} of {total}"), met=len(partner.met), total=total)
        rows.append(f"<tr data-partner='{e(partner.party.id)}'><td>{e(partner.party.name)} "
                    f"<code>{e(partner.party.id)}</code></td><td>{covered}</td>"
                    f"<td class='num'>{met}</td><td>{e(', '.join(partner.not_met)) or '—'}</td>"
                    f"<td>{e(', '.join(partner.missing)) or '—'}</td></tr>")
    items = []
    for item in protocol.annex_c_items:
        entry = item.entry
        if not isinstance(entry, dict):
            status = _mark(t(N_("not addressed")))
            where = "—"
        else:
            status = _mark(t(N_("met")), "ok") if entry.get("met") is True else _mark(t(N_("not met")))
            where = "; ".join(f"{k}: {safe_text(entry, k)}" for k in ("reference", "clause") if entry.get(k)) or "—"
        items.append(f"<tr><td><code>{e(item.id)}</code></td><td>{e(item.title)}</td><td>{status}</td>"
                     f"<td>{e(where)}</td><td>{anchors.links(item.findings) or '—'}</td></tr>")
    findings = ("<p>" + t(N_("Annex C findings: {links}"), links=Html(anchors.links(protocol.annex_c_findings))) + "</p>"
                if protocol.annex_c_findings else "")
    return ('<table><thead><tr>'
            + _heads(N_("Implementing partner"), N_("Covered by the annex"), N_("Obligations met"), N_("Not met"),
                     N_("Not addressed"))
            + '</tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
            + findings + "<h4>" + t(N_("Obligations")) + "</h4><table><thead><tr>"
            + _heads(N_("Obligation"), N_("Title"), N_("Status"), N_("Where the protocol meets it"), N_("Findings"))
            + '</tr></thead><tbody>' + "".join(items) + "</tbody></table>")


def _risks(protocol: Protocol, anchors: _Anchors) -> str:
    if not protocol.dpias:
        found = t(N_("Findings: {links}"), links=Html(anchors.links(protocol.dpia_findings)))
        return "<p>" + _mark(t(N_("No DPIA for this protocol was found."))) + "</p>" + (
            f"<p>{found}</p>" if protocol.dpia_findings else "")
    out = ["<p>" + ", ".join(
        f"<code>{e(d.id)}</code> ({e(d.metadata.get('status'))}, {e(d.path)})" for d in protocol.dpias) + "</p>"]
    for level in RESIDUAL_LEVELS:
        risks = protocol.risks.get(level) or []
        sign = {"high": "▲▲", "medium": "▲", "low": "▽"}[level]
        out.append(f"<h4>{sign} " + t(N_("Residual risk {level} ({count})"), level=level, count=len(risks)) + "</h4>")
        if not risks:
            continue
        rows = []
        for risk in risks:
            r = risk.entry
            listed = r.get("mitigations") if isinstance(r.get("mitigations"), list) else []
            mitigations = "".join(f"<li>{e(safe_text(listed, i))}</li>" for i in range(len(listed)))
            rows.append(f"<tr data-risk='{e(risk.id)}' data-residual='{e(level)}'><td><code>{e(risk.id)}</code>"
                        f"<br><span class='muted'>{e(risk.dpia)}</span></td>"
                        f"<td>{e(safe_text(r, 'description'))}</td><td>{e(r.get('likelihood'))}</td><td>{e(r.get('impact'))}</td>"
                        f"<td>{e(r.get('owner') or '—')}</td>"
                        f"<td>{'<ul>' + mitigations + '</ul>' if mitigations else _mark(t('none'))}</td>"
                        f"<td>{e(safe_text(r, 'decision') if r.get('decision') else '—')}</td><td>{anchors.links(risk.findings) or '—'}</td></tr>")
        out.append("<div class='scroll'><table><thead><tr>"
                   + _heads(N_("Risk"), N_("Description"), N_("Likelihood"), N_("Impact"), N_("Owner (role)"),
                            N_("Mitigations"), N_("Decision"), N_("Findings"))
                   + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")
    return "".join(out)


def _flow_list(protocol: Protocol) -> str:
    """The map as a list, for screens too narrow to read it."""
    names = {p.id: p.name for p in protocol.parties}
    items = []
    for flow in protocol.flows:
        flag = " " + _mark(t(N_("finding")) if flow.findings else t(N_("outside the protocol"))) if flow.flagged else ""
        capacity = ", " + t(N_("UNHCR as {capacity}"), capacity=flow.unhcr_role.replace('_', ' ')) if flow.unhcr_role else ""
        items.append(f'<li data-flow="{e(flow.key)}"><b>{e(flow.key)}</b> {e(names.get(flow.source, flow.source))} → '
                     f'{e(names.get(flow.target, flow.target))}: <code>{e(flow.purpose)}</code>{capacity}, '
                     f'{_sens(flow.sensitivity)}{flag}</li>')
    return f'<ol class="flowlist">{"".join(items)}</ol>' if items else ""


def _idle(protocol: Protocol) -> str:
    """Parties of the protocol that neither share nor receive: not on the map, so named here."""
    ends = {end for flow in protocol.flows for end in (flow.source, flow.target)}
    idle = [p for p in protocol.parties if p.id not in ends]
    if not idle:
        return ""
    names = ", ".join(f'<span class="idle" data-party="{e(p.id)}">{e(p.name)} <code>{e(p.id)}</code></span>'
                      for p in idle)
    return '<p class="muted">' + t(N_("Take part but neither share nor receive data: {parties}."), parties=Html(names)) + "</p>"


_HELP_SECTIONS = ("What it checks", "Why it matters", "How to fix")  # the rule help the report prints
_FAMILY_WEIGHT = ("SHARE", "ANNEXC", "LIFE", "REF", "ROLE", "CLAUSE", "DPIA")  # what decision makers act on first


def _top_findings(findings: list[Diagnostic], rules: dict, count: int = 5) -> list[tuple[Diagnostic, int]]:
    """The most important findings, one per rule (with how many it has): errors first, then the
    families that decide what may be shared and who is bound, then the first in the files."""
    by_rule: dict[str, list[Diagnostic]] = defaultdict(list)
    for diag in findings:
        by_rule[diag.rule].append(diag)
    rank = {name: n for n, name in enumerate(("error", "warning", "info"))}

    def weight(rule_id: str) -> tuple:
        first = by_rule[rule_id][0]
        family = _FAMILY_WEIGHT.index(first.family) if first.family in _FAMILY_WEIGHT else len(_FAMILY_WEIGHT)
        return rank.get(first.severity, 3), family, first.path, first.line
    ranked = sorted(by_rule, key=weight)
    first_of_family = list({by_rule[rid][0].family: rid for rid in reversed(ranked)}.values())[::-1]
    chosen = sorted(first_of_family, key=weight)[:count]  # one per family first, then the next most important
    chosen += [rid for rid in ranked if rid not in chosen][:count - len(chosen)]
    return [(by_rule[rid][0], len(by_rule[rid])) for rid in sorted(chosen, key=weight)]


def _plain(diag: Diagnostic, rules: dict) -> str:
    """A finding in a few plain words: what the rule guards, and the start of the message."""
    rule = rules.get(diag.rule)
    what = _(rule.summary) if rule is not None else diag.rule
    first = re.split(r"; |\. |؛ ", diag.message, maxsplit=1)[0]
    return f"<b>{e(what)}</b>: {e(_clip(first, 110))}"


def _review_words(review: object, today) -> Html:
    due = Project.date(review)
    if due is None:
        return t(N_("no review date"))
    days = (due - today).days if today else None
    if days is None:
        return Html(_value(review, "bdi"))
    if days >= 0:
        return Html(_n("{date} ({n} day from now)", "{date} ({n} days from now)", days, date=k(review)))
    return Html(_n("{date} ({n} day overdue)", "{date} ({n} days overdue)", -days, date=k(review)))


def _some(names: list[str], shown: int = BRIEF_NAMES) -> Html:
    """Names for the brief: all of them when they are few, else the first and how many more."""
    if len(names) <= shown:
        return Html(e(", ".join(names)))
    return Html(_n("{names} and {n} more (see Parties)", "{names} and {n} more (see Parties)", len(names) - shown,
              names=k(", ".join(names[:shown]))))


def _brief_facts(protocol: Protocol, findings: list[Diagnostic], today) -> str:
    """Status, review date, who signed and who has not, and the count of findings."""
    meta = protocol.dpisp.metadata
    listed = [p for p in protocol.parties if p.listed]
    signed = _some([f"{p.name} ({p.signed})" if p.signed else p.name for p in listed if p.signed is not None])
    unsigned = _some([p.name for p in listed if p.signed is None])
    counts = {sev: sum(1 for d in findings if d.severity == sev) for sev in ("error", "warning", "info")}
    facts = [(t(N_("Status")), t(N_("{status}, version {version}"), status=meta.get("status"), version=meta.get("version"))),
             (t(N_("Review by")), _review_words(meta.get("review_by"), today)),
             (t(N_("Signed")), signed or t(N_("nobody yet"))), (t(N_("Not signed")), unsigned or t(N_("every party has signed"))),
             (t(N_("Findings")), Html(_n("{n} error", "{n} errors", counts["error"])) + ", "
              + Html(_n("{n} warning", "{n} warnings", counts["warning"])) + ", "
              + Html(_n("{n} for information", "{n} for information", counts["info"])))]
    return '<table class="facts">' + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in facts) + "</table>"


def _brief_findings(findings: list[Diagnostic], rules: dict, anchors: _Anchors) -> str:
    """The five most important findings in plain words, each linked to its row."""
    top = _top_findings(findings, rules)
    if not top:
        return "<p>" + _mark(t(N_("No findings: the protocol follows the standard.")), "ok") + "</p>"
    items = []
    for diag, count in top:
        more = ' <span class="muted">' + Html(_n("({n} finding)", "({n} findings)", count)) + "</span>" if count > 1 else ""
        items.append(f'<li>{_severity(diag.severity)} {_plain(diag, rules)}{more} '
                     f'<a href="#finding-{anchors.index[id(diag)]}">{e(diag.rule)}</a></li>')
    rest = len(findings) - sum(count for _, count in top)
    tail = ('<p class="muted">' + Html(_n("{n} more finding in the findings below.", "{n} more findings in the findings "
                                     "below.", rest)) + "</p>") if rest > 0 else ""
    heading = Html(_n("The {n} most important finding", "The {n} most important findings", len(top)))
    return f'<h3>{heading}</h3><ol class="top">{"".join(items)}</ol>{tail}'


def _brief(protocol: Protocol, result, anchors: _Anchors, today) -> str:
    """Page one for the people who decide: status, review date, signatures, the five most important
    findings in plain words, and the map."""
    doc = protocol.dpisp
    own = {doc.id, *(f.id for f in protocol.exports), *(d.id for d in protocol.dpias)}
    findings = [d for d in anchors.ordered if d.location.doc_id in own]
    heading = t(N_("In brief: {operation}"), operation=doc.metadata.get("operation"))
    which = t(N_("— protocol {dpisp}"), dpisp=Html(f"<code>{e(doc.id)}</code>"))
    return (f'<section class="brief" id="brief-{e(doc.id)}"><h2>{heading} '
            f'<span class="muted">{which}</span></h2><div class="briefgrid">'
            f'<div class="brieftext">{_brief_facts(protocol, findings, today)}'
            f'{_brief_findings(findings, result.rules, anchors)}</div>'
            f'<div class="briefmap"><h3 id="dpisp-{e(doc.id)}-map">' + t(N_("Who shares what with whom")) + f'</h3>{_legend()}'
            f'<div class="mapwrap">{_map_svg(protocol)}</div>{_flow_list(protocol)}{_idle(protocol)}</div>'
            "</div></section>")


def _protocol(protocol: Protocol, anchors: _Anchors, today) -> str:
    doc = protocol.dpisp
    meta = doc.metadata
    sid = f"dpisp-{e(doc.id)}"
    facts = [t(N_("country {country}"), country=meta.get("country")), t(N_("setting {setting}"), setting=meta.get("setting")),
             t(N_("status {status}"), status=meta.get("status")), t(N_("version {version}"), version=meta.get("version")),
             t(N_("drafted from {template}"), template=meta.get("template"))]
    if meta.get("effective"):
        facts.append(t(N_("effective {date}"), date=meta["effective"]))
    if meta.get("review_by"):
        facts.append(t(N_("review by {date}"), date=meta["review_by"]))
    flagged = sum(1 for f in protocol.flows if f.flagged)
    which = t(N_("— protocol {dpisp}"), dpisp=Html(f"<code>{e(doc.id)}</code>"))
    cards = [(len(protocol.parties), t(N_("parties"))), (sum(1 for f in protocol.flows if f.kind == "rule"), t(N_("sharing rules"))),
             (len(protocol.exports), t(N_("exports"))),
             (flagged, t(N_("edges with a {families} finding or outside the protocol"), families=_flagging()))]
    heads = [("flows", t(N_("Every sharing rule and export")), _flows_table(protocol, anchors)),
             ("parties", t(N_("Parties")), _parties_table(protocol, anchors)),
             ("matrix", t(N_("Categories shared, party by party")), _matrix(protocol)),
             ("exports", t(N_("Exports: fields and their categories")), _exports(protocol, anchors)),
             ("roles", t(N_("Roles")), _roles(protocol, anchors, today)),
             ("annexc", t(N_("Annex C: UNHCR implementing partners")), _annex_c(protocol, anchors)),
             ("dpia", t(N_("DPIA risks by residual level")), _risks(protocol, anchors))]
    return (f'<section class="protocol" id="{sid}"><h2>{e(meta.get("operation"))} <span class="muted">{which}'
            f'</span></h2><p class="meta">{" · ".join(facts)} · {_value(doc.path, "bdi")}</p>'
            '<div class="cards">' + "".join(f'<div class="card"><b>{n}</b>{words}</div>' for n, words in cards)
            + "</div>" + "".join(f'<h3 id="{sid}-{key}">{head}</h3>{body}' for key, head, body in heads) + "</section>")


def _families(findings: list[Diagnostic]) -> list[tuple[str, list[Diagnostic]]]:
    groups: dict[str, list[Diagnostic]] = defaultdict(list)
    for diag in findings:
        groups[diag.family].append(diag)
    order = sorted(groups, key=family_order)
    return [(family, groups[family]) for family in order]


def _family_words(family: str) -> str:
    return _(families().get(family, N_("rules of a plugin")))


def _accepted_because(suppression) -> Html:
    """An exception's reason as the report shows it: a waiver's as the configuration records it, an
    inline comment's by length (free text in a document, contract 5.5)."""
    if suppression.kind == "waiver":
        return t(N_("waiver: {reason} (approved by {approver}, until {date})"), reason=suppression.reason,
                 approver=suppression.approved_by, date=suppression.expires)
    return t(N_("comment in the document: {reason}"), reason=suppression.reason_for_output)


def _findings(picture: Picture, anchors: _Anchors, explained: set[str]) -> str:
    if not picture.findings:
        out = ["<p>" + _mark(t(N_("No findings: every checked document follows the standard.")), "ok") + "</p>"]
    else:
        out = []
    heads = _heads(N_("Severity"), N_("Rule"), N_("Where"), N_("What is wrong and what to do"))
    for family, diags in _families(picture.findings):
        out.append(f'<h3 id="family-{e(family)}">{e(family)} <span class="muted">— {e(_family_words(family))}</span> '
                   f'({len(diags)})</h3>')
        rows = []
        for diag in diags:
            n = anchors.index[id(diag)]
            rule = (f'<a href="#explain-{e(diag.rule)}">{e(diag.rule)}</a>' if diag.rule in explained
                    else e(diag.rule))
            where = f"{diag.path}:{diag.line}:{diag.column}"
            doc = f"<br><span class='muted'>{e(diag.location.doc_id)}</span>" if diag.location.doc_id else ""
            fix = "<br>" + _mark(t(N_("im4cm-lint --fix repairs this")), "ok") if diag.fix else ""
            rows.append(f'<tr id="finding-{n}" class="finding"><td>{_severity(diag.severity)}</td><td>{rule}</td>'
                        f'<td class="mono">{e(where)}{doc}</td><td>{e(diag.message)}{fix}</td></tr>')
        out.append(f'<div class="scroll"><table class="findings"><thead><tr>{heads}</tr></thead><tbody>'
                   + "".join(rows) + "</tbody></table></div>")
    if picture.suppressed:
        rows = "".join(f"<tr><td>{e(d.rule)}</td><td class='mono'>{e(d.path)}:{d.line}</td><td>{e(d.message)}</td>"
                       f"<td>{_accepted_because(d.suppression)}</td></tr>" for d in picture.suppressed)
        out.append("<h3>" + t(N_("Accepted exceptions ({count})"), count=len(picture.suppressed)) + "</h3><p>"
                   + t(N_("Findings suppressed in the documents, with the reason given there.")) + "</p><table><thead><tr>"
                   + _heads(N_("Rule"), N_("Where"), N_("Finding"), N_("Reason"))
                   + f"</tr></thead><tbody>{rows}</tbody></table>")
    return '<section id="findings"><h2>' + t(N_("Findings by family")) + "</h2>" + "".join(out) + "</section>"


def _explanations(rules: dict, rule_ids: list[str]) -> str:
    from im4cm_lint.explain import page_sections

    blocks = []
    for rid in rule_ids:
        rule = rules[rid]
        parts = "".join(f"<h4>{e(_(name))}</h4>{_markdown(text)}" for name, text in page_sections(rule).items()
                        if name in _HELP_SECTIONS)
        blocks.append(f'<article class="explain" id="explain-{e(rid)}"><h3>{e(rid)} <span class="muted">'
                      f'{e(rule.name)}</span></h3><p><b>{e(_(rule.summary))}.</b></p>{parts}</article>')
    if not blocks:
        return ""
    return ('<section id="explanations"><h2>' + t(N_("What the findings mean")) + "</h2><p>"
            + t(N_("For every rule with a finding: what it checks, why it matters and how to fix it. {command} adds an "
                "example."), command=Html("<code>im4cm-lint --explain RULE</code>"))
            + "</p>" + "".join(blocks) + "</section>")


def _loose(picture: Picture, anchors: _Anchors) -> str:
    if not picture.loose_exports and not picture.loose_dpias:
        return ""
    out = ['<section id="unattached"><h2>' + t(N_("Documents without their protocol")) + "</h2><p>"
           + t(N_("These name a DPISP that is not among the documents checked, so they are not on any map.")) + "</p>"]
    out += [_export_block(flow, {}, anchors) for flow in picture.loose_exports]
    if picture.loose_dpias:
        out.append("<ul>" + "".join("<li>" + t(N_("DPIA {dpia} ({path}) names protocol {dpisp}"),
                                               dpia=Html(f"<code>{e(d.id)}</code>"), path=d.path,
                                               dpisp=Html(f"<code>{e(d.dpisp_id)}</code>")) + "</li>"
                                    for d in picture.loose_dpias) + "</ul>")
    return "".join(out) + "</section>"


def _summary(result, picture: Picture) -> str:
    counts = summary(result)
    cards = "".join(f'<div class="card"><b>{counts[s]}</b>{_severity(s)}</div>' for s in ("error", "warning", "info"))
    fams = "".join(f'<tr><td><a href="#family-{e(f)}">{e(f)}</a></td><td>{e(_family_words(f))}</td>'
                   f'<td class="num">{len(d)}</td></tr>' for f, d in _families(picture.findings))
    table = ("<table><thead><tr>" + _heads(N_("Family"), N_("Checks"), N_("Findings")) + "</tr></thead><tbody>"
             + fams + "</tbody></table>") if fams else ""
    verdict = (_mark(t(N_("fails: findings at or above '{severity}'"), severity=counts["fail_on"])) if counts["failed"]
               else _mark(t(N_("passes: nothing at or above '{severity}'"), severity=counts["fail_on"]), "ok"))
    weakened = "".join(f"<li><code>{e(w.setting)}</code> {e(w.what)}: "
                       f"{e(w.reason) if w.reason else _mark(t('no reason given'))}</li>" for w in result.weakenings)
    if weakened:
        weakened = "<h3>" + t(N_("Turned off by the configuration")) + f"</h3><ul>{weakened}</ul>"
    return ('<section id="summary"><h2>' + t(N_("Summary")) + f'</h2><p>{verdict}</p><div class="cards">{cards}</div>{table}'
            f"{weakened}</section>")


_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_CELL = re.compile(r"<(td|th)\b([^>]*)>")


def _labelled(table: str) -> str:
    """A table whose body cells carry their column's heading (``data-label``), so a phone can show
    each row as a card of "heading: value" lines instead of scrolling sideways."""
    head = re.search(r"<thead>(.*?)</thead>", table, re.S)
    if head is None:
        return table
    labels = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
              for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", head.group(1), re.S)]

    def row(match: re.Match) -> str:
        column = 0

        def cell(found: re.Match) -> str:
            nonlocal column
            label = labels[column] if column < len(labels) else ""
            span = re.search(r"colspan=[\"']?(\d+)", found.group(2))
            column += int(span.group(1)) if span else 1
            if found.group(1) == "th" or not label:
                return found.group(0)
            return f'<td data-label="{e(label)}"{found.group(2)}>'
        return _CELL.sub(cell, match.group(0))
    return table[:head.end()] + re.sub(r"<tr\b.*?</tr>", row, table[head.end():], flags=re.S)


def render(result, picture: Picture, as_of=None, title: str | None = None) -> str:
    """The whole page for a finished run and its picture; ``as_of`` is the ``--today`` date, if given."""
    anchors = _Anchors(picture.findings)
    project = result.project
    today = project.today if project else None
    operations = [p.dpisp.metadata.get("operation") for p in picture.protocols]

    def heading(fill) -> str:
        if title:
            return e(title)
        if operations:
            return fill(N_("Who shares what with whom: {operations}"), operations="; ".join(map(str, operations)))
        return fill(N_("Who shares what with whom"))
    meta = [t(N_("policy pack {pack}"), pack=result.pack.ref) if result.pack else t(N_("no policy pack could be loaded")),
            t(N_("{documents} in {files}"), documents=Html(_n("{n} document", "{n} documents", result.documents)),
              files=Html(_n("{n} file", "{n} files", result.files)))]
    if as_of:
        meta.insert(1, t(N_("dates judged as of {date}"), date=as_of.isoformat()))
    explained = sorted({d.rule for d in picture.findings if d.rule in result.rules})
    toc = []
    parts = (("map", N_("map")), ("flows", N_("sharing rules")), ("matrix", N_("matrix")), ("exports", N_("exports")),
             ("roles", N_("roles")), ("annexc", N_("Annex C")), ("dpia", N_("DPIA")))
    for protocol in picture.protocols:
        sid = f"dpisp-{e(protocol.dpisp.id)}"
        links = ", ".join(f'<a href="#{sid}-{key}">{t(words)}</a>' for key, words in parts)
        toc.append(f'<li><a href="#brief-{e(protocol.dpisp.id)}">{e(protocol.dpisp.metadata.get("operation"))}</a>: '
                   f"{links}</li>")
    toc += ['<li><a href="#summary">' + t(N_("Summary")) + "</a></li>",
            '<li><a href="#findings">' + t(N_("Findings by family")) + "</a></li>"]
    if explained:
        toc.append('<li><a href="#explanations">' + t(N_("What the findings mean")) + "</a></li>")
    body = [f'<header class="top"><h1>{heading(t)}</h1><p class="meta">{" · ".join(meta)}</p>'
            '<p class="meta">' + t(N_("Made by im4cm-lint from the protocol, DPIA and export files. Print it or send it "
                                   "as it is: it needs no internet connection.")) + "</p></header>",
            _markers(), '<main><nav class="toc" aria-label="' + t(N_("Contents")) + '"><ul>' + "".join(toc) + "</ul></nav>"]
    if not picture.protocols:
        body.append('<section class="protocol"><h2>' + t(N_("No protocol found")) + "</h2><p>"
                    + t(N_("No DPISP document was found in the paths given, so there is no sharing map. The findings "
                        "below say what was found.")) + "</p></section>")
    body += [f'<div class="mapblock">{_brief(p, result, anchors, today)}{_protocol(p, anchors, today)}</div>'
             for p in picture.protocols]
    body += [_summary(result, picture), _loose(picture, anchors), _findings(picture, anchors, set(explained)),
             _explanations(result.rules, explained), "</main>"]
    direction = ' dir="rtl"' if right_to_left() else ""
    return (f"<!DOCTYPE html>\n<html lang=\"{current()}\"{direction}><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{heading(ts)}</title><style>{CSS}</style></head><body>\n"
            + _TABLE.sub(lambda m: _labelled(m.group(0)), "\n".join(part for part in body if part))
            + f"\n<script>{SCRIPT}</script>\n</body></html>\n")
