"""Transport behaviour of the double: faults, auth, TLS/mTLS, concurrency and clean shutdown."""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ..registry_double import BasicAuth, BearerAuth, RegistryDouble, TlsConfig, write_test_pki
from ..registry_double.fixtures import TwoRegistries
from ._client import Client, record

Factory = Callable[..., RegistryDouble]
V1 = record("Order", {"name": "id", "type": "string"})


def test_fail_next_scoped_to_path_prefix(registry_double: RegistryDouble) -> None:
    client = Client(registry_double.url)
    registry_double.faults.fail_next(2, status=503, path_prefix="/subjects")
    assert client.get("/config").status == 200  # out of scope: not consumed
    first = client.get("/subjects")
    assert (first.status, first.json()["error_code"]) == (503, 503)
    assert client.get("/subjects").status == 503
    assert client.get("/subjects").status == 200
    registry_double.faults.fail_next(1, status=500, body={"error_code": 50001, "message": "store"})
    assert client.get("/subjects").json() == {"error_code": 50001, "message": "store"}
    assert registry_double.faults.injected[0] == ("fail", "/subjects")


def test_fail_next_scoped_to_method(registry_double: RegistryDouble) -> None:
    client = Client(registry_double.url)
    registry_double.faults.fail_next(1, status=503, path_prefix="/subjects/s/versions", method="post")
    assert client.get("/subjects/s/versions").json()["error_code"] == 40401  # a GET: not consumed
    assert client.post("/subjects/s/versions", {"schema": V1}).status == 503
    assert registry_double.store.versions_of("s") == []  # a failed request is never served
    assert client.post("/subjects/s/versions", {"schema": V1}).status == 200


def test_lose_answer_serves_the_write_then_drops_the_connection(registry_double: RegistryDouble) -> None:
    client = Client(registry_double.url)
    registry_double.faults.lose_answer_next(1, path_prefix="/subjects/s/versions", method="POST")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        client.post("/subjects/s/versions", {"schema": V1})
    assert [v.version for v in registry_double.store.versions_of("s")] == [1]  # applied all the same
    assert client.get("/subjects/s/versions").json() == [1]


def test_rate_limit_sets_retry_after(registry_double: RegistryDouble) -> None:
    client = Client(registry_double.url)
    registry_double.faults.rate_limit_next(1, retry_after=2)
    resp = client.get("/subjects")
    assert resp.status == 429 and resp.headers["Retry-After"] == "2"
    assert resp.json()["error_code"] == 429
    assert client.get("/subjects").status == 200


def test_drop_closes_without_response(registry_double: RegistryDouble) -> None:
    client = Client(registry_double.url)
    registry_double.faults.drop_next(1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        client.get("/subjects")
    assert client.get("/subjects").status == 200


def test_garbage_is_200_with_non_json_body(registry_double: RegistryDouble) -> None:
    client = Client(registry_double.url)
    registry_double.faults.garbage_next(1)
    resp = client.get("/subjects")
    assert resp.status == 200
    with pytest.raises(ValueError):
        resp.json()
    assert client.get("/subjects").json() == []


def test_latency_does_not_serialize_concurrent_requests(registry_double: RegistryDouble) -> None:
    registry_double.faults.latency(0.5)
    client = Client(registry_double.url)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: client.get("/subjects").status, range(10)))
    elapsed = time.monotonic() - started
    assert statuses == [200] * 10
    assert 0.5 <= elapsed < 2.0, elapsed


def test_basic_auth(registry_double_factory: Factory) -> None:
    reg = registry_double_factory(name="aws", auth=BasicAuth("key", "secret"))
    anonymous = Client(reg.url).get("/subjects")
    assert (anonymous.status, anonymous.json()["error_code"]) == (401, 401)
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    wrong = base64.b64encode(b"key:nope").decode()
    assert Client(reg.url, {"Authorization": f"Basic {wrong}"}).get("/subjects").status == 401
    good = Client(reg.url, {"Authorization": "Basic " + base64.b64encode(b"key:secret").decode()})
    assert good.get("/subjects").status == 200
    reg.faults.forbid_next(1)
    denied = good.get("/subjects")
    assert (denied.status, denied.json()["error_code"]) == (403, 40301)
    assert reg.requests[-1].headers["Authorization"] == "Basic <redacted>"


def test_bearer_auth(registry_double_factory: Factory) -> None:
    reg = registry_double_factory(name="azure", auth=BearerAuth("t0ken"))
    assert Client(reg.url, {"Authorization": "Bearer wrong"}).get("/subjects").status == 401
    ok = Client(reg.url, {"Authorization": "Bearer t0ken", "target-sr-cluster": "lsrc-1"})
    assert ok.get("/subjects").status == 200
    assert reg.requests[-1].headers["target-sr-cluster"] == "lsrc-1"


def test_tls_and_mtls(tmp_path: Path, registry_double_factory: Factory) -> None:
    pki = write_test_pki(tmp_path)
    tls = registry_double_factory(name="tls", tls=TlsConfig(pki=pki))
    assert tls.url.startswith("https://")
    assert Client(tls.url, context=pki.client_context(with_client_cert=False)).get("/").json() == {}
    untrusted = ssl.create_default_context(cafile=str(pki.other_ca_cert))
    with pytest.raises(ssl.SSLCertVerificationError):
        Client(tls.url, context=untrusted).get("/")

    mtls = registry_double_factory(name="mtls", tls=TlsConfig(require_client_cert=True, pki=pki))
    assert Client(mtls.url, context=pki.client_context()).get("/subjects").json() == []
    with pytest.raises((ssl.SSLError, ConnectionError)):
        Client(mtls.url, context=pki.client_context(with_client_cert=False)).get("/subjects")
    # the server thread records the failed handshake after the client has already seen it fail
    deadline = time.monotonic() + 5
    while not mtls.tls_failures and time.monotonic() < deadline:
        time.sleep(0.01)
    assert mtls.tls_failures


def test_generated_pki_is_removed_on_stop() -> None:
    with RegistryDouble(name="gen", tls=TlsConfig()) as reg:
        assert reg.pki is not None
        ca = reg.pki.ca_cert
        assert Client(reg.url, context=ssl.create_default_context(cafile=str(ca))).get("/").status == 200
    assert not ca.exists()


def test_two_instances_are_independent(two_registries: TwoRegistries) -> None:
    aws, azure = two_registries
    assert aws.port != azure.port
    Client(aws.url).post("/subjects/only-aws/versions", {"schema": V1})
    assert Client(aws.url).get("/subjects").json() == ["only-aws"]
    assert Client(azure.url).get("/subjects").json() == []
    assert [r.path for r in azure.requests] == ["/subjects"]


def test_stop_joins_threads_and_releases_port() -> None:
    before = set(threading.enumerate())
    reg = RegistryDouble(name="leak").start()
    port = reg.port
    reg.faults.latency(5)
    # One request sleeping in latency and one idle keep-alive connection must not block stop().
    idle = socket.create_connection(("127.0.0.1", port))
    slow = threading.Thread(target=lambda: _swallow_get(reg.url), daemon=True)
    slow.start()
    time.sleep(0.2)
    started = time.monotonic()
    reg.stop()
    assert time.monotonic() - started < 3
    slow.join(5)
    idle.close()
    assert set(threading.enumerate()) - before == set()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine, a listener is not
        probe.bind(("127.0.0.1", port))


def _swallow_get(url: str) -> None:
    """A client whose request is cut off by stop(); only the server side is under test here."""
    try:
        Client(url).get("/subjects")
    except (ConnectionError, http.client.HTTPException, TimeoutError):
        return
