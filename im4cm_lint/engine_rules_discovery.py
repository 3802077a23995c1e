"""Engine rules for files that look like im4cm documents but would not be read as such
(issue 12, item 3). Written like the others in ``engine_rules.py``; they join them there when the
engine's rules become objects."""

from __future__ import annotations

from im4cm_lint.hookspecs import hookimpl
from im4cm_lint.rules import Rule


class SkippedDocument(Rule):
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

    id, name, summary = "PARSE012", "skipped-document", "An im4cm document lies where the linter does not read"


class MisspeltHeader(Rule):
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

    id, name, summary = "SCHEMA010", "misspelt-header", "A document's apiVersion is misspelt, so it is not read"


DISCOVERY_RULES = [SkippedDocument, MisspeltHeader]


@hookimpl
def im4cm_lint_rules():
    return DISCOVERY_RULES
