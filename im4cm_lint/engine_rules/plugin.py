"""Rules the engine emits when a plugin or one of its checks fails."""

from __future__ import annotations

from im4cm_lint.rule import EngineRule


class CheckFailed(EngineRule):
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

    id = "PLUGIN001"
    name = "check-failed"
    summary = "A check raised an error"


class PluginLoadFailed(EngineRule):
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

    id = "PLUGIN002"
    name = "plugin-load-failed"
    summary = "A plugin could not be loaded"


class BadRule(EngineRule):
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

    id = "PLUGIN003"
    name = "bad-rule"
    summary = "A plugin's rule is malformed or reuses an id"


class MalformedFinding(EngineRule):
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

    id = "PLUGIN004"
    name = "malformed-finding"
    summary = "A check yielded a malformed finding"


class CheckTimedOut(EngineRule):
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

    id = "PLUGIN005"
    name = "check-timed-out"
    summary = "A check ran past its time budget"
