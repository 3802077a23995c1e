"""One lint run: configuration -> plugins and pack -> files -> documents -> schema -> project model
-> checks -> the findings that the configuration keeps."""

from __future__ import annotations

import datetime
import fnmatch
import gc
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from im4cm_lint import cache as caching
from im4cm_lint import schemas
from im4cm_lint.config import Config, find_config, load_config
from im4cm_lint.diagnostics import SEVERITIES, SEVERITY_RANK, Diagnostic, Fix, Location
from im4cm_lint.discovery import discover
from im4cm_lint.loader import MAX_FILE_PROBLEMS, load_data, load_file, stopped_reading
from im4cm_lint.model import Document, Project
from im4cm_lint.pack import PACK_FILE, Pack, load_pack_folder, resolve_pack, shown_path
from im4cm_lint.plugins import Registry, load_registry
from im4cm_lint.suppressions import apply_exceptions
from im4cm_lint.rules import FAMILIES, Rule


@dataclass
class Options:
    """Command-line settings; None means 'as the configuration says'."""

    config_path: str | None = None
    policy_pack: str | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    extend_ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    max_file_size: int | None = None
    today: datetime.date | None = None  # the date findings are judged at (default: today)
    baseline: str | None = None  # report only findings not in this baseline file
    write_baseline: str | None = None  # record today's findings there (and report as if baselined)
    report_all: bool = False  # with file paths: report on every document loaded, not only those files
    cache: bool = False  # use .im4cm-lint-cache/ (the CLI's lint; RunResult.project is None on a whole-run hit)
    jobs: int = 1  # processes that load files (0: one per core); used from PARALLEL_MIN_FILES files on
    base: str | None = None  # a git revision: checks that judge a change compare with its documents


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    config: Config | None = None
    pack: Pack | None = None
    project: Project | None = None
    rules: dict[str, Rule] = field(default_factory=dict)
    fatal: bool = False  # the linter could not run as configured (exit status 2)
    baselined: int = 0  # findings absorbed by the baseline

    @property
    def fail_on(self) -> str:
        return self.config.fail_on if self.config else "error"

    def failed(self) -> bool:
        threshold = SEVERITY_RANK[self.fail_on]
        return any(SEVERITY_RANK[d.severity] >= threshold for d in self.diagnostics if not d.suppression)


def matches(rule_id: str, selectors: list[str]) -> bool:
    """A rule is selected by its id, its family or any prefix of its id (as ruff does)."""
    return any(rule_id.startswith(sel) for sel in selectors)


class Selection:
    """Which rules run, at which severity, for which files."""

    def __init__(self, config: Config):
        self.config = config

    def enabled(self, rule_id: str) -> bool:
        """``select`` never hides PLUGIN findings: a crashed check would make the run look clean.
        Only an explicit ``ignore`` turns them off."""
        cfg = self.config
        if cfg.select and not matches(rule_id, cfg.select) and not rule_id.startswith("PLUGIN"):
            return False
        return not matches(rule_id, cfg.ignore)

    def keep(self, diag: Diagnostic) -> Diagnostic | None:
        if not self.enabled(diag.rule):
            return None
        for pattern, rules in self.config.per_file_ignores.items():
            if fnmatch.fnmatch(diag.path, pattern) and matches(diag.rule, rules):
                return None
        override = self._severity(diag.rule)
        return diag.with_severity(override) if override else diag

    def _severity(self, rule_id: str) -> str | None:
        best: tuple[int, str] | None = None
        for selector, severity in self.config.severity.items():
            if rule_id.startswith(selector) and (best is None or len(selector) > best[0]):
                best = (len(selector), severity)
        return best[1] if best else None


def _check_selectors(config: Config, rules: dict[str, Rule]) -> list[Diagnostic]:
    """CONFIG002 for every selector that names no rule."""
    problems: list[Diagnostic] = []
    named: list[tuple[tuple, str]] = [(("select", i), s) for i, s in enumerate(config.select)]
    named += [(("ignore", i), s) for i, s in enumerate(config.ignore)]
    named += [(("per-file-ignores", k, i), s) for k, v in config.per_file_ignores.items() for i, s in enumerate(v)]
    named += [(("severity", s), s) for s in config.severity]
    for keys, selector in named:
        if not any(rid.startswith(selector) for rid in rules):
            hint = f"; families are: {', '.join(FAMILIES)}"
            problems.append(Diagnostic("CONFIG002", "error", config.where(*keys),
                                       f"'{selector}' matches no rule{hint}"))
    return problems


def apply_options(config: Config, options: Options) -> Config:
    changes: dict[str, Any] = {}
    for name in ("policy_pack", "select", "ignore", "fail_on", "max_file_size"):
        value = getattr(options, name)
        if value is not None:
            changes[name] = value
    if options.extend_ignore:
        changes["ignore"] = [*changes.get("ignore", config.ignore), *options.extend_ignore]
    return replace(config, **changes) if changes else config


def schema_problems(document: Document) -> list[Diagnostic]:
    """SCHEMA findings of one document: its header, then its body (a pack is validated as a pack)."""
    problems = schemas.check_header(document.body)
    if not problems and document.kind != "PolicyPack":
        problems = schemas.validate(document.kind, document.body)
    return problems


PARALLEL_MIN_FILES = 50  # measured (bench/): on 2 cores, worker processes pay off from about 40 files


def load_one(data: bytes, shown: str) -> tuple[list[Document], list[Diagnostic]]:
    """Parse and schema-check one file."""
    loaded = load_data(data, shown)
    return loaded.documents, check_structure(loaded.documents, loaded.diagnostics)


def check_structure(documents: list[Document], parse_problems: list[Diagnostic]) -> list[Diagnostic]:
    """The file's PARSE findings and its documents' SCHEMA findings, setting ``schema_ok``.
    Unknown keys do not stop a document from being checked; any other schema or parse problem
    does (its id still resolves for other documents). After MAX_FILE_PROBLEMS findings the rest
    of the file is not checked (PARSE011)."""
    found = list(parse_problems)
    count = sum(d.rule != "PARSE011" for d in found)
    stopped = count >= MAX_FILE_PROBLEMS  # the loader stopped on problems already
    for document in documents:
        if stopped:  # not checked: its structure is unknown, so no check may rely on it
            document.schema_ok = False
            continue
        problems = sorted(schema_problems(document), key=Diagnostic.sort_key)
        document.schema_ok = all(p.rule == "SCHEMA001" for p in problems)
        room = MAX_FILE_PROBLEMS - count
        if len(problems) > room:
            stopped = True
            problems = [*problems[:room], Diagnostic("PARSE011", "error", problems[room].location,
                                                     stopped_reading(f"{MAX_FILE_PROBLEMS} problems"))]
        count += len(problems)
        found.extend(problems)
    return found


def _checked_in_worker(item: tuple[bytes, str]) -> tuple[list[bool], list[Diagnostic]]:
    """What a worker process sends back for a file: whether each document fits its schema, and
    the file's findings. Small: the parent parses the file itself (libyaml's share of the work is
    small) rather than receive and unpickle the trees, which would cost time and keep every
    string and position twice."""
    documents, found = load_one(*item)
    return [document.schema_ok for document in documents], found


def _load_in_workers(items: list[caching.FileInput], jobs: int):
    """Results of _checked_in_worker for ``items``, in order, from ``jobs`` processes (forked
    where that is safe, so workers start without importing anything)."""
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with context.Pool(jobs) as pool:
        yield from pool.imap(_checked_in_worker, ((item.data, item.shown) for item in items),
                             chunksize=max(1, len(items) // (jobs * 8)))


@contextmanager
def _fewer_collections():
    """Loading builds hundreds of thousands of containers that all stay alive, and the cyclic
    garbage collector traverses every one of them again and again: a third of the loading time
    at 5,000 documents. Full collections wait until loading is done."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], 1_000))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def load_documents(inputs: list[caching.FileInput], max_file_size: int, cache: caching.Cache | None = None,
                   jobs: int = 1) -> tuple[list[Document], list[Diagnostic]]:
    """Documents and PARSE/SCHEMA findings of every file, in order. Schema checks, most of the
    work, are done once per file content: their outcome comes from the cache when the file is
    unchanged, else from ``jobs`` processes when there are enough files to be worth it. The
    documents themselves are always parsed here: libyaml is fast, and parsed trees share their
    keys, values and positions, where trees unpickled from a cache or from workers would each
    keep their own copies (at 5,000 documents: 190 MB against 315 MB). Each file's bytes are
    released once it is loaded."""
    results: list = [None] * len(inputs)
    todo: list[int] = []

    def done(number: int, documents: list[Document], found: list[Diagnostic], flags: list[bool] | None = None,
             fresh: bool = True) -> None:
        """Record a file: ``flags`` (schema_ok of each document) when the checks ran elsewhere,
        ``fresh`` when they ran in this run (their outcome is then cached)."""
        item = inputs[number]
        if flags is None:
            flags = [document.schema_ok for document in documents]
        for document, schema_ok in zip(documents, flags):
            document.schema_ok = schema_ok
        if fresh and cache and item.data is not None:
            cache.store_file_result(item, (flags, found))
        results[number] = (documents, found)
        item.data = None

    with _fewer_collections():
        for number, item in enumerate(inputs):
            if item.data is None:  # too large, not a regular file, unreadable: the loader says which
                loaded = load_file(item.path, item.shown, max_file_size)
                done(number, loaded.documents, loaded.diagnostics, fresh=False)
                continue
            stored = cache.file_result(item) if cache else None
            if stored is not None:
                done(number, load_data(item.data, item.shown).documents, stored[1], stored[0], fresh=False)
                continue
            todo.append(number)
        jobs = jobs or os.cpu_count() or 1
        if jobs > 1 and len(todo) >= PARALLEL_MIN_FILES:
            for number, (flags, found) in zip(todo, _load_in_workers([inputs[n] for n in todo], min(jobs, len(todo)))):
                done(number, load_data(inputs[number].data, inputs[number].shown).documents, found, flags)
        else:
            for number in todo:
                done(number, *load_one(inputs[number].data, inputs[number].shown))
    documents: list[Document] = []
    found: list[Diagnostic] = []
    for file_documents, file_found in results:
        documents.extend(file_documents)
        found.extend(file_found)
    return documents, found


def _lint_packs(documents: list[Document], registry: Registry) -> list[Diagnostic]:
    """Policy packs found among the linted files are loaded and validated as packs."""
    found: list[Diagnostic] = []
    for document in documents:
        if document.kind == "PolicyPack" and Path(document.path).name == PACK_FILE:
            found.extend(load_pack_folder(Path(document.path).parent, registry.packs).diagnostics)
    return found


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
            found.append(Diagnostic(
                "PLUGIN005", "error", anchor,
                f"{who} did not finish within {budget:g} s and was stopped; the other checks still ran. "
                "Report this to the plugin's maintainers, or raise 'check-timeout' in the configuration"))
            continue
        except Exception as err:  # noqa: BLE001 - a plugin's failure is a finding, not a crash
            found.append(Diagnostic(
                "PLUGIN001", "error", anchor,
                f"{who} failed: {type(err).__name__}: {err}; "
                "the other checks still ran. Report this to the plugin's maintainers"))
            continue
        verdicts = [(item, malformed(item, rule)) for item in yielded]
        problems = [problem for _, problem in verdicts if problem]
        if problems:
            yielded = [item for item, problem in verdicts if problem is None]
            kept = f"{len(yielded)} well-formed finding is" if len(yielded) == 1 else f"{len(yielded)} well-formed findings are"
            found.append(Diagnostic(
                "PLUGIN004", "error", anchor,
                f"{who} yielded {len(problems)} malformed finding{'s' if len(problems) > 1 else ''} "
                f"(the first: {problems[0]}); its {kept} kept. Report this to the plugin's maintainers"))
        found.extend(yielded)
    return found


def _git_root(start: Path) -> Path | None:
    for folder in (start.resolve().parent, *start.resolve().parents):
        if (folder / ".git").exists():
            return folder
    return None


def files_given_scope(paths: list[str], config: Config) -> tuple[list[str], set[str] | None]:
    """Pre-commit passes file names, but the documents those files rely on (the DPISP an export
    names) live elsewhere in the repository. When every path is a file, the whole project (the
    folder of the configuration that governs the first file, else the git root) is loaded too;
    the second value is then the set of files to report on (shown paths), else None (report on
    everything)."""
    if not paths or not all(os.path.isfile(p) for p in paths):
        return paths or ["."], None
    first = Path(paths[0]).resolve()
    governs = config.path is not None and config.root.resolve() in first.parents
    root = config.root if governs else _git_root(first)
    return [*paths, *([str(root)] if root else [])], {shown_path(p) for p in paths}


def affected_files(documents: list[Document], given: set[str]) -> set[str]:
    """The files of the documents that rely on a DPISP of the ``given`` files (its exports, DPIAs
    and systems name it in ``metadata.dpisp``): a change to a protocol can break them."""
    changed = {d.id for d in documents if d.kind == "DPISP" and d.path in given}
    return {d.path for d in documents if changed and d.metadata.get("dpisp") in changed}


def run(paths: list[str], options: Options | None = None, extra_plugins: tuple = ()) -> RunResult:
    options = options or Options()
    result = RunResult()
    start = Path(paths[0] if paths else ".")
    config_file = Path(options.config_path) if options.config_path else find_config(start)
    config, problems = load_config(config_file, Path.cwd())
    config = apply_options(config, options)
    result.config = config
    if problems:
        result.diagnostics, result.fatal = problems, True
        return result

    registry = load_registry(extra_plugins)
    result.rules = registry.rules
    selector_problems = _check_selectors(config, registry.rules)
    cache = caching.Cache.open(config.root) if options.cache else None
    pack_load = (cache.resolve_pack if cache else resolve_pack)(
        config.policy_pack, registry.packs, config.root, config.where("policy-pack") if config.policy_pack else None)
    if selector_problems or pack_load.pack is None:
        result.diagnostics = selector_problems + pack_load.diagnostics
        result.fatal = True
        return result
    pack = pack_load.pack.with_overrides(config.thresholds)
    result.pack = pack

    base = None
    if options.base:
        from im4cm_lint.history import HistoryError, base_revision

        try:
            base = base_revision(Path(paths[0] if paths else "."), options.base)
        except HistoryError as err:
            result.diagnostics = [Diagnostic("CONFIG001", "error", Location(".", 1, 1), f"--base {options.base}: {err}")]
            result.fatal = True
            return result

    search, reported = files_given_scope(paths, config)
    if options.report_all or options.write_baseline:
        reported = None
    files, found = discover(search, config.exclude)
    inputs = caching.read_inputs(files, config.max_file_size)
    today = options.today or datetime.date.today()
    key = None
    if cache and not options.write_baseline:  # writing a baseline is a side effect: always run
        key = cache.results_key(
            registry.rules, inputs, paths, replace(options, cache=False, jobs=1), today, config.root,
            caching.file_stamp(config_file), caching.file_stamp(options.baseline),
            caching.file_stamp(config.baseline and config.root / config.baseline), found, registry.problems,
            base and base.commit)
        stored = cache.results(key) if key else None
        if stored is not None:
            result.diagnostics, result.files, result.documents, result.baselined, result.fatal = stored
            return result
    documents, load_problems = load_documents(inputs, config.max_file_size, cache, options.jobs)
    found += load_problems + _lint_packs(documents, registry) + registry.problems + pack_load.diagnostics
    result.files, result.documents = len(files), len(documents)
    project = Project(documents, today=today)
    result.project = project
    if base is not None:
        from im4cm_lint.history import revision_project

        read = {item.shown: item.digest for item in inputs}
        by_file: dict[str, list[Document]] = {}
        for document in documents:
            by_file.setdefault(document.path, []).append(document)
        project.base = revision_project(base, config.exclude, config.max_file_size, today, cache,
                                        {shown: (read[shown], docs) for shown, docs in by_file.items() if shown in read},
                                        search)
    if cache and os.path.abspath(config.root) in map(os.path.abspath, search):
        cache.prune_files()  # every file of the project (and of the base) was read: entries of removed files go
    if reported is not None:
        reported |= affected_files(documents, reported)

    selection = Selection(config)
    active = [rule for rid, rule in sorted(registry.rules.items()) if selection.enabled(rid)]
    found += run_checks(project, pack, active, config.check_timeout)

    kept: dict[tuple, Diagnostic] = {}
    for diag in found:
        diag = selection.keep(diag)
        if diag is not None and (reported is None or diag.path in reported or diag.family in ("CONFIG", "PLUGIN")):
            kept.setdefault((diag.rule, diag.location, diag.message), diag)
    outcome = apply_exceptions(
        list(kept.values()), config=config, rules=registry.rules, selection=selection, files=files,
        project=project, reported=reported, today=project.today, baseline=options.baseline,
        write_baseline=options.write_baseline)
    result.diagnostics = sorted((d.printable() for d in outcome.diagnostics), key=Diagnostic.sort_key)
    result.baselined, result.fatal = outcome.baselined, outcome.fatal
    if cache:
        if key:
            cache.store_results(key, (result.diagnostics, result.files, result.documents, result.baselined, result.fatal))
        cache.save()
    return result
