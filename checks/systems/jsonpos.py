"""Line and column of a JSON pointer in a JSON text, without a second parser.

``json.loads`` keeps no positions. Findings are few, so positions are found on demand: walking
down a pointer, the children of each container on the way are located once (their values are
skipped with the C scanner, ``raw_decode``) and remembered, so many findings inside the same
list cost one pass over it, not one each.
"""

from __future__ import annotations

import bisect
import json
import re

from im4cm_lint_checks.systems.facts import pointer  # noqa: F401 - the pointers this module locates

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class JsonIndex:
    def __init__(self, text: str):
        self.text = text
        self._children: dict[int, dict | list] = {}
        self._lines: list[int] | None = None

    def _space(self, offset: int) -> int:
        return _SPACE.match(self.text, offset).end()

    def _locate_children(self, offset: int) -> dict | list:
        found = self._children.get(offset)
        if found is not None:
            return found
        text, opening = self.text, self.text[offset]
        found = {} if opening == "{" else []
        i = self._space(offset + 1)
        closing = "}" if opening == "{" else "]"
        while i < len(text) and text[i] != closing:
            if opening == "{":
                key, i = json.decoder.scanstring(text, i + 1)
                i = self._space(self._space(i) + 1)  # past ':'
                found[key] = i
            else:
                found.append(i)
            _, i = _DECODER.raw_decode(text, i)
            i = self._space(i)
            if i < len(text) and text[i] == ",":
                i = self._space(i + 1)
        self._children[offset] = found
        return found

    def offset(self, parts: tuple) -> int:
        """Offset of the value at ``parts`` (of its deepest existing ancestor if absent)."""
        here = self._space(0)
        for part in parts:
            if here >= len(self.text) or self.text[here] not in "{[":
                break
            children = self._locate_children(here)
            if isinstance(children, dict) and part in children:
                here = children[part]
            elif isinstance(children, list) and isinstance(part, int) and 0 <= part < len(children):
                here = children[part]
            else:
                break
        return here

    def position(self, parts: tuple) -> tuple[int, int]:
        """1-based line and column of the value at ``parts``."""
        try:
            offset = self.offset(parts)
        except (ValueError, IndexError):  # the text is not the JSON it was parsed from
            return 1, 1
        if self._lines is None:
            self._lines = [m.start() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_left(self._lines, offset)
        start = self._lines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1
