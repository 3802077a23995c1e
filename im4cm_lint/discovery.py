"""Finding the YAML files to lint under the given paths."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from im4cm_lint.diagnostics import Diagnostic, Location
from im4cm_lint.paths import shown_path

YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_DIRS = {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__",
                ".mypy_cache", ".pytest_cache", ".ruff_cache", ".im4cm-lint-cache"}


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


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def discover(paths: list[str], exclude: list[str]) -> tuple[list[tuple[str, str]], list[Diagnostic]]:
    """(file path, shown path) of every YAML file under ``paths``, sorted, and unreadable paths.

    Files named explicitly are taken whatever their suffix; folders are walked without following
    links (so link loops cannot trap the walk), skipping VCS folders, virtualenvs and excludes.
    """
    found: dict[str, str] = {}
    problems: list[Diagnostic] = []

    def unreadable(path: str, err: OSError) -> None:
        shown = shown_path(path)
        problems.append(Diagnostic("PARSE008", "error", Location(shown, 1, 1),
                                   f"cannot read '{shown}': {err.strerror or err}"))

    for given in paths:
        if os.path.isfile(given):
            shown = shown_path(given)
            if not excluded(shown, exclude):
                found.setdefault(os.path.abspath(given), shown)
            continue
        if not os.path.isdir(given):
            if os.path.lexists(given):
                unreadable(given, OSError(0, "not a regular file or folder"))
            else:
                unreadable(given, FileNotFoundError(2, "no such file or folder"))
            continue
        if not os.access(given, os.R_OK | os.X_OK):
            unreadable(given, PermissionError(13, "permission denied"))
            continue
        for folder, dirs, files in os.walk(given, onerror=lambda err: unreadable(err.filename, err)):
            keep = []
            for name in sorted(dirs):
                full = os.path.join(folder, name)
                if name in SKIPPED_DIRS or _is_virtualenv(full) or excluded(shown_path(full), exclude):
                    continue
                if not os.access(full, os.R_OK | os.X_OK) and not os.path.islink(full):
                    unreadable(full, PermissionError(13, "permission denied"))
                    continue
                keep.append(name)
            dirs[:] = keep
            for name in files:
                if not name.endswith(YAML_SUFFIXES):
                    continue
                full = os.path.join(folder, name)
                shown = shown_path(full)
                if not excluded(shown, exclude):
                    found.setdefault(os.path.abspath(full), shown)
    files = sorted(found.items(), key=lambda item: item[1])
    return files, problems
