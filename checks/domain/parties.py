"""Who is UNHCR in a protocol.

The contract marks the UNHCR party by its capacities: ``unhcr_roles`` is allowed "only on the
UNHCR party" (FORMAT.md 2). So the UNHCR party is the party that declares ``unhcr_roles``, even
an empty list, whatever its id. A UN agency that looks like UNHCR but declares no capacities is
not assumed to be UNHCR: ANNEXC005 reports it, so people add the capacities.
"""

from __future__ import annotations

from typing import Iterable, Mapping

UNHCR = "unhcr"  # the id ``init`` gives the UNHCR party


def is_unhcr(party: object) -> bool:
    """Whether ``party`` (a mapping of the protocol's ``parties``) is the UNHCR party."""
    return isinstance(party, Mapping) and "unhcr_roles" in party


def unhcr_party(parties: Iterable[Mapping]) -> str | None:
    """The id of the UNHCR party among ``parties``, or None when no party declares ``unhcr_roles``."""
    return next((party.get("id") for party in parties if is_unhcr(party)), None)
