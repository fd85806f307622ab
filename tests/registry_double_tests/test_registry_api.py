"""REST contract of the registry double, exercised over real loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from ..registry_double import RegistryDouble, SchemaDoc
from ._client import Client, enc, record

Factory = Callable[..., RegistryDouble]
V1 = record("Order", {"name": "id", "type": "string"})
V2_DEFAULTED = record("Order", {"name": "id", "type": "string"}, {"name": "qty", "type": "int", "default": 0})
V2_NO_DEFAULT = record("Order", {"name": "id", "type": "string"}, {"name": "qty", "type": "int"})


@pytest.fixture
def client(registry_double: RegistryDouble) -> Client:
    return Client(registry_double.url)


def test_root_types_and_unknown_path(client: Client) -> None:
    assert client.get("/").json() == {}
    assert client.get("/schemas/types").json() == ["JSON", "PROTOBUF", "AVRO"]
    resp = client.get("/nope")
    assert resp.status == 404 and resp.json()["error_code"] == 404
    assert resp.headers["Content-Type"] == "application/vnd.schemaregistry.v1+json"


def test_register_lookup_versions_and_ids(client: Client) -> None:
    pretty = json.dumps(json.loads(V1), indent=4)
    first = client.post("/subjects/orders-value/versions", {"schema": pretty}).json()
    assert (first["id"], first["version"]) == (1, 1)
    # Stored canonically (compact), and re-registering is idempotent.
    assert first["schema"] == json.dumps(json.loads(V1), separators=(",", ":"))
    assert client.post("/subjects/orders-value/versions", {"schema": V1}).json()["version"] == 1
    second = client.post("/subjects/orders-value/versions", {"schema": V2_DEFAULTED}).json()
    assert (second["id"], second["version"]) == (2, 2)

    assert client.get("/subjects/orders-value/versions").json() == [1, 2]
    latest = client.get("/subjects/orders-value/versions/latest").json()
    assert latest["version"] == 2 and latest["schemaType"] == "AVRO"
    assert client.get("/subjects/orders-value/versions/-1").json()["version"] == 2
    assert client.get("/subjects/orders-value/versions/1/schema").body.decode() == first["schema"]

    found = client.post("/subjects/orders-value", {"schema": pretty}).json()
    assert (found["subject"], found["version"], found["id"]) == ("orders-value", 1, 1)
    missing = client.post("/subjects/orders-value", {"schema": record("Other", {"name": "x", "type": "int"})})
    assert (missing.status, missing.json()["error_code"]) == (404, 40403)
    assert client.post("/subjects/nobody", {"schema": V1}).json()["error_code"] == 40401
    assert client.post("/subjects/orders-value", {"schema": "{not json"}).json()["error_code"] == 42201

    assert client.get("/schemas/ids/2").json()["schema"] == second["schema"]
    assert client.get("/schemas/ids/2/versions").json() == [{"subject": "orders-value", "version": 2}]
    assert client.get("/schemas/ids/99").json()["error_code"] == 40403


def test_version_errors(client: Client) -> None:
    client.post("/subjects/s/versions", {"schema": V1})
    for bad in ("0", "abc", "-2"):
        resp = client.get(f"/subjects/s/versions/{bad}")
        assert (resp.status, resp.json()["error_code"]) == (422, 42202)
    assert client.get("/subjects/s/versions/7").json()["error_code"] == 40402
    assert client.get("/subjects/none/versions/1").json()["error_code"] == 40401
    assert client.get("/subjects/none/versions").json()["error_code"] == 40401


def test_id_reused_across_subjects_and_next_version_counts_deleted(client: Client) -> None:
    a = client.post("/subjects/a/versions", {"schema": V1}).json()
    b = client.post("/subjects/b/versions", {"schema": V1}).json()
    assert a["id"] == b["id"]
    assert client.get(f"/schemas/ids/{a['id']}/subjects").json() == ["a", "b"]
    client.post("/subjects/a/versions", {"schema": V2_DEFAULTED})
    assert client.delete("/subjects/a/versions/2").json() == 2
    again = client.post("/subjects/a/versions", {"schema": V2_DEFAULTED}).json()
    assert again["version"] == 3  # max including soft-deleted + 1


def test_backward_verbose_messages_and_409(client: Client) -> None:
    client.post("/subjects/s/versions", {"schema": V1})
    resp = client.post(
        "/compatibility/subjects/s/versions/latest?verbose=True", {"schema": V2_NO_DEFAULT}
    ).json()
    assert resp["is_compatible"] is False
    assert resp["messages"][0] == (
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'qty' at path '/fields/1' "
        "in the new schema has no default value and is missing in the old schema', additionalInfo:'qty'}"
    )
    assert resp["messages"][1] == "{oldSchemaVersion: 1}"
    assert resp["messages"][2].startswith('{oldSchema: \'{"type":"record"')
    assert resp["messages"][-1] == "{validateFields: 'false', compatibility: 'BACKWARD'}"
    plain = client.post("/compatibility/subjects/s/versions/latest", {"schema": V2_NO_DEFAULT}).json()
    assert plain == {"is_compatible": False}
    ok = client.post("/compatibility/subjects/s/versions?verbose=true", {"schema": V2_DEFAULTED}).json()
    assert ok == {"is_compatible": True, "messages": []}
    reg = client.post("/subjects/s/versions", {"schema": V2_NO_DEFAULT})
    assert (reg.status, reg.json()["error_code"]) == (409, 40901)
    assert 'incompatible with an earlier schema for subject "s"' in reg.json()["message"]


def test_forward_transitive_checks_all_versions(client: Client, registry_double: RegistryDouble) -> None:
    registry_double.store.set_config("s", "FORWARD_TRANSITIVE")
    v1 = record("R", {"name": "a", "type": "string"})
    v2 = record("R", {"name": "a", "type": "string"}, {"name": "b", "type": "int", "default": 1})
    registry_double.store.register("s", v1)
    registry_double.store.register("s", v2)
    # Dropping "b" is fine for v1 readers but v2 (reader) has b with default: fine; dropping "a" breaks v1.
    drop_a = record("R", {"name": "b", "type": "int", "default": 1})
    resp = client.post("/compatibility/subjects/s/versions?verbose=true", {"schema": drop_a}).json()
    assert resp["is_compatible"] is False
    assert resp["messages"][0].startswith("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'")
    assert "in the old schema has no default value and is missing in the new schema" in resp["messages"][0]
    assert "{oldSchemaVersion: 2}" in resp["messages"]  # newest first, first failure wins
    assert resp["messages"][-1] == "{validateFields: 'false', compatibility: 'FORWARD_TRANSITIVE'}"
    # Against version 1 only, with the same (forward) direction.
    single = client.post("/compatibility/subjects/s/versions/1?verbose=true", {"schema": drop_a}).json()
    assert "{oldSchemaVersion: 1}" in single["messages"]
    assert client.post("/compatibility/subjects/s/versions/9", {"schema": v1}).json()["error_code"] == 40402
    assert client.post("/compatibility/subjects/new/versions/latest", {"schema": v1}).json() == {
        "is_compatible": True
    }


def test_compatibility_invalid_schema_verbose_vs_plain(client: Client) -> None:
    client.post("/subjects/s/versions", {"schema": V1})
    plain = client.post("/compatibility/subjects/s/versions/latest", {"schema": "{bad"})
    assert (plain.status, plain.json()["error_code"]) == (422, 42201)
    verbose = client.post("/compatibility/subjects/s/versions/latest?verbose=true", {"schema": "{bad"})
    assert verbose.status == 200 and verbose.json()["is_compatible"] is False


def test_pluggable_checker_and_unchecked_types(registry_double_factory: Factory) -> None:
    def no_removals(reader: SchemaDoc, writer: SchemaDoc) -> list[str]:
        return [] if writer.schema in reader.schema else ["FIELD_REMOVED"]

    plain = Client(registry_double_factory(name="plain").url)
    proto1 = 'syntax = "proto3"; message M { string a = 1; }'
    proto2 = 'syntax = "proto3"; message N { }'
    assert plain.post("/subjects/p/versions", {"schema": proto1, "schemaType": "PROTOBUF"}).status == 200
    assert plain.post("/subjects/p/versions", {"schema": proto2, "schemaType": "PROTOBUF"}).status == 200
    checked = Client(registry_double_factory(name="checked", checkers={"PROTOBUF": no_removals}).url)
    checked.post("/subjects/p/versions", {"schema": proto1, "schemaType": "PROTOBUF"})
    resp = checked.post("/subjects/p/versions", {"schema": proto2, "schemaType": "PROTOBUF"})
    assert resp.status == 409 and "FIELD_REMOVED" in resp.json()["message"]
    mixed = checked.post("/compatibility/subjects/p/versions?verbose=true", {"schema": V1})
    assert mixed.json()["messages"][0] == "Incompatible because of different schema type"


def test_config_inheritance_and_default_to_global(client: Client) -> None:
    assert client.get("/config").json() == {"compatibilityLevel": "BACKWARD"}
    resp = client.get("/config/s")
    assert (resp.status, resp.json()["error_code"]) == (404, 40408)
    assert client.get("/config/s?defaultToGlobal=TRUE").json()["compatibilityLevel"] == "BACKWARD"
    assert client.put("/config", {"compatibility": "full"}).json() == {"compatibility": "FULL"}
    assert client.get("/config/s?defaultToGlobal=true").json()["compatibilityLevel"] == "FULL"
    client.put("/config/s", {"compatibility": "NONE"})
    assert client.get("/config/s").json()["compatibilityLevel"] == "NONE"
    # compatibilityLevel in a PUT body is ignored; a bad level is 42203.
    client.put("/config/s", {"compatibilityLevel": "FORWARD"})
    assert client.get("/config/s").json()["compatibilityLevel"] == "NONE"
    assert client.put("/config/s", {"compatibility": "SIDEWAYS"}).json()["error_code"] == 42203
    assert client.delete("/config/s").json()["compatibilityLevel"] == "NONE"
    assert client.delete("/config/s").json()["error_code"] == 40401
    # Context and :.__GLOBAL: fallbacks.
    client.put(f"/config/{enc(':.__GLOBAL:')}", {"compatibility": "FORWARD"})
    assert (
        client.get(f"/config/{enc(':.team:s')}?defaultToGlobal=true").json()["compatibilityLevel"]
        == "FORWARD"
    )
    client.put(f"/config/{enc(':.team:')}", {"compatibility": "NONE"})
    assert (
        client.get(f"/config/{enc(':.team:s')}?defaultToGlobal=true").json()["compatibilityLevel"] == "NONE"
    )


def test_mode_readonly_and_import_rules(client: Client, registry_double: RegistryDouble) -> None:
    assert client.get("/mode").json() == {"mode": "READWRITE"}
    assert client.get("/mode/s").json()["error_code"] == 40409
    assert client.get("/mode/s?defaultToGlobal=true").json() == {"mode": "READWRITE"}
    assert client.put("/mode/s", {"mode": "bogus"}).json()["error_code"] == 42204

    client.post("/subjects/s/versions", {"schema": V1})
    client.put("/mode/s", {"mode": "READONLY"})
    blocked = client.post("/subjects/s/versions", {"schema": V2_DEFAULTED})
    assert (blocked.status, blocked.json()["error_code"]) == (422, 42205)
    assert "read-only mode" in blocked.json()["message"]
    assert client.post("/subjects/s/versions", {"schema": V1}).json()["id"] == 1  # existing: still answered
    assert client.delete("/subjects/s").json()["error_code"] == 42205
    assert client.delete("/mode/s").json() == {"mode": "READONLY"}

    # id outside IMPORT mode is refused; switching to IMPORT with live subjects needs force.
    assert client.post("/subjects/t/versions", {"schema": V1, "id": 50}).json()["error_code"] == 42205
    refused = client.put("/mode", {"mode": "IMPORT"})
    assert refused.json() == {"error_code": 42205, "message": "Cannot import since found existing subjects"}
    assert client.put("/mode/imp", {"mode": "IMPORT"}).json() == {"mode": "IMPORT"}
    no_id = client.post("/subjects/imp/versions", {"schema": V1})
    assert "not in read-write mode" in no_id.json()["message"]
    imported = client.post(
        "/subjects/imp/versions", {"schema": V2_NO_DEFAULT, "id": 100, "version": 5}
    ).json()
    assert (imported["id"], imported["version"]) == (100, 5)
    clash = client.post("/subjects/imp/versions", {"schema": V1, "id": 100, "version": 6})
    assert (
        clash.json()["error_code"] == 42205 and "Overwrite new schema with id 100" in clash.json()["message"]
    )
    assert client.put("/mode?force=true", {"mode": "IMPORT"}).status == 200
    assert registry_double.store.mode(None, False) == "IMPORT"


def test_version_in_body_must_be_next_outside_import(client: Client) -> None:
    client.post("/subjects/s/versions", {"schema": V1})
    bad = client.post("/subjects/s/versions", {"schema": V2_DEFAULTED, "version": 5})
    assert (bad.status, bad.json()["error_code"]) == (422, 42201)
    assert client.post("/subjects/s/versions", {"schema": V2_DEFAULTED, "version": 2}).json()["version"] == 2


def test_contexts_ids_and_listing(client: Client) -> None:
    a = client.post(f"/subjects/{enc(':.eu:orders')}/versions", {"schema": V1}).json()
    b = client.post("/subjects/orders/versions", {"schema": V2_DEFAULTED}).json()
    assert a["id"] == 1 and b["id"] == 1  # ids are per context
    assert client.get("/subjects").json() == [":.eu:orders", "orders"]
    assert client.get(f"/subjects?subjectPrefix={enc(':.eu:')}").json() == [":.eu:orders"]
    assert client.get("/contexts").json() == [".", ".eu"]
    assert client.get(f"/schemas/ids/1?subject={enc(':.eu:')}").json()["schema"] == a["schema"]
    assert client.get("/schemas/ids/1").json()["schema"] == b["schema"]
    assert client.get("/contexts/.eu/subjects/orders/versions").json() == [1]
    assert client.delete("/contexts/.eu").json()["error_code"] == 42211


def test_soft_and_hard_delete_rules(client: Client) -> None:
    client.post("/subjects/s/versions", {"schema": V1})
    client.post("/subjects/s/versions", {"schema": V2_DEFAULTED})
    hard_first = client.delete("/subjects/s/versions/1?permanent=true")
    assert (hard_first.status, hard_first.json()["error_code"]) == (404, 40407)
    assert client.delete("/subjects/s/versions/1").json() == 1
    assert client.delete("/subjects/s/versions/1").json()["error_code"] == 40406
    assert client.get("/subjects/s/versions").json() == [2]
    assert client.get("/subjects/s/versions?deleted=true").json() == [1, 2]
    assert client.get("/subjects/s/versions/1?deleted=true").json()["deleted"] is True
    assert client.get("/schemas/ids/1").status == 200  # id survives a soft delete
    assert client.delete("/subjects/s?permanent=true").json()["error_code"] == 40405
    assert client.delete("/subjects/s").json() == [2]
    assert client.delete("/subjects/s").json()["error_code"] == 40404
    assert client.get("/subjects?deleted=true").json() == ["s"]
    assert client.get("/subjects?deletedOnly=true").json() == ["s"]
    assert client.get("/subjects").json() == []
    assert client.delete("/subjects/s?permanent=true").json() == [1, 2]
    assert client.get("/subjects/s/versions?deleted=true").json()["error_code"] == 40401
    assert client.delete("/subjects/s").json()["error_code"] == 40401


def test_references(client: Client) -> None:
    address = record("Address", {"name": "city", "type": "string"})
    client.post("/subjects/address/versions", {"schema": address})
    customer = record("Customer", {"name": "addr", "type": "com.example.Address"})
    refs = [{"name": "com.example.Address", "subject": "address", "version": 1}]
    missing = client.post("/subjects/c/versions", {"schema": customer})
    assert (missing.status, missing.json()["error_code"]) == (422, 42201)
    dangling = client.post(
        "/subjects/c/versions", {"schema": customer, "references": [{**refs[0], "version": 3}]}
    ).json()
    assert dangling["error_code"] == 42201 and "No schema reference found" in dangling["message"]
    ok = client.post("/subjects/c/versions", {"schema": customer, "references": refs}).json()
    assert ok["references"] == refs
    assert client.get("/subjects/address/versions/1/referencedby").json() == [ok["id"]]
    assert client.delete("/subjects/address/versions/1").json()["error_code"] == 42206
    assert client.delete("/subjects/address").json()["error_code"] == 42206
    # Compatibility resolves references on both sides.
    widened = record(
        "Customer",
        {"name": "addr", "type": "com.example.Address"},
        {"name": "n", "type": ["null", "string"], "default": None},
    )
    check = client.post("/compatibility/subjects/c/versions/latest", {"schema": widened, "references": refs})
    assert check.json() == {"is_compatible": True}


def test_content_types_booleans_and_encoding(client: Client, registry_double: RegistryDouble) -> None:
    for ct in ("application/json", "application/vnd.schemaregistry+json", "application/octet-stream"):
        assert client.post("/subjects/s/versions", {"schema": V1}, content_type=ct).status == 200
    bad = client.post("/subjects/s/versions", {"schema": V1}, content_type="text/plain")
    assert (bad.status, bad.json()["error_code"]) == (415, 415)
    assert client.post("/subjects/s/versions", raw=b"{oops").status == 400
    client.post(f"/subjects/{enc('a/b value')}/versions", {"schema": V1})
    assert "a/b value" in client.get("/subjects").json()
    logged = registry_double.requests[-2]
    assert logged.method == "POST" and logged.path == "/subjects/a%2Fb%20value/versions"
    assert logged.json() == {"schema": V1}
    assert client.post("/subjects/__GLOBAL/versions", {"schema": V1}).json()["error_code"] == 42208


def test_store_seeding_helpers(registry_double: RegistryDouble, client: Client) -> None:
    seeded = registry_double.store.register("x", json.loads(V1), id=42, version=3)
    assert (seeded.id, seeded.version) == (42, 3)
    registry_double.store.set_mode("x", "READONLY")
    assert client.get("/subjects/x/versions/3").json()["id"] == 42
    assert client.get("/mode/x").json() == {"mode": "READONLY"}
    assert client.post("/subjects/y/versions", {"schema": V2_DEFAULTED}).json()["id"] == 43
