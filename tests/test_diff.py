"""``im4cm-lint diff BASE [HEAD]``: real git repositories, real commits, exact lines.

Every test builds a repository in a temporary folder, commits a protocol (and an export), changes
it, and reads what the diff says: in the users' words, with no name of a person, and in Markdown
that GitHub shows as written.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import lint, write

PROTOCOL = """
    apiVersion: im4cm/v1
    kind: DPISP
    metadata:
      id: ke-kakuma
      country: KE
      operation: Kakuma refugee response
      setting: refugee
      template: im4cm-standard@2024.1
      version: 1.0.0
      status: in_force
      effective: 2025-01-01
      review_by: 2026-01-01
    parties:
      - {id: unhcr, name: UNHCR Kenya, type: un_agency, unhcr_roles: [service_provider]}
      - {id: irc, name: International Rescue Committee, type: ingo, unhcr_partnership: implementing_partner}
    roles:
      process_lead:
        holder: {name: A. Akinyi, title: CP Officer, party: unhcr}
        backup: {name: B. Barasa, title: Associate CP Officer, party: unhcr}
        confirmed: 2025-06-01
    clauses:
      - id: local-context
        text: Kakuma camp and Kalobeyei settlement.
    sharing:
      - id: irc-to-unhcr
        from: irc
        to: unhcr
        unhcr_role: service_provider
        purpose: referral.service
        basis: consent
        categories: [identity.name, identity.sex]
    annex_c:
      applies_to: [irc]
      breach-notification: {met: true, clause: local-context, hours: 72}
    signatures:
      - party: unhcr
        by: {name: C. Chebet, title: Head of Office}
        signed: 2024-12-01
    """

EXPORT = """
    apiVersion: im4cm/v1
    kind: DataExport
    metadata: {id: irc-referral, dpisp: ke-kakuma}
    system: cpims+
    owner: irc
    recipient: unhcr
    purpose: referral.service
    sharing_rule: irc-to-unhcr
    level: individual
    fields: [name_first, sex]
    transport: {encrypted: true, method: progres-interop-api}
    """


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit(repo: Path, message: str = "change") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def country(tmp_path: Path) -> Path:
    """A country repository with the protocol and its export committed on `main`."""
    repo = tmp_path / "ke"
    repo.mkdir()
    for args in (("init", "-q", "-b", "main"), ("config", "user.email", "ci@example.org"),
                 ("config", "user.name", "CI"), ("config", "commit.gpgsign", "false")):
        git(repo, *args)
    write(repo, "dpisp.yaml", PROTOCOL)
    write(repo, "exports/irc.yaml", EXPORT)
    commit(repo, "protocol in force")
    return repo


def edit(repo: Path, name: str, *replacements: tuple[str, str]) -> None:
    path = repo / name
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def diff(repo: Path, *args: str):
    run = lint("diff", *args, cwd=repo)
    assert run.code == 0, run.out + run.err
    return run


def body(run) -> list[str]:
    """The output without its first line (which names the base commit's hash)."""
    return run.out.splitlines()[1:]


def test_a_change_to_sharing_in_the_users_words(country):
    edit(country, "dpisp.yaml",
         ("categories: [identity.name, identity.sex]", "categories: [identity.name, identity.sex, protection.gbv]"),
         ("A. Akinyi", "D. Dida"),
         ("  - {id: irc, name:", "  - {id: sc, name: Save the Children, type: ingo}\n  - {id: irc, name:"),
         ("hours: 72", "hours: 96"),
         ("unhcr_role: service_provider", "unhcr_role: donor"))
    edit(country, "exports/irc.yaml", ("fields: [name_first, sex]", "fields: [name_first, sex, ethnicity]"))
    run = diff(country, "main")
    assert run.out.splitlines()[0].startswith("im4cm-lint diff: main (")
    assert run.out.splitlines()[0].endswith(") → the working tree")
    assert body(run) == [
        "2 documents changed, 6 changes, 1 sharing rule widened (1 with high or severe data), 1 export field added",
        "",
        "protocol 'ke-kakuma' in dpisp.yaml",
        "  + line 15: party 'sc' added (ingo)",
        "  ~ line 19: role 'process_lead' (Coordination lead): holder changed: another person (at 'unhcr'); "
        "confirmed not updated ('2025-06-01')",
        "  ~ line 29: sharing rule 'irc-to-unhcr': UNHCR capacity 'service_provider' → 'donor'",
        "  + line 32: sharing rule 'irc-to-unhcr' widened: now also 'protection.gbv' (severe) "
        "('irc' → 'unhcr', purpose 'referral.service')",
        "  ~ line 35: Annex C entry 'breach-notification' (Breach notification): hours 72 → 96",
        "",
        "export 'irc-referral' in exports/irc.yaml",
        "  + line 10: export gains field 'ethnicity' (category 'sensitive.ethnicity', severe)",
    ]
    for secret in ("Akinyi", "Dida", "Save the Children"):
        assert secret not in run.out  # people by agency; free text never shown


def test_two_revisions_and_renames(country):
    base = git(country, "rev-parse", "HEAD").strip()
    edit(country, "dpisp.yaml", ("- id: irc-to-unhcr", "- id: irc-to-unhcr-referral"),
         ("  - id: local-context\n    text: Kakuma camp", "  - id: local-context\n    text: Kakuma camp, town"))
    edit(country, "exports/irc.yaml", ("sharing_rule: irc-to-unhcr", "sharing_rule: irc-to-unhcr-referral"))
    commit(country)
    write(country, "dpisp.yaml", "# not a protocol any more\n")  # the working tree is not compared
    run = diff(country, base, "HEAD")
    assert run.out.splitlines()[0] == f"im4cm-lint diff: {base} ({base[:12]}) → HEAD ({git(country, 'rev-parse', 'HEAD')[:12]})"
    assert body(run) == [
        "2 documents changed, 3 changes",
        "",
        "protocol 'ke-kakuma' in dpisp.yaml",
        "  ~ line 23: clause 'local-context': text changed (2 words added, 1 removed)",
        "  ~ line 25: sharing rule 'irc-to-unhcr' renamed to 'irc-to-unhcr-referral' (nothing else changed)",
        "",
        "export 'irc-referral' in exports/irc.yaml",
        "  ~ line 8: export: sharing_rule 'irc-to-unhcr' → 'irc-to-unhcr-referral'",
    ]


def test_parties_renamed_documents_added_and_removed(country):
    edit(country, "dpisp.yaml", ("{id: irc, name:", "{id: irc-ke, name:"), ("from: irc", "from: irc-ke"),
         ("applies_to: [irc]", "applies_to: [irc-ke]"))
    (country / "exports" / "irc.yaml").unlink()
    write(country, "exports/other.yaml", EXPORT.replace("irc-referral", "irc-referral-2"))  # moved and renamed
    write(country, "exports/third.yaml", EXPORT.replace("irc-referral", "irc-referral-3"))
    commit(country)
    git(country, "mv", "exports/third.yaml", "exports/renamed.yaml")
    run = diff(country, "HEAD~1", "HEAD")
    assert body(run) == [
        "3 documents changed, 4 changes",
        "",
        "protocol 'ke-kakuma' in dpisp.yaml",
        "  ~ line 15: party 'irc' renamed to 'irc-ke' (nothing else changed)",
        "  ~ line 33: Annex C applies to ['irc'] → ['irc-ke']",
        "",
        "export 'irc-referral-2' in exports/other.yaml",
        "  ~ line 3: export 'irc-referral' renamed to 'irc-referral-2' (nothing else changed)",
        "",
        "export 'irc-referral-3' in exports/third.yaml",
        "  + line 1: export 'irc-referral-3' added: 'irc' → 'unhcr', purpose 'referral.service', 2 fields, "
        "most sensitive data high",
    ]


def test_roles_signatures_clauses_and_status(country):
    edit(country, "dpisp.yaml",
         ("status: in_force", "status: expired"),
         ("party: unhcr}\n    backup", "party: irc}\n    backup"),
         ("confirmed: 2025-06-01", "confirmed: 2025-09-01"),
         ("signed: 2024-12-01", "signed: 2024-12-01\n  - party: irc\n    by: {name: E. Njeri, title: CD}\n    signed: 2025-01-05"),
         ("sharing:", "  - {id: collection, text: Only what the purpose needs.}\nsharing:"),
         ("categories: [identity.name, identity.sex]", "categories: [identity.name]"))
    run = diff(country, "main")
    assert body(run) == [
        "1 document changed, 5 changes",
        "",
        "protocol 'ke-kakuma' in dpisp.yaml",
        "  ~ line 10: protocol: status 'in_force' → 'expired'",
        "  ~ line 18: role 'process_lead' (Coordination lead): holder changed: the same person now at 'irc' "
        "(was at 'unhcr'); confirmed '2025-06-01' → '2025-09-01'",
        "  + line 24: clause 'collection' added",
        "  - line 32: sharing rule 'irc-to-unhcr' narrowed: no longer 'identity.sex' (low)",
        "  + line 40: signature of 'irc' added (signed '2025-01-05')",
    ]
    assert "Njeri" not in run.out


def test_nothing_changed(country):
    assert body(diff(country, "main")) == ["no change to protocols, exports, DPIAs or systems"]
    assert body(diff(country, "main", "HEAD")) == ["no change to protocols, exports, DPIAs or systems"]
    write(country, "notes.yaml", "title: not an im4cm document\n")  # other YAML is not compared
    assert body(diff(country, "main")) == ["no change to protocols, exports, DPIAs or systems"]


def test_markdown_for_the_pull_request_is_escaped(country):
    edit(country, "dpisp.yaml",
         ("name: UNHCR Kenya", "name: '<img src=x onerror=alert(1)> [click](https://evil.example) www.evil.example'"),
         ("categories: [identity.name, identity.sex]", "categories: [identity.name, identity.sex, protection.gbv]"))
    run = diff(country, "main", "--format", "markdown")
    assert run.out.splitlines() == [
        "### im4cm-lint diff: `main` → the working tree",
        "",
        "1 document changed, 2 changes, 1 sharing rule widened (1 with high or severe data).",
        "",
        "#### Protocol `ke-kakuma` · `dpisp.yaml`",
        "",
        "- ✏️ line 14: party `unhcr`\\: name changed (free text, not shown)",
        "- ➕ line 31: sharing rule `irc-to-unhcr` widened\\: now also `protection.gbv` (severe) "
        "(`irc` → `unhcr`, purpose `referral.service`)",
    ]
    assert "<img" not in run.out and "evil" not in run.out


def test_json(country):
    edit(country, "exports/irc.yaml", ("fields: [name_first, sex]", "fields: [name_first]"))
    data = lint("diff", "main", "--format", "json", cwd=country).json
    assert data["base"] == {"revision": "main", "commit": git(country, "rev-parse", "main").strip()}
    assert data["head"] == {"revision": None, "commit": None}
    assert data["changes"] == [{
        "kind": "DataExport", "document": "irc-referral", "path": "exports/irc.yaml", "line": 10,
        "section": "field", "action": "removed", "subject": "sex",
        "text": "export no longer sends field 'sex' (category 'identity.sex', low)",
        "details": {"category": "identity.sex"}}]
    assert data["summary"] == {"documents": 1, "changes": 1, "by_action": {"removed": 1}}


def test_a_document_that_does_not_fit_its_schema_is_named_not_compared(country):
    edit(country, "exports/irc.yaml", ("level: individual", "level: everyone"))
    assert body(diff(country, "main")) == [
        "1 document changed, 1 change",
        "",
        "export 'irc-referral' in exports/irc.yaml",
        "  ~ line 1: export 'irc-referral' does not fit its schema in the new revision: not compared "
        "(run im4cm-lint on it)",
    ]


def test_files_git_does_not_store_as_files_are_not_read(country, tmp_path):
    outside = tmp_path / "outside.yaml"
    write(tmp_path, "outside.yaml", PROTOCOL.replace("ke-kakuma", "ke-outside"))
    (country / "link.yaml").symlink_to(outside)
    commit(country)
    (country / "link.yaml").unlink()
    assert body(diff(country, "HEAD"))[0] == "no change to protocols, exports, DPIAs or systems"


@pytest.mark.parametrize("args, message", [
    (("--no-such-branch",), "'--no-such-branch' is not a revision name"),
    (("-",), "is not a revision name"),
    (("no-such-branch",), "unknown revision 'no-such-branch'"),
    (("main", "nope"), "unknown revision 'nope'"),
])
def test_bad_revisions_exit_2(country, args, message):
    run = lint("diff", "--", *args, cwd=country)
    assert run.code == 2 and message in run.err and not run.out


def test_outside_a_git_repository(tmp_path):
    (tmp_path / ".git").mkdir()  # a marker folder, not a repository
    run = lint("diff", "main", cwd=tmp_path)
    assert run.code == 2
    assert run.err == "im4cm-lint diff: '.' is not in a git repository; run the command inside the country repository's clone\n"


def test_markdown_stays_small_on_a_large_change(country):
    parties = "".join(f"  - {{id: p{n}, name: Partner {n}, type: lngo}}\n" for n in range(300))
    edit(country, "dpisp.yaml", ("parties:\n", "parties:\n" + parties))
    run = diff(country, "main", "--format", "markdown")
    lines = run.out.splitlines()
    assert sum(line.startswith("- ") for line in lines) == 250
    assert lines[-1].startswith("…and 50 more: run `im4cm-lint diff ") and len(run.out.encode()) < 30_000
    assert json.loads(lint("diff", "main", "--format", "json", cwd=country).out)["summary"]["changes"] == 300


def test_files_too_large_or_excluded(country):
    write(country, ".im4cm-lint.yaml", "exclude: [drafts/]\n")
    write(country, "drafts/other.yaml", PROTOCOL.replace("ke-kakuma", "ke-draft"))
    (country / "big.yaml").write_text("apiVersion: im4cm/v1\n" + "# padding\n" * 250_000, encoding="utf-8")
    commit(country)
    (country / "big.yaml").unlink()
    (country / "drafts" / "other.yaml").unlink()
    run = diff(country, "HEAD")
    assert body(run) == [
        "no change to protocols, exports, DPIAs or systems",
        "",
        "note: big.yaml could not be read at HEAD; its documents are left out of the comparison",
    ]


def test_hostile_file_names_are_shown_escaped(country):
    name = "bad\nname-\udcff.yaml"  # a newline and a byte that is not UTF-8
    write(country, name, PROTOCOL.replace("ke-kakuma", "ke-hostile"))
    run = diff(country, "main")
    assert body(run) == ["1 document changed, 1 change", "",
                         "protocol 'ke-hostile' in bad\\nname-\\xff.yaml",
                         "  + line 1: protocol 'ke-hostile' added (in_force): 2 parties, 1 sharing rule"]
    markdown = diff(country, "main", "--format", "markdown").out
    assert "#### Protocol `ke-hostile` · `bad\\nname-\\xff.yaml`" in markdown
    commit(country)  # and read from git's tree
    assert body(diff(country, "HEAD~1", "HEAD"))[2] == "protocol 'ke-hostile' in bad\\nname-\\xff.yaml"
