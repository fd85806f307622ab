"""One small view of a schema for the contract checks: records, their fields, tags.

CEL references, tag paths and CEL_FIELD walks all ask the same questions ("does record R have field
f?", "what is a field's full name and Confluent type name?"), so every format reduces its schemas to
this view once (SchemaFormat.shapes, in formats/<name>/shapes.py) instead of each check walking
every format's representation.

A field's *full name* is what Confluent's serializers match `metadata.tags` patterns against: the full
name of the record (Avro) or message (Protobuf) that declares it, a dot, and the field name, e.g.
``com.acme.orders.OrderLine.sku``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class SchemaModel:
    """records: by full name. pointers: other spellings a format lets a sidecar name fields by (JSON
    Schema's JSON pointers), each to the full names of the fields it means."""

    root: Shape
    records: Mapping[str, Record]
    pointers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

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
