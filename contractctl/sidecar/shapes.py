"""One small view of an Avro or Protobuf schema for the contract checks: records, their fields, tags.

CEL references, tag paths and CEL_FIELD walks all ask the same questions ("does record R have field
f?", "what is a field's full name and Confluent type name?"), so both formats are reduced to this view
once instead of each check walking two schema representations.

A field's *full name* is what Confluent's serializers match `metadata.tags` patterns against: the full
name of the record (Avro) or message (Protobuf) that declares it, a dot, and the field name, e.g.
``com.acme.orders.OrderLine.sku``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from contractctl.formats.base import ParsedSchema
from contractctl.model import SchemaType

# Confluent's FieldType names, which CEL_FIELD rules see as `typeName`.
TYPE_NAMES = frozenset(
    {
        "RECORD",
        "ENUM",
        "ARRAY",
        "MAP",
        "COMBINED",
        "FIXED",
        "STRING",
        "BYTES",
        "INT",
        "LONG",
        "FLOAT",
        "DOUBLE",
        "BOOLEAN",
        "NULL",
    }
)
_AVRO_TYPE_NAMES = {
    "string": "STRING",
    "bytes": "BYTES",
    "int": "INT",
    "long": "LONG",
    "float": "FLOAT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "null": "NULL",
    "enum": "ENUM",
    "fixed": "FIXED",
}


@dataclass(eq=False)
class Record:
    full_name: str
    fields: dict[str, Field] = field(default_factory=dict)


@dataclass(frozen=True)
class Field:
    name: str
    shape: Shape
    inline_tags: frozenset[str] = frozenset()  # Avro "confluent:tags", Protobuf (confluent.field_meta).tags


@dataclass(frozen=True)
class ListOf:
    item: Shape


@dataclass(frozen=True)
class MapOf:
    value: Shape


@dataclass(frozen=True)
class UnionOf:
    branches: tuple[Shape, ...]


@dataclass(frozen=True)
class Scalar:
    type_name: str  # one of TYPE_NAMES
    opaque: bool = False  # a well-known Protobuf message (Timestamp, wrappers): CEL sees a value, not fields


Shape = Record | ListOf | MapOf | UnionOf | Scalar


def type_name(shape: Shape) -> str:
    """Confluent's FieldType for a field of this shape (CEL_FIELD `typeName`)."""
    if isinstance(shape, Record):
        return "RECORD"
    if isinstance(shape, ListOf):
        return "ARRAY"
    if isinstance(shape, MapOf):
        return "MAP"
    if isinstance(shape, UnionOf):
        return "COMBINED"
    return shape.type_name


def is_primitive(shape: Shape) -> bool:
    """CEL_FIELD rules run on primitive fields only (and on enums, fixed, bytes), as Confluent's walk does."""
    return isinstance(shape, Scalar) and not shape.opaque


@dataclass(frozen=True)
class SchemaModel:
    root: Shape
    records: Mapping[str, Record]

    def fields(self) -> Iterator[tuple[Record, Field]]:
        for record in self.records.values():
            for item in record.fields.values():
                yield record, item

    def full_names(self) -> dict[str, Field]:
        return {f"{record.full_name}.{item.name}": item for record, item in self.fields()}

    def field_names(self) -> frozenset[str]:
        return frozenset(item.name for _, item in self.fields())

    def inline_tags(self) -> dict[str, frozenset[str]]:
        return {
            f"{record.full_name}.{item.name}": item.inline_tags
            for record, item in self.fields()
            if item.inline_tags
        }


def records_in(shape: Shape) -> list[Record]:
    """The records a value of this shape holds directly (through lists, maps and unions)."""
    if isinstance(shape, Record):
        return [shape]
    if isinstance(shape, ListOf):
        return records_in(shape.item)
    if isinstance(shape, MapOf):
        return records_in(shape.value)
    if isinstance(shape, UnionOf):
        return [record for branch in shape.branches for record in records_in(branch)]
    return []


def resolve_path(model: SchemaModel, path: str) -> tuple[Record, Field] | str:
    """A dotted field path from the root record (``lines.sku``) to (declaring record, field); or an error.

    Lists, maps and unions are stepped through, so ``lines.sku`` reaches the items' field.
    """
    candidates = records_in(model.root)
    found: tuple[Record, Field] | None = None
    walked: list[str] = []
    for segment in path.split("."):
        matches = [(record, record.fields[segment]) for record in candidates if segment in record.fields]
        if not matches:
            where = ".".join(walked) or "the top-level record"
            known = sorted({name for record in candidates for name in record.fields})
            if not candidates:
                return f"{where} is not a record, so it has no field {segment!r}"
            return f"{where} has no field {segment!r} (fields: {', '.join(known) or 'none'})"
        found = matches[0]
        walked.append(segment)
        candidates = [record for _, item in matches for record in records_in(item.shape)]
    assert found is not None
    return found


@lru_cache(maxsize=256)
def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """Confluent's wildcard for dotted names: `?` one char, `*` within a name, `**` across names."""
    source = pattern.replace("**.*", "**")
    out: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        index += 1
        if char == "*":
            if index < len(source) and source[index] == "*":
                out.append(".*")
                index += 1
            else:
                out.append("[^.]*")
        elif char == "?":
            out.append("[^.]")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out))


def wildcard_match(text: str, pattern: str) -> bool:
    return wildcard_regex(pattern).fullmatch(text) is not None


# ----------------------------------------------------------------------------------------------
# Avro


def _avro_model(schema: Any) -> SchemaModel:
    from contractctl.formats.avro import AvroSchema

    assert isinstance(schema, AvroSchema)
    names = schema.resolved.names
    records: dict[str, Record] = {}

    def shape(node: Any) -> Shape:
        if isinstance(node, list):
            return UnionOf(tuple(shape(branch) for branch in node))
        if isinstance(node, str):
            if node in names:
                return shape(names[node])
            return Scalar(_AVRO_TYPE_NAMES.get(node, "NULL"))
        kind = node["type"]
        if kind in ("record", "error"):
            full = str(node["name"])
            if full in records:
                return records[full]
            record = records[full] = Record(full)
            for item in node["fields"]:
                tags = item.get("confluent:tags")
                inline = frozenset(str(t) for t in tags) if isinstance(tags, list) else frozenset()
                record.fields[item["name"]] = Field(item["name"], shape(item["type"]), inline)
            return record
        if kind == "array":
            return ListOf(shape(node["items"]))
        if kind == "map":
            return MapOf(shape(node["values"]))
        if isinstance(kind, (dict, list)) or (isinstance(kind, str) and kind in names):
            return shape(kind)
        return Scalar(_AVRO_TYPE_NAMES.get(str(kind), "NULL"))

    root = shape(schema.resolved.root)
    return SchemaModel(root, records)


# ----------------------------------------------------------------------------------------------
# Protobuf

_PROTO_TYPE_NAMES = {
    "TYPE_STRING": "STRING",
    "TYPE_BYTES": "BYTES",
    "TYPE_BOOL": "BOOLEAN",
    "TYPE_FLOAT": "FLOAT",
    "TYPE_DOUBLE": "DOUBLE",
    "TYPE_ENUM": "ENUM",
    "TYPE_INT32": "INT",
    "TYPE_SINT32": "INT",
    "TYPE_SFIXED32": "INT",
    "TYPE_UINT32": "INT",
    "TYPE_FIXED32": "INT",
    "TYPE_INT64": "LONG",
    "TYPE_SINT64": "LONG",
    "TYPE_SFIXED64": "LONG",
    "TYPE_UINT64": "LONG",
    "TYPE_FIXED64": "LONG",
}


def root_message_name(schema: Any) -> str:
    """The message Confluent's serializers use by default: the file's first top-level message."""
    file = schema.compiled.file
    first = file.message_type[0].name
    return f"{file.package}.{first}" if file.package else str(first)


def _proto_inline_tags(schema: Any) -> dict[tuple[str, str], frozenset[str]]:
    """(message full name, field name) -> tags from `(confluent.field_meta).tags`, when the file uses them."""
    from google.protobuf.message_factory import GetMessageClass

    pool = schema.pool
    try:
        extension = pool.FindExtensionByName("confluent.field_meta")
    except KeyError:
        return {}
    options_class = GetMessageClass(pool.FindMessageTypeByName("google.protobuf.FieldOptions"))
    out: dict[tuple[str, str], frozenset[str]] = {}

    def visit(prefix: str, messages: Any) -> None:
        for message in messages:
            full = f"{prefix}.{message.name}" if prefix else str(message.name)
            for item in message.field:
                if not item.HasField("options"):
                    continue
                options = options_class.FromString(item.options.SerializeToString())
                tags = list(options.Extensions[extension].tags)
                if tags:
                    out[(full, item.name)] = frozenset(tags)
            visit(full, message.nested_type)

    for file in schema.compiled.closure:
        visit(file.package, file.message_type)
    return out


def _protobuf_model(schema: Any) -> SchemaModel:
    from google.protobuf.descriptor import FieldDescriptor

    inline = _proto_inline_tags(schema)
    records: dict[str, Record] = {}
    type_names = {
        number: name for name, number in FieldDescriptor.__dict__.items() if name.startswith("TYPE_")
    }

    def message(descriptor: Any) -> Shape:
        full = str(descriptor.full_name)
        if full.startswith("google.protobuf."):
            return Scalar("RECORD", opaque=True)
        if full in records:
            return records[full]
        record = records[full] = Record(full)
        for item in descriptor.fields:
            record.fields[item.name] = Field(
                item.name, field_shape(item), inline.get((full, item.name), frozenset())
            )
        return record

    def value_shape(item: Any) -> Shape:
        if item.message_type is not None:
            return message(item.message_type)
        return Scalar(_PROTO_TYPE_NAMES.get(type_names.get(item.type, ""), "NULL"))

    def field_shape(item: Any) -> Shape:
        entry = item.message_type
        if entry is not None and entry.GetOptions().map_entry:
            return MapOf(value_shape(entry.fields_by_name["value"]))
        shape = value_shape(item)
        return ListOf(shape) if _repeated(item) else shape

    root = message(schema.pool.FindMessageTypeByName(root_message_name(schema)))
    return SchemaModel(root, records)


def _repeated(item: Any) -> bool:
    repeated = getattr(item, "is_repeated", None)
    if isinstance(repeated, bool):
        return repeated
    return bool(item.label == item.LABEL_REPEATED)


def schema_model(schema: ParsedSchema, schema_type: SchemaType) -> SchemaModel:
    if schema_type is SchemaType.AVRO:
        return _avro_model(schema)
    return _protobuf_model(schema)
