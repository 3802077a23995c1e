"""DPIA checks (being written)."""

from im4cm_lint import hookimpl


@hookimpl
def im4cm_lint_rules():
    return []
