"""A Protobuf schema as the sidecar's shapes (messages, fields, `(confluent.field_meta).tags`)."""

from __future__ import annotations

from typing import Any

from contractctl.formats.protobuf import ProtobufSchema
from contractctl.formats.vocabulary.shapes import Field, ListOf, MapOf, Record, Scalar, SchemaModel, Shape

PROTO_TYPE_NAMES = {
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


def schema_model(schema: ProtobufSchema) -> SchemaModel:
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
        return Scalar(PROTO_TYPE_NAMES.get(type_names.get(item.type, ""), "NULL"))

    def field_shape(item: Any) -> Shape:
        entry = item.message_type
        if entry is not None and entry.GetOptions().map_entry:
            return MapOf(value_shape(entry.fields_by_name["value"]))
        shape = value_shape(item)
        return ListOf(shape) if is_repeated(item) else shape

    root = message(schema.pool.FindMessageTypeByName(root_message_name(schema)))
    return SchemaModel(root, records)


def is_repeated(item: Any) -> bool:
    repeated = getattr(item, "is_repeated", None)
    if isinstance(repeated, bool):
        return repeated
    return bool(item.label == item.LABEL_REPEATED)
