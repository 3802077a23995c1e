"""The pages in the users' languages: the `--explain FILE` walkthrough, the scaffold's comments, the
pack's own words (translations/<lang>.yaml, merged along a pack's lineage) and locked clause texts,
whose translation is shown for information and never changes what the CLAUSE checks find."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES, FIXTURES, lint, lint_json, write
from im4cm_lint.loader import load_file

DRAFT = EXAMPLES / "ke-kakuma-draft"
MINI = FIXTURES / "packs" / "mini-pack"
KAKUMA = FIXTURES / "countries" / "kakuma-draft"
TODAY = "2025-09-01"
BREACH_EN = ("A participant notifies the breach incident manager within 72 hours\n"
             "      of becoming aware of a breach, and UNHCR within the same period.")
BREACH_FR = ("Un participant informe le gestionnaire des incidents dans les 72 heures "
             "après avoir eu connaissance d'une violation, et le HCR dans le même délai.")


def country_pack(root: Path, name: str, extends: str, translations: dict[str, str]) -> Path:
    """A pack that extends ``extends`` and holds only translation files (language -> YAML)."""
    folder = root / name
    write(folder, "pack.yaml", f"""
        apiVersion: im4cm/v1
        kind: PolicyPack
        metadata:
          name: {name}
          version: "1"
          extends: {extends}
        """)
    for language, body in translations.items():
        write(folder, f"translations/{language}.yaml", body)
    return folder


def test_walkthrough_of_the_draft_in_french():
    english = lint("--explain", "dpisp.yaml", cwd=DRAFT)
    french = lint("--lang", "fr", "--explain", "dpisp.yaml", cwd=DRAFT)
    assert english.code == french.code == 0, french.err
    assert "Checked against im4cm-standard@2024.1." in english.out
    assert "Next steps" in english.out
    assert "Vérifié par rapport à im4cm-standard@2024.1." in french.out
    assert "Étapes suivantes" in french.out
    assert "1. Page de garde" in french.out and "3. Rôles" in french.out
    # the pack's words come from its French translation, the ids stay as they are
    assert "Qui : Responsable de la coordination (process_lead)" in french.out
    assert "Next steps" not in french.out and "Who:" not in french.out
    # a locked clause that is not as released shows its French translation, for information
    assert "Traduction, pour information seulement (le texte anglais ci-dessus fait foi) :" in french.out
    assert "Translation, for information only" not in english.out


def test_walkthrough_in_markdown_shows_the_clause_translation_beside_the_english():
    run = lint("--lang", "es", "--explain", "dpisp.yaml", "--format", "markdown", cwd=DRAFT)
    assert run.code == 0, run.err
    assert "## Pasos siguientes" in run.out
    assert "*Traducción, solo a título informativo" in run.out
    assert "el texto en inglés de arriba es el que da fe" in run.out


def test_init_in_arabic_writes_arabic_comments_and_lints_clean(tmp_path):
    target = tmp_path / "country"
    english_target = tmp_path / "english"
    run = lint("--lang", "ar", "init", "--country", "et", "--operation", "Gambella refugee response",
               "--implementing-partner", "sc", str(target))
    assert run.code == 0, run.err
    assert "ما تبقى للاستكمال:" in run.out
    lint("init", "--country", "et", "--operation", "Gambella refugee response", "--implementing-partner", "sc",
         str(english_target))
    arabic, english = ((t / "dpisp.yaml").read_text(encoding="utf-8") for t in (target, english_target))
    assert "# كل جهة تتبادل البيانات أو تستلمها بموجب هذا البروتوكول. يجب على كل منها توقيعه." in arabic
    assert "# Every agency that shares or receives data" in english
    assert "Every agency that shares" not in arabic
    # keys, ids and values are the same: only the comments differ
    [ar_doc] = load_file(str(target / "dpisp.yaml"), "dpisp.yaml").documents
    [en_doc] = load_file(str(english_target / "dpisp.yaml"), "dpisp.yaml").documents
    assert ar_doc.body == en_doc.body
    for name in ("dpia.yaml", "exports/example.yaml", ".im4cm-lint.yaml"):
        ar_doc, en_doc = (load_file(str(t / name), name, any_mapping=True).documents[0] for t in (target, english_target))
        assert ar_doc.body == en_doc.body, name
    # values inside Arabic words are isolated left to right (FSI ... PDI), in a comment as anywhere
    assert "# قيّموا: \u2068low | medium | high\u2069" in (target / "dpia.yaml").read_text(encoding="utf-8")
    arabic_findings = lint_json(".", cwd=target)
    english_findings = lint_json(".", cwd=english_target)
    assert [f for f in arabic_findings.findings() if f[0].startswith(("PARSE", "SCHEMA", "REF"))] == []
    assert arabic_findings.findings() == english_findings.findings()
    assert arabic_findings.code == english_findings.code


def test_the_standard_in_french_and_in_english():
    french = lint("--lang", "fr", "--explain", "identity.name")
    english = lint("--explain", "identity.name")
    assert french.code == english.code == 0
    assert french.out.startswith("identity.name: Nom de l'enfant (high; identifie une personne)\n")
    assert english.out.startswith("identity.name: Name of the child (high; identifies a person)\n")
    listing = lint("--lang", "fr", "pack", "roles")
    assert "process_lead" in listing.out and "Responsable de la coordination" in listing.out


def test_a_pack_with_a_french_translation(tmp_path):
    pack = country_pack(tmp_path, "fr-mini", str(MINI), {"fr": """
        language: fr
        review: awaiting review by a native speaker from the field
        categories:
          identity.name: {name: Nom, description: Les noms de l'enfant.}
        """})
    french = lint("--lang", "fr", "--policy-pack", str(pack), "--explain", "identity.name")
    english = lint("--policy-pack", str(pack), "--explain", "identity.name")
    assert french.code == english.code == 0, french.err
    assert french.out.startswith("identity.name: Nom (moderate; identifie une personne)\n\nLes noms de l'enfant.\n")
    assert english.out.startswith("identity.name: Name (moderate; identifies a person)\n\nThe child's names.\n")
    # a language the pack does not translate shows the English
    spanish = lint("--lang", "es", "--policy-pack", str(pack), "--explain", "identity.name")
    assert spanish.out.startswith("identity.name: Name (moderate; identifica a una persona)\n")


def test_a_country_pack_adds_a_language_and_overrides_a_word(tmp_path):
    """A pack without translations; a country pack adds French; the pack extending that one
    changes one word and keeps the rest of the French."""
    base = country_pack(tmp_path, "country", str(MINI), {"fr": """
        language: fr
        categories:
          identity.name: {name: Nom, description: Les noms de l'enfant.}
          aggregate.counts: {name: Décomptes}
        purposes:
          referral.service: {name: Orientation vers un service}
        """})
    local = country_pack(tmp_path, "local", "../country", {"fr": """
        language: fr
        categories:
          identity.name: {name: Nom et prénoms}
        """})
    run = lint("--lang", "fr", "--policy-pack", str(local), "pack", "categories", "purposes")
    assert run.code == 0, run.err
    assert "identity.name                        moderate  Nom et prénoms (identifie une personne)" in run.out
    assert "aggregate.counts                     low       Décomptes (n'identifie pas)" in run.out
    assert "referral.service                 Orientation vers un service (individuel ; bases : -)" in run.out
    page = lint("--lang", "fr", "--policy-pack", str(local), "--explain", "identity.name")
    assert "\n\nLes noms de l'enfant.\n" in page.out  # the description the country pack gave
    parent_only = lint("--lang", "fr", "--policy-pack", str(base), "pack", "categories")
    assert "identity.name                        moderate  Nom (identifie une personne)" in parent_only.out


def test_an_unknown_id_in_a_translations_file_is_a_clear_pack_error(tmp_path):
    pack = country_pack(tmp_path, "typo", str(MINI), {"fr": """
        language: fr
        categories:
          identity.nmae: {name: Nom}
          Amina Canaryson: {name: Nom}
        roles:
          process_lead: {nom: Coordination}
        clauses:
          breach: {text: Texte, release: "9.9"}
        """})
    run = lint("--policy-pack", str(pack), "pack", "categories")
    assert run.code == 2
    assert "Traceback" not in run.err + run.out
    # a key that is not an id is shown by position and length, never repeated (contract 5.5)
    assert "Amina" not in run.err + run.out and "the pack has no categories entry [15 characters at 4:3]" in run.err + run.out
    shown = "typo/translations/fr.yaml"
    assert f"{shown}:3:3: CONFIG004 error translations 'fr': the pack has no categories entry 'identity.nmae'" \
        in run.err + run.out
    assert ("translations 'fr': roles 'process_lead' has no field 'nom' to translate; "
            "translate: name, description") in run.err + run.out
    assert "translations 'fr': clause 'breach' has no release '9.9'; its releases: 2.0, 1.0" in run.err + run.out


def test_a_translations_file_names_its_language(tmp_path):
    pack = country_pack(tmp_path, "named", str(MINI), {"fr": "language: es\n"})
    run = lint("--policy-pack", str(pack), "pack", "categories")
    assert run.code == 2
    assert "'language' must be the language code of the file's name ('fr')" in run.err + run.out


def test_a_french_clause_translation_never_changes_clause_findings(repo, tmp_path):
    """The English text is authoritative: a document holding the French translation instead of
    the locked English text is CLAUSE001 in every language, and a document holding the English is
    clean in every language."""
    pack = country_pack(tmp_path, "fr-clauses", str(MINI), {"fr": f"""
        language: fr
        clauses:
          breach: {{title: Notification des violations, release: "2.0", text: "{BREACH_FR}"}}
        """})
    base = (KAKUMA / "dpisp.yaml").read_text(encoding="utf-8")
    assert BREACH_EN in base
    for text, expected in ((base, []), (base.replace(BREACH_EN, BREACH_FR), [("CLAUSE001", 49, 11, "error")])):
        write(repo, "dpisp.yaml", text)
        found = {}
        for language in ("en", "fr"):
            run = lint_json("--lang", language, "--select", "CLAUSE", "--policy-pack", str(pack), "--today", TODAY,
                            ".", cwd=repo)
            found[language] = [(d["rule"], d["line"], d["column"], d["severity"]) for d in run.json["diagnostics"]]
            assert run.code == (1 if expected else 0), run.out
        assert found["en"] == found["fr"] == expected
    page = lint("--lang", "fr", "--policy-pack", str(pack), "--explain", "breach")
    assert page.out.startswith("breach: Notification des violations (verrouillée)\n")
    assert "A participant notifies the breach incident manager within 72 hours" in page.out
    assert "Traduction, pour information seulement" in page.out and BREACH_FR[:40] in page.out
    english_page = lint("--policy-pack", str(pack), "--explain", "breach")
    assert english_page.out.startswith("breach: Breach notification (locked)\n")
    assert "Translation, for information" not in english_page.out and BREACH_FR[:40] not in english_page.out


def test_the_standards_translations_are_marked_for_review():
    folder = Path(__file__).resolve().parent.parent / "policies" / "im4cm-standard" / "translations"
    for language in ("ar", "fr", "es"):
        [doc] = load_file(str(folder / f"{language}.yaml"), f"{language}.yaml", any_mapping=True).documents
        assert doc.body["language"] == language
        assert doc.body["review"] == "awaiting review by a native speaker from the field"

