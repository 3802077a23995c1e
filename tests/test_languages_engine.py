"""The engine's messages in the users' languages, through the installed CLI in real processes:
the same rule ids, lines, columns and exit codes in every language, the message in the chosen one
(``--lang`` or the locale), click's own messages too, values isolated left to right in Arabic,
SARIF that stays valid and says its language."""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import run_process, write

FSI, PDI = "\u2068", "\u2069"
FINDING = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<rule>[A-Z]+\d{3}) (?P<severity>\w+) (?P<message>.*)$",
                     re.MULTILINE)

# A DPISP whose metadata misspells review_by: SCHEMA001 at 5:3, and the required keys it lacks (SCHEMA002).
MISSPELT = """\
    apiVersion: im4cm/v1
    kind: DPISP
    metadata:
      id: dpisp-test
      reveiw_by: 2026-03-01
    """


def environment(**values: str) -> dict:
    """This process's environment without a locale, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.pop("GITHUB_ACTIONS", None)
    return {**env, "LANG": "C.UTF-8", **values}


def lint_in(repo, *args: str, **env: str):
    return run_process(*args, cwd=repo, env=environment(**env))


def findings(output: str) -> list[tuple[str, str, str, str]]:
    return [(m["path"], m["line"], m["column"], m["rule"]) for m in FINDING.finditer(output)]


def messages(output: str, rule: str) -> list[str]:
    return [m["message"] for m in FINDING.finditer(output) if m["rule"] == rule]


@pytest.fixture
def misspelt(repo):
    write(repo, "dpisp.yaml", MISSPELT)
    return repo


def test_french_keeps_ids_lines_columns_and_exit_code(misspelt):
    english = lint_in(misspelt, "dpisp.yaml")
    french = lint_in(misspelt, "--lang", "fr", "dpisp.yaml")
    assert english.returncode == french.returncode == 1
    assert ("dpisp.yaml", "5", "3", "SCHEMA001") in findings(english.stdout)
    assert findings(french.stdout) == findings(english.stdout)
    assert messages(english.stdout, "SCHEMA001") == [
        "unknown key 'reveiw_by' in 'metadata'; did you mean 'review_by'?"]
    assert messages(french.stdout, "SCHEMA001") == [
        "clé inconnue 'reveiw_by' dans 'metadata' ; vouliez-vous dire 'review_by' ?"]
    assert "le document : il manque la clé obligatoire 'parties'" in messages(french.stdout, "SCHEMA002")
    assert "the document is missing the required key 'parties'" in messages(english.stdout, "SCHEMA002")
    total = len(findings(english.stdout))
    assert f"Found {total} problems ({total} errors, 0 warnings, 0 info) in 1 document in 1 file." in english.stdout
    summary = next(line for line in french.stdout.splitlines() if "problèmes trouvés" in line)
    assert summary.startswith(f"{total} problèmes trouvés (") and f"{total} erreurs" in summary
    assert "Found" not in french.stdout and "problems" not in french.stdout


def test_lang_may_stand_anywhere(misspelt):
    after = lint_in(misspelt, "dpisp.yaml", "--lang=fr")
    assert after.returncode == 1 and "clé inconnue 'reveiw_by'" in after.stdout


def test_the_locale_chooses_spanish(misspelt):
    spanish = lint_in(misspelt, "dpisp.yaml", LANG="es_ES.UTF-8")
    assert spanish.returncode == 1
    assert messages(spanish.stdout, "SCHEMA001") == [
        "clave desconocida 'reveiw_by' en 'metadata'; ¿quería decir 'review_by'?"]
    assert "Se encontraron" in spanish.stdout and "en 1 documento en 1 archivo." in spanish.stdout
    # --lang wins over the locale
    assert "unknown key 'reveiw_by'" in lint_in(misspelt, "--lang", "en", "dpisp.yaml", LANG="es_ES.UTF-8").stdout


def test_an_unknown_language_is_a_usage_error(misspelt):
    done = lint_in(misspelt, "--lang", "xx", "dpisp.yaml")
    assert done.returncode == 2
    assert "--lang 'xx' is not a language im4cm-lint speaks; choose one of: en, ar, fr, es" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_arabic_keeps_ids_readable(misspelt):
    english = lint_in(misspelt, "dpisp.yaml")
    arabic = lint_in(misspelt, "--lang", "ar", "dpisp.yaml")
    assert arabic.returncode == 1
    assert findings(arabic.stdout) == findings(english.stdout)  # path:line:col: RULE stay as they are
    [message] = messages(arabic.stdout, "SCHEMA001")
    assert message.startswith("مفتاح غير معروف")
    assert f"{FSI}'reveiw_by'{PDI}" in message and f"{FSI}'metadata'{PDI}" in message
    total = len(findings(english.stdout))
    summary = next(line for line in arabic.stdout.splitlines() if line.startswith("وُجدت"))
    assert f"{FSI}{total}{PDI}" in summary  # the count reads left to right inside the Arabic sentence
    assert f"{FSI}0{PDI}" in summary


def test_clicks_own_messages_follow_the_language(misspelt):
    french = lint_in(misspelt, "--lang", "fr", "--no-such-option")
    assert french.returncode == 2
    assert "Erreur : Pas d'option '--no-such-option'." in french.stderr
    assert "Utilisation : im4cm-lint check" in french.stderr
    arabic = lint_in(misspelt, "--no-such-option", LANG="ar_JO.UTF-8")
    assert arabic.returncode == 2
    assert "خطأ: لا يوجد خيار باسم '--no-such-option'." in arabic.stderr
    english = lint_in(misspelt, "--no-such-option")
    assert "Error: No such option '--no-such-option'." in english.stderr


def test_the_markdown_summary_in_french(misspelt):
    done = lint_in(misspelt, "--lang", "fr", "--format", "markdown", "dpisp.yaml")
    assert done.returncode == 1
    text = done.stdout
    assert "| SCHEMA | le document ne correspond pas à son type |" in text
    assert "**échec** : constats de niveau `error` ou plus" in text
    for english in ("| Family |", "| What it checks |", "| Severity |", "#### Findings", "no problems found"):
        assert english not in text
    assert "clé inconnue 'reveiw_by'" in text


def test_sarif_in_french_is_valid_and_says_its_language(sarif_validator, misspelt):
    french = lint_in(misspelt, "--lang", "fr", "--format", "sarif", "dpisp.yaml")
    english = lint_in(misspelt, "--format", "sarif", "dpisp.yaml")
    assert french.returncode == english.returncode == 1
    log, english_log = json.loads(french.stdout), json.loads(english.stdout)
    errors = list(sarif_validator.iter_errors(log))
    assert not errors, errors[0].message
    run, english_run = log["runs"][0], english_log["runs"][0]
    assert run["language"] == "fr"
    assert "language" not in english_run  # SARIF's default, en-US
    # ids, positions and fingerprints do not change with the language; the words do
    keys = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"], r["partialFingerprints"])
            for r in run["results"]]
    assert keys == [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"], r["partialFingerprints"])
                    for r in english_run["results"]]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["SCHEMA001"]["message"]["text"] == \
        "clé inconnue 'reveiw_by' dans 'metadata' ; vouliez-vous dire 'review_by' ?"
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["SCHEMA001"]["shortDescription"]["text"] == "Une clé que le type du document ne définit pas"
    help_page = rules["SCHEMA001"]["help"]["markdown"]
    assert help_page.startswith("## ") and "## What it checks" not in help_page
    assert "Corrigez l'orthographe comme suggéré, ou supprimez la clé." in help_page
    assert "`reveiw_by:`" in rules["SCHEMA001"]["help"]["markdown"]  # code stays as written


def test_engine_rule_pages_and_listing_in_spanish():
    page = run_process("--lang", "es", "--explain", "SCHEMA001", env=environment())
    assert page.returncode == 0
    assert "Una clave que el tipo del documento no define" in page.stdout
    assert "Corrija la escritura como se sugiere, o elimine la clave." in page.stdout
    assert "reveiw_by: 2026-03-01" in page.stdout  # the YAML example is not translated
    listing = run_process("rules", "--lang", "es", env=environment())
    assert listing.returncode == 0
    assert re.search(r"^SCHEMA001 +error +Una clave que el tipo del documento no define$", listing.stdout, re.MULTILINE)
    assert "'im4cm-lint --explain RULE' muestra qué protege una regla" in listing.stdout


def test_files_loaded_in_worker_processes_speak_the_language(repo):
    from im4cm_lint.loading import PARALLEL_MIN_FILES

    for number in range(PARALLEL_MIN_FILES):
        write(repo, f"protocols/dpisp-{number:02}.yaml", MISSPELT.replace("dpisp-test", f"dpisp-{number:02}"))
    done = lint_in(repo, "--lang", "fr", "--jobs", "2", "--no-cache", "protocols")
    assert done.returncode == 1
    found = [m for m in FINDING.finditer(done.stdout) if m["rule"] == "SCHEMA001"]
    assert len(found) == PARALLEL_MIN_FILES
    assert {(m["line"], m["column"], m["message"]) for m in found} == {
        ("5", "3", "clé inconnue 'reveiw_by' dans 'metadata' ; vouliez-vous dire 'review_by' ?")}
