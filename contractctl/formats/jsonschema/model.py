"""The schema model the diff walks: Everit's classes, as Confluent's SchemaDiff sees them.

Confluent compares loaded Everit objects, not keywords: the class of a node (`kind`) decides whether
two schemas are comparable at all, so this model mirrors Everit's split of a JSON object into
StringSchema, NumberSchema, ObjectSchema, ... (several at once become a synthetic `allOf`).
Nodes are compared by identity in the diff's memo, as Confluent does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

MISSING: Any = object()
"""No `default` keyword (a `default` of null is a value)."""

EMPTY, TRUE, FALSE = "empty", "true", "false"
STRING, NUMBER, BOOLEAN, NULL = "string", "number", "boolean", "null"
OBJECT, ARRAY, ENUM, CONST = "object", "array", "enum", "const"
COMBINED, NOT, CONDITIONAL, REF = "combined", "not", "conditional", "ref"

ALL_OF, ANY_OF, ONE_OF = "allOf", "anyOf", "oneOf"
_NO_ENTRIES: Mapping[str, Any] = MappingProxyType({})


@dataclass(eq=False)
class PatternProperty:
    pattern: str
    regex: re.Pattern[str] | None  # java.util.regex's reading in Python; None: none exact, or invalid
    schema: Node
    java_valid: bool = True  # False only in an earlier version loaded leniently: it never covers a name

    def finds(self, name: str) -> bool | None:
        """Java's `pattern.matcher(name).find()`, as Confluent's ObjectSchemaDiff asks; None when no
        exact Python translation tells (see javaregex)."""
        if self.regex is not None:
            return self.regex.search(name) is not None
        return None if self.java_valid else False


class Node:
    """One Everit schema object; only the fields of its kind are set.

    A plain class with its defaults on the class: a node stores only what its keywords set, so the
    thousands of nodes of a large history are cheap to build (no per-node empty containers).
    """

    kind: str
    pointer: str  # JSON pointer of the keyword object in its document (for locations)
    id: str | None = None
    title: str | None = None
    description: str | None = None
    default: Any = MISSING
    connect_type: Any = None  # `connect.type` (Kafka Connect's bytes marker)
    # ConditionalSchema: its if/then/else as written (value_key). Everit prints them, and Confluent
    # tells the subschemas of a combined schema apart by their printed text.
    conditional: Any = None
    # StringSchema
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    # NumberSchema
    requires_integer: bool = False
    minimum: float | int | None = None
    maximum: float | int | None = None
    exclusive_minimum: float | int | None = None
    exclusive_maximum: float | int | None = None
    multiple_of: float | int | None = None
    # ObjectSchema
    properties: Mapping[str, Node] = _NO_ENTRIES
    required: Sequence[str] = ()
    permits_additional: bool = True
    additional_schema: Node | None = None
    pattern_properties: Sequence[PatternProperty] = ()
    property_dependencies: Mapping[str, frozenset[str]] = _NO_ENTRIES
    schema_dependencies: Mapping[str, Node] = _NO_ENTRIES
    min_properties: int | None = None
    max_properties: int | None = None
    unevaluated: Node | None = None  # unevaluatedProperties / unevaluatedItems (2019-09+ only)
    # ArraySchema
    all_items: Node | None = None
    item_schemas: Sequence[Node] | None = None
    unique_items: bool = False
    min_items: int | None = None
    max_items: int | None = None
    min_contains: int | None = None
    max_contains: int | None = None
    # EnumSchema (values as comparison keys) / ConstSchema
    values: frozenset[Any] = frozenset()
    value: Any = None
    examples: tuple[Any, ...] = ()  # the enum's values or the const, as written (for generated data)
    # CombinedSchema / NotSchema
    criterion: str = ALL_OF
    subschemas: Sequence[Node] = ()
    inner: Node | None = None
    # ReferenceSchema
    ref: str = ""
    target: Node | None = None
    key: int | None = None  # structural identity (canonical.node_key), computed once
    free: bool | None = None  # no $ref below (canonical.ref_free), computed once

    def __init__(self, kind: str, pointer: str, **fields: Any) -> None:
        self.kind = kind
        self.pointer = pointer
        for name, value in fields.items():
            setattr(self, name, value)

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING

    @property
    def is_empty(self) -> bool:
        """Everit's `instanceof EmptySchema` (TrueSchema extends EmptySchema)."""
        return self.kind in (EMPTY, TRUE)

    def resolved(self) -> Node:
        """The node a reference stands for (Confluent compares the referred schema)."""
        node = self
        while node.kind == REF and node.target is not None:
            node = node.target
        return node


def value_key(value: Any) -> Any:
    """A hashable key equal exactly when Java's equals on Everit's values is (1 != 1.0 != true; a
    Decimal, as BigDecimal, by unscaled value and scale: 1.5 != 1.50)."""
    if isinstance(value, Decimal):
        sign, digits, exponent = value.as_tuple()
        unscaled = int("".join(map(str, digits)) or "0")
        return ("d", -unscaled if sign else unscaled, -int(exponent))
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int):
        return ("i", value)
    if isinstance(value, float):
        return ("f", value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("n",)
    if isinstance(value, list):
        return ("a", tuple(value_key(item) for item in value))
    return ("o", frozenset((key, value_key(item)) for key, item in value.items()))
