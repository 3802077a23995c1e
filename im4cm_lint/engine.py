"""One lint run, as a pipeline of stages: configuration -> plugins and pack -> files -> documents
(:mod:`~im4cm_lint.loading`) -> project model -> checks (:mod:`~im4cm_lint.checking`) -> the
findings the configuration keeps (:mod:`~im4cm_lint.decide`)."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from im4cm_lint import cache as caching
from im4cm_lint.checking import run_checks
from im4cm_lint.config import Config, find_config, load_config
from im4cm_lint.decide import Outcome, apply_exceptions
from im4cm_lint.decide.selection import Selection, selector_problems
from im4cm_lint.diagnostics import SEVERITY_RANK, Diagnostic
from im4cm_lint.discovery import discover
from im4cm_lint.loading import lint_packs, load_documents
from im4cm_lint.model import Project
from im4cm_lint.pack import Pack, PackLoad, pack_for, resolve_pack
from im4cm_lint.paths import repo_root, shown_path
from im4cm_lint.plugins import Registry, load_registry
from im4cm_lint.rule import Rule


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

    def stopped(self, problems: list[Diagnostic]) -> RunResult:
        """The run ends here: the linter cannot run as configured, for these reasons."""
        self.diagnostics, self.fatal = problems, True
        return self

    def failed(self) -> bool:
        threshold = SEVERITY_RANK[self.fail_on]
        return any(SEVERITY_RANK[d.severity] >= threshold for d in self.diagnostics if not d.suppression)


def apply_options(config: Config, options: Options) -> Config:
    changes: dict[str, Any] = {}
    for name in ("policy_pack", "select", "ignore", "fail_on", "max_file_size"):
        value = getattr(options, name)
        if value is not None:
            changes[name] = value
    if options.extend_ignore:
        changes["ignore"] = [*changes.get("ignore", config.ignore), *options.extend_ignore]
    return replace(config, **changes) if changes else config


@dataclass
class Scope:
    """The files of a run: those searched, those reported on (None: all), those found, and what
    discovery said about paths it could not use."""

    search: list[str]
    reported: set[str] | None
    files: list[tuple[str, str]]
    found: list[Diagnostic]
    inputs: list[caching.FileInput]

    @classmethod
    def of(cls, paths: list[str], config: Config, options: Options) -> Scope:
        search, reported = files_given_scope(paths, config)
        if options.report_all or options.write_baseline:
            reported = None
        files, found = discover(search, config.exclude)
        return cls(search, reported, files, found, caching.read_inputs(files, config.max_file_size))

    def keeps(self, diag: Diagnostic) -> bool:
        """Findings outside the reported files are dropped, except the linter's own."""
        return self.reported is None or diag.path in self.reported or diag.family in ("CONFIG", "PLUGIN")


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
    root = config.root if governs else repo_root(first)
    return [*paths, *([str(root)] if root else [])], {shown_path(p) for p in paths}


def run(paths: list[str], options: Options | None = None, extra_plugins: tuple = ()) -> RunResult:
    """Lint ``paths``. A stage that finds the linter cannot run as configured ends the run
    (``RunResult.fatal``); with the cache, an unchanged run is answered from it."""
    options = options or Options()
    config_file = Path(options.config_path) if options.config_path else find_config(Path(paths[0] if paths else "."))
    config, problems = load_config(config_file, Path.cwd())
    config = apply_options(config, options)
    result = RunResult(config=config)
    if problems:
        return result.stopped(problems)
    registry = load_registry(extra_plugins)
    result.rules = registry.rules
    cache = caching.Cache.open(config.root) if options.cache else None
    pack_load = pack_for(config, registry, resolve=cache.resolve_pack if cache else resolve_pack)
    problems = selector_problems(config, registry.rules)
    if problems or pack_load.pack is None:
        return result.stopped(problems + pack_load.diagnostics)
    result.pack = pack_load.pack.with_overrides(config.thresholds)
    scope = Scope.of(paths, config, options)
    today = options.today or datetime.date.today()
    key = _results_key(cache, config, registry, scope, paths, options, today, config_file)
    stored = cache.results(key) if key else None
    if stored is not None:
        result.diagnostics, result.files, result.documents, result.baselined, result.fatal = stored
        return result
    selection = Selection(config)
    found = _load(result, scope, registry, pack_load, cache, options, today)
    found += _check(result, registry, selection)
    outcome = _decide(result, scope, selection, found, options)
    result.diagnostics = sorted((d.printable() for d in outcome.diagnostics), key=Diagnostic.sort_key)
    result.baselined, result.fatal = outcome.baselined, outcome.fatal
    if cache:
        if key:
            cache.store_results(key, (result.diagnostics, result.files, result.documents, result.baselined, result.fatal))
        cache.save()
    return result


def _results_key(cache: caching.Cache | None, config: Config, registry: Registry, scope: Scope, paths: list[str],
                 options: Options, today: datetime.date, config_file: Path | None) -> Any:
    """What the whole run's findings depend on (None: do not answer from the cache). Writing a
    baseline is a side effect: it always runs."""
    if not cache or options.write_baseline:
        return None
    return cache.results_key(
        registry.rules, scope.inputs, paths, replace(options, cache=False, jobs=1), today, config.root,
        caching.file_stamp(config_file), caching.file_stamp(options.baseline),
        caching.file_stamp(config.baseline and config.root / config.baseline), scope.found, registry.problems)


def _load(result: RunResult, scope: Scope, registry: Registry, pack_load: PackLoad, cache: caching.Cache | None,
          options: Options, today: datetime.date) -> list[Diagnostic]:
    """Load the documents into the project model; the findings of loading, undecided."""
    config = result.config
    documents, load_problems = load_documents(scope.inputs, config.max_file_size, cache, options.jobs)
    if cache and os.path.abspath(config.root) in map(os.path.abspath, scope.search):
        cache.prune_files()  # every file of the project was read: entries of removed files go
    found = scope.found + load_problems + lint_packs(documents, registry.packs) + registry.problems + pack_load.diagnostics
    result.files, result.documents = len(scope.files), len(documents)
    result.project = Project(documents, today=today)
    return found


def _check(result: RunResult, registry: Registry, selection: Selection) -> list[Diagnostic]:
    """The findings of the checks the configuration selects."""
    active = [rule for rid, rule in sorted(registry.rules.items()) if selection.enabled(rid)]
    return run_checks(result.project, result.pack, active, result.config.check_timeout)


def _decide(result: RunResult, scope: Scope, selection: Selection, found: list[Diagnostic], options: Options) -> Outcome:
    """The findings the configuration keeps, once each, then the exceptions."""
    kept: dict[tuple, Diagnostic] = {}
    for diag in found:
        diag = selection.keep(diag)
        if diag is not None and scope.keeps(diag):
            kept.setdefault((diag.rule, diag.location, diag.message), diag)
    return apply_exceptions(
        list(kept.values()), config=result.config, rules=result.rules, selection=selection, files=scope.files,
        project=result.project, reported=scope.reported, today=result.project.today, baseline=options.baseline,
        write_baseline=options.write_baseline)
