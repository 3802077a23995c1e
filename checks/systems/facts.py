"""What a reader learns from a system's own files: the same few facts whatever the format.

Every fact keeps its position (:class:`Pos`): the file, a 1-based line and column, and the
address a person can find it by (a JSON pointer, ``sheet!cell``, ``file:line``). Malformed input
is a :class:`Problem` at its position, never an exception. Values from the files (field labels,
user names) are never kept beyond what the checks need: ids, field names, permissions, flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def pointer(parts: tuple) -> str:
    """RFC 6901 JSON pointer of ``parts``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts) or "/"


class Pos:
    """Where a fact stands: ``path`` (as findings show it), 1-based ``line`` and ``column``, and
    ``address`` (JSON pointer, sheet!cell or file:line). A JSON reader gives the pointer's parts
    and a ``locator`` instead: positions in a large JSON file cost a walk, so they are found only
    for the facts a finding points at."""

    __slots__ = ("path", "_address", "_place", "_locator")

    def __init__(self, path: str, line: int = 1, column: int = 1, address: str | tuple = "", locator=None):
        self.path, self._address = path, address
        self._place = None if locator is not None else (line, column)
        self._locator = locator  # has .position(parts) -> (line, column)

    @property
    def address(self) -> str:
        if isinstance(self._address, tuple):
            self._address = pointer(self._address)
        return self._address

    def _where(self) -> tuple[int, int]:
        if self._place is None:
            self._place, self._locator = self._locator.position(self._address_parts()), None
        return self._place

    def _address_parts(self) -> tuple:
        if isinstance(self._address, tuple):
            return self._address
        return tuple(int(p) if p.isdigit() else p.replace("~1", "/").replace("~0", "~")
                     for p in self._address.split("/")[1:] if self._address != "/")

    @property
    def line(self) -> int:
        return self._where()[0]

    @property
    def column(self) -> int:
        return self._where()[1]

    def __repr__(self) -> str:
        return f"Pos({self.path!r}, {self.address!r})"


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
    _forms: dict[str, Form] = field(default_factory=dict, repr=False)  # by unique id, built on first use

    def problem(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(pos, message))

    def form(self, unique_id: str) -> Form | None:
        if len(self._forms) != len(self.forms):
            self._forms = {}
            for form in self.forms:
                self._forms.setdefault(form.unique_id, form)
        return self._forms.get(unique_id)

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
