"""im4cm-lint against yamllint on the same generated corpora, in one run.

    pip install yamllint          # the comparison; not a dependency of im4cm-lint
    python bench/run.py           # 10, 100, 1,000 and 5,000 documents; prints a Markdown table
    python bench/run.py --sizes 10,100 --runs 3 --out bench/results.md

For each corpus (bench/corpus.py: copies of the clean example country repository, or of an
``im4cm-lint init`` repository when there is none) it measures whole processes, as a user or a
CI job runs them, and reports the median of ``--runs`` runs of each, wall time and peak memory
(the largest resident set of the process and its workers, from wait4):

- yamllint: ``yamllint -d default .``, its default rules;
- im4cm-lint cold: every check, the cache folder removed before each run (the run fills it);
- im4cm-lint warm: the same run again with nothing changed;
- im4cm-lint, one file changed: a comment appended to one DPISP before each run (the other
  files' documents, and the other protocols' findings, come from the cache);
- im4cm-lint --jobs 1: cold, on one process (what --jobs buys on this machine).

Then the pre-commit case: one file passed on the command line in a one-operation repository,
against ``python -c "import im4cm_lint"`` and, as the hook runs it (``--base HEAD``), against
yamllint on the same file, in its own process and through a started server; and ``im4cm-lint diff`` of two revisions of a 1,000-document git
repository. The last lines give the three figures of issue 16 as ratios of this run.

Processes run with Python's bytecode cache on (PYTHONDONTWRITEBYTECODE removed), after one
warm-up run, as an installed linter runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import documents_in, generate, template  # noqa: E402

# The linter's cache, outside the corpora as it is outside a repository (see README, Speed).
CACHE = Path(tempfile.mkdtemp(prefix="im4cm-lint-bench-cache-"))
# The server's socket folder of this benchmark (im4cm_lint/server.py): a server the developer
# runs is never measured, and only the measurements that say so go through this one.
RUNTIME = Path(tempfile.mkdtemp(prefix="i4b-", dir="/tmp" if os.path.isdir("/tmp") else None))


def environment(served: bool = False) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "IM4CM_LINT_NO_CACHE")}
    env["NO_COLOR"] = "1"
    env["IM4CM_LINT_CACHE_DIR"] = str(CACHE)
    env["IM4CM_LINT_RUNTIME_DIR"] = str(RUNTIME / "run")
    env["IM4CM_LINT_SERVER"] = "on" if served else "off"
    return env


def lint_command(*args: str) -> list[str]:
    exe = shutil.which("im4cm-lint")
    return [exe, *args] if exe else [sys.executable, "-m", "im4cm_lint", *args]


def measure_once(cmd: list[str], cwd: Path, served: bool = False) -> tuple[float, float, float]:
    """Wall seconds, peak resident MB and CPU seconds (user and system) of one process, its
    waited-for workers and git processes included. On a machine shared with other work the CPU
    time varies less than the wall time: the figures give both. A run through the server
    (``served``) is timed whole, but its CPU time and memory are the server's fork's, not counted."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=environment(served), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {code} in {cwd}:\n{err.decode(errors='replace')[-2000:]}")
    return (wall, usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024),
            usage.ru_utime + usage.ru_stime)


def _medians(items: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return tuple(statistics.median(item[k] for item in items) for k in range(3))  # type: ignore[return-value]


def measure(cmd: list[str], cwd: Path, runs: int, before=None) -> tuple[float, float, float]:
    """Medians (wall, peak memory, CPU) over ``runs`` runs; ``before`` runs ahead of each (not timed)."""
    done = []
    for _ in range(runs):
        if before:
            before()
        done.append(measure_once(cmd, cwd))
    return _medians(done)


def measure_pair(first: list[str], second: list[str], cwd: Path, runs: int, before=None, served: bool = False):
    """Medians of two commands run in turn (``before`` ahead of each run of the first), so that
    a machine busy with something else slows both alike: their ratio is what is compared."""
    a, b = [], []
    for _ in range(runs):
        if before:
            before()
        a.append(measure_once(first, cwd, served))
        b.append(measure_once(second, cwd))
    return _medians(a), _medians(b)


def clear_cache(root: Path):
    return lambda: shutil.rmtree(CACHE, ignore_errors=True)


def touch_one(root: Path):
    target = next(root.rglob("dpisp.yaml"))
    counter = [0]

    def change() -> None:
        counter[0] += 1
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"# edit {counter[0]}\n")

    return change


def corpus_size(root: Path) -> tuple[int, float]:
    files = [p for p in root.rglob("*.yaml") if p.name != ".im4cm-lint.yaml"]
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def bench_corpus(root: Path, documents: int, runs: int, yamllint: str | None) -> dict:
    lint = lint_command(".")
    measure_once(lint_command("--no-cache", "."), root)  # warm-up: bytecode, page cache
    row: dict = {"documents": documents}
    row["files"], row["mb"] = corpus_size(root)
    row["cold"] = measure(lint, root, runs, clear_cache(root))
    measure_once(lint, root)
    row["warm"] = measure(lint, root, runs)
    row["one_changed"] = measure(lint, root, runs, touch_one(root))
    row["jobs1"] = measure(lint_command("--jobs", "1", "."), root, runs, clear_cache(root))
    if yamllint:
        measure_once([yamllint, "-d", "default", "."], root)
        row["yamllint"] = measure([yamllint, "-d", "default", "."], root, runs)
    return row


def git_repository(root: Path) -> None:
    """Make a generated corpus a real git repository with one commit (it has a .git marker)."""
    shutil.rmtree(root / ".git", ignore_errors=True)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"),
                 ("-c", "user.email=bench@example.org", "-c", "user.name=bench", "-c", "commit.gpgsign=false",
                  "commit", "-q", "--no-verify", "-m", "base")):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, timeout=300)


def widen_one(root: Path) -> None:
    """One sharing rule of one DPISP carries one more category: the change a pull request makes."""
    target = next(root.rglob("dpisp.yaml"))
    text = target.read_text(encoding="utf-8")
    at = text.index("    categories:\n", text.index("\nsharing:"))
    target.write_text(text[:at] + "    categories:\n      - protection.gbv\n" + text[at + len("    categories:\n"):],
                      encoding="utf-8")


def bench_precommit(source: dict[str, str], runs: int, yamllint: str | None) -> dict:
    """One file given, as the pre-commit hook runs (``--base HEAD``), in a one-operation git
    repository, after an edit of that file, against yamllint on the same file."""
    with tempfile.TemporaryDirectory(prefix="im4cm-bench-") as tmp:
        root = Path(tmp) / "op"
        generate(root, documents_in(source), source)
        git_repository(root)
        target = next(root.rglob("dpisp.yaml")).relative_to(root).as_posix()
        importing = [sys.executable, "-c", "import im4cm_lint"]
        measure_once(importing, root)
        measure_once(lint_command("--no-cache", target), root)
        row = {"import": measure(importing, root, runs)}
        row["cold"] = measure(lint_command("--no-cache", target), root, runs)
        hook = lint_command("--base", "HEAD", target)
        measure_once(hook, root)
        row["warm"] = measure(lint_command(target), root, runs, touch_one(root))
        if yamllint:
            measure_once([yamllint, "-d", "default", target], root)
            row["hook"], row["yamllint"] = measure_pair(hook, [yamllint, "-d", "default", target], root, runs,
                                                        touch_one(root))
        else:
            row["hook"] = measure(hook, root, runs, touch_one(root))
        row.update(bench_served(hook, root, runs, yamllint, target))
        row["files"] = corpus_size(root)[0]
        return row


def bench_served(hook: list[str], root: Path, runs: int, yamllint: str | None, target: str) -> dict:
    """The hook's run through a started server (``im4cm-lint server start``), in turn with yamllint."""
    start = subprocess.run(lint_command("server", "start"), env=environment(), capture_output=True, timeout=60)
    if start.returncode:
        print(f"the server did not start: {start.stderr.decode(errors='replace')}", file=sys.stderr)
        return {}
    try:
        measure_once(hook, root, served=True)
        if yamllint:
            served, yl = measure_pair(hook, [yamllint, "-d", "default", target], root, runs, touch_one(root),
                                      served=True)
            return {"served": served, "yamllint_served": yl}
        return {"served": measure(hook, root, runs, touch_one(root))}
    finally:
        subprocess.run(lint_command("server", "stop"), env=environment(), capture_output=True, timeout=60)


def bench_diff(source: dict[str, str], documents: int, runs: int) -> dict:
    """``im4cm-lint diff HEAD~1 HEAD`` in a git repository of ``documents`` documents whose last
    commit widens one sharing rule (the cache emptied before each run)."""
    with tempfile.TemporaryDirectory(prefix="im4cm-bench-") as tmp:
        root = Path(tmp) / "diff"
        made = generate(root, documents, source)
        git_repository(root)
        widen_one(root)
        subprocess.run(["git", "-c", "user.email=bench@example.org", "-c", "user.name=bench", "commit", "-q",
                        "--no-verify", "-am", "widen"], cwd=root, check=True, capture_output=True, timeout=300)
        command = lint_command("diff", "HEAD~1", "HEAD")
        measure_once(command, root)
        return {"documents": made, "diff": measure(command, root, runs, clear_cache(root))}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def table(rows: list[dict], precommit: dict, name: str, runs: int, diff: dict | None = None) -> str:
    out = [f"Template: {name}. Median of {runs} runs; machine: {os.cpu_count()} cores, "
           f"Python {sys.version.split()[0]}, {sys.platform}.", ""]
    yl = all("yamllint" in r for r in rows)
    head = "| corpus | im4cm-lint (cold) | yamllint | ratio | warm (no change) | warm/cold | one file changed | --jobs 1 (cold) | per document (cold) | peak memory im4cm-lint / yamllint |"
    out += [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        cold, warm, one, jobs1 = r["cold"], r["warm"], r["one_changed"], r["jobs1"]
        y = r.get("yamllint")
        out.append(
            f"| {r['documents']:,} documents ({r['files']:,} files, {r['mb']:.1f} MB) | {ms(cold[0])} | "
            f"{ms(y[0]) if y else '-'} | {f'{cold[0] / y[0]:.2f}x' if y else '-'} | {ms(warm[0])} | "
            f"{warm[0] / cold[0]:.2f}x | {ms(one[0])} | {ms(jobs1[0])} | "
            f"{cold[0] / r['documents'] * 1000:.1f} ms | {cold[1]:.0f} MB / {f'{y[1]:.0f} MB' if y else '-'} |")
    if not yl:
        out.append("\n(yamllint is not installed: `pip install yamllint` to compare.)")
    imp, cold, warm = precommit["import"][0], precommit["cold"][0], precommit["warm"][0]
    out += ["", f"Pre-commit, one file given in a one-operation repository ({precommit['files']} files): "
                f"`python -c \"import im4cm_lint\"` {ms(imp)}; im4cm-lint cold (--no-cache) {ms(cold)} "
                f"({cold / imp:.1f}x the import); with the cache, after an edit of that file, {ms(warm)} "
                f"({warm / imp:.1f}x the import)."]
    out += ["", *figures(rows, precommit, diff)]
    return "\n".join(out)


def figures(rows: list[dict], precommit: dict, diff: dict | None) -> list[str]:
    """The three figures of issue 16, each a ratio measured in this run."""
    lines = ["Change review (issue 16), wall time (CPU time, user and system, in brackets):", ""]
    hook, yl = precommit["hook"], precommit.get("yamllint")
    served, yl_served = precommit.get("served"), precommit.get("yamllint_served")
    if served and yl_served:
        lines.append(f"- one-file pre-commit run through the server (`im4cm-lint server start`, then "
                     f"`im4cm-lint --base HEAD FILE` after an edit): {ms(served[0])}, yamllint on the same file "
                     f"{ms(yl_served[0])}: {served[0] / yl_served[0]:.2f}x (target at most 0.7x; the run's CPU time "
                     f"is the server's, not counted)")
    lines.append(f"- the same run in its own process (no server): {ms(hook[0])}"
                 + (f", yamllint on the same file {ms(yl[0])}: {hook[0] / yl[0]:.2f}x (CPU {ms(hook[2])} against "
                    f"{ms(yl[2])}: {hook[2] / yl[2]:.2f}x)" if yl
                    else " (yamllint not installed)"))
    large = max(rows, key=lambda r: r["documents"], default=None)
    if large:
        one, cold = large["one_changed"], large["cold"]
        lines.append(f"- one file changed in a {large['documents']:,}-document repository: {ms(one[0])} against "
                     f"{ms(cold[0])} cold: {one[0] / cold[0]:.2f}x (CPU {ms(one[2])} against {ms(cold[2])}: "
                     f"{one[2] / cold[2]:.2f}x; target at most 0.2x)")
    if diff:
        lines.append(f"- `im4cm-lint diff HEAD~1 HEAD` of a {diff['documents']:,}-document repository: "
                     f"{ms(diff['diff'][0])} (target under 2 s)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000,5000", help="documents per corpus, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (the median is reported)")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    parser.add_argument("--keep", type=Path, help="generate the corpora here and keep them")
    parser.add_argument("--diff-documents", type=int, default=1000,
                        help="documents of the repository whose two revisions `diff` compares (0: skip)")
    args = parser.parse_args()
    yamllint = shutil.which("yamllint")
    name, source = template()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="im4cm-bench-") as tmp:
        base = args.keep or Path(tmp)
        for documents in sizes:
            root = base / f"c{documents}"
            made = generate(root, documents, source)  # whole files: may be a document or two more
            print(f"corpus of {made} documents ...", file=sys.stderr, flush=True)
            rows.append(bench_corpus(root, made, args.runs, yamllint))
    precommit = bench_precommit(source, args.runs, yamllint)
    diff = bench_diff(source, args.diff_documents, args.runs) if args.diff_documents else None
    shutil.rmtree(RUNTIME, ignore_errors=True)
    text = table(rows, precommit, name, args.runs, diff)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
