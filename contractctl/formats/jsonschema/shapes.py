"""A JSON Schema contract as the sidecar's shapes: objects as records, properties as fields.

Names follow Confluent's JSON Schema rule executor (`JsonSchema.transformMessage`): the root object is
`$`, a property's full name is its object's name, a dot and the property (`$.customer.email`), and an
array's items are `[i]` at run time. The static names written here use `[*]` for the items
(`$.lines[*].sku`), which is itself a Confluent wildcard pattern matching every index, so a tag
registered under it applies to every item. A recursive schema names each object once, at its first
(shortest) path. Inline tags are Confluent's `confluent:tags` on a property's schema.

Besides dotted paths and full names, a sidecar may name a property by JSON pointer (`SchemaModel.
pointers`): into the data (`/customer/email`, `/lines/*/sku`; the loader reads any array index as
`*`) or to where the contract declares it (`#/properties/customer/properties/email`, or
`#/definitions/Address/properties/city` for every place the definition is used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contractctl.formats.jsonschema.loader import child
from contractctl.formats.jsonschema.model import (
    ARRAY,
    BOOLEAN,
    COMBINED,
    CONST,
    ENUM,
    NUMBER,
    OBJECT,
    STRING,
    Node,
)
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

if TYPE_CHECKING:
    from contractctl.formats.jsonschema import JsonSchemaContract

TAGS = "confluent:tags"
ROOT = "$"


def type_name(node: Node) -> str:
    """Confluent's FieldType of a (resolved) schema node, as `JsonSchema.getType` decides it."""
    if node.kind == OBJECT:
        return "MAP" if not node.properties else "RECORD"
    if node.kind in (CONST, ENUM):
        return "ENUM"
    if node.kind == NUMBER:
        return "INT" if node.requires_integer else "DOUBLE"
    return {ARRAY: "ARRAY", COMBINED: "COMBINED", STRING: "STRING", BOOLEAN: "BOOLEAN"}.get(node.kind, "NULL")


def raw_schemas(contract: JsonSchemaContract) -> dict[int, tuple[str, Any]]:
    """id(node) -> (pointer prefixed with the contract's path when not this one, raw keyword object),
    for every loaded node of the contract and the contracts it references."""
    out: dict[int, tuple[str, Any]] = {}
    pending, seen = [contract], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        loader = current.graph.loader
        own = current is contract
        for pointer, node in list(loader.nodes.items()):
            at = "#" + pointer if own else f"{current.source.import_path}#{pointer}"
            out.setdefault(id(node), (at, loader.value_at(pointer)))
        pending.extend(current.references.values())
    return out


def inline_tags(raw: Any) -> frozenset[str]:
    tags = raw.get(TAGS) if isinstance(raw, dict) else None
    return frozenset(str(tag) for tag in tags) if isinstance(tags, list) else frozenset()


def schema_model(contract: JsonSchemaContract) -> SchemaModel:
    raw = raw_schemas(contract)
    records: dict[str, Record] = {}
    building: dict[int, Record] = {}  # objects on the current path: recursion closes onto them
    pointers: dict[str, list[str]] = {}

    def alias(pointer: str, full: str) -> None:
        names = pointers.setdefault(pointer, [])
        if full not in names:
            names.append(full)

    def shape(node: Node, name: str, data_pointer: str) -> Shape:
        node = node.resolved()
        if node.kind == OBJECT and node.properties:
            if id(node) in building:
                return building[id(node)]
            record = records.setdefault(name, Record(name))
            building[id(node)] = record
            for prop, sub in node.properties.items():
                full, at = f"{name}.{prop}", child(data_pointer, prop)
                declared = raw.get(id(sub))
                record.fields[prop] = Field(
                    prop, shape(sub, full, at), inline_tags(declared[1] if declared else None)
                )
                alias(at, full)
                if declared is not None:
                    alias(declared[0], full)
            del building[id(node)]
            return record
        if node.kind == OBJECT:
            extra = node.additional_schema
            return MapOf(shape(extra, f"{name}[*]", child(data_pointer, "*")) if extra else Scalar("NULL"))
        if node.kind == ARRAY:
            if node.all_items is not None:
                return ListOf(shape(node.all_items, f"{name}[*]", child(data_pointer, "*")))
            items = tuple(
                shape(item, f"{name}[*]", child(data_pointer, "*")) for item in node.item_schemas or ()
            )
            return ListOf(UnionOf(items) if items else Scalar("NULL"))
        if node.kind == COMBINED:
            return UnionOf(tuple(shape(sub, name, data_pointer) for sub in node.subschemas))
        return Scalar(type_name(node))

    root = shape(contract.root, ROOT, "")
    return SchemaModel(root, records, {key: tuple(names) for key, names in pointers.items()})
