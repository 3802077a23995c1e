"""Rules the engine emits when a file cannot be read as YAML (the loader's findings)."""

from __future__ import annotations

from im4cm_lint.i18n import N_, _
from im4cm_lint.rule import EngineRule


class YamlSyntaxError(EngineRule):
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

    id = "PARSE001"
    name = "yaml-syntax-error"
    summary = "The file is not valid YAML"


class DuplicateKey(EngineRule):
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

    id = "PARSE002"
    name = "duplicate-key"
    summary = "A mapping repeats a key"


class BadEncoding(EngineRule):
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

    id = "PARSE003"
    name = "bad-encoding"
    summary = "The file is not clean UTF-8 text"


class ForbiddenTag(EngineRule):
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

    id = "PARSE004"
    name = "forbidden-tag"
    summary = "A node carries an unsafe or unknown YAML tag"


class AliasBomb(EngineRule):
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

    id = "PARSE005"
    name = "alias-bomb"
    summary = "Aliases expand beyond a safe size"


class NestingTooDeep(EngineRule):
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

    id = "PARSE006"
    name = "nesting-too-deep"
    summary = "Nesting is deeper than the safe limit"
    # the message (shown through _()) when Python's own recursion limit stops reading
    unreadable = N_("nesting is too deep to read")

    @staticmethod
    def beyond(limit: int) -> str:
        """The message when nesting goes past ``limit`` levels."""
        return _("nesting is deeper than {count} levels; im4cm documents need fewer than 10", count=limit)


class FileTooLarge(EngineRule):
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

    id = "PARSE007"
    name = "file-too-large"
    summary = "The file is over the size limit"


class Unreadable(EngineRule):
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

    id = "PARSE008"
    name = "unreadable-path"
    summary = "A file or folder cannot be read"


class NotAMapping(EngineRule):
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

    id = "PARSE009"
    name = "not-a-mapping"
    summary = "A document is a list or a single value"


class UnsupportedKey(EngineRule):
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

    id = "PARSE010"
    name = "unsupported-key"
    summary = "A key is not plain text, or is a merge key"


class TooManyProblems(EngineRule):
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

    id = "PARSE011"
    name = "too-many-problems"
    summary = "The linter stopped reading a file with too many problems"

    @staticmethod
    def stopped(what: str) -> str:
        """The message: where the linter gave up on a file, and what to do."""
        return _("stopped reading the file after {what}; fix what is reported above (or split the file) and run "
                 "again", what=what)


class SkippedDocument(EngineRule):
    """
    ## What it checks
    No file that holds an im4cm document is left out of the lint: not one saved as `.json`, and
    not one inside a folder the linter skips (`node_modules`, a virtualenv, a tool's cache).

    ## Why it matters
    The linter is a gate on pull requests: a protocol moved where the linter does not look would
    pass unchecked, with exit status 0. Whoever opens a pull request controls every file in it,
    folder names included. Source: im4cm-lint security model (README).

    ## Example
    `node_modules/protocols/dpisp.yaml`, or `dpisp.json`, holding `apiVersion: im4cm/v1`.

    ## How to fix
    Keep im4cm documents as `.yaml` files outside tools' folders; name a file on the command line
    to lint it wherever it is.
    """

    id = "PARSE012"
    name = "skipped-document"
    summary = "An im4cm document lies where the linter does not read"
