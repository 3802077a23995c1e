"""What a reader learns from a system's own files: the same few facts whatever the format.

Every fact keeps its position (:class:`Pos`): the file, a 1-based line and column, and the
address a person can find it by (a JSON pointer, ``sheet!cell``, ``file:line``). Malformed input
is a :class:`Problem` at its position, never an exception. Values from the files (field labels,
user names) are never kept beyond what the checks need: ids, field names, permissions, flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pos:
    path: str  # as findings show it
    line: int
    column: int
    address: str  # JSON pointer, sheet!cell or file:line


@dataclass(frozen=True)
class Problem:
    """Input the reader could not understand, or refused to read."""

    pos: Pos
    message: str


@dataclass
class FormField:
    name: str
    type: str
    pos: Pos
    subform: str | None = None  # the form a subform field nests (Primero)


@dataclass
class Form:
    unique_id: str
    pos: Pos
    fields: list[FormField] = field(default_factory=list)


@dataclass
class Role:
    unique_id: str
    pos: Pos
    group_permission: str = ""
    referral: bool = False
    transfer: bool = False
    permissions: dict[str, list[str]] = field(default_factory=dict)  # resource -> actions
    forms: dict[str, str] = field(default_factory=dict)  # form unique id -> "r" | "rw"
    permission_pos: dict[str, Pos] = field(default_factory=dict)  # action -> where it is granted

    def can(self, action: str) -> bool:
        return action in self.permission_pos


@dataclass
class Agency:
    unique_id: str
    code: str
    pos: Pos
    terms_of_use_enabled: bool | None = None
    terms_pos: Pos | None = None
    disabled: bool = False


@dataclass
class UserGroup:
    unique_id: str
    pos: Pos
    agency_unique_ids: list[str] = field(default_factory=list)


@dataclass
class Finding:
    """Something in a job's source text a check judges: a log of identifiers, a fetch."""

    pos: Pos
    what: str  # the words the message quotes (an identifier name, a number), never a value


@dataclass
class Job:
    name: str
    pos: Pos
    sent: list[FormField] = field(default_factory=list)  # keys of the objects it sends, in order
    reads: list[FormField] = field(default_factory=list)  # data.<field>, data['<field>'] it reads, in order
    logged_ids: list[Finding] = field(default_factory=list)
    fetch_without_remote: list[Finding] = field(default_factory=list)
    unbounded_fetches: list[Finding] = field(default_factory=list)


@dataclass
class Facts:
    """Everything one source says. ``forms`` hold the fields a person can be asked about;
    ``encrypted`` is the XLSForm's ``public_key`` (None: not an XLSForm)."""

    format: str
    path: str
    problems: list[Problem] = field(default_factory=list)
    unreadable: str | None = None  # why the source itself could not be read (missing, outside, too large)
    roles: list[Role] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    groups: list[UserGroup] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    encrypted: bool | None = None
    settings_pos: Pos | None = None

    def problem(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(pos, message))

    def form(self, unique_id: str) -> Form | None:
        return next((form for form in self.forms if form.unique_id == unique_id), None)

    def fields(self) -> list[FormField]:
        """Every field of every form, in the source's order, each name once."""
        seen: set[str] = set()
        found = []
        for form in self.forms:
            for item in form.fields:
                if item.name not in seen:
                    seen.add(item.name)
                    found.append(item)
        return found
