"""REF: references between documents that do not resolve (parties, documents, sharing rules)."""

from __future__ import annotations

import difflib
from typing import Iterator

from im4cm_lint import Rule, hookimpl
from im4cm_lint.model import DPISP, Document, Project
from im4cm_lint.yamltree import YMap, YSeq, locate


def did_you_mean(value: str, known) -> str:
    """'; did you mean 'x'?' for the closest known id, or a short list of what exists."""
    known = sorted(known)
    close = difflib.get_close_matches(str(value), known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if known and len(known) <= 8:
        return f"; known: {', '.join(known)}"
    return ""


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
                    f"another {document.kind} already has the id '{document.id}' ({other.path}); "
                    "give each document its own id")
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
                            f"'{section}' has two entries with the id '{item_id}' (the first on line {line}); "
                            "references to it are ambiguous")
                    else:
                        seen[item_id] = index


def _party_refs(dpisp: DPISP) -> Iterator[tuple[YMap | YSeq, object, str]]:
    """(container, key, what) for every place a DPISP names a party."""
    roles = dpisp.roles
    for role_id, assignment in roles.items():
        for entry in assignment if isinstance(assignment, YSeq) else [assignment]:
            for who in ("holder", "backup"):
                person = entry.get(who)
                if isinstance(person, YMap) and "party" in person:
                    yield person, "party", f"the {who} of role '{role_id}'"
    for rule in dpisp.sharing_rules.values():
        for end in ("from", "to"):
            yield rule, end, f"sharing rule '{rule['id']}' ('{end}')"
        onward = rule.get("onward_recipients")
        for index, _ in enumerate(onward if isinstance(onward, YSeq) else []):
            yield onward, index, f"the onward recipients of sharing rule '{rule['id']}'"
    signatures = dpisp.get("signatures")
    for signature in signatures if isinstance(signatures, YSeq) else []:
        yield signature, "party", "a signature"
    annex = dpisp.get("annex_c")
    applies = annex.get("applies_to") if isinstance(annex, YMap) else None
    for index, _ in enumerate(applies if isinstance(applies, YSeq) else []):
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

    def check(self, project: Project, pack) -> Iterator:
        for dpisp in project.dpisps.values():
            parties = dpisp.parties
            for container, key, what in _party_refs(dpisp):
                value = container[key] if isinstance(container, YSeq) else container.get(key)
                if isinstance(value, str) and value not in parties:
                    yield self.finding(
                        locate(container, key),
                        f"{what} names '{value}', which is not a party of {dpisp.id}{did_you_mean(value, parties)}")
        for document in [*project.exports, *project.dpias]:
            dpisp = project.dpisp_for(document)
            if dpisp is None:
                continue
            parties = dpisp.parties
            if document.kind == "DataExport":
                places = [(document.body, key, f"the export's {key}") for key in ("owner", "recipient")]
            else:
                places = []
                for activity in document.get("processing") or []:
                    listed = activity.get("parties")
                    for index, _ in enumerate(listed if isinstance(listed, YSeq) else []):
                        places.append((listed, index, f"processing '{activity.get('id')}'"))
            for container, key, what in places:
                value = container[key] if isinstance(container, YSeq) else container.get(key)
                if isinstance(value, str) and value not in parties:
                    yield self.finding(
                        locate(container, key),
                        f"{what} names '{value}', which is not a party of {dpisp.id}{did_you_mean(value, parties)}")


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

    def check(self, project: Project, pack) -> Iterator:
        known = project.known_ids["DPISP"]
        for document in [*project.dpias, *project.exports]:
            dpisp_id = document.dpisp_id
            if isinstance(dpisp_id, str) and dpisp_id not in known:
                yield self.finding(
                    locate(document.metadata, "dpisp"),
                    f"{document.kind} '{document.id}' relies on DPISP '{dpisp_id}', which is not among the "
                    f"linted documents{did_you_mean(dpisp_id, known)}")


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

    def check(self, project: Project, pack) -> Iterator:
        for export in project.exports:
            dpisp = project.dpisp_for(export)
            rule_id = export.get("sharing_rule")
            if dpisp is None or not isinstance(rule_id, str):
                continue
            if rule_id not in dpisp.sharing_rules:
                yield self.finding(
                    locate(export.body, "sharing_rule"),
                    f"sharing rule '{rule_id}' is not in DPISP {dpisp.id}{did_you_mean(rule_id, dpisp.sharing_rules)}")


@hookimpl
def im4cm_lint_rules():
    return [DuplicateId, UnknownParty, UnknownDpisp, UnknownSharingRule]
