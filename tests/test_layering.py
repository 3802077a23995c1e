"""The engine knows the document contract and never the standard: no module of ``im4cm_lint``
imports the standard's plugin ``im4cm_lint_checks`` (folder ``checks/``). Inside the standard, its
domain facts and its rules never lean on its tools. The contracts live in pyproject.toml
(``[tool.importlinter]``, as sqlfluff keeps its own) and are enforced here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACT = "The engine never imports the standard (im4cm_lint -> im4cm_lint_checks)"


def lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)} if pythonpath else None
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_engine_never_imports_the_standard():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{CONTRACT} KEPT" in run.stdout and ", 0 broken." in run.stdout


def test_no_import_of_the_checks_package_under_the_engine():
    pattern = re.compile(r"^\s*(from|import)\s+im4cm_lint_checks\b", re.M)
    offenders = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "im4cm_lint").rglob("*.py"))
                 if pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_contract_fails_when_the_engine_imports_the_standard(tmp_path):
    shutil.copytree(ROOT / "im4cm_lint", tmp_path / "im4cm_lint")
    shutil.copytree(ROOT / "checks", tmp_path / "im4cm_lint_checks")
    engine = tmp_path / "im4cm_lint" / "words.py"
    engine.write_text(engine.read_text(encoding="utf-8") + "\nfrom im4cm_lint_checks.domain.parties import UNHCR\n",
                      encoding="utf-8")
    run = lint_imports(tmp_path, pythonpath=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{CONTRACT} BROKEN" in run.stdout
    assert "im4cm_lint.words -> im4cm_lint_checks.domain.parties" in run.stdout
