"""Exit status of the command line (contract section 4), named once, as ansible-lint's ``RC``.

Only the CLI exits; library code returns results or raises :class:`im4cm_lint.errors.LintError`.
"""

from __future__ import annotations

from enum import IntEnum


class RC(IntEnum):
    OK = 0  # nothing at or above the failing severity
    FINDINGS = 1  # findings at or above the failing severity (or, with --fix --diff, fixes to apply)
    FATAL = 2  # the linter could not run: bad usage, unreadable configuration, missing policy pack
    INTERRUPTED = 130  # the user pressed Ctrl-C
