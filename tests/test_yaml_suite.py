"""Every input of the official YAML test suite (402 cases, 94 of them invalid YAML) goes through
the linter as found, wrapped in an im4cm header, and wrapped in a complete DPIA header (so that
the checks run on it too), each file alone and all together: every run ends with exit status 0
or 1, valid JSON and no traceback, the runs alone agree with the run together, and the cache
changes nothing.

The suite is vendored as tests/fixtures/yaml-test-suite.tar.gz (github.com/yaml/yaml-test-suite,
data branch at commit 6ad3d2c, MIT licence inside), so CI runs exactly what runs locally.
"""

from __future__ import annotations

import json
import signal
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import FIXTURES, lint_json

SUITE = FIXTURES / "yaml-test-suite.tar.gz"
HEADER = b"apiVersion: im4cm/v1\nkind: DPIA\n"
VARIANTS = ("found", "wrapped", "dpia")

# Invalid in the suite, but libyaml (the YAML reader im4cm-lint lints with) accepts them: tabs
# and comments in odd places, a directive after content, flow/quoted lines less indented. They
# are linted as the documents libyaml reads (and here fail on SCHEMA or REF findings).
LIBYAML_ACCEPTS = {"9C9N", "DK95-01", "MUS6-00", "MUS6-01", "QB6E", "RHX7", "S98Z", "SU5Z", "X4QW"}


def read_suite() -> dict[str, tuple[bytes, bool]]:
    """Case name (``ID`` or ``ID-NN``) -> (input bytes, whether the suite marks it invalid)."""
    inputs: dict[str, bytes] = {}
    invalid: set[str] = set()
    with tarfile.open(SUITE) as archive:
        for member in archive.getmembers():
            parts = member.name.split("/")[1:]
            if len(parts) < 2 or not member.isfile():
                continue
            case = "-".join(parts[:-1])
            if parts[-1] == "in.yaml":
                inputs[case] = archive.extractfile(member).read()
            elif parts[-1] == "error":
                invalid.add(case)
    return {case: (data, case in invalid) for case, data in sorted(inputs.items())}


def dpia_header(case: str) -> bytes:
    """A complete DPIA header: the input's keys then only add unknown keys, and checks run."""
    return HEADER + (f"metadata: {{id: case-{case.lower()}, dpisp: yaml-suite, version: 1.0.0, "
                     f"status: draft}}\n").encode()


@contextmanager
def deadline(seconds: float):
    """Fail instead of hanging (the engine gives this timer back after each check it times)."""
    def expired(signum, frame):
        raise TimeoutError(f"the runs took more than {seconds} s")

    if not hasattr(signal, "setitimer"):  # Windows: no timer signal, no guard
        yield
        return
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def suite() -> dict[str, tuple[bytes, bool]]:
    cases = read_suite()
    assert len(cases) == 402 and sum(bad for _, bad in cases.values()) == 94
    return cases


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, suite) -> Path:
    """found/, wrapped/ and dpia/: one file per case and variant (no .git, no configuration:
    a file given alone is linted alone)."""
    root = tmp_path_factory.mktemp("yaml-suite")
    for variant in VARIANTS:
        (root / variant).mkdir()
    for case, (data, _) in suite.items():
        (root / "found" / f"{case}.yaml").write_bytes(data)
        (root / "wrapped" / f"{case}.yaml").write_bytes(HEADER + data)
        (root / "dpia" / f"{case}.yaml").write_bytes(dpia_header(case) + data)
    return root


def by_path(payload: dict) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {}
    for d in payload["diagnostics"]:
        found.setdefault(d["path"], []).append((d["rule"], d["line"], d["column"], d["message"]))
    return found


@pytest.fixture(scope="module")
def alone(corpus, suite) -> dict[str, tuple[int, dict]]:
    """Each file alone, in-process, with the cache on (each file is new to it, so each is parsed)."""
    runs = {}
    with deadline(300):
        for variant in VARIANTS:
            for case in suite:
                shown = f"{variant}/{case}.yaml"
                run = lint_json(shown, cwd=corpus)
                assert run.err == "", (shown, run.err)
                runs[shown] = (run.code, run.json)
    return runs


@pytest.fixture(scope="module")
def together(corpus, alone) -> tuple:
    """All files in one run: warm (after the runs alone filled the cache), warm again (whole-run
    results reused), and cold."""
    with deadline(120):
        runs = [lint_json(".", cwd=corpus), lint_json(".", cwd=corpus), lint_json("--no-cache", ".", cwd=corpus)]
    for run in runs:
        assert run.err == ""
    return runs


def test_each_input_alone_ends_cleanly(alone, suite):
    assert len(alone) == 3 * len(suite)
    for shown, (code, payload) in alone.items():
        assert code in (0, 1), shown
        # a file alone in a folder without a repository is linted with the documents beside it
        # (issue 15), so the run may read more files; it reports on that file only (below)
        assert payload["version"] == 1 and payload["summary"]["files"] >= 1, shown
        assert {d["path"] for d in payload["diagnostics"]} <= {shown}, shown
        assert code == (1 if payload["summary"]["failed"] else 0), shown


def test_all_inputs_together_end_cleanly_and_agree_with_the_runs_alone(together, alone):
    warm, again, cold = together
    assert {run.code for run in together} == {1}
    assert cold.json["summary"]["files"] == len(alone)
    assert by_path(cold.json) == {path: findings for path, (_, payload) in alone.items()
                                  for path, findings in by_path(payload).items()}


def test_the_cache_changes_nothing(together):
    warm, again, cold = together
    assert warm.out == again.out == cold.out


def test_inputs_as_found_are_ignored(alone, suite):
    """No im4cm header: not an im4cm document, ignored silently (FORMAT.md section 1)."""
    assert {alone[f"found/{case}.yaml"][0] for case in suite} == {0}
    assert [d for case in suite for d in alone[f"found/{case}.yaml"][1]["diagnostics"]] == []
    assert all(alone[f"found/{case}.yaml"][1]["summary"]["documents"] == 0 for case in suite)


@pytest.mark.parametrize("variant", ["wrapped", "dpia"])
def test_invalid_yaml_is_a_parse_finding(alone, suite, variant):
    without_parse = {case for case, (_, bad) in suite.items() if bad
                     and not any(d["rule"].startswith("PARSE") for d in alone[f"{variant}/{case}.yaml"][1]["diagnostics"])}
    assert without_parse == LIBYAML_ACCEPTS
    for case in LIBYAML_ACCEPTS:  # linted all the same, as the documents libyaml reads
        code, payload = alone[f"{variant}/{case}.yaml"]
        assert code == 1 and payload["diagnostics"]


def test_the_checks_run_on_every_readable_input_without_failing(alone, suite):
    """With a complete DPIA header, inputs that read as a mapping are DPIAs with extra keys:
    checkable, so every check runs on them, and none fails (no PLUGIN finding)."""
    checked = 0
    for case in suite:
        payload = alone[f"dpia/{case}.yaml"][1]
        rules = {d["rule"] for d in payload["diagnostics"]}
        assert not any(rule.startswith("PLUGIN") for rule in rules), (case, rules)
        if payload["summary"]["documents"] and not any(rule.startswith("PARSE") for rule in rules):
            checked += 1
            assert "REF" in {rule[:3] for rule in rules}  # its DPISP 'yaml-suite' is nowhere
    assert checked >= 100  # the checks really ran on most of the suite
