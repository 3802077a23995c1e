"""pre-commit: the hook of .pre-commit-hooks.yaml run by the real ``pre-commit`` in a country
repository, and the behaviour it relies on: given file names, im4cm-lint still loads the other
documents of the repository (so an export is checked against its DPISP) but reports only on the
files given, unless --report-all."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import REPO, lint_json, write
from country_docs import DPISP, GOOD_RULE, REF_ONLY, RULE_LINE, country, export

BROKEN_DPISP = DPISP.replace("to: unhcr", "to: unhcr-kakuma")  # REF002 at dpisp.yaml:19


# -- file arguments: the whole repository is loaded, the given files are reported ---------------

def test_an_export_given_alone_is_checked_against_its_dpisp(repo):
    country(repo)
    run = lint_json("export.yaml", cwd=repo)
    assert run.findings() == [("REF004", "export.yaml", RULE_LINE)]  # not REF003: the DPISP was found


def test_only_the_given_files_are_reported(repo):
    country(repo, rule=GOOD_RULE)
    write(repo, "dpisp.yaml", BROKEN_DPISP)
    assert lint_json("export.yaml", cwd=repo).findings() == []
    assert lint_json("dpisp.yaml", cwd=repo).findings() == [("REF002", "dpisp.yaml", 19)]
    assert lint_json("--report-all", "export.yaml", cwd=repo).findings() == [("REF002", "dpisp.yaml", 19)]


def test_the_project_is_the_configuration_folder(tmp_path):
    """Without a git repository, the folder of the configuration file is the project."""
    country(tmp_path / "ke")
    assert lint_json("ke/export.yaml", cwd=tmp_path).findings() == [("REF004", "ke/export.yaml", RULE_LINE)]


def test_without_repository_or_configuration_the_project_is_the_files_folder(tmp_path):
    """An export linted alone in a folder with no .git and no configuration is checked against
    the DPISP beside it (REF004 for the rule it misnames, not REF003), and only it is reported."""
    country(tmp_path / "ke", config=None)
    write(tmp_path / "ke", "dpisp.yaml", BROKEN_DPISP)
    assert not any((folder / ".git").exists() for folder in (tmp_path, *tmp_path.parents))
    run = lint_json("--select", "REF", "ke/export.yaml", cwd=tmp_path)
    assert run.findings() == [("REF004", "ke/export.yaml", RULE_LINE)]  # the DPISP's REF002 is not reported
    inside = lint_json("--select", "REF", "export.yaml", cwd=tmp_path / "ke")
    assert inside.findings() == [("REF004", "export.yaml", RULE_LINE)]


def test_with_a_configuration_outside_the_documents_the_project_is_the_git_root(repo):
    country(repo / "ke", config=None)
    write(repo, "ci/lint.yaml", REF_ONLY)
    run = lint_json("--config", "ci/lint.yaml", "ke/export.yaml", cwd=repo)
    assert run.findings() == [("REF004", "ke/export.yaml", RULE_LINE)]


def test_folders_are_linted_as_a_whole(repo):
    country(repo, rule=GOOD_RULE)
    write(repo, "dpisp.yaml", BROKEN_DPISP)
    assert lint_json(".", cwd=repo).findings() == [("REF002", "dpisp.yaml", 19)]


def test_configuration_findings_are_reported_whatever_the_files(repo):
    country(repo, config=REF_ONLY + "waivers:\n  - {rule: REF004, document: irc-unhcr-referral, path: sharing_rule}\n")
    run = lint_json("export.yaml", cwd=repo)
    assert run.findings() == [("CONFIG005", ".im4cm-lint.yaml", 3), ("REF004", "export.yaml", RULE_LINE)]


# -- the real pre-commit ---------------------------------------------------------------------------

def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def _new_git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for args in (("init", "-q", "-b", "main"), ("config", "user.email", "ci@example.org"),
                 ("config", "user.name", "CI"), ("config", "commit.gpgsign", "false")):
        assert _git(path, *args).returncode == 0
    return path


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory) -> tuple[Path, str]:
    """This working tree, uncommitted changes included, committed in a copy: pre-commit installs a
    hook repository from a commit, and the copy's HEAD is exactly the code under test."""
    if shutil.which("pre-commit") is None or shutil.which("git") is None:
        pytest.skip("pre-commit and git are needed for this test")
    copy = tmp_path_factory.mktemp("im4cm-lint-hook") / "im4cm-lint"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(
        ".git", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", ".benchmarks", "build", "dist",
        ".im4cm-lint-cache", "test-artifacts"))
    _new_git_repo(copy)
    assert _git(copy, "add", "-A").returncode == 0
    assert _git(copy, "commit", "-q", "--no-verify", "-m", "code under test").returncode == 0
    return copy, _git(copy, "rev-parse", "HEAD").stdout.strip()


def _commit(repo: Path, env: dict, *files: str, message: str = "change") -> subprocess.CompletedProcess:
    assert _git(repo, "add", *files).returncode == 0
    return subprocess.run(["git", "commit", "-m", message], cwd=repo, capture_output=True, text=True, env=env,
                          timeout=900, check=False)


@pytest.mark.slow
def test_the_hook_fails_a_broken_commit_and_passes_a_clean_one(hook_source, tmp_path):
    source, rev = hook_source
    country_repo = _new_git_repo(tmp_path / "ke-kakuma")
    write(country_repo, ".pre-commit-config.yaml", yaml.safe_dump(
        {"repos": [{"repo": str(source), "rev": rev, "hooks": [{"id": "im4cm-lint"}]}]}))
    write(country_repo, ".im4cm-lint.yaml", REF_ONLY)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("GITHUB_ACTIONS", None)
    installed = subprocess.run(["pre-commit", "install"], cwd=country_repo, capture_output=True, text=True,
                               env=env, timeout=120, check=False)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    # a clean protocol passes (the first commit also installs the hook's environment)
    write(country_repo, "dpisp.yaml", DPISP)
    clean = _commit(country_repo, env, ".pre-commit-config.yaml", ".im4cm-lint.yaml", "dpisp.yaml")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"^im4cm-lint\.+Passed$", clean.stderr, re.MULTILINE), clean.stderr  # hooks write to stderr

    # an export naming a sharing rule the protocol does not have: the commit fails with the finding,
    # found by checking the staged export against the DPISP committed before (REF004, not REF003)
    write(country_repo, "export.yaml", export())
    broken = _commit(country_repo, env, "export.yaml")
    output = broken.stdout + broken.stderr
    assert broken.returncode != 0, output
    assert f"export.yaml:{RULE_LINE}:15: REF004 error" in output and "REF003" not in output
    assert _git(country_repo, "log", "--format=%s").stdout.split() == ["change"]  # nothing was committed

    # fixed: the commit goes through
    write(country_repo, "export.yaml", export(GOOD_RULE))
    fixed = _commit(country_repo, env, "export.yaml")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr

    # the hook reports on the files of the commit only: a broken protocol committed earlier
    # (--no-verify) does not block an unrelated change, but `pre-commit run --all-files` finds it
    write(country_repo, "dpisp.yaml", BROKEN_DPISP)
    assert _commit(country_repo, env, "dpisp.yaml", message="skip").returncode != 0
    assert _git(country_repo, "commit", "-q", "--no-verify", "-m", "skip").returncode == 0
    write(country_repo, "export.yaml", textwrap.dedent(export(GOOD_RULE)).lstrip() + "schedule: on_demand\n")
    unrelated = _commit(country_repo, env, "export.yaml")
    assert unrelated.returncode == 0, unrelated.stdout + unrelated.stderr
    everything = subprocess.run(["pre-commit", "run", "--all-files"], cwd=country_repo, capture_output=True,
                                text=True, env=env, timeout=300, check=False)
    assert everything.returncode != 0 and "dpisp.yaml:19:" in everything.stdout and "REF002" in everything.stdout

    # a protocol change that breaks an export: only dpisp.yaml is committed, and the hook fails
    # naming the export that relied on the sharing rule now gone
    write(country_repo, "dpisp.yaml", DPISP.replace("- id: irc-to-unhcr", "- id: irc-to-unhcr-v2"))
    breaking = _commit(country_repo, env, "dpisp.yaml", message="rename the rule")
    output = breaking.stdout + breaking.stderr
    assert breaking.returncode != 0, output
    assert f"export.yaml:{RULE_LINE}:15: REF004 error sharing rule 'irc-to-unhcr' is not in DPISP ke-kakuma" in output


def test_the_hook_definition():
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "im4cm-lint" and hook["language"] == "python" and hook["entry"] == "im4cm-lint --base HEAD"
    assert hook["types"] == ["yaml"] and hook["require_serial"] is True
    manifest = subprocess.run(
        ["pre-commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True, text=True, timeout=120, check=False) if shutil.which("pre-commit") else None
    if manifest is not None:
        assert manifest.returncode == 0, manifest.stdout + manifest.stderr


def test_example_in_the_hook_file_is_a_valid_pre_commit_config(tmp_path):
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    example = textwrap.dedent("\n".join(
        line[1:] for line in text.splitlines() if line.startswith("#   ") or line.startswith("#     ")))
    config = yaml.safe_load(example)
    assert config["repos"][0]["hooks"] == [{"id": "im4cm-lint"}]
