"""Accepted findings, each accepted where a reviewer can see why.

Three kinds of exception, applied in this order to the findings of a run:

- inline suppressions, a YAML comment ``# im4cm-lint: disable=RULE[,RULE] -- reason`` on the line
  of the finding (after the value) or alone on the line above it (the next line that is not blank
  or a comment). The reason is mandatory;
- waivers, reviewed data in the configuration: rule, document id, YAML path (the path and what is
  under it), reason, approver, expiry date;
- a baseline, the fingerprints of the findings a repository had when it adopted the linter: only
  new findings are reported.

Suppressions and waivers stay in the output with their reason; baselined findings are counted.
An exception without a reason, naming an unknown rule, expired, or suppressing nothing is itself
a CONFIG finding, so no exception outlives the situation it was granted for. PARSE, SCHEMA,
CONFIG and PLUGIN findings are never suppressed: they mean something was not checked.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from im4cm_lint.diagnostics import Diagnostic, Location, Suppression
from im4cm_lint.pack import shown_path
from im4cm_lint.rules import FAMILIES
from im4cm_lint.yamltree import locate

if TYPE_CHECKING:
    from im4cm_lint.config import Config
    from im4cm_lint.engine import Selection
    from im4cm_lint.model import Project
    from im4cm_lint.rules import Rule

# Families whose findings say a document or the linter itself cannot be used: they are fixed,
# never suppressed, waived or baselined (a suppressed PARSE error would be a document nobody checks).
NOT_SUPPRESSIBLE = {
    "PARSE": "a file that cannot be read is not checked at all",
    "SCHEMA": "a document that does not fit its kind is not checked by the other rules",
    "CONFIG": "it reports a mistake in the linter's own configuration or suppressions, which a suppression "
              "cannot vouch for",
    "PLUGIN": "it reports that a check did not run",
}
Reports = Callable[[str, str], bool]  # (rule id, shown path) -> would such a finding be reported?
BASELINE_VERSION = 1
DIRECTIVE_FORM = "# im4cm-lint: disable=RULE[,RULE] -- reason"

_MARKER = b"im4cm-lint"
# A comment starts with '#' at the start of a line or after a space (YAML's rule for comments).
_COMMENT = re.compile(r"(?:^|(?<=\s))#[ \t]*im4cm-lint[ \t]*:(?P<body>.*)")
_DISABLE = re.compile(
    r"\s*disable\s*=\s*(?P<rules>[A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)*)\s*(?:--(?P<reason>.*))?\Z")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # the line breaks YAML (and our positions) count


@dataclass
class Directive:
    """One inline suppression comment and the line whose findings it covers."""

    path: str
    line: int
    column: int
    rules: tuple[str, ...]
    reason: str
    target: int | None  # None: nothing follows a comment that stands alone
    used: set[str] = field(default_factory=set)

    def where(self) -> Location:
        return Location(self.path, self.line, self.column)


@dataclass
class Outcome:
    diagnostics: list[Diagnostic]
    baselined: int = 0
    fatal: bool = False


def _next_content_line(text: str, offset: int, number: int) -> int | None:
    """The number of the first line at or after ``offset`` (line ``number``) that is neither
    blank nor a comment: what a comment standing alone on the line above applies to."""
    while offset <= len(text):
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end
        row = text[offset:end].strip()
        if row and not row.startswith("#"):
            return number
        offset, number = end + 1, number + 1
    return None


def scan_directives(text: str, path: str) -> tuple[list[Directive], list[Diagnostic]]:
    """The suppression comments of one file, and CONFIG006 for those not written as they must be.

    Only lines holding the word im4cm-lint are looked at (a fast substring search), so the cost
    on files without suppressions is one scan of their text.
    """
    directives: list[Directive] = []
    problems: list[Diagnostic] = []
    found = text.find("im4cm-lint")
    if found < 0:
        return directives, problems
    if any(ch in text for ch in "\r\x85\u2028\u2029"):
        text = _LINE_BREAK.sub("\n", text)  # count lines as YAML (and the loader's positions) do
        found = text.find("im4cm-lint")
    number, counted = 1, 0
    while found >= 0:
        start = text.rfind("\n", 0, found) + 1
        end = text.find("\n", found)
        end = len(text) if end < 0 else end
        number += text.count("\n", counted, start)
        counted = start
        row = text[start:end]
        match = _COMMENT.search(row)
        found = text.find("im4cm-lint", end)
        if match is None:
            continue
        column = match.start() + 1
        form = _DISABLE.match(match.group("body"))
        if form is None:
            problems.append(Diagnostic(
                "CONFIG006", "error", Location(path, number, column),
                f"this suppression comment is not understood; write it as '{DIRECTIVE_FORM}'"))
            continue
        rules = tuple(dict.fromkeys(r.strip() for r in form.group("rules").split(",")))
        alone = not row[:column - 1].strip()
        target = _next_content_line(text, end + 1, number + 1) if alone else number
        directives.append(Directive(path, number, column, rules, (form.group("reason") or "").strip(), target))
    return directives, problems


def _read_directives(files: list[tuple[str, str]], wanted: set[str]) -> tuple[list[Directive], list[Diagnostic]]:
    """Re-read only the files in ``wanted`` (shown paths) that mention im4cm-lint at all; the
    loader keeps no text, so memory stays flat however large the repository."""
    directives: list[Directive] = []
    problems: list[Diagnostic] = []
    for real, shown in files:
        if shown not in wanted:
            continue
        try:
            with open(real, "rb") as handle:
                data = handle.read()
        except OSError:
            continue  # the loader has reported it
        if _MARKER not in data:
            continue
        found, bad = scan_directives(data.decode("utf-8-sig", "replace"), shown)
        directives += found
        problems += bad
    return directives, problems


def _rule_problem(rule_id: str, rules: dict[str, Rule], where: Location) -> Diagnostic | None:
    """CONFIG006 when ``rule_id`` is not a rule that a suppression may name."""
    from im4cm_lint.words import did_you_mean  # TODO(merge): engine-core may import it at the top

    family = rule_id.rstrip("0123456789")
    if rule_id in FAMILIES:
        message = (f"'{rule_id}' is a family, not a rule: name the rule ids (a suppression accepts single "
                   "findings; to turn a family off for some files, use per-file-ignores)")
    elif rule_id not in rules:
        message = f"'{rule_id}' is not a rule id{did_you_mean(rule_id, rules)}"
    elif family in NOT_SUPPRESSIBLE:
        message = (f"{rule_id} findings cannot be suppressed: they mean something was not checked or the "
                   "linter's setup is wrong; fix them (or exclude the file in the configuration)")
    else:
        return None
    return Diagnostic("CONFIG006", "error", where, message)


def _covers(waiver_path: str, yaml_path: str) -> bool:
    """A waiver covers its YAML path and everything under it."""
    return yaml_path == waiver_path or (
        yaml_path.startswith(waiver_path) and yaml_path[len(waiver_path)] in ".[")


class Baseline:
    """The fingerprints (:meth:`Diagnostic.fingerprint`) of accepted findings."""

    def __init__(self, fingerprints: set[str]):
        self.fingerprints = fingerprints

    @staticmethod
    def absorbs(diag: Diagnostic) -> bool:
        return diag.suppression is None and diag.family not in NOT_SUPPRESSIBLE

    @classmethod
    def read(cls, path: Path) -> tuple[Baseline | None, list[Diagnostic]]:
        shown = shown_path(path)

        def problem(message: str, line: int = 1, column: int = 1) -> tuple[None, list[Diagnostic]]:
            return None, [Diagnostic("CONFIG001", "error", Location(shown, line, column), f"baseline {shown}: {message}")]

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return problem("the file does not exist; create it with --write-baseline")
        except (OSError, UnicodeDecodeError) as err:
            return problem(f"cannot read the file: {getattr(err, 'strerror', None) or err}")
        except json.JSONDecodeError as err:
            return problem(f"not valid JSON: {err.msg}", err.lineno, err.colno)
        findings = data.get("findings") if isinstance(data, dict) else None
        if (not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(findings, list)
                or not all(isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings)):
            return problem(f"not an im4cm-lint baseline (version {BASELINE_VERSION}, a list of findings with "
                           "fingerprints); write it again with --write-baseline")
        return cls({f["fingerprint"] for f in findings}), []

    @classmethod
    def write(cls, path: Path, diagnostics: list[Diagnostic]) -> tuple[Baseline | None, list[Diagnostic]]:
        """Record the findings a baseline may absorb, one entry per fingerprint, sorted, so the
        file is reviewable and rewriting it on the same findings changes nothing."""
        entries: dict[str, dict] = {}
        for diag in diagnostics:
            if cls.absorbs(diag):
                entries.setdefault(diag.fingerprint(), {
                    "fingerprint": diag.fingerprint(), "rule": diag.rule, "path": diag.path,
                    "document": diag.location.doc_id, "yaml_path": diag.location.yaml_path})
        ordered = sorted(entries.values(), key=lambda e: (e["path"], e["document"], e["yaml_path"], e["rule"], e["fingerprint"]))
        payload = {
            "version": BASELINE_VERSION,
            "about": "Findings accepted when im4cm-lint was adopted (im4cm-lint --baseline reports only new ones). "
                     "Fix them over time and write the baseline again.",
            "findings": ordered,
        }
        try:
            path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as err:
            shown = shown_path(path)
            return None, [Diagnostic("CONFIG001", "error", Location(shown, 1, 1),
                                     f"cannot write the baseline {shown}: {err.strerror or err}")]
        return cls(set(entries)), []


def _baseline(config: Config, baseline: str | None, write_baseline: str | None,
              findings: list[Diagnostic]) -> tuple[Baseline | None, list[Diagnostic]]:
    """The baseline to apply: the one just written, the one given on the command line, or the
    configuration's ``baseline`` (relative to the configuration's folder)."""
    if write_baseline:
        return Baseline.write(Path(write_baseline), findings)
    if baseline:
        return Baseline.read(Path(baseline))
    if config.baseline:
        return Baseline.read(config.root / config.baseline)
    return None, []


def _inline(findings: list[Diagnostic], directives: list[Directive], rules: dict[str, Rule],
            reports: Reports) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Apply inline suppressions; return the findings and the problems of the directives."""
    problems: list[Diagnostic] = []
    by_line: dict[tuple[str, int], list[Directive]] = {}
    for directive in directives:
        valid = []
        for rule_id in directive.rules:
            bad = _rule_problem(rule_id, rules, directive.where())
            if bad:
                problems.append(bad)
            else:
                valid.append(rule_id)
        directive.rules = tuple(valid)
        if valid and not directive.reason:
            problems.append(Diagnostic(
                "CONFIG005", "error", directive.where(),
                f"this suppression of {', '.join(valid)} gives no reason, so it does not apply; say why the "
                f"finding is acceptable after ' -- ': '{DIRECTIVE_FORM}'"))
        elif valid and directive.target is not None:
            by_line.setdefault((directive.path, directive.target), []).append(directive)
    kept = []
    for diag in findings:
        for directive in by_line.get((diag.path, diag.line), ()):
            if diag.rule in directive.rules:
                directive.used.add(diag.rule)
                if diag.suppression is None:
                    diag = replace(diag, suppression=Suppression("inline", directive.reason))
        kept.append(diag)
    for directive in directives:
        if not directive.reason:
            continue
        for rule_id in directive.rules:
            if rule_id in directive.used or not reports(rule_id, directive.path):
                continue
            where = (f"on line {directive.target}" if directive.target else "after it")
            problems.append(Diagnostic(
                "CONFIG007", "error", directive.where(),
                f"this suppression of {rule_id} suppresses nothing: there is no {rule_id} finding {where}; remove "
                "it, or put it on the line of the finding or alone on the line above"))
    return kept, problems


def _waivers(findings: list[Diagnostic], config: Config, rules: dict[str, Rule], project: Project | None,
             reported: set[str] | None, reports: Reports,
             today: datetime.date) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Apply the configuration's waivers; return the findings and the problems of the waivers.
    Without the project (documents unknown), a waiver is never judged unused."""
    problems: list[Diagnostic] = []
    homes: dict[str, set[str]] = {}  # document id -> the files that hold it
    for document in project.documents if project else ():
        homes.setdefault(document.id, set()).add(document.path)
    whole_config = reported is None or (config.path in reported)
    for waiver in config.waivers:
        rule_id, doc_id, path = waiver["rule"], waiver["document"], waiver["path"]
        home = homes.get(doc_id, set())
        seen = reported is None or bool(home & reported)  # its document's findings are in this run
        if not (whole_config or seen):
            continue
        bad = _rule_problem(rule_id, rules, locate(waiver, "rule"))
        if bad:
            problems.append(bad)
            continue
        missing = [key for key in ("reason", "approved-by", "expires") if not str(waiver.get(key) or "").strip()]
        if missing:
            problems.append(Diagnostic(
                "CONFIG005", "error", locate(waiver, missing[0]),
                f"the waiver of {rule_id} for {doc_id} {path} has no {' or '.join(missing)}, so it does not apply; "
                "a waiver records why, who approved it (approved-by) and until when (expires: YYYY-MM-DD)"))
            continue
        expires = datetime.date.fromisoformat(waiver["expires"])
        if expires < today:
            problems.append(Diagnostic(
                "CONFIG008", "error", locate(waiver, "expires"),
                f"the waiver of {rule_id} for {doc_id} {path} expired on {expires.isoformat()} and no longer "
                "applies; fix the findings, or have the exception reviewed again and set a new date"))
            continue
        accepted = Suppression("waiver", waiver["reason"].strip(), waiver["approved-by"].strip(), expires.isoformat())
        used = False
        for index, diag in enumerate(findings):
            if diag.rule == rule_id and diag.location.doc_id == doc_id and _covers(path, diag.location.yaml_path):
                used = True
                if diag.suppression is None:
                    findings[index] = replace(diag, suppression=accepted)
        if used or project is None:
            continue
        if home:
            if not seen or not any(reports(rule_id, p) for p in home):
                continue  # its findings are not part of this run: it cannot be judged unused here
            why = f"{rule_id} reports nothing at {path} in {doc_id}"
        else:
            why = f"no document with the id '{doc_id}' was linted"
        problems.append(Diagnostic(
            "CONFIG007", "error", locate(waiver, "path"),
            f"this waiver suppresses nothing: {why}; remove it, or correct 'document' and 'path' (copy the finding's "
            "'document' and 'yaml_path' from --format json)"))
    return findings, problems


def apply_exceptions(findings: list[Diagnostic], *, config: Config, rules: dict[str, Rule],
                     selection: Selection, files: list[tuple[str, str]], project: Project | None,
                     reported: set[str] | None, today: datetime.date, baseline: str | None = None,
                     write_baseline: str | None = None) -> Outcome:
    """Inline suppressions, then waivers, then the baseline, applied to the kept findings.

    ``reported`` holds the files the run reports on (pre-commit's file names; None: all), so an
    exception is judged only where its findings are visible. The problems found with exceptions
    pass through ``selection`` like any finding (so ``ignore: [CONFIG007]`` works).
    """

    def reports(rule_id: str, path: str) -> bool:
        """Would a finding of ``rule_id`` in ``path`` be reported? If not, an exception for it
        cannot be judged unused (the rule is off here, e.g. by --select or per-file-ignores)."""
        return selection.keep(Diagnostic(rule_id, "info", Location(path, 1, 1), "")) is not None

    holding = {document.path for document in project.documents} if project else {shown for _, shown in files}
    wanted = holding if reported is None else holding & reported
    directives, problems = _read_directives(files, wanted)
    findings, inline_problems = _inline(findings, directives, rules, reports)
    findings, waiver_problems = _waivers(findings, config, rules, project, reported, reports, today)
    for diag in problems + inline_problems + waiver_problems:
        kept = selection.keep(diag)
        if kept is not None:
            findings.append(kept)
    accepted, problems = _baseline(config, baseline, write_baseline, findings)
    if problems:
        return Outcome(problems, fatal=True)
    if accepted is None:
        return Outcome(findings)
    remaining = [d for d in findings if not (Baseline.absorbs(d) and d.fingerprint() in accepted.fingerprints)]
    return Outcome(remaining, baselined=len(findings) - len(remaining))
