"""A plugin that raises, hangs past the per-check time budget or yields malformed findings is
reported as PLUGIN, and the run goes on: the other checks' findings are all there.

Most tests register rule classes in-process (``engine.run(..., extra_plugins=...)``); the last
ones install a plugin the way pip does (a dist-info with an entry point on PYTHONPATH) and run
the real command in a process."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import types
from pathlib import Path

import pytest

from conftest import run_process, write
from country_docs import DRAFT_DPISP as DPISP
from country_docs import draft_export
from im4cm_lint import Rule, hookimpl
from im4cm_lint.diagnostics import Diagnostic, Location
from im4cm_lint.engine import Options, run
from im4cm_lint.yamltree import locate

EXPORT_WITH_BAD_RECIPIENT = draft_export("unhcrr")


def plugin(*rule_classes) -> types.SimpleNamespace:
    """A plugin object contributing ``rule_classes`` (pluggy reads its hook implementation)."""

    @hookimpl
    def im4cm_lint_rules():
        return list(rule_classes)

    return types.SimpleNamespace(im4cm_lint_rules=im4cm_lint_rules)


class Good(Rule):
    """A check that always finds the same thing on the DPISP."""

    id, name, summary = "TSTA001", "good", "A well-behaved test check"

    def check(self, project, pack):
        for dpisp in project.dpisps.values():
            yield self.finding(locate(dpisp.body, "parties"), "good finding", severity="warning")


HANG = 20  # seconds a "hung" check really lasts: should the budget fail, the tests fail, not hang


class Spins(Rule):
    """Loops without yielding control (for far longer than any budget of these tests)."""

    id, name, summary = "TSTB001", "spins", "A check stuck in a busy loop"

    def check(self, project, pack):
        yield from ()
        deadline = time.monotonic() + HANG
        while time.monotonic() < deadline:
            pass


class Sleeps(Rule):
    """Blocks in a system call, and swallows every ordinary exception."""

    id, name, summary = "TSTC001", "sleeps", "A check stuck in a blocking call"

    def check(self, project, pack):
        yield self.finding(Location("dpisp.yaml", 1, 1), "found before hanging")
        deadline = time.monotonic() + HANG
        while time.monotonic() < deadline:
            try:
                time.sleep(HANG)
            except Exception:  # noqa: BLE001 - the point: a check that hides errors
                pass


class Slow(Rule):
    """Takes 0.3 s and then finds something."""

    id, name, summary = "TSTD001", "slow", "A slow but finite check"

    def check(self, project, pack):
        time.sleep(0.3)
        yield self.finding(Location("dpisp.yaml", 1, 1), "slow finding")


class Malformed(Rule):
    """Yields one well-formed finding among five malformed ones."""

    id, name, summary = "TSTE001", "malformed", "A check that yields malformed findings"

    def check(self, project, pack):
        where = Location("dpisp.yaml", 2, 1)
        yield "not a finding"
        yield Diagnostic("REF001", "error", where, "pretends to be another rule")
        yield Diagnostic(self.id, "fatal", where, "unknown severity")
        yield Diagnostic(self.id, "error", Location("dpisp.yaml", 0, 1), "line 0")
        yield Diagnostic(self.id, "error", where, "   ")
        yield self.finding(where, "the well-formed one")


def lint_with(repo: Path, *rule_classes, timeout: float | None = None, **options):
    if timeout is not None:
        write(repo, ".im4cm-lint.yaml", f"check-timeout: {timeout}\n")
    old = os.getcwd()
    os.chdir(repo)
    try:
        started = time.monotonic()
        result = run(["."], Options(select=["TST", "REF", "PLUGIN"], **options), extra_plugins=(plugin(*rule_classes),))
        return result, time.monotonic() - started
    finally:
        os.chdir(old)


def found(result) -> list[tuple[str, str, int]]:
    return [(d.rule, d.path, d.line) for d in result.diagnostics]


@pytest.fixture
def country(repo: Path) -> Path:
    write(repo, "dpisp.yaml", DPISP)
    write(repo, "export.yaml", EXPORT_WITH_BAD_RECIPIENT)
    return repo


@pytest.mark.parametrize("stuck", [Spins, Sleeps], ids=["busy-loop", "blocking-call-swallowing-errors"])
def test_a_check_past_its_budget_is_stopped_and_the_others_still_run(country, stuck):
    result, took = lint_with(country, Good, stuck, timeout=0.5)
    assert found(result) == [("PLUGIN005", "dpisp.yaml", 1), ("TSTA001", "dpisp.yaml", 12), ("REF002", "export.yaml", 6)]
    [timed_out] = [d for d in result.diagnostics if d.rule == "PLUGIN005"]
    assert f"check {stuck.id} of plugin" in timed_out.message and "within 0.5 s" in timed_out.message
    assert "found before hanging" not in [d.message for d in result.diagnostics]  # a stopped check's findings are dropped
    assert took < 5


def test_the_budget_and_its_default(country):
    stopped, _ = lint_with(country, Slow, timeout=0.1)
    assert [d.rule for d in stopped.diagnostics if d.rule.startswith(("TST", "PLUGIN"))] == ["PLUGIN005"]
    generous, _ = lint_with(country, Slow, timeout=60)
    assert [d.rule for d in generous.diagnostics if d.rule.startswith(("TST", "PLUGIN"))] == ["TSTD001"]
    (country / ".im4cm-lint.yaml").unlink()
    default, _ = lint_with(country, Slow)  # 30 s by default: a slow check is not stopped
    assert default.config.check_timeout == 30
    assert [d.rule for d in default.diagnostics if d.rule.startswith(("TST", "PLUGIN"))] == ["TSTD001"]


@pytest.mark.parametrize("timeout", [-1, 0, 10 ** 9])
def test_no_budget_or_an_endless_one_is_a_configuration_error(country, timeout):
    """A repository's own pack brings its own patterns: the configuration cannot lift the limit."""
    result, _ = lint_with(country, Good, timeout=timeout)
    assert result.fatal and [(d.rule, d.line) for d in result.diagnostics] == [("CONFIG001", 1)]
    assert "check-timeout" in result.diagnostics[0].message


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="interval timers are Unix-only")
def test_the_timer_and_handler_of_the_caller_are_given_back(country):
    def outer_handler(signum, frame):
        raise AssertionError("the outer timer fired during the run")

    previous = signal.signal(signal.SIGALRM, outer_handler)
    signal.setitimer(signal.ITIMER_REAL, 100)
    try:
        result, _ = lint_with(country, Spins, Good, timeout=0.3)
        assert signal.getsignal(signal.SIGALRM) is outer_handler
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 90 < remaining < 100
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert "PLUGIN005" in {d.rule for d in result.diagnostics}


def test_a_run_on_another_thread_abandons_a_hung_check(country):
    """No timer signal off the main thread (or on Windows): the check runs on a daemon thread
    that is left behind when its time is up."""
    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("run", lint_with(country, Good, Sleeps, timeout=0.5)))
    worker.start()
    worker.join(10)
    assert not worker.is_alive()
    result, took = box["run"]
    assert found(result) == [("PLUGIN005", "dpisp.yaml", 1), ("TSTA001", "dpisp.yaml", 12), ("REF002", "export.yaml", 6)]
    assert took < 5


def test_malformed_findings_are_reported_and_the_well_formed_ones_kept(country):
    result, _ = lint_with(country, Malformed, Good)
    assert found(result) == [("PLUGIN004", "dpisp.yaml", 1), ("TSTE001", "dpisp.yaml", 2),
                             ("TSTA001", "dpisp.yaml", 12), ("REF002", "export.yaml", 6)]
    [report] = [d for d in result.diagnostics if d.rule == "PLUGIN004"]
    assert report.message.startswith("check TSTE001 of plugin ")
    assert "yielded 5 malformed findings (the first: str 'not a finding' is not a Diagnostic)" in report.message
    assert "its 1 well-formed finding is kept" in report.message
    assert "pretends to be another rule" not in [d.message for d in result.diagnostics]


@pytest.mark.parametrize("bad, why", [
    ('Diagnostic("REF001", "error", Location("d.yaml", 1, 1), "x")', "rule id 'REF001' is not the check's own (TSTF001)"),
    ('Diagnostic("TSTF001", "fatal", Location("d.yaml", 1, 1), "x")', "severity 'fatal' is not error, warning or info"),
    ('Diagnostic("TSTF001", "error", Location("d.yaml", 3, 0), "x")', "column 0 is not a number from 1"),
    ('Diagnostic("TSTF001", "error", Location("d.yaml", "3", 1), "x")', "line '3' is not a number from 1"),
    ('Diagnostic("TSTF001", "error", Location("", 3, 1), "x")', "it has no location with a file path"),
    ('Diagnostic("TSTF001", "error", ("d.yaml", 3, 1), "x")', "it has no location with a file path"),
    ('Diagnostic("TSTF001", "error", Location("d.yaml", 3, 1), "")', "it has no message"),
    ('Diagnostic("TSTF001", "error", Location("d.yaml", 3, 1), "x", fix="rewrite it")', "its fix is not a Fix"),
    ('None', "NoneType None is not a Diagnostic"),
])
def test_each_way_a_finding_can_be_malformed_is_named(country, bad, why):
    class OneBad(Rule):
        id, name, summary = "TSTF001", "one-bad", "Yields one malformed finding"

        def check(self, project, pack):
            yield eval(bad, {"Diagnostic": Diagnostic, "Location": Location})  # noqa: S307 - test data

    result, _ = lint_with(country, OneBad)
    [report] = [d for d in result.diagnostics if d.rule == "PLUGIN004"]
    assert f"yielded 1 malformed finding (the first: {why}); its 0 well-formed findings are kept" in report.message


def test_a_check_that_returns_no_iterable_is_a_failed_check(country):
    class ReturnsNone(Rule):
        id, name, summary = "TSTG001", "returns-none", "Returns None instead of findings"

        def check(self, project, pack):
            return None

    result, _ = lint_with(country, ReturnsNone, Good)
    assert found(result) == [("PLUGIN001", "dpisp.yaml", 1), ("TSTA001", "dpisp.yaml", 12), ("REF002", "export.yaml", 6)]
    assert "TypeError" in result.diagnostics[0].message


# --- an installed plugin, the real command, a real process --------------------------------------

PLUGIN_SOURCE = '''
import time
from im4cm_lint import Rule, hookimpl
from im4cm_lint.diagnostics import Diagnostic, Location


class Hangs(Rule):
    """## What it checks
    Nothing: it never ends."""
    id, name, summary = "HANG001", "hangs", "Never ends"

    def check(self, project, pack):
        while True:
            time.sleep(1)
        yield


class Garbles(Rule):
    """## What it checks
    Nothing: its findings are malformed."""
    id, name, summary = "GRBL001", "garbles", "Yields malformed findings"

    def check(self, project, pack):
        yield Diagnostic(self.id, "error", Location("dpisp.yaml", -4, 1), "negative line")
        yield {"rule": self.id}


@hookimpl
def im4cm_lint_rules():
    return [Hangs, Garbles]
'''


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory) -> dict:
    """A plugin installed as pip would: its module and a dist-info naming its entry point."""
    site = tmp_path_factory.mktemp("site")
    (site / "im4cm_lint_testfail.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
    info = site / "im4cm_lint_testfail-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: im4cm-lint-testfail\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[im4cm_lint]\ntestfail = im4cm_lint_testfail\n", encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def test_the_command_reports_a_hung_and_a_garbling_plugin_and_finishes(country, installed_plugin):
    write(country, ".im4cm-lint.yaml", "check-timeout: 1\n")
    started = time.monotonic()
    proc = run_process("--format", "json", "--select", "HANG,GRBL,REF,PLUGIN", ".", cwd=country, env=installed_plugin,
                       timeout=30)
    took = time.monotonic() - started
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    diags = json.loads(proc.stdout)["diagnostics"]
    assert [(d["rule"], d["path"], d["line"]) for d in diags] == [
        ("PLUGIN004", "dpisp.yaml", 1), ("PLUGIN005", "dpisp.yaml", 1), ("REF002", "export.yaml", 6)]
    assert "check GRBL001 of plugin 'testfail' yielded 2 malformed findings (the first: line -4 is not a number from 1)" \
        in diags[0]["message"]
    assert "check HANG001 of plugin 'testfail' did not finish within 1 s" in diags[1]["message"]
    assert proc.returncode == 1
    assert took < 15


def test_the_new_plugin_rules_are_documented(installed_plugin):
    for rule_id, words in (("PLUGIN004", "malformed"), ("PLUGIN005", "time budget")):
        proc = run_process("--explain", rule_id, env=installed_plugin)
        assert proc.returncode == 0 and words in proc.stdout and "How to fix" in proc.stdout, proc.stdout
