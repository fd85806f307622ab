"""Turning protoc's complaints and Confluent's difference types into contractctl findings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from contractctl.formats.protobuf.compile import ProtocMessage
from contractctl.formats.protobuf.wire_syntax import WireDifference
from contractctl.generic.excerpt import source_excerpt
from contractctl.generic.jsonpos import offset_position
from contractctl.model import Finding, FindingKind, SchemaText

_RULES = (
    (re.compile(r"recursively imports itself"), "PROTO_IMPORT_CYCLE"),
    (re.compile(r"File not found|was not found or had errors"), "PROTO_IMPORT_NOT_FOUND"),
    (re.compile(r"is not defined|is not a type|is not a message type|is not an enum"), "PROTO_UNKNOWN_TYPE"),
    (re.compile(r"has already been used|is already defined"), "PROTO_DUPLICATE"),
    (re.compile(r"19000 through 19999"), "PROTO_RESERVED_FIELD_NUMBER"),
    (re.compile(r"Field numbers must be positive|cannot be greater than"), "PROTO_INVALID_FIELD_NUMBER"),
    (
        re.compile(
            r"Required fields are not allowed|must not have labels|Expected \"required\", \"optional\""
        ),
        "PROTO_LABEL",
    ),
)

INVALID_HINTS = {
    "PROTO_SYNTAX": "Fix the .proto syntax at this position.",
    "PROTO_IMPORT_CYCLE": "Imports must form a tree; move the shared types into one file.",
    "PROTO_IMPORT_NOT_FOUND": "Import other contracts by their path under the contracts root, or a "
    "built-in (google/protobuf/*, google/type/*, confluent/*); list a folder of vendored imports "
    "under `protobuf: {include: [...]}` in contractctl.yaml. A file `contracts.exclude` or a hidden "
    "folder leaves out is no contract to import.",
    "PROTO_UNKNOWN_TYPE": "Define the type, fix its name, or import the file that defines it.",
    "PROTO_DUPLICATE": "Each field number and each name may be used once in its scope.",
    "PROTO_RESERVED_FIELD_NUMBER": "Field numbers 19000-19999 belong to protobuf itself; pick another.",
    "PROTO_INVALID_FIELD_NUMBER": "Field numbers run from 1 to 536870911.",
    "PROTO_LABEL": "proto2 fields outside a oneof need optional/required/repeated; proto3 has no required; "
    "oneof members take no label.",
    "PROTO_ERROR": "Fix the schema so that protoc accepts it.",
    "EMPTY_FILE": "Write a schema into it or delete it.",
    "PROTO_EDITIONS": 'Write `syntax = "proto3";` (or "proto2") instead of an edition, and drop '
    "`features` options.",
    "PROTO_REGISTRY_SYNTAX": "Write it as Schema Registry's parser (Square Wire) reads it: the message "
    "says what that parser cannot read here.",
    "PROTO_OCTAL_NUMBER": "Write the number in decimal, as protoc reads it now.",
}


def reserve_hint(scope: str, items: Sequence[str]) -> str:
    """The one wording of "reserve a removed field" (buf's FIELD_NO_DELETE_UNLESS_*_RESERVED, the
    protobuf guide): the lint rule's hint, and what the compat hint for a removed oneof member says.
    Numbers and names go in separate statements: protoc refuses `reserved 2, "b";`."""
    statements = " and ".join(f"`reserved {item};`" for item in items)
    return f"Reserve what was removed so that it is never reused: add {statements} to {scope}."


INCOMPATIBLE_HINTS = {
    "PACKAGE_CHANGED": "Keep the package: consumers resolve message names with it.",
    "MESSAGE_REMOVED": "Keep the message (deprecate it instead): payloads carry message indexes and names.",
    "FIELD_KIND_CHANGED": "Add a new field with a new number instead of changing scalar/message/map kind.",
    "FIELD_SCALAR_KIND_CHANGED": "Only types in the same wire group are interchangeable; add a new field.",
    "FIELD_NAMED_TYPE_CHANGED": "Keep the field's message type (or change the type compatibly); add a "
    "new field for a different type.",
    "FIELD_NUMERIC_LABEL_CHANGED": "Keep the label of numeric fields; add a new field instead.",
    "REQUIRED_FIELD_ADDED": "Make the new field optional: old data does not have it.",
    "REQUIRED_FIELD_REMOVED": "Keep required fields (readers of the other version insist on them).",
    "ONEOF_FIELD_REMOVED": "Keep the oneof member, or remove it with an allowed break or under a new "
    "subject. " + reserve_hint("its message", ["<number>", '"<name>"']),
    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL": "Registries before the 2026-06 patch releases reject this; keep it "
    "in its oneof.",
    "MULTIPLE_FIELDS_MOVED_TO_ONEOF": "Fields that could be set together must not become mutually exclusive.",
    "FIELD_MOVED_TO_EXISTING_ONEOF": "Do not make existing fields mutually exclusive with others; add new "
    "fields to the oneof instead.",
}


_ALLOW_IT = "use a level that allows it (BACKWARD, or NONE), or allow the break (`check --allow-breaking`)"

FORWARD_HINTS = {
    "MESSAGE_REMOVED": "Confluent's rules let no message be added under FORWARD or FULL (the earlier "
    "version, which reads the new data, lacks it): define it in a contract of its own, " + _ALLOW_IT + ".",
    "ONEOF_FIELD_REMOVED": "Confluent's rules let no oneof member be added under FORWARD or FULL (the "
    "earlier version, which reads the new data, lacks it): add a field outside the oneof, " + _ALLOW_IT + ".",
    "REQUIRED_FIELD_ADDED": INCOMPATIBLE_HINTS["REQUIRED_FIELD_REMOVED"],
    "REQUIRED_FIELD_REMOVED": "Make the new field optional: Confluent's rules take no new required field "
    "under FORWARD or FULL.",
    "MULTIPLE_FIELDS_MOVED_TO_ONEOF": "Keep the fields in the oneof: the earlier version holds them mutually "
    "exclusive.",
    "FIELD_MOVED_TO_EXISTING_ONEOF": "Keep the field in the oneof: the earlier version holds it exclusive "
    "with the oneof's other members.",
}
"""Hints for what FORWARD's swapped comparison reports (an added message is its MESSAGE_REMOVED): a
fix of the change the user made, where INCOMPATIBLE_HINTS' would fix the opposite one."""


def rule_for(message: str) -> str:
    for pattern, rule in _RULES:
        if pattern.search(message):
            return rule
    return (
        "PROTO_SYNTAX"
        if message.startswith(("Expected", "Unexpected", "Invalid", "Unknown"))
        else "PROTO_ERROR"
    )


@lru_cache(maxsize=4)
def _reserved_number_position(text: str) -> tuple[int, int] | None:
    """protoc names no line for a field number in 19000-19999; find the assignment ourselves (the
    first: every such error of a text gets it, so it is found once, not once per error; a text of
    20,000 fields with 1,000 of them took 13 s)."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.split("//", 1)[0]
        match = re.search(r"=\s*(19\d{3})\b", stripped)
        if match:
            return number, match.start(1) + 1
    return None


def invalid_finding(message: ProtocMessage, file: str, text: str | None) -> Finding:
    rule = rule_for(message.message)
    line, column = message.line, message.column
    if line is None and rule == "PROTO_RESERVED_FIELD_NUMBER" and text is not None:
        line, column = _reserved_number_position(text) or (None, None)
    return Finding(
        rule=rule,
        message=message.message,
        kind=FindingKind.INVALID,
        file=file,
        line=line or 1,
        column=column,
        hint=INVALID_HINTS.get(rule, INVALID_HINTS["PROTO_ERROR"]),
        detail=source_excerpt(text, line, column) if text is not None and line else None,
    )


def simple_invalid(source: SchemaText, rule: str, message: str) -> Finding:
    return Finding(
        rule=rule,
        message=message,
        kind=FindingKind.INVALID,
        file=str(source.path),
        line=1,
        hint=INVALID_HINTS[rule],
    )


_EDITION_LINE = re.compile(r"^[ \t]*edition\b", re.MULTILINE)


def editions_finding(source: SchemaText) -> Finding:
    """An `edition = "..."` file: protoc accepts it, but Confluent Schema Registry parses schema text
    with Wire's ProtoParser, which stops at `edition` ("edition is not currently supported"), so the
    registry refuses the schema (422) before any compatibility check."""
    match = _EDITION_LINE.search(source.text)
    line = source.text.count("\n", 0, match.start()) + 1 if match else 1
    return Finding(
        rule="PROTO_EDITIONS",
        message="Protobuf editions are not supported by Schema Registry: it parses the schema text with "
        'Wire, which refuses `edition` ("edition is not currently supported")',
        kind=FindingKind.INVALID,
        file=str(source.path),
        line=line,
        column=1 if match else None,
        hint=INVALID_HINTS["PROTO_EDITIONS"],
        detail=source_excerpt(source.text, line, 1) if match else None,
    )


def wire_finding(source: SchemaText, difference: WireDifference) -> Finding:
    """Text protoc compiles that Schema Registry's parser (Wire) refuses, or reads with other numbers
    (wire_syntax.py): the registry could not register it, or would check numbers the data does not
    carry."""
    at = offset_position(source.text, difference.offset)
    rule = "PROTO_REGISTRY_SYNTAX" if difference.refused else "PROTO_OCTAL_NUMBER"
    return Finding(
        rule=rule,
        message=difference.message,
        kind=FindingKind.INVALID,
        file=str(source.path),
        line=at.line,
        column=at.column,
        hint=INVALID_HINTS[rule],
        detail=source_excerpt(source.text, at.line, at.column),
    )
