"""Contributes the built-in policy packs (the ``policies/`` folder) to the plugin manager."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from im4cm_lint import hookimpl


def policies_folder() -> Path:
    """Where ``policies/`` is installed (site-packages, or the source tree for editable installs)."""
    spec = importlib.util.find_spec("im4cm_lint_policies")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location)
    raise FileNotFoundError("im4cm_lint_policies is not installed")


@hookimpl
def im4cm_lint_policy_packs():
    root = policies_folder()
    return sorted(p.parent for p in root.glob("*/pack.yaml"))
