"""Extract, update and compile every gettext catalog: the three ``pybabel`` steps of CONTRIBUTING.md
("Translations") for the engine's, the standard's and click's messages, in each language.

    python tools/catalogs.py            # after changing an English message or a translation

New or changed English messages come out as empty entries in each ``.po`` (``pybabel update``), for
a translator to fill; ``tests/test_translations.py`` fails until they are filled.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ar", "fr", "es")
KEYWORDS = ("-k", "_", "-k", "_n:1,2", "-k", "N_")


def catalogs() -> dict[str, tuple[Path, Path]]:
    """domain -> (the code it is extracted from, the folder of its catalogs)."""
    import click

    return {
        "im4cm_lint": (ROOT / "im4cm_lint", ROOT / "im4cm_lint" / "locale"),
        "im4cm_lint_checks": (ROOT / "checks", ROOT / "checks" / "locale"),
        # click's own messages ("Usage:", "No such option"), as the installed click words them
        "im4cm_lint_click": (Path(click.__file__).parent, ROOT / "im4cm_lint" / "locale"),
    }


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    for domain, (code, locales) in catalogs().items():
        template = locales / f"{domain}.pot"
        locales.mkdir(parents=True, exist_ok=True)
        mapping = ("-F", str(ROOT / "babel.cfg")) if code.is_relative_to(ROOT) else ()
        pybabel("extract", *mapping, *KEYWORDS, "--no-location", "--sort-output", "--no-wrap",
                "--project", "im4cm-lint", "-o", str(template), str(code))
        for language in LANGUAGES:
            po = locales / language / "LC_MESSAGES" / f"{domain}.po"
            step = "update" if po.exists() else "init"
            pybabel(step, "-D", domain, "-i", str(template), "-d", str(locales), "-l", language, "--no-wrap",
                    *(("--no-fuzzy-matching", "--ignore-obsolete") if step == "update" else ()))
        pybabel("compile", "-D", domain, "-d", str(locales))
    print("catalogs extracted, updated and compiled")


if __name__ == "__main__":
    main()
