"""The held-out example: examples/jo-irbid, a mixed refugee and host-community protocol drafted
from ``init``, lints clean (tests/test_examples.py), and each of the ten mistakes its README lists, applied to a copy,
gives exactly the finding (rule and line) the README names.

The mistakes are data: file, text to replace, replacement, expected findings as [rule, line].
Run ``python3 tests/test_second_example.py`` to print what each mistake gives now.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, lint_json

TODAY = "2026-11-27"
EXAMPLE = EXAMPLES / "jo-irbid"
README = EXAMPLE / "README.md"

MISTAKES = [
    ("a placeholder left in a channel", "dpisp.yaml",
     "    channel: sealed referral form handed to the Irbid Directorate's Family Protection focal point\n",
     "    channel: '[INSERT how the data is sent]'\n",
     [["LIFE009", 545]]),
    ("a focal point named for two agencies", "dpisp.yaml",
     "        name: J. Ferreira\n", "        name: K. Lindqvist\n",
     [["ROLE010", 121]]),
    ("an Annex C rubber stamp", "dpisp.yaml",
     "  breach-notification: {met: true, clause: breach-management, ",
     "  breach-notification: {met: true, ",
     [["ANNEXC009", 576]]),
    ("a signature by someone who is not the signatory", "dpisp.yaml",
     "    by: {name: L. Nasser, title: Executive Director}\n",
     "    by: {name: K. Lindqvist, title: Executive Director}\n",
     [["LIFE008", 596]]),
    ("a relabelled export field", "exports/jrf-bip-referral.yaml",
     "  - unhcr_protection_code\n", "  - {name: unhcr_protection_code, category: identity.sex}\n",
     [["SHARE017", 39]]),
    ("severe data to the ministry without a per-category justification", "dpisp.yaml",
     "      - family.members\n      - service.referral\n",
     "      - family.members\n      - service.referral\n      - protection.violence_incident\n",
     [["SHARE008", 538], ["SHARE003", 540]]),
    ("a WhatsApp channel", "exports/irc-monthly-statistics.yaml",
     "  method: upload to the sub-working group site (HTTPS, named accounts)\n",
     "  method: WhatsApp group of the sub-working group\n",
     [["SHARE020", 32]]),
    ("breakdowns without secondary suppression", "exports/irc-monthly-statistics.yaml",
     "secondary_suppression: true\n", "secondary_suppression: false\n",
     [["SHARE022", 21]]),
    ("a typo'd key", "dpisp.yaml",
     "    - confirmed: 2026-10-12\n      trained: 2026-09-15\n      holder:\n        name: J. Ferreira\n",
     "    - confirmd: 2026-10-12\n      trained: 2026-09-15\n      holder:\n        name: J. Ferreira\n",
     [["SCHEMA001", 118]]),
    ("an unquoted comma in a title", "dpisp.yaml",
     "title: Director of the Irbid Directorate}\n", "title: Director, Irbid Directorate}\n",
     [["SCHEMA001", 605]]),
]


def findings_with(tmp_path: Path, name: str, old: str, new: str) -> list[list]:
    copy = tmp_path / "jo-irbid"
    shutil.copytree(EXAMPLE, copy)
    target = copy / name
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{name}: the text to replace must occur once"
    target.write_text(text.replace(old, new), encoding="utf-8")
    run = lint_json("--today", TODAY, ".", cwd=copy)
    assert run.code in (0, 1), run.err
    return [[d["rule"], d["line"]] for d in run.json["diagnostics"]]


@pytest.mark.parametrize("title, name, old, new, expected", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_gives_the_finding_the_readme_names(tmp_path, title, name, old, new, expected):
    assert findings_with(tmp_path, name, old, new) == expected
    [item] = re.findall(rf"^\d+\. \*\*{re.escape(title)}\*\*.*$", README.read_text(encoding="utf-8"), re.M)
    assert f"`{name}`" in item, title
    listed = re.findall(r"`([A-Z]+\d{3})` at line (\d+)", item)
    assert [[rule, int(line)] for rule, line in listed] == expected, title


def test_the_readme_lists_ten_mistakes():
    rows = re.findall(r"^\d+\. \*\*(.+?)\*\*", README.read_text(encoding="utf-8"), re.M)
    assert rows == [m[0] for m in MISTAKES] and len(rows) == 10


if __name__ == "__main__":
    import tempfile

    for title, name, old, new, expected in MISTAKES:
        with tempfile.TemporaryDirectory() as folder:
            print(title, findings_with(Path(folder), name, old, new), "expected", expected, file=sys.stdout)
