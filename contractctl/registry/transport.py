"""HTTP for one registry: TLS, auth headers, bounded timeouts, retries and the concurrency limit.

Built on **httpx2**, Pydantic's maintained continuation of httpx. It is the HTTP stack confluent-kafka's
own Schema Registry client uses on Python >= 3.10 (so users of the serdes get no second stack), it is
fully typed, has a thread-safe pooled sync client and strict per-phase timeouts, and it is actively
released (httpx itself has had no release since 0.28.1 in Dec 2024). ``httpx2>=2.10`` keeps Python
3.10 working (2.16 needs 3.11). This module is imported only when a :class:`RegistryClient` is
created, so the local pre-commit path never loads it.

Retry policy (every request; a "retry" is an attempt after the first, at most ``retries.max``):

* transport errors (connection refused or reset, dropped connection, timeouts) and an unexpected
  2xx body (a gateway glitch) are retried with exponential backoff and full jitter;
* HTTP 408, 429 and 5xx are retried the same way, except that a ``Retry-After`` on 429/503 is waited
  exactly, and one longer than ``retries.retry_after_max`` fails at once (waiting less would only be
  refused again, and waiting more would make a CI job hang);
* other 4xx are answers, never retried; a 401 with OAuth refreshes the token and repeats once;
* TLS failures (an untrusted certificate, a rejected client certificate) are configuration errors:
  never retried.

Bounds (a hostile or broken server cannot hold the command or its memory):

* every request ends by ``timeout.request`` (retries and waits included), and every request of the
  command to this registry by ``timeout.command``, however slowly the server trickles bytes
  (see deadline.py); a retry that would not fit is not made;
* an answer is read streamed and stops at ``max_response_bytes`` decoded (gzip bombs, huge
  Content-Length, endless chunked bodies), and its JSON may nest at most ``MAX_JSON_DEPTH`` levels
  (see bounded.py). Neither is retried: the same server would answer the same.

Every request of this API may be repeated: reads, lookups and compatibility tests are safe, PUT
config/mode set a value, and registration is idempotent in Schema Registry (the same schema in the
same subject gives back the same id and version, also in IMPORT mode with an explicit id and version),
so a register that timed out after reaching the server is simply asked again and answers the first
attempt's id. Only DELETE (through :meth:`RegistryClient.request`) is not: a repeated soft delete
answers 40404, so DELETE is retried only when it certainly never reached the server (connect errors,
429).
"""

from __future__ import annotations

import base64
import email.utils
import json
import random
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus
from typing import Any
from urllib.parse import quote_plus, urlencode

import httpcore2
import httpx2

from contractctl import __version__
from contractctl.errors import ConfigError
from contractctl.generic import log_setup
from contractctl.generic.masking import add_secret
from contractctl.registry.auth import AuthProvider, Token, make_provider
from contractctl.registry.bounded import (
    MAX_JSON_DEPTH,
    BadEncoding,
    TooDeep,
    TooLarge,
    parse_json,
    read_capped,
)
from contractctl.registry.deadline import DeadlineBackend, deadline_scope
from contractctl.registry.errors import RegistryError, scrub
from contractctl.registry.settings import OAuthSettings, RegistrySettings

log = log_setup.logger("contractctl.registry")

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
ACCEPT = (
    "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, "
    "application/json; qs=0.5"
)
JSON_TYPES = frozenset(
    {"application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json", "application/json"}
)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
USER_AGENT = f"contractctl/{__version__}"
_HEADERS = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
_JSON_HEADERS = {**_HEADERS, "Content-Type": CONTENT_TYPE}


@dataclass(frozen=True)
class Reply:
    """A final answer: ``payload`` is the parsed JSON of a 2xx, or the error body ({} if not JSON)."""

    status: int
    payload: Any


@dataclass(frozen=True)
class _Failure:
    reason: str
    retriable: bool
    not_sent: bool = False  # the request certainly never reached the server


_UNREACHABLE = "unreachable: "  # a connection that could not be made: nothing was sent


class _Retry(Exception):
    """Internal: one attempt failed in a way that may be retried."""

    def __init__(
        self, reason: str, not_sent: bool = False, wait: float | None = None, status: int | None = None
    ):
        super().__init__(reason)
        self.reason = reason
        self.not_sent = not_sent
        self.wait = wait
        self.status = status


def build_ssl_context(settings: RegistrySettings, for_token_endpoint: bool = False) -> ssl.SSLContext:
    """The registry's trust and client certificate; the token endpoint keeps the system store too."""
    tls = settings.tls
    prefix = f"registries.{settings.name}"
    if not tls.verify and not for_token_endpoint:
        log.warning("registry %s: TLS certificate verification is OFF (tls.verify: false)", settings.name)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif tls.ca is not None and not for_token_endpoint:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        _load_ca(context, tls.ca, f"{prefix}.tls.ca")
    elif tls.ca is not None or settings.mtls is not None:
        context = httpx2.create_ssl_context()  # the system store, and more loaded into it below
        if tls.ca is not None:
            _load_ca(context, tls.ca, f"{prefix}.tls.ca")
    else:
        return _system_trust()
    if settings.mtls is not None and not for_token_endpoint:
        mtls = settings.mtls
        password = mtls.key_password.get() if mtls.key_password is not None else None
        try:
            context.load_cert_chain(str(mtls.cert), str(mtls.key), password)
        except ssl.SSLError as error:
            raise ConfigError(
                f"{prefix}.auth.mtls: cannot load the client certificate and key "
                f"({error.reason or 'bad PEM or wrong key password'})"
            ) from None
        except OSError as error:
            raise ConfigError(f"{prefix}.auth.mtls: cannot read the certificate: {error.strerror}") from None
    return context


@lru_cache(maxsize=1)
def _system_trust() -> ssl.SSLContext:
    """The system's CA store, loaded once per process (about 80 ms each time) and shared by every
    registry and token endpoint that adds nothing to it; a context is safe to share between threads."""
    return httpx2.create_ssl_context()


def _load_ca(context: ssl.SSLContext, path: Any, key_path: str) -> None:
    try:
        context.load_verify_locations(cafile=str(path))
    except (ssl.SSLError, ValueError):
        raise ConfigError(f"{key_path}: {path} holds no PEM CA certificate") from None
    except OSError as error:
        raise ConfigError(f"{key_path}: cannot read {path}: {error.strerror}") from None


class Transport:
    """One pooled, thread-safe HTTP client per registry, limited to ``max_concurrency`` requests."""

    def __init__(self, settings: RegistrySettings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.name = settings.name
        self._sleep = sleep
        self._semaphore = threading.BoundedSemaphore(settings.max_concurrency)
        timeout = httpx2.Timeout(
            connect=settings.timeout.connect,
            read=settings.timeout.read,
            write=settings.timeout.read,
            pool=settings.timeout.connect + settings.timeout.read,
        )
        limits = httpx2.Limits(
            max_connections=settings.max_concurrency, max_keepalive_connections=settings.max_concurrency
        )
        oauth = isinstance(settings.auth, OAuthSettings)
        # contexts first: a bad certificate is a ConfigError before any client (and pool) exists
        tls_settings = settings.mtls is not None or settings.tls.ca is not None or not settings.tls.verify
        if settings.url.lower().startswith("http://") and not tls_settings:
            registry_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # plain HTTP: never used
        else:
            registry_context = build_ssl_context(settings)
        token_context = build_ssl_context(settings, for_token_endpoint=True) if oauth else None
        # The transport itself, not an httpx2.Client: a Client adds per request what a registry call
        # never needs (URL merging, cookies, auth and redirect flows, event hooks), about a third of the
        # client CPU per request. No proxy or .netrc is picked up behind the user's back, and redirects
        # are not followed (3xx is reported, see _interpret).
        self._http = httpx2.HTTPTransport(verify=registry_context, limits=limits, trust_env=False)
        _bound_by_deadlines(self._http)
        self._command_deadline = time.monotonic() + settings.timeout.command
        self._timeouts = timeout.as_dict()
        # The token endpoint gets its own transport (its own trust store), bounded like the registry's:
        # same deadlines under every socket operation, same answer size cap.
        self._token_http: httpx2.HTTPTransport | None = None
        fetch = None
        if token_context is not None:
            self._token_http = httpx2.HTTPTransport(verify=token_context, trust_env=False)
            _bound_by_deadlines(self._token_http)
            fetch = self._fetch_token
        self.auth: AuthProvider = make_provider(settings.auth, fetch)
        self._secrets: list[str] | None = None
        self.also_mask: list[str] = []  # other registries' secrets: a server may echo any
        # why a request could not reach the registry at all, every attempt spent: the later requests
        # of this run fail at once with it, where each retried on its own (a check of 500 subjects
        # against a registry that was down took 79 s to say so)
        self._unreachable: str | None = None
        self._tokens: list[str] = []

    def forget_unreachable(self) -> None:
        self._unreachable = None

    def close(self) -> None:
        self._http.close()
        if self._token_http is not None:
            self._token_http.close()

    def __repr__(self) -> str:
        return f"Transport(name={self.name!r})"

    # -- the retry loop ------------------------------------------------------------------------------

    def send(self, method: str, path: str, params: Mapping[str, str] | None, body: Any) -> Reply:
        """Send with retries; returns the final answer or raises :class:`RegistryError`."""
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = _JSON_HEADERS if data is not None else _HEADERS
        url = self.settings.url + path
        if params:
            url += "?" + urlencode(params)
        repeatable = method.upper() != "DELETE"
        unreachable = self._unreachable
        if unreachable is not None:
            raise RegistryError(self.name, f"{unreachable} (not asked again in this run)")
        deadline = self._deadline()

        def attempt() -> Reply:
            refreshed = False
            while True:
                auth = self.auth.headers()
                reply = self._attempt(method, url, data, {**headers, **auth} if auth else headers, deadline)
                if reply.status == 401 and self.auth.refreshable and not refreshed:
                    refreshed = True  # an expired or revoked token: fetch a new one and ask again, once
                    self.auth.invalidate()
                    continue
                return reply

        return self._with_retries(attempt, repeatable, deadline)

    def _deadline(self) -> _Deadline:
        """The earlier of this request's deadline and the command's."""
        timeouts = self.settings.timeout
        request_end = time.monotonic() + timeouts.request
        if request_end <= self._command_deadline:
            return _Deadline(request_end, f"the request deadline (timeout.request: {timeouts.request:g} s)")
        return _Deadline(
            self._command_deadline, f"the command deadline (timeout.command: {timeouts.command:g} s)"
        )

    def _past(self, deadline: _Deadline, after: str = "", what: str = "") -> RegistryError:
        return RegistryError(self.name, f"{what}timed out: no complete answer within {deadline.what}{after}")

    def _with_retries(self, attempt: Callable[[], Reply], repeatable: bool, deadline: _Deadline) -> Reply:
        policy = self.settings.retries
        attempts = policy.max + 1
        for number in range(1, attempts + 1):
            if time.monotonic() >= deadline.at:
                raise self._past(deadline)
            try:
                return attempt()
            except _Retry as retry:
                last = number == attempts or not (repeatable or retry.not_sent)
                if last:
                    suffix = f" after {number} attempts" if number > 1 else ""
                    if retry.not_sent and retry.reason.startswith(_UNREACHABLE):
                        self._unreachable = retry.reason + suffix
                    raise RegistryError(self.name, retry.reason + suffix, status=retry.status) from None
                if retry.wait is not None:
                    delay = retry.wait
                else:
                    delay = random.uniform(
                        0, min(policy.backoff_max, policy.backoff_initial * 2 ** (number - 1))
                    )
                if time.monotonic() + delay >= deadline.at:
                    raise self._past(deadline, f" (last attempt: {retry.reason})") from None
                log.info(
                    "registry %s: %s; retrying in %.2f s (attempt %d of %d)",
                    self.name,
                    retry.reason,
                    delay,
                    number + 1,
                    attempts,
                )
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self,
        method: str,
        url: str,
        data: bytes | None,
        headers: Mapping[str, str],
        deadline: _Deadline,
    ) -> Reply:
        """One HTTP exchange under the concurrency limit, the deadline and the size cap; raises _Retry
        or RegistryError."""
        if not self._semaphore.acquire(timeout=max(0.0, deadline.at - time.monotonic())):
            raise self._past(deadline)
        try:
            status, response_headers, content = self._exchange(
                self._http, httpx2.Request(method, url, headers=headers, content=data), deadline
            )
        finally:
            self._semaphore.release()
        return self._interpret(status, response_headers, content)

    def _exchange(
        self, http: httpx2.HTTPTransport, request: httpx2.Request, deadline: _Deadline, what: str = ""
    ) -> tuple[int, httpx2.Headers, bytes]:
        """Send ``request`` and read its answer within the deadline and the size cap; raises _Retry or
        RegistryError (``what`` prefixes their reasons, e.g. "OAuth token endpoint ")."""
        request.extensions = {"timeout": self._timeouts}
        try:
            with deadline_scope(deadline.at):
                response = http.handle_request(request)
                try:
                    content = read_capped(
                        response.headers, response.iter_raw(), self.settings.max_response_bytes
                    )
                finally:
                    response.close()
        except httpx2.TransportError as error:
            if isinstance(error, httpx2.TimeoutException) and time.monotonic() >= deadline.at - 0.01:
                raise self._past(deadline, what=what) from None
            failure = self._classify(error)
            if failure.retriable:
                raise _Retry(what + failure.reason, not_sent=failure.not_sent) from None
            raise RegistryError(self.name, what + failure.reason) from None
        except TooLarge:
            cap = self.settings.max_response_bytes
            raise RegistryError(
                self.name,
                f"{what}unexpected response: the answer is larger than the response size cap of "
                f"{_size(cap)} (max_response_bytes: {cap})",
            ) from None
        except BadEncoding as error:
            shown = scrub(str(error), self.secrets())
            raise RegistryError(self.name, f"{what}unexpected response: content encoding {shown!r}") from None
        return response.status_code, response.headers, content

    def _interpret(self, status: int, headers: Mapping[str, str], content: bytes) -> Reply:
        if 200 <= status < 300:
            if status == 204 or not content:
                return Reply(status, None)
            return Reply(status, self._parse_success(status, headers, content))
        error_body = self._error_body(content)
        error_code = error_body.get("error_code") if isinstance(error_body.get("error_code"), int) else None
        if status in RETRY_STATUSES:
            wait = None
            retry_after = _retry_after(headers.get("Retry-After"))
            if retry_after is not None and status in (429, 503):
                limit = self.settings.retries.retry_after_max
                if retry_after > limit:
                    raise RegistryError(
                        self.name,
                        f"HTTP {status} {_phrase(status)}: the registry asks to retry after "
                        f"{retry_after:g} s, more than retries.retry_after_max ({limit:g} s)",
                        status=status,
                        error_code=error_code,
                    )
                wait = retry_after
            raise _Retry(
                f"HTTP {status} {_phrase(status)}{self._server_message(error_body)}",
                not_sent=status == 429,
                wait=wait,
                status=status,
            )
        if 300 <= status < 400:
            raise RegistryError(
                self.name,
                f"unexpected response: HTTP {status} redirect "
                "(check the registry url; redirects are not followed)",
                status=status,
            )
        return Reply(status, error_body)

    def _parse_success(self, status: int, headers: Mapping[str, str], content: bytes) -> Any:
        media = headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media not in JSON_TYPES:
            shown = scrub(media, self.secrets()) or "none"
            raise _Retry(f"unexpected response: content type {shown} (expected Schema Registry JSON)")
        try:
            return self._json(content)
        except (ValueError, UnicodeDecodeError):
            raise _Retry(f"unexpected response: not JSON (HTTP {status})") from None

    def _json(self, content: bytes) -> Any:
        """Parsed within the depth limit; too deep is an error of its own, never retried."""
        try:
            return parse_json(content)
        except TooDeep:
            raise RegistryError(
                self.name, f"unexpected response: JSON nested deeper than {MAX_JSON_DEPTH} levels"
            ) from None

    def _error_body(self, content: bytes) -> dict[str, Any]:
        try:
            body = self._json(content)
        except (ValueError, UnicodeDecodeError):
            return {}
        return body if isinstance(body, dict) else {}

    def _server_message(self, error_body: Mapping[str, Any]) -> str:
        message = error_body.get("message")
        code = error_body.get("error_code")
        if not isinstance(message, str) or not message.strip():
            return ""
        code_text = f"error_code {code}, " if isinstance(code, int) else ""
        return f" ({code_text}{scrub(message, self.secrets())})"

    def secrets(self) -> list[str]:
        if self._secrets is None:
            self._secrets = self.settings.secrets()
        return [*self._secrets, *self._tokens, *self.also_mask]

    def _classify(self, error: httpx2.TransportError) -> _Failure:
        ssl_error = _find_cause(error, ssl.SSLError)
        timeouts = self.settings.timeout
        if isinstance(ssl_error, ssl.SSLCertVerificationError):
            why = ssl_error.verify_message or ssl_error.reason or "certificate verify failed"
            hint = (
                "set tls.ca to the registry's CA bundle" if self.settings.tls.ca is None else "check tls.ca"
            )
            return _Failure(f"TLS certificate verification failed: {why} ({hint})", retriable=False)
        if ssl_error is not None:
            text = (ssl_error.reason or str(ssl_error)).lower().replace("_", " ")
            if "alert" in text and ("certificate" in text or "unknown ca" in text or "bad" in text):
                return _Failure(
                    f"TLS: the registry rejected the client certificate ({text}; check auth.mtls)",
                    retriable=False,
                )
            if isinstance(ssl_error, ssl.SSLEOFError | ssl.SSLZeroReturnError):
                return _Failure("connection dropped during the TLS handshake", retriable=True)
            return _Failure(f"TLS handshake failed: {text}", retriable=False)
        if isinstance(error, httpx2.ConnectTimeout):
            return _Failure(f"timed out after {timeouts.connect} s connecting", retriable=True, not_sent=True)
        if isinstance(error, httpx2.PoolTimeout):
            return _Failure("timed out waiting for a free connection", retriable=True, not_sent=True)
        if isinstance(error, httpx2.TimeoutException):
            return _Failure(f"timed out after {timeouts.read} s waiting for a response", retriable=True)
        if isinstance(error, httpx2.ConnectError):
            return _Failure(f"{_UNREACHABLE}{_connect_reason(error)}", retriable=True, not_sent=True)
        if isinstance(error, httpx2.RemoteProtocolError | httpx2.ReadError | httpx2.WriteError):
            return _Failure("connection dropped: the registry closed it without an answer", retriable=True)
        return _Failure(f"transport error: {type(error).__name__}", retriable=True)

    # -- OAuth client credentials --------------------------------------------------------------------

    def _fetch_token(self) -> Token:
        """POST grant_type=client_credentials with client_secret_basic (RFC 6749 §2.3.1, §4.4)."""
        oauth = self.settings.auth
        assert isinstance(oauth, OAuthSettings) and self._token_http is not None
        token_http = self._token_http
        secret = oauth.client_secret.get()
        credentials = f"{quote_plus(oauth.client_id)}:{quote_plus(secret)}".encode()
        form = {"grant_type": "client_credentials"}
        if oauth.scope:
            form["scope"] = oauth.scope
        body = urlencode(form).encode()
        headers = {
            "Authorization": "Basic " + base64.b64encode(credentials).decode("ascii"),
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        deadline = self._deadline()

        def attempt() -> Reply:
            request = httpx2.Request("POST", oauth.token_url, headers=headers, content=body)
            status, _, content = self._exchange(token_http, request, deadline, what="OAuth token endpoint: ")
            if status in RETRY_STATUSES:
                raise _Retry(f"OAuth token endpoint: HTTP {status} {_phrase(status)}", status=status)
            try:
                return Reply(status, self._json(content))
            except (ValueError, UnicodeDecodeError):
                return Reply(status, None)

        reply = self._with_retries(attempt, repeatable=True, deadline=deadline)
        if reply.status in (400, 401):
            raise RegistryError(
                self.name,
                f"OAuth token endpoint: HTTP {reply.status} {_phrase(reply.status)}: "
                "check auth.oauth client_id, client_secret and scope",
                status=reply.status,
            )
        if not 200 <= reply.status < 300:
            raise RegistryError(
                self.name,
                f"OAuth token endpoint: HTTP {reply.status} {_phrase(reply.status)}",
                status=reply.status,
            )
        payload = reply.payload
        if not isinstance(payload, dict) or not isinstance(payload.get("access_token"), str):
            raise RegistryError(self.name, "OAuth token endpoint: unexpected response: no access_token")
        token_type = payload.get("token_type", "Bearer")
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise RegistryError(
                self.name, "OAuth token endpoint: unexpected response: token_type is not Bearer"
            )
        expires_in = payload.get("expires_in")
        if isinstance(expires_in, str) and expires_in.isdigit():
            expires_in = int(expires_in)
        if expires_in is not None and (
            isinstance(expires_in, bool) or not isinstance(expires_in, int | float)
        ):
            raise RegistryError(
                self.name, "OAuth token endpoint: unexpected response: expires_in is not a number"
            )
        token = Token(payload["access_token"], float(expires_in) if expires_in is not None else None)
        add_secret(token.value)
        self._tokens = [*self._tokens[-1:], token.value]  # masked in server messages like any secret
        return token


@dataclass(frozen=True)
class _Deadline:
    at: float  # time.monotonic()
    what: str  # which setting set it, for the message


def _bound_by_deadlines(http: httpx2.HTTPTransport) -> None:
    """Put the deadline under every socket operation of ``http``'s connections (see deadline.py).

    httpx2 builds its httpcore2 pool without letting callers choose the network backend; the pool
    hands its backend to each connection it creates, so swapping it before the first request covers
    every connection. Checked here, so an httpx2 release that moves it fails loudly, not silently.
    """
    pool = getattr(http, "_pool", None)
    if not isinstance(pool, httpcore2.ConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("httpx2's connection pool changed: registry deadlines cannot be enforced")
    pool._network_backend = DeadlineBackend()


def _size(count: int) -> str:
    if count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MiB"
    if count % 1024 == 0:
        return f"{count // 1024} KiB"
    return f"{count} bytes"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or unusable."""
    if value is None:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _find_cause(error: BaseException, kind: type[ssl.SSLError]) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _connect_reason(error: httpx2.ConnectError) -> str:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ConnectionRefusedError):
            return "connection refused"
        if isinstance(current, OSError) and current.__class__.__name__ == "gaierror":
            return "cannot resolve the host name"
        if isinstance(current, OSError) and current.strerror:
            return current.strerror.lower()
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    text = str(error).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename nor servname" in text:
        return "cannot resolve the host name"
    return "cannot connect"
