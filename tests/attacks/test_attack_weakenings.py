"""Attack: a pull request weakens the gate through the repository's own configuration.

Before issue 12, adding ``ignore: [SHARE]``, ``severity: {SHARE: info}``, ``exclude: [protocols/]``
or ``per-file-ignores`` to ``.im4cm-lint.yaml`` passed a bad protocol without a trace in the
output. Now each needs a reason beside it, as a waiver does (CONFIG005 until it has one, which the
configuration cannot ignore), and every run's summary lists what the configuration turns off:
text, JSON, Markdown, SARIF run properties and the HTML report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import lint, lint_json, write

# A DPIA whose risk has no owner and no mitigation: DPIA findings when it is checked.
DPIA = """
    apiVersion: im4cm/v1
    kind: DPIA
    metadata: {id: ke-kakuma-dpia, dpisp: ke-kakuma, version: 1.0.0, status: draft}
    risks:
      - {id: lists-by-email, description: Case lists sent by e-mail, likelihood: high, impact: high, residual: high}
    """
WEAKENINGS = [
    ("ignore: [DPIA]\n", "ignore", "DPIA"),
    ("severity: {DPIA: info}\n", "severity", "DPIA: info"),
    ("exclude: [protocols/]\n", "exclude", "protocols/"),
    ("per-file-ignores: {'protocols/*': [DPIA]}\n", "per-file-ignores", "protocols/*: DPIA"),
]
WITH_REASON = [
    ("ignore: [{rule: DPIA, reason: the DPIA is reviewed by the regional office}]\n", "ignore", "DPIA"),
    ("severity: {DPIA: {level: info, reason: drafting until the June review}}\n", "severity", "DPIA: info"),
    ("exclude: [{path: protocols/, reason: superseded protocols kept for the record}]\n", "exclude", "protocols/"),
    ("per-file-ignores: {'protocols/*': {rules: [DPIA], reason: drafts are not in force}}\n", "per-file-ignores",
     "protocols/*: DPIA"),
]


@pytest.fixture
def country(repo: Path) -> Path:
    write(repo, "protocols/dpia.yaml", DPIA)
    write(repo, "other/dpia.yaml", DPIA.replace("ke-kakuma-dpia", "ke-kakuma-dpia-2"))
    return repo


@pytest.mark.parametrize("config, setting, what", WEAKENINGS)
def test_a_weakening_without_a_reason_is_reported(country, config, setting, what):
    for select in ("select: [DPIA, CONFIG]\n", "select: [DPIA]\n"):  # selecting CONFIG out does not hide it
        write(country, ".im4cm-lint.yaml", select + config)
        run = lint_json(".", cwd=country)
        reported = [d for d in run.json["diagnostics"] if d["rule"] == "CONFIG005" and f"'{setting}: {what}'" in d["message"]]
        assert reported and run.code == 1, (config, select)
        assert {"setting": setting, "what": what, "reason": None} in run.json["summary"]["weakenings"]


def test_the_configuration_cannot_ignore_what_reports_it(country):
    write(country, ".im4cm-lint.yaml", "ignore: [DPIA, CONFIG005, CONFIG]\nper-file-ignores: {'*': [CONFIG]}\n")
    run = lint_json(".", cwd=country)
    assert len([d for d in run.json["diagnostics"] if d["rule"] == "CONFIG005"]) == 4 and run.code == 1


@pytest.mark.parametrize("config, setting, what", WITH_REASON)
def test_a_weakening_with_its_reason_is_listed_in_every_summary(country, config, setting, what, tmp_path):
    write(country, ".im4cm-lint.yaml", "select: [DPIA, CONFIG]\n" + config)
    reason = config.split("reason: ")[1].split("}")[0]
    run = lint_json(".", cwd=country)
    assert "CONFIG005" not in {d["rule"] for d in run.json["diagnostics"]}
    assert run.json["summary"]["weakenings"] == [{"setting": setting, "what": what, "reason": reason}]
    assert f"Turned off by the configuration: {setting} {what} ({reason})." in lint(".", cwd=country).out
    assert reason in lint("--format", "markdown", ".", cwd=country).out
    sarif = json.loads(lint("--format", "sarif", ".", cwd=country).out)
    assert sarif["runs"][0]["properties"]["weakenings"] == [{"setting": setting, "what": what, "reason": reason}]
    page = tmp_path / "report.html"
    assert lint("report", "--html", str(page), ".", cwd=country).code in (0, 1)
    assert "Turned off by the configuration" in page.read_text(encoding="utf-8")


def test_raising_a_rule_to_an_error_is_no_weakening(country):
    write(country, ".im4cm-lint.yaml", "select: [DPIA, CONFIG]\nseverity: {DPIA: error}\n")
    run = lint_json(".", cwd=country)
    assert run.json["summary"]["weakenings"] == [] and "CONFIG005" not in {d["rule"] for d in run.json["diagnostics"]}


def test_a_reason_form_that_is_not_understood_stops_the_run(country):
    write(country, ".im4cm-lint.yaml", "ignore: [{rule: DPIA}]\n")
    run = lint(".", cwd=country)
    assert run.code == 2 and "write this ignore entry as {rule: ..., reason: why}" in run.out
