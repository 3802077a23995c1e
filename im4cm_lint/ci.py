"""Output that no value from the repository can turn into a CI command.

GitHub's runner reads every line a step prints and obeys two forms of workflow command: a line
that starts with ``::`` once leading whitespace is trimmed (``::warning file=x::text``,
``::add-mask::``, ``::stop-commands::``), and ``##[name]`` anywhere in a line (the older form;
see actions/runner ``src/Runner.Common/ActionCommand.cs``, ``TryParseV2`` and ``TryParse``). A
file name, a key or a value of a document can hold either, and so can a configuration value
echoed in an error. Under Actions (``GITHUB_ACTIONS=true``) every line printed is passed through
:func:`neutralise`: a backslash goes before ``::`` at the start of a line and before the ``[`` of
``##[``, which GitHub-flavoured Markdown renders as the original text; in JSON the ``[`` becomes
``\\u005b``, which decodes to the same value. Control characters never pass in any format
(:func:`printable`), so neither a new line nor a terminal escape can be smuggled in a value.

The linter's own annotations (``reporters/github.py``) are the only workflow commands it prints;
their values are escaped as GitHub's toolkit escapes them (``packages/core/src/command.ts``,
``escapeData`` and ``escapeProperty``) and neutralised like any other text.
"""

from __future__ import annotations

import os
import re

_LEADING_COMMAND = re.compile(r"^(\s*)::", re.MULTILINE)  # .NET's TrimStart trims Unicode whitespace too
_OLD_COMMAND = "##["


def active() -> bool:
    """Whether the output goes to a GitHub Actions log (where workflow commands are obeyed)."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def printable(text: str) -> str:
    """``text`` with every control character (new lines, carriage returns, terminal escapes,
    bidirectional overrides...) written as a Python escape, so it stays on its line and means
    nothing to a terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in _PASS else ascii(ch)[1:-1] for ch in text)


# A space, and the first-strong isolate and its pop (FSI, PDI), which the messages of a right-to-left
# language put around ids and dates (im4cm_lint.i18n). They force no direction (unlike the overrides,
# embeddings and LRI/RLI, which are escaped): what they enclose reads as its own letters say, as plain
# Arabic text in a value would anyway.
_PASS = " \u2068\u2069"


# What a terminal or a log reader obeys in a file's own lines: C0 and C1 controls (escapes, carriage
# returns), line and paragraph separators, and the bidirectional overrides, embeddings and LRI/RLI.
# Tabs and new lines stay, and FSI/PDI (see _PASS).
# (A pattern string: ``re`` compiles it when a diff is first shown, not at every start-up.)
_CONTROLS = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066\u2067]"


def file_lines(text: str) -> str:
    """Lines of a file shown as they are (a diff), but for the characters a terminal obeys, which
    are written as escapes."""
    return re.sub(_CONTROLS, lambda m: ascii(m.group())[1:-1], text)


def json_printable(text: str) -> str:
    """JSON text whose strings carry every non-printable character as a ``\\u`` escape (json.dumps
    with ``ensure_ascii=False`` passes C1 controls, bidirectional overrides and line separators
    as they are); it decodes to the same values. The JSON's own new lines stay."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in " \n" else _json_escape(ch) for ch in text)


def _json_escape(ch: str) -> str:
    data = ch.encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(data[i:i + 2], 'big'):04x}" for i in range(0, len(data), 2))


def without_old_commands(text: str, *, json: bool = False) -> str:
    """``text`` with no ``##[`` (the command form the runner obeys anywhere in a line)."""
    return text.replace(_OLD_COMMAND, "##\\u005b" if json else "##\\[") if _OLD_COMMAND in text else text


def neutralise(text: str, *, json: bool = False) -> str:
    """Lines that carry no workflow command: see the module's docstring. Idempotent."""
    text = without_old_commands(text, json=json)
    if "::" in text:
        text = _LEADING_COMMAND.sub(lambda m: m.group(1) + "\\::", text)
    return text


def for_log(text: str, *, json: bool = False) -> str:
    """``text`` as it may be printed here: neutralised under GitHub Actions, unchanged elsewhere."""
    return neutralise(text, json=json) if active() else text
