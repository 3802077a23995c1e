"""Configuration: found upward from the paths (``.im4cm-lint.yaml`` or ``[tool.im4cm-lint]``),
selects and ignores rules or whole families, per file, with severity overrides, excludes and
thresholds; command-line options override it; a configuration error stops with exit 2."""

from __future__ import annotations

from conftest import lint, lint_json, write
from country_docs import REF_ONLY, RULE_LINE, country

TODAY = ("--today", "2026-01-01")  # the DPISP's review date (2025-01-01) has passed by then


def _families(run) -> set[str]:
    return {rule.rstrip("0123456789") for rule in run.rules()}


def test_ignore_a_whole_family(repo):
    country(repo, config=None)
    before = lint_json(*TODAY, cwd=repo)
    assert {"LIFE", "REF"} <= _families(before)
    write(repo, ".im4cm-lint.yaml", "ignore: [{rule: LIFE, reason: agreed at the CMTF review}]\n")
    after = lint_json(*TODAY, cwd=repo)
    assert "LIFE" not in _families(after)
    assert after.rules() == before.rules() - {r for r in before.rules() if r.startswith("LIFE")}


def test_select_by_family_and_ignore_by_rule_id(repo):
    country(repo, config="select: [LIFE, REF]\nignore: [{rule: LIFE002, reason: agreed at the CMTF review}]\n")
    run = lint_json(*TODAY, cwd=repo)
    assert _families(run) == {"LIFE", "REF"}
    assert "LIFE001" in run.rules() and "LIFE002" not in run.rules()


def test_command_line_select_overrides_the_configuration(repo):
    country(repo, config="select: [LIFE]\n")
    assert _families(lint_json(*TODAY, cwd=repo)) == {"LIFE"}
    assert lint_json(*TODAY, "--select", "REF", cwd=repo).findings() == [("REF004", "export.yaml", RULE_LINE)]


def test_per_file_ignores(repo):
    country(repo, config=REF_ONLY + "per-file-ignores:\n  'export*.yaml': {rules: [REF004], reason: agreed at the CMTF review}\n")
    run = lint_json(cwd=repo)
    assert run.findings() == [] and run.code == 0


def test_severity_override_and_fail_on(repo):
    country(repo, config=REF_ONLY + "severity: {REF004: {level: warning, reason: agreed at the CMTF review}}\n")
    run = lint_json(cwd=repo)
    assert [(d["rule"], d["severity"]) for d in run.json["diagnostics"]] == [("REF004", "warning")]
    assert run.code == 0  # a warning does not fail by default
    assert lint_json("--fail-on", "warning", cwd=repo).code == 1
    write(repo, ".im4cm-lint.yaml", REF_ONLY + "severity: {REF004: {level: warning, reason: agreed at the CMTF review}}\nfail-on: warning\n")
    assert lint_json(cwd=repo).code == 1


def test_exclude(repo):
    country(repo, config=REF_ONLY + "exclude: [{path: export.yaml, reason: agreed at the CMTF review}]\n")
    run = lint_json(cwd=repo)
    assert run.findings() == [] and run.json["summary"]["documents"] == 1


def test_thresholds_override_the_pack(repo):
    country(repo, config="select: [LIFE005]\n")
    assert lint_json(*TODAY, cwd=repo).rules() == {"LIFE005"}  # 366 days from effective to review
    write(repo, ".im4cm-lint.yaml", "select: [LIFE005]\nthresholds: {review_period_days: 400}\n")
    assert lint_json(*TODAY, cwd=repo).findings() == []


def test_configuration_is_found_upward_from_the_paths(repo):
    country(repo / "countries" / "ke")
    write(repo, ".im4cm-lint.yaml", "select: [LIFE]\n")
    (repo / "countries" / "ke" / ".im4cm-lint.yaml").unlink()
    assert _families(lint_json(*TODAY, "countries/ke", cwd=repo)) == {"LIFE"}
    assert _families(lint_json(*TODAY, cwd=repo / "countries" / "ke")) == {"LIFE"}


def test_the_search_stops_at_the_repository_root(tmp_path):
    inner = country(tmp_path / "inner", config=None)
    (inner / ".git").mkdir()
    write(tmp_path, ".im4cm-lint.yaml", "select: [LIFE]\n")  # above the repository: not used
    assert "REF" in _families(lint_json(*TODAY, cwd=inner))


def test_pyproject_section(repo):
    country(repo, config=None)
    write(repo, "pyproject.toml", '[project]\nname = "x"\n\n[tool.im4cm-lint]\nselect = ["REF"]\n')
    assert lint_json(*TODAY, cwd=repo).findings() == [("REF004", "export.yaml", RULE_LINE)]


def test_the_yaml_file_wins_over_pyproject_in_the_same_folder(repo):
    country(repo, config="select: [REF]\n")
    write(repo, "pyproject.toml", '[tool.im4cm-lint]\nselect = ["LIFE"]\n')
    assert _families(lint_json(*TODAY, cwd=repo)) == {"REF"}


def test_an_unknown_key_is_a_config_error_at_its_line(repo):
    country(repo, config="select: [REF]\nignores: [LIFE]\n")
    run = lint_json(cwd=repo)
    assert run.findings() == [("CONFIG001", ".im4cm-lint.yaml", 2)] and run.code == 2
    assert "did you mean 'ignore'?" in run.json["diagnostics"][0]["message"]


def test_a_bad_value_is_a_config_error(repo):
    country(repo, config="select: [REF]\nfail-on: serious\n")
    run = lint(cwd=repo)
    assert run.code == 2
    assert run.out.startswith(".im4cm-lint.yaml:2:10: CONFIG001 error")


def test_an_unknown_rule_or_family_is_a_config_error(repo):
    country(repo, config="ignore: [LIEF]\n")
    run = lint_json(cwd=repo)
    assert run.findings() == [("CONFIG002", ".im4cm-lint.yaml", 1)] and run.code == 2


def test_an_unknown_policy_pack_is_a_config_error(repo):
    country(repo, config="policy-pack: im4cm-standard@1999.1\n")
    run = lint_json(cwd=repo)
    assert run.rules() == {"CONFIG003"} and run.code == 2


def test_unreadable_yaml_configuration_is_a_config_error(repo):
    country(repo, config="select: [REF\n")
    run = lint_json(cwd=repo)
    assert run.rules() == {"CONFIG001"} and run.code == 2


def test_an_explicit_configuration_file(repo):
    country(repo, config=None)
    write(repo, "ci/lint.yaml", "select: [REF]\n")
    assert lint_json(*TODAY, "--config", "ci/lint.yaml", cwd=repo).findings() == [("REF004", "export.yaml", RULE_LINE)]


# -- command-line output options (as ruff has them) ------------------------------------------------

def test_quiet_prints_the_findings_only(repo):
    country(repo)
    run = lint("--quiet", cwd=repo, env={"GITHUB_ACTIONS": None})
    assert run.out == (f"export.yaml:{RULE_LINE}:15: REF004 error sharing rule 'irc-to-unhcrr' is not in DPISP "
                       "ke-kakuma; did you mean 'irc-to-unhcr'?\n")
    assert run.code == 1
    write(repo, "export.yaml", (repo / "export.yaml").read_text().replace("irc-to-unhcrr", "irc-to-unhcr"))
    clean = lint("-q", cwd=repo, env={"GITHUB_ACTIONS": None})
    assert clean.out == "" and clean.code == 0


def test_statistics_count_findings_by_rule(repo):
    country(repo, config="select: [REF]\n")
    write(repo, "export2.yaml", (repo / "export.yaml").read_text().replace("irc-unhcr-referral", "irc-unhcr-2"))
    write(repo, "dpisp.yaml", (repo / "dpisp.yaml").read_text().replace("to: unhcr", "to: unhcr-kakuma"))
    run = lint("--statistics", cwd=repo)
    lines = run.out.splitlines()
    assert lines[:2] == ["    2  REF004     unknown-sharing-rule", "    1  REF002     unknown-party"]
    assert lines[2].startswith("Found 3 problems") and run.code == 1
    assert lint("--statistics", "-q", cwd=repo).out.splitlines() == lines[:2]
