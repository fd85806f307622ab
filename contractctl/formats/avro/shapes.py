"""An Avro schema as the sidecar's shapes (records, fields, inline `confluent:tags`)."""

from __future__ import annotations

from typing import Any

from contractctl.formats.avro import AvroSchema
from contractctl.formats.vocabulary.shapes import (
    Field,
    ListOf,
    MapOf,
    Record,
    Scalar,
    SchemaModel,
    Shape,
    UnionOf,
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


def schema_model(schema: AvroSchema) -> SchemaModel:
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
