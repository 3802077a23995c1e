"""Attack: a pull request makes the linter print GitHub workflow commands into the CI log.

GitHub's runner obeys a line that starts with ``::`` once leading whitespace is trimmed, and
``##[name]`` anywhere in a line (actions/runner ``src/Runner.Common/ActionCommand.cs``
``TryParseV2``/``TryParse`` at commit 079cdb1d05fe0ec50f8c51de5a4fa51d0eb189b0; the manager tries
the second when the first fails). A file name, a key, a value and a configuration value are placed
so that each would start or form a command, and carry a terminal escape. No output format, the
exit status 2 path of a broken configuration included, may print a workflow command other than
the linter's own annotations, whose properties cannot end early.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import lint, write

CI = {"GITHUB_ACTIONS": "true"}
EVIL_NAME = "::warning file=x::evil ##[error]x.yaml"
EVIL_DOCUMENT = """
    apiVersion: im4cm/v1
    kind: DataExport
    metadata:
      id: e1
      dpisp: "##[add-mask]nope"
    "##[group]k": 1
    "a\\n::error::pwned": 2
    "\\e[31mred\\x9b2J": 3
    "\\u2028::notice::sep": 4
    system: cpims+
    """
# The linter's own annotation: its command, then properties whose values hold no ':' (escaped
# %3A), so the first '::' after the command ends them, as the runner reads it.
OWN_ANNOTATION = re.compile(r"::(error|warning|notice) file=[^:]*,line=\d+,col=\d+,title=[^:]*::")
FORMATS = ["text", "json", "github", "sarif", "markdown"]


def assert_carries_no_command(out: str) -> None:
    assert "\x1b" not in out and "\x9b" not in out and "\r" not in out and "\u2028" not in out
    for line in out.split("\n"):
        assert "##[" not in line, line
        stripped = line.lstrip()
        if stripped.startswith("::"):
            assert OWN_ANNOTATION.match(stripped), line


@pytest.fixture
def hostile(repo: Path) -> Path:
    write(repo, ".im4cm-lint.yaml", "select: [PARSE, SCHEMA, REF, CONFIG]\n")
    write(repo, EVIL_NAME, EVIL_DOCUMENT)
    return repo


@pytest.mark.parametrize("output_format", FORMATS)
def test_document_values_and_file_names_form_no_command(hostile, output_format):
    run = lint("--format", output_format, ".", cwd=hostile, env=CI)
    assert run.code == 1
    assert "SCHEMA001" in run.out  # the findings are there
    assert "pwned" not in run.out  # and the keys are shown by position (contract 5.5)
    assert_carries_no_command(run.out + run.err)


def test_the_json_output_decodes_to_the_real_values(hostile):
    """Neutralising changes the bytes in the log, never the data a tool reads."""
    run = lint("--format", "json", ".", cwd=hostile, env=CI)
    paths = {d["path"] for d in run.json["diagnostics"]}
    assert paths == {EVIL_NAME}
    assert "add-mask" not in " ".join(d["message"] for d in run.json["diagnostics"])  # shown by position


def test_the_annotation_of_a_hostile_file_name_keeps_its_properties(hostile):
    run = lint("--format", "github", ".", cwd=hostile, env=CI)
    first = run.out.splitlines()[0]
    assert first.startswith("::error file=%3A%3Awarning file=x%3A%3Aevil ##\\[error]x.yaml,line=1,col=1,title=SCHEMA002 ")


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("config", [
    'select: ["##[error]x", "a\\n::error::pwned", "\\e[2J"]\npolicy-pack: "::error::x"\n',
    'select: [PARSE\n  bad: "##[error]x\n',
    '"\\n::error::key ##[group]x": 1\n',
])
def test_the_configuration_error_path_escapes_too(repo, output_format, config):
    write(repo, ".im4cm-lint.yaml", config)
    run = lint("--format", output_format, ".", cwd=repo, env=CI)
    assert run.code == 2
    assert_carries_no_command(run.out + run.err)


def test_outside_actions_the_text_is_left_as_it_is(hostile):
    run = lint(".", cwd=hostile)
    assert f"{EVIL_NAME}:1:1: SCHEMA002" in run.out and "\x1b" not in run.out


def test_fix_notes_and_diffs_form_no_command(tmp_path):
    target = tmp_path / "ke"
    assert lint("init", "--country", "KE", "--operation", "Kakuma", str(target)).code == 0
    dpisp = target / "dpisp.yaml"
    text = dpisp.read_text(encoding="utf-8")
    edited = text.replace("compatible with them. No participant uses it", "compatible with them. A participant may use it")
    assert edited != text
    evil = target / "::error file=x::fix ##[group].yaml"
    evil.write_text(edited.replace("ke-kakuma", "ke-kakuma-2") + "# ::warning::in the diff ##[error]x\n", encoding="utf-8")
    dpisp.unlink()
    run = lint("--fix", "--diff", ".", cwd=target, env=CI)
    assert run.code == 1 and "would fix" in run.err
    assert_carries_no_command(run.out + run.err)


def test_the_walkthrough_forms_no_command(tmp_path):
    target = tmp_path / "ke"
    assert lint("init", "--country", "KE", "--operation", "Kakuma", str(target)).code == 0
    with (target / "dpisp.yaml").open("a", encoding="utf-8") as handle:
        handle.write('"::error::walk ##[group]x\\u001b[2J": 1\n')
    run = lint("--explain", "dpisp.yaml", cwd=target, env=CI)
    assert "SCHEMA001" in run.out and "walk" not in run.out  # the key is shown by position
    assert_carries_no_command(run.out + run.err)
