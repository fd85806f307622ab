"""Minimal stdlib HTTP client for exercising the double over real loopback HTTP."""

from __future__ import annotations

import http.client
import json
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

CT = "application/vnd.schemaregistry.v1+json"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """One short-lived connection per call, so faults and latency are observed per request."""

    def __init__(
        self, base_url: str, headers: dict[str, str] | None = None, context: ssl.SSLContext | None = None
    ):
        parts = urlsplit(base_url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 0
        self.prefix = parts.path.rstrip("/")
        self.headers = headers or {}
        self.context = context

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        content_type: str = CT,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if self.https:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                self.host, self.port, timeout=10, context=self.context
            )
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
            sent = {"Accept": CT, **self.headers, **(headers or {})}
            if data is not None:
                sent["Content-Type"] = content_type
            conn.request(method, self.prefix + path, body=data, headers=sent)
            resp = conn.getresponse()
            return Response(resp.status, dict(resp.getheaders()), resp.read())
        finally:
            conn.close()

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Response:
        return self.request("POST", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Response:
        return self.request("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request("DELETE", path, **kw)


def enc(subject: str) -> str:
    """Encode a subject like confluent-kafka does: ``quote(s, safe='')``."""
    return quote(subject, safe="")


def record(name: str, *fields: dict[str, Any], namespace: str = "com.example") -> str:
    return json.dumps({"type": "record", "name": name, "namespace": namespace, "fields": list(fields)})
