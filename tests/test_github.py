"""``--format github``: workflow-command annotations, escaped as GitHub's runner expects, one per
finding that is not suppressed; under GitHub Actions the default text output carries them too."""

from __future__ import annotations

import re
import textwrap

from conftest import lint, write
from country_docs import BAD_RULE, DPISP, RULE_LINE, country, export
from im4cm_lint.reporters.github import escape_data, escape_property

NO_ACTIONS = {"GITHUB_ACTIONS": None, "GITHUB_WORKSPACE": None}
# ::level file=F,line=L,col=C,title=T::message -- properties hold no raw ',' ':' '%' CR LF, the
# message no raw '%' CR LF (GitHub's ActionCommand escaping)
ANNOTATION = re.compile(
    r"::(?P<level>error|warning|notice) file=(?P<file>[^,:\r\n]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=(?P<title>[^,:\r\n]+)::(?P<message>[^\r\n]*)\Z")


def annotations(out: str) -> list[dict]:
    found = []
    for line in out.splitlines():
        if line.startswith("::"):
            match = ANNOTATION.match(line)
            assert match, f"malformed annotation: {line!r}"
            assert "%" not in re.sub(r"%(25|0D|0A|3A|2C)", "", line), f"unescaped %: {line!r}"
            found.append(match.groupdict())
    return found


def test_an_annotation_per_finding(repo):
    country(repo)
    run = lint("--format", "github", cwd=repo, env=NO_ACTIONS)
    assert run.code == 1
    [note] = annotations(run.out)
    assert note == {
        "level": "error", "file": "export.yaml", "line": str(RULE_LINE), "col": "15",
        "title": "REF004 unknown-sharing-rule",
        "message": f"sharing rule '{BAD_RULE}' is not in DPISP ke-kakuma; did you mean 'irc-to-unhcr'?"}
    assert run.out.splitlines()[0].startswith("::error ")
    assert "Found 1 problem" in run.out  # a plain summary line for the log


def test_severities_map_to_error_warning_notice(repo):
    country(repo, config="select: [REF]\nseverity: {REF002: {level: warning, reason: agreed at the CMTF review}, REF004: {level: info, reason: agreed at the CMTF review}}\n")
    write(repo, "dpisp.yaml", DPISP.replace("to: unhcr", "to: unhcr-kakuma"))
    levels = {(n["title"].split()[0], n["level"]) for n in annotations(lint("--format", "github", cwd=repo).out)}
    assert levels == {("REF002", "warning"), ("REF004", "notice")}


def test_suppressed_findings_are_not_annotated(repo):
    country(repo)
    lines = textwrap.dedent(export()).lstrip().splitlines()
    lines.insert(RULE_LINE - 1, "# im4cm-lint: disable=REF004 -- renamed this week")
    write(repo, "export.yaml", "\n".join(lines) + "\n")
    run = lint("--format", "github", cwd=repo, env=NO_ACTIONS)
    assert annotations(run.out) == [] and run.code == 0


def test_escaping_of_properties_and_message(repo):
    country(repo)
    (repo / "export.yaml").unlink()
    # a path with ',' and ':' and a value with '%' and a line break (reported by SCHEMA006)
    write(repo, "exports/a,b:c.yaml", export().replace(f"sharing_rule: {BAD_RULE}", 'sharing_rule: "50%\\nrule"'))
    run = lint("--format", "github", cwd=repo, env=NO_ACTIONS)
    [note] = annotations(run.out)
    assert note["file"] == "exports/a%2Cb%3Ac.yaml"
    # the line break inside the value is written as an escape before it reaches the runner
    assert "[8 characters at 10:15]" in note["message"] and "%0A" not in note["message"]  # the value by position (5.5)


def test_escape_functions_follow_the_runner():
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext%3A a%2C b"


def test_text_output_under_github_actions_also_annotates(repo):
    country(repo)
    plain = lint(cwd=repo, env=NO_ACTIONS)
    assert annotations(plain.out) == []
    actions = lint(cwd=repo, env={"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": None})
    assert actions.out.startswith(plain.out)
    assert [n["title"] for n in annotations(actions.out)] == ["REF004 unknown-sharing-rule"]
    assert actions.code == plain.code == 1


def test_paths_are_relative_to_the_workspace(repo):
    country(repo / "countries" / "ke")
    run = lint("--format", "github", cwd=repo / "countries" / "ke",
               env={"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(repo)})
    [note] = annotations(run.out)
    assert note["file"] == "countries/ke/export.yaml"
