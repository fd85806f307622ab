"""Runtime-controllable fault injection for the registry double.

Rules are queued and consumed one request at a time under a lock, so tests can arm faults while
client threads are in flight. Each rule may be scoped to a decoded path prefix (e.g. ``/subjects``).
Latency is applied in the handler thread, so it delays requests without serialising them.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FaultBody = Mapping[str, Any] | str | bytes | None


@dataclass
class Fault:
    """One armed fault: ``kind`` is fail | rate_limit | drop | lose_answer | garbage | forbid."""

    kind: str
    remaining: int
    path_prefix: str | None = None
    status: int = 503
    body: FaultBody = None
    headers: dict[str, str] = field(default_factory=dict)
    method: str | None = None  # only requests with this method (None: any)

    def matches(self, path: str, method: str | None = None) -> bool:
        if self.method is not None and method is not None and self.method != method.upper():
            return False
        return self.path_prefix is None or path.startswith(self.path_prefix)


class Faults:
    """Thread-safe fault controls: ``reg.faults.fail_next(2)`` etc."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self._latency = 0.0
        self._latency_prefix: str | None = None
        self.injected: list[tuple[str, str]] = []
        """(kind, path) of every fault that fired, for assertions."""
        self.echo_credentials = False
        """Echo the request's Authorization into every JSON answer (see :func:`echo_credentials`)."""

    def latency(self, seconds: float, path_prefix: str | None = None) -> None:
        """Delay every matching request by ``seconds`` until reset with ``latency(0)``."""
        with self._lock:
            self._latency = seconds
            self._latency_prefix = path_prefix

    def fail_next(
        self,
        n: int = 1,
        status: int = 503,
        body: FaultBody = None,
        path_prefix: str | None = None,
        method: str | None = None,
    ) -> None:
        """Answer the next ``n`` matching requests (``method``: only those, e.g. ``"POST"``) with
        ``status`` and ``body`` (JSON if a mapping), without serving them."""
        if body is None:
            body = {"error_code": status, "message": f"Injected failure (HTTP {status})"}
        self._arm(Fault("fail", n, path_prefix, status, body, method=_upper(method)))

    def rate_limit_next(self, n: int = 1, retry_after: float = 1, path_prefix: str | None = None) -> None:
        """Answer with 429 and ``Retry-After`` (Confluent Cloud's rate limit shape)."""
        headers = {
            "Retry-After": f"{retry_after:g}",
            "X-RateLimit-Limit": "25",
            "X-RateLimit-Remaining": "0",
        }
        body = {"error_code": 429, "message": "Too Many Requests"}
        self._arm(Fault("rate_limit", n, path_prefix, 429, body, headers))

    def drop_next(self, n: int = 1, path_prefix: str | None = None, method: str | None = None) -> None:
        """Close the connection after reading the request, without any response."""
        self._arm(Fault("drop", n, path_prefix, method=_upper(method)))

    def lose_answer_next(self, n: int = 1, path_prefix: str | None = None, method: str | None = None) -> None:
        """Serve the request (its write is applied), then close the connection without the answer:
        the client cannot tell whether a write it sent took effect."""
        self._arm(Fault("lose_answer", n, path_prefix, method=_upper(method)))

    def garbage_next(self, n: int = 1, path_prefix: str | None = None) -> None:
        """Answer 200 with the registry content type but a body that is not JSON."""
        self._arm(Fault("garbage", n, path_prefix, 200, b"<html><body>502 Bad Gateway?</body></html>\x00{"))

    def forbid_next(self, n: int = 1, path_prefix: str | None = None) -> None:
        """Answer 403 (error_code 40301) after authentication succeeds, like an RBAC denial."""
        body = {"error_code": 40301, "message": "User is denied operation on this resource."}
        self._arm(Fault("forbid", n, path_prefix, 403, body))

    def clear(self) -> None:
        with self._lock:
            self.echo_credentials = False
            self._rules.clear()
            self._latency = 0.0
            self._latency_prefix = None

    def pending(self) -> int:
        with self._lock:
            return sum(rule.remaining for rule in self._rules)

    def _arm(self, fault: Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("n must be >= 1")
        with self._lock:
            self._rules.append(fault)

    def take_latency(self, path: str) -> float:
        with self._lock:
            if self._latency_prefix is None or path.startswith(self._latency_prefix):
                return self._latency
            return 0.0

    def take(self, path: str, forbid_stage: bool = False, method: str | None = None) -> Fault | None:
        """Consume one matching rule (transport faults first; ``forbid`` only after auth)."""
        with self._lock:
            for rule in self._rules:
                if (rule.kind == "forbid") == forbid_stage and rule.matches(path, method):
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self._rules.remove(rule)
                    self.injected.append((rule.kind, path))
                    return rule
            return None


def _upper(method: str | None) -> str | None:
    return None if method is None else method.upper()


def echo_credentials(payload: Any, authorization: str | None) -> Any:
    """``payload`` with the request's credentials echoed in every form a careless server might use:
    appended to error messages and to each compatibility message, and as extra subject names in a
    list of names (the raw header, the decoded ``user:pass``, a URL holding it, a subject named after
    the secret)."""
    if not authorization:
        return payload
    scheme, _, value = authorization.partition(" ")
    secret = value
    echoes = [authorization]
    if scheme.lower() == "basic":
        try:
            pair = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            pair = value
        secret = pair.partition(":")[2]
        echoes += [pair, f"https://{pair}@registry.example"]
    echoes.append(f"leak-{secret}-value")
    text = "; request was: " + " | ".join(echoes)
    if isinstance(payload, list) and all(isinstance(item, str) for item in payload):
        return [*payload, *echoes]
    if isinstance(payload, Mapping):
        echoed = dict(payload)
        if isinstance(echoed.get("message"), str):
            echoed["message"] += text
        if isinstance(echoed.get("messages"), list):
            echoed["messages"] = [f"{message}{text}" for message in echoed["messages"]] or [text]
        return echoed
    return payload
