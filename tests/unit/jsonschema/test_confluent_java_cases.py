"""Confluent's JSON Schema diff cases written as Java code rather than data, rebuilt here.

Sources (confluentinc/schema-registry @ 794611bd86d1ce0422581269e2b13a2ab010c7fb,
json-schema-provider/src/test/java/io/confluent/kafka/schemaregistry/json/diff/):
SchemaDiffTest.java (testMultipleOf*, testRecursiveOneOf*, testSchemaAddsProperties,
testConnectTypeAsBytes) and CircularRefSchemaDiffTest.java (circular 2020-12 oneOf schemas).
"""

from __future__ import annotations

from typing import Any

from contractctl.formats.jsonschema.diff import compare
from contractctl.formats.jsonschema.differences import COMPATIBLE_CHANGES_STRICT
from contractctl.formats.jsonschema.drafts import detect_draft
from contractctl.formats.jsonschema.refs import SchemaGraph

DRAFT_7 = "http://json-schema.org/draft-07/schema#"


def _differences(original: Any, update: Any) -> list[tuple[str, str]]:
    def root(document: Any) -> Any:
        return SchemaGraph(document, detect_draft(document), {}).root

    return compare(root(original), root(update))


def _incompatible(differences: list[tuple[str, str]]) -> bool:
    return any(kind not in COMPATIBLE_CHANGES_STRICT for kind, _ in differences)


def test_multiple_of_fraction_to_multiple_is_expanded() -> None:
    """testMultipleOfWithFractionalValueDoesNotThrow: 0.5 -> 10."""
    differences = _differences({"type": "number", "multipleOf": 0.5}, {"type": "number", "multipleOf": 10})
    assert differences == [("MULTIPLE_OF_EXPANDED", "#/multipleOf")]


def test_multiple_of_same_value_other_scale_is_no_change() -> None:
    """testMultipleOfWithEqualValueDifferentScaleIsNotAChange: 0.5 -> 0.50."""
    assert _differences({"type": "number", "multipleOf": 0.5}, {"type": "number", "multipleOf": 0.50}) == []


def _trade_schema(asset_id_type: str = "string") -> dict[str, Any]:
    types = ["Asset", "Basket", "Swap", "Bond", "Option", "Future", "Forward", "Loan", "Repo", "Equity"]
    types += ["Index", "CommodityLeg"]

    def union() -> dict[str, Any]:
        return {"oneOf": [{"$ref": f"#/definitions/{name}"} for name in types]}

    definitions = {
        name: {
            "type": "object",
            "properties": {
                "id": {"type": asset_id_type if name == "Asset" else "string"},
                "underlying": union(),
                "referenceProduct": union(),
            },
        }
        for name in types
    }
    return {
        "$schema": DRAFT_7,
        "title": "Trade",
        "type": "object",
        "additionalProperties": True,
        "definitions": definitions,
        "properties": {"tradeId": {"type": "string"}, "product": union()},
    }


def test_recursive_one_of_union_terminates_and_is_unchanged() -> None:
    """testRecursiveOneOfUnionTerminates."""
    assert _differences(_trade_schema(), _trade_schema()) == []


def test_recursive_one_of_union_detects_a_deep_change() -> None:
    """testRecursiveOneOfUnionDetectsIncompatibleChange: Asset.id string -> number."""
    assert _differences(_trade_schema(), _trade_schema("number")) != []


def _memo_masking(t0_id: str, t1_id: str) -> dict[str, Any]:
    def recursive(id_type: str, target: str) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": True,
            "properties": {"id": {"type": id_type}, "ref": {"oneOf": [{"$ref": f"#/definitions/{target}"}]}},
        }

    return {
        "$schema": DRAFT_7,
        "type": "object",
        "additionalProperties": True,
        "definitions": {
            "T0": recursive(t0_id, "T2"),
            "T1": recursive(t1_id, "T2"),
            "T2": recursive("integer", "T0"),
        },
        "properties": {"root": {"oneOf": [{"$ref": "#/definitions/T0"}, {"$ref": "#/definitions/T1"}]}},
    }


def test_memoisation_does_not_mask_an_incompatibility_behind_a_cycle() -> None:
    """testRecursiveOneOfMemoizationDoesNotMaskIncompatibility: needs the fixpoint iteration."""
    assert _incompatible(
        _differences(_memo_masking("integer", "boolean"), _memo_masking("boolean", "number"))
    )


def test_empty_schema_to_empty_object_schema_is_a_change() -> None:
    """testSchemaAddsProperties: {} -> {"properties": {}} (draft-07: an ObjectSchema)."""
    assert _differences({}, {"properties": {}}) != []


def test_connect_bytes_types_are_equivalent() -> None:
    """testConnectTypeAsBytes: string -> number both marked connect.type bytes."""
    common = {"title": "org.apache.kafka.connect.data.Decimal", "connect.version": 1, "connect.type": "bytes"}
    assert _differences({"type": "string", **common}, {"type": "number", **common}) == []


def _circular(branches: int, circular_properties: int) -> dict[str, Any]:
    defs: dict[str, Any] = {
        "SimpleId": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
        "Base": {"type": "object", "properties": {"name": {"type": "string"}}},
        "ProductOrId": {"oneOf": [{"$ref": "#/$defs/SimpleId"}, {"$ref": "#/$defs/Product"}]},
    }
    for index in range(branches):
        properties: dict[str, Any] = {
            f"ref{p}": {"$ref": "#/$defs/ProductOrId"} for p in range(circular_properties)
        }
        properties["tag"] = {"type": "string", "const": f"type{index}"}
        defs[f"Type{index}"] = {
            "$ref": "#/$defs/Base",
            "type": "object",
            "properties": properties,
            "required": ["ref0", "tag"],
        }
    defs["Product"] = {"oneOf": [{"$ref": f"#/$defs/Type{i}"} for i in range(branches)]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": defs,
        "$ref": "#/$defs/Product",
    }


def test_circular_2020_12_schemas_terminate() -> None:
    """CircularRefSchemaDiffTest: 2 x 1 and the production-scale 12 branches x 5 circular properties."""
    for branches, properties in ((2, 1), (12, 5)):
        schema = _circular(branches, properties)
        assert not _incompatible(_differences(schema, _circular(branches, properties)))
