"""Attacks, small ones: each a way for a pull request to crash, stall or mislead the gate.

A 4 KB hexadecimal integer crashed checks; 40 chained packs took quadratic time; ``baseline:
/dev/zero`` grew to gigabytes; ``check-timeout: 0`` let a backtracking pattern of an
in-repository pack run without bound; a waiver could expire on ``2024-W52-7`` or ``9999-12-31``;
a right-to-left override in a party name reordered the HTML report; ``init --operation`` with a
new line wrote outside the header comment; the report's scripts ran under ``'unsafe-inline'``.
(A FIFO in the cache: tests/attacks/test_attack_outside_writes.py.)
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, lint, lint_json, run_process, write
from im4cm_lint import pack as packs

HUGE = "0x" + "f" * 4096


@pytest.fixture
def gambella(repo: Path) -> Path:
    """A copy of the clean example operation."""
    for item in (EXAMPLES / "et-gambella").iterdir():
        target = repo / item.name
        if item.is_dir():
            import shutil

            shutil.copytree(item, target)
        else:
            target.write_bytes(item.read_bytes())
    return repo


def test_a_4_kb_integer_is_a_finding_not_a_crash(gambella):
    dpisp = gambella / "dpisp.yaml"
    text = dpisp.read_text(encoding="utf-8")
    assert "hours: 72" in text
    dpisp.write_text(text.replace("hours: 72", f"hours: {HUGE}"), encoding="utf-8")
    write(gambella, ".im4cm-lint.yaml", f"thresholds: {{min_cell_size: {HUGE}}}\n")
    run = lint_json(".", cwd=gambella)
    rules = {d["rule"] for d in run.json["diagnostics"]}
    assert "PLUGIN001" not in rules and run.code in (1, 2), rules
    assert rules & {"SCHEMA003", "CONFIG001"}


def test_forty_chained_packs_load_each_pack_once(repo, monkeypatch):
    for number in range(40):
        extends = f"../p{number - 1}" if number else "im4cm-standard"
        write(repo, f"p{number}/pack.yaml", f"""
            apiVersion: im4cm/v1
            kind: PolicyPack
            metadata: {{name: p{number}, version: '1', extends: {extends}}}
            """)
    write(repo, ".im4cm-lint.yaml", "policy-pack: ./p39\n")
    loads: list[Path] = []
    real = packs._load_pack_folder

    def counting(folder, *args):
        loads.append(folder)
        return real(folder, *args)

    monkeypatch.setattr(packs, "_load_pack_folder", counting)
    run = lint_json("--no-cache", ".", cwd=repo)
    assert run.code == 0, run.out
    assert len(loads) <= 2 * 41  # the configured chain once, the linted packs once (quadratic: 861)


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_baseline_that_never_ends_is_refused(repo, target):
    if target == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("FIFOs are a POSIX thing")
        os.mkfifo(repo / "baseline.json")
        target = "baseline.json"
    elif not os.path.exists(target):
        pytest.skip("no /dev/zero here")
    write(repo, ".im4cm-lint.yaml", f"baseline: {target}\n")
    write(repo, "dpia.yaml", "apiVersion: im4cm/v1\nkind: DPIA\nmetadata: {id: d, dpisp: p, version: 1.0.0, status: draft}\n")
    try:
        run = run_process("--no-cache", ".", cwd=repo, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("the baseline was read for ever")
    assert run.returncode == 2 and "not a regular file" in run.stdout


@pytest.mark.parametrize("timeout", ["0", "1e12"])
def test_the_configuration_cannot_lift_the_time_limit(repo, timeout):
    write(repo, ".im4cm-lint.yaml", f"check-timeout: {timeout}\n")
    run = lint(".", cwd=repo)
    assert run.code == 2 and "check-timeout" in run.out


def test_a_backtracking_pattern_of_an_in_repository_pack_is_stopped(tmp_path):
    target = tmp_path / "ke"
    assert lint("init", "--country", "KE", "--operation", "Kakuma", str(target)).code == 0
    (target / ".git").mkdir()
    write(target, "pack/pack.yaml", """
        apiVersion: im4cm/v1
        kind: PolicyPack
        metadata: {name: kenya, version: '1', extends: im4cm-standard}
        placeholder_pattern: '(a|aa)+$'
        """)
    config = (target / ".im4cm-lint.yaml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^policy-pack:.*$", "", config)
    write(target, ".im4cm-lint.yaml", config + "policy-pack: ./pack\ncheck-timeout: 1\n")
    dpisp = target / "dpisp.yaml"
    text = dpisp.read_text(encoding="utf-8")
    dpisp.write_text(re.sub(r"\[INSERT[^\]]*\]", "a" * 40 + "!", text), encoding="utf-8")
    try:
        run = run_process("--no-cache", "--format", "json", ".", cwd=target, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the pattern ran without bound")
    assert '"PLUGIN005"' in run.stdout


@pytest.mark.parametrize("expires, expected", [
    ("2024-W52-7", "CONFIG001"),
    ("9999-12-31", "CONFIG005"),
    ((datetime.date.today() + datetime.timedelta(days=400)).isoformat(), "CONFIG005"),
])
def test_a_waiver_lasts_until_the_next_review_at_most(repo, expires, expected):
    write(repo, ".im4cm-lint.yaml", f"""
        select: [PARSE, SCHEMA, REF, CONFIG]
        waivers:
          - {{rule: REF002, document: d, path: risks, reason: r, approved-by: A. Person, expires: '{expires}'}}
        """)
    run = lint_json(".", cwd=repo)
    assert expected in {d["rule"] for d in run.json["diagnostics"]} and run.code in (1, 2)


def test_a_right_to_left_override_in_a_party_name_cannot_reorder_the_report(gambella, tmp_path):
    dpisp = gambella / "dpisp.yaml"
    text = dpisp.read_text(encoding="utf-8")
    name = re.search(r"name: ([^,}\n]+)", text).group(1)
    dpisp.write_text(text.replace(name, name + "\u202e\u2066 reverted", 1), encoding="utf-8")
    page = tmp_path / "report.html"
    lint("report", "--html", str(page), ".", cwd=gambella)
    html = page.read_text(encoding="utf-8")
    assert "\u202e" not in html and "\u2066" not in html and "[U+202E]" in html
    assert "unicode-bidi: isolate" in html


def test_the_report_runs_only_its_own_script(gambella, tmp_path):
    page = tmp_path / "report.html"
    lint("report", "--html", str(page), ".", cwd=gambella)
    html = page.read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0] and len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp


@pytest.mark.parametrize("operation", ["Kakuma\nkind: Other", "Kakuma\r\n# x", "Kakuma\x1b[2J"])
def test_init_keeps_the_operation_on_its_line(tmp_path, operation):
    target = tmp_path / "ke"
    run = lint("init", "--country", "KE", "--operation", operation, str(target))
    if run.code == 0:
        text = (target / "dpisp.yaml").read_text(encoding="utf-8")
        assert "\nkind: Other" not in text and "\x1b" not in text
        assert lint_json(".", cwd=target).json["diagnostics"] is not None
    else:
        assert run.code == 2 and "one line" in run.err
