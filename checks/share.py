"""SHARE: need-to-know. What a sharing rule of a DPISP lets flow, and what each DataExport really
sends, field by field, against the purposes, categories and consent fields of the policy pack.

Ids that do not resolve (party, purpose, category, sharing rule, DPISP) are REF findings: these
checks skip them rather than guess. Nothing here has an automatic fix: what to share, and with
whom, is a decision for people.
"""

from __future__ import annotations

import re
from typing import Iterator

from im4cm_lint import Rule, hookimpl
from im4cm_lint.i18n import N_, _, _n
from im4cm_lint.model import DPISP, DataExport, Project
from im4cm_lint.pack import Pack
from im4cm_lint.values import shown
from im4cm_lint.yamltree import YMap, YSeq, locate

from im4cm_lint_checks.domain.parties import unhcr_party
from im4cm_lint_checks.domain.sharing import (
    SENSITIVITY,
    blank,
    covering_rules,
    export_fields,
    exports_in_context,
    map_entry,
    sensitivity,
)

LOCAL_TYPES = ("lngo", "authority")  # national counterparts, unless a party says `local: false`
LOCAL_WORDS = {"lngo": N_("local NGOs"), "authority": N_("authorities")}
PRIMERO_SYSTEMS = ("cpims+", "primero")


# --- shared views of the project (also used by the ANNEXC checks) -------------------------------

def is_local(party: YMap) -> bool:
    """A local actor: a party marked `local: true`, or a local NGO or authority not marked false."""
    local = party.get("local")
    return local if isinstance(local, bool) else party.get("type") in LOCAL_TYPES


def is_unicef(party_id: str, party: YMap) -> bool:
    """UNICEF is recognised by name: a UN agency whose id or name contains 'unicef'."""
    return party.get("type") == "un_agency" and "unicef" in f"{party_id} {party.get('name', '')}".lower()


def recipient_kind(dpisp: DPISP, party_id: str) -> str | None:
    """How the pack names a kind of recipient: 'unhcr' for the UNHCR party, else the party type."""
    if party_id == unhcr_party(dpisp.parties.values()):
        return "unhcr"
    party = dpisp.parties.get(party_id)
    return party.get("type") if party else None


def purpose_words(pack: Pack, purpose_id: str) -> str:
    name = pack.text("purposes", purpose_id, "name") if purpose_id in pack.purposes else None
    return f"'{purpose_id}' ({name})" if name else f"'{purpose_id}'"


def category_words(pack: Pack, category_id: str) -> str:
    """A category with its sensitivity, e.g. protection.concern.type (high)."""
    category = pack.categories.get(category_id)
    level = category.get("sensitivity") if category else None
    return f"{category_id} ({level})" if level else category_id


def field_words(pack: Pack, name: str, category_id: str) -> str:
    """An export field with its category, e.g. field 'sex' (category identity.sex, low)."""
    category = pack.categories.get(category_id)
    level = category.get("sensitivity") if category else None
    if level:
        return _("field {field} (category {category}, {sensitivity})", field=shown(name), category=category_id,
                 sensitivity=level)
    return _("field {field} (category {category})", field=shown(name), category=category_id)


def rule_names(rules: list[YMap]) -> str:
    names = ", ".join(f"'{rule['id']}'" for rule in rules)
    return _n("sharing rule {rules}", "sharing rules {rules}", len(rules), rules=names)


def rule_categories(rule: YMap, pack: Pack) -> Iterator[tuple[YSeq, int, str]]:
    """(categories list, index, category id) for each category of a rule that the pack knows."""
    categories = rule.get("categories")
    for index, category in enumerate(categories if isinstance(categories, YSeq) else []):
        if category in pack.categories:
            yield categories, index, category


def rules_with_purpose(project: Project, pack: Pack) -> Iterator[tuple[DPISP, YMap, YMap]]:
    """(DPISP, sharing rule, pack purpose) for every rule whose purpose the pack knows."""
    for dpisp in project.dpisps.values():
        for rule in dpisp.sharing_rules.values():
            purpose = pack.purposes.get(rule.get("purpose"))
            if purpose is not None:
                yield dpisp, rule, purpose


# --- rule level: categories against the purpose's need-to-know ----------------------------------

class CategoryNeverAllowed(Rule):
    """
    ## What it checks
    No sharing rule lists a data category that its purpose never allows (the purpose's `never`
    list in the policy pack), whatever the rule's justification says.

    ## Why it matters
    Some data has no place in some flows: ethnicity or religion in a service referral, a child's
    photo or the perpetrator's identity in a referral into the Best Interests Procedure. The
    standard rules these out because the harm of disclosure outweighs any use the recipient could
    make of them. Source: UNHCR Data Protection Policy (2015) §2.4 (necessity and
    proportionality); IASC Operational Guidance on Data Responsibility (2023), defined purpose.

    ## Example
    ```yaml
    sharing:
      - id: sc-to-irc-referral
        from: sc
        to: irc
        purpose: referral.service
        basis: consent
        categories: [identity.name, location.current, sensitive.ethnicity]
    ```
    Fixed:
    ```yaml
    sharing:
      - id: sc-to-irc-referral
        from: sc
        to: irc
        purpose: referral.service
        basis: consent
        categories: [identity.name, location.current]
    ```

    ## How to fix
    Remove the category from the rule (and the matching fields from its exports). If the
    recipient truly needs it, the flow serves another purpose: write a separate rule for that
    purpose.
    """

    id, name, summary = "SHARE001", "category-never-allowed", "A sharing rule lists a category its purpose never allows"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for _dpisp, rule, purpose in rules_with_purpose(project, pack):
            never = set(purpose.get("never") or [])
            for seq, index, category in rule_categories(rule, pack):
                if category in never:
                    yield self.finding(
                        locate(seq, index),
                        _("sharing rule '{rule}' sends category {category} to {recipient} for {purpose}, which never "
                          "allows it, whatever the justification; remove it from the rule and from its exports",
                          rule=rule["id"], category=category_words(pack, category), recipient=rule.get("to"),
                          purpose=purpose_words(pack, rule["purpose"])))


class CategoryBeyondPurpose(Rule):
    """
    ## What it checks
    Every category of a sharing rule is one its purpose needs (`need_to_know`) or may receive
    with a justification (`with_justification`). A category in neither list is beyond what the
    purpose can use, and a justification does not change that. (Categories the purpose never
    allows are SHARE001.)

    ## Why it matters
    Need-to-know is the heart of a DPISP: each agency receives only what it needs for the
    purpose it receives it for. The purpose lists of the standard say what that is; anything
    else is data the recipient has no use for and that can only hurt the child if it leaks.
    Source: UNHCR Data Protection Policy (2015) §2.4 (necessity and proportionality); inter-agency
    DPISP template (data points shared on a need-to-know basis).

    ## Example
    ```yaml
    sharing:
      - id: sc-to-unhcr-stats
        from: sc
        to: unhcr
        unhcr_role: coordinator
        purpose: reporting.statistical
        basis: public_interest
        categories: [aggregate.case_counts, plan.case_plan]
    ```
    Fixed:
    ```yaml
    sharing:
      - id: sc-to-unhcr-stats
        from: sc
        to: unhcr
        unhcr_role: coordinator
        purpose: reporting.statistical
        basis: public_interest
        categories: [aggregate.case_counts]
    ```

    ## How to fix
    Remove the category, or move the flow to a purpose that needs it (the pack's purposes list
    what each one needs). If the standard is wrong for your operation, raise it with the pack's
    maintainers; do not silence the finding without a reason.
    """

    id, name, summary = ("SHARE002", "category-beyond-purpose",
                         "A sharing rule lists a category its purpose does not need")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for _dpisp, rule, purpose in rules_with_purpose(project, pack):
            allowed = {*(purpose.get("need_to_know") or []), *(purpose.get("with_justification") or []),
                       *(purpose.get("never") or [])}
            for seq, index, category in rule_categories(rule, pack):
                if category not in allowed:
                    yield self.finding(
                        locate(seq, index),
                        _("sharing rule '{rule}' sends category {category} to {recipient} for {purpose}, which "
                          "neither needs it nor allows it with a justification; remove it, or share it under a "
                          "purpose that needs it",
                          rule=rule["id"], category=category_words(pack, category), recipient=rule.get("to"),
                          purpose=purpose_words(pack, rule["purpose"])))


class JustificationMissing(Rule):
    """
    ## What it checks
    A sharing rule that lists categories its purpose allows only with a justification (the
    purpose's `with_justification` list) has a `justification` saying why this recipient needs
    them for this purpose: one reason per category (`justification: {category: reason}`), or a
    single text where exactly one category needs one.

    ## Why it matters
    Beyond the minimal data set, sharing is an exception that someone must decide and be able to
    explain: to the child, to a supervisor, to an auditor. A written justification is that
    decision on record. Source: UNHCR Data Protection Policy (2015) §2.4 (necessity and
    proportionality) and §2.9 (accountability); Alliance Guidance Note on data protection and
    information sharing (2023).

    ## Example
    ```yaml
    sharing:
      - id: sc-to-unhcr-bip
        from: sc
        to: unhcr
        unhcr_role: service_provider
        purpose: bip.referral
        basis: consent
        categories: [identity.name, protection.concern.type, family.members]
    ```
    Fixed:
    ```yaml
    sharing:
      - id: sc-to-unhcr-bip
        from: sc
        to: unhcr
        unhcr_role: service_provider
        purpose: bip.referral
        basis: consent
        categories: [identity.name, protection.concern.type, family.members]
        justification: >-
          Unaccompanied and separated children: the BIA needs the known family members
          to assess tracing and care options.
    ```

    ## How to fix
    Write in `justification` why the recipient needs each listed category for this purpose, one
    entry per category when several need one, or remove the categories it does not need. Source
    of the per-category form: im4cm-lint contract v1.1 §5.2.
    """

    id, name, summary = ("SHARE003", "justification-missing",
                         "A sharing rule lists categories that need a justification, without one")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for _dpisp, rule, purpose in rules_with_purpose(project, pack):
            needing = set(purpose.get("with_justification") or [])
            listed = [category for _seq, _index, category in rule_categories(rule, pack) if category in needing]
            if not listed:
                continue
            given = rule.get("justification")
            to, why = rule.get("to"), purpose_words(pack, rule["purpose"])
            if isinstance(given, YMap):  # one reason per category (contract 5.2)
                for category in listed:
                    if blank(given.get(category)):
                        yield self.finding(
                            locate(rule, "justification"),
                            _("sharing rule '{rule}' sends {category_words} to {recipient} for {purpose}, which "
                              "allows it only with a justification, and `justification` gives none for it; add "
                              "`{category}: <why {recipient} needs it>` under `justification`, or remove the category",
                              rule=rule["id"], category_words=category_words(pack, category), recipient=to,
                              purpose=why, category=category))
            elif blank(given):
                named = ", ".join(category_words(pack, c) for c in listed)
                yield self.finding(
                    locate(rule, "justification"),
                    _("sharing rule '{rule}' sends {categories} to {recipient} for {purpose}, which allows them "
                      "only with a justification, and the rule has none; add `justification:` saying why the "
                      "recipient needs them, or remove them",
                      rule=rule["id"], categories=named, recipient=to, purpose=why))
            elif len(listed) > 1:
                yield self.finding(
                    locate(rule, "justification"),
                    _n("sharing rule '{rule}' gives one justification for {n} category that each need one "
                       "({categories}); write one reason per category: `justification: {{{first}: ..., {second}: ...}}`",
                       "sharing rule '{rule}' gives one justification for {n} categories that each need one "
                       "({categories}); write one reason per category: `justification: {{{first}: ..., {second}: ...}}`",
                       len(listed), rule=rule["id"], categories=", ".join(listed), first=listed[0],
                       second=listed[1]))


def justified(rule: YMap, category: str) -> bool:
    """Whether the rule records a reason for sending ``category``: its own entry of a per-category
    `justification`, or the rule's single justification."""
    given = rule.get("justification")
    if isinstance(given, YMap):
        return not blank(given.get(category))
    return not blank(given)


# --- export level: each field against the DPISP rule ---------------------------------------------

class UnmappedExportField(Rule):
    """
    ## What it checks
    Every field of a DataExport has a data category: either the policy pack's field map for the
    export's system knows the field name (Primero/CPIMS+ and proGres v4 names), or the export
    says it with `{name: ..., category: ...}`. Systems without standard names (KoboToolbox,
    spreadsheets, other) need an explicit category on every field.

    ## Why it matters
    A field without a category is data whose need-to-know nobody has checked: custom fields are
    exactly where sensitive details (HIV status, a GBV flag) hide. im4cm-lint never guesses a
    category from a name. Source: IASC Operational Guidance on Data Responsibility (2023), data
    sensitivity classification; UNHCR Data Protection Policy (2015) §2.4.

    ## Example
    ```yaml
    system: cpims+
    fields:
      - name_first
      - custom_flag_x
    ```
    Fixed:
    ```yaml
    system: cpims+
    fields:
      - name_first
      - {name: custom_flag_x, category: protection.concern.type}
    ```

    ## How to fix
    Write the field as `{name: <field>, category: <category id>}` with the category from the
    pack's taxonomy that describes what the field holds; check the field's form in the system if
    in doubt. If the field is a standard one, ask the pack's maintainers to add it to the map.
    """

    id, name, summary = "SHARE004", "unmapped-export-field", "An export field has no data category"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export in project.exports:
            system = export.get("system")
            why = (_("{system} has no standard field names", system=system) if pack.field_map(system) is None
                   else _("the pack's field map for {system} does not list it", system=system))
            for item in export_fields(export, pack):
                if item.unknown:
                    yield self.finding(
                        locate(export.body["fields"], item.index),
                        _("field {field} of export '{export}' has no data category ({why}); write it as "
                          "`{{name: {name}, category: <category id>}}` with the category of what it holds",
                          field=shown(item.name), export=export.id, why=why, name=shown(item.name, quote=False)))


class ExportFieldNotPermitted(Rule):
    """
    ## What it checks
    Every field a DataExport sends carries only categories that the DPISP sharing rule for the
    export (its `sharing_rule`, or every rule from its owner to its recipient for its purpose)
    lists. A field carries the category of the pack's field map, and for a lookup field the
    categories of every option it can send unless the export restricts `values` (so
    `protection_concerns` carries GBV unless the export leaves that option out); a derived field
    carries its sources' categories. A coarser category (an administrative area) is permitted
    where the finer one (the current location) is. An export that no rule covers (SHARE006) is
    held against what its purpose allows at all.

    ## Why it matters
    The DPISP is what the agencies agreed; the export is what the system really sends. An export
    field beyond the rule is data leaving the agency that no partner agreed to, often because a
    system's standard export carries more than the referral needs. Source: UNHCR Data Protection
    Policy (2015) §2.4 (necessity and proportionality) and §6.1 (transfers only as agreed);
    inter-agency DPISP template (data points shared on a need-to-know basis).

    ## Example
    ```yaml
    sharing_rule: sc-to-unhcr-bip      # categories: [identity.name, identity.sex]
    fields: [name_first, sex, protection_concerns]
    ```
    Fixed:
    ```yaml
    sharing_rule: sc-to-unhcr-bip      # categories: [identity.name, identity.sex]
    fields: [name_first, sex]
    ```

    ## How to fix
    Remove the field from the export, send only the options the recipient needs (`values:`), or,
    if the recipient needs it for the purpose, add its category to the sharing rule (with a
    justification where the purpose asks for one) and have the parties agree the change. Where
    the purpose never allows the category, the message names the purposes that do.
    """

    id, name, summary = ("SHARE005", "export-field-not-permitted",
                         "An export sends a field its sharing rule does not permit")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export, dpisp in exports_in_context(project):
            rules = covering_rules(dpisp, export)
            purpose = pack.purposes.get(export.get("purpose"))
            if rules:
                permitted = {c for rule in rules for c in rule.get("categories") or []}
                allowed_by = rule_names(rules)
            elif purpose is not None and "sharing_rule" not in export.body:
                # no rule covers it (SHARE006): hold its fields against what the purpose allows at all
                permitted = {*(purpose.get("need_to_know") or []), *(purpose.get("with_justification") or [])}
                allowed_by = _("the purpose {purpose}", purpose=purpose_words(pack, export.get("purpose")))
            else:
                continue
            for item in export_fields(export, pack):
                beyond = [c for c in item.categories if c in pack.categories and not permitted_as(pack, c, permitted)]
                if beyond:
                    yield self.finding(locate(export.body["fields"], item.index),
                                       self._message(pack, export, item, beyond, allowed_by, rules, purpose))

    @staticmethod
    def _message(pack, export, item, beyond, allowed_by, rules, purpose) -> str:
        flow = dict(recipient=export.get("recipient"), purpose=purpose_words(pack, export.get("purpose")),
                    permitters=allowed_by, which=_n("that category", "those categories", len(beyond)))
        if len(beyond) > 1 or beyond[0] != item.category:
            text = _n("field {field} carries {categories}; it is sent to {recipient} for {purpose}, but "
                      "{permitters} does not permit {which}; ",
                      "field {field} carries {categories}; it is sent to {recipient} for {purpose}, but "
                      "{permitters} do not permit {which}; ",
                      len(rules), field=shown(item.name), categories=", ".join(category_words(pack, c) for c in beyond),
                      **flow)
        else:
            text = _n("{field} is sent to {recipient} for {purpose}, but {permitters} does not permit {which}; ",
                      "{field} is sent to {recipient} for {purpose}, but {permitters} do not permit {which}; ",
                      len(rules), field=field_words(pack, item.name, beyond[0]), **flow)
        options = map_entry(pack, export.get("system"), item.name)[1]
        unallowed = [c for c in beyond if purpose is not None and c not in (purpose.get("need_to_know") or [])
                     and c not in (purpose.get("with_justification") or [])]
        if options and any(c in options.values() for c in beyond):
            text += _("send only the options the recipient needs (`values: [...]`) or remove the field")
        elif unallowed:
            text += _("remove the field from the export")
        else:
            return text + _("remove the field from the export or add the category to the rule with a justification")
        if unallowed:
            others = purposes_allowing(pack, unallowed[0])
            said = dict(purpose=flow["purpose"], category=unallowed[0])
            text += (_(" ({purpose} does not allow {category} even with a justification; purposes that allow it: "
                       "{purposes})", purposes=", ".join(others), **said) if others else
                     _(" ({purpose} does not allow {category} even with a justification; no purpose allows it)", **said))
        return text


def permitted_as(pack: Pack, category: str, permitted: set) -> bool:
    """A category is permitted when listed, or when it is a coarser form of a listed one (an
    export allowed the current location may send the administrative area)."""
    seen = set()
    while category and category not in seen:
        if category in permitted:
            return True
        seen.add(category)
        category = (pack.categories.get(category) or {}).get("coarsens")  # the finer form it comes from
    return False


def purposes_allowing(pack: Pack, category: str) -> list[str]:
    """Ids of the purposes that need a category or allow it with a justification."""
    return [pid for pid, purpose in sorted(pack.purposes.items())
            if category in (purpose.get("need_to_know") or []) or category in (purpose.get("with_justification") or [])]


class ExportWithoutRule(Rule):
    """
    ## What it checks
    For every DataExport that does not name a `sharing_rule`, its DPISP has a sharing rule from
    the export's owner to its recipient for its purpose.

    ## Why it matters
    An export that no rule covers is a flow the parties never agreed: no purpose limits it, no
    legitimate basis supports it, no one answers for it. This is common with system exports that
    bypass role-based access, such as Primero's UNHCR CSV export. Source: UNHCR Data Protection
    Policy (2015) §6.1-6.2 (transfers to third parties need an agreed basis and a data transfer
    agreement); inter-agency DPISP template (with whom, for what purpose, on what basis).

    ## Example
    ```yaml
    # export: {owner: sc, recipient: unhcr, purpose: reporting.unhcr_csv}
    # DPISP et-gambella has no rule from sc to unhcr for reporting.unhcr_csv:
    sharing:
      - id: sc-to-unhcr-bip
        from: sc
        to: unhcr
        unhcr_role: service_provider
        purpose: bip.referral
        basis: consent
        categories: [identity.name, identity.registration_id, protection.concern.type]
    ```
    Fixed:
    ```yaml
    # in the DPISP:
    sharing:
      - id: sc-to-unhcr-csv
        from: sc
        to: unhcr
        unhcr_role: service_provider
        purpose: reporting.unhcr_csv
        basis: consent
        categories: [identity.registration_id, identity.sex, identity.dob_age]
    ```

    ## How to fix
    Agree a sharing rule for this flow in the DPISP (owner, recipient, purpose, basis,
    categories), or stop the export. If a rule exists under another purpose, correct the
    export's `purpose`.
    """

    id, name, summary = "SHARE006", "export-without-rule", "No DPISP sharing rule covers an export"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export, dpisp in exports_in_context(project):
            if "sharing_rule" in export.body or export.get("purpose") not in pack.purposes:
                continue
            owner, recipient, purpose = export.get("owner"), export.get("recipient"), export.get("purpose")
            if dpisp.rules_between(owner, recipient, purpose):
                continue
            others = sorted({r.get("purpose") for r in dpisp.rules_between(owner, recipient)})
            hint = _(" (it has rules from {owner} to {recipient} for {purposes})", owner=owner, recipient=recipient,
                     purposes=", ".join(others)) if others else ""
            yield self.finding(
                locate(export.body, "purpose"),
                _("export '{export}' sends {owner}'s data to {recipient} for {purpose}, but DPISP {dpisp} has no "
                  "sharing rule from {owner} to {recipient} for that purpose{hint}; agree a rule in the DPISP or stop "
                  "the export", export=export.id, owner=owner, recipient=recipient,
                  purpose=purpose_words(pack, purpose), dpisp=dpisp.id, hint=hint))


class ExportRuleMismatch(Rule):
    """
    ## What it checks
    The sharing rule a DataExport names in `sharing_rule` is for the export's owner (`from`),
    recipient (`to`) and purpose.

    ## Why it matters
    Citing a rule made for other parties or another purpose gives an export the appearance of
    permission it does not have: the consent, justification and categories agreed for one flow
    do not carry over to another. Source: UNHCR Data Protection Policy (2015) §2.3 (purpose
    specification); inter-agency DPISP template (with whom, for what purpose).

    ## Example
    ```yaml
    owner: sc
    recipient: unhcr
    purpose: bip.referral
    sharing_rule: sc-to-irc-referral   # from sc to irc, for referral.service
    ```
    Fixed:
    ```yaml
    owner: sc
    recipient: unhcr
    purpose: bip.referral
    sharing_rule: sc-to-unhcr-bip
    ```

    ## How to fix
    Name the rule that covers this owner, recipient and purpose (the message suggests one when
    it exists), correct the export's owner, recipient or purpose, or agree a new rule.
    """

    id, name, summary = ("SHARE007", "export-rule-mismatch",
                         "An export names a sharing rule for other parties or another purpose")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export, dpisp in exports_in_context(project):
            rule = dpisp.sharing_rules.get(export.get("sharing_rule") or "")
            if rule is None:
                continue
            flow = (export.get("owner"), export.get("recipient"), export.get("purpose"))
            if (rule.get("from"), rule.get("to"), rule.get("purpose")) == flow:
                continue
            matching = dpisp.rules_between(*flow)
            hint = _("{rules} covers this flow: name it instead", rules=rule_names(matching)) if matching else (
                _("no rule of the DPISP covers this flow: agree one, or correct the export"))
            yield self.finding(
                locate(export.body, "sharing_rule"),
                _("export '{export}' sends {owner}'s data to {recipient} for {purpose}, but the sharing rule it "
                  "names, '{rule}', is from {rule_owner} to {rule_recipient} for {rule_purpose}; {hint}",
                  export=export.id, owner=flow[0], recipient=flow[1], purpose=purpose_words(pack, flow[2]),
                  rule=rule["id"], rule_owner=rule.get("from"), rule_recipient=rule.get("to"),
                  rule_purpose=purpose_words(pack, rule.get("purpose")), hint=hint))


# --- sensitive data to the wrong places ---------------------------------------------------------

class SevereToAuthorityOrDonor(Rule):
    """
    ## What it checks
    No sharing rule sends a category of `severe` sensitivity (ethnicity, religion, GBV, violence
    incidents, perpetrators, medical and HIV/SRH data, BIA/BID records...) to:
    - a party of type `authority`;
    - the UNHCR party in its `donor` or `coordinator` capacity (`unhcr_role`);
    - UNICEF (a UN agency whose id or name contains "unicef") for a purpose that serves
      aggregate data only, i.e. in its donor or coordinator (CP AoR lead) capacity.

    An export that no sharing rule covers (SHARE006) is held to the same limit field by field:
    a field that can carry a severe category may not go to such a recipient.

    To donors and coordinators it is always an error. To an authority it is an error unless the
    rule records a `justification` (the pack allows some severe categories for
    `authorities.child_protection` with one); then it is a warning, so that the data protection
    focal point of the sending agency and the coordination lead decide on each such rule, and
    record their decision as a waiver that names them and expires.

    ## Why it matters
    In refugee settings the authorities of the host country, or of the country of origin through
    them, may put a child at risk with this data; donors and coordinators do not provide services
    to the child and need aggregate figures only. Source: UNHCR Data Protection Policy (2015) §6.3
    (disclosure to national authorities); HDTI Principled Framework for Responsible Data Sharing
    between Humanitarian Organizations and Donors (2023); IASC Operational Guidance on Data
    Responsibility (2023), do no harm.

    ## Example
    ```yaml
    sharing:
      - id: sc-to-moswa
        from: sc
        to: moswa                 # type: authority
        purpose: authorities.child_protection
        basis: legal_obligation
        categories: [identity.name, protection.concern.type, protection.perpetrator]
        justification: court order for alternative care
    ```
    Fixed:
    ```yaml
    sharing:
      - id: sc-to-moswa
        from: sc
        to: moswa
        purpose: authorities.child_protection
        basis: legal_obligation
        categories: [identity.name, protection.concern.type]
    ```

    ## How to fix
    Remove the category from the rule. Where an authority must receive it (the law compels it, a
    court orders it), the decision belongs to named people, not to the file: the data protection
    focal point of the sending agency and the coordination lead approve it in a waiver of the
    configuration, which records who approved it and expires at the next review:
    `waivers: [{rule: SHARE008, document: ..., path: ..., reason: ..., approved-by: ..., expires: ...}]`.
    """

    id, name, summary = ("SHARE008", "severe-to-authority-or-donor",
                         "Severe data goes to authorities, donors or coordinators")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for rule in dpisp.sharing_rules.values():
                found = self._capacity(dpisp, rule, pack)
                if found is None:
                    continue
                capacity, authority = found
                for seq, index, category in rule_categories(rule, pack):
                    if pack.categories[category].get("sensitivity") != "severe":
                        continue
                    said = dict(rule=rule["id"], category=category, recipient=capacity,
                                purpose=purpose_words(pack, rule.get("purpose")))
                    if authority and justified(rule, category):
                        yield self.finding(
                            locate(seq, index),
                            _("sharing rule '{rule}' sends category {category} (severe) to {recipient} for {purpose} "
                              "on the strength of its justification; remove the category, or have the data "
                              "protection focal point of {owner} and the coordination lead decide: their approval "
                              "goes in a waiver of the configuration (`waivers:` with `approved-by` and `expires`)",
                              owner=rule.get("from"), **said), severity="warning")
                    else:
                        yield self.finding(
                            locate(seq, index),
                            _("sharing rule '{rule}' sends category {category} (severe) to {recipient} for {purpose}; "
                              "severe data must not go to authorities, donors or coordinators: remove it from the "
                              "rule", **said))
        yield from self._uncovered_exports(project, pack)

    def _uncovered_exports(self, project: Project, pack: Pack) -> Iterator:
        """An export that no sharing rule covers (SHARE006) is held to the same limit, field by
        field, against its recipient and purpose."""
        for export, dpisp in exports_in_context(project):
            if "sharing_rule" in export.body or covering_rules(dpisp, export):
                continue
            found = self._capacity(dpisp, {"to": export.get("recipient"), "purpose": export.get("purpose")}, pack)
            if found is None:
                continue
            for item in export_fields(export, pack):
                severe = [c for c in item.categories if (pack.categories.get(c) or {}).get("sensitivity") == "severe"]
                if severe:
                    yield self.finding(
                        locate(export.body["fields"], item.index),
                        _("export '{export}', which no sharing rule covers, sends {field} to {recipient} for "
                          "{purpose}; severe data must not go to authorities, donors or coordinators: remove the field",
                          export=export.id, field=field_words(pack, item.name, severe[0]), recipient=found[0],
                          purpose=purpose_words(pack, export.get("purpose"))))

    @staticmethod
    def _capacity(dpisp: DPISP, rule: YMap, pack: Pack) -> tuple[str, bool] | None:
        """The words for a recipient that must not get severe data, and whether it is an authority;
        None for any other recipient."""
        to = rule.get("to")
        party = dpisp.parties.get(to)
        if party is None:
            return None
        if party.get("type") == "authority":
            return _("{party} (an authority)", party=to), True
        if to == unhcr_party(dpisp.parties.values()) and rule.get("unhcr_role") in ("donor", "coordinator"):
            return _("{party} as {capacity}", party=to, capacity=rule["unhcr_role"]), False
        purpose = pack.purposes.get(rule.get("purpose"))
        if is_unicef(to, party) and purpose is not None and purpose.get("individual_level") is False:
            return _("{party} as donor or coordinator", party=to), False
        return None


class IdentifiableWhereAggregateServes(Rule):
    """
    ## What it checks
    - A sharing rule or DataExport with `level: individual` is not for a purpose that needs only
      aggregate data (`individual_level: false` in the pack: statistics, donor reporting, service
      mapping).
    - A DataExport with `level: aggregate` sends no field of an `identifiable` category (case
      ids, names, dates of birth, current locations...).

    ## Why it matters
    Counting children does not need their records. Individual records sent for statistics or
    donor reports multiply the copies of identifiable data for no benefit, and an "aggregate"
    export that carries identifiers is not aggregate. Source: UNHCR Data Protection Policy (2015)
    §2.4 (necessity and proportionality); HDTI Principled Framework for Responsible Data Sharing
    between Humanitarian Organizations and Donors (2023); GBVIMS Information Sharing Protocol
    (anonymous, consolidated data only).

    ## Example
    ```yaml
    purpose: reporting.statistical
    level: aggregate
    min_cell_size: 5
    fields: [case_id, sex]
    ```
    Fixed:
    ```yaml
    purpose: reporting.statistical
    level: aggregate
    min_cell_size: 5
    fields: [sex]
    ```

    ## How to fix
    Aggregate the data before it leaves the agency (counts by sex, age band, area, concern) and
    drop identifying fields; set `level: aggregate`. If individual records are truly needed, the
    flow serves another purpose: write a rule for that purpose.
    """

    id, name, summary = ("SHARE009", "identifiable-where-aggregate-serves",
                         "Individual or identifiable data is shared for a purpose that needs only aggregates")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for _dpisp, rule, purpose in rules_with_purpose(project, pack):
            if rule.get("level") == "individual" and purpose.get("individual_level") is False:
                yield self.finding(
                    locate(rule, "level"),
                    _("sharing rule '{rule}' shares individual records for {purpose}, which needs only aggregate "
                      "data; share counts instead (level: aggregate) or use a purpose that needs individual records",
                      rule=rule["id"], purpose=purpose_words(pack, rule["purpose"])))
        for export in project.exports:
            purpose = pack.purposes.get(export.get("purpose"))
            level = export.get("level")
            if level == "individual" and purpose is not None and purpose.get("individual_level") is False:
                yield self.finding(
                    locate(export.body, "level"),
                    _("export '{export}' sends individual records for {purpose}, which needs only aggregate data; "
                      "export counts instead (level: aggregate) without identifying fields",
                      export=export.id, purpose=purpose_words(pack, export.get("purpose"))))
            if level != "aggregate":
                continue
            for item in export_fields(export, pack):
                identifying = [c for c in item.categories if (pack.categories.get(c) or {}).get("identifiable") is True]
                if identifying:
                    yield self.finding(
                        locate(export.body["fields"], item.index),
                        _("aggregate export '{export}' sends {field}, which identifies a person; remove it and "
                          "send counts only", export=export.id, field=field_words(pack, item.name, identifying[0])))


class SmallCells(Rule):
    """
    ## What it checks
    Every DataExport with `level: aggregate` sets `min_cell_size` (the smallest count it
    publishes; smaller counts are suppressed or merged) at or above the pack's `min_cell_size`
    threshold.

    ## Why it matters
    In a camp, "1 girl aged 15-17, survivor of GBV, block C" is one child. Small counts in
    aggregate tables re-identify children, so aggregate reports suppress small cells. Source:
    GBVIMS Information Sharing Protocol (anonymous, consolidated data); IASC Operational Guidance
    on Data Responsibility (2023), statistical disclosure control; UNHCR Data Protection Policy
    (2015) §2.8 (security).

    ## Example
    ```yaml
    level: aggregate
    min_cell_size: 2
    ```
    Fixed:
    ```yaml
    level: aggregate
    min_cell_size: 5
    ```

    ## How to fix
    Set `min_cell_size` to at least the threshold (default 5; an operation may raise it in its
    configuration) and make sure the system or the person preparing the report suppresses or
    merges smaller counts.
    """

    id, name, summary = "SHARE010", "small-cells", "An aggregate export publishes counts below the minimum cell size"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        threshold = pack.threshold("min_cell_size")
        if not isinstance(threshold, (int, float)):
            return
        for export in project.exports:
            if export.get("level") != "aggregate":
                continue
            size = export.get("min_cell_size")
            if size is None:
                yield self.finding(
                    locate(export.body, "level"),
                    _("aggregate export '{export}' sets no min_cell_size, so counts of 1 or 2 children can be "
                      "published; add `min_cell_size: {threshold}` (or more) and suppress smaller counts",
                      export=export.id, threshold=format(threshold, "g")))
            elif size < threshold:
                yield self.finding(
                    locate(export.body, "min_cell_size"),
                    _("aggregate export '{export}' publishes counts from {size}, below the minimum cell size of "
                      "{threshold}; small counts can identify a child: set min_cell_size to at least {threshold}",
                      export=export.id, size=size, threshold=format(threshold, "g")))


class UnencryptedTransport(Rule):
    """
    ## What it checks
    A DataExport with `transport: {encrypted: false}` sends only categories of `low`
    sensitivity.

    ## Why it matters
    Referral lists sent as plain e-mail attachments or on unencrypted USB sticks are a leading
    cause of breaches in case management. Anything above low sensitivity must travel encrypted.
    Source: UNHCR Data Protection Policy (2015) §2.8 and §4.2 (security of personal data); Annex C
    security measures obligation for implementing partners.

    ## Example
    ```yaml
    fields: [name_first, sex]
    transport: {encrypted: false, method: email}
    ```
    Fixed:
    ```yaml
    fields: [name_first, sex]
    transport: {encrypted: true, method: sftp}
    ```

    ## How to fix
    Use an encrypted channel (the interoperability API, SFTP, an encrypted archive with the
    password sent by another channel) and set `encrypted: true`, or remove every field above low
    sensitivity.
    """

    id, name, summary = "SHARE011", "unencrypted-transport", "An export sends data above low sensitivity unencrypted"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export in project.exports:
            transport = export.get("transport")
            if not isinstance(transport, YMap) or transport.get("encrypted") is not False:
                continue
            ranked = [(SENSITIVITY.get(pack.categories[f.category].get("sensitivity"), 0), -f.index, f)
                      for f in export_fields(export, pack) if f.category in pack.categories]
            above = [entry for entry in ranked if entry[0] > 0]
            if not above:
                continue
            worst = max(above)[2]
            yield self.finding(
                locate(transport, "encrypted"),
                _n("export '{export}' sends {n} field(s) above low sensitivity unencrypted, such as {field}; use "
                   "an encrypted channel and set `encrypted: true`, or send only low-sensitivity fields",
                   "export '{export}' sends {n} field(s) above low sensitivity unencrypted, such as {field}; use "
                   "an encrypted channel and set `encrypted: true`, or send only low-sensitivity fields",
                   len(above), export=export.id, field=field_words(pack, worst.name, worst.category)))


class OnwardSharingUnnamed(Rule):
    """
    ## What it checks
    A sharing rule with `onward_sharing: true` names in `onward_recipients` the parties the
    recipient may pass the data on to.

    ## Why it matters
    "May be shared onward" without saying with whom is a blank cheque: the sending agency and
    the child can no longer know who holds the data. Source: UNHCR Data Protection Policy (2015)
    §6.1-6.2 (onward transfers only to identified recipients under agreed conditions); Annex C
    onward transfer obligation.

    ## Example
    ```yaml
    sharing:
      - id: sc-to-unhcr-bip
        onward_sharing: true
    ```
    Fixed:
    ```yaml
    sharing:
      - id: sc-to-unhcr-bip
        onward_sharing: true
        onward_recipients: [irc]
    ```

    ## How to fix
    List the parties in `onward_recipients` (they must be parties of the DPISP), or set
    `onward_sharing: false`.
    """

    id, name, summary = "SHARE012", "onward-sharing-unnamed", "A rule allows onward sharing without naming to whom"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for rule in dpisp.sharing_rules.values():
                if rule.get("onward_sharing") is True and not rule.get("onward_recipients"):
                    yield self.finding(
                        locate(rule, "onward_sharing"),
                        _("sharing rule '{rule}' lets {recipient} share the data onward but names no onward "
                          "recipient; list them in `onward_recipients`, or set `onward_sharing: false`",
                          rule=rule["id"], recipient=rule.get("to")))


# --- consent --------------------------------------------------------------------------------------

def consent_fields(pack: Pack, system: str) -> list[YMap]:
    """The pack's consent fields for the field map of ``system``."""
    map_name = (pack.systems.get(system) or {}).get("field_map")
    entries = pack.section("consent_fields") or []
    return [e for e in entries if isinstance(e, YMap) and map_name and e.get("system_map") == map_name]


def consent_rules(dpisp: DPISP, export: DataExport, pack: Pack) -> str | None:
    """Words for what makes an export rest on consent: its covering rules with `basis: consent`,
    or, for an export no rule covers, a purpose whose only basis is consent. None otherwise."""
    covering = covering_rules(dpisp, export)
    consent = [r for r in covering if r.get("basis") == "consent"]
    if consent:
        return rule_names(consent)
    purpose = pack.purposes.get(export.get("purpose")) or {}
    if not covering and "sharing_rule" not in export.body and list(purpose.get("bases") or []) == ["consent"]:
        return _("no rule covers it, and {purpose} rests on consent only",
                 purpose=purpose_words(pack, export.get("purpose")))
    return None


def covering_consent_fields(dpisp: DPISP, export: DataExport, pack: Pack) -> list[YMap]:
    """The pack's consent fields of the export's system that cover its recipient and, where its
    purpose names them, record consent for that purpose. Empty: consent cannot be judged."""
    kind = recipient_kind(dpisp, export.get("recipient"))
    purpose = pack.purposes.get(export.get("purpose")) or {}
    for_purpose = set(purpose.get("consent_fields") or [])
    candidates = [e for e in consent_fields(pack, export.get("system")) if kind in (e.get("covers") or [])]
    if for_purpose:
        candidates = [e for e in candidates if {e["field"], e.get("superseded_by")} & for_purpose]
    return candidates


def record_fields(export: DataExport) -> set[str]:
    """Every field name the export sends or selects its records by (`fields`, `records.consent`,
    `records.opt_out`): consent fields count wherever they stand (contract 5.1)."""
    names = {item.get("name") if isinstance(item, YMap) else item for item in export.get("fields") or []}
    records = export.get("records")
    if isinstance(records, YMap):
        for key in ("consent", "opt_out"):
            names.update(n for n in records.get(key) or [] if isinstance(n, str))
    return {n for n in names if isinstance(n, str)}


def consent_flags_stated(export: DataExport) -> Iterator[tuple]:
    """(list, index, field name) of every place an export names a field: its fields, the consent
    and opt-out fields of `records`, and the field a `records.filters` entry ("field: value")
    tests. The place is located only when a finding needs it (locating every field of 1,000
    documents was most of the rule's time)."""
    for index, item in enumerate(export.get("fields") or []):
        name = item.get("name") if isinstance(item, YMap) else item
        if isinstance(name, str):
            yield export.body["fields"], index, name
    records = export.get("records")
    if not isinstance(records, YMap):
        return
    for key in ("consent", "opt_out", "filters"):
        seq = records.get(key)
        for index, entry in enumerate(seq if isinstance(seq, YSeq) else []):
            if isinstance(entry, str):
                yield seq, index, entry.split(":", 1)[0].strip() if key == "filters" else entry


class ConsentFieldMissing(Rule):
    """
    ## What it checks
    A DataExport that relies on a sharing rule with `basis: consent` carries a consent field that
    covers its recipient: the pack lists, per system, which consent fields cover which kind of
    recipient (for Primero/CPIMS+: `consent_info_sharing`, `disclosure_other_orgs`,
    `unhcr_export_opt_in`...) and which of them record consent for each purpose. Checked for
    individual-level exports of systems whose consent fields the pack knows (an aggregate export
    carries no per-case flag: consent is applied before counting); where the pack knows no consent
    field of the system for the purpose and recipient (proGres v4 has none), SHARE023 says so.

    ## Why it matters
    Consent recorded in the sending system but not sent with the data cannot be honoured by the
    recipient, and nothing shows that the export left out the children whose carers refused.
    Primero itself gates referrals and transfers on these fields. Source: Primero's consent gate
    on referrals and transfers (`disclosure_other_orgs`, `consent_for_services`); UNHCR Data
    Protection Policy (2015) §2.2 (consent as a legitimate basis).

    ## Example
    ```yaml
    # sharing rule sc-to-unhcr-bip has basis: consent
    system: cpims+
    recipient: unhcr
    fields: [name_first, sex]
    ```
    Fixed:
    ```yaml
    system: cpims+
    recipient: unhcr
    fields: [name_first, sex, unhcr_export_opt_in]
    ```

    ## How to fix
    Add the consent field the message names to the export (and export only cases where it is
    given), or, if consent is not the basis of this flow, correct the rule's `basis`.
    """

    id, name, summary = ("SHARE013", "consent-field-missing",
                         "A consent-based export carries no consent field for its recipient")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export, dpisp in exports_in_context(project):
            rules = consent_rules(dpisp, export, pack)
            if not rules or export.get("level") == "aggregate":
                continue
            candidates = covering_consent_fields(dpisp, export, pack)
            if not candidates:  # SHARE023 says so
                continue
            if record_fields(export) & {e["field"] for e in candidates}:
                continue
            current = sorted(e["field"] for e in candidates if not e.get("superseded_by"))
            yield self.finding(
                locate(export.body, "fields"),
                _("export '{export}' relies on consent ({rules}) but carries no consent field that covers "
                  "{recipient} for {purpose}; add {fields} and export only cases where consent is given",
                  export=export.id, rules=rules, recipient=export.get("recipient"),
                  purpose=purpose_words(pack, export.get("purpose")),
                  fields=_(" or ").join(repr(n) for n in current)))


class SupersededConsentFlag(Rule):
    """
    ## What it checks
    No DataExport sends a consent field that the pack marks as superseded by another, such as
    Primero's legacy `unhcr_export_opt_out`, replaced by `unhcr_export_opt_in`.

    ## Why it matters
    Primero's current consent form records `unhcr_export_opt_in`, while its seeded UNHCR CSV
    export still reads the inverted `unhcr_export_opt_out`: a case whose carer did not opt in has
    no opt-out either, so the export sends it in full. The superseded flag silently turns "no
    consent" into "shared". Source: primeroIMS/primero `db/configuration/exports/exports.rb` and
    `app/models/concerns/unhcr_mapping.rb` (opt_out_field still `unhcr_export_opt_out`); UNHCR
    Data Protection Policy (2015) §2.2.

    ## Example
    ```yaml
    fields: [unhcr_individual_no, sex, unhcr_export_opt_out]
    ```
    Fixed:
    ```yaml
    fields: [unhcr_individual_no, sex, unhcr_export_opt_in]
    ```

    ## How to fix
    Export (and filter cases on) the current flag the message names; in Primero, change the
    UNHCR export configuration's opt-out field or filter on the opt-in before exporting.
    """

    id, name, summary = "SHARE014", "superseded-consent-flag", "An export relies on a superseded consent flag"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export in project.exports:
            superseded = {e["field"]: e["superseded_by"] for e in consent_fields(pack, export.get("system"))
                          if e.get("superseded_by")}
            for seq, index, flag in consent_flags_stated(export):
                if flag in superseded:
                    yield self.finding(
                        locate(seq, index),
                        _("export '{export}' relies on consent flag '{flag}', which '{current}' has replaced; "
                          "cases recorded with the new flag only are not filtered by the old one, so nobody is "
                          "opted out: export and filter on '{current}' instead",
                          export=export.id, flag=flag, current=superseded[flag]))


# --- national counterparts ---------------------------------------------------------------------

class LocalActorNotParty(Rule):
    """
    ## What it checks
    A sharing rule whose purpose serves only local actors (the pack's purpose `recipients` are
    all `authority` or `lngo`, e.g. referral to child protection authorities) sends the data to a
    party that is itself a local actor, not through an intermediary while the authority or local
    NGO that uses it stays outside the protocol. A local actor is a party of type `lngo` or
    `authority`, or any party with `local: true` (`local: false` overrides the type).

    ## Why it matters
    The inter-agency consultations recommended bringing national counterparts into the DPISP:
    data that reaches an authority or a local NGO through another agency reaches someone who has
    signed nothing and is bound by none of its safeguards. Source: IM4CM country consultations
    and Alliance DPISP Guidance Note (2023), national counterparts recommendation; IASC
    Operational Guidance on Data Responsibility (2023), coordination and collaboration.

    ## Example
    ```yaml
    parties:
      - {id: unicef, name: UNICEF Ethiopia, type: un_agency}
    sharing:
      - id: sc-to-unicef-authorities
        from: sc
        to: unicef
        purpose: authorities.child_protection
    ```
    Fixed:
    ```yaml
    parties:
      - {id: moswa, name: Ministry of Social Affairs, type: authority}
    sharing:
      - id: sc-to-moswa
        from: sc
        to: moswa
        purpose: authorities.child_protection
    ```

    ## How to fix
    Add the authority or local NGO as a party (it signs the DPISP) and share with it directly.
    """

    id, name, summary = ("SHARE015", "local-actor-not-party",
                         "Data for authorities or local NGOs goes through a party that is not one")
    severity = "warning"  # a recommendation of the consultations, not a breach of the standard
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp, rule, purpose in rules_with_purpose(project, pack):
            kinds = set(purpose.get("recipients") or [])
            party = dpisp.parties.get(rule.get("to"))
            if not kinds or not kinds <= set(LOCAL_TYPES) or party is None or is_local(party):
                continue
            words = [_(LOCAL_WORDS[kind]) for kind in sorted(kinds)]
            users = words[0] if len(words) == 1 else _("{first} and {second}", first=words[0], second=words[1])
            yield self.finding(
                locate(rule, "to"),
                _("sharing rule '{rule}' sends data for {purpose}, a purpose of {users}, but goes to {recipient} "
                  "({type}): the {users} that use the data are not parties of the DPISP; add them as parties and "
                  "share with them directly", rule=rule["id"], purpose=purpose_words(pack, rule["purpose"]),
                  users=users, recipient=rule["to"], type=party.get("type")))


class NoLocalActor(Rule):
    """
    ## What it checks
    A DPISP has at least one local actor among its parties: a local NGO (`lngo`), an authority,
    or a party marked `local: true`.

    ## Why it matters
    The inter-agency consultations found that protocols signed by international agencies only
    leave out the national counterparts who take over cases and carry the response in the long
    run. This is a note for the next review, not an error. Source: IM4CM country consultations
    and Alliance DPISP Guidance Note (2023), national counterparts recommendation; IASC
    Operational Guidance on Data Responsibility (2023), coordination and collaboration.

    ## Example
    ```yaml
    parties:
      - {id: unhcr, name: UNHCR Ethiopia, type: un_agency, unhcr_roles: [service_provider]}
      - {id: sc, name: Save the Children, type: ingo}
    ```
    Fixed:
    ```yaml
    parties:
      - {id: unhcr, name: UNHCR Ethiopia, type: un_agency, unhcr_roles: [service_provider]}
      - {id: sc, name: Save the Children, type: ingo}
      - {id: rhrd, name: Rehabilitation and Development Organisation, type: lngo}
    ```

    ## How to fix
    Invite local NGOs and the child protection authority that work with the same children to
    join the protocol at its next review. An international party that is registered and staffed
    nationally may be marked `local: true`.
    """

    id, name, summary = "SHARE016", "no-local-actor", "No local NGO or authority takes part in the DPISP"
    severity = "info"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            if dpisp.parties and not any(is_local(p) for p in dpisp.parties.values()):
                yield self.finding(
                    locate(dpisp.body, "parties"),
                    _("no local NGO or authority is a party of DPISP {dpisp}; add the national counterparts who "
                      "work with the same children as parties at the next review", dpisp=dpisp.id))


# --- what an export really sends (contract v1.1 5.1, 5.4) ---------------------------------------

class CategoryRelabelled(Rule):
    """
    ## What it checks
    A field that the pack's field map lists for the export's system keeps the pack's category: an
    export that states another `category` for it is reported.

    ## Why it matters
    The field map is the standard's word on what a system field holds. If an export could
    re-classify `religion` as `identity.sex`, or a perpetrator's name as a referral detail, every
    need-to-know check would judge the label instead of the data. A field is re-classified only in
    a policy pack (a country pack may extend the map), where reviewers of the standard see it.
    Source: im4cm-lint contract v1.1 §5.1; primeroIMS/primero `db/configuration/forms/case/*.rb`
    (the field names the map is built from).

    ## Example
    ```yaml
    system: cpims+
    fields:
      - {name: religion, category: identity.sex}
    ```
    Fixed:
    ```yaml
    system: cpims+
    fields:
      - religion
    ```

    ## How to fix
    Remove the `category:` the export states: the field carries the pack's category. If the pack is
    wrong for your system, extend its field map in a country pack, not in the export.
    """

    id = "SHARE017"
    name = "category-relabelled"
    summary = "An export states another category for a field the pack maps"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export in project.exports:
            for item in export_fields(export, pack):
                if item.stated and item.mapped and item.stated != item.mapped:
                    yield self.finding(
                        locate(export.body["fields"][item.index], "category"),
                        _("field {field} of export '{export}' is {category} in the pack's field map for {system}; "
                          "the export cannot re-classify it as {stated}: remove `category:` here, or extend the "
                          "field map in a country pack", field=shown(item.name), export=export.id,
                          category=category_words(pack, item.mapped), system=export.get("system"),
                          stated=item.stated))


class DuplicateExportField(Rule):
    """
    ## What it checks
    No field appears twice in one export's `fields`.

    ## Why it matters
    A field listed twice, once plainly and once with options or a category, leaves the reader to
    guess which entry tells what is sent; the checks would judge both and a reviewer would see one.
    Source: im4cm-lint contract v1.1 §5.1.

    ## Example
    ```yaml
    fields: [sex, date_of_birth, sex]
    ```
    Fixed:
    ```yaml
    fields: [sex, date_of_birth]
    ```

    ## How to fix
    Keep one entry per field, with everything that entry needs to say (`values`, `from`).
    """

    id = "SHARE018"
    name = "duplicate-export-field"
    summary = "An export lists the same field twice"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export in project.exports:
            seen: dict[str, int] = {}
            for item in export_fields(export, pack):
                first = seen.setdefault(item.name, item.index)
                if first != item.index:
                    where = locate(export.body["fields"], item.index)
                    line = locate(export.body["fields"], first).line
                    yield self.finding(where, _("field {field} is listed twice in export '{export}' (first on line "
                                                "{line}); keep one entry", field=shown(item.name), export=export.id,
                                                line=line))


class DerivedFieldUnderstated(Rule):
    """
    ## What it checks
    A field derived or merged from others (`from:`) that states a less sensitive `category` than
    its most sensitive source says how it is made less precise (`transform:`).

    ## Why it matters
    An address merged from six location levels carries the most precise of them; an "age band"
    computed from the date of birth is only coarser if somebody really bands it. Without the
    transform on record, a lower category is a wish, and the field is judged by its sources.
    Source: im4cm-lint contract v1.1 §5.1; IASC Operational Guidance on Data Responsibility (2023),
    data minimisation.

    ## Example
    ```yaml
    system: cpims+
    fields:
      - {name: area, from: [location_current], category: location.admin_area}
    ```
    Fixed:
    ```yaml
    system: cpims+
    fields:
      - {name: area, from: [location_current], category: location.admin_area,
         transform: first two location levels only}
    ```

    ## How to fix
    Say in `transform:` how the value is made coarser (bands, levels kept, rounding), or remove the
    stated category so the field carries its sources' categories.
    """

    id = "SHARE019"
    name = "derived-field-understated"
    summary = "A derived field states a less sensitive category than its sources without a transform"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export in project.exports:
            for item in export_fields(export, pack):
                if not item.sources or not item.stated or item.transformed or item.mapped:
                    continue
                if item.category and sensitivity(pack, item.stated) < sensitivity(pack, item.category):
                    yield self.finding(
                        locate(export.body["fields"][item.index], "category"),
                        _("field {field} of export '{export}' is derived from {sources}, which carry {category}, "
                          "but states {stated}; say how it is made coarser in `transform:`, or remove the stated "
                          "category", field=shown(item.name), export=export.id, sources=", ".join(item.sources),
                          category=category_words(pack, item.category), stated=category_words(pack, item.stated)))


class ForbiddenChannel(Rule):
    """
    ## What it checks
    No export's `transport.method` and no sharing rule's `channel` names a channel that the pack
    lists as never carrying personal data (messaging apps, personal e-mail, personal devices,
    social media), whatever `encrypted` says.

    ## Why it matters
    End-to-end encryption protects a message on its way, not the caseworker's phone it lands on,
    its cloud backup, its contact list or the next forward. The standard's storage and transfer
    clause allows only the channels the protocol names and controls. Source: inter-agency DPISP
    template (storage and transfer); UNHCR Data Protection Policy (2015) §2.8 (security).

    ## Example
    ```yaml
    transport: {encrypted: true, method: WhatsApp from the caseworker's phone}
    ```
    Fixed:
    ```yaml
    transport: {encrypted: true, method: sftp to the agreed UNHCR server}
    ```

    ## How to fix
    Use a channel the agencies control (the system's own transfer, SFTP, an encrypted archive
    by agency e-mail with the password sent apart) and write it in the protocol.
    """

    id = "SHARE020"
    name = "forbidden-channel"
    summary = "An export or a sharing rule uses a channel that must never carry personal data"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        channels = forbidden_channels(pack)
        if not channels:
            return
        for export in project.exports:
            transport = export.get("transport")
            if isinstance(transport, YMap) and isinstance(transport.get("method"), str):
                hit = matching_channel(channels, transport["method"])
                if hit:
                    yield self.finding(
                        locate(transport, "method"),
                        _("export '{export}' travels by a channel that matches '{channel}' in the pack's forbidden "
                          "channels ({reason}); encryption does not make it acceptable: use a channel the agencies "
                          "control", export=export.id, channel=hit["id"], reason=hit["reason"]))
        for dpisp in project.dpisps.values():
            for rule in dpisp.sharing_rules.values():
                if isinstance(rule.get("channel"), str):
                    hit = matching_channel(channels, rule["channel"])
                    if hit:
                        yield self.finding(
                            locate(rule, "channel"),
                            _("sharing rule '{rule}' names a channel that matches '{channel}' in the pack's "
                              "forbidden channels ({reason}); agree a channel the agencies control",
                              rule=rule["id"], channel=hit["id"], reason=hit["reason"]))


def forbidden_channels(pack: Pack) -> list[tuple[re.Pattern, YMap]]:
    """The pack's forbidden channels with their patterns compiled (case-insensitive); a pattern
    that does not compile is left out (the pack's own validation reports it)."""
    found = []
    for entry in pack.section("forbidden_channels") or []:
        try:
            found.append((re.compile(str(entry.get("pattern")), re.IGNORECASE), entry))
        except re.error:
            continue
    return found


def matching_channel(channels, text: str) -> YMap | None:
    text = text[:500]  # a channel is a few words; a long text is not searched further
    return next((entry for pattern, entry in channels if pattern.search(text)), None)


class QuasiIdentifiersSingleOut(Rule):
    """
    ## What it checks
    An individual-level export for a purpose that does not need the child's name, which sends no
    direct identifier, carries no more quasi-identifier categories (the pack's `quasi_identifiers`:
    date of birth and age, sex, precise location, nationality, language, ethnicity, religion) than
    the pack's `quasi_identifiers_max` threshold.

    ## Why it matters
    Dropping the name does not make a record anonymous: a 14-year-old Nuer-speaking girl born in
    South Sudan, living in block C4 of a camp, is one child. Combinations of such attributes single
    children out in small populations. Source: OCHA Centre for Humanitarian Data, Guidance Note on
    statistical disclosure control (2019): key variables; IASC Operational Guidance on Data
    Responsibility (2023).

    ## Example
    ```yaml
    system: cpims+
    level: individual
    purpose: reporting.unhcr_csv
    fields: [date_of_birth, sex, governorate_country, country_of_origin, language]
    ```
    Fixed:
    ```yaml
    system: cpims+
    level: individual
    purpose: reporting.unhcr_csv
    fields: [sex, case_status, date_of_identification]
    ```

    ## How to fix
    Send fewer of them, or coarser ones (age bands instead of the date of birth, an
    administrative area instead of the address, with a `transform:`), or send counts.
    """

    id = "SHARE021"
    name = "quasi-identifiers-single-out"
    summary = "An export without names still singles a child out by its quasi-identifiers"
    severity = "warning"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        quasi = set(pack.section("quasi_identifiers") or [])
        limit = pack.threshold("quasi_identifiers_max")
        if not quasi or not isinstance(limit, (int, float)):
            return
        for export in project.exports:
            purpose = pack.purposes.get(export.get("purpose"))
            if export.get("level") != "individual" or purpose is None or "identity.name" in (purpose.get("need_to_know") or []):
                continue
            fields = export_fields(export, pack)
            if any(c in DIRECT_IDENTIFIERS for item in fields for c in item.categories):
                continue  # identified anyway: the other SHARE checks judge the names
            carried = sorted({c for item in fields for c in item.categories if c in quasi})
            if len(carried) > limit:
                yield self.finding(
                    locate(export.body, "fields"),
                    _n("export '{export}' sends no names but {n} quasi-identifier category ({categories}), more "
                       "than {limit}; together they single a child out: send fewer or coarser ones, or counts",
                       "export '{export}' sends no names but {n} quasi-identifier categories ({categories}), more "
                       "than {limit}; together they single a child out: send fewer or coarser ones, or counts",
                       len(carried), export=export.id, categories=", ".join(carried), limit=format(limit, "g")))


DIRECT_IDENTIFIERS = ("identity.name", "identity.registration_id", "identity.photo_biometric", "id.national_other")


class BreakdownsRecoverable(Rule):
    """
    ## What it checks
    An aggregate export that publishes several `breakdowns` over the same totals sets
    `secondary_suppression: true`.

    ## Why it matters
    Suppressing the small cells of each table is not enough when two tables share a variable: a
    suppressed cell of one is recovered by subtracting the published cells of the other from the
    common total. Complementary (secondary) suppression hides enough other cells to prevent it.
    Source: OCHA Centre for Humanitarian Data, Guidance Note on statistical disclosure control
    (2019); sdcTools/sdcTable (primary and secondary suppression).

    ## Example
    ```yaml
    level: aggregate
    min_cell_size: 5
    breakdowns:
      - [sex, age_group]
      - [sex, location.admin2]
    ```
    Fixed:
    ```yaml
    level: aggregate
    min_cell_size: 5
    breakdowns:
      - [sex, age_group]
      - [sex, location.admin2]
    secondary_suppression: true
    ```

    ## How to fix
    Have the report suppress complementary cells (and say so with `secondary_suppression: true`),
    or publish one breakdown.
    """

    id = "SHARE022"
    name = "breakdowns-recoverable"
    summary = "Several breakdowns of one aggregate export let suppressed cells be recovered"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export in project.exports:
            breakdowns = export.get("breakdowns")
            if export.get("level") != "aggregate" or not isinstance(breakdowns, YSeq) or len(breakdowns) < 2:
                continue
            if export.get("secondary_suppression") is True:
                continue
            yield self.finding(
                locate(export.body, "breakdowns"),
                _n("aggregate export '{export}' publishes {n} breakdown of the same totals without secondary "
                   "suppression, so a suppressed cell can be recovered by subtraction; suppress complementary "
                   "cells and set `secondary_suppression: true`, or publish one breakdown",
                   "aggregate export '{export}' publishes {n} breakdowns of the same totals without secondary "
                   "suppression, so a suppressed cell can be recovered by subtraction; suppress complementary "
                   "cells and set `secondary_suppression: true`, or publish one breakdown",
                   len(breakdowns), export=export.id))


def declared_consent(dpisp: DPISP, export: DataExport, pack: Pack) -> tuple[list[str], list[str]]:
    """The consent fields an export declares where SHARE013 cannot judge it: the fields that
    select its records (`records.consent`) and the fields it sends as consent to share (category
    `consent.sharing`). Returns the names that count and, for those that do not, why: a consent
    field of the pack that does not cover the recipient, or a name the pack maps to another
    category. A name the pack does not know counts: it is the operation's word for the field its
    system sets (contract 5.1)."""
    system, recipient = export.get("system"), export.get("recipient")
    kind = recipient_kind(dpisp, recipient)
    known = {e["field"]: e for e in consent_fields(pack, system)}
    records = export.get("records")
    named = records.get("consent") if isinstance(records, YMap) else None
    names = [n for n in (named if isinstance(named, YSeq) else []) if isinstance(n, str) and not blank(n)]
    names += [item.name for item in export_fields(export, pack) if "consent.sharing" in item.categories]
    counted, wrong = [], []
    for name in dict.fromkeys(names):
        category = map_entry(pack, system, name)[0]
        if name in known and kind not in (known[name].get("covers") or []):
            wrong.append(_("{field} does not cover {recipient}", field=shown(name), recipient=recipient))
        elif name in known or category in (None, "consent.sharing"):
            counted.append(name)
        else:
            wrong.append(_("{field} is {category} in the pack, not consent", field=shown(name), category=category))
    return counted, wrong


class ConsentNotJudged(Rule):
    """
    ## What it checks
    Says so when SHARE013 cannot judge a consent-based individual export: the pack knows no
    consent field of its system (the message quotes the pack's reason, `no_consent_fields`), or
    none that records consent for its purpose and covers its recipient; and the export declares
    neither the field its records are selected by (`records.consent`, or a field of category
    `consent.sharing` under `fields`) nor how consent is verified instead (`consent_verified:`).
    A declared field does not count when the pack maps it to another category (a registration
    id, a name) or knows it as a consent field that does not cover the recipient.

    ## Why it matters
    A check that cannot run must not look like a check that passed. For UNHCR proGres v4 no
    consent field is public: the interoperability referral that the OpenFn job receives carries
    none, and the CPIMS+ case it creates sets none, although the integration's documentation
    (OpenFn/ping-primero README, section 8) lists "consent of the child" among the details
    shared. Consent is recorded by the UNHCR caseworker before the referral and a withdrawal
    travels by a manual procedure, so a reviewer must see how this operation checks it. Source: OpenFn/primero-progres@58e0a4d0
    `jobs/PROD/f1-1.sendReferralsToPrimero.js` (the case body, lines 167-214) and `README.md`
    (consent withdrawal not communicated); OpenFn/ping-primero@55e03ff0 spec (Flow1-1 case body);
    UNHCR Data Protection Policy (2015) §2.2 (consent); im4cm-lint principle "nothing is skipped
    in silence". Likewise a CPIMS+ service referral to UNHCR: the consent fields Primero records
    for referrals cover other organisations, not UNHCR.

    ## Example
    ```yaml
    system: progres-v4
    recipient: irc
    fields: [individuals.progres_id]
    ```
    Fixed:
    ```yaml
    system: progres-v4
    recipient: irc
    fields: [individuals.progres_id]
    consent_verified: recorded in proGres v4 by the UNHCR caseworker before the referral is sent
    ```

    ## How to fix
    Name in `records.consent` the field the sending system sets when consent is given, if your
    configuration has one (the export then sends only those records), or say in
    `consent_verified:` how consent is verified for this flow (who records it, where, before
    what). A country pack may add the system's consent fields to `consent_fields`; SHARE013 then
    checks them.
    """

    id = "SHARE023"
    name = "consent-not-judged"
    summary = "Consent of an export cannot be checked: the pack knows no consent field of its system for it"
    severity = "info"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export, dpisp in exports_in_context(project):
            rules = consent_rules(dpisp, export, pack)
            if not rules or export.get("level") == "aggregate" or covering_consent_fields(dpisp, export, pack) \
                    or not blank(export.get("consent_verified")):
                continue
            counted, wrong = declared_consent(dpisp, export, pack)
            if counted:
                continue
            system = export.get("system")
            if consent_fields(pack, system):
                unknown = _("none of the consent fields the pack lists for {system} records consent for {purpose} "
                            "and covers {recipient}", system=system,
                            purpose=purpose_words(pack, export.get("purpose")), recipient=export.get("recipient"))
            else:
                reason = (pack.systems.get(system) or {}).get("no_consent_fields")
                why = f" ({' '.join(reason.split())})" if not blank(reason) else ""
                unknown = _("the pack lists no consent field of {system}{why}", system=system, why=why)
            misnamed = "".join(f"; {why}" for why in wrong)
            yield self.finding(
                locate(export.body, "system"),
                _("export '{export}' relies on consent ({rules}), but {unknown}, so consent cannot be checked "
                  "here{misnamed}; name the field that records consent in `records.consent`, or say how consent is "
                  "verified in `consent_verified:`", export=export.id, rules=rules, unknown=unknown,
                  misnamed=misnamed))


@hookimpl
def im4cm_lint_rules():
    return [CategoryNeverAllowed, CategoryBeyondPurpose, JustificationMissing, UnmappedExportField,
            ExportFieldNotPermitted, ExportWithoutRule, ExportRuleMismatch, SevereToAuthorityOrDonor,
            IdentifiableWhereAggregateServes, SmallCells, UnencryptedTransport, OnwardSharingUnnamed,
            ConsentFieldMissing, SupersededConsentFlag, LocalActorNotParty, NoLocalActor, CategoryRelabelled,
            DuplicateExportField, DerivedFieldUnderstated, ForbiddenChannel, QuasiIdentifiersSingleOut,
            BreakdownsRecoverable, ConsentNotJudged]
