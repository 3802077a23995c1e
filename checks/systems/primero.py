"""Primero's own files: the configuration bundle (JSON) and the forms export (.xlsx).

The bundle is what ``rails primero:export_config_json`` writes and ``/api/v2/configurations``
serves: a PrimeroConfiguration whose ``data`` holds, per model of
``PrimeroConfiguration::CONFIGURABLE_MODELS``, the list of each record's ``configuration_hash``
(primeroIMS/primero @4b95bf94: app/models/primero_configuration.rb, role.rb, agency.rb,
user_group.rb, form_section.rb, field.rb, permission.rb). The forms export is the workbook of
``Exporters::FormExporter`` (app/models/exporters/form_exporter.rb): a sheet per form with the
form's unique id in A1, a header row, then one row per field with its id in column C.
"""

from __future__ import annotations

import json

from im4cm_lint.i18n import N_, _

from im4cm_lint_checks.systems.facts import Agency, Facts, Form, FormField, Pos, Role, UserGroup
from im4cm_lint_checks.systems.jsonpos import JsonIndex, pointer

MODELS = ("FormSection", "Lookup", "Agency", "Role", "UserGroup", "Report", "ContactInformation")


def decode(data: bytes, facts: Facts) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        facts.problem(Pos(facts.path, 1, 1, f"byte {err.start}"),
                      _("the file is not UTF-8 text (byte {byte}); export it again from the system", byte=err.start))
        return None


class _Bundle:
    """Reads one bundle into Facts, reporting each malformed part at its JSON pointer."""

    def __init__(self, text: str, facts: Facts):
        self.index = JsonIndex(text)
        self.facts = facts

    def pos(self, parts: tuple) -> Pos:
        return Pos(self.facts.path, address=parts, locator=self.index)

    def problem(self, parts: tuple, message: str) -> None:
        self.facts.problem(self.pos(parts), f"{pointer(parts)}: {message}")

    def expect(self, value, kind: type, parts: tuple, words: str) -> bool:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return True
        self.problem(parts, _("must be {what}", what=_(words)))
        return False

    def records(self, models: dict, prefix: tuple, name: str):
        """(pointer parts, record) of each well-formed record of one model."""
        items = models.get(name)
        if items is None:
            return
        if not self.expect(items, list, (*prefix, name), N_("a list of records")):
            return
        for number, item in enumerate(items):
            parts = (*prefix, name, number)
            if self.expect(item, dict, parts, N_("a record (an object)")) and \
                    self.expect(item.get("unique_id"), str, (*parts, "unique_id"), N_("the record's id (text)")):
                yield parts, item

    def role(self, parts: tuple, item: dict) -> None:
        role = Role(item["unique_id"], self.pos(parts), group_permission=str(item.get("group_permission") or ""))
        for flag in ("referral", "transfer"):
            value = item.get(flag)
            if value is not None and self.expect(value, bool, (*parts, flag), N_("true or false")):
                setattr(role, flag, value)
        permissions = item.get("permissions")
        if permissions is not None and self.expect(permissions, dict, (*parts, "permissions"),
                                                   N_("an object of resource -> actions")):
            for resource, actions in permissions.items():
                if resource == "objects":  # agency/role scopes of some permissions, not actions
                    continue
                where = (*parts, "permissions", resource)
                if not self.expect(actions, list, where, N_("a list of actions")):
                    continue
                role.permissions[resource] = [a for a in actions if isinstance(a, str)]
                for number, action in enumerate(actions):
                    if self.expect(action, str, (*where, number), N_("an action name (text)")):
                        role.permission_pos.setdefault(action, self.pos((*where, number)))
        forms = item.get("form_section_read_write")
        if forms is not None and self.expect(forms, dict, (*parts, "form_section_read_write"),
                                             N_("an object of form id -> \"r\" or \"rw\"")):
            for form_id, access in forms.items():
                if access in ("r", "rw"):
                    role.forms[form_id] = access
                else:
                    self.problem((*parts, "form_section_read_write", form_id), _('must be "r" or "rw"'))
        self.facts.roles.append(role)

    def form(self, parts: tuple, item: dict) -> None:
        form = Form(item["unique_id"], self.pos(parts))
        fields = item.get("fields_attributes", item.get("fields"))
        key = "fields_attributes" if "fields_attributes" in item else "fields"
        if fields is not None and self.expect(fields, list, (*parts, key), N_("a list of fields")):
            for number, entry in enumerate(fields):
                where = (*parts, key, number)
                if not self.expect(entry, dict, where, N_("a field (an object)")) or \
                        not self.expect(entry.get("name"), str, (*where, "name"), N_("the field's name (text)")):
                    continue
                kind = entry.get("type") if isinstance(entry.get("type"), str) else ""
                subform = entry.get("subform_unique_id") or entry.get("subform_section_unique_id")
                form.fields.append(FormField(entry["name"], kind, self.pos((*where, "name")),
                                             subform if isinstance(subform, str) else None))
        self.facts.forms.append(form)

    def agency(self, parts: tuple, item: dict) -> None:
        code = item.get("agency_code")
        agency = Agency(item["unique_id"], code if isinstance(code, str) else "", self.pos(parts),
                        disabled=item.get("disabled") is True)
        if "terms_of_use_enabled" in item and self.expect(item["terms_of_use_enabled"], bool,
                                                          (*parts, "terms_of_use_enabled"), N_("true or false")):
            agency.terms_of_use_enabled = item["terms_of_use_enabled"]
            agency.terms_pos = self.pos((*parts, "terms_of_use_enabled"))
        self.facts.agencies.append(agency)

    def group(self, parts: tuple, item: dict) -> None:
        group = UserGroup(item["unique_id"], self.pos(parts))
        ids = item.get("agency_unique_ids")
        if ids is not None and self.expect(ids, list, (*parts, "agency_unique_ids"), N_("a list of agency ids")):
            group.agency_unique_ids = [a for n, a in enumerate(ids)
                                       if self.expect(a, str, (*parts, "agency_unique_ids", n), N_("an agency id (text)"))]
        self.facts.groups.append(group)


def _models(document) -> tuple[dict, tuple] | None:
    """The object holding the model lists, and its pointer: the bundle itself, its ``data`` (a
    PrimeroConfiguration record), or ``data.data`` (the API's envelope around one)."""
    prefix: tuple = ()
    for _ in range(3):
        if not isinstance(document, dict):
            return None
        if any(name in document for name in MODELS):
            return document, prefix
        document, prefix = document.get("data"), (*prefix, "data")
    return None


def read_config(data: bytes, shown: str) -> Facts:
    facts = Facts("primero-config", shown)
    text = decode(data, facts)
    if text is None:
        return facts
    try:
        document = json.loads(text)
    except RecursionError:  # the C scanner guards its own stack
        facts.problem(Pos(shown, 1, 1, "/"), _("the JSON nests too deep to be a Primero configuration bundle"))
        return facts
    except json.JSONDecodeError as err:
        facts.problem(Pos(shown, err.lineno, err.colno, f"line {err.lineno}"),
                      _("the file is not valid JSON: {error} (line {line}, column {column}); export the configuration "
                        "again (rails primero:export_config_json)", error=err.msg, line=err.lineno, column=err.colno))
        return facts
    found = _models(document)
    bundle = _Bundle(text, facts)
    if found is None:
        bundle.problem((), _("this is not a Primero configuration bundle: no {models} lists (at the top, under 'data' or "
                             "under 'data.data')", models=", ".join(MODELS[:5])))
        return facts
    models, prefix = found
    readers = {"Role": bundle.role, "FormSection": bundle.form, "Agency": bundle.agency, "UserGroup": bundle.group}
    for name, reader in readers.items():
        for parts, item in bundle.records(models, prefix, name):
            reader(parts, item)
    return facts


# --- the forms export (.xlsx) -----------------------------------------------------------------

FORM_HEADER = "Field ID"  # the header of the field id column (config/locales/en.yml exports.forms.header)
SKIPPED_SHEETS = ("Key", "Primero Forms")  # the export's index sheets; lookups come last


def read_forms(data: bytes, shown: str) -> Facts:
    from im4cm_lint_checks.systems.xlsform import MAX_ROWS
    from im4cm_lint_checks.systems.xlsx import MAX_COLUMNS, cell_name, open_workbook

    facts = Facts("primero-forms", shown)
    workbook = open_workbook(data, facts)
    if workbook is None:
        return facts
    try:
        for sheet in workbook.worksheets:
            if sheet.title in SKIPPED_SHEETS:
                continue
            rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=MAX_ROWS)
            first = next(rows, ())
            header = next(rows, ())
            unique_id = first[0] if first else None
            if not header or FORM_HEADER not in [str(v).strip() for v in header if v is not None]:
                continue  # a lookups sheet or another table: not a form
            column = [str(v).strip() if v is not None else "" for v in header].index(FORM_HEADER)
            if not isinstance(unique_id, str) or not unique_id.strip():
                facts.problem(Pos(shown, 1, 1, f"{sheet.title}!A1"),
                              _("{cell} must hold the form's id, as Primero's forms export writes it",
                                cell=sheet.title + "!A1"))
                continue
            form = Form(unique_id.strip(), Pos(shown, 1, 1, f"{sheet.title}!A1"))
            for number, row in enumerate(rows, start=3):
                value = row[column] if column < len(row) else None
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                where = cell_name(sheet.title, number, column + 1)
                if not isinstance(value, str):
                    facts.problem(Pos(shown, number, column + 1, where), _("{cell} must be a field id (text)", cell=where))
                    continue
                kind = row[column + 1] if column + 1 < len(row) and isinstance(row[column + 1], str) else ""
                form.fields.append(FormField(value.strip(), kind, Pos(shown, number, column + 1, where)))
            facts.forms.append(form)
    finally:
        workbook.close()
    if not facts.forms and not facts.problems:
        facts.problem(Pos(shown, 1, 1, "workbook"),
                      _("no sheet has a '{header}' header in row 2: this is not Primero's forms export",
                        header=FORM_HEADER))
    return facts
