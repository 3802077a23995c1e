"""``im4cm-lint import FILE --from FORMAT``: DataExport documents written from a system's own
files (FORMAT.md 5.3), so that nobody types a field list by hand.

Fields come in the source's order (an OpenFn job's mapping, the questions of an XLSForm, the
fields of a Primero forms export or of the forms a Primero role reads); a field the pack cannot
map is written with a comment asking for its category. A comment names the source.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from im4cm_lint.exitcodes import RC
from im4cm_lint.explain import CannotRun
from im4cm_lint.i18n import _
from im4cm_lint.pack import configured_pack
from im4cm_lint.paths import repo_root
from im4cm_lint.schemas import SOURCE_FORMATS, SYSTEMS
from im4cm_lint.sources import SourceFiles

from im4cm_lint_checks.systems.facts import Facts, FormField
from im4cm_lint_checks.systems.readers import read

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.+-]*\Z")


def _scalar(value: str) -> str:
    """A YAML scalar: plain when safe, else JSON-quoted (valid YAML)."""
    import yaml

    if _PLAIN.match(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def export_text(fields: list[FormField], *, export_id: str, source: str, system: str, field_map: dict,
                header: dict[str, str | None]) -> str:
    """One DataExport document; ``header`` holds dpisp, owner, recipient, purpose (None: to fill)."""
    lines = [f"# Imported by `im4cm-lint import` from {source}.",
             "# Fields are in the source's order; review them, then fill what is marked.",
             "apiVersion: im4cm/v1", "kind: DataExport", "metadata:", f"  id: {_scalar(export_id)}"]
    lines.append(f"  dpisp: {_scalar(header['dpisp'])}" if header.get("dpisp") else "  dpisp:  # the DPISP's id")
    lines.append(f"system: {_scalar(system)}")
    for key, words in (("owner", "the party that sends"), ("recipient", "the party that receives"),
                       ("purpose", "the purpose id from the pack")):
        lines.append(f"{key}: {_scalar(header[key])}" if header.get(key) else f"{key}:  # {words}")
    lines += ["level: individual", "fields:"]
    for item in fields:
        name = _scalar(item.name)
        if item.name in field_map:
            lines.append(f"  - {name}")
        else:
            lines.append(f"  - {{name: {name}, category: }}  # not in the pack's field map for {system}: say its category")
    lines += ["transport:", "  encrypted: true  # check: is the channel encrypted?", ""]
    return "\n".join(lines)


def _export_id(name: str, fallback: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.") or fallback


def imported(facts: Facts, *, role: str | None, job: str | None) -> list[tuple[str, str, list[FormField]]]:
    """(export id, what in the source it comes from, fields) for each export the source yields."""
    if facts.format == "openfn-project":
        jobs = [j for j in facts.jobs if job is None or j.name == job]
        return [(_export_id(j.name, "job"), f"job {j.name}", j.sent or j.reads) for j in jobs]
    if facts.format == "primero-config":
        from im4cm_lint_checks.systems.context import readable_fields

        roles = [r for r in facts.roles if role is None or r.unique_id == role]
        return [(_export_id(r.unique_id, "role"), f"forms role {r.unique_id} reads",
                 list({f.name: f for f in readable_fields(facts, r)}.values())) for r in roles]
    return [(_export_id(Path(facts.path).stem, "form"), "its questions" if facts.format == "xlsform" else "its fields",
             facts.fields())]


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--from", "source_format", type=click.Choice(SOURCE_FORMATS), required=True,
              help="What FILE is (as a System document's source.format).")
@click.option("--system", "system", type=click.Choice(SYSTEMS),
              help="The system whose field names the export uses (DataExport.system) [default: kobo for an "
                   "XLSForm, else cpims+].")
@click.option("--role", help="primero-config: only the forms this role reads (default: one export per role).")
@click.option("--job", help="openfn-project: only this job (default: one export per job).")
@click.option("--dpisp", help="The DPISP the exports rely on.")
@click.option("--owner", help="The party that sends.")
@click.option("--recipient", help="The party that receives.")
@click.option("--purpose", help="The purpose id from the pack.")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder (for its field maps).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of standard output.")
def import_command(file, source_format, system, role, job, dpisp, owner, recipient, purpose, policy_pack, output):
    """Write DataExport documents from a system's own FILE: an OpenFn project.yaml (one per job), a
    Primero configuration bundle (the forms a role reads), Primero's forms export or an XLSForm."""
    path = Path(file)
    facts = read(SourceFiles(str(path), repo_root(path.resolve()) or path.resolve().parent), source_format, path.name)
    if facts.unreadable:
        raise CannotRun(f"im4cm-lint import: {facts.unreadable}\n")
    for problem in facts.problems:
        click.echo(f"im4cm-lint import: {problem.pos.path}:{problem.pos.line}:{problem.pos.column}: {problem.message}",
                   err=True)
    load, _config = configured_pack(None, policy_pack, start=path)
    if load.pack is None:
        raise CannotRun("".join(f"{d.path}:{d.line}:{d.column}: {d.rule} {d.severity} {d.message}\n"
                                for d in load.diagnostics))
    system = system or ("kobo" if source_format == "xlsform" else "cpims+")
    exports = imported(facts, role=role, job=job)
    if not exports:
        why = (_("{file} holds no such job to import", file=file) if job else
               _("{file} holds no such role to import", file=file) if role else
               _("{file} holds no field to import", file=file))
        raise CannotRun(f"im4cm-lint import: {why}\n")
    header = {"dpisp": dpisp, "owner": owner, "recipient": recipient, "purpose": purpose}
    texts = [export_text(fields, export_id=export_id, system=system, field_map=load.pack.field_map(system) or {},
                         header=header, source=f"{path.as_posix()} ({source_format}, {what})")
             for export_id, what, fields in exports]
    text = "---\n".join(texts)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if facts.problems:  # written, but parts of the source could not be read
        click.get_current_context().exit(RC.FINDINGS)
