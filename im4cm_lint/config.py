"""The linter's configuration: ``.im4cm-lint.yaml`` (or ``[tool.im4cm-lint]`` in pyproject.toml),
found upward from the linted paths; command-line options override it."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from im4cm_lint import schemas, weakenings
from im4cm_lint.diagnostics import SEVERITIES, Diagnostic, Location
from im4cm_lint.i18n import _
from im4cm_lint.engine_rules.config import InvalidConfig
from im4cm_lint.loader import DEFAULT_MAX_FILE_SIZE, load_file
from im4cm_lint.paths import repo_root, shown_path
from im4cm_lint.yamltree import Source, YMap, YSeq, locate, parse_yaml_path

CONFIG_NAMES = (".im4cm-lint.yaml", ".im4cm-lint.yml")
DEFAULT_CHECK_TIMEOUT = 30.0  # seconds; generous: every built-in check takes milliseconds

_RULE_LIST = {"type": "list", "schema": {"type": "string"}}
CONFIG_SCHEMA = {
    "policy-pack": {"type": "string"},
    "select": _RULE_LIST,
    "ignore": _RULE_LIST,
    "per-file-ignores": {"type": "dict", "keysrules": {"type": "string"}, "valuesrules": _RULE_LIST},
    "severity": {"type": "dict", "keysrules": {"type": "string"}, "valuesrules": {"type": "string", "allowed": list(SEVERITIES)}},
    "exclude": {"type": "list", "schema": {"type": "string"}},
    "thresholds": {"type": "dict", "keysrules": {"type": "string"}, "valuesrules": {"type": "number"}},
    "fail-on": {"type": "string", "allowed": list(SEVERITIES)},
    "max-file-size": {"type": "integer", "min": 1},
    # seconds a check may run: a limit there must be, since a repository's own pack brings its
    # own patterns (placeholder_pattern), and a pattern can backtrack for ever
    "check-timeout": {"type": "number", "min": 0.1, "max": 3600},
    "baseline": {"type": "string"},
    # Reviewed exceptions: reason, approver and expiry are checked by the suppressions step, so a
    # waiver that lacks them is reported next to the findings it would have hidden.
    "waivers": {"type": "list", "schema": {"type": "dict", "schema": {
        "rule": {"type": "string", "required": True},
        "document": {"type": "string", "required": True, "regex": schemas.ID},
        "path": {"type": "string", "required": True, "minlength": 1},
        "reason": {"type": "string"},
        "approved-by": {"type": "string"},
        "expires": {"type": "string", "check_with": "iso_date"},
    }}},
}


@dataclass
class Config:
    """Settings of one run. ``body`` keeps positions so findings can point into the file."""

    root: Path
    path: str | None = None
    body: YMap | None = None
    policy_pack: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    thresholds: dict[str, Any] = field(default_factory=dict)
    fail_on: str = "error"
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    check_timeout: float = DEFAULT_CHECK_TIMEOUT
    baseline: str | None = None  # relative to the configuration's folder
    waivers: list[YMap] = field(default_factory=list)
    weakenings: list[weakenings.Weakening] = field(default_factory=list)  # ignore, exclude... with their reasons

    def where(self, *keys: Any) -> Location:
        """The position of a setting (or of the file) for a CONFIG finding."""
        if self.body is None:
            return Location(self.path or ".", 1, 1)
        node: Any = self.body
        for key in keys[:-1]:
            nxt = node.get(key) if isinstance(node, YMap) else None
            if not isinstance(nxt, (YMap, YSeq)):
                break
            node = nxt
        return locate(node, keys[-1]) if keys else locate(node)


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start`` (a folder or a file)."""
    try:
        folder = start.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop: the discovery step reports the path
        folder = start.absolute()
    if not folder.is_dir():
        folder = folder.parent
    root = repo_root(folder)
    for candidate_dir in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if os.path.lexists(candidate_dir / name):  # a FIFO, a folder or a dangling link is a configuration
                return candidate_dir / name            # that cannot be read (exit 2), never one to skip
        pyproject = candidate_dir / "pyproject.toml"
        if pyproject.is_file() and _pyproject_section(pyproject) is not None:
            return pyproject
        if candidate_dir == root:  # a configuration above the repository does not govern it
            return None
    return None


def _pyproject_section(path: Path) -> dict | None:
    import tomllib  # only where a pyproject.toml is read: most runs have none

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    section = data.get("tool", {}).get("im4cm-lint")
    return section if isinstance(section, dict) else None


def _as_tree(value: Any, source: Source, line: int) -> Any:
    """Plain TOML data as positioned values, all pointing at the section's header line."""
    if isinstance(value, dict):
        node = YMap(source, line, 1)
        for key, item in value.items():
            node[key] = _as_tree(item, source, line)
            node.key_pos[key] = node.value_pos[key] = (line, 1)
        return node
    if isinstance(value, list):
        seq = YSeq(source, line, 1)
        for item in value:
            seq.append(_as_tree(item, source, line))
            seq.item_pos.append((line, 1))
        return seq
    if isinstance(value, datetime.date):
        return value.isoformat()  # TOML dates are dates; YAML 1.2 ones are text: compare alike
    return value


def read_config_body(path: Path) -> tuple[YMap | None, list[Diagnostic]]:
    shown = shown_path(path)
    if path.name == "pyproject.toml":
        import tomllib

        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            return None, [InvalidConfig.at(Location(shown, 1, 1),
                                           _("cannot read {path}: {reason}", path=shown, reason=str(err)))]
        line = next((n for n, row in enumerate(text.splitlines(), 1) if row.strip().startswith("[tool.im4cm-lint")), 1)
        section = data.get("tool", {}).get("im4cm-lint", {})
        return _as_tree(section, Source(shown), line), []
    loaded = load_file(str(path), shown, any_mapping=True)
    problems = [InvalidConfig.at(d.location, _("configuration: {message}", message=d.message),
                                 severity=d.severity) for d in loaded.diagnostics]
    if problems:
        return None, problems
    if not loaded.documents:
        return YMap(Source(shown), 1, 1), []
    return loaded.documents[0].body, []


def load_config(path: Path | None, root: Path) -> tuple[Config, list[Diagnostic]]:
    """Read and validate a configuration file (None: defaults). Problems are CONFIG001 errors."""
    if path is None:
        return Config(root=root), []
    body, problems = read_config_body(path)
    config = Config(root=path.parent, path=shown_path(path), body=body)
    if body is None:
        return config, problems
    body, config.weakenings, problems = weakenings.split(body)
    for diag in schemas.validate_with(CONFIG_SCHEMA, body):
        problems.append(InvalidConfig.at(diag.location, _("configuration: {message}", message=diag.message)))
    if not problems:
        problems += _check_waiver_paths(body.get("waivers") or [])
    if problems:
        return config, problems
    config.policy_pack = body.get("policy-pack")
    config.select = list(body.get("select") or [])
    config.ignore = list(body.get("ignore") or [])
    config.per_file_ignores = {k: list(v) for k, v in (body.get("per-file-ignores") or {}).items()}
    config.severity = dict(body.get("severity") or {})
    config.exclude = list(body.get("exclude") or [])
    config.thresholds = dict(body.get("thresholds") or {})
    config.fail_on = body.get("fail-on") or "error"
    config.max_file_size = body.get("max-file-size") or DEFAULT_MAX_FILE_SIZE
    config.check_timeout = body.get("check-timeout", DEFAULT_CHECK_TIMEOUT)
    config.baseline = body.get("baseline")
    config.waivers = list(body.get("waivers") or [])
    return config, problems


def _check_waiver_paths(waivers: YSeq | list) -> list[Diagnostic]:
    """A waiver's ``path`` must be a YAML path as findings show it, or it could never match."""
    problems = []
    for waiver in waivers:
        try:
            parse_yaml_path(waiver["path"])
        except ValueError as err:
            problems.append(InvalidConfig.at(
                locate(waiver, "path"),
                _("configuration: waiver path {problem}; copy the 'yaml_path' of the finding from --format json, "
                  "e.g. sharing[sc-to-unhcr-bip].categories", problem=str(err))))
    return problems
