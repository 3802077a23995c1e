"""Opening an .xlsx from a repository under review without trusting it.

An .xlsx is a zip of XML parts. Before openpyxl sees it: the declared uncompressed size of every
part is summed and capped (a zip bomb declares gigabytes; Python's zip reader never inflates
past a part's declared size), the number of parts is capped, and a part carrying a DTD (entity
expansion) is refused. openpyxl then reads it read-only, formulas as text (never evaluated) and
without external links; a workbook that links to other files is reported.
"""

from __future__ import annotations

import io
import zipfile

from openpyxl.utils import get_column_letter

from im4cm_lint.i18n import _, _n

from im4cm_lint_checks.systems.facts import Facts, Pos

MAX_UNCOMPRESSED = 32 * 1024 * 1024  # an XLSForm is kilobytes; a large forms export a few MB
MAX_COLUMNS = 64  # columns read in a row: XLSForm and forms-export columns are the first dozen
MAX_PARTS = 2_000
_PROLOGUE = 4096  # a DTD can only stand before the root element


def cell_name(sheet: str, row: int, column: int) -> str:
    title = f"'{sheet}'" if not sheet.replace("_", "").isalnum() else sheet
    return f"{title}!{get_column_letter(column)}{row}"


def _refusal(data: bytes) -> tuple[str, str] | None:
    """(where, why) the archive must not be opened, or None."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return "workbook", _("the file is not an .xlsx workbook (not a zip archive)")
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            return "workbook", _("the workbook has {count} parts, more than the {limit} that are read",
                                  count=format(len(parts), ","), limit=format(MAX_PARTS, ","))
        total = sum(part.file_size for part in parts)
        if total > MAX_UNCOMPRESSED:
            return "workbook", _("the workbook would unpack to {size} bytes, more than the {limit} that are read (a zip "
                                "bomb, or not a form)", size=format(total, ","), limit=format(MAX_UNCOMPRESSED, ","))
        for part in parts:
            if part.filename.endswith((".xml", ".rels", ".vml")):
                try:
                    with archive.open(part) as handle:
                        head = handle.read(_PROLOGUE)
                except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as err:
                    return part.filename, _("part {part} cannot be unpacked: {error}", part=part.filename, error=err)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    return part.filename, _("part {part} declares a DTD, which a workbook never needs; it is not read",
                                                  part=part.filename)
        links = [p.filename for p in parts if p.filename.startswith("xl/externalLinks/") and p.filename.endswith(".xml")]
        if links:
            return "external-links", _n("the workbook links to {n} other file(s) ({link}); links are not followed: remove them "
                                      "(Data > Edit Links > Break Link) so the form stands alone",
                                      "the workbook links to {n} other file(s) ({link}); links are not followed: remove "
                                      "them (Data > Edit Links > Break Link) so the form stands alone", len(links),
                                      link=links[0])
    return None


def open_workbook(data: bytes, facts: Facts):
    """A read-only openpyxl workbook, or None with a Problem in ``facts``."""
    refused = _refusal(data)
    if refused and refused[0] != "external-links":
        facts.problem(Pos(facts.path, 1, 1, refused[0]), refused[1])
        return None
    if refused:  # reported, then read without them
        facts.problem(Pos(facts.path, 1, 1, refused[0]), refused[1])
    try:
        import openpyxl

        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False,
                                      keep_vba=False)
    except Exception as err:  # noqa: BLE001 - any malformed part: openpyxl raises many kinds
        facts.problem(Pos(facts.path, 1, 1, "workbook"),
                      _("the workbook cannot be read: {error}; save it again as .xlsx", error=type(err).__name__))
        return None


def is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")
