"""LIFE001-LIFE007: review dates, signatures, drafts that stall, and a status that matches the dates.
Every run passes --today, so the tests never depend on the real date."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, lint_json, write

PACKS, KAKUMA = FIXTURES / "packs", FIXTURES / "countries" / "kakuma-draft"
MINI = str(PACKS / "mini-pack")
BASE = (KAKUMA / "dpisp.yaml").read_text()
DPIA = (KAKUMA / "dpia.yaml").read_text()
TODAY = "2025-09-01"


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def life(repo, text: str, *options: str, today: str = TODAY, dpia: str | None = DPIA, select: str = "LIFE"):
    write(repo, "dpisp.yaml", text)
    if dpia is not None:
        write(repo, "dpia.yaml", dpia)
    run = lint_json("--select", select, "--policy-pack", MINI, "--today", today, *options, ".", cwd=repo)
    assert run.code in (0, 1), run.out
    return run, [(d["rule"], d["path"], d["line"], d["severity"]) for d in run.json["diagnostics"]]


def test_a_protocol_in_force_with_its_dpia_has_no_finding(repo):
    run, found = life(repo, BASE)
    assert found == [] and run.code == 0


@pytest.mark.parametrize("status, severity", [("in_force", "error"), ("signed", "error"), ("draft", "warning"),
                                              ("in_review", "warning")])
def test_review_date_passed(repo, status, severity):
    run, found = life(repo, edit(BASE, "status: in_force", f"status: {status}"), today="2026-03-11",
                      select="LIFE001")
    assert found == [("LIFE001", "dpisp.yaml", 13, severity)]
    assert run.json["diagnostics"][0]["message"] == (
        "protocol ke-kakuma was due for review on 2026-03-01 (10 days ago); review it with the parties and set the "
        "next review date, or mark it expired")


def test_review_date_missing_and_expired_protocols(repo):
    text = edit(BASE, "  review_by: 2026-03-01\n", "")
    run, found = life(repo, text, select="LIFE001")
    assert found == [("LIFE001", "dpisp.yaml", 4, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "protocol ke-kakuma has no review date; add 'review_by' (at most 365 days after 'effective') so that someone "
        "is due to review it")
    assert life(repo, edit(text, "status: in_force", "status: draft"), select="LIFE001")[1] == [
        ("LIFE001", "dpisp.yaml", 4, "info")]
    assert life(repo, edit(BASE, "status: in_force", "status: expired"), today="2027-01-01",
                select="LIFE001")[1] == []
    assert life(repo, BASE, today="2026-03-01", select="LIFE001")[1] == []  # due today is not overdue


def test_unsigned_party_is_information_on_a_draft_and_an_error_in_force(repo):
    text = edit(BASE, "  - {party: sc, by: {name: D. Kamau}, signed: 2025-02-21}\n", "")
    run, found = life(repo, text)
    assert found == [("LIFE002", "dpisp.yaml", 16, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "party 'sc' shares or receives data under protocol ke-kakuma but has not signed it; collect its signature "
        "and add it under 'signatures', and stop sharing with it until then")
    run, found = life(repo, edit(text, "status: in_force", "status: draft"), select="LIFE002")
    assert found == [("LIFE002", "dpisp.yaml", 16, "info")]
    assert run.json["diagnostics"][0]["message"].endswith("add it under 'signatures'")
    # rcs takes part but shares nothing: its signature is not required
    assert "party: rcs" not in BASE and life(repo, BASE)[1] == []


def test_effective_after_review(repo):
    text = edit(BASE, "effective: 2025-03-01", "effective: 2026-04-01")
    run, found = life(repo, text, select="LIFE003")
    assert found == [("LIFE003", "dpisp.yaml", 13, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "protocol ke-kakuma takes effect on 2026-04-01, after its review date 2026-03-01; correct whichever date is "
        "wrong")
    assert life(repo, edit(BASE, "effective: 2025-03-01", "effective: 2026-03-01"), select="LIFE003")[1] == []


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_draft_for_longer_than_the_pack_allows(repo, status):
    text = edit(BASE, "status: in_force", f"status: {status}")
    run, found = life(repo, text, select="LIFE004")
    assert found == [("LIFE004", "dpisp.yaml", 10, "warning")]
    assert "since 2025-01-10, 234 days (the limit is 90)" in run.json["diagnostics"][0]["message"]
    assert life(repo, text, today="2025-04-10", select="LIFE004")[1] == []  # 90 days: at the limit
    assert life(repo, BASE, select="LIFE004")[1] == []  # in force: no longer a draft


def test_configuration_tightens_the_draft_threshold(repo):
    text = edit(BASE, "status: in_force", "status: draft")
    assert life(repo, text, today="2025-03-01", select="LIFE004")[1] == []  # 50 days, pack allows 90
    write(repo, ".im4cm-lint.yaml", "thresholds:\n  draft_max_days: 30\n")
    assert life(repo, text, today="2025-03-01", select="LIFE004")[1] == [("LIFE004", "dpisp.yaml", 10, "warning")]


def test_review_period_longer_than_the_pack_allows(repo):
    run, found = life(repo, edit(BASE, "review_by: 2026-03-01", "review_by: 2027-03-01"), select="LIFE005")
    assert found == [("LIFE005", "dpisp.yaml", 13, "warning")]
    assert run.json["diagnostics"][0]["message"] == (
        "protocol ke-kakuma is reviewed 730 days after it takes effect; the standard allows at most 365 days, so set "
        "an earlier review date")
    assert life(repo, edit(BASE, "review_by: 2026-03-01", "review_by: 2026-03-02"), select="LIFE005")[1] == [
        ("LIFE005", "dpisp.yaml", 13, "warning")]


def test_in_force_without_a_completed_dpia(repo):
    run, found = life(repo, BASE, dpia=None, select="LIFE006")
    assert found == [("LIFE006", "dpisp.yaml", 10, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "protocol ke-kakuma is in force but no DPIA assesses it; complete one (metadata.dpisp: ke-kakuma) and lint it "
        "with the protocol")
    run, found = life(repo, BASE, dpia=edit(DPIA, "status: completed", "status: draft"), select="LIFE006")
    assert found == [("LIFE006", "dpisp.yaml", 10, "warning")]
    assert "its DPIA 'ke-kakuma-dpia' is not completed" in run.json["diagnostics"][0]["message"]
    # a DPIA of another protocol does not count; a draft protocol needs none yet
    other = edit(DPIA, "dpisp: ke-kakuma", "dpisp: ke-dadaab")
    assert [f[0] for f in life(repo, BASE, dpia=other, select="LIFE006")[1]] == ["LIFE006"]
    assert life(repo, edit(BASE, "status: in_force", "status: draft"), dpia=None, select="LIFE006")[1] == []


def test_in_force_before_its_effective_date(repo):
    run, found = life(repo, BASE, today="2025-02-20", select="LIFE007")
    assert found == [("LIFE007", "dpisp.yaml", 12, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "protocol ke-kakuma is marked in force, but takes effect only on 2025-03-01; set the status to 'signed' until "
        "then")
    assert life(repo, edit(BASE, "status: in_force", "status: signed"), today="2025-02-20", select="LIFE007")[1] == []
    run, found = life(repo, edit(BASE, "  effective: 2025-03-01\n", ""), select="LIFE007")
    assert found == [("LIFE007", "dpisp.yaml", 4, "error")]
    assert run.json["diagnostics"][0]["yaml_path"] == "metadata.effective"
