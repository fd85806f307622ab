"""A quick, conservative "surely valid" test against a draft's meta-schema.

Checking a contract against its meta-schema with `jsonschema` costs about a millisecond; a
`check --all` over thousands of contracts cannot pay that for every one. This walk answers True
only when every keyword the meta-schemas constrain holds a value of the plainly valid shape; on
anything else (a doubtful value, a rarely used keyword) it answers False and the caller runs the
real meta-schema validation, which also words the findings. It never reports a problem itself.
"""

from __future__ import annotations

import re
from typing import Any

from contractctl.formats.jsonschema.drafts import Draft
from contractctl.formats.jsonschema.javaregex import java_accepts

_TYPES = frozenset(("array", "boolean", "integer", "null", "number", "object", "string"))
_COUNTS = frozenset(
    ("maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties", "maxContains")
) | {"minContains"}
_NUMBERS = frozenset(("minimum", "maximum"))
_STRINGS = frozenset(("title", "description", "format", "$comment"))
_URIS = frozenset(("$schema", "$id", "id", "$ref"))
_BOOLEANS = frozenset(("uniqueItems", "readOnly", "writeOnly", "deprecated"))
_ONE_SCHEMA = frozenset(
    ("not", "contains", "propertyNames", "if", "then", "else", "unevaluatedProperties", "unevaluatedItems")
)
_SCHEMA_MAPS = frozenset(("properties", "definitions", "$defs", "dependentSchemas"))
_SCHEMA_LISTS = frozenset(("allOf", "anyOf", "oneOf", "prefixItems"))
_ANYTHING = frozenset(("default", "const", "examples"))
_PLAIN_URI = re.compile(r"[A-Za-z0-9_\-.~:/?#\[\]@!$&'()*+,;=%]*")
_HANDLED = (
    _COUNTS
    | _NUMBERS
    | _STRINGS
    | _URIS
    | _BOOLEANS
    | _ONE_SCHEMA
    | _SCHEMA_MAPS
    | _SCHEMA_LISTS
    | _ANYTHING
    | {"type", "enum", "required", "pattern", "patternProperties", "multipleOf", "items", "additionalItems"}
    | {"additionalProperties", "dependencies", "dependentRequired", "exclusiveMinimum", "exclusiveMaximum"}
)
# every keyword some supported draft's meta-schema constrains; a constrained one not handled above
# sends the document to the real validation
_CONSTRAINED = _HANDLED | {
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$recursiveAnchor",
    "$recursiveRef",
    "$vocabulary",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "disallow",
    "divisibleBy",
    "extends",
}


def surely_valid(document: Any, draft: Draft) -> bool:
    return _Walk(draft).schema(document, top=True)


class _Walk:
    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.draft4 = draft is Draft.DRAFT_4
        self.depth = 0

    def schema(self, value: Any, top: bool = False) -> bool:
        if isinstance(value, bool):
            return not self.draft4
        if not isinstance(value, dict) or self.depth > 200:
            return False
        if self.draft4 and any(
            f"exclusive{b}" in value and b.lower() not in value for b in ("Minimum", "Maximum")
        ):
            return False  # draft-04: an exclusive flag needs its limit
        self.depth += 1
        try:
            return all(self.keyword(k, v) for k, v in value.items() if k in _CONSTRAINED)
        finally:
            self.depth -= 1

    def keyword(self, key: str, value: Any) -> bool:
        if key in _ANYTHING:
            return key != "examples" or isinstance(value, list)
        if key in _STRINGS:
            return isinstance(value, str)
        if key in _URIS:
            if not isinstance(value, str) or _PLAIN_URI.fullmatch(value) is None:
                return False
            return not (key == "$id" and self.draft.modern and "#" in value.rstrip("#"))
        if key in _BOOLEANS:
            return isinstance(value, bool)
        if key in _COUNTS:
            return type(value) is int and value >= 0
        if key in _NUMBERS:
            return _number(value)
        if key in ("exclusiveMinimum", "exclusiveMaximum"):
            return isinstance(value, bool) if self.draft4 else _number(value)
        if key == "multipleOf":
            return _number(value) and value > 0
        if key == "type":
            return self.types(value)
        if key == "enum":
            return isinstance(value, list) and bool(value) and _distinct(value)
        if key == "required":
            return self.names(value, allow_empty=not self.draft4)
        if key == "pattern":
            return isinstance(value, str) and java_accepts(value)
        if key in _ONE_SCHEMA:
            return self.schema(value)
        if key in _SCHEMA_MAPS:
            return isinstance(value, dict) and all(self.schema(v) for v in value.values())
        if key in _SCHEMA_LISTS:
            return isinstance(value, list) and bool(value) and all(self.schema(v) for v in value)
        if key == "patternProperties":
            return isinstance(value, dict) and all(
                java_accepts(k) and self.schema(v) for k, v in value.items()
            )
        if key in ("additionalProperties", "additionalItems"):
            return isinstance(value, bool) or self.schema(value)
        if key == "items":
            if isinstance(value, list):
                return (
                    self.draft is not Draft.DRAFT_2020_12
                    and bool(value)
                    and all(self.schema(v) for v in value)
                )
            return self.schema(value)
        if key == "dependencies":
            return isinstance(value, dict) and all(
                self.names(v, allow_empty=True) if isinstance(v, list) else self.schema(v)
                for v in value.values()
            )
        if key == "dependentRequired":
            return isinstance(value, dict) and all(self.names(v, allow_empty=True) for v in value.values())
        return False

    def types(self, value: Any) -> bool:
        if isinstance(value, str):
            return value in _TYPES
        return (
            isinstance(value, list)
            and bool(value)
            and all(isinstance(t, str) and t in _TYPES for t in value)
            and _distinct(value)
        )

    def names(self, value: Any, allow_empty: bool) -> bool:
        if not isinstance(value, list) or not (value or allow_empty):
            return False
        return all(isinstance(v, str) for v in value) and len(set(value)) == len(value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _distinct(values: list[Any]) -> bool:
    if all(type(v) is str for v in values):  # the usual enum: strings are equal only when equal
        return len(set(values)) == len(values)
    import json

    return len({json.dumps(v, sort_keys=True) for v in values}) == len(values)
