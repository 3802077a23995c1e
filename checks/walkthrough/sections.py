"""The sections of each kind of document as the walkthrough presents them, and where a finding
falls: by its YAML path, never by its wording.

Who owns a section is named by a role id of the standard's pack and shown in the pack's own words
(an id the pack does not have is shown as it is).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from im4cm_lint.diagnostics import Diagnostic
from im4cm_lint.i18n import N_, _
from im4cm_lint.yamltree import parse_yaml_path


@dataclass
class Block:
    """One section of a document as the walkthrough presents it, in the language of the run."""

    title: str
    purpose: str = ""
    ref: str = ""  # short name in the next steps (default: the title)
    who: str = ""
    tag: str = ""  # LOCKED / ADAPTABLE for clauses
    clause: str = ""  # the clause id of a clause's block
    state: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)  # workflow steps no rule judges (who still signs)
    findings: list[Diagnostic] = field(default_factory=list)
    children: list["Block"] = field(default_factory=list)
    # a locked clause's English text and the pack's translation of it (for information), as
    # (label, text), shown only in another language where the pack translates the clause
    texts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SectionSpec:
    key: str
    title: str  # English, marked N_ and shown translated
    purpose: str
    who: str  # a role id of the pack, or words


DPISP_SECTIONS = [
    SectionSpec("metadata", N_("Cover"),
                N_("Names the protocol and where it stands: country, operation, setting (which decides the "
                "roles it needs), the template version it was drafted from, its own version, status and "
                "dates. The review date keeps it from silently going out of date."),
                "process_lead"),
    SectionSpec("parties", N_("Parties"),
                N_("Every agency that shares or receives data under the protocol. An agency that is not "
                "listed, and has not signed, is bound by none of its rules."),
                "process_lead"),
    SectionSpec("roles", N_("Roles"),
                N_("Who does what, named by position, with a backup and the date the assignment was last "
                "confirmed: staff turnover is the most common way a protocol stops working."),
                "process_lead"),
    SectionSpec("clauses", N_("Clauses"),
                N_("The protocol's text, clause by clause. LOCKED clauses are the standard's legal text and "
                "must be kept word for word; ADAPTABLE clauses are templates to fill in."),
                "process_lead"),
    SectionSpec("sharing", N_("Sharing rules"),
                N_("What may flow, from whom, to whom, for which purpose and on which legitimate basis: only"
                " the categories each purpose needs (need-to-know)."),
                "process_lead"),
    SectionSpec("annex_c", N_("Annex C (UNHCR implementing partners)"),
                N_("How each obligation of UNHCR's data protection annex is met by the parties that are "
                "UNHCR implementing partners."),
                "data_protection_focal_point"),
    SectionSpec("signatures", N_("Signatures"),
                N_("One signature per party: the protocol binds an agency only once its head of agency has "
                "signed it."),
                "signatory"),
]

DPIA_SECTIONS = [
    SectionSpec("metadata", N_("Cover"),
                N_("Names the assessment, the DPISP it assesses, its status and dates."),
                "dpia_owner"),
    SectionSpec("processing", N_("Processing"),
                N_("The processing activities assessed: systems, parties and purposes."),
                "dpia_owner"),
    SectionSpec("risks", N_("Risks"),
                N_("Each risk to the children and families, its likelihood and impact, what reduces it, the "
                "role that owns it and the risk that remains."),
                "dpia_owner"),
    SectionSpec("signoff", N_("Sign-off"),
                N_("Who approved the assessment, in which role, and when."),
                "dpia_owner"),
]

EXPORT_SECTIONS = [
    SectionSpec("metadata", N_("Cover"),
                N_("Names the export and the DPISP that must permit it."),
                "im_focal_point"),
    SectionSpec("flow", N_("The flow"),
                N_("Which system sends, which party sends and which receives, for which purpose and under "
                "which sharing rule of the DPISP."),
                "im_focal_point"),
    SectionSpec("fields", N_("Fields"),
                N_("Exactly which system fields leave the system; each maps to a data category that the "
                "sharing rule must allow."),
                "im_focal_point"),
    SectionSpec("transport", N_("Transport"),
                N_("How the data travels (encrypted or not) and how often."),
                "im_focal_point"),
]

SYSTEM_SECTIONS = [
    SectionSpec("metadata", N_("Cover"),
                N_("Names the system and the DPISP it runs under."),
                "system_administrator"),
    SectionSpec("system", N_("The system"),
                N_("Which system it is and which party administers the instance."),
                "system_administrator"),
    SectionSpec("source", N_("Source"),
                N_("The file the system wrote about its own configuration (a Primero bundle or forms export,"
                " an XLSForm, an OpenFn project), kept in the repository and read by the linter."),
                "system_administrator"),
    SectionSpec("agencies", N_("Agencies"),
                N_("The system's agency codes and the DPISP party each one is: users belong to agencies, so "
                "an agency that is not a party works outside the protocol."),
                "system_administrator"),
    SectionSpec("assignments", N_("Assignments"),
                N_("Which system roles each party's users hold (never who they are): a role's permissions "
                "and forms decide what its holders can see and send."),
                "system_administrator"),
    SectionSpec("exports", N_("Exports"),
                N_("The DataExports the system's exports or jobs produce, and which job produces which: what"
                " leaves is checked against them."),
                "interoperability_focal_point"),
]

EXPORT_FLOW_KEYS = {"system", "owner", "recipient", "purpose", "sharing_rule", "level", "min_cell_size"}
SYSTEM_KEYS = {"operated_by": "system", "jobs": "exports"}  # keys shown in another key's section
SPECS = {"DPISP": DPISP_SECTIONS, "DPIA": DPIA_SECTIONS, "DataExport": EXPORT_SECTIONS, "System": SYSTEM_SECTIONS}


def role_words(pack, role_id: str) -> str:
    role = pack.roles.get(role_id) if pack else None
    return _("the {role} ({role_id})", role=pack.text("roles", role_id, "name"), role_id=role_id) if role else role_id


def section_of(kind: str, yaml_path: str) -> tuple[str, str | None]:
    """(section key, clause id or None) that a finding's YAML path falls in."""
    try:
        steps = parse_yaml_path(yaml_path) if yaml_path else []
    except ValueError:
        steps = []
    if not steps:
        return "", None
    first = steps[0][1]
    if kind == "DataExport" and first in EXPORT_FLOW_KEYS:
        return "flow", None
    if kind == "DataExport" and first == "schedule":
        return "transport", None
    if kind == "System" and first in SYSTEM_KEYS:
        return SYSTEM_KEYS[first], None
    if kind == "DPISP" and first == "clauses" and len(steps) > 1 and steps[1][0] == "item":
        return "clauses", steps[1][1]
    return first, None

