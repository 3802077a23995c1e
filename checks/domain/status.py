"""Severity that follows a document's status, as ansible-lint's profiles do.

A gap in a protocol that is still being drafted is work to do; the same gap in a protocol that
parties have signed, or that governs data sharing today, is a breach of the standard. Rules whose
findings are "lifecycle-sensitive" ask :func:`by_status` for their severity instead of fixing one.
"""

from __future__ import annotations

from im4cm_lint.i18n import N_, _

# Statuses under which parties rely on the document: a DPISP signed or in force, a DPIA completed.
ENFORCED = frozenset({"signed", "in_force", "completed"})


# A status in the words of a sentence ("protocol x is in force"); other statuses are shown as written.
STATUS_WORDS = {"draft": N_("draft"), "in_review": N_("in review"), "signed": N_("signed"),
                "in_force": N_("in force"), "expired": N_("expired"), "completed": N_("completed")}


def status_words(status: object) -> str:
    """A document's status as a message says it: 'in force' for ``in_force``."""
    words = STATUS_WORDS.get(status) if isinstance(status, str) else None
    return _(words) if words else str(status).replace("_", " ")


def by_status(*statuses: str | None, enforced: str = "error", otherwise: str = "warning") -> str:
    """``enforced`` when any of ``statuses`` says the document is relied upon, else ``otherwise``."""
    return enforced if any(status in ENFORCED for status in statuses) else otherwise
