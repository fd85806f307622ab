"""The lint rule catalogue: ids, default severities and the help texts SARIF shows for each rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from contractctl.model import RULE_HELP

SEVERITIES = ("error", "warning", "off")
RULE_PREFIX = "lint/"


@dataclass(frozen=True)
class LintRule:
    """One rule: `summary` is SARIF's short description, `help` its full help text. Which formats
    report it is theirs to say (SchemaFormat.lint_rules)."""

    id: str
    summary: str
    help: str
    default_severity: str  # "error" | "warning" | "off"


_ALL = (
    LintRule(
        id="naming",
        summary="Type, field and enum symbol names follow the configured naming conventions.",
        help=(
            "Consistent names keep generated code and JSON payloads predictable across teams. Avro records, "
            "enums and fixed types and Protobuf messages and enums use `lint.record_case` (PascalCase by "
            "default); Avro fields and Protobuf fields and oneofs use `lint.field_case` (snake_case by "
            "default); enum symbols and values are UPPER_SNAKE_CASE. Renaming a published field or type "
            "breaks consumers (Avro matches by name; Protobuf JSON uses names): for names already in use, "
            "add an Avro alias or suppress the finding with an inline `contractctl:ignore naming`. JSON "
            "Schema: property names use `lint.field_case`, names under `definitions`/`$defs` use "
            "`lint.record_case`."
        ),
        default_severity="error",
    ),
    LintRule(
        id="protobuf-enum-value-prefix",
        summary="Protobuf enum values start with the enum's name in UPPER_SNAKE_CASE.",
        help=(
            "Protobuf enum values are scoped like C++ enums: two enums in one package cannot share a value "
            "name. The Protobuf style guide therefore prefixes every value with the enum's name, e.g. "
            "`enum Carrier { CARRIER_UNSPECIFIED = 0; CARRIER_DHL = 1; }`. Off by default; enable it with "
            "`lint.rules.protobuf-enum-value-prefix: error` (or warning)."
        ),
        default_severity="off",
    ),
    LintRule(
        id="docs",
        summary="Records, messages and fields are documented.",
        help=(
            "A data contract is read by people on the other side of a topic. Give every Avro record and "
            'field a non-empty "doc", and every Protobuf message and field a comment directly above it (a '
            "trailing comment on the field's line also counts for fields). JSON Schema: the root schema, "
            'every definition and every property has a non-empty "description".'
        ),
        default_severity="warning",
    ),
    LintRule(
        id="nullable-default-null",
        summary='Nullable Avro fields list "null" first and default to null.',
        help=(
            'An optional Avro field is a union with "null". Avro requires a default to match the first '
            "branch of the union, and a reader can only fill the field in for data written without it from "
            'its default, so write `"type": ["null", ...], "default": null`. Without the default, adding '
            "or removing the field breaks compatibility."
        ),
        default_severity="error",
    ),
    LintRule(
        id="enum-default",
        summary="Enums have a fallback for symbols a reader does not know.",
        help=(
            "Producers add enum symbols over time. An Avro reader fails on a symbol it does not know unless "
            'its enum declares a "default" symbol, so give every Avro enum a "default" (for example '
            "UNKNOWN). A Protobuf reader keeps unknown values, but the zero value is what an unset field "
            "reads as: name it `<ENUM>_UNSPECIFIED` (or UNKNOWN) so it is never mistaken for a real value."
        ),
        default_severity="error",
    ),
    LintRule(
        id="protobuf-reserved-removed",
        summary="Field numbers and names (and enum values) removed from a Protobuf message are reserved.",
        help=(
            "Data written before a field was removed still carries its number. If the number (or, for JSON, "
            "the name) is later reused for another field, old data is misread silently. When removing a "
            'field, add `reserved <number>;` and `reserved "<name>";` to the message (likewise for enum '
            "values). Checked against every earlier version of the contract in git history."
        ),
        default_severity="error",
    ),
    LintRule(
        id="protobuf-package-version",
        summary="The Protobuf package carries a version suffix.",
        help=(
            "A versioned package (e.g. `acme.orders.v1`) lets a breaking redesign live next to the current "
            "contract as `v2` instead of breaking it in place. The package must match the regular "
            "expression `lint.protobuf_package_version` (by default `\\.v\\d+$`)."
        ),
        default_severity="warning",
    ),
    LintRule(
        id="json-additional-properties",
        summary="JSON Schema objects say whether they accept unknown properties.",
        help=(
            "Whether a JSON Schema object is open (unknown properties allowed, the default) or closed "
            "(`additionalProperties: false`) decides which later changes are compatible: Confluent lets a "
            "closed object gain optional properties, an open one lose them. Leaving it implicit makes that "
            "choice by accident. State `additionalProperties` (true, false or a schema) on every object "
            "schema that has `properties`; from draft 2019-09 on, `unevaluatedProperties` counts too."
        ),
        default_severity="warning",
    ),
    LintRule(
        id="json-string-max-length",
        summary="JSON Schema strings are bounded by maxLength.",
        help=(
            "A string without `maxLength` accepts a value of any size, which downstream stores (database "
            "columns, search indexes) rarely do. Give every `type: string` schema a `maxLength` (schemas "
            "with `enum`, `const` or a `format` are bounded already). Off by default; enable it with "
            "`lint.rules.json-string-max-length: error` (or warning). Raising a maxLength later is "
            "compatible; lowering it is not."
        ),
        default_severity="off",
    ),
    LintRule(
        id="invalid-ignore",
        summary="An inline contractctl:ignore names an unknown rule or is malformed.",
        help=(
            "An inline ignore that names no known rule suppresses nothing, usually because of a typo. Avro: "
            '`"contractctl:ignore": ["rule-id", ...]` on a record, field or enum. Protobuf: '
            "`// contractctl:ignore rule-id, rule-id` on the line above the element or at the end of its "
            'line. JSON Schema: `"contractctl:ignore": ["rule-id", ...]` on any schema object. Rule ids '
            "are those listed by contractctl's lint rules (with or without `lint/`)."
        ),
        default_severity="warning",
    ),
)

RULES: Mapping[str, LintRule] = MappingProxyType({rule.id: rule for rule in _ALL})


def rule_help(rule: str) -> tuple[str, str] | None:
    """(short description, help text) for a finding's rule such as "lint/naming"; None for other rules."""
    if not rule.startswith(RULE_PREFIX):
        return None
    known = RULES.get(rule[len(RULE_PREFIX) :])
    return (known.summary, known.help) if known else None


RULE_HELP.update({f"{RULE_PREFIX}{rule.id}": (rule.summary, rule.help) for rule in RULES.values()})
