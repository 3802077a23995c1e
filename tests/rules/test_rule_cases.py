"""Every rule's declarative cases (tests/rules/cases/<RULE>.yml) and its docstring example.

A case file holds documents that must make the rule fire at exact ``[rule, path, line, column]``,
documents that must not, and, where the rule has a fix, the exact text ``--fix`` writes. The
harness writes each case into a fresh repository, runs the real CLI in-process
(``--format json --select RULE ...``) and compares. The format is described in
tests/rules/README.md; a meta-test asks every rule the CLI lists for a case file.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, lint, lint_json, write

CASES = Path(__file__).resolve().parent / "cases"
PACKS, COUNTRIES, PLUGINS = FIXTURES / "packs", FIXTURES / "countries", FIXTURES / "plugins"

SETTINGS = {"today", "pack", "base", "config", "args", "plugin", "select", "base_files"}  # file defaults, case overrides
FILE_KEYS = {"rule", "cases", "example"} | SETTINGS
CASE_KEYS = {"name", "files", "fail", "pass", "fixed", "severity", "message"} | SETTINGS
EXAMPLE_KEYS = {"files", "replace", "prose"} | SETTINGS
MARKER = "<<EXAMPLE>>"  # the line of an example's document where the docstring snippet goes



@functools.cache
def listed_rules() -> dict[str, dict]:
    """Every rule the CLI lists (with its help sections), by id."""
    run = lint("rules", "--format", "json")
    assert run.code == 0, run.err
    return {rule["id"]: rule for rule in yaml.safe_load(run.out)}


def load_case_file(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.yml"))


# ---------------------------------------------------------------------------- running a case

def _setting(case: dict, spec: dict, key: str):
    return case.get(key, spec.get(key))


def _plugin(name: str):
    """The plugin module tests/fixtures/plugins/<name>.py, loaded from its file."""
    module_name = f"im4cm_lint_case_plugin_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, PLUGINS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


def _register(monkeypatch, plugin_name: str | None) -> None:
    """Make every caller of the plugin registry see the case's extra plugin too."""
    if not plugin_name:
        return
    # Import the callers before patching: a module imported meanwhile would keep the patch.
    callers = [importlib.import_module(name) for name in ("im4cm_lint.plugins", "im4cm_lint.engine")]
    original, extra = callers[0].load_registry, (_plugin(plugin_name),)

    def load_registry(extra_plugins: tuple = ()):
        return original(tuple(extra_plugins) + extra)

    for module in callers:
        monkeypatch.setattr(module, "load_registry", load_registry)


def make_repo(root: Path, settings: dict, files: dict[str, str]) -> Path:
    """A repository (with a .git marker) holding ``base``, then ``config`` and ``files``. With
    ``base_files`` it is a real git repository whose one commit holds ``base``, ``config`` and
    ``base_files``; ``files`` are then the change in the working tree (linted with --base HEAD)."""
    root.mkdir(parents=True, exist_ok=True)
    if settings.get("base"):
        shutil.copytree(COUNTRIES / settings["base"], root, dirs_exist_ok=True)
    if not settings.get("base_files"):
        (root / ".git").mkdir(exist_ok=True)
    if settings.get("config") is not None:
        write(root, ".im4cm-lint.yaml", settings["config"])
    if settings.get("base_files"):
        _committed(root, settings["base_files"])
    for name, content in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")  # exactly as given: positions are asserted
        elif "link" in content:
            path.symlink_to(content["link"])
        else:
            text = content["text"] + content.get("repeat", "") * content.get("times", 0)
            path.write_bytes(text.encode(content.get("encoding", "utf-8")))
    return root


def _committed(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` and commit everything in ``root``: the base revision of a case."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for args in (("init", "-q"), ("add", "-A"), ("-c", "user.email=cases@example.org", "-c", "user.name=cases",
                                                 "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", "base")):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, timeout=60)


def lint_args(rule: str, settings: dict, *extra: str) -> list[str]:
    # ``select`` adds rules whose findings the rule needs (an unused suppression of SHARE002 is
    # only judged where SHARE002 runs); only the rule's own findings are compared.
    args = ["--no-cache", "--select", ",".join([rule, *(settings.get("select") or [])])]
    if settings.get("today"):
        args += ["--today", str(settings["today"])]
    if settings.get("pack"):
        args += ["--policy-pack", str(PACKS / settings["pack"])]
    if settings.get("base_files"):
        args += ["--base", "HEAD"]
    return [*args, *(settings.get("args") or []), *extra, "."]


def findings(rule: str, root: Path, settings: dict, *extra: str) -> list[dict]:
    """This rule's findings when the CLI lints ``root`` (a crash fails the test)."""
    run = lint_json(*lint_args(rule, settings, *extra), cwd=root)
    # 2: the linter could not run (a CONFIG finding), still with its JSON report; a crash raises
    assert run.code in (0, 1, 2), f"exit {run.code}: {run.err}{run.out}"
    return [d for d in run.json["diagnostics"] if d["rule"] == rule]


def positions(found: list[dict]) -> list[list]:
    return sorted([d["rule"], d["path"], d["line"], d["column"]] for d in found)


def check_case(rule: str, spec: dict, case: dict, root: Path, monkeypatch) -> None:
    settings = {key: _setting(case, spec, key) for key in SETTINGS}
    _register(monkeypatch, settings["plugin"])
    make_repo(root, settings, case.get("files"))
    found = findings(rule, root, settings)
    # In Arabic (right to left, every value isolated) the same findings, where and how severe they
    # are: a language changes the words only (issue 18)
    arabic = findings(rule, root, settings, "--lang", "ar")
    def where(diagnostics: list[dict]) -> list[tuple]:  # findings on one spot are ordered by their words
        return sorted((d["line"], d["column"], d["severity"], d["fingerprint"]) for d in diagnostics)

    assert where(arabic) == where(found)
    if case.get("pass"):
        assert positions(found) == [], "the rule fires on a passing case"
        return
    assert positions(found) == sorted(list(f) for f in case["fail"])
    for diagnostic in found:
        if case.get("severity"):
            assert diagnostic["severity"] == case["severity"], diagnostic
        if case.get("message"):
            assert case["message"] in diagnostic["message"], diagnostic
    if case.get("fixed"):
        fixing = lint_json(*lint_args(rule, settings, "--fix"), cwd=root)
        assert fixing.code in (0, 1, 2), fixing.err
        for name, text in case["fixed"].items():
            assert (root / name).read_text(encoding="utf-8") == text, f"{name} after --fix"
        assert positions(findings(rule, root, settings)) == [], "the rule still fires after --fix"


# ---------------------------------------------------------------------------- validating a file

def problems_of(path: Path, spec) -> list[str]:
    """What is wrong with a case file (empty when it is well formed)."""
    if not isinstance(spec, dict):
        return ["a case file is a mapping"]
    problems = [f"unknown key {key!r}" for key in sorted(set(spec) - FILE_KEYS)]
    if spec.get("rule") != path.stem:
        problems.append(f"rule {spec.get('rule')!r} is not the file's name {path.stem}")
    if spec.get("rule") not in listed_rules():
        problems.append(f"rule {spec.get('rule')!r} is not a rule the CLI lists")
    cases = spec.get("cases")
    if not isinstance(cases, list) or not cases:
        return problems + ["'cases' is a non-empty list"]
    names = [case.get("name") for case in cases if isinstance(case, dict)]
    if len(names) != len(set(names)) or len(names) != len(cases) or not all(names):
        problems.append("every case is a mapping with a unique name")
    for case in cases:
        if isinstance(case, dict):
            problems += [f"case {case.get('name')!r}: {p}" for p in _case_problems(spec["rule"], case)]
    if spec.get("plugin") and not (PLUGINS / f"{spec['plugin']}.py").is_file():
        problems.append(f"no plugin module tests/fixtures/plugins/{spec['plugin']}.py")
    example = spec.get("example")
    if example is not None:
        if not isinstance(example, dict):
            problems.append("'example' is a mapping")
        else:
            problems += [f"example: unknown key {key!r}" for key in sorted(set(example) - EXAMPLE_KEYS)]
    return problems


def _case_problems(rule: str, case: dict) -> list[str]:
    problems = [f"unknown key {key!r}" for key in sorted(set(case) - CASE_KEYS)]
    if ("fail" in case) == bool(case.get("pass")):
        problems.append("a case has either 'fail' (a list of findings) or 'pass: true'")
    for item in case.get("fail") or []:
        if not (isinstance(item, list) and len(item) == 4 and item[0] == rule and isinstance(item[1], str)
                and all(isinstance(n, int) for n in item[2:])):
            problems.append(f"{item!r} is not [{rule}, path, line, column]")
    if "fail" in case and not case["fail"]:
        problems.append("'fail' lists at least one finding")
    if case.get("fixed") and "fail" not in case:
        problems.append("'fixed' belongs to a failing case")
    if "fixed" in case and not (isinstance(case["fixed"], dict) and all(isinstance(t, str) for t in case["fixed"].values())):
        problems.append("'fixed' maps paths to texts")
    if "files" in case and not (isinstance(case["files"], dict) and all(map(_file_ok, case["files"].values()))):
        problems.append("'files' maps paths to texts, {text, encoding, repeat, times} or {link}")
    if case.get("base") and not (COUNTRIES / case["base"]).is_dir():
        problems.append(f"no base tests/fixtures/countries/{case['base']}")
    if case.get("pack") and not (PACKS / case["pack"]).is_dir():
        problems.append(f"no pack tests/fixtures/packs/{case['pack']}")
    return problems


def _file_ok(content) -> bool:
    """A file's content: a text, or bytes that are no UTF-8 text, or a symbolic link."""
    if isinstance(content, str):
        return True
    if not isinstance(content, dict):
        return False
    if set(content) == {"link"}:
        return isinstance(content["link"], str)
    return isinstance(content.get("text"), str) and set(content) <= {"text", "encoding", "repeat", "times"}


# ---------------------------------------------------------------------------- docstring examples

def example_snippets(rule: dict) -> tuple[str | None, str | None]:
    """The rule's "This fails" snippet and its "Fixed" snippet (None where the help has none)."""
    text = rule["help"].get("Example", "")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    if not blocks:
        return None, None
    fixed_part = text.split("Fixed:", 1)[1] if "Fixed:" in text else ""
    fixed = re.search(r"```yaml\n(.*?)```", fixed_part, flags=re.S)
    return blocks[0], fixed.group(1) if fixed else None


def place(snippet: str, example: dict) -> dict[str, str]:
    """The example's files with the snippet in place of the marker line (at its indentation)."""
    for old, new in (example.get("replace") or {}).items():
        if isinstance(new, dict):
            new = new["text"] * new["times"]
        snippet = snippet.replace(old, new)
    files, placed = {}, False
    for name, text in example.get("files", {"dpisp.yaml": MARKER + "\n"}).items():
        lines = []
        for line in text.splitlines(keepends=True):
            if line.strip() == MARKER:
                indent = line[: len(line) - len(line.lstrip())]
                lines += [indent + s if s.strip() else s for s in snippet.splitlines(keepends=True)]
                placed = True
            else:
                lines.append(line)
        files[name] = "".join(lines)
    assert placed, f"no {MARKER} line in the example's files"
    return files


# ---------------------------------------------------------------------------- the tests

def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        params = []
        for path in case_files():
            spec = load_case_file(path)
            cases = spec.get("cases") if isinstance(spec, dict) else None
            for i, case in enumerate(cases if isinstance(cases, list) else []):
                name = case.get("name", i) if isinstance(case, dict) else i
                params.append(pytest.param(path, i, id=f"{path.stem}: {name}"))
        metafunc.parametrize(("case_file", "case"), params)
    if "case_file_only" in metafunc.fixturenames:
        metafunc.parametrize("case_file_only", case_files(), ids=[p.stem for p in case_files()])


def test_case_file_is_well_formed(case_file_only: Path):
    assert problems_of(case_file_only, load_case_file(case_file_only)) == []


def test_the_harness_rejects_malformed_case_files():
    """A misnamed, misspelt or undecided case file fails instead of testing nothing."""
    good = {"rule": "REF002", "cases": [{"name": "a", "files": {"d.yaml": ""}, "pass": True}]}
    path = CASES / "REF002.yml"
    assert problems_of(path, good) == []
    assert problems_of(CASES / "REF003.yml", good) == ["rule 'REF002' is not the file's name REF003"]
    assert problems_of(path, {**good, "pakc": "mini-pack"}) == ["unknown key 'pakc'"]
    undecided = {"rule": "REF002", "cases": [{"name": "a", "files": {}}]}
    assert problems_of(path, undecided) == ["case 'a': a case has either 'fail' (a list of findings) or 'pass: true'"]
    misplaced = {"rule": "REF002", "cases": [{"name": "a", "fail": [["REF002", "d.yaml", 3]]}]}
    assert problems_of(path, misplaced) == ["case 'a': ['REF002', 'd.yaml', 3] is not [REF002, path, line, column]"]
    twice = {"rule": "REF002", "cases": [good["cases"][0], good["cases"][0]]}
    assert problems_of(path, twice) == ["every case is a mapping with a unique name"]


def test_case(case_file: Path, case: int, tmp_path: Path, monkeypatch):
    spec = load_case_file(case_file)
    assert problems_of(case_file, spec) == []
    check_case(spec["rule"], spec, spec["cases"][case], tmp_path / "repo", monkeypatch)


def test_the_docstring_example_runs(case_file_only: Path, tmp_path: Path, monkeypatch):
    """'This fails' yields the rule, 'Fixed' does not (in the case file's example context)."""
    spec = load_case_file(case_file_only)
    rule = listed_rules()[spec["rule"]]
    fails, fixed = example_snippets(rule)
    example = spec.get("example") or {}
    if fails is None:
        assert example.get("prose"), f"{spec['rule']}'s example is prose: say why it is not run (example.prose)"
        return
    assert not example.get("prose"), "the example has a yaml block: run it"
    settings = {key: example.get(key, spec.get(key)) for key in SETTINGS}
    _register(monkeypatch, settings["plugin"])
    failing = make_repo(tmp_path / "fails", settings, place(fails, example))
    assert findings(spec["rule"], failing, settings), "'This fails' does not yield the rule"
    if fixed is not None:
        passing = make_repo(tmp_path / "fixed", settings, place(fixed, example))
        assert positions(findings(spec["rule"], passing, settings)) == [], "'Fixed' still yields the rule"


@pytest.mark.parametrize("rule_id", sorted(listed_rules()))
def test_every_rule_has_a_failing_and_a_passing_case(rule_id: str):
    path = CASES / f"{rule_id}.yml"
    assert path.is_file(), f"no case file tests/rules/cases/{rule_id}.yml"
    cases = load_case_file(path).get("cases") or []
    assert any("fail" in c for c in cases), "no failing case"
    assert any(c.get("pass") for c in cases), "no passing case"
    if listed_rules()[rule_id]["fixable"]:
        assert any(c.get("fixed") for c in cases), "the rule has a fix: give a case its fixed text"
