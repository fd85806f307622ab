"""JSON Schema through the double's REST API: validation, references, levels and each difference family.

Expected verdicts follow Confluent's rules (STRICT policy), not "does old data still validate".
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ..registry_double import RegistryDouble
from ._client import Client, record


@pytest.fixture
def client(registry_double: RegistryDouble) -> Client:
    return Client(registry_double.url)


def obj(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, **extra}


def body(schema: Any, **extra: Any) -> dict[str, Any]:
    return {"schemaType": "JSON", "schema": json.dumps(schema), **extra}


def judge(client: Client, old: Any, new: Any, level: str = "BACKWARD") -> list[str]:
    """Register ``old`` in a fresh subject at ``level``; return the errorType messages for ``new``."""
    subject = f"s{abs(hash((json.dumps(old), json.dumps(new), level)))}"
    client.put(f"/config/{subject}", {"compatibility": level})
    assert client.post(f"/subjects/{subject}/versions", body(old)).status == 200
    resp = client.post(f"/compatibility/subjects/{subject}/versions/latest?verbose=true", body(new)).json()
    errors = [m for m in resp["messages"] if m.startswith("{errorType:")]
    assert resp["is_compatible"] is (not errors)
    return errors


def kinds(messages: list[str]) -> list[str]:
    return [m.split('"')[1] for m in messages]


STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Open content model (no additionalProperties): removing is fine, adding is not (STRICT).
        (obj({"a": STR, "b": STR}), obj({"a": STR}), []),
        (obj({"a": STR}), obj({"a": STR, "b": STR}), ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"]),
        (obj({"a": STR}), obj({"a": STR, "b": {}}), []),
        # Closed content model: adding optional is fine, removing is not.
        (
            obj({"a": STR}, additionalProperties=False),
            obj({"a": STR, "b": STR}, additionalProperties=False),
            [],
        ),
        (
            obj({"a": STR, "b": STR}, additionalProperties=False),
            obj({"a": STR}, additionalProperties=False),
            ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"],
        ),
        (
            obj({"a": STR}, additionalProperties=False),
            obj({"a": STR, "b": STR}, additionalProperties=False, required=["b"]),
            ["REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"],
        ),
        # Partially open: the additionalProperties schema must cover what is added.
        (
            obj({"a": STR}, additionalProperties=STR),
            obj({"a": STR, "b": INT}, additionalProperties=STR),
            ["TYPE_CHANGED", "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"],
        ),
        # required
        (obj({"a": STR}), obj({"a": STR}, required=["a"]), ["REQUIRED_ATTRIBUTE_ADDED"]),
        (obj({"a": STR}), obj({"a": {**STR, "default": "x"}}, required=["a"]), []),
        (obj({"a": STR}, required=["a"]), obj({"a": STR}), []),
        # type widened / narrowed / changed
        (INT, NUM, []),
        (NUM, INT, ["TYPE_NARROWED"]),
        (STR, INT, ["TYPE_CHANGED"]),
        (STR, {"type": ["string", "null"]}, []),
        # A union against a plain type is not branch-matched: Confluent reports a type change.
        ({"type": ["string", "null"]}, STR, ["TYPE_CHANGED"]),
        ({"type": ["string", "null"]}, {"type": ["string"]}, ["SUM_TYPE_NARROWED"]),
        (STR, {}, []),
        ({}, STR, ["TYPE_CHANGED"]),
        # enum / const
        ({"enum": ["A", "B"]}, {"enum": ["A", "B", "C"]}, []),
        ({"enum": ["A", "B"]}, {"enum": ["A"]}, ["ENUM_ARRAY_NARROWED"]),
        ({"enum": ["A", "B"]}, {"enum": ["A", "C"]}, ["ENUM_ARRAY_CHANGED"]),
        ({"const": 1}, {"const": 2}, ["ENUM_ARRAY_CHANGED"]),
        # numeric and string constraints
        ({**NUM, "maximum": 5}, {**NUM, "maximum": 9}, []),
        ({**NUM, "maximum": 9}, {**NUM, "maximum": 5}, ["MAXIMUM_DECREASED"]),
        (NUM, {**NUM, "minimum": 0}, ["MINIMUM_ADDED"]),
        ({**NUM, "minimum": 0}, NUM, []),
        ({**NUM, "multipleOf": 2}, {**NUM, "multipleOf": 4}, ["MULTIPLE_OF_EXPANDED"]),
        ({**NUM, "multipleOf": 4}, {**NUM, "multipleOf": 2}, []),
        ({**STR, "maxLength": 10}, {**STR, "maxLength": 5}, ["MAX_LENGTH_DECREASED"]),
        ({**STR, "minLength": 5}, {**STR, "minLength": 1}, []),
        (STR, {**STR, "pattern": "^a"}, ["PATTERN_ADDED"]),
        ({**STR, "pattern": "^a"}, {**STR, "pattern": "^b"}, ["PATTERN_CHANGED"]),
        # combined
        ({"oneOf": [STR, INT]}, {"oneOf": [STR, INT, {"type": "boolean"}]}, []),
        ({"oneOf": [STR, INT]}, {"oneOf": [STR]}, ["SUM_TYPE_NARROWED"]),
        ({"oneOf": [STR, INT]}, {"anyOf": [INT, STR]}, []),
        ({"anyOf": [STR, INT]}, {"oneOf": [STR, INT]}, ["COMBINED_TYPE_CHANGED"]),
        ({"allOf": [STR, {"maxLength": 3}]}, {"allOf": [STR]}, []),
        ({"allOf": [STR]}, {"allOf": [STR, {"maxLength": 3}]}, ["PRODUCT_TYPE_EXTENDED"]),
        ({"oneOf": [STR, INT]}, {"oneOf": [STR, {"type": "boolean"}]}, ["COMBINED_TYPE_SUBSCHEMAS_CHANGED"]),
        ({"not": STR}, {"not": {"type": ["string", "integer"]}}, ["NOT_TYPE_EXTENDED"]),
        # arrays
        ({"type": "array", "items": NUM}, {"type": "array", "items": INT}, ["TYPE_NARROWED"]),
        ({"type": "array", "items": INT}, {"type": "array", "items": NUM}, []),
        ({"type": "array"}, {"type": "array", "uniqueItems": True}, ["UNIQUE_ITEMS_ADDED"]),
        ({"type": "array", "maxItems": 3}, {"type": "array", "maxItems": 2}, ["MAX_ITEMS_DECREASED"]),
        (
            {"type": "array", "items": [STR], "additionalItems": False},
            {"type": "array", "items": [STR, INT], "additionalItems": False},
            [],
        ),
        (
            {"type": "array", "items": [STR]},
            {"type": "array", "items": [STR, INT]},
            ["ITEM_ADDED_TO_OPEN_CONTENT_MODEL"],
        ),
        (
            {"type": "array", "items": [STR, INT], "additionalItems": False},
            {"type": "array", "items": [STR], "additionalItems": False},
            ["ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"],
        ),
        (
            {"type": "array", "items": [STR]},
            {"type": "array", "items": [STR], "additionalItems": False},
            ["ADDITIONAL_ITEMS_REMOVED"],
        ),
        # local $ref is followed before comparing
        (
            obj({"a": {"$ref": "#/definitions/n"}}, definitions={"n": NUM}),
            obj({"a": {"$ref": "#/definitions/n"}}, definitions={"n": INT}),
            ["TYPE_NARROWED"],
        ),
    ],
)
def test_difference_families_backward(client: Client, old: Any, new: Any, expected: list[str]) -> None:
    assert sorted(kinds(judge(client, old, new))) == sorted(expected)


def test_message_format_and_register_409(client: Client) -> None:
    old, new = obj({"a": STR}), obj({"a": STR, "b": STR})
    client.post("/subjects/orders/versions", body(old))
    resp = client.post("/compatibility/subjects/orders/versions/latest?verbose=true", body(new)).json()
    assert resp["messages"][0] == (
        '{errorType:"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The new schema has an open '
        "content model and has a property or item at path '#/properties/b' which is missing in the old "
        "schema'}"
    )
    assert resp["messages"][1] == "{oldSchemaVersion: 1}"
    assert resp["messages"][-1] == "{validateFields: 'false', compatibility: 'BACKWARD'}"
    reg = client.post("/subjects/orders/versions", body(new))
    assert (reg.status, reg.json()["error_code"]) == (409, 40901)
    assert "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" in reg.json()["message"]
    closed = obj({"a": STR}, additionalProperties=False)
    assert client.post("/subjects/closed/versions", body(closed)).status == 200
    assert (
        client.post(
            "/subjects/closed/versions", body(obj({"a": STR, "b": STR}, additionalProperties=False))
        ).json()["version"]
        == 2
    )


def test_forward_and_full_directions(client: Client) -> None:
    closed = obj({"a": STR}, additionalProperties=False)
    wider = obj({"a": STR, "b": STR}, additionalProperties=False)
    assert judge(client, closed, wider, "BACKWARD") == []
    forward = judge(client, closed, wider, "FORWARD")
    assert forward == [
        '{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The old has a closed '
        "content model and is missing a property or item present at path '#/properties/b' in the new schema'}"
    ]
    assert kinds(judge(client, closed, wider, "FULL")) == ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"]
    assert kinds(judge(client, INT, NUM, "FULL_TRANSITIVE")) == ["TYPE_NARROWED"]
    assert judge(client, STR, INT, "NONE") == []


def test_transitive_checks_every_version(client: Client) -> None:
    client.put("/config/t", {"compatibility": "BACKWARD_TRANSITIVE"})
    assert client.post("/subjects/t/versions", body(INT)).status == 200
    assert client.post("/subjects/t/versions", body({})).status == 200  # anything -> {} is fine
    # {} -> integer would be TYPE_CHANGED; against v1 it is fine, but transitive also checks v2.
    resp = client.post("/compatibility/subjects/t/versions?verbose=true", body(INT)).json()
    assert kinds([m for m in resp["messages"] if m.startswith("{errorType")]) == ["TYPE_CHANGED"]
    assert "{oldSchemaVersion: 2}" in resp["messages"]


@pytest.mark.parametrize(
    ("schema", "fragment"),
    [
        ("{not json", "Invalid JSON"),
        ("42", "expected an object or boolean"),
        ("[1, 2]", "expected an object or boolean"),
        (json.dumps({"type": "strnig"}), "unknown type"),
        (json.dumps({"properties": {"a": {"$ref": "#/definitions/missing"}}}), "Unresolved $ref"),
        (json.dumps({"$ref": "customer.json"}), "Unresolved $ref"),
        (json.dumps({"properties": {"a": 5}}), "expected an object or boolean"),
        (json.dumps({"$ref": "#"}), "never reaches a schema"),
        (json.dumps({"type": "string", "maxLength": "5"}), "Invalid maxLength"),
        (json.dumps({"type": "number", "multipleOf": 0}), "multipleOf should not be 0"),
        (json.dumps({"type": "object", "additionalProperties": 1}), "Invalid additionalProperties"),
        (json.dumps({"pattern": "("}), "Invalid pattern"),
    ],
)
def test_invalid_json_schemas_are_42201(client: Client, schema: str, fragment: str) -> None:
    resp = client.post("/subjects/bad/versions", {"schemaType": "JSON", "schema": schema})
    assert (resp.status, resp.json()["error_code"]) == (422, 42201)
    assert fragment in resp.json()["message"]
    assert client.get("/subjects").json() == []


def test_boolean_root_schemas_register(client: Client) -> None:
    assert client.post("/subjects/b/versions", {"schemaType": "JSON", "schema": "true"}).status == 200
    resp = client.post("/compatibility/subjects/b/versions/latest", {"schemaType": "JSON", "schema": "false"})
    assert resp.json() == {"is_compatible": False}  # true -> false: the update is a different class


def test_references_resolve_by_name_and_are_compared(client: Client) -> None:
    customer_v1 = obj({"name": STR, "age": NUM}, additionalProperties=False)
    customer_v2 = obj({"name": STR, "age": INT}, additionalProperties=False)
    client.put("/config/customer", {"compatibility": "NONE"})
    assert client.post("/subjects/customer/versions", body(customer_v1)).json()["version"] == 1
    assert client.post("/subjects/customer/versions", body(customer_v2)).json()["version"] == 2
    order = obj({"customer": {"$ref": "customer.json"}}, additionalProperties=False)

    def ref(version: int) -> list[dict[str, Any]]:
        return [{"name": "customer.json", "subject": "customer", "version": version}]

    assert client.post("/subjects/order/versions", body(order, references=ref(1))).status == 200
    resp = client.post(
        "/compatibility/subjects/order/versions/latest?verbose=true", body(order, references=ref(2))
    ).json()
    assert resp["is_compatible"] is False
    assert "path '#/properties/customer/properties/age'" in resp["messages"][0]
    assert kinds(resp["messages"][:1]) == ["TYPE_NARROWED"]
    # A $ref into the referenced document's definitions, and an undeclared name, are told apart.
    client.post("/subjects/defs/versions", body({"definitions": {"id": STR}}))
    pointed = obj({"id": {"$ref": "common.json#/definitions/id"}})
    refs = [{"name": "common.json", "subject": "defs", "version": 1}]
    assert client.post("/subjects/pointed/versions", body(pointed, references=refs)).status == 200
    stray = client.post(
        "/subjects/pointed/versions", body(obj({"id": {"$ref": "other.json"}}), references=refs)
    )
    assert stray.json()["error_code"] == 42201


def test_recursive_schema_terminates_and_still_sees_changes(client: Client) -> None:
    def tree(leaf: dict[str, Any]) -> dict[str, Any]:
        node = obj({"value": leaf, "children": {"type": "array", "items": {"$ref": "#/definitions/node"}}})
        return {"$ref": "#/definitions/node", "definitions": {"node": node}}

    assert judge(client, tree(INT), tree(NUM)) == []
    # The cycle is re-entered knowing the pair is incompatible, so the nested path is reported too.
    narrowed = judge(client, tree(NUM), tree(INT))
    assert set(kinds(narrowed)) == {"TYPE_NARROWED"}
    assert any("path '#/properties/value'" in m for m in narrowed)


def test_normalize_sorts_keys_so_spellings_share_a_version(client: Client) -> None:
    first = '{"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "integer"}}}'
    second = '{"properties": {"a": {"type": "integer"}, "b": {"type": "string"}}, "type": "object"}'
    v1 = client.post("/subjects/n/versions?normalize=true", {"schemaType": "JSON", "schema": first}).json()
    v2 = client.post("/subjects/n/versions?normalize=true", {"schemaType": "JSON", "schema": second}).json()
    assert (v1["id"], v1["version"]) == (v2["id"], v2["version"])
    stored = client.get("/subjects/n/versions/1/schema").body.decode()
    assert stored == '{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}'


def test_json_against_avro_history_is_a_different_type(client: Client) -> None:
    client.post("/subjects/m/versions", {"schema": record("R", {"name": "a", "type": "string"})})
    resp = client.post("/compatibility/subjects/m/versions?verbose=true", body(STR)).json()
    assert resp["messages"][0] == "Incompatible because of different schema type"


def test_mutually_recursive_unions_are_judged_without_blowing_up(client: Client) -> None:
    """Every definition is a oneOf over all the others plus a leaf: pairs are compared once each."""

    def graph(leaf: dict[str, Any], size: int = 6) -> dict[str, Any]:
        defs = {
            f"d{i}": {"oneOf": [{"$ref": f"#/definitions/d{j}"} for j in range(size) if j != i] + [leaf]}
            for i in range(size)
        }
        return {"$ref": "#/definitions/d0", "definitions": defs}

    assert judge(client, graph(INT), graph(NUM)) == []
    assert judge(client, graph(NUM), graph(INT)) != []


def test_lenient_policy_from_config(client: Client) -> None:
    old, new = obj({"a": STR}), obj({"a": STR, "b": STR})
    assert kinds(judge(client, old, new)) == ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"]
    client.put("/config/lenient", {"compatibility": "BACKWARD", "compatibilityPolicy": "LENIENT"})
    assert client.post("/subjects/lenient/versions", body(old)).status == 200
    assert client.post("/subjects/lenient/versions", body(new)).json()["version"] == 2
    closed = obj({"a": STR}, additionalProperties=False)
    resp = client.post("/compatibility/subjects/lenient/versions/latest?verbose=true", body(closed)).json()
    assert kinds([m for m in resp["messages"] if m.startswith("{errorType")]) == []  # b removed: LENIENT ok
    required_b = obj({"a": STR, "b": STR}, required=["b"])
    resp = client.post(
        "/compatibility/subjects/lenient/versions/latest?verbose=true", body(required_b)
    ).json()
    assert kinds([m for m in resp["messages"] if m.startswith("{errorType")]) == ["REQUIRED_ATTRIBUTE_ADDED"]
