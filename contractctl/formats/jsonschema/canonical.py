"""Structural identity of model nodes: duplicate combined branches, identical subtrees a check skips."""

from __future__ import annotations

import json
from typing import Any

from contractctl.formats.jsonschema.model import (
    ARRAY,
    COMBINED,
    CONDITIONAL,
    CONST,
    ENUM,
    NOT,
    NUMBER,
    OBJECT,
    REF,
    STRING,
    Node,
    value_key,
)

_INTERNED: dict[Any, int] = {}


def node_key(node: Node) -> int:
    """Equal for nodes Everit would print identically (a reference prints as its `$ref` only).

    Keys are interned to small integers (hash-consing), so a parent's key holds its children's
    numbers and comparing two subtrees is one integer comparison. The table lives for the process:
    one entry per distinct subtree seen, a few hundred thousand for a 20,000-version history.
    """
    if node.key is None:
        structure = _build_key(node)
        node.key = _INTERNED.setdefault(structure, len(_INTERNED))
    return node.key


def ref_free(node: Node) -> bool:
    """No `$ref` anywhere below: then node_key is the whole meaning of the subtree."""
    if node.free is None:
        node.free = node.kind != REF and all(ref_free(c) for c in _children(node))
    return node.free


def _children(node: Node) -> list[Node]:
    found = [*node.properties.values(), *(p.schema for p in node.pattern_properties)]
    found += [*node.schema_dependencies.values(), *node.subschemas, *(node.item_schemas or ())]
    found += [
        c for c in (node.additional_schema, node.unevaluated, node.all_items, node.inner) if c is not None
    ]
    return found


def _build_key(node: Node) -> tuple[Any, ...]:
    kind = node.kind
    if kind == REF:
        return (REF, node.ref, node.title, node.description)
    default = None if not node.has_default else json.dumps(node.default, sort_keys=True)
    connect_type = None if node.connect_type is None else value_key(node.connect_type)  # any JSON
    common = (kind, node.id, node.title, node.description, default, connect_type)
    if kind == STRING:
        return (*common, node.min_length, node.max_length, node.pattern)
    if kind == NUMBER:
        limits = (node.minimum, node.maximum, node.exclusive_minimum, node.exclusive_maximum)
        return (*common, node.requires_integer, *limits, node.multiple_of)
    if kind in (ENUM, CONST):
        return (*common, node.values, node.value)
    if kind == COMBINED:
        return (*common, node.criterion, *(node_key(s) for s in node.subschemas))
    if kind == NOT:
        return (*common, node_key(node.inner) if node.inner else None)
    if kind == OBJECT:
        return (
            *common,
            tuple(sorted((name, node_key(schema)) for name, schema in node.properties.items())),
            tuple(node.required),
            node.permits_additional,
            _optional_key(node.additional_schema),
            tuple((p.pattern, node_key(p.schema)) for p in node.pattern_properties),
            tuple(sorted((k, tuple(sorted(v))) for k, v in node.property_dependencies.items())),
            tuple(sorted((k, node_key(v)) for k, v in node.schema_dependencies.items())),
            node.min_properties,
            node.max_properties,
            _optional_key(node.unevaluated),
        )
    if kind == ARRAY:
        items = tuple(node_key(i) for i in node.item_schemas) if node.item_schemas is not None else None
        return (
            *common,
            _optional_key(node.all_items),
            items,
            node.permits_additional,
            _optional_key(node.additional_schema),
            _optional_key(node.unevaluated),
            (node.min_items, node.max_items, node.unique_items, node.min_contains, node.max_contains),
        )
    if kind == CONDITIONAL:
        return (*common, node.conditional)
    return common


def _optional_key(node: Node | None) -> int | None:
    return None if node is None else node_key(node)
