"""Confluent's JSON Schema diff cases that are written as Java code, rebuilt as data for the double.

Source: confluentinc/schema-registry @ 794611bd86d1ce0422581269e2b13a2ab010c7fb,
json-schema-provider/src/test/java/io/confluent/kafka/schemaregistry/json/diff/SchemaDiffTest.java
(testRecursiveOneOfUnionTerminates, testRecursiveOneOfUnionDetectsIncompatibleChange,
testRecursiveOneOfMemoizationDoesNotMaskIncompatibility, testSchemaAddsProperties,
testConnectTypeAsBytes, testMultipleOf*). Each test names the Java test it mirrors.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ..registry_double import RegistryDouble
from ..registry_double.jsonschema_compat import STRICT_COMPATIBLE, differences
from ._client import Client

PRODUCTS = ("Asset", "Basket", "Swap", "Bond", "Option", "Future", "Forward", "Loan", "Repo", "Equity")
PRODUCTS += ("Index", "CommodityLeg")


def _diff(old: Any, new: Any) -> list[tuple[str, str]]:
    return differences(json.dumps(old), json.dumps(new))


def _incompatible(found: list[tuple[str, str]]) -> bool:
    return any(kind not in STRICT_COMPATIBLE for kind, _ in found)


def _union() -> dict[str, Any]:
    return {"oneOf": [{"$ref": f"#/definitions/{name}"} for name in PRODUCTS]}


def _trade(asset_id_type: str = "string") -> dict[str, Any]:
    definitions = {
        name: {
            "type": "object",
            "properties": {"id": {"type": "string"}, "underlying": _union(), "referenceProduct": _union()},
        }
        for name in PRODUCTS
    }
    definitions["Asset"]["properties"]["id"] = {"type": asset_id_type}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Trade",
        "type": "object",
        "additionalProperties": True,
        "definitions": definitions,
        "properties": {"tradeId": {"type": "string"}, "product": _union()},
    }


def test_recursive_one_of_union_terminates() -> None:
    """testRecursiveOneOfUnionTerminates: twelve mutually recursive products, unchanged."""
    started = time.monotonic()
    assert _diff(_trade(), _trade()) == []
    assert time.monotonic() - started < 5


def test_recursive_one_of_union_detects_incompatible_change() -> None:
    """testRecursiveOneOfUnionDetectsIncompatibleChange: Asset.id string -> number deep in the cycle."""
    assert _diff(_trade(), _trade("number")) != []


def _masking(t0_id: str, t1_id: str) -> dict[str, Any]:
    def node(id_type: str, target: str) -> dict[str, Any]:
        ref = {"oneOf": [{"$ref": f"#/definitions/{target}"}]}
        return {
            "type": "object",
            "additionalProperties": True,
            "properties": {"id": {"type": id_type}, "ref": ref},
        }

    union = {"oneOf": [{"$ref": "#/definitions/T0"}, {"$ref": "#/definitions/T1"}]}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "additionalProperties": True,
        "definitions": {"T0": node(t0_id, "T2"), "T1": node(t1_id, "T2"), "T2": node("integer", "T0")},
        "properties": {"root": union},
    }


def test_recursive_memo_does_not_mask_incompatibility() -> None:
    """testRecursiveOneOfMemoizationDoesNotMaskIncompatibility: T0 -> T2 -> T0 cycle."""
    assert _incompatible(_diff(_masking("integer", "boolean"), _masking("boolean", "number")))


def test_empty_schema_to_object_schema_is_a_change() -> None:
    """testSchemaAddsProperties: {} -> {"properties": {}}."""
    assert _diff({}, {"properties": {}}) != []


def test_connect_bytes_types_are_interchangeable() -> None:
    """testConnectTypeAsBytes: string and number both tagged connect.type bytes."""
    common = {
        "title": "org.apache.kafka.connect.data.Decimal",
        "connect.version": 1,
        "connect.type": "bytes",
        "connect.parameters": {"scale": "2"},
    }
    assert _diff({"type": "string", **common}, {"type": "number", **common}) == []


def test_multiple_of_compared_as_decimals() -> None:
    """testMultipleOfWithFractionalValueDoesNotThrow and ...EqualValueDifferentScaleIsNotAChange."""
    assert _diff({"type": "number", "multipleOf": 0.5}, {"type": "number", "multipleOf": 10}) == [
        ("MULTIPLE_OF_EXPANDED", "#/multipleOf")
    ]
    assert (
        differences('{"type": "number", "multipleOf": 0.5}', '{"type": "number", "multipleOf": 0.50}') == []
    )


def test_recursive_trade_schema_over_http(registry_double: RegistryDouble) -> None:
    """The deep walk also runs inside the double's request threads."""
    client = Client(registry_double.url)
    assert (
        client.post("/subjects/trade/versions", {"schemaType": "JSON", "schema": json.dumps(_trade())}).status
        == 200
    )
    changed = {"schemaType": "JSON", "schema": json.dumps(_trade("number"))}
    resp = client.post("/compatibility/subjects/trade/versions/latest?verbose=true", changed).json()
    assert resp["is_compatible"] is False
