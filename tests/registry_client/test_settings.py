"""RegistrySettings validation: every problem names the config file and the key path, never a secret."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contractctl.errors import ConfigError
from contractctl.registry import RegistrySettings
from contractctl.registry.settings import BasicAuthSettings, BearerAuthSettings, OAuthSettings

SECRET = "SENTINEL-s3cr3t-value"


def parse(raw: dict[str, Any], tmp_path: Path) -> RegistrySettings:
    return RegistrySettings.from_config("aws", raw, tmp_path / "contractctl.yaml")


def test_defaults(tmp_path: Path) -> None:
    s = parse({"url": "https://sr.example.com/"}, tmp_path)
    assert s.url == "https://sr.example.com"
    assert (s.timeout.connect, s.timeout.read) == (5.0, 30.0)
    assert (s.retries.max, s.retries.backoff_initial, s.retries.backoff_max) == (3, 0.5, 10.0)
    assert s.retries.retry_after_max == 30.0
    assert s.max_concurrency == 8 and s.tls.verify and s.auth is None and s.context is None


def test_full_settings(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text(SECRET + "\n")
    s = parse(
        {
            "url": "http://127.0.0.1:1",
            "context": "staging",
            "auth": {"basic": {"username": "key", "password_file": "pw"}},
            "timeout": {"connect": 1, "read": 2.5},
            "retries": {"max": 0},
            "max_concurrency": 2,
        },
        tmp_path,
    )
    assert s.context == ".staging"
    assert isinstance(s.auth, BasicAuthSettings) and s.auth.password.get() == SECRET
    assert s.secrets() == [SECRET]
    assert s.timeout.read == 2.5 and s.retries.max == 0 and s.max_concurrency == 2


@pytest.mark.parametrize(
    ("raw", "key_path", "problem"),
    [
        ({}, "registries.aws.url", "missing"),
        ({"url": "ftp://x"}, "registries.aws.url", "http:// or https://"),
        ({"url": "https://"}, "registries.aws.url", "no host"),
        ({"url": f"https://key:{SECRET}@sr.example.com"}, "registries.aws.url", "credentials"),
        ({"url": "https://sr", "color": 1}, "registries.aws.color", "unknown key"),
        ({"url": ""}, "registries.aws.url", "expected a non-empty string, got an empty string"),
        ({"url": "https://sr", "context": ":bad:"}, "registries.aws.context", "invalid context"),
        (
            {"url": "https://sr", "auth": {"basic": {"username": "k"}}},
            "registries.aws.auth.basic.password",
            "missing",
        ),
        (
            {
                "url": "https://sr",
                "auth": {"basic": {"username": "k", "password": SECRET, "password_file": "f"}},
            },
            "registries.aws.auth.basic.password",
            "not both",
        ),
        (
            {"url": "https://sr", "auth": {"basic": {"username": "k", "password": 5}}},
            "registries.aws.auth.basic.password",
            "non-empty string",
        ),
        (
            {
                "url": "https://sr",
                "auth": {"basic": {"username": "k", "password": SECRET}, "bearer": {"token": "t"}},
            },
            "registries.aws.auth",
            "choose one",
        ),
        ({"url": "https://sr", "auth": {"bearer": {}}}, "registries.aws.auth.bearer.token", "missing"),
        (
            {"url": "https://sr", "auth": {"oauth": {"client_id": "c", "client_secret": SECRET}}},
            "registries.aws.auth.oauth.token_url",
            "missing",
        ),
        (
            {
                "url": "https://sr",
                "auth": {"oauth": {"token_url": "x", "client_id": "c", "client_secret": SECRET}},
            },
            "registries.aws.auth.oauth.token_url",
            "http:// or https://",
        ),
        (
            {"url": "https://sr", "auth": {"mtls": {"cert": "c.pem", "key": "k.pem"}}},
            "registries.aws.auth.mtls.cert",
            "file not found",
        ),
        ({"url": "https://sr", "auth": {"kerberos": {}}}, "registries.aws.auth.kerberos", "unknown key"),
        ({"url": "https://sr", "tls": {"ca": "nope.pem"}}, "registries.aws.tls.ca", "file not found"),
        ({"url": "https://sr", "tls": {"verify": "no"}}, "registries.aws.tls.verify", "true or false"),
        (
            {"url": "https://sr", "tls": {"verify": True}, "verify": False},
            "registries.aws.verify",
            "contradicts",
        ),
        ({"url": "https://sr", "timeout": {"read": 0}}, "registries.aws.timeout.read", "between"),
        ({"url": "https://sr", "timeout": {"read": None}}, "registries.aws.timeout.read", "number"),
        ({"url": "https://sr", "timeout": {"connect": True}}, "registries.aws.timeout.connect", "number"),
        ({"url": "https://sr", "retries": {"max": -1}}, "registries.aws.retries.max", "between"),
        ({"url": "https://sr", "retries": {"max": 1.5}}, "registries.aws.retries.max", "whole number"),
        (
            {"url": "https://sr", "retries": {"backoff_initial": 5, "backoff_max": 1}},
            "registries.aws.retries.backoff_max",
            "less than",
        ),
        ({"url": "https://sr", "max_concurrency": 0}, "registries.aws.max_concurrency", "between"),
        ({"url": "https://sr", "timeout": "fast"}, "registries.aws.timeout", "mapping"),
    ],
)
def test_errors_name_file_and_key_path(
    raw: dict[str, Any], key_path: str, problem: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(raw, tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'contractctl.yaml'}: {key_path}: "), message
    assert problem in message
    assert SECRET not in message and SECRET not in repr(caught.value)


def test_mtls_needs_https_and_combines_with_basic(tmp_path: Path) -> None:
    for name in ("c.pem", "k.pem", "ca.pem"):
        (tmp_path / name).write_text("x")
    mtls = {"cert": "c.pem", "key": "k.pem", "ca": "ca.pem"}
    with pytest.raises(ConfigError, match=r"registries\.aws\.auth\.mtls: client certificates need an https"):
        parse({"url": "http://sr", "auth": {"mtls": mtls}}, tmp_path)
    s = parse(
        {"url": "https://sr", "auth": {"mtls": mtls, "basic": {"username": "k", "password": SECRET}}},
        tmp_path,
    )
    assert s.mtls is not None and s.mtls.cert == tmp_path / "c.pem"
    assert s.tls.ca == tmp_path / "ca.pem"  # DESIGN.md's mtls.ca lands in tls.ca
    assert isinstance(s.auth, BasicAuthSettings)


def test_verify_shorthand_and_no_ca_without_verification(tmp_path: Path) -> None:
    assert parse({"url": "https://sr", "verify": False}, tmp_path).tls.verify is False
    (tmp_path / "ca.pem").write_text("x")
    with pytest.raises(ConfigError, match=r"tls\.ca: is pointless"):
        parse({"url": "https://sr", "tls": {"ca": "ca.pem", "verify": False}}, tmp_path)


def test_repr_never_shows_secrets(tmp_path: Path) -> None:
    s = parse(
        {
            "url": "https://sr",
            "auth": {"oauth": {"token_url": "https://idp/token", "client_id": "c", "client_secret": SECRET}},
        },
        tmp_path,
    )
    assert isinstance(s.auth, OAuthSettings)
    assert SECRET not in repr(s) and SECRET not in str(s)
    assert "***" in repr(s)


def test_missing_secret_file_is_reported_at_parse_and_at_use(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"auth\.bearer\.token_file: file not found"):
        parse({"url": "https://sr", "auth": {"bearer": {"token_file": "gone"}}}, tmp_path)
    token = tmp_path / "token"
    token.write_text(SECRET)
    s = parse({"url": "https://sr", "auth": {"bearer": {"token_file": "token"}}}, tmp_path)
    token.unlink()
    assert isinstance(s.auth, BearerAuthSettings)
    with pytest.raises(ConfigError, match=r"registries\.aws\.auth\.bearer\.token_file: cannot read"):
        s.auth.token.get()
