"""Every RegistryClient method over real loopback HTTP against the registry double."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from contractctl.registry import (
    CompatibilityAnswer,
    IncompatibleSchemaError,
    OwnConfig,
    RegistryClient,
    RegistryError,
    SchemaRef,
)

from ..registry_double import RegistryDouble
from .helpers import avro_record, schema_text_by_id, settings, subject_level

V1 = avro_record("Order", {"name": "id", "type": "string"})
V2 = avro_record(
    "Order", {"name": "id", "type": "string"}, {"name": "note", "type": ["null", "string"], "default": None}
)
BREAKING = avro_record("Order", {"name": "id", "type": "string"}, {"name": "qty", "type": "int"})
MONEY = avro_record("Money", {"name": "cents", "type": "long"})
PAYMENT = avro_record("Payment", {"name": "amount", "type": "com.acme.Money"})


@pytest.fixture
def client(registry_double: RegistryDouble) -> Iterator[RegistryClient]:
    with RegistryClient(settings(registry_double.url)) as c:
        yield c


def test_register_versions_get_lookup(client: RegistryClient, registry_double: RegistryDouble) -> None:
    assert client.subjects() == []
    assert client.versions("orders-value") == []
    assert client.get_version("orders-value") is None
    assert client.lookup("orders-value", V1, "AVRO") is None
    first = client.register("orders-value", V1, "AVRO")
    assert (
        client.register("orders-value", json.dumps(json.loads(V1), indent=4), "AVRO") == first
    )  # idempotent
    second = client.register("orders-value", V2, "AVRO")
    assert second != first
    assert client.subjects() == ["orders-value"]
    assert client.versions("orders-value") == [1, 2]
    latest = client.get_version("orders-value")
    assert latest is not None and (latest.version, latest.id, latest.schema_type) == (2, second, "AVRO")
    assert json.loads(latest.schema) == json.loads(V2)
    one = client.get_version("orders-value", 1)
    assert one is not None and one.id == first
    assert client.get_version("orders-value", 7) is None
    found = client.lookup("orders-value", json.dumps(json.loads(V1), indent=2), "AVRO")
    assert found is not None and (found.subject, found.version, found.id) == ("orders-value", 1, first)
    assert client.lookup("orders-value", BREAKING, "AVRO") is None  # 40403: subject exists, schema not
    assert schema_text_by_id(client, first) is not None
    assert schema_text_by_id(client, 99999) is None
    register = next(
        r for r in registry_double.requests if r.method == "POST" and r.path.endswith("/versions")
    )
    assert register.query["normalize"] == ["true"]
    assert register.headers["Content-Type"] == "application/vnd.schemaregistry.v1+json"


def test_legacy_server_answers(registry_double_factory: Callable[..., RegistryDouble]) -> None:
    """Before CP 8.0: no schemaType for AVRO, register answers only {"id"}, 409 instead of 40901."""
    double = registry_double_factory(name="legacy", legacy_responses=True)
    with RegistryClient(settings(double.url)) as client:
        schema_id = client.register("s", V1, "AVRO")
        record = client.get_version("s")
        assert record is not None and record.schema_type == "AVRO" and record.id == schema_id
        with pytest.raises(IncompatibleSchemaError) as caught:
            client.register("s", BREAKING, "AVRO")
        assert caught.value.error_code == 409 and caught.value.exit_code == 1


def test_references(client: RegistryClient) -> None:
    client.register("com.acme.Money", MONEY, "AVRO")
    ref = SchemaRef("com.acme.Money", "com.acme.Money", 1)
    payment_id = client.register("payments-value", PAYMENT, "AVRO", references=[ref])
    record = client.get_version("payments-value")
    assert record is not None and record.references == (ref,) and record.id == payment_id
    found = client.lookup("payments-value", PAYMENT, "AVRO", references=[ref])
    assert found is not None and found.references == (ref,)


def test_compatibility_verbose(client: RegistryClient) -> None:
    assert client.test_compatibility("new-subject", V1, "AVRO") == CompatibilityAnswer(True, ())
    assert client.test_compatibility("new-subject", V1, "AVRO", version=None).is_compatible
    client.register("orders-value", V1, "AVRO")
    assert client.test_compatibility("orders-value", V2, "AVRO").is_compatible
    answer = client.test_compatibility("orders-value", BREAKING, "AVRO")
    assert not answer.is_compatible and answer.messages
    assert any("qty" in m for m in answer.messages)
    assert not client.test_compatibility("orders-value", BREAKING, "AVRO", version=None).is_compatible
    assert not client.test_compatibility("orders-value", BREAKING, "AVRO", version=1).is_compatible
    invalid = client.test_compatibility(
        "orders-value", '{"type": "record"}', "AVRO"
    )  # 42201 -> verbose answer
    assert not invalid.is_compatible and invalid.messages
    with pytest.raises(RegistryError) as caught:
        client.test_compatibility("orders-value", V2, "AVRO", version=5)
    assert caught.value.error_code == 40402
    with pytest.raises(IncompatibleSchemaError) as rejected:
        client.register("orders-value", BREAKING, "AVRO")
    assert rejected.value.status == 409 and rejected.value.messages
    assert "incompatible" in str(rejected.value)


def test_config_and_mode(client: RegistryClient, registry_double: RegistryDouble) -> None:
    client.register("orders-value", V1, "AVRO")
    assert client.effective_config("orders-value").level == "BACKWARD"
    assert subject_level(client, "orders-value") is None  # 40408: inherited
    client.set_compatibility(None, "full")
    assert client.effective_config("orders-value").level == "FULL"
    client.set_compatibility("orders-value", "NONE")
    assert subject_level(client, "orders-value") == "NONE"
    assert client.effective_config("orders-value").level == "NONE"
    put = [r for r in registry_double.requests if r.method == "PUT"][-1]
    assert put.json() == {"compatibility": "NONE"}
    get = next(r for r in registry_double.requests if r.method == "GET" and r.path.startswith("/config/"))
    assert get.query["defaultToGlobal"] == ["true"]
    with pytest.raises(ValueError, match="unknown compatibility level"):
        client.set_compatibility("orders-value", "SIDEWAYS")
    assert client.effective_mode("orders-value") == "READWRITE"
    client.set_mode("orders-value", "readonly")
    assert client.effective_mode("orders-value") == "READONLY"
    with pytest.raises(RegistryError) as caught:
        client.register("orders-value", V2, "AVRO")
    assert (caught.value.status, caught.value.error_code) == (422, 42205)
    assert "read-only" in caught.value.reason


def test_own_config_put_back_and_delete(client: RegistryClient, registry_double: RegistryDouble) -> None:
    """What publish needs to take back a level it set: the subject's own level and group (nothing
    inherited), putting them back with explicit nulls, and removing the subject's config."""
    client.set_compatibility(None, "FULL")  # a top-level config is never a subject's own
    assert client.own_config("orders-value") is None  # 40408
    assert client.delete_config("orders-value") is False  # 40401: it had none
    registry_double.store.put_config("orders-value", {"normalize": True})
    # a config of its own without a level reads as the server's default level (Confluent's
    # InMemoryCache.populateCompatibilityLevel), never the top level's FULL
    assert client.own_config("orders-value") == OwnConfig("BACKWARD", None)
    client.set_compatibility("orders-value", "NONE", "app.major")
    assert client.own_config("orders-value") == OwnConfig("NONE", "app.major")
    client.put_back_compatibility("orders-value", OwnConfig(None, None))
    assert registry_double.requests[-1].json() == {"compatibility": None, "compatibilityGroup": None}
    assert registry_double.store.configs["orders-value"] == {"normalize": True}  # the rest kept
    assert client.delete_config("orders-value") is True
    assert client.own_config("orders-value") is None
    assert client.effective_config("orders-value").level == "FULL"


def test_import_mode_with_id_and_version(client: RegistryClient) -> None:
    client.set_mode("imported-value", "IMPORT")
    assert client.effective_mode("imported-value") == "IMPORT"
    assert client.register("imported-value", V1, "AVRO", schema_id=100001, version=3) == 100001
    assert client.register("imported-value", V1, "AVRO", schema_id=100001, version=3) == 100001  # rerun
    assert client.versions("imported-value") == [3]
    with pytest.raises(RegistryError) as caught:
        client.register("imported-value", V2, "AVRO")  # IMPORT needs an id
    assert caught.value.error_code == 42205
    client.set_mode(None, "READWRITE")
    client.set_mode("imported-value", "READWRITE")
    assert client.register("other", V2, "AVRO") != 100001


def test_context_qualifies_subjects(registry_double: RegistryDouble) -> None:
    with (
        RegistryClient(settings(registry_double.url, context=".staging")) as staging,
        RegistryClient(settings(registry_double.url, name="default")) as default,
    ):
        staging_id = staging.register("orders-value", V1, "AVRO")
        default.register("orders-value", V2, "AVRO")
        assert staging.subjects() == ["orders-value"]
        assert default.subjects() == ["orders-value"]
        record = staging.get_version("orders-value")
        assert record is not None and record.subject == "orders-value" and record.id == staging_id
        assert json.loads(record.schema) == json.loads(V1)
        assert schema_text_by_id(staging, staging_id) is not None
        staging.set_compatibility(None, "FULL_TRANSITIVE")  # the context's level
        assert staging.effective_config("orders-value").level == "FULL_TRANSITIVE"
        assert default.effective_config("orders-value").level == "BACKWARD"
        assert staging.lookup("orders-value", V1, "AVRO") is not None
        assert staging.lookup("orders-value", V2, "AVRO") is None
    paths = [r.path for r in registry_double.requests if r.method == "POST"]
    assert "/subjects/%3A.staging%3Aorders-value/versions" in paths
    assert registry_double.store.list_subjects(":*:", False, False) == [
        ":.staging:orders-value",
        "orders-value",
    ]


def test_generic_request_and_not_found(client: RegistryClient) -> None:
    assert client.request("GET", "/schemas/types") == ["JSON", "PROTOBUF", "AVRO"]
    assert client.request("GET", "/subjects/x/versions", not_found={40401}) is None
    with pytest.raises(RegistryError) as caught:
        client.request("GET", "/subjects/x/versions")
    assert (caught.value.status, caught.value.error_code) == (404, 40401)
    with pytest.raises(RegistryError, match="no such endpoint"):
        client.request("GET", "/nope")
    client.close()
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.subjects()


def test_importing_the_package_does_not_load_the_http_stack() -> None:
    code = (
        "import sys, contractctl.registry, contractctl.registry.client, contractctl.registry.fanout\n"
        "assert not any(m.startswith(('httpx2', 'httpcore2')) for m in sys.modules), 'http stack loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
