"""Running the plugins' checks on the project model, each within its time budget: a check that
raises (PLUGIN001), yields malformed findings (PLUGIN004) or runs too long (PLUGIN005) is reported,
and the other checks still run."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from im4cm_lint.diagnostics import SEVERITIES, Diagnostic, Fix, Location
from im4cm_lint.engine_rules.plugin import CheckFailed, CheckTimedOut, MalformedFinding
from im4cm_lint.model import Project
from im4cm_lint.pack import Pack
from im4cm_lint.rule import Rule
from im4cm_lint.words import plural


class CheckTimeout(BaseException):
    """Raised into a check that ran past its budget. A BaseException, so that a check's own
    ``except Exception`` cannot swallow it."""


def _on_alarm(signum, frame):
    raise CheckTimeout


def consume_check(rule: Rule, project: Project, pack: Pack, budget: float) -> list:
    """Everything ``rule.check`` yields, or CheckTimeout after ``budget`` seconds (0: no limit).

    On the main thread of a Unix process a timer signal raises CheckTimeout inside the check,
    wherever it stands (a loop, a sleep, a blocking wait), so the check really stops: nothing
    keeps running or touching the shared project model. The timer repeats until cancelled, in
    case the check catches the first one. Elsewhere (Windows; a run started on another thread)
    the check runs on a daemon thread that is abandoned when its time is up: the run goes on,
    but the thread may keep a core busy until the process exits.
    """
    if not budget:
        return list(rule.check(project, pack))
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        started = time.monotonic()
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        outer = signal.setitimer(signal.ITIMER_REAL, budget, 0.05)
        try:
            return list(rule.check(project, pack))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if outer[0]:  # someone else's timer was running: give it back what is left of it
                signal.setitimer(signal.ITIMER_REAL, max(outer[0] - (time.monotonic() - started), 0.001), outer[1])
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["found"] = list(rule.check(project, pack))
        except BaseException as err:  # noqa: BLE001 - handed over to the calling thread
            box["error"] = err

    worker = threading.Thread(target=target, name=f"im4cm-lint check {rule.id}", daemon=True)
    worker.start()
    worker.join(budget)
    if worker.is_alive():
        raise CheckTimeout
    if "error" in box:
        raise box["error"]
    return box["found"]


def malformed(item: Any, rule: Rule) -> str | None:
    """What is wrong with a finding a check yielded, in a few words (None: it is well formed)."""
    if not isinstance(item, Diagnostic):
        return f"{type(item).__name__} {item!r:.40} is not a Diagnostic"
    if item.rule != rule.id:
        return f"rule id {item.rule!r} is not the check's own ({rule.id})"
    if item.severity not in SEVERITIES:
        return f"severity {item.severity!r} is not error, warning or info"
    where = item.location
    if not isinstance(where, Location) or not isinstance(where.path, str) or not where.path:
        return "it has no location with a file path"
    for name in ("line", "column"):
        value = getattr(where, name)
        if type(value) is not int or value < 1:
            return f"{name} {value!r} is not a number from 1"
    if not isinstance(where.doc_id, str) or not isinstance(where.yaml_path, str):
        return "its document id or YAML path is not text"
    if not isinstance(item.message, str) or not item.message.strip():
        return "it has no message"
    if item.fix is not None and not isinstance(item.fix, Fix):
        return "its fix is not a Fix"
    return None


def run_checks(project: Project, pack: Pack, rules: list[Rule], budget: float = 0) -> list[Diagnostic]:
    """Run every rule. A rule that raises (PLUGIN001), yields malformed findings (PLUGIN004: the
    well-formed ones are kept) or runs past ``budget`` seconds (PLUGIN005) is reported, and the
    other rules still run."""
    found: list[Diagnostic] = []
    anchor = Location(project.documents[0].path if project.documents else ".", 1, 1)
    for rule in rules:
        who = f"check {rule.id} of plugin '{rule.plugin}'"
        try:
            yielded = consume_check(rule, project, pack, budget)
        except CheckTimeout:
            found.append(CheckTimedOut.at(
                anchor,
                f"{who} did not finish within {budget:g} s and was stopped; the other checks still ran. "
                "Report this to the plugin's maintainers, or raise 'check-timeout' in the configuration"))
            continue
        except Exception as err:  # noqa: BLE001 - a plugin's failure is a finding, not a crash
            found.append(CheckFailed.at(
                anchor,
                f"{who} failed: {type(err).__name__}: {err}; "
                "the other checks still ran. Report this to the plugin's maintainers"))
            continue
        verdicts = [(item, malformed(item, rule)) for item in yielded]
        problems = [problem for _, problem in verdicts if problem]
        if problems:
            yielded = [item for item, problem in verdicts if problem is None]
            kept = f"{plural(len(yielded), 'well-formed finding')} {'is' if len(yielded) == 1 else 'are'}"
            found.append(MalformedFinding.at(
                anchor,
                f"{who} yielded {plural(len(problems), 'malformed finding')} "
                f"(the first: {problems[0]}); its {kept} kept. Report this to the plugin's maintainers"))
        found.extend(yielded)
    return found
