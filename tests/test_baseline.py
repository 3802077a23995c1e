"""Baselines: adopting the linter on an existing repository. ``--write-baseline`` records today's
findings by fingerprint (document id + YAML path, no line numbers), ``--baseline`` reports only
new ones; edits above a finding or moving its file never resurrect it."""

from __future__ import annotations

import json
import textwrap

from conftest import lint, lint_json, write
from country_docs import DPISP, RULE_LINE, country, export


def _adopt(repo):
    country(repo)
    run = lint_json("--write-baseline", "baseline.json", cwd=repo)
    assert run.code == 0, run.out
    return run


def test_write_baseline_records_the_findings_and_accepts_them(repo):
    run = _adopt(repo)
    assert run.json["diagnostics"] == [] and run.json["summary"]["baselined"] == 1
    data = json.loads((repo / "baseline.json").read_text())
    assert data["version"] == 1
    [entry] = data["findings"]
    assert {k: entry[k] for k in ("rule", "path", "document", "yaml_path")} == {
        "rule": "REF004", "path": "export.yaml", "document": "irc-unhcr-referral", "yaml_path": "sharing_rule"}
    assert len(entry["fingerprint"]) == 32


def test_baseline_absorbs_existing_findings(repo):
    _adopt(repo)
    run = lint_json("--baseline", "baseline.json", cwd=repo)
    assert run.findings() == [] and run.code == 0
    text = lint("--baseline", "baseline.json", cwd=repo)
    assert "1 finding accepted by the baseline not shown." in text.out


def test_a_new_finding_still_fails(repo):
    _adopt(repo)
    write(repo, "dpisp.yaml", DPISP.replace("to: unhcr", "to: unhcr-kakuma"))
    run = lint_json("--baseline", "baseline.json", cwd=repo)
    assert run.findings() == [("REF002", "dpisp.yaml", 19)] and run.code == 1


def test_edits_above_the_finding_and_moving_the_file_do_not_resurrect_it(repo):
    _adopt(repo)
    moved = "# Export of referrals to UNHCR\n# agreed at the CMTF\n\n" + textwrap.dedent(export()).lstrip()
    (repo / "export.yaml").unlink()
    write(repo, "exports/irc/referral.yaml", moved)
    without = lint_json(cwd=repo)
    assert without.findings() == [("REF004", "exports/irc/referral.yaml", RULE_LINE + 3)]
    assert lint_json("--baseline", "baseline.json", cwd=repo).findings() == []


def test_the_same_rule_elsewhere_is_new(repo):
    _adopt(repo)
    write(repo, "export2.yaml", export().replace("irc-unhcr-referral", "irc-unhcr-followup"))
    run = lint_json("--baseline", "baseline.json", cwd=repo)
    assert run.findings() == [("REF004", "export2.yaml", RULE_LINE)] and run.code == 1


def test_parse_errors_are_never_baselined(repo):
    country(repo)
    write(repo, "broken.yaml", "apiVersion: im4cm/v1\nkind: DPIA\nmetadata: {id: x\n")
    lint_json("--write-baseline", "baseline.json", cwd=repo)
    run = lint_json("--baseline", "baseline.json", cwd=repo)
    assert run.rules() == {"PARSE001"} and run.code == 1


def test_writing_the_baseline_again_changes_nothing(repo):
    _adopt(repo)
    first = (repo / "baseline.json").read_bytes()
    lint_json("--write-baseline", "baseline.json", cwd=repo)
    assert (repo / "baseline.json").read_bytes() == first


def test_baseline_from_the_configuration(repo):
    _adopt(repo)
    (repo / "ci").mkdir()
    (repo / "baseline.json").rename(repo / "ci" / "baseline.json")
    write(repo, ".im4cm-lint.yaml", "select: [PARSE, SCHEMA, REF, CONFIG]\nbaseline: ci/baseline.json\n")
    assert lint_json(cwd=repo).code == 0
    assert lint_json(cwd=repo / "ci").code == 0  # relative to the configuration's folder, not the working one


def test_a_missing_baseline_stops_the_linter(repo):
    country(repo)
    run = lint_json("--baseline", "nope.json", cwd=repo)
    assert run.findings() == [("CONFIG001", "nope.json", 1)] and run.code == 2
    assert "--write-baseline" in run.json["diagnostics"][0]["message"]


def test_a_baseline_that_is_not_json_is_reported_at_its_line(repo):
    country(repo)
    write(repo, "baseline.json", '{\n  "version": 1,\n  "findings": [\n}\n')
    run = lint_json("--baseline", "baseline.json", cwd=repo)
    assert run.findings() == [("CONFIG001", "baseline.json", 4)] and run.code == 2


def test_a_json_file_that_is_not_a_baseline(repo):
    country(repo)
    write(repo, "baseline.json", '{"version": 1, "fingerprints": []}\n')
    run = lint_json("--baseline", "baseline.json", cwd=repo)
    assert run.rules() == {"CONFIG001"} and run.code == 2


def test_writing_from_file_paths_records_the_whole_repository(repo):
    country(repo)
    write(repo, "dpisp.yaml", DPISP.replace("to: unhcr", "to: unhcr-kakuma"))
    lint_json("--write-baseline", "baseline.json", "export.yaml", cwd=repo)
    data = json.loads((repo / "baseline.json").read_text())
    assert sorted(e["rule"] for e in data["findings"]) == ["REF002", "REF004"]
