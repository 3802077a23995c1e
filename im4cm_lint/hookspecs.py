"""The plugin contract: the hooks a plugin may implement (entry-point group ``im4cm_lint``).

A plugin is a module registered under the ``im4cm_lint`` entry-point group of its distribution::

    [project.entry-points.im4cm_lint]
    my_checks = "my_package.checks"

and implements any of these hooks with ``@im4cm_lint.hookimpl``. The built-in checks in
``checks/`` are plugins of exactly this kind.
"""

from __future__ import annotations

import pluggy

PROJECT = "im4cm_lint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def im4cm_lint_rules() -> list:
    """Return the rule classes (subclasses of :class:`im4cm_lint.rules.Rule`) this plugin provides.

    Each rule's ``check(project, pack)`` receives the loaded, schema-valid documents of the whole
    run and the resolved policy pack, and yields diagnostics. It must not read files or the network.
    """


@hookspec
def im4cm_lint_policy_packs() -> list:
    """Return folders (``pathlib.Path``) of the policy packs this plugin ships.

    A folder holds a ``pack.yaml`` of ``kind: PolicyPack``; a configuration selects a pack by
    ``name`` or ``name@version``.
    """
