"""What every kind of exception shares: which findings may never be excepted, and which rule ids
an exception may name."""

from __future__ import annotations

from typing import Callable, Mapping

from im4cm_lint.diagnostics import Diagnostic, Location, family_of
from im4cm_lint.engine_rules.config import BadSuppression
from im4cm_lint.i18n import N_, _
from im4cm_lint.words import did_you_mean

# Families whose findings say a document or the linter itself cannot be used: they are fixed,
# never suppressed, waived or baselined (a suppressed PARSE error would be a document nobody checks).
NOT_SUPPRESSIBLE = {  # each reason is shown through _() on the rule's page
    "PARSE": N_("a file that cannot be read is not checked at all"),
    "SCHEMA": N_("a document that does not fit its kind is not checked by the other rules"),
    "CONFIG": N_("it reports a mistake in the linter's own configuration or suppressions, which a suppression "
                 "cannot vouch for"),
    "PLUGIN": N_("it reports that a check did not run"),
}
Reports = Callable[[str, str], bool]  # (rule id, shown path) -> would such a finding be reported?


def rule_problem(rule_id: str, rules: Mapping[str, object], where: Location) -> Diagnostic | None:
    """CONFIG006 when ``rule_id`` is not a rule that a suppression or waiver may name."""
    if any(family_of(known) == rule_id for known in rules):
        message = _("'{rule}' is a family, not a rule: name the rule ids (a suppression accepts single "
                    "findings; to turn a family off for some files, use per-file-ignores)", rule=rule_id)
    elif rule_id not in rules:
        message = _("'{rule}' is not a rule id{hint}", rule=rule_id, hint=did_you_mean(rule_id, rules))
    elif family_of(rule_id) in NOT_SUPPRESSIBLE:
        message = _("{rule} findings cannot be suppressed: they mean something was not checked or the "
                    "linter's setup is wrong; fix them (or exclude the file in the configuration)", rule=rule_id)
    else:
        return None
    return BadSuppression.at(where, message)
