"""``--format markdown``: the summary for $GITHUB_STEP_SUMMARY and pull-request comments, checked
against the JSON output of the same run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import yaml
from conftest import FIXTURES, REPO, lint, lint_json

from im4cm_lint import gfm
from im4cm_lint.reporters.markdown import TOP

SMALL = FIXTURES / "countries" / "riverside"
TODAY = "2026-10-01"
NO_GITHUB = {"GITHUB_SERVER_URL": None, "GITHUB_REPOSITORY": None, "GITHUB_SHA": None, "GITHUB_WORKSPACE": None}
ROW = re.compile(r"^\| (?P<sign>\S+) (?P<severity>error|warning|info) \| (?P<rule>[A-Z]+\d{3}) \| (?P<where>.+?) \| ")


def markdown(*args: str, env: dict | None = None, cwd=None):
    return lint("--format", "markdown", "--today", TODAY, *args, env={**NO_GITHUB, **(env or {})}, cwd=cwd)


def test_counts_by_family_and_top_findings_errors_first():
    run = markdown(str(SMALL))
    findings = lint_json("--today", TODAY, str(SMALL)).json["diagnostics"]
    assert run.code == 1 and len(findings) > TOP
    lines = run.out.splitlines()
    assert lines[0].startswith(f"### im4cm-lint: ✖ {sum(d['severity'] == 'error' for d in findings)} errors")
    for family in {re.match(r"[A-Z]+", d["rule"]).group() for d in findings}:
        row = next(line for line in lines if line.startswith(f"| {family} |"))
        counts = [int(n) for n in row.rstrip(" |").split(" | ")[-3:]]
        assert counts == [sum(1 for d in findings if d["rule"].rstrip("0123456789") == family and d["severity"] == s)
                          for s in ("error", "warning", "info")]
    rows = [ROW.match(line) for line in lines if ROW.match(line)]
    assert len(rows) == TOP
    ranks = {"error": 2, "warning": 1, "info": 0}
    severities = [ranks[m["severity"]] for m in rows]
    assert severities == sorted(severities, reverse=True)
    listed = {(d["rule"], f"{d['path']}:{d['line']}") for d in findings}
    assert all((m["rule"], m["where"]) in listed for m in rows)  # plain path:line outside GitHub
    assert f"…and {len(findings) - TOP} more" in run.out


def test_links_to_the_line_at_the_commit_on_github():
    env = {"GITHUB_SERVER_URL": "https://github.example", "GITHUB_REPOSITORY": "unhcr-ug/riverside-dpisp",
           "GITHUB_SHA": "0123abcd", "GITHUB_WORKSPACE": str(REPO)}
    run = markdown(str(SMALL), env=env)
    links = re.findall(r"\[([^\]]+):(\d+)\]\(([^)]+)\)", run.out)
    assert len(links) == TOP
    for path, line, url in links:
        assert path.startswith("tests/fixtures/countries/riverside/")
        assert url == f"https://github.example/unhcr-ug/riverside-dpisp/blob/0123abcd/{path}#L{line}"


def test_clean_run_says_so(repo):
    (repo / "dpisp.yaml").write_text((SMALL / "dpisp.yaml").read_text())
    run = markdown("--select", "REF", ".", cwd=repo)
    assert run.code == 0
    assert run.out.splitlines()[0] == "### im4cm-lint: ✔ no problems found"
    assert "passes" in run.out and "| Family |" not in run.out


def test_table_cells_are_safe():
    assert gfm.text("a | b <c> d `x<y>|z`") == "a \\| b \\<c\\> d \\`x\\<y\\>\\|z\\`"
    assert gfm.text("![p](https://evil.example/p.png) @someone www.x.org") == (
        "!\\[p\\](https:\u2060//evil.example/p.png) @\u2060someone www\u2060.x.org")


def test_what_changed_in_sharing_since_the_baseline(repo):
    for item in SMALL.iterdir():
        (shutil.copytree if item.is_dir() else shutil.copy)(item, repo / item.name)
    assert markdown("--write-baseline", "baseline.json", ".", cwd=repo).code == 0
    dpisp = repo / "dpisp.yaml"
    text = dpisp.read_text()
    old = "categories: [identity.name, identity.sex, location.current]"
    assert text.count(old) == 1
    dpisp.write_text(text.replace(old, "categories: [identity.name, identity.sex, location.current, sensitive.ethnicity]"))
    run = markdown("--baseline", "baseline.json", ".", cwd=repo)
    new = lint_json("--today", TODAY, "--baseline", "baseline.json", ".", cwd=repo).json
    assert run.code == 1 and new["diagnostics"]
    section = run.out.split("#### What changed in sharing since the baseline", 1)[1]
    assert f"{new['summary']['baselined']} findings accepted in the baseline are not shown" in section
    changed = [line for line in section.splitlines() if line.startswith("- ")]
    assert changed == [line for line in changed if "cya-to-sc-referral" in line] and len(changed) == 1
    assert "cya → sc" in changed[0] and "severe" in changed[0]
    assert "What changed in sharing" not in markdown(".", cwd=repo).out  # no baseline, no such section


def test_the_action_writes_the_summary_to_the_job_summary(tmp_path):
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    [step] = [s for s in action["runs"]["steps"] if s["name"] == "Write the job summary"]
    assert step["if"] == "inputs.job-summary == 'true'" and action["inputs"]["job-summary"]["default"] == "true"
    target = tmp_path / "step-summary.md"
    target.write_text("earlier step\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update({"GITHUB_STEP_SUMMARY": str(target), "IM4CM_PATHS": str(SMALL), "IM4CM_ARGS": f"--today {TODAY}"})
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr  # findings do not fail this step: the Result step decides
    expected = markdown(str(SMALL)).out
    assert target.read_text() == "earlier step\n" + expected
    env.pop("GITHUB_STEP_SUMMARY")
    assert subprocess.run(["bash", "-c", step["run"]], cwd=REPO, env=env, timeout=60).returncode == 0
