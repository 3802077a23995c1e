"""`im4cm-lint pack`: browse the standard a protocol is held against, and the pages of its
purposes, categories and clauses for `--explain ID`, in the pack's words (translated where the pack
translates them: :meth:`im4cm_lint.pack.Pack.text`).

A focal point drafting a sharing rule needs to know which purposes exist, what each one needs,
allows with a justification or never allows, and for whom it is meant: the pack says it all,
and these listings read it, so they never disagree with the checks.
"""

from __future__ import annotations

import json
from typing import Any

import click

from im4cm_lint import hookimpl
from im4cm_lint.i18n import N_, _
from im4cm_lint.pack import Pack

from im4cm_lint_checks.domain.clauses import current_text, released_texts

SECTIONS = ("purposes", "categories", "roles", "clauses", "obligations", "channels")


def _words(entry: Any, key: str) -> str:
    return " ".join(str(entry.get(key) or "").split())


def _wrapped(text: str, indent: str = "") -> list[str]:
    """``text`` in lines of at most 96 characters, each starting with ``indent``."""
    import textwrap  # here: the pages are seldom shown, and every lint run would pay for its import

    return textwrap.wrap(text, 96, initial_indent=indent, subsequent_indent=indent)


def _said(pack: Pack, kind: str, entry_id: str, field: str) -> str:
    """A pack text on one line, in the language of the run where the pack translates it."""
    return " ".join(pack.text(kind, entry_id, field).split())


def section_entries(pack: Pack, section: str) -> list[dict]:
    """One record per entry of a pack section, with the words a drafter needs."""
    if section == "purposes":
        return [{"id": pid, "name": _said(pack, "purposes", pid, "name"), "individual_level": p.get("individual_level"),
                 "need_to_know": list(p.get("need_to_know") or []),
                 "with_justification": list(p.get("with_justification") or []),
                 "never": list(p.get("never") or []), "bases": list(p.get("bases") or []),
                 "recipients": list(p.get("recipients") or [])} for pid, p in pack.purposes.items()]
    if section == "categories":
        return [{"id": cid, "name": _said(pack, "categories", cid, "name"), "sensitivity": c.get("sensitivity"),
                 "identifiable": c.get("identifiable")} for cid, c in pack.categories.items()]
    if section == "roles":
        return [{"id": rid, "name": _said(pack, "roles", rid, "name"), "scope": r.get("scope"),
                 "required_in": list(r.get("required_in") or [])} for rid, r in pack.roles.items()]
    if section == "clauses":
        return [{"id": cid, "title": _said(pack, "clauses", cid, "title"), "locked": c.get("locked"),
                 "template": c.get("template") is True} for cid, c in pack.clauses.items()]
    if section == "obligations":
        return [{"id": oid, "title": _said(pack, "obligations", oid, "title"), "met_by": list(o.get("met_by") or []),
                 "agreement": o.get("agreement") is True} for oid, o in pack.annex_c.items()]
    return [{"id": c.get("id"), "pattern": c.get("pattern"), "reason": _words(c, "reason")}
            for c in pack.section("forbidden_channels") or []]


def _line(section: str, entry: dict) -> str:
    if section == "purposes":
        level = _("individual") if entry["individual_level"] else _("aggregate only")
        return f"{entry['id']:<32} " + _("{name} ({level}; bases: {bases})", name=entry["name"], level=level,
                                         bases=", ".join(entry["bases"]) or "-")
    if section == "categories":
        who = _("identifies a person") if entry["identifiable"] else _("does not identify")
        return f"{entry['id']:<36} {entry['sensitivity']:<9} {entry['name']} ({who})"
    if section == "roles":
        return f"{entry['id']:<36} {entry['scope']:<8} " + _("{name} (required in: {settings})", name=entry["name"],
                                                             settings=", ".join(entry["required_in"]) or "-")
    if section == "clauses":
        kind = _("locked") if entry["locked"] else _("adaptable, fixed wording") if entry["template"] else _("adaptable")
        return f"{entry['id']:<22} {kind:<25} {entry['title']}"
    if section == "obligations":
        where = (_("{clauses} or the partnership agreement", clauses=", ".join(entry["met_by"])) if entry["agreement"]
                 else ", ".join(entry["met_by"]))
        return f"{entry['id']:<26} " + _("{title} (met by: {where})", title=entry["title"], where=where or "-")
    return f"{entry['id']:<18} {entry['reason']}"


SECTION_WORDS = {"purposes": N_("purposes"), "categories": N_("categories"), "roles": N_("roles"),
                 "clauses": N_("clauses"), "obligations": N_("obligations"), "channels": N_("channels")}


def render_sections(pack: Pack, sections: tuple[str, ...], output_format: str) -> str:
    data = {section: section_entries(pack, section) for section in sections}
    if output_format == "json":
        return json.dumps({"pack": pack.ref, **data}, indent=2, ensure_ascii=False) + "\n"
    lines = [_("Policy pack {pack}", pack=pack.ref), ""]
    for section, entries in data.items():
        lines.append(f"{_(SECTION_WORDS[section])} ({len(entries)}):")
        lines.extend(f"  {_line(section, entry)}" for entry in entries)
        lines.append("")
    lines.append(_("Run 'im4cm-lint --explain ID' on a purpose or category id for its page."))
    return "\n".join(lines) + "\n"


def purpose_page(pack: Pack, purpose_id: str) -> str | None:
    """What a purpose needs, allows with a justification, never allows, and for whom it is."""
    purpose = pack.purposes.get(purpose_id)
    if purpose is None:
        return None

    def listed(key: str) -> list[str]:
        return [f"  - {c} ({(pack.categories.get(c) or {}).get('sensitivity', '?')}): "
                f"{_said(pack, 'categories', c, 'name')}" for c in purpose.get(key) or []] or [_("  (none)")]

    level = _("individual records") if purpose.get("individual_level") else _("aggregate data only")
    lines = [f"{purpose_id}: {_said(pack, 'purposes', purpose_id, 'name')}", "",
             *_wrapped(_said(pack, "purposes", purpose_id, "description")), "",
             _("Shares {level}; legitimate bases: {bases}; meant for: {recipients}.", level=level,
               bases=", ".join(purpose.get("bases") or []) or "-",
               recipients=", ".join(purpose.get("recipients") or []) or _("any party")), "",
             _("Needs (list these in the sharing rule's categories):"), *listed("need_to_know"), "",
             _("Allowed only with a justification (one reason per category under `justification`):"),
             *listed("with_justification"), "",
             _("Never allowed, whatever the justification:"), *listed("never")]
    if purpose.get("consent_fields"):
        lines += ["", _("Consent fields that cover it: {fields}", fields=", ".join(purpose["consent_fields"]))]
    if purpose.get("source"):
        lines += ["", _("Source: {source}", source=_words(purpose, "source"))]
    return "\n".join(lines) + "\n"


def category_page(pack: Pack, category_id: str) -> str | None:
    """A category's sensitivity, and the purposes that need, allow or never allow it."""
    category = pack.categories.get(category_id)
    if category is None:
        return None
    by_list = {key: [pid for pid, p in pack.purposes.items() if category_id in (p.get(key) or [])]
               for key in ("need_to_know", "with_justification", "never")}
    who = _("identifies a person") if category.get("identifiable") else _("does not identify a person by itself")
    lines = [f"{category_id}: {_said(pack, 'categories', category_id, 'name')} ({category.get('sensitivity')}; {who})", "",
             *_wrapped(_said(pack, "categories", category_id, "description")), "",
             _("Purposes that need it: {purposes}", purposes=", ".join(by_list["need_to_know"]) or "-"),
             _("Purposes that allow it with a justification: {purposes}",
               purposes=", ".join(by_list["with_justification"]) or "-"),
             _("Purposes that never allow it: {purposes}", purposes=", ".join(by_list["never"]) or "-")]
    return "\n".join(lines) + "\n"


def clause_page(pack: Pack, clause_id: str) -> str | None:
    """A clause of the standard: locked or adaptable, why it is there, and its current text; in
    another language the pack's translation follows the English, for information only (the
    English is the authoritative legal text the CLAUSE checks compare with)."""
    clause = pack.clauses.get(clause_id)
    if clause is None:
        return None
    kind = _("locked") if clause.get("locked") else _("adaptable, fixed wording") if clause.get("template") else _("adaptable")
    lines = [f"{clause_id}: {_said(pack, 'clauses', clause_id, 'title')} ({kind})", "",
             *_wrapped(_said(pack, "clauses", clause_id, "guidance"))]
    for label, text in clause_texts(pack, clause, clause_translation(pack, clause)):
        lines += ["", label, *_wrapped(" ".join(text.split()), "  ")]
    return "\n".join(lines) + "\n"


def clause_texts(pack: Pack, clause, translated: str = "") -> list[tuple[str, str]]:
    """(label, text): the clause's current English text, the authoritative one, then its
    translation (when there is one), labelled as being for information only."""
    texts = released_texts(pack, clause)
    shown = [(_("Text of the standard ({release}):", release=texts[0][0] if texts else "-"), current_text(pack, clause))]
    return shown + ([(for_information(), translated)] if translated else [])


def clause_translation(pack: Pack, clause) -> str:
    """The pack's translation of a clause's current text into the language of the run ("" when it
    has none, or when it translates a release that is no longer the current one)."""
    translated = pack.translation("clauses", clause["id"], "text")
    release = pack.translation("clauses", clause["id"], "release")
    texts = released_texts(pack, clause)
    if not translated or not texts or (release and texts[0][0].rpartition("@")[2] != release):
        return ""
    return translated


def for_information() -> str:
    """The label of a clause's translation: the English is the legal text."""
    return _("Translation, for information only (the English text above is authoritative):")


def explain_pack_id(pack: Pack, target: str) -> str | None:
    """The page of a purpose, category or clause id, or None when the pack has none of them."""
    return purpose_page(pack, target) or category_page(pack, target) or clause_page(pack, target)


@hookimpl
def im4cm_lint_explain_page(target, pack, output_format):
    """``im4cm-lint --explain ID`` for a purpose, category or clause of the pack: its page as text,
    as Markdown (a heading, the rest as written) or as the record ``pack --format json`` lists."""
    page = explain_pack_id(pack, target)
    if page is None:
        return None
    if output_format == "json":
        section = "purposes" if target in pack.purposes else "categories" if target in pack.categories else "clauses"
        entry = next(e for e in section_entries(pack, section) if e["id"] == target)
        return json.dumps({"pack": pack.ref, section: [entry]}, indent=2, ensure_ascii=False) + "\n"
    if output_format == "markdown":
        title, _newline, rest = page.partition("\n")
        return f"# {title}\n{rest}"
    return page


@click.command("pack")
@click.argument("sections", nargs=-1, type=click.Choice(SECTIONS))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .im4cm-lint.yaml or pyproject.toml found upward).")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder.")
def pack_command(sections: tuple[str, ...], output_format: str, config_path: str | None, policy_pack: str | None) -> None:
    """Browse the policy pack: its purposes, categories, roles, clauses, Annex C obligations and
    forbidden channels (all of them without SECTIONS)."""
    from im4cm_lint_checks.taxonomy import pack_or_exit

    pack = pack_or_exit(config_path, policy_pack)
    click.echo(render_sections(pack, sections or SECTIONS, output_format), nl=False)
