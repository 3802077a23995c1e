"""The GitHub Action (action.yml) and the example workflow.

Without GitHub, the action's shell steps still run as the runner would run them: in order, with
their ``if`` conditions, inputs, ``working-directory``, ``GITHUB_OUTPUT`` and the environment
that Actions sets. The install step really installs im4cm-lint into a fresh virtualenv from the
action's folder; the lint steps write SARIF (validated against the official schema) and
annotations; the last step passes or fails the check. Only the ``uses:`` steps (setup-python and
the SARIF upload) need GitHub; for the upload, the test checks what it would be given.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import venv
from pathlib import Path

import pytest
import yaml

from conftest import REPO, write
from country_docs import GOOD_RULE, REF_ONLY, RULE_LINE, country
from conftest import SARIF_SCHEMA as SCHEMA_PATH

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
WORKFLOW = yaml.safe_load((REPO / "examples" / "github-workflow.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def test_action_is_a_composite_action_with_the_expected_interface():
    assert ACTION["runs"]["using"] == "composite"
    assert {"paths", "args", "working-directory", "upload-sarif", "sarif-file"} <= set(ACTION["inputs"])
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), f"input {name} has no description"
    uses = [step["uses"] for step in ACTION["runs"]["steps"] if "uses" in step]
    assert uses == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v4"]
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # inputs reach scripts through the environment: an input can never become shell code
            assert "${{" not in step["run"], f"step '{step['name']}' pastes an expression into its script"


def test_example_workflow_uses_the_action_with_the_permissions_it_needs():
    job = WORKFLOW["jobs"]["lint"]
    assert [s["uses"].split("@")[0] for s in job["steps"]] == ["actions/checkout", "im4cm/im4cm-lint"]
    assert WORKFLOW["permissions"]["security-events"] == "write"
    assert WORKFLOW[True] == {"pull_request": None, "push": {"branches": ["main"]}}  # YAML 1.1 reads 'on' as True


class Runner:
    """Runs the composite action's steps the way the Actions runner does, minus ``uses:`` steps."""

    def __init__(self, workspace: Path, inputs: dict[str, str], env: dict[str, str], scratch: Path,
                 action_path: Path = REPO):
        self.workspace, self.env, self.scratch, self.action_path = workspace, env, scratch, action_path
        self.inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        self.inputs.update(inputs)
        self.outputs: dict[str, dict[str, str]] = {}
        self.skipped_uses: list[dict] = []
        self.logs: dict[str, subprocess.CompletedProcess] = {}

    def value(self, expression: str) -> str:
        if expression.startswith("inputs."):
            return self.inputs[expression[len("inputs."):]]
        if expression == "github.action_path":
            return str(self.action_path)
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if match:
            return self.outputs.get(match.group(1), {}).get(match.group(2), "")
        raise AssertionError(f"the test runner does not know the expression {expression!r}")

    def substitute(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group(1)), text)

    def condition(self, expression: str, failed: bool) -> bool:
        """The subset of the expression language action.yml uses: always(), ==, !=, &&, ''."""
        python = expression.replace("&&", " and ").replace("always()", "True")
        python = re.sub(r"\b(inputs\.[\w-]+|steps\.[\w-]+\.outputs\.[\w-]+)",
                        lambda m: repr(self.value(m.group(1))), python)
        assert re.fullmatch(r"[\sA-Za-z'\"=!.\w/-]*", python), python
        return eval(python, {"__builtins__": {}}, {"True": True}) and (not failed or "always()" in expression)

    def run(self) -> int:
        failed = False
        for step in ACTION["runs"]["steps"]:
            if "if" in step and not self.condition(step["if"], failed):
                continue
            if failed and "if" not in step:
                continue
            if "uses" in step:
                self.skipped_uses.append({"uses": step["uses"], "with": {
                    k: self.substitute(str(v)) for k, v in step.get("with", {}).items()}})
                continue
            output = self.scratch / f"output-{step.get('id', len(self.logs))}"
            output.write_text("")
            env = {**self.env, "GITHUB_OUTPUT": str(output),
                   **{k: self.substitute(str(v)) for k, v in step.get("env", {}).items()}}
            cwd = self.workspace / self.substitute(step.get("working-directory", "."))
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                  cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)
            self.logs[step["name"]] = proc
            if "id" in step:
                self.outputs[step["id"]] = dict(
                    line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
            if proc.returncode != 0 and not step.get("continue-on-error"):
                failed = True
                self.failed_step = step["name"]
                self.exit_code = proc.returncode
        return self.exit_code if failed else 0


@pytest.fixture(scope="module")
def action_path(tmp_path_factory) -> Path:
    """The action's checkout: a copy of this working tree, so that installing from it leaves no
    build files in the tree under test."""
    copy = tmp_path_factory.mktemp("action") / "im4cm-lint"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(
        ".git", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", ".benchmarks", "build", "dist",
        ".im4cm-lint-cache", "test-artifacts"))
    return copy


@pytest.fixture(scope="module")
def runner_env(tmp_path_factory) -> dict[str, str]:
    """A fresh virtualenv first on PATH, standing for the Python that setup-python provides."""
    home = tmp_path_factory.mktemp("runner")
    venv.EnvBuilder(with_pip=True, clear=True).create(home / "venv")
    bindir = home / "venv" / ("Scripts" if os.name == "nt" else "bin")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GITHUB_", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"))}
    env.update({"PATH": f"{bindir}{os.pathsep}{env.get('PATH', '')}", "GITHUB_ACTIONS": "true", "CI": "true",
                "VIRTUAL_ENV": str(home / "venv")})
    return env


def _checkout(tmp_path: Path) -> Path:
    """A checked-out country repository whose configuration, at its root, keeps to the reference checks."""
    workspace = tmp_path / "workspace"
    (workspace / ".git").mkdir(parents=True)
    write(workspace, ".im4cm-lint.yaml", REF_ONLY)
    return workspace


def _valid_sarif(path: Path) -> dict:
    log = json.loads(path.read_text(encoding="utf-8"))
    if SCHEMA_PATH.is_file():
        import jsonschema

        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        jsonschema.validators.validator_for(schema)(schema).validate(log)
    return log


@pytest.mark.slow
def test_action_steps_fail_a_broken_repository_and_pass_a_clean_one(action_path, runner_env, tmp_path):
    if shutil.which("bash") is None:
        pytest.skip("bash runs the action's steps")
    workspace = _checkout(tmp_path)
    country(workspace / "countries" / "ke", config=None)
    env = {**runner_env, "GITHUB_WORKSPACE": str(workspace)}

    broken = Runner(workspace, {"paths": "countries"}, env, tmp_path, action_path)
    assert broken.run() == 1
    assert broken.failed_step == "Result"
    install = broken.logs["Install im4cm-lint"]
    assert install.returncode == 0, install.stdout + install.stderr
    installed = subprocess.run(["python", "-c", "import im4cm_lint, sys; print(im4cm_lint.__file__, sys.prefix)"],
                               env=env, cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert installed.split()[0].startswith(env["VIRTUAL_ENV"])  # installed into the runner's Python
    annotations = [line for line in broken.logs["Annotate the pull request"].stdout.splitlines()
                   if line.startswith("::")]
    assert annotations == [
        f"::error file=countries/ke/export.yaml,line={RULE_LINE},col=15,title=REF004 unknown-sharing-rule::"
        "sharing rule 'irc-to-unhcrr' is not in DPISP ke-kakuma; did you mean 'irc-to-unhcr'?"]
    assert broken.outputs["annotate"]["exit-code"] == "1"
    [upload] = [u for u in broken.skipped_uses if "upload-sarif" in u["uses"]]
    sarif_file = Path(upload["with"]["sarif_file"])
    assert upload["with"]["category"] == "im4cm-lint" and sarif_file == workspace / "im4cm-lint.sarif"
    [result] = _valid_sarif(sarif_file)["runs"][0]["results"]
    assert result["ruleId"] == "REF004"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "countries/ke/export.yaml"

    country(workspace / "countries" / "ke", rule=GOOD_RULE, config=None)
    clean = Runner(workspace, {"paths": "countries", "upload-sarif": "false"}, env, tmp_path, action_path)
    assert clean.run() == 0
    assert clean.outputs["annotate"]["exit-code"] == "0"
    assert not [u for u in clean.skipped_uses if "upload-sarif" in u["uses"]]  # upload-sarif: "false"
    assert _valid_sarif(workspace / "im4cm-lint.sarif")["runs"][0]["results"] == []


@pytest.mark.slow
def test_action_in_a_working_directory_with_extra_options(action_path, runner_env, tmp_path):
    workspace = _checkout(tmp_path)
    country(workspace / "ke", config=None)
    env = {**runner_env, "GITHUB_WORKSPACE": str(workspace)}
    runner = Runner(workspace, {"working-directory": "ke", "args": "--severity-is-not-an-option"}, env, tmp_path,
                    action_path)
    assert runner.run() == 2  # a usage error: no SARIF, the check fails and says why
    assert runner.failed_step == "Lint to SARIF"
    assert "wrote no SARIF" in runner.logs["Lint to SARIF"].stdout

    runner = Runner(workspace, {"working-directory": "ke", "args": "--fail-on warning --select REF"}, env, tmp_path,
                    action_path)
    assert runner.run() == 1
    assert (workspace / "ke" / "im4cm-lint.sarif").is_file()
    assert "file=ke/export.yaml," in runner.logs["Annotate the pull request"].stdout


@pytest.mark.slow
def test_the_lang_input_speaks_to_the_reviewers_in_their_language(action_path, runner_env, tmp_path):
    """``lang: fr``: the annotations, the SARIF messages and the job summary in French, with the
    same rule ids, lines and result as in English."""
    if shutil.which("bash") is None:
        pytest.skip("bash runs the action's steps")
    workspace = _checkout(tmp_path)
    country(workspace / "ke", config=None)
    summary = tmp_path / "summary.md"
    env = {**runner_env, "GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(summary)}
    runner = Runner(workspace, {"lang": "fr", "upload-sarif": "false"}, env, tmp_path, action_path)
    assert runner.run() == 1
    [annotation] = [line for line in runner.logs["Annotate the pull request"].stdout.splitlines()
                    if line.startswith("::")]
    assert annotation.startswith(f"::error file=ke/export.yaml,line={RULE_LINE},col=15,title=REF004 unknown-sharing-rule::")
    assert annotation.endswith("::la règle de partage 'irc-to-unhcrr' n'est pas dans le DPISP ke-kakuma ; "
                               "vouliez-vous dire 'irc-to-unhcr' ?")
    log = _valid_sarif(workspace / "im4cm-lint.sarif")
    assert log["runs"][0]["language"] == "fr" and [r["ruleId"] for r in log["runs"][0]["results"]] == ["REF004"]
    assert summary.read_text(encoding="utf-8").startswith("### im4cm-lint: ✖ 1 erreur")


def test_the_test_runner_evaluates_conditions_like_actions():
    runner = Runner(REPO, {"upload-sarif": "false"}, {}, REPO)
    upload = next(s for s in ACTION["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    runner.outputs["sarif"] = {"sarif-file": "/x.sarif"}
    assert runner.condition(upload["if"], failed=False) is False
    runner.inputs["upload-sarif"] = "true"
    assert runner.condition(upload["if"], failed=True) is True
    runner.outputs["sarif"] = {}
    assert runner.condition(upload["if"], failed=False) is False


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


FORTY_PARTIES = "".join(f"  - {{id: p{n:02d}, name: Partner {n}, type: lngo}}\n" for n in range(40))


@pytest.mark.slow
def test_on_a_pull_request_the_job_summary_shows_the_sharing_diff(action_path, runner_env, tmp_path):
    """A pull request on a 40-party protocol: the base is the target branch, fetched into the
    shallow checkout; the summary has the findings, then the diff, within GitHub's limit."""
    origin = tmp_path / "origin"
    origin.mkdir()
    for args in (("init", "-q", "-b", "main"), ("config", "user.email", "ci@example.org"),
                 ("config", "user.name", "CI"), ("config", "commit.gpgsign", "false")):
        _git(origin, *args)
    write(origin, ".im4cm-lint.yaml", REF_ONLY)
    country(origin, rule=GOOD_RULE, config=None)
    protocol = (origin / "dpisp.yaml").read_text(encoding="utf-8").replace("parties:\n", "parties:\n" + FORTY_PARTIES)
    (origin / "dpisp.yaml").write_text(protocol, encoding="utf-8")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "protocol in force")
    _git(origin, "checkout", "-q", "-b", "widen")
    changed = protocol.replace("categories: [identity.name]", "categories: [identity.name, protection.gbv]")
    changed = changed.replace("type: lngo}", "type: ingo}")  # every one of the 40 parties changes
    (origin / "dpisp.yaml").write_text(changed, encoding="utf-8")
    _git(origin, "commit", "-q", "-am", "widen")
    workspace = tmp_path / "workspace"  # actions/checkout: the pull request's head, depth 1
    _git(tmp_path, "clone", "-q", "--depth=1", "--branch", "widen", f"file://{origin}", str(workspace))
    summary = tmp_path / "summary.md"
    env = {**runner_env, "GITHUB_WORKSPACE": str(workspace), "GITHUB_BASE_REF": "main",
           "GITHUB_EVENT_NAME": "pull_request", "GITHUB_STEP_SUMMARY": str(summary)}
    runner = Runner(workspace, {"upload-sarif": "false"}, env, tmp_path, action_path)
    assert runner.run() == 0, {name: log.stdout + log.stderr for name, log in runner.logs.items()}
    base = _git(origin, "rev-parse", "main").strip()
    assert runner.outputs["base"]["revision"] == base
    text = summary.read_text(encoding="utf-8")
    findings, _, diff = text.partition("### im4cm-lint diff:")
    assert findings.startswith("### im4cm-lint: ✔ no problems found")
    lines = diff.splitlines()
    assert lines[0] == f" `{base}` → the working tree"
    assert lines[2] == "1 document changed, 41 changes, 1 sharing rule widened (1 with high or severe data)."
    assert "- ➕ line 63: sharing rule `irc-to-unhcr` widened\\: now also `protection.gbv` (severe) " \
           "(`irc` → `unhcr`, purpose `referral.service`)" in lines
    assert sum(line.startswith("- ✏️ line ") for line in lines) == 40
    assert len(text.encode("utf-8")) < 1024 * 1024  # GitHub's limit for one step's summary
