"""The walkthrough as terminal text or as Markdown (for an email or a wiki)."""

from __future__ import annotations

import textwrap

import click

from im4cm_lint import gfm
from im4cm_lint.ci import for_log
from im4cm_lint.i18n import N_, _, _n
from im4cm_lint_checks.walkthrough.sections import Block
from im4cm_lint_checks.walkthrough.state import finding_line, next_steps, severity_words as _severity

SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
SEVERITY_RANK_ORDER = ("error", "warning", "info")
KIND_WORDS = {"DPISP": N_("Data Protection and Information Sharing Protocol"),
              "DPIA": N_("Data Protection Impact Assessment"),
              "DataExport": N_("data export definition"), "System": N_("a system's own configuration")}


def _kind_words(kind: str) -> str:
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


WHO = N_("Who:")
SHOWN_WHEN_CLEAN = 3  # state lines of a section with nothing to fix; the rest are counted


def _step_numbers(steps) -> dict[int, int]:
    """Next-step number of each finding (by identity): a section points at its steps, so every
    finding is written out once, in the next steps, errors first."""
    return {id(diag): number for number, (_, _, diag) in enumerate(steps, 1) if diag is not None}


def _pointer(findings, numbers: dict[int, int]) -> str:
    """Where a section's findings are explained: their next steps, and which rules they are."""
    steps = sorted(numbers[id(d)] for d in findings)
    runs: list[list[int]] = []
    for step in steps:
        if runs and step == runs[-1][-1] + 1:
            runs[-1].append(step)
        else:
            runs.append([step])
    spans = [str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs]
    rules = sorted({d.rule for d in findings})
    return _n("next step {steps} ({rules})", "next steps {steps} ({rules})", len(steps),
              steps=", ".join(spans), rules=", ".join(rules))


def _clean(block: Block) -> bool:
    return not block.findings and not block.todo and not any(c.findings or c.todo for c in block.children)


def render_text(shown, pages, loose, pack, colour: bool) -> str:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text

    tags = {"LOCKED": dict(fg="magenta", bold=True), "ADAPTABLE": dict(fg="cyan", bold=True)}
    out: list[str] = []
    if not pages:
        out.append(_("{path}: no DPISP, DPIA, DataExport or System document that can be walked through.", path=shown))
    for doc, blocks in pages:
        steps = next_steps(blocks)
        numbers = _step_numbers(steps)
        out += [style(f"{doc.path}: {doc.kind} '{doc.id}', {_kind_words(doc.kind)}", bold=True),
                _("Checked against {pack}.", pack=pack.ref) if pack else _("Checked against no policy pack."), ""]
        for number, block in enumerate(blocks, 1):
            out.append(style(f"{number}. {block.title}", bold=True, underline=True))
            if _clean(block):
                out += _clean_lines(block, "   ")
                continue
            out += _text_block(block, style, numbers, "   ")
            for child in block.children:
                tag = style(f"[{child.tag}]", **tags.get(child.tag, {}))
                if _clean(child):
                    out.append(f"   {tag} {child.title}: {'; '.join(child.state)}")
                    continue
                out.append(f"   {tag} {style(child.title, bold=True)}")
                out += _text_block(child, style, numbers, "      ")
                out += _text_translation(child, "      ")
            out.append("")
        out.append(style(_("Next steps"), bold=True, underline=True))
        for number, (where, what, diag) in enumerate(steps, 1):
            if diag is not None:
                sev = style(_severity(diag.severity), fg=SEVERITY_COLOURS[diag.severity])
                what = _("{rule} {severity} (line {line}): {message}", rule=diag.rule, severity=sev, line=diag.line,
                         message=diag.message) + (_(" [fixable]") if diag.fix else "")
            out.append(f"   {number}. [{where}] {what}")
        if any(diag for _where, _what, diag in steps):
            out.append("   " + _("'im4cm-lint --explain RULE' says why a rule matters and how to fix it; "
                             "'im4cm-lint --fix' repairs what can be repaired safely."))
        if not steps:
            out.append("   " + _("Nothing left to fix here.") + " " + _done_words(doc))
        out.append("")
    if loose:
        out.append(style(_("Findings about the file itself"), bold=True, underline=True))
        out += [f"   {finding_line(d)}" for d in loose]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _clean_lines(block: Block, indent: str) -> list[str]:
    """A section with nothing to fix, in a few lines: what it holds (the first lines of it), its
    clauses counted by kind. The full page is ``--format markdown``."""
    lines = list(block.state)
    if block.children:
        kinds = {tag: sum(1 for c in block.children if c.tag == tag) for tag in ("LOCKED", "ADAPTABLE")}
        lines.append(_n("{n} clause ({locked} locked, {adaptable} adaptable), all as the standard expects",
                        "{n} clauses ({locked} locked, {adaptable} adaptable), all as the standard expects",
                        len(block.children), locked=kinds["LOCKED"], adaptable=kinds["ADAPTABLE"]))
    shown = [f"{indent}- {line}" for line in lines[:SHOWN_WHEN_CLEAN]]
    if len(lines) > SHOWN_WHEN_CLEAN:
        shown.append(f"{indent}- " + _("and {count} more (--format markdown lists them all)",
                                       count=len(lines) - SHOWN_WHEN_CLEAN))
    return shown + [""]


def _done_words(doc) -> str:
    status = doc.metadata.get("status")
    if doc.kind == "DPISP" and status in ("draft", "in_review"):
        return _("Circulate it for review, then have every party sign it.")
    if doc.kind == "DPIA" and status in ("draft", "in_review"):
        return _("Complete the assessment with the people who own the risks, then record the sign-off.")
    return _("Keep it under review: confirm the roles and the review date.")


def _text_block(block: Block, style, numbers: dict[int, int], indent: str) -> list[str]:
    out = []
    if block.purpose:
        out += textwrap.wrap(block.purpose, width=100, initial_indent=indent, subsequent_indent=indent)
    if block.who:
        out.append(f"{indent}{style(_(WHO), bold=True)} {block.who}")
    for line in block.state:
        out.append(f"{indent}- {line}")
    if block.findings:
        worst = min(block.findings, key=lambda d: SEVERITY_RANK_ORDER.index(d.severity)).severity
        out.append(f"{indent}{style('!', fg=SEVERITY_COLOURS[worst], bold=True)} {_pointer(block.findings, numbers)}")
    return out


def _text_translation(block: Block, indent: str) -> list[str]:
    """A locked clause's English text and its translation in the pack, for information."""
    out = []
    for label, text in block.texts:
        out.append(f"{indent}{label}")
        out += textwrap.wrap(" ".join(text.split()), width=100, initial_indent=indent + "  ", subsequent_indent=indent + "  ")
    return out


def render_markdown(shown, pages, loose, pack, colour: bool) -> str:
    """The walkthrough as Markdown; every value of the document is literal text (im4cm_lint.gfm),
    so a name or a key cannot become an image, a link, HTML or a @mention in a wiki or an email."""
    out: list[str] = []
    if not pages:
        out.append(_("{path}: no DPISP, DPIA, DataExport or System document that can be walked through.",
                     path=gfm.code(shown)) + "\n")
    for doc, blocks in pages:
        steps = next_steps(blocks)
        numbers = _step_numbers(steps)
        out += [f"# {doc.kind} {gfm.code(doc.id)} ({gfm.text(doc.path)})", "",
                _("{kind}, checked against {pack}.", kind=_kind_words(doc.kind),
                  pack=gfm.code(pack.ref if pack else _("no policy pack"))), ""]
        for number, block in enumerate(blocks, 1):
            out += [f"## {number}. {gfm.text(block.title)}", ""]
            out += _md_block(block, numbers)
            for child in block.children:
                out += [f"### **{child.tag}** {gfm.text(child.title)}", ""]
                out += _md_block(child, numbers)
                for label, text in child.texts:
                    out += [f"*{gfm.text(label)}*", "", gfm.text(" ".join(text.split())), ""]
        out += ["## " + _("Next steps"), ""]
        for number, (where, what, diag) in enumerate(steps, 1):
            what = _md_finding(diag) if diag is not None else gfm.text(what)
            out.append(f"{number}. **{gfm.text(where)}**: {what}")
        if not steps:
            out.append(_("Nothing left to fix here.") + " " + _done_words(doc))
        out.append("")
    if loose:
        out += ["## " + _("Findings about the file itself"), ""] + [f"- {_md_finding(d)}" for d in loose] + [""]
    return for_log("\n".join(out).rstrip() + "\n")


def _md_finding(diag) -> str:
    return _("{rule} {severity} (line {line}): {message}", rule=f"`{diag.rule}`", severity=_severity(diag.severity),
             line=diag.line, message=gfm.text(diag.message)) + (_(" [fixable]") if diag.fix else "")


def _md_block(block: Block, numbers: dict[int, int]) -> list[str]:
    out = []
    if block.purpose:
        out += [block.purpose, ""]
    if block.who:
        out += [f"**{_(WHO)}** {block.who}", ""]
    out += [f"- {gfm.text(line)}" for line in block.state]
    if block.findings:
        out.append(f"- ⚠ {_pointer(block.findings, numbers)}")
    if block.state or block.findings:
        out.append("")
    return out
