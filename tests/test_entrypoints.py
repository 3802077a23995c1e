"""Plugins are found from the distributions' entry_points.txt as importlib.metadata finds them:
in sys.path order, the first distribution of a name winning, extras and comments ignored."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points as reference

from im4cm_lint.entrypoints import EntryPoint, entry_points


def test_the_installed_plugins_are_those_importlib_metadata_finds():
    ours = sorted((ep.name, ep.value) for ep in entry_points("im4cm_lint"))
    theirs = sorted((ep.name, ep.value) for ep in reference(group="im4cm_lint"))
    assert ours == theirs and ("share", "im4cm_lint_checks.share") in ours


def test_order_duplicates_extras_and_comments(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    for site, value in ((first, "json:dumps"), (second, "json:loads")):
        info = site / "My.Plugin-1.0.dist-info"
        info.mkdir(parents=True)
        (info / "entry_points.txt").write_text(
            f"# comment\n[console_scripts]\nx = y:z\n\n[im4cm_lint]\n; note\nmine = {value} [extra]\n", encoding="utf-8")
    other = second / "other_plugin-2.0.egg-info"
    other.mkdir()
    (other / "entry_points.txt").write_text("[im4cm_lint]\nother = os.path:join\n", encoding="utf-8")
    monkeypatch.setattr(sys, "path", [str(first), str(tmp_path / "missing"), str(second)])
    found = entry_points("im4cm_lint")
    assert found == [EntryPoint("mine", "json:dumps"), EntryPoint("other", "os.path:join")]
    import json
    import os.path

    assert found[0].load() is json.dumps and found[1].load() is os.path.join
