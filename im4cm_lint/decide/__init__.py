"""Which findings a run reports, decided in one place.

:mod:`~im4cm_lint.decide.selection` keeps or drops each finding by the configuration (select,
ignore, per-file-ignores, severity). Then three kinds of exception apply, in this order:
:mod:`~im4cm_lint.decide.inline` suppressions, :mod:`~im4cm_lint.decide.waivers` and the
:mod:`~im4cm_lint.decide.baseline`. Suppressions and waivers stay in the output with their reason;
baselined findings are counted. An exception without a reason, naming an unknown rule, expired, or
suppressing nothing is itself a CONFIG finding. PARSE, SCHEMA, CONFIG and PLUGIN findings are never
excepted: they mean something was not checked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Mapping

from im4cm_lint.config import Config
from im4cm_lint.decide.baseline import Baseline, baseline_for
from im4cm_lint.decide.inline import apply_inline, read_directives
from im4cm_lint.decide.selection import Selection
from im4cm_lint.decide.waivers import apply_waivers
from im4cm_lint.diagnostics import Diagnostic


@dataclass
class Outcome:
    diagnostics: list[Diagnostic]
    baselined: int = 0
    fatal: bool = False


def apply_exceptions(findings: list[Diagnostic], *, config: Config, rules: Mapping[str, object],
                     selection: Selection, files: list[tuple[str, str]], sources: Mapping[str, bytes],
                     documents: list[tuple[str, str]] | None,
                     reported: set[str] | None, today: datetime.date, baseline: str | None = None,
                     write_baseline: str | None = None) -> Outcome:
    """Inline suppressions, then waivers, then the baseline, applied to the kept findings.

    ``documents`` holds (id, file) of every document of the run (None: not known).
    ``reported`` holds the files the run reports on (pre-commit's file names; None: all), so an
    exception is judged only where its findings are visible. ``sources`` holds the bytes, read
    once by the run, of the files that hold suppression comments (by shown path): the comments
    and the findings come from the same version of each file. The problems found with exceptions
    pass through ``selection`` like any finding (so ``ignore: [CONFIG007]`` works).
    """
    holding = {path for _id, path in documents} if documents is not None else {shown for _, shown in files}
    wanted = holding if reported is None else holding & reported
    directives, problems = read_directives(sources, wanted)
    findings, inline_problems = apply_inline(findings, directives, rules, selection.reports)
    findings, waiver_problems = apply_waivers(findings, config, rules, documents, reported, selection.reports, today)
    for diag in problems + inline_problems + waiver_problems:
        kept = selection.keep(diag)
        if kept is not None:
            findings.append(kept)
    accepted, problems = baseline_for(config, baseline, write_baseline, findings)
    if problems:
        return Outcome(problems, fatal=True)
    if accepted is None:
        return Outcome(findings)
    remaining = [d for d in findings if not (Baseline.absorbs(d) and d.fingerprint() in accepted.fingerprints)]
    return Outcome(remaining, baselined=len(findings) - len(remaining))
