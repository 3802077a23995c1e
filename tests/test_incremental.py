"""Re-checking only the protocols a change affects (im4cm_lint/protocols.py): after every kind of
change a pull request makes, a run with the cache reports exactly what a run without it reports,
and it loads only the documents of the protocols the change touched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, lint

TODAY = "2026-11-27"


def findings(root: Path, cache: Path, *extra: str) -> tuple[int, list]:
    run = lint("--format", "json", "--today", TODAY, *extra, ".", cwd=root,
               env={"IM4CM_LINT_CACHE_DIR": str(cache)})
    return run.code, json.loads(run.out)["diagnostics"] if run.out.startswith("{") else run.out


@pytest.fixture
def country(tmp_path: Path) -> Path:
    """Three protocols of the examples and the test countries, in one repository."""
    root = tmp_path / "repo"
    for name in ("et-gambella", "ke-kakuma-draft", "jo-irbid"):
        shutil.copytree(REPO / "examples" / name, root / name)
    shutil.copytree(REPO / "tests" / "fixtures" / "countries" / "riverside", root / "riverside")
    (root / ".git").mkdir()
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES = {
    "a comment added": lambda r: edit(r / "et-gambella/dpisp.yaml", "apiVersion:", "# reviewed\napiVersion:"),
    "lines shift in an export": lambda r: edit(r / "ke-kakuma-draft/exports/unhcr-csv.yaml", "apiVersion:",
                                               "\n\napiVersion:"),
    "a DPISP's id changes under its exports": lambda r: edit(r / "jo-irbid/dpisp.yaml", "id: jo-irbid\n",
                                                             "id: jo-irbid-2\n"),
    "an export takes the id of another protocol's export": lambda r: edit(
        r / "jo-irbid/exports/irc-monthly-statistics.yaml", "id: irc-monthly-cp-statistics",
        "id: lwf-monthly-cp-statistics"),
    "an export file removed": lambda r: (r / "ke-kakuma-draft/exports/tcwn-referral-sheet.yaml").unlink(),
    "a DPIA names a protocol that is not there": lambda r: (r / "stray.yaml").write_text(
        (r / "ke-kakuma-draft/dpia.yaml").read_text(encoding="utf-8").replace("id: ke-kakuma-dpia\n", "id: stray\n")
        .replace("dpisp: ke-kakuma\n", "dpisp: ke-kakama\n"), encoding="utf-8"),  # REF003: did you mean ke-kakuma?
    "the protocol the stray DPIA misspells is renamed": lambda r: edit(r / "ke-kakuma-draft/dpisp.yaml",
                                                                     "id: ke-kakuma\n", "id: ke-kakuma-camp\n"),
    "the DPISP's id is restored": lambda r: edit(r / "jo-irbid/dpisp.yaml", "id: jo-irbid-2\n", "id: jo-irbid\n"),
    "a sharing rule widened": lambda r: edit(r / "et-gambella/dpisp.yaml", "    categories:\n",
                                             "    categories:\n      - protection.gbv\n"),
    "a system's source changed (the job no longer sends a field)": lambda r: edit(
        r / "et-gambella/systems/openfn/jobs/f2-2.sendReferralToDTP.js", "        sex: data.sex,\n", ""),
    "another protocol changes": lambda r: edit(r / "jo-irbid/dpisp.yaml", "apiVersion:", "# again\napiVersion:"),
    "then a system's source is broken": lambda r: (r / "et-gambella/systems/cpims/config_data.json").write_text(
        "{", encoding="utf-8"),
    "and removed": lambda r: (r / "et-gambella/systems/cpims/config_data.json").rename(r / "config_data.json"),
    "and another protocol changes while it is away": lambda r: edit(r / "jo-irbid/dpisp.yaml", "apiVersion:",
                                                                    "# away\napiVersion:"),
    "and it comes back": lambda r: (r / "config_data.json").rename(r / "et-gambella/systems/cpims/config_data.json"),
    "and another protocol changes once more": lambda r: edit(r / "jo-irbid/dpisp.yaml", "apiVersion:",
                                                             "# back\napiVersion:"),
}


def test_every_change_is_reported_as_without_the_cache(country: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    assert findings(country, cache) == findings(country, cache, "--no-cache")  # cold: the cache is filled
    for name, change in CHANGES.items():
        change(country)
        assert findings(country, cache) == findings(country, cache, "--no-cache"), name


def test_only_the_protocol_a_change_touches_is_loaded(country: Path, tmp_path: Path, monkeypatch):
    """One export edited: its protocol's documents are loaded and checked; the others' findings
    come from the cache, and the run reports them all."""
    import datetime

    from im4cm_lint.engine import Options, run

    monkeypatch.chdir(country)
    options = Options(cache=True, cache_dir=str(tmp_path / "cache"), today=datetime.date.fromisoformat(TODAY))
    cold = run(["."], options)
    edit(country / "jo-irbid/exports/jrf-bip-referral.yaml", "apiVersion:", "# edited\napiVersion:")
    warm = run(["."], options)
    assert sorted({d.path.split("/")[0] for d in warm.project.documents}) == ["jo-irbid"]
    assert warm.documents == cold.documents == len(cold.project.documents)
    assert [d.fingerprint() for d in warm.diagnostics] == [d.fingerprint() for d in cold.diagnostics]


def test_every_check_of_the_standard_is_of_one_protocol():
    """What keeps a run with one file changed fast: a rule of the whole project would load every document."""
    from im4cm_lint.plugins import load_registry

    assert [rule_id for rule_id, rule in load_registry().rules.items() if rule.scope != "protocol"] == []
