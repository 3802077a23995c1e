"""DPIA001-DPIA006: risk owners, mitigations, decisions on high residual risk, review dates and
processing the protocol does not cover. Severity follows the DPIA's and its protocol's status."""

from __future__ import annotations

from conftest import FIXTURES, lint_json, write

PACKS, KAKUMA = FIXTURES / "packs", FIXTURES / "countries" / "kakuma-draft"
MINI = str(PACKS / "mini-pack")
DPISP = (KAKUMA / "dpisp.yaml").read_text()
BASE = (KAKUMA / "dpia.yaml").read_text()
TODAY = "2025-09-01"


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def dpia(repo, text: str, dpisp: str = DPISP, today: str = TODAY, select: str = "DPIA"):
    write(repo, "dpisp.yaml", dpisp)
    write(repo, "dpia.yaml", text)
    run = lint_json("--select", select, "--policy-pack", MINI, "--today", today, ".", cwd=repo)
    assert run.code in (0, 1), run.out
    return run, [(d["rule"], d["path"], d["line"], d["column"], d["severity"]) for d in run.json["diagnostics"]]


def test_a_complete_dpia_has_no_finding(repo):
    run, found = dpia(repo, BASE)
    assert found == [] and run.code == 0


def test_risk_without_owner_and_severity_by_status(repo):
    text = edit(BASE, "    owner: data_protection_focal_point\n", "")
    run, found = dpia(repo, text)
    assert found == [("DPIA001", "dpia.yaml", 7, 5, "error")]
    assert run.json["diagnostics"][0]["yaml_path"] == "risks[r1].owner"
    assert run.json["diagnostics"][0]["message"] == (
        "risk 'r1' has no owner; name the role that mitigates and watches it in 'owner'")
    draft = edit(text, "status: completed", "status: draft")
    # a draft DPIA of a protocol in force: people already rely on it
    assert [f[4] for f in dpia(repo, draft)[1]] == ["error"]
    assert [f[4] for f in dpia(repo, draft, dpisp=edit(DPISP, "status: in_force", "status: draft"))[1]] == ["warning"]


def test_risk_owned_by_a_role_nobody_holds(repo):
    text = edit(BASE, "owner: data_protection_focal_point", "owner: dpia_owner")
    assert dpia(repo, text)[1] == []
    nobody = edit(DPISP, """  dpia_owner:
    holder: {name: E. Njeri, title: Protection Officer, party: unhcr}
    confirmed: 2025-06-01
""", "")
    run, found = dpia(repo, text, dpisp=nobody)
    assert found == [("DPIA001", "dpia.yaml", 12, 12, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "risk 'r1' is owned by the role 'DPIA owner' (dpia_owner), which no one holds in protocol ke-kakuma; assign "
        "the role there or choose a role that is held")
    # a role the pack does not know is a REF finding, not this one
    assert dpia(repo, edit(BASE, "owner: data_protection_focal_point", "owner: dp_focal"))[1] == []


def test_risk_without_mitigation(repo):
    for mitigations in ("    mitigations: []\n", "    mitigations: ['  ']\n", ""):
        text = edit(BASE, "    mitigations: [Share case ids, never names, in lists]\n", mitigations)
        run, found = dpia(repo, text)
        assert [f[:3] for f in found] == [("DPIA002", "dpia.yaml", 11 if mitigations else 7)], mitigations
        assert run.json["diagnostics"][0]["message"] == (
            "risk 'r1' has no mitigation; list what reduces its likelihood or impact")


def test_high_residual_risk_needs_a_decision(repo):
    high = edit(BASE, "residual: low", "residual: high")
    run, found = dpia(repo, high)
    assert found == [("DPIA003", "dpia.yaml", 7, 5, "error")]
    assert "stays high after mitigation and no decision is recorded" in run.json["diagnostics"][0]["message"]
    decided = high + "    decision: Accepted by the heads of agency on 2025-02-10; reviewed quarterly\n"
    assert dpia(repo, decided)[1] == []
    assert dpia(repo, edit(BASE, "residual: low", "residual: medium"))[1] == []


def test_dpia_review_date_passed_or_missing(repo):
    run, found = dpia(repo, BASE, today="2026-02-11")
    assert found == [("DPIA004", "dpia.yaml", 3, 103, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "DPIA ke-kakuma-dpia was due for review on 2026-02-01 (10 days ago); review its risks and set the next date")
    missing = edit(BASE, ", review_by: 2026-02-01}", "}")
    assert [f[:3] for f in dpia(repo, missing)[1]] == [("DPIA004", "dpia.yaml", 3)]
    # a draft need not have a review date yet; an expired one is not reviewed
    assert dpia(repo, edit(missing, "status: completed", "status: draft"))[1] == []
    assert dpia(repo, edit(BASE, "status: completed", "status: expired"), today="2026-02-11")[1] == []


def test_processing_of_a_system_no_party_runs(repo):
    text = edit(BASE, "systems: [cpims+]", "systems: [cpims+, kobo, progres-v4, excel]")
    run, found = dpia(repo, text)
    assert found == [("DPIA005", "dpia.yaml", 5, 45, "error")]
    assert run.json["diagnostics"][0]["message"] == (
        "processing 'case-management' uses system 'kobo', which no party of protocol ke-kakuma runs; add it to the "
        "'systems' of the party that runs it, or correct the DPIA")
    # progres-v4 is run by UNHCR; an unknown system is REF009's
    assert dpia(repo, text, dpisp=edit(DPISP, "systems: [cpims+]}", "systems: [cpims+, kobo]}"))[1] == []


def test_dpia_review_period_longer_than_the_pack_allows(repo):
    run, found = dpia(repo, edit(BASE, "review_by: 2026-02-01", "review_by: 2027-02-01"))
    assert found == [("DPIA006", "dpia.yaml", 3, 103, "warning")]
    assert run.json["diagnostics"][0]["message"] == (
        "DPIA ke-kakuma-dpia is reviewed 730 days after completion; the standard allows at most 365 days, so set an "
        "earlier review date")
    write(repo, ".im4cm-lint.yaml", "thresholds:\n  dpia_review_period_days: 200\n")
    assert [f[0] for f in dpia(repo, BASE)[1]] == ["DPIA006"]
