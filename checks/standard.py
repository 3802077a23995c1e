"""Contributes the built-in policy packs (the ``policies/`` folder) to the plugin manager."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from im4cm_lint import hookimpl


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
