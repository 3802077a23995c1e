"""The words every output shares: counts with their plural, and "did you mean"."""

from __future__ import annotations

import difflib
from typing import Iterable

from im4cm_lint.i18n import N_, _


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 file', '2 files' ('1 party', '3 parties' with ``many``): English only; a count shown in
    the users' language is written with ``im4cm_lint.i18n._n``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def did_you_mean(value: object, known: Iterable[str], *, listing: int | None = 8, cutoff: float = 0.6,
                 lead: str = N_("known"), ordered: bool = False) -> str:
    """'; did you mean 'x'?' for the closest known name, or '; known: a, b' when there are at most
    ``listing`` names (None: however many), else nothing. The one suggestion every message uses;
    ``lead`` words the list ('expected one of', marked with N_ where it is written), ``ordered``
    keeps the names in the order given."""
    known = list(dict.fromkeys(known)) if ordered else sorted(set(known))
    close = difflib.get_close_matches(str(value), known, n=1, cutoff=cutoff)
    if close:
        return _("; did you mean '{name}'?", name=close[0])
    if known and (listing is None or len(known) <= listing):
        return _("; {lead}: {names}", lead=_(lead), names=", ".join(known))
    return ""

