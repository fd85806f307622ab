"""JSON Schema contracts with sidecars: shapes (Confluent's `$.a.b` full names), tags by property path,
full name and JSON pointer, CEL rules on JSON fields, and examples as tests (the example codec)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

import pytest

import contractctl.sidecar.examples as sidecar_examples
import contractctl.sidecar.shapes as sidecar_shapes
from contractctl.formats.base import ExampleMismatch, InvalidSchema
from contractctl.formats.jsonschema import FORMAT, JsonSchemaContract
from contractctl.formats.vocabulary.shapes import type_name
from contractctl.model import CompatibilityLevel, Finding, FindingKind, SchemaText, SchemaType
from contractctl.sidecar import check_examples, load_sidecar

PATH = "contracts/orders/value.json"
SIDECAR = PurePosixPath("contracts/orders/value.contract.yaml")

ORDER: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "additionalProperties": False,
    "required": ["order_id", "total"],
    "properties": {
        "order_id": {"type": "string", "maxLength": 36},
        "total": {"type": "number", "minimum": 0},
        "customer": {"$ref": "#/definitions/Customer"},
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "sku": {"type": "string", "confluent:tags": ["INTERNAL"]},
                    "qty": {"type": "integer", "minimum": 1},
                },
                "required": ["sku", "qty"],
            },
        },
        "attributes": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "definitions": {
        "Customer": {
            "type": "object",
            "properties": {"email": {"type": ["string", "null"]}, "name": {"type": "string"}},
        }
    },
}


@pytest.fixture(autouse=True)
def json_format(monkeypatch: pytest.MonkeyPatch) -> Iterator[SchemaType]:
    """The schema type the sidecar machinery asks its format for. Until JSON Schema is registered in
    contractctl.formats, the sidecar modules' lookup is pointed at it for this test."""
    registered = getattr(SchemaType, "JSON", None)
    if registered is not None:
        from contractctl.formats import get_format

        if get_format(registered) is not None:
            yield registered
            return
    monkeypatch.setattr(sidecar_shapes, "get_format", lambda schema_type: FORMAT)
    monkeypatch.setattr(sidecar_examples, "get_format", lambda schema_type: FORMAT)
    yield SchemaType.AVRO  # any member: the patched lookup answers JSON Schema for it


def parse(document: Any = ORDER) -> JsonSchemaContract:
    return FORMAT.parse(SchemaText(PurePosixPath(PATH), json.dumps(document, indent=2), root="contracts"), [])


def load(text: str, schema_type: SchemaType, document: Any = ORDER) -> Any:
    return load_sidecar(SIDECAR, text, parse(document), schema_type)


def errors(text: str, schema_type: SchemaType) -> list[Finding]:
    with pytest.raises(InvalidSchema) as raised:
        load(text, schema_type)
    return raised.value.findings


# -- shapes ----------------------------------------------------------------------------------------


def test_shapes_name_fields_as_confluents_json_rule_executor() -> None:
    model = FORMAT.shapes(parse())
    assert sorted(model.full_names()) == [
        "$.attributes",
        "$.customer",
        "$.customer.email",
        "$.customer.name",
        "$.lines",
        "$.lines[*].qty",
        "$.lines[*].sku",
        "$.order_id",
        "$.total",
    ]
    assert model.inline_tags() == {"$.lines[*].sku": frozenset({"INTERNAL"})}
    types = {name: type_name(field.shape) for name, field in model.full_names().items()}
    assert types["$.total"] == "DOUBLE" and types["$.lines[*].qty"] == "INT"
    assert types["$.customer"] == "RECORD" and types["$.attributes"] == "MAP"
    assert types["$.customer.email"] == "COMBINED" and types["$.lines"] == "ARRAY"


def test_shapes_of_a_recursive_schema_are_finite() -> None:
    tree = {
        "type": "object",
        "properties": {"label": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#"}}},
    }
    model = FORMAT.shapes(parse(tree))
    assert sorted(model.full_names()) == ["$.children", "$.label"]
    found = sidecar_shapes.resolve_path(model, "children.children.label")  # recursion resolves
    assert not isinstance(found, str)
    assert (found[0].full_name, found[1].name) == ("$", "label")


def test_shapes_follow_references_into_other_contracts() -> None:
    address = {
        "$id": "https://acme.example/address.json",
        "type": "object",
        "properties": {"city": {"type": "string", "confluent:tags": ["PII"]}},
    }
    ref = FORMAT.parse(
        SchemaText(PurePosixPath("contracts/common/address.json"), json.dumps(address), root="contracts"), []
    )
    order = {"type": "object", "properties": {"ship_to": {"$ref": "https://acme.example/address.json"}}}
    contract = FORMAT.parse(SchemaText(PurePosixPath(PATH), json.dumps(order), root="contracts"), [ref])
    model = FORMAT.shapes(contract)
    assert model.inline_tags() == {"$.ship_to.city": frozenset({"PII"})}
    assert model.pointers["/ship_to/city"] == ("$.ship_to.city",)


# -- tags ------------------------------------------------------------------------------------------


def test_tags_by_path_full_name_pointer_and_pattern(json_format: SchemaType) -> None:
    meta = load(
        "owner: team-orders\n"
        "tags:\n"
        "  customer.email: [PII]\n"  # a property path (through the $ref)
        "  $.order_id: [KEY]\n"  # Confluent's full name
        "  /lines/0/qty: [COUNT]\n"  # a JSON pointer into the data: any index means every item
        "  '#/definitions/Customer/properties/name': [PII]\n"  # where the contract declares it
        "  '$.lines[*].sku': [INTERNAL]\n"  # a wildcard pattern
        "  lines.sku: [SKU]\n",  # a path through the array items
        json_format,
    )
    assert meta.tags == {
        "$.customer.email": ("PII",),
        "$.order_id": ("KEY",),
        "$.lines[*].qty": ("COUNT",),
        "$.customer.name": ("PII",),
        "$.lines[*].sku": ("INTERNAL", "SKU"),
    }


def test_unknown_tag_paths_and_pointers_are_findings(json_format: SchemaType) -> None:
    findings = errors(
        "tags:\n  customer.phone: [PII]\n  /customer/phone: [PII]\n  '#/properties/nope': [PII]\n",
        json_format,
    )
    assert [(f.rule, f.line) for f in findings] == [
        ("CONTRACT_TAG_UNKNOWN_FIELD", 2),
        ("CONTRACT_TAG_UNKNOWN_FIELD", 3),
        ("CONTRACT_TAG_UNKNOWN_FIELD", 4),
    ]
    assert "has no field 'phone' (fields: email, name)" in findings[0].message
    assert "JSON pointer '/customer/phone' names no property" in findings[1].message


# -- CEL rules on JSON fields -------------------------------------------------------------------------


RULES = """\
rules:
  domain:
    - {name: has_lines, kind: CONDITION, mode: WRITE, type: CEL, expr: "size(message.lines) > 0"}
    - {name: sku_format, kind: CONDITION, mode: WRITE, type: CEL_FIELD, tags: [INTERNAL],
       expr: "value.startsWith('SKU-')"}
"""


def test_cel_names_are_checked_against_json_properties(json_format: SchemaType) -> None:
    meta = load(RULES, json_format)
    assert [rule.name for rule in meta.domain_rules] == ["has_lines", "sku_format"]
    findings = errors(RULES.replace("message.lines", "message.line_items"), json_format)
    assert [f.rule for f in findings] == ["CONTRACT_CEL_REFERENCE"]
    assert "line_items" in findings[0].message


def example(name: str, document: Any) -> tuple[PurePosixPath, str]:
    return PurePosixPath(f"contracts/orders/examples/{name}.json"), json.dumps(document, indent=2)


GOOD = {"order_id": "o-1", "total": 10, "lines": [{"sku": "SKU-1", "qty": 1}, {"sku": "SKU-2", "qty": 2}]}


def test_valid_example_passes_the_schema_and_the_rules(json_format: SchemaType) -> None:
    meta = load(RULES, json_format)
    assert check_examples(parse(), json_format, meta, [example("good", GOOD)]) == []


def test_invalid_example_names_the_file_and_the_pointer(json_format: SchemaType) -> None:
    bad = {**GOOD, "lines": [{"sku": "SKU-1", "qty": 1}, {"sku": "SKU-2", "qty": 0}]}
    findings = check_examples(parse(), json_format, None, [example("bad", bad)])
    assert [(f.rule, f.file) for f in findings] == [
        ("CONTRACT_EXAMPLE_INVALID", "contracts/orders/examples/bad.json")
    ]
    assert "/lines/1/qty" in findings[0].message and "minimum of 1" in findings[0].message
    text = example("bad", bad)[1].splitlines()
    assert text[(findings[0].line or 0) - 1].strip() == '"qty": 0'  # the line of the offending value


def test_cel_field_rule_sees_json_fields_by_inline_tag(json_format: SchemaType) -> None:
    meta = load(RULES, json_format)
    bad = {**GOOD, "lines": [{"sku": "SKU-1", "qty": 1}, {"sku": "X-2", "qty": 2}]}
    findings = check_examples(parse(), json_format, meta, [example("bad_sku", bad)])
    assert [f.rule for f in findings] == ["CONTRACT_EXAMPLE_RULE_FAILED"]
    assert "sku_format" in findings[0].message and "$.lines[1].sku" in findings[0].message
    empty = {**GOOD, "lines": []}
    findings = check_examples(parse(), json_format, meta, [example("empty", empty)])
    assert [f.message.split(" (")[0] for f in findings] == ["example fails rule 'has_lines'"]


def test_example_unreadable_by_an_earlier_version(json_format: SchemaType) -> None:
    old = json.loads(json.dumps(ORDER))
    old["properties"]["order_id"]["maxLength"] = 3
    findings = check_examples(
        parse(),
        json_format,
        None,
        [example("long_id", {**GOOD, "order_id": "order-0001"})],
        [("version 1", parse(old))],
        CompatibilityLevel.FORWARD,
    )
    assert [(f.rule, f.kind) for f in findings] == [("CONTRACT_EXAMPLE_UNREADABLE", FindingKind.INCOMPATIBLE)]
    assert "/order_id" in findings[0].message and "version 1" in findings[0].message


# -- the codec itself ---------------------------------------------------------------------------------


def test_codec_fields_follow_confluents_walk() -> None:
    codec = FORMAT.example_codec(parse())
    record = codec.read({**GOOD, "customer": {"email": None, "name": "Ada"}, "attributes": {"k": "v"}})
    fields = [(name, full, type_name, value) for name, full, type_name, value, _ in record.fields]
    assert fields == [
        ("order_id", "$.order_id", "STRING", "o-1"),
        ("total", "$.total", "DOUBLE", 10),
        ("email", "$.customer.email", "NULL", None),  # the anyOf branch the value fits
        ("name", "$.customer.name", "STRING", "Ada"),
        ("sku", "$.lines[0].sku", "STRING", "SKU-1"),
        ("qty", "$.lines[0].qty", "INT", 1),
        ("sku", "$.lines[1].sku", "STRING", "SKU-2"),
        ("qty", "$.lines[1].qty", "INT", 2),
    ]
    assert json.loads(record.data) == record.plain
    assert codec.plain(record.fields[4][4]) == {"sku": "SKU-1", "qty": 1}


def test_codec_refuses_an_invalid_document_with_its_pointer() -> None:
    codec = FORMAT.example_codec(parse())
    with pytest.raises(ExampleMismatch) as raised:
        codec.read({"order_id": "o-1", "total": 1, "surprise": True})
    assert raised.value.pointer == ""  # additionalProperties is the root's
    assert "surprise" in raised.value.message
    with pytest.raises(ExampleMismatch) as raised:
        codec.read({"order_id": "o-1", "total": -1})
    assert raised.value.pointer == "/total"
