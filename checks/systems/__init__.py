"""SYSTEM: the standard's checks of the systems that run a protocol (FORMAT.md 5.3).

Readers of each source format (``primero``, ``xlsform``, ``openfn``) turn a system's own files
into :mod:`facts`; the rules in :mod:`rules` hold them against the DPISP and the exports;
:mod:`importer` writes DataExports from the same sources (``im4cm-lint import``).
"""

from __future__ import annotations

from im4cm_lint import hookimpl
from im4cm_lint.i18n import N_


@hookimpl
def im4cm_lint_rules():
    from im4cm_lint_checks.systems import rules

    return [
        rules.SourceUnreadable, rules.AgencyNotParty, rules.ExportRoleWithoutRule, rules.ReferralRoleBeyondRules,
        rules.ConsentOverrideNotNamed, rules.CrossAgencyGroup, rules.TermsOfUseDisabled, rules.SevereFormUnencrypted,
        rules.UnmappableFormField, rules.JobSendsUnlistedField, rules.JobLogsIdentifiers, rules.FetchWithoutRemote,
        rules.UnboundedUserFetch, rules.ExportDrift, rules.UnknownReference,
    ]


@hookimpl
def im4cm_lint_families():
    return {"SYSTEM": N_("the configuration a system really runs: roles, agencies, forms, integration jobs")}


@hookimpl
def im4cm_lint_commands():
    return {"import": "im4cm_lint_checks.systems.importer:import_command"}
