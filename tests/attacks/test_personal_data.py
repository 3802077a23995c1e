"""Contract 5.5: no personal data in outputs.

A canary name stands in every kind of value a repository can hold (a party's name, a role holder's
name and title, a signatory, free-text justification and mitigations, an unknown key, an unmapped
export field, words added to a locked clause, a channel, a DPIA risk, a YAML syntax error, a System
description, the reason of an inline suppression), next to findings on each. No output meant for CI, pull requests or e-mail may carry
it; only the text format with --show-values, for the person drafting, writes it out.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from im4cm_lint.cache_codec import dumps
from im4cm_lint.diagnostics import Diagnostic, Location
from im4cm_lint.values import shown
from conftest import EXAMPLES, lint

CANARY = "Amina Canaryson"
PARTNER = "Canary Partner Org"  # a party's name: messages never quote it; the report's picture does


def _edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def _plant(root: Path) -> None:
    """The canary in every kind of value, each next to (or causing) a finding."""
    _edit(root / "dpisp.yaml",
          ("  review_by: 2027-02-28", f"  review_by: 2027-02-28\n  {CANARY}: yes"),        # unknown key
          ("name: Gilo Valley Children's Aid", f"name: {PARTNER}"),                         # party name
          ("holder: {name: H. Gebremedhin, title: Child Protection Officer (chair of the CP Sub-Working Group), party: unhcr}",
           f"holder: {{name: {CANARY}, title: {CANARY} Officer, party: nowhere}}"),          # holder, unknown party
          ("holder: {name: T. Bol, title: Monitoring and Evaluation Officer, party: gvca}",
           f"holder: {{name: {CANARY}, title: Monitoring and Evaluation Officer, party: gvca}}"),  # one person, two agencies
          ("holder: {name: Y. Omot, title: Case Management Supervisor, party: sc}",
           f"holder: {{name: {CANARY}, title: Case Management Supervisor, party: sc}}"),
          ("backup: {name: S. Nyanen, title: Data Clerk, party: gvca}",
           f"backup: {{name: {CANARY}, title: {CANARY} Clerk, party: sc}}"),              # backup of another agency
          ("This protocol sets out the principles", f"This protocol {CANARY} sets out the principles"),  # locked clause
          ("channel: cpims-progres-interoperability (OpenFn, UNHCR DTP)", f"channel: WhatsApp to {CANARY}"),
          ("Primero's UNHCR CSV joins", f"{CANARY}'s CSV joins"),                            # justification
          ("by: {name: S. Lindqvist, title: Country Director}", f"by: {{name: {CANARY}, title: {CANARY}}}"),
          ("reference: clause legitimate-basis}", f"reference: {CANARY}}}"))
    _edit(root / "dpia.yaml",
          ("      The integration does not carry", f"      {CANARY}: the integration does not carry"),
          ("    owner: interoperability_focal_point\n    residual: low",
           f"    owner: nobody-here  # im4cm-lint: disable=REF007 -- {CANARY} agreed\n    residual: high"),
          ("      - SOP GMB-CP-IO-01 section 4, manual propagation", f"      - {CANARY} propagates"))
    _edit(root / "exports" / "unhcr-csv.yaml",
          ("  - individual_progress_id\n", f"  - individual_progress_id\n  - {CANARY}\n  - {{name: x, {CANARY}: 1}}\n"),
          ("description: Weekly UNHCR CSV export", f"description: {CANARY} weekly UNHCR CSV export"))
    _edit(root / "systems" / "cpims.yaml",
          ("description: Shared CPIMS+ instance", f"description: {CANARY} CPIMS+ instance"),
          ("agencies: {UNICEF: unicef,", f"agencies: {{'{CANARY}': nobody, UNICEF: unicef,"))
    (root / "broken.yaml").write_text(
        f"apiVersion: im4cm/v1\nkind: DPIA\nmetadata: {{id: x\n  owner: {CANARY} [\n", encoding="utf-8")
    (root / "values.yaml").write_text(
        "apiVersion: im4cm/v1\nkind: DataExport\nmetadata:\n  id: canary-values\n  dpisp: et-gambella\n"
        f"  description: {CANARY}\n  review_by: {CANARY}\nsystem: {CANARY}\nowner: {CANARY}\n"
        f"recipient: sc\npurpose: {CANARY}\nlevel: {CANARY}\nfields: {CANARY}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("canary") / "repo"
    shutil.copytree(EXAMPLES / "et-gambella", root)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "clean"], cwd=root, check=True)
    _plant(root)
    return root


def test_the_planted_repository_has_findings_near_every_canary(planted):
    run = lint("--format", "json", "--no-cache", ".", cwd=planted)
    assert run.code == 1
    rules = run.rules()
    assert any(d["rule"] == "REF007" and d.get("suppressed") for d in run.json["diagnostics"])
    for family in ("PARSE", "SCHEMA", "REF", "ROLE", "CLAUSE", "SHARE", "DPIA", "LIFE", "SYSTEM"):
        assert any(rule.startswith(family) for rule in rules), family


@pytest.mark.parametrize("args, env", [
    (["--format", "json"], {}),
    (["--format", "sarif"], {}),
    (["--format", "github"], {}),
    (["--format", "markdown"], {}),
    (["--format", "text"], {"GITHUB_ACTIONS": "true"}),
    (["--format", "text", "--show-values"], {"GITHUB_ACTIONS": "true"}),
    (["--format", "json", "--show-values"], {}),
    (["--format", "text"], {}),
    (["--format", "text", "--base", "HEAD"], {}),
    (["--explain", "dpisp.yaml", "--format", "markdown"], {}),
    (["--explain", "exports/unhcr-csv.yaml", "--format", "markdown"], {}),
    (["--explain", "dpia.yaml", "--format", "markdown"], {}),
])
def test_no_output_carries_the_canary(planted, args, env):
    run = lint(*args, *([] if "--explain" in args else ["."]), cwd=planted, env=env)
    assert run.code in (0, 1), run.err
    for canary in (CANARY, PARTNER):
        assert canary not in run.out
        assert canary not in run.err


def test_cached_results_keep_no_value(planted):
    """The cache stores findings without their raw values; --show-values reads afresh."""
    lint("--format", "json", ".", cwd=planted)  # fills the cache
    diag = Diagnostic("SCHEMA001", "error", Location("a.yaml", 3, 4), f"unknown key {shown(CANARY)}")
    assert diag.values and CANARY not in diag.message
    assert CANARY.encode() not in dumps(diag)
    assert CANARY in lint("--show-values", ".", cwd=planted).out


@pytest.mark.parametrize("args", [["report", "--html", "report.html"],
                                  ["diff", "HEAD", "--format", "markdown"], ["diff", "HEAD", "--format", "json"]])
def test_reports_and_diffs_carry_no_canary(planted, tmp_path, args):
    """The HTML report draws the protocol's parties by name (organisations, as the protocol names
    them) but shows no person, no free text and no finding's value."""
    args = [str(tmp_path / a) if a == "report.html" else a for a in args]
    run = lint(*args, cwd=planted)
    assert "Usage" not in run.err, run.err
    assert CANARY not in run.out
    if args[0] == "diff":
        assert PARTNER not in run.out
    if "--html" in args:
        assert CANARY not in Path(args[-1]).read_text(encoding="utf-8")


def test_show_values_writes_them_out_for_the_person_drafting(planted):
    shown = lint("--format", "text", "--show-values", ".", cwd=planted)
    hidden = lint("--format", "text", "--no-cache", ".", cwd=planted)
    assert CANARY in shown.out
    assert "[15 characters at " in hidden.out
    assert "--show-values writes them out" in hidden.out  # the summary says how to see them
    assert len(shown.out.splitlines()) == len(hidden.out.splitlines()) - 1
