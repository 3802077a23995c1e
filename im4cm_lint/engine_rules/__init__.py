"""Rules the engine itself emits: PARSE, SCHEMA, CONFIG and PLUGIN, one module per family.

They are not domain rules (those live in the plugins); they describe what happens when a file
cannot be read, a document does not fit the contract, the linter is misconfigured or a plugin
fails. Each is an :class:`~im4cm_lint.rule.EngineRule`: the engine builds its findings from the
rule itself (``DuplicateKey.at(where, message)``), and registers them like any plugin's rules so
that ``rules`` and ``--explain`` know them.
"""

from __future__ import annotations

from im4cm_lint.engine_rules.config import (
    BadSuppression, ExpiredWaiver, InvalidConfig, InvalidPolicyPack, PolicyPackNotFound,
    SuppressionWithoutReason, UnknownRuleInConfig, UnusedSuppression,
)
from im4cm_lint.engine_rules.parse import (
    AliasBomb, BadEncoding, DuplicateKey, FileTooLarge, ForbiddenTag, NestingTooDeep, NotAMapping,
    SkippedDocument, TooManyProblems, Unreadable, UnsupportedKey, YamlSyntaxError,
)
from im4cm_lint.engine_rules.plugin import BadRule, CheckFailed, CheckTimedOut, MalformedFinding, PluginLoadFailed
from im4cm_lint.engine_rules.schema import (
    BadDate, BadId, BadValue, MisspeltHeader, MissingKey, NotAllowedValue, UnknownKey, UnknownKind,
    UnsupportedApiVersion, WrongType,
)
from im4cm_lint.hookspecs import hookimpl

ENGINE_RULES = [
    YamlSyntaxError, DuplicateKey, BadEncoding, ForbiddenTag, AliasBomb, NestingTooDeep,
    FileTooLarge, Unreadable, NotAMapping, UnsupportedKey, TooManyProblems, SkippedDocument,
    UnknownKey, MissingKey, WrongType, NotAllowedValue, BadDate, BadId, BadValue,
    UnsupportedApiVersion, UnknownKind, MisspeltHeader,
    InvalidConfig, UnknownRuleInConfig, PolicyPackNotFound, InvalidPolicyPack,
    SuppressionWithoutReason, BadSuppression, UnusedSuppression, ExpiredWaiver,
    CheckFailed, PluginLoadFailed, BadRule, MalformedFinding, CheckTimedOut,
]


@hookimpl
def im4cm_lint_rules():
    return ENGINE_RULES
