"""Which text a clause must have, and how texts compare: used by the CLAUSE checks, ``init`` and
the walkthrough alike, so they never disagree on what "the standard's text" is.

The current text of a clause is the one of the nearest pack in the lineage that has a version of
it: a country pack that extends the standard keeps the standard's clause texts current.
"""

from __future__ import annotations

import difflib
import functools
import re

from im4cm_lint.i18n import _, _n
from im4cm_lint.pack import Pack
from im4cm_lint.values import quotable, shown
from im4cm_lint.yamltree import YMap

MAX_CHANGES = 3  # changes quoted in a message; never the whole clause
MAX_WORDS = 8  # words quoted per change


def normalise(text: object) -> str:
    """Clause text with every run of whitespace (spaces, tabs, line breaks) as one space."""
    return _normalised(text) if isinstance(text, str) else " ".join(str(text).split())


@functools.lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    """The same texts (the pack's, the protocols' copies of them) come again for every protocol:
    each is worked out once."""
    return " ".join(text.split())


def released_texts(pack: Pack, clause: YMap) -> list[tuple[str, str]]:
    """(pack@version, text) of every released text of a pack clause, the current one first.

    The current text is the one of the nearest pack in the lineage that has a version of it, so
    a country pack that extends the standard keeps the standard's clause texts current."""
    versions = clause.get("versions") or {}
    keys = [key for key, text in versions.items() if isinstance(text, str)]
    if not keys:
        return []
    name, version = pack.lineage[-1].rpartition("@")[0], keys[0]
    for ref in pack.lineage:
        ref_name, _at, ref_version = ref.rpartition("@")
        if ref_version in versions:
            name, version = ref_name, ref_version
            break
    return [(f"{name}@{key}", versions[key]) for key in [version, *(k for k in keys if k != version)]]


def quote_words(words: list[str], known: frozenset[str] | None = None) -> str:
    """A few words in quotes; with ``known`` (the pack's words), words that are not all the pack's
    own are shown by count and length, never quoted (contract 5.5)."""
    text = " ".join(words[:MAX_WORDS])
    if known is not None and not all(word in known or quotable(word) for word in words):
        size = sum(len(word) for word in words) + len(words) - 1
        count, length = _n("{n} word", "{n} words", len(words)), _n("{n} character", "{n} characters", size)
        return shown(" ".join(words), label=f"{count} ({length})")
    return f'"{text} ..."' if len(words) > MAX_WORDS else f'"{text}"'


def pack_words(pack: Pack) -> frozenset[str]:
    """Every word of every released clause text of the pack: the words a message may quote."""
    words = getattr(pack, "_clause_words", None)
    if words is None:
        words = frozenset(word for clause in pack.clauses.values() for _, text in released_texts(pack, clause)
                          for word in str(text).split())
        try:
            object.__setattr__(pack, "_clause_words", words)
        except (AttributeError, TypeError):  # a pack without a __dict__ computes them each time
            pass
    return words


def word_diff(old: str, new: str, known: frozenset[str] = frozenset()) -> str:
    """What changed from ``old`` (the pack's text) to ``new``, word by word, in a few short phrases.
    Words of ``new`` that neither ``old`` nor ``known`` contain are shown by count, not quoted."""
    a, b = old.split(), new.split()
    known = known | frozenset(a)
    changes = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    phrases = []
    for tag, i1, i2, j1, j2 in changes[:MAX_CHANGES]:
        if tag == "replace":
            phrases.append(_("changed {old} to {new}", old=quote_words(a[i1:i2]), new=quote_words(b[j1:j2], known)))
        elif tag == "delete":
            phrases.append(_("removed {old}", old=quote_words(a[i1:i2])))
        elif i1:
            phrases.append(_("added {new} after {old}", new=quote_words(b[j1:j2], known),
                             old=quote_words(a[max(i1 - 3, 0):i1])))
        else:
            phrases.append(_("added {new} at the start", new=quote_words(b[j1:j2], known)))
    if len(changes) > MAX_CHANGES:
        phrases.append(_n("and {n} more change", "and {n} more changes", len(changes) - MAX_CHANGES))
    return "; ".join(phrases)


def current_text(pack: Pack, clause: YMap) -> str:
    """The text a new protocol takes for a pack clause: its current released text (empty if none)."""
    texts = released_texts(pack, clause)
    return texts[0][1] if texts else ""


def matching_release(pack: Pack, clause: YMap, text: object) -> str | None:
    """The ``pack@version`` whose released text ``text`` is (whitespace aside), or None."""
    if not isinstance(text, str):
        return None
    mine = normalise(text)
    return next((ref for ref, released in released_texts(pack, clause) if normalise(released) == mine), None)


def fixed_wording_missing(slot: re.Pattern[str], template: str, text: str) -> str | None:
    """The first stretch of a template's fixed wording (outside its slots) that ``text`` does not
    contain in order, or None when the text keeps all of it. Whitespace never matters."""
    body, position = normalise(text), 0
    for piece in slot.sub("\x00", template).split("\x00"):
        fixed = normalise(piece or "")
        if len(fixed) < 3:  # punctuation between two slots
            continue
        found = body.find(fixed, position)
        if found < 0:
            return fixed
        position = found + len(fixed)
    return None
