"""SYSTEM: the configuration a system really runs, held against the DPISP and the exports
(FORMAT.md 5.3). Each rule reads the facts of a System document's source, read once per run."""

from __future__ import annotations

import re
from typing import Iterator

from im4cm_lint.i18n import N_, _, _n
from im4cm_lint.model import Project
from im4cm_lint.pack import Pack
from im4cm_lint.rule import Rule
from im4cm_lint.values import shown
from im4cm_lint.words import did_you_mean
from im4cm_lint.yamltree import YMap, locate

from im4cm_lint_checks.systems.context import (
    CONSENT_OVERRIDE, EXPORT_ACTIONS, TRANSFER_PURPOSES, Bound, bound_systems, carried, declared_categories,
    export_field_names, field_categories, job_facts, readable_fields, referral_purpose, sensitivity)
from im4cm_lint_checks.systems.readers import system_facts



# Primero's role flags, as a message names the kind of role
_KINDS = {"referral": N_("referral"), "transfer": N_("transfer")}
_AGENCY_CODE = r"[A-Z0-9][A-Z0-9_-]{0,19}"  # compiled by re when first used


def agency_code(code: object, quote: bool = True) -> str:
    """An agency's code as a message may show it: a system's agency codes (SCI, UNICEF) are
    identifiers in capitals; anything else by position (contract 5.5)."""
    known = [code] if isinstance(code, str) and re.fullmatch(_AGENCY_CODE, code) else []
    return shown(code, vocabulary=known, quote=quote)

class SourceUnreadable(Rule):
    """
    ## What it checks
    The file a System document names under `source.path` exists inside the repository, is not too
    large, and is what `source.format` says: a Primero configuration bundle (JSON), Primero's forms
    export or an XLSForm (.xlsx), or an OpenFn project (`project.yaml` and its job files). Each part
    that cannot be read is reported where it stands: a JSON pointer, `sheet!cell` or `file:line`.

    ## Why it matters
    A system file that cannot be read is a configuration nobody checks. The linter reads files of
    the repository under review without trusting them: it never follows a link out of the
    repository, never evaluates a formula or an external link, never runs a job's JavaScript, and
    stops at size limits rather than exhaust memory. Source: IASC Operational Guidance on Data
    Responsibility (2023), data management systems are documented and reviewed.

    ## Example
    ```yaml
    source: {format: primero-config, path: ../../elsewhere/config_data.json}
    ```
    Fixed:
    ```yaml
    source: {format: primero-config, path: cpims/config_data.json}   # next to the System document
    ```

    ## How to fix
    Commit the file inside the repository and point `source.path` at it, relative to the System
    document. For malformed content, export it again from the system (`rails
    primero:export_config_json`, the admin forms export, KoBoToolbox's XLSForm download, `openfn
    pull`); in a workbook, replace formulas by their values and break links to other files.
    """

    id, name, summary = "SYSTEM001", "system-source-unreadable", "A system's source file cannot be read safely"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for system in project.systems:
            facts = system_facts(project, system)
            if facts is None:
                continue
            if facts.unreadable:
                yield self.finding(locate(system.source, "path"),
                                   _("the source of system '{system}' cannot be read: {why}",
                                     system=system.id, why=facts.unreadable))
                continue
            bound = Bound(system, None, facts, project)
            for problem in facts.problems:
                yield self.finding(bound.at(problem.pos), _("{problem} (source of system '{system}')",
                                                                   problem=problem.message, system=system.id))


class UnknownReference(Rule):
    """
    ## What it checks
    A System document names things that exist: its `metadata.dpisp`, the DPISP parties in
    `operated_by`, `agencies` and `assignments`, the DataExports in `exports` and `jobs`, and the
    jobs of its OpenFn project as keys of `jobs`.

    ## Why it matters
    A system bound to a party or export that does not exist is checked against nothing: its
    agencies, roles and jobs would silently escape the protocol. Source: FORMAT.md 5.3.

    ## Example
    ```yaml
    metadata: {id: gambella-cpims, dpisp: et-gambela}
    ```
    Fixed:
    ```yaml
    metadata: {id: gambella-cpims, dpisp: et-gambella}
    ```

    ## How to fix
    Correct the id: parties are the DPISP's `parties[].id`, exports the DataExports'
    `metadata.id`.
    """

    id, name, summary = "SYSTEM015", "system-unknown-reference", "A System document names a DPISP, party or export that does not exist"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        exports = project.known_ids.get("DataExport", set())
        for system in project.systems:
            dpisp = project.dpisp_for(system)
            if dpisp is None:
                if system.dpisp_id not in project.known_ids.get("DPISP", set()):
                    yield self.finding(locate(system.metadata, "dpisp"),
                                       _("system '{system}' names DPISP '{dpisp}', which is not among the linted documents",
                                         system=system.id, dpisp=system.dpisp_id))
                continue
            parties = dpisp.parties
            operated_by = system.get("operated_by")
            if isinstance(operated_by, str) and operated_by not in parties:
                yield self.finding(locate(system.body, "operated_by"),
                                   _("'{party}' is not a party of DPISP '{dpisp}'", party=operated_by, dpisp=dpisp.id))
            for key in ("agencies", "assignments"):
                value = system.get(key)
                if not isinstance(value, YMap):
                    continue
                for name, party in value.items():
                    party_id = party if key == "agencies" else name
                    if isinstance(party_id, str) and party_id not in parties:
                        yield self.finding(locate(value, name, on_key=key == "assignments"),
                                           _("'{party}' in {key} is not a party of DPISP '{dpisp}'", party=party_id, key=key,
                                             dpisp=dpisp.id))
            listed = system.get("exports") or []
            for number, export_id in enumerate(listed):
                if isinstance(export_id, str) and export_id not in exports:
                    yield self.finding(locate(listed, number),
                                   _("export '{export}' is not among the linted documents", export=export_id))
            jobs = system.get("jobs")
            facts = system_facts(project, system) if isinstance(jobs, YMap) else None
            if facts is not None and facts.format == "openfn-project" and not facts.unreadable:
                names = {job.name for job in facts.jobs}
                for job in jobs:
                    if job not in names:
                        yield self.finding(locate(jobs, job, on_key=True),
                                           _("job {job} is not a job of the project {path}", job=shown(job), path=facts.path)
                                           + did_you_mean(job, names))
            for job, ids in (jobs.items() if isinstance(jobs, YMap) else ()):
                for number, export_id in enumerate(ids if isinstance(ids, list) else []):
                    if isinstance(export_id, str) and export_id not in exports:
                        yield self.finding(locate(ids, number),
                                           _("export '{export}' of job {job} is not among the linted documents",
                                             export=export_id, job=shown(job)))


class AgencyNotParty(Rule):
    """
    ## What it checks
    Every agency of a Primero configuration (`Agency` records that are not disabled) is mapped to a
    DPISP party in the System's `agencies`, and every party that has users in the system (a key of
    `assignments`) is the party of one of its agencies.

    ## Why it matters
    Users belong to agencies, and an agency's users see the records of their agency. An agency
    that is not a party to the protocol has signed nothing, yet works on the children's files; a
    party whose users are not in any agency is a party the system cannot tell apart. Source:
    inter-agency DPISP template (participants); CPIMS+ Phase 1 prerequisites (Terms of Use signed
    by every agency).

    ## Example
    ```yaml
    agencies: {UNICEF: unicef, SCI: sc}            # the bundle also has agency_code GVCA
    ```
    Fixed:
    ```yaml
    agencies: {UNICEF: unicef, SCI: sc, GVCA: gvca}
    ```

    ## How to fix
    Map the agency's code to its party in `agencies`; if the agency is not a party, have it sign
    the protocol, or disable the agency in the system.
    """

    id, name, summary = "SYSTEM002", "system-agency-not-party", "A system agency is not a DPISP party"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound in bound_systems(project):
            if bound.facts.format != "primero-config":
                continue
            for agency in bound.facts.agencies:
                if agency.disabled or bound.party_of(agency):
                    continue
                code = agency.code or agency.unique_id
                yield self.finding(bound.at(agency.pos),
                                   _("agency {agency} of system '{system}' is not mapped to a DPISP party; add `{code}: <party>` "
                                     "to the System's agencies, or disable the agency", agency=agency_code(code),
                                     system=bound.system.id, code=agency_code(code, quote=False)))
            mapped = set(bound.agencies.values())
            assignments = bound.system.get("assignments")
            for party in bound.assignments:
                if party not in mapped:
                    yield self.finding(locate(assignments, party, on_key=True),
                                       _("party '{party}' has users in system '{system}' but no agency of the system is mapped to "
                                         "it; add its agency code to `agencies`", party=party, system=bound.system.id))


class ExportRoleWithoutRule(Rule):
    """
    ## What it checks
    A Primero role that can take personal data out of the system (`export_unhcr_csv`,
    `export_json`, `export_custom` or `sync_external` among its case permissions) is held only by
    parties that some DPISP sharing rule lets send data to another party.

    ## Why it matters
    An export permission is a sharing channel: whoever holds it can hand the whole caseload to
    anyone, whatever the protocol says. A party with no sharing rule out of the agency has no
    reason to hold one. Source: Primero role permissions (role_permissions_exporter.rb
    CASE_EXPORTS); UNHCR Data Protection Policy (2015) §6.1, transfers only as agreed.

    ## Example
    ```yaml
    assignments: {unicef: [role-cp-manager]}         # export_unhcr_csv; no sharing rule from unicef
    ```
    Fixed:
    ```yaml
    assignments: {unicef: [role-cp-administrator]}   # a role without export permissions
    ```

    ## How to fix
    Remove the export permission from the role (or give the party's users a role without it), or
    agree a sharing rule in the DPISP for the data the party really needs to send.
    """

    id, name, summary = ("SYSTEM003", "export-role-without-sharing-rule",
                         "A role that can export personal data is held by a party with no sharing rule out")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound in bound_systems(project, under_protocol=True):
            senders = {rule.get("from") for rule in bound.dpisp.sharing_rules.values() if rule.get("from") != rule.get("to")}
            for role in bound.facts.roles:
                actions = [action for action in EXPORT_ACTIONS if role.can(action)]
                if not actions:
                    continue
                for party in bound.holders(role):
                    if party in bound.dpisp.parties and party not in senders:
                        yield self.finding(
                            bound.at(role.permission_pos[actions[0]]),
                            _("role {role} can {actions} and is held by party '{party}', but no sharing rule of DPISP "
                              "'{dpisp}' lets {party} send data to another party; remove the permission or agree a "
                              "sharing rule", role=shown(role.unique_id), actions=", ".join(actions), party=party,
                              dpisp=bound.dpisp.id))


class ReferralRoleBeyondRules(Rule):
    """
    ## What it checks
    A Primero role with `referral: true` or `transfer: true` is offered as the role a referral or
    transfer is made with, and the receiving side sees what that role can read. The categories
    of the fields on the forms it can read (`form_section_read_write`, subforms included, mapped
    by the pack) stay within the sharing rules of each party that holds it, for the referral
    purposes (`referral.*`, `*.referral`) or for `case.transfer`.

    ## Why it matters
    The DPISP says what a referral carries; the referral role decides what really goes. A referral
    role that reads the protection concern details sends them with every service referral.
    Source: Primero `Role.list_external` and `authorized_role_unique_id` of transitions
    (app/models/role.rb, transition.rb); UNHCR Data Protection Policy (2015) §2.4 (necessity).

    ## Example
    ```yaml
    source: {format: primero-config, path: cpims/config_data.json}    # role-referral reads protection_concerns
    ```
    Fixed:
    ```yaml
    source: {format: primero-config, path: cpims/config_data.2026-11.json}   # exported again: basic_identity only
    ```

    ## How to fix
    Remove the forms the referral does not need from the role's form permissions in the system,
    or, if the recipients need those categories, add them to the sharing rules (with a
    justification where the purpose asks for one) and have the parties agree.
    """

    id, name, summary = ("SYSTEM004", "referral-role-beyond-sharing-rules",
                         "A referral or transfer role reads categories beyond its party's sharing rules")
    scope = "protocol"  # the exports a System names are in its group, whatever their protocol

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound in bound_systems(project, under_protocol=True):
            declared = declared_categories(bound)
            for role in bound.facts.roles:
                kinds = [kind for kind, on in (("referral", role.referral), ("transfer", role.transfer)) if on]
                if not kinds:
                    continue
                readable = {c for f in readable_fields(bound.facts, role)
                            for c in field_categories(bound, pack, f.name, declared)}
                for party in bound.holders(role):
                    rules = [rule for rule in bound.dpisp.sharing_rules.values() if rule.get("from") == party and (
                        ("referral" in kinds and referral_purpose(rule.get("purpose")))
                        or ("transfer" in kinds and rule.get("purpose") in TRANSFER_PURPOSES))]
                    allowed = {c for rule in rules for c in rule.get("categories") or []}
                    beyond = sorted(readable - allowed)
                    if not beyond:
                        continue
                    either = _(" or ").join(_(_KINDS[kind]) for kind in kinds)
                    rule_words = (_n("the {n} sharing rule from {party} for {kinds}",
                                     "the {n} sharing rules from {party} for {kinds}", len(rules), party=party, kinds=either)
                                  if rules else _("any sharing rule from {party} for {kinds}", party=party, kinds=either))
                    yield self.finding(
                        bound.at(role.pos),
                        _n("{kinds} role {role} held by '{party}' reads {n} category beyond {rules}: {categories}; "
                           "remove those forms from the role or agree the categories in a sharing rule",
                           "{kinds} role {role} held by '{party}' reads {n} categories beyond {rules}: {categories}; "
                           "remove those forms from the role or agree the categories in a sharing rule", len(beyond),
                           kinds=_(" and ").join(_(_KINDS[kind]) for kind in kinds), role=shown(role.unique_id),
                           party=party, rules=rule_words, categories=", ".join(beyond)))


class ConsentOverrideNotNamed(Rule):
    """
    ## What it checks
    A Primero role with the `consent_override` permission is held only by parties for which the
    DPISP names someone in a role that the pack lets decide consent overrides (the
    `case_management_supervisor`, whose pack entry `decides: [consent_override]`).

    ## Why it matters
    Overriding a refusal of consent is a best-interests decision a named supervisor takes and
    records; a permission held by a party with nobody named to decide lets any holder send a
    child's data without consent. Source: Primero role permission `consent_override`
    (role_permissions_exporter.rb) and transition consent checks; Inter-agency Guidance Note
    (2023), consent and its exceptions.

    ## Example
    ```yaml
    assignments: {gvca: [role-cp-manager]}   # consent_override; the DPISP names no supervisor of gvca
    ```
    Fixed:
    ```yaml
    assignments: {gvca: [role-referral]}     # or name gvca's case_management_supervisor in the DPISP
    ```

    ## How to fix
    Name the party's case management supervisor in the DPISP, or remove `consent_override` from
    the roles the party's users hold.
    """

    id, name, summary = ("SYSTEM005", "consent-override-not-named",
                         "consent_override is held by a party with nobody named to decide it")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        deciders = [rid for rid, role in pack.roles.items() if CONSENT_OVERRIDE in (role.get("decides") or [])]
        for bound in bound_systems(project, under_protocol=True):
            named: set[str] = set()
            for role_id in deciders:
                value = bound.dpisp.roles.get(role_id)
                for entry in value if isinstance(value, list) else [value]:
                    holder = entry.get("holder") if isinstance(entry, YMap) else None
                    if isinstance(holder, YMap) and isinstance(holder.get("party"), str):
                        named.add(holder["party"])
            for role in bound.facts.roles:
                if not role.can(CONSENT_OVERRIDE):
                    continue
                for party in bound.holders(role):
                    if party in bound.dpisp.parties and party not in named:
                        yield self.finding(
                            bound.at(role.permission_pos[CONSENT_OVERRIDE]),
                            _("role {role} can override consent and is held by party '{party}', but DPISP '{dpisp}' names "
                              "no {deciders} of {party}; name one, or remove consent_override from the role",
                              role=shown(role.unique_id), party=party, dpisp=bound.dpisp.id,
                              deciders=_(" or ").join(deciders) or _("decider")))


class CrossAgencyGroup(Rule):
    """
    ## What it checks
    A Primero user group whose agencies belong to two or more parties, where the parties' users
    hold a role with `group_permission: group` (they see every record of the group), is backed by
    a sharing rule between each pair of those parties.

    ## Why it matters
    With group permission, a caseworker of one agency reads the cases of another agency in the
    same group: that is sharing, with no referral and no record of it. Source: Primero
    `UserGroup.agency_unique_ids` and `Role.group_permission` (app/models/user_group.rb, role.rb).

    ## Example
    ```yaml
    source: {format: primero-config, path: cpims/config_data.json}   # usergroup-camp: SCI and UNICEF
    ```
    Fixed:
    ```yaml
    source: {format: primero-config, path: cpims/config_data.2026-11.json}   # one user group per agency
    ```

    ## How to fix
    Split the user group by agency, give its users a role with `group_permission: self` or
    `agency`, or agree a sharing rule between the parties.
    """

    id, name, summary = ("SYSTEM006", "cross-agency-group-without-rule",
                         "A user group spans parties that share no data under the DPISP")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound in bound_systems(project, under_protocol=True):
            group_roles = {role.unique_id for role in bound.facts.roles if role.group_permission == "group"}
            if not group_roles:
                continue
            for group in bound.facts.groups:
                parties = sorted({p for p in map(bound.party_of_agency_id, group.agency_unique_ids) if p})
                seeing = [p for p in parties if not bound.assignments or set(bound.assignments.get(p, ())) & group_roles]
                pairs = [(a, b) for i, a in enumerate(parties) for b in parties[i + 1:]
                         if (a in seeing or b in seeing) and not bound.shares(a, b)]
                if pairs:
                    yield self.finding(
                        bound.at(group.pos),
                        _("user group {group} spans parties {parties} and its users can see the group's records "
                          "(group_permission: group), but no sharing rule joins {pairs}; split the group or agree a "
                          "sharing rule", group=shown(group.unique_id), parties=", ".join(parties),
                          pairs="; ".join(_("{party} and {other}", party=a, other=b) for a, b in pairs)))


class TermsOfUseDisabled(Rule):
    """
    ## What it checks
    Every agency whose party's users work in the system has `terms_of_use_enabled: true`.

    ## Why it matters
    CPIMS+ asks each agency's users to accept the agency's terms of use, which bind them to the
    protocol's confidentiality duties; with the terms disabled, users work without having accepted
    them. Source: Primero `Agency.terms_of_use_enabled` and the user's `accept_terms_of_use`
    (app/models/agency.rb, user.rb); CPIMS+ Phase 1 prerequisites.

    ## Example
    ```yaml
    source: {format: primero-config, path: cpims/config_data.json}   # GVCA: terms_of_use_enabled: false
    ```
    Fixed:
    ```yaml
    source: {format: primero-config, path: cpims/config_data.2026-11.json}   # GVCA's terms enabled
    ```

    ## How to fix
    Upload the agency's signed terms of use in the system and enable them, then export the
    configuration again.
    """

    id, name, summary, severity = ("SYSTEM007", "terms-of-use-disabled",
                                   "An agency's users work without accepting its terms of use", "warning")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound in bound_systems(project):
            with_users = set(bound.assignments) or set(bound.agencies.values())
            for agency in bound.facts.agencies:
                party = bound.party_of(agency)
                if agency.terms_of_use_enabled is False and not agency.disabled and party in with_users:
                    yield self.finding(
                        bound.at(agency.terms_pos or agency.pos),
                        _("agency {agency} ({party}) has terms_of_use_enabled: false while its users work in the system; "
                          "upload and enable its terms of use", agency=agency_code(agency.code or agency.unique_id),
                          party=party))


class SevereFormUnencrypted(Rule):
    """
    ## What it checks
    An XLSForm that asks questions of a severe category (as the pack's field map or the System's
    exports classify them) has a `public_key` in its `settings` sheet, so submissions are
    encrypted on the device and on the server.

    ## Why it matters
    Without encryption, every KoBoToolbox or ODK server administrator, and anyone holding a copy
    of the server's data, reads the answers about abuse or a child's protection concerns.
    Source: XLSForm specification and pyxform (`public_key` setting); KoBoToolbox "encrypting
    forms"; UNHCR Data Protection Policy (2015) §2.8 (security).

    ## Example
    ```yaml
    source: {format: xlsform, path: kobo/intake-unencrypted.xlsx}   # no public_key in settings
    ```
    Fixed:
    ```yaml
    source: {format: xlsform, path: kobo/intake.xlsx}   # settings: public_key: MIIBIjAN...
    ```

    ## How to fix
    Generate an RSA key pair, put the base64 public key in the `public_key` column of the
    settings sheet (with `submission_url` where the platform needs it), keep the private key with
    the data protection focal point, and deploy the form again.
    """

    id, name, summary = ("SYSTEM008", "severe-form-unencrypted",
                         "An XLSForm collects severe categories without encryption")
    scope = "protocol"  # the exports a System names are in its group, whatever their protocol

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound in bound_systems(project):
            if bound.facts.format != "xlsform" or bound.facts.encrypted is not False:
                continue
            declared = declared_categories(bound)
            severe = [(f, c) for f in bound.facts.fields() for c in field_categories(bound, pack, f.name, declared)[:1]
                      if sensitivity(pack, c) == "severe"]
            if severe:
                categories = sorted({c for _, c in severe})
                yield self.finding(
                    bound.at(bound.facts.settings_pos or severe[0][0].pos),
                    _n("the form of system '{system}' asks {n} question of severe categories ({categories}; the first at "
                       "{address}) but its settings have no public_key; encrypt its submissions",
                       "the form of system '{system}' asks {n} questions of severe categories ({categories}; the first "
                       "at {address}) but its settings have no public_key; encrypt its submissions", len(severe),
                       system=bound.system.id, categories=", ".join(categories), address=severe[0][0].pos.address))


class UnmappableFormField(Rule):
    """
    ## What it checks
    Every question of an XLSForm and every field of a Primero forms export, and every field a
    Primero referral, transfer or export role can read, has a data category: the pack's field map
    for the system knows its name, or one of the System's exports states it.

    ## Why it matters
    A field without a category is data whose need-to-know nobody judged, and the other SYSTEM
    checks cannot see it. The linter never guesses a category from a name, and names the field
    by its position only: a custom field's name can itself say too much. Source: IASC Operational
    Guidance on Data Responsibility (2023), data sensitivity classification.

    ## Example
    ```yaml
    fields:                         # the form also asks child_age
      - {name: child_name, category: identity.name}
      - {name: child_sex, category: identity.sex}
      - {name: concern_details, category: protection.concern.narrative}
    ```
    Fixed:
    ```yaml
    fields:
      - {name: child_name, category: identity.name}
      - {name: child_sex, category: identity.sex}
      - {name: child_age, category: identity.dob_age}
      - {name: concern_details, category: protection.concern.narrative}
    ```

    ## How to fix
    Give the field its category in the export that sends it (`{name: ..., category: ...}`; `im4cm-lint
    import` writes every field for you), or ask the pack's maintainers to add the system's name to
    the field map.
    """

    id, name, summary, severity = ("SYSTEM009", "unmappable-form-field",
                                   "A system field has no data category", "warning")
    scope = "protocol"  # the exports a System names are in its group, whatever their protocol

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound in bound_systems(project):
            declared = declared_categories(bound)
            if bound.facts.format == "primero-config":
                outward = [r for r in bound.facts.roles if r.referral or r.transfer or any(map(r.can, EXPORT_ACTIONS))]
                fields = list({f.pos.address: f for r in outward for f in readable_fields(bound.facts, r)}.values())
            else:
                fields = [f for form in bound.facts.forms for f in form.fields]
            for item in fields:
                if not field_categories(bound, pack, item.name, declared):
                    yield self.finding(
                        bound.at(item.pos),
                        _("the field at {address} of system '{system}' has no data category: the pack's field map for "
                          "{software} does not list it and no export of the system states it; give it a category in "
                          "the export that sends it", address=item.pos.address, system=bound.system.id,
                          software=bound.system.get("system")))


class JobSendsUnlistedField(Rule):
    """
    ## What it checks
    Every field an OpenFn job carries is a field of a DataExport the job produces (the exports
    `jobs` binds to the job, else any export of the System). A job carries the keys of the
    objects it sends (a `const ...Mapping = {...}`, or the object given as `data:`) when those are
    the names its exports use, else the fields it reads from the record it received
    (`data.<field>`, `data['<field>']`): a proGres -> Primero job reads proGres names.

    ## Why it matters
    The DataExport is what the protocol is checked against; the job is what really leaves. A real
    CPIMS+ to proGres v4 referral job sent the caseworker's e-mail, phone and name alongside the
    child's data, which no export listed. Source: OpenFn/primero-progres jobs/PROD/f2-2.sendReferralToDTP.js.

    ## Example
    ```yaml
    send-referrals:                 # a job of project.yaml; its export lists case_id and name_first
      adaptor: '@openfn/language-primero@2.5.0'
      body: |
        const referralMapping = { case_id: data.case_id, name_first: data.name_first, email: user.email };
    ```
    Fixed:
    ```yaml
    send-referrals:
      adaptor: '@openfn/language-primero@2.5.0'
      body: |
        const referralMapping = { case_id: data.case_id, name_first: data.name_first };
    ```

    ## How to fix
    Remove the key from the job's mapping, or add the field to the DataExport (and, if its
    category is new, to the sharing rule). `im4cm-lint import project.yaml --from openfn-project`
    writes the field list of every job.
    """

    id, name, summary = ("SYSTEM010", "job-sends-unlisted-field",
                         "An OpenFn job sends a field its DataExport does not list")
    scope = "protocol"  # the exports a System names are in its group, whatever their protocol

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound in bound_systems(project):
            bindings = bound.job_exports()
            for job in bound.facts.jobs:
                exports = bound.exports(bindings[job.name]) if job.name in bindings else bound.exports()
                if not exports:
                    continue
                listed = {name for export in exports for _, name in export_field_names(export)}
                for item in carried(job, exports, pack):
                    if item.name not in listed:
                        yield self.finding(
                            bound.at(item.pos),
                            _n("job {job} sends {field}, which {exports} does not list; remove it from the job or add it to "
                               "the export",
                               "job {job} sends {field}, which {exports} do not list; remove it from the job or add it "
                               "to the export", len(exports), job=shown(job.name), field=shown(item.name),
                               exports=", ".join(e.id for e in exports)))


class JobLogsIdentifiers(Rule):
    """
    ## What it checks
    An OpenFn job does not print case ids, record ids, names or whole records with `console.log`
    (or `console.info`, `warn`, `error`, `debug`). Counts (`ids.length`) are fine.

    ## Why it matters
    Run logs are kept by the integration platform and read by its support staff, outside the
    agencies' sharing rules; a case id printed there links a child's file to the run. Source:
    OpenFn/primero-progres jobs/PROD/f2-2.sendReferralToDTP.js (`console.log('Primero case id(s)
    :: ', caseid)`); UNHCR Data Protection Policy (2015) §2.8 (security).

    ## Example
    ```yaml
    send-referrals:                 # a job of project.yaml
      adaptor: '@openfn/language-primero@2.5.0'
      body: |
        console.log('Primero case id(s) :: ', caseid);
    ```
    Fixed:
    ```yaml
    send-referrals:
      adaptor: '@openfn/language-primero@2.5.0'
      body: |
        console.log('Primero cases :: ', caseid.length);
    ```

    ## How to fix
    Log counts and outcomes, not ids or records; if an id is needed to trace a failure, log a
    hash of it or the platform's own run id.
    """

    id, name, summary = "SYSTEM011", "job-logs-identifiers", "An OpenFn job logs identifiers or records"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound, job, found in job_facts(project, "logged_ids"):
            yield self.finding(bound.at(found.pos),
                               _("job {job} logs {what}; run logs are read outside the sharing rules: log counts, not ids "
                                 "or records", job=shown(job.name), what=shown(found.what)))


class FetchWithoutRemote(Rule):
    """
    ## What it checks
    A job that uses the Primero adaptor calls `getCases` with `remote: true`.

    ## Why it matters
    The adaptor's documentation: "`remote` attribute should be set to `true` to ensure that only
    cases marked for remote access will be retrieved". Without it the job pulls every case the
    integration user may see, not only those a caseworker marked for the other system. Source:
    OpenFn/adaptors packages/primero/src/Adaptor.js (getCases).

    ## Example
    ```yaml
    send-referrals:                 # a job of project.yaml
      adaptor: '@openfn/language-primero@2.5.0'
      body: |
        getCases({ service_implementing_agency: 'UNHCR' }, state => state);
    ```
    Fixed:
    ```yaml
    send-referrals:
      adaptor: '@openfn/language-primero@2.5.0'
      body: |
        getCases({ remote: true, service_implementing_agency: 'UNHCR' }, state => state);
    ```

    ## How to fix
    Add `remote: true` to the query of every `getCases` call.
    """

    id, name, summary = "SYSTEM012", "fetch-without-remote", "An OpenFn job fetches Primero cases without remote: true"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound, job, found in job_facts(project, "fetch_without_remote"):
            yield self.finding(bound.at(found.pos),
                               _("job {job} calls getCases without remote: true, so it fetches every case the integration "
                                 "user can see; add remote: true", job=shown(job.name)))


class UnboundedUserFetch(Rule):
    """
    ## What it checks
    A job does not fetch Primero's whole user list (`/api/v2/users?per=` 1000 or more).

    ## Why it matters
    The user list holds every caseworker's name, e-mail, phone and agency; a job that needs one
    caseworker's contact pulls all of them into the integration platform at every run. Source:
    OpenFn/primero-progres jobs/PROD/f2-2.sendReferralToDTP.js (`/api/v2/users?per=100000`).

    ## Example
    ```yaml
    send-referrals:                 # a job of project.yaml
      adaptor: '@openfn/language-primero@2.5.0'
      body: |
        http.get({ url: `${host}/api/v2/users?per=100000&page=1` });
    ```
    Fixed:
    ```yaml
    send-referrals:
      adaptor: '@openfn/language-primero@2.5.0'
      body: |
        http.get({ url: `${host}/api/v2/users?user_name=${data.owned_by}` });
    ```

    ## How to fix
    Fetch only the users the job needs (by user name), or keep the contact details the recipient
    needs in the record itself.
    """

    id, name, summary = "SYSTEM013", "unbounded-user-fetch", "An OpenFn job fetches the whole user list"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound, job, found in job_facts(project, "unbounded_fetches"):
            yield self.finding(bound.at(found.pos),
                               _("job {job} fetches up to {count} users at once; fetch only the users it needs",
                                 job=shown(job.name), count=format(int(found.what), ",")))


class ExportDrift(Rule):
    """
    ## What it checks
    A DataExport bound to a source (an OpenFn job by the System's `jobs`; for an XLSForm or a
    Primero forms export, the System's `exports`) lists only fields the source really has: the
    job's mapping keys, or the form's fields.

    ## Why it matters
    A committed export that lists fields the job no longer sends, or questions the form no longer
    asks, is an export typed by hand and gone stale: the protocol is then checked against a
    system that does not exist. Source: FORMAT.md 5.3 (`im4cm-lint import`).

    ## Example
    ```yaml
    fields: [case_id, name_first, name_nickname, sex, date_of_birth, service_type]   # no name_nickname in the job
    ```
    Fixed:
    ```yaml
    fields: [case_id, name_first, sex, date_of_birth, service_type]
    ```

    ## How to fix
    Write the export again from its source with `im4cm-lint import`, and review the difference.
    """

    id, name, summary = "SYSTEM014", "export-drift", "A DataExport disagrees with the source it is imported from"
    scope = "protocol"  # the exports a System names are in its group, whatever their protocol

    def check(self, project: Project, pack: Pack) -> Iterator:
        for bound in bound_systems(project):
            if bound.facts.format == "openfn-project":
                bindings = bound.job_exports()
                sources = [(_("job {job}", job=shown(job.name)), {f.name for f in carried(job, bound.exports(bindings[job.name]), pack)},
                            bound.exports(bindings[job.name])) for job in bound.facts.jobs if job.name in bindings]
            elif bound.facts.format in ("xlsform", "primero-forms") and not bound.facts.problems:
                sources = [(_("the form of system '{system}'", system=bound.system.id), {f.name for f in bound.facts.fields()},
                            bound.exports())]
            else:
                continue
            for words, names, exports in sources:
                for export in exports:
                    for number, name in export_field_names(export):
                        if name not in names:
                            yield self.finding(
                                locate(export.body["fields"], number),
                                _("export '{export}' lists {field}, which {source} does not have; import the export again "
                                  "from its source and review the difference", export=export.id, field=shown(name),
                                  source=words))
