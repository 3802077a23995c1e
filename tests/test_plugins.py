"""Plugins: the example third-party plugin installs and runs like a built-in check; a plugin that
raises or cannot be imported is reported as PLUGIN and the other checks still run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, run_process, write
from country_docs import DRAFT_DPISP

# The draft protocol with two sharing rules, only the second naming its channel.
DPISP = DRAFT_DPISP.rstrip(" ") + """\
    sharing:
      - id: irc-to-unhcr
        from: irc
        to: unhcr
        unhcr_role: service_provider
        purpose: referral.service
        basis: consent
        categories: [identity.name]
      - id: unhcr-to-irc
        from: unhcr
        to: irc
        unhcr_role: service_provider
        purpose: referral.service
        basis: consent
        categories: [identity.name]
        channel: progres-interop
    """


def _install(source: Path, target: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)],
        check=True, capture_output=True, text=True, timeout=300,
    )


def _env(*paths: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


@pytest.fixture(scope="module")
def example_plugin(tmp_path_factory) -> Path:
    """examples/plugin installed into a folder of its own, put on PYTHONPATH by the tests."""
    target = tmp_path_factory.mktemp("plugin-site")
    _install(REPO / "examples" / "plugin", target)
    return target


def _broken_plugin(tmp_path: Path, body: str) -> Path:
    """A tiny distribution whose plugin module is ``body``, installed into its own folder."""
    src = tmp_path / "src"
    write(src, "pyproject.toml", """
        [build-system]
        requires = ["setuptools>=64"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "im4cm-lint-broken"
        version = "1.0"
        [project.entry-points.im4cm_lint]
        broken = "im4cm_lint_broken"
        [tool.setuptools]
        py-modules = ["im4cm_lint_broken"]
        """)
    (src / "im4cm_lint_broken.py").write_text(textwrap.dedent(body), encoding="utf-8")
    target = tmp_path / "site"
    _install(src, target)
    return target


def test_example_plugin_rule_is_listed_and_explained(example_plugin):
    rules = json.loads(run_process("rules", "--format", "json", env=_env(example_plugin)).stdout)
    [chan] = [r for r in rules if r["id"] == "CHAN001"]
    assert chan["plugin"] == "channel" and chan["severity"] == "warning"
    explained = run_process("--explain", "CHAN001", env=_env(example_plugin))
    assert explained.returncode == 0 and "Why it matters" in explained.stdout
    assert "family CHAN (channels: how the data of a sharing rule travels)" in explained.stdout


def test_example_plugin_finds_the_rule_without_channel(example_plugin, repo):
    write(repo, "dpisp.yaml", DPISP)
    proc = run_process("--format", "json", "--select", "CHAN", ".", cwd=repo, env=_env(example_plugin))
    found = [(d["rule"], d["line"], d["yaml_path"]) for d in json.loads(proc.stdout)["diagnostics"]]
    assert found == [("CHAN001", 15, "sharing[irc-to-unhcr].channel")]
    assert proc.returncode == 0  # a warning does not fail the run by default
    strict = run_process("--select", "CHAN", "--fail-on", "warning", ".", cwd=repo, env=_env(example_plugin))
    assert strict.returncode == 1
    assert "dpisp.yaml:15:5: CHAN001 warning sharing rule 'irc-to-unhcr'" in strict.stdout


def test_a_check_that_raises_is_reported_and_others_still_run(tmp_path, repo):
    site = _broken_plugin(tmp_path, """
        from im4cm_lint import Rule, hookimpl

        class Crashes(Rule):
            '''## What it checks
            Nothing: it crashes.'''
            id, name, summary = "BRKN001", "crashes", "Always crashes"

            def check(self, project, pack):
                yield from ()
                raise KeyError("fields")

        @hookimpl
        def im4cm_lint_rules():
            return [Crashes]
        """)
    write(repo, "dpisp.yaml", DPISP)
    write(repo, "export.yaml", """
        apiVersion: im4cm/v1
        kind: DataExport
        metadata: {id: e1, dpisp: ke-kakuma}
        system: cpims+
        owner: irc
        recipient: unhcrr
        purpose: referral.service
        level: individual
        fields: [name_first]
        transport: {encrypted: true}
        """)
    proc = run_process("--format", "json", "--select", "REF,PLUGIN,BRKN", ".", cwd=repo, env=_env(site))
    assert "Traceback" not in proc.stderr
    diags = json.loads(proc.stdout)["diagnostics"]
    assert [(d["rule"], d["path"], d["line"]) for d in diags] == [
        ("PLUGIN001", "dpisp.yaml", 1),
        ("REF002", "export.yaml", 6),
    ]
    assert "BRKN001" in diags[0]["message"] and "'broken'" in diags[0]["message"]
    assert "KeyError" in diags[0]["message"]
    assert proc.returncode == 1


def test_a_plugin_that_cannot_be_imported_is_reported(tmp_path, repo):
    site = _broken_plugin(tmp_path, "import a_module_that_does_not_exist\n")
    write(repo, "dpisp.yaml", DPISP)
    proc = run_process("--format", "json", "--select", "PLUGIN,REF", ".", cwd=repo, env=_env(site))
    diags = json.loads(proc.stdout)["diagnostics"]
    assert [d["rule"] for d in diags] == ["PLUGIN002"]
    assert "'broken'" in diags[0]["message"] and "ModuleNotFoundError" in diags[0]["message"]
    assert proc.returncode == 1


def test_a_plugin_adds_a_command_listed_in_the_help(tmp_path, repo):
    site = _broken_plugin(tmp_path, '''
        import click
        from im4cm_lint import hookimpl

        @click.command("hello")
        @click.argument("who")
        def hello(who):
            """Greet WHO."""
            click.echo(f"hello {who}")

        @click.command("rules")
        def rules():
            """Claims an engine command: never used."""
            click.echo("not the engine's rules")

        @hookimpl
        def im4cm_lint_commands():
            return {"hello": hello, "rules": rules}
        ''')
    listed = run_process("--help", env=_env(site))
    assert listed.returncode == 0
    assert "  hello     Greet WHO." in listed.stdout and "  init " in listed.stdout
    said = run_process("hello", "world", env=_env(site))
    assert (said.returncode, said.stdout) == (0, "hello world\n")
    assert "not the engine's rules" not in run_process("rules", env=_env(site)).stdout
    write(repo, "dpisp.yaml", DPISP)
    linted = run_process("--select", "REF", "dpisp.yaml", cwd=repo, env=_env(site))
    assert linted.returncode == 0, linted.stdout + linted.stderr
