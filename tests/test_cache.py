"""The content-hash cache (in the user's cache folder), parallel loading and lazy imports: a warm
run reports exactly what a cold run does, whatever input changed (a document another one relies
on, the configuration, an option, the date, a plugin's code); ``--no-cache`` neither reads nor
writes it; a damaged, forged or unwritable cache only makes a run cold; ``--jobs`` changes
nothing but the time; a plain lint imports no reporter, explanation, report or fixer it does not
use. The attacks on the cache are in tests/attacks/test_attack_cache.py."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import lint, lint_json, write
from country_docs import DRAFT_DPISP as DPISP
from country_docs import draft_export
from im4cm_lint import engine, loading
from im4cm_lint.cache import ENV_VAR, digest

EXPORT = draft_export("sc")

SC = "  - {id: sc, name: Save the Children, type: ingo}\n"


@pytest.fixture(autouse=True)
def cache_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("cache-home")
    monkeypatch.setenv(ENV_VAR, str(home))
    return home


def project_cache(home: Path, root: Path) -> Path:
    return home / digest("project", os.path.realpath(root))


@pytest.fixture
def country(repo: Path) -> Path:
    write(repo, ".im4cm-lint.yaml", "select: [REF, PARSE, SCHEMA, PLUGIN]\n")
    write(repo, "dpisp.yaml", DPISP)
    write(repo, "exports/export.yaml", EXPORT)
    return repo


def entries(home: Path, root: Path) -> list[str]:
    return sorted(os.listdir(project_cache(home, root) / "files"))


def test_the_cache_lives_outside_the_repository(country, cache_home):
    before = sorted(p.name for p in country.rglob("*"))
    lint_json(".", cwd=country / "exports")  # the configuration one folder up decides the root
    assert sorted(p.name for p in country.rglob("*")) == before
    cache = project_cache(cache_home, country)
    assert (cache / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert oct((cache_home / "key").stat().st_mode & 0o777) == "0o600"
    assert len(os.listdir(cache / "files")) == 1  # the one file linted


def test_without_a_setting_the_cache_is_in_the_user_s_cache_folder(country, tmp_path_factory, monkeypatch):
    tmp_path = tmp_path_factory.mktemp("user")
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    lint_json(".", cwd=country)
    assert (project_cache(tmp_path / "xdg" / "im4cm-lint", country) / "CACHEDIR.TAG").is_file()
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    lint_json(".", cwd=country)
    assert (project_cache(tmp_path / "home" / ".cache" / "im4cm-lint", country) / "CACHEDIR.TAG").is_file()


def test_a_cache_folder_inside_the_repository_is_not_used(country, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(country / "sub" / ".cache"))
    assert lint_json(".", cwd=country).findings() == [("REF002", "exports/export.yaml", 6)]
    assert not (country / "sub").exists()


def test_a_warm_run_reports_exactly_what_a_cold_run_does(country):
    cold = lint_json("--no-cache", ".", cwd=country)
    first, second = lint_json(".", cwd=country), lint_json(".", cwd=country)
    assert cold.findings() == [("REF002", "exports/export.yaml", 6)]
    assert cold.out == first.out == second.out and cold.code == first.code == second.code == 1


def test_a_change_to_a_document_another_relies_on_is_seen(country):
    assert lint_json(".", cwd=country).findings() == [("REF002", "exports/export.yaml", 6)]
    dpisp = country / "dpisp.yaml"
    original = dpisp.read_text(encoding="utf-8")
    dpisp.write_text(original + SC, encoding="utf-8")  # the export's recipient is now a party
    assert lint_json(".", cwd=country).findings() == []
    dpisp.write_text(original, encoding="utf-8")
    assert lint_json(".", cwd=country).findings() == [("REF002", "exports/export.yaml", 6)]
    assert lint_json("exports/export.yaml", cwd=country).findings() == [("REF002", "exports/export.yaml", 6)]


def test_only_the_files_that_changed_are_checked_again(country, monkeypatch):
    parsed: list[str] = []
    real = loading.load_one

    def counting(data, shown):
        parsed.append(shown)
        return real(data, shown)

    monkeypatch.setattr(loading, "load_one", counting)
    monkeypatch.chdir(country)
    options = engine.Options(cache=True)
    first = engine.run(["."], options)
    assert sorted(parsed) == [".im4cm-lint.yaml", "dpisp.yaml", "exports/export.yaml"] and first.project is not None
    parsed.clear()
    again = engine.run(["."], options)
    assert parsed == [] and again.project is None  # the whole run's findings came from the cache
    assert again.diagnostics == first.diagnostics and (again.files, again.documents) == (3, 2)
    (country / "dpisp.yaml").write_text((country / "dpisp.yaml").read_text() + SC, encoding="utf-8")
    changed = engine.run(["."], options)
    assert parsed == ["dpisp.yaml"] and changed.diagnostics == []


def test_every_option_is_part_of_the_key(country):
    """One after the other in one repository, each run's options differ from the one before:
    each must report what a cold run with those options reports."""
    variants = [(".",), ("--select", "PARSE", "."), ("--ignore", "REF002", "."), ("--fail-on", "info", "."),
                ("--select", "LIFE", "--today", "2020-01-01", "."), ("--select", "LIFE", "--today", "2031-01-01", "."),
                ("--max-file-size", "100", "."), ("--policy-pack", "nothing-of-that-name", "."), ("exports",),
                ("exports/export.yaml",), ("dpisp.yaml",), ("--report-all", "dpisp.yaml"), (".",)]
    outputs = set()
    for args in variants:
        cold = lint_json("--no-cache", *args, cwd=country)
        warm = lint_json(*args, cwd=country)
        assert (warm.code, warm.out) == (cold.code, cold.out), args
        outputs.add(cold.out)
    assert len(outputs) >= 6  # the options really change the findings


def test_a_change_to_the_configuration_is_seen(country):
    assert lint_json(".", cwd=country).findings() == [("REF002", "exports/export.yaml", 6)]
    write(country, ".im4cm-lint.yaml", "select: [REF, PARSE, SCHEMA, PLUGIN]\nignore: [{rule: REF002, reason: agreed at the CMTF review}]\n")
    assert lint_json(".", cwd=country).findings() == []
    write(country, ".im4cm-lint.yaml", "select: [REF, PARSE, SCHEMA, PLUGIN]\nper-file-ignores: {'dpisp.yaml': {rules: [REF], reason: agreed at the CMTF review}}\n")
    assert lint_json(".", cwd=country).findings() == [("REF002", "exports/export.yaml", 6)]


def test_a_change_to_a_plugin_s_code_is_seen(country, tmp_path, monkeypatch):
    source = textwrap.dedent('''
        from im4cm_lint import Rule, hookimpl
        from im4cm_lint.yamltree import locate

        class Says(Rule):
            id, name, summary = "TSTH001", "says", "Says something"

            def check(self, project, pack):
                for dpisp in project.dpisps.values():
                    yield self.finding(locate(dpisp.body), "MESSAGE")

        @hookimpl
        def im4cm_lint_rules():
            return [Says]
        ''')
    module_file = tmp_path / "im4cm_lint_says.py"
    module_file.write_text(source.replace("MESSAGE", "first"), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(country)
    module = importlib.import_module("im4cm_lint_says")
    options = engine.Options(cache=True, select=["TSTH"])
    assert [d.message for d in engine.run(["."], options, extra_plugins=(module,)).diagnostics] == ["first"]
    module_file.write_text(source.replace("MESSAGE", "second, longer"), encoding="utf-8")
    module = importlib.reload(module)
    assert [d.message for d in engine.run(["."], options, extra_plugins=(module,)).diagnostics] == ["second, longer"]
    sys.modules.pop("im4cm_lint_says", None)


def test_no_cache_neither_reads_nor_writes_the_cache(country, cache_home):
    lint_json("--no-cache", ".", cwd=country)
    assert os.listdir(cache_home) == []
    assert lint("--format", "json", ".", cwd=country, env={"IM4CM_LINT_NO_CACHE": "1"}).code == 1
    assert os.listdir(cache_home) == []


def test_an_entry_changed_by_anyone_but_the_linter_is_a_miss(country, cache_home):
    real = lint_json(".", cwd=country)
    (result,) = (project_cache(cache_home, country) / "results").iterdir()
    mac, _, payload = result.read_bytes().partition(b"\n")
    stored = json.loads(payload)
    stored["value"]["t"][0]["l"] = []  # a cache that lies: no findings
    result.write_bytes(mac + b"\n" + json.dumps(stored).encode())
    assert lint_json(".", cwd=country).out == real.out


def test_a_damaged_cache_only_makes_the_run_cold(country, cache_home):
    expected = lint_json("--no-cache", ".", cwd=country).out
    lint_json(".", cwd=country)
    for folder, _, names in os.walk(project_cache(cache_home, country)):
        for name in names:
            Path(folder, name).write_bytes(b"\x80\x04garbage")
    assert lint_json(".", cwd=country).out == expected
    assert lint_json(".", cwd=country).out == expected  # and the run wrote a good cache again


def test_a_cache_that_cannot_be_written_is_skipped(country, cache_home):
    project_cache(cache_home, country).write_text("not a folder", encoding="utf-8")
    run = lint_json(".", cwd=country)
    assert run.findings() == [("REF002", "exports/export.yaml", 6)] and run.err == ""


def test_entries_of_removed_files_are_dropped(country, cache_home):
    lint_json(".", cwd=country)
    assert len(entries(cache_home, country)) == 3  # the configuration is a YAML file too
    (country / "exports" / "export.yaml").unlink()
    lint_json("dpisp.yaml", cwd=country)  # a file given alone: the whole project is read too
    assert len(entries(cache_home, country)) == 2
    write(country, "exports/other.yaml", EXPORT)
    lint_json("exports", cwd=country)  # part of the project only: nothing is dropped
    assert len(entries(cache_home, country)) == 3


def test_parallel_loading_changes_nothing_but_the_time(country, monkeypatch):
    """Files whose documents certainly fit their schema are checked in the parent, in no time;
    worker processes check the others with cerberus, when there are enough of them to pay."""
    def exports(extra: str) -> None:
        for number in range(loading.PARALLEL_MIN_FILES + 10):
            write(country, f"exports/e{number:03d}.yaml", EXPORT.replace("id: e1", f"id: e{number:03d}")
                  .replace("recipient: sc", f"recipient: {'unhcr' if number % 3 else 'nobody'}")
                  .replace("    kind: DataExport\n", f"    kind: DataExport\n    {extra}\n" if extra else "    kind: DataExport\n"))

    pooled: list[int] = []
    real = loading._load_in_workers

    def recording(items, jobs):
        pooled.append(jobs)
        return real(items, jobs)

    monkeypatch.setattr(loading, "_load_in_workers", recording)
    exports("")
    one = lint_json("--no-cache", "--jobs", "1", ".", cwd=country)
    two = lint_json("--no-cache", "--jobs", "2", ".", cwd=country)
    assert pooled == [] and one.out == two.out and len(one.findings()) == 21  # every third export, and the first one
    exports("comments: none")  # an unknown key: cerberus says where, and suggests
    one = lint_json("--no-cache", "--jobs", "1", ".", cwd=country)
    assert pooled == []
    two = lint_json("--no-cache", "--jobs", "2", ".", cwd=country)
    assert pooled == [2]
    assert one.out == two.out and len(one.findings()) == 21 + loading.PARALLEL_MIN_FILES + 10
    lint_json("--jobs", "0", ".", cwd=country)  # 0: one process per core, and the results are cached
    assert lint_json("--no-cache", ".", cwd=country).out == one.out


def test_a_plain_lint_imports_only_what_it_uses(country):
    """Start-up is most of a pre-commit run: what a lint of valid documents does not use is not
    imported (cerberus only words the errors of documents that do not fit their schema)."""
    code = textwrap.dedent("""
        import json, sys
        from im4cm_lint.cli import main
        sys.argv = ["im4cm-lint", "--format", "json", "."]
        try:
            main()
        except SystemExit:
            pass
        sys.stderr.write(json.dumps(sorted(sys.modules)))
        """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=country, capture_output=True, text=True, timeout=60)
    modules = set(json.loads(proc.stderr))
    assert "im4cm_lint.engine" in modules and "im4cm_lint.reporters.json" in modules
    unwanted = {m for m in modules if m.split(".")[:2] in (["im4cm_lint", "explain"], ["im4cm_lint", "fix"],
                                                           ["im4cm_lint", "report"], ["im4cm_lint", "schema_export"])
                or m.startswith(("ruamel", "multiprocessing", "cerberus", "importlib.metadata", "tomllib"))
                or m in ("im4cm_lint.reporters.text", "im4cm_lint.reporters.sarif", "im4cm_lint.reporters.github")}
    assert unwanted == set()


def test_the_schemas_a_run_trusts_pass_cerberus_own_check():
    """Runs skip cerberus' check of the linter's own schemas (15 ms a process): here it runs."""
    from im4cm_lint import config, schemas

    for schema in [*schemas.SCHEMAS.values(), config.CONFIG_SCHEMA]:
        schemas._validator(schema, trusted=False)  # raises cerberus.SchemaError when a schema is wrong
    with pytest.raises(Exception, match="no-such-type"):
        schemas._validator({"field": {"type": "no-such-type"}}, trusted=False)


def test_a_run_answered_from_the_cache_never_reads_the_pack_s_body(country, monkeypatch):
    """Thousands of positioned values: read back only when a check needs them."""
    from im4cm_lint.cache import StoredPack

    monkeypatch.chdir(country)
    options = engine.Options(cache=True)
    first = engine.run(["."], options)
    again = engine.run(["."], options)
    assert isinstance(again.pack, StoredPack) and again.pack.ref == first.pack.ref
    assert again.pack._body.cache_info().currsize == 0 and again.diagnostics == first.diagnostics
    (country / "dpisp.yaml").write_text((country / "dpisp.yaml").read_text() + SC, encoding="utf-8")
    changed = engine.run(["."], options)  # the checks run: they read the sections from the cache
    assert changed.pack._sections.cache_info().currsize == 1 and changed.diagnostics == []
    assert changed.pack._body.cache_info().currsize == 0  # the translations: not in English


def test_a_run_in_a_language_the_pack_speaks_reads_its_translations_from_the_cache(country, monkeypatch):
    """The sections are stored without the translations; in French the pack's words are French,
    as they are from the pack's own files."""
    from im4cm_lint import i18n

    monkeypatch.chdir(country)
    options = engine.Options(cache=True)
    i18n.activate("fr")
    try:
        fresh = engine.run(["."], options).pack  # read from the pack's files, and stored
        (country / "dpisp.yaml").write_text((country / "dpisp.yaml").read_text() + SC, encoding="utf-8")
        stored = engine.run(["."], options).pack
        assert stored._sections.cache_info().currsize == 1 and stored._body.cache_info().currsize == 0
        ids = sorted(fresh.categories)
        words = [stored.text("categories", cid, "name") for cid in ids]
        assert stored._body.cache_info().currsize == 1
        assert words == [fresh.text("categories", cid, "name") for cid in ids]
        assert any(word != fresh.categories[cid]["name"] for word, cid in zip(words, ids))  # French, not English
        assert stored.translation("categories", ids[0], "name", language="de") is None
    finally:
        i18n.activate(i18n.ENGLISH)
