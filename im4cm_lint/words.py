"""The words every output shares: "did you mean" (counts are ``im4cm_lint.i18n._n``)."""

from __future__ import annotations

from typing import Iterable

from im4cm_lint.i18n import N_, _


def did_you_mean(value: object, known: Iterable[str], *, listing: int | None = 8, cutoff: float = 0.6,
                 lead: str = N_("known"), ordered: bool = False) -> str:
    """'; did you mean 'x'?' for the closest known name, or '; known: a, b' when there are at most
    ``listing`` names (None: however many), else nothing. The one suggestion every message uses;
    ``lead`` words the list ('expected one of', marked with N_ where it is written), ``ordered``
    keeps the names in the order given."""
    import difflib  # here: most runs suggest nothing, and its import is paid at every start-up

    known = list(dict.fromkeys(known)) if ordered else sorted(set(known))
    close = difflib.get_close_matches(str(value), known, n=1, cutoff=cutoff)
    if close:
        return _("; did you mean '{name}'?", name=close[0])
    if known and (listing is None or len(known) <= listing):
        return _("; {lead}: {names}", lead=_(lead), names=", ".join(known))
    return ""

