"""Rules the engine itself emits: PARSE, SCHEMA, CONFIG and PLUGIN.

They are not domain rules (those live in the plugins); they describe what happens when a file
cannot be read, a document does not fit the contract, the linter is misconfigured or a plugin
fails. They are registered like any plugin's rules so that ``rules`` and ``--explain`` know them.
"""

from __future__ import annotations

from im4cm_lint.hookspecs import hookimpl
from im4cm_lint.rules import Rule

class YamlSyntaxError(Rule):
    """
    ## What it checks
    The file is valid YAML. The message names what the YAML reader found and where.

    ## Why it matters
    A protocol that cannot be read cannot be checked: every other rule is blind to it, so the
    linter reports it instead of skipping it silently. Source: im4cm-lint contract (FORMAT.md §1).

    ## Example
    ```yaml
    parties:
      - id: sc
        name: Save the Children
       type: ingo          # indented one space less than 'name'
    ```
    Fixed:
    ```yaml
    parties:
      - id: sc
        name: Save the Children
        type: ingo
    ```

    ## How to fix
    Go to the line and column given. Common causes: inconsistent indentation, a tab used for
    indentation, a missing space after ':' or '-', an unclosed quote or bracket. A text editor
    with YAML support (or `im4cm-lint schema` with the YAML language server) shows it as you type.
    """

    id, name, summary = "PARSE001", "yaml-syntax-error", "The file is not valid YAML"


class DuplicateKey(Rule):
    """
    ## What it checks
    No mapping repeats a key.

    ## Why it matters
    YAML readers disagree on what a repeated key means: most silently keep one of the two values.
    A second `categories:` under the same sharing rule can hide what is really shared, and a
    reviewer reading the file sees both. Source: YAML 1.2 §3.2.1.1 (keys are unique).

    ## Example
    ```yaml
    - id: sc-to-unhcr
      categories: [identity.name]
      categories: [identity.name, protection.concern.narrative]
    ```
    Fixed:
    ```yaml
    - id: sc-to-unhcr
      categories: [identity.name, protection.concern.narrative]
    ```

    ## How to fix
    Keep one key and merge into it what both said; the message gives the line of the first one.
    """

    id, name, summary = "PARSE002", "duplicate-key", "A mapping repeats a key"


class BadEncoding(Rule):
    """
    ## What it checks
    The file is UTF-8 text without control characters (NUL bytes and the like).

    ## Why it matters
    Names of people and places are written in many scripts; UTF-8 keeps them intact in git, in
    reviews and in the linter's output. A file in another encoding shows as garbage to the next
    reader. Source: YAML 1.2 §5.1, §5.2.

    ## Example
    A file saved as "UTF-16" or "Western (Windows-1252)" by a word processor.

    ## How to fix
    Open the file in a text editor and save it with the encoding "UTF-8". Remove control
    characters at the position given.
    """

    id, name, summary = "PARSE003", "bad-encoding", "The file is not clean UTF-8 text"


class ForbiddenTag(Rule):
    """
    ## What it checks
    No node carries a YAML tag other than the standard scalar, list and mapping tags.

    ## Why it matters
    Tags such as `!!python/object/apply:os.system` ask a YAML reader to build program objects or
    run code: a classic way to attack tools that read YAML. im4cm-lint never constructs them, and
    reports them so that no other tool in the chain does either. Custom tags have no meaning in the
    contract. Source: OWASP, deserialization of untrusted data.

    ## Example
    ```yaml
    metadata: !!python/object:os.system {}
    ```
    Fixed:
    ```yaml
    metadata:
      id: et-gambella
    ```

    ## How to fix
    Remove the tag. Write values as plain text, numbers, true/false, lists and mappings.
    """

    id, name, summary = "PARSE004", "forbidden-tag", "A node carries an unsafe or unknown YAML tag"


class AliasBomb(Rule):
    """
    ## What it checks
    Anchors and aliases (`&x` ... `*x`) do not expand into an enormous document.

    ## Why it matters
    A few lines of nested aliases ("billion laughs") expand to billions of nodes and exhaust the
    memory of every tool that reads them. im4cm-lint stops at 50,000 expanded nodes in a document;
    real protocols hold a few hundred. Source: CVE-2003-1564 class of attacks.

    ## Example
    ```yaml
    a: &a [x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    ```

    ## How to fix
    Write repeated data out, or use aliases only for small repeated values.
    """

    id, name, summary = "PARSE005", "alias-bomb", "Aliases expand beyond a safe size"


class NestingTooDeep(Rule):
    """
    ## What it checks
    Lists and mappings are nested at most 64 levels deep.

    ## Why it matters
    im4cm documents need fewer than ten levels. Very deep nesting is either a mistake or an input
    crafted to make YAML readers slow or crash. Source: im4cm-lint robustness limits.

    ## Example
    ```yaml
    a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
    ```

    ## How to fix
    Flatten the structure as the document contract describes it.
    """

    id, name, summary = "PARSE006", "nesting-too-deep", "Nesting is deeper than the safe limit"


class FileTooLarge(Rule):
    """
    ## What it checks
    A file holding im4cm documents is under the size limit (2 MB by default, `max-file-size` in
    the configuration).

    ## Why it matters
    Real protocols, DPIAs and export definitions are under 100 KB. A file of many megabytes is a
    data dump committed by mistake (possibly with personal data in it) or an input that would stall
    the pre-commit hook. Source: im4cm-lint robustness limits.

    ## Example
    A 50 MB export of case records saved next to the protocol.

    ## How to fix
    Remove data files from the repository (case data never belongs in a config repo); split very
    large definitions; or raise `max-file-size` if the file is legitimate.
    """

    id, name, summary = "PARSE007", "file-too-large", "The file is over the size limit"


class Unreadable(Rule):
    """
    ## What it checks
    Every file and folder given to the linter can be read.

    ## Why it matters
    A protocol the linter cannot open is a protocol nobody checked. Silent skipping is how broken
    input slips through a CI gate. Source: im4cm-lint contract (FORMAT.md §4).

    ## Example
    A file with permissions `000`, or a folder the CI user may not enter.

    ## How to fix
    Fix the file permissions, or exclude the path in `.im4cm-lint.yaml` (`exclude:`).
    """

    id, name, summary = "PARSE008", "unreadable-path", "A file or folder cannot be read"


class NotAMapping(Rule):
    """
    ## What it checks
    Each YAML document in a file that declares im4cm documents is a mapping.

    ## Why it matters
    An im4cm document starts with `apiVersion: im4cm/v1` and `kind:`; a list or a lone value at
    the top cannot be one, so the file is most likely mis-indented. Source: FORMAT.md §1.

    ## Example
    ```yaml
    - apiVersion: im4cm/v1
      kind: DPISP
    ```
    Fixed:
    ```yaml
    apiVersion: im4cm/v1
    kind: DPISP
    ```

    ## How to fix
    Remove the leading `- ` or wrap the content as a mapping.
    """

    id, name, summary = "PARSE009", "not-a-mapping", "A document is a list or a single value"


class UnsupportedKey(Rule):
    """
    ## What it checks
    Mapping keys are plain text: no lists or mappings as keys, no YAML 1.1 merge keys (`<<`).

    ## Why it matters
    Complex keys and merge keys are read differently by different YAML tools (merge keys are not
    part of YAML 1.2), so two reviewers' tools could see two different protocols. Source: YAML 1.2.

    ## Example
    ```yaml
    backup:
      <<: *holder
    ```
    Fixed:
    ```yaml
    backup: {name: B. Person, title: CP Specialist, party: sc}
    ```

    ## How to fix
    Write the keys out in full.
    """

    id, name, summary = "PARSE010", "unsupported-key", "A key is not plain text, or is a merge key"


class TooManyProblems(Rule):
    """
    ## What it checks
    A file has at most 100 findings from reading it and checking its structure (PARSE and
    SCHEMA), and at most 1,000 documents. Past either limit the linter stops reading the file,
    reports what it found so far, and says where it stopped.

    ## Why it matters
    A file with hundreds of structural problems is not a protocol in progress but a wrong file
    (a data dump, a generated file, a file saved in the wrong format) or an input crafted to stall
    the pre-commit hook and flood the CI log. Stopping early keeps every run fast and its output
    readable. Source: im4cm-lint robustness limits.

    ## Example
    ```yaml
    apiVersion: im4cm/v1
    kind: DPIA
    ---
    - 1
    ---
    - 2
    # ... and 5,000 more list documents
    ```
    Fixed:
    ```yaml
    apiVersion: im4cm/v1
    kind: DPIA
    metadata: {id: et-gambella-dpia, dpisp: et-gambella, version: 1.0.0, status: draft}
    ```

    ## How to fix
    Fix the problems reported before it (they are usually one mistake repeated, such as a wrong
    indentation), or remove the file if it does not belong in the repository. Split a file that
    really holds more than 1,000 documents.
    """

    id, name, summary = "PARSE011", "too-many-problems", "The linter stopped reading a file with too many problems"


class UnknownKey(Rule):
    """
    ## What it checks
    Every key is one the document's kind defines. The message suggests the closest known key.

    ## Why it matters
    A typo such as `categorys:` or `reveiw_by:` is not an error for a YAML reader: the value is
    simply ignored, and the check that depends on it silently passes. Source: FORMAT.md §1.

    ## Example
    ```yaml
    metadata:
      reveiw_by: 2026-03-01
    ```
    Fixed:
    ```yaml
    metadata:
      review_by: 2026-03-01
    ```

    ## How to fix
    Correct the spelling as suggested, or remove the key.
    """

    id, name, summary = "SCHEMA001", "unknown-key", "A key the document's kind does not define"


class MissingKey(Rule):
    """
    ## What it checks
    Every key the document's kind requires is present.

    ## Why it matters
    Required keys carry what a protocol cannot do without: who the parties are, each sharing
    rule's purpose and legitimate basis, the review date. Source: FORMAT.md §1.

    ## Example
    ```yaml
    sharing:
      - id: sc-to-unhcr
        from: sc
        to: unhcr
        categories: [identity.name]     # no purpose, no basis
    ```
    Fixed:
    ```yaml
    sharing:
      - id: sc-to-unhcr
        from: sc
        to: unhcr
        purpose: bip.referral
        basis: consent
        categories: [identity.name]
    ```

    ## How to fix
    Add the key named in the message to the mapping the finding points at.
    """

    id, name, summary = "SCHEMA002", "missing-key", "A required key is missing"


class WrongType(Rule):
    """
    ## What it checks
    Each value has the type its key expects: text, number, true/false, list or mapping.

    ## Why it matters
    `categories: identity.name` (text) instead of a list, or `version: 2024.1` read as a number,
    change what the protocol says. Source: FORMAT.md §1.

    ## Example
    ```yaml
    categories: identity.name
    ```
    Fixed:
    ```yaml
    categories: [identity.name]
    ```

    ## How to fix
    Write the value in the expected form; quote values such as versions that look like numbers.
    """

    id, name, summary = "SCHEMA003", "wrong-type", "A value has the wrong type"


class NotAllowedValue(Rule):
    """
    ## What it checks
    Values with a fixed list of choices (status, setting, party type, legitimate basis, UNHCR
    role, sensitivity...) use one of them.

    ## Why it matters
    The checks rely on these words: a status of `inforce` instead of `in_force` turns off the
    checks for protocols in force. Source: FORMAT.md §1.

    ## Example
    ```yaml
    basis: consnet
    ```
    Fixed:
    ```yaml
    basis: consent
    ```

    ## How to fix
    Use one of the values the message lists; it suggests the closest one.
    """

    id, name, summary = "SCHEMA004", "not-allowed-value", "A value is not one of the allowed choices"


class BadDate(Rule):
    """
    ## What it checks
    Dates are ISO 8601 calendar dates, `YYYY-MM-DD`.

    ## Why it matters
    `01/03/2025` is March in Nairobi and January in New York. Review and confirmation dates drive
    the lifecycle checks, so they must be unambiguous. Source: FORMAT.md §1, ISO 8601.

    ## Example
    ```yaml
    review_by: 01/03/2026
    ```
    Fixed:
    ```yaml
    review_by: 2026-03-01
    ```

    ## How to fix
    Write the date as year-month-day with four, two and two digits.
    """

    id, name, summary = "SCHEMA005", "bad-date", "A date is not written as YYYY-MM-DD"


class BadId(Rule):
    """
    ## What it checks
    Ids are lowercase: letters, digits, '.', '_' and '-', starting with a letter or digit.

    ## Why it matters
    Ids are how documents refer to each other (a party in a sharing rule, a DPISP in an export).
    One spelling rule for all of them avoids references that differ only by case or spacing.
    Source: FORMAT.md §1.

    ## Example
    ```yaml
    - id: Save the Children
    ```
    Fixed:
    ```yaml
    - id: sc
      name: Save the Children
    ```

    ## How to fix
    Use a short lowercase id and put the readable name in `name`.
    """

    id, name, summary = "SCHEMA006", "bad-id", "An id is not lowercase letters, digits, '.', '_' or '-'"


class BadValue(Rule):
    """
    ## What it checks
    Other value constraints of the contract: a country code of two capital letters, a template
    written `pack@version`, lists that must not be empty, numbers that must not be negative.

    ## Why it matters
    These values are read by other checks and by other tools; a malformed one makes them silently
    wrong. Source: FORMAT.md §1.

    ## Example
    ```yaml
    country: Ethiopia
    ```
    Fixed:
    ```yaml
    country: ET
    ```

    ## How to fix
    Write the value in the form the message describes.
    """

    id, name, summary = "SCHEMA007", "bad-value", "A value does not have the expected form"


class UnsupportedApiVersion(Rule):
    """
    ## What it checks
    `apiVersion` is a version of the contract this linter knows (`im4cm/v1`).

    ## Why it matters
    A document written for another version of the contract may mean something else by the same
    keys; checking it as v1 would give wrong answers. Source: FORMAT.md §1.

    ## Example
    ```yaml
    apiVersion: im4cm/v2
    ```
    Fixed:
    ```yaml
    apiVersion: im4cm/v1
    ```

    ## How to fix
    Use `im4cm/v1`, or upgrade im4cm-lint if your documents use a newer contract.
    """

    id, name, summary = "SCHEMA008", "unsupported-api-version", "apiVersion is not one this linter knows"


class UnknownKind(Rule):
    """
    ## What it checks
    `kind` is one of `DPISP`, `DPIA`, `DataExport` or `PolicyPack`.

    ## Why it matters
    The kind decides which checks apply; a misspelt kind means the document is not checked at all.
    Source: FORMAT.md §1.

    ## Example
    ```yaml
    kind: DataExports
    ```
    Fixed:
    ```yaml
    kind: DataExport
    ```

    ## How to fix
    Use one of the kinds listed in the message (spelling and capitals matter).
    """

    id, name, summary = "SCHEMA009", "unknown-kind", "kind is not a known document kind"


class InvalidConfig(Rule):
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

    id, name, summary = "CONFIG001", "invalid-config", "The configuration cannot be used"


class UnknownRuleInConfig(Rule):
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

    id, name, summary = "CONFIG002", "unknown-rule-in-config", "The configuration names an unknown rule or family"


class PolicyPackNotFound(Rule):
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

    id, name, summary = "CONFIG003", "policy-pack-not-found", "The selected policy pack cannot be found"


class InvalidPolicyPack(Rule):
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

    id, name, summary = "CONFIG004", "invalid-policy-pack", "The policy pack is malformed or loosens a lock"


class SuppressionWithoutReason(Rule):
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

    id, name, summary = "CONFIG005", "suppression-without-reason", "A suppression or waiver does not say why, who approved it or until when"


class BadSuppression(Rule):
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

    id, name, summary = "CONFIG006", "bad-suppression", "A suppression names an unknown or unsuppressible rule, or is malformed"


class UnusedSuppression(Rule):
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

    id, name, summary = "CONFIG007", "unused-suppression", "A suppression or waiver suppresses nothing"


class ExpiredWaiver(Rule):
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

    id, name, summary = "CONFIG008", "expired-waiver", "A waiver is past its expiry date"


class CheckFailed(Rule):
    """
    ## What it checks
    Every check ran to the end. When a check raises an error, the linter reports it under this
    rule, names the plugin and the rule, and still runs all the other checks.

    ## Why it matters
    A crashed check is a check that did not protect anyone; it must be visible, not silent, and it
    must not hide the findings of the others. Source: im4cm-lint contract (FORMAT.md §4).

    ## Example
    `PLUGIN001 error check XMPL001 of plugin 'im4cm-lint-example' failed: KeyError: 'fields'`

    ## How to fix
    Report it to the plugin's maintainers with the message. Until it is fixed, you can turn the
    failing rule off with `ignore:` in `.im4cm-lint.yaml`.
    """

    id, name, summary = "PLUGIN001", "check-failed", "A check raised an error"


class PluginLoadFailed(Rule):
    """
    ## What it checks
    Every installed plugin (entry-point group `im4cm_lint`) can be imported and its hooks called.

    ## Why it matters
    A plugin that fails to load silently removes its checks. Source: im4cm-lint contract.

    ## Example
    `PLUGIN002 error plugin 'my-checks' could not be loaded: ModuleNotFoundError: ...`

    ## How to fix
    Reinstall or upgrade the plugin, or uninstall it.
    """

    id, name, summary = "PLUGIN002", "plugin-load-failed", "A plugin could not be loaded"


class BadRule(Rule):
    """
    ## What it checks
    Rules that plugins provide have a well-formed id (a family prefix and three digits), a
    summary, a known default severity, and an id no other rule uses.

    ## Why it matters
    Two rules with one id would make suppressions, baselines and `ignore:` ambiguous.
    Source: im4cm-lint contract (FORMAT.md §4).

    ## Example
    Two plugins that both define `SHARE001`.

    ## How to fix
    Report it to the plugin's maintainers; the second rule with a taken id is not run.
    """

    id, name, summary = "PLUGIN003", "bad-rule", "A plugin's rule is malformed or reuses an id"


class MalformedFinding(Rule):
    """
    ## What it checks
    Every finding a check yields is well formed: a `Diagnostic` under the check's own rule id,
    with a severity of `error`, `warning` or `info`, a location with a file path and a line and
    column from 1, a message, and a `Fix` or nothing as its fix. The well-formed findings of the
    check are kept; the others are dropped and counted in this finding.

    ## Why it matters
    A malformed finding would crash a reporter, point nowhere, or carry another rule's id and
    slip past `ignore:` and suppressions; printing it as it is would mislead the reader, and
    dropping it silently would hide that a check is broken. Source: im4cm-lint contract
    (FORMAT.md §4).

    ## Example
    `PLUGIN004 error check CHAN001 of plugin 'channel' yielded 2 malformed findings (the first: line 0 is not a line number from 1); its 5 well-formed findings are kept`

    ## How to fix
    Report it to the plugin's maintainers with the message: checks should build findings with
    `self.finding(locate(...), message)`. Until it is fixed, you can turn the rule off with
    `ignore:` in `.im4cm-lint.yaml`.
    """

    id, name, summary = "PLUGIN004", "malformed-finding", "A check yielded a malformed finding"


class CheckTimedOut(Rule):
    """
    ## What it checks
    Every check finishes within its time budget: `check-timeout` seconds in `.im4cm-lint.yaml`
    (30 by default; 0 turns the budget off). A check that runs longer is stopped, its findings are
    dropped, and the other checks still run.

    ## Why it matters
    The linter runs in pre-commit hooks and CI gates: one check stuck in a loop must not hang every
    commit and every pull request of a country team. Source: im4cm-lint contract (FORMAT.md §4).

    ## Example
    `PLUGIN005 error check SLOW001 of plugin 'slow' did not finish within 30 s and was stopped; the other checks still ran`

    ## How to fix
    Report it to the plugin's maintainers. If the check is only slow on a very large repository,
    raise `check-timeout`; until it is fixed, you can turn the rule off with `ignore:`.
    """

    id, name, summary = "PLUGIN005", "check-timed-out", "A check ran past its time budget"


ENGINE_RULES = [
    YamlSyntaxError, DuplicateKey, BadEncoding, ForbiddenTag, AliasBomb, NestingTooDeep,
    FileTooLarge, Unreadable, NotAMapping, UnsupportedKey, TooManyProblems,
    UnknownKey, MissingKey, WrongType, NotAllowedValue, BadDate, BadId, BadValue,
    UnsupportedApiVersion, UnknownKind,
    InvalidConfig, UnknownRuleInConfig, PolicyPackNotFound, InvalidPolicyPack,
    SuppressionWithoutReason, BadSuppression, UnusedSuppression, ExpiredWaiver,
    CheckFailed, PluginLoadFailed, BadRule, MalformedFinding, CheckTimedOut,
]


@hookimpl
def im4cm_lint_rules():
    return ENGINE_RULES
