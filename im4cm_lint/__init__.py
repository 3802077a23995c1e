"""im4cm-lint: compliance-as-code for child-protection data-sharing protocols.

The engine (this package) loads documents, validates them against their schema, builds the project
model and runs the checks that plugins provide. It knows the document contract, never the domain
rules: those live in the plugins (the built-in ones in ``checks/``) and in the policy packs.
"""

__version__ = "0.1.0"
__url__ = "https://github.com/im4cm/im4cm-lint"  # home page: SARIF informationUri, pre-commit repo

from im4cm_lint.hookspecs import hookimpl  # noqa: E402 - the one name plugins import
from im4cm_lint.rule import Rule  # noqa: E402

__all__ = ["hookimpl", "Rule", "__version__"]
