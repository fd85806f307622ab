"""Basic, bearer, OAuth client credentials and mTLS against the double; TLS verification by default."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from contractctl.errors import ConfigError
from contractctl.registry import RegistryClient, RegistryError
from contractctl.registry.auth import OAuthProvider

from ..registry_double import BasicAuth, BearerAuth, RegistryDouble, TlsConfig, write_test_pki
from .helpers import settings, token_server

Factory = Callable[..., RegistryDouble]
SECRET = "SENTINEL-pa55word"


def assert_clean(error: BaseException, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in str(error) and secret not in repr(error)
        assert secret not in (getattr(error, "detail", None) or "")


def test_basic_auth(registry_double_factory: Factory) -> None:
    double = registry_double_factory(auth=BasicAuth("key", SECRET))
    with RegistryClient(settings(double.url, auth={"basic": {"username": "key", "password": SECRET}})) as ok:
        assert ok.subjects() == []
    with (
        RegistryClient(
            settings(double.url, auth={"basic": {"username": "key", "password": "x" + SECRET}})
        ) as bad,
        pytest.raises(RegistryError) as caught,
    ):
        bad.subjects()
    assert caught.value.reason == "HTTP 401 Unauthorized: check the credentials"
    assert caught.value.exit_code == 3 and caught.value.status == 401
    assert_clean(caught.value, SECRET)
    assert len(double.requests) == 2  # a 401 is an answer: not retried


def test_bearer_with_cloud_headers_and_forbidden(registry_double_factory: Factory) -> None:
    double = registry_double_factory(auth=BearerAuth(SECRET))
    auth = {"bearer": {"token": SECRET, "logical_cluster": "lsrc-1", "identity_pool_id": "pool-a"}}
    with RegistryClient(settings(double.url, auth=auth)) as client:
        assert client.subjects() == []
        sent = double.requests[-1].headers
        assert (sent["target-sr-cluster"], sent["Confluent-Identity-Pool-Id"]) == ("lsrc-1", "pool-a")
        double.faults.forbid_next(1)
        with pytest.raises(RegistryError) as caught:
            client.subjects()
    assert caught.value.status == 403 and "lack permission" in caught.value.reason
    assert_clean(caught.value, SECRET)


def test_oauth_token_fetched_cached_and_refreshed_on_401(registry_double_factory: Factory) -> None:
    with token_server("client-1", SECRET) as idp:
        double = registry_double_factory(auth=BearerAuth("tok-1-SENTINELTOKEN"))
        auth = {
            "oauth": {"token_url": idp.url, "client_id": "client-1", "client_secret": SECRET, "scope": "sr"}
        }
        with RegistryClient(settings(double.url, auth=auth)) as client:
            assert client.subjects() == [] and client.versions("x") == []
            assert idp.issued == ["tok-1-SENTINELTOKEN"] and idp.scopes == ["sr"]  # cached
            double.auth = BearerAuth("tok-2-SENTINELTOKEN")  # the registry revokes the first token
            assert client.subjects() == []
            assert idp.issued == ["tok-1-SENTINELTOKEN", "tok-2-SENTINELTOKEN"]
            double.auth = BearerAuth("something-else")  # a second 401 is final: refresh only once
            with pytest.raises(RegistryError) as caught:
                client.subjects()
            assert caught.value.status == 401 and len(idp.issued) == 3
            assert_clean(caught.value, SECRET, *idp.issued)
            assert SECRET not in repr(client._transport.auth)


def test_oauth_token_refreshed_before_expiry(registry_double_factory: Factory) -> None:
    with token_server("c", SECRET, expires_in=6) as idp:  # refreshed once 5 s (MIN_REMAINING) are left
        double = registry_double_factory()
        auth = {"oauth": {"token_url": idp.url, "client_id": "c", "client_secret": SECRET}}
        with RegistryClient(settings(double.url, auth=auth)) as client:
            client.subjects()
            client.subjects()
            assert len(idp.issued) == 1
            time.sleep(1.1)
            client.subjects()
            assert len(idp.issued) == 2
            provider = client._transport.auth
            assert isinstance(provider, OAuthProvider) and provider.fetches == 2


def test_oauth_bad_client_secret(registry_double_factory: Factory) -> None:
    with token_server("c", SECRET) as idp:
        double = registry_double_factory()
        auth = {"oauth": {"token_url": idp.url, "client_id": "c", "client_secret": "wrong-" + SECRET}}
        with (
            RegistryClient(settings(double.url, auth=auth)) as client,
            pytest.raises(RegistryError) as caught,
        ):
            client.subjects()
    assert "OAuth token endpoint: HTTP 401" in caught.value.reason and "client_secret" in caught.value.reason
    assert_clean(caught.value, SECRET)
    assert double.requests == []  # never reached the registry without a token


def test_tls_verification_is_on_by_default(
    registry_double_factory: Factory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pki = write_test_pki(tmp_path / "pki")
    double = registry_double_factory(tls=TlsConfig(pki=pki))
    with RegistryClient(settings(double.url)) as client, pytest.raises(RegistryError) as caught:
        client.subjects()
    assert caught.value.reason.startswith("TLS certificate verification failed")
    assert "tls.ca" in caught.value.reason
    assert double.requests == []  # not retried, nothing sent
    with RegistryClient(settings(double.url, tls={"ca": str(pki.ca_cert)})) as trusted:
        assert trusted.subjects() == []
    wrong_ca = RegistryClient(settings(double.url, tls={"ca": str(pki.other_ca_cert)}))
    with wrong_ca, pytest.raises(RegistryError, match="TLS certificate verification failed"):
        wrong_ca.subjects()
    with RegistryClient(settings(double.url, tls={"verify": False})) as unverified:
        assert unverified.subjects() == []
    assert "registry aws: TLS certificate verification is OFF" in caplog.text


def test_mtls(registry_double_factory: Factory, tmp_path: Path) -> None:
    pki = write_test_pki(tmp_path / "pki")
    double = registry_double_factory(
        tls=TlsConfig(require_client_cert=True, pki=pki), auth=BasicAuth("k", SECRET)
    )
    mtls = {"cert": str(pki.client_cert), "key": str(pki.client_key)}
    basic = {"username": "k", "password": SECRET}
    with RegistryClient(
        settings(double.url, tls={"ca": str(pki.ca_cert)}, auth={"mtls": mtls, "basic": basic})
    ) as c:
        assert c.subjects() == []
    no_cert = RegistryClient(settings(double.url, tls={"ca": str(pki.ca_cert)}, auth={"basic": basic}))
    with no_cert, pytest.raises(RegistryError) as caught:
        no_cert.subjects()
    assert "the registry rejected the client certificate" in caught.value.reason, caught.value.reason
    assert_clean(caught.value, SECRET)
    bad_key = {"cert": str(pki.client_cert), "key": str(pki.server_key)}  # a key that does not match
    with pytest.raises(ConfigError, match=r"registries\.aws\.auth\.mtls: cannot load"):
        RegistryClient(settings(double.url, tls={"ca": str(pki.ca_cert)}, auth={"mtls": bad_key}))
