"""The standard as a plugin: its policy packs (the ``policies/`` folder), the names of its rule
families, and the commands it adds to ``im4cm-lint`` (``init``, ``report``, ``taxonomy``, ``render``,
``verify``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from im4cm_lint import hookimpl
from im4cm_lint.i18n import N_


def policies_folders() -> list[Path]:
    """Where ``policies/`` is installed: site-packages, or the source tree for editable installs.

    ``im4cm_lint_policies`` is a data-only namespace package, so it may have several locations.
    """
    spec = importlib.util.find_spec("im4cm_lint_policies")
    locations = (spec.submodule_search_locations or []) if spec else []
    return [Path(location) for location in locations if Path(location).is_dir()]


@hookimpl
def im4cm_lint_policy_packs():
    return sorted({pack.parent for folder in policies_folders() for pack in folder.glob("*/pack.yaml")})


@hookimpl
def im4cm_lint_catalogs():
    return [(CATALOG, Path(__file__).resolve().parent / "locale")]


CATALOG = "im4cm_lint_checks"

# The standard's rule families, in the order outputs list them (after PARSE and SCHEMA); their words
# are marked for the catalog and translated where they are shown.
FAMILIES = {
    "REF": N_("a reference does not resolve"),
    "ROLE": N_("roles: missing, without backup, stale, untrained, or held by the wrong person"),
    "CLAUSE": N_("clauses: locked legal text changed or unlocked, outdated, missing, placeholders left"),
    "SHARE": N_("need-to-know: what is shared, with whom, why"),
    "ANNEXC": N_("alignment with UNHCR's data protection annex (Annex C) for implementing partners"),
    "DPIA": N_("the Data Protection Impact Assessment"),
    "LIFE": N_("lifecycle: review dates, signatures, status"),
}


@hookimpl
def im4cm_lint_families():
    return FAMILIES


@hookimpl
def im4cm_lint_commands():
    return {"init": "im4cm_lint_checks.scaffold:init_command",
            "report": "im4cm_lint_checks.report:command",
            "taxonomy": "im4cm_lint_checks.taxonomy:taxonomy_command",
            "render": "im4cm_lint_checks.render:command",
            "verify": "im4cm_lint_checks.verify:command",
            "pack": "im4cm_lint_checks.browse:pack_command",
            "diff": "im4cm_lint_checks.diff_command:command"}
