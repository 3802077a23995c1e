"""CLAUSE: the protocol's text, clause by clause, against the pack's clause library.

Locked clauses are legal or principle text that a country protocol reproduces word for word;
adaptable clauses are templates whose ``[INSERT ...]`` slots are filled locally. The pack keeps
the text of every released version, so text copied from an older template is recognised.
Texts are compared after collapsing whitespace: re-wrapping a paragraph never matters.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Iterator

from im4cm_lint import Rule, hookimpl
from im4cm_lint.diagnostics import Fix
from im4cm_lint.i18n import _, _n
from im4cm_lint.model import DPISP, Project
from im4cm_lint.pack import Pack
from im4cm_lint.words import did_you_mean
from im4cm_lint.yamltree import YMap, locate

from im4cm_lint_checks.domain.clauses import (
    MAX_CHANGES,
    fixed_wording_missing,
    normalise,
    quote_words,
    released_texts,
    pack_words,
    word_diff,
)
from im4cm_lint_checks.domain.placeholders import quoted_placeholder
from im4cm_lint_checks.domain.status import by_status

def clause_label(canon: YMap, pack: Pack) -> str:
    """'Title' (id), the title in the language of the run where the pack translates it."""
    return f"'{pack.text('clauses', canon['id'], 'title') or canon['id']}' ({canon['id']})"


def _locked_clauses(project: Project, pack: Pack) -> Iterator[tuple[DPISP, YMap, YMap, list[tuple[str, str]]]]:
    """(DPISP, clause, pack clause, released texts) for every clause the pack locks."""
    for dpisp in project.dpisps.values():
        for clause_id, clause in dpisp.clauses.items():
            canon = pack.clauses.get(clause_id)
            if canon is not None and canon.get("locked") is True and isinstance(clause.get("text"), str):
                texts = released_texts(pack, canon)
                if texts:
                    yield dpisp, clause, canon, texts


class LockedTextChanged(Rule):
    """
    ## What it checks
    The text of every clause that the pack locks is, word for word, the pack's text of the
    current version. Whitespace and line wrapping never matter; any other change does. The
    message lists the first changes, word by word. (Text equal to an older release is CLAUSE002.)

    ## Why it matters
    Locked clauses are the legal and principle text every participant signs up to across
    operations: definitions, rights, breach notification, onward sharing. An edited copy binds
    the signatories to something other than the standard, usually without anyone noticing.
    Source: UNHCR "Do not change PA articles or formats" (partnership agreement templates);
    inter-agency DPISP template (2023), standard text with local annexes.

    ## Example
    ```yaml
    clauses:
      - id: breach-management
        text: |
          ... notifies the breach incident manager named in the focal points annex
          without undue delay, and in any case within 7 days of becoming aware of it ...
    ```
    Fixed:
    ```yaml
    clauses:
      - id: breach-management
        text: |
          ... notifies the breach incident manager named in the focal points annex
          without undue delay, and in any case within 72 hours of becoming aware of it ...
    ```

    ## How to fix
    Restore the standard text (`im4cm-lint --fix` does it). Local details go in an adaptable
    clause or an annex; a change to the standard itself is proposed to the IM4CM Activity Group.
    """

    id, name, summary = "CLAUSE001", "locked-text-changed", "The text of a locked clause differs from the standard"
    scope = "protocol"
    fixable = True

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp, clause, canon, texts in _locked_clauses(project, pack):
            mine = normalise(clause["text"])
            if any(normalise(text) == mine for _, text in texts):
                continue
            current_ref, current = texts[0]
            words = mine.split()
            closest_ref, closest = max(
                texts, key=lambda item: difflib.SequenceMatcher(None, item[1].split(), words, autojunk=False).ratio())
            if closest_ref == current_ref:
                message = _("the locked clause {clause} differs from the standard text of {release}: {changes}. "
                            "Locked text must stay word for word: restore the text of {release} and put local "
                            "details in an adaptable clause or an annex", clause=clause_label(canon, pack),
                            release=current_ref, changes=word_diff(current, mine, pack_words(pack)))
            else:
                message = _("the locked clause {clause} differs from every released text; it is closest to the "
                            "older {older}, from which it {changes}. Locked text must stay word for word: restore "
                            "the text of {release} and put local details in an adaptable clause or an annex",
                            clause=clause_label(canon, pack), older=closest_ref,
                            changes=word_diff(closest, mine, pack_words(pack)), release=current_ref)
            where = locate(clause, "text")
            yield self.finding(
                where, message,
                fix=Fix(_("restore the text of {release}", release=current_ref), where.yaml_path, current, dpisp.index))


class OutdatedClause(Rule):
    """
    ## What it checks
    No locked clause carries the text of an older release of the standard (for instance 2023.1
    text in a protocol checked against 2024.1). The message names both versions and what the
    current version changed.

    ## Why it matters
    Outdated text silently keeps obligations the standard has since strengthened (a breach
    notification deadline, UNHCR's capacity on each sharing rule, propagating a withdrawal of
    consent). Nobody knew which template was current: this is how it shows. Source: inter-agency
    DPISP template and Guidance Note (2023); UNHCR "Do not change PA articles or formats".

    ## Example
    ```yaml
    metadata: {template: im4cm-standard@2024.1, ...}
    clauses:
      - id: breach-management
        text: |
          ... It notifies the coordination lead and every participant whose data is
          involved without undue delay, stating what happened and which data is affected ...
    ```
    Fixed:
    ```yaml
    metadata: {template: im4cm-standard@2024.1, ...}
    clauses:
      - id: breach-management
        text: |
          ... It notifies the breach incident manager named in the focal points annex
          without undue delay, and in any case within 72 hours of becoming aware of it ...
    ```

    ## How to fix
    Replace the clause with the current version's text (`im4cm-lint --fix` does it), and have
    the parties agree the change at the next review if the protocol is already signed.
    """

    id, name, summary = "CLAUSE002", "outdated-clause", "A locked clause has the text of an older release"
    severity = "warning"
    scope = "protocol"
    fixable = True

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp, clause, canon, texts in _locked_clauses(project, pack):
            mine = normalise(clause["text"])
            current_ref, current = texts[0]
            if mine == normalise(current):
                continue
            older = next((item for item in texts[1:] if normalise(item[1]) == mine), None)
            if older is None:
                continue
            where = locate(clause, "text")
            yield self.finding(
                where,
                _("the locked clause {clause} has the text of {older}, an older release; the current {release} "
                  "{changes}. Update it to the text of {release}", clause=clause_label(canon, pack), older=older[0],
                  release=current_ref, changes=word_diff(older[1], current, pack_words(pack))),
                fix=Fix(_("upgrade to the text of {release}", release=current_ref), where.yaml_path, current,
                        dpisp.index))


class UnlockedLegalClause(Rule):
    """
    ## What it checks
    No clause says `locked: false` when the pack locks it. Such a line is never obeyed: the
    clause is still checked as locked (CLAUSE001).

    ## Why it matters
    Locks only tighten: a country protocol or a pack that extends the standard may lock more
    clauses, never unlock one the standard locks. A protocol that claims a legal clause is
    adaptable misleads the people who edit it next. Source: UNHCR "Do not change PA articles or
    formats"; inter-agency DPISP template (2023).

    ## Example
    ```yaml
    clauses:
      - id: data-subject-rights
        locked: false
        text: |
          ...
    ```
    Fixed:
    ```yaml
    clauses:
      - id: data-subject-rights
        locked: true
        text: |
          ...
    ```

    ## How to fix
    Set `locked: true` (or remove the line) and keep the standard text; `im4cm-lint --fix` sets it.
    """

    id, name, summary = "CLAUSE003", "unlocked-legal-clause", "A clause the standard locks is marked locked: false"
    scope = "protocol"
    fixable = True

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for clause_id, clause in dpisp.clauses.items():
                canon = pack.clauses.get(clause_id)
                if canon is None or canon.get("locked") is not True or clause.get("locked") is not False:
                    continue
                where = locate(clause, "locked")
                yield self.finding(
                    where,
                    _("the clause {clause} is legal text that the standard locks; 'locked: false' cannot unlock it "
                      "and is ignored. Set 'locked: true' and keep the standard text", clause=clause_label(canon, pack)),
                    fix=Fix(_("lock the clause again"), where.yaml_path, True, dpisp.index))


class MissingLockedClause(Rule):
    """
    ## What it checks
    Every clause that the pack locks is in the protocol's `clauses`.

    Severity follows the protocol's status: a warning while it is drafted or reviewed, an error
    once it is signed or in force.

    ## Why it matters
    A protocol without its definitions, data-subject rights or breach clause leaves the
    participants without the rules those clauses set, whatever the rest says. Source: inter-agency
    DPISP template and Guidance Note (2023); UNHCR Data Protection Policy (2015) §3 (rights) and
    §4.4 (breach notification).

    ## Example
    ```yaml
    clauses:
      - id: purpose-limitation
        text: |
          ...
    ```
    Fixed:
    ```yaml
    clauses:
      - id: purpose-limitation
        text: |
          ...
      - id: data-subject-rights
        text: |
          (the standard's text, word for word)
    ```

    ## How to fix
    Add the clause with the pack's text (`im4cm-lint --explain CLAUSE004` and the pack's
    clauses.yaml have it; `im4cm-lint init` writes every clause).
    """

    id, name, summary = "CLAUSE004", "missing-locked-clause", "A clause the standard locks is missing"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            anchor = locate(dpisp.body, "clauses")
            for clause_id, canon in pack.clauses.items():
                if canon.get("locked") is not True or clause_id in dpisp.clauses:
                    continue
                texts = released_texts(pack, canon)
                source = _(" with the text of {release}, word for word", release=texts[0][0]) if texts else ""
                yield self.finding(
                    replace(anchor, yaml_path=f"clauses[{clause_id}]"),
                    _("the locked clause {clause} is missing; add it{source}", clause=clause_label(canon, pack),
                      source=source),
                    severity=by_status(dpisp.status))


class UnknownClause(Rule):
    """
    ## What it checks
    Every clause `id` in the protocol is a clause of the policy pack.

    ## Why it matters
    A misspelt id hides a locked clause from the check of its text, and a clause the standard does
    not know is a provision no other operation has reviewed. Source: inter-agency DPISP template
    (2023), section list; IASC Operational Guidance on Data Responsibility (2023), coordination.

    ## Example
    ```yaml
    clauses:
      - id: data-subject-right
        text: |
          ...
    ```
    Fixed:
    ```yaml
    clauses:
      - id: data-subject-rights
        text: |
          ...
    ```

    ## How to fix
    Use the pack's clause id (the message suggests the closest). Local provisions belong in an
    adaptable clause such as `local-context`, or in a pack that extends the standard.
    """

    id, name, summary = "CLAUSE005", "unknown-clause", "A clause id is not in the policy pack"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for clause_id, clause in dpisp.clauses.items():
                if clause_id not in pack.clauses:
                    yield self.finding(
                        locate(clause, "id"),
                        _("clause '{clause}' is not a clause of the policy pack {pack}{hint}", clause=clause_id,
                          pack=pack.ref, hint=did_you_mean(clause_id, pack.clauses)))


class PlaceholderLeft(Rule):
    """
    ## What it checks
    No adaptable clause is empty or still holds a template slot such as `[INSERT geographic
    scope]` (the pack's `placeholder_pattern`).

    Severity follows the protocol's status: a warning while it is drafted or reviewed, an error
    once it is signed or in force.

    ## Why it matters
    A signed protocol with "[INSERT number] days" or an empty context clause commits the
    participants to nothing on that point; adaptable clauses are where the operation's own
    decisions are written down. Source: inter-agency DPISP template (2023), `[INSERT ...]` slots;
    GBVIMS Information Sharing Protocol template.

    ## Example
    ```yaml
    clauses:
      - id: roles-focal-points
        text: |
          ... any change is notified to the coordination lead within [INSERT number] days.
    ```
    Fixed:
    ```yaml
    clauses:
      - id: roles-focal-points
        text: |
          ... any change is notified to the coordination lead within 14 days.
    ```

    ## How to fix
    Replace each slot with the operation's own wording.
    """

    id, name, summary = "CLAUSE006", "placeholder-left", "An adaptable clause is empty or has a placeholder left"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        for dpisp in project.dpisps.values():
            for clause_id, clause in dpisp.clauses.items():
                canon = pack.clauses.get(clause_id)
                text = clause.get("text")
                if canon is None or canon.get("locked") is True or not isinstance(text, str):
                    continue
                found = pack.placeholder.finditer(text) if pack.placeholder else ()
                first: dict[str, str] = {}  # each placeholder once, as it first stands in the text
                for match in found:
                    first.setdefault(normalise(match.group(0)), match.group(0))
                slots = list(first.values())
                if not text.strip():
                    message = _("the clause {clause} is empty; write the operation's own text, using the pack's "
                                "template as a guide", clause=clause_label(canon, pack))
                elif slots:
                    listed = ", ".join(quoted_placeholder(clause, "text", slot, pack) for slot in slots[:MAX_CHANGES])
                    more = _(" and {count} more", count=len(slots) - MAX_CHANGES) if len(slots) > MAX_CHANGES else ""
                    message = _n("the clause {clause} still has the placeholder {placeholders}{more}; replace each "
                                 "with the operation's own wording",
                                 "the clause {clause} still has the placeholders {placeholders}{more}; replace each "
                                 "with the operation's own wording", len(slots), clause=clause_label(canon, pack),
                                 placeholders=listed, more=more)
                else:
                    continue
                yield self.finding(locate(clause, "text"), message, severity=by_status(dpisp.status))


def template_releases(pack: Pack) -> tuple[set[str], set[str]]:
    """(current pack@version refs, older released refs) that a protocol's template may name.

    Current: the selected pack and the packs it extends. Older: the versions the pack supersedes
    and, for the pack whose versions key the clause texts, its other released versions."""
    current = set(pack.lineage)
    older = {f"{pack.name}@{version}" for version in pack.supersedes}
    keys = {key for clause in pack.clauses.values() for key in (clause.get("versions") or {})}
    for ref in pack.lineage:
        name, _at, version = ref.rpartition("@")
        if version in keys:
            older |= {f"{name}@{key}" for key in keys}
    return current, older - current


class UnknownTemplate(Rule):
    """
    ## What it checks
    `metadata.template` names the selected policy pack, or a pack it extends, at a version that
    exists: the current one or an older release.

    ## Why it matters
    The template says which text the protocol was drafted from and which version reviewers must
    compare it with. A version that does not exist means nobody can tell which standard applies.
    Source: inter-agency DPISP template and Guidance Note (2023); IASC Operational Guidance on
    Data Responsibility (2023), accountability.

    ## Example
    ```yaml
    metadata:
      template: im4cm-standard@2024.2
    ```
    Fixed:
    ```yaml
    metadata:
      template: im4cm-standard@2024.1
    ```

    ## How to fix
    Write the pack and version the protocol was drafted from; `im4cm-lint rules` and the pack's
    pack.yaml show the current version. If the repository uses another pack, select it in
    `.im4cm-lint.yaml` (`policy-pack:`).
    """

    id, name, summary = "CLAUSE007", "unknown-template", "metadata.template names a pack version that does not exist"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        current, older = template_releases(pack)
        for dpisp in project.dpisps.values():
            template = dpisp.metadata.get("template")
            if not isinstance(template, str) or template in current or template in older:
                continue
            yield self.finding(
                locate(dpisp.metadata, "template"),
                _("template '{template}' is not a released version of the policy pack in use ({pack}){hint}; "
                  "name the version the protocol was drafted from", template=template, pack=pack.ref,
                  hint=did_you_mean(template, current | older)))


class SupersededTemplate(Rule):
    """
    ## What it checks
    `metadata.template` does not name a version of the standard that a newer one supersedes.

    ## Why it matters
    A protocol drafted from a superseded template misses what the standard has since added, and
    reviewers compare it with the wrong text. Source: inter-agency DPISP template and Guidance
    Note (2023); IASC Operational Guidance on Data Responsibility (2023), reviewed every two years.

    ## Example
    ```yaml
    metadata:
      template: im4cm-standard@2023.1
    ```
    Fixed:
    ```yaml
    metadata:
      template: im4cm-standard@2024.1
    ```

    ## How to fix
    Bring the clauses to the current version (CLAUSE002 shows which differ, `im4cm-lint --fix`
    updates the locked ones), then set `template` to the current version. For a protocol in force,
    agree the update at the next review.
    """

    id, name, summary = "CLAUSE008", "superseded-template", "metadata.template names a superseded version"
    severity = "warning"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        current, older = template_releases(pack)
        for dpisp in project.dpisps.values():
            template = dpisp.metadata.get("template")
            if template not in older:
                continue
            name = template.rpartition("@")[0]
            newer = next((ref for ref in pack.lineage if ref.rpartition("@")[0] == name), pack.ref)
            yield self.finding(
                locate(dpisp.metadata, "template"),
                _("the protocol was drafted from {template}, which {newer} supersedes; bring its clauses to "
                  "{newer} and set template to '{newer}'", template=template, newer=newer))


class TemplateWordingChanged(Rule):
    """
    ## What it checks
    An adaptable clause that the pack gives a `template` keeps the template's fixed wording: the
    text outside the `[INSERT ...]` slots stays as the standard wrote it, while each slot holds
    the operation's own words.

    ## Why it matters
    "Adaptable" means the slots, not the commitments around them. A signatory reads "Each
    participant designates a data protection focal point" and trusts it; a text that now says
    participants "may" designate one, or that receivers "may receive data without any agreement",
    has quietly changed what the agencies sign. Source: im4cm-lint contract v1.1 §5.2;
    inter-agency DPISP template (adaptable sections).

    ## Example
    ```yaml
    clauses:
      - id: roles-focal-points
        locked: false
        text: >-
          Each participant may designate a focal point if it wishes. The coordination lead is
          the CP Officer of UNHCR.
    ```
    Fixed:
    ```yaml
    clauses:
      - id: roles-focal-points
        locked: false
        text: >-
          Each participant designates a data protection focal point and an information management
          focal point, each with a backup from the same agency, and lists them in the focal points
          annex. The coordination lead for this protocol is the CP Officer of UNHCR, with ...
    ```

    ## How to fix
    Put back the template's wording around the slots (the message quotes the part that changed)
    and write the operation's details only where the template has `[INSERT ...]`.
    """

    id = "CLAUSE009"
    name = "template-wording-changed"
    summary = "An adaptable clause changed the fixed wording of its template"
    scope = "protocol"

    def check(self, project: Project, pack: Pack) -> Iterator:
        if pack.placeholder is None:
            return
        for dpisp in project.dpisps.values():
            for clause_id, clause in dpisp.clauses.items():
                canon = pack.clauses.get(clause_id)
                text = clause.get("text")
                if canon is None or canon.get("template") is not True or not isinstance(text, str) or not text.strip():
                    continue
                texts = released_texts(pack, canon)
                missing = [fixed_wording_missing(pack.placeholder, template, text) for _, template in texts]
                if texts and all(missing):
                    yield self.finding(
                        locate(clause, "text"),
                        _("the clause {clause} changed the fixed wording of the template of {release}: {words} is "
                          "no longer there as written; keep the template's words and write the operation's own only "
                          "in its [INSERT ...] slots", clause=clause_label(canon, pack), release=texts[0][0],
                          words=quote_words(missing[0].split())),
                        severity=by_status(dpisp.status))


@hookimpl
def im4cm_lint_rules():
    return [LockedTextChanged, OutdatedClause, UnlockedLegalClause, MissingLockedClause, UnknownClause,
            PlaceholderLeft, UnknownTemplate, SupersededTemplate, TemplateWordingChanged]
