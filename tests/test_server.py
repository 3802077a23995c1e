"""The warm server (im4cm_lint/server.py): a command run through it prints, exits and reads its
folder as it would in its own process; only its user can reach it; it steps aside when the
installed code changes."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import REPO, run_process
from im4cm_lint import server

pytestmark = pytest.mark.skipif(not server.available(), reason="the server needs fork and descriptor passing")

DRAFT = "examples/ke-kakuma-draft"


def served_count(env: dict) -> int:
    status = run_process("server", "status", env={**env, "IM4CM_LINT_SERVER": "off"})
    found = re.search(r"has run (\d+) command", status.stdout)
    assert status.returncode == 0 and found, status.stdout + status.stderr
    return int(found.group(1))


@pytest.fixture
def runtime():
    """A runtime folder of this test (short: a socket's path is limited to about 100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="i4s-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def served(runtime: Path):
    """The environment of commands that go through a running server."""
    env = {**os.environ, "IM4CM_LINT_RUNTIME_DIR": str(runtime / "rt"), "IM4CM_LINT_SERVER": "on"}
    started = run_process("server", "start", env=env)
    assert started.returncode == 0, started.stderr
    assert "The server is running" in started.stdout
    yield env
    run_process("server", "stop", env=env)


CASES = [
    [DRAFT],
    ["--format", "json", DRAFT],
    ["--format", "sarif", DRAFT],
    ["--lang", "ar", DRAFT],
    ["--format", "github", DRAFT],
    ["--explain", "SHARE001"],
    ["--no-such-option"],
    ["examples/et-gambella"],
]


def test_commands_run_through_the_server_as_in_their_own_process(served: dict, tmp_path: Path):
    before = served_count(served)
    for args in CASES:
        through = run_process(*args, env=served)
        alone = run_process(*args, env={**served, "IM4CM_LINT_SERVER": "off"})
        assert (through.returncode, through.stdout, through.stderr) == (alone.returncode, alone.stdout, alone.stderr), args
    assert [run_process(*args, env=served).returncode for args in CASES] == [1, 1, 1, 1, 1, 0, 2, 0]
    assert served_count(served) == before + 2 * len(CASES)  # every command ran in the server


def _socket_name(env: dict) -> str:
    """The socket the console script uses with ``env`` (same Python, same installation)."""
    saved = os.environ.get("IM4CM_LINT_RUNTIME_DIR")
    os.environ["IM4CM_LINT_RUNTIME_DIR"] = env["IM4CM_LINT_RUNTIME_DIR"]
    try:
        return server.socket_path()
    finally:
        os.environ.pop("IM4CM_LINT_RUNTIME_DIR") if saved is None else os.environ.__setitem__(
            "IM4CM_LINT_RUNTIME_DIR", saved)


def test_the_day_is_the_commands(served: dict):
    """A time zone 26 hours from the other: 'today', and so the days a draft has waited, differ."""
    runs = {zone: run_process(DRAFT, env={**served, "TZ": zone}) for zone in ("AAA-14", "BBB+12")}
    alone = {zone: run_process(DRAFT, env={**served, "TZ": zone, "IM4CM_LINT_SERVER": "off"}) for zone in runs}
    assert {zone: run.stdout for zone, run in runs.items()} == {zone: run.stdout for zone, run in alone.items()}
    assert runs["AAA-14"].stdout != runs["BBB+12"].stdout


def test_a_refused_request_keeps_nothing_of_the_command(served: dict):
    """An environment too large to send: the command runs in its own process, and the server
    does not keep its output open (a reader of the pipe would wait for ever)."""
    big = {**served, **{f"IM4CM_LINT_PADDING_{n}": "x" * 120_000 for n in range(10)}}  # 1.2 MB, no variable over 128 KB
    before = served_count(served)
    assert run_process("--version", env=big, timeout=30).returncode == 0
    assert run_process("--version", env=served, timeout=30).returncode == 0
    assert served_count(served) == before + 1


def test_many_commands_in_a_row(served: dict):
    """Quick commands one after the other: each fork ends as a fork (it never acts as the server
    it came from, e.g. by removing the socket as its run ends), and the server goes on."""
    before = served_count(served)
    for _ in range(60):
        assert run_process("--version", env=served).returncode == 0
    assert served_count(served) == before + 60


def test_one_server_at_a_time(served: dict):
    again = run_process("server", "run", env=served, timeout=30)
    assert again.returncode == 0 and again.stdout == "The server is already running.\n"


def test_a_run_reads_the_folder_and_environment_of_its_command(served: dict, tmp_path: Path):
    (tmp_path / ".git").mkdir()
    shutil.copytree(REPO / DRAFT, tmp_path / "draft")
    through = run_process("--format", "json", "draft", cwd=tmp_path, env={**served, "LANGUAGE": "fr"})
    alone = run_process("--format", "json", "draft", cwd=tmp_path,
                        env={**served, "LANGUAGE": "fr", "IM4CM_LINT_SERVER": "off"})
    assert through.returncode == 1 and through.stdout == alone.stdout
    assert '"path": "draft/dpisp.yaml"' in through.stdout
    written = run_process("init", "--country", "KE", "--operation", "Kakuma", "new", cwd=tmp_path, env=served)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "new" / "dpisp.yaml").is_file()  # written in the command's folder, not the server's


def test_stop_and_status(served: dict):
    assert "The server is running (process" in run_process("server", "status", env=served).stdout
    stopped = run_process("server", "stop", env=served)
    assert stopped.returncode == 0 and stopped.stdout == "The server stopped.\n"
    status = run_process("server", "status", env=served)
    assert status.returncode == 1 and status.stdout == "No server is running.\n"
    assert [p.name for p in Path(served["IM4CM_LINT_RUNTIME_DIR"]).iterdir()] == [
        Path(_socket_name(served)).name + ".lock"]  # the socket went with it; the lock stays for the next
    assert run_process(DRAFT, env=served).returncode == 1  # commands run in their own process again


def test_a_change_of_the_installed_code_stops_the_server(served: dict):
    """An upgrade (here: a module's file touched) means a fork would run old code: the server
    declines the command, which runs in its own process, and stops."""
    module = Path(server.__file__).with_name("exitcodes.py")
    stamp = module.stat()
    try:
        os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
        alone = run_process(DRAFT, env={**served, "IM4CM_LINT_SERVER": "off"})
        through = run_process(DRAFT, env=served)
        assert (through.returncode, through.stdout, through.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    finally:
        os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert run_process("server", "status", env=served).returncode == 1


def test_a_folder_others_may_write_is_not_used(runtime: Path):
    folder = runtime / "rt"
    folder.mkdir()
    folder.chmod(0o777)
    env = {**os.environ, "IM4CM_LINT_RUNTIME_DIR": str(folder), "IM4CM_LINT_SERVER": "on"}
    started = run_process("server", "start", env=env)
    assert started.returncode == 2
    assert "must be a folder of yours that no one else may write" in started.stderr
    assert not list(folder.iterdir())
    assert run_process(DRAFT, env=env).returncode == 1  # the command itself runs, in its own process


def test_something_else_at_the_socket_is_not_a_server(runtime: Path, monkeypatch):
    """A file or a link planted where the socket would be: the command runs in its own process."""
    folder = runtime / "rt"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("IM4CM_LINT_RUNTIME_DIR", str(folder))
    planted = folder / "planted"
    planted.write_text("not a socket")
    os.symlink(planted, server.socket_path())  # the path the console script computes, with the same Python
    env = {**os.environ, "IM4CM_LINT_SERVER": "on"}
    alone = run_process(DRAFT, env={**env, "IM4CM_LINT_SERVER": "off"})
    through = run_process(DRAFT, env=env)
    assert (through.returncode, through.stdout, through.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    assert planted.read_text() == "not a socket"


def test_auto_starts_the_server_for_the_next_commands(runtime: Path):
    env = {**os.environ, "IM4CM_LINT_RUNTIME_DIR": str(runtime / "rt"), "IM4CM_LINT_SERVER": "auto"}
    (runtime / "rt").mkdir(mode=0o700)
    try:
        assert run_process(DRAFT, env=env).returncode == 1
        for _ in range(200):
            if run_process("server", "status", env={**env, "IM4CM_LINT_SERVER": "off"}).returncode == 0:
                break
        assert served_count(env) == 0
        assert run_process(DRAFT, env=env).returncode == 1
        assert served_count(env) == 1
    finally:
        run_process("server", "stop", env=env)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_stops_the_run_in_the_server(served: dict, tmp_path: Path):
    import signal
    import subprocess
    import sys
    import time

    sys.path.insert(0, str(REPO / "bench"))
    from corpus import generate, template

    generate(tmp_path / "big", 600, template()[1])
    pid = int(re.search(r"process (\d+)", run_process("server", "status", env={**served, "IM4CM_LINT_SERVER": "off"})
                        .stdout).group(1))
    client = subprocess.Popen([shutil.which("im4cm-lint"), "--no-cache", "--jobs", "1", "."], cwd=tmp_path / "big",
                              env=served, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not _children(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _children(pid), "the run did not start in the server"
    client.send_signal(signal.SIGINT)
    assert client.wait(timeout=30) == 130
    assert client.stderr.read() == "im4cm-lint: interrupted\n"
    while _children(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _children(pid) == []  # the fork stopped with its command
