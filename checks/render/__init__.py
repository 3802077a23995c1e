"""``im4cm-lint render DPISP_FILE --format html|docx``: the protocol as the document the parties
sign, made from the repository so the signed text and the linted text cannot drift apart.

The protocol is loaded as the linter loads it (with the rest of its repository, so its DPIA is
found) and must fit the contract; lint findings do not stop it, since drafts are circulated too.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from im4cm_lint.exitcodes import RC
from im4cm_lint.i18n import _, _n
from im4cm_lint.model import DPISP
from im4cm_lint.pack import shown_path

FORMATS = ("html", "docx")


class Unusable(Exception):
    """Why a protocol cannot be rendered or a copy cannot be verified (exit status 2)."""


@dataclass
class Loaded:
    dpisp: DPISP
    result: object  # the lint run's RunResult: project, pack, findings


def _problems(result, path: str) -> str:
    lines = [f"  {d.path}:{d.line}:{d.column}: {d.rule} {d.message}" for d in result.diagnostics
             if d.severity == "error" and (d.path == path or d.family in ("CONFIG", "PLUGIN"))]
    return "\n".join(lines[:10] + (["  " + _("... and {count} more", count=len(lines) - 10)] if len(lines) > 10 else []))


def load(path: str | None, protocol_id: str | None = None, config_path: str | None = None,
         policy_pack: str | None = None) -> Loaded:
    """The DPISP in ``path`` (or, with no path, the one with ``protocol_id`` under the current
    folder), linted with its repository."""
    from im4cm_lint.engine import Options, run

    if path is not None and not Path(path).is_file():
        raise Unusable(_("{path}: no such file", path=path))
    result = run([path or "."], Options(config_path=config_path, policy_pack=policy_pack))
    if result.fatal or result.project is None:
        raise Unusable(_("the linter could not run as configured:") + "\n" + _problems(result, ""))
    if path is None:
        found = [d for d in result.project.documents if d.kind == "DPISP" and d.id == protocol_id]
        where = _("no protocol '{dpisp}' under the current folder; give its file", dpisp=protocol_id)
    else:
        shown = shown_path(path)
        found = [d for d in result.project.documents if d.kind == "DPISP" and d.path == shown]
        if protocol_id is not None and len(found) > 1:
            found = [d for d in found if d.id == protocol_id]
        where = _("{path} holds no DPISP document (kind: DPISP)", path=shown)
    if not found:
        raise Unusable(where)
    if len(found) > 1:
        raise Unusable(_("{path} holds {count} DPISP documents; keep one protocol per file", path=found[0].path,
                         count=len(found)))
    dpisp = found[0]
    if not dpisp.checkable:
        raise Unusable(_("{path}: the protocol does not fit the contract, so it cannot be rendered as signed; "
                         "fix these first ('im4cm-lint {path}'):", path=dpisp.path) + "\n" + _problems(result, dpisp.path))
    return Loaded(dpisp, result)


def _write(output: str, data: bytes) -> None:
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with open(output, "wb") as out:
        out.write(data)


@click.command("render")
@click.argument("dpisp_file", type=click.Path())
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="html", show_default=True,
              help="html: one printable page (print it to PDF from a browser); docx: a Word file.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write here ('-' for standard output) [default: PROTOCOL-ID.html or .docx in the current folder].")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True, help="Paper size.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .im4cm-lint.yaml or pyproject.toml found upward).")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder.")
def command(dpisp_file, output_format, output, paper, config_path, policy_pack) -> None:
    """Write the protocol in DPISP_FILE as the document the parties sign: cover, clauses (locked
    legal text marked), sharing annex, focal points, Annex C, DPIA summary and signature page.
    Every page carries the protocol id, version and the fingerprint 'im4cm-lint verify' checks.

    Exit status 0 when written, 2 when the protocol cannot be read or does not fit the contract.
    """
    from im4cm_lint_checks.render.model import build

    try:
        loaded = load(dpisp_file, config_path=config_path, policy_pack=policy_pack)
    except Unusable as why:
        click.echo(_("im4cm-lint render: {reason}", reason=why), err=True)
        sys.exit(RC.FATAL)
    result = loaded.result
    signable = build(loaded.dpisp, result.project, result.pack)
    if output_format == "docx":
        from im4cm_lint_checks.render.word import render_docx

        data = render_docx(signable, paper)
    else:
        from im4cm_lint_checks.render.html import render_html

        data = render_html(signable, paper).encode("utf-8")
    output = output or f"{signable.id}.{output_format}"
    try:
        _write(output, data)
    except OSError as err:
        click.echo(_("im4cm-lint render: cannot write {path}: {reason}", path=output, reason=err.strerror or err),
                   err=True)
        sys.exit(RC.FATAL)
    errors = sum(1 for d in result.diagnostics if d.severity == "error" and not d.suppression
                 and d.path == loaded.dpisp.path)
    lint_note = _n("; im4cm-lint reports {n} error in it", "; im4cm-lint reports {n} errors in it", errors) if errors else ""
    if output != "-":
        click.echo(_("Wrote {path}: protocol {dpisp} version {version}, {fingerprint}, {clauses}, {rules}{note}.",
                     path=output, dpisp=signable.id, version=signable.version, fingerprint=signable.fingerprint,
                     clauses=_n("{n} clause", "{n} clauses", len(signable.clauses)),
                     rules=_n("{n} sharing rule", "{n} sharing rules", len(signable.sharing)), note=lint_note), err=True)
