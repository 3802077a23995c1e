"""Small country documents shared by the tests of configuration, suppressions, baselines and
output formats: a DPISP in force and an export that relies on one of its sharing rules.

Line numbers matter to the tests that use them and are noted where a finding points.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write

DPISP = """
    apiVersion: im4cm/v1
    kind: DPISP
    metadata:
      id: ke-kakuma
      country: KE
      operation: Kakuma refugee response
      setting: refugee
      template: im4cm-standard@2024.1
      version: 1.0.0
      status: in_force
      effective: 2024-01-01
      review_by: 2025-01-01
    parties:
      - {id: unhcr, name: UNHCR Kenya, type: un_agency, unhcr_roles: [service_provider]}
      - {id: irc, name: International Rescue Committee, type: ingo}
    sharing:
      - id: irc-to-unhcr
        from: irc
        to: unhcr
        unhcr_role: service_provider
        purpose: referral.service
        basis: consent
        categories: [identity.name]
    """

EXPORT = """
    apiVersion: im4cm/v1
    kind: DataExport
    metadata:
      id: irc-unhcr-referral
      dpisp: ke-kakuma
    system: cpims+
    owner: irc
    recipient: unhcr
    purpose: referral.service
    sharing_rule: {rule}
    level: individual
    fields: [name_first]
    transport: {{encrypted: true, method: progres-interop-api}}
    """

RULE_LINE = 10  # the export's sharing_rule line: REF004 points here (column 15) when the rule is unknown
GOOD_RULE, BAD_RULE = "irc-to-unhcr", "irc-to-unhcrr"

# Only the reference checks (and what the engine reports about input and configuration): they do
# not depend on the date or on the other families' checks, so these tests stay exact.
REF_ONLY = "select: [PARSE, SCHEMA, REF, CONFIG]\n"


def export(rule: str = BAD_RULE) -> str:
    return EXPORT.format(rule=rule)


def country(root: Path, *, rule: str = BAD_RULE, config: str | None = REF_ONLY) -> Path:
    """A country repository: dpisp.yaml, export.yaml (naming ``rule``) and a configuration."""
    write(root, "dpisp.yaml", DPISP)
    write(root, "export.yaml", export(rule))
    if config is not None:
        write(root, ".im4cm-lint.yaml", config)
    return root


# A draft protocol without sharing rules, and an export relying on it whose recipient
# (a placeholder to replace) is not one of its parties.
DRAFT_DPISP = """
    apiVersion: im4cm/v1
    kind: DPISP
    metadata:
      id: ke-kakuma
      country: KE
      operation: Kakuma refugee response
      setting: refugee
      template: im4cm-standard@2024.1
      version: 0.1.0
      status: draft
    parties:
      - {id: unhcr, name: UNHCR Kenya, type: un_agency, unhcr_roles: [service_provider]}
      - {id: irc, name: International Rescue Committee, type: ingo}
    """

_DRAFT_EXPORT = """
    apiVersion: im4cm/v1
    kind: DataExport
    metadata: {id: e1, dpisp: ke-kakuma}
    system: cpims+
    owner: irc
    recipient: RECIPIENT
    purpose: referral.service
    level: individual
    fields: [name_first]
    transport: {encrypted: true}
    """


def draft_export(recipient: str) -> str:
    """The draft's export, sending to ``recipient``."""
    return _DRAFT_EXPORT.replace("RECIPIENT", recipient)
