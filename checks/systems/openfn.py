"""OpenFn projects: ``project.yaml`` and the JavaScript of its jobs, read as text, never run.

``project.yaml`` (OpenFn CLI/Lightning): ``workflows.<wf>.jobs.<job>`` with ``name``,
``adaptor``, ``credential`` and ``body``, either the code itself or ``{path: ./jobs/x.js}``.
From a job's code a small tokenizer (comments and string literals told apart from code, no
JavaScript engine) finds: the keys of the objects it sends (a ``const ...Mapping = {...}`` or
the object given as ``data:``), the ``data.<field>`` it reads, ``console.log`` calls that print
identifiers, ``getCases`` calls without ``remote: true`` (OpenFn/adaptors packages/primero
Adaptor.js: "remote attribute should be set to true to ensure that only cases marked for remote
access will be retrieved") and fetches of the whole user list (``/api/v2/users?per=100000`` in
OpenFn/primero-progres jobs/PROD/f2-2.sendReferralToDTP.js).
"""

from __future__ import annotations

import bisect
import re

from im4cm_lint.i18n import _
from im4cm_lint.loader import load_data
from im4cm_lint.sources import SourceError, SourceFiles
from im4cm_lint.values import shown as shown_value
from im4cm_lint.yamltree import YMap

from im4cm_lint_checks.systems.facts import Facts, Finding, FormField, Job, Pos

MAX_JOBS = 500
MAX_JOB_BYTES = 4 * 1024 * 1024  # a real job is 5-30 kB
UNBOUNDED_PER_PAGE = 1000  # Primero pages by 20 (max 1000 without per=); more is the whole list

_TOKENS = re.compile(r"//[^\n]*|/\*.*?(?:\*/|\Z)|\"(?:\\.|[^\"\\\n])*\"?|'(?:\\.|[^'\\\n])*'?|`(?:\\.|[^`\\])*`?", re.S)
_IDENT = r"[A-Za-z_$][\w$]*"
_MAPPING = re.compile(rf"\b(?:const|let|var)\s+({_IDENT})\s*=\s*\{{")
_DATA_PROP = re.compile(rf"\bdata\s*:\s*(\{{|{_IDENT}\b)")
_READS = re.compile(rf"(?<![\w$.])(?:state\.)?data\.({_IDENT})(?![\w$]|\s*\()")  # not a method call
_READ_KEYS = re.compile(r"(?<![\w$.])(?:state\.)?data\s*\[\s*['\"]")
_QUOTED = re.compile(r"(['\"])((?:\\.|(?!\1)[^\n])*)\1")
_LOG = re.compile(r"\bconsole\.(?:log|info|warn|error|debug)\s*\(")
_GET_CASES = re.compile(r"\bgetCases\s*\(")
_REMOTE = re.compile(r"""['"]?remote['"]?\s*:\s*true\b""")
_USERS = re.compile(r"/api/v2/users\b[^\s'\"`]*?[?&]per=(\d+)")
_CHAIN = re.compile(rf"{_IDENT}(?:\s*\.\s*{_IDENT})*")
# what a log line must not print: ids and names of cases and people (the chain's last part)
_IDENTIFYING = re.compile(
    r"(?i)^(?:.*_)?(?:ids?|no|number|name|names|email|phone|dob)$|^(?:case|record|short|unique|individual|user)ids?$"
    r"|^(?:name|full_name|date_of_birth)(?:_.*)?$")
_WHOLE = {"state", "state.data", "data", "state.cases", "cases", "state.references"}


class _Code:
    """A job's text with comments blanked (``plain``) and, in ``masked``, string contents too,
    so that braces and words are found only in code. Positions are unchanged."""

    def __init__(self, text: str):
        self.text = text
        plain, masked, self.strings = [], [], []
        last = 0
        for token in _TOKENS.finditer(text):
            start, end = token.span()
            plain.append(text[last:start])
            masked.append(text[last:start])
            body = token.group()
            if body.startswith("/"):
                blank = re.sub(r"[^\n]", " ", body)
                plain.append(blank)
                masked.append(blank)
            else:
                plain.append(body)
                masked.append(body[0] + re.sub(r"[^\n]", "x", body[1:-1]) + body[-1:] if len(body) > 1 else body)
                self.strings.append((start, body))
            last = end
        plain.append(text[last:])
        masked.append(text[last:])
        self.plain, self.masked = "".join(plain), "".join(masked)
        self._lines = [m.start() for m in re.finditer("\n", text)]

    def place(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._lines, offset)
        return line + 1, offset - (self._lines[line - 1] + 1 if line else 0) + 1

    def closing(self, opening: int) -> int:
        """Offset just past the bracket that closes the one at ``opening`` (or the end)."""
        depth = 0
        pairs = {"(": ")", "[": "]", "{": "}"}
        for match in re.finditer(r"[()\[\]{}]", self.masked[opening:]):
            ch = match.group()
            depth += 1 if ch in pairs else -1
            if depth == 0:
                return opening + match.end()
        return len(self.masked)

    def keys(self, opening: int) -> list[tuple[str, int]]:
        """Top-level keys of the object literal whose ``{`` is at ``opening``, with offsets."""
        end = self.closing(opening)
        found, depth, expect_key = [], 0, True
        pattern = re.compile(rf"[()\[\]{{}},]|({_IDENT}|\"[^\"\n]*\"|'[^'\n]*')\s*(:|,|\}})|\.\.\.")
        i = opening
        while i < end:
            match = pattern.search(self.masked, i, end)
            if not match:
                break
            token = match.group()
            if token in "([{":
                depth += 1
                expect_key = depth == 1
            elif token in ")]}":
                depth -= 1
            elif token == ",":
                expect_key = depth == 1
            elif token == "...":
                expect_key = False
            elif match.group(1) and depth == 1 and expect_key:
                raw = self.text[match.start(1):match.end(1)]
                found.append((raw.strip("'\""), match.start(1)))
                expect_key = False
                if match.group(2) in ",}":  # shorthand property: the separator is structure
                    i = match.start(2)
                    continue
            i = match.end() if not match.group(1) else match.end(1)
        return found


def read_job(text: str, shown: str, job: Job, primero_adaptor: bool) -> None:
    code = _Code(text)

    def pos(offset: int) -> Pos:
        line, column = code.place(offset)
        return Pos(shown, line, column, f"{shown}:{line}")

    objects = {m.group(1): m.end() - 1 for m in _MAPPING.finditer(code.masked)}
    sent_at: list[int] = [start for name, start in objects.items() if "mapping" in name.lower()]
    for match in _DATA_PROP.finditer(code.masked):
        target = match.group(1)
        if target == "{":
            sent_at.append(match.end(1) - 1)
        elif target in objects:
            sent_at.append(objects[target])
    seen: set[str] = set()
    for opening in sorted(set(sent_at)):
        for key, offset in code.keys(opening):
            if key not in seen:
                seen.add(key)
                job.sent.append(FormField(key, "", pos(offset)))
    reads: dict[str, int] = {}
    for match in _READS.finditer(code.masked):
        reads.setdefault(match.group(1), match.start(1))
    for match in _READ_KEYS.finditer(code.masked):
        token = _QUOTED.match(code.text, match.end() - 1)
        if token:
            reads.setdefault(token.group(2), match.end() - 1)
    for start, body in code.strings:  # data.<field> interpolated in template literals
        if body.startswith("`"):
            for match in _READS.finditer(body):
                reads.setdefault(match.group(1), start + match.start(1))
    job.reads = [FormField(name, "", pos(offset)) for name, offset in sorted(reads.items(), key=lambda kv: kv[1])]
    for match in _LOG.finditer(code.masked):
        end = code.closing(match.end() - 1) - 1
        args = code.masked[match.end():end]
        # expressions interpolated in template literals are code too
        args += " " + " ".join(re.findall(r"\$\{([^}]*)\}", code.plain[match.end():end]))
        for chain in _CHAIN.finditer(args):
            words = re.sub(r"\s+", "", chain.group())
            following = args[chain.end():chain.end() + 8].lstrip()
            if following.startswith(".length"):
                continue  # a count, not the ids
            last = words.rsplit(".", 1)[-1]
            if words in _WHOLE or _IDENTIFYING.match(last):
                job.logged_ids.append(Finding(pos(match.start()), words))
                break
    if primero_adaptor:
        for match in _GET_CASES.finditer(code.masked):
            args = code.plain[match.end():code.closing(match.end() - 1)]
            if not _REMOTE.search(args):
                job.fetch_without_remote.append(Finding(pos(match.start()), "getCases"))
    for start, body in code.strings:
        for match in _USERS.finditer(body):
            if int(match.group(1)) >= UNBOUNDED_PER_PAGE:
                job.unbounded_fetches.append(Finding(pos(start + match.start()), match.group(1)))


def read_project(files: SourceFiles, relative: str, shown: str) -> Facts:
    facts = Facts("openfn-project", shown)
    try:
        data = files.read(relative)
    except SourceError as err:
        facts.unreadable = str(err)
        return facts
    loaded = load_data(data, shown, any_mapping=True)
    for diag in loaded.diagnostics:
        facts.problem(Pos(shown, diag.line, diag.column, f"{shown}:{diag.line}"), diag.message)
    if loaded.diagnostics or not loaded.documents:
        if not loaded.diagnostics:
            facts.problem(Pos(shown, 1, 1, shown), _("project.yaml is empty"))
        return facts
    body = loaded.documents[0].body
    workflows = body.get("workflows")
    if not isinstance(workflows, YMap):
        facts.problem(Pos(shown, body.line, body.column, f"{shown}:{body.line}"),
                      _("project.yaml has no 'workflows' mapping: it is not an OpenFn project"))
        return facts
    for workflow in workflows.values():
        jobs = workflow.get("jobs") if isinstance(workflow, YMap) else None
        if not isinstance(jobs, YMap):
            continue
        for key, entry in jobs.items():
            line, column = jobs.key_pos.get(key, (jobs.line, jobs.column))
            where = Pos(shown, line, column, f"{shown}:{line}")
            if len(facts.jobs) >= MAX_JOBS:
                facts.problem(where, _("the project has more than {count} jobs; the rest are not read", count=MAX_JOBS))
                return facts
            if not isinstance(entry, YMap):
                facts.problem(where, _("job {job} must be a mapping with 'adaptor' and 'body'", job=shown_value(key)))
                continue
            job = Job(str(key), where)
            facts.jobs.append(job)
            adaptor = entry.get("adaptor")
            primero = isinstance(adaptor, str) and "primero" in adaptor
            body_value = entry.get("body")
            if isinstance(body_value, str):
                vline, vcolumn = entry.value_pos.get("body", (line, column))
                read_job(body_value, shown, job, primero)
                _shift(job, vline)
            elif isinstance(body_value, YMap) and isinstance(body_value.get("path"), str):
                job_shown = files.shown(body_value["path"], shown_start(files, relative))
                try:
                    text = files.read(body_value["path"], shown_start(files, relative), MAX_JOB_BYTES)
                    read_job(text.decode("utf-8-sig", "replace"), job_shown, job, primero)
                except SourceError as err:
                    vline, vcolumn = body_value.value_pos.get("path", (line, column))
                    facts.problem(Pos(shown, vline, vcolumn, f"{shown}:{vline}"), str(err))
            else:
                facts.problem(where, _("job {job} has no body (its code, or 'body: {{path: ...}}')", job=shown_value(key)))
    return facts


def shown_start(files: SourceFiles, relative: str) -> str:
    """The project file's path, from which the jobs' relative paths start."""
    return str(files.base / relative)


def _shift(job: Job, line: int) -> None:
    """Positions in an inline body count from its first line in project.yaml."""
    def moved(pos: Pos) -> Pos:
        return Pos(pos.path, pos.line + line, pos.column, f"{pos.path}:{pos.line + line}")

    job.sent = [FormField(f.name, f.type, moved(f.pos)) for f in job.sent]
    job.reads = [FormField(f.name, f.type, moved(f.pos)) for f in job.reads]
    for name in ("logged_ids", "fetch_without_remote", "unbounded_fetches"):
        setattr(job, name, [Finding(moved(f.pos), f.what) for f in getattr(job, name)])
