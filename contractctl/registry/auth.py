"""Request headers for each auth scheme; the OAuth token is cached, refreshed early and on a 401.

Kept free of the HTTP library: the OAuth provider gets a ``fetch`` function from the transport, so
token caching and expiry are testable on their own and this module imports nothing heavy.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from contractctl.generic.masking import add_secret
from contractctl.registry.settings import (
    BasicAuthSettings,
    BearerAuthSettings,
    HttpAuth,
    OAuthSettings,
)

REFRESH_AT = 0.8  # of a token's lifetime, as confluent-kafka does: never send a nearly expired token
MIN_REMAINING = 5.0  # seconds: a token this close to expiry is refreshed whatever its lifetime


@dataclass(frozen=True)
class Token:
    value: str
    expires_in: float | None  # seconds from when it was obtained; None = until the server says 401


TokenFetcher = Callable[[], Token]


class AuthProvider:
    """No authentication (a registry on a private network, or one using mTLS only)."""

    refreshable = False

    def headers(self) -> dict[str, str]:
        return {}

    def invalidate(self) -> None:
        """Forget a cached credential after a 401; only OAuth can do anything about it."""


class BasicProvider(AuthProvider):
    def __init__(self, settings: BasicAuthSettings) -> None:
        self._settings = settings
        self._header: str | None = None

    def headers(self) -> dict[str, str]:
        if self._header is None:  # read a password file on first use, not at construction
            password = self._settings.password.get()
            add_secret(password, username=self._settings.username)
            raw = f"{self._settings.username}:{password}".encode()
            self._header = "Basic " + base64.b64encode(raw).decode("ascii")
        return {"Authorization": self._header}

    def __repr__(self) -> str:
        return f"BasicProvider(username={self._settings.username!r}, password='***')"


def _cloud_headers(logical_cluster: str | None, identity_pool_id: str | None) -> dict[str, str]:
    """Confluent Cloud routes bearer requests by logical cluster and identity pool."""
    headers = {}
    if logical_cluster:
        headers["target-sr-cluster"] = logical_cluster
    if identity_pool_id:
        headers["Confluent-Identity-Pool-Id"] = identity_pool_id
    return headers


class StaticBearerProvider(AuthProvider):
    def __init__(self, settings: BearerAuthSettings) -> None:
        self._settings = settings
        self._extra = _cloud_headers(settings.logical_cluster, settings.identity_pool_id)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._settings.token.get()}", **self._extra}

    def __repr__(self) -> str:
        return "StaticBearerProvider(token='***')"


class OAuthProvider(AuthProvider):
    """Client-credentials token, shared by all threads of one client; one fetch at a time."""

    refreshable = True

    def __init__(
        self, settings: OAuthSettings, fetch: TokenFetcher, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._extra = _cloud_headers(settings.logical_cluster, settings.identity_pool_id)
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_after: float | None = None
        self.fetches = 0  # how many tokens were obtained (for tests and -v diagnostics)

    def _current(self) -> str:
        with self._lock:
            now = self._clock()
            if self._token is None or (self._refresh_after is not None and now >= self._refresh_after):
                token = self._fetch()
                self.fetches += 1
                self._token = token.value
                if token.expires_in is None:
                    self._refresh_after = None
                else:
                    early = min(token.expires_in * REFRESH_AT, token.expires_in - MIN_REMAINING)
                    self._refresh_after = now + max(0.0, early)
            return self._token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._current()}", **self._extra}

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def __repr__(self) -> str:
        return f"OAuthProvider(fetches={self.fetches}, token='***')"


def make_provider(auth: HttpAuth | None, fetch: TokenFetcher | None) -> AuthProvider:
    if isinstance(auth, BasicAuthSettings):
        return BasicProvider(auth)
    if isinstance(auth, BearerAuthSettings):
        return StaticBearerProvider(auth)
    if isinstance(auth, OAuthSettings):
        assert fetch is not None, "OAuth needs a token fetcher"
        return OAuthProvider(auth, fetch)
    return AuthProvider()
