"""im4cm-lint: compliance-as-code for child-protection data-sharing protocols.

The engine (this package) loads documents, validates them against their schema, builds the project
model and runs the checks that plugins provide. It knows the document contract, never the domain
rules: those live in the plugins (the built-in ones in ``checks/``) and in the policy packs.
"""

__version__ = "0.1.0"
__url__ = "https://github.com/im4cm/im4cm-lint"  # home page: SARIF informationUri, pre-commit repo

__all__ = ["hookimpl", "Rule", "__version__"]


def __getattr__(name: str):
    """``hookimpl`` and ``Rule``, the names plugins import, loaded when first asked for: the
    console script (im4cm_lint.server) must start without pluggy and the rest."""
    if name == "hookimpl":
        from im4cm_lint.hookspecs import hookimpl

        return hookimpl
    if name == "Rule":
        from im4cm_lint.rule import Rule

        return Rule
    raise AttributeError(f"module 'im4cm_lint' has no attribute {name!r}")
