"""How far the pack's field maps reach the real systems: the share of real field names that the
built-in pack (policies/im4cm-standard/field-maps.yaml) maps to a category, counted against the
public sources at named commits. Unmapped names are listed, never guessed.

    python3 bench/field_coverage.py --primero GIT_DIR --progres GIT_DIR [--list]

GIT_DIR is a clone (or bare mirror) of primeroIMS/primero and of OpenFn/primero-progres; files are
read with ``git show COMMIT:PATH``, nothing is checked out or run. The four figures:

1. Primero's current CP case forms: every field name (``'name' => '...'`` of a ``Field.new``) of
   db/configuration/forms/case/*.rb at PRIMERO_NOW (follow-up and reportable fields included),
   but separators, which are headings on a form and hold no data.
2. Primero's CP case forms before the 2023 rewrite ("R2-2331 - Open Source Forms and Roles",
   ff7f1f3931, 2023-04-12), which many deployments still run: the same folder at its parent.
3. proGres v4 names exchanged through UNHCR's interoperability middleware: the attribute names
   of the DTP payloads in OpenFn/primero-progres at PROGRES_AT (the keys of sampleData/progres*.json
   and flow1__progres*.json, and the ``data['...']``/``data.progres_*`` names the jobs/PROD/f1-*
   jobs read).
4. proGres attribute names as its queries use them: ``<attribute name="..."/>`` and
   ``<condition attribute="..."/>`` of the FetchXML queries in sampleData/*.xml at PROGRES_AT,
   qualified by their entity alias as the payloads qualify them (``individuals.progres_givenname``).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
PACK_MAPS = REPO / "policies" / "im4cm-standard" / "field-maps.yaml"
PRIMERO_NOW = "4b95bf947480e7cdd1fca197b1c7ef7188a9bd8e"  # 2026-08-19
PRIMERO_REWRITE = "ff7f1f3931"  # R2-2331, 2023-04-12: the figures use its parent
PROGRES_AT = "58e0a4d0bf6819a812946e2b4ba16b68af4169fd"  # 2025-03-05
CASE_FORMS = "db/configuration/forms/case/"
FIELD_NAME = re.compile(r"""['"]name['"]\s*=>\s*['"]([a-z][a-z0-9_]*)['"]""")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=True).stdout


def files_at(repo: Path, commit: str, folder: str) -> list[str]:
    return [path for path in git(repo, "ls-tree", "-r", "--name-only", commit, folder).splitlines()]


def primero_names(repo: Path, commit: str) -> list[str]:
    """Field names of the case forms; separators (headings on a form) hold no data and are left out."""
    names: set[str] = set()
    for path in files_at(repo, commit, CASE_FORMS):
        if path.endswith(".rb"):
            for block in re.split(r"Field\.new\(", git(repo, "show", f"{commit}:{path}"))[1:]:
                name = FIELD_NAME.search(block)
                kind = re.search(r"""['"]type['"]\s*=>\s*['"]([a-z_]+)['"]""", block)
                if name and not (kind and kind.group(1) == "separator"):
                    names.add(name.group(1))
    return sorted(names)


def _keys(value, prefix: str = "") -> set[str]:
    """Attribute names of a DTP payload: keys of objects, not of lookup values inside them."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith(("@", "_")) or key in ("Id", "Name", "LogicalName", "KeyAttributes"):
                continue
            found.add(key)
            if isinstance(item, list):
                for entry in item:
                    found |= _keys(entry)
    elif isinstance(value, list):
        for entry in value:
            found |= _keys(entry)
    return found


def progres_interop_names(repo: Path, commit: str) -> list[str]:
    names: set[str] = set()
    for path in files_at(repo, commit, "sampleData"):
        base = path.rsplit("/", 1)[-1]
        if base.endswith(".json") and (base.startswith("progres") or base.startswith("flow1__progres")):
            try:
                names |= {k for k in _keys(json.loads(git(repo, "show", f"{commit}:{path}"))) if "progres" in k
                          or "." in k}
            except json.JSONDecodeError:
                continue
    for path in files_at(repo, commit, "jobs/PROD"):
        if path.rsplit("/", 1)[-1].startswith("f1-"):
            text = git(repo, "show", f"{commit}:{path}")
            names.update(re.findall(r"data\[['\"]([a-z_]+\.[a-z_]+)['\"]\]", text))
            names.update(re.findall(r"\bdata\.(progres_[a-z0-9_]+)", text))
    return sorted(names)


def progres_query_names(repo: Path, commit: str) -> list[str]:
    names: set[str] = set()
    for path in files_at(repo, commit, "sampleData"):
        if not path.endswith(".xml"):
            continue
        text = git(repo, "show", f"{commit}:{path}")
        # the alias of each <link-entity>, to qualify its attributes as the payloads do
        stack: list[str] = []
        for match in re.finditer(r"<(/?)(entity|link-entity|attribute|condition)\b([^>]*?)(/?)>", text):
            closing, tag, attrs, selfclosing = match.groups()
            if tag in ("entity", "link-entity"):
                if closing:
                    stack and stack.pop()
                elif not selfclosing:
                    alias = re.search(r'alias="([^"]+)"', attrs)
                    stack.append(alias.group(1) if alias and tag == "link-entity" else "")
                continue
            name = re.search(r'(?:name|attribute)="([a-z0-9_]+)"', attrs)
            if name:
                prefix = stack[-1] if stack else ""
                names.add(f"{prefix}.{name.group(1)}" if prefix else name.group(1))
    return sorted(names)


def coverage(names: list[str], mapped: dict) -> tuple[int, int, list[str]]:
    missing = [n for n in names if n not in mapped]
    return len(names) - len(missing), len(names), missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--primero", type=Path, required=True, help="git dir of primeroIMS/primero")
    parser.add_argument("--progres", type=Path, required=True, help="git dir of OpenFn/primero-progres")
    parser.add_argument("--list", action="store_true", help="list the unmapped names")
    args = parser.parse_args(argv)
    maps = yaml.safe_load(PACK_MAPS.read_text(encoding="utf-8"))["field_maps"]
    rewrite_parent = git(args.primero, "rev-parse", f"{PRIMERO_REWRITE}^").strip()
    rows = [
        (f"Primero CP case forms, now (primeroIMS/primero@{PRIMERO_NOW[:8]})",
         primero_names(args.primero, PRIMERO_NOW), maps["primero"], 98),
        (f"Primero CP case forms before the 2023 rewrite (@{rewrite_parent[:8]})",
         primero_names(args.primero, rewrite_parent), maps["primero"], 90),
        (f"proGres v4 names through the interoperability middleware (OpenFn/primero-progres@{PROGRES_AT[:8]})",
         progres_interop_names(args.progres, PROGRES_AT), maps["progres-v4"], 95),
        (f"proGres attribute names as its queries use them (@{PROGRES_AT[:8]} sampleData/*.xml)",
         progres_query_names(args.progres, PROGRES_AT), maps["progres-v4"], 90),
    ]
    failed = False
    for label, names, mapped, goal in rows:
        done, total, missing = coverage(names, mapped)
        share = 100 * done / total if total else 0
        failed |= share < goal
        print(f"{label}: {done} of {total} names mapped, {share:.0f}% (goal {goal}%)")
        if args.list and missing:
            print("  unmapped: " + ", ".join(missing))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
