"""Attack: a pull request hides a bad document where the linter does not look, and passes.

Before issue 12 each variant below was skipped without a word and the run exited 0: an empty
``pyvenv.cfg`` beside the protocol, a folder under ``node_modules/``, a ``.YAML`` suffix, the
document saved as ``.json``, the key ``apiversion:`` or the value ``IM4CM/v1``, a linked folder,
a file over the size limit whose header comes after its first 64 KiB, UTF-16 without a
byte-order mark, and ``exclude: ["*"]``. The hidden document is a DPIA with a schema error, so
that a linted copy is caught too: every variant must yield a finding and a non-zero exit.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import lint, lint_json, write

# A DPIA without the required 'dpisp' and 'status': SCHEMA002 when it is read.
BAD = "apiVersion: im4cm/v1\nkind: DPIA\nmetadata: {id: hidden-dpia}\n"
CONFIG = "select: [PARSE, SCHEMA, CONFIG]\n"


@pytest.fixture
def country(repo: Path) -> Path:
    write(repo, ".im4cm-lint.yaml", CONFIG)
    return repo


def findings(run) -> list[tuple[str, str, int]]:
    return run.findings()


def plant(root: Path, name: str, data: bytes | str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_an_empty_pyvenv_cfg_does_not_hide_a_folder(country):
    plant(country, "protocols/pyvenv.cfg", "")
    plant(country, "protocols/dpia.yaml", BAD)
    run = lint_json(".", cwd=country)
    assert ("SCHEMA002", "protocols/dpia.yaml", 3) in findings(run) and run.code == 1


def test_a_real_virtualenv_is_skipped_but_a_document_in_it_is_reported(country):
    plant(country, "env/pyvenv.cfg", "home = /usr/bin\n")
    plant(country, "env/bin/python", "")
    plant(country, "env/dpia.yaml", BAD)
    run = lint_json(".", cwd=country)
    assert findings(run) == [("PARSE012", "env/dpia.yaml", 1)] and run.code == 1


@pytest.mark.parametrize("folder", ["node_modules/pkg", ".tox/py311", "__pycache__", ".pytest_cache/v"])
def test_a_document_in_a_skipped_folder_is_reported(country, folder):
    plant(country, f"{folder}/dpia.yaml", BAD)
    run = lint_json(".", cwd=country)
    assert findings(run) == [("PARSE012", f"{folder}/dpia.yaml", 1)] and run.code == 1
    assert "folder the linter skips" in run.json["diagnostics"][0]["message"]


@pytest.mark.parametrize("name", ["dpia.YAML", "dpia.Yml", "dpia.yML"])
def test_a_yaml_suffix_in_any_case_is_linted(country, name):
    plant(country, name, BAD)
    run = lint_json(".", cwd=country)
    assert ("SCHEMA002", name, 3) in findings(run) and run.code == 1


@pytest.mark.parametrize("text", [
    '{"apiVersion": "im4cm/v1", "kind": "DPIA", "metadata": {"id": "hidden-dpia"}}\n',
    '{\n  "kind": "DPIA",\n  "apiVersion": "IM4CM/v1"\n}\n',
])
def test_a_document_saved_as_json_is_reported(country, text):
    plant(country, "dpia.json", text)
    plant(country, "package.json", '{"name": "not-a-document", "version": "1.0.0"}\n')
    run = lint_json(".", cwd=country)
    assert findings(run) == [("PARSE012", "dpia.json", 1)] and run.code == 1


@pytest.mark.parametrize("header, line, column", [
    ("apiversion: im4cm/v1", 1, 1),
    ("apiVersion: IM4CM/v1", 1, 1),
    ("APIVERSION: 'Im4cm/v1'", 1, 1),
    ("api_version: im4cm/v1", 1, 1),
    ("apiVersion: im4cm-v1", 1, 1),
])
def test_a_misspelt_header_is_reported(country, header, line, column):
    plant(country, "dpia.yaml", BAD.replace("apiVersion: im4cm/v1", header))
    run = lint_json(".", cwd=country)
    assert findings(run) == [("SCHEMA010", "dpia.yaml", line)] and run.code == 1
    assert run.json["diagnostics"][0]["column"] == column


def test_a_misspelt_header_beside_a_good_document_is_reported(country):
    good = "apiVersion: im4cm/v1\nkind: DPIA\nmetadata: {id: a, dpisp: b, status: draft}\n"
    plant(country, "dpia.yaml", good + "---\n" + BAD.replace("apiVersion", "apiversion"))
    run = lint_json("--select", "SCHEMA010", ".", cwd=country)
    assert findings(run) == [("SCHEMA010", "dpia.yaml", 5)] and run.code == 1


def test_a_linked_folder_is_reported(country, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")
    plant(outside, "dpia.yaml", BAD)
    (country / "protocols").symlink_to(outside, target_is_directory=True)
    run = lint_json(".", cwd=country)
    assert findings(run) == [("PARSE008", "protocols", 1)] and run.code == 1


def test_a_link_to_a_folder_inside_is_not_a_finding_and_its_documents_are_linted_once(country):
    plant(country, "protocols/dpia.yaml", BAD)
    (country / "current").symlink_to("protocols", target_is_directory=True)
    run = lint_json(".", cwd=country)
    assert {(r, p) for r, p, _ in findings(run)} == {("SCHEMA002", "protocols/dpia.yaml")}


def test_a_linked_file_that_leaves_the_repository_is_reported_not_read(country, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")
    plant(outside, "dpia.yaml", BAD)
    (country / "dpia.yaml").symlink_to(outside / "dpia.yaml")
    (country / "hosts.yaml").symlink_to("/etc/hostname")
    (country / "gone.yaml").symlink_to(outside / "no-such-file.yaml")
    run = lint_json(".", cwd=country)
    assert findings(run) == [("PARSE008", "dpia.yaml", 1), ("PARSE008", "gone.yaml", 1), ("PARSE008", "hosts.yaml", 1)]
    assert run.code == 1  # and the outside document's SCHEMA002 is absent: it was not read


def test_a_linked_file_inside_is_linted_once_where_it_is(country):
    plant(country, "protocols/dpia.yaml", BAD)
    (country / "dpia.yaml").symlink_to(Path("protocols") / "dpia.yaml")
    run = lint_json(".", cwd=country)
    assert {(r, p) for r, p, _ in findings(run)} == {("SCHEMA002", "protocols/dpia.yaml")}
    given = lint_json("dpia.yaml", cwd=country)  # as pre-commit passes it
    assert {(r, p) for r, p, _ in findings(given)} == {("SCHEMA002", "protocols/dpia.yaml")}
    assert "dpia.yaml (a link to protocols/dpia.yaml, linted there)" in lint(".", cwd=country).out


def test_a_large_file_with_its_header_after_64_kib_is_reported(country):
    padding = "# padding\n" * 7_000  # 70 KB of comments first
    plant(country, "big.yaml", padding + BAD)
    run = lint_json("--max-file-size", "65536", ".", cwd=country)
    assert findings(run) == [("PARSE007", "big.yaml", 1)] and run.code == 1
    plant(country, "big.yaml", padding + "other: yaml\n")  # no im4cm in it: other YAML, ignored
    assert lint_json("--max-file-size", "65536", ".", cwd=country).findings() == []


@pytest.mark.parametrize("codec, name", [("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE"), ("utf-32-le", "UTF-32LE")])
def test_utf16_without_a_byte_order_mark_is_reported(country, codec, name):
    plant(country, "dpia.yaml", BAD.encode(codec))
    run = lint_json(".", cwd=country)
    assert findings(run) == [("PARSE003", "dpia.yaml", 1)] and run.code == 1
    assert name in run.json["diagnostics"][0]["message"]


def test_exclude_that_leaves_nothing_to_lint_stops_the_run(country):
    plant(country, "dpia.yaml", BAD)
    write(country, ".im4cm-lint.yaml", CONFIG + 'exclude: ["*"]\n')
    run = lint(".", cwd=country)
    assert run.code == 2
    assert "exclude" in run.out and "nothing" in run.out


def test_skipped_folders_are_named_in_the_summary(country, tmp_path_factory):
    plant(country, "node_modules/pkg/index.js", "")
    plant(country, "dpia.yaml", BAD)
    run = lint(".", cwd=country)
    assert "Skipped: node_modules (node_modules)" in run.out


def test_nothing_outside_is_read_through_a_fifo(country):
    if not hasattr(os, "mkfifo"):
        pytest.skip("FIFOs are a POSIX thing")
    os.mkfifo(country / "dpia.yaml")
    os.mkfifo(country / "dpia.json")
    (country / "node_modules").mkdir()
    os.mkfifo(country / "node_modules" / "x.yaml")
    run = lint_json(".", cwd=country)  # returns: nothing blocks on a FIFO
    assert ("PARSE008", "dpia.yaml", 1) in findings(run)


@pytest.mark.parametrize("plant_config", [
    lambda path: os.mkfifo(path),
    lambda path: path.mkdir(),
    lambda path: path.symlink_to(path.parent / "nowhere.yaml"),
], ids=["fifo", "folder", "dangling-link"])
def test_a_configuration_that_cannot_be_read_stops_the_run(country, plant_config):
    """Whatever stands at .im4cm-lint.yaml is the configuration: one that cannot be read must not
    let the run go on with the defaults, as if nothing were configured."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("FIFOs are a POSIX thing")
    config = country / ".im4cm-lint.yaml"
    if config.exists() or config.is_symlink():
        config.unlink()
    plant_config(config)
    run = lint_json(".", cwd=country)
    assert run.code == 2
    assert [(rule, path) for rule, path, _ in findings(run)] == [("CONFIG001", ".im4cm-lint.yaml")]


@pytest.mark.parametrize("exclude", ['["*"]', '["protocols/"]', '["*/"]', '["**"]'])
def test_an_exclude_that_takes_out_every_folder_stops_the_run(repo, exclude):
    plant(repo, "protocols/dpia.yaml", BAD)
    write(repo, ".im4cm-lint.yaml", f"select: [PARSE, SCHEMA]\nexclude: {exclude}\n")
    (repo / ".im4cm-lint.yaml").rename(repo / "protocols" / ".im4cm-lint.yaml")  # no YAML file at the top
    run = lint(".", "--config", "protocols/.im4cm-lint.yaml", cwd=repo)
    assert run.code == 2 and "leaves nothing to lint" in run.out
