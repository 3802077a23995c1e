"""Attack: ``--fix`` truncates a protocol, writes outside the repository, loses an edit or
rewrites line endings.

Before issue 12 ``--fix`` wrote the file in place (a write cut short left a truncated protocol),
followed a link to anywhere, overwrote an edit saved while it ran and turned every line ending
into CRLF when one line had it. Now it writes a temporary file beside the original, flushes it
and renames it in one step, refuses links that leave the repository, reads the file again just
before the rename, and gives each line back its own ending.
"""

from __future__ import annotations

import difflib
import errno
import os
from pathlib import Path

import pytest

from conftest import lint
from im4cm_lint import fix as fixing

EDIT = ("compatible with them. No participant uses it", "compatible with them. A participant may use it")


@pytest.fixture
def drafted(tmp_path_factory) -> tuple[Path, str, str]:
    """A scaffolded operation whose locked purpose-limitation clause was edited (CLAUSE001, fixable)."""
    target = tmp_path_factory.mktemp("repo") / "et"
    assert lint("init", "--country", "ET", "--operation", "Gambella", str(target)).code == 0
    (target / ".git").mkdir()
    dpisp = target / "dpisp.yaml"
    original = dpisp.read_text(encoding="utf-8")
    edited = original.replace(*EDIT)
    assert edited != original
    dpisp.write_text(edited, encoding="utf-8")
    return target, original, edited


def failing_write(at: int):
    """os.write that fails with a full disk once ``at`` bytes have been written."""
    real = os.write
    written = [0]

    def write(fd, data):
        room = at - written[0]
        if room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        count = real(fd, bytes(data[:room]))
        written[0] += count
        return count

    return write


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "fix" in p.name and p.name.startswith("."))


def fixed_bytes(drafted) -> bytes:
    """What --fix writes: the scaffold as it was before the clause was edited."""
    return drafted[1].encode("utf-8")


def test_a_write_cut_short_through_the_cli_leaves_the_original(drafted, monkeypatch):
    target, original, edited = drafted
    size = len(fixed_bytes(drafted))
    for at in (0, 1, size // 2, size - 1):
        monkeypatch.setattr(os, "write", failing_write(at))
        run = lint("--fix", cwd=target)
        monkeypatch.undo()
        assert (target / "dpisp.yaml").read_text(encoding="utf-8") == edited, at
        assert "dpisp.yaml: not fixed: cannot write the file" in run.err and run.code == 1
        assert leftovers(target) == []
    assert lint("--fix", cwd=target).code in (0, 1)  # with room on the disk, it is fixed
    assert (target / "dpisp.yaml").read_text(encoding="utf-8") == original


def test_a_write_cut_short_at_any_byte_leaves_the_original(drafted, monkeypatch):
    target, original, edited = drafted
    path = str(target / "dpisp.yaml")
    expected = edited.encode("utf-8")
    data = fixed_bytes(drafted)[:3000]  # what is written does not matter here; 0.7 ms a try on tmpfs
    for at in range(len(data)):
        monkeypatch.setattr(os, "write", failing_write(at))
        with pytest.raises(OSError):
            fixing.write_in_place(path, expected, data)
        monkeypatch.undo()
        assert Path(path).read_bytes() == expected
    assert leftovers(target) == []
    fixing.write_in_place(path, expected, data)
    assert Path(path).read_bytes() == data


def test_a_link_to_a_file_outside_the_repository_is_not_written(drafted, tmp_path_factory):
    target, _, edited = drafted
    victim = tmp_path_factory.mktemp("victim") / "victim.yaml"
    victim.write_text(edited, encoding="utf-8")
    (target / "dpisp.yaml").unlink()
    (target / "dpisp.yaml").symlink_to(victim)
    run = lint("--fix", cwd=target)
    assert victim.read_text(encoding="utf-8") == edited
    assert "dpisp.yaml:1:1: PARSE008 error 'dpisp.yaml' is a link to a file outside the repository" in run.out
    assert run.code == 1


def test_a_link_inside_the_repository_is_fixed_through_and_stays_a_link(drafted):
    target, original, edited = drafted
    (target / "protocols").mkdir()
    (target / "dpisp.yaml").rename(target / "protocols" / "dpisp.yaml")
    (target / "dpisp.yaml").symlink_to(Path("protocols") / "dpisp.yaml")
    lint("--fix", "dpisp.yaml", cwd=target)
    assert (target / "dpisp.yaml").is_symlink()
    assert (target / "protocols" / "dpisp.yaml").read_text(encoding="utf-8") == original


def test_an_edit_saved_while_fixing_is_kept(drafted, monkeypatch):
    target, _, edited = drafted
    saved = edited + "# saved by the author while --fix ran\n"
    real = fixing.fix_text

    def slow_fix(text, shown, fixes):
        outcome = real(text, shown, fixes)
        (target / "dpisp.yaml").write_text(saved, encoding="utf-8")  # the editor saves now
        return outcome

    monkeypatch.setattr(fixing, "fix_text", slow_fix)
    run = lint("--fix", cwd=target)
    assert (target / "dpisp.yaml").read_text(encoding="utf-8") == saved
    assert "the file changed while it was being fixed" in run.err
    assert leftovers(target) == []


def test_each_line_keeps_its_own_ending(drafted):
    target, original, edited = drafted
    lines = edited.splitlines(keepends=True)
    mixed = "".join(line[:-1] + "\r\n" if number % 3 == 0 else line for number, line in enumerate(lines))
    (target / "dpisp.yaml").write_bytes(mixed.encode("utf-8"))
    lint("--fix", cwd=target)
    after = (target / "dpisp.yaml").read_bytes().decode("utf-8")
    assert after.replace("\r\n", "\n") == original
    before_lines, after_lines = mixed.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, [line.rstrip("\r\n") for line in before_lines],
                                      [line.rstrip("\r\n") for line in after_lines], autojunk=False)
    unchanged = [(i, j) for tag, i1, i2, j1, _ in matcher.get_opcodes() if tag == "equal"
                 for i, j in zip(range(i1, i2), range(j1, j1 + i2 - i1))]
    assert len(unchanged) == len(before_lines) - 1  # one line of the clause was restored
    assert all(before_lines[i] == after_lines[j] for i, j in unchanged)
    assert [line.endswith("\r\n") for line in after_lines] == [line.endswith("\r\n") for line in before_lines]
