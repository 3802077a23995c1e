"""``im4cm-lint verify SIGNED.docx|SIGNED.pdf [DPISP_FILE]``: does a signed copy say what the
repository says? It reads the copy's text, finds the protocol id, version and fingerprint that
``render`` printed on it, and compares the fingerprint, every clause (word by word, as CLAUSE001
does) and every row of the sharing annex with the protocol in the repository. A copy that matches
is named with the commit it matches.

The copy is untrusted input: a file that cannot be read gives a message and exit status 2, never
a traceback, and git runs with fixed arguments, no shell and no repository hook.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import click

from im4cm_lint.exitcodes import RC
from im4cm_lint.i18n import _, _n
from im4cm_lint.loader import load_data
from im4cm_lint.pack import shown_path
from im4cm_lint.schemas import SENSITIVITIES, UNHCR_ROLES
from im4cm_lint.values import plain

from im4cm_lint_checks.domain.clauses import word_diff
from im4cm_lint_checks.render import Unusable, load
from im4cm_lint_checks.render.model import (
    BASES, FOCAL_HEADING, SHARING_COLUMNS, SHARING_HEADING, Signable, build, fingerprint)

MAX_COPY_BYTES = 50 * 1024 * 1024  # a signed protocol is a few hundred KB; refuse what cannot be one
MAX_PAGES = 1000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
HISTORY_DEPTH = 500  # commits searched for the version a copy was rendered from
RUNNING_HEAD = re.compile(r"Protocol ([a-z0-9][a-z0-9._-]*)\s*·\s*version (.+?)\s*·\s*(sha256:[0-9a-f]{16})")
PAGE_NUMBER = re.compile(r"Page \d+ of \d+")  # and its words in the language verify runs in: _page_number()
MARK = re.compile(r"^\[([a-z0-9][a-z0-9._-]*)\]$")
HEADING_NUMBER = re.compile(r"^\d+\.$")
ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"))
# Numbers and ids (a digit, dot, underscore or hyphen inside): never personal data (contract 5.5).
QUOTABLE = re.compile(r"^\(?(?=\S*[0-9._-])[a-z0-9][a-z0-9._+-]*\)?[.,;:]?$")


@dataclass
class Copy:
    """The text of a signed copy, as words, and what its running head says."""

    words: list[str]
    protocol: str
    version: str
    fingerprint: str


@dataclass
class Outcome:
    lines: list[str] = field(default_factory=list)
    differences: int = 0

    def differ(self, line: str) -> None:
        self.lines.append(line)
        self.differences += 1


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(ISOLATES)


def _docx_lines(path: str) -> list[str]:
    from docx import Document
    from docx.table import Table

    with zipfile.ZipFile(path) as archive:  # a small file may unpack to gigabytes: look before reading
        unpacked = sum(entry.file_size for entry in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise Unusable(_("{path} unpacks to {size} MB, more than a signed protocol can hold", path=path,
                         size=format(unpacked / 1_048_576, ".0f")))
    document = Document(path)
    lines = [p.text for section in document.sections for p in section.header.paragraphs]
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:  # a merged cell is returned once per grid column it spans
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        lines += cell.text.splitlines()
        else:
            lines += block.text.splitlines()
    return lines


def _pdf_lines(path: str) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise Unusable(_("{path} is encrypted; verify a copy that can be opened without a password", path=path))
    if len(reader.pages) > MAX_PAGES:
        raise Unusable(_("{path} has {count} pages, more than a protocol can have ({limit})", path=path,
                         count=len(reader.pages), limit=MAX_PAGES))
    lines: list[str] = []
    for page in reader.pages:
        for line in page.extract_text().splitlines():
            # Chromium breaks lines after hyphens, never inside words: a line ending in a hyphen
            # continues the word on the next line ("need-" + "to-know").
            if lines and re.search(r"\w-$", lines[-1]):
                lines[-1] += line.strip()
            else:
                lines.append(line)
    return lines


def read_copy(path: str) -> Copy:
    """The words of a signed DOCX or PDF, with the running head and page numbers taken out."""
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as handle:
            magic = handle.read(5)
    except OSError as err:
        raise Unusable(_("cannot read {path}: {error}", path=path, error=err.strerror or err)) from None
    if size > MAX_COPY_BYTES:
        raise Unusable(_("{path} is {size} MB, larger than a signed protocol can be", path=path,
                         size=format(size / 1_048_576, ".0f")))
    if magic.startswith(b"%PDF"):
        kind, reader = "PDF", _pdf_lines
    elif magic.startswith(b"PK"):
        kind, reader = "DOCX", _docx_lines
    else:
        raise Unusable(_("{path} is neither a PDF nor a DOCX file", path=path))
    quiet = logging.getLogger("pypdf")  # it logs what it then raises: say it once, as a message
    level = quiet.level
    quiet.setLevel(logging.CRITICAL + 1)
    try:
        lines = [_clean(line) for line in reader(path)]
    except Unusable:
        raise
    except Exception as err:  # noqa: BLE001 - a damaged file can fail anywhere inside the parser
        error = f"{type(err).__name__}: {err}"
        raise Unusable(_("cannot read {path} as {kind}: {error}", path=path, kind=kind, error=error)[:400]) from None
    finally:
        quiet.setLevel(level)
    text = "\n".join(lines)
    head = RUNNING_HEAD.search(text)
    if head is None:
        raise Unusable(_("{path}: no protocol id, version and fingerprint found; verify reads copies made with "
                         "'im4cm-lint render' (a scanned copy has no text to read)", path=path))
    text = _page_number().sub(" ", PAGE_NUMBER.sub(" ", RUNNING_HEAD.sub(" ", text)))
    return Copy(text.split(), head.group(1), head.group(2), head.group(3))


def _page_number() -> re.Pattern:
    """The page numbers of a copy rendered in the language verify runs in."""
    return re.compile(re.escape(_("Page")) + r"\s*\d+\s*" + re.escape(_("of")) + r"\s*\d+")


def _heading(words: list[str], heading: str, start: int = 0) -> int | None:
    """Where a heading of the rendered copy stands: in English, or in the language verify runs in
    (a copy rendered with the same ``--lang``)."""
    found = _find(words, heading, start)
    return found if found is not None or _(heading) == heading else _find(words, _clean(_(heading)), start)


def _find(words: list[str], phrase: str, start: int = 0) -> int | None:
    wanted = phrase.split()
    for index in range(start, len(words) - len(wanted) + 1):
        if words[index:index + len(wanted)] == wanted:
            return index
    return None


def _without(words: list[str], phrase: str) -> list[str]:
    """``words`` with every occurrence of ``phrase`` removed (a table header repeated on each page)."""
    wanted, out, index = phrase.split(), [], 0
    while index < len(words):
        if words[index:index + len(wanted)] == wanted:
            index += len(wanted)
        else:
            out.append(words[index])
            index += 1
    return out


def _sections(words: list[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(clause id -> its words, sharing rule id -> its row's words) as the copy has them."""
    sharing = _heading(words, SHARING_HEADING)
    focal = _heading(words, FOCAL_HEADING, sharing or 0)
    end_of_clauses = sharing if sharing is not None else len(words)
    marks = [i for i in range(end_of_clauses) if MARK.match(words[i])]
    clauses = {}
    for position, index in enumerate(marks):
        end = end_of_clauses
        if position + 1 < len(marks):
            end = next((j for j in range(marks[position + 1] - 1, index, -1) if HEADING_NUMBER.match(words[j])),
                       marks[position + 1])
        clauses.setdefault(MARK.match(words[index]).group(1), words[index + 1:end])
    rows: dict[str, list[str]] = {}
    if sharing is not None:
        annex = _without(words[sharing:focal if focal is not None else len(words)], " ".join(SHARING_COLUMNS))
        annex = _without(annex, _clean(" ".join(_(column) for column in SHARING_COLUMNS)))
        starts = [i for i, word in enumerate(annex) if MARK.match(word)]
        for position, index in enumerate(starts):
            end = starts[position + 1] if position + 1 < len(starts) else len(annex)
            rows.setdefault(MARK.match(annex[index]).group(1), annex[index + 1:end])
    return clauses, rows


def _known(word: str, vocabulary: set[str]) -> bool:
    return bool(QUOTABLE.match(word)) or word in vocabulary or word.strip(".,;:()") in vocabulary


def _shown(words: list[str], vocabulary: set[str]) -> str:
    """Words of the pack's texts and ids are quoted; any other word only by its length (it may
    be a name: contract 5.5)."""
    if all(_known(w, vocabulary) for w in words):
        return '"' + " ".join(words) + '"'
    return _n("{n} word ({characters} characters) not in the standard's text",
              "{n} words ({characters} characters) not in the standard's text", len(words),
              characters=sum(map(len, words)))


def _clause_difference(expected: str, signed: str, vocabulary: set[str]) -> str:
    """What the signed copy changed in a clause: CLAUSE001's word diff when every changed word is
    the pack's own, else the changes by position."""
    a, b = expected.split(), signed.split()
    changes = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if all(_known(w, vocabulary) for _, i1, i2, j1, j2 in changes for w in (*a[i1:i2], *b[j1:j2])):
        return plain(word_diff(expected, signed, frozenset(vocabulary)))  # not a finding: no markers
    phrases = []
    for tag, i1, i2, j1, j2 in changes[:3]:
        if tag == "replace":
            phrases.append(_("at word {number}, {old} became {new}", number=i1 + 1, old=_shown(a[i1:i2], vocabulary),
                             new=_shown(b[j1:j2], vocabulary)))
        elif tag == "delete":
            phrases.append(_("at word {number}, {old} removed", number=i1 + 1, old=_shown(a[i1:i2], vocabulary)))
        else:
            phrases.append(_("at word {number}, {new} added", number=i1 + 1, new=_shown(b[j1:j2], vocabulary)))
    if len(changes) > 3:
        phrases.append(_n("and {n} more change", "and {n} more changes", len(changes) - 3))
    return "; ".join(phrases)


def _row_difference(expected: list[str], signed: list[str], vocabulary: set[str]) -> str:
    missing = list((Counter(expected) - Counter(signed)).elements())
    added = list((Counter(signed) - Counter(expected)).elements())
    parts = []
    if missing:
        parts.append(_("the repository has {words} that the copy has not", words=_shown(missing, vocabulary)))
    if added:
        parts.append(_("the copy has {words} that the repository has not", words=_shown(added, vocabulary)))
    return "; ".join(parts)


def _vocabulary(pack, clause_id: str | None = None) -> set[str]:
    """Words the pack's own texts use: safe to quote in a message."""
    words = {*SENSITIVITIES, *" ".join(BASES.values()).split(), "individual", "aggregate", "data", "not", "applicable",
             *(role.replace("_", " ") for role in UNHCR_ROLES)}
    canon = pack.clauses.get(clause_id) if clause_id else None
    for text in ((canon or {}).get("versions") or {}).values():
        words |= {w.strip(".,;:()") for w in _clean(str(text)).split()}
    for section in ("purposes", "categories", "roles"):
        for entry in pack.by_id(section).values():
            words |= {w.strip(".,;:()") for w in _clean(str(entry.get("name") or "")).split()}
    return words


def compare(copy: Copy, signable: Signable, pack) -> Outcome:
    """Every difference between the copy and the protocol as the repository has it."""
    outcome = Outcome()
    clauses, rows = _sections(copy.words)
    matched = 0
    for clause in signable.clauses:
        label = _("clause {number} '{clause}'", number=clause.number, clause=clause.id)
        signed = clauses.pop(clause.id, None)
        if signed is None:
            outcome.differ("  " + _("{clause} is not in the signed copy", clause=label))
            continue
        expected, text = _clean(clause.text), " ".join(signed)
        if expected.split() == signed:
            matched += 1
            continue
        kind = _("locked legal text") if clause.locked else _("adaptable text")
        outcome.differ("  " + _("{clause} ({kind}) differs: the signed copy, compared with the repository, {difference}",
                                clause=label, kind=kind,
                                difference=_clause_difference(expected, text, _vocabulary(pack, clause.id))))
    for extra in clauses:
        outcome.differ("  " + _("the signed copy has a clause '{clause}' that the protocol does not have", clause=extra))
    outcome.lines.insert(0, "  " + _("clauses: {matched} of {count} match word for word", matched=matched,
                                     count=len(signable.clauses)))
    matched_rows = 0
    vocabulary = _vocabulary(pack)
    for rule in signable.sharing:
        signed = rows.pop(rule.id, None)
        if signed is None:
            outcome.differ("  " + _("sharing rule '{rule}' is not in the signed copy's sharing annex", rule=rule.id))
            continue
        expected = _clean(" ".join(rule.cells()[1:])).split()
        if Counter(expected) == Counter(signed):
            matched_rows += 1
            continue
        outcome.differ("  " + _("sharing rule '{rule}' differs: {difference}", rule=rule.id,
                                difference=_row_difference(expected, signed, vocabulary)))
    for extra in rows:
        outcome.differ("  " + _("the signed copy's sharing annex has a rule '{rule}' that the protocol does not have",
                                rule=extra))
    outcome.lines.insert(1, "  " + _("sharing annex: {matched} of {count} rules match", matched=matched_rows,
                                     count=len(signable.sharing)))
    return outcome


def _git(folder: Path, *args: str) -> bytes | None:
    """git's output, or None when git is missing or says no. Fixed arguments, no shell; the
    repository's fsmonitor hook, pager and external diff are switched off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    try:
        done = subprocess.run(["git", "-C", str(folder), "-c", "core.fsmonitor=false", "--no-pager", *args],
                              capture_output=True, timeout=60, env={**env, "GIT_TERMINAL_PROMPT": "0"})
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _fingerprint_of(data: bytes, protocol: str) -> str | None:
    loaded = load_data(data, "<git>")
    body = next((d.body for d in loaded.documents if d.kind == "DPISP" and d.id == protocol), None)
    return fingerprint(body) if body is not None else None


def provenance(path: str, protocol: str, wanted: str, current: str) -> tuple[str, str | None]:
    """(what the copy's fingerprint matches, the commit) for the protocol file at ``path``."""
    file = Path(path).resolve()
    top = _git(file.parent, "rev-parse", "--show-toplevel")
    if top is None:
        if wanted == current:
            return _("matches the file as it is (it is not in a git repository)"), None
        return _("does not match the file as it is (it is not in a git repository)"), None
    root = Path(top.decode("utf-8", "surrogateescape").strip()).resolve()
    relative = file.relative_to(root).as_posix()
    head = (_git(root, "rev-parse", "HEAD") or b"").decode().strip() or None
    history = (_git(root, "log", f"-n{HISTORY_DEPTH}", "--format=%H", "--", relative) or b"").decode().split()
    for commit in history:
        blob = _git(root, "cat-file", "blob", f"{commit}:{relative}")
        if blob is not None and _fingerprint_of(blob, protocol) == wanted:
            newest = commit == (history[0] if history else None)
            if wanted == current and newest:
                return _("matches {path} as committed in {commit} (the last commit that changed it; HEAD is {head})",
                         path=relative, commit=commit, head=head), commit
            if wanted == current:
                return _("matches {path} as it is now, which is the text of commit {commit}", path=relative,
                         commit=commit), commit
            return _("was rendered from {path} as committed in {commit}; the protocol has changed since (now {current})",
                     path=relative, commit=commit, current=current), commit
    if wanted == current:
        return _("matches {path} as it is now, with changes that are not committed yet (HEAD is {head})",
                 path=relative, head=head), None
    return _n("matches no committed version of {path} (searched {n} commit; now {current})",
              "matches no committed version of {path} (searched {n} commits; now {current})", len(history),
              path=relative, current=current), None


@click.command("verify")
@click.argument("signed", type=click.Path(dir_okay=False))
@click.argument("dpisp_file", required=False, type=click.Path(dir_okay=False))
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .im4cm-lint.yaml or pyproject.toml found upward).")
@click.option("--policy-pack", help="Policy pack: NAME, NAME@VERSION or a folder.")
def command(signed, dpisp_file, config_path, policy_pack) -> None:
    """Check that a signed copy (DOCX or PDF made with 'im4cm-lint render') says what the repository
    says: its fingerprint, every clause word for word and every sharing rule. Without DPISP_FILE
    the protocol is found by the id printed on the copy, under the current folder.

    Exit status 0 when the copy matches, 1 when it differs (each difference is named), 2 when the
    copy or the protocol cannot be read.
    """
    try:
        copy = read_copy(signed)
        loaded = load(dpisp_file, copy.protocol, config_path=config_path, policy_pack=policy_pack)
    except Unusable as why:
        click.echo(f"im4cm-lint verify: {why}", err=True)
        sys.exit(RC.FATAL)
    result = loaded.result
    signable = build(loaded.dpisp, result.project, result.pack)
    if copy.protocol != signable.id:
        click.echo(_("Mismatch: {path} is protocol {protocol}; {file} holds protocol {other}. Give the file of "
                     "protocol {protocol}, or none to find it by its id.", path=shown_path(signed),
                     protocol=copy.protocol, file=loaded.dpisp.path, other=signable.id))
        sys.exit(RC.FINDINGS)
    outcome = compare(copy, signable, result.pack)
    said, commit = provenance(loaded.dpisp.path, copy.protocol, copy.fingerprint, signable.fingerprint)
    fp_line = "  " + _("fingerprint {fingerprint} {provenance}", fingerprint=copy.fingerprint, provenance=said)
    if copy.fingerprint != signable.fingerprint:
        outcome.differences += 1  # the fingerprint line says from which version the copy was rendered
    if copy.version != signable.version:
        outcome.differ("  " + _("the copy is version {version}, the repository's protocol version {current}",
                                version=copy.version, current=signable.version))
    click.echo(_("{path}: protocol {protocol} version {version}, {fingerprint}", path=shown_path(signed),
                 protocol=copy.protocol, version=copy.version, fingerprint=copy.fingerprint))
    click.echo(fp_line)
    for line in outcome.lines:
        click.echo(line)
    if outcome.differences:
        click.echo(_n("Mismatch: the signed copy differs from {path} ({n} difference).",
                      "Mismatch: the signed copy differs from {path} ({n} differences).", outcome.differences,
                      path=loaded.dpisp.path))
        sys.exit(RC.FINDINGS)
    if commit:
        click.echo(_("Match: the signed copy is protocol {protocol} version {version} as in commit {commit}.",
                     protocol=signable.id, version=signable.version, commit=commit))
    else:
        click.echo(_("Match: the signed copy is protocol {protocol} version {version} as in {path}.",
                     protocol=signable.id, version=signable.version, path=loaded.dpisp.path))
