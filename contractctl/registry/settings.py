"""Typed, validated settings of one named registry (``registries.NAME`` in contractctl.yaml).

Validation happens before any connection, so a typo is an exit-2 error naming the key path, not a
confusing network failure. Secrets are held in :class:`Secret`, whose repr never shows the value, and
secret files are read when the client needs them (so rotation by a sidecar works, and a local command
that never talks to the registry never reads them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from contractctl.config.project import REGISTRY_KEYS
from contractctl.errors import ConfigError
from contractctl.generic.masking import add_secret
from contractctl.generic.value_kind import type_name

DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Secret:
    """A secret given inline (already interpolated from the environment) or as a file read at use."""

    value: str | None = field(default=None, repr=False)
    file: Path | None = None
    key_path: str = ""  # for errors: "contractctl.yaml: registries.aws.auth.basic.password"

    def __post_init__(self) -> None:
        if self.value:
            add_secret(self.value)  # masked in all output from the moment it is known

    def get(self) -> str:
        if self.value is not None:
            return self.value
        assert self.file is not None
        try:
            text = self.file.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"{self.key_path}_file: cannot read {self.file}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{self.key_path}_file: {self.file} is not UTF-8 text") from None
        secret = text.strip()
        if not secret:
            raise ConfigError(f"{self.key_path}_file: {self.file} is empty")
        add_secret(secret)
        return secret

    def __repr__(self) -> str:
        return f"Secret(file={str(self.file)!r})" if self.file is not None else "Secret('***')"


@dataclass(frozen=True)
class BasicAuthSettings:
    username: str
    password: Secret

    def __post_init__(self) -> None:
        if self.password.value:
            add_secret(self.password.value, username=self.username)  # "user:pass", base64 and URL forms


@dataclass(frozen=True)
class BearerAuthSettings:
    token: Secret
    logical_cluster: str | None = None
    identity_pool_id: str | None = None


@dataclass(frozen=True)
class OAuthSettings:
    """OAuth 2 client credentials (RFC 6749 §4.4); the token is cached and refreshed by the client."""

    token_url: str
    client_id: str
    client_secret: Secret
    scope: str | None = None
    logical_cluster: str | None = None
    identity_pool_id: str | None = None


@dataclass(frozen=True)
class MtlsSettings:
    cert: Path
    key: Path
    key_password: Secret | None = None


HttpAuth = BasicAuthSettings | BearerAuthSettings | OAuthSettings


@dataclass(frozen=True)
class TlsSettings:
    ca: Path | None = None  # replaces the system trust store for this registry
    verify: bool = True


@dataclass(frozen=True)
class TimeoutSettings:
    """Seconds. ``connect`` and ``read`` bound one socket operation; ``request`` bounds one request
    from its first connect to its last byte, retries and their waits included; ``command`` bounds all
    of one command's requests to this registry (counted from when the command opens it)."""

    connect: float = 5.0
    read: float = 30.0
    request: float = 120.0
    command: float = 900.0


@dataclass(frozen=True)
class RetrySettings:
    max: int = 3  # retries after the first attempt
    backoff_initial: float = 0.5
    backoff_max: float = 10.0
    retry_after_max: float = 30.0


@dataclass(frozen=True)
class RegistrySettings:
    name: str
    url: str  # no trailing slash, no userinfo
    context: str | None = None  # ".staging"
    auth: HttpAuth | None = None
    mtls: MtlsSettings | None = None
    tls: TlsSettings = field(default_factory=TlsSettings)
    timeout: TimeoutSettings = field(default_factory=TimeoutSettings)
    retries: RetrySettings = field(default_factory=RetrySettings)
    max_concurrency: int = 8
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES  # decoded size of one answer

    @classmethod
    def from_config(cls, name: str, raw: Mapping[str, Any], config_path: Path) -> RegistrySettings:
        """Validate ``registries.NAME`` (already interpolated); errors name ``file: key.path: problem``."""
        return _Parser(name, config_path).registry(raw)

    def secrets(self) -> list[str]:
        """Every secret value this registry uses (for masking server messages); unreadable files skipped."""
        holders: list[Secret | None] = []
        if isinstance(self.auth, BasicAuthSettings):
            holders.append(self.auth.password)
        elif isinstance(self.auth, BearerAuthSettings):
            holders.append(self.auth.token)
        elif isinstance(self.auth, OAuthSettings):
            holders.append(self.auth.client_secret)
        if self.mtls is not None:
            holders.append(self.mtls.key_password)
        values = []
        for holder in holders:
            if holder is None:
                continue
            try:
                values.append(holder.get())
            except ConfigError:
                continue  # an unreadable file cannot leak; the use site reports the problem
        return values


_INLINE_SECRETS = (
    ("basic", "password"),
    ("bearer", "token"),
    ("oauth", "client_secret"),
    ("mtls", "key_password"),
)


def _mask_inline_secrets(raw: Any) -> None:
    """Register every inline secret of ``registries.NAME.auth`` for masking, as given: an error about
    any key (a ``context`` or ``url`` that holds the same variable) is raised before the secret's own
    key is validated, and it must not show it."""
    auth = raw.get("auth") if isinstance(raw, Mapping) else None
    if not isinstance(auth, Mapping):
        return
    for scheme, key in _INLINE_SECRETS:
        section = auth.get(scheme)
        value = section.get(key) if isinstance(section, Mapping) else None
        if isinstance(value, str) and value:
            username = section.get("username") if scheme == "basic" else None  # type: ignore[union-attr]
            add_secret(value, username=username.strip() if isinstance(username, str) else None)


class _Parser:
    def __init__(self, name: str, config_path: Path) -> None:
        self.name = name
        self.config_path = config_path
        self.base = config_path.parent

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.config_path}: {self.key_path(key)}: {problem}")

    def key_path(self, key: str) -> str:
        return f"registries.{self.name}.{key}" if key else f"registries.{self.name}"

    def mapping(self, value: Any, key: str, allowed: AbstractSet[str]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.fail(key, f"expected a mapping, got {type_name(value)}")
        for item in value:
            if item not in allowed:
                prefix = f"{key}." if key else ""
                raise self.fail(
                    f"{prefix}{item}", f"unknown key (expected one of: {', '.join(sorted(allowed))})"
                )
        return dict(value)

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty string, got {type_name(value)}")
        return value.strip()

    def optional_string(self, section: Mapping[str, Any], key: str, prefix: str) -> str | None:
        return self.string(section[key], f"{prefix}.{key}") if key in section else None

    def number(self, value: Any, key: str, minimum: float, maximum: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(key, f"expected a number of seconds, got {type_name(value)}")
        if not minimum <= value <= maximum:
            raise self.fail(key, f"must be between {minimum:g} and {maximum:g} (got {value:g})")
        return float(value)

    def integer(self, value: Any, key: str, minimum: int, maximum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, got {type_name(value)}")
        if not minimum <= value <= maximum:
            raise self.fail(key, f"must be between {minimum} and {maximum} (got {value})")
        return value

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {type_name(value)}")
        return value

    def file(self, value: Any, key: str) -> Path:
        path = Path(self.string(value, key)).expanduser()
        path = path if path.is_absolute() else self.base / path
        if not path.is_file():
            raise self.fail(key, f"file not found: {path}")
        return path

    def secret(
        self, section: Mapping[str, Any], key: str, prefix: str, required: bool = True
    ) -> Secret | None:
        """``key`` inline or ``key_file``; exactly one (the file must exist now, it is read at use)."""
        inline, from_file = key in section, f"{key}_file" in section
        full = f"{prefix}.{key}"
        if inline and from_file:
            raise self.fail(full, f"give either {key} or {key}_file, not both")
        if inline:
            value = section[key]
            if not isinstance(value, str) or not value:
                # never echo the value: it is a secret even when it has the wrong type
                raise self.fail(full, f"expected a non-empty string, got {type_name(value)}")
            return Secret(value=value, key_path=f"{self.config_path}: {self.key_path(full)}")
        if from_file:
            return Secret(
                file=self.file(section[f"{key}_file"], f"{full}_file"),
                key_path=f"{self.config_path}: {self.key_path(full)}",
            )
        if required:
            raise self.fail(full, f"missing (give {key}, from an environment variable, or {key}_file)")
        return None

    def registry(self, raw: Mapping[str, Any]) -> RegistrySettings:
        _mask_inline_secrets(raw)  # before any check: an error about another key may quote one
        top = self.mapping(raw, "", REGISTRY_KEYS)
        if "url" not in top:
            raise self.fail("url", "missing (the registry's base URL)")
        url = self.url(top["url"], "url")
        context = self.context(top.get("context"))
        auth, mtls, mtls_ca = self.auth(top.get("auth"))
        tls = self.tls(top.get("tls"), top.get("verify"), "verify" in top, mtls_ca)
        if mtls is not None and not url.startswith("https://"):
            raise self.fail("auth.mtls", "client certificates need an https:// url")
        timeout_raw = self.mapping(top.get("timeout"), "timeout", {"connect", "read", "request", "command"})
        defaults = TimeoutSettings()
        timeout = TimeoutSettings(
            connect=self.number(timeout_raw.get("connect", defaults.connect), "timeout.connect", 0.05, 300),
            read=self.number(timeout_raw.get("read", defaults.read), "timeout.read", 0.05, 600),
            request=self.number(timeout_raw.get("request", defaults.request), "timeout.request", 0.05, 3600),
            command=self.number(timeout_raw.get("command", defaults.command), "timeout.command", 0.05, 86400),
        )
        retries_raw = self.mapping(
            top.get("retries"), "retries", {"max", "backoff_initial", "backoff_max", "retry_after_max"}
        )
        retries = RetrySettings(
            max=self.integer(retries_raw.get("max", 3), "retries.max", 0, 10),
            backoff_initial=self.number(
                retries_raw.get("backoff_initial", 0.5), "retries.backoff_initial", 0, 60
            ),
            backoff_max=self.number(retries_raw.get("backoff_max", 10.0), "retries.backoff_max", 0, 300),
            retry_after_max=self.number(
                retries_raw.get("retry_after_max", 30.0), "retries.retry_after_max", 0, 600
            ),
        )
        if retries.backoff_max < retries.backoff_initial:
            raise self.fail("retries.backoff_max", "must not be less than retries.backoff_initial")
        max_concurrency = self.integer(top.get("max_concurrency", 8), "max_concurrency", 1, 64)
        max_response_bytes = self.integer(
            top.get("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES), "max_response_bytes", 1024, 2**30
        )
        return RegistrySettings(
            name=self.name,
            url=url,
            context=context,
            auth=auth,
            mtls=mtls,
            tls=tls,
            timeout=timeout,
            retries=retries,
            max_concurrency=max_concurrency,
            max_response_bytes=max_response_bytes,
        )

    def url(self, value: Any, key: str) -> str:
        text = self.string(value, key)
        try:
            parts = urlsplit(text)
            _ = parts.port  # raises on a non-numeric port
        except ValueError:
            raise self.fail(key, "not a valid URL") from None
        # never echo the URL itself: it may carry credentials
        if parts.scheme not in ("http", "https"):
            raise self.fail(key, "must start with http:// or https://")
        if not parts.hostname:
            raise self.fail(key, "has no host")
        if parts.username is not None or parts.password is not None:
            raise self.fail(key, "must not contain credentials; use auth.basic with environment variables")
        if parts.query or parts.fragment:
            raise self.fail(key, "must not have a query or fragment")
        return text.rstrip("/")

    def context(self, value: Any) -> str | None:
        if value is None:
            return None
        text = self.string(value, "context")
        name = text if text.startswith(".") else f".{text}"
        if name == ".":
            return None  # the default context
        if ":" in name or "/" in name or any(ord(c) < 0x20 for c in name) or name == ".__GLOBAL":
            raise self.fail("context", f"invalid context name {text!r} (for example .staging)")
        return name

    def auth(self, value: Any) -> tuple[HttpAuth | None, MtlsSettings | None, Path | None]:
        section = self.mapping(value, "auth", {"basic", "bearer", "oauth", "mtls"})
        schemes = [k for k in ("basic", "bearer", "oauth") if k in section]
        if len(schemes) > 1:
            raise self.fail("auth", f"choose one of basic, bearer or oauth (got {' and '.join(schemes)})")
        http: HttpAuth | None = None
        if "basic" in section:
            basic = self.mapping(section["basic"], "auth.basic", {"username", "password", "password_file"})
            if "username" not in basic:
                raise self.fail("auth.basic.username", "missing (the API key)")
            password = self.secret(basic, "password", "auth.basic")
            assert password is not None
            http = BasicAuthSettings(self.string(basic["username"], "auth.basic.username"), password)
        elif "bearer" in section:
            bearer = self.mapping(
                section["bearer"],
                "auth.bearer",
                {"token", "token_file", "logical_cluster", "identity_pool_id"},
            )
            token = self.secret(bearer, "token", "auth.bearer")
            assert token is not None
            http = BearerAuthSettings(
                token,
                self.optional_string(bearer, "logical_cluster", "auth.bearer"),
                self.optional_string(bearer, "identity_pool_id", "auth.bearer"),
            )
        elif "oauth" in section:
            oauth = self.mapping(
                section["oauth"],
                "auth.oauth",
                {
                    "token_url",
                    "client_id",
                    "client_secret",
                    "client_secret_file",
                    "scope",
                    "logical_cluster",
                    "identity_pool_id",
                },
            )
            for required in ("token_url", "client_id"):
                if required not in oauth:
                    raise self.fail(f"auth.oauth.{required}", "missing")
            secret = self.secret(oauth, "client_secret", "auth.oauth")
            assert secret is not None
            http = OAuthSettings(
                token_url=self.url(oauth["token_url"], "auth.oauth.token_url"),
                client_id=self.string(oauth["client_id"], "auth.oauth.client_id"),
                client_secret=secret,
                scope=self.optional_string(oauth, "scope", "auth.oauth"),
                logical_cluster=self.optional_string(oauth, "logical_cluster", "auth.oauth"),
                identity_pool_id=self.optional_string(oauth, "identity_pool_id", "auth.oauth"),
            )
        mtls: MtlsSettings | None = None
        mtls_ca: Path | None = None
        if "mtls" in section:
            raw = self.mapping(
                section["mtls"], "auth.mtls", {"cert", "key", "key_password", "key_password_file", "ca"}
            )
            for required in ("cert", "key"):
                if required not in raw:
                    raise self.fail(f"auth.mtls.{required}", "missing (a PEM file)")
            mtls = MtlsSettings(
                cert=self.file(raw["cert"], "auth.mtls.cert"),
                key=self.file(raw["key"], "auth.mtls.key"),
                key_password=self.secret(raw, "key_password", "auth.mtls", required=False),
            )
            if "ca" in raw:  # DESIGN.md's sketch puts the CA next to the client certificate
                mtls_ca = self.file(raw["ca"], "auth.mtls.ca")
        return http, mtls, mtls_ca

    def tls(self, value: Any, verify: Any, has_verify: bool, mtls_ca: Path | None) -> TlsSettings:
        section = self.mapping(value, "tls", {"ca", "verify"})
        ca = self.file(section["ca"], "tls.ca") if "ca" in section else None
        if ca is not None and mtls_ca is not None and ca != mtls_ca:
            raise self.fail("auth.mtls.ca", "differs from tls.ca; give the CA once, in tls.ca")
        ca = ca or mtls_ca
        flag = self.boolean(section["verify"], "tls.verify") if "verify" in section else True
        if has_verify:  # a top-level shorthand for tls.verify
            shorthand = self.boolean(verify, "verify")
            if "verify" in section and shorthand != flag:
                raise self.fail("verify", "contradicts tls.verify; set it once, in tls.verify")
            flag = shorthand
        if not flag and ca is not None:
            raise self.fail("tls.ca", "is pointless with verification turned off; drop one of them")
        return TlsSettings(ca=ca, verify=flag)
