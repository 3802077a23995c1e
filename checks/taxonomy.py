"""``im4cm-lint taxonomy``: the crosswalk from the pack's data categories to system fields.

Caseworkers and IM officers think in fields ("name_first", "givenname"); sharing rules and the
need-to-know checks think in categories ("identity.name"). This command shows, for the pack the
configuration selects, which Primero/CPIMS+ and proGres v4 fields fall in each category, with the
category's sensitivity, so people can write sharing rules and read SHARE findings.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap

import click

from im4cm_lint.explain import CannotRun
from im4cm_lint.i18n import _, _n
from im4cm_lint.pack import Pack, configured_pack

GAP = "  "
DEFAULT_WIDTH = 100  # when not writing to a terminal, so piped output never depends on the window


def crosswalk(pack: Pack) -> list[dict]:
    """One entry per category, in the pack's order, with the fields of each field map (sorted).
    An option of a lookup field that carries a category of its own is listed as
    ``field[option]`` under that category."""
    maps = pack.section("field_maps") or {}
    placed: dict[str, dict[str, list[str]]] = {name: {} for name in maps}
    for name, mapping in maps.items():
        for field, target in (mapping or {}).items():
            if isinstance(target, dict):
                placed[name].setdefault(target.get("category"), []).append(field)
                for option, option_target in (target.get("values") or {}).items():
                    placed[name].setdefault(option_target, []).append(f"{field}[{option}]")
            else:
                placed[name].setdefault(target, []).append(field)
    return [{"id": category_id,
             "sensitivity": category.get("sensitivity"),
             "description": " ".join(pack.text("categories", category_id, "description").split()),
             "fields": {name: sorted(placed[name].get(category_id, [])) for name in maps}}
            for category_id, category in pack.categories.items()]


def render_table(pack: Pack, entries: list[dict], width: int) -> str:
    """One block per category: its id and sensitivity, then one line group per field map with the
    fields wrapped in the last column (a long field name may overrun it, never misalign it)."""
    map_names = list(pack.section("field_maps") or {})
    headings = _("CATEGORY"), _("SENSITIVITY"), _("SYSTEM"), _("FIELDS")
    id_width = max([len(headings[0]), *(len(e["id"]) for e in entries)])
    level_width = max([len(headings[1]), *(len(str(e["sensitivity"])) for e in entries)])
    system_width = max([len(headings[2]), *(len(name) for name in map_names)])
    field_width = max(width - id_width - level_width - system_width - 3 * len(GAP), 30)
    lines = [_n("Data categories of {pack} and the system fields in each ({n} categories; field maps: {maps})",
                "Data categories of {pack} and the system fields in each ({n} categories; field maps: {maps})",
                len(entries), pack=pack.ref, maps=", ".join(map_names) or _("none")), ""]

    def row(category: str, level: str, system: str, fields: str) -> None:
        lines.append(GAP.join([category.ljust(id_width), level.ljust(level_width), system.ljust(system_width),
                               fields]).rstrip())

    row(*headings)
    row("-" * id_width, "-" * level_width, "-" * system_width, "-" * field_width)
    for entry in entries:
        first = True
        for name in map_names or [""]:
            wrapped = textwrap.wrap(", ".join(entry["fields"].get(name, [])), field_width, break_long_words=False,
                                    break_on_hyphens=False) or ["-"]
            for number, text in enumerate(wrapped):
                row(entry["id"] if first else "", str(entry["sensitivity"]) if first else "",
                    name if number == 0 else "", text)
                first = False
    return "\n".join(lines) + "\n"


def pack_or_exit(config_path: str | None, policy_pack: str | None) -> Pack:
    """The pack of a browsing command; its problems end the command with exit status 2."""
    load, _ = configured_pack(config_path, policy_pack)
    if load.pack is None:
        problems = [d for d in load.diagnostics if d.severity == "error"] or load.diagnostics
        raise CannotRun("".join(f"{d.path}:{d.line}:{d.column}: {d.rule} {d.severity} {d.message}\n"
                                for d in problems))
    return load.pack


@click.command("taxonomy")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="A readable table, or JSON for other tools.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .im4cm-lint.yaml or pyproject.toml found upward).")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder.")
def taxonomy_command(output_format: str, config_path: str | None, policy_pack: str | None) -> None:
    """Which Primero/CPIMS+ and proGres v4 fields fall in each data category of the policy pack."""
    pack = pack_or_exit(config_path, policy_pack)
    entries = crosswalk(pack)
    if output_format == "json":
        click.echo(json.dumps({"categories": entries}, indent=2, ensure_ascii=False))
        return
    width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns if sys.stdout.isatty() else DEFAULT_WIDTH
    click.echo(render_table(pack, entries, max(width, 80)), nl=False)
