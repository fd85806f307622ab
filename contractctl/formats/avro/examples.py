"""Sidecar examples in Avro: JSON -> datum (unions in fastavro's tuple notation so the branch is
exactly the one meant), the binary round trips, and what CEL sees of a record."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from contractctl.formats.avro.resolve import json_kind
from contractctl.formats.base import ExampleCodec, ExampleMismatch, ExampleRecord, ParsedSchema
from contractctl.generic.jsonpos import escape_pointer_token

_INT_RANGE = (-(2**31), 2**31 - 1)
_LONG_RANGE = (-(2**63), 2**63 - 1)


class AvroCodec:
    """SchemaFormat.example_codec for Avro."""

    def __init__(self, schema: ParsedSchema) -> None:
        self.avro = _Fastavro(schema)

    def read(self, value: Any) -> ExampleRecord:
        datum = self.avro.read_json(self.avro.parsed, value, "")
        try:
            data = self.avro.encode(datum)
        except (ValueError, TypeError, KeyError) as error:
            raise ExampleMismatch("", f"fastavro cannot write it: {error}") from None
        return ExampleRecord(_untag(datum), data, list(self.avro.fields(datum)))

    def read_back(self, data: bytes, writer: ExampleCodec) -> str | None:
        import fastavro

        assert isinstance(writer, AvroCodec)
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

    def plain(self, container: Any) -> Any:
        return _untag(container)


class _Fastavro:
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
                raise ExampleMismatch(pointer, f"expected an array, found {json_kind(value)}")
            return [self.read_json(node["items"], item, f"{pointer}/{i}") for i, item in enumerate(value)]
        if kind == "map":
            if not isinstance(value, dict):
                raise ExampleMismatch(pointer, f"expected an object (map), found {json_kind(value)}")
            return {
                key: self.read_json(node["values"], item, f"{pointer}/{escape_pointer_token(key)}")
                for key, item in value.items()
            }
        if kind == "enum":
            if value not in node["symbols"]:
                raise ExampleMismatch(
                    pointer, f"{value!r} is not a symbol of {node['name']} ({', '.join(node['symbols'])})"
                )
            return value
        if kind == "fixed":
            data = _latin1(value, pointer)
            if len(data) != node["size"]:
                raise ExampleMismatch(
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
        errors: list[ExampleMismatch] = []
        for target, tag in zip(targets, tags, strict=True):
            if tag == "null":
                continue
            try:
                return (tag, self.read_json(target, value, pointer))
            except ExampleMismatch as error:
                errors.append(error)
        if len(errors) == 1:
            raise errors[0]
        raise ExampleMismatch(pointer, f"{json_kind(value)} fits no branch of the union ({', '.join(tags)})")

    def record(self, node: dict[str, Any], value: Any, pointer: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            found = json_kind(value)
            raise ExampleMismatch(pointer, f"expected an object for record {node['name']}, found {found}")
        fields = {item["name"]: item for item in node["fields"]}
        for key in value:
            if key not in fields:
                raise ExampleMismatch(
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
                raise ExampleMismatch(
                    pointer, f"field {name!r} of record {_plain_name(node['name'])} is missing"
                )
        return out

    def default(self, node: Any, value: Any) -> Any:
        """A field default as a datum: for a union, the first branch that takes it (Avro 1.12 allows any)."""
        try:
            return self.read_json(node, value, "")
        except ExampleMismatch:
            return value

    def encode(self, datum: Any) -> bytes:
        import fastavro

        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, self.parsed, datum)
        return buffer.getvalue()

    def decode(self, data: bytes, writer: _Fastavro) -> Any:
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
        raise ExampleMismatch(
            pointer, f"expected a string of bytes (code points 0-255), found {json_kind(value)}"
        )
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        raise ExampleMismatch(
            pointer, "bytes are written as a string of code points 0-255 (\\u00XX)"
        ) from None


def _primitive(kind: str, value: Any, pointer: str) -> Any:
    if kind == "null":
        if value is not None:
            raise ExampleMismatch(pointer, f"expected null, found {json_kind(value)}")
        return None
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ExampleMismatch(pointer, f"expected a boolean, found {json_kind(value)}")
        return value
    if kind in ("int", "long"):
        low, high = _INT_RANGE if kind == "int" else _LONG_RANGE
        if isinstance(value, bool) or not isinstance(value, int):
            raise ExampleMismatch(pointer, f"expected an integer ({kind}), found {json_kind(value)}")
        if not low <= value <= high:
            raise ExampleMismatch(pointer, f"{value} is out of range for {kind}")
        return value
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ExampleMismatch(pointer, f"expected a number ({kind}), found {json_kind(value)}")
        return float(value)
    if kind == "string":
        if not isinstance(value, str):
            raise ExampleMismatch(pointer, f"expected a string, found {json_kind(value)}")
        return value
    if kind == "bytes":
        return _latin1(value, pointer)
    raise ExampleMismatch(pointer, f"unsupported type {kind}")


def _untag(datum: Any) -> Any:
    if isinstance(datum, tuple):
        return _untag(datum[1])
    if isinstance(datum, list):
        return [_untag(item) for item in datum]
    if isinstance(datum, dict):
        return {key: _untag(value) for key, value in datum.items()}
    return datum
