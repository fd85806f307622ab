"""Schema Linking on the double: the /exporters API, its state machine, and real replication over
loopback HTTP into a second double (ids, versions and text preserved, IMPORT mode, contexts)."""

from __future__ import annotations

import base64
import functools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from ..registry_double import BasicAuth, RegistryDouble
from ..registry_double.exporters import subject_matches
from ._client import Client, record

Factory = Callable[..., RegistryDouble]
FAST: dict[str, Any] = {"export_delay": 0.05, "exporter_startup": 0.05}
CUSTOMER = record("Customer", {"name": "id", "type": "string"})
ORDER_V1 = record(
    "Order", {"name": "id", "type": "string"}, {"name": "customer", "type": "com.example.Customer"}
)
ORDER_V2 = record(
    "Order",
    {"name": "id", "type": "string"},
    {"name": "customer", "type": "com.example.Customer"},
    {"name": "qty", "type": "int", "default": 0},
)
PAYMENT = record("Payment", {"name": "id", "type": "string"})
OTHER = record("Other", {"name": "x", "type": "int"})


def wait_for(predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
    """Poll like ``link verify --wait`` would; returns the first truthy value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def exporter_body(dest: RegistryDouble, name: str = "link", **extra: Any) -> dict[str, Any]:
    config = {"schema.registry.url": dest.url}
    if isinstance(dest.auth, BasicAuth):
        config["basic.auth.credentials.source"] = "USER_INFO"
        config["basic.auth.user.info"] = f"{dest.auth.username}:{dest.auth.password}"
    return {"name": name, "subjects": [":*:"], "contextType": "NONE", "config": config, **extra}


def dest_client(dest: RegistryDouble) -> Client:
    headers = {}
    if isinstance(dest.auth, BasicAuth):
        token = base64.b64encode(f"{dest.auth.username}:{dest.auth.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    return Client(dest.url, headers)


def versions(reg: RegistryDouble, subject: str) -> list[tuple[int, int, str]]:
    return [(v.version, v.id, v.content.schema) for v in reg.store.versions_of(subject)]


def status(client: Client, name: str = "link") -> dict[str, Any]:
    resp = client.get(f"/exporters/{name}/status")
    assert resp.status == 200, resp.body
    body: dict[str, Any] = resp.json()
    return body


def seed_orders(source: RegistryDouble) -> None:
    """Interleaved subjects with references and explicit, gapped ids/versions (as after imports)."""
    source.store.register("customer-value", CUSTOMER, id=7)
    source.store.register("payments-value", PAYMENT, id=3, version=4)
    refs = [{"name": "com.example.Customer", "subject": "customer-value", "version": 1}]
    source.store.register("orders-value", ORDER_V1, references=refs, id=12)
    Client(source.url).post("/subjects/orders-value/versions", {"schema": ORDER_V2, "references": refs})


# -- API and state machine ---------------------------------------------------------------------------


def test_create_list_get_config_status(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", **FAST)
    dest = registry_double_factory(name="azure", auth=BasicAuth("key", "secret"))
    client = Client(source.url)
    assert client.get("/exporters").json() == []
    source.exporters.hold_starting()  # STARTING until released: the calls below may outlast startup
    created = client.post("/exporters", exporter_body(dest, subjectRenameFormat="dc_${subject}"))
    assert (created.status, created.json()) == (200, {"name": "link"})
    assert client.get("/exporters").json() == ["link"]

    info = client.get("/exporters/link").json()
    assert info == {
        "name": "link",
        "subjects": [":*:"],
        "contextType": "NONE",
        "context": ".",
        "subjectRenameFormat": "dc_${subject}",
        "config": {
            "schema.registry.url": dest.url,
            "basic.auth.credentials.source": "USER_INFO",
            "basic.auth.user.info": "[hidden]",
        },
    }
    assert client.get("/exporters/link/config").json()["basic.auth.user.info"] == "[hidden]"
    assert source.exporters.get("link").config["basic.auth.user.info"] == "key:secret"

    first = status(client)
    assert first["state"] == "STARTING" and first["offset"] == -1 and "trace" not in first
    assert isinstance(first["ts"], int) and first["ts"] > 1_600_000_000_000  # milliseconds
    source.exporters.hold_starting(hold=False)
    assert wait_for(lambda: status(client)["state"] == "RUNNING", what="RUNNING")

    deleted = client.delete("/exporters/link")
    assert (deleted.status, deleted.body) == (204, b"")
    for method, path in [
        ("GET", "/exporters/link"),
        ("GET", "/exporters/link/status"),
        ("GET", "/exporters/link/config"),
        ("PUT", "/exporters/link/pause"),
        ("PUT", "/exporters/link/resume"),
        ("PUT", "/exporters/link/reset"),
        ("PUT", "/exporters/link"),
        ("DELETE", "/exporters/link"),
    ]:
        resp = client.request(method, path, {} if method == "PUT" else None)
        assert (resp.status, resp.json()["error_code"]) == (404, 40450), (method, path)


def test_create_validation_and_limit(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", max_exporters=2, **FAST)
    client = Client(source.url)
    url = {"schema.registry.url": "http://127.0.0.1:1"}
    cases = [
        ({"config": url}, 40950),
        ({"name": "bad/name", "config": url}, 40950),
        ({"name": "x"}, 40951),
        ({"name": "x", "config": {"basic.auth.user.info": "k:s"}}, 40951),
        ({"name": "x", "config": {"schema.registry.url": 5}}, 40951),
        ({"name": "x", "config": url, "contextType": "SIDEWAYS"}, 40951),
        ({"name": "x", "config": url, "contextType": "CUSTOM"}, 40951),
        ({"name": "x", "config": url, "subjects": "orders"}, 40952),
        ({"name": "x", "config": url, "subjects": [""]}, 40952),
    ]
    for body, code in cases:
        resp = client.post("/exporters", body)
        assert (resp.status, resp.json()["error_code"]) == (409, code), body
    assert client.post("/exporters", {"name": "a", "config": url}).status == 200
    duplicate = client.post("/exporters", {"name": "a", "config": url})
    assert (duplicate.status, duplicate.json()["error_code"]) == (409, 40960)
    assert client.post("/exporters", {"name": "b", "config": url}).status == 200
    limit = client.post("/exporters", {"name": "c", "config": url})
    assert (limit.status, limit.json()["error_code"]) == (409, 40964)
    # Defaults: every default-context subject, AUTO context.
    assert client.get("/exporters/a").json()["subjects"] == ["*"]
    assert client.get("/exporters/a").json()["contextType"] == "AUTO"


def test_state_machine_pause_before_update(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", **FAST)
    client = Client(source.url)
    body = exporter_body(source)  # the url does not matter here
    assert client.post("/exporters", body).status == 200

    starting = client.put("/exporters/link/resume")
    assert (starting.status, starting.json()["error_code"]) == (409, 40961)  # STARTING counts as running
    wait_for(lambda: status(client)["state"] == "RUNNING", what="RUNNING")
    for path, payload, code in [
        ("/exporters/link", {"subjects": ["orders-value"]}, 40963),
        ("/exporters/link/config", {"schema.registry.url": "http://127.0.0.1:2"}, 40963),
        ("/exporters/link/reset", None, 40963),
        ("/exporters/link/resume", None, 40961),
    ]:
        resp = client.put(path, payload)
        assert (resp.status, resp.json()["error_code"]) == (409, code), path

    assert client.put("/exporters/link/pause").json() == {"name": "link"}
    assert client.put("/exporters/link/pause").status == 200  # idempotent, as terraform relies on
    assert status(client)["state"] == "PAUSED"
    bad = client.put("/exporters/link", {"subjects": 7})
    assert (bad.status, bad.json()["error_code"]) == (409, 40952)
    updated = client.put(
        "/exporters/link", {"subjects": ["orders-*"], "contextType": "CUSTOM", "context": "linked"}
    )
    assert updated.json() == {"name": "link"}
    info = client.get("/exporters/link").json()
    assert (info["subjects"], info["contextType"], info["context"]) == (["orders-*"], "CUSTOM", ".linked")
    merged = client.put("/exporters/link/config", {"basic.auth.credentials.source": "USER_INFO"})
    assert merged.json() == {"name": "link"}
    config = client.get("/exporters/link/config").json()
    assert config == {"schema.registry.url": source.url, "basic.auth.credentials.source": "USER_INFO"}
    assert client.put("/exporters/link/reset").json() == {"name": "link"}
    assert status(client)["state"] == "PAUSED"  # reset does not resume
    assert client.put("/exporters/link/resume").json() == {"name": "link"}
    assert status(client)["state"] == "STARTING"
    wait_for(lambda: status(client)["state"] == "RUNNING", what="RUNNING after resume")


def test_faults_apply_to_exporter_endpoints(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", **FAST)
    client = Client(source.url)
    source.faults.fail_next(1, status=503, path_prefix="/exporters")
    assert client.get("/exporters").status == 503
    assert client.get("/exporters").json() == []


# -- replication -------------------------------------------------------------------------------------


def test_replicates_ids_versions_references_in_import_mode(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", **FAST)
    dest = registry_double_factory(name="azure", auth=BasicAuth("key", "secret"))
    seed_orders(source)
    client = Client(source.url)
    assert client.post("/exporters", exporter_body(dest)).status == 200
    wait_for(lambda: source.exporters.caught_up("link"), what="replication")

    for subject in ("customer-value", "payments-value", "orders-value"):
        assert versions(dest, subject) == versions(source, subject)
        assert dest.store.modes[subject] == "IMPORT"
    assert [v[:2] for v in versions(dest, "orders-value")] == [(1, 12), (2, 13)]
    assert versions(dest, "payments-value")[0][:2] == (4, 3)
    assert dest.store.versions_of("orders-value")[0].content.references == (
        source.store.versions_of("orders-value")[0].content.references
    )
    assert status(client)["offset"] == len(source.store.log) - 1 == 3

    posts = [r for r in dest.requests if r.method == "POST"]
    assert [r.decoded_path for r in posts] == [
        "/subjects/customer-value/versions",
        "/subjects/payments-value/versions",
        "/subjects/orders-value/versions",
        "/subjects/orders-value/versions",
    ]  # the source's log order, across subjects
    assert all(r.query == {"normalize": ["false"]} for r in posts)
    assert posts[2].json()["id"] == 12 and posts[2].json()["version"] == 1
    assert posts[2].json()["references"] == [
        {"name": "com.example.Customer", "subject": "customer-value", "version": 1}
    ]
    assert posts[0].headers["Confluent-Schema-Exporter-Name"] == "link"
    # Exported subjects are read-only for ordinary writers at the destination.
    direct = dest_client(dest).post("/subjects/orders-value/versions", {"schema": OTHER})
    assert (direct.status, direct.json()["error_code"]) == (422, 42205)


def test_context_types_and_rename_format(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", cluster_id="lsrc-aws", **FAST)
    dest = registry_double_factory(name="azure")
    seed_orders(source)
    source.store.register(":.team:audit-value", OTHER)
    client = Client(source.url)
    rename = {"subjectRenameFormat": "dc_${subject}"}
    bodies = [
        exporter_body(dest, "auto", contextType="AUTO", **rename),
        exporter_body(dest, "custom", contextType="CUSTOM", context=".linked"),
        exporter_body(dest, "none", subjects=["*"], **rename),
    ]
    for body in bodies:
        assert client.post("/exporters", body).status == 200
    for name in ("auto", "custom", "none"):
        wait_for(functools.partial(source.exporters.caught_up, name), what=name)

    subjects = dest.store.list_subjects(":*:", False, False)
    assert subjects == sorted(
        [
            ":.linked.team:audit-value",
            ":.linked:customer-value",
            ":.linked:orders-value",
            ":.linked:payments-value",
            ":.lsrc-aws.team:dc_audit-value",
            ":.lsrc-aws:dc_customer-value",
            ":.lsrc-aws:dc_orders-value",
            ":.lsrc-aws:dc_payments-value",
            "dc_customer-value",
            "dc_orders-value",
            "dc_payments-value",
        ]
    )
    for target in (":.lsrc-aws:dc_orders-value", ":.linked:orders-value", "dc_orders-value"):
        assert versions(dest, target) == versions(source, "orders-value")
    auto_ref = dest.store.versions_of(":.lsrc-aws:dc_orders-value")[0].content.references[0]
    assert auto_ref.subject == "dc_customer-value"  # renamed, still relative to its new context
    resolved = Client(dest.url).get("/contexts/.lsrc-aws/schemas/ids/12").json()
    assert resolved["references"][0]["subject"] == "dc_customer-value"


def test_subject_filters(registry_double_factory: Factory) -> None:
    assert subject_matches(["*"], "orders-value") and not subject_matches(["*"], ":.team:orders-value")
    assert subject_matches([":*:"], ":.team:orders-value")
    assert subject_matches([":.team:*"], ":.team:x") and not subject_matches([":.team:*"], "x")
    assert subject_matches(["orders-*"], "orders-value") and not subject_matches(["orders-*"], "payments")
    assert subject_matches(["payments-value"], "payments-value")
    assert not subject_matches(["payments"], "payments-value")

    source = registry_double_factory(name="aws", **FAST)
    dest = registry_double_factory(name="azure")
    seed_orders(source)
    client = Client(source.url)
    body = exporter_body(dest, subjects=["orders-*", "customer-value"])
    assert client.post("/exporters", body).status == 200
    wait_for(lambda: source.exporters.caught_up("link"), what="replication")
    assert dest.store.list_subjects(":*:", False, False) == ["customer-value", "orders-value"]
    assert status(client)["offset"] == 3  # filtered-out entries are still consumed


def test_delay_is_observable_then_replicated(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", export_delay=0.4, exporter_startup=0.05)
    dest = registry_double_factory(name="azure")
    client = Client(source.url)
    assert client.post("/exporters", exporter_body(dest)).status == 200
    wait_for(lambda: status(client)["state"] == "RUNNING", what="RUNNING")
    registered = time.monotonic()
    client.post("/subjects/payments-value/versions", {"schema": PAYMENT})
    assert Client(dest.url).get("/subjects/payments-value/versions").status == 404  # not yet
    assert status(client)["offset"] == -1
    wait_for(
        lambda: Client(dest.url).get("/subjects/payments-value/versions").status == 200,
        what="the delayed copy",
    )
    assert time.monotonic() - registered >= 0.35
    assert status(client)["offset"] == 0


def test_pause_resume_and_reset_replay(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", **FAST)
    dest = registry_double_factory(name="azure")
    seed_orders(source)
    client = Client(source.url)
    assert client.post("/exporters", exporter_body(dest)).status == 200
    wait_for(lambda: source.exporters.caught_up("link"), what="replication")

    client.put("/exporters/link/pause")
    source.store.register("payments-value", OTHER)
    time.sleep(0.3)
    assert [v[0] for v in versions(dest, "payments-value")] == [4]  # paused: nothing copied
    assert status(client)["offset"] == 3
    client.put("/exporters/link/resume")
    wait_for(lambda: source.exporters.caught_up("link"), what="resume")
    assert versions(dest, "payments-value") == versions(source, "payments-value")
    assert status(client)["offset"] == 4

    before = {s: versions(dest, s) for s in dest.store.list_subjects(":*:", False, False)}
    writes = len(source.exporters.get("link").exported)
    client.put("/exporters/link/pause")
    client.put("/exporters/link/reset")
    assert status(client)["offset"] == -1
    client.put("/exporters/link/resume")
    wait_for(lambda: source.exporters.caught_up("link"), what="replay")
    assert len(source.exporters.get("link").exported) == 2 * writes  # everything was sent again ...
    assert {s: versions(dest, s) for s in dest.store.list_subjects(":*:", False, False)} == before  # idem


# -- failure modes -----------------------------------------------------------------------------------


def test_destination_down_gives_trace_then_recovers() -> None:
    with RegistryDouble(name="aws", **FAST) as source:
        dest = RegistryDouble(name="azure").start()
        try:
            url, body = dest.url, exporter_body(dest)
            dest.stop()
            source.store.register("orders-value", PAYMENT)
            client = Client(source.url)
            assert client.post("/exporters", body).status == 200
            down = wait_for(lambda: status(client).get("trace"), what="a trace")
            assert "ConnectionRefusedError" in down and url in down
            assert status(client)["state"] == "RUNNING" and status(client)["offset"] == -1

            dest.start()  # same port: the registry came back
            assert dest.url == url
            wait_for(lambda: source.exporters.caught_up("link"), what="recovery")
            assert "trace" not in status(client)
            assert versions(dest, "orders-value") == versions(source, "orders-value")
        finally:
            dest.stop()
        assert not source.errors and not dest.errors


def test_unauthorized_and_non_loopback_destinations_give_traces(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", **FAST)
    dest = registry_double_factory(name="azure", auth=BasicAuth("key", "secret"))
    source.store.register("orders-value", PAYMENT)
    client = Client(source.url)
    body = exporter_body(dest)
    body["config"]["basic.auth.user.info"] = "key:wrong"
    assert client.post("/exporters", body).status == 200
    assert "HTTP 401" in wait_for(lambda: status(client).get("trace"), what="401 trace")
    # Fixing the credentials (paused, as required) clears the trace on the next successful write.
    client.put("/exporters/link/pause")
    client.put("/exporters/link/config", {"basic.auth.user.info": "key:secret"})
    client.put("/exporters/link/resume")
    wait_for(lambda: source.exporters.caught_up("link"), what="recovery")

    remote = {"name": "remote", "config": {"schema.registry.url": "https://psrc-1.example.com"}}
    assert client.post("/exporters", remote).status == 200
    assert "only exports to loopback" in wait_for(lambda: status(client, "remote").get("trace"))


def test_id_conflict_and_import_mode_refused_give_traces(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", **FAST)
    dest = registry_double_factory(name="azure")
    source.store.register("orders-value", PAYMENT)  # id 1 at the source
    direct = Client(dest.url)
    direct.post("/subjects/someone-else/versions", {"schema": OTHER})  # id 1 at the destination too
    client = Client(source.url)
    assert client.post("/exporters", exporter_body(dest)).status == 200
    trace = wait_for(lambda: status(client).get("trace"), what="42205 trace")
    assert "error_code 42205" in trace and "Overwrite new schema with id 1" in trace
    assert status(client)["state"] == "RUNNING"
    assert dest.store.versions_of("orders-value") == []

    # A destination subject already written in READWRITE cannot be switched to IMPORT.
    client.put("/exporters/link/pause")
    client.delete("/exporters/link")
    direct.delete("/subjects/someone-else")
    direct.delete("/subjects/someone-else?permanent=true")
    assert direct.get("/mode/orders-value").json() == {"mode": "IMPORT"}  # left by the exporter
    direct.put("/mode/orders-value", {"mode": "READWRITE"})  # a failover, say
    assert direct.post("/subjects/orders-value/versions", {"schema": OTHER}).status == 200
    assert client.post("/exporters", exporter_body(dest)).status == 200
    trace = wait_for(lambda: status(client).get("trace"), what="mode trace")
    assert "not in IMPORT mode and cannot be set" in trace
    assert "Cannot import since found existing subjects" in trace


def test_stuck_starting_and_forced_trace(registry_double_factory: Factory) -> None:
    source = registry_double_factory(name="aws", **FAST)
    dest = registry_double_factory(name="azure")
    source.store.register("orders-value", PAYMENT)
    client = Client(source.url)
    source.exporters.hold_starting()  # every exporter created from now on sticks in STARTING
    assert client.post("/exporters", exporter_body(dest)).status == 200
    time.sleep(0.3)
    assert status(client)["state"] == "STARTING"
    assert dest.store.versions_of("orders-value") == []
    source.exporters.hold_starting(hold=False)
    wait_for(lambda: source.exporters.caught_up("link"), what="replication after STARTING")

    source.exporters.force_trace("link", "java.net.SocketTimeoutException: injected")
    assert status(client)["trace"] == "java.net.SocketTimeoutException: injected"
    source.store.register("orders-value", OTHER)
    time.sleep(0.3)
    assert len(dest.store.versions_of("orders-value")) == 1  # replication halted
    source.exporters.force_trace("link", None)
    wait_for(lambda: source.exporters.caught_up("link"), what="replication after the trace")
    assert len(dest.store.versions_of("orders-value")) == 2


def test_stop_interrupts_replication_without_leaking_threads() -> None:
    before = set(threading.enumerate())
    dest = RegistryDouble(name="azure").start()
    source = RegistryDouble(name="aws", export_delay=0, exporter_startup=0).start()
    dest.faults.latency(5, path_prefix="/mode")  # the exporter's first write hangs at the destination
    source.store.register("orders-value", PAYMENT)
    Client(source.url).post("/exporters", exporter_body(dest))
    wait_for(lambda: any(r.decoded_path.startswith("/mode") for r in dest.requests), what="a write")
    started = time.monotonic()
    source.stop()
    assert time.monotonic() - started < 3
    dest.stop()
    assert set(threading.enumerate()) - before == set()
    assert json.dumps(source.errors) == "[]"
