"""Realistic benchmark corpora: many country operations, each with its DPISP, DPIA and exports.

The operation template is the clean example country repository (the folder under ``examples/``
whose documents lint with exit status 0), or, until one exists, a repository made by
``im4cm-lint init`` with every ``[INSERT ...]`` placeholder filled in and several exports. Each
operation is a copy of the template with its own document ids and country, so that ids stay
unique across the corpus as they would in a regional repository.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COUNTRIES = ["ET", "KE", "UG", "SS", "SD", "TD", "CM", "NE", "BD", "JO", "LB", "IQ", "TR", "CO", "PE", "EC"]
PEOPLE = ["Amina Yusuf", "Daniel Okello", "Grace Achieng", "Samuel Tesfaye", "Leila Haddad", "Omar Khalil",
          "Mariam Diallo", "Joseph Mwangi", "Fatima Bello", "Peter Lado", "Hana Kebede", "Ali Hassan"]
TITLES = ["Child Protection Officer", "Information Management Officer", "Data Protection Officer",
          "Case Management Coordinator", "Protection Associate", "Country Director"]
EXPORTS_PER_OPERATION = 4
_TEMPLATE_SUFFIXES = (".yaml", ".yml")
_PLACEHOLDER = re.compile(r"\[(INSERT|TBD|TODO)[^\]]*\]")


def _lints_clean(folder: Path) -> bool:
    proc = subprocess.run([sys.executable, "-m", "im4cm_lint", "--no-cache", "."], cwd=folder,
                          capture_output=True, text=True, timeout=300)
    return proc.returncode == 0


def _documents_of(folder: Path) -> dict[str, str]:
    """Relative path -> text of every im4cm document file under ``folder`` (config files aside)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in _TEMPLATE_SUFFIXES and path.is_file() and not any(p.startswith(".") for p in path.relative_to(folder).parts):
            text = path.read_text(encoding="utf-8")
            # System documents point at files outside the documents (a bundle, a workbook, jobs):
            # the corpora measure documents, so they are left out
            if re.search(r"^apiVersion:\s*im4cm/", text, re.M) and not re.search(r"^kind:\s*System\b", text, re.M):
                found[path.relative_to(folder).as_posix()] = text
    return found


def example_template() -> tuple[str, dict[str, str]] | None:
    """The clean example country repository, if ``examples/`` has one."""
    examples = REPO / "examples"
    for folder in sorted(p for p in examples.iterdir() if p.is_dir()) if examples.is_dir() else ():
        files = _documents_of(folder)
        if any(re.search(r"^kind:\s*DPISP", t, re.M) for t in files.values()) and _lints_clean(folder):
            return f"examples/{folder.name}", files
    return None


def _fill(match: re.Match, n: int) -> str:
    """A plausible value for the ``n``-th placeholder of a file, from its wording."""
    what = match.group(0).lower()
    if "name of" in what and "full name" not in what and "operation" not in what:
        return PEOPLE[n % len(PEOPLE)]
    if "job title" in what:
        return TITLES[n % len(TITLES)]
    if "full name of" in what or "country office" in what:
        return "Partner agency " + str(n % 97)
    if "date" in what:
        return "2025-03-01"
    if "number" in what:
        return "5"
    return "as agreed by the case management working group in its meeting of 2025-02-10"


def built_in_template() -> tuple[str, dict[str, str]]:
    """``im4cm-lint init`` for a refugee operation with two implementing partners, placeholders
    filled, and the example export repeated for several systems' flows."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "op"
        subprocess.run([sys.executable, "-m", "im4cm_lint", "init", "--country", "ET", "--operation",
                        "Gambella refugee response", "--implementing-partner", "sc", "--implementing-partner",
                        "irc", "--party", "unicef:un_agency", str(target)],
                       check=True, capture_output=True, text=True, timeout=300)
        files = _documents_of(target)
    for name, text in files.items():
        counter = itertools.count()
        files[name] = _PLACEHOLDER.sub(lambda m: _fill(m, next(counter)), text)
    export_name = next(n for n in files if n.startswith("exports/"))
    export = files.pop(export_name)
    export_id = re.search(r"^  id: (\S+)", export, re.M).group(1)
    for i in range(EXPORTS_PER_OPERATION):
        files[f"exports/export-{i + 1}.yaml"] = re.sub(rf"\b{re.escape(export_id)}\b", f"{export_id}-{i + 1}", export)
    return "im4cm-lint init (built in)", files


def template() -> tuple[str, dict[str, str]]:
    return example_template() or built_in_template()


def _ids(files: dict[str, str]) -> list[str]:
    """Document ids of the template (``metadata.id``), longest first for one-pass renaming."""
    from im4cm_lint.loader import load_data

    ids = {doc.id for name, text in files.items() for doc in load_data(text.encode(), name).documents if doc.id}
    return sorted(ids, key=len, reverse=True)


def documents_in(source: dict[str, str]) -> int:
    """How many documents one operation of the template holds."""
    from im4cm_lint.loader import load_data

    return sum(len(load_data(text.encode(), name).documents) for name, text in source.items())


def generate(out: Path, documents: int, source: dict[str, str]) -> int:
    """Write ``documents`` documents (whole operations, the last one cut short) under ``out``."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / ".git").mkdir()
    (out / ".im4cm-lint.yaml").write_text("policy-pack: im4cm-standard\n", encoding="utf-8")
    names = sorted(source, key=lambda n: (n.startswith("exports/"), n))  # DPISP and DPIA first
    ids = _ids(source)
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, ids)) + r")(?![\w.-])")
    written = 0
    for op in itertools.count():
        country = COUNTRIES[op % len(COUNTRIES)]
        folder = out / f"{country.lower()}-op{op:04d}"
        for name in names:
            if written >= documents:
                return written
            text = pattern.sub(lambda m: f"{m.group(1)}-{op:04d}", source[name])
            text = re.sub(r"^(\s*country:\s*)[A-Z]{2}\b", rf"\g<1>{country}", text, flags=re.M)
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += text.count("\nkind:") + text.startswith("kind:")
    return written


if __name__ == "__main__":
    name, files = template()
    target = Path(sys.argv[1])
    print(f"{generate(target, int(sys.argv[2]), files)} documents from {name} in {target}")
