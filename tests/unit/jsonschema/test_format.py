"""The JSON Schema SchemaFormat: drafts, parse positions, references, check direction, policy,
fingerprints and proof by data."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

import pytest

from contractctl.formats.base import InvalidSchema
from contractctl.formats.jsonschema import FORMAT, JsonSchemaContract, JsonSchemaFormat
from contractctl.formats.jsonschema.drafts import Draft, detect_draft
from contractctl.formats.jsonschema.prove import prove_documents
from contractctl.model import FindingKind, SchemaText, Severity


def text(document: Any, path: str = "contracts/orders/value.json") -> SchemaText:
    body = document if isinstance(document, str) else json.dumps(document, indent=2)
    return SchemaText(PurePosixPath(path), body, root="contracts")


def parse(document: Any, path: str = "contracts/orders/value.json", refs: Any = ()) -> JsonSchemaContract:
    return FORMAT.parse(text(document, path), list(refs))


@pytest.mark.parametrize(
    ("declared", "draft"),
    [
        ("http://json-schema.org/draft-04/schema#", Draft.DRAFT_4),
        ("https://json-schema.org/schema", Draft.DRAFT_4),
        ("http://json-schema.org/draft-06/schema", Draft.DRAFT_6),
        ("https://json-schema.org/draft-07/schema#", Draft.DRAFT_7),
        ("https://json-schema.org/draft/2019-09/schema", Draft.DRAFT_2019_09),
        ("https://json-schema.org/draft/2020-12/schema#", Draft.DRAFT_2020_12),
        ("https://example.com/my-meta-schema", Draft.DRAFT_7),
    ],
)
def test_draft_from_schema_keyword(declared: str, draft: Draft) -> None:
    assert detect_draft({"$schema": declared}) is draft


def test_default_draft_is_draft_07_as_in_confluent() -> None:
    assert detect_draft({"type": "string"}) is Draft.DRAFT_7
    assert detect_draft(True) is Draft.DRAFT_7


def test_draft_changes_what_is_valid() -> None:
    draft4 = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "number", "exclusiveMinimum": 3}
    with pytest.raises(InvalidSchema):
        parse(draft4)
    parse({**draft4, "$schema": "http://json-schema.org/draft-07/schema#"})


def test_syntax_error_position() -> None:
    with pytest.raises(InvalidSchema) as raised:
        parse('{\n  "type": "object",\n  "properties": {\n    "a": {"type": "string"},\n  }\n}\n')
    finding = raised.value.findings[0]
    assert (finding.rule, finding.line, finding.column) == ("INVALID_JSON", 5, 3)
    assert finding.kind is FindingKind.INVALID and finding.file == "contracts/orders/value.json"


def test_meta_schema_error_position_and_pointer() -> None:
    source = (
        '{\n  "type": "object",\n  "properties": {\n    "a": {"type": "string", "maxLength": -2}\n  }\n}\n'
    )
    with pytest.raises(InvalidSchema) as raised:
        parse(source)
    finding = raised.value.findings[0]
    assert finding.pointer == "#/properties/a/maxLength"
    assert (finding.line, finding.column) == (4, 42)
    assert "-2" in finding.message


def test_local_references_definitions_defs_anchors_and_embedded_ids() -> None:
    legacy = parse(
        {
            "definitions": {"name": {"type": "string"}, "tagged": {"$id": "#tag", "type": "integer"}},
            "type": "object",
            "properties": {"a": {"$ref": "#/definitions/name"}, "b": {"$ref": "#tag"}},
        }
    )
    properties = legacy.root.properties
    assert properties["a"].resolved().kind == "string"
    assert properties["b"].resolved().requires_integer
    modern = parse(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": {"when": {"$anchor": "when", "type": "string"}, "x": {"$id": "x.json", "type": "null"}},
            "type": "object",
            "properties": {"a": {"$ref": "#/$defs/when"}, "b": {"$ref": "#when"}, "c": {"$ref": "x.json"}},
        }
    )
    assert {name: node.resolved().kind for name, node in modern.root.properties.items()} == {
        "a": "string",
        "b": "string",
        "c": "null",
    }


def test_missing_local_reference_is_located() -> None:
    with pytest.raises(InvalidSchema) as raised:
        parse('{\n  "type": "object",\n  "properties": {\n    "a": {"$ref": "#/definitions/gone"}\n  }\n}')
    finding = raised.value.findings[0]
    assert finding.rule == "INVALID_REFERENCE" and finding.line == 4 and "gone" in finding.message


ADDRESS = {"$id": "https://example.com/address.json", "title": "Address", "type": "object"}
ADDRESS["properties"] = {"city": {"type": "string"}}


def test_outline_names_what_a_schema_defines_and_references() -> None:
    order = {
        "title": "Order",
        "type": "object",
        "properties": {"ship_to": {"$ref": "../common/address.json"}},
    }
    outline = FORMAT.outline(text(order))
    # the $ref as a path relative to the contracts root: the name the referenced contract defines
    assert outline.referenced_names == ("common/address.json",)
    assert outline.primary_name == "Order"
    assert "orders/value.json" in outline.defined_names
    address_outline = FORMAT.outline(text(ADDRESS, "contracts/common/address.json"))
    assert address_outline.defined_names == ("https://example.com/address.json", "common/address.json")


def test_outline_resolves_a_relative_ref_against_an_absolute_id() -> None:
    order = {"$id": "https://example.com/orders/order.json", "properties": {"a": {"$ref": "money.json#/x"}}}
    # the contract declaring that `$id`, else the file at the path (round 24: the registry finds it)
    assert FORMAT.outline(text(order)).referenced_names == (
        "https://example.com/orders/money.json",
        "orders/money.json",
    )
    assert FORMAT.outline(text(order)).primary_name == "https://example.com/orders/order.json"
    by_urn = {"properties": {"a": {"$ref": "urn:acme:money"}}}
    assert FORMAT.outline(text(by_urn)).referenced_names == ("urn:acme:money",)


def test_parse_alone_answers_only_for_a_text_without_references() -> None:
    alone = FORMAT.parse_alone(text({"type": "string"}))
    assert alone is not None and alone.root.kind == "string"
    assert FORMAT.parse_alone(text({"properties": {"a": {"$ref": "../common/address.json"}}})) is None
    assert FORMAT.parse_alone(text('{"type": ')) is None
    assert FORMAT.parse_alone(text({"type": 5})) is None  # invalid: the full parse words the finding


@pytest.mark.parametrize("ref", ["../common/address.json", "https://example.com/address.json"])
def test_reference_to_another_contract_by_path_or_id(ref: str) -> None:
    address = parse(ADDRESS, "contracts/common/address.json")
    old = parse({"type": "object", "properties": {"ship_to": {"$ref": ref}}}, refs=[address])
    assert FORMAT.registry_parts(old)[1] == [(ref, address)]
    changed = {**ADDRESS, "properties": {"city": {"type": "integer"}}}
    new_address = parse(changed, "contracts/common/address.json")
    new = parse({"type": "object", "properties": {"ship_to": {"$ref": ref}}}, refs=[new_address])
    findings = FORMAT.check(new, old)
    assert [(f.rule, f.pointer) for f in findings] == [
        ("TYPE_CHANGED", "#/properties/ship_to/properties/city")
    ]


def test_reference_to_a_contract_not_given_is_invalid() -> None:
    with pytest.raises(InvalidSchema) as raised:
        parse({"type": "object", "properties": {"ship_to": {"$ref": "../common/address.json"}}})
    assert raised.value.findings[0].rule == "INVALID_REFERENCE"


CLOSED = {"type": "object", "additionalProperties": False, "properties": {"id": {"type": "string"}}}


def test_check_is_backward_with_reader_new_and_writer_old() -> None:
    old = parse(CLOSED)
    new = parse({**CLOSED, "properties": {"id": {"type": "string"}, "note": {"type": "string"}}})
    assert FORMAT.check(new, old) == []  # BACKWARD: optional property added to a closed object
    forward = FORMAT.check(old, new)  # FORWARD swaps: the property is removed from a closed object
    assert [(f.rule, f.pointer) for f in forward] == [
        ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/note")
    ]
    # said once, as Avro and Protobuf findings say it: the rule and the pointer are fields, not words
    assert forward[0].message == "a property was removed from an object that forbids unknown properties"
    assert forward[0].kind is FindingKind.INCOMPATIBLE


def test_lenient_policy_accepts_optional_property_on_open_object() -> None:
    old = parse({"type": "object", "properties": {"id": {"type": "string"}}})
    new = parse({"type": "object", "properties": {"id": {"type": "string"}, "n": {"type": "number"}}})
    assert [f.rule for f in FORMAT.check(new, old)] == ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"]
    assert JsonSchemaFormat(policy="LENIENT").check(new, old) == []
    with pytest.raises(ValueError):
        JsonSchemaFormat(policy="LOOSE")


def test_fingerprint_ignores_formatting_and_key_order() -> None:
    a = FORMAT.fingerprint(text('{"type": "string", "maxLength": 3}'))
    b = FORMAT.fingerprint(text('{\n  "maxLength": 3,\n  "type": "string"\n}'))
    assert a == b
    assert a != FORMAT.fingerprint(text('{"type": "string", "maxLength": 4}'))
    assert FORMAT.fingerprint(text("{not json")) == "{not json"


def test_history_parse_skips_meta_schema_but_not_loading() -> None:
    odd = text({"type": "string", "maxLength": -1})
    with pytest.raises(InvalidSchema):
        FORMAT.parse(odd, [])
    assert FORMAT.parse_registered(odd, []).root.max_length == -1
    with pytest.raises(InvalidSchema):
        FORMAT.parse_registered(text({"$ref": "#/definitions/none"}), [])


def test_proof_warns_with_the_document_that_disproves_a_compatible_verdict() -> None:
    writer = parse({**CLOSED, "properties": {"id": {"type": "string", "format": "date"}}})
    reader = parse({**CLOSED, "properties": {"id": {"type": "string", "format": "date", "maxLength": 3}}})
    documents = [("examples/ok.json", {"id": "abc"}), ("examples/long-id.json", {"id": "abcdef"})]
    findings = prove_documents(reader, writer, documents)
    assert [f.rule for f in findings] == ["PROOF_REJECTED"]
    assert "examples/long-id.json" in findings[0].message and findings[0].severity is Severity.WARNING
    conditional_reader = parse(
        {**CLOSED, "if": {"required": ["id"]}, "then": {"properties": {"id": {"maxLength": 1}}}}
    )
    generated = FORMAT.prove(conditional_reader, writer, samples=20, seed=3)
    assert generated and "generated document" in generated[0].message


def test_proof_is_quiet_for_a_truly_compatible_pair() -> None:
    old = parse(
        {**CLOSED, "properties": {"id": {"type": "string", "maxLength": 5}, "n": {"type": "integer"}}}
    )
    new = parse({**CLOSED, "properties": {"id": {"type": "string"}, "n": {"type": "number"}}})
    assert FORMAT.check(new, old) == []
    assert FORMAT.prove(new, old, samples=30, seed=1) == []
