"""``im4cm-lint --explain FILE``: a drafting walkthrough of a DPISP, DPIA or export, section by
section: what the section is for, who drafts it, what it holds now and the run's findings in it,
then the next steps, errors first.

The engine runs the lint and hands this plugin the documents and findings of the file; the
walkthrough explains that run and never judges the documents itself.
"""

from __future__ import annotations

from im4cm_lint import hookimpl


@hookimpl
def im4cm_lint_walkthrough(target, documents, findings, result, output_format, colour):
    from im4cm_lint_checks.walkthrough.render import render_markdown, render_text
    from im4cm_lint_checks.walkthrough.sections import SPECS

    inside = [d for d in documents if d.kind in SPECS]
    files = {d.path for d in inside} | {target}
    findings = [d for d in findings if d.path in files]
    pages = _pages(inside, findings, result.pack)
    placed = [d for _, blocks in pages for block in blocks for item in [block, *block.children] for d in item.findings]
    loose = [d for d in findings if d not in placed]
    render = render_markdown if output_format == "markdown" else render_text
    return render(target, pages, loose, result.pack, colour)


def _pages(inside: list, findings: list, pack) -> list:
    """(document, its sections) for each document, in file order, with the findings about it."""
    from im4cm_lint_checks.walkthrough.state import document_blocks

    pages = []
    for doc in sorted(inside, key=lambda d: (d.path, d.index)):
        alone = sum(1 for other in inside if other.path == doc.path) == 1
        own = [d for d in findings if d.path == doc.path and (d.location.doc_id == doc.id or
                                                            (not d.location.doc_id and alone))]
        pages.append((doc, document_blocks(doc, pack, own)))
    return pages
