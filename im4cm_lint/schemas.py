"""The shape of each document kind (FORMAT.md sections 1 and 2), as cerberus schemas.

These schemas are the single source of the contract's structure: the validator below, the
JSON Schema export and the scaffolds are all built from them. Errors come back as SCHEMA
findings at the exact key or value, with "did you mean" for unknown keys and enum values.
"""

from __future__ import annotations

import datetime
import re
import itertools
from typing import Any, Callable, Iterator

from im4cm_lint.diagnostics import Diagnostic
from im4cm_lint.i18n import N_, _
from im4cm_lint.engine_rules.schema import (
    BadDate, BadId, BadValue, MissingKey, NotAllowedValue, UnknownKey, UnknownKind, UnsupportedApiVersion,
    WrongType,
)
from im4cm_lint.values import shown
from im4cm_lint.words import did_you_mean
from im4cm_lint.yamltree import YMap, YSeq, locate

ID = r"[a-z0-9][a-z0-9._-]*"
SYSTEM_ID = r"[a-z0-9][a-z0-9.+_-]*"
API_VERSION = "im4cm/v1"
MAX_ERRORS = 100  # findings per document (and errors per mapping) that validation records

SETTINGS = ["refugee", "mixed", "idp", "other"]
DPISP_STATUSES = ["draft", "in_review", "signed", "in_force", "expired"]
PARTY_TYPES = ["un_agency", "ingo", "lngo", "authority", "service_provider"]
UNHCR_ROLES = ["donor", "coordinator", "service_provider", "data_controller"]
PARTNERSHIPS = ["implementing_partner", "operational_partner", "none"]
BASES = ["consent", "best_interests", "vital_interests", "legal_obligation", "public_interest"]
SYSTEMS = ["cpims+", "primero", "progres-v4", "kobo", "spreadsheet", "other"]
LEVELS = ["low", "medium", "high"]
IMPACTS = ["low", "medium", "high", "severe"]
SENSITIVITIES = ["low", "moderate", "high", "severe"]


def _id(required: bool = True, **extra: Any) -> dict:
    return {"type": "string", "regex": ID, "required": required, **extra}


def _text(required: bool = False, **extra: Any) -> dict:
    return {"type": "string", "required": required, **extra}


def _date(required: bool = False) -> dict:
    return {"type": "string", "check_with": "iso_date", "required": required}


def _ids(required: bool = False, **extra: Any) -> dict:
    return {"type": "list", "schema": {"type": "string", "regex": ID}, "required": required, **extra}


def _one_of(values: list[str], required: bool = False) -> dict:
    return {"type": "string", "allowed": values, "required": required}


def _list_of(schema: dict, required: bool = False, **extra: Any) -> dict:
    return {"type": "list", "required": required, "schema": {"type": "dict", "schema": schema}, **extra}


PERSON = {
    "name": _text(True),
    "title": _text(),
    "party": _id(),
    "email": _text(),
    "phone": _text(),
}

ASSIGNMENT = {
    "holder": {"type": "dict", "required": True, "schema": PERSON},
    "backup": {"type": "dict", "schema": PERSON},
    "confirmed": _date(),
    "trained": _date(),
    "note": _text(),
}

ANNEX_C_ITEM = {
    "met": {"type": "boolean", "required": True},
    "reference": _text(),
    "clause": _id(False),
    "document": _text(),  # met outside the protocol (contract 5.2): for obligations the pack allows
    "note": _text(),
    "hours": {"type": "integer", "min": 0},
    "notify": _text(),
    "days": {"type": "integer", "min": 0},
}

METADATA_COMMON = {
    "id": _id(),
    "description": _text(),
    "version": _text(),
}

DPISP = {
    "apiVersion": _text(True),
    "kind": _text(True),
    "metadata": {
        "type": "dict",
        "required": True,
        "schema": {
            **METADATA_COMMON,
            "country": {"type": "string", "regex": "[A-Z]{2}", "required": True},
            "operation": _text(True),
            "setting": _one_of(SETTINGS, True),
            "template": {"type": "string", "regex": ID + "@[A-Za-z0-9._-]+", "required": True},
            "version": _text(True),
            "status": _one_of(DPISP_STATUSES, True),
            "drafted": _date(),
            "effective": _date(),
            "review_by": _date(),
            "supersedes": _text(),
            "print_names": {"type": "boolean"},  # the signable document (render) prints people's names
        },
    },
    "parties": _list_of(
        {
            "id": _id(),
            "name": _text(True),
            "type": _one_of(PARTY_TYPES, True),
            "local": {"type": "boolean"},
            "unhcr_roles": {"type": "list", "schema": {"type": "string", "allowed": UNHCR_ROLES}},
            "unhcr_partnership": _one_of(PARTNERSHIPS),
            "systems": {"type": "list", "schema": {"type": "string", "regex": SYSTEM_ID}},
            "contact": _text(),
        },
        required=True,
        minlength=1,
    ),
    "roles": {
        "type": "dict",
        "keysrules": {"type": "string", "regex": ID},
        "valuesrules": {
            "anyof": [
                # cerberus does not pass allow_unknown=False into `anyof` branches: say it in each
                {"type": "dict", "schema": ASSIGNMENT, "allow_unknown": False},
                {"type": "list", "schema": {"type": "dict", "schema": ASSIGNMENT, "allow_unknown": False}},
            ]
        },
    },
    "clauses": _list_of(
        {
            "id": _id(),
            "title": _text(),
            "locked": {"type": "boolean"},
            "text": _text(True),
        }
    ),
    "sharing": _list_of(
        {
            "id": _id(),
            "from": _id(),
            "to": _id(),
            "unhcr_role": _one_of(UNHCR_ROLES),
            "purpose": _id(),
            "basis": _one_of(BASES, True),
            "categories": _ids(True, minlength=1),
            # one reason for the rule, or one per category that needs one (contract 5.2)
            "justification": {"anyof": [{"type": "string"},
                                        {"type": "dict", "keysrules": {"type": "string", "regex": ID},
                                         "valuesrules": {"type": "string"}}]},
            "channel": _text(),
            "level": _one_of(["individual", "aggregate"]),
            "onward_sharing": {"type": "boolean"},
            "onward_recipients": _ids(),
            "consent_withdrawal": _text(),
            "note": _text(),
        }
    ),
    "annex_c": {
        "type": "dict",
        "schema": {"applies_to": _ids(True)},
        "allow_unknown": {"type": "dict", "schema": ANNEX_C_ITEM},
    },
    "signatures": _list_of(
        {
            "party": _id(),
            "by": {"type": "dict", "required": True, "schema": {"name": _text(True), "title": _text()}},
            "signed": _date(True),
        }
    ),
}

DPIA = {
    "apiVersion": _text(True),
    "kind": _text(True),
    "metadata": {
        "type": "dict",
        "required": True,
        "schema": {
            **METADATA_COMMON,
            "dpisp": _id(),
            "status": _one_of(["draft", "in_review", "completed", "expired"], True),
            "completed": _date(),
            "review_by": _date(),
        },
    },
    "processing": _list_of(
        {
            "id": _id(),
            "description": _text(),
            "systems": {"type": "list", "schema": {"type": "string", "regex": SYSTEM_ID}},
            "parties": _ids(),
            "purposes": _ids(),
        }
    ),
    "risks": _list_of(
        {
            "id": _id(),
            "description": _text(True),
            "likelihood": _one_of(LEVELS, True),
            "impact": _one_of(IMPACTS, True),
            "mitigations": {"type": "list", "schema": {"type": "string"}},
            "owner": _id(False),
            "residual": _one_of(LEVELS, True),
            "decision": _text(),
        }
    ),
    "signoff": _list_of({"role": _id(), "by": _text(True), "signed": _date(True)}),
}

EXPORT_FIELD = {
    "anyof": [
        {"type": "string"},
        {
            "type": "dict",
            "allow_unknown": False,  # cerberus does not pass it into `anyof` branches
            "schema": {
                "name": _text(True),
                "category": _id(False),
                "from": {"type": "list", "minlength": 1, "schema": {"type": "string"}},  # derived or merged
                "transform": _text(),  # how a derived field is made less precise than its sources
                "constant": {"type": "boolean"},  # a fixed value: no data about a person
                "values": {"type": "list", "minlength": 1, "schema": {"type": "string"}},  # options sent
                "note": _text(),
            },
        },
    ]
}

EXPORT_RECORDS = {  # contract 5.1: which records an export sends
    "type": "dict",
    "schema": {
        "consent": {"type": "list", "schema": {"type": "string"}},
        "opt_out": {"type": "list", "schema": {"type": "string"}},
        "filters": {"type": "list", "schema": {"type": "string"}},
    },
}

DATA_EXPORT = {
    "apiVersion": _text(True),
    "kind": _text(True),
    "metadata": {
        "type": "dict",
        "required": True,
        "schema": {**METADATA_COMMON, "dpisp": _id()},
    },
    "system": _one_of(SYSTEMS, True),
    "owner": _id(),
    "recipient": _id(),
    "purpose": _id(),
    "sharing_rule": _id(False),
    "level": _one_of(["individual", "aggregate"], True),
    "min_cell_size": {"type": "integer", "min": 0},
    "fields": {"type": "list", "required": True, "minlength": 1, "schema": EXPORT_FIELD},
    "records": EXPORT_RECORDS,
    "breakdowns": {"type": "list", "schema": {"type": "list", "minlength": 1, "schema": {"type": "string"}}},
    "secondary_suppression": {"type": "boolean"},
    "transport": {
        "type": "dict",
        "required": True,
        "schema": {"encrypted": {"type": "boolean", "required": True}, "method": _text()},
    },
    "schedule": _text(),
    "consent_withdrawal": _text(),
    # how consent is verified where the pack knows no consent field of the system (SHARE023)
    "consent_verified": _text(),
}

_CATEGORY_IDS = _ids()

POLICY_PACK = {
    "apiVersion": _text(True),
    "kind": _text(True),
    "metadata": {
        "type": "dict",
        "required": True,
        "schema": {
            "name": _id(),
            "version": {"type": "string", "regex": r"[0-9A-Za-z._-]+", "required": True},
            "released": _date(),
            "supersedes": {"type": "list", "schema": {"type": "string"}},
            "extends": _text(),
            "description": _text(),
            "source": _text(),
        },
    },
    "include": {"type": "list", "schema": {"type": "string"}},
    "placeholder_pattern": _text(),
    "translations": {"type": "dict"},  # from the pack's translations/ folder (im4cm_lint/pack.py)
    "thresholds": {
        "type": "dict",
        "keysrules": {"type": "string", "regex": ID},
        "valuesrules": {"type": "number"},
    },
    "categories": _list_of(
        {
            "id": _id(),
            "name": _text(),
            "sensitivity": _one_of(SENSITIVITIES, True),
            "identifiable": {"type": "boolean", "required": True},
            "description": _text(True),
            "replaced_by": _id(False),
            "coarsens": _id(False),  # a coarser form of this category: never worse than it
        }
    ),
    "systems": _list_of(
        {
            "id": {"type": "string", "regex": SYSTEM_ID, "required": True},
            "name": _text(True),
            "field_map": {"type": "string", "nullable": True},
            # why `consent_fields` lists none for the system (quoted where consent cannot be judged)
            "no_consent_fields": _text(),
        }
    ),
    "field_maps": {
        "type": "dict",
        # field name -> category id, or {category, values: {option: category}} for a lookup field
        # whose options carry categories of their own (contract 5.4)
        # (checked by one function, not a cerberus `anyof`: thousands of entries would cost
        # seconds on every run that loads the pack)
        "valuesrules": {"type": "dict", "keysrules": {"type": "string"},
                        "valuesrules": {"type": ["string", "dict"], "check_with": "field_map_entry"}},
    },
    "quasi_identifiers": _CATEGORY_IDS,  # categories that single a child out in combination
    "forbidden_channels": _list_of(  # channels that must never carry personal data
        {"id": _id(), "pattern": _text(True), "reason": _text(True), "source": _text()}),
    "consent_fields": _list_of(
        {
            "field": _text(True),
            "system_map": _text(True),
            "covers": {"type": "list", "schema": {"type": "string"}},
            "superseded_by": _text(),
            "description": _text(),
            "note": _text(),
        }
    ),
    "roles": _list_of(
        {
            "id": _id(),
            "name": _text(True),
            "scope": _one_of(["process", "party"], True),
            "required_in": {"type": "list", "schema": {"type": "string", "allowed": SETTINGS}},
            "requires_systems": {"type": "list", "schema": {"type": "string", "regex": SYSTEM_ID}},
            "unhcr_only": {"type": "boolean"},
            "backup": _one_of(["required", "same_party", "optional"]),
            "training": _one_of(["expected", "optional"]),
            "party_types": {"type": "list", "schema": {"type": "string", "allowed": PARTY_TYPES}},
            "incompatible_with": _ids(),
            "description": _text(True),
            "responsibilities": {"type": "list", "schema": {"type": "string"}},
            "source": _text(),
        }
    ),
    "clauses": _list_of(
        {
            "id": _id(),
            "title": _text(True),
            "section": {"type": "integer"},
            "locked": {"type": "boolean", "required": True},
            "template": {"type": "boolean"},  # adaptable: the words outside its slots are fixed
            "owner_role": _id(False),
            "guidance": _text(),
            "versions": {
                "type": "dict",
                "required": True,
                "keysrules": {"type": "string"},
                "valuesrules": {"type": "string"},
            },
            "source": _text(),
        }
    ),
    "purposes": _list_of(
        {
            "id": _id(),
            "name": _text(True),
            "description": _text(),
            "individual_level": {"type": "boolean", "required": True},
            "need_to_know": _CATEGORY_IDS,
            "with_justification": _CATEGORY_IDS,
            "never": _CATEGORY_IDS,
            "bases": {"type": "list", "schema": {"type": "string", "allowed": BASES}},
            "consent_fields": {"type": "list", "schema": {"type": "string"}},
            "recipients": {"type": "list", "schema": {"type": "string"}},
            "source": _text(),
        }
    ),
    "annex_c": _list_of(
        {
            "id": _id(),
            "title": _text(True),
            "obligation": _text(True),
            "source": _text(),
            "parameter": {"type": "dict", "nullable": True, "allow_unknown": True},
            "met_by": _ids(),  # clauses that can meet the obligation
            "agreement": {"type": "boolean"},  # may be met by a document outside the protocol
        }
    ),
}

SCHEMAS: dict[str, dict] = {"DPISP": DPISP, "DPIA": DPIA, "DataExport": DATA_EXPORT, "PolicyPack": POLICY_PACK}

_TYPE_WORDS = {  # shown through _() in the SCHEMA003 message
    "string": N_("text"),
    "dict": N_("a mapping (key: value lines)"),
    "list": N_("a list"),
    "boolean": N_("true or false"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
}


def _value_word(value: Any) -> str:
    """What a value is, in English (the caller shows it through _())."""
    if isinstance(value, bool):
        return N_("true/false")
    if isinstance(value, (int, float)):
        return N_("a number")
    if value is None:
        return N_("empty")
    if isinstance(value, dict):
        return N_("a mapping")
    if isinstance(value, list):
        return N_("a list")
    return N_("text")


def _iso_date(value: Any) -> bool:
    """YYYY-MM-DD only: Python also reads week dates (2024-W52-7) and other ISO forms."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return False
        datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _field_map_entry(value: Any) -> bool:
    """A category id, or {category, values: {option: category}, note} (contract 5.4)."""
    if isinstance(value, str):
        return re.fullmatch(ID, value) is not None
    values = value.get("values", {})
    return (set(value) <= {"category", "values", "note"}
            and isinstance(value.get("category"), str) and re.fullmatch(ID, value["category"]) is not None
            and isinstance(values, dict)
            and all(isinstance(k, str) and isinstance(v, str) and re.fullmatch(ID, v) for k, v in values.items()))


# --- the quick test: does a value certainly fit? ---------------------------------------------------
#
# Most documents fit their schema, and for them cerberus has nothing to say: importing it costs
# ~40 ms a process and it validates a DPISP in ~15 ms, most of a one-file pre-commit run. The
# quick test below reads the same schemas and answers only "certainly fits": it is stricter than
# cerberus wherever the two could differ (an integer that is a boolean, a regex that matches only
# a prefix, unknown keys that cerberus would let through by inheritance, any rule it does not
# know), so a document it passes is one cerberus passes (tests/test_schema_quick.py holds the two
# together on every example and on thousands of mutated documents). Anything else goes to
# cerberus, which finds the errors and words them.

_QUICK_TYPES = {
    "string": lambda v: isinstance(v, str),
    "dict": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, list),
    "boolean": lambda v: v is True or v is False,
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) is int or type(v) is float,
}
_QUICK_RULES = {"type", "required", "regex", "allowed", "schema", "keysrules", "valuesrules", "anyof", "allow_unknown",
                "minlength", "min", "max", "nullable", "check_with"}
_AFTER_NULL = {"nullable", "required", "allow_unknown", "allowed", "keysrules", "min", "max", "minlength", "regex",
               "schema", "type", "valuesrules"}  # what cerberus skips (or does not apply) for an allowed null
_CHECKS = {"iso_date": _iso_date, "field_map_entry": _field_map_entry}
_COMPILED: dict[int, tuple[Any, Any]] = {}  # id of a rules dict -> (the dict, its test): built once a process


def _compiled(rules: dict) -> Callable[[Any], bool]:
    """The test of a field's ``rules``: whether a value certainly satisfies them (False: ask
    cerberus). Built once per rules dict (the schemas are constants), so that testing a value
    looks nothing up that could be decided beforehand."""
    entry = _COMPILED.get(id(rules))
    if entry is None or entry[0] is not rules:
        entry = _COMPILED[id(rules)] = (rules, _compile(rules))
    return entry[1]


def _compile(rules: dict) -> Callable[[Any], bool]:  # noqa: PLR0912 - one branch per rule
    null_ok = rules.get("nullable") is True and rules.keys() <= _AFTER_NULL
    if not rules.keys() <= _QUICK_RULES:
        return lambda value: False
    tests: list[Callable[[Any], bool]] = []
    wanted = rules.get("type")
    if wanted is not None:
        kinds = [_QUICK_TYPES[name] for name in ((wanted,) if isinstance(wanted, str) else wanted) if name in _QUICK_TYPES]
        tests.append(kinds[0] if len(kinds) == 1 else lambda value: any(kind(value) for kind in kinds))
    if "regex" in rules:
        full = re.compile(rules["regex"]).fullmatch
        tests.append(lambda value: isinstance(value, str) and full(value) is not None)
    if "allowed" in rules:
        allowed = rules["allowed"]
        tests.append(lambda value: isinstance(value, str) and value in allowed)
    if "minlength" in rules:
        least = rules["minlength"]
        tests.append(lambda value: isinstance(value, (str, list, dict)) and len(value) >= least)
    if "min" in rules:
        low = rules["min"]
        tests.append(lambda value: type(value) in (int, float) and value >= low)
    if "max" in rules:
        high = rules["max"]
        tests.append(lambda value: type(value) in (int, float) and value <= high)
    if "check_with" in rules:
        check = _CHECKS.get(rules["check_with"])
        tests.append((lambda value: check(value)) if check else (lambda value: False))
    if "schema" in rules:  # the rules of a list's items, or the schema of a mapping: built when first needed
        inner, allow_unknown = rules["schema"], rules.get("allow_unknown", False)
        tests.append(lambda value: all(map(_compiled(inner), value)) if isinstance(value, list)
                     else _compiled_mapping(inner, allow_unknown)(value) if isinstance(value, dict) else False)
    if "keysrules" in rules or "valuesrules" in rules:
        keys = _compiled(rules["keysrules"]) if "keysrules" in rules else None
        values = _compiled(rules["valuesrules"]) if "valuesrules" in rules else None
        tests.append(lambda value: isinstance(value, dict) and (keys is None or all(map(keys, value)))
                     and (values is None or all(map(values, value.values()))))
    if "anyof" in rules:
        inherited = {rule: rules[rule] for rule in ("type", "allow_unknown") if rule in rules}
        branches = [_compile({**inherited, **branch}) for branch in rules["anyof"]]
        tests.append(lambda value: any(branch(value) for branch in branches))

    def test(value: Any) -> bool:
        if value is None:
            return null_ok
        for one in tests:
            if not one(value):
                return False
        return True

    return test


_MAPPINGS: dict[tuple[int, Any], tuple[Any, Any]] = {}


def _compiled_mapping(schema: dict, allow_unknown: Any) -> Callable[[dict], bool]:
    """The test of a mapping against ``schema``: every key known (or let through by an
    ``allow_unknown`` of its own), every value fitting, every required key there."""
    key = (id(schema), allow_unknown if allow_unknown is True or allow_unknown is False else id(allow_unknown))
    entry = _MAPPINGS.get(key)
    if entry is not None and entry[0] is schema:
        return entry[1]
    fields = {name: _compiled(rules) for name, rules in schema.items()}
    required = [name for name, rules in schema.items() if rules.get("required") is True]
    unknown = ((lambda value: True) if allow_unknown is True
               else _compiled(allow_unknown) if isinstance(allow_unknown, dict) else None)

    def test(value: dict) -> bool:
        for name, item in value.items():
            fits = fields.get(name) if type(name) is str else None
            if fits is None:
                if unknown is None or not unknown(item):
                    return False
            elif not fits(item):
                return False
        for name in required:
            if name not in value:
                return False
        return True

    _MAPPINGS[key] = (schema, test, allow_unknown)
    return test


def certainly_fits(schema: dict, body: Any) -> bool:
    """True when ``body`` fits ``schema`` for certain, without cerberus (see above)."""
    return isinstance(body, dict) and _compiled_mapping(schema, False)(body)


def _make_validator_class():
    import cerberus

    class Validator(cerberus.Validator):
        def _error(self, *args):
            # Every error ends here as a list. cerberus would re-sort the whole list and fill two
            # error trees each time (a flood of bad keys then takes minutes); only the list is
            # read (sorted once, in _leaf_errors), and past MAX_ERRORS (+1, to tell that there
            # are more) per mapping it stops growing. A validator with errors still fails, so
            # validity is unchanged.
            if len(args) == 1:
                room = MAX_ERRORS + 1 - len(self._errors)
                if room > 0:
                    self._errors.extend(list(args[0])[:room])
                return
            super()._error(*args)

        def _check_with_iso_date(self, field: str, value: Any) -> None:
            if not _iso_date(value):
                self._error(field, "ISO_DATE")

        def _check_with_field_map_entry(self, field: str, value: Any) -> None:
            if not _field_map_entry(value):
                self._error(field, "FIELD_MAP_ENTRY")

    class TrustedSchema(cerberus.schema.DefinitionSchema):
        def validate(self, schema=None) -> None:
            """The schemas are the linter's own code, checked by the test suite instead."""

    return Validator, TrustedSchema


_validators: dict[int, Any] = {}


def _validator(schema: dict, trusted: bool = True):
    """One cerberus validator per schema, built on first use. cerberus checks a schema before
    using it, and that check costs 15 ms a process for the DPISP schema alone, a tenth of a
    pre-commit run: the linter's own schemas are checked by the test suite instead
    (``trusted=False`` builds a validator that checks its schema, as the tests do)."""
    key = id(schema)
    if key not in _validators or not trusted:
        validator_class, trusted_schema = _make_validator_class()
        if not trusted:
            return validator_class(schema, allow_unknown=False)
        validator = validator_class(allow_unknown=False)
        validator.schema = trusted_schema(validator, schema)
        _validators[key] = validator
    return _validators[key]


def _leaf_errors(errors) -> Iterator[Any]:
    for error in sorted(errors):
        if error.is_group_error and error.rule != "anyof":
            yield from _leaf_errors(error.child_errors)
        elif error.is_group_error and (branch := _matching_branch(error)) is not None:
            yield from _leaf_errors(branch)  # the value has the type of one branch: its own errors
        else:
            yield error


def _matching_branch(error) -> list | None:
    """The errors of the one `anyof` branch whose type the value has (a mapping where a role
    takes a mapping or a list), so that a typo inside it is reported as such; None when no
    single branch fits."""
    depth = len(error.schema_path)
    branches: dict[int, list] = {}
    for child in error.child_errors:
        branches.setdefault(child.schema_path[depth], []).append(child)
    fitting = [found for found in branches.values()
               if not any(e.rule == "type" and e.document_path == error.document_path for e in found)]
    return fitting[0] if len(fitting) == 1 and len(branches) == len(error.constraint) else None


def _subschema(schema: dict, path: tuple) -> dict | None:
    """The schema of the mapping at ``path`` (list indices step into list item schemas)."""
    rules: dict | None = {"type": "dict", "schema": schema}
    for step in path:
        if rules is None:
            return None
        rules = _branch_for(rules, "list" if isinstance(step, int) else "dict")
        if isinstance(step, int):
            rules = rules.get("schema") if rules.get("type") == "list" else None
        else:
            inner = rules.get("schema") if isinstance(rules.get("schema"), dict) else None
            rules = inner.get(step) if inner else rules.get("valuesrules")
    rules = _branch_for(rules, "dict") if rules else rules
    return rules.get("schema") if rules and isinstance(rules.get("schema"), dict) else None


def _branch_for(rules: dict, kind: str) -> dict:
    """The `anyof` branch of ``rules`` for a value of ``kind`` ('dict' or 'list'), else ``rules``."""
    for branch in rules.get("anyof") or ():
        if branch.get("type") == kind:
            return branch
    return rules


def _walk(body: YMap, path: tuple) -> tuple[Any, Any]:
    """The container holding the last step of ``path``, and that step."""
    container: Any = body
    for step in path[:-1]:
        try:
            nxt = container[step]
        except (KeyError, IndexError, TypeError):
            return container, None
        if not isinstance(nxt, (YMap, YSeq)):
            return container, step
        container = nxt
    return container, path[-1] if path else None


def _where(path: tuple) -> str:
    text = ".".join(shown(s, quote=False) if not isinstance(s, int) else f"[{s}]" for s in path).replace(".[", "[")
    return f"'{text}'" if text else _("the document")


def validate(kind: str, body: YMap) -> list[Diagnostic]:
    """SCHEMA findings for one document of ``kind`` (which must be a key of SCHEMAS)."""
    return validate_with(SCHEMAS[kind], body)


def validate_with(schema: dict, body: YMap) -> list[Diagnostic]:
    """SCHEMA findings for ``body`` against a cerberus ``schema``, pointing at YAML positions."""
    if certainly_fits(schema, body):
        return []
    validator = _validator(schema)
    if validator.validate(body, normalize=False):
        return []
    errors = itertools.islice(_leaf_errors(validator._errors), MAX_ERRORS + 1)  # one more says "there are more"
    return [_diagnostic(schema, body, error) for error in errors]


def _split_by_comma(container: Any, key: Any) -> str | None:
    """The key whose unquoted value a comma split inside a flow mapping
    (`{title: Head, Juvenile and Family Section}`): the unknown ``key`` then has words and no
    value, on the same line as the key before it."""
    if not isinstance(container, YMap) or container.get(key) is not None or " " not in str(key).strip():
        return None
    keys = list(container)
    index = keys.index(key) if key in keys else 0
    if index == 0:
        return None
    before = keys[index - 1]
    same_line = container.key_pos.get(before, (0, 0))[0] == container.key_pos.get(key, (-1, 0))[0]
    return before if same_line and isinstance(container.get(before), str) else None


def _diagnostic(schema: dict, body: YMap, error) -> Diagnostic:
    import cerberus.errors as E

    path = tuple(error.document_path)
    container, key = _walk(body, path)
    name = path[-1] if path else ""
    parent_path = path[:-1]

    def at(on_key: bool = False):
        if key is None or not isinstance(container, (YMap, YSeq)):
            return locate(container if isinstance(container, (YMap, YSeq)) else body)
        return locate(container, key, on_key=on_key)

    code = error.code
    if code == E.UNKNOWN_FIELD.code:
        hint = did_you_mean(name, (_subschema(schema, parent_path) or {}).keys(), listing=None,
                            lead=N_("expected one of"))
        split = _split_by_comma(container, name)
        if split:  # the "key" is the user's words: never quoted (contract 5.5)
            return UnknownKey.at(
                at(on_key=True),
                _("a comma inside the unquoted value of '{key}' in {where} ended that value, and the {count} "
                  "characters after it became a key; put the whole value of '{key}' in quotes",
                  key=split, where=_where(parent_path), count=len(str(name))))
        return UnknownKey.at(at(on_key=True), _("unknown key {key} in {where}{hint}", key=shown(name),
                                                where=_where(parent_path), hint=hint))
    if code == E.REQUIRED_FIELD.code:
        return MissingKey.at(at(), _("{where} is missing the required key '{key}'", where=_where(parent_path),
                                     key=name))
    if code == E.BAD_TYPE.code or code == E.NOT_NULLABLE.code:
        return WrongType.at(at(), _wrong_type(path, error))
    if code in (E.UNALLOWED_VALUE.code, E.UNALLOWED_VALUES.code):
        allowed = [str(a) for a in error.constraint]
        hint = did_you_mean(error.value, allowed, listing=0)
        return NotAllowedValue.at(at(), _("{where} is {value}, which is not one of: {allowed}{hint}",
                                          where=_where(path), value=shown(error.value), allowed=", ".join(allowed),
                                          hint=hint))
    if code == E.CUSTOM.code and error.info and error.info[0] == "FIELD_MAP_ENTRY":
        return BadValue.at(at(), _("{where} must be a category id, or {{category: <id>, values: {{<option>: "
                                   "<category id>}}}} for a lookup field whose options carry categories of their own",
                                   where=_where(path)))
    if code == E.CUSTOM.code and error.info and error.info[0] == "ISO_DATE":
        return BadDate.at(at(), _("{where} is {value}, not a date; write it as YYYY-MM-DD (ISO 8601)",
                                  where=_where(path), value=shown(error.value)))
    if code == E.REGEX_MISMATCH.code and error.constraint in (ID, SYSTEM_ID):
        return BadId.at(at(), _("{where} is {value}, not a valid id: use lowercase letters, digits, '.', '_' or '-', "
                                "starting with a letter or digit", where=_where(path), value=shown(error.value)))
    if error.rule == "anyof":
        return WrongType.at(at(), _neither_form(path))
    return BadValue.at(at(), _bad_value(path, error))


def _wrong_type(path: tuple, error) -> str:
    """The SCHEMA003 message: what the value must be, what it is, and a hint for YAML's traps."""
    wanted = error.constraint if isinstance(error.constraint, str) else "string"
    words = _TYPE_WORDS.get(wanted, wanted)
    got = _value_word(error.value)
    hint = _("; put it in quotes") if wanted == "string" and got in ("a number", "true/false") else ""
    if wanted == "boolean" and str(error.value).lower() in ("yes", "no", "on", "off", "y", "n"):
        hint = _("; '{value}' is text in YAML 1.2, write true or false", value=error.value)
    return _("{where} must be {expected}, not {found}{hint}", where=_where(path), expected=_(words), found=_(got),
             hint=hint)


def _neither_form(path: tuple) -> str:
    """The SCHEMA003 message for a value that fits none of the forms a key accepts."""
    if path and path[0] == "roles":
        return _("{where} must be an assignment (holder, backup, confirmed, trained) or, for a role held in each "
                 "agency, a list of such assignments", where=_where(path))
    return _("{where} must be a field name or a mapping with 'name' and 'category'", where=_where(path))


def _bad_value(path: tuple, error) -> str:
    """The SCHEMA007 message for a value of the right type but the wrong form."""
    import cerberus.errors as E

    if error.code == E.REGEX_MISMATCH.code:
        return _("{where} is {value}, which does not have the expected form ({pattern})", where=_where(path),
                 value=shown(error.value), pattern=error.constraint)
    if error.code == E.MIN_LENGTH.code:
        return _("{where} must not be empty", where=_where(path))
    if error.code == E.MIN_VALUE.code:
        return _("{where} must be at least {minimum}", where=_where(path), minimum=error.constraint)
    return _("{where}: {rule} {constraint} not met", where=_where(path), rule=error.rule,
             constraint=repr(error.constraint))


_API_VERSION_LIKE = r"[A-Za-z0-9.-]{1,40}/v[0-9]{1,4}[A-Za-z0-9]{0,10}"  # compiled by re on a wrong apiVersion only


def check_header(body: YMap) -> list[Diagnostic]:
    """SCHEMA findings for the apiVersion and kind that every document starts with."""
    found: list[Diagnostic] = []
    api = body.get("apiVersion")
    if api != API_VERSION:
        version_like = isinstance(api, str) and re.fullmatch(_API_VERSION_LIKE, api)  # an identifier, not free text
        found.append(UnsupportedApiVersion.at(
            locate(body, "apiVersion"),
            _("apiVersion {version} is not supported by this version of im4cm-lint; use '{supported}'",
              version=shown(api, vocabulary=[api] if version_like else ()), supported=API_VERSION),
        ))
    kind = body.get("kind")
    if not isinstance(kind, str) or kind not in SCHEMAS:  # a list or mapping is not even hashable
        hint = did_you_mean(kind, SCHEMAS, listing=None, cutoff=0.5, lead=N_("use one of"), ordered=True)
        found.append(UnknownKind.at(locate(body, "kind"), _("unknown kind {kind}{hint}", kind=shown(kind), hint=hint)))
    return found


# --- contract v1.1 section 5.3: the System kind ---------------------------------------------------

SOURCE_FORMATS = ["primero-config", "primero-forms", "xlsform", "openfn-project"]

SYSTEM = {
    "apiVersion": _text(True),
    "kind": _text(True),
    "metadata": {"type": "dict", "required": True, "schema": {**METADATA_COMMON, "dpisp": _id()}},
    "system": _one_of(SYSTEMS, True),
    "operated_by": _id(False),
    "source": {
        "type": "dict",
        "required": True,
        "schema": {"format": _one_of(SOURCE_FORMATS, True), "path": _text(True), "note": _text()},
    },
    # the system's agency codes (as the system spells them) -> DPISP parties
    "agencies": {"type": "dict", "keysrules": {"type": "string"}, "valuesrules": _id()},
    # which system roles each party's users hold (counts, never names)
    "assignments": {
        "type": "dict",
        "keysrules": {"type": "string", "regex": ID},
        "valuesrules": {"type": "list", "schema": {"type": "string"}},
    },
    "exports": _ids(),
    # an OpenFn job (its name in project.yaml) -> the DataExports it produces
    "jobs": {
        "type": "dict",
        "keysrules": {"type": "string"},
        "valuesrules": {"type": "list", "schema": {"type": "string", "regex": ID}},
    },
}
SCHEMAS["System"] = SYSTEM

# A pack role may name the system permissions that only its holders may exercise (the
# supervisor decides consent overrides); SYSTEM005 holds Primero roles against it.
POLICY_PACK["roles"]["schema"]["schema"]["decides"] = {"type": "list", "schema": {"type": "string"}}
