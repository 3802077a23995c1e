"""Inline suppressions and waivers: an exception silences a finding only with a reason, stays
visible in the output, and is itself reported when it is malformed, expired or unused."""

from __future__ import annotations

import datetime
import textwrap

from conftest import lint, lint_json, write
from country_docs import BAD_RULE, DPISP, GOOD_RULE, REF_ONLY, RULE_LINE, country, export

# A waiver lasts a year at most: this one expires before the next review, whenever the tests run.
SOON = (datetime.date.today() + datetime.timedelta(days=300)).isoformat()

REF004 = ("REF004", "export.yaml", RULE_LINE)


def _with_line(text: str, before: str, added: str) -> str:
    """The export with ``added`` inserted as a line before the line that starts with ``before``."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(before))
    return "".join(lines[:at] + [added + "\n"] + lines[at:])


def _export_with(repo, added: str, before: str = "sharing_rule:", rule: str = BAD_RULE) -> None:
    write(repo, "export.yaml", _with_line(export(rule), before, added))


def test_the_finding_without_a_suppression(repo):
    run = lint_json(cwd=country(repo))
    assert run.findings() == [REF004]
    assert run.code == 1


def test_suppression_with_a_reason_on_the_line_above_silences_and_is_listed(repo):
    country(repo)
    _export_with(repo, "# im4cm-lint: disable=REF004 -- the rule is renamed in the DPISP this week")
    run = lint_json(cwd=repo)
    assert run.code == 0
    [diag] = run.json["diagnostics"]
    assert (diag["rule"], diag["line"]) == ("REF004", RULE_LINE + 1)
    assert diag["suppressed"] == {"kind": "inline", "reason": "[42 characters]"}  # by length (contract 5.5)
    assert run.json["summary"]["suppressed"] == 1 and run.json["summary"]["error"] == 0
    text = lint(cwd=repo)
    assert "REF004" not in text.out and "1 suppressed with a reason" in text.out


def test_suppression_at_the_end_of_the_offending_line(repo):
    country(repo)
    write(repo, "export.yaml", export().replace(
        f"sharing_rule: {BAD_RULE}", f"sharing_rule: {BAD_RULE}  # im4cm-lint: disable=REF004 -- renamed this week"))
    run = lint_json(cwd=repo)
    assert run.code == 0
    assert [d["suppressed"]["reason"] for d in run.json["diagnostics"]] == ["[17 characters]"]


def test_a_comment_alone_applies_to_the_next_line_that_is_not_blank_or_a_comment(repo):
    country(repo)
    _export_with(repo, "# im4cm-lint: disable=REF004 -- renamed this week\n\n# reviewed by the IM working group")
    run = lint_json(cwd=repo)
    assert run.code == 0 and run.json["summary"]["suppressed"] == 1


def test_a_comment_two_content_lines_above_does_not_apply(repo):
    country(repo)
    _export_with(repo, "# im4cm-lint: disable=REF004 -- renamed this week", before="purpose:")
    run = lint_json(cwd=repo)
    # the finding stays, and the suppression (which covers the purpose line) is unused
    assert run.findings() == [("CONFIG007", "export.yaml", RULE_LINE - 1), ("REF004", "export.yaml", RULE_LINE + 1)]
    assert run.code == 1


def test_suppression_without_a_reason_is_reported_and_does_not_silence(repo):
    country(repo)
    _export_with(repo, "# im4cm-lint: disable=REF004")
    run = lint_json(cwd=repo)
    assert run.findings() == [("CONFIG005", "export.yaml", RULE_LINE), ("REF004", "export.yaml", RULE_LINE + 1)]
    config005 = run.json["diagnostics"][0]
    assert config005["column"] == 1 and "gives no reason" in config005["message"]
    assert run.code == 1


def test_an_empty_reason_is_no_reason(repo):
    country(repo)
    _export_with(repo, "# im4cm-lint: disable=REF004 --   ")
    assert lint_json(cwd=repo).rules() == {"CONFIG005", "REF004"}


def test_unknown_rule_id_is_reported_with_the_closest_id(repo):
    country(repo)
    _export_with(repo, "# im4cm-lint: disable=REF04 -- renamed this week")
    run = lint_json(cwd=repo)
    assert run.findings() == [("CONFIG006", "export.yaml", RULE_LINE), ("REF004", "export.yaml", RULE_LINE + 1)]
    assert "'REF04' is not a rule id; did you mean 'REF004'?" in run.json["diagnostics"][0]["message"]


def test_a_family_or_an_unsuppressible_rule_cannot_be_named(repo):
    country(repo)
    _export_with(repo, "# im4cm-lint: disable=REF,SCHEMA001 -- renamed this week")
    run = lint_json(cwd=repo)
    messages = [d["message"] for d in run.json["diagnostics"] if d["rule"] == "CONFIG006"]
    assert len(messages) == 2
    assert "'REF' is a family" in messages[0]
    assert "SCHEMA001 findings cannot be suppressed" in messages[1]
    assert "REF004" in run.rules()


def test_a_malformed_directive_is_reported(repo):
    country(repo)
    _export_with(repo, "# im4cm-lint: disable REF004 because it is renamed")
    run = lint_json(cwd=repo)
    assert run.findings() == [("CONFIG006", "export.yaml", RULE_LINE), ("REF004", "export.yaml", RULE_LINE + 1)]
    assert "disable=RULE[,RULE] -- reason" in run.json["diagnostics"][0]["message"]


def test_a_suppression_that_suppresses_nothing_is_reported(repo):
    country(repo, rule=GOOD_RULE)
    _export_with(repo, "# im4cm-lint: disable=REF004 -- renamed this week", rule=GOOD_RULE)
    run = lint_json(cwd=repo)
    assert run.findings() == [("CONFIG007", "export.yaml", RULE_LINE)]
    assert "suppresses nothing: there is no REF004 finding on line 11" in run.json["diagnostics"][0]["message"]
    assert run.code == 1


def test_an_unused_suppression_of_a_rule_that_is_off_is_not_judged(repo):
    country(repo, rule=GOOD_RULE)
    _export_with(repo, "# im4cm-lint: disable=REF004 -- renamed this week", rule=GOOD_RULE)
    run = lint_json("--ignore", "REF004", cwd=repo)
    assert run.findings() == [] and run.code == 0


def test_a_suppression_for_one_rule_leaves_the_others(repo):
    country(repo)
    _export_with(repo, "# im4cm-lint: disable=REF002 -- not this one")
    run = lint_json(cwd=repo)
    assert [(r, line) for r, _, line in run.findings()] == [("CONFIG007", RULE_LINE), ("REF004", RULE_LINE + 1)]


def test_suppression_in_text_that_only_mentions_the_linter_is_ignored(repo):
    country(repo)
    _export_with(repo, "# checked by im4cm-lint in CI: see the README")
    assert lint_json(cwd=repo).findings() == [("REF004", "export.yaml", RULE_LINE + 1)]


def test_suppression_lines_count_windows_line_ends(repo):
    country(repo)
    text = _with_line(export(), "sharing_rule:", "# im4cm-lint: disable=REF004 -- renamed this week")
    (repo / "export.yaml").write_bytes(text.replace("\n", "\r\n").encode())
    run = lint_json(cwd=repo)
    assert run.code == 0 and run.json["summary"]["suppressed"] == 1


WAIVER = """
    select: [PARSE, SCHEMA, REF, CONFIG]
    waivers:
      - rule: REF002
        document: ke-kakuma
        path: sharing[irc-to-unhcr]
        reason: UNHCR Kakuma joins as a party at the next signature round
        approved-by: A. Person, CMTF Coordinator
        expires: {expires}
    """


def _waived_country(repo, expires: str = SOON, **changes: str):
    """A DPISP whose sharing rule names a party that is not listed (REF002 at line 19), waived."""
    write(repo, "dpisp.yaml", DPISP.replace("to: unhcr", "to: unhcr-kakuma"))
    write(repo, "export.yaml", export(GOOD_RULE))
    config = WAIVER.format(expires=expires)
    for old, new in changes.items():
        config = config.replace(old, new)
    write(repo, ".im4cm-lint.yaml", config)
    return repo


def test_a_waiver_covers_its_path_and_what_is_under_it_and_is_listed(repo):
    run = lint_json(cwd=_waived_country(repo))
    assert run.code == 0
    [diag] = run.json["diagnostics"]
    assert (diag["rule"], diag["yaml_path"]) == ("REF002", "sharing[irc-to-unhcr].to")
    assert diag["suppressed"] == {
        "kind": "waiver", "reason": "UNHCR Kakuma joins as a party at the next signature round",
        "approved_by": "A. Person, CMTF Coordinator", "expires": SOON}


def test_without_the_waiver_the_finding_fails(repo):
    _waived_country(repo)
    write(repo, ".im4cm-lint.yaml", REF_ONLY)
    run = lint_json(cwd=repo)
    assert run.findings() == [("REF002", "dpisp.yaml", 19)] and run.code == 1


def test_an_expired_waiver_is_reported_and_no_longer_applies(repo):
    _waived_country(repo, expires="2025-06-30")
    run = lint_json("--today", "2025-07-01", cwd=repo)
    assert run.findings() == [("CONFIG008", ".im4cm-lint.yaml", 8), ("REF002", "dpisp.yaml", 19)]
    assert "expired on 2025-06-30" in run.json["diagnostics"][0]["message"]
    assert lint_json("--today", "2025-06-30", cwd=repo).code == 0  # valid through its last day


def test_a_waiver_without_reason_or_approver_is_reported_and_does_not_apply(repo):
    _waived_country(repo, **{"approved-by: A. Person, CMTF Coordinator": ""})
    run = lint_json(cwd=repo)
    assert run.rules() == {"CONFIG005", "REF002"}
    [config] = [d for d in run.json["diagnostics"] if d["rule"] == "CONFIG005"]
    assert "has no approved-by" in config["message"]


def test_an_unused_waiver_is_reported(repo):
    _waived_country(repo, **{"path: sharing[irc-to-unhcr]": "path: sharing[irc-to-unhcr].categories"})
    run = lint_json(cwd=repo)
    assert run.findings() == [("CONFIG007", ".im4cm-lint.yaml", 5), ("REF002", "dpisp.yaml", 19)]


def test_a_waiver_for_a_document_that_does_not_exist_is_reported(repo):
    _waived_country(repo, **{"document: ke-kakuma": "document: ke-kakumaa"})
    run = lint_json(cwd=repo)
    assert ("CONFIG007", ".im4cm-lint.yaml", 5) in run.findings()
    assert "no document with the id 'ke-kakumaa'" in run.json["diagnostics"][0]["message"]


def test_a_waiver_naming_an_unknown_rule_is_reported(repo):
    _waived_country(repo, **{"rule: REF002": "rule: REF02"})
    run = lint_json(cwd=repo)
    assert run.findings() == [("CONFIG006", ".im4cm-lint.yaml", 3), ("REF002", "dpisp.yaml", 19)]


def test_a_waiver_path_that_is_not_a_yaml_path_stops_the_linter(repo):
    _waived_country(repo, **{"path: sharing[irc-to-unhcr]": "path: sharing[irc-to-unhcr"})
    run = lint_json(cwd=repo)
    assert run.findings() == [("CONFIG001", ".im4cm-lint.yaml", 5)] and run.code == 2


def test_a_waiver_with_a_bad_date_stops_the_linter(repo):
    _waived_country(repo, expires="31/12/2099")
    run = lint_json(cwd=repo)
    assert run.findings() == [("CONFIG001", ".im4cm-lint.yaml", 8)] and run.code == 2


def test_a_waiver_in_pyproject_toml_with_a_toml_date(repo):
    write(repo, "dpisp.yaml", DPISP.replace("to: unhcr", "to: unhcr-kakuma"))
    write(repo, "export.yaml", export(GOOD_RULE))
    write(repo, "pyproject.toml", f"""
        [tool.im4cm-lint]
        select = ["PARSE", "SCHEMA", "REF", "CONFIG"]

        [[tool.im4cm-lint.waivers]]
        rule = "REF002"
        document = "ke-kakuma"
        path = "sharing[irc-to-unhcr].to"
        reason = "UNHCR Kakuma joins at the next signature round"
        approved-by = "A. Person"
        expires = {SOON}
        """)
    run = lint_json(cwd=repo)
    assert run.code == 0
    assert run.json["diagnostics"][0]["suppressed"]["expires"] == SOON
