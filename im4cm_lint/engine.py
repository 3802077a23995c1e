"""One lint run: configuration -> plugins and pack -> files -> documents -> schema -> project model
-> checks -> the findings that the configuration keeps."""

from __future__ import annotations

import datetime
import fnmatch
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from im4cm_lint import schemas
from im4cm_lint.config import Config, find_config, load_config
from im4cm_lint.diagnostics import SEVERITY_RANK, Diagnostic, Location
from im4cm_lint.discovery import discover
from im4cm_lint.loader import load_file
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
        cfg = self.config
        if cfg.select and not matches(rule_id, cfg.select):
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


def load_documents(files: list[tuple[str, str]], max_file_size: int) -> tuple[list[Document], list[Diagnostic]]:
    """Parse and schema-check every file. Unknown keys do not stop a document from being checked;
    any other schema or parse problem does (its id still resolves for other documents)."""
    documents: list[Document] = []
    found: list[Diagnostic] = []
    for path, shown in files:
        loaded = load_file(path, shown, max_file_size)
        found.extend(loaded.diagnostics)
        for document in loaded.documents:
            problems = schema_problems(document)
            document.schema_ok = all(p.rule == "SCHEMA001" for p in problems)
            found.extend(problems)
            documents.append(document)
    return documents, found


def _lint_packs(documents: list[Document], registry: Registry) -> list[Diagnostic]:
    """Policy packs found among the linted files are loaded and validated as packs."""
    found: list[Diagnostic] = []
    for document in documents:
        if document.kind == "PolicyPack" and Path(document.path).name == PACK_FILE:
            found.extend(load_pack_folder(Path(document.path).parent, registry.packs).diagnostics)
    return found


def run_checks(project: Project, pack: Pack, rules: list[Rule]) -> list[Diagnostic]:
    """Run every rule; a rule that raises becomes a PLUGIN001 finding and the others go on."""
    found: list[Diagnostic] = []
    anchor = project.documents[0].path if project.documents else "."
    for rule in rules:
        try:
            found.extend(rule.check(project, pack))
        except Exception as err:  # noqa: BLE001 - a plugin's failure is a finding, not a crash
            found.append(Diagnostic(
                "PLUGIN001", "error", Location(anchor, 1, 1),
                f"check {rule.id} of plugin '{rule.plugin}' failed: {type(err).__name__}: {err}; "
                "the other checks still ran. Report this to the plugin's maintainers"))
    return found


def _git_root(start: Path) -> Path | None:
    for folder in (start.resolve().parent, *start.resolve().parents):
        if (folder / ".git").exists():
            return folder
    return None


def files_given_scope(paths: list[str], config: Config) -> tuple[list[str], set[str] | None]:
    """Pre-commit passes file names, but the documents those files rely on (the DPISP an export
    names) live elsewhere in the repository. When every path is a file, the whole project (the
    configuration's folder, else the git root) is loaded too; the second value is then the set
    of files to report on (shown paths), else None (report on everything)."""
    if not paths or not all(os.path.isfile(p) for p in paths):
        return paths or ["."], None
    root = config.root if config.path else _git_root(Path(paths[0]))
    return [*paths, *([str(root)] if root else [])], {shown_path(p) for p in paths}


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
    pack_load = resolve_pack(config.policy_pack, registry.packs, config.root,
                             config.where("policy-pack") if config.policy_pack else None)
    if selector_problems or pack_load.pack is None:
        result.diagnostics = selector_problems + pack_load.diagnostics
        result.fatal = True
        return result
    pack = pack_load.pack.with_overrides(config.thresholds)
    result.pack = pack

    search, reported = files_given_scope(paths, config)
    if options.report_all or options.write_baseline:
        reported = None
    files, found = discover(search, config.exclude)
    documents, load_problems = load_documents(files, config.max_file_size)
    found += load_problems + _lint_packs(documents, registry) + registry.problems + pack_load.diagnostics
    result.files, result.documents = len(files), len(documents)
    project = Project(documents, today=options.today or datetime.date.today())
    result.project = project

    selection = Selection(config)
    active = [rule for rid, rule in sorted(registry.rules.items()) if selection.enabled(rid)]
    found += run_checks(project, pack, active)

    kept: dict[tuple, Diagnostic] = {}
    for diag in found:
        diag = selection.keep(diag)
        if diag is not None and (reported is None or diag.path in reported or diag.family in ("CONFIG", "PLUGIN")):
            kept.setdefault((diag.rule, diag.location, diag.message), diag)
    outcome = apply_exceptions(
        list(kept.values()), config=config, rules=registry.rules, selection=selection, files=files,
        project=project, reported=reported, today=project.today, baseline=options.baseline,
        write_baseline=options.write_baseline)
    result.diagnostics = sorted(outcome.diagnostics, key=Diagnostic.sort_key)
    result.baselined, result.fatal = outcome.baselined, outcome.fatal
    return result
