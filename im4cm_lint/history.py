"""The documents of a git revision, read without checking it out.

``im4cm-lint diff BASE [HEAD]`` and the history-aware checks compare the working tree (or a
revision) with an earlier revision. The revision's files are read from git's object store:
``git ls-tree -r -z -l REV`` lists them, ``git cat-file --batch`` hands over their bytes, and the
loader turns those bytes into documents exactly as it does for files on disk, so both sides are
the same Project model. git runs with fixed argument lists (never through a shell), a revision
that could be read as an option is refused, and sizes are bounded as for files on disk.
"""

from __future__ import annotations

import datetime
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from im4cm_lint.cache import FileInput, digest
from im4cm_lint.diagnostics import Diagnostic, Location
from im4cm_lint.discovery import SKIPPED_DIRS, YAML_SUFFIXES, excluded
from im4cm_lint.i18n import _
from im4cm_lint.paths import shown_path

GIT_TIMEOUT = 120  # seconds for one git command; reading 5,000 files takes well under one
MAX_TREE_FILES = 100_000  # YAML files of one revision; a country repository holds a few hundred
WORKING_TREE = None  # the revision name that stands for the files on disk
_REGULAR_MODES = (b"100644", b"100755")  # links (120000) and submodules (160000) are never read


class HistoryError(Exception):
    """The revision cannot be read: not a git repository, an unknown revision, git missing or
    failing. The message says what to do; the CLI exits with status 2."""


@dataclass(frozen=True)
class Revision:
    """A commit of the repository at ``root``, as the user named it (``name``)."""

    root: Path
    name: str
    commit: str

    @property
    def short(self) -> str:
        return self.commit[:12]


class GitCall:
    """A git command with a fixed argument list, run in ``root`` (never through a shell). It
    starts at once and :meth:`result` waits for it, so a run can go on while git works; it is
    killed when the wait lasts GIT_TIMEOUT seconds. A timer kills it rather than a ``timeout``
    argument: with one, Python waits for the exit by polling with sleeps, milliseconds of every
    pre-commit run."""

    def __init__(self, root: Path, *args: str, stdin: bytes | None = None):
        env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        self.args, self.stdin = args, stdin
        self.command = ["git", "-c", "core.fsmonitor=false", *args]
        try:
            self.proc = subprocess.Popen(self.command, cwd=root, stdin=None if stdin is None else subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        except FileNotFoundError:
            raise HistoryError(_("git is not installed (or not on PATH); it is needed to read earlier "
                                 "revisions")) from None
        except OSError as err:
            raise HistoryError(_("cannot run git: {reason}", reason=str(err.strerror or err))) from None

    def result(self) -> subprocess.CompletedProcess:
        import threading

        expired: list[bool] = []

        def stop() -> None:
            expired.append(True)
            self.proc.kill()

        timer = threading.Timer(GIT_TIMEOUT, stop)
        timer.start()
        try:
            out, err = self.proc.communicate(self.stdin)
        finally:
            timer.cancel()
        if expired:
            raise HistoryError(_("git {command} did not finish within {seconds} s", command=self.args[0],
                                 seconds=GIT_TIMEOUT))
        return subprocess.CompletedProcess(self.command, self.proc.returncode, out, err)

    def output(self) -> bytes:
        """What git wrote, or HistoryError when it failed."""
        done = self.result()
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise HistoryError(_("git {command} failed: {problem}", command=self.args[0],
                                 problem=message[-1] if message else _("exit status {code}", code=done.returncode)))
        return done.stdout


def _run_git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run git (see :class:`GitCall`) and wait for it."""
    return GitCall(root, *args, stdin=stdin).result()


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git with a fixed argument list in ``root``; its output, or HistoryError."""
    return GitCall(root, *args, stdin=stdin).output()


def repository_root(start: Path) -> Path:
    """The top folder of the git repository that holds ``start``."""
    folder = start if start.is_dir() else start.parent
    try:
        top = _git(folder, "rev-parse", "--show-toplevel")
    except HistoryError:
        raise HistoryError(_("'{path}' is not in a git repository; run the command inside the country "
                             "repository's clone", path=shown_path(folder))) from None
    return Path(os.fsdecode(top.rstrip(b"\n")))


def open_revision(root: Path, name: str) -> Revision:
    """The commit ``name`` (a branch, tag, sha, ``HEAD~1``...) stands for in the repository at
    ``root``. A name that starts with '-' is refused: git would read it as an option."""
    _refuse_option(name)
    if name == "HEAD" and unborn(root):
        raise HistoryError(_("the repository has no commit yet, so there is no HEAD to compare with"))
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}")
    except HistoryError:
        raise HistoryError(_unknown(name)) from None
    return Revision(root, name, commit.decode("ascii").strip())


def _refuse_option(name: str) -> None:
    if not name or name.startswith("-") or any(ch in name for ch in "\0\n"):
        raise HistoryError(_("'{name}' is not a revision name: give a branch, a tag or a commit", name=name))


def _unknown(name: str) -> str:
    return _("unknown revision '{name}': give a branch, a tag or a commit of this repository (in a shallow "
             "clone, fetch it first, e.g. 'git fetch origin main')", name=name)


def unborn(root: Path) -> bool:
    """True in a repository whose current branch has no commit yet (before the first commit)."""
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except HistoryError:
        return True
    return False


def listing_started(revision: Revision) -> GitCall:
    """The listing of ``revision``'s files, started now: give it to :func:`revision_project`
    (``listing``), and git lists the revision while the run reads the working tree."""
    return GitCall(revision.root, "ls-tree", "-r", "-z", "-l", "--full-tree", revision.commit)


def _listing(revision: Revision, started: GitCall | None = None) -> list[tuple[str, bytes, int]]:
    """(path, object id, size) of every regular YAML file of the revision, as git stores it
    (``started``: its listing, from :func:`listing_started`)."""
    out = (started or listing_started(revision)).output()
    found: list[tuple[str, bytes, int]] = []
    venvs: set[str] = set()
    for entry in out.split(b"\0"):
        meta, tab, raw = entry.partition(b"\t")
        if not tab:
            continue
        mode, kind, oid, size = meta.split()
        path = os.fsdecode(raw)
        if path.endswith("/pyvenv.cfg"):
            venvs.add(path.rpartition("/")[0])
        if kind == b"blob" and mode in _REGULAR_MODES and path.endswith(YAML_SUFFIXES):
            found.append((path, oid, int(size)))
    return [item for item in found
            if not any(part in SKIPPED_DIRS for part in item[0].split("/")[:-1])
            and not any(item[0].startswith(folder + "/") for folder in venvs)]


def revision_inputs(revision: Revision, exclude: list[str], max_file_size: int, under: list[str] | None = None,
                    listing: GitCall | None = None) -> tuple[list[FileInput], list[Diagnostic]]:
    """The YAML files of ``revision`` as the run's inputs (paths shown as for the files on disk),
    sorted by shown path, and a PARSE007 finding for each file over ``max_file_size`` (not read).
    ``under``: only the files in these files or folders (as given to the lint); ``listing``: the
    revision's listing, already started (:func:`listing_started`)."""
    listed = []
    problems: list[Diagnostic] = []
    scope = [os.path.abspath(folder) for folder in under] if under else None
    for path, oid, size in _listing(revision, listing):
        full = os.path.abspath(revision.root / path)
        if scope is not None and not any(full == top or full.startswith(top.rstrip(os.sep) + os.sep) for top in scope):
            continue
        shown = shown_path(full)
        if excluded(shown, exclude):
            continue
        if size > max_file_size:
            problems.append(Diagnostic(
                "PARSE007", "error", Location(shown, 1, 1),
                _("at {revision} the file is {size} MB, over the {limit} MB limit; it was not read",
                  revision=revision.name, size=format(size / 1_048_576, ".1f"),
                  limit=format(max_file_size / 1_048_576, ".1f"))))
            continue
        listed.append((shown, path, oid, size))
    if len(listed) > MAX_TREE_FILES:
        raise HistoryError(_("{revision} holds {count} YAML files, more than the {limit} im4cm-lint reads from "
                             "one revision", revision=revision.name, count=format(len(listed), ","),
                             limit=format(MAX_TREE_FILES, ",")))
    listed.sort()
    blobs = _read_blobs(revision, [oid for _, _, oid, _ in listed])
    inputs = [FileInput(f"{revision.commit}:{path}", shown, blobs[oid], digest(blobs[oid]))
              for shown, path, oid, _ in listed]
    return inputs, problems


def _read_blobs(revision: Revision, oids: list[bytes]) -> dict[bytes, bytes]:
    """The bytes of each object, from one ``git cat-file --batch`` (sizes were bounded by the
    listing, so the output is too)."""
    unique = list(dict.fromkeys(oids))
    if not unique:
        return {}
    out = _git(revision.root, "cat-file", "--batch", stdin=b"".join(oid + b"\n" for oid in unique))
    blobs: dict[bytes, bytes] = {}
    at = 0
    for oid in unique:
        end = out.find(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3 or header[0] != oid or header[1] != b"blob":
            raise HistoryError(f"git cat-file returned an unexpected answer for object {oid.decode('ascii', 'replace')}")
        size = int(header[2])
        blobs[oid] = out[end + 1:end + 1 + size]
        at = end + 1 + size + 1
    return blobs


def load_inputs(inputs: list[FileInput], max_file_size: int, today: datetime.date | None = None, cache=None):
    """The Project the run would build from ``inputs`` (documents of a revision or of the working
    tree), and the PARSE/SCHEMA findings met on the way."""
    from im4cm_lint.loading import load_documents
    from im4cm_lint.model import Project

    documents, found = load_documents(inputs, max_file_size, cache)
    return Project(documents, today=today or datetime.date.today()), found


def working_tree_inputs(root: Path, exclude: list[str], max_file_size: int) -> tuple[list[FileInput], list[Diagnostic]]:
    """The YAML files on disk under ``root``, found as the lint finds them."""
    from im4cm_lint.cache import read_inputs
    from im4cm_lint.discovery import discover

    files, problems = discover([str(root)], exclude)
    return read_inputs(files, max_file_size), problems



def base_revision(start: Path, name: str) -> Revision | None:
    """The revision ``--base NAME`` names, in the repository holding ``start``; None for ``HEAD``
    before the first commit (nothing to compare with yet). One git call: the run pays for it
    on every pre-commit."""
    _refuse_option(name)
    folder = start if start.is_dir() else start.parent
    done = _run_git(folder, "rev-parse", "--show-toplevel", "--verify", "--quiet", "--end-of-options",
                    f"{name}^{{commit}}")
    lines = done.stdout.decode("utf-8", "surrogateescape").splitlines()
    if not lines:
        raise HistoryError(_("'{path}' is not in a git repository; run the command inside the country "
                             "repository's clone", path=shown_path(folder)))
    root = Path(os.fsdecode(lines[0].encode("utf-8", "surrogateescape")))
    if done.returncode != 0 or len(lines) < 2:
        if name == "HEAD":
            return None
        raise HistoryError(_unknown(name))
    return Revision(root, name, lines[1].strip())


def revision_project(revision: Revision, exclude: list[str], max_file_size: int,
                     today: datetime.date | None = None, cache=None, same: dict | None = None,
                     under: list[str] | None = None, listing: GitCall | None = None):
    """The Project of ``revision``, as the run would build it from the same files on disk.

    ``same`` maps a shown path to (content hash, documents) of the files the run already read:
    a file of the revision with that content reuses those documents instead of being parsed
    again, so a base revision costs only the files the change touched (and checks that compare
    the two sides can skip a document that is the very same object on both). ``under`` and ``listing`` as for
    :func:`revision_inputs`."""
    inputs, _problems = revision_inputs(revision, exclude, max_file_size, under, listing)
    same = same or {}
    todo = [item for item in inputs if same.get(item.shown, ("",))[0] != item.digest]
    project, _problems = load_inputs(todo, max_file_size, today, cache)
    parsed: dict[str, list] = {}
    for document in project.documents:
        parsed.setdefault(document.path, []).append(document)
    documents = [document for item in inputs
                 for document in (same[item.shown][1] if same.get(item.shown, ("",))[0] == item.digest
                                  else parsed.get(item.shown, []))]
    from im4cm_lint.model import Project

    return Project(documents, today=project.today)


def changed_only(base: list[FileInput], head: list[FileInput]) -> tuple[list[FileInput], list[FileInput]]:
    """The inputs of each side whose path or content the other side does not have: a file
    unchanged between two revisions cannot change what they say."""
    base_keys = {(item.shown, item.digest) for item in base}
    head_keys = {(item.shown, item.digest) for item in head}
    return ([item for item in base if (item.shown, item.digest) not in head_keys],
            [item for item in head if (item.shown, item.digest) not in base_keys])
