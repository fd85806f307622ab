"""Failure handling: bounded retries per fault, clear reasons, no secrets, concurrency and fan-out."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial

import pytest

from contractctl.registry import RegistryClient, RegistryError, fan_out
from contractctl.registry.fanout import fan_out_all

from ..registry_double import BasicAuth, RegistryDouble
from ..registry_double.fixtures import TwoRegistries
from .helpers import FAST_RETRIES, avro_record, settings

Factory = Callable[..., RegistryDouble]
SECRET = "SENTINEL-s3cr3t"
V1 = avro_record("Order", {"name": "id", "type": "string"})


@pytest.fixture
def secured(registry_double_factory: Factory) -> Iterator[tuple[RegistryDouble, RegistryClient]]:
    double = registry_double_factory(auth=BasicAuth("key", SECRET))
    with RegistryClient(
        settings(double.url, auth={"basic": {"username": "key", "password": SECRET}})
    ) as client:
        yield double, client


def assert_clean(error: RegistryError) -> None:
    assert SECRET not in str(error) and SECRET not in repr(error) and SECRET not in (error.detail or "")
    assert "Authorization" not in str(error) and "Basic " not in str(error)


def test_5xx_is_retried_then_succeeds(secured: tuple[RegistryDouble, RegistryClient]) -> None:
    double, client = secured
    double.faults.fail_next(2, status=503)
    assert client.subjects() == []
    assert len(double.requests) == 3


def test_5xx_gives_up_after_bounded_attempts(secured: tuple[RegistryDouble, RegistryClient]) -> None:
    double, client = secured
    double.faults.fail_next(10, status=500, body={"error_code": 50001, "message": f"store error {SECRET}"})
    with pytest.raises(RegistryError) as caught:
        client.subjects()
    error = caught.value
    assert error.reason.startswith("HTTP 500 Internal Server Error") and error.reason.endswith(
        "after 4 attempts"
    )
    assert "***" in error.reason  # the server echoed a secret: masked
    assert str(error).startswith("registry aws: ") and error.exit_code == 3 and error.status == 500
    assert len(double.requests) == 4
    assert_clean(error)


def test_register_is_retried_and_stays_idempotent(secured: tuple[RegistryDouble, RegistryClient]) -> None:
    double, client = secured
    double.faults.fail_next(1, status=503, path_prefix="/subjects")
    first = client.register("orders-value", V1, "AVRO")
    double.faults.drop_next(1, path_prefix="/subjects")
    assert client.register("orders-value", V1, "AVRO") == first
    assert client.versions("orders-value") == [1]


def test_429_honours_retry_after(secured: tuple[RegistryDouble, RegistryClient]) -> None:
    double, client = secured
    double.faults.rate_limit_next(1, retry_after=0.6)
    started = time.monotonic()
    assert client.subjects() == []
    assert time.monotonic() - started >= 0.6
    assert len(double.requests) == 2


def test_429_retry_after_beyond_the_bound_fails_at_once(
    secured: tuple[RegistryDouble, RegistryClient],
) -> None:
    double, client = secured
    double.faults.rate_limit_next(1, retry_after=120)
    started = time.monotonic()
    with pytest.raises(RegistryError) as caught:
        client.subjects()
    assert time.monotonic() - started < 2
    assert "HTTP 429 Too Many Requests" in caught.value.reason and "retry_after_max" in caught.value.reason
    assert caught.value.status == 429 and len(double.requests) == 1


def test_dropped_connection(secured: tuple[RegistryDouble, RegistryClient]) -> None:
    double, client = secured
    double.faults.drop_next(2)
    assert client.subjects() == []
    double.faults.drop_next(10)
    with pytest.raises(RegistryError) as caught:
        client.subjects()
    assert caught.value.reason.startswith("connection dropped") and "after 4 attempts" in caught.value.reason
    assert_clean(caught.value)


def test_garbage_body(secured: tuple[RegistryDouble, RegistryClient]) -> None:
    double, client = secured
    double.faults.garbage_next(1)
    assert client.subjects() == []
    double.faults.garbage_next(10)
    with pytest.raises(RegistryError) as caught:
        client.subjects()
    assert caught.value.reason == "unexpected response: not JSON (HTTP 200) after 4 attempts"


def test_wrong_shape_fails_closed(registry_double: RegistryDouble) -> None:
    with RegistryClient(settings(registry_double.url)) as client:
        client.register("s", V1, "AVRO")
        registry_double.faults.fail_next(1, status=200, body={"subjects": ["s"]})
        with pytest.raises(RegistryError, match="unexpected response: expected a list of subject names"):
            client.subjects()
        registry_double.faults.fail_next(1, status=200, body={"is_compatible": "yes"})
        with pytest.raises(RegistryError, match="is_compatible is not true or false"):
            client.test_compatibility("s", V1, "AVRO")
        registry_double.faults.fail_next(1, status=200, body={"compatibilityLevel": "SIDEWAYS"})
        with pytest.raises(RegistryError, match="unknown compatibility level"):
            client.effective_config("s")
        registry_double.faults.fail_next(1, status=200, body={"version": 1, "schema": "{}"})
        with pytest.raises(RegistryError, match="without version, id or schema"):
            client.get_version("s")


def test_read_timeout(registry_double_factory: Factory) -> None:
    double = registry_double_factory()
    retries = {**FAST_RETRIES, "max": 1}
    with RegistryClient(settings(double.url, timeout={"connect": 1, "read": 0.2}, retries=retries)) as client:
        double.faults.latency(1.0)
        started = time.monotonic()
        with pytest.raises(RegistryError) as caught:
            client.subjects()
        elapsed = time.monotonic() - started
        double.faults.latency(0)
    assert caught.value.reason == "timed out after 0.2 s waiting for a response after 2 attempts"
    assert elapsed < 1.5


def test_unreachable_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but not listening: connections are refused
        with (
            RegistryClient(
                settings(f"http://127.0.0.1:{port}", auth={"bearer": {"token": SECRET}})
            ) as client,
            pytest.raises(RegistryError) as caught,
        ):
            client.subjects()
    assert caught.value.reason == "unreachable: connection refused after 4 attempts"
    assert_clean(caught.value)


def test_a_registry_found_unreachable_is_not_asked_again_in_the_run(caplog: pytest.LogCaptureFixture) -> None:
    """Every attempt of one request refused: the run's later requests fail at once with that reason
    (a check of 500 subjects took 79 s to say the registry was down), until the caller asks again
    (publish, to put back a level it set)."""
    caplog.set_level("INFO", logger="contractctl")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but not listening: connections are refused
        with RegistryClient(settings(f"http://127.0.0.1:{port}")) as client:
            with pytest.raises(RegistryError):
                client.subjects()
            retried = caplog.text.count("retrying in")
            assert retried == FAST_RETRIES["max"]
            with pytest.raises(RegistryError) as again:
                client.versions("orders-value")
            assert again.value.reason.endswith("after 4 attempts (not asked again in this run)")
            assert caplog.text.count("retrying in") == retried  # no attempt made
            client.ask_again()
            with pytest.raises(RegistryError) as asked:
                client.versions("orders-value")
            assert asked.value.reason == "unreachable: connection refused after 4 attempts"
            assert caplog.text.count("retrying in") == 2 * retried


def test_no_retries_configured(registry_double_factory: Factory) -> None:
    double = registry_double_factory()
    with RegistryClient(settings(double.url, retries={"max": 0})) as client:
        double.faults.fail_next(1, status=502)
        with pytest.raises(RegistryError) as caught:
            client.subjects()
    assert caught.value.reason == "HTTP 502 Bad Gateway (error_code 502, Injected failure (HTTP 502))"


def test_delete_is_not_repeated_after_it_may_have_reached_the_server(registry_double: RegistryDouble) -> None:
    with RegistryClient(settings(registry_double.url)) as client:
        client.register("s", V1, "AVRO")
        registry_double.faults.drop_next(1, path_prefix="/subjects/s")
        with pytest.raises(RegistryError, match="connection dropped"):
            client.request("DELETE", "/subjects/s")
        assert len([r for r in registry_double.requests if r.method == "DELETE"]) == 1
        registry_double.faults.rate_limit_next(1, retry_after=0)  # refused before processing: safe
        assert client.request("DELETE", "/subjects/s") == [1]


def test_concurrency_limit_per_registry(registry_double_factory: Factory) -> None:
    double = registry_double_factory()
    with RegistryClient(settings(double.url, max_concurrency=3)) as client:
        double.faults.latency(0.5)
        seen: list[int] = []
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.05):
                seen.append(len(double.requests))

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.monotonic()
        try:
            results = fan_out([client.subjects for _ in range(9)], max_workers=9)
        finally:
            done.set()
            watcher.join()
        elapsed = time.monotonic() - started
        double.faults.latency(0)
    assert results == [[]] * 9
    assert elapsed >= 1.5  # three waves of three
    assert seen and max(b - a for a, b in zip([0, *seen], seen, strict=False)) <= 3
    assert seen[len(seen) // 6] <= 3  # during the first wave, only three had reached the registry


def test_fan_out_order_and_exceptions(two_registries: TwoRegistries) -> None:
    aws, azure = two_registries
    azure.faults.fail_next(10, status=503)
    with (
        RegistryClient(settings(aws.url, name="aws")) as a,
        RegistryClient(settings(azure.url, name="azure")) as z,
    ):

        def slow(value: int) -> Callable[[], int]:
            def task() -> int:
                time.sleep(0.05 * (5 - value))
                return value

            return task

        results = fan_out([a.subjects, z.subjects, *[slow(i) for i in range(5)]], max_workers=8)
    assert results[0] == []
    assert isinstance(results[1], RegistryError) and results[1].registry == "azure"
    assert results[2:] == [0, 1, 2, 3, 4]
    assert fan_out([], max_workers=4) == []
    with pytest.raises(ValueError):
        fan_out([lambda: 1], max_workers=0)


def test_fan_out_all_stops_asking_a_registry_once_a_call_failed(registry_double_factory: Factory) -> None:
    """One registry's subjects answer one question together: the first failure is the answer, and the
    calls not yet started are not sent (each would retry on its own against a registry that is down)."""
    double = registry_double_factory()
    double.faults.fail_next(100_000, status=503)
    subjects = [f"s{number}" for number in range(60)]
    with RegistryClient(settings(double.url, max_concurrency=2)) as client:
        tasks = [partial(client.versions, subject) for subject in subjects]
        with pytest.raises(RegistryError) as raised:
            fan_out_all(tasks, max_workers=2)
    assert raised.value.subject in (None, "s0") and "503" in str(raised.value)
    attempts = 1 + FAST_RETRIES["max"]
    asked = {r.decoded_path for r in double.requests}
    assert len(double.requests) <= 4 * attempts  # the first ones in flight, not all 60
    assert "/subjects/s0/versions" in asked and "/subjects/s59/versions" not in asked
