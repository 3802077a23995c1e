"""Where things go on the sharing map: a two-column flow layout, computed in plain Python.

Every party stands in the left column (who shares); the parties that receive data stand again in
the right column (who receives). Both columns are grouped in bands by party type. Each sharing
rule or export is a curve from its sender's right edge to its receiver's left edge, so an edge
never crosses a party box, for 2 parties or 40. Inside each band the parties are ordered to
reduce crossings (barycentre heuristic, ties broken by the given order: deterministic). A party
with several edges gets a taller box, one port per edge, so every edge keeps its own start and
end where its number is written. Text labels are placed along the curves only where they overlap
nothing; the table beside the map carries every label anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MARGIN = 12
COLUMN_HEAD = 30  # room for "Shares data" / "Receives data"
BAND_HEAD = 22  # the party type's name at the top of its band
BAND_PAD = 8
BAND_GAP = 12
NODE_W = 232
NODE_MIN_H = 40
NODE_GAP = 8
PORT = 20  # vertical room per edge on a party box
MIDDLE = 560  # horizontal room for the edges between the columns
BADGE_W = 40  # the edge number written at each end of an edge
LABEL_H = 16
_LABEL_AT = (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73)  # where along a curve a label may go
_LABEL_SHIFT = (0, -LABEL_H - 3, LABEL_H + 3)  # on the curve first, else just above or below it


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box, pad: float = 2) -> bool:
        return not (self.x + self.w + pad <= other.x or other.x + other.w + pad <= self.x
                    or self.y + self.h + pad <= other.y or other.y + other.h + pad <= self.y)


@dataclass
class Node:
    party: str
    side: str  # "from" | "to"
    box: Box


@dataclass
class Band:
    group: str
    side: str
    box: Box


@dataclass
class Edge:
    key: str
    d: str  # SVG path data
    start: tuple[float, float]
    end: tuple[float, float]
    label: Box | None = None


@dataclass
class Layout:
    width: float
    height: float
    columns: dict[str, float]  # side -> x of its party boxes
    nodes: list[Node] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def _round(value: float) -> float:
    return round(value, 1)


def _cubic(points: list[tuple[float, float]], t: float) -> tuple[float, float]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
    return a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


class _Column:
    """One side of the map: bands of party boxes, stacked top to bottom."""

    def __init__(self, side: str, x: float, groups: dict[str, list[str]], ports: dict[str, int]):
        self.side, self.x, self.groups = side, x, groups
        self.heights = {pid: max(NODE_MIN_H, ports.get(pid, 0) * PORT + 4) for ids in groups.values() for pid in ids}
        self.boxes: dict[str, Box] = {}
        self.bands: list[Band] = []
        self.stack()

    def stack(self) -> None:
        self.boxes, self.bands = {}, []
        y = float(COLUMN_HEAD)
        for group, ids in self.groups.items():
            top = y
            y += BAND_HEAD
            for pid in ids:
                self.boxes[pid] = Box(self.x, y, NODE_W, self.heights[pid])
                y += self.heights[pid] + NODE_GAP
            y += BAND_PAD - NODE_GAP
            self.bands.append(Band(group, self.side, Box(self.x - BAND_PAD, top, NODE_W + 2 * BAND_PAD, y - top)))
            y += BAND_GAP
        self.bottom = y

    def centre(self, pid: str) -> float:
        box = self.boxes[pid]
        return box.y + box.h / 2

    def reorder(self, weight: dict[str, list[float]]) -> None:
        """Sort each band by the mean position of the other ends (barycentre), then restack."""
        for group, ids in self.groups.items():
            rank = {pid: i for i, pid in enumerate(ids)}
            ids.sort(key=lambda pid: (sum(weight[pid]) / len(weight[pid]) if weight.get(pid) else self.centre(pid),
                                      rank[pid]))
        self.stack()


def layout(parties: list[tuple[str, str]], flows: list[tuple[str, str, str]], groups: tuple[str, ...],
           label_widths: dict[str, float] | None = None, rounds: int = 4) -> Layout:
    """Place ``parties`` (id, group) and ``flows`` (key, from, to) on the map.

    ``groups`` orders the bands; ``label_widths`` gives, for the flows that should carry a text
    label, its width in pixels.
    """
    group_of = dict(parties)
    receivers = {to for _, _, to in flows}

    def banded(ids) -> dict[str, list[str]]:
        found = {g: [pid for pid in ids if group_of[pid] == g] for g in groups}
        return {g: members for g, members in found.items() if members}

    outgoing = {pid: [f for f in flows if f[1] == pid] for pid, _ in parties}
    incoming = {pid: [f for f in flows if f[2] == pid] for pid in receivers}
    left_x = MARGIN + BAND_PAD
    right_x = left_x + NODE_W + MIDDLE
    left = _Column("from", left_x, banded([pid for pid, _ in parties]), {p: len(v) for p, v in outgoing.items()})
    right = _Column("to", right_x, banded([pid for pid, _ in parties if pid in receivers]),
                    {p: len(v) for p, v in incoming.items()})
    for _ in range(rounds):
        right.reorder({pid: [left.centre(f[1]) for f in fs] for pid, fs in incoming.items()})
        left.reorder({pid: [right.centre(f[2]) for f in fs] for pid, fs in outgoing.items()})

    def ports(column: _Column, edges: dict[str, list], other_end) -> dict[str, float]:
        found = {}
        for pid, fs in edges.items():
            box = column.boxes[pid]
            for i, flow in enumerate(sorted(fs, key=lambda f: (other_end(f), f[0]))):
                found[flow[0]] = box.y + box.h * (i + 0.5) / len(fs)
        return found

    start_y = ports(left, outgoing, lambda f: right.centre(f[2]))
    end_y = ports(right, incoming, lambda f: start_y[f[0]])
    width = right_x + NODE_W + BAND_PAD + MARGIN
    result = Layout(width=width, height=max(left.bottom, right.bottom) + MARGIN,
                    columns={"from": left_x, "to": right_x})
    result.nodes = [Node(pid, c.side, box) for c in (left, right) for pid, box in c.boxes.items()]
    result.bands = left.bands + right.bands
    placed: list[Box] = []
    sx, ex = left_x + NODE_W, right_x
    reach = (ex - sx) / 2
    for key, _, _ in flows:
        sy, ey = start_y[key], end_y[key]
        points = [(sx, sy), (sx + reach, sy), (ex - reach, ey), (ex, ey)]
        edge = Edge(key, " ".join([f"M{sx:g},{_round(sy):g}", f"C{_round(sx + reach):g},{_round(sy):g}",
                                   f"{_round(ex - reach):g},{_round(ey):g}", f"{ex:g},{_round(ey):g}"]),
                    (sx, _round(sy)), (ex, _round(ey)))
        width_needed = (label_widths or {}).get(key)
        if width_needed:
            edge.label = _place_label(points, width_needed, placed, sx + BADGE_W + 8, ex - BADGE_W - 14)
            if edge.label:
                placed.append(edge.label)
        result.edges.append(edge)
    return result


def _place_label(points, width: float, placed: list[Box], low: float, high: float) -> Box | None:
    """The first spot along the curve where a label of ``width`` fits between ``low`` and
    ``high`` without touching a label already placed; None when there is none."""
    for shift in _LABEL_SHIFT:
        for t in _LABEL_AT:
            cx, cy = _cubic(points, t)
            box = Box(_round(cx - width / 2), _round(cy + shift - LABEL_H / 2), _round(width), LABEL_H)
            if box.x >= low and box.x + box.w <= high and not any(box.overlaps(other) for other in placed):
                return box
    return None
