"""The finding type every check yields and every reporter prints."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Location:
    """Where a finding stands: a file position plus the logical address of the YAML node.

    ``doc_id`` and ``yaml_path`` (e.g. ``sharing[sc-to-unhcr].categories[2]``) do not move when
    lines are added above the node, so fingerprints, waivers and baselines are built from them.
    """

    path: str
    line: int
    column: int
    doc_id: str = ""
    yaml_path: str = ""


@dataclass(frozen=True)
class Fix:
    """A safe, mechanical change that resolves a finding; applied by ``--fix``.

    ``yaml_path`` addresses the node to replace in the document ``doc_index`` of the file;
    ``value`` is the new value. ``description`` says in words what the fix does.
    """

    description: str
    yaml_path: str
    value: Any = None
    doc_index: int = 0
    action: str = "set"  # set | add (insert a missing mapping key) | append (to a list)


@dataclass(frozen=True)
class Suppression:
    """Why a finding is accepted: an inline comment (``inline``) or a reviewed waiver in the
    configuration (``waiver``, with its approver and expiry date). Reporters show it, so a reviewer
    sees every exception and its reason."""

    kind: str  # inline | waiver
    reason: str
    approved_by: str | None = None
    expires: str | None = None  # ISO date

    @property
    def reason_for_output(self) -> str:
        """The reason as json and SARIF carry it. An inline reason is free text in a document, so it
        is shown by length (contract 5.5; the pull request's diff shows it to the reviewer); a
        waiver's reason is the reviewed configuration's own record and is shown as written."""
        from im4cm_lint.values import placeholder

        return placeholder("", self.reason) if self.kind == "inline" else self.reason


@dataclass(frozen=True)
class Diagnostic:
    rule: str
    severity: str
    location: Location
    message: str
    fix: Fix | None = None
    suppression: Suppression | None = field(default=None, compare=False)  # why it is accepted, when it is
    # (placeholder, raw value) of each value the message shows by position (contract 5.5): printed
    # only by the text reporter with --show-values; never serialised (json, SARIF, cache, baseline)
    values: tuple = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        from im4cm_lint.values import split

        if not isinstance(self.message, str):
            return  # a plugin's malformed finding, named by the engine's checks of findings
        where = self.location if isinstance(self.location, Location) else None
        message, values = split(self.message, f"{where.line}:{where.column}" if where else "")
        if values or message != self.message:
            object.__setattr__(self, "message", message)
            object.__setattr__(self, "values", self.values + values)

    def __getstate__(self) -> dict:
        """Pickled (the cache) without the raw values: they stay in the run that read them."""
        return {**self.__dict__, "values": ()}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @property
    def path(self) -> str:
        return self.location.path

    @property
    def line(self) -> int:
        return self.location.line

    @property
    def column(self) -> int:
        return self.location.column

    @property
    def family(self) -> str:
        return family_of(self.rule)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.message)

    def printable(self) -> Diagnostic:
        """The finding with control characters in its message and path written as escapes, so a
        crafted key or file name cannot recolour or rewrite a user's terminal or CI log."""
        from im4cm_lint.ci import printable

        message, path = printable(self.message), printable(self.location.path)
        values = tuple((text, printable(raw)) for text, raw in self.values)
        if message == self.message and path == self.location.path and values == self.values:
            return self
        return replace(self, message=message, location=replace(self.location, path=path), values=values)

    def revealed(self) -> str:
        """The message with the values it shows by position written out (``--show-values``)."""
        from im4cm_lint.values import reveal

        return reveal(self.message, self.values)

    def with_severity(self, severity: str) -> Diagnostic:
        return replace(self, severity=severity)

    def fingerprint(self) -> str:
        """A line-independent identity: rule + document id + YAML path.

        One function serves baselines, waivers and SARIF partialFingerprints, so editing above a
        finding never makes it look new. The file path is left out when the finding is inside a
        document (ids are unique per kind), so a document moved to another folder keeps its
        findings' identity; a finding outside any document (a file that cannot be read) falls back
        to its file and its YAML path or position.
        """
        import hashlib

        loc = self.location
        if loc.doc_id:
            anchor = f"{loc.doc_id}\x1f{loc.yaml_path}"
        else:
            anchor = f"{loc.path}\x1f{loc.yaml_path or f'{loc.line}:{loc.column}'}"
        key = f"{self.rule}\x1f{anchor}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def family_of(rule_id: str) -> str:
    """'SHARE' for 'SHARE005': a rule's family is its id without the digits."""
    return rule_id.rstrip("0123456789")

