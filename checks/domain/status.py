"""Severity that follows a document's status, as ansible-lint's profiles do.

A gap in a protocol that is still being drafted is work to do; the same gap in a protocol that
parties have signed, or that governs data sharing today, is a breach of the standard. Rules whose
findings are "lifecycle-sensitive" ask :func:`by_status` for their severity instead of fixing one.
"""

from __future__ import annotations

# Statuses under which parties rely on the document: a DPISP signed or in force, a DPIA completed.
ENFORCED = frozenset({"signed", "in_force", "completed"})


def by_status(*statuses: str | None, enforced: str = "error", otherwise: str = "warning") -> str:
    """``enforced`` when any of ``statuses`` says the document is relied upon, else ``otherwise``."""
    return enforced if any(status in ENFORCED for status in statuses) else otherwise
