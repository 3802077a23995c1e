"""Finding the YAML files to lint under the given paths, and saying what was left out.

Nothing that is or looks like an im4cm document is passed over in silence: YAML files are found
whatever the case of their suffix; a ``.json`` file that states an im4cm header is reported
(im4cm documents are YAML files); folders the walk skips (tools' own folders, virtualenvs,
``node_modules``) are named in the summary and searched for im4cm documents, which are
reported; a link to a folder is not followed (so a loop cannot trap the walk) and is named, and
reported when it leads out of the linted paths. Version control's own store (``.git``) is the
only folder skipped without a word: a pull request cannot commit into it.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from im4cm_lint import sniff
from im4cm_lint.i18n import _
from im4cm_lint.diagnostics import Diagnostic, Location
from im4cm_lint.engine_rules.parse import SkippedDocument, Unreadable
from im4cm_lint.paths import repo_root, shown_path

YAML_SUFFIXES = (".yaml", ".yml")  # matched whatever their case
OTHER_SUFFIXES = (".json",)  # read only to report an im4cm document saved under another name
VCS_DIRS = {".git", ".hg", ".svn"}
SKIPPED_DIRS = {".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache",
                ".ruff_cache", ".im4cm-lint-cache"}
SEARCH_BUDGET = 5_000  # entries of skipped folders searched for im4cm documents in one run


@dataclass(frozen=True)
class SkippedFolder:
    """A folder the walk did not enter, and why; named in the run's summary."""

    shown: str
    why: str


@dataclass
class Discovery:
    """What a walk found: the files to lint ((path, shown path), sorted), problems to report,
    the folders it skipped, and how many files and folders the configuration's ``exclude`` took out."""

    files: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    skipped: list[SkippedFolder] = field(default_factory=list)
    excluded: int = 0


def excluded(shown: str, patterns: list[str]) -> bool:
    """True when a path (as shown, '/'-separated) or one of its folders matches a pattern."""
    parts = shown.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(shown, pattern) or any(fnmatch.fnmatch(p, pattern) for p in parts):
            return True
        if any(fnmatch.fnmatch("/".join(parts[:i]), pattern) for i in range(1, len(parts))):
            return True
    return False


def is_yaml(name: str) -> bool:
    return name.lower().endswith(YAML_SUFFIXES)


def _is_virtualenv(path: str) -> bool:
    """A real virtualenv: ``pyvenv.cfg`` and an interpreter or a site-packages beside it (an
    empty ``pyvenv.cfg`` alone does not make a folder one)."""
    if not os.path.isfile(os.path.join(path, "pyvenv.cfg")):
        return False
    return any(os.path.lexists(os.path.join(path, *parts)) for parts in (
        ("bin", "python"), ("bin", "python3"), ("Scripts", "python.exe"))) or \
        any(os.path.isdir(os.path.join(path, "lib", name, "site-packages"))
            for name in _listing(os.path.join(path, "lib")) if name.startswith("python"))


def _listing(path: str) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


def _why_skipped(full: str, name: str) -> str | None:
    if name in SKIPPED_DIRS:
        return name
    if _is_virtualenv(full):
        return _("a virtualenv")
    return None


class _Walk:
    """One walk over the given paths."""

    def __init__(self, roots: list[str], exclude: list[str]):
        self.exclude = exclude
        self.roots = [os.path.realpath(r) for r in roots]
        self.found: dict[str, str] = {}
        self.result = Discovery()
        self.budget = SEARCH_BUDGET

    def problem(self, rule: type[Unreadable] | type[SkippedDocument], shown: str, message: str) -> None:
        self.result.problems.append(rule.at(Location(shown, 1, 1), message))

    def unreadable(self, path: str, err: OSError) -> None:
        shown = shown_path(path)
        self.problem(Unreadable, shown, _("cannot read '{path}': {reason}", path=shown, reason=str(err.strerror or err)))

    def take(self, full: str) -> None:
        if os.path.islink(full):
            self.linked_file(full)
            return
        shown = shown_path(full)
        if excluded(shown, self.exclude):
            self.result.excluded += 1
        else:
            self.found.setdefault(os.path.abspath(full), shown)

    def other_file(self, full: str) -> None:
        """A ``.json`` file: reported when it states an im4cm header."""
        shown = shown_path(full)
        if excluded(shown, self.exclude):
            return
        with contextlib.suppress(OSError):  # gone or unreadable meanwhile: the walk reports what it can
            data = sniff.head_of(full, 2 * sniff.HEAD)
            if data and sniff.holds_document(data):
                self.problem(SkippedDocument, shown,
                             _("'{path}' holds an im4cm document but is not a .yaml file, so it is not checked; "
                               "im4cm documents are YAML: rename it to .yaml", path=shown))

    def folder(self, full: str, name: str) -> bool:
        """Whether to enter a folder; a skipped one is named, and searched when it may hide documents."""
        shown = shown_path(full)
        if name in VCS_DIRS:
            return False
        if excluded(shown, self.exclude):
            self.result.excluded += 1
            return False
        if os.path.islink(full):
            self.link(full, shown)
            return False
        why = _why_skipped(full, name)
        if why:
            self.search(full, shown, why)
            return False
        if not os.access(full, os.R_OK | os.X_OK):
            self.unreadable(full, PermissionError(13, _("permission denied")))
            return False
        return True

    def link(self, full: str, shown: str) -> None:
        target = os.path.realpath(full)
        inside = any(target == root or target.startswith(root + os.sep) for root in self.roots)
        self.result.skipped.append(SkippedFolder(shown, _("a link to a folder linted where it is") if inside
                                                 else _("a link to a folder outside the linted paths")))
        if not inside:
            self.problem(Unreadable, shown,
                         _("'{path}' is a link to a folder outside the linted paths; links to folders are not "
                           "followed, so the documents there are not checked: lint that folder itself, or "
                           "replace the link by the folder", path=shown))

    def linked_file(self, full: str) -> None:
        """A link to a file is never read through: one to a file inside the linted paths or the
        repository stands for that file (linted once, where it is); one that leaves them is a
        finding, since whoever opens a pull request chooses where a link points."""
        shown, target = shown_path(full), os.path.realpath(full)
        home = repo_root(Path(os.path.abspath(full)))
        folders = [*self.roots, *([os.path.realpath(home)] if home else [])]
        if any(target.startswith(folder + os.sep) for folder in folders) and os.path.isfile(target):
            skipped = SkippedFolder(shown, f"a link to {shown_path(target)}, linted there")
            if skipped not in self.result.skipped:  # files given and their folder walk the link twice
                self.result.skipped.append(skipped)
            self.take(target)
            return
        self.problem(Unreadable, shown,
                     f"'{shown}' is a link to a file outside the repository (or to no file); links that leave the "
                     "repository are not followed, so it is not checked: put the document itself in the repository")

    def search(self, full: str, shown: str, why: str) -> None:
        """Name a skipped folder and report the im4cm documents in it (as far as the budget goes)."""
        complete = True
        for folder, dirs, files in os.walk(full):
            dirs[:] = sorted(d for d in dirs if d not in VCS_DIRS)
            self.budget -= len(dirs) + len(files)
            if self.budget < 0:
                complete = False
                break
            for name in sorted(files):
                if is_yaml(name) or name.lower().endswith(OTHER_SUFFIXES):
                    self.hidden(os.path.join(folder, name), why)
        note = "" if complete else _("; not searched past {count} entries", count=format(SEARCH_BUDGET, ","))
        self.result.skipped.append(SkippedFolder(shown, why + note))

    def hidden(self, path: str, why: str) -> None:
        with contextlib.suppress(OSError):  # gone or unreadable meanwhile: the walk reports what it can
            data = sniff.head_of(path)
            if data and sniff.holds_document(data):
                shown = shown_path(path)
                self.problem(SkippedDocument, shown,
                             _("'{path}' holds an im4cm document inside a folder the linter skips ({why}), so it is "
                               "not checked; move it out of there, or lint it by naming it", path=shown, why=why))

    def walk(self, given: str) -> None:
        if os.path.isfile(given):
            self.take(given)
            return
        if not os.path.isdir(given):
            missing = os.path.lexists(given)
            self.unreadable(given, OSError(0, _("not a regular file or folder")) if missing
                            else FileNotFoundError(2, _("no such file or folder")))
            return
        if not os.access(given, os.R_OK | os.X_OK):
            self.unreadable(given, PermissionError(13, _("permission denied")))
            return
        for folder, dirs, files in os.walk(given, onerror=lambda err: self.unreadable(err.filename, err)):
            dirs[:] = [name for name in sorted(dirs) if self.folder(os.path.join(folder, name), name)]
            for name in files:
                if is_yaml(name):
                    self.take(os.path.join(folder, name))
                elif name.lower().endswith(OTHER_SUFFIXES):
                    self.other_file(os.path.join(folder, name))


def walk(paths: list[str], exclude: list[str]) -> Discovery:
    """Every YAML file under ``paths`` and what was left out (see the module's docstring).

    Files named explicitly are taken whatever their suffix; folders are walked without following
    links, skipping version control's store, tools' folders, virtualenvs and excludes.
    """
    state = _Walk(paths, exclude)
    for given in paths:
        state.walk(given)
    state.result.files = sorted(state.found.items(), key=lambda item: item[1])
    state.result.problems.sort(key=Diagnostic.sort_key)
    return state.result


def discover(paths: list[str], exclude: list[str]) -> tuple[list[tuple[str, str]], list[Diagnostic]]:
    """(file path, shown path) of every YAML file under ``paths``, sorted, and the problems found."""
    found = walk(paths, exclude)
    return found.files, found.problems
