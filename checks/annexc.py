"""ANNEXC: UNHCR's partner data protection obligations (Annex C of partnership agreements), the
capacity in which UNHCR receives data, and CPIMS+ <-> proGres v4 interoperability.

The UNHCR party of a DPISP is the party that declares `unhcr_roles`. Ids that do not resolve are
REF findings and are skipped here.
"""

from __future__ import annotations

from typing import Iterator

from im4cm_lint import Rule, hookimpl
from im4cm_lint.i18n import N_, _, _n
from im4cm_lint.model import DPISP, DataExport, Project
from im4cm_lint.pack import Pack
from im4cm_lint.values import shown
from im4cm_lint.words import did_you_mean
from im4cm_lint.yamltree import YMap, YSeq, locate

from im4cm_lint_checks.domain.obligations import able_clauses, by_agreement, choices_words
from im4cm_lint_checks.domain.parties import unhcr_party
from im4cm_lint_checks.domain.sharing import covering_rules, exports_in_context
from im4cm_lint_checks.share import PRIMERO_SYSTEMS, blank, category_words, rule_categories

BREACH_NOTIFICATION = "breach-notification"  # the pack's requirement that must also say whom to notify
COMPARE = {"at_most": (lambda value, limit: value <= limit, N_("at most")),
           "at_least": (lambda value, limit: value >= limit, N_("at least"))}


def implementing_partners(dpisp: DPISP) -> list[str]:
    return [pid for pid, party in dpisp.parties.items() if party.get("unhcr_partnership") == "implementing_partner"]


def annex_of(dpisp: DPISP) -> YMap | None:
    annex = dpisp.get("annex_c")
    return annex if isinstance(annex, YMap) else None


def requirement_words(requirement: YMap, pack: Pack) -> str:
    """'id' (title), the title in the language of the run where the pack translates it."""
    return f"'{requirement['id']}' ({pack.text('obligations', requirement['id'], 'title') or requirement.get('title')})"


class AnnexCMissing(Rule):
    """
    ## What it checks
    A DPISP with a party marked `unhcr_partnership: implementing_partner` has an `annex_c`
    section.

    ## Why it matters
    A UNHCR implementing partner is bound by the data protection annex of its partnership
    agreement (Annex C): purpose limitation, security, breach notification, no onward transfer
    without UNHCR's authorisation, return or destruction at the end. The DPISP must show how it
    honours each obligation, or partner staff will follow a protocol that contradicts their
    agreement. Source: UNHCR Data Protection Policy (2015) §5.1-5.5 (processing by implementing
    partners).

    ## Example
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo, unhcr_partnership: implementing_partner}
    ```
    Fixed:
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo, unhcr_partnership: implementing_partner}
    annex_c:
      applies_to: [sc]
      purpose-specification: {met: true, reference: "clause purpose-limitation"}
    ```

    ## How to fix
    Add an `annex_c` section: `applies_to` lists the implementing partners, and one entry per
    requirement of the pack's Annex C list says how the protocol meets it (`im4cm-lint init`
    scaffolds it; `--explain ANNEXC003` lists the shape).
    """

    id, name, summary = "ANNEXC001", "annex-c-missing", "A DPISP with UNHCR implementing partners has no annex_c"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            partners = implementing_partners(dpisp)
            if partners and annex_of(dpisp) is None:
                yield self.finding(
                    locate(dpisp.parties[partners[0]], "unhcr_partnership"),
                    _n("{parties} is a UNHCR implementing partner, but DPISP {dpisp} has no annex_c section showing "
                       "how it meets UNHCR's partner data protection obligations; add `annex_c:` with "
                       "`applies_to: [{parties}]` and one entry per requirement",
                       "{parties} are UNHCR implementing partners, but DPISP {dpisp} has no annex_c section showing "
                       "how it meets UNHCR's partner data protection obligations; add `annex_c:` with "
                       "`applies_to: [{parties}]` and one entry per requirement",
                       len(partners), parties=", ".join(partners), dpisp=dpisp.id))


class AnnexCAppliesTo(Rule):
    """
    ## What it checks
    `annex_c.applies_to` lists exactly the parties with `unhcr_partnership: implementing_partner`:
    none missing, and no other party.

    ## Why it matters
    Annex C binds UNHCR's implementing partners, and only them. A partner left out is
    not held to the obligations in the protocol; an operational partner or a local authority
    listed by mistake is told it owes UNHCR duties it never signed. Source: UNHCR Data Protection
    Policy (2015) §5.3 (partnership agreements).

    ## Example
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo, unhcr_partnership: implementing_partner}
      - {id: irc, name: IRC, type: ingo, unhcr_partnership: implementing_partner}
    annex_c:
      applies_to: [sc]
    ```
    Fixed:
    ```yaml
    parties:
      - {id: sc, name: Save the Children, type: ingo, unhcr_partnership: implementing_partner}
      - {id: irc, name: IRC, type: ingo, unhcr_partnership: implementing_partner}
    annex_c:
      applies_to: [sc, irc]
    ```

    ## How to fix
    Add the missing implementing partners to `applies_to` and remove the others; if a party's
    partnership is recorded wrongly, correct its `unhcr_partnership` instead.
    """

    id, name, summary = ("ANNEXC002", "annex-c-applies-to",
                         "annex_c.applies_to does not list exactly the implementing partners")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            annex = annex_of(dpisp)
            if annex is None or not isinstance(annex.get("applies_to"), YSeq):
                continue
            applies = annex["applies_to"]
            partners = implementing_partners(dpisp)
            for partner in partners:
                if partner not in applies:
                    yield self.finding(
                        locate(annex, "applies_to"),
                        _("{party} is a UNHCR implementing partner but annex_c.applies_to does not list it; add it",
                          party=partner))
            for index, party_id in enumerate(applies):
                party = dpisp.parties.get(party_id)
                if party is not None and party_id not in partners:
                    status = party.get("unhcr_partnership") or _("no UNHCR partnership")
                    yield self.finding(
                        locate(applies, index),
                        _("annex_c.applies_to lists {party}, which is not a UNHCR implementing partner ({status}); "
                          "remove it, or correct its unhcr_partnership", party=party_id, status=status))


class AnnexCRequirementMissing(Rule):
    """
    ## What it checks
    For a DPISP with UNHCR implementing partners, `annex_c` has an entry for every requirement
    of the pack's Annex C list (purpose specification, data categories, legitimate basis,
    confidentiality, security measures, breach notification, DPIA cooperation, data-subject
    rights, onward transfer, retention, return or destruction, audit, training, data protection
    focal point, processors...), and none says `met: false`. Each entry is
    `<requirement id>: {met: true, reference: <where the protocol meets it>, clause: <clause id>}`.

    ## Why it matters
    Each item is an obligation the partner signed with UNHCR. A requirement the protocol does
    not cover is one staff will not know about; one marked unmet is a breach of the partnership
    agreement waiting to happen. Source: UNHCR Data Protection Policy (2015) §5.1-5.5 (processing
    by implementing partners), §4.4 (breach notification), §6 (transfers).

    ## Example
    ```yaml
    annex_c:
      applies_to: [sc]
      onward-transfer: {met: false}
    ```
    Fixed:
    ```yaml
    annex_c:
      applies_to: [sc]
      onward-transfer: {met: true, reference: "clause onward-sharing", clause: onward-sharing}
    ```

    ## How to fix
    Agree with UNHCR how the protocol meets the requirement, write it in the protocol (usually a
    clause), and record it as `met: true` with a `reference`.
    """

    id, name, summary = ("ANNEXC003", "annex-c-requirement-missing",
                         "An Annex C requirement is missing from annex_c or not met")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            annex = annex_of(dpisp)
            partners = implementing_partners(dpisp)
            if annex is None or not partners:
                continue
            unknown = [key for key in annex if key != "applies_to" and key not in pack.annex_c]
            for requirement_id, requirement in pack.annex_c.items():
                item = annex.get(requirement_id)
                if not isinstance(item, YMap):
                    yield self.finding(
                        locate(annex, requirement_id),
                        _("annex_c does not cover Annex C requirement {requirement} for {parties}; add "
                          "`{key}: {{met: true, reference: ...}}` saying where the protocol meets it{hint}",
                          requirement=requirement_words(requirement, pack), parties=", ".join(partners), key=requirement_id,
                          hint=did_you_mean(requirement_id, unknown) if unknown else ""))
                elif item.get("met") is False:
                    yield self.finding(
                        locate(item, "met"),
                        _("annex_c marks Annex C requirement {requirement} as not met for {parties}; implementing "
                          "partners must meet it: agree how, write it in the protocol and set `met: true` with a "
                          "reference", requirement=requirement_words(requirement, pack), parties=", ".join(partners)))


class AnnexCRequirementWeaker(Rule):
    """
    ## What it checks
    An `annex_c` entry is not weaker than the standard where the pack sets a number: breach
    notification within the pack's `breach_notification_hours` (`hours:`), retention no longer
    than `retention_max_days` (`days:`); the number must be stated. A breach-notification entry
    must also say whom to notify (`notify:`).

    ## Why it matters
    A breach reported to UNHCR after a week is a breach whose harm nobody could contain; a
    notification to "UNHCR" with no named contact reaches no one on a Friday night; data kept
    without limit outlives every purpose. Source: UNHCR Data Protection Policy (2015) §4.4
    (notification of a personal data breach) and §4.6 (retention).

    ## Example
    ```yaml
    annex_c:
      applies_to: [sc]
      breach-notification: {met: true, hours: 168}
    ```
    Fixed:
    ```yaml
    annex_c:
      applies_to: [sc]
      breach-notification: {met: true, hours: 48, notify: UNHCR data protection focal point}
    ```

    ## How to fix
    Agree a deadline within the standard's (an operation may set a stricter threshold in its
    configuration), name the function to notify, and write both in the protocol's breach clause.
    """

    id, name, summary = ("ANNEXC004", "annex-c-requirement-weaker",
                         "An Annex C entry is weaker than the standard or leaves out its number or contact")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            annex = annex_of(dpisp)
            if annex is None or not implementing_partners(dpisp):
                continue
            for requirement_id, requirement in pack.annex_c.items():
                item = annex.get(requirement_id)
                if not isinstance(item, YMap) or item.get("met") is False:
                    continue  # ANNEXC003
                yield from self._parameter(item, requirement, pack)
                if requirement_id == BREACH_NOTIFICATION and blank(item.get("notify")):
                    yield self.finding(
                        locate(item, "notify"),
                        _("annex_c entry {requirement} does not say whom to notify; add `notify:` with the UNHCR "
                          "function (e.g. UNHCR data protection focal point)",
                          requirement=requirement_words(requirement, pack)))

    def _parameter(self, item: YMap, requirement: YMap, pack: Pack) -> Iterator:
        parameter = requirement.get("parameter")
        if not isinstance(parameter, YMap) or parameter.get("compare") not in COMPARE:
            return
        limit = pack.threshold(parameter.get("threshold"))
        key = parameter.get("field")
        if not isinstance(limit, (int, float)) or not isinstance(key, str):
            return
        holds, words = COMPARE[parameter["compare"]]
        value = item.get(key)
        said = dict(requirement=requirement_words(requirement, pack), key=key, bound=_(words), limit=format(limit, "g"),
                    threshold=parameter["threshold"])
        if not isinstance(value, (int, float)):
            yield self.finding(
                locate(item, key),
                _("annex_c entry {requirement} does not state its {key}; add `{key}:` ({bound} {limit}, the "
                  "standard's {threshold})", **said))
        elif not holds(value, limit):
            yield self.finding(
                locate(item, key),
                _("annex_c entry {requirement} sets {key}: {value}, weaker than the standard ({bound} {limit}, "
                  "{threshold}); agree {bound} {limit} {key} with UNHCR", value=format(value, "g"), **said))


class UnhcrRoleUndeclared(Rule):
    """
    ## What it checks
    Every sharing rule to or from the UNHCR party (the party with `unhcr_roles`) says in which
    capacity UNHCR takes part (`unhcr_role`: donor, coordinator, service_provider,
    data_controller), and that capacity is one the UNHCR party declares. A DPISP whose UNHCR
    party (a UN agency named UNHCR) declares no `unhcr_roles` is reported too.

    ## Why it matters
    UNHCR is often the partner's donor, the coordinator of refugee protection and a provider of
    services (the Best Interests Procedure) at the same time. Partners are reluctant to share
    when they cannot tell which UNHCR receives the data, and each capacity has a different
    legitimate purpose. Source: IM4CM country consultations and Alliance Guidance Note (2023);
    HDTI Principled Framework for Responsible Data Sharing between Humanitarian Organizations
    and Donors (2023).

    ## Example
    ```yaml
    sharing:
      - id: sc-to-unhcr-bip
        from: sc
        to: unhcr
        purpose: bip.referral
    ```
    Fixed:
    ```yaml
    sharing:
      - id: sc-to-unhcr-bip
        from: sc
        to: unhcr
        unhcr_role: service_provider
        purpose: bip.referral
    ```

    ## How to fix
    Add `unhcr_role` to the rule with the capacity in which UNHCR sends or receives this data,
    and list that capacity in the UNHCR party's `unhcr_roles`.
    """

    id, name, summary = "ANNEXC005", "unhcr-role-undeclared", "A sharing rule with UNHCR does not say in which capacity"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            unhcr = unhcr_party(dpisp.parties.values())
            if unhcr is None:
                yield from self._unmarked(dpisp)
                continue
            declared = list(dpisp.parties[unhcr].get("unhcr_roles") or [])
            for rule in dpisp.sharing_rules.values():
                if unhcr not in (rule.get("from"), rule.get("to")):
                    continue
                role = rule.get("unhcr_role")
                if role is None:
                    choices = ", ".join(declared) or _("donor, coordinator, service_provider or data_controller")
                    yield self.finding(
                        locate(rule, "unhcr_role"),
                        _("sharing rule '{rule}' is with {party} but does not say in which capacity UNHCR takes part; "
                          "add `unhcr_role:` ({choices})", rule=rule["id"], party=unhcr, choices=choices))
                elif role not in declared:
                    yield self.finding(
                        locate(rule, "unhcr_role"),
                        _("sharing rule '{rule}' names UNHCR's capacity {capacity}, which the {party} party does not "
                          "declare (unhcr_roles: {declared}); add {capacity} to the party's unhcr_roles or set the "
                          "rule's unhcr_role to one it declares", rule=rule["id"], capacity=role, party=unhcr,
                          declared=", ".join(declared) or _("none")))

    def _unmarked(self, dpisp: DPISP) -> Iterator:
        for party_id, party in dpisp.parties.items():
            if party.get("type") == "un_agency" and "unhcr" in f"{party_id} {party.get('name', '')}".lower():
                yield self.finding(
                    locate(party, "unhcr_roles"),
                    _("party {party} appears to be UNHCR but declares no `unhcr_roles`; list the capacities in "
                      "which it takes part (donor, coordinator, service_provider, data_controller)", party=party_id))


class CaseDataToUnhcrNonService(Rule):
    """
    ## What it checks
    A sharing rule sends case-level data (`level: individual`, or any `identifiable` category)
    to the UNHCR party only in its `service_provider` capacity, never as donor, coordinator or
    data controller.

    ## Why it matters
    Case data serves the child only in the hands of whoever acts on the case, such as UNHCR
    running the Best Interests Procedure. As donor or coordinator, UNHCR needs aggregate figures;
    receiving case files in those capacities blurs the roles the consultations found partners
    most worried about and breaks need-to-know. Source: HDTI Principled Framework for Responsible
    Data Sharing between Humanitarian Organizations and Donors (2023); UNHCR Data Protection
    Policy (2015) §2.4; Alliance Guidance Note (2023) on UNHCR's roles in refugee settings.

    ## Example
    ```yaml
    sharing:
      - id: sc-to-unhcr-monthly
        from: sc
        to: unhcr
        unhcr_role: coordinator
        purpose: reporting.statistical
        categories: [identity.name, protection.concern.type]
    ```
    Fixed:
    ```yaml
    sharing:
      - id: sc-to-unhcr-monthly
        from: sc
        to: unhcr
        unhcr_role: coordinator
        purpose: reporting.statistical
        categories: [aggregate.case_counts, aggregate.protection_concerns]
    ```

    ## How to fix
    Share aggregate data with UNHCR as donor or coordinator; if UNHCR acts on these cases (BIP,
    services), set `unhcr_role: service_provider` and use the matching purpose.
    """

    id, name, summary = ("ANNEXC006", "case-data-to-unhcr-non-service",
                         "Case-level data goes to UNHCR in a capacity other than service provider")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            unhcr = unhcr_party(dpisp.parties.values())
            for rule in dpisp.sharing_rules.values():
                role = rule.get("unhcr_role")
                if unhcr is None or rule.get("to") != unhcr or role in (None, "service_provider"):
                    continue
                identifiable = [c for _seq, _index, c in rule_categories(rule, pack)
                                if pack.categories[c].get("identifiable") is True]
                if not identifiable and rule.get("level") != "individual":
                    continue
                what = (_("identifiable categories {categories}",
                          categories=", ".join(category_words(pack, c) for c in identifiable))
                        if identifiable else _("individual records (level: individual)"))
                yield self.finding(
                    locate(rule, "unhcr_role"),
                    _("sharing rule '{rule}' sends {what} to {party} as {capacity}; UNHCR receives case-level data "
                      "only as service provider: share aggregate data, or set `unhcr_role: service_provider` if "
                      "UNHCR acts on these cases", rule=rule["id"], what=what, party=unhcr, capacity=role))


def interoperability(export: DataExport, dpisp: DPISP) -> str | None:
    """Words for an export between CPIMS+/Primero and proGres v4, or None: a proGres v4 export to a
    partner, or a CPIMS+/Primero export to the UNHCR party whose transport method or sharing rule
    channel names proGres (e.g. `method: progres-interop-api`)."""
    unhcr, system = unhcr_party(dpisp.parties.values()), export.get("system")
    owner, recipient = export.get("owner"), export.get("recipient")
    if unhcr is None:
        return None
    if system == "progres-v4" and owner == unhcr and recipient != unhcr:
        return _("proGres v4 to {party}", party=recipient)
    if system in PRIMERO_SYSTEMS and recipient == unhcr:
        transport = export.get("transport")
        channels = [transport.get("method") if isinstance(transport, YMap) else None,
                    *(rule.get("channel") for rule in covering_rules(dpisp, export))]
        if any(isinstance(c, str) and "progres" in c.lower() for c in channels):
            return _("{system} to proGres v4", system=system)
    return None


class InteroperabilityOneWay(Rule):
    """
    ## What it checks
    An interoperability export between CPIMS+/Primero and proGres v4 (a `system: progres-v4`
    export from UNHCR to a partner, or a CPIMS+/Primero export to the UNHCR party whose transport
    `method` or rule `channel` names proGres) has a DPISP sharing rule for the way back too: from
    the recipient to the owner.

    ## Why it matters
    Interoperability runs both ways: a referral from proGres comes back with the partner's
    decision and case updates, a referral from CPIMS+ comes back with UNHCR's. Data that flows
    back under no rule is shared without purpose, categories or basis. Source: OpenFn
    primero-progres interoperability jobs (referrals and decisions in both directions); cpims.org
    interoperability prerequisites (an information sharing protocol in place); UNHCR Data
    Protection Policy (2015) §6.2.

    ## Example
    ```yaml
    # export: {system: cpims+, owner: sc, recipient: unhcr, transport: {method: progres-interop-api}}
    # DPISP: only sc-to-unhcr-bip (sc -> unhcr)
    sharing:
      - {id: sc-to-unhcr-bip, from: sc, to: unhcr, unhcr_role: service_provider, purpose: bip.referral, ...}
    ```
    Fixed:
    ```yaml
    # DPISP: sc-to-unhcr-bip (sc -> unhcr) and unhcr-to-sc-bip-decision (unhcr -> sc)
    sharing:
      - {id: sc-to-unhcr-bip, from: sc, to: unhcr, unhcr_role: service_provider, purpose: bip.referral, ...}
      - {id: unhcr-to-sc-bip-decision, from: unhcr, to: sc, unhcr_role: service_provider,
         purpose: referral.service, ...}
    ```

    ## How to fix
    Add a sharing rule from the recipient back to the owner for what interoperability returns
    (referral decisions, status updates), with its own purpose, basis and categories.
    """

    id, name, summary = ("ANNEXC007", "interoperability-one-way",
                         "A CPIMS+/proGres interoperability export has no rule for the way back")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export, dpisp in exports_in_context(project):
            flow = interoperability(export, dpisp)
            owner, recipient = export.get("owner"), export.get("recipient")
            if flow is None or dpisp.rules_between(recipient, owner):
                continue
            yield self.finding(
                locate(export.body, "recipient"),
                _("export '{export}' is interoperability from {flow}, which also returns decisions and updates from "
                  "{recipient} to {owner}, but DPISP {dpisp} has no sharing rule from {recipient} to {owner}; add one "
                  "for what comes back", export=export.id, flow=flow, recipient=recipient, owner=owner,
                  dpisp=dpisp.id))


class ConsentWithdrawalNotPropagated(Rule):
    """
    ## What it checks
    An interoperability export between CPIMS+/Primero and proGres v4 (see ANNEXC007) says how a
    withdrawal of consent reaches the other system: `consent_withdrawal` on the export or on its
    sharing rule, naming the field that carries it or the SOP that propagates it by hand.

    ## Why it matters
    The Gambella interoperability pilot does not propagate consent revocation between the two
    systems: a carer who withdraws consent in CPIMS+ is still shared in proGres unless someone
    follows a manual procedure. Without a named field or SOP, withdrawal silently stops at the
    system boundary. Source: OpenFn/primero-progres README (stated limits: consent revocation not
    propagated); UNHCR Data Protection Policy (2015) §3 (right to object and to deletion).

    ## Example
    ```yaml
    system: progres-v4
    owner: unhcr
    recipient: sc
    transport: {encrypted: true, method: progres-interop-api}
    ```
    Fixed:
    ```yaml
    system: progres-v4
    owner: unhcr
    recipient: sc
    transport: {encrypted: true, method: progres-interop-api}
    consent_withdrawal: "SOP-07 consent withdrawal: IM focal points update both systems within 48 hours"
    ```

    ## How to fix
    Write in `consent_withdrawal` the field that carries the withdrawal across, or the SOP by
    which the interoperability focal points update the other system, and make sure it is done.
    """

    id, name, summary = ("ANNEXC008", "consent-withdrawal-not-propagated",
                         "An interoperability export does not say how consent withdrawal reaches the other system")
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for export, dpisp in exports_in_context(project):
            flow = interoperability(export, dpisp)
            if flow is None:
                continue
            stated = [export.get("consent_withdrawal"),
                      *(rule.get("consent_withdrawal") for rule in covering_rules(dpisp, export))]
            if all(blank(s) for s in stated):
                yield self.finding(
                    locate(export.body, "system"),
                    _("export '{export}' is interoperability from {flow}, but neither it nor its sharing rule says "
                      "how a withdrawal of consent reaches the other system; add `consent_withdrawal:` naming the "
                      "field or the SOP that propagates it", export=export.id, flow=flow))


class AnnexCEvidence(Rule):
    """
    ## What it checks
    Every Annex C entry marked `met: true` shows where: a `clause` of this protocol that the pack
    lists as able to meet that obligation (`met_by`), or, only for obligations the pack marks as
    met by the partnership agreement (`agreement: true`), a `document` outside the protocol.

    ## Why it matters
    `met: true` alone is a rubber stamp: a reviewer cannot check it, and a signatory cannot find
    the words that bind the agency. Pointing breach notification at the definitions clause is no
    better. UNHCR's partners answer for each obligation; the protocol must show the text that
    meets it. Source: UNHCR Data Protection Policy (2015) §5.1-5.5 (implementing partners);
    im4cm-lint contract v1.1 §5.2.

    ## Example
    ```yaml
    annex_c:
      applies_to: [sc]
      breach-notification: {met: true, clause: definitions, hours: 72, notify: UNHCR DP focal point}
    ```
    Fixed:
    ```yaml
    annex_c:
      applies_to: [sc]
      breach-notification: {met: true, clause: breach-management, hours: 72, notify: UNHCR DP focal point}
    ```

    ## How to fix
    Name the clause that meets the obligation (the message lists the clauses of this protocol
    that can), or, where the partnership agreement itself meets it, the article in `document:`.
    """

    id = "ANNEXC009"
    name = "annex-c-evidence"
    summary = "An Annex C entry is marked met without a clause or document that can meet it"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            annex = annex_of(dpisp)
            if annex is None or not implementing_partners(dpisp):
                continue
            present = set(dpisp.clauses)
            for requirement_id, requirement in pack.annex_c.items():
                item = annex.get(requirement_id)
                if isinstance(item, YMap) and item.get("met") is True:
                    problem = self._problem(item, requirement, present, pack)
                    if problem:
                        yield self.finding(*problem)

    @staticmethod
    def _problem(item: YMap, requirement: YMap, present: set, pack: Pack) -> tuple | None:
        standard = set(pack.clauses)
        able = able_clauses(requirement)
        offer = choices_words(requirement, present)
        agreement = by_agreement(requirement)
        clause, document = item.get("clause"), item.get("document")
        words = requirement_words(requirement, pack)
        if isinstance(clause, str):
            if clause not in present and clause in standard:  # (a clause of neither is REF008)
                return (locate(item, "clause"),
                        _("annex_c entry {requirement} cites clause {clause}, which this protocol does not contain; "
                          "add the clause, or cite one the protocol has ({choices})",
                          requirement=words, clause=shown(clause), choices=offer))
            if clause in present and able and clause not in able:
                return (locate(item, "clause"),
                        _("annex_c entry {requirement} cites clause {clause}, which does not meet that obligation; "
                          "name one that does ({choices})", requirement=words, clause=shown(clause), choices=offer))
            return None
        if not blank(document):
            if agreement:
                return None
            return (locate(item, "document"),
                    _("annex_c entry {requirement} is met by an outside document, but the standard expects this "
                      "protocol to meet it; cite a clause ({choices})", requirement=words, choices=offer))
        alternative = _(" or the article of the partnership agreement in `document:`") if agreement else ""
        return (locate(item, "met"),
                _("annex_c entry {requirement} says `met: true` but shows nowhere: add `clause:` ({choices}){or_else}",
                  requirement=words, choices=offer, or_else=alternative))


@hookimpl
def im4cm_lint_rules():
    return [AnnexCMissing, AnnexCAppliesTo, AnnexCRequirementMissing, AnnexCRequirementWeaker,
            UnhcrRoleUndeclared, CaseDataToUnhcrNonService, InteroperabilityOneWay, ConsentWithdrawalNotPropagated,
            AnnexCEvidence]
