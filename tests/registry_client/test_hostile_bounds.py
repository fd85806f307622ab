"""The client against a hostile server: every abuse ends fast, as a RegistryError naming the bound.

In process and quick; the end-to-end corpus (tests/e2e/test_hostile_registries.py) runs the same
servers against every command, with memory and time measured from outside.
"""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from contractctl.errors import ConfigError
from contractctl.registry import RegistryClient, RegistryError
from contractctl.registry.bounded import MAX_JSON_DEPTH, TooLarge, parse_json, read_capped
from tests.registry_client.helpers import settings
from tests.registry_double.hostile import MODES, HostileServer

CAP = 4 * 1024 * 1024
BOUNDS = {
    "max_response_bytes": CAP,
    "timeout": {"connect": 2, "read": 5, "request": 1, "command": 30},
    "retries": {"max": 1, "backoff_initial": 0.01, "backoff_max": 0.02},
}
EXPECTED = {
    "gzip_bomb": "larger than the response size cap of 4 MiB (max_response_bytes: 4194304)",
    "huge_length": "larger than the response size cap of 4 MiB",
    "endless_chunked": "larger than the response size cap of 4 MiB",
    "trickle_headers": "no complete answer within the request deadline (timeout.request: 1 s)",
    "trickle_body": "no complete answer within the request deadline (timeout.request: 1 s)",
    "deep_json": f"JSON nested deeper than {MAX_JSON_DEPTH} levels",
}


@pytest.fixture(params=MODES)
def hostile(request: pytest.FixtureRequest) -> Iterator[HostileServer]:
    with HostileServer(request.param) as server:
        yield server


def _failing_call(client: RegistryClient) -> tuple[RegistryError, float, int]:
    """The RegistryError a listing ends in, with the seconds and the peak bytes it took."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(RegistryError) as raised:
            client.subjects()
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        client.close()
    return raised.value, elapsed, peak


def test_each_abuse_is_a_bounded_registry_error(hostile: HostileServer) -> None:
    error, elapsed, peak = _failing_call(RegistryClient(settings(hostile.url, **BOUNDS)))
    assert error.registry == "aws"
    assert EXPECTED[hostile.mode] in error.reason
    assert str(error).startswith("registry aws: ")
    assert elapsed < 4, f"{hostile.mode} held the client {elapsed:.1f} s"
    # never much more than the cap in memory (the deep answer is parsed before its depth is known)
    assert peak < 3 * CAP, f"{hostile.mode} made the client hold {peak / 2**20:.0f} MiB"
    assert hostile.requests == 1, "a size, depth or deadline failure is final: no retry"


def test_command_deadline_spans_requests() -> None:
    bounds = {**BOUNDS, "timeout": {"connect": 2, "read": 5, "request": 0.6, "command": 1}}
    with HostileServer("trickle_body") as server:
        client = RegistryClient(settings(server.url, **bounds))
        try:
            with pytest.raises(RegistryError, match=r"request deadline \(timeout.request: 0.6 s\)"):
                client.subjects()
            started = time.monotonic()
            with pytest.raises(RegistryError, match=r"command deadline \(timeout.command: 1 s\)"):
                client.subjects()
            assert time.monotonic() - started < 0.8
        finally:
            client.close()


def test_bounds_are_validated_settings() -> None:
    assert settings("http://r", **BOUNDS).timeout.request == 1
    defaults = settings("http://r")
    assert (defaults.max_response_bytes, defaults.timeout.request, defaults.timeout.command) == (
        8 * 1024 * 1024,
        120,
        900,
    )
    with pytest.raises(ConfigError, match=r"registries.aws.max_response_bytes: must be between 1024"):
        settings("http://r", max_response_bytes=10)
    with pytest.raises(ConfigError, match=r"registries.aws.timeout.request: expected a number"):
        settings("http://r", timeout={"request": "soon"})


def test_read_capped_decodes_within_the_cap() -> None:
    body = json.dumps(["orders-value"] * 100).encode()
    packed = gzip.compress(body)
    assert read_capped({"Content-Encoding": "gzip"}, iter([packed[:10], packed[10:]]), len(body)) == body
    with pytest.raises(TooLarge):
        read_capped({"Content-Encoding": "gzip"}, iter([packed]), len(body) - 1)
    with pytest.raises(TooLarge):
        read_capped({"Content-Length": str(len(body))}, iter([body]), len(body) - 1)


def test_depth_limit_allows_ordinary_answers() -> None:
    nested: object = "leaf"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = {"a": nested}
    assert parse_json(json.dumps([nested]).encode()) == [nested]


def test_a_hostile_oauth_token_endpoint_is_bounded_like_the_registry(hostile: HostileServer) -> None:
    """The token request goes through the same caps and deadlines: a token endpoint is no more trusted."""
    oauth = {"oauth": {"token_url": hostile.url, "client_id": "c", "client_secret": "s3cr3t-oauth"}}
    client = RegistryClient(settings("http://127.0.0.1:9", auth=oauth, **BOUNDS))
    error, elapsed, peak = _failing_call(client)
    assert EXPECTED[hostile.mode] in error.reason
    assert "OAuth token endpoint" in error.reason or hostile.mode == "deep_json"
    assert "s3cr3t-oauth" not in str(error)
    assert elapsed < 4, f"{hostile.mode} held the token request {elapsed:.1f} s"
    assert peak < 3 * CAP, f"{hostile.mode} made the token request hold {peak / 2**20:.0f} MiB"
