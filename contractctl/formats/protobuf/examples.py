"""Sidecar examples in Protobuf: JSON -> message (json_format), the binary round trips, and what
CEL sees of a message."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

from contractctl.formats.avro.resolve import json_kind
from contractctl.formats.base import ExampleCodec, ExampleMismatch, ExampleRecord
from contractctl.formats.protobuf import ProtobufSchema
from contractctl.formats.protobuf.shapes import PROTO_TYPE_NAMES, is_repeated, root_message_name
from contractctl.generic.jsonpos import escape_pointer_token


class ProtobufCodec:
    """SchemaFormat.example_codec for Protobuf."""

    def __init__(self, schema: ProtobufSchema) -> None:
        self.schema = schema

    def read(self, value: Any) -> ExampleRecord:
        from google.protobuf import json_format
        from google.protobuf.message import EncodeError

        if not isinstance(value, dict):
            raise ExampleMismatch(
                "", f"expected a JSON object for a Protobuf message, found {json_kind(value)}"
            )
        message = _message_class(self.schema)()
        try:
            json_format.ParseDict(value, message)
            data = message.SerializeToString()
        except json_format.ParseError as error:
            text = str(error).split("\n")[0].rstrip(".")
            raise ExampleMismatch(_parse_error_pointer(str(error)), text) from None
        except EncodeError as error:
            raise ExampleMismatch("", f"cannot be serialized: {error}") from None
        return ExampleRecord(_proto_plain(message), data, list(_proto_fields(message)))

    def read_back(self, data: bytes, writer: ExampleCodec) -> str | None:
        from google.protobuf.message import DecodeError

        from contractctl.formats.protobuf.prove import _differences

        assert isinstance(writer, ProtobufCodec)
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

    def plain(self, container: Any) -> Any:
        return _proto_plain(container)


def _message_class(schema: Any, name: str | None = None) -> Any:
    from google.protobuf.message_factory import GetMessageClass

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
        repeated = is_repeated(item)
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


def _proto_fields(message: Any) -> Iterator[tuple[str, str, str, Any, Any]]:
    from google.protobuf.descriptor import FieldDescriptor

    type_names = {n: name for name, n in FieldDescriptor.__dict__.items() if name.startswith("TYPE_")}
    for item in message.DESCRIPTOR.fields:
        value = getattr(message, item.name)
        full = f"{message.DESCRIPTOR.full_name}.{item.name}"
        if item.message_type is not None:
            if item.message_type.full_name.startswith("google.protobuf."):
                continue
            if item.message_type.GetOptions().map_entry:
                continue
            children = value if is_repeated(item) else ([value] if message.HasField(item.name) else [])
            for child in children:
                yield from _proto_fields(child)
            continue
        if not is_repeated(item) and item.has_presence and not message.HasField(item.name):
            continue
        type_name = PROTO_TYPE_NAMES.get(type_names.get(item.type, ""), "NULL")
        for element in value if is_repeated(item) else [value]:
            yield item.name, full, type_name, element, message
