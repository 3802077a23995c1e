"""The built-in checks of im4cm-lint, one module per rule family.

Each module is a plugin registered under the ``im4cm_lint`` entry-point group, exactly as a third
party's would be: it implements ``im4cm_lint_rules`` and returns its rule classes.
"""
