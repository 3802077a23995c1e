"""Babel's extractor for im4cm-lint's Python files (``babel.cfg``: ``[im4cm: **.py]``).

It extracts what Babel's Python extractor does (``_``, ``_n``, ``N_`` calls) and, from each rule
class (a class with an ``id`` and a docstring of ``## `` sections), the ``summary`` and every
paragraph of the docstring as :func:`im4cm_lint.i18n.blocks` cuts it: the ``--explain`` pages,
``docs/rules.md`` and SARIF's rule help are translated paragraph by paragraph, code kept as written.
Only ``pybabel extract`` imports this module (Babel is a test dependency, not a runtime one).
"""

from __future__ import annotations

import ast
import inspect
from typing import IO, Any, Iterator

from babel.messages.extract import extract_python

from im4cm_lint.i18n import blocks
from im4cm_lint.rule import markdown_sections


def _rule_texts(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        doc = ast.get_docstring(node, clean=False)
        summary = _summary(node)
        if summary is None or not doc or "\n## " not in "\n" + inspect.cleandoc(doc):
            continue
        yield node.lineno, summary
        for section in markdown_sections(inspect.cleandoc(doc)).values():
            for translatable, text in blocks(section):
                if translatable:
                    yield node.body[0].lineno, text


def _summary(node: ast.ClassDef) -> str | None:
    """The class's ``summary`` (``summary = "..."`` or ``id, name, summary = ...``)."""
    for statement in node.body:
        if not isinstance(statement, ast.Assign):
            continue
        for target in statement.targets:
            names = [target] if isinstance(target, ast.Name) else list(getattr(target, "elts", []))
            values = [statement.value] if isinstance(target, ast.Name) else list(getattr(statement.value, "elts", []))
            for name, value in zip(names, values):
                if isinstance(name, ast.Name) and name.id == "summary" and isinstance(value, ast.Constant) \
                        and isinstance(value.value, str):
                    return value.value
    return None


def extract(fileobj: IO[bytes], keywords: dict, comment_tags: list, options: dict) -> Iterator[tuple[int, str, Any, list]]:
    """Babel's extraction method: the calls first, then the rule pages."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for line, text in _rule_texts(ast.parse(source)):
        yield line, "", text, ["rule page"]
