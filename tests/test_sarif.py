"""``--format sarif``: SARIF 2.1.0 that validates against the official schema, with rules
described from their documentation, results at exact positions, fingerprints that survive edits
above a finding, suppressions with their justification, and byte-identical output on re-runs."""

from __future__ import annotations

import datetime
import json
import textwrap


from conftest import lint, write
from country_docs import BAD_RULE, DPISP, GOOD_RULE, RULE_LINE, country, export



# A waiver may run at most a year: this one expires 300 days from the day the tests run.
EXPIRES = (datetime.date.today() + datetime.timedelta(days=300)).isoformat()


def sarif(*args: str, cwd) -> tuple[int, dict, str]:
    run = lint("--format", "sarif", *args, cwd=cwd)
    return run.code, json.loads(run.out), run.out


def _valid(sarif_validator, log: dict) -> None:
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_sarif_validates_and_describes_the_finding(sarif_validator, repo):
    country(repo, config="select: [PARSE, SCHEMA, REF, CONFIG]\n"
                          "severity: {REF002: {level: info, reason: the partner joins at the next round}}\n")
    write(repo, "dpisp.yaml", DPISP.replace("to: unhcr", "to: unhcr-kakuma"))
    code, log, _ = sarif(cwd=repo)
    _valid(sarif_validator, log)
    assert code == 1
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "im4cm-lint" and driver["version"] and driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == ["REF002", "REF004"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    ref004 = by_rule["REF004"]
    assert driver["rules"][ref004["ruleIndex"]]["id"] == "REF004"
    assert ref004["level"] == "error" and by_rule["REF002"]["level"] == "note"
    assert ref004["message"]["text"].startswith(f"sharing rule '{BAD_RULE}' is not in DPISP ke-kakuma")
    physical = ref004["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "export.yaml", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": RULE_LINE, "startColumn": 15}
    json_run = lint("--format", "json", cwd=repo).json
    fingerprints = {d["rule"]: d["fingerprint"] for d in json_run["diagnostics"]}
    assert ref004["partialFingerprints"] == {"im4cm/v1": fingerprints["REF004"]}
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_rules_carry_their_documentation(sarif_validator, repo):
    country(repo)
    _, log, _ = sarif(cwd=repo)
    [rule] = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["id"] == "REF004" and rule["name"] == "unknown-sharing-rule"
    assert rule["shortDescription"]["text"] == "An export names a sharing rule its DPISP does not have"
    assert rule["fullDescription"]["text"].startswith("The `sharing_rule` of a DataExport names")
    assert "## Why it matters" in rule["help"]["markdown"] and "## How to fix" in rule["help"]["text"]
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert rule["properties"]["tags"] == ["REF"]


def test_suppressions_are_listed_with_their_justification(sarif_validator, repo):
    write(repo, "dpisp.yaml", DPISP.replace("to: unhcr", "to: unhcr-kakuma"))
    lines = textwrap.dedent(export()).lstrip().splitlines()
    lines.insert(RULE_LINE - 1, "# im4cm-lint: disable=REF004 -- the rule is renamed this week")
    write(repo, "export.yaml", "\n".join(lines) + "\n")
    write(repo, ".im4cm-lint.yaml", f"""
        select: [PARSE, SCHEMA, REF, CONFIG]
        waivers:
          - {{rule: REF002, document: ke-kakuma, path: sharing, reason: joins at the next round,
             approved-by: A. Person, expires: {EXPIRES}}}
        """)
    code, log, _ = sarif(cwd=repo)
    _valid(sarif_validator, log)
    assert code == 0
    by_rule = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert by_rule["REF004"]["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": "[29 characters]"}]  # free text of a document: by length (5.5)
    [waived] = by_rule["REF002"]["suppressions"]
    assert waived["kind"] == "external"
    assert waived["justification"] == f"joins at the next round (waiver approved by A. Person, expires {EXPIRES})"


def test_fingerprints_do_not_move_with_lines(repo):
    country(repo)
    _, before, _ = sarif(cwd=repo)
    write(repo, "export.yaml", "# a new comment\n# and another\n" + textwrap.dedent(export()).lstrip())
    _, after, _ = sarif(cwd=repo)
    [old], [new] = before["runs"][0]["results"], after["runs"][0]["results"]
    assert new["locations"][0]["physicalLocation"]["region"]["startLine"] == RULE_LINE + 2
    assert new["partialFingerprints"] == old["partialFingerprints"]


def test_configuration_errors_are_valid_sarif(sarif_validator, repo):
    country(repo, config="ignores: [LIFE]\n")
    code, log, _ = sarif(cwd=repo)
    _valid(sarif_validator, log)
    assert code == 2
    run = log["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": False}]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]] == [
        ("CONFIG001", 1)]
    assert run["tool"]["driver"]["rules"][0]["id"] == "CONFIG001"


def test_a_clean_run_is_valid_sarif_with_no_results(sarif_validator, repo):
    country(repo, rule=GOOD_RULE)
    code, log, _ = sarif(cwd=repo)
    _valid(sarif_validator, log)
    assert code == 0 and log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_paths_are_uri_encoded(sarif_validator, repo):
    write(repo, "dpisp.yaml", DPISP)
    write(repo, "exports/referral #1.yaml", export())
    write(repo, ".im4cm-lint.yaml", "select: [REF]\n")
    _, log, _ = sarif(cwd=repo)
    _valid(sarif_validator, log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "exports/referral%20%231.yaml"


def test_json_and_sarif_are_byte_identical_across_runs(repo):
    country(repo, config=None)
    write(repo, "dpisp.yaml", DPISP.replace("to: unhcr", "to: unhcr-kakuma"))
    for fmt in ("json", "sarif", "github", "text"):
        first = lint("--format", fmt, "--today", "2026-01-01", cwd=repo).out
        second = lint("--format", fmt, "--today", "2026-01-01", cwd=repo).out
        assert first == second, fmt
        assert str(repo) not in first, f"{fmt} output depends on where the repository is"
