"""The catalogs (issue 18): every message of the code and every paragraph of every rule page has a
translation in Arabic, French and Spanish, none empty or fuzzy, with the same placeholders as the
English; the compiled catalogs are those of the sources; and a change to an English message
without a catalog update fails here.
"""

from __future__ import annotations

import gettext
import re
import subprocess
import sys

import polib
import pytest

from conftest import EXAMPLES, REPO, lint

sys.path.insert(0, str(REPO / "tools"))
import catalogs as catalog_tool  # noqa: E402 - the maintainers' script: one list of catalogs

LANGUAGES = catalog_tool.LANGUAGES
CATALOGS = catalog_tool.catalogs()
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}(?!\})")


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, polib.POFile]:
    """What the code says today, extracted as ``pybabel extract`` does (tools/catalogs.py)."""
    out = tmp_path_factory.mktemp("pot")
    found = {}
    for domain, (code, _locales) in CATALOGS.items():
        pot = out / f"{domain}.pot"
        mapping = ["-F", str(REPO / "babel.cfg")] if code.is_relative_to(REPO) else []
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", *mapping,
                        *catalog_tool.KEYWORDS, "-o", str(pot), str(code)],
                       check=True, capture_output=True, cwd=REPO)
        found[domain] = polib.pofile(str(pot))
    return found


def _catalog(domain: str, language: str) -> polib.POFile:
    return polib.pofile(str(CATALOGS[domain][1] / language / "LC_MESSAGES" / f"{domain}.po"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", list(CATALOGS))
def test_every_message_has_a_translation(templates, domain, language):
    translated = {entry.msgid: entry for entry in _catalog(domain, language)
                  if not entry.obsolete and "fuzzy" not in entry.flags
                  and (all(entry.msgstr_plural.values()) if entry.msgid_plural else entry.msgstr)}
    missing = [entry.msgid for entry in templates[domain] if entry.msgid not in translated]
    assert not missing, (f"{len(missing)} English messages have no {language} translation in {domain} "
                         f"(run `python tools/catalogs.py`, then translate): {missing[:5]}")
    assert templates[domain], domain


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", list(CATALOGS))
def test_translations_keep_the_placeholders_and_the_catalog_awaits_review(domain, language):
    catalog = _catalog(domain, language)
    assert "awaiting review by a native speaker" in catalog.metadata.get("X-Review-Status", "") \
        or "reviewed" in catalog.metadata.get("X-Review-Status", "")
    wrong = []
    for entry in catalog:
        english = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in ([entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()):
            used = set(PLACEHOLDER.findall(text))
            # a plural form may word the count, and click's forms name different values
            dropped = english - {"n"} - used if not entry.msgid_plural else set()
            if text and (used - english or dropped):
                wrong.append((entry.msgid[:60], text[:60]))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", list(CATALOGS))
def test_the_compiled_catalogs_are_those_of_the_sources(domain, language):
    """The .mo files are committed (a fresh pip install works offline): they must be compiled
    from the .po files as they are."""
    mo = CATALOGS[domain][1] / language / "LC_MESSAGES" / f"{domain}.mo"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _catalog(domain, language):
        if entry.obsolete or not entry.msgstr or entry.msgid_plural:
            continue
        assert compiled.gettext(entry.msgid) == entry.msgstr, f"{mo} is stale: run `python tools/catalogs.py`"


def test_a_changed_english_message_is_caught(templates, tmp_path):
    """The check above fails when the code says something the catalogs do not know."""
    changed = polib.POFile()
    changed.append(polib.POEntry(msgid="a message nobody has translated yet"))
    translated = {entry.msgid for entry in _catalog("im4cm_lint_checks", "fr") if entry.msgstr}
    assert [e.msgid for e in changed if e.msgid not in translated] == ["a message nobody has translated yet"]
    assert templates["im4cm_lint_checks"].find("What it checks") is None  # headings are the engine's words
    assert templates["im4cm_lint"].find("What it checks") is not None


def _positions(run) -> list[tuple]:
    return [(d["rule"], d["path"], d["line"], d["column"], d["severity"]) for d in run.json["diagnostics"]]


def test_arabic_keeps_the_rule_ids_lines_and_exit_code(tmp_path):
    english = lint("--format", "json", "--no-cache", str(EXAMPLES / "ke-kakuma-draft"))
    arabic = lint("--format", "json", "--no-cache", "--lang", "ar", str(EXAMPLES / "ke-kakuma-draft"))
    assert english.code == arabic.code == 1
    assert _positions(english) == _positions(arabic) and len(_positions(arabic)) > 50
    messages = [d["message"] for d in arabic.json["diagnostics"]]
    assert all(re.search("[\u0600-\u06ff]", m) for m in messages), [m for m in messages if not re.search("[\u0600-\u06ff]", m)][:3]
    assert [d["fingerprint"] for d in english.json["diagnostics"]] == [d["fingerprint"] for d in arabic.json["diagnostics"]]


def test_arabic_text_output_on_the_draft_example():
    english = lint("--no-cache", str(EXAMPLES / "ke-kakuma-draft"))
    arabic = lint("--no-cache", "--lang", "ar", str(EXAMPLES / "ke-kakuma-draft"))
    assert english.code == arabic.code == 1
    where = [line.split(" ", 2)[:2] for line in english.out.splitlines() if re.match(r"\S+:\d+:\d+: ", line)]
    assert where == [line.split(" ", 2)[:2] for line in arabic.out.splitlines() if re.match(r"\S+:\d+:\d+: ", line)]
    assert re.search("[\u0600-\u06ff]", arabic.out)


@pytest.mark.parametrize("language, word", [("fr", "Utilisation"), ("es", "Uso"), ("ar", "الاستخدام")])
def test_clicks_own_messages_follow_the_language(language, word):
    run = lint("--lang", language, "--no-such-option")
    assert run.code == 2
    assert word in run.out + run.err


def test_the_locale_chooses_the_language_and_english_is_the_default():
    french = lint("--explain", "DPIA001", env={"LANG": "fr_FR.UTF-8"})
    plain = lint("--explain", "DPIA001", env={"LANG": "C.UTF-8"})
    assert french.out != plain.out and "DPIA001" in french.out
    assert "What it checks" in plain.out and "What it checks" not in french.out


def test_help_follows_the_language_and_english_comes_back():
    """``--help`` of the linter and of a plugin's command, in French, then in English again in the
    same process (click keeps the command objects: the English is kept aside, never lost)."""
    french = lint("--lang", "fr", "--help")
    assert french.code == 0 and french.out.startswith("Utilisation : ")
    assert "--lang" in french.out and "Language of messages" not in french.out
    init = lint("--lang", "fr", "init", "--help")
    assert init.code == 0 and "--country" in init.out and init.out.startswith("Utilisation : ") and " init " in init.out.splitlines()[0]
    english = lint("init", "--help")
    assert "Usage:" in english.out and english.out != init.out
    assert lint("--help").out.count("Language of messages and pages") == 1
