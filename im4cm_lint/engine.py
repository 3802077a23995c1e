"""One lint run, as a pipeline of stages: configuration -> plugins and pack -> files -> documents
(:mod:`~im4cm_lint.loading`) -> project model -> checks (:mod:`~im4cm_lint.checking`) -> the
findings the configuration keeps (:mod:`~im4cm_lint.decide`)."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from im4cm_lint import cache as caching
from im4cm_lint import hooks
from im4cm_lint.i18n import _
from im4cm_lint.checking import run_checks
from im4cm_lint.config import Config, find_config, load_config
from im4cm_lint.decide import apply_exceptions
from im4cm_lint.decide.selection import Selection, selector_problems
from im4cm_lint.diagnostics import SEVERITY_RANK, Diagnostic, Location
from im4cm_lint.discovery import SkippedFolder, walk
from im4cm_lint.engine_rules.config import InvalidConfig
from im4cm_lint.loading import documents_kept, lint_packs, load_documents
from im4cm_lint.model import Document, Project
from im4cm_lint.pack import Pack, PackLoad, pack_for, resolve_pack
from im4cm_lint.paths import repo_root, shown_path
from im4cm_lint.plugins import Registry, load_registry
from im4cm_lint.protocols import ChangedRun, affected, entries
from im4cm_lint.sources import unchanged
from im4cm_lint.rule import Rule
from im4cm_lint.weakenings import Weakening, in_force, without_reason

if TYPE_CHECKING:
    from im4cm_lint.history import GitCall, Revision


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
    cache: bool = False  # use the cache (the CLI's lint; RunResult.project is None on a whole-run hit)
    cache_dir: str | None = None  # where the cache lives (default: im4cm_lint.cache.cache_home())
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
    skipped: list[SkippedFolder] = field(default_factory=list)  # folders discovery did not enter, named in summaries
    weakenings: list[Weakening] = field(default_factory=list)  # what the configuration turns off, named in summaries

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
    skipped: list[SkippedFolder]
    excluded: int  # files and folders the configuration's exclude took out

    @classmethod
    def of(cls, paths: list[str], config: Config, options: Options) -> Scope:
        search, reported = files_given_scope(paths, config)
        if options.report_all or options.write_baseline:
            reported = None
        discovered = walk(search, config.exclude)
        inputs = caching.read_inputs(discovered.files, config.max_file_size)
        found = [*discovered.problems, *(problem for item in inputs for problem in item.problems)]
        return cls(search, reported, discovered.files, found, inputs, discovered.skipped, discovered.excluded)

    def nothing_left(self, config: Config) -> list[Diagnostic]:
        """InvalidConfig when ``exclude`` took out every file there was to lint: a run that checks
        nothing must not pass as a clean one."""
        if self.files or not self.excluded:
            return []
        return [InvalidConfig.at(config.where("exclude"),
                                 _("'exclude' leaves nothing to lint: it takes out every YAML file and folder under "
                                   "the paths given; narrow it to the folders that really hold no documents"))]

    def covers(self, root: Path) -> bool:
        """Whether the run reads the whole project: its root is among the folders searched."""
        return os.path.abspath(root) in map(os.path.abspath, self.search)

    def keeps(self, diag: Diagnostic) -> bool:
        """Findings outside the reported files are dropped, except the linter's own."""
        return self.reported is None or diag.path in self.reported or diag.family in ("CONFIG", "PLUGIN")


def files_given_scope(paths: list[str], config: Config) -> tuple[list[str], set[str] | None]:
    """Pre-commit passes file names, but the documents those files rely on (the DPISP an export
    names) live elsewhere in the repository. When every path is a file, the whole project (the
    folder of the configuration that governs the first file, else the git root, else, outside
    any repository, the folder of each file: an export kept beside its DPISP) is loaded too; the
    second value is then the set of files to report on (shown paths), else None (report on
    everything)."""
    if not paths or not all(os.path.isfile(p) for p in paths):
        return paths or ["."], None
    first = Path(paths[0]).resolve()
    governs = config.path is not None and config.root.resolve() in first.parents
    root = config.root if governs else repo_root(first)
    folders = [str(root)] if root else list(dict.fromkeys(os.path.dirname(p) or "." for p in paths))
    linked = {shown_path(os.path.realpath(p)) for p in paths if os.path.islink(p)}  # a link stands for its file
    return [*paths, *folders], {shown_path(p) for p in paths} | linked


@dataclass
class Setup:
    """What a run works with once the configuration, the plugins and the pack are loaded."""

    config: Config
    config_file: Path | None
    registry: Registry
    pack_load: PackLoad
    cache: caching.Cache | None
    base: Revision | None = None  # the revision --base names (None: no base, or HEAD before the first commit)


def run(paths: list[str], options: Options | None = None, extra_plugins: tuple = ()) -> RunResult:
    """Lint ``paths``. A stage that finds the linter cannot run as configured ends the run
    (``RunResult.fatal``); with the cache, an unchanged run is answered from it."""
    options = options or Options()
    result, setup = _set_up(paths, options, extra_plugins)
    if setup is None:
        return result
    scope = Scope.of(paths, setup.config, options)
    result.skipped = scope.skipped
    problems = scope.nothing_left(setup.config)
    if problems:
        return result.stopped(problems)
    today = options.today or datetime.date.today()
    key = _results_key(setup, scope, paths, options, today)
    if key and _restored(result, setup.cache, key):
        return result
    selection = Selection(setup.config)
    active = [rule for rid, rule in sorted(setup.registry.rules.items()) if selection.enabled(rid)]
    if key and setup.cache and setup.base is None:
        found, documents = _load_and_check_changed(result, setup, setup.cache, scope, options, today, active)
    else:
        found = _load(result, setup, scope, options, today)
        documents = [(d.id, d.path) for d in result.project.documents]
        with documents_kept():
            found += run_checks(result.project, result.pack, active, result.config.check_timeout)
    with documents_kept():
        _decide(result, scope, selection, found, options, documents)
        _save(result, setup.cache, key)
    return result


def _set_up(paths: list[str], options: Options, extra_plugins: tuple) -> tuple[RunResult, Setup | None]:
    """The configuration (found from the first path, with the options applied), the plugins and
    the pack; None when the linter cannot run so (the result then says why)."""
    config_file = Path(options.config_path) if options.config_path else find_config(Path(paths[0] if paths else "."))
    config, problems = load_config(config_file, Path.cwd())
    config = apply_options(config, options)
    result = RunResult(config=config)
    if problems:
        return result.stopped(problems), None
    registry = load_registry(extra_plugins)
    result.rules = registry.rules
    result.weakenings = in_force(config.weakenings, config.severity, registry.rules)
    cache = caching.Cache.open(config.root, options.cache_dir and Path(options.cache_dir)) if options.cache else None
    pack_load = pack_for(config, registry, resolve=cache.resolve_pack if cache else resolve_pack)
    problems = selector_problems(config, registry.rules, hooks.families)
    if problems or pack_load.pack is None:
        return result.stopped(problems + pack_load.diagnostics), None
    result.pack = pack_load.pack.with_overrides(config.thresholds)
    base, problems = _base(paths, options)
    if problems:
        return result.stopped(problems), None
    return result, Setup(config, config_file, registry, pack_load, cache, base)


def _base(paths: list[str], options: Options) -> tuple[Revision | None, list[Diagnostic]]:
    """The revision ``--base`` names, or why it cannot be read (the linter then cannot run)."""
    if not options.base:
        return None, []
    from im4cm_lint.history import HistoryError, base_revision

    try:
        return base_revision(Path(paths[0] if paths else "."), options.base), []
    except HistoryError as err:
        return None, [InvalidConfig.at(Location(".", 1, 1), _("--base {revision}: {problem}", revision=options.base,
                                                                          problem=str(err)))]


def _results_key(setup: Setup, scope: Scope, paths: list[str], options: Options, today: datetime.date) -> Any:
    """What the whole run's findings depend on (None: do not answer from the cache). Writing a
    baseline is a side effect: it always runs."""
    if not setup.cache or options.write_baseline:
        return None
    config = setup.config
    return setup.cache.results_key(
        setup.registry.rules, scope.inputs, paths, *_checks_depend_on(setup, options, today),
        caching.file_stamp(options.baseline), caching.file_stamp(config.baseline and config.root / config.baseline),
        scope.found, setup.registry.problems, setup.base and setup.base.commit)


def _checks_depend_on(setup: Setup, options: Options, today: datetime.date) -> tuple:
    """What, besides the documents, the pack and the rules, decides the checks' findings."""
    return replace(options, cache=False, jobs=1), today, setup.config.root, caching.file_stamp(setup.config_file)


def _restored(result: RunResult, cache: caching.Cache, key: Any) -> bool:
    """The whole run's findings from the cache, when it has them."""
    stored = cache.results(key)
    if stored is None or len(stored) != 6 or not unchanged(stored[5]):  # [5]: the System sources the run read
        return False
    result.diagnostics, result.files, result.documents, result.baselined, result.fatal = stored[:5]
    return True


def _load(result: RunResult, setup: Setup, scope: Scope, options: Options, today: datetime.date) -> list[Diagnostic]:
    """Load the documents into the project model; the findings of loading, undecided."""
    config, cache = setup.config, setup.cache
    listing = None
    if setup.base is not None:
        from im4cm_lint.history import listing_started

        listing = listing_started(setup.base)  # git lists the base revision while the documents load
    documents, load_problems = load_documents(scope.inputs, config.max_file_size, cache, options.jobs)
    result.files, result.documents = len(scope.files), len(documents)
    result.project = Project(documents, today=today, root=config.root if config.path else None)
    if setup.base is not None:
        result.project.base = _base_project(setup, scope, documents, today, listing)
    if cache and scope.covers(config.root):
        cache.prune_files()  # every file of the project (and of the base) was read: entries of removed files go
    return _besides_checks(setup, scope, entries(documents), load_problems)


def _besides_checks(setup: Setup, scope: Scope, documents: list[tuple], load_problems: list[Diagnostic]) -> list:
    """The findings of discovery, loading, the policy packs among the files (``documents``:
    :func:`protocols.entries` of every document) and the plugins; the files a change to a DPISP
    affects join those reported."""
    if scope.reported is not None:
        scope.reported |= affected(documents, scope.reported)
    return [*scope.found, *load_problems,
            *lint_packs(((kind, path) for path, _index, kind, *_rest in documents), setup.registry.packs),
            *setup.registry.problems, *setup.pack_load.diagnostics]


def _base_project(setup: Setup, scope: Scope, documents: list[Document], today: datetime.date,
                  listing: GitCall | None) -> Project:
    """The project at the base revision: the files this run read unchanged lend their documents,
    only the files the change touched are read from git and parsed (``listing``: the revision's
    listing, started by :func:`im4cm_lint.history.listing_started`)."""
    from im4cm_lint.history import revision_project

    read = {item.shown: item.digest for item in scope.inputs}
    by_file: dict[str, list[Document]] = {}
    for document in documents:
        by_file.setdefault(document.path, []).append(document)
    same = {shown: (read[shown], docs) for shown, docs in by_file.items() if shown in read}
    config = setup.config
    return revision_project(setup.base, config.exclude, config.max_file_size, today, setup.cache, same, scope.search,
                            listing)


def _load_and_check_changed(result: RunResult, setup: Setup, cache: caching.Cache, scope: Scope, options: Options,
                            today: datetime.date, active: list[Rule]) -> tuple[list[Diagnostic], list[tuple[str, str]]]:
    """With the cache: load and check only the protocols a change affects (:mod:`im4cm_lint.protocols`);
    the findings of loading and checking, undecided, and (id, file) of every document."""
    config = setup.config
    whole = [rule for rule in active if rule.scope != "protocol"]
    run = ChangedRun(cache, scope.inputs, config.max_file_size, options.jobs)
    keys = run.keys(cache.results_key({rule.id: rule for rule in active}, [], *_checks_depend_on(setup, options, today)))
    stale = run.stale(keys)
    root = config.root if config.path else None
    checked = Project(run.documents(stale), today=today, root=root, known_ids=run.known_ids)
    project = Project(run.documents(None), today=today, root=root, known_ids=run.known_ids) if whole else checked
    result.project, result.files, result.documents = project, len(scope.files), len(run.entries)
    with documents_kept():
        found = run_checks(checked, result.pack, [r for r in active if r.scope == "protocol"],
                           config.check_timeout) if stale else []
        run.keep(keys, stale, found, checked.sources_read, scope.covers(config.root))
        if whole:
            found += run_checks(project, result.pack, whole, config.check_timeout)
    for record in (checked.sources_read, run.kept_sources):  # all the run's findings rest on (see _save)
        project.sources_read.update(record)
    if scope.covers(config.root):
        cache.prune_files()
    return [*_besides_checks(setup, scope, run.entries, run.load_problems), *run.kept_findings(keys, stale), *found], \
        [(doc_id, path) for path, _index, _kind, doc_id, *_rest in run.entries]


def _decide(result: RunResult, scope: Scope, selection: Selection, found: list[Diagnostic], options: Options,
            documents: list[tuple[str, str]]) -> None:
    """The findings the configuration keeps, once each, then the exceptions: the run's findings."""
    kept: dict[tuple, Diagnostic] = {}
    for diag in found:
        diag = selection.keep(diag)
        if diag is not None and scope.keeps(diag):
            kept.setdefault((diag.rule, diag.location, diag.message), diag)
    outcome = apply_exceptions(
        list(kept.values()), config=result.config, rules=result.rules, selection=selection, files=scope.files,
        sources=caching.directive_sources(scope.inputs),
        documents=documents, reported=scope.reported, today=result.project.today, baseline=options.baseline,
        write_baseline=options.write_baseline)
    unexplained = [] if outcome.fatal else without_reason(result.weakenings)  # not subject to ignore
    result.diagnostics = sorted((d.printable() for d in [*outcome.diagnostics, *unexplained]), key=Diagnostic.sort_key)
    result.baselined, result.fatal = outcome.baselined, outcome.fatal


def _save(result: RunResult, cache: caching.Cache | None, key: Any) -> None:
    """Keep what this run learnt in the cache."""
    if cache:
        if key:
            cache.store_results(key, (result.diagnostics, result.files, result.documents, result.baselined, result.fatal,
                                      result.project.sources_read if result.project else {}))
        cache.save()
