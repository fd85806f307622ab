"""Structural identity of schemas: of model nodes (duplicate combined branches) and of texts
(fingerprints, the registry's normalized form)."""

from __future__ import annotations

import json
from typing import Any

from contractctl.formats.jsonschema.model import REF, Node, value_key


def node_key(node: Node) -> Any:
    """Equal for nodes Everit would print identically (a reference prints as its `$ref` only)."""
    if node.key is None:
        node.key = _build_key(node)
    return node.key


def _build_key(node: Node) -> Any:
    if node.kind == REF:
        return (REF, node.ref, node.title, node.description)
    default = None if not node.has_default else ("d", json.dumps(node.default, sort_keys=True))
    common = (node.kind, node.id, node.title, node.description, default, node.connect_type)
    return (
        common,
        (node.min_length, node.max_length, node.pattern),
        (node.requires_integer, node.minimum, node.maximum, node.exclusive_minimum, node.exclusive_maximum),
        node.multiple_of,
        tuple(sorted((name, node_key(schema)) for name, schema in node.properties.items())),
        tuple(node.required),
        (node.permits_additional, node_key(node.additional_schema) if node.additional_schema else None),
        tuple((p.pattern, node_key(p.schema)) for p in node.pattern_properties),
        tuple(sorted((k, tuple(sorted(v))) for k, v in node.property_dependencies.items())),
        tuple(sorted((k, node_key(v)) for k, v in node.schema_dependencies.items())),
        (node.min_properties, node.max_properties, node.min_items, node.max_items, node.unique_items),
        (node.min_contains, node.max_contains),
        node_key(node.unevaluated) if node.unevaluated else None,
        node_key(node.all_items) if node.all_items else None,
        tuple(node_key(item) for item in node.item_schemas) if node.item_schemas is not None else None,
        node.values,
        node.value,
        (node.criterion, tuple(node_key(s) for s in node.subschemas)),
        node_key(node.inner) if node.inner else None,
    )


def canonical_text(document: Any) -> str:
    """The document with sorted keys and no insignificant whitespace: one text per meaning."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_value(value: Any) -> Any:
    return value_key(value)
