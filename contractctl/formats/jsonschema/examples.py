"""Sidecar examples in JSON Schema: an example is a JSON document, valid when `jsonschema` says so.

The "encoding" is the JSON text itself (Confluent's JSON Schema serializer writes the document as
UTF-8 JSON after the schema id), so reading back never changes a value: another version can only
reject the document, which is what `read_back` reports. A problem is named by the JSON pointer of
the offending value in the example (`/lines/0/sku`).

CEL_FIELD inputs follow Confluent's rule executor (`JsonSchema.transformMessage`): every property
of an object schema the document holds, down to scalar values, with full names such as
`$.lines[0].sku`; an `anyOf`/`oneOf`/`allOf` is entered through its first branch that fits the
value (Confluent takes the first branch that validates); array items only through `items` as one
schema (as Confluent). Properties absent from the document are not visited.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from contractctl.formats.base import ExampleCodec, ExampleMismatch, ExampleRecord
from contractctl.formats.jsonschema.loader import child
from contractctl.formats.jsonschema.model import (
    ARRAY,
    BOOLEAN,
    COMBINED,
    CONST,
    EMPTY,
    ENUM,
    NULL,
    NUMBER,
    OBJECT,
    STRING,
    TRUE,
    Node,
    value_key,
)
from contractctl.formats.jsonschema.shapes import ROOT, type_name

if TYPE_CHECKING:
    from contractctl.formats.jsonschema import JsonSchemaContract

_SHOWN = 200


class JsonSchemaCodec:
    """SchemaFormat.example_codec for JSON Schema."""

    def __init__(self, contract: JsonSchemaContract) -> None:
        self.contract = contract
        self._validator: Any = None

    def problem(self, value: Any) -> tuple[str, str] | None:
        """(JSON pointer into the document, why) of the most telling validation error, or None."""
        if self._validator is None:
            from contractctl.formats.jsonschema.prove import validator

            self._validator = validator(self.contract)
        best_match: Any = importlib.import_module("jsonschema.exceptions").best_match
        error = best_match(self._validator.iter_errors(value))
        if error is None:
            return None
        message = error.message if len(error.message) <= _SHOWN else error.message[: _SHOWN - 3] + "..."
        return child("", *error.absolute_path), message

    def read(self, value: Any) -> ExampleRecord:
        found = self.problem(value)
        if found is not None:
            pointer, message = found
            raise ExampleMismatch(pointer, f"at {pointer or '/'}: {message}")
        data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        return ExampleRecord(value, data, list(fields(self.contract.root, value)))

    def read_back(self, data: bytes, writer: ExampleCodec) -> str | None:
        found = self.problem(json.loads(data))
        return None if found is None else f"the schema rejects it at {found[0] or '/'}: {found[1]}"

    def plain(self, container: Any) -> Any:
        return container


def fields(root: Node, value: Any) -> Iterator[tuple[str, str, str, Any, Any]]:
    """(property, full name, Confluent type name, value, containing object) for each scalar value."""
    yield from _walk(root, ROOT, value, None)


def _walk(
    node: Node, path: str, value: Any, entered: tuple[str, Any] | None
) -> Iterator[tuple[str, str, str, Any, Any]]:
    node = node.resolved()
    if node.kind == COMBINED:
        branch = next((sub for sub in node.subschemas if _fits(sub.resolved(), value)), None)
        if branch is not None:
            yield from _walk(branch, path, value, entered)
    elif node.kind == ARRAY:
        if isinstance(value, list) and node.all_items is not None:
            for index, item in enumerate(value):
                yield from _walk(node.all_items, f"{path}[{index}]", item, entered)
    elif node.kind == OBJECT:
        if isinstance(value, dict):
            for name, sub in node.properties.items():
                if name in value:
                    yield from _walk(sub, f"{path}.{name}", value[name], (name, value))
    elif entered is not None and node.kind not in (EMPTY, TRUE):
        name, container = entered
        yield name, path, type_name(node), value, container


def _fits(node: Node, value: Any) -> bool:
    """Whether a branch's kind matches the JSON value (the branch Confluent would validate into)."""
    kind = node.kind
    if kind in (ENUM, CONST):
        # the values as written: a data value is an instance, not a schema's BigDecimal
        return value_key(value) in {value_key(v) for v in node.examples}
    if kind == OBJECT:
        return isinstance(value, dict)
    if kind == ARRAY:
        return isinstance(value, list)
    if kind == STRING:
        return isinstance(value, str)
    if kind == BOOLEAN:
        return isinstance(value, bool)
    if kind == NULL:
        return value is None
    if kind == NUMBER:
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return number and (not node.requires_integer or float(value).is_integer())
    if kind == COMBINED:
        return any(_fits(sub.resolved(), value) for sub in node.subschemas)
    return kind in (EMPTY, TRUE)
