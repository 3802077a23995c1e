"""Rules the engine emits about its own configuration, suppressions, waivers, baseline and policy pack."""

from __future__ import annotations

from im4cm_lint.rule import EngineRule


class InvalidConfig(EngineRule):
    """
    ## What it checks
    The linter's configuration (`.im4cm-lint.yaml` or `[tool.im4cm-lint]` in `pyproject.toml`) is
    readable and uses known keys with values of the right form.

    ## Why it matters
    A mistyped `ignore:` or `select:` silently changes what is checked. The linter stops with exit
    status 2 instead of guessing. Source: im4cm-lint contract (FORMAT.md §3).

    ## Example
    ```yaml
    ignores: [LIFE]
    ```
    Fixed:
    ```yaml
    ignore: [LIFE]
    ```

    ## How to fix
    Correct the key or value at the line given.
    """

    id = "CONFIG001"
    name = "invalid-config"
    summary = "The configuration cannot be used"


class UnknownRuleInConfig(EngineRule):
    """
    ## What it checks
    Rule ids and families named in the configuration (`select`, `ignore`, `per-file-ignores`,
    `severity`) exist.

    ## Why it matters
    `ignore: [SHARE01]` ignores nothing, and the author believes a rule is off when it is not (or
    the other way round). Source: FORMAT.md §3.

    ## Example
    ```yaml
    ignore: [LIEF]
    ```
    Fixed:
    ```yaml
    ignore: [LIFE]
    ```

    ## How to fix
    Use an id from `im4cm-lint rules` or one of the family names.
    """

    id = "CONFIG002"
    name = "unknown-rule-in-config"
    summary = "The configuration names an unknown rule or family"


class PolicyPackNotFound(EngineRule):
    """
    ## What it checks
    The policy pack the configuration selects (`policy-pack: name`, `name@version` or a folder)
    exists, and the packs it extends exist.

    ## Why it matters
    Without the pack there is no standard to check against. Source: FORMAT.md §2.

    ## Example
    ```yaml
    policy-pack: im4cm-standard@2019.1
    ```
    Fixed:
    ```yaml
    policy-pack: im4cm-standard
    ```

    ## How to fix
    Use a pack listed in the message, or give the path of a pack folder that holds `pack.yaml`.
    """

    id = "CONFIG003"
    name = "policy-pack-not-found"
    summary = "The selected policy pack cannot be found"


class InvalidPolicyPack(EngineRule):
    """
    ## What it checks
    A policy pack is well formed: its files parse and fit the PolicyPack schema, the files it
    includes exist, and a pack that extends another never unlocks a clause the other locks.

    ## Why it matters
    The pack is the standard every protocol is held to. Locks only tighten: a country or agency
    pack may lock more clauses, never unlock legal text the inter-agency standard locks.
    Source: FORMAT.md §2.

    ## Example
    ```yaml
    clauses:
      - id: purpose-limitation
        locked: false       # the standard locks this clause
    ```

    ## How to fix
    Correct the pack file at the position given.
    """

    id = "CONFIG004"
    name = "invalid-policy-pack"
    summary = "The policy pack is malformed or loosens a lock"


class SuppressionWithoutReason(EngineRule):
    """
    ## What it checks
    Every inline suppression says why after ` -- `, and every waiver in `.im4cm-lint.yaml` has a
    `reason`, the name of who approved it (`approved-by`) and an `expires` date. A suppression
    or waiver that lacks them suppresses nothing: the findings it names stay visible.

    ## Why it matters
    An exception to a data-protection rule is a decision someone must be able to explain and
    review later. "Disabled" with no reason cannot be reviewed, and a waiver without an approver or
    an expiry date outlives the review cycle that granted it. Source: IASC Operational Guidance on
    Data Responsibility (2023), accountability; im4cm-lint contract (FORMAT.md §3).

    ## Example
    ```yaml
    # im4cm-lint: disable=SHARE002
    categories: [identity.name, protection.concern.type]
    ```
    Fixed:
    ```yaml
    # im4cm-lint: disable=SHARE002 -- BIP panel needs the concern type; agreed at CMTF 2025-02-12
    categories: [identity.name, protection.concern.type]
    ```

    ## How to fix
    Write the reason after ` -- ` on the suppression comment. For a waiver, add `reason`,
    `approved-by` (name and role) and `expires` (YYYY-MM-DD, at most until the next review).
    """

    id = "CONFIG005"
    name = "suppression-without-reason"
    summary = "A suppression or waiver does not say why, who approved it or until when"


class BadSuppression(EngineRule):
    """
    ## What it checks
    An inline suppression is written `# im4cm-lint: disable=RULE[,RULE] -- reason` and names rule
    ids that exist; a suppression or waiver names a rule that may be suppressed (PARSE, SCHEMA,
    CONFIG and PLUGIN findings may not: they mean something was not checked at all).

    ## Why it matters
    A misspelt rule id or directive suppresses nothing while the author believes it does; a
    suppressed parse or schema error would hide a document that no check has read.
    Source: im4cm-lint contract (FORMAT.md §3).

    ## Example
    ```yaml
    # im4cm-lint: disable=SHARE02 -- agreed at CMTF 2025-02-12
    ```
    Fixed:
    ```yaml
    # im4cm-lint: disable=SHARE002 -- agreed at CMTF 2025-02-12
    ```

    ## How to fix
    Use a rule id from `im4cm-lint rules` (the message suggests the closest one), written as
    above. Fix parse and schema errors instead of suppressing them.
    """

    id = "CONFIG006"
    name = "bad-suppression"
    summary = "A suppression names an unknown or unsuppressible rule, or is malformed"


class UnusedSuppression(EngineRule):
    """
    ## What it checks
    Every inline suppression and every waiver still suppresses a finding. A comment suppresses the
    findings on its own line, or, when it stands alone on its line, on the next line that is not
    blank or a comment; a waiver covers its document's YAML path and everything under it.

    ## Why it matters
    When the problem is fixed or the document changes, a left-over exception would silently
    accept the next problem of that kind at that place. Exceptions are granted for one situation
    and must not outlive it. Source: IASC Operational Guidance on Data Responsibility (2023),
    accountability; im4cm-lint contract (FORMAT.md §3).

    ## Example
    ```yaml
    # im4cm-lint: disable=SHARE002 -- agreed at CMTF 2025-02-12
    categories: [identity.name]      # nothing beyond need-to-know any more
    ```
    Fixed:
    ```yaml
    categories: [identity.name]
    ```

    ## How to fix
    Remove the suppression or the waiver. If the finding moved, move the comment with it or
    correct the waiver's `path` (copy the `yaml_path` of the finding from `--format json`).
    """

    id = "CONFIG007"
    name = "unused-suppression"
    summary = "A suppression or waiver suppresses nothing"


class ExpiredWaiver(EngineRule):
    """
    ## What it checks
    No waiver in `.im4cm-lint.yaml` is past its `expires` date. An expired waiver no longer
    applies: the findings it covered are reported again.

    ## Why it matters
    A waiver is granted in one review cycle, for reasons that held then. Past its date it must be
    reviewed again, not renewed by silence. Source: IASC Operational Guidance on Data
    Responsibility (2023), accountability (periodic review).

    ## Example
    ```yaml
    waivers:
      - rule: SHARE002
        document: et-gambella
        path: sharing[sc-to-unhcr-bip].categories
        reason: BIP panel needs the concern type
        approved-by: A. Person, CMTF Coordinator
        expires: 2024-12-31
    ```
    Fixed:
    ```yaml
    waivers:
      - rule: SHARE002
        document: et-gambella
        path: sharing[sc-to-unhcr-bip].categories
        reason: BIP panel needs the concern type; confirmed at the 2025 review
        approved-by: A. Person, CMTF Coordinator
        expires: 2025-12-31
    ```

    ## How to fix
    Fix the findings and remove the waiver, or have the exception reviewed again and set a new
    `expires` date with the approver of this review.
    """

    id = "CONFIG008"
    name = "expired-waiver"
    summary = "A waiver is past its expiry date"
