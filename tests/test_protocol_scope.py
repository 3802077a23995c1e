"""A rule that declares ``scope = "protocol"`` keeps its promise (im4cm_lint/rule.py): run on a
project holding one group of ``model.protocols`` (with the whole run's ``today``, ``root`` and
``known_ids``), it yields exactly the findings it yields for that group in the whole run, so a
run may re-check only the protocols a change touched (issue 16).

Checked on real corpora: the repository root as one run (the examples and the country fixtures
together: many protocols, ids used twice), each country fixture, a System naming another
protocol's export, and every rule case of tests/rules/cases materialised as that harness does
(a case with a base revision is not: a run with --base checks the whole project).
"""

from __future__ import annotations

import datetime
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from im4cm_lint import engine
from im4cm_lint.engine import Options
from im4cm_lint.model import Project, protocols

sys.path.insert(0, str(Path(__file__).resolve().parent / "rules"))
from test_rule_cases import PACKS, SETTINGS, _setting, case_files, load_case_file, make_repo  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
COUNTRIES = FIXTURES / "countries"
TODAY = datetime.date(2025, 9, 1)


def _key(diagnostic) -> tuple:
    where = diagnostic.location
    return (diagnostic.rule, where.path, where.line, where.column, where.doc_id, where.yaml_path,
            diagnostic.message, diagnostic.severity, repr(diagnostic.fix))


def scope_differences(result: engine.RunResult, every_rule: bool = False) -> list[str]:
    """For each rule of scope "protocol" (each rule, with ``every_rule``), what the union of its
    findings over the run's protocols lacks or adds compared with the whole run."""
    whole, pack = result.project, result.pack
    assert whole is not None and pack is not None, "the run did not load"
    groups = protocols(whole.documents)
    if len(groups) < 2:
        return []  # one group: the sub-project is the whole run
    rules = [rule for _id, rule in sorted(result.rules.items())
             if every_rule or rule.scope == "protocol"]
    subs = [Project(group, today=whole.today, root=whole.root, known_ids=whole.known_ids)
            for group in groups]
    problems = []
    for rule in rules:
        expected = sorted(map(_key, rule.check(whole, pack)), key=repr)
        got = sorted((_key(d) for sub in subs for d in rule.check(sub, pack)), key=repr)
        if expected != got:
            lacks = [d for d in expected if d not in got]
            adds = [d for d in got if d not in expected]
            problems.append(f"{rule.id}: the protocols' union lacks {lacks[:3]} and adds {adds[:3]}")
    return problems


def differences_in(folder: Path, options: dict, select: list[str] | None = None, every_rule: bool = False) -> list[str]:
    """Lint ``folder`` as one run and compare (in it: System sources are found from there)."""
    here = os.getcwd()
    os.chdir(folder)
    try:
        result = engine.run(["."], Options(select=select, **options))
        if result.project is None:
            return []  # the linter could not run as configured (a CONFIG case): nothing was checked
        return scope_differences(result, every_rule=every_rule)
    finally:
        os.chdir(here)


def test_the_repository_as_one_run():
    """examples/ and tests/fixtures/countries together: many protocols, ids used twice."""
    assert differences_in(REPO, {"today": TODAY}) == []


@pytest.mark.parametrize("country", sorted(p.name for p in COUNTRIES.iterdir() if p.is_dir()))
def test_a_country_fixture(country):
    assert differences_in(COUNTRIES / country, {"today": TODAY}) == []


def test_a_system_naming_another_protocols_export(tmp_path):
    """A System of one protocol may name an export of another (nothing forbids it): the two
    protocols are then one group, so the checks that read the exports a System names (SYSTEM004,
    008, 009, 010, 014) see them, and every rule, of either scope, keeps the promise."""
    root = tmp_path / "cross"
    shutil.copytree(COUNTRIES / "systems-mini", root)
    (root / ".git").mkdir()
    moved = {"dpisp.yaml": ("  id: et-gambella\n", "  id: et-gambella-b\n"),
             "systems/kobo.yaml": ("{id: gvca-intake-to-sc, dpisp: et-gambella}",
                                   "{id: gvca-intake-to-sc, dpisp: et-gambella-b}")}
    for name, (old, new) in moved.items():
        text = (root / name).read_text(encoding="utf-8")
        assert text.count(old) == 1, name
        (root / ("dpisp-b.yaml" if name == "dpisp.yaml" else name)).write_text(text.replace(old, new), encoding="utf-8")
    assert differences_in(root, {"today": TODAY}, every_rule=True) == []


def rule_cases() -> list[tuple[str, dict, dict]]:
    """(rule, case, settings) of every case that needs no extra plugin."""
    found = []
    for path in case_files():
        spec = load_case_file(path)
        for case in spec["cases"]:
            settings = {key: _setting(case, spec, key) for key in SETTINGS}
            if not settings["plugin"]:
                found.append((spec["rule"], case, settings))
    return found


def test_every_rule_case(tmp_path):
    """Each case's repository, linted with its --today and --policy-pack and only its rule
    selected (the checks compared run directly); a case of one protocol compares nothing."""
    problems = []
    for number, (rule, case, settings) in enumerate(rule_cases()):
        root = make_repo(tmp_path / str(number), settings, case.get("files"))
        options = {"today": settings["today"] and datetime.date.fromisoformat(str(settings["today"]))}
        if settings["pack"]:
            options["policy_pack"] = str(PACKS / settings["pack"])
        if settings["base_files"]:
            continue  # a run with a base checks the whole project: it is never split
        problems += [f"{rule} case {case['name']!r}: {p}" for p in differences_in(root, options, select=[rule])]
    assert problems == []


def test_what_a_protocol_holds(tmp_path, monkeypatch):
    """An export joins its DPISP; documents naming a DPISP that is not there are one group; two
    DPISPs with one id are one group; a pack, or a document naming no DPISP, is alone."""
    head = "apiVersion: im4cm/v1\nkind: {kind}\nmetadata: {{id: {id}{dpisp}}}\n"
    documents = {"alpha.yaml": ("DPISP", "alpha", None), "alpha-export.yaml": ("DataExport", "alpha-out", "alpha"),
                 "ghost-dpia.yaml": ("DPIA", "ghost-dpia", "ghost"),
                 "ghost-export.yaml": ("DataExport", "ghost-out", "ghost"),
                 "twin-1.yaml": ("DPISP", "twin", None), "twin-2.yaml": ("DPISP", "twin", None),
                 "pack.yaml": ("PolicyPack", "local-pack", None), "lone-export.yaml": ("DataExport", "lone-out", None),
                 "lone-dpia.yaml": ("DPIA", "lone-dpia", None)}
    (tmp_path / ".git").mkdir()
    for name, (kind, doc_id, dpisp) in documents.items():
        (tmp_path / name).write_text(head.format(kind=kind, id=doc_id, dpisp=f", dpisp: {dpisp}" if dpisp else ""),
                                     encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    loaded = engine.run(["."], Options()).project.documents
    assert sorted(d.path for d in loaded) == sorted(documents)
    groups = {frozenset(d.path for d in group) for group in protocols(loaded)}
    assert groups == {frozenset({"alpha.yaml", "alpha-export.yaml"}),
                      frozenset({"ghost-dpia.yaml", "ghost-export.yaml"}),
                      frozenset({"twin-1.yaml", "twin-2.yaml"}), frozenset({"pack.yaml"}),
                      frozenset({"lone-export.yaml"}), frozenset({"lone-dpia.yaml"})}
