"""Settings builders and a tiny loopback OAuth token endpoint for the registry client tests."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_plus

from contractctl.registry import RegistryClient, RegistrySettings

CONFIG = Path("/nonexistent/contractctl.yaml")
FAST_RETRIES = {"max": 3, "backoff_initial": 0.01, "backoff_max": 0.05, "retry_after_max": 5}


def settings(url: str, name: str = "aws", config: Path = CONFIG, **raw: Any) -> RegistrySettings:
    raw.setdefault("retries", FAST_RETRIES)
    raw.setdefault("timeout", {"connect": 2, "read": 5})
    return RegistrySettings.from_config(name, {"url": url, **raw}, config)


def subject_level(client: RegistryClient, subject: str) -> str | None:
    """The level set on the subject itself; None when it inherits (40408, or 40401 before CP 7.0).
    contractctl itself only reads the effective level; the tests use this to see what was set where."""
    payload = client.request("GET", f"/config/{client.subject_path(subject)}", not_found={40408, 40401})
    return None if payload is None else str(payload["compatibilityLevel"])


def schema_text_by_id(client: RegistryClient, schema_id: int) -> str | None:
    """The schema text with this id in the client's context (ids are per context); None if absent."""
    context = client.settings.context
    params = {"subject": f":{context}:"} if context else None
    payload = client.request("GET", f"/schemas/ids/{schema_id}", params=params, not_found={40403})
    return None if payload is None else str(payload["schema"])


def avro_record(name: str, *fields: dict[str, Any]) -> str:
    return json.dumps({"type": "record", "name": name, "namespace": "com.acme", "fields": list(fields)})


class TokenServer:
    """OAuth client-credentials endpoint: checks client_secret_basic, issues numbered tokens.

    ``issued`` lists every token handed out; ``expires_in`` controls their lifetime; ``reject``
    answers 401 (bad client credentials).
    """

    def __init__(self, client_id: str, client_secret: str, expires_in: float | None = 3600) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.expires_in = expires_in
        self.issued: list[str] = []
        self.scopes: list[str | None] = []
        self.reject = False
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/oauth2/token"

    def next_token(self) -> str:
        with self._lock:
            token = f"tok-{len(self.issued) + 1}-SENTINELTOKEN"
            self.issued.append(token)
            return token

    def start(self) -> TokenServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                scheme, _, value = (self.headers.get("Authorization") or "").partition(" ")
                user, _, password = base64.b64decode(value or "").decode().partition(":")
                ok = (
                    scheme == "Basic"
                    and (unquote_plus(user), unquote_plus(password)) == (owner.client_id, owner.client_secret)
                    and form.get("grant_type") == ["client_credentials"]
                    and not owner.reject
                )
                if ok:
                    owner.scopes.append(form.get("scope", [None])[0])
                    body: dict[str, Any] = {"access_token": owner.next_token(), "token_type": "Bearer"}
                    if owner.expires_in is not None:
                        body["expires_in"] = owner.expires_in
                    status = 200
                else:
                    body, status = {"error": "invalid_client"}, 401
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)


@contextmanager
def token_server(
    client_id: str, client_secret: str, expires_in: float | None = 3600
) -> Iterator[TokenServer]:
    server = TokenServer(client_id, client_secret, expires_in).start()
    try:
        yield server
    finally:
        server.stop()
