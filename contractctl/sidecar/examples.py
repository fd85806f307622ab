"""Example records as tests: each must fit the schema, pass the CEL conditions, and stay readable.

An example is one JSON file holding one record, in ``examples/`` next to a ``value`` contract (other
contracts, such as ``key``, use ``examples/<stem>/``).

Avro examples may use either JSON form for unions: Avro's JSON encoding, which Confluent's console
producer reads (``{"string": "x"}``, ``{"com.acme.Money": {...}}``: a one-key object naming a branch),
or plain JSON (``"x"``, ``{...}``: the first branch the value fits). bytes and fixed are strings of
code points 0-255 as in Avro's JSON encoding; logical types use their underlying encoding (a
timestamp-millis is a number). A missing field takes its default. Protobuf examples use the
Protobuf JSON mapping (``json_format``) for the file's first message, the one Confluent's serializers
use by default.

For each earlier version the example is written with one schema and read with the other, in the
directions the compatibility level checks (both without a level): a failure is shown with the example.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from contractctl.formats import get_format
from contractctl.formats.base import ExampleCodec, ExampleMismatch, ExampleRecord, ParsedSchema
from contractctl.generic.jsonpos import (
    JsonSyntaxError,
    escape_pointer_token,
    load_with_positions,
    nearest_position,
)
from contractctl.model import (
    CompatibilityLevel,
    Finding,
    FindingKind,
    SchemaType,
    Severity,
    SourcePosition,
)
from contractctl.sidecar import cel
from contractctl.sidecar.meta import ContractMeta, Rule
from contractctl.sidecar.shapes import wildcard_match

_CONDITION_MODES = ("WRITE", "WRITEREAD")


@dataclass
class _Example:
    path: PurePosixPath
    value: Any
    positions: dict[str, SourcePosition]

    def finding(
        self,
        rule: str,
        message: str,
        pointer: str | None,
        kind: FindingKind = FindingKind.POLICY,
        **extra: Any,
    ) -> Finding:
        position = nearest_position(self.positions, pointer or "") or SourcePosition(1, 1)
        return Finding(
            rule=rule,
            message=message,
            kind=kind,
            severity=Severity.ERROR,
            file=str(self.path),
            line=position.line,
            column=position.column,
            **extra,
        )


# ----------------------------------------------------------------------------------------------
# The checks


def _field_tags(meta: ContractMeta | None, full_name: str, inline: Mapping[str, frozenset[str]]) -> set[str]:
    tags = set(inline.get(full_name, frozenset()))
    for pattern, inline_values in inline.items():  # static names of array items (JSON Schema's `$.a[*].b`)
        if "*" in pattern and wildcard_match(full_name, pattern):
            tags.update(inline_values)
    if meta is not None:
        for pattern, values in meta.tags.items():
            if wildcard_match(full_name, pattern):
                tags.update(values)
    return tags


def _rule_where(meta: ContractMeta, rule: Rule) -> str:
    line = f":{rule.position.line}" if rule.position else ""
    return f"{meta.path}{line}"


def _check_rules(
    example: _Example,
    record: ExampleRecord,
    meta: ContractMeta,
    inline: Mapping[str, frozenset[str]],
    plain: Callable[[Any], Any],
) -> list[Finding]:
    findings = []
    for rule in meta.domain_rules:
        if rule.disabled or rule.kind != "CONDITION" or rule.mode not in _CONDITION_MODES:
            continue
        if rule.type not in ("CEL", "CEL_FIELD") or rule.expr is None:
            continue
        compiled, _ = cel.compile_cached(rule.expr)
        if compiled is None:
            continue  # the sidecar check reports it
        if rule.type == "CEL":
            failure, pointer = _run_condition(compiled, {"message": cel.to_cel(record.plain)})
            if failure is not None:
                pointer = _first_present(example, compiled)
        else:
            failure, pointer = None, None
            for name, full, type_name, value, container in record.fields:
                tags = _field_tags(meta, full, inline)
                if rule.tags and not tags & set(rule.tags):
                    continue
                activation = {
                    "value": cel.to_cel(value),
                    "name": cel.to_cel(name),
                    "fullName": cel.to_cel(full),
                    "typeName": cel.to_cel(type_name),
                    "tags": cel.to_cel(sorted(tags)),
                    "message": cel.to_cel(plain(container)),
                }
                failure, _ = _run_condition(compiled, activation)
                if failure is not None:
                    failure = f"{failure} on field {full}"
                    pointer = _find_key(example, name)
                    break
        if failure is not None:
            findings.append(
                example.finding(
                    "CONTRACT_EXAMPLE_RULE_FAILED",
                    f"example fails rule {rule.name!r} ({rule.expr.strip()}): {failure}",
                    pointer,
                    hint=f"The rule is in {_rule_where(meta, rule)}; its on_failure is "
                    f"{rule.on_failure or 'ERROR (the default)'}. Fix the example or the rule.",
                )
            )
    return findings


def _run_condition(compiled: cel.CompiledCel, activation: Mapping[str, Any]) -> tuple[str | None, str | None]:
    try:
        result = cel.evaluate(compiled, activation, condition=True)
    except cel.CelEvaluationError as error:
        return f"it cannot be evaluated: {error}", None
    if isinstance(result, bool):
        return (None, None) if bool(result) else ("the condition is false", None)
    return f"the condition returned {result!r}, not a boolean", None


def _first_present(example: _Example, compiled: cel.CompiledCel) -> str | None:
    for path in cel.message_paths(compiled):
        pointer = "".join(f"/{escape_pointer_token(part)}" for part in path)
        if nearest_position(example.positions, pointer) != example.positions.get(""):
            return pointer
    return None


def _find_key(example: _Example, name: str) -> str | None:
    suffix = "/" + escape_pointer_token(name)
    return next((pointer for pointer in example.positions if pointer.endswith(suffix)), None)


def check_examples(
    schema: ParsedSchema,
    schema_type: SchemaType,
    meta: ContractMeta | None,
    examples: Sequence[tuple[PurePosixPath, str]],
    earlier: Sequence[tuple[str, ParsedSchema]] = (),
    level: CompatibilityLevel | None = None,
) -> list[Finding]:
    """Findings for examples that do not fit the schema, fail a CEL condition, or show a break.

    `earlier` are (label, schema) of the versions compatibility is checked against (same group);
    `level` picks the directions: forward (earlier readers read the example written with the new
    schema), backward (the new schema reads the example written with an earlier one, when the example
    fits that one). Without a level both are checked.
    """
    if not examples:
        return []
    schema_format = get_format(schema_type)
    current = schema_format.example_codec(schema)
    inline = _inline_tags(schema, schema_type, meta)
    others = [(label, schema_format.example_codec(other)) for label, other in earlier]
    forward = level is None or level.checks_forward
    backward = level is None or level.checks_backward
    findings: list[Finding] = []
    for path, text in examples:
        try:
            value, positions = load_with_positions(text)
        except JsonSyntaxError as error:
            findings.append(
                Finding(
                    rule="CONTRACT_EXAMPLE_JSON",
                    message=f"example is not valid JSON: {error.message.removeprefix('invalid JSON: ')}",
                    kind=FindingKind.INVALID,
                    file=str(path),
                    line=error.position.line,
                    column=error.position.column,
                    hint="An example file holds one JSON record.",
                )
            )
            continue
        example = _Example(path, value, positions)
        try:
            record = current.read(value)
        except ExampleMismatch as error:
            findings.append(
                example.finding(
                    "CONTRACT_EXAMPLE_INVALID",
                    f"example does not fit the schema: {error.message}",
                    error.pointer,
                    hint="Fix the example or the schema (contractctl.sidecar.examples lists JSON forms).",
                )
            )
            continue
        if meta is not None:
            findings.extend(_check_rules(example, record, meta, inline, current.plain))
        for label, other in others:
            findings.extend(_breaks(example, record, current, label, other, forward, backward))
    return findings


def _breaks(
    example: _Example,
    record: ExampleRecord,
    current: ExampleCodec,
    label: str,
    other: ExampleCodec,
    forward: bool,
    backward: bool,
) -> list[Finding]:
    findings = []

    def unreadable(direction: str, message: str, hint: str) -> Finding:
        return example.finding(
            "CONTRACT_EXAMPLE_UNREADABLE",
            message,
            "",
            kind=FindingKind.INCOMPATIBLE,
            compared_with=label,
            direction=direction,
            hint=hint,
        )

    if forward:
        problem = other.read_back(record.data, current)
        if problem is not None:
            findings.append(
                unreadable(
                    "forward",
                    f"written with the new schema, this example cannot be read by {label}: {problem}",
                    "A consumer still on that version breaks on this record.",
                )
            )
    if backward:
        try:
            old = other.read(example.value)
        except ExampleMismatch:
            old = None  # the example is not a record of that version: nothing to replay
        problem = None if old is None else current.read_back(old.data, other)
        if problem is not None:
            findings.append(
                unreadable(
                    "backward",
                    f"written with {label}, this example cannot be read by the new schema: {problem}",
                    "Consumers on the new schema break on records already in the topic.",
                )
            )
    return findings


def _inline_tags(
    schema: ParsedSchema, schema_type: SchemaType, meta: ContractMeta | None
) -> Mapping[str, frozenset[str]]:
    if meta is None or not any(rule.type == "CEL_FIELD" for rule in meta.domain_rules):
        return {}
    from contractctl.sidecar.shapes import schema_model

    return schema_model(schema, schema_type).inline_tags()
