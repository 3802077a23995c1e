"""``im4cm-lint init``: start a country repository from the current policy pack.

It writes a DPISP that already fits the schema, with every role the setting requires (holders
left as ``[INSERT ...]`` placeholders), every locked clause with the pack's exact text, every
adaptable clause with its template slots, an Annex C section when a UNHCR implementing partner is
declared, one example sharing rule and the export that relies on it, a DPIA skeleton, the
linter's configuration, a pre-commit hook and the JSON Schema that editors use while drafting.
What is left to do then shows up as findings about placeholders and missing people, never as
PARSE, SCHEMA or REF errors.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from im4cm_lint import __url__, __version__, schemas
from im4cm_lint.exitcodes import RC
from im4cm_lint.i18n import _, _n
from im4cm_lint.pack import Pack

from im4cm_lint_checks.domain.clauses import current_text
from im4cm_lint_checks.domain.parties import UNHCR, is_unhcr
from im4cm_lint_checks.domain.roles import required_roles, role_skeleton

SCHEMA_FILE = ".im4cm/schema.json"
HOOK_REPO = __url__

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+@/() -]*\Z")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def scalar(value: Any) -> str:
    """``value`` as a one-line YAML scalar that every YAML reader reads the same way."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text == text.strip() and text.lower() not in _YAML11_WORDS \
            and not re.match(r"[0-9.+-]+\Z", text):
        return text
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def flow_list(values: list) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def block(text: str, indent: int) -> str:
    """Multi-line text as a literal block scalar (``|``) whose content is indented by ``indent``,
    keeping the text exactly (chomping says how many line breaks end it)."""
    body = text.rstrip("\n")
    if not body or body[:1] in " \t" or not all(line.isprintable() for line in body.split("\n")):
        return json.dumps(text, ensure_ascii=False)
    breaks = len(text) - len(body)
    chomp = "-" if breaks == 0 else "" if breaks == 1 else "+"
    lines = [" " * indent + line if line.strip() else "" for line in body.split("\n")]
    return "|" + chomp + "\n" + "\n".join(lines) + "\n" * (breaks - 1 if breaks > 1 else 0)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "operation"


# Words that describe any operation and so do not tell one from another in a protocol id.
_GENERIC = {"the", "of", "for", "and", "in", "a", "an", "urban", "camp", "camps", "rural", "refugee", "refugees",
            "idp", "idps", "host", "community", "communities", "mixed", "response", "operation", "programme",
            "program", "emergency", "humanitarian", "protection", "child", "children", "case", "management"}


def short_id(country: str, operation: str) -> str:
    """The protocol id ``init`` proposes: the country code and the first word of the operation's name
    that is not generic (``jo-amman`` for JO, "Amman urban refugee response")."""
    words = slug(operation).split("-")
    word = next((w for w in words if w not in _GENERIC), None) or words[0]
    return f"{country.lower()}-{word}"


def split_spec(spec: str, default: str) -> tuple[str, str, bool]:
    """``ID[:TYPE]`` as given to ``--party`` or ``--implementing-partner``: the id, the type, and
    whether the type was given (when not, the draft asks the user to check it)."""
    party_id, _, kind = spec.partition(":")
    return party_id, kind or default, bool(kind)


@dataclass
class Party:
    id: str
    name: str
    type: str
    comment: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def entry(self) -> dict[str, Any]:
        """The party as the protocol lists it (what the domain functions read)."""
        return {"id": self.id, "type": self.type, **self.extra}


@dataclass
class Draft:
    """What the scaffold is made of, decided once and then written out file by file."""

    pack: Pack
    pack_ref: str
    country: str
    operation: str
    setting: str
    dpisp_id: str
    parties: list[Party]
    implementing_partners: list[str]

    @property
    def unhcr(self) -> Party | None:
        return next((p for p in self.parties if is_unhcr(p.entry())), None)

    @property
    def lead(self) -> Party:
        return self.parties[0]

    @property
    def partner(self) -> Party:
        """The agency that sends data in the examples: an implementing partner, else the second party."""
        for party in self.parties:
            if party.id in self.implementing_partners:
                return party
        return self.parties[1] if len(self.parties) > 1 else self.parties[0]


PARTNER_TYPE = "ingo"   # an implementing partner without a type: most UNHCR CP partners listed so far are INGOs


def make_parties(setting: str, party_ids: list[str], partners: list[str]) -> list[Party]:
    parties: list[Party] = []
    if setting in ("refugee", "mixed"):
        # In a mixed setting UNHCR still runs the Best Interests Procedure for refugee children.
        roles = ["coordinator", "service_provider"]
        parties.append(Party(UNHCR, "[INSERT UNHCR country office, e.g. UNHCR Ethiopia]", "un_agency",
                             _("leads refugee protection coordination; say in which capacities it takes part"),
                             {"unhcr_roles": roles}))
    else:
        parties.append(Party("lead-agency", "[INSERT lead agency, e.g. UNICEF]", "un_agency",
                             _("rename the id (e.g. unicef): the agency that leads the CP AoR or sub-cluster")))
    for spec in partners:
        party_id, kind, given = split_spec(spec, PARTNER_TYPE)
        extra = {"unhcr_partnership": "implementing_partner"} if is_unhcr(parties[0].entry()) else {}
        parties.append(Party(party_id, f"[INSERT full name of {party_id}]", kind,
                             _("UNHCR implementing partner") if given
                             else _("UNHCR implementing partner; set the type: ingo or lngo"), extra))
    for spec in party_ids:
        party_id, kind, given = split_spec(spec, "ingo")
        if party_id in {p.id for p in parties}:
            continue
        parties.append(Party(party_id, f"[INSERT full name of {party_id}]", kind,
                             "" if given else _("set the type: un_agency, ingo, lngo, authority or service_provider")))
    if len(parties) < 2:
        parties.append(Party("partner-1", "[INSERT name of a participating agency]", "ingo",
                             _("rename the id (e.g. sc for Save the Children) and add one entry per agency")))
    return parties


def emit(value: Any, indent: int) -> list[str]:
    """Plain data (mappings, lists, scalars) as block YAML lines indented by ``indent``."""
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, dict) and item or isinstance(item, list) and item and isinstance(item[0], dict):
                lines.append(f"{pad}{key}:")
                lines += emit(item, indent + 2)
            else:
                lines.append(f"{pad}{key}: {flow_list(item) if isinstance(item, list) else scalar(item)}")
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            sub = emit(item, indent + 2)
            lines += [pad + "- " + sub[0][indent + 2:], *sub[1:]]
        return lines
    return [pad + scalar(value)]


def dpisp_text(draft: Draft) -> str:
    pack = draft.pack
    out = [f"# yaml-language-server: $schema={SCHEMA_FILE}",
           "# " + _("Data Protection and Information Sharing Protocol for {operation} ({country}).",
                    operation=draft.operation, country=draft.country),
           *comment(_("Drafted from {pack} by im4cm-lint init. Replace every INSERT placeholder, name the\n"
                      "people in `roles`, and run `im4cm-lint --explain dpisp.yaml` for a section-by-section guide.",
                      pack=draft.pack_ref)),
           "apiVersion: " + schemas.API_VERSION,
           "kind: DPISP",
           "metadata:",
           f"  id: {scalar(draft.dpisp_id)}",
           f"  country: {scalar(draft.country)}",
           f"  operation: {scalar(draft.operation)}",
           f"  setting: {draft.setting}",
           f"  template: {scalar(draft.pack_ref)}",
           "  version: 0.1.0",
           "  status: draft                 # draft -> in_review -> signed -> in_force",
           "  # effective: YYYY-MM-DD       # " + _("add when every party has signed"),
           "  # review_by: YYYY-MM-DD       # " + _("at most a year after the protocol takes effect"),
           "",
           "# " + _("Every agency that shares or receives data under this protocol. Each one must sign it."),
           "parties:"]
    for party in draft.parties:
        out.append(f"  - id: {scalar(party.id)}" + (f"    # {party.comment}" if party.comment else ""))
        out.append(f"    name: {scalar(party.name)}")
        out.append(f"    type: {party.type}")
        for key, value in party.extra.items():
            out.append(f"    {key}: {flow_list(value) if isinstance(value, list) else scalar(value)}")
    parties = [p.entry() for p in draft.parties]
    now, later = required_roles(pack, draft.setting, parties)
    out += ["", "# " + _("Who does what. These roles are required in a {setting} setting; name people by position.",
                         setting=draft.setting),
            "# " + _("A role held in each agency has one entry per agency.")]
    if later:
        out.append("# " + _("Also required once a party runs the systems named (add `systems:` to the party):"))
        for role in later:
            out.append(f"#   {role['id']} ({pack.text('roles', role['id'], 'name')}): "
                       f"{', '.join(role.get('requires_systems') or [])}")
    out.append("roles:")
    for role in now:
        out.append(f"  {role['id']}:    # {pack.text('roles', role['id'], 'name')}")
        out += emit(role_skeleton(role, parties), 4)
    out += ["", "# " + _("The protocol's text, clause by clause, in the order of the standard."),
            "# " + _("LOCKED clauses are standard legal text: keep them word for word (`im4cm-lint --fix` restores them)."),
            "# " + _("ADAPTABLE clauses are templates: replace every INSERT placeholder with what holds in this operation."),
            "clauses:"]
    for clause in pack.clauses.values():
        text = current_text(pack, clause)
        owner_role = clause.get("owner_role") or ""
        state = _("LOCKED: keep word for word") if clause.get("locked") else _("ADAPTABLE: fill the placeholders")
        if owner_role in pack.roles:
            state = _("{state}; drafted by the {role}", state=state, role=pack.text("roles", owner_role, "name"))
        out.append(f"  # {pack.text('clauses', clause['id'], 'title') or clause['id']} ({state})")
        out.append(f"  - id: {scalar(clause['id'])}")
        out.append("    text: " + block(str(text), 6))
    out += ["", "# " + _("What may flow, from whom, to whom, for which purpose and on which basis (need-to-know)."),
            "sharing:"]
    out += sharing_lines(draft)
    if draft.implementing_partners:
        out += ["", "# " + _("UNHCR's data protection annex (Annex C): how each obligation is met by its implementing "
                             "partners."),
                "annex_c:", f"  applies_to: {flow_list(draft.implementing_partners)}"]
        for item in pack.annex_c.values():
            out.append(f"  {item['id']}:    # {pack.text('obligations', item['id'], 'title')}")
            out.append("    met: false")
            out.append(f"    reference: {scalar(annex_c_placeholder(item))}")
            parameter = item.get("parameter") or {}
            if parameter.get("field") and parameter.get("threshold"):
                limit = pack.threshold(parameter["threshold"])
                out.append(f"    # {parameter['field']}: " + _("the agreed value, at most {limit}", limit=limit))
            if parameter.get("role"):
                out.append("    # " + _("requires the role '{role}' to be assigned", role=parameter["role"]))
    out += ["", "# " + _("One entry per party once it has signed: who signed for it and when."),
            "signatures: []", ""]
    return "\n".join(out)


def comment(text: str, indent: str = "") -> list[str]:
    """A comment of several lines (a translation may have fewer or more), each line marked ``#``."""
    return [f"{indent}# {line}" for line in text.splitlines()]


def annex_c_placeholder(requirement) -> str:
    """The placeholder of an Annex C entry: it names the clauses that can meet the obligation, so
    the people drafting know what to write in ``clause:`` once they set ``met: true``."""
    able = " or ".join(requirement.get("met_by") or []) or "the clause that meets it"
    outside = ", or document: the article of the partnership agreement" if requirement.get("agreement") else ""
    return f"[INSERT how it is met, then set met: true and clause: {able}{outside}]"


def example_purpose(draft: Draft):
    """The pack's first case-level purpose meant for the example's recipient: one meant for that
    kind of recipient alone (UNHCR, or a party type) if there is one, else one it is among."""
    kind = UNHCR if draft.unhcr else _recipient(draft).type
    usable = [p for p in draft.pack.purposes.values() if p.get("individual_level") and p.get("need_to_know")]
    meant = [p for p in usable if kind in (p.get("recipients") or [])]
    alone = [p for p in meant if list(p.get("recipients") or []) == [kind]]
    return next(iter(alone or meant or usable), None)


def example_system(pack: Pack) -> str | None:
    """The first system of the pack whose fields it maps to categories: the example export's system."""
    return next((system_id for system_id in pack.systems if pack.field_map(system_id)), None)


def _recipient(draft: Draft) -> Party:
    return draft.unhcr or draft.lead


def sharing_lines(draft: Draft) -> list[str]:
    purpose = example_purpose(draft)
    if purpose is None:
        return ["  []"]
    sender, recipient = draft.partner, _recipient(draft)
    lines = ["  # " + _("EXAMPLE: adapt it to a real flow of data, or delete it (and exports/example.yaml)."),
             "  - id: example-referral",
             f"    from: {scalar(sender.id)}",
             f"    to: {scalar(recipient.id)}"]
    if recipient is draft.unhcr:
        lines.append("    unhcr_role: service_provider   # " + _("the capacity in which UNHCR receives the data"))
    lines += [f"    purpose: {scalar(purpose['id'])}    # {draft.pack.text('purposes', purpose['id'], 'name')}",
              f"    basis: {(purpose.get('bases') or ['consent'])[0]}",
              f"    categories: {flow_list(purpose.get('need_to_know') or [])}",
              f"    channel: {scalar('[INSERT how the data is sent, e.g. CPIMS+ referral]')}",
              "    onward_sharing: false"]
    return lines


def export_text(draft: Draft) -> str | None:
    purpose, system = example_purpose(draft), example_system(draft.pack)
    if purpose is None or system is None:
        return None
    fields = example_fields(draft.pack, system, purpose)
    lines = [f"# yaml-language-server: $schema=../{SCHEMA_FILE}",
             "# " + _("EXAMPLE: what one system sends under the example sharing rule of dpisp.yaml. Adapt or delete."),
             "apiVersion: " + schemas.API_VERSION,
             "kind: DataExport",
             "metadata:",
             "  id: example-referral-export",
             f"  dpisp: {scalar(draft.dpisp_id)}",
             f"system: {system}",
             f"owner: {scalar(draft.partner.id)}",
             f"recipient: {scalar(_recipient(draft).id)}",
             f"purpose: {scalar(purpose['id'])}",
             "sharing_rule: example-referral",
             "level: individual",
             "fields:"]
    lines += [f"  - {scalar(name)}" for name in fields] or ["  - case_id"]
    lines += ["transport:", "  encrypted: true", f"  method: {scalar('[INSERT transfer method]')}",
              "schedule: on_demand", ""]
    return "\n".join(lines)


def example_fields(pack: Pack, system: str, purpose) -> list[str]:
    """The purpose's consent fields, then one system field for each other category it needs, as
    the pack's field map names them."""
    field_map = pack.field_map(system) or {}
    chosen = [f for f in purpose.get("consent_fields") or [] if f in field_map]
    covered = {field_map[f] for f in chosen}
    for category in purpose.get("need_to_know") or []:
        name = next((f for f, c in field_map.items() if c == category), None)
        if name and category not in covered:
            chosen.append(name)
    return chosen


def dpia_text(draft: Draft) -> str:
    purpose = example_purpose(draft)
    owner = "dpia_owner" if "dpia_owner" in draft.pack.roles else None
    lines = [f"# yaml-language-server: $schema={SCHEMA_FILE}",
             "# " + _("Data Protection Impact Assessment of the case management covered by {dpisp}.",
                      dpisp=draft.dpisp_id),
             "apiVersion: " + schemas.API_VERSION,
             "kind: DPIA",
             "metadata:",
             f"  id: {scalar(draft.dpisp_id + '-dpia')}",
             f"  dpisp: {scalar(draft.dpisp_id)}",
             "  version: 0.1.0",
             "  status: draft               # draft -> in_review -> completed",
             "  # completed: YYYY-MM-DD",
             "  # review_by: YYYY-MM-DD",
             "processing:",
             "  - id: case-management",
             f"    description: {scalar('[INSERT what is processed, by whom, in which systems, and why]')}",
             f"    parties: {flow_list([p.id for p in draft.parties])}"]
    if purpose is not None:
        lines.append(f"    purposes: {flow_list([purpose['id']])}")
    lines += ["risks:",
              "  - id: r1",
              f"    description: {scalar('[INSERT a risk, e.g. re-identification of children from referral lists]')}",
              "    likelihood: medium         # " + _("assess: {values}", values="low | medium | high"),
              "    impact: high               # " + _("assess: {values}", values="low | medium | high | severe"),
              f"    mitigations: [{scalar('[INSERT what reduces the risk]')}]"]
    if owner:
        lines.append(f"    owner: {owner}              # " + _("the role that owns the risk"))
    lines += ["    residual: medium           # " + _("assess after the mitigations: {values}", values="low | medium | high"),
              "signoff: []", ""]
    return "\n".join(lines)


def config_text(pack_setting: str) -> str:
    return "\n".join([
        "# " + _("im4cm-lint configuration: `im4cm-lint --help`; every rule: `im4cm-lint rules`."),
        f"policy-pack: {scalar(pack_setting)}    # " + _("the standard this repository is checked against"),
        "# ignore: [LIFE]                          # " + _("rules or families to skip (say why in a comment)"),
        "",
    ])


def precommit_text() -> str:
    return "\n".join([
        "# " + _("Lint the protocol before every commit: `pip install pre-commit && pre-commit install`."),
        "repos:",
        f"  - repo: {HOOK_REPO}",
        f"    rev: v{__version__}",
        "    hooks:",
        "      - id: im4cm-lint",
        "",
    ])


def scaffold_files(draft: Draft, pack_setting: str) -> dict[str, str]:
    """Relative path -> content of every file ``init`` writes."""
    from im4cm_lint.schema_export import render

    files = {
        "dpisp.yaml": dpisp_text(draft),
        "dpia.yaml": dpia_text(draft),
        ".im4cm-lint.yaml": config_text(pack_setting),
        ".pre-commit-config.yaml": precommit_text(),
        SCHEMA_FILE: render(),
    }
    export = export_text(draft)
    if export:
        files["exports/example.yaml"] = export
    return dict(sorted(files.items()))


class InitError(click.ClickException):
    """``init`` cannot write the repository as asked: the CLI prints why and exits with status 2."""

    exit_code = RC.FATAL

    def show(self, file=None) -> None:
        click.echo(f"im4cm-lint init: {self.message}", err=True)


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--country", required=True, help="ISO 3166-1 alpha-2 code of the country, e.g. ET.")
@click.option("--operation", required=True, help="Name of the operation, e.g. 'Gambella refugee response'.")
@click.option("--setting", type=click.Choice(schemas.SETTINGS), default="refugee", show_default=True,
              help="Decides which roles are required.")
@click.option("--implementing-partner", "partners", multiple=True, metavar="ID[:TYPE]",
              help="A UNHCR implementing partner (party id, type ingo unless given, e.g. jrf:lngo); adds the "
                   "Annex C section. Repeatable.")
@click.option("--party", "party_ids", multiple=True, metavar="ID[:TYPE]",
              help="Another participating agency (type: un_agency, ingo, lngo, authority, service_provider). Repeatable.")
@click.option("--id", "dpisp_id", help="Id of the protocol [default: the country code and the operation's first "
                                       "distinctive word, e.g. jo-amman].")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder [default: the configured or built-in one].")
@click.option("--force", is_flag=True, help="Overwrite files that exist already.")
def init_command(directory, country, operation, setting, partners, party_ids, dpisp_id, policy_pack, force) -> None:
    """Start a country repository in DIRECTORY from the current policy pack: a draft DPISP, a DPIA
    skeleton, an example export, the linter's configuration and a pre-commit hook."""
    country = country.strip().upper()
    operation = " ".join(operation.split())  # one line: it is written into the header comment
    if not operation or not operation.isprintable():
        raise InitError("--operation must be a name on one line, without control characters")
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise InitError(f"--country must be a two-letter ISO code such as ET, not '{country}'")
    for party_id in [p.partition(":")[0] for p in (*partners, *party_ids)]:
        if not re.fullmatch(schemas.ID, party_id):
            raise InitError(f"'{party_id}' is not a valid party id: use lowercase letters, digits, '.', '_' or '-'")
    for spec in (*partners, *party_ids):
        kind = spec.partition(":")[2]
        if kind and kind not in schemas.PARTY_TYPES:
            raise InitError(f"party type '{kind}' is not one of: {', '.join(schemas.PARTY_TYPES)}")
    if partners and setting == "idp":
        raise InitError("--implementing-partner is for UNHCR partners, in refugee or mixed settings")
    if UNHCR in (p.partition(":")[0] for p in partners):
        raise InitError("UNHCR is not its own implementing partner: give the id of the partner agency")
    partners = tuple({p.partition(":")[0]: p for p in partners}.values())
    dpisp_id = dpisp_id or short_id(country, operation)
    if not re.fullmatch(schemas.ID, dpisp_id):
        raise InitError(f"--id '{dpisp_id}' is not a valid id: use lowercase letters, digits, '.', '_' or '-'")
    root = Path(directory)
    pack, pack_setting = resolve_for_init(policy_pack, root)
    draft = Draft(pack, pack.ref, country, operation, setting, dpisp_id,
                  make_parties(setting, list(party_ids), list(partners)), [p.partition(":")[0] for p in partners])
    files = scaffold_files(draft, pack_setting)
    existing = sorted(name for name in files if (root / name).exists())
    if existing and not force:
        raise InitError(f"{', '.join(existing)} already exist in {directory}; use --force to overwrite them")
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    click.echo(_("Created a {setting} repository for {operation} in {folder}, from {pack}:", setting=setting,
                 operation=operation, folder=directory, pack=pack.ref))
    for name in files:
        click.echo(f"  {name}")
    click.echo(left_to_do(root, files, pack))


def resolve_for_init(policy_pack: str | None, root: Path) -> tuple[Pack, str]:
    """The pack as a lint run would choose it, and how the new configuration should name it."""
    from im4cm_lint.pack import configured_pack, find_pack
    from im4cm_lint.plugins import load_registry

    start = next(folder for folder in (root.resolve(), *root.resolve().parents) if folder.exists())
    load, config = configured_pack(None, policy_pack, start)
    if config is None:
        raise InitError("the configuration cannot be used: " + load.diagnostics[0].message)
    if load.pack is None:
        raise InitError(load.diagnostics[0].message if load.diagnostics else "no policy pack")
    pack, base = load.pack, Path.cwd() if policy_pack else config.root
    registry = load_registry()
    if find_pack(pack.ref, registry.packs, base) is not None:
        return pack, pack.ref
    return pack, os.path.relpath(pack.folder.resolve(), root.resolve()).replace(os.sep, "/")


def left_to_do(root: Path, files: dict[str, str], pack: Pack) -> str:
    """What the people drafting still have to do, from the placeholders and the linter itself."""
    from im4cm_lint.engine import Options, run

    lines = ["", _("Left to fill:")]
    for name, content in files.items():
        if name.endswith(".yaml") and pack.placeholder is not None:
            count = len(pack.placeholder.findall(content))
            if count:
                lines.append(f"  {name}: " + _n("{n} [INSERT ...] placeholder", "{n} [INSERT ...] placeholders", count))
    old = os.getcwd()
    try:
        os.chdir(root)
        result = run(["."], Options())
    finally:
        os.chdir(old)
    families: dict[str, int] = {}
    for diag in result.diagnostics:
        families[diag.family] = families.get(diag.family, 0) + 1
    if families:
        counts = ", ".join(f"{n} {family}" for family, n in sorted(families.items()))
        lines.append("  " + _("the linter reports {count} things to complete ({families})",
                              count=sum(families.values()), families=counts))
    lines += ["", _("Next:"), f"  cd {root}",
              "  im4cm-lint --explain dpisp.yaml     " + _("a section-by-section guide to what is left"),
              "  im4cm-lint                          " + _("the findings, with what to do for each")]
    return "\n".join(lines)
