"""Schema Registry's `validateFields` (JsonSchema.validate(strict), json-schema-provider at the commit
of confluent_cases.json): a root object schema's property named with a `$$` prefix is invalid for a
new schema when the option is on; off (the registry's default) it is accepted, and earlier versions
are never held to it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contractctl.formats.base import InvalidSchema
from contractctl.formats.jsonschema import JsonSchemaFormat
from contractctl.model import SchemaText

STRICT_FIELDS = JsonSchemaFormat(validate_fields=True)
DOLLARS = {"type": "object", "properties": {"id": {"type": "string"}, "$$meta": {"type": "string"}}}


def _text(document: Any) -> SchemaText:
    return SchemaText("contracts/t/value.json", json.dumps(document, indent=2))


def test_a_root_property_with_a_double_dollar_is_invalid_with_validate_fields() -> None:
    with pytest.raises(InvalidSchema) as raised:
        STRICT_FIELDS.parse(_text(DOLLARS), [])
    finding = raised.value.findings[0]
    assert finding.rule == "INVALID_SCHEMA"
    assert finding.pointer == "#/properties/$$meta" and finding.line == 7
    assert "$$" in finding.message
    assert STRICT_FIELDS.parse_alone(_text(DOLLARS)) is None  # the full parse then says why


def test_the_registry_default_accepts_it_and_history_is_never_held_to_it() -> None:
    assert JsonSchemaFormat().parse(_text(DOLLARS), []).root.properties["$$meta"].kind == "string"
    assert STRICT_FIELDS.parse_registered(_text(DOLLARS), []) is not None
    assert STRICT_FIELDS.parse_alone(_text(DOLLARS), registered=True) is not None


@pytest.mark.parametrize(
    "document",
    [
        {"type": "object", "properties": {"a": {"type": "object", "properties": {"$$x": {}}}}},  # nested
        {"allOf": [DOLLARS]},  # a combined root is no ObjectSchema
        {"type": "object", "properties": {"$x": {}, "a$$": {}}},  # one dollar, or not a prefix
    ],
)
def test_only_the_root_object_schemas_own_properties_count(document: Any) -> None:
    assert STRICT_FIELDS.parse(_text(document), []) is not None
