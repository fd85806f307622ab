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

import datetime
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from contractctl.formats.avro.resolve import json_kind
from contractctl.formats.base import ParsedSchema
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
_INT_RANGE = (-(2**31), 2**31 - 1)
_LONG_RANGE = (-(2**63), 2**63 - 1)


class _Mismatch(Exception):
    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.message = message


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
# Avro: JSON -> datum (unions in fastavro's tuple notation so the branch is exactly the one meant)


class _AvroCodec:
    """A contract's schema as fastavro sees it, with the JSON reading and the binary round trips."""

    def __init__(self, schema: Any) -> None:
        import fastavro

        from contractctl.formats.avro.prove import to_fastavro_schema

        self.names: dict[str, Any] = {}
        self.parsed = fastavro.parse_schema(
            to_fastavro_schema(schema.resolved, logical_types=False), named_schemas=self.names
        )

    def target(self, node: Any) -> Any:
        if isinstance(node, str) and node in self.names:
            return self.names[node]
        return node

    @staticmethod
    def tag(branch: Any) -> str:
        if isinstance(branch, str):
            return branch
        if branch["type"] in ("record", "error", "enum", "fixed"):
            return str(branch["name"])
        return str(branch["type"])

    def read_json(self, node: Any, value: Any, pointer: str) -> Any:
        node = self.target(node)
        if isinstance(node, list):
            return self.union(node, value, pointer)
        kind = node if isinstance(node, str) else node["type"]
        if isinstance(kind, (dict, list)) or (isinstance(kind, str) and kind in self.names):
            return self.read_json(kind, value, pointer)
        if kind in ("record", "error"):
            return self.record(node, value, pointer)
        if kind == "array":
            if not isinstance(value, list):
                raise _Mismatch(pointer, f"expected an array, found {json_kind(value)}")
            return [self.read_json(node["items"], item, f"{pointer}/{i}") for i, item in enumerate(value)]
        if kind == "map":
            if not isinstance(value, dict):
                raise _Mismatch(pointer, f"expected an object (map), found {json_kind(value)}")
            return {
                key: self.read_json(node["values"], item, f"{pointer}/{escape_pointer_token(key)}")
                for key, item in value.items()
            }
        if kind == "enum":
            if value not in node["symbols"]:
                raise _Mismatch(
                    pointer, f"{value!r} is not a symbol of {node['name']} ({', '.join(node['symbols'])})"
                )
            return value
        if kind == "fixed":
            data = _latin1(value, pointer)
            if len(data) != node["size"]:
                raise _Mismatch(
                    pointer, f"fixed {node['name']} holds {node['size']} bytes, found {len(data)}"
                )
            return data
        return _primitive(str(kind), value, pointer)

    def union(self, branches: list[Any], value: Any, pointer: str) -> Any:
        targets = [self.target(branch) for branch in branches]
        tags = [self.tag(target) for target in targets]
        if value is None and "null" in tags:
            return None
        if isinstance(value, dict) and len(value) == 1:
            (key, inner), short = next(iter(value.items())), {t.rsplit(".", 1)[-1]: t for t in tags}
            chosen = key if key in tags else short.get(key)
            if chosen is not None:
                branch = targets[tags.index(chosen)]
                return (chosen, self.read_json(branch, inner, f"{pointer}/{escape_pointer_token(key)}"))
        errors: list[_Mismatch] = []
        for target, tag in zip(targets, tags, strict=True):
            if tag == "null":
                continue
            try:
                return (tag, self.read_json(target, value, pointer))
            except _Mismatch as error:
                errors.append(error)
        if len(errors) == 1:
            raise errors[0]
        raise _Mismatch(pointer, f"{json_kind(value)} fits no branch of the union ({', '.join(tags)})")

    def record(self, node: dict[str, Any], value: Any, pointer: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            found = json_kind(value)
            raise _Mismatch(pointer, f"expected an object for record {node['name']}, found {found}")
        fields = {item["name"]: item for item in node["fields"]}
        for key in value:
            if key not in fields:
                raise _Mismatch(
                    f"{pointer}/{escape_pointer_token(key)}",
                    f"record {_plain_name(node['name'])} has no field {key!r} (fields: {', '.join(fields)})",
                )
        out = {}
        for name, item in fields.items():
            if name in value:
                out[name] = self.read_json(
                    item["type"], value[name], f"{pointer}/{escape_pointer_token(name)}"
                )
            elif "default" in item:
                out[name] = self.default(item["type"], item["default"])
            else:
                raise _Mismatch(pointer, f"field {name!r} of record {_plain_name(node['name'])} is missing")
        return out

    def default(self, node: Any, value: Any) -> Any:
        """A field default as a datum: for a union, the first branch that takes it (Avro 1.12 allows any)."""
        try:
            return self.read_json(node, value, "")
        except _Mismatch:
            return value

    def encode(self, datum: Any) -> bytes:
        import fastavro

        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, self.parsed, datum)
        return buffer.getvalue()

    def decode(self, data: bytes, writer: _AvroCodec) -> Any:
        import fastavro

        return fastavro.schemaless_reader(io.BytesIO(data), writer.parsed, self.parsed)

    def fields(self, datum: Any, node: Any | None = None) -> Iterator[tuple[str, str, str, Any, Any]]:
        """(field name, full name, Confluent type name, value, containing record) for primitive fields."""
        node = self.target(self.parsed if node is None else node)
        if isinstance(node, list):
            if isinstance(datum, tuple):
                tag, inner = datum
                for branch in node:
                    if self.tag(self.target(branch)) == tag:
                        yield from self.fields(inner, branch)
            return
        kind = node if isinstance(node, str) else node["type"]
        if kind in ("record", "error") and isinstance(datum, dict):
            full = _plain_name(node["name"])
            for item in node["fields"]:
                value = datum.get(item["name"])
                field_type = self.target(item["type"])
                inner = value
                if isinstance(field_type, list) and isinstance(value, tuple):
                    tag, inner = value
                    field_type = next(
                        (self.target(b) for b in field_type if self.tag(self.target(b)) == tag), field_type
                    )
                type_name = _avro_type_name(field_type)
                if type_name is None:
                    yield from self.fields(value, item["type"])
                else:
                    yield item["name"], f"{full}.{item['name']}", type_name, inner, datum
        elif kind == "array" and isinstance(datum, list):
            for item in datum:
                yield from self.fields(item, node["items"])
        elif kind == "map" and isinstance(datum, dict):
            for item in datum.values():
                yield from self.fields(item, node["values"])


def _avro_type_name(node: Any) -> str | None:
    """Confluent's type name of a primitive field, or None for records, arrays, maps and open unions."""
    if isinstance(node, list):
        return None
    kind = node if isinstance(node, str) else node["type"]
    if kind in ("record", "error", "array", "map"):
        return None
    return "FIXED" if kind == "fixed" else "ENUM" if kind == "enum" else str(kind).upper()


def _plain_name(name: str) -> str:
    from contractctl.formats.avro.prove import _NO_NAMESPACE

    return name.removeprefix(_NO_NAMESPACE + ".")


def _latin1(value: Any, pointer: str) -> bytes:
    if not isinstance(value, str):
        raise _Mismatch(pointer, f"expected a string of bytes (code points 0-255), found {json_kind(value)}")
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        raise _Mismatch(pointer, "bytes are written as a string of code points 0-255 (\\u00XX)") from None


def _primitive(kind: str, value: Any, pointer: str) -> Any:
    if kind == "null":
        if value is not None:
            raise _Mismatch(pointer, f"expected null, found {json_kind(value)}")
        return None
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _Mismatch(pointer, f"expected a boolean, found {json_kind(value)}")
        return value
    if kind in ("int", "long"):
        low, high = _INT_RANGE if kind == "int" else _LONG_RANGE
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Mismatch(pointer, f"expected an integer ({kind}), found {json_kind(value)}")
        if not low <= value <= high:
            raise _Mismatch(pointer, f"{value} is out of range for {kind}")
        return value
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Mismatch(pointer, f"expected a number ({kind}), found {json_kind(value)}")
        return float(value)
    if kind == "string":
        if not isinstance(value, str):
            raise _Mismatch(pointer, f"expected a string, found {json_kind(value)}")
        return value
    if kind == "bytes":
        return _latin1(value, pointer)
    raise _Mismatch(pointer, f"unsupported type {kind}")


def _untag(datum: Any) -> Any:
    if isinstance(datum, tuple):
        return _untag(datum[1])
    if isinstance(datum, list):
        return [_untag(item) for item in datum]
    if isinstance(datum, dict):
        return {key: _untag(value) for key, value in datum.items()}
    return datum


# ----------------------------------------------------------------------------------------------
# Protobuf


def _message_class(schema: Any, name: str | None = None) -> Any:
    from google.protobuf.message_factory import GetMessageClass

    from contractctl.sidecar.shapes import root_message_name

    full = root_message_name(schema)
    if name is not None:
        package = schema.compiled.file.package
        candidate = f"{package}.{name}" if package else name
        if any(m.name == name for m in schema.compiled.file.message_type):
            full = candidate
    return GetMessageClass(schema.pool.FindMessageTypeByName(full))


_AT = re.compile(r' at "([^"]*)"')
_FAILED = re.compile(r"Failed to parse (\w+) field")
_NO_FIELD = re.compile(r'has no field named "([^"]+)"')


def _parse_error_pointer(message: str) -> str:
    """A JSON pointer from json_format's message (``at "M.lines[1].sku"``), as close as it tells."""
    found = _AT.search(message)
    tokens: list[str] = []
    if found:
        for part in found.group(1).split(".")[1:]:
            name, *indexes = re.split(r"\[|\]\[", part.rstrip("]")) if "[" in part else [part]
            tokens.append(name)
            tokens.extend(indexes)
    else:
        tokens = _FAILED.findall(message)
    missing = _NO_FIELD.search(message)
    if missing:
        tokens.append(missing.group(1))
    return "".join(f"/{escape_pointer_token(token)}" for token in tokens if token)


def _proto_plain(message: Any) -> dict[str, Any]:
    """A message as plain values for CEL: unset fields with presence left out (so has() is false)."""
    out: dict[str, Any] = {}
    for item in message.DESCRIPTOR.fields:
        repeated = _repeated(item)
        if not repeated and item.has_presence and not message.HasField(item.name):
            continue
        value = getattr(message, item.name)
        if item.message_type is not None and item.message_type.GetOptions().map_entry:
            value_field = item.message_type.fields_by_name["value"]
            out[item.name] = {str(k): _proto_value(value_field, v) for k, v in value.items()}
        elif repeated:
            out[item.name] = [_proto_value(item, v) for v in value]
        else:
            out[item.name] = _proto_value(item, value)
    return out


def _proto_value(item: Any, value: Any) -> Any:
    if item.message_type is None:
        return value
    full = item.message_type.full_name
    if full == "google.protobuf.Timestamp":
        return value.ToDatetime(tzinfo=datetime.timezone.utc)
    if full == "google.protobuf.Duration":
        return value.ToTimedelta()
    if (
        full.startswith("google.protobuf.")
        and full.endswith("Value")
        and "value" in item.message_type.fields_by_name
    ):
        return value.value
    if full.startswith("google.protobuf."):
        from google.protobuf import json_format

        return json_format.MessageToDict(value)
    return _proto_plain(value)


def _repeated(item: Any) -> bool:
    repeated = getattr(item, "is_repeated", None)
    if isinstance(repeated, bool):
        return repeated
    return bool(item.label == item.LABEL_REPEATED)


def _proto_fields(message: Any) -> Iterator[tuple[str, str, str, Any, Any]]:
    from google.protobuf.descriptor import FieldDescriptor

    from contractctl.sidecar.shapes import _PROTO_TYPE_NAMES

    type_names = {n: name for name, n in FieldDescriptor.__dict__.items() if name.startswith("TYPE_")}
    for item in message.DESCRIPTOR.fields:
        value = getattr(message, item.name)
        full = f"{message.DESCRIPTOR.full_name}.{item.name}"
        if item.message_type is not None:
            if item.message_type.full_name.startswith("google.protobuf."):
                continue
            if item.message_type.GetOptions().map_entry:
                continue
            children = value if _repeated(item) else ([value] if message.HasField(item.name) else [])
            for child in children:
                yield from _proto_fields(child)
            continue
        if not _repeated(item) and item.has_presence and not message.HasField(item.name):
            continue
        type_name = _PROTO_TYPE_NAMES.get(type_names.get(item.type, ""), "NULL")
        for element in value if _repeated(item) else [value]:
            yield item.name, full, type_name, element, message


# ----------------------------------------------------------------------------------------------
# The checks


@dataclass
class _Record:
    """An example read with the contract's schema: what to write, and what CEL sees."""

    plain: Any  # JSON-like value for CEL's `message`
    data: bytes
    fields: list[tuple[str, str, str, Any, Any]]  # CEL_FIELD inputs, see _AvroCodec.fields


class _Format:
    """The per-format half of the checks."""

    def __init__(self, schema: ParsedSchema, schema_type: SchemaType) -> None:
        self.schema = schema
        self.schema_type = schema_type
        self.avro = _AvroCodec(schema) if schema_type is SchemaType.AVRO else None

    def read(self, value: Any) -> _Record:
        """Raises _Mismatch when the example does not fit the schema."""
        if self.avro is not None:
            datum = self.avro.read_json(self.avro.parsed, value, "")
            try:
                data = self.avro.encode(datum)
            except (ValueError, TypeError, KeyError) as error:
                raise _Mismatch("", f"fastavro cannot write it: {error}") from None
            return _Record(_untag(datum), data, list(self.avro.fields(datum)))
        from google.protobuf import json_format
        from google.protobuf.message import EncodeError

        if not isinstance(value, dict):
            raise _Mismatch("", f"expected a JSON object for a Protobuf message, found {json_kind(value)}")
        message = _message_class(self.schema)()
        try:
            json_format.ParseDict(value, message)
            data = message.SerializeToString()
        except json_format.ParseError as error:
            text = str(error).split("\n")[0].rstrip(".")
            raise _Mismatch(_parse_error_pointer(str(error)), text) from None
        except EncodeError as error:
            raise _Mismatch("", f"cannot be serialized: {error}") from None
        return _Record(_proto_plain(message), data, list(_proto_fields(message)))

    def read_back(self, data: bytes, writer: _Format) -> str | None:
        """Why `data`, written by `writer`, cannot be read by this schema; None when it can."""
        if self.avro is not None:
            import fastavro

            assert writer.avro is not None
            try:
                self.avro.decode(data, writer.avro)
            except (
                ValueError,
                TypeError,
                KeyError,
                IndexError,
                EOFError,
                fastavro.read.SchemaResolutionError,
            ) as error:
                return str(error) or type(error).__name__
            return None
        from google.protobuf.message import DecodeError

        from contractctl.formats.protobuf.prove import _differences

        written_class = _message_class(writer.schema)
        reader_class = _message_class(self.schema, written_class.DESCRIPTOR.name)
        written = written_class.FromString(data)
        read = reader_class()
        try:
            read.MergeFromString(data)
        except DecodeError as error:
            return f"it does not parse: {error}"
        for _, written_field, read_field, before, after in _differences(written, read, ""):
            return (
                f"field {written_field.name} (number {written_field.number}) written as {before!r} "
                f"reads as {after!r} through {read_field.name}"
            )
        return None


def _field_tags(meta: ContractMeta | None, full_name: str, inline: Mapping[str, frozenset[str]]) -> set[str]:
    tags = set(inline.get(full_name, frozenset()))
    if meta is not None:
        for pattern, values in meta.tags.items():
            if wildcard_match(full_name, pattern):
                tags.update(values)
    return tags


def _rule_where(meta: ContractMeta, rule: Rule) -> str:
    line = f":{rule.position.line}" if rule.position else ""
    return f"{meta.path}{line}"


def _check_rules(
    example: _Example, record: _Record, meta: ContractMeta, inline: Mapping[str, frozenset[str]]
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
                    "message": cel.to_cel(_container_plain(container)),
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


def _container_plain(container: Any) -> Any:
    if isinstance(container, dict):
        return _untag(container)
    return _proto_plain(container)


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
    current = _Format(schema, schema_type)
    inline = _inline_tags(schema, schema_type, meta)
    others = [(label, _Format(other, schema_type)) for label, other in earlier]
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
        except _Mismatch as error:
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
            findings.extend(_check_rules(example, record, meta, inline))
        for label, other in others:
            findings.extend(_breaks(example, record, current, label, other, forward, backward))
    return findings


def _breaks(
    example: _Example,
    record: _Record,
    current: _Format,
    label: str,
    other: _Format,
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
        except _Mismatch:
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
