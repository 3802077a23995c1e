"""Messages and pages in the users' languages: gettext catalogs, managed with Babel.

English is written in the code and is the default; ``--lang`` or the locale (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``) chooses Arabic, French or Spanish. Each catalog is a gettext
domain: the engine's (``im4cm_lint``), the one for click's own messages (``im4cm_lint_click``) and
one per plugin, named by the ``im4cm_lint_catalogs`` hook, so a plugin brings its own translations.
``_`` looks a message up in every catalog of the chosen language and falls back to the English it
was given; ids, YAML keys, rule ids and the pack's ids are values, never translated.

In a right-to-left language the values a message names (ids, dates, paths, counts) are wrapped in
Unicode isolates (FSI ... PDI), so they read left to right inside Arabic text, in a terminal as in
SARIF or the HTML report.

How to update a catalog: CONTRIBUTING.md, "Translations".
"""

from __future__ import annotations

import gettext
import os
import re
from pathlib import Path
from typing import Any, Mapping

ENGLISH = "en"
LANGUAGES = {"en": "English", "ar": "العربية", "fr": "Français", "es": "Español"}
RIGHT_TO_LEFT = frozenset({"ar"})
LOCALES = Path(__file__).resolve().parent / "locale"
DOMAIN = "im4cm_lint"
CLICK_DOMAIN = "im4cm_lint_click"
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate, pop directional isolate

_state: dict[str, Any] = {"language": ENGLISH, "catalogs": None}


class UnknownLanguage(ValueError):
    """A ``--lang`` that names no language the linter speaks."""


def _code(tag: str) -> str:
    """'ar' from 'ar_JO.UTF-8', 'fr-FR', 'es@euro'."""
    return re.split(r"[_.@-]", tag.strip(), maxsplit=1)[0].lower()


def from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """The language of the locale, as gettext reads it: the first of LANGUAGE (a list), LC_ALL,
    LC_MESSAGES and LANG that is set decides; a language the linter does not speak, or the C
    locale, means English."""
    for name in ENVIRONMENT:
        value = environ.get(name, "")
        if not value:
            continue
        for tag in value.split(":") if name == "LANGUAGE" else [value]:
            if _code(tag) in LANGUAGES:
                return _code(tag)
        if name != "LANGUAGE":
            return ENGLISH
    return ENGLISH


def choose(requested: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The language of the run: ``--lang`` when given (``ar``, ``ar_JO``, ``fr-FR``...), else the
    locale's."""
    if not requested:
        return from_environment(environ)
    code = _code(requested)
    if code not in LANGUAGES:
        raise UnknownLanguage(f"--lang '{requested}' is not a language im4cm-lint speaks; "
                              f"choose one of: {', '.join(LANGUAGES)}")
    return code


def activate(language: str) -> None:
    """Make ``language`` the language of the messages from now on (the catalogs load when the
    first message needs them). click's own messages ("Usage:", "No such option") follow: click
    asks the stdlib's gettext, which reads LANGUAGE."""
    _state.update(language=language, catalogs=None)
    gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALES))
    gettext.textdomain(CLICK_DOMAIN)
    os.environ["LANGUAGE"] = language


def current() -> str:
    return _state["language"]


def right_to_left(language: str | None = None) -> bool:
    return (language or current()) in RIGHT_TO_LEFT


def _catalogs() -> list[gettext.NullTranslations]:
    catalogs = _state["catalogs"]
    if catalogs is None:
        catalogs = []
        if current() != ENGLISH:
            for domain, folder in [(DOMAIN, LOCALES), *_plugin_catalogs()]:
                found = gettext.translation(domain, str(folder), languages=[current()], fallback=True)
                if type(found) is not gettext.NullTranslations:
                    catalogs.append(found)
        _state["catalogs"] = catalogs
    return catalogs


def _plugin_catalogs() -> list[tuple[str, Path]]:
    from im4cm_lint.hooks import catalogs

    return catalogs()


def stamp() -> str:
    """What the translated messages depend on (the language and the catalogs' files), for the
    cache's keys: a finding cached in one language is not reused in another."""
    parts = [current()]
    for domain, folder in [(DOMAIN, LOCALES), *(_plugin_catalogs() if current() != ENGLISH else [])]:
        mo = Path(folder) / current() / "LC_MESSAGES" / f"{domain}.mo"
        if mo.is_file():
            info = mo.stat()
            parts.append(f"{mo}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(parts)


def _isolated(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or value == "":
        return value
    return f"{FSI}{value}{PDI}"


def _format(translated: str, english: str, values: dict[str, Any]) -> str:
    """The message with its values; a translation whose placeholders do not match the English
    falls back to the English, never to an error."""
    if right_to_left():
        values = {name: _isolated(value) for name, value in values.items()}
    try:
        return translated.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return english.format(**values)


def _(message: str, /, **values: Any) -> str:
    """``message`` in the chosen language, with ``values`` put in its ``{placeholders}`` (given
    values, braces meant as text are written ``{{`` and ``}}``)."""
    text = message
    for catalog in _catalogs():
        found = catalog.gettext(message)
        if found != message:
            text = found
            break
    return _format(text, message, values) if values else text


def _n(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """The form of a message for the count ``n`` in the chosen language (Arabic has six),
    with ``n`` and ``values`` put in its placeholders."""
    english = singular if n == 1 else plural
    text = english
    for catalog in _catalogs():
        found = catalog.ngettext(singular, plural, n)
        if found not in (singular, plural):
            text = found
            break
    return _format(text, english, {"n": n, **values})


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined (a class attribute, a module constant);
    ``_`` translates it where it is shown."""
    return message


_FENCE = re.compile(r"^\s*```")


def blocks(markdown: str) -> list[tuple[bool, str]]:
    """A page's Markdown as (translatable, text) blocks: paragraphs and lists to translate, code
    blocks (YAML examples, commands) kept as written. One function serves the catalogs' extractor
    and the pages, so a paragraph is looked up exactly as it was extracted."""
    found: list[tuple[bool, str]] = []
    lines: list[str] = []
    in_code = False

    def close(translatable: bool) -> None:
        text = "\n".join(lines).strip("\n")
        if text.strip():
            found.append((translatable, text))
        lines.clear()

    for line in markdown.splitlines():
        if _FENCE.match(line):
            if in_code:
                lines.append(line)
                close(False)
            else:
                close(True)
                lines.append(line)
            in_code = not in_code
        elif not in_code and not line.strip():
            close(True)
        else:
            lines.append(line)
    close(not in_code)
    return found


def translated_markdown(markdown: str) -> str:
    """A page (a rule's section, a help text) in the chosen language, block by block; code
    blocks as written."""
    if current() == ENGLISH or not markdown:
        return markdown
    return "\n\n".join(_(text) if translatable else text for translatable, text in blocks(markdown))
