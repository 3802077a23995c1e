"""The baseline: the fingerprints of the findings a repository had when it adopted the linter,
so that only new findings are reported. Baselined findings are counted, not shown."""

from __future__ import annotations

import json
from pathlib import Path

from im4cm_lint.i18n import _
from im4cm_lint.cache import read_regular
from im4cm_lint.config import Config
from im4cm_lint.decide.common import NOT_SUPPRESSIBLE
from im4cm_lint.diagnostics import Diagnostic, Location
from im4cm_lint.engine_rules.config import InvalidConfig
from im4cm_lint.paths import shown_path
from im4cm_lint.values import safe_path

BASELINE_VERSION = 1
MAX_BASELINE = 64 * 1024 * 1024  # a baseline of 100,000 findings is about 10 MB


class Baseline:
    """The fingerprints (:meth:`Diagnostic.fingerprint`) of accepted findings."""

    def __init__(self, fingerprints: set[str]):
        self.fingerprints = fingerprints

    @staticmethod
    def absorbs(diag: Diagnostic) -> bool:
        return diag.suppression is None and diag.family not in NOT_SUPPRESSIBLE

    @classmethod
    def read(cls, path: Path) -> tuple[Baseline | None, list[Diagnostic]]:
        shown = shown_path(path)

        def problem(message: str, line: int = 1, column: int = 1) -> tuple[None, list[Diagnostic]]:
            return None, [InvalidConfig.at(Location(shown, line, column), _("baseline {path}: {problem}", path=shown,
                                                                                  problem=message))]

        try:
            raw, _unused = read_regular(path, MAX_BASELINE)
            if raw is None:  # /dev/zero, a FIFO, a folder, a file of gigabytes
                return problem(_("not a regular file of at most {limit} MB; give the file --write-baseline wrote",
                                 limit=MAX_BASELINE // 1_048_576))
            data = json.loads(raw.decode("utf-8"))
        except FileNotFoundError:
            return problem(_("the file does not exist; create it with --write-baseline"))
        except (OSError, UnicodeDecodeError) as err:
            return problem(_("cannot read the file: {reason}", reason=str(getattr(err, "strerror", None) or err)))
        except json.JSONDecodeError as err:
            return problem(_("not valid JSON: {problem}", problem=err.msg), err.lineno, err.colno)
        findings = data.get("findings") if isinstance(data, dict) else None
        if (not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(findings, list)
                or not all(isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings)):
            return problem(_("not an im4cm-lint baseline (version {version}, a list of findings with fingerprints); "
                             "write it again with --write-baseline", version=BASELINE_VERSION))
        return cls({f["fingerprint"] for f in findings}), []

    @classmethod
    def write(cls, path: Path, diagnostics: list[Diagnostic]) -> tuple[Baseline | None, list[Diagnostic]]:
        """Record the findings a baseline may absorb, one entry per fingerprint, sorted, so the
        file is reviewable and rewriting it on the same findings changes nothing."""
        entries: dict[str, dict] = {}
        for diag in diagnostics:
            if cls.absorbs(diag):
                entries.setdefault(diag.fingerprint(), {
                    "fingerprint": diag.fingerprint(), "rule": diag.rule, "path": diag.path,
                    "document": diag.location.doc_id, "yaml_path": safe_path(diag.location.yaml_path)})
        ordered = sorted(entries.values(), key=lambda e: (e["path"], e["document"], e["yaml_path"], e["rule"], e["fingerprint"]))
        payload = {
            "version": BASELINE_VERSION,
            "about": "Findings accepted when im4cm-lint was adopted (im4cm-lint --baseline reports only new ones). "
                     "Fix them over time and write the baseline again.",
            "findings": ordered,
        }
        try:
            path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as err:
            shown = shown_path(path)
            return None, [InvalidConfig.at(Location(shown, 1, 1),
                                           _("cannot write the baseline {path}: {reason}", path=shown,
                                             reason=str(err.strerror or err)))]
        return cls(set(entries)), []


def baseline_for(config: Config, baseline: str | None, write_baseline: str | None,
              findings: list[Diagnostic]) -> tuple[Baseline | None, list[Diagnostic]]:
    """The baseline to apply: the one just written, the one given on the command line, or the
    configuration's ``baseline`` (relative to the configuration's folder)."""
    if write_baseline:
        return Baseline.write(Path(write_baseline), findings)
    if baseline:
        return Baseline.read(Path(baseline))
    if config.baseline:
        return Baseline.read(config.root / config.baseline)
    return None, []
