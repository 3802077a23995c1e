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
from im4cm_lint.i18n import _, _n


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
        return _("{value} is not a Diagnostic", value=type(item).__name__ + " " + format(repr(item), ".40"))
    if item.rule != rule.id:
        return _("rule id {found} is not the check's own ({rule})", found=repr(item.rule), rule=rule.id)
    if item.severity not in SEVERITIES:
        return _("severity {found} is not error, warning or info", found=repr(item.severity))
    where = item.location
    if not isinstance(where, Location) or not isinstance(where.path, str) or not where.path:
        return _("it has no location with a file path")
    for name in ("line", "column"):
        value = getattr(where, name)
        if type(value) is not int or value < 1:
            return _("{name} {value} is not a number from 1", name=name, value=repr(value))
    if not isinstance(where.doc_id, str) or not isinstance(where.yaml_path, str):
        return _("its document id or YAML path is not text")
    if not isinstance(item.message, str) or not item.message.strip():
        return _("it has no message")
    if item.fix is not None and not isinstance(item.fix, Fix):
        return _("its fix is not a Fix")
    return None


def run_checks(project: Project, pack: Pack, rules: list[Rule], budget: float = 0) -> list[Diagnostic]:
    """Run every rule. A rule that raises (PLUGIN001), yields malformed findings (PLUGIN004: the
    well-formed ones are kept) or runs past ``budget`` seconds (PLUGIN005) is reported, and the
    other rules still run."""
    found: list[Diagnostic] = []
    anchor = Location(project.documents[0].path if project.documents else ".", 1, 1)
    for rule in rules:
        who = _("check {rule} of plugin '{plugin}'", rule=rule.id, plugin=rule.plugin)
        try:
            yielded = consume_check(rule, project, pack, budget)
        except CheckTimeout:
            found.append(CheckTimedOut.at(
                anchor,
                _("{check} did not finish within {seconds} s and was stopped; the other checks still ran. Report "
                  "this to the plugin's maintainers, or raise 'check-timeout' in the configuration",
                  check=who, seconds=format(budget, "g"))))
            continue
        except Exception as err:  # noqa: BLE001 - a plugin's failure is a finding, not a crash
            found.append(CheckFailed.at(
                anchor,
                _("{check} failed: {error}; the other checks still ran. Report this to the plugin's maintainers",
                  check=who, error=": ".join((type(err).__name__, str(err))))))
            continue
        verdicts = [(item, malformed(item, rule)) for item in yielded]
        problems = [problem for _item, problem in verdicts if problem]
        if problems:
            yielded = [item for item, problem in verdicts if problem is None]
            found.append(MalformedFinding.at(
                anchor,
                _n("{check} yielded {n} malformed finding (the first: {problem}); ",
                   "{check} yielded {n} malformed findings (the first: {problem}); ",
                   len(problems), check=who, problem=problems[0])
                + _n("its {n} well-formed finding is kept. Report this to the plugin's maintainers",
                     "its {n} well-formed findings are kept. Report this to the plugin's maintainers", len(yielded))))
        found.extend(yielded)
    return found
