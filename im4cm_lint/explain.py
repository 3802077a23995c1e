"""Teaching texts: every rule's page (``--explain RULE``, ``rules``, SARIF help, docs/rules.md) and
the drafting walkthrough of a document (``--explain PATH``).

A rule's page comes from its docstring (see :mod:`im4cm_lint.rules`), plus what this module adds
the same way for every rule: whether ``--fix`` can repair it and how to suppress it with a reason.
One source feeds the terminal, Markdown and JSON, so the docs cannot drift from the code.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import click

from im4cm_lint.diagnostics import SEVERITY_RANK, Diagnostic
from im4cm_lint.rule import FAMILIES, Rule, explanation_sections
from im4cm_lint.decide.common import NOT_SUPPRESSIBLE
from im4cm_lint.yamltree import parse_yaml_path

SECTIONS = ("What it checks", "Why it matters", "Example", "How to fix")
REGENERATE_DOCS = "im4cm-lint rules --format markdown > docs/rules.md"

def fix_text(rule: Rule) -> str:
    if rule.fixable:
        return ("`im4cm-lint --fix` repairs this safely: it changes only the node the finding points at and "
                "keeps comments and layout. Preview the change first with `im4cm-lint --fix --diff`.")
    return "No automatic fix: what to write here is a decision for the people responsible for the document."


def suppression_text(rule: Rule) -> str:
    """How to suppress the rule with a reason (Markdown), the same wording for every rule."""
    family = rule.family
    if family in NOT_SUPPRESSIBLE:
        return (f"This finding cannot be suppressed inline: {NOT_SUPPRESSIBLE[family]}. Fix it. If a file is not "
                "meant to be checked, exclude it in `.im4cm-lint.yaml`:\n\n"
                "```yaml\nexclude: [drafts/old-notes.yaml]\n```")
    return (
        "Only when the finding is a deliberate, reviewed exception. Say why on the offending line or on "
        "the line above; a suppression without a reason is itself reported:\n\n"
        f"```yaml\n# im4cm-lint: disable={rule.id} -- reason why this is acceptable\n```\n\n"
        "For an exception that a reviewer approves and that must not outlive the review cycle, record a "
        "waiver in `.im4cm-lint.yaml` instead (the path is the `yaml_path` of the finding in "
        "`--format json`):\n\n"
        f"```yaml\nwaivers:\n  - rule: {rule.id}\n    document: et-gambella\n"
        "    path: sharing[sc-to-unhcr-bip].categories\n    reason: why this is acceptable\n"
        "    approved-by: name and role of the approver\n    expires: 2026-03-01\n```\n\n"
        f"To turn the rule off for some files, use `per-file-ignores`; everywhere, `ignore: [{rule.id}]`.")


def page_sections(rule: Rule) -> dict[str, str]:
    """The sections of a rule's page, in order, as Markdown."""
    own = explanation_sections(rule)
    sections = {name: own.get(name, "") for name in SECTIONS}
    for name, text in own.items():
        sections.setdefault(name, text)
    example = sections.get("Example", "")
    if example.startswith("```"):
        sections["Example"] = "This fails:\n" + example
    sections["Automatic fix"] = fix_text(rule)
    sections["How to suppress, with a reason"] = suppression_text(rule)
    return {name: text for name, text in sections.items() if text}


def _header(rule: Rule) -> dict[str, str]:
    return {
        "family": f"{rule.family} ({FAMILIES.get(rule.family, 'plugin rule')})",
        "severity": rule.severity,
        "fix": "yes (--fix)" if rule.fixable else "no",
    }


def rule_markdown(rule: Rule, level: int = 2) -> str:
    head = "#" * level
    info = _header(rule)
    lines = [f"{head} {rule.id} {rule.name}", "",
             f"{rule.summary}.", "",
             f"Family: {info['family']} · default severity: {info['severity']} · automatic fix: {info['fix']}", ""]
    for name, text in page_sections(rule).items():
        lines += [f"{head}# {name}", "", text, ""]
    return "\n".join(lines).rstrip() + "\n"


def _terminal_block(text: str, style) -> list[str]:
    """Markdown as terminal lines: code blocks indented and dimmed, the rest as written."""
    out: list[str] = []
    in_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            out.append(style("      " + line, dim=True))
        else:
            out.append("  " + line if line else "")
    return out


def rule_text(rule: Rule, colour: bool = False) -> str:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text

    info = _header(rule)
    lines = [style(f"{rule.id} {rule.name}", bold=True) + f"  {rule.summary}",
             f"family {info['family']}; default severity {info['severity']}; automatic fix: {info['fix']}", ""]
    for name, text in page_sections(rule).items():
        lines.append(style(name, bold=True, underline=True))
        lines += _terminal_block(text, style)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def rule_record(rule: Rule) -> dict:
    """A rule as data (``rules --format json``, SARIF rule metadata)."""
    return {"id": rule.id, "name": rule.name, "family": rule.family, "severity": rule.severity,
            "summary": rule.summary, "fixable": rule.fixable, "plugin": rule.plugin,
            "help": page_sections(rule)}


def help_markdown(rule: Rule) -> str:
    """The full page as Markdown, for SARIF ``help.markdown`` and the like."""
    return rule_markdown(rule, level=2)


def help_text(rule: Rule) -> str:
    """The full page as plain text, for SARIF ``help.text``."""
    return rule_text(rule, colour=False)


def built_in(rule: Rule) -> bool:
    """A rule of im4cm-lint itself (the engine's or the built-in checks'), not of a third-party plugin."""
    return type(rule).__module__.split(".")[0] in ("im4cm_lint", "im4cm_lint_checks")


def rules_markdown(rules: Iterable[Rule]) -> str:
    """docs/rules.md: an index by family, then every built-in rule's page."""
    rules = sorted((r for r in rules if built_in(r)), key=lambda r: r.id)
    lines = ["# im4cm-lint rules", "",
             f"<!-- Generated from the rules' own documentation. Do not edit: run `{REGENERATE_DOCS}`. -->", "",
             "Every rule: what it checks, why it matters (the data-protection principle and its source), an "
             "example that fails and its fixed version, how to fix it and how to suppress it with a reason. "
             "The same text is shown by `im4cm-lint --explain RULE`.", "",
             "| Rule | Name | Severity | Fix | Summary |", "| --- | --- | --- | --- | --- |"]
    for rule in rules:
        anchor = f"{rule.id}-{rule.name}".lower()
        lines.append(f"| [{rule.id}](#{anchor}) | {rule.name} | {rule.severity} | "
                     f"{'yes' if rule.fixable else ''} | {rule.summary} |")
    lines.append("")
    family = None
    for rule in rules:
        if rule.family != family:
            family = rule.family
            lines += [f"## {family}: {FAMILIES.get(family, 'plugin rules')}", ""]
        lines.append(rule_markdown(rule, level=3))
    return "\n".join(lines).rstrip() + "\n"


def rules_listing(rules: Iterable[Rule], output_format: str = "text") -> str:
    rules = sorted(rules, key=lambda r: r.id)
    if output_format == "json":
        return json.dumps([rule_record(r) for r in rules], indent=2, ensure_ascii=False) + "\n"
    if output_format == "markdown":
        return rules_markdown(rules)
    width = max((len(r.id) for r in rules), default=8) + 2
    lines = [f"{r.id:<{width}}{r.severity:<9}{'fix' if r.fixable else '   '}  {r.summary}" for r in rules]
    lines.append("")
    lines.append("'im4cm-lint --explain RULE' shows what a rule protects, an example and how to fix it.")
    return "\n".join(lines) + "\n"


def find_rule(rules: dict[str, Rule], rule_id: str) -> Rule:
    """The rule named ``rule_id`` (any case); a usage error with suggestions otherwise."""
    rule = rules.get(rule_id.upper())
    if rule is not None:
        return rule
    import difflib

    close = difflib.get_close_matches(rule_id.upper(), list(rules), n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else " Run 'im4cm-lint rules' to list them."
    raise click.UsageError(f"no rule '{rule_id}' and no such file.{hint}")


def explain_rule(rules: dict[str, Rule], rule_id: str, output_format: str = "text", colour: bool = False) -> str:
    rule = find_rule(rules, rule_id)
    if output_format == "markdown":
        return rule_markdown(rule, level=1)
    if output_format == "json":
        return json.dumps(rule_record(rule), indent=2, ensure_ascii=False) + "\n"
    return rule_text(rule, colour)


RULE_LIKE = re.compile(r"[A-Za-z]{2,10}[0-9]{3}\Z")


@click.command("rules")
@click.option("--format", "output_format", type=click.Choice(("text", "json", "markdown")), default="text",
              show_default=True, help="markdown writes the page set of docs/rules.md.")
def rules_command(output_format: str) -> None:
    """List every rule: id, family, default severity, summary, whether --fix can repair it."""
    from im4cm_lint.plugins import load_registry

    click.echo(rules_listing(load_registry().rules.values(), output_format), nl=False)


# --- the drafting walkthrough (--explain FILE) ---------------------------------------------------

@dataclass
class Block:
    """One section of a document as the walkthrough presents it."""

    title: str
    purpose: str = ""
    ref: str = ""  # short name in the next steps (default: the title)
    who: str = ""
    tag: str = ""  # LOCKED / ADAPTABLE for clauses
    state: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)  # what is left to do, when no finding says it
    findings: list[Diagnostic] = field(default_factory=list)
    children: list["Block"] = field(default_factory=list)


@dataclass
class SectionSpec:
    key: str
    title: str
    purpose: str
    who: str  # a role id of the pack, or words


DPISP_SECTIONS = [
    SectionSpec("metadata", "Cover", "Names the protocol and where it stands: country, operation, setting (which "
                "decides the roles it needs), the template version it was drafted from, its own version, status "
                "and dates. The review date keeps it from silently going out of date.", "process_lead"),
    SectionSpec("parties", "Parties", "Every agency that shares or receives data under the protocol. An agency "
                "that is not listed, and has not signed, is bound by none of its rules.", "process_lead"),
    SectionSpec("roles", "Roles", "Who does what, named by position, with a backup and the date the assignment "
                "was last confirmed: staff turnover is the most common way a protocol stops working.", "process_lead"),
    SectionSpec("clauses", "Clauses", "The protocol's text, clause by clause. LOCKED clauses are the standard's "
                "legal text and must be kept word for word; ADAPTABLE clauses are templates to fill in.",
                "process_lead"),
    SectionSpec("sharing", "Sharing rules", "What may flow, from whom, to whom, for which purpose and on which "
                "legitimate basis: only the categories each purpose needs (need-to-know).", "process_lead"),
    SectionSpec("annex_c", "Annex C (UNHCR implementing partners)", "How each obligation of UNHCR's data "
                "protection annex is met by the parties that are UNHCR implementing partners.",
                "data_protection_focal_point"),
    SectionSpec("signatures", "Signatures", "One signature per party: the protocol binds an agency only once "
                "its head of agency has signed it.", "signatory"),
]

DPIA_SECTIONS = [
    SectionSpec("metadata", "Cover", "Names the assessment, the DPISP it assesses, its status and dates.", "dpia_owner"),
    SectionSpec("processing", "Processing", "The processing activities assessed: systems, parties and purposes.",
                "dpia_owner"),
    SectionSpec("risks", "Risks", "Each risk to the children and families, its likelihood and impact, what "
                "reduces it, the role that owns it and the risk that remains.", "dpia_owner"),
    SectionSpec("signoff", "Sign-off", "Who approved the assessment, in which role, and when.", "dpia_owner"),
]

EXPORT_SECTIONS = [
    SectionSpec("metadata", "Cover", "Names the export and the DPISP that must permit it.", "im_focal_point"),
    SectionSpec("flow", "The flow", "Which system sends, which party sends and which receives, for which purpose "
                "and under which sharing rule of the DPISP.", "im_focal_point"),
    SectionSpec("fields", "Fields", "Exactly which system fields leave the system; each maps to a data category "
                "that the sharing rule must allow.", "im_focal_point"),
    SectionSpec("transport", "Transport", "How the data travels (encrypted or not) and how often.", "im_focal_point"),
]

_SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
_EXPORT_FLOW_KEYS = {"system", "owner", "recipient", "purpose", "sharing_rule", "level", "min_cell_size"}
_SPECS = {"DPISP": DPISP_SECTIONS, "DPIA": DPIA_SECTIONS, "DataExport": EXPORT_SECTIONS}


def _role_words(pack, role_id: str) -> str:
    role = pack.roles.get(role_id) if pack else None
    return f"the {role.get('name')} ({role_id})" if role else role_id


def _section_of(kind: str, yaml_path: str) -> tuple[str, str | None]:
    """(section key, clause id or None) that a finding's YAML path falls in."""
    try:
        steps = parse_yaml_path(yaml_path) if yaml_path else []
    except ValueError:
        steps = []
    if not steps:
        return "", None
    first = steps[0][1]
    if kind == "DataExport" and first in _EXPORT_FLOW_KEYS:
        return "flow", None
    if kind == "DataExport" and first == "schedule":
        return "transport", None
    if kind == "DPISP" and first == "clauses" and len(steps) > 1 and steps[1][0] == "item":
        return "clauses", steps[1][1]
    return first, None


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _placeholders(pack, text) -> int:
    pattern = pack.placeholder if pack else None
    return len(pattern.findall(text)) if pattern is not None and isinstance(text, str) else 0


def _holders(assignment) -> list:
    return [a for a in (assignment if isinstance(assignment, list) else [assignment]) if isinstance(a, dict)]


def _dpisp_state(doc, pack, key: str) -> tuple[list[str], list[str], list[Block]]:
    """What the section holds now, in plain words (ids only, never people's names)."""
    from im4cm_lint_checks.role import is_unhcr, required_roles

    meta = doc.metadata
    state: list[str] = []
    todo: list[str] = []
    children: list[Block] = []
    parties = list(doc.parties.values())
    if key == "metadata":
        state.append(f"setting: {meta.get('setting')}; status: {meta.get('status')}; version: {meta.get('version')}")
        template = meta.get("template")
        current = f" (the current standard is {pack.ref})" if pack and template != pack.ref else ""
        state.append(f"drafted from {template}{current}")
        state.append(f"effective: {meta.get('effective') or 'not set'}; review by: {meta.get('review_by') or 'not set'}")
    elif key == "parties":
        for party in parties:
            notes = [str(party.get("type"))]
            if is_unhcr(party):
                notes.append("UNHCR, as " + ", ".join(party.get("unhcr_roles") or ["(capacities not stated)"]))
            if party.get("unhcr_partnership") in ("implementing_partner", "operational_partner"):
                notes.append("UNHCR " + party["unhcr_partnership"].replace("_", " "))
            state.append(f"{party['id']}: {'; '.join(notes)}")
    elif key == "roles" and pack is not None:
        roles = doc.roles
        now, later = required_roles(pack, doc.setting, parties)
        unnamed = []
        for role in now:
            line = _role_line(role, roles.get(role["id"]), parties, pack)
            state.append(line)
            if "MISSING" in line:
                todo.append(f"assign the {role.get('name')} ({role['id']}): nobody holds this required role")
            elif "placeholder" in line or "missing for" in line or "backup missing" in line:
                unnamed.append(f"name the people of the {role.get('name')} ({role['id']})")
        todo += unnamed
        for role in later:
            systems = ", ".join(role.get("requires_systems") or [])
            state.append(f"{role.get('name')} ({role['id']}): required once a party runs {systems}")
        for role_id in sorted(set(roles) - {r["id"] for r in now + later}):
            known = "optional" if role_id in pack.roles else "not a role of the standard"
            state.append(f"{role_id}: assigned ({known})")
    elif key == "clauses" and pack is not None:
        present = doc.clauses
        for clause in pack.clauses.values():
            children.append(_clause_block(clause, present.get(clause["id"]), doc, pack))
        for clause_id, clause in present.items():
            if clause_id not in pack.clauses:
                block = Block(f"{clause_id}", "A clause that is not in the standard's clause list.",
                              ref=f"clause {clause_id}", tag="LOCKED" if clause.get("locked") else "ADAPTABLE")
                block.state.append("present; check that its id is right, or that the standard allows it")
                children.append(block)
    elif key == "sharing":
        for rule in doc.sharing_rules.values():
            purpose = pack.purposes.get(rule.get("purpose")) if pack else None
            what = f"{purpose.get('name')} ({rule.get('purpose')})" if purpose else str(rule.get("purpose"))
            capacity = f" as {rule['unhcr_role']}" if rule.get("unhcr_role") else ""
            state.append(f"{rule['id']}: {rule.get('from')} -> {rule.get('to')}{capacity}, {what}, "
                         f"basis {rule.get('basis')}, {_count(len(rule.get('categories') or []), 'category', 'categories')}")
        if not doc.sharing_rules:
            state.append("no sharing rules yet")
    elif key == "annex_c":
        partners = [p["id"] for p in parties if p.get("unhcr_partnership") == "implementing_partner"]
        annex = doc.get("annex_c")
        if not partners and not annex:
            state.append("not needed: no party is a UNHCR implementing partner")
        else:
            state.append(f"implementing partners: {', '.join(partners) or 'none'}")
            items = {k: v for k, v in (annex or {}).items() if k != "applies_to"}
            if pack is not None:
                missing = [i for i in pack.annex_c if i not in items]
                unmet = [i for i in pack.annex_c if isinstance(items.get(i), dict) and not items[i].get("met")]
                state.append(f"{len(pack.annex_c) - len(missing) - len(unmet)} of {len(pack.annex_c)} obligations met")
                if unmet:
                    state.append("not met yet: " + ", ".join(unmet))
                if missing:
                    state.append("not addressed: " + ", ".join(missing))
                if unmet or missing:
                    todo.append(f"show how the {_count(len(unmet) + len(missing), 'open Annex C obligation is', 'open Annex C obligations are')} met")
    elif key == "signatures":
        signed = {s.get("party") for s in doc.get("signatures") or [] if isinstance(s, dict)}
        state.append("signed by: " + (", ".join(sorted(p for p in signed if p)) or "nobody yet"))
        unsigned = [p["id"] for p in parties if p["id"] not in signed]
        if unsigned:
            state.append("not signed yet: " + ", ".join(unsigned))
            todo.append("have " + ", ".join(unsigned) + " sign once the text is final")
    return state, todo, children


def _role_line(role, assignment, parties, pack) -> str:
    label = f"{role.get('name')} ({role['id']})"
    if assignment is None:
        return f"{label}: MISSING, nobody is named"
    entries = _holders(assignment)
    placeholders = sum(1 for a in entries for who in ("holder", "backup")
                       if isinstance(a.get(who), dict) and _placeholders(pack, a[who].get("name")))
    notes = []
    if role.get("scope") == "party":
        types = role.get("party_types") or []
        covered = {(a.get("holder") or {}).get("party") for a in entries}
        missing = [p["id"] for p in parties if (not types or p.get("type") in types) and p["id"] not in covered]
        notes.append(f"one per agency; missing for {', '.join(missing)}" if missing else "one per agency, all named")
    else:
        holder = (entries[0].get("holder") or {}) if entries else {}
        notes.append(f"held at {holder.get('party')}")
    if placeholders:
        notes.append(f"{placeholders} name{'s' if placeholders > 1 else ''} still {'placeholders' if placeholders > 1 else 'a placeholder'}")
    if role.get("backup") in ("required", "same_party") and any(not a.get("backup") for a in entries):
        notes.append("backup missing")
    return f"{label}: " + "; ".join(notes)


def _clause_block(clause, present, doc, pack) -> Block:
    locked = bool(clause.get("locked")) or bool(present and present.get("locked") is True)
    number = f"{clause['section']}. " if clause.get("section") is not None else ""
    block = Block(f"{number}{clause.get('title')} ({clause['id']})", str(clause.get("guidance") or "").strip(),
                  ref=f"clause {clause['id']}", who=_role_words(pack, clause.get("owner_role") or ""),
                  tag="LOCKED" if locked else "ADAPTABLE")
    if present is None:
        block.state.append("MISSING from the protocol")
        block.todo.append(f"add the clause {clause['id']}" + (" (--fix adds it)" if locked else ""))
        return block
    text = present.get("text")
    versions = clause.get("versions") or {}
    match = next((v for v, t in versions.items() if _same(t, text)), None)
    if locked:
        if match == pack.version:
            block.state.append(f"the standard's text of {match}, unchanged")
        elif match:
            block.state.append(f"the text of {match}; the current standard is {pack.version}")
        else:
            block.state.append("the text differs from the standard's; locked text must stay word for word")
        if match != pack.version:
            block.todo.append(f"restore the standard's {pack.version} text of {clause['id']} (--fix does it)")
    else:
        count = _placeholders(pack, text)
        block.state.append(f"{count} placeholder{'s' if count != 1 else ''} left to fill" if count else "filled in")
        if count:
            block.todo.append(f"fill the {count} placeholder{'s' if count != 1 else ''} of {clause['id']}")
    return block


def _same(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str) and " ".join(a.split()) == " ".join(b.split())


def _generic_state(doc, pack, key: str) -> list[str]:
    if doc.kind == "DPIA":
        if key == "metadata":
            meta = doc.metadata
            return [f"assesses DPISP {meta.get('dpisp')}; status: {meta.get('status')}",
                    f"completed: {meta.get('completed') or 'not set'}; review by: {meta.get('review_by') or 'not set'}"]
        if key == "risks":
            return [f"{r['id']}: likelihood {r.get('likelihood')}, impact {r.get('impact')}, residual "
                    f"{r.get('residual')}, owner {r.get('owner') or 'none'}" for r in doc.risks.values()] or ["no risks yet"]
        if key == "processing":
            return [str(a.get("id")) for a in doc.get("processing") or [] if isinstance(a, dict)] or ["nothing yet"]
        if key == "signoff":
            signoff = [s.get("role") for s in doc.get("signoff") or [] if isinstance(s, dict)]
            return [f"signed off as: {', '.join(map(str, signoff))}" if signoff else "not signed off yet"]
    if doc.kind == "DataExport":
        if key == "metadata":
            return [f"relies on DPISP {doc.metadata.get('dpisp')}"]
        if key == "flow":
            rule = doc.get("sharing_rule")
            return [f"{doc.get('system')}: {doc.get('owner')} -> {doc.get('recipient')}, purpose {doc.get('purpose')}, "
                    f"{doc.get('level')} level" + (f", under sharing rule {rule}" if rule else ", no sharing rule named")]
        if key == "fields":
            return [_count(len(doc.get("fields") or []), "field", "fields")]
        if key == "transport":
            transport = doc.get("transport") or {}
            encrypted = {True: "yes", False: "NO"}.get(transport.get("encrypted"), "not said")
            return [f"encrypted: {encrypted}; schedule: {doc.get('schedule') or 'not set'}"]
    return []


def document_blocks(doc, pack, findings: list[Diagnostic]) -> list[Block]:
    """The sections of a document in order, each with its state and its findings."""
    blocks: list[Block] = []
    by_key: dict[str, Block] = {}
    clause_blocks: dict[str, Block] = {}
    for spec in _SPECS.get(doc.kind, []):
        block = Block(spec.title, spec.purpose, who=_role_words(pack, spec.who))
        if doc.checkable:
            if doc.kind == "DPISP":
                block.state, block.todo, block.children = _dpisp_state(doc, pack, spec.key)
                if spec.key == "clauses":
                    clause_blocks = {c.ref.removeprefix("clause "): c for c in block.children}
            else:
                block.state = _generic_state(doc, pack, spec.key)
        blocks.append(block)
        by_key[spec.key] = block
    other = Block("Other findings", "Findings about the document as a whole.")
    for diag in findings:
        key, clause_id = _section_of(doc.kind, diag.location.yaml_path)
        target = clause_blocks.get(clause_id or "") or by_key.get(key) or other
        target.findings.append(diag)
    if other.findings:
        blocks.insert(0, other)
    return blocks


def next_steps(blocks: list[Block]) -> list[tuple[str, str, Diagnostic | None]]:
    """(where, what, finding): every finding, errors first and then in the order of the document,
    followed by what is left to do in the sections that have no finding to say it."""
    ordered: list[tuple[int, int, str, Diagnostic]] = []
    todo: list[tuple[str, str, None]] = []
    items = [item for block in blocks for item in [block, *block.children]]
    for position, item in enumerate(items):
        where = item.ref or item.title
        for diag in item.findings:
            ordered.append((-SEVERITY_RANK[diag.severity], position, where, diag))
        if not item.findings:
            todo += [(where, line, None) for line in item.todo]
    ordered.sort(key=lambda entry: (entry[0], entry[1], entry[3].line, entry[3].rule))
    return [(where, _finding_line(diag), diag) for _, _, where, diag in ordered] + todo


def _repo_root(path: Path) -> Path:
    """Where a lint run finds every document the file relates to: the configuration's folder, the
    repository root, or the file's own folder."""
    from im4cm_lint.config import find_config

    start = path if path.is_dir() else path.parent
    config = find_config(start)
    if config is not None:
        return config.parent
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / ".git").exists():
            return folder
    return start


def walkthrough(target: str, output_format: str, options, colour: bool) -> str:
    from im4cm_lint.engine import run
    from im4cm_lint.pack import shown_path

    path = Path(target)
    root = _repo_root(path)
    result = run([str(root)], options)
    if result.fatal:
        from im4cm_lint.reporters import renderer

        click.echo(renderer("text")(result), err=True, nl=False)
        raise SystemExit(2)
    shown = shown_path(path)
    inside = [d for d in (result.project.documents if result.project else [])
              if d.path == shown or (path.is_dir() and (shown == "." or d.path.startswith(shown.rstrip("/") + "/")))]
    inside = [d for d in inside if d.kind in _SPECS]
    files = {d.path for d in inside} | ({shown} if path.is_file() else set())
    findings = [d for d in result.diagnostics if d.path in files and not d.suppression]
    pages = []
    for doc in sorted(inside, key=lambda d: (d.path, d.index)):
        alone = sum(1 for other in inside if other.path == doc.path) == 1
        own = [d for d in findings if d.path == doc.path and (d.location.doc_id == doc.id or
                                                            (not d.location.doc_id and alone))]
        pages.append((doc, document_blocks(doc, result.pack, own)))
    placed = [d for _, blocks in pages for block in blocks for item in [block, *block.children] for d in item.findings]
    loose = [d for d in findings if d not in placed]
    render = _render_markdown if output_format == "markdown" else _render_text
    return render(shown, pages, loose, result.pack, colour)


def _kind_words(kind: str) -> str:
    return {"DPISP": "Data Protection and Information Sharing Protocol", "DPIA": "Data Protection Impact Assessment",
            "DataExport": "data export definition"}.get(kind, kind)


def _finding_line(diag: Diagnostic) -> str:
    return f"{diag.rule} {diag.severity} (line {diag.line}): {diag.message}{' [fixable]' if diag.fix else ''}"


def _render_text(shown, pages, loose, pack, colour: bool) -> str:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text

    tags = {"LOCKED": dict(fg="magenta", bold=True), "ADAPTABLE": dict(fg="cyan", bold=True)}
    out: list[str] = []
    if not pages:
        out.append(f"{shown}: no DPISP, DPIA or DataExport document that can be walked through.")
    for doc, blocks in pages:
        out += [style(f"{doc.path}: {doc.kind} '{doc.id}', {_kind_words(doc.kind)}", bold=True),
                f"Checked against {pack.ref if pack else 'no policy pack'}.", ""]
        for number, block in enumerate(blocks, 1):
            out.append(style(f"{number}. {block.title}", bold=True, underline=True))
            out += _text_block(block, style, tags, "   ")
            for child in block.children:
                tag = style(f"[{child.tag}]", **tags.get(child.tag, {}))
                out.append(f"   {tag} {style(child.title, bold=True)}")
                out += _text_block(child, style, tags, "      ")
            out.append("")
        steps = next_steps(blocks)
        out.append(style("Next steps", bold=True, underline=True))
        for number, (where, what, diag) in enumerate(steps, 1):
            if diag is not None:
                sev = style(diag.severity, fg=_SEVERITY_COLOURS[diag.severity])
                what = f"{diag.rule} {sev} (line {diag.line}): {diag.message}{' [fixable]' if diag.fix else ''}"
            out.append(f"   {number}. [{where}] {what}")
        if any(diag for _, _, diag in steps):
            out.append("   'im4cm-lint --explain RULE' says why a rule matters and how to fix it; "
                       "'im4cm-lint --fix' repairs what can be repaired safely.")
        if not steps:
            out.append("   Nothing left to fix here. " + _done_words(doc))
        out.append("")
    if loose:
        out.append(style("Findings about the file itself", bold=True, underline=True))
        out += [f"   {_finding_line(d)}" for d in loose]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _done_words(doc) -> str:
    status = doc.metadata.get("status")
    if doc.kind == "DPISP" and status in ("draft", "in_review"):
        return "Circulate it for review, then have every party sign it."
    if doc.kind == "DPIA" and status in ("draft", "in_review"):
        return "Complete the assessment with the people who own the risks, then record the sign-off."
    return "Keep it under review: confirm the roles and the review date."


def _text_block(block: Block, style, tags, indent: str) -> list[str]:
    out = []
    if block.purpose:
        out += textwrap.wrap(block.purpose, width=100, initial_indent=indent, subsequent_indent=indent)
    if block.who:
        out.append(f"{indent}{style('Who:', bold=True)} {block.who}")
    for line in block.state:
        out.append(f"{indent}- {line}")
    for diag in block.findings:
        out.append(f"{indent}{style('!', fg=_SEVERITY_COLOURS[diag.severity], bold=True)} {_finding_line(diag)}")
    return out


def _render_markdown(shown, pages, loose, pack, colour: bool) -> str:
    out: list[str] = []
    if not pages:
        out.append(f"`{shown}`: no DPISP, DPIA or DataExport document that can be walked through.\n")
    for doc, blocks in pages:
        out += [f"# {doc.kind} `{doc.id}` ({doc.path})", "",
                f"{_kind_words(doc.kind)}, checked against `{pack.ref if pack else 'no policy pack'}`.", ""]
        for number, block in enumerate(blocks, 1):
            out += [f"## {number}. {block.title}", ""]
            out += _md_block(block)
            for child in block.children:
                out += [f"### **{child.tag}** {child.title}", ""]
                out += _md_block(child)
        out += ["## Next steps", ""]
        steps = next_steps(blocks)
        for number, (where, what, diag) in enumerate(steps, 1):
            if diag is not None:
                what = f"`{diag.rule}` {diag.severity} (line {diag.line}): {diag.message}{' [fixable]' if diag.fix else ''}"
            out.append(f"{number}. **{where}**: {what}")
        if not steps:
            out.append("Nothing left to fix here. " + _done_words(doc))
        out.append("")
    if loose:
        out += ["## Findings about the file itself", ""] + [f"- `{d.rule}` {d.severity} (line {d.line}): {d.message}"
                                                            for d in loose] + [""]
    return "\n".join(out).rstrip() + "\n"


def _md_block(block: Block) -> list[str]:
    out = []
    if block.purpose:
        out += [block.purpose, ""]
    if block.who:
        out += [f"**Who:** {block.who}", ""]
    out += [f"- {line}" for line in block.state]
    out += [f"- ⚠ `{d.rule}` {d.severity} (line {d.line}): {d.message}{' [fixable]' if d.fix else ''}" for d in block.findings]
    if block.state or block.findings:
        out.append("")
    return out


def explain_target(target: str, output_format: str, options, colour: bool) -> str:
    """``--explain``: a rule's page, or the walkthrough of a file or folder."""
    from im4cm_lint.plugins import load_registry

    rules = load_registry().rules
    is_rule = RULE_LIKE.match(target) and target.upper() in rules
    if not is_rule and Path(target).exists():
        if output_format not in ("text", "markdown"):
            raise click.UsageError("--explain FILE writes text or markdown (--format markdown)")
        return walkthrough(target, output_format, options, colour)
    if output_format not in ("text", "markdown", "json"):
        raise click.UsageError("--explain RULE writes text, markdown or json")
    return explain_rule(rules, target, output_format, colour)
