"""A warm im4cm-lint for pre-commit: ``im4cm-lint server start`` keeps one process of this
installation running with the linter and its plugins imported, and each ``im4cm-lint`` command
then runs in a fork of it instead of starting Python and importing everything again (most of a
one-file run's time; see bench/README.md). The fork is the run: it takes the command's arguments,
folder, environment, umask and its standard input, output and error themselves (passed over the
socket), so what it prints, where and how is what the command would print; its exit status is
the command's.

What the fork starts from is only the installed code: the server imports the linter's modules
and the installed plugins, never reads a repository, and is started in ``/`` without the current
folder on ``sys.path`` (``-P``). Each run is a fresh fork, so nothing one run sees reaches the
next. Only the user who started it can reach it: the socket lives in a folder of theirs that no
one else may write (``$IM4CM_LINT_RUNTIME_DIR``, else ``$XDG_RUNTIME_DIR/im4cm-lint``, else
``/tmp/im4cm-lint-UID``), and on Linux the server also checks the caller's user id. When the
installed code changes (an upgrade, a plugin installed), the server declines the run and stops;
the command then runs in its own process. It stops by itself after a time without runs.

The client side (:func:`main`, the console script) imports only what it needs to talk to the
server, so that a run through it starts as fast as Python can.
"""

from __future__ import annotations

import os
import socket
import sys

from im4cm_lint.exitcodes import RC

PROTOCOL = "im4cm-lint-server 1"
IDLE_MINUTES = 30  # the server stops after this long without a run
_MAX_REQUEST = 1 << 20  # arguments and environment of one command, at most


def installation() -> str:
    """What a server must share with a client to run its commands: the same Python and
    environment (a virtualenv's own), the same copy of the linter and the same module path (a
    server serves one installation)."""
    return "\n".join((os.path.realpath(sys.executable), sys.prefix, os.path.dirname(os.path.abspath(__file__)),
                      os.environ.get("PYTHONPATH", "")))


def runtime_folder() -> str:
    """Where the sockets live: a folder of this user that no one else may write."""
    chosen = os.environ.get("IM4CM_LINT_RUNTIME_DIR")
    if chosen:
        return chosen
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return os.path.join(runtime, "im4cm-lint")
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", f"im4cm-lint-{os.getuid()}")


def socket_path() -> str:
    """The socket of this installation's server (the name is short: socket paths are limited)."""
    import zlib

    return os.path.join(runtime_folder(), f"s-{zlib.crc32(installation().encode()):08x}")


def available() -> bool:
    """Whether this system can pass a command's input and output to another process."""
    return os.name == "posix" and hasattr(socket, "send_fds") and hasattr(os, "fork")


class Unsafe(Exception):
    """The runtime folder or the socket could be another user's: not used."""


def _check_folder(folder: str) -> None:
    import stat

    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise Unsafe(folder)


# ---------------------------------------------------------------------------- client


def main() -> None:
    """The console script: the command runs in this installation's server when one is running
    (and ``IM4CM_LINT_SERVER`` is not ``off``), else in this process."""
    mode = os.environ.get("IM4CM_LINT_SERVER", "").lower()
    if mode != "off" and available() and "server" not in sys.argv[1:]:  # (the server's own commands run here)
        path = socket_path()
        code = _through_server(path)
        if code is not None:
            sys.exit(code)
        if mode == "auto":
            _start_in_background()
    from im4cm_lint.cli import main as in_this_process

    in_this_process()


def _through_server(path: str) -> int | None:
    """Run this command in the server at ``path``: its exit status, or None when no server of
    this installation takes it (none runs, it declined, or the folder is not safe)."""
    if None in (sys.stdin, sys.stdout, sys.stderr):
        return None
    try:
        _check_folder(os.path.dirname(path))
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    except (OSError, Unsafe):
        return None
    try:
        try:
            conn.connect(path)
            mask = os.umask(0o22)
            os.umask(mask)
            streams = (sys.stdin, sys.stdout, sys.stderr)
            fields = [PROTOCOL, "run", installation(), os.getcwd(), str(mask),
                      *(f"{s.encoding}\t{s.errors}" for s in streams), str(len(sys.argv)), *sys.argv,
                      *(f"{k}={v}" for k, v in os.environ.items())]
            conn.settimeout(10)  # a server that does not answer (stopped, stuck) is passed by
            _send(conn, fields, [0, 1, 2])
            replies = conn.makefile("rb")
            if replies.readline() != b"run\n":
                return None  # declined (another installation, or the code changed): run here
            conn.settimeout(None)
        except OSError:
            return None
        line = replies.readline()
        if line.startswith(b"exit ") and line[5:].strip().isdigit():
            return int(line[5:])
        from im4cm_lint.i18n import _

        sys.stderr.write("im4cm-lint: " + _("the server stopped during the run; run the command again, or stop "
                                            "the server with 'im4cm-lint server stop'") + "\n")
        return RC.FATAL
    except KeyboardInterrupt:  # closing the connection stops the run in the server
        from im4cm_lint.i18n import _

        sys.stderr.write("im4cm-lint: " + _("interrupted") + "\n")
        return RC.INTERRUPTED
    finally:
        conn.close()


def _send(conn: socket.socket, fields: list[str], fds: list[int]) -> None:
    payload = "\0".join(fields).encode("utf-8", "surrogateescape")
    message = len(payload).to_bytes(8, "big") + payload
    sent = socket.send_fds(conn, [message[:65536]], fds)
    if sent < len(message):  # (sending nothing to a server that already answered would fail)
        conn.sendall(message[sent:])


def request(kind: str) -> str | None:
    """Ask this installation's server for ``status`` or ``stop``: its answer, or None when none runs."""
    path = socket_path()
    try:
        _check_folder(os.path.dirname(path))
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(10)
            conn.connect(path)
            _send(conn, [PROTOCOL, kind, installation()], [])
            return conn.makefile("rb").readline().decode("utf-8", "replace").strip() or None
    except (OSError, Unsafe):
        return None


def _start_in_background() -> None:
    """Start the server for the next commands (``IM4CM_LINT_SERVER=auto``); this one does not wait."""
    try:
        spawn()
    except OSError:
        pass  # the command still runs, in this process


def spawn(idle_minutes: int = IDLE_MINUTES) -> None:
    """Start this installation's server, detached: ``im4cm-lint server run`` in a session of its
    own, in ``/``, with ``-P`` (the folder it starts in is never on the module path)."""
    import subprocess

    subprocess.Popen([sys.executable, "-P", "-m", "im4cm_lint", "server", "run", "--idle-minutes", str(idle_minutes)],
                     cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


# ---------------------------------------------------------------------------- server


def prepare_folder(folder: str) -> None:
    """Create the runtime folder for this user only; Unsafe if it exists and others may write it."""
    try:
        os.makedirs(folder, mode=0o700, exist_ok=False)
    except FileExistsError:
        pass
    _check_folder(folder)


def _warm() -> None:
    """Import what a run imports, so that a fork has it: the CLI, the engine, the reporters, the
    installed plugins. Nothing is read from any repository."""
    import im4cm_lint.cli  # noqa: F401
    import im4cm_lint.engine  # noqa: F401
    import im4cm_lint.loading  # noqa: F401
    import im4cm_lint.reporters.json  # noqa: F401
    import im4cm_lint.reporters.text  # noqa: F401
    from im4cm_lint.plugins import load_registry

    load_registry()


def _module_files() -> set[str]:
    """The files of the modules loaded (once warm: what a fork runs without reading it again)."""
    return {f for f in (getattr(m, "__file__", None) for m in list(sys.modules.values())) if isinstance(f, str)}


def _code_stamp(modules: set[str]) -> list[tuple[str, int, int]]:
    """The files of ``modules`` and of the installed distributions: when they change, forks of
    this process would run code that is no longer the installation's. (The modules the server's
    own loop imports later change nothing a fork runs.)"""
    stamp = []
    files = modules | {os.path.join(folder, name) for folder in sys.path if os.path.isdir(folder or ".")
                       for name in os.listdir(folder or ".") if name.endswith((".dist-info", ".egg-info", ".pth"))}
    for name in sorted(files):
        try:
            info = os.stat(name)
        except OSError:
            info = None
        stamp.append((name, info.st_mtime_ns if info else 0, info.st_size if info else -1))
    return stamp


class AlreadyRunning(Exception):
    """Another server of this installation holds the socket."""


def _only_server(path: str) -> int:
    """The lock that makes this process the one server of ``path`` (held until it exits);
    AlreadyRunning when another holds it (two commands that start one at once)."""
    import fcntl

    fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise AlreadyRunning(path) from None
    return fd


def wait_stopped(path: str, seconds: float = 10) -> None:
    """Return once no server holds ``path`` (a ``start`` right after a ``stop`` then finds none)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.close(_only_server(path))
            return
        except AlreadyRunning:
            time.sleep(0.02)


def _same_user(conn: socket.socket) -> bool:
    """On Linux the kernel says who connected; elsewhere the folder's permissions decide."""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    import struct

    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                          struct.calcsize("3i")))
    return uid == os.getuid()


def _receive(conn: socket.socket) -> tuple[list[str], list[int]]:
    """One request: its fields and the descriptors passed with it."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 65536, 3)
    try:
        if len(data) < 8:
            raise ValueError("a request too short")
        size = int.from_bytes(data[:8], "big")
        if size > _MAX_REQUEST:
            raise ValueError("a request too long")
        data = data[8:]
        while len(data) < size:
            more = conn.recv(min(65536, size - len(data)))
            if not more:
                raise ValueError("a request cut short")
            data += more
        fields = data.decode("utf-8", "surrogateescape").split("\0")
        if fields[0] != PROTOCOL or len(fields) < 3:
            raise ValueError("not a request of this protocol")
    except BaseException:  # the caller's streams are not kept open by a request refused
        for fd in fds:
            os.close(fd)
        raise
    return fields, fds


def serve(path: str, idle_minutes: int = IDLE_MINUTES) -> None:
    """Answer commands on ``path`` until ``stop``, ``idle_minutes`` without a run, or a change of
    the installed code. Runs in the foreground (``im4cm-lint server start`` detaches it)."""
    import gc
    import selectors
    import signal
    import time

    gc.enable()  # the server lives on: its collector runs (each fork, one command, turns it off again)
    lock = _only_server(path)
    _warm()
    modules = _module_files()
    stamp, started, served = _code_stamp(modules), time.time(), 0
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)  # the socket is the user's alone from the start
    try:
        if os.path.lexists(path):
            os.unlink(path)  # a socket left by a server that did not stop cleanly
        listener.bind(path)
    finally:
        os.umask(old_mask)
    listener.listen(16)
    children: set[int] = set()
    last = time.monotonic()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    try:
        while not stop:
            for pid in list(children):
                if os.waitpid(pid, os.WNOHANG)[0]:
                    children.discard(pid)
            if not selector.select(timeout=1.0):
                if not children and time.monotonic() - last > idle_minutes * 60:
                    break
                continue
            conn, _addr = listener.accept()
            fds: list[int] = []
            try:
                conn.settimeout(10)
                if not _same_user(conn):
                    continue
                fields, fds = _receive(conn)
                kind, theirs = fields[1], fields[2]
                if theirs != installation():
                    conn.sendall(b"other installation\n")
                elif kind == "status":
                    conn.sendall(f"running {os.getpid()} {int(started)} {served} {idle_minutes}\n".encode())
                elif kind == "stop":
                    conn.sendall(b"stopping\n")
                    break
                elif kind == "run" and len(fds) == 3:
                    if _code_stamp(modules) != stamp:
                        conn.sendall(b"code changed\n")
                        break
                    pid = os.fork()
                    if pid == 0:
                        _run_forked(conn, listener, fields, fds)  # never returns
                    children.add(pid)
                    served += 1
                    last = time.monotonic()
            except (OSError, ValueError):
                pass  # a caller that went away or spoke nonsense; the server goes on
            finally:
                for fd in fds:
                    os.close(fd)
                conn.close()
    finally:
        selector.close()
        listener.close()
        try:
            os.unlink(path)
        except OSError:
            pass
        os.close(lock)


def _run_forked(conn: socket.socket, listener: socket.socket, fields: list[str], fds: list[int]) -> None:
    """The command, in this fork, as it would run in its own process; ends the fork. Whatever is
    raised, an interruption that comes as the run ends included, the fork never returns to the
    server's loop (it would stop as a server: its socket is the server's)."""
    try:
        _run_command(conn, listener, fields, fds)
    finally:
        os._exit(0)


def _run_command(conn: socket.socket, listener: socket.socket, fields: list[str], fds: list[int]) -> None:
    import signal
    import threading
    import time

    code = RC.FATAL
    finished = threading.Event()
    try:
        listener.close()
        for number in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        cwd, mask, given, out, err, count = fields[3], int(fields[4]), fields[5], fields[6], fields[7], int(fields[8])
        argv, environ = fields[9:9 + count], fields[9 + count:]
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        fds.clear()
        os.environ.clear()
        os.environ.update(item.split("=", 1) for item in environ if "=" in item)
        time.tzset()  # the command's TZ: "today" is the command's day
        sys.stdin = open(0, encoding=given.split("\t")[0], errors=given.split("\t")[1], closefd=False)
        sys.stdout, sys.stderr = (
            open(fd, "w", buffering=1 if os.isatty(fd) else -1, encoding=spec.split("\t")[0],
                 errors=spec.split("\t")[1], closefd=False)
            for fd, spec in ((1, out), (2, err)))
        sys.argv = argv
        os.umask(mask)
        os.chdir(cwd)
        conn.settimeout(None)
        conn.sendall(b"run\n")
        threading.Thread(target=_stop_when_gone, args=(conn, finished), daemon=True).start()
        code = _exit_status()
    except BaseException:  # noqa: BLE001 - whatever happens, the client learns the status
        code = RC.FATAL
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interruption that comes now is not the run's
        finished.set()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            conn.sendall(f"exit {code}\n".encode())
        except OSError:
            pass


def _stop_when_gone(conn: socket.socket, finished) -> None:
    """The command was interrupted (its process closed the connection before the run finished):
    the run is interrupted as Ctrl-C interrupts it in its own process, so what it was writing is
    cleaned up (``--fix`` removes its temporary files), silently; a run that does not stop is ended."""
    import _thread
    import time

    try:
        conn.recv(1)
    except OSError:
        pass
    if finished.is_set():
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    _thread.interrupt_main()
    time.sleep(5)
    os._exit(RC.INTERRUPTED)


def _exit_status() -> int:
    from im4cm_lint.cli import main as in_this_process

    try:
        in_this_process()
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)
        return 1
    return 0
