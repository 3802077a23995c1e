"""Loading: every way a file can be bad is one PARSE finding at the right place, never a crash."""

from __future__ import annotations

from conftest import lint_json, run_process, write

HEADER = "apiVersion: im4cm/v1\nkind: DPIA\n"


def test_yaml_syntax_error_points_at_the_line(repo):
    write(repo, "dpia.yaml", HEADER + "metadata:\n  id: x\n   status: draft\n")
    run = lint_json(".", cwd=repo)
    assert run.code == 1
    assert run.findings() == [("PARSE001", "dpia.yaml", 5)]


def test_duplicate_key_names_both_lines(repo):
    write(repo, "d.yaml", HEADER + "metadata:\n  id: a\n  id: b\n")
    run = lint_json(".", cwd=repo)
    [diag] = [d for d in run.json["diagnostics"] if d["rule"] == "PARSE002"]
    assert (diag["line"], diag["column"]) == (5, 3)
    assert "first defined on line 4" in diag["message"]
    assert run.code == 1


def test_invalid_utf8_is_located(repo):
    (repo / "d.yaml").write_bytes(HEADER.encode() + b"metadata:\n  id: caf\xe9\n")
    run = lint_json(".", cwd=repo)
    assert [(d["rule"], d["line"], d["column"]) for d in run.json["diagnostics"]] == [("PARSE003", 4, 10)]


def test_utf16_file_is_reported_not_decoded(repo):
    (repo / "d.yaml").write_bytes((HEADER + "metadata: {id: x}\n").encode("utf-16"))
    run = lint_json(".", cwd=repo)
    assert run.findings() == [("PARSE003", "d.yaml", 1)]


def test_unsafe_tag_is_never_constructed(repo, tmp_path):
    marker = tmp_path / "pwned"
    write(repo, "d.yaml", HEADER + f"metadata: !!python/object/apply:os.system ['touch {marker}']\n")
    run = lint_json(".", cwd=repo)
    assert run.findings() == [("PARSE004", "d.yaml", 3)]
    assert not marker.exists()


def test_unknown_local_tag(repo):
    write(repo, "d.yaml", HEADER + "metadata: !secret {id: x}\n")
    assert lint_json(".", cwd=repo).findings() == [("PARSE004", "d.yaml", 3)]


def test_alias_bomb_is_capped(repo):
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    rows += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 9)]
    write(repo, "bomb.yaml", HEADER + "\n".join(rows) + "\n")
    run = lint_json(".", cwd=repo)
    assert run.rules() == {"PARSE005"}
    assert run.code == 1


def test_deep_nesting_is_refused(repo):
    write(repo, "deep.yaml", HEADER + "metadata: " + "[" * 5000 + "]" * 5000 + "\n")
    run = lint_json(".", cwd=repo)
    assert run.findings() == [("PARSE006", "deep.yaml", 3)]


def test_file_over_size_limit(repo):
    write(repo, "big.yaml", HEADER + "metadata: {id: x}\n# " + "x" * 3000 + "\n")
    run = lint_json("--max-file-size", "1000", ".", cwd=repo)
    assert run.findings() == [("PARSE007", "big.yaml", 1)]


def test_top_level_list_is_reported(repo):
    write(repo, "d.yaml", "- apiVersion: im4cm/v1\n  kind: DPIA\n")
    assert lint_json(".", cwd=repo).findings() == [("PARSE009", "d.yaml", 1)]


def test_merge_keys_are_refused(repo):
    write(repo, "d.yaml", HEADER + "base: &b {id: x}\nmetadata:\n  <<: *b\n")
    assert ("PARSE010", "d.yaml", 5) in lint_json(".", cwd=repo).findings()


def test_other_yaml_is_ignored_silently(repo):
    write(repo, "ci.yaml", "jobs: [unclosed\n")
    write(repo, "k8s.yaml", "apiVersion: apps/v1\nkind: Deployment\n")
    run = lint_json(".", cwd=repo)
    assert run.code == 0 and run.json["diagnostics"] == []
    assert run.json["summary"]["files"] == 2 and run.json["summary"]["documents"] == 0


def test_yaml_12_norway_is_a_country_not_false(repo):
    write(repo, "d.yaml", """
        apiVersion: im4cm/v1
        kind: DPISP
        metadata:
          id: no-oslo
          country: NO
          operation: test
          setting: refugee
          template: im4cm-standard@2024.1
          version: 1.0.0
          status: draft
        parties: [{id: a, name: A, type: ingo}]
        """)
    run = lint_json("--select", "SCHEMA", ".", cwd=repo)
    assert run.findings() == []


def test_unreadable_file_and_missing_path(repo):
    import os

    bad = write(repo, "locked.yaml", HEADER)
    os.chmod(bad, 0)
    try:
        run = lint_json(".", "missing-folder", cwd=repo)
    finally:
        os.chmod(bad, 0o644)
    rules = sorted(run.findings())
    assert ("PARSE008", "missing-folder", 1) in rules
    if os.geteuid() != 0:  # root reads any file
        assert ("PARSE008", "locked.yaml", 1) in rules


def test_multi_document_file_reports_each_document(repo):
    write(repo, "two.yaml", HEADER + "metadata: {id: a, dpisp: x, status: draft}\n---\n" + HEADER
          + "metadata: {id: b, dpisp: x, statu: draft}\n")
    run = lint_json("--select", "SCHEMA", ".", cwd=repo)
    assert run.findings() == [("SCHEMA002", "two.yaml", 7), ("SCHEMA001", "two.yaml", 7)]


def test_no_traceback_on_bad_input_in_a_real_process(repo):
    (repo / "d.yaml").write_bytes(HEADER.encode() + b"metadata: {id: \x00}\n")
    proc = run_process("--format", "json", ".", cwd=repo)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert '"PARSE003"' in proc.stdout
