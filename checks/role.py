"""ROLE: who must lead, sign and keep a DPISP alive through staff turnover.

The pack's ``roles`` say which roles a setting requires, whether a role is held once for the
protocol (scope ``process``) or once in every agency that shares or receives data (scope
``party``), whether it needs a backup from the same agency, training, and which roles one person
must not combine. The DPISP's ``roles`` map each role id to its assignment(s).
"""

from __future__ import annotations


from dataclasses import replace
from typing import Iterator

from im4cm_lint import Rule, hookimpl
from im4cm_lint.diagnostics import Fix, Location
from im4cm_lint.i18n import N_, _, _n
from im4cm_lint.model import DPISP, Project
from im4cm_lint.pack import Pack
from im4cm_lint.yamltree import YMap, locate

from im4cm_lint_checks.domain.parties import is_unhcr
from im4cm_lint_checks.domain.roles import assignments, required_roles, role_skeleton
from im4cm_lint_checks.domain.status import by_status


def skeleton_fix(role, dpisp) -> Fix | None:
    """The ``--fix`` for a required role that a DPISP lacks: add the role's skeleton under
    ``roles`` (or the ``roles`` section itself), with placeholders where people must decide."""
    skeleton = role_skeleton(role, list(dpisp.parties.values())) if dpisp.parties else None
    if not skeleton or role["id"] in dpisp.roles:
        return None
    if not isinstance(dpisp.body.get("roles"), dict):
        if "roles" in dpisp.body:
            return None
        return Fix(_("add the roles section with a skeleton of '{role}' to fill in", role=role["id"]), "roles",
                   {role["id"]: skeleton}, dpisp.index, "add")
    return Fix(_("add a skeleton of role '{role}' to fill in", role=role["id"]), f"roles.{role['id']}", skeleton,
               dpisp.index, "add")


def data_parties(dpisp: DPISP) -> list[str]:
    """The listed parties that share or receive data (``from``/``to`` of a sharing rule), in the
    order of ``parties``."""
    ends = {rule.get(end) for rule in dpisp.sharing_rules.values() for end in ("from", "to")}
    return [party_id for party_id in dpisp.parties if party_id in ends]


def role_label(role: YMap, pack: Pack) -> str:
    """'Name' (id), the name in the language of the run where the pack translates it."""
    return f"'{pack.text('roles', role['id'], 'name') or role['id']}' ({role['id']})"


def person_key(name: object) -> str:
    """A holder's name as an identity: case and spacing never make two people of one."""
    return " ".join(str(name).split()).casefold()


def is_placeholder(pack: Pack, name: object) -> bool:
    return bool(pack.placeholder and isinstance(name, str) and pack.placeholder.search(name))


def _for_party(role: YMap, entry: YMap) -> str:
    party = entry["holder"].get("party")
    return _(" for party '{party}'", party=party) if role.get("scope") == "party" and party else ""


def _role_location(dpisp: DPISP, role_id: str) -> Location:
    """Where a role that is not assigned belongs: ``roles.<role>`` (the key the fix adds)."""
    if isinstance(dpisp.body.get("roles"), YMap):
        return locate(dpisp.roles, role_id)
    return replace(locate(dpisp.body, "roles"), yaml_path=f"roles.{role_id}")


def _required(dpisp: DPISP, pack: Pack) -> list[YMap]:
    return required_roles(pack, dpisp.setting, list(dpisp.parties.values()))[0]


def _known(dpisp: DPISP, pack: Pack) -> Iterator[tuple[YMap, YMap]]:
    """(pack role, assignment) for the assignments of roles the pack knows (others are REF007)."""
    for role_id, entry in assignments(dpisp):
        role = pack.roles.get(role_id)
        if role is not None:
            yield role, entry


def _backup_words(role: YMap) -> str:
    words = {"required": N_(" and a backup"), "same_party": N_(" and a backup from the same agency")}.get(
        role.get("backup") or "")
    return _(words) if words else ""


class MissingRole(Rule):
    """
    ## What it checks
    Every role that the policy pack requires for the protocol's setting (`metadata.setting`) and
    that is held once for the whole protocol has an assignment under `roles`. A role that needs
    certain systems (`requires_systems`, such as the CPIMS+ system administrator) is required only
    when the parties run them; a UNHCR role only when UNHCR is a party.

    Severity follows the protocol's status: a warning while it is drafted or reviewed, an error
    once it is signed or in force.

    ## Why it matters
    A protocol that nobody leads is not reviewed, not updated when partners change, and not
    known to new staff: the consultations behind the standard found that nobody knew who had to
    keep the process alive. Source: IASC Operational Guidance on Data Responsibility (2023),
    accountability; inter-agency DPISP template and Guidance Note (2023), roles and focal points.

    ## Example
    ```yaml
    roles:
      process_lead:
        holder: {name: A. Person, title: CP Sub-Working Group chair, party: unhcr}
        backup: {name: B. Person, title: CP Officer, party: unhcr}
    ```
    Fixed:
    ```yaml
    roles:
      process_lead:
        holder: {name: A. Person, title: CP Sub-Working Group chair, party: unhcr}
        backup: {name: B. Person, title: CP Officer, party: unhcr}
      breach_incident_manager:
        holder: {name: C. Person, title: Protection Officer, party: unhcr}
        backup: {name: D. Person, title: CP Specialist, party: unicef}
    ```

    ## How to fix
    Add the role under `roles` with the position that holds it (and a backup where the pack asks
    for one). `im4cm-lint --fix` adds a skeleton with placeholders to fill in.
    """

    id, name, summary = "ROLE001", "missing-role", "A role the setting requires is not assigned"
    scope = "protocol"
    fixable = True

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for role in _required(dpisp, pack):
                value = dpisp.roles.get(role["id"])
                if role.get("scope") == "party" or (value is not None and value != []):
                    continue
                holder = _(" from the UNHCR party") if role.get("unhcr_only") else ""
                yield self.finding(
                    _role_location(dpisp, role["id"]),
                    _("no one holds the role {role}, which a {setting} protocol requires; "
                      "name a holder{holder}{backup} under 'roles'", role=role_label(role, pack), setting=dpisp.setting,
                      holder=holder, backup=_backup_words(role)),
                    severity=by_status(dpisp.status), fix=skeleton_fix(role, dpisp))


class PartyRoleMissing(Rule):
    """
    ## What it checks
    Every party that shares or receives data (it is the `from` or `to` of a sharing rule) has a
    holder for each role that the pack requires in every agency (scope `party`): its signatory,
    its data protection focal point and, for UN agencies and NGOs, its information management
    focal point. The pack's `party_types` say which kinds of agency need a role.

    Severity follows the protocol's status: a warning while it is drafted or reviewed, an error
    once it is signed or in force.

    ## Why it matters
    Data that reaches an agency with nobody answerable for it there cannot be protected: requests
    from children and caregivers, breaches and onward sharing have no one to go to. Source:
    inter-agency DPISP template ("participants are signatories to this protocol"); UNHCR Data
    Protection Policy (2015) §7, data controller and data protection focal point; IASC Operational
    Guidance on Data Responsibility (2023), accountability.

    ## Example
    ```yaml
    sharing:
      - {id: sc-to-unhcr, from: sc, to: unhcr, ...}
    roles:
      data_protection_focal_point:
        - holder: {name: A. Person, party: unhcr}
          backup: {name: B. Person, party: unhcr}
    ```
    Fixed:
    ```yaml
    roles:
      data_protection_focal_point:
        - holder: {name: A. Person, party: unhcr}
          backup: {name: B. Person, party: unhcr}
        - holder: {name: C. Person, party: sc}
          backup: {name: D. Person, party: sc}
    ```

    ## How to fix
    Add one entry per agency under the role, each with the agency's own holder (and backup).
    When the role is missing altogether, `im4cm-lint --fix` adds it with a placeholder entry for
    each agency.
    """

    id, name, summary = "ROLE002", "party-role-missing", "A party that shares data has no holder for a per-agency role"
    scope = "protocol"
    fixable = True

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            sharing = data_parties(dpisp)
            for role in _required(dpisp, pack):
                if role.get("scope") != "party":
                    continue
                types = role.get("party_types") or []
                value = dpisp.roles.get(role["id"])
                covered = {entry["holder"].get("party") for role_id, entry in assignments(dpisp)
                           if role_id == role["id"]}
                missing = [p for p in sharing
                           if p not in covered and (not types or dpisp.parties[p].get("type") in types)]
                if not missing:
                    continue
                quoted = [f"'{p}'" for p in missing]
                names = quoted[0] if len(quoted) == 1 else _("{parties} and {last}", parties=", ".join(quoted[:-1]),
                                                             last=quoted[-1])
                where = locate(dpisp.roles, role["id"]) if value is not None else _role_location(dpisp, role["id"])
                yield self.finding(
                    where,
                    _n("no one holds the role {role} for party {parties}, which shares or receives data; "
                       "name a holder{backup} for each agency",
                       "no one holds the role {role} for parties {parties}, which share or receive data; "
                       "name a holder{backup} for each agency", len(missing), role=role_label(role, pack), parties=names,
                       backup=_backup_words(role)),
                    severity=by_status(dpisp.status), fix=skeleton_fix(role, dpisp) if value is None else None)


class MissingBackup(Rule):
    """
    ## What it checks
    Every assignment of a role for which the pack requires a backup (`backup: required` or
    `same_party`) names a backup, and the backup is not the holder themself.

    Severity follows the protocol's status: a warning while it is drafted or reviewed, an error
    once it is signed or in force.

    ## Why it matters
    Staff turnover is how protocols silently stop working: when the only holder leaves, breach
    notifications and requests go nowhere. Source: GBVIMS Information Sharing Protocol (a change
    of lead triggers a review, sharing to the new lead is not automatic); IASC Operational
    Guidance on Data Responsibility (2023), accountability.

    ## Example
    ```yaml
    roles:
      breach_incident_manager:
        holder: {name: A. Person, title: Protection Officer, party: unhcr}
    ```
    Fixed:
    ```yaml
    roles:
      breach_incident_manager:
        holder: {name: A. Person, title: Protection Officer, party: unhcr}
        backup: {name: B. Person, title: Associate Protection Officer, party: unhcr}
    ```

    ## How to fix
    Name a second person, by position, who acts when the holder is away or has left.
    """

    id, name, summary = "ROLE003", "missing-backup", "A role that needs a backup has none"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for role, entry in _known(dpisp, pack):
                if role.get("backup") not in ("required", "same_party"):
                    continue
                backup = entry.get("backup")
                if not isinstance(backup, YMap):
                    message = N_("the role {role}{party} has no backup; name another person{agency} as backup")
                    where = locate(entry, "backup")
                elif person_key(backup.get("name")) == person_key(entry["holder"].get("name")):
                    message = N_("the role {role}{party} names the holder as their own backup; name another "
                                 "person{agency} as backup")
                    where = locate(backup, "name")
                else:
                    continue
                yield self.finding(
                    where,
                    _(message, role=role_label(role, pack), party=_for_party(role, entry),
                      agency=_(" from the same agency") if role.get("backup") == "same_party" else ""),
                    severity=by_status(dpisp.status))


class BackupFromOtherAgency(Rule):
    """
    ## What it checks
    For roles whose backup must come from the holder's own agency (`backup: same_party` in the
    pack, such as the data protection and information management focal points), the backup's
    `party` is the holder's `party`.

    Severity follows the protocol's status: information while it is drafted or reviewed, a
    warning once it is signed or in force.

    ## Why it matters
    An agency's focal point acts on the agency's own data and systems; a backup from another
    agency has no access to them and no authority to act for the agency, so the backup exists
    only on paper. Source: inter-agency DPISP template, focal points annex (each participant
    designates focal points with a backup from the same agency); UNHCR Data Protection Policy
    (2015) §7.

    ## Example
    ```yaml
    roles:
      data_protection_focal_point:
        - holder: {name: A. Person, party: sc}
          backup: {name: B. Person, party: unicef}
    ```
    Fixed:
    ```yaml
    roles:
      data_protection_focal_point:
        - holder: {name: A. Person, party: sc}
          backup: {name: C. Person, party: sc}
    ```

    ## How to fix
    Name a backup from the holder's agency.
    """

    id, name, summary = "ROLE004", "backup-from-other-agency", "A backup comes from another agency where the pack says same agency"
    severity = "warning"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for role, entry in _known(dpisp, pack):
                backup = entry.get("backup")
                if role.get("backup") != "same_party" or not isinstance(backup, YMap):
                    continue
                mine, theirs = entry["holder"].get("party"), backup.get("party")
                if isinstance(mine, str) and isinstance(theirs, str) and mine != theirs:
                    yield self.finding(
                        locate(backup, "party"),
                        _("the backup for the role {role}{party} is from party '{other}', not from the holder's "
                          "agency '{agency}'; name a backup from '{agency}'", role=role_label(role, pack),
                          party=_for_party(role, entry), other=theirs, agency=mine),
                        severity=by_status(dpisp.status, enforced="warning", otherwise="info"))


class StaleConfirmation(Rule):
    """
    ## What it checks
    Every assignment records when it was last confirmed (`confirmed`), and that date is no older
    than the pack's `role_confirmation_stale_days` threshold (180 days in the standard; a
    configuration may tighten it under `thresholds:`). Assignments whose holder is still a
    placeholder are left to ROLE009.

    Severity follows the protocol's status: information while it is drafted or reviewed, a
    warning once it is signed or in force.

    ## Why it matters
    A list of focal points that nobody has checked for months names people who have left: the
    protocol then looks complete while breaches and requests reach no one. Source: GBVIMS
    Information Sharing Protocol (a change of lead triggers a review); IASC Operational Guidance
    on Data Responsibility (2023), accountability.

    ## Example
    ```yaml
    roles:
      process_lead:
        holder: {name: A. Person, party: unhcr}
        confirmed: 2024-01-15
    ```
    Fixed:
    ```yaml
    roles:
      process_lead:
        holder: {name: A. Person, party: unhcr}
        confirmed: 2025-09-01
    ```

    ## How to fix
    Check with the agency that the holder and backup are still in post, update them if not, and
    write today's date in `confirmed`.
    """

    id, name, summary = "ROLE005", "stale-confirmation", "A role assignment has not been confirmed recently"
    severity = "warning"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        limit = pack.threshold("role_confirmation_stale_days")
        if limit is None:
            return
        for dpisp in project.dpisps.values():
            severity = by_status(dpisp.status, enforced="warning", otherwise="info")
            for role, entry in _known(dpisp, pack):
                if is_placeholder(pack, entry["holder"].get("name")):
                    continue
                confirmed = project.date(entry.get("confirmed"))
                label, party = role_label(role, pack), _for_party(role, entry)
                if confirmed is None and _misspelt(entry, "confirmed"):
                    continue  # a typo of the key is SCHEMA001's, with "did you mean"
                if confirmed is None:
                    yield self.finding(
                        locate(entry, "confirmed"),
                        _("the assignment of {role}{party} has no confirmation date; check that the holder and "
                          "backup are still in post and write that day in `confirmed: YYYY-MM-DD`", role=label,
                          party=party), severity=severity)
                elif (project.today - confirmed).days > limit:
                    yield self.finding(
                        locate(entry, "confirmed"),
                        _("the assignment of {role}{party} was last confirmed on {date}, {days} days ago (the "
                          "limit is {limit} days); check that the holder and backup are still in post and update "
                          "'confirmed'", role=label, party=party, date=confirmed.isoformat(),
                          days=(project.today - confirmed).days, limit=f"{limit:g}"), severity=severity)


class Untrained(Rule):
    """
    ## What it checks
    The holder of every role for which the pack expects training (`training: expected`, such as
    the focal points) has the date of their IM4CM data protection training in `trained`.
    Assignments whose holder is still a placeholder are left to ROLE009.

    Severity follows the protocol's status: information while it is drafted or reviewed, a
    warning once it is signed or in force.

    ## Why it matters
    A focal point who has not been trained on the protocol cannot tell a lawful referral from a
    breach, nor answer a child's request for their data. Source: PIM principles, competency and
    capacity; UNHCR Data Protection Policy (2015) §7 (data protection focal points);
    inter-agency Guidance Note (2023).

    ## Example
    ```yaml
    roles:
      data_protection_focal_point:
        - holder: {name: A. Person, party: sc}
          backup: {name: B. Person, party: sc}
    ```
    Fixed:
    ```yaml
    roles:
      data_protection_focal_point:
        - holder: {name: A. Person, party: sc}
          backup: {name: B. Person, party: sc}
          trained: 2025-06-12
    ```

    ## How to fix
    Arrange the IM4CM training for the holder and record its date in `trained`.
    """

    id, name, summary = "ROLE006", "untrained-holder", "A role holder has no IM4CM training recorded"
    severity = "warning"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for role, entry in _known(dpisp, pack):
                if role.get("training") != "expected" or is_placeholder(pack, entry["holder"].get("name")):
                    continue
                if project.date(entry.get("trained")) is None:
                    yield self.finding(
                        locate(entry, "trained"),
                        _("the holder of {role}{party} has no IM4CM training recorded; arrange the training and "
                          "write its date in `trained: YYYY-MM-DD`", role=role_label(role, pack), party=_for_party(role, entry)),
                        severity=by_status(dpisp.status, enforced="warning", otherwise="info"))


class RolesNotSeparated(Rule):
    """
    ## What it checks
    No person holds two roles that the pack says must be held by different people
    (`incompatible_with`): for instance an agency's signatory is not also its data protection
    focal point. People are compared by name, ignoring case and spacing.

    Severity follows the protocol's status: a warning while it is drafted or reviewed, an error
    once it is signed or in force.

    ## Why it matters
    Segregation of duties: the person who commits an agency to the protocol should not be the one
    who checks that the agency complies with it, and the administrator who can export everything
    should not be the one who approves exports. Source: IASC Operational Guidance on Data
    Responsibility (2023), accountability; UNHCR Data Protection Policy (2015) §2.9,
    accountability and supervision.

    ## Example
    ```yaml
    roles:
      signatory:
        - holder: {name: A. Person, title: Country Director, party: sc}
      data_protection_focal_point:
        - holder: {name: A. Person, title: Country Director, party: sc}
    ```
    Fixed:
    ```yaml
    roles:
      signatory:
        - holder: {name: A. Person, title: Country Director, party: sc}
      data_protection_focal_point:
        - holder: {name: B. Person, title: CP Manager, party: sc}
    ```

    ## How to fix
    Give one of the two roles to another person.
    """

    id, name, summary = "ROLE007", "roles-not-separated", "One person holds two roles that must be separate"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            seen: list[tuple[str, YMap, YMap]] = []  # (person, pack role, holder)
            reported: set[tuple[str, str, str]] = set()
            for role, entry in _known(dpisp, pack):
                holder = entry["holder"]
                person = person_key(holder.get("name"))
                if is_placeholder(pack, holder.get("name")):
                    continue
                for other_person, other, _holder in seen:
                    pair = tuple(sorted((role["id"], other["id"])))
                    key = (person, *pair)
                    if other_person != person or other is role or key in reported:
                        continue
                    if other["id"] in (role.get("incompatible_with") or []) or \
                            role["id"] in (other.get("incompatible_with") or []):
                        reported.add(key)
                        party = holder.get("party")
                        yield self.finding(
                            locate(holder, "name"),
                            _("the same person holds {role} and {other}{party}; the standard requires different "
                              "people for these roles, so name another holder for one of them", role=role_label(other, pack),
                              other=role_label(role, pack), party=_(" in party {party}", party=repr(party)) if party else ""),
                            severity=by_status(dpisp.status))
                seen.append((person, role, holder))


class WrongAgency(Rule):
    """
    ## What it checks
    A role is held by an agency that may hold it: a UNHCR role (`unhcr_only` in the pack, such
    as the UNHCR Best Interests Procedure focal point) by the UNHCR party (the party with
    `unhcr_roles`), and a role held once for the protocol by an agency of a type the pack allows
    (`party_types`, when it lists any).

    Severity follows the protocol's status: a warning while it is drafted or reviewed, an error
    once it is signed or in force.

    ## Why it matters
    Some decisions belong to UNHCR under its mandate and its data protection policy (the Best
    Interests Procedure, onward transfer of UNHCR data); assigning them to another agency leaves
    nobody with the authority to take them. Source: UNHCR Data Protection Policy (2015) §7 and
    §5 (implementing partners); inter-agency Guidance Note (2023), refugee settings and the BIP.

    ## Example
    ```yaml
    roles:
      unhcr_bip_focal_point:
        holder: {name: A. Person, title: CP Manager, party: sc}
    ```
    Fixed:
    ```yaml
    roles:
      unhcr_bip_focal_point:
        holder: {name: B. Person, title: Child Protection Officer, party: unhcr}
    ```

    ## How to fix
    Give the role to a person of an agency that may hold it, or correct the holder's `party`.
    """

    id, name, summary = "ROLE008", "role-held-by-wrong-agency", "A role is held by an agency that may not hold it"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for role, entry in _known(dpisp, pack):
                holder = entry["holder"]
                party = dpisp.parties.get(holder.get("party") or "")
                if party is None:
                    continue  # an unknown party is REF002
                types = role.get("party_types") or []
                if role.get("unhcr_only") and not is_unhcr(party):
                    message = _("the role {role} is held at party '{party}', but it is a UNHCR role; give it to a "
                                "person of the UNHCR party", role=role_label(role, pack), party=party["id"])
                elif role.get("scope") != "party" and types and party.get("type") not in types:
                    message = _("the role {role} is held at party '{party}', but it may be held only by a party of "
                                "type {types}, and '{party}' is of type {type}; give it to a person of such a party",
                                role=role_label(role, pack), party=party["id"], types=_(" or ").join(types),
                                type=party.get("type"))
                else:
                    continue
                yield self.finding(
                    locate(holder, "party"), message,
                    severity=by_status(dpisp.status))


class PlaceholderPerson(Rule):
    """
    ## What it checks
    No holder or backup of a role is still a template placeholder such as
    `[INSERT name of the Coordination lead]` (the pack's `placeholder_pattern`).

    Severity follows the protocol's status: a warning while it is drafted or reviewed, an error
    once it is signed or in force.

    ## Why it matters
    A role written as a placeholder looks assigned but is held by nobody. Source: IASC
    Operational Guidance on Data Responsibility (2023), accountability; inter-agency DPISP
    template, focal points annex.

    ## Example
    ```yaml
    roles:
      process_lead:
        holder: {name: "[INSERT name of the Coordination lead]", party: unhcr}
    ```
    Fixed:
    ```yaml
    roles:
      process_lead:
        holder: {name: A. Person, title: Child Protection Officer, party: unhcr}
    ```

    ## How to fix
    Write the name and position of the person who holds the role, or of the backup.
    """

    id, name, summary = "ROLE009", "placeholder-person", "A role holder or backup is still a placeholder"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for role_id, entry in assignments(dpisp):
                role = pack.roles.get(role_id)
                label = role_label(role, pack) + _for_party(role, entry) if role else f"'{role_id}'"
                for who, message in (("holder", N_("the holder of the role {role} is still a placeholder; write "
                                                   "the name of the person who is the holder")),
                                     ("backup", N_("the backup of the role {role} is still a placeholder; write "
                                                   "the name of the person who is the backup"))):
                    person = entry.get(who)
                    if isinstance(person, YMap) and is_placeholder(pack, person.get("name")):
                        yield self.finding(
                            locate(person, "name"), _(message, role=label),
                            severity=by_status(dpisp.status))


class PersonForTwoAgencies(Rule):
    """
    ## What it checks
    No person holds, or backs up, a per-agency role (focal point, signatory) for two different
    parties.

    ## Why it matters
    A focal point answers for one agency's data: its breaches, its requests, its staff. The same
    name under two agencies is either a copy-paste left in the protocol or one person answering
    for data that the protocol keeps apart. Source: inter-agency DPISP template, focal points
    annex (one focal point per participating agency); UNHCR Data Protection Policy (2015) §7.

    ## Example
    ```yaml
    roles:
      data_protection_focal_point:
        - holder: {name: W. Akway, title: CP Manager, party: sc}
        - holder: {name: W. Akway, title: CP Manager, party: irc}
    ```
    Fixed:
    ```yaml
    roles:
      data_protection_focal_point:
        - holder: {name: W. Akway, title: CP Manager, party: sc}
        - holder: {name: O. Obang, title: Protection Coordinator, party: irc}
    ```

    ## How to fix
    Name the person of each agency who holds its role.
    """

    id = "ROLE010"
    name = "person-for-two-agencies"
    summary = "One person holds a per-agency role for two parties"
    scope = "protocol"

    MESSAGES = {
        "holder": N_("the holder of {role} for party '{party}' is the same person as for party '{other}' "
                     "(line {line}); name the person of '{party}' who holds it"),
        "backup": N_("the backup of {role} for party '{party}' is the same person as for party '{other}' "
                     "(line {line}); name the person of '{party}' who holds it"),
    }

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            seen: dict[tuple[str, str], tuple[str, int]] = {}
            for role_id, entry in assignments(dpisp):
                role = pack.roles.get(role_id)
                if role is None or role.get("scope") != "party":
                    continue
                party = entry["holder"].get("party")
                for who in ("holder", "backup"):
                    person = entry.get(who)
                    if not isinstance(person, YMap) or is_placeholder(pack, person.get("name")):
                        continue
                    key = (role_id, person_key(person.get("name")))
                    first_party, first_line = seen.setdefault(key, (party, person.line))
                    if first_party != party:
                        yield self.finding(
                            locate(person, "name"),
                            _(self.MESSAGES[who], role=role_label(role, pack), party=party, other=first_party,
                              line=first_line),
                            severity=by_status(dpisp.status))


class ConfirmedBeforeTrained(Rule):
    """
    ## What it checks
    An assignment's `confirmed` date is not earlier than its holder's `trained` date. A holder
    trained after the assignment was last confirmed is, most often, a new holder whose assignment
    nobody confirmed. (With a base revision, ROLE011 sees the change of holder itself.)

    ## Why it matters
    Focal points turn over fast; the confirmation date is what tells the coordination lead that
    the named person really holds the role now. A new name under an old confirmation looks
    confirmed and is not. Source: inter-agency DPISP template, focal points annex (assignments
    confirmed at each review); IASC Operational Guidance on Data Responsibility (2023),
    accountability.

    ## Example
    ```yaml
    roles:
      process_lead:
        holder: {name: A. Person, title: CP Officer, party: unhcr}
        confirmed: 2025-03-01
        trained: 2025-06-12
    ```
    Fixed:
    ```yaml
    roles:
      process_lead:
        holder: {name: A. Person, title: CP Officer, party: unhcr}
        confirmed: 2025-06-20
        trained: 2025-06-12
    ```

    ## How to fix
    Confirm the assignment with the holder named now and update `confirmed`.
    """

    id = "ROLE012"
    name = "confirmed-before-trained"
    summary = "An assignment was last confirmed before its holder was trained"
    severity = "warning"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for role, entry in _known(dpisp, pack):
                confirmed, trained = project.date(entry.get("confirmed")), project.date(entry.get("trained"))
                if confirmed and trained and trained > confirmed:
                    yield self.finding(
                        locate(entry, "confirmed"),
                        _("the assignment of {role}{party} was last confirmed on {date}, before its holder was "
                          "trained ({trained}); if the holder changed, confirm the new assignment and update "
                          "'confirmed'", role=role_label(role, pack), party=_for_party(role, entry),
                          date=confirmed.isoformat(), trained=trained.isoformat()),
                        severity=by_status(dpisp.status, enforced="warning", otherwise="info"))


def _misspelt(entry, key: str) -> bool:
    """Whether ``entry`` lacks ``key`` but has a key that is a typo of it (``confirmd``)."""
    import difflib  # here: rarely needed, and its import is paid at every start-up

    return key not in entry and any(
        isinstance(other, str) and difflib.get_close_matches(other, [key], n=1, cutoff=0.8) for other in entry)


@hookimpl
def im4cm_lint_rules():
    return [MissingRole, PartyRoleMissing, MissingBackup, BackupFromOtherAgency, StaleConfirmation, Untrained,
            RolesNotSeparated, WrongAgency, PlaceholderPerson, PersonForTwoAgencies,
            ConfirmedBeforeTrained]
