"""The words every output shares: counts with their plural, and "did you mean"."""

from __future__ import annotations

import difflib
from typing import Iterable


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 file', '2 files' ('1 party', '3 parties' with ``many``): the counts every output prints."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def did_you_mean(value: object, known: Iterable[str], *, listing: int | None = 8, cutoff: float = 0.6,
                 lead: str = "known", ordered: bool = False) -> str:
    """'; did you mean 'x'?' for the closest known name, or '; known: a, b' when there are at most
    ``listing`` names (None: however many), else nothing. The one suggestion every message uses;
    ``lead`` words the list ('expected one of'), ``ordered`` keeps the names in the order given."""
    known = list(dict.fromkeys(known)) if ordered else sorted(set(known))
    close = difflib.get_close_matches(str(value), known, n=1, cutoff=cutoff)
    if close:
        return f"; did you mean '{close[0]}'?"
    if known and (listing is None or len(known) <= listing):
        return f"; {lead}: {', '.join(known)}"
    return ""
