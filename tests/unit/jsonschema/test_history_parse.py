"""Earlier versions are parsed without the meta-schema check (parse_registered / parse_alone): a text
that is no JSON Schema must still come out as InvalidSchema (the check then warns that the version
does not parse), never as another exception, and a valid schema must always compare."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contractctl.formats.base import InvalidSchema
from contractctl.formats.jsonschema import JsonSchemaFormat
from contractctl.model import SchemaText

FORMAT = JsonSchemaFormat()
WRONG_SHAPES: list[Any] = [
    {"type": "object", "title": {"x": 1}},
    {"type": "object", "properties": {"a": {"type": "string", "description": [1]}}},
    {"type": "object", "properties": 5},
    {"type": "object", "required": 5},
    {"enum": 5},
    {"allOf": 5},
    {"type": "object", "dependencies": {"a": [{"x": 1}]}},
]


def _text(document: Any) -> SchemaText:
    return SchemaText("contracts/t/value.json", json.dumps(document))


@pytest.mark.parametrize("document", WRONG_SHAPES, ids=[json.dumps(d)[:40] for d in WRONG_SHAPES])
def test_a_wrongly_shaped_earlier_version_is_invalid_not_a_crash(document: Any) -> None:
    with pytest.raises(InvalidSchema) as raised:
        FORMAT.parse_registered(_text(document), [])
    assert raised.value.findings[0].rule in ("INVALID_SCHEMA", "INVALID_REFERENCE")
    assert raised.value.findings[0].line == 1
    assert FORMAT.parse_alone(_text(document), registered=True) is None  # "parse it the full way"
    with pytest.raises(InvalidSchema):  # and the newest version says why, located
        FORMAT.parse(_text(document), [])


def test_a_non_string_title_is_located_at_its_keyword() -> None:
    document = {"type": "object", "properties": {"a": {"type": "string", "title": 3}}}
    with pytest.raises(InvalidSchema) as raised:
        FORMAT.parse_registered(_text(document), [])
    assert raised.value.findings[0].pointer == "#/properties/a/title"


def test_any_json_as_connect_type_compares() -> None:
    """`connect.type` is no keyword of the meta-schema: a valid schema may give it any value."""
    old = FORMAT.parse(
        _text({"type": "object", "connect.type": {"a": [1]}, "additionalProperties": False}), []
    )
    new = FORMAT.parse(
        _text(
            {
                "type": "object",
                "connect.type": {"a": [1]},
                "properties": {"b": {"type": "string"}},
                "additionalProperties": False,
            }
        ),
        [],
    )
    assert FORMAT.check(new, old) == []
    assert [f.rule for f in FORMAT.check(old, new)] == ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"]
