"""Babel's extractor for im4cm-lint's Python files (``babel.cfg``: ``[im4cm: **.py]``).

It extracts what Babel's Python extractor does (``_``, ``_n``, ``N_`` calls); the ``help=`` of
click's options and commands and the commands' docstrings (``--help``); and, from each rule
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


def _command_texts(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """The ``help=`` of click options and commands, and the docstrings of commands (the function
    under a ``...command(...)`` or ``...group(...)`` decorator), as ``cli._in_language`` looks
    them up: cleaned of their indentation."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, str) and keyword.value.value.strip():
                    yield node.lineno, inspect.cleandoc(keyword.value.value)
        elif isinstance(node, ast.FunctionDef) and any(_is_command(d) for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.lineno, doc


def _is_command(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in ("command", "group")


def extract(fileobj: IO[bytes], keywords: dict, comment_tags: list, options: dict) -> Iterator[tuple[int, str, Any, list]]:
    """Babel's extraction method: the calls first, then the rule pages."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    tree = ast.parse(source)
    for line, text in _rule_texts(tree):
        yield line, "", text, ["rule page"]
    for line, text in _command_texts(tree):
        yield line, "", text, ["command-line help"]
