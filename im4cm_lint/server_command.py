"""``im4cm-lint server start|stop|status|run``: the warm process of :mod:`im4cm_lint.server`."""

from __future__ import annotations

import datetime
import sys
import time

import click

from im4cm_lint import server
from im4cm_lint.exitcodes import RC
from im4cm_lint.i18n import _, _n


def _unavailable() -> None:
    if not server.available():
        click.echo("im4cm-lint: " + _("the server needs a Unix-like system (Linux, macOS); commands run in their own "
                                      "process here"), err=True)
        sys.exit(RC.FATAL)


def _prepared() -> None:
    folder = server.runtime_folder()
    try:
        server.prepare_folder(folder)
    except (OSError, server.Unsafe):
        click.echo("im4cm-lint: " + _("cannot use {folder} for the server's socket: it must be a folder of yours "
                                      "that no one else may write (set IM4CM_LINT_RUNTIME_DIR to another)",
                                      folder=folder), err=True)
        sys.exit(RC.FATAL)


_idle_minutes = click.option("--idle-minutes", type=click.IntRange(1, 24 * 60), default=server.IDLE_MINUTES,
                             show_default=True, help="Stop after this many minutes without a command.")


@click.group("server")
def server_command() -> None:
    """Keep a warm im4cm-lint running, so that each command (a pre-commit run above all) starts at
    once. While it runs, every im4cm-lint command of this installation runs through it; set
    IM4CM_LINT_SERVER=off to run one without it, or IM4CM_LINT_SERVER=auto to start it with the
    first command."""


@server_command.command("start")
@_idle_minutes
def start(idle_minutes: int) -> None:
    """Start the server in the background."""
    _unavailable()
    _prepared()
    if server.request("status"):
        click.echo(_("The server is already running."))
        return
    server.spawn(idle_minutes)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.request("status"):
            click.echo(_n("The server is running; it stops after {n} minute without a command "
                          "('im4cm-lint server stop' stops it now).",
                          "The server is running; it stops after {n} minutes without a command "
                          "('im4cm-lint server stop' stops it now).", idle_minutes))
            return
        time.sleep(0.05)
    click.echo("im4cm-lint: " + _("the server did not start within 30 s; run 'im4cm-lint server run' to see why"),
               err=True)
    sys.exit(RC.FATAL)


@server_command.command("stop")
def stop() -> None:
    """Stop the server."""
    _unavailable()
    if server.request("stop"):
        server.wait_stopped(server.socket_path())
        click.echo(_("The server stopped."))
    else:
        click.echo(_("No server is running."))


@server_command.command("status")
def status() -> None:
    """Say whether the server runs, since when, and how many commands it ran; exit 1 when it does not run."""
    _unavailable()
    answer = (server.request("status") or "").split()
    if len(answer) != 5 or answer[0] != "running":
        click.echo(_("No server is running."))
        sys.exit(RC.FINDINGS)
    pid, started, served, idle = answer[1], int(answer[2]), int(answer[3]), int(answer[4])
    since = datetime.datetime.fromtimestamp(started).strftime("%Y-%m-%d %H:%M:%S")
    click.echo(_n("The server is running (process {pid}, since {since}) and has run {n} command; it stops after "
                  "{idle} minutes without one.",
                  "The server is running (process {pid}, since {since}) and has run {n} commands; it stops after "
                  "{idle} minutes without one.", served, pid=pid, since=since, idle=idle))


@server_command.command("run")
@_idle_minutes
def run(idle_minutes: int) -> None:
    """Run the server in the foreground (what 'start' runs in the background)."""
    _unavailable()
    _prepared()
    try:
        server.serve(server.socket_path(), idle_minutes)
    except server.AlreadyRunning:
        click.echo(_("The server is already running."))
    except OSError as err:
        click.echo("im4cm-lint: " + _("the server cannot listen: {error}", error=err.strerror or str(err)), err=True)
        sys.exit(RC.FATAL)
