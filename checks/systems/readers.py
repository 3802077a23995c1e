"""One entry point from a System document to the facts of its source, read once per run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from im4cm_lint.i18n import _
from im4cm_lint.model import Project, System
from im4cm_lint.sources import SourceError, SourceFiles

if TYPE_CHECKING:  # imported when a System is read: its dataclasses cost milliseconds a run that has none
    from im4cm_lint_checks.systems.facts import Facts


def _read_bytes(files: SourceFiles, relative: str, facts: Facts) -> bytes | None:
    try:
        return files.read(relative)
    except SourceError as err:
        facts.unreadable = str(err)
        return None


def read(files: SourceFiles, format_name: str, relative: str) -> Facts:
    """The facts of one source file (or project), whatever it holds: problems are facts too."""
    from im4cm_lint_checks.systems import openfn, primero, xlsform
    from im4cm_lint_checks.systems.facts import Facts, Pos

    shown = files.shown(relative) if isinstance(relative, str) else "?"
    if format_name == "openfn-project":
        return openfn.read_project(files, relative, shown)
    readers = {"primero-config": primero.read_config, "primero-forms": primero.read_forms,
               "xlsform": xlsform.read_xlsform}
    facts = Facts(format_name, shown)
    data = _read_bytes(files, relative, facts)
    if data is None:
        return facts
    try:
        return readers[format_name](data, shown)
    except (OSError, ValueError, KeyError, IndexError, TypeError, EOFError, RuntimeError) as err:
        # openpyxl reads sheets lazily: a damaged part may fail while rows are read
        facts.problem(Pos(shown, 1, 1, shown), _("the file cannot be read: {error}", error=type(err).__name__))
        return facts


def system_facts(project: Project, system: System) -> Facts | None:
    """The facts of a System's source, shared by every SYSTEM rule of the run (None: the
    document does not say where its source is, which the schema reports)."""
    source = system.source
    format_name, relative = source.get("format"), source.get("path")
    if not isinstance(format_name, str) or not isinstance(relative, str):
        return None
    from im4cm_lint_checks.systems.facts import Facts

    def compute() -> Facts:
        return read(project.source_files(system), format_name, relative)

    stopped = Facts(format_name, relative, unreadable=_("reading it did not finish within the check time limit"))
    return project.memo(("systems", system.path, system.index), compute, pending=stopped)
