"""Options that mean the same to every subcommand work before or after its name, and `report`
writes Markdown as well as HTML."""

from __future__ import annotations

import shutil

from conftest import EXAMPLES, lint

GAMBELLA = EXAMPLES / "et-gambella"


def test_format_before_or_after_a_subcommand():
    before = lint("--format", "json", "rules", cwd=GAMBELLA)
    after = lint("rules", "--format", "json", cwd=GAMBELLA)
    assert before.code == after.code == 0, before.err
    assert before.out == after.out
    assert before.out.startswith("[\n  {\n    \"id\": \"ANNEXC001\"")


def test_an_option_the_subcommand_does_not_have_is_ignored_before_its_name():
    run = lint("--today", "2026-01-01", "rules", cwd=GAMBELLA)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0].startswith("ANNEXC001")


def test_today_before_the_paths_and_after_them_judges_the_same_day(tmp_path):
    repo = tmp_path / "et"
    shutil.copytree(GAMBELLA, repo)
    (repo / ".git").mkdir()
    before = lint("--today", "2030-01-01", "dpisp.yaml", "--format", "json", cwd=repo)
    after = lint("dpisp.yaml", "--format", "json", "--today", "2030-01-01", cwd=repo)
    assert before.code == after.code == 1
    assert before.out == after.out
    assert "ROLE005" in {d["rule"] for d in before.json["diagnostics"]}
    assert lint("dpisp.yaml", cwd=repo).code == 0  # linting a path is unchanged


def test_policy_pack_and_config_before_a_subcommand():
    run = lint("--policy-pack", "no-such-pack", "pack", "purposes", cwd=GAMBELLA)
    assert run.code == 2
    assert "CONFIG003 error policy pack 'no-such-pack' not found" in run.err
    after_wins = lint("--policy-pack", "no-such-pack", "pack", "purposes", "--policy-pack", "im4cm-standard",
                      cwd=GAMBELLA)
    assert after_wins.code == 0, after_wins.err
    missing = lint("--config", "nowhere.yaml", "pack", cwd=GAMBELLA)
    assert missing.code == 2


def test_report_writes_the_sharing_picture_as_markdown():
    run = lint("report", "--format", "markdown", cwd=GAMBELLA)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "### im4cm-lint: ✔ no problems found"
    assert "#### Who shares what with whom under `et-gambella`" in lines
    assert "- sharing rule `sc-to-unhcr-bip`: sc → unhcr, `bip.referral`, most sensitive data high" in lines
    assert lint("--format", "markdown", "report", cwd=GAMBELLA).out == run.out


def test_report_needs_html_or_markdown():
    run = lint("report", cwd=GAMBELLA)
    assert run.code == 2
    assert "give --html OUT.html (or '-' for standard output), or --format markdown" in run.err
    both = lint("report", "--format", "markdown", "--html", "x.html", cwd=GAMBELLA)
    assert both.code == 2
