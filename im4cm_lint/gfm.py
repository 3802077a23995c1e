"""Values from the repository written into GitHub-flavoured Markdown as text, never as markup.

A job summary or a pull-request comment renders Markdown with GitHub's extensions: a file name,
a key or a value of a document must not become an image (a tracking pixel), a link to an outside
host, raw HTML, a table break, a @mention (a notification to whoever is named) or a reference
to an issue. Backslash escapes stop the markup, but not GitHub's autolinks, which are found in
the rendered text (so ``https\\://host`` is still linked): those are broken with an invisible
WORD JOINER (U+2060) after ``@`` and ``#`` and inside ``://`` and ``www.``, which the text keeps
looking the same. Control characters are escaped first (:func:`im4cm_lint.ci.printable`), so a
value stays on its line and in its table cell. Code spans are fenced by more backticks than the
value holds, so no value can close one early.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from im4cm_lint.ci import printable

JOINER = "\u2060"
_MARKUP = re.compile(r"([\\`*~\[\]<>&|#])")  # code, emphasis, links, images, HTML, entities, tables; "_" is left: ids hold it
_AUTOLINK = re.compile(r"(?i)(?<=[@#])|(?<=:)(?=//)|(?<=www)(?=\.)")
_BACKTICKS = re.compile(r"`+")


def _break_autolinks(text: str) -> str:
    return _AUTOLINK.sub(JOINER, text)


def text(value: object) -> str:
    """``value`` as literal text in Markdown (a paragraph, a list item or a table cell)."""
    return _MARKUP.sub(r"\\\1", _break_autolinks(printable(str(value))))


def code(value: object) -> str:
    """``value`` as a code span: shown as it is; GitHub finds no link, mention or HTML in code."""
    value = printable(str(value)).replace("|", "\\|")  # a table cell ends at '|' even in code (GFM)
    longest = max((len(run) for run in _BACKTICKS.findall(value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith(("`", " ")) or value.endswith(("`", " ")) or not value else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def link(label: str, base: str, path: str, anchor: str = "") -> str:
    """A link whose label is text and whose target is ``base`` (trusted: the CI's own server and
    repository) followed by ``path`` from the repository, percent-encoded, so a file name cannot
    end the link or point it elsewhere."""
    target = f"{base.rstrip('/')}/{quote(printable(path), safe='/')}"
    return f"[{text(label)}]({target}{'#' + quote(anchor, safe='') if anchor else ''})"
