"""REF: references that do not resolve: between documents (parties, documents, sharing rules) and to the
ids only the policy pack defines (purposes, categories, roles, clauses, systems)."""

from __future__ import annotations

from typing import Iterator

from im4cm_lint import Rule, hookimpl
from im4cm_lint.i18n import N_, _
from im4cm_lint.model import DPISP, Document, Project
from im4cm_lint.values import shown
from im4cm_lint.words import did_you_mean
from im4cm_lint.yamltree import YMap, YSeq, locate


class DuplicateId(Rule):
    """
    ## What it checks
    Ids are unique: no two parties, clauses, sharing rules, DPIA risks or processing activities in
    one document share an id, and no two documents of the same kind in the repository do.

    ## Why it matters
    Ids are how a sharing rule names its parties and how an export names its rule. With two
    entries under one id, a reference silently picks one of them, and the other is never checked.
    Source: IASC Operational Guidance on Data Responsibility (2023), accountability.

    ## Example
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo}
      - {id: sc, name: Solidarités, type: ingo}
    ```
    Fixed:
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo}
      - {id: si, name: Solidarités International, type: ingo}
    ```

    ## How to fix
    Give each entry its own id and update the references to the one you renamed.
    """

    id, name, summary = "REF001", "duplicate-id", "Two entries or documents share an id"
    scope = "protocol"

    SECTIONS = {"DPISP": ("parties", "clauses", "sharing"), "DPIA": ("processing", "risks")}

    def check(self, project: Project, pack) -> Iterator:
        first_doc: dict[tuple[str, str], Document] = {}
        for document in project.documents:
            if not document.parse_ok or not document.id or document.kind == "PolicyPack":
                continue
            key = (document.kind, document.id)
            if key in first_doc:
                other = first_doc[key]
                yield self.finding(
                    locate(document.metadata, "id"),
                    _("another {kind} already has the id '{id}' ({path}); give each document its own id",
                      kind=document.kind, id=document.id, path=other.path))
            else:
                first_doc[key] = document
        for document in project.documents:
            if not document.checkable:
                continue
            for section in self.SECTIONS.get(document.kind, ()):
                items = document.get(section)
                if not isinstance(items, YSeq):
                    continue
                seen: dict[str, int] = {}
                for index, item in enumerate(items):
                    item_id = item.get("id") if isinstance(item, YMap) else None
                    if not isinstance(item_id, str):
                        continue
                    if item_id in seen:
                        line = items.item_pos[seen[item_id]][0]
                        yield self.finding(
                            locate(item, "id"),
                            _("'{section}' has two entries with the id '{id}' (the first on line {line}); "
                              "references to it are ambiguous", section=section, id=item_id, line=line))
                    else:
                        seen[item_id] = index


def _party_refs(dpisp: DPISP) -> Iterator[tuple[YMap | YSeq, object, str]]:
    """(container, key, what) for every place a DPISP names a party."""
    roles = dpisp.roles
    for role_id, assignment in roles.items():
        for entry in assignment if isinstance(assignment, YSeq) else [assignment]:
            for who, words in (("holder", N_("the holder of role '{role}'")), ("backup", N_("the backup of role '{role}'"))):
                person = entry.get(who)
                if isinstance(person, YMap) and "party" in person:
                    yield person, "party", _(words, role=role_id)
    for rule in dpisp.sharing_rules.values():
        for end in ("from", "to"):
            yield rule, end, _("sharing rule '{rule}' ('{end}')", rule=rule["id"], end=end)
        onward = rule.get("onward_recipients")
        for index, _item in enumerate(onward if isinstance(onward, YSeq) else []):
            yield onward, index, _("the onward recipients of sharing rule '{rule}'", rule=rule["id"])
    signatures = dpisp.get("signatures")
    for signature in signatures if isinstance(signatures, YSeq) else []:
        yield signature, "party", _("a signature")
    annex = dpisp.get("annex_c")
    applies = annex.get("applies_to") if isinstance(annex, YMap) else None
    for index, _item in enumerate(applies if isinstance(applies, YSeq) else []):
        yield applies, index, "annex_c.applies_to"


class UnknownParty(Rule):
    """
    ## What it checks
    Every party named in a DPISP (role holders and backups, both ends of each sharing rule, onward
    recipients, signatures, Annex C) and in its DPIAs and exports (owner, recipient, processing) is
    listed under the DPISP's `parties`.

    ## Why it matters
    An agency that receives data without being a party has signed nothing: it is bound by none of
    the protocol's obligations, and the data subjects' rights cannot be exercised against it.
    Source: inter-agency DPISP template ("participants are signatories to this protocol");
    UNHCR Data Protection Policy (2015) §6 on transfers to third parties.

    ## Example
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo}
    sharing:
      - {id: sc-to-irc, from: sc, to: irc, ...}
    ```
    Fixed:
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo}
      - {id: irc, name: International Rescue Committee, type: ingo}
    ```

    ## How to fix
    Add the agency to `parties` (and have it sign), or correct the id; the message suggests the
    closest listed party.
    """

    id, name, summary = "REF002", "unknown-party", "A party is named but not listed in the DPISP"
    scope = "protocol"

    def check(self, project: Project, pack) -> Iterator:
        for dpisp in project.dpisps.values():
            parties = dpisp.parties
            for container, key, what in _party_refs(dpisp):
                value = container[key] if isinstance(container, YSeq) else container.get(key)
                if isinstance(value, str) and value not in parties:
                    yield self.finding(
                        locate(container, key),
                        _("{what} names {value}, which is not a party of {dpisp}{hint}", what=what, value=shown(value),
                          dpisp=dpisp.id, hint=did_you_mean(value, parties)))
        for document in [*project.exports, *project.dpias]:
            dpisp = project.dpisp_for(document)
            if dpisp is None:
                continue
            parties = dpisp.parties
            if document.kind == "DataExport":
                places = [(document.body, "owner", _("the export's owner")),
                          (document.body, "recipient", _("the export's recipient"))]
            else:
                places = []
                for activity in document.get("processing") or []:
                    listed = activity.get("parties")
                    for index, _item in enumerate(listed if isinstance(listed, YSeq) else []):
                        places.append((listed, index, _("processing '{processing}'", processing=activity.get("id"))))
            for container, key, what in places:
                value = container[key] if isinstance(container, YSeq) else container.get(key)
                if isinstance(value, str) and value not in parties:
                    yield self.finding(
                        locate(container, key),
                        _("{what} names {value}, which is not a party of {dpisp}{hint}", what=what, value=shown(value),
                          dpisp=dpisp.id, hint=did_you_mean(value, parties)))


class UnknownDpisp(Rule):
    """
    ## What it checks
    The `metadata.dpisp` of every DPIA and DataExport names a DPISP found in the linted paths.

    ## Why it matters
    An export that no protocol permits is data leaving an agency without an agreed purpose, basis
    or safeguards; a DPIA that assesses no protocol assesses nothing that was agreed.
    Source: UNHCR Data Protection Policy (2015) §6.2 (transfers need a data transfer agreement).

    ## Example
    ```yaml
    metadata: {id: cpims-unhcr-bip, dpisp: et-gambela}
    ```
    Fixed:
    ```yaml
    metadata: {id: cpims-unhcr-bip, dpisp: et-gambella}
    ```

    ## How to fix
    Correct the id, or lint the folder that also holds the DPISP (in pre-commit, im4cm-lint loads
    the repository's other documents for this).
    """

    id, name, summary = "REF003", "unknown-dpisp", "A DPIA or export names a DPISP that is not in the run"
    scope = "protocol"

    def check(self, project: Project, pack) -> Iterator:
        known = project.known_ids["DPISP"]
        for document in [*project.dpias, *project.exports]:
            dpisp_id = document.dpisp_id
            if isinstance(dpisp_id, str) and dpisp_id not in known:
                yield self.finding(
                    locate(document.metadata, "dpisp"),
                    _("{kind} '{id}' relies on DPISP '{dpisp}', which is not among the linted documents{hint}",
                      kind=document.kind, id=document.id, dpisp=dpisp_id, hint=did_you_mean(dpisp_id, known)))


class UnknownSharingRule(Rule):
    """
    ## What it checks
    The `sharing_rule` of a DataExport names a sharing rule of its DPISP.

    ## Why it matters
    The export claims the protocol permits it; if the rule it names does not exist, nothing does.
    Source: inter-agency DPISP template (sharing on a need-to-know basis, with whom, for what
    purpose).

    ## Example
    ```yaml
    sharing_rule: sc-to-unhcr-bia
    ```
    Fixed:
    ```yaml
    sharing_rule: sc-to-unhcr-bip
    ```

    ## How to fix
    Name an existing rule of the DPISP, or add the rule to the DPISP first.
    """

    id, name, summary = "REF004", "unknown-sharing-rule", "An export names a sharing rule its DPISP does not have"
    scope = "protocol"

    def check(self, project: Project, pack) -> Iterator:
        for export in project.exports:
            dpisp = project.dpisp_for(export)
            rule_id = export.get("sharing_rule")
            if dpisp is None or not isinstance(rule_id, str):
                continue
            if rule_id not in dpisp.sharing_rules:
                yield self.finding(
                    locate(export.body, "sharing_rule"),
                    _("sharing rule '{rule}' is not in DPISP {dpisp}{hint}", rule=rule_id, dpisp=dpisp.id,
                      hint=did_you_mean(rule_id, dpisp.sharing_rules)))


def _items(container: object, key: str) -> Iterator[tuple[YSeq, int]]:
    """(list, index) for every item of the list ``container[key]``, when it is one."""
    values = container.get(key) if isinstance(container, YMap) else None
    for index, _item in enumerate(values if isinstance(values, YSeq) else []):
        yield values, index


def _entries(document: Document, section: str) -> Iterator[YMap]:
    items = document.get(section)
    for item in items if isinstance(items, YSeq) else []:
        if isinstance(item, YMap):
            yield item


def _value(container: YMap | YSeq, key) -> object:
    return container[key] if isinstance(container, YSeq) else container.get(key)


class _PackIdRule(Rule):
    """A reference to an id that only the policy pack defines (purpose, category, role, system)."""

    what = ""  # the kind of id, in the users' words
    message = ""  # the finding, with {named}, {value}, {pack}, {hint} and {listing}

    def places(self, project: Project, pack) -> Iterator[tuple[YMap | YSeq, object, str, bool]]:
        """(container, key, where it is named, point at the key) for every reference."""
        raise NotImplementedError

    def known(self, pack) -> dict:
        raise NotImplementedError

    @property
    def listing(self) -> str:
        """Where the user finds every id the pack defines."""
        section = {"purpose": "purposes", "data category": "categories", "role": "roles"}.get(self.what)
        return _(" (`im4cm-lint pack {section}` lists them)", section=section) if section else ""

    def check(self, project: Project, pack) -> Iterator:
        known = self.known(pack)
        for container, key, named, on_key in self.places(project, pack):
            value = key if on_key else _value(container, key)
            if isinstance(value, str) and value not in known:
                yield self.finding(
                    locate(container, key, on_key=on_key),
                    _(self.message, named=named, value=shown(value), pack=pack.ref, hint=did_you_mean(value, known),
                      listing=self.listing))


class UnknownPurpose(_PackIdRule):
    """
    ## What it checks
    Every purpose named by a sharing rule, a DataExport or a DPIA processing activity is a
    purpose of the policy pack.

    ## Why it matters
    The purpose decides what may be shared (its need-to-know categories) and on which basis; a
    purpose the pack does not define permits nothing, and the need-to-know checks cannot run.
    Source: UNHCR Data Protection Policy (2015) §2.3, purpose specification; inter-agency DPISP
    template (sharing for a defined purpose).

    ## Example
    ```yaml
    sharing:
      - {id: sc-to-unhcr, from: sc, to: unhcr, purpose: bip.referal, ...}
    ```
    Fixed:
    ```yaml
    sharing:
      - {id: sc-to-unhcr, from: sc, to: unhcr, purpose: bip.referral, ...}
    ```

    ## How to fix
    Use one of the pack's purpose ids (the message suggests the closest; `im4cm-lint pack
    purposes` lists them all, and `im4cm-lint --explain PURPOSE` says what each one needs).
    """

    id, name, summary = "REF005", "unknown-purpose", "A purpose is not defined by the policy pack"
    scope = "protocol"
    what = "purpose"
    message = N_("{named} names the purpose {value}, which the policy pack {pack} does not define{hint}{listing}")

    def known(self, pack) -> dict:
        return pack.purposes

    def places(self, project: Project, pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for rule in dpisp.sharing_rules.values():
                yield rule, "purpose", _("sharing rule '{rule}'", rule=rule["id"]), False
        for export in project.exports:
            yield export.body, "purpose", _("export '{export}'", export=export.id), False
        for dpia in project.dpias:
            for activity in _entries(dpia, "processing"):
                for listed, index in _items(activity, "purposes"):
                    yield listed, index, _("processing '{processing}'", processing=activity.get("id")), False


class UnknownCategory(_PackIdRule):
    """
    ## What it checks
    Every data category named by a sharing rule (`categories`) or given to an export field
    (`{name: ..., category: ...}`) is a category of the pack's taxonomy.

    ## Why it matters
    Categories carry the sensitivity that the need-to-know checks weigh; a category the taxonomy
    does not define is data nobody has classified, shared on nobody's judgement. Source: UNHCR
    Data Protection Policy (2015) §2.4, necessity and proportionality; IASC Operational Guidance
    on Data Responsibility (2023), data sensitivity classification.

    ## Example
    ```yaml
    sharing:
      - {id: sc-to-unhcr, categories: [identity.nam, identity.registration_id], ...}
    ```
    Fixed:
    ```yaml
    sharing:
      - {id: sc-to-unhcr, categories: [identity.name, identity.registration_id], ...}
    ```

    ## How to fix
    Use one of the pack's category ids (`im4cm-lint taxonomy` lists them with the system fields
    in each).
    """

    id, name, summary = "REF006", "unknown-category", "A data category is not in the pack's taxonomy"
    scope = "protocol"
    what = "data category"
    message = N_("{named} names the data category {value}, which the policy pack {pack} does not define{hint}{listing}")

    def known(self, pack) -> dict:
        return pack.categories

    def places(self, project: Project, pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for rule in dpisp.sharing_rules.values():
                for listed, index in _items(rule, "categories"):
                    yield listed, index, _("sharing rule '{rule}'", rule=rule["id"]), False
        for export in project.exports:
            for field in _entries(export, "fields"):
                yield field, "category", _("export field {field}", field=shown(field.get("name"))), False


class UnknownRole(_PackIdRule):
    """
    ## What it checks
    Every role id is a role of the policy pack: the keys under a DPISP's `roles`, the `owner` of
    each DPIA risk and the `role` of each DPIA sign-off.

    ## Why it matters
    The ROLE checks (required roles, backups, confirmation, separation of duties) only see roles
    the pack defines: a misspelt role id is a role that counts as missing, and a person nobody
    checks. Source: IASC Operational Guidance on Data Responsibility (2023), accountability;
    inter-agency DPISP template, roles and focal points.

    ## Example
    ```yaml
    roles:
      data_protection_focal:
        - holder: {name: A. Person, party: sc}
    ```
    Fixed:
    ```yaml
    roles:
      data_protection_focal_point:
        - holder: {name: A. Person, party: sc}
    ```

    ## How to fix
    Use the pack's role id (the message suggests the closest; `im4cm-lint --explain ROLE001`
    explains the roles).
    """

    id, name, summary = "REF007", "unknown-role", "A role id is not defined by the policy pack"
    scope = "protocol"
    what = "role"
    message = N_("{named} names the role {value}, which the policy pack {pack} does not define{hint}{listing}")

    def known(self, pack) -> dict:
        return pack.roles

    def places(self, project: Project, pack) -> Iterator:
        for dpisp in project.dpisps.values():
            roles = dpisp.body.get("roles")
            for role_id in roles if isinstance(roles, YMap) else []:
                yield roles, role_id, "'roles'", True
        for dpia in project.dpias:
            for risk in _entries(dpia, "risks"):
                yield risk, "owner", _("risk '{risk}'", risk=risk.get("id")), False
            for signoff in _entries(dpia, "signoff"):
                yield signoff, "role", _("a sign-off"), False


class UnknownClauseReference(Rule):
    """
    ## What it checks
    Every `clause` that an Annex C entry of a DPISP cites (the clause where the obligation is
    met) is a clause of the protocol or of the policy pack. (A clause of the protocol whose id the
    pack does not know is CLAUSE005.)

    ## Why it matters
    The Annex C review relies on the cited clause to show how an obligation to UNHCR is met; a
    citation that leads nowhere shows nothing. Source: UNHCR Data Protection Policy (2015) §5
    (implementing partners), partnership agreement Annex C.

    ## Example
    ```yaml
    annex_c:
      applies_to: [sc]
      breach-notification: {met: true, clause: breach-managment}
    ```
    Fixed:
    ```yaml
    annex_c:
      applies_to: [sc]
      breach-notification: {met: true, clause: breach-management}
    ```

    ## How to fix
    Cite the id of the clause that meets the obligation.
    """

    id, name, summary = "REF008", "unknown-clause-reference", "An Annex C entry cites a clause that does not exist"
    scope = "protocol"

    def check(self, project: Project, pack) -> Iterator:
        for dpisp in project.dpisps.values():
            annex = dpisp.get("annex_c")
            known = {*pack.clauses, *dpisp.clauses}
            for requirement, entry in annex.items() if isinstance(annex, YMap) else []:
                clause_id = entry.get("clause") if isinstance(entry, YMap) else None
                if isinstance(clause_id, str) and clause_id not in known:
                    yield self.finding(
                        locate(entry, "clause"),
                        _("Annex C entry '{requirement}' cites clause '{clause}', which is neither a clause of "
                          "{dpisp} nor of the policy pack{hint}", requirement=requirement, clause=clause_id,
                          dpisp=dpisp.id, hint=did_you_mean(clause_id, known)))


class UnknownSystem(_PackIdRule):
    """
    ## What it checks
    Every information system named by a party (`parties[].systems`), a DPIA processing activity
    or a DataExport (`system`) is a system of the policy pack.

    ## Why it matters
    Which roles are required (a CPIMS+ administrator, an interoperability focal point) and how
    export fields map to data categories depend on the systems in use; a system the pack does
    not know switches those checks off. Source: inter-agency Guidance Note (2023), CPIMS+ and
    proGres v4; cpims.org interoperability prerequisites.

    ## Example
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo, systems: [cpims]}
    ```
    Fixed:
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo, systems: [cpims+]}
    ```

    ## How to fix
    Use the pack's system id (`cpims+`, `primero`, `progres-v4`, `kobo`, `spreadsheet`, `other`
    in the standard).
    """

    id, name, summary = "REF009", "unknown-system", "An information system is not defined by the policy pack"
    scope = "protocol"
    what = "system"
    message = N_("{named} names the system {value}, which the policy pack {pack} does not define{hint}{listing}")

    def known(self, pack) -> dict:
        return pack.systems

    def places(self, project: Project, pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for party in dpisp.parties.values():
                for listed, index in _items(party, "systems"):
                    yield listed, index, _("party '{party}'", party=party["id"]), False
        for dpia in project.dpias:
            for activity in _entries(dpia, "processing"):
                for listed, index in _items(activity, "systems"):
                    yield listed, index, _("processing '{processing}'", processing=activity.get("id")), False
        for export in project.exports:
            yield export.body, "system", _("export '{export}'", export=export.id), False


@hookimpl
def im4cm_lint_rules():
    return [DuplicateId, UnknownParty, UnknownDpisp, UnknownSharingRule, UnknownPurpose, UnknownCategory, UnknownRole,
            UnknownClauseReference, UnknownSystem]
