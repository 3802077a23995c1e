"""Paths as users see them, and the repository a path belongs to."""

from __future__ import annotations

import os
from pathlib import Path


def shown_path(path: Path | str) -> str:
    """A path as users see it: relative to the working directory when inside it, with '/'."""
    path = os.path.abspath(path)
    cwd = os.getcwd()
    if path == cwd:
        return "."
    if path.startswith(cwd + os.sep):
        path = os.path.relpath(path, cwd)
    if not path.isprintable():  # a name that is not UTF-8 (or holds control characters) is shown escaped
        path = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        path = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in path)
    return path.replace(os.sep, "/")


def repo_root(start: Path) -> Path | None:
    """The git repository ``start`` (a folder, or a file's folder) is in: the nearest folder at or
    above it holding ``.git``; None outside a repository."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None
