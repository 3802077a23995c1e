"""``im4cm-lint diff BASE [HEAD]``: what a change does to sharing, for the pull request.

BASE and HEAD are git revisions (HEAD defaults to the working tree). The documents of both are
read as the lint reads them and compared by :func:`im4cm_lint_checks.diff.compare`; the result
is printed as text (a terminal), Markdown (the pull request and the Action's job summary) or JSON.
The command reports and never judges: it exits 0 when it could compare, 2 when it could not.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import click

from im4cm_lint.i18n import N_, _, _n
from im4cm_lint_checks.diff import KIND_WORDS, Q, Change, compare, unmark

FORMATS = ("text", "markdown", "json")
MARKDOWN_MAX_CHANGES = 250  # ~50 KB: far inside GitHub's 1 MiB job summary, beside the findings
_KIND_HEADINGS = {"DPISP": N_("Protocol"), "DataExport": N_("Export"), "DPIA": N_("DPIA"), "System": N_("System")}


class Comparison:
    """The two sides compared and what changed between them."""

    def __init__(self, base: str, base_commit: str, head: str | None, head_commit: str | None,
                 changes: list[Change], notes: list[str]):
        self.base, self.base_commit, self.head, self.head_commit = base, base_commit, head, head_commit
        self.changes, self.notes = changes, notes

    @property
    def head_words(self) -> str:
        return f"{self.head} ({self.head_commit[:12]})" if self.head else _("the working tree")

    def documents(self) -> list[tuple[str, str, str, list[Change]]]:
        """(kind, id, path, changes) per document, in output order."""
        grouped: dict[tuple[str, str, str], list[Change]] = {}
        for change in self.changes:
            grouped.setdefault((change.kind, change.document, change.path), []).append(change)
        return [(kind, doc_id, path, items) for (kind, doc_id, path), items in grouped.items()]

    def headline(self) -> str:
        if not self.changes:
            return _("no change to protocols, exports, DPIAs or systems")
        parts = [_n("{n} document changed", "{n} documents changed", len(self.documents())),
                 _n("{n} change", "{n} changes", len(self.changes))]
        widened = [c for c in self.changes if c.section == "sharing" and c.action == "widened"]
        if widened:
            severe = [c for c in widened if c.details.get("most_sensitive") in ("high", "severe")]
            parts.append(_n("{n} sharing rule widened", "{n} sharing rules widened", len(widened))
                         + (_(" ({count} with high or severe data)", count=len(severe)) if severe else ""))
        fields = [c for c in self.changes if c.section == "field" and c.action == "added"]
        if fields:
            parts.append(_n("{n} export field added", "{n} export fields added", len(fields)))
        return _(", ").join(parts)


def render_text(comparison: Comparison) -> str:
    lines = [f"im4cm-lint diff: {comparison.base} ({comparison.base_commit[:12]}) → {comparison.head_words}",
             comparison.headline()]
    for kind, doc_id, path, changes in comparison.documents():
        lines += ["", _("{kind} {document} in {path}", kind=_(KIND_WORDS[kind]), document=f"'{doc_id}'", path=path)]
        lines += [f"  {c.sign} " + _("line {line}: {change}", line=c.line, change=unmark(c.words)) for c in changes]
    if comparison.notes:
        lines += ["", *comparison.notes]
    return "\n".join(lines) + "\n"


_MARKUP = re.compile(r"([\\`*_\[\]<>!#|~&@:.])")


def md_text(text: str) -> str:
    """Text that GitHub Markdown shows as written, on one line: the characters that start
    markup, HTML, links, images, tables or autolinks (':' of a scheme, '.' of 'www.', '@' of an
    e-mail address) are escaped, so no value can become anything but text."""
    return _MARKUP.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))


def md_code(text: str) -> str:
    """A code span: its content is never Markdown, HTML or a link."""
    text = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_words(words: str) -> str:
    """A change's words: quoted values as code spans, the rest escaped."""
    parts = words.split(Q)
    return "".join(md_code(part) if n % 2 else md_text(part) for n, part in enumerate(parts))


_MD_SIGNS = {"+": "➕", "-": "➖", "~": "✏️"}


def render_markdown(comparison: Comparison) -> str:
    lines = [f"### im4cm-lint diff: {md_code(comparison.base)} → "
             + (md_code(comparison.head) if comparison.head else md_text(_("the working tree"))),
             "", md_text(comparison.headline()[0].upper() + comparison.headline()[1:]) + "."]  # the period is ours
    shown = 0
    for kind, doc_id, path, changes in comparison.documents():
        if shown >= MARKDOWN_MAX_CHANGES:
            break
        lines += ["", f"#### {md_text(_(_KIND_HEADINGS[kind]))} {md_code(doc_id)} · {md_code(path)}", ""]
        for change in changes[:MARKDOWN_MAX_CHANGES - shown]:
            lines.append(f"- {_MD_SIGNS[change.sign]} " + _("line {line}: {change}", line=change.line,
                                                             change=md_words(change.words)))
            shown += 1
    if shown < len(comparison.changes):
        lines += ["", _("…and {count} more: run `im4cm-lint diff {commit}` locally for the whole list.",
                        count=len(comparison.changes) - shown, commit=comparison.base_commit[:12])]
    if comparison.notes:
        lines += ["", *(f"> {md_text(note)}" for note in comparison.notes)]
    return "\n".join(lines) + "\n"


def render_json(comparison: Comparison) -> str:
    changes = []
    for change in comparison.changes:
        item = change.as_dict()
        item["text"] = unmark(item["text"])
        changes.append(item)
    return json.dumps({
        "version": 1,
        "base": {"revision": comparison.base, "commit": comparison.base_commit},
        "head": {"revision": comparison.head, "commit": comparison.head_commit},
        "changes": changes,
        "summary": {"documents": len(comparison.documents()), "changes": len(changes),
                    "by_action": dict(sorted(Counter(c.action for c in comparison.changes).items()))},
        "notes": comparison.notes,
    }, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def _unreadable_notes(found, side: str) -> list[str]:
    """One note per file whose documents are left out at one side (unreadable or misshapen)."""
    paths = sorted({d.path for d in found if d.rule.startswith("PARSE")})
    return [_("note: {path} could not be read at {side}; its documents are left out of the comparison",
              path=path, side=side) for path in paths]


def _cannot(message: str) -> Exception:
    """The command cannot compare: the CLI prints why and exits with status 2."""
    from im4cm_lint.explain import CannotRun

    return CannotRun(f"im4cm-lint diff: {message}\n")


@click.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for a terminal, markdown for a pull request or the job summary, json for tools.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .im4cm-lint.yaml or pyproject.toml found upward).")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder (for categories' sensitivity).")
@click.option("--no-cache", is_flag=True, envvar="IM4CM_LINT_NO_CACHE", help="Do not reuse .im4cm-lint-cache/.")
def command(base, head, output_format, config_path, policy_pack, no_cache) -> None:
    """What changed in sharing from git revision BASE to HEAD (default: the working tree).

    Parties added or removed, roles whose holder changed, sharing rules added, removed, widened
    or narrowed (with the sensitivity of the categories), recipients and UNHCR's capacity,
    export fields, locked clauses, Annex C entries and signatures, in words; renamed ids are
    recognised. People are described by agency, never by name. Exit status 0 when the revisions
    could be compared, 2 when they could not.
    """
    from im4cm_lint.cache import Cache
    from im4cm_lint.history import (HistoryError, changed_only, load_inputs, open_revision, repository_root,
                                    revision_inputs, working_tree_inputs)
    from im4cm_lint.pack import configured_pack

    loaded, config = configured_pack(config_path, policy_pack)
    if loaded.pack is None or config is None:
        raise _cannot("; ".join(f"{d.path}:{d.line}: {d.message}" for d in loaded.diagnostics if d.severity == "error")
                      or _("no policy pack"))
    cache = None if no_cache else Cache.open(config.root)
    try:
        root = repository_root(Path.cwd())
        base_revision = open_revision(root, base)
        head_revision = open_revision(root, head) if head is not None else None
        base_inputs, base_found = revision_inputs(base_revision, config.exclude, config.max_file_size)
        if head_revision is not None:
            head_inputs, head_found = revision_inputs(head_revision, config.exclude, config.max_file_size)
        else:
            head_inputs, head_found = working_tree_inputs(root, config.exclude, config.max_file_size)
        base_inputs, head_inputs = changed_only(base_inputs, head_inputs)  # only what differs is read
        base_project, found = load_inputs(base_inputs, config.max_file_size, None, cache)
        base_notes = _unreadable_notes(base_found + found, base)
        head_project, found = load_inputs(head_inputs, config.max_file_size, None, cache)
        head_notes = _unreadable_notes(head_found + found, head or _("the working tree"))
    except HistoryError as err:
        raise _cannot(str(err)) from None
    if cache:
        cache.save()
    comparison = Comparison(base, base_revision.commit, head, head_revision.commit if head_revision else None,
                            compare(base_project, head_project, loaded.pack), base_notes + head_notes)
    click.echo(RENDERERS[output_format](comparison), nl=False)
