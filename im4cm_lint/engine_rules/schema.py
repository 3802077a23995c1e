"""Rules the engine emits when a document does not fit its kind (the schema's findings)."""

from __future__ import annotations

from im4cm_lint.rule import EngineRule


class UnknownKey(EngineRule):
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

    id = "SCHEMA001"
    name = "unknown-key"
    summary = "A key the document's kind does not define"


class MissingKey(EngineRule):
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

    id = "SCHEMA002"
    name = "missing-key"
    summary = "A required key is missing"


class WrongType(EngineRule):
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

    id = "SCHEMA003"
    name = "wrong-type"
    summary = "A value has the wrong type"


class NotAllowedValue(EngineRule):
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

    id = "SCHEMA004"
    name = "not-allowed-value"
    summary = "A value is not one of the allowed choices"


class BadDate(EngineRule):
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

    id = "SCHEMA005"
    name = "bad-date"
    summary = "A date is not written as YYYY-MM-DD"


class BadId(EngineRule):
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

    id = "SCHEMA006"
    name = "bad-id"
    summary = "An id is not lowercase letters, digits, '.', '_' or '-'"


class BadValue(EngineRule):
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

    id = "SCHEMA007"
    name = "bad-value"
    summary = "A value does not have the expected form"


class UnsupportedApiVersion(EngineRule):
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

    id = "SCHEMA008"
    name = "unsupported-api-version"
    summary = "apiVersion is not one this linter knows"


class UnknownKind(EngineRule):
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

    id = "SCHEMA009"
    name = "unknown-kind"
    summary = "kind is not a known document kind"


class MisspeltHeader(EngineRule):
    """
    ## What it checks
    A line that states an `apiVersion` naming im4cm is spelt exactly `apiVersion: im4cm/...`.

    ## Why it matters
    The linter reads a document only when its header is exactly right, so that it can run over a
    whole repository and ignore other YAML. A header with `apiversion:` or `IM4CM/v1` would make a
    protocol invisible to the gate, and the pull request would pass unchecked. Source: FORMAT.md §1.

    ## Example
    ```yaml
    apiversion: IM4CM/v1
    kind: DPISP
    ```
    Fixed:
    ```yaml
    apiVersion: im4cm/v1
    kind: DPISP
    ```

    ## How to fix
    Write the header as `apiVersion: im4cm/v1`: the key and the value are case-sensitive.
    """

    id = "SCHEMA010"
    name = "misspelt-header"
    summary = "A document's apiVersion is misspelt, so it is not read"
