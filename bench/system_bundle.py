"""Reading a 5 MB Primero configuration bundle and checking it (issue: under 1 s).

    python3 bench/system_bundle.py [--mb 5] [--runs 5]

Builds a copy of the clean Gambella example whose CPIMS+ bundle (systems/cpims/config_data.json)
is grown to the given size with more forms of real-shaped fields (tests/system_sources.py), then
reports the median of ``--runs``: (a) in-process, reading the bundle and running every SYSTEM rule
on the loaded project; (b) the whole command, ``im4cm-lint --select SYSTEM --no-cache``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import system_sources  # noqa: E402


def grow(root: Path, megabytes: float) -> int:
    path = root / "systems" / "cpims" / "config_data.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    template = data["data"]["FormSection"][0]
    n = 0
    while len(json.dumps(data, indent=2)) < megabytes * 1024 * 1024:
        for _ in range(100):
            data["data"]["FormSection"].append({**template, "unique_id": f"custom_form_{n}"})
            n += 1
    system_sources.write_json(path, data)
    return path.stat().st_size


def in_process(root: Path) -> float:
    """Seconds to read the bundle and run the SYSTEM rules on the already loaded documents."""
    import os

    from im4cm_lint.engine import Options, run
    from im4cm_lint.plugins import load_registry

    old = os.getcwd()
    os.chdir(root)
    try:
        result = run(["."], Options(select=["SYSTEM"]))  # loads documents and the pack
        project, pack = result.project, result.pack
        rules = [rule for rid, rule in sorted(load_registry().rules.items()) if rid.startswith("SYSTEM")]
        project._memo.clear()
        started = time.perf_counter()
        found = [d for rule in rules for d in rule.check(project, pack)]
        elapsed = time.perf_counter() - started
    finally:
        os.chdir(old)
    assert not found, found[:3]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "gambella"
        shutil.copytree(REPO / "examples" / "et-gambella", root)
        (root / ".git").mkdir()
        size = grow(root, args.mb)
        checks = statistics.median(in_process(root) for _ in range(args.runs))
        exe = shutil.which("im4cm-lint") or sys.executable
        cmd = [exe, "--select", "SYSTEM", "--no-cache", "."]
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
            times.append(time.perf_counter() - started)
            assert proc.returncode == 0, proc.stdout + proc.stderr
        print(f"| {size / 1024 / 1024:.1f} MB Primero bundle | read + SYSTEM checks {checks * 1000:,.0f} ms "
              f"| whole command {statistics.median(times) * 1000:,.0f} ms |")


if __name__ == "__main__":
    main()
