"""XLSForms (KoBoToolbox, ODK): the questions of the ``survey`` sheet and the ``settings`` sheet.

Column names follow the XLSForm specification as pyxform reads it (XLSForm/pyxform: survey
``type``/``name``/``label``, settings ``form_id``, ``submission_url`` and ``public_key``, the key
that encrypts submissions; KoBo: "encrypting forms"). No pyxform is needed to read them.
"""

from __future__ import annotations

from im4cm_lint.i18n import _

from im4cm_lint_checks.systems.facts import Facts, Form, FormField, Pos
from im4cm_lint_checks.systems.xlsx import MAX_COLUMNS, cell_name, is_formula, open_workbook

MAX_ROWS = 20_000  # the largest real forms have a few thousand rows
NO_DATA = {"begin group", "end group", "begin_group", "end_group", "begin repeat", "end repeat",
           "begin_repeat", "end_repeat", "note"}  # structure and text shown, never an answer


def _header(row) -> dict[str, int]:
    return {str(value).strip().lower(): number for number, value in enumerate(row)
            if isinstance(value, str) and value.strip()}


def _survey(sheet, facts: Facts, form: Form) -> None:
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header = _header(next(rows, ()))
    if "type" not in header or "name" not in header:
        facts.problem(Pos(facts.path, 1, 1, cell_name(sheet.title, 1, 1)),
                      _("{cell}: the survey sheet needs 'type' and 'name' columns in row 1",
                        cell=cell_name(sheet.title, 1, 1)))
        return
    kind_at, name_at = header["type"], header["name"]
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS:
            facts.problem(Pos(facts.path, number, 1, cell_name(sheet.title, number, 1)),
                          _("the survey sheet has more than {count} rows; the rest is not read", count=format(MAX_ROWS, ",")))
            return
        kind = row[kind_at] if kind_at < len(row) else None
        name = row[name_at] if name_at < len(row) else None
        for value, column in ((kind, kind_at), (name, name_at)):
            if is_formula(value):
                where = cell_name(sheet.title, number, column + 1)
                facts.problem(Pos(facts.path, number, column + 1, where),
                              _("{cell} holds a formula, which is not computed; write its value", cell=where))
        if not isinstance(kind, str) or not kind.strip() or is_formula(kind):
            continue
        kind = " ".join(kind.split()).lower()
        if kind in NO_DATA:
            continue
        where = cell_name(sheet.title, number, name_at + 1)
        if not isinstance(name, str) or not name.strip() or is_formula(name):
            if not is_formula(name):
                facts.problem(Pos(facts.path, number, name_at + 1, where),
                              _("{cell}: a question of type '{type}' has no name", cell=where, type=kind.split()[0]))
            continue
        form.fields.append(FormField(name.strip(), kind, Pos(facts.path, number, name_at + 1, where)))


def _settings(sheet, facts: Facts) -> None:
    rows = list(sheet.iter_rows(min_row=1, max_row=2, max_col=MAX_COLUMNS, values_only=True))
    header = _header(rows[0]) if rows else {}
    values = rows[1] if len(rows) > 1 else ()
    facts.settings_pos = Pos(facts.path, 1, 1, cell_name(sheet.title, 1, 1))
    column = header.get("public_key")
    key = values[column] if column is not None and column < len(values) else None
    facts.encrypted = isinstance(key, str) and bool(key.strip()) and not is_formula(key)


def read_xlsform(data: bytes, shown: str) -> Facts:
    facts = Facts("xlsform", shown)
    workbook = open_workbook(data, facts)
    if workbook is None:
        return facts
    try:
        sheets = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
        if "survey" not in sheets:
            facts.problem(Pos(shown, 1, 1, "workbook"), _("the workbook has no 'survey' sheet: it is not an XLSForm"))
            return facts
        form = Form(sheets["survey"].title, Pos(shown, 1, 1, cell_name(sheets["survey"].title, 1, 1)))
        _survey(sheets["survey"], facts, form)
        facts.forms.append(form)
        facts.encrypted = False
        if "settings" in sheets:
            _settings(sheets["settings"], facts)
    finally:
        workbook.close()
    return facts
