"""HTTP(S) front end of the registry double: routing, auth, TLS, request log and faults.

Binds 127.0.0.1 on an ephemeral port and serves from a background thread; each connection gets its
own daemon thread, and :meth:`RegistryDouble.stop` closes open connections and joins every thread
it started, so tests leak neither threads nor ports.
"""

from __future__ import annotations

import base64
import binascii
import json
import shutil
import socket
import ssl
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .certs import TestPki, write_test_pki
from .compat import Checker
from .exporters import Exporters
from .faults import Fault, Faults, echo_credentials
from .store import (
    DEFAULT_CONTEXT,
    SCHEMA_TYPES,
    RegistryError,
    SchemaContent,
    SchemaVersion,
    Store,
    is_top_level,
    normalize_subject,
    qualify,
    split_subject,
)

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
ACCEPTED_REQUEST_TYPES = frozenset(
    {
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json",
        "application/octet-stream",
    }
)


@dataclass(frozen=True)
class BasicAuth:
    username: str
    password: str


@dataclass(frozen=True)
class BearerAuth:
    token: str


@dataclass(frozen=True)
class TlsConfig:
    """Serve HTTPS with a test CA; ``pki=None`` generates one (see :attr:`RegistryDouble.pki`)."""

    require_client_cert: bool = False
    pki: TestPki | None = None


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received; the Authorization value is reduced to its scheme."""

    method: str
    path: str  # raw, still percent-encoded, without the query
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    decoded_path: str = ""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def _error(status: int, message: str, code: int | None = None) -> RegistryError:
    return RegistryError(status, code if code is not None else status, message)


@dataclass
class _Request:
    method: str
    segments: list[str]
    query: dict[str, list[str]]
    body: Any = None

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def flag(self, name: str) -> bool:
        """JAX-RS ``Boolean.valueOf``: case-insensitive ``true``, anything else false."""
        return (self.param(name) or "").strip().lower() == "true"

    def json_body(self) -> Mapping[str, Any]:
        if not isinstance(self.body, Mapping):
            raise _error(422, "Request body must be a JSON object", 422)
        return self.body


Handler = Callable[[_Request, dict[str, str]], tuple[int, Any]]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, double: RegistryDouble, ssl_context: ssl.SSLContext | None, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _RequestHandler)
        self.double = double
        self.ssl_context = ssl_context
        self.live_sockets: set[socket.socket] = set()
        self.handler_threads: set[threading.Thread] = set()
        self.track_lock = threading.Lock()
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )

    def process_request(self, request: Any, client_address: Any) -> None:
        """Like ThreadingMixIn, but remembers sockets and threads so ``stop`` can end them."""
        thread = threading.Thread(
            target=self._run, args=(request, client_address), daemon=True, name=f"{self.double.name}-conn"
        )
        with self.track_lock:
            self.live_sockets.add(request)
            self.handler_threads.add(thread)
        thread.start()

    def _run(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self.track_lock:
                self.handler_threads.discard(threading.current_thread())

    def finish_request(self, request: Any, client_address: Any) -> None:
        if isinstance(request, ssl.SSLSocket):
            try:
                request.settimeout(10)
                request.do_handshake()
            except (ssl.SSLError, OSError) as exc:
                self.double.tls_failures.append(f"{type(exc).__name__}: {exc}")
                return
        super().finish_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.track_lock:
            self.live_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Record unexpected handler errors instead of printing them; peers hanging up are normal."""
        self.double.errors.append(traceback.format_exc())


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 30
    # http.server writes a response's headers and body in two send() calls: with Nagle's algorithm on,
    # the body waits for the client's ACK of the headers, which Linux delays by 40 ms on a kept-alive
    # connection. Real registries set TCP_NODELAY (Jetty's connectors do by default), so the double does.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request stderr logging; ``RegistryDouble.requests`` is the log."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _send(
        self, status: int, payload: Any, headers: Mapping[str, str] | None = None, raw: bool = False
    ) -> None:
        if self.server.double.faults.echo_credentials and not raw:
            payload = echo_credentials(payload, self.headers.get("Authorization"))
        if isinstance(payload, bytes):
            data = payload
        elif raw and isinstance(payload, str):
            data = payload.encode()
        else:
            data = json.dumps(payload, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_error(self, exc: RegistryError, headers: Mapping[str, str] | None = None) -> None:
        self._send(exc.status, {"error_code": exc.error_code, "message": exc.message}, headers)

    def _serve(self, method: str) -> None:
        double = self.server.double
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        decoded_path = unquote(split.path)
        headers = {k: v for k, v in self.headers.items()}
        for name in list(headers):
            if name.lower() == "authorization":
                headers[name] = headers[name].split(" ", 1)[0] + " <redacted>"
        query = parse_qs(split.query, keep_blank_values=True)
        double.record(RecordedRequest(method, split.path, query, headers, body, decoded_path))

        delay = double.faults.take_latency(decoded_path)
        if delay > 0 and double.stop_event.wait(delay):
            self.close_connection = True
            return
        fault = double.faults.take(decoded_path, method=method)
        lose_answer = fault is not None and fault.kind == "lose_answer"
        if fault is not None and not lose_answer:
            self._inject(fault)
            return
        auth_error = double.check_auth(self.headers.get("Authorization"))
        if auth_error is not None:
            self._send_error(auth_error[0], auth_error[1])
            return
        fault = double.faults.take(decoded_path, forbid_stage=True, method=method)
        if fault is not None:
            self._inject(fault)
            return
        try:
            status, payload, raw = double.dispatch(
                method, split.path, query, body, self.headers.get("Content-Type")
            )
        except RegistryError as exc:
            if lose_answer:
                self._drop()
                return
            self._send_error(exc)
            return
        if lose_answer:  # served (any write is applied), but the answer never reaches the client
            self._drop()
            return
        self._send(status, payload, raw=raw)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:  # the peer already hung up: the connection is dropped either way
            return

    def _inject(self, fault: Fault) -> None:
        if fault.kind == "drop":
            self._drop()
            return
        payload: Any = fault.body
        if isinstance(payload, Mapping):
            payload = dict(payload)
        elif isinstance(payload, str):
            payload = payload.encode()
        self._send(fault.status, payload, fault.headers)


class RegistryDouble:
    """A Confluent Schema Registry test double on loopback.

    ``checkers`` maps a schema type to a :data:`~registry_double.compat.Checker`; AVRO (Apache Avro's
    checker) and JSON (:mod:`registry_double.jsonschema_compat`, Confluent's rules) have built-in
    ones. A type without a checker always counts as compatible, so PROTOBUF registrations succeed
    and the compatibility endpoint answers ``is_compatible: true`` unless a checker is supplied.
    ``legacy_responses=True`` imitates servers before CP 8.0: AVRO ``schemaType`` omitted, register
    answering ``{"id": N}`` only, and incompatibility ``error_code`` 409 instead of 40901.

    Schema Linking: ``/exporters`` is served, and exporters really replicate over HTTP (see
    :mod:`registry_double.exporters`; hooks on :attr:`exporters`). ``cluster_id`` names the AUTO
    destination context (``.<cluster_id>``, default the double's ``name``); ``export_delay`` is how
    long a write waits before exporters copy it; ``exporter_startup`` how long an exporter stays
    STARTING after create/resume; ``max_exporters`` the 40964 limit.
    ``port=0`` picks a free port; after :meth:`stop`, :meth:`start` binds the same port again, so a
    destination that "comes back" keeps its URL.
    """

    def __init__(
        self,
        name: str = "registry",
        auth: BasicAuth | BearerAuth | None = None,
        tls: TlsConfig | None = None,
        checkers: Mapping[str, Checker] | None = None,
        default_compatibility: str = "BACKWARD",
        legacy_responses: bool = False,
        cluster_id: str | None = None,
        export_delay: float = 0.2,
        exporter_startup: float = 0.1,
        max_exporters: int = 10,
        port: int = 0,
        schema_search_default_limit: int = 1000,
        schema_search_max_limit: int = 1000,
    ) -> None:
        self.name = name
        self.schema_search_default_limit = schema_search_default_limit
        self.schema_search_max_limit = schema_search_max_limit
        """``GET /schemas`` answers at most this many records, as Confluent since 7.4.1 does
        (``schema.search.default.limit`` / ``schema.search.max.limit``, both 1000 by default)."""
        self.stale_lookups_after_write = 0
        """Lookups (``POST /subjects/{S}``) that, after each registration, still answer as if it had
        not happened: a follower behind a load balancer that has not read the leader's write yet
        (Confluent forwards registrations to the leader but answers lookups from the local store)."""
        self._unseen: dict[tuple[str, int], int] = {}
        self.mode_default_to_global = True
        """False plays a server before CP 7.0: ``GET /mode/{S}`` ignores ``defaultToGlobal`` and
        answers 40401 for a subject without a mode of its own (ModeResource.getMode in 6.x)."""
        self.all_versions_compatibility = True
        """False plays a server before CP 7.0, which has only ``POST /compatibility/subjects/{S}/
        versions/{V}``: the all-versions path answers 404 like any unknown path."""
        self.auth = auth
        self.tls = tls
        self.store = Store(checkers, default_compatibility, legacy_responses)
        self.faults = Faults()
        self.errors: list[str] = []
        """Tracebacks of unexpected server-side failures; fixtures assert it stays empty."""
        self.exporters = Exporters(
            self.store, cluster_id or name, self.errors, export_delay, exporter_startup, max_exporters
        )
        """Schema Linking exporters served by this double, with their test hooks."""
        self._port = port
        self.tls_failures: list[str] = []
        self.stop_event = threading.Event()
        self.pki: TestPki | None = tls.pki if tls else None
        self._requests: list[RecordedRequest] = []
        self._requests_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._tmpdir: str | None = None
        self._routes = self._build_routes()

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> RegistryDouble:
        if self._server is not None:
            raise RuntimeError("already started")
        context = None
        if self.tls is not None:
            if self.pki is None:
                self._tmpdir = tempfile.mkdtemp(prefix=f"registry-double-{self.name}-")
                self.pki = write_test_pki(self._tmpdir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(self.pki.server_cert), str(self.pki.server_key))
            if self.tls.require_client_cert:
                context.verify_mode = ssl.CERT_REQUIRED
                context.load_verify_locations(cafile=str(self.pki.ca_cert))
        self.stop_event.clear()
        self._server = _Server(self, context, self._port)
        self._port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.name}-serve",
            daemon=True,
        )
        self._thread.start()
        self.exporters.start(self.name)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, close open connections and join every thread the double started."""
        server, self._server = self._server, None
        if server is None:
            return
        self.stop_event.set()
        stuck_worker = self.exporters.stop(timeout)
        server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout)
        with server.track_lock:
            sockets = list(server.live_sockets)
            threads = list(server.handler_threads)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed by the peer or by its handler: the goal is reached
                continue
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        server.server_close()
        alive = [t.name for t in threads if t.is_alive()]
        if stuck_worker is not None:
            alive.append(stuck_worker.name)
        if self._thread is not None and self._thread.is_alive():
            alive.append(self._thread.name)
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
        if alive:
            raise RuntimeError(f"registry double {self.name!r} left threads running: {alive}")

    def __enter__(self) -> RegistryDouble:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("registry double is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    # -- request log ---------------------------------------------------------------------------------

    def record(self, request: RecordedRequest) -> None:
        with self._requests_lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._requests_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._requests_lock:
            self._requests.clear()

    # -- auth ----------------------------------------------------------------------------------------

    def check_auth(self, header: str | None) -> tuple[RegistryError, dict[str, str]] | None:
        if self.auth is None:
            return None
        scheme, _, value = (header or "").partition(" ")
        if isinstance(self.auth, BasicAuth):
            challenge = {"WWW-Authenticate": 'Basic realm="SchemaRegistry"'}
            if scheme.lower() == "basic":
                try:
                    user, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
                except (binascii.Error, UnicodeDecodeError):
                    user, password = "", ""
                if (user, password) == (self.auth.username, self.auth.password):
                    return None
        else:
            challenge = {"WWW-Authenticate": 'Bearer realm="SchemaRegistry"'}
            if scheme.lower() == "bearer" and value.strip() == self.auth.token:
                return None
        return _error(401, "Unauthorized"), challenge

    # -- routing -------------------------------------------------------------------------------------

    def _build_routes(self) -> list[tuple[str, tuple[str, ...], Handler]]:
        """(method, pattern, handler); ``{x}`` segments bind percent-decoded path segments."""
        return [
            ("GET", (), lambda r, p: (200, {})),
            ("GET", ("v1", "metadata", "id"), self._metadata_id),
            ("GET", ("subjects",), self._list_subjects),
            ("GET", ("schemas",), self._list_schemas),
            ("GET", ("subjects", "{s}", "versions"), self._list_versions),
            ("POST", ("subjects", "{s}", "versions"), self._register),
            ("POST", ("subjects", "{s}"), self._lookup),
            ("DELETE", ("subjects", "{s}"), self._delete_subject),
            ("GET", ("subjects", "{s}", "versions", "{v}"), self._get_version),
            ("GET", ("subjects", "{s}", "versions", "{v}", "schema"), self._get_version_schema),
            ("GET", ("subjects", "{s}", "versions", "{v}", "referencedby"), self._referenced_by),
            ("DELETE", ("subjects", "{s}", "versions", "{v}"), self._delete_version),
            ("GET", ("schemas", "types"), lambda r, p: (200, list(SCHEMA_TYPES))),
            ("GET", ("schemas", "ids", "{id}"), self._schema_by_id),
            ("GET", ("schemas", "ids", "{id}", "schema"), self._schema_by_id_raw),
            ("GET", ("schemas", "ids", "{id}", "subjects"), self._subjects_for_id),
            ("GET", ("schemas", "ids", "{id}", "versions"), self._versions_for_id),
            ("POST", ("compatibility", "subjects", "{s}", "versions", "{v}"), self._compatibility),
            ("POST", ("compatibility", "subjects", "{s}", "versions"), self._compatibility),
            ("GET", ("config",), self._get_config),
            ("GET", ("config", "{s}"), self._get_config),
            ("PUT", ("config",), self._put_config),
            ("PUT", ("config", "{s}"), self._put_config),
            ("DELETE", ("config",), self._delete_config),
            ("DELETE", ("config", "{s}"), self._delete_config),
            ("GET", ("mode",), self._get_mode),
            ("GET", ("mode", "{s}"), self._get_mode),
            ("PUT", ("mode",), self._put_mode),
            ("PUT", ("mode", "{s}"), self._put_mode),
            ("DELETE", ("mode",), self._delete_mode),
            ("DELETE", ("mode", "{s}"), self._delete_mode),
            ("GET", ("contexts",), lambda r, p: (200, self.store.list_contexts())),
            ("DELETE", ("contexts", "{ctx}"), self._delete_context),
            ("GET", ("exporters",), lambda r, p: (200, self.exporters.names())),
            ("POST", ("exporters",), lambda r, p: (200, self.exporters.create(r.json_body()))),
            ("GET", ("exporters", "{n}"), lambda r, p: (200, self.exporters.info(p["n"]))),
            ("PUT", ("exporters", "{n}"), lambda r, p: (200, self.exporters.update(p["n"], r.json_body()))),
            ("DELETE", ("exporters", "{n}"), self._delete_exporter),
            ("GET", ("exporters", "{n}", "config"), lambda r, p: (200, self.exporters.config(p["n"]))),
            (
                "PUT",
                ("exporters", "{n}", "config"),
                lambda r, p: (200, self.exporters.put_config(p["n"], r.body)),
            ),
            ("GET", ("exporters", "{n}", "status"), lambda r, p: (200, self.exporters.status(p["n"]))),
            ("PUT", ("exporters", "{n}", "pause"), lambda r, p: (200, self.exporters.pause(p["n"]))),
            ("PUT", ("exporters", "{n}", "resume"), lambda r, p: (200, self.exporters.resume(p["n"]))),
            ("PUT", ("exporters", "{n}", "reset"), lambda r, p: (200, self.exporters.reset(p["n"]))),
        ]

    def dispatch(
        self, method: str, raw_path: str, query: dict[str, list[str]], body: bytes, content_type: str | None
    ) -> tuple[int, Any, bool]:
        """Route one request; returns (status, payload, payload_is_raw_text)."""
        segments = [unquote(s) for s in raw_path.split("/") if s != ""]
        segments, query = self._rewrite_context_path(segments, query)
        matched_path = False
        for route_method, pattern, handler in self._routes:
            params = _match(pattern, segments)
            if params is None:
                continue
            matched_path = True
            if route_method != method:
                continue
            request = _Request(method, segments, query)
            if method in ("POST", "PUT"):
                request.body = self._parse_body(body, content_type)
            try:
                status, payload = handler(request, params)
            except RegistryError:
                raise
            except Exception:
                self.errors.append(traceback.format_exc())
                raise _error(500, "Internal error in registry double", 50001) from None
            raw = pattern[-1:] == ("schema",)
            return status, payload, raw
        if matched_path:
            raise _error(405, "HTTP 405 Method Not Allowed")
        raise _error(404, "HTTP 404 Not Found")

    @staticmethod
    def _parse_body(body: bytes, content_type: str | None) -> Any:
        media = (content_type or "application/octet-stream").split(";")[0].strip().lower()
        if media not in ACCEPTED_REQUEST_TYPES:
            raise _error(415, "HTTP 415 Unsupported Media Type")
        if not body.strip():
            return None
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _error(400, f"Unrecognized JSON body: {exc}") from None

    @staticmethod
    def _rewrite_context_path(
        segments: list[str], query: dict[str, list[str]]
    ) -> tuple[list[str], dict[str, list[str]]]:
        """``ContextFilter``: ``/contexts/.ctx/subjects/s/...`` == ``/subjects/:.ctx:s/...``."""
        if len(segments) < 3 or segments[0] != "contexts":
            return segments, query
        context = segments[1]
        if ":" in context:
            raise _error(400, f"Context name '{context}' cannot contain a colon")
        context = context if context.startswith(".") else f".{context}"
        prefix = "" if context == DEFAULT_CONTEXT else f":{context}:"
        rest = list(segments[2:])

        def qualified(subject: str) -> str:
            ctx, _ = split_subject(subject)
            return subject if ctx != DEFAULT_CONTEXT else qualify(context, subject)

        query = {k: list(v) for k, v in query.items()}
        if rest[0] == "subjects" and len(rest) == 1:
            query.setdefault("subjectPrefix", [prefix])
        elif rest[0] == "subjects":
            rest[1] = qualified(rest[1])
        elif rest[0] in ("config", "mode"):
            rest = [rest[0], qualified(rest[1]) if len(rest) > 1 else prefix]
        elif rest[0] == "compatibility" and len(rest) > 2:
            rest[2] = qualified(rest[2])
        elif rest[0] == "schemas":
            query.setdefault("subject", [prefix])
        return rest, query

    # -- rendering -----------------------------------------------------------------------------------

    def _content_fields(self, content: SchemaContent) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not (self.store.legacy_responses and content.schema_type == "AVRO"):
            out["schemaType"] = content.schema_type
        if content.references:
            out["references"] = [r.to_json() for r in content.references]
        if content.metadata is not None:
            out["metadata"] = json.loads(content.metadata)
        if content.rule_set is not None:
            out["ruleSet"] = json.loads(content.rule_set)
        out["schema"] = content.schema
        return out

    def _render(self, record: SchemaVersion) -> dict[str, Any]:
        out: dict[str, Any] = {"subject": record.subject, "version": record.version, "id": record.id}
        out.update(self._content_fields(record.content))
        if not self.store.legacy_responses:
            out["ts"] = record.ts
            out["deleted"] = record.deleted
        return out

    # -- handlers ------------------------------------------------------------------------------------

    def _metadata_id(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        clusters = {"kafka-cluster": f"double-{self.name}", "schema-registry-cluster": "schema-registry"}
        return 200, {"id": "", "scope": {"path": [], "clusters": clusters}}

    def _list_subjects(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        prefix = request.param("subjectPrefix") or ":*:"
        subjects = self.store.list_subjects(prefix, request.flag("deleted"), request.flag("deletedOnly"))
        return 200, _page(subjects, request)

    def _list_schemas(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        """``GET /schemas``: every version of the subjects matching ``subjectPrefix`` (default: the
        default context), oldest first per subject; ``latestOnly`` keeps the newest of each."""
        prefix = request.param("subjectPrefix") or ""
        include_deleted = request.flag("deleted")
        records = []
        for subject in self.store.list_subjects(prefix, include_deleted, False):
            versions = self.store.versions_of(subject, include_deleted=include_deleted)
            if request.flag("latestOnly"):
                versions = versions[-1:]
            records.extend(self._render(record) for record in versions)
        return 200, self._search_page(records, request)

    def _search_page(self, records: list[Any], request: _Request) -> list[Any]:
        """``normalizeSchemaLimit``: a limit above the maximum, or none, means the default limit."""
        try:
            offset = max(0, int(request.param("offset") or 0))
            supplied = int(request.param("limit") or -1)
        except ValueError:
            raise _error(404, "HTTP 404 Not Found") from None
        limit = supplied if 0 < supplied <= self.schema_search_max_limit else self.schema_search_default_limit
        return records[offset : offset + limit]

    def _list_versions(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        versions = self.store.list_versions(
            params["s"],
            request.flag("deleted"),
            request.flag("deletedOnly"),
            request.flag("deletedAsNegative"),
        )
        return 200, _page(versions, request)

    def _register(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        before = len(self.store.log)
        record = self.store.register_request(
            params["s"], request.json_body(), request.flag("normalize"), request.flag("force")
        )
        if self.stale_lookups_after_write and len(self.store.log) > before:  # a write, not an echo
            self._unseen[(record.subject, record.version)] = self.stale_lookups_after_write
        if self.store.legacy_responses:
            return 200, {"id": record.id}
        out = {"id": record.id, "version": record.version}
        out.update(self._content_fields(record.content))
        out["ts"] = record.ts
        return 200, out

    def _lookup(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        record = self.store.lookup(
            params["s"], request.json_body(), request.flag("normalize"), request.flag("deleted")
        )
        key = (record.subject, record.version)
        if self._unseen.get(key, 0) > 0:  # this follower has not read the write yet
            self._unseen[key] -= 1
            if any(v.version != record.version for v in self.store.versions_of(record.subject)):
                raise RegistryError(404, 40403, "Schema not found")
            raise RegistryError(404, 40401, f"Subject '{record.subject}' not found.")
        return 200, self._render(record)

    def _get_version(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        return 200, self._render(self.store.get_version(params["s"], params["v"], request.flag("deleted")))

    def _get_version_schema(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        return 200, self.store.get_version(params["s"], params["v"], request.flag("deleted")).content.schema

    def _referenced_by(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        return 200, _page(
            self.store.referenced_by(params["s"], params["v"], request.flag("deleted")), request
        )

    def _delete_subject(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        return 200, self.store.delete_subject(params["s"], request.flag("permanent"))

    def _delete_version(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        return 200, self.store.delete_version(params["s"], params["v"], request.flag("permanent"))

    @staticmethod
    def _schema_id(params: dict[str, str]) -> int:
        try:
            return int(params["id"])
        except ValueError:
            raise _error(404, "HTTP 404 Not Found") from None

    def _schema_by_id(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        schema_id = self._schema_id(params)
        _context, content = self.store.schema_by_id(schema_id, request.param("subject"))
        return 200, self._content_fields(content)

    def _schema_by_id_raw(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        return 200, self.store.schema_by_id(self._schema_id(params), request.param("subject"))[1].schema

    def _subjects_for_id(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        records = self.store.versions_for_id(
            self._schema_id(params), request.param("subject"), request.flag("deleted")
        )
        subjects = sorted({r.subject for r in records})
        return 200, _page(subjects, request)

    def _versions_for_id(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        records = self.store.versions_for_id(
            self._schema_id(params), request.param("subject"), request.flag("deleted")
        )
        return 200, _page([{"subject": r.subject, "version": r.version} for r in records], request)

    def _compatibility(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        if "v" not in params and not self.all_versions_compatibility:
            raise _error(404, "HTTP 404 Not Found")
        verbose = request.flag("verbose")
        ok, messages = self.store.compatibility(
            params["s"], request.json_body(), params.get("v"), request.flag("normalize"), verbose
        )
        out: dict[str, Any] = {"is_compatible": ok}
        if verbose:
            out["messages"] = messages
        return 200, out

    def _get_config(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        subject = params.get("s")
        key = None if is_top_level(subject) else normalize_subject(subject or "")
        with self.store.lock:
            config = self.store.config(key, request.flag("defaultToGlobal"))
        if config is None:
            raise _error(404, f"Subject '{key}' does not have subject-level compatibility configured", 40408)
        return 200, config

    def _put_config(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        return 200, self.store.put_config(params.get("s"), request.json_body())

    def _delete_config(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        return 200, self.store.delete_config(params.get("s"))

    def _get_mode(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        subject = params.get("s")
        key = None if is_top_level(subject) else normalize_subject(subject or "")
        in_scope = request.flag("defaultToGlobal") and self.mode_default_to_global
        with self.store.lock:
            mode = self.store.mode(key, in_scope)
        if mode is None and not self.mode_default_to_global:
            raise _error(404, f"Subject '{key}' not found.", 40401)
        if mode is None:
            raise _error(404, f"Subject '{key}' does not have subject-level mode configured", 40409)
        return 200, {"mode": mode}

    def _put_mode(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        return 200, self.store.put_mode(params.get("s"), request.json_body(), request.flag("force"))

    def _delete_mode(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        return 200, self.store.delete_mode(params.get("s"), request.flag("recursive"))

    def _delete_exporter(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        self.exporters.delete(params["n"])
        return 204, b""

    def _delete_context(self, request: _Request, params: dict[str, str]) -> tuple[int, Any]:
        context = params["ctx"] if params["ctx"].startswith(".") else f".{params['ctx']}"
        self.store.delete_context(context)
        return 204, b""


def _match(pattern: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    if len(pattern) != len(segments):
        return None
    params: dict[str, str] = {}
    for expected, actual in zip(pattern, segments, strict=True):
        if expected.startswith("{"):
            params[expected[1:-1]] = actual
        elif expected != actual:
            return None
    return params


def _page(items: list[Any], request: _Request) -> list[Any]:
    """``offset``/``limit`` as the server applies them (limit <= 0 means all)."""
    try:
        offset = max(0, int(request.param("offset") or 0))
        limit = int(request.param("limit") or -1)
    except ValueError:
        raise _error(404, "HTTP 404 Not Found") from None
    items = items[offset:]
    return items[:limit] if limit > 0 else items


__all__ = ["BasicAuth", "BearerAuth", "RecordedRequest", "RegistryDouble", "TlsConfig"]
