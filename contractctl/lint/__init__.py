"""`contractctl lint`: style and safety rules for contracts, beyond what compatibility checks catch.

Each rule has an id, a default severity (error -> POLICY finding, exit 1; warning -> ADVISORY; off) and
a help text for SARIF (`rule_help`). Findings are silenced per element by inline ignores (Avro:
a "contractctl:ignore" property; Protobuf: a `// contractctl:ignore` comment) or per path by
`lint.ignore` in contractctl.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence

from contractctl.formats import get_format
from contractctl.formats.base import ParsedSchema
from contractctl.lint.common import CollectingEmitter
from contractctl.lint.rules import RULE_PREFIX, RULES, SEVERITIES, LintRule, rule_help
from contractctl.lint.settings import CASES, LintSettings, PathIgnore
from contractctl.model import Finding, SchemaType

__all__ = [
    "CASES",
    "RULES",
    "RULE_PREFIX",
    "SEVERITIES",
    "LintRule",
    "LintSettings",
    "PathIgnore",
    "lint",
    "rule_help",
]


def lint(
    schema: ParsedSchema,
    schema_type: SchemaType,
    settings: LintSettings,
    earlier: Sequence[ParsedSchema] = (),
) -> list[Finding]:
    """Lint findings for one parsed contract, by line; `earlier` are its previous versions, oldest first
    (only the history rule reads them)."""
    path = schema.source.path
    emitter = CollectingEmitter(
        settings,
        str(path),
        file_ignores=frozenset(entry.rule for entry in settings.ignore if entry.matches(path)),
    )
    get_format(schema_type).lint(schema, emitter, earlier)
    return sorted(emitter.findings, key=lambda f: (f.line or 0, f.column or 0, f.rule))
