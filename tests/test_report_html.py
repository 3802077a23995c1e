"""``im4cm-lint report --html``: the sharing picture as one self-contained page.

The page is read back with the standard library's HTML parser and checked against the documents
and against the findings of the same lint run (``--format json``), so the tests follow the checks
as they evolve: every party and every finding must be on the page, and exactly the sharing
rules and exports with a SHARE or ANNEXC finding are drawn red.
"""

from __future__ import annotations

import random
import time
from html.parser import HTMLParser
from pathlib import Path

from conftest import FIXTURES, lint, lint_json, write

from im4cm_lint_checks.report import layout

SMALL = FIXTURES / "countries" / "riverside"
TODAY = "2026-10-01"
_VOID = {"br", "meta", "hr", "img", "input", "link", "col", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict, parent: Element | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element] = []
        self.parts: list[str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        return " ".join(" ".join([*self.parts, *(c.text for c in self.children)]).split())

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Element]:
        return [el for el in self.iter() if (tag is None or el.tag == tag) and (cls is None or cls in el.classes)
                and all(el.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]


class Page(HTMLParser):
    """A small DOM of the report (tags, attributes, text)."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#root", {}, None)
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.parts.append(data)

    def find(self, *args, **kw) -> list[Element]:
        return self.root.find(*args, **kw)


def report(*paths: str, cwd: Path | None = None, today: str = TODAY, out: Path) -> tuple[int, str, Page]:
    run = lint("report", "--html", str(out), "--today", today, *paths, cwd=cwd)
    source = out.read_text(encoding="utf-8") if out.exists() else ""
    return run.code, source, Page(source)


def finding_rows(page: Page) -> list[tuple[str, str]]:
    """(rule, path:line:col) of every row of the findings section."""
    rows = []
    for row in page.find("tr", cls="finding"):
        cells = row.find("td")
        rows.append((cells[1].text, cells[2].parts[0].strip()))
    return rows


def flagged_ids(diagnostics: list[dict]) -> set[str]:
    """Sharing rules and exports that a SHARE or ANNEXC finding stands on, from the JSON output."""
    found = set()
    for diag in diagnostics:
        if not diag["rule"].startswith(("SHARE", "ANNEXC")):
            continue
        path = diag.get("yaml_path") or ""
        if path.startswith("sharing["):
            found.add(path[len("sharing["):path.index("]")])
        elif diag.get("document") and "exports/" in diag["path"]:
            found.add(diag["document"])
    return found


def big_repo(root: Path, seed: int = 8) -> dict[str, list[str]]:
    """A generated country repository with 40 parties of every type, 82 sharing rules and 12 exports."""
    rng = random.Random(seed)
    counts = {"un_agency": 3, "ingo": 17, "lngo": 14, "authority": 4, "service_provider": 2}
    parties = [("unhcr", "un_agency", "UNHCR Forty-party Operation, Sub-Office of the North-Eastern Region")]
    for kind, count in counts.items():
        start = 2 if kind == "un_agency" else 1
        parties += [(f"{kind.replace('_', '')[:5]}{i:02d}", kind, f"{kind.replace('_', ' ').title()} {i} of the test")
                    for i in range(start, count + 1)]
    lines = ["apiVersion: im4cm/v1", "kind: DPISP", "metadata:", "  id: zz-forty", "  country: UG",
             "  operation: Forty-party test response", "  setting: refugee", "  template: im4cm-standard@2024.1",
             "  version: 1.0.0", "  status: draft", "parties:"]
    for pid, kind, name in parties:
        extra = ", unhcr_roles: [donor, coordinator, service_provider]" if pid == "unhcr" else ""
        extra += ", unhcr_partnership: implementing_partner" if kind == "ingo" and int(pid[-2:]) % 2 else ""
        lines.append(f"  - {{id: {pid}, name: {name}, type: {kind}{extra}}}")
    ngos = [pid for pid, kind, _ in parties if kind in ("ingo", "lngo")]
    authorities = [pid for pid, kind, _ in parties if kind == "authority"]
    rules = []
    for pid in ngos:
        rules.append(f"{{id: {pid}-to-unhcr, from: {pid}, to: unhcr, unhcr_role: service_provider, "
                     "purpose: bip.referral, basis: consent, categories: [record.case_id, identity.name, "
                     "identity.registration_id, protection.concern.type]}")
        other = rng.choice([p for p in ngos if p != pid])
        rules.append(f"{{id: {pid}-to-{other}, from: {pid}, to: {other}, purpose: referral.service, basis: consent, "
                     "categories: [record.case_id, identity.name, identity.sex, location.current]}")
    for pid in rng.sample(ngos, 6):
        authority = rng.choice(authorities)
        severe = ", protection.concern.narrative" if rng.random() < 0.5 else ""
        rules.append(f"{{id: {pid}-to-{authority}, from: {pid}, to: {authority}, purpose: authorities.child_protection, "
                     f"basis: best_interests, categories: [identity.name{severe}]}}")
    rules.append("{id: unicef-statistics, from: unage02, to: servi01, purpose: reporting.statistical, "
                 "basis: public_interest, level: aggregate, categories: [aggregate.case_counts]}")
    write(root, "dpisp.yaml", "\n".join([*lines, "sharing:", *(f"  - {r}" for r in rules)]) + "\n")
    exports = []
    for pid in ngos[:12]:
        exports.append(f"{pid}-bip-export")
        write(root, f"exports/{pid}.yaml", f"""
            apiVersion: im4cm/v1
            kind: DataExport
            metadata: {{id: {pid}-bip-export, dpisp: zz-forty}}
            system: cpims+
            owner: {pid}
            recipient: unhcr
            purpose: bip.referral
            sharing_rule: {pid}-to-unhcr
            level: individual
            fields: [case_id, name_first, unhcr_individual_no, protection_concerns]
            transport: {{encrypted: true}}
            """)
    return {"parties": [p for p, _, _ in parties], "rules": [r.split(",")[0][5:] for r in rules], "exports": exports}


def test_small_repo_shows_every_party_flow_and_finding(tmp_path):
    code, source, page = report(str(SMALL), out=tmp_path / "report.html")
    assert code == 0
    findings = lint_json("--today", TODAY, str(SMALL)).json["diagnostics"]
    assert findings, "the fixture is meant to have findings"

    parties = {el.attrs["data-party"] for el in page.find("g", cls="party")}
    assert parties == {"unhcr", "unicef", "sc", "irc", "cya", "dpo"}
    assert len(page.find("g", cls="party")) == 12  # each party shares (left column) and also receives here
    # a party name with markup characters is escaped, never interpreted
    assert "Children &amp; Youth &lt;Welfare&gt; Association" in source
    assert "<Welfare>" not in source

    flows = page.find("g", cls="flow")
    assert sorted(el.attrs["data-id"] for el in flows) == sorted([
        "sc-to-unhcr-bip", "unhcr-to-irc-referral", "irc-to-cya-referral", "cya-to-sc-referral",
        "sc-to-unicef-statistics", "sc-to-dpo-alternative-care", "cya-to-unhcr-list",
        "sc-cpims-to-progres-bip", "sc-monthly-statistics", "cya-referral-sheet"])
    for el in flows:  # an arrowhead on every edge, and its sensitivity as a pattern class, not colour alone
        path = el.find("path")[0]
        assert path.attrs["marker-end"].startswith("url(#arrow-")
        assert any(c.startswith("s-") for c in path.classes)
    red = {el.attrs["data-id"] for el in flows if "flagged" in el.classes}
    expected = flagged_ids(findings)
    assert red == expected and {"sc-to-dpo-alternative-care", "cya-to-unhcr-list"} <= red
    for el in flows:  # a red edge also says so in words
        assert ("⚠" in el.find("g", cls="badge")[0].text) == ("flagged" in el.classes)

    shown = sorted(finding_rows(page))
    assert shown == sorted((d["rule"], f"{d['path']}:{d['line']}:{d['column']}") for d in findings)
    for rule in {d["rule"] for d in findings}:
        assert page.find("article", id=f"explain-{rule}"), rule
        assert page.find("a", href=f"#explain-{rule}"), rule
    assert f"dates judged as of {TODAY}" in source and "im4cm-standard@2024.1" in source


def test_small_repo_labels_every_edge_without_overlap(tmp_path):
    _, _, page = report(str(SMALL), out=tmp_path / "report.html")
    labels = page.find("g", cls="label")
    assert len(labels) == len(page.find("g", cls="flow"))
    for label in labels:  # the label names the purpose
        flow = label.parent
        row = page.find("tr", data_flow=flow.attrs["data-flow"])[0]
        assert row.find("code")[1].text in label.text
    boxes = [layout.Box(*(float(label.find("rect")[0].attrs[k]) for k in ("x", "y", "width", "height")))
             for label in labels]
    assert not any(a.overlaps(b, pad=0) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    capacity = page.find("g", data_id="sc-to-unhcr-bip")[0].find("g", cls="label")[0].text
    assert "UNHCR as service provider" in capacity


def test_small_repo_tables(tmp_path):
    _, _, page = report(str(SMALL), out=tmp_path / "report.html")
    def row(**attrs) -> str:
        return page.find("tr", **attrs)[0].text

    assert "stale: older than 180 days" in row(data_role="process_lead")  # confirmed 2025-01-10
    assert "stale" not in row(data_role="dpia_owner")  # confirmed 2026-09-01
    assert "not assigned" in row(data_role="system_administrator")  # required in a refugee setting, absent

    residual = {el.attrs["data-risk"]: el.attrs["data-residual"] for el in page.find("tr") if "data-risk" in el.attrs}
    assert residual == {"lists-by-email": "high", "shared-accounts": "medium", "stale-consent": "low"}

    assert "yes" in row(data_partner="sc") and "2 of 20" in row(data_partner="sc")
    assert "not in annex_c.applies_to" in row(data_partner="irc") and "0 of 20" in row(data_partner="irc")

    matrix = page.find("table", cls="matrix")[0]
    cell = [row for row in matrix.find("tr") if row.find("th") and "sc" in row.find("th")[0].text.split()][0]
    assert "protection.concern.narrative" in cell.text and "severe" in cell.text

    export = page.find("h4", id="export-cya-referral-sheet")[0]
    fields = export.parent.children[export.parent.children.index(export) + 2].text
    assert "child_name" in fields and "identity.name" in fields and "no category" in fields  # 'notes'


def test_page_is_self_contained_and_deterministic(tmp_path):
    _, first, page = report(str(SMALL), out=tmp_path / "a.html")
    _, second, _ = report(str(SMALL), out=tmp_path / "b.html")
    assert first == second
    assert not page.find("link") and not any("src" in el.attrs for el in page.root.iter())
    assert all(el.attrs["href"].startswith("#") for el in page.find("a"))
    assert "default-src 'none'" in page.find("meta", http_equiv="Content-Security-Policy")[0].attrs["content"]
    assert "@import" not in first and "url(http" not in first
    assert "@media print" in first


def test_forty_parties_render_fast_and_legibly(tmp_path):
    repo = tmp_path / "forty"
    (repo / ".git").mkdir(parents=True)
    made = big_repo(repo)
    assert len(made["parties"]) == 40
    started = time.perf_counter()
    code, source, page = report(".", cwd=repo, out=tmp_path / "forty.html")
    elapsed = time.perf_counter() - started
    assert code == 0 and elapsed < 5, f"report took {elapsed:.2f}s"
    assert {el.attrs["data-party"] for el in page.find("g", cls="party")} == set(made["parties"])
    assert sorted(el.attrs["data-id"] for el in page.find("g", cls="flow")) == sorted(made["rules"] + made["exports"])
    assert not page.find("g", cls="label")  # too many edges for labels: the numbered table carries them
    assert len([row for row in page.find("tr") if "data-flow" in row.attrs]) == len(made["rules"] + made["exports"])
    # no two party boxes of a column overlap, and every box is inside the drawing
    svg = page.find("svg", cls="map")[0]
    width, height = float(svg.attrs["width"]), float(svg.attrs["height"])
    boxes = {"from": [], "to": []}
    for el in page.find("g", cls="party"):
        r = el.find("rect")[0].attrs
        box = layout.Box(*(float(r[k]) for k in ("x", "y", "width", "height")))
        assert box.x >= 0 and box.y >= 0 and box.x + box.w <= width and box.y + box.h <= height
        boxes["from" if box.x < width / 2 else "to"].append(box)
    for column in boxes.values():
        assert not any(a.overlaps(b, pad=0) for i, a in enumerate(column) for b in column[i + 1:])
    assert len(source) < 1_500_000


def test_layout_orders_bands_and_gives_each_edge_its_own_port():
    placed = layout.layout([("a", "ingo"), ("b", "un_agency"), ("c", "ingo")],
                           [("S1", "a", "b"), ("S2", "c", "b"), ("S3", "a", "c")], ("un_agency", "ingo"))
    left = [n for n in placed.nodes if n.side == "from"]
    assert [n.party for n in left][0] == "b"  # bands follow the type order given
    assert [b.group for b in placed.bands if b.side == "to"] == ["un_agency", "ingo"]
    ends = [e.end for e in placed.edges if e.key in ("S1", "S2")]
    assert ends[0] != ends[1]  # two edges into b end at different ports
    assert all(e.start[0] < e.end[0] for e in placed.edges)


def test_unknown_category_and_missing_protocol(repo, tmp_path):
    write(repo, "dpisp.yaml", """
        apiVersion: im4cm/v1
        kind: DPISP
        metadata: {id: zz-one, country: UG, operation: One rule, setting: refugee,
                   template: im4cm-standard@2024.1, version: 0.1.0, status: draft}
        parties:
          - {id: unhcr, name: UNHCR, type: un_agency, unhcr_roles: [service_provider]}
          - {id: sc, name: SC, type: ingo}
        sharing:
          - {id: sc-to-unhcr, from: sc, to: unhcr, unhcr_role: service_provider, purpose: bip.referral,
             basis: consent, categories: [made.up.category]}
        """)
    write(repo, "orphan.yaml", """
        apiVersion: im4cm/v1
        kind: DataExport
        metadata: {id: orphan-export, dpisp: zz-elsewhere}
        system: spreadsheet
        owner: sc
        recipient: unhcr
        purpose: bip.referral
        level: individual
        fields: [{name: child_name, category: identity.name}]
        transport: {encrypted: true}
        """)
    code, source, page = report(".", cwd=repo, out=tmp_path / "r.html")
    assert code == 0
    flow = page.find("g", data_id="sc-to-unhcr")[0]
    assert "s-unknown" in flow.find("path")[0].classes
    # two parties: both share (left column), one receives (right column)
    assert sorted(el.attrs["data-party"] for el in page.find("g", cls="party")) == ["sc", "unhcr", "unhcr"]
    assert "made.up.category" in page.find("table", cls="matrix")[0].text
    loose = page.find("section", id="unattached")[0].text
    assert "orphan-export" in loose and "identity.name" in loose


def test_no_protocol_and_bad_configuration(repo, tmp_path):
    write(repo, "notes.yaml", "just: a file\n")
    code, _, page = report(".", cwd=repo, out=tmp_path / "empty.html")
    assert code == 0 and "No protocol found" in page.find("section", cls="protocol")[0].text
    write(repo, ".im4cm-lint.yaml", "policy-pack: no-such-pack\n")
    code, _, page = report(".", cwd=repo, out=tmp_path / "fatal.html")
    assert code == 2
    assert [rule for rule, _ in finding_rows(page)] == ["CONFIG003"]


def test_report_to_stdout_and_unwritable_target(tmp_path):
    run = lint("report", "--html", "-", "--today", TODAY, "--title", "CP working group, <March>", str(SMALL))
    assert run.code == 0 and run.out.startswith("<!DOCTYPE html>") and run.out.rstrip().endswith("</html>")
    assert Page(run.out).find("h1")[0].text == "CP working group, <March>"
    run = lint("report", "--html", str(tmp_path / "missing" / "r.html"), str(SMALL))
    assert run.code == 2 and "cannot write" in run.err
    assert lint("report", str(SMALL)).code == 2  # --html is required
