"""Schema Linking exporters for the registry double: the ``/exporters`` API plus real replication.

An exporter lives on the SOURCE double and replicates over HTTP into its ``schema.registry.url``
(normally another double in the same process), the way Confluent's exporter writes through the
ordinary REST API: it puts each destination subject in IMPORT mode, then registers every source
version with its ``id`` and ``version`` (``normalize=false``) in the order of the source's log, so
ids, versions and canonical text survive. Failures never stop the exporter: they become its
``trace`` (state stays RUNNING, as in the official specs, which have no ERROR state) and the write
is retried on a later tick. One worker thread per double drives all of its exporters.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import http.client
import itertools
import json
import re
import socket
import ssl
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .store import (
    DEFAULT_CONTEXT,
    RegistryError,
    SchemaVersion,
    Store,
    normalize_subject,
    qualify,
    split_subject,
)

STARTING, RUNNING, PAUSED = "STARTING", "RUNNING", "PAUSED"
CONTEXT_TYPES = ("AUTO", "CUSTOM", "NONE", "DEFAULT")
HIDDEN = "[hidden]"
"""What Confluent Cloud shows instead of a secret config value (``basic.auth.user.info``)."""
EXPORTER_HEADER = "Confluent-Schema-Exporter-Name"
"""Header the real exporter sends; the registry's RestCallLoggingFilter logs it."""
_SENSITIVE = ("basic.auth.user.info", "bearer.auth.token", "bearer.auth.client.secret")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_GENERATIONS = itertools.count(1)
"""Unique across exporters, so a pass started before a delete and re-create is still recognised as stale."""


def _now_ms() -> int:
    return int(time.time() * 1000)


def _conflict(code: int, message: str) -> RegistryError:
    return RegistryError(409, code, message)


def exporter_not_found(name: str) -> RegistryError:
    return RegistryError(404, 40450, f"Exporter '{name}' not found.")


def _is_sensitive(key: str) -> bool:
    return key in _SENSITIVE or "password" in key or key.endswith(".secret")


def mask_config(config: Mapping[str, str]) -> dict[str, str]:
    """Secrets are write-only, as on Confluent Cloud (``"basic.auth.user.info": "[hidden]"``)."""
    return {k: HIDDEN if _is_sensitive(k) else v for k, v in config.items()}


class ExportError(Exception):
    """One failed write to the destination; its text becomes the exporter's ``trace``."""


@dataclass
class Exporter:
    """State of one exporter; :meth:`Exporters.get` hands out copies for assertions."""

    name: str
    subjects: list[str]
    context_type: str
    context: str
    subject_rename_format: str | None
    kek_rename_format: str | None
    config: dict[str, str]
    state: str = STARTING
    offset: int = -1
    """Index in the source's :attr:`Store.log` of the last entry processed (exported or filtered
    out); -1 before the first."""
    ts: int = field(default_factory=_now_ms)
    trace: str = ""
    starting_until: float = 0.0
    held: bool = False
    forced_trace: str | None = None
    exported: list[tuple[str, int, int]] = field(default_factory=list)
    """(destination subject, version, id) of every successful write, replays included."""
    generation: int = field(default_factory=lambda: next(_GENERATIONS))
    """Renewed by pause/resume/reset/update so results of a pass already in flight are dropped."""
    retry_at: float = 0.0
    import_ready: set[str] = field(default_factory=set)  # destination subjects known to be IMPORT


@dataclass(frozen=True)
class _Plan:
    """Everything one replication pass needs, copied out of the lock."""

    name: str
    generation: int
    offset: int
    subjects: tuple[str, ...]
    context_type: str
    context: str
    rename: str | None
    config: dict[str, str]
    import_ready: frozenset[str]


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int | None
    prefix: str
    headers: dict[str, str]
    ssl_context: ssl.SSLContext | None

    @property
    def url(self) -> str:
        port = f":{self.port}" if self.port else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}{port}{self.prefix}"


class Exporters:
    """The exporters of one double (``reg.exporters``): REST operations, test hooks and the worker.

    Test hooks: :meth:`get`, :meth:`names`, :meth:`caught_up`, :meth:`hold_starting` (keep
    exporters in STARTING), :meth:`force_trace` (pin an error trace and stop replication), and the
    attributes ``export_delay``, ``startup_time``, ``max_exporters`` and ``retry_interval``, which
    may be changed at runtime.
    """

    def __init__(
        self,
        store: Store,
        cluster_id: str,
        errors: list[str],
        export_delay: float = 0.2,
        startup_time: float = 0.1,
        max_exporters: int = 10,
    ) -> None:
        self.store = store
        self.cluster_id = cluster_id
        self.export_delay = export_delay
        """Seconds a source write waits in the log before any exporter copies it."""
        self.startup_time = startup_time
        """Seconds an exporter stays STARTING after create or resume."""
        self.max_exporters = max_exporters
        self.retry_interval = 0.1
        """Seconds between attempts after a failed write."""
        self.http_timeout = 5.0
        self.tick = 0.02
        self._errors = errors
        self._lock = threading.Lock()
        self._items: dict[str, Exporter] = {}
        self._hold_all = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._inflight: http.client.HTTPConnection | None = None

    # -- test hooks ----------------------------------------------------------------------------------

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._items)

    def get(self, name: str) -> Exporter:
        """A deep copy of the exporter's state (raises 40450 like the API when unknown)."""
        with self._lock:
            exporter = self._find(name)
            self._promote(exporter, time.monotonic())
            return copy.deepcopy(exporter)

    def caught_up(self, name: str) -> bool:
        """True when the exporter has processed every entry of the source log without a trace."""
        with self._lock:
            exporter = self._find(name)
            offset, trace = exporter.offset, exporter.trace
        with self.store.lock:
            return offset == len(self.store.log) - 1 and not trace

    def hold_starting(self, name: str | None = None, hold: bool = True) -> None:
        """Keep one exporter (or, with ``name=None``, every current and future one) in STARTING."""
        with self._lock:
            if name is None:
                self._hold_all = hold
                for exporter in self._items.values():
                    exporter.held = hold
            else:
                self._find(name).held = hold

    def force_trace(self, name: str, trace: str | None) -> None:
        """Pin an error ``trace`` on a running exporter and stop its replication; ``None`` lifts it."""
        with self._lock:
            exporter = self._find(name)
            exporter.forced_trace = trace
            exporter.trace = trace or ""
            exporter.ts = _now_ms()

    # -- REST operations -----------------------------------------------------------------------------

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        name = body.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise _conflict(40950, f"Missing or invalid exporter name: {name!r}")
        if "config" not in body:
            raise _conflict(40951, "Missing or invalid exporter config: config is required")
        config = _validate_config(body.get("config"))
        if "schema.registry.url" not in config:
            raise _conflict(40951, "Missing or invalid exporter config: schema.registry.url is required")
        subjects = _validate_subjects(body.get("subjects", ["*"]))
        context_type, context = _validate_context(body.get("contextType") or "AUTO", body.get("context"))
        rename = _optional_str(body, "subjectRenameFormat")
        kek_rename = _optional_str(body, "kekRenameFormat")
        with self._lock:
            if name in self._items:
                raise _conflict(40960, f"Exporter '{name}' already exists.")
            if len(self._items) >= self.max_exporters:
                raise _conflict(40964, f"Too many exporters. The limit is {self.max_exporters}.")
            self._items[name] = Exporter(
                name,
                subjects,
                context_type,
                context,
                rename,
                kek_rename,
                config,
                starting_until=time.monotonic() + self.startup_time,
                held=self._hold_all,
            )
        return {"name": name}

    def info(self, name: str) -> dict[str, Any]:
        with self._lock:
            exporter = self._find(name)
            out: dict[str, Any] = {
                "name": exporter.name,
                "subjects": list(exporter.subjects),
                "contextType": exporter.context_type,
                "context": exporter.context,
            }
            if exporter.subject_rename_format is not None:
                out["subjectRenameFormat"] = exporter.subject_rename_format
            if exporter.kek_rename_format is not None:
                out["kekRenameFormat"] = exporter.kek_rename_format
            out["config"] = mask_config(exporter.config)
            return out

    def config(self, name: str) -> dict[str, str]:
        with self._lock:
            return mask_config(self._find(name).config)

    def update(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """PUT /exporters/{name}: every field optional, ``config`` merged; only while PAUSED (40963)."""
        with self._lock:
            exporter = self._find(name)
            self._require_paused(exporter)
            subjects = _validate_subjects(body["subjects"]) if "subjects" in body else exporter.subjects
            context_type, context = exporter.context_type, exporter.context
            if "contextType" in body or "context" in body:
                context_type, context = _validate_context(
                    body.get("contextType") or context_type, body.get("context", context)
                )
            config = dict(exporter.config)
            if body.get("config") is not None:
                config.update(_validate_config(body["config"]))
            rename = (
                _optional_str(body, "subjectRenameFormat")
                if "subjectRenameFormat" in body
                else exporter.subject_rename_format
            )
            kek = (
                _optional_str(body, "kekRenameFormat")
                if "kekRenameFormat" in body
                else exporter.kek_rename_format
            )
            exporter.subjects, exporter.context_type, exporter.context = subjects, context_type, context
            exporter.config, exporter.subject_rename_format, exporter.kek_rename_format = config, rename, kek
            self._touch(exporter)
            return {"name": name}

    def put_config(self, name: str, body: Any) -> dict[str, Any]:
        """PUT /exporters/{name}/config: a string map merged into the config; only while PAUSED."""
        config = _validate_config(body)
        with self._lock:
            exporter = self._find(name)
            self._require_paused(exporter)
            exporter.config.update(config)
            self._touch(exporter)
            return {"name": name}

    def status(self, name: str) -> dict[str, Any]:
        """``{name, state, offset, ts}`` plus ``trace`` only when non-empty (as Cloud answers)."""
        with self._lock:
            exporter = self._find(name)
            self._promote(exporter, time.monotonic())
            out: dict[str, Any] = {
                "name": exporter.name,
                "state": exporter.state,
                "offset": exporter.offset,
                "ts": exporter.ts,
            }
            if exporter.trace:
                out["trace"] = exporter.trace
            return out

    def pause(self, name: str) -> dict[str, Any]:
        """Idempotent: terraform pauses unconditionally before updates and deletes."""
        with self._lock:
            exporter = self._find(name)
            exporter.state = PAUSED
            self._touch(exporter)
            return {"name": name}

    def resume(self, name: str) -> dict[str, Any]:
        with self._lock:
            exporter = self._find(name)
            if exporter.state != PAUSED:
                raise _conflict(40961, f"Exporter '{name}' already running.")
            exporter.state = STARTING
            exporter.starting_until = time.monotonic() + self.startup_time
            exporter.trace = exporter.forced_trace or ""
            exporter.retry_at = 0.0
            self._touch(exporter)
            return {"name": name}

    def reset(self, name: str) -> dict[str, Any]:
        """Rewind to the start of the source log; the exporter stays PAUSED until resumed."""
        with self._lock:
            exporter = self._find(name)
            self._require_paused(exporter)
            exporter.offset = -1
            exporter.trace = ""
            self._touch(exporter)
            return {"name": name}

    def delete(self, name: str) -> None:
        with self._lock:
            self._find(name)
            del self._items[name]

    # -- internals shared by the API and the worker --------------------------------------------------

    def _find(self, name: str) -> Exporter:
        exporter = self._items.get(name)
        if exporter is None:
            raise exporter_not_found(name)
        return exporter

    @staticmethod
    def _require_paused(exporter: Exporter) -> None:
        if exporter.state != PAUSED:
            raise _conflict(40963, f"Exporter '{exporter.name}' not paused.")

    @staticmethod
    def _touch(exporter: Exporter) -> None:
        """A lifecycle change: forget cached destination modes and drop any in-flight results."""
        exporter.generation = next(_GENERATIONS)
        exporter.import_ready.clear()
        exporter.ts = _now_ms()

    @staticmethod
    def _promote(exporter: Exporter, now: float) -> None:
        if exporter.state == STARTING and not exporter.held and now >= exporter.starting_until:
            exporter.state = RUNNING
            exporter.ts = _now_ms()

    # -- worker --------------------------------------------------------------------------------------

    def start(self, owner: str) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"{owner}-exporters", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> threading.Thread | None:
        """Stop the worker, cutting off a write in flight; returns the thread if it did not end."""
        self._stop.set()
        with self._lock:
            conn = self._inflight
        if conn is not None and conn.sock is not None:
            # OSError: the request already finished and closed it, so nothing is left to cut off.
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        thread, self._thread = self._thread, None
        if thread is None:
            return None
        thread.join(timeout)
        return thread if thread.is_alive() else None

    def _run(self) -> None:
        while not self._stop.wait(self.tick):
            for name in self.names():
                if self._stop.is_set():
                    return
                try:
                    self._step(name)
                except Exception:  # a bug in the double: recorded so the fixtures fail the test
                    self._errors.append(traceback.format_exc())

    def _step(self, name: str) -> None:
        """One replication pass for one exporter: every eligible log entry after its offset."""
        now = time.monotonic()
        with self._lock:
            exporter = self._items.get(name)
            if exporter is None:
                return
            self._promote(exporter, now)
            if exporter.state != RUNNING or now < exporter.retry_at:
                return
            if exporter.forced_trace is not None:
                exporter.trace = exporter.forced_trace
                return
            plan = _Plan(
                exporter.name,
                exporter.generation,
                exporter.offset,
                tuple(exporter.subjects),
                exporter.context_type,
                exporter.context,
                exporter.subject_rename_format,
                dict(exporter.config),
                frozenset(exporter.import_ready),
            )
        with self.store.lock:
            entries = list(enumerate(self.store.log))[plan.offset + 1 :]
        ready = set(plan.import_ready)
        target: _Target | None = None
        for index, entry in entries:
            if self._stop.is_set() or entry.at + self.export_delay > now:
                return
            record = entry.record
            if self.store.is_current(record) and subject_matches(plan.subjects, record.subject):
                try:
                    target = target or _target(plan.config, plan.name)
                    written = self._export(plan, target, record, ready)
                except ExportError as exc:
                    self._fail(plan, str(exc))
                    return
            else:
                written = None
            if not self._advance(plan, index, written, ready):
                return

    def _advance(
        self, plan: _Plan, index: int, written: tuple[str, int, int] | None, ready: set[str]
    ) -> bool:
        with self._lock:
            exporter = self._items.get(plan.name)
            if exporter is None or exporter.generation != plan.generation:
                return False  # paused, reset, updated or deleted meanwhile: this pass is stale
            exporter.offset = index
            exporter.import_ready |= ready
            if written is not None:
                exporter.exported.append(written)
                exporter.trace = ""
                exporter.ts = _now_ms()
            return True

    def _fail(self, plan: _Plan, trace: str) -> None:
        with self._lock:
            exporter = self._items.get(plan.name)
            if exporter is None or exporter.generation != plan.generation:
                return
            exporter.trace = trace
            exporter.ts = _now_ms()
            exporter.retry_at = time.monotonic() + self.retry_interval
            exporter.import_ready.clear()  # the destination's mode may be why it failed

    # -- writing to the destination ------------------------------------------------------------------

    def destination_context(self, context_type: str, context: str, source_context: str) -> str:
        """AUTO nests the source context under ``.<cluster_id>``, CUSTOM under ``context``; NONE
        keeps it; DEFAULT collapses everything into the destination's default context."""
        if context_type == "NONE":
            return source_context
        if context_type == "DEFAULT":
            return DEFAULT_CONTEXT
        base = f".{self.cluster_id}" if context_type == "AUTO" else context
        if base == DEFAULT_CONTEXT:
            return source_context
        return base if source_context == DEFAULT_CONTEXT else base + source_context

    def destination_subject(self, context_type: str, context: str, rename: str | None, subject: str) -> str:
        """Where a (qualified) source subject lands; ``${subject}`` is the unqualified name."""
        source_context, name = split_subject(normalize_subject(subject))
        renamed = rename.replace("${subject}", name) if rename else name
        return qualify(self.destination_context(context_type, context, source_context), renamed)

    def _export(
        self, plan: _Plan, target: _Target, record: SchemaVersion, ready: set[str]
    ) -> tuple[str, int, int]:
        dest = self.destination_subject(plan.context_type, plan.context, plan.rename, record.subject)
        where = (
            f"Exporter '{plan.name}' could not export subject '{record.subject}' version "
            f"{record.version} (id {record.id}) to '{dest}' at {target.url}"
        )
        if dest not in ready:
            status, body = self._call(target, "GET", f"/mode/{quote(dest, safe='')}?defaultToGlobal=true")
            if status != 200:
                raise ExportError(f"{where}: reading the destination mode failed: {_describe(status, body)}")
            if not (isinstance(body, Mapping) and body.get("mode") == "IMPORT"):
                status, body = self._call(target, "PUT", f"/mode/{quote(dest, safe='')}", {"mode": "IMPORT"})
                if status != 200:
                    raise ExportError(
                        f"{where}: the destination subject is not in IMPORT mode and cannot be set to it: "
                        f"{_describe(status, body)}"
                    )
            ready.add(dest)
        payload: dict[str, Any] = {
            "schema": record.content.schema,
            "schemaType": record.content.schema_type,
            "id": record.id,
            "version": record.version,
        }
        if record.content.references:
            payload["references"] = self._references(plan, record, dest)
        if record.content.metadata is not None:
            payload["metadata"] = json.loads(record.content.metadata)
        if record.content.rule_set is not None:
            payload["ruleSet"] = json.loads(record.content.rule_set)
        status, body = self._call(
            target, "POST", f"/subjects/{quote(dest, safe='')}/versions?normalize=false", payload
        )
        if status != 200:
            raise ExportError(f"{where}: {_describe(status, body)}")
        got = body.get("id") if isinstance(body, Mapping) else None
        if got != record.id:
            raise ExportError(f"{where}: the destination answered id {got!r} instead of {record.id}")
        return dest, record.version, record.id

    def _references(self, plan: _Plan, record: SchemaVersion, dest: str) -> list[dict[str, Any]]:
        """References renamed like their subjects; relative ones stay relative to the new parent."""
        parent_context, _ = split_subject(record.subject)
        dest_parent_context, _ = split_subject(dest)
        out = []
        for ref in record.content.references:
            ref_context, ref_name = split_subject(ref.subject)
            source = ref.subject if ref_context != DEFAULT_CONTEXT else qualify(parent_context, ref_name)
            target = self.destination_subject(plan.context_type, plan.context, plan.rename, source)
            target_context, target_name = split_subject(target)
            if target_context == dest_parent_context:
                subject = target_name
            else:
                subject = f":{target_context}:{target_name}"
            out.append({"name": ref.name, "subject": subject, "version": ref.version})
        return out

    def _call(self, target: _Target, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        conn: http.client.HTTPConnection
        if target.scheme == "https":
            conn = http.client.HTTPSConnection(
                target.host, target.port, timeout=self.http_timeout, context=target.ssl_context
            )
        else:
            conn = http.client.HTTPConnection(target.host, target.port, timeout=self.http_timeout)
        headers = {"Accept": "application/vnd.schemaregistry.v1+json", **target.headers}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/vnd.schemaregistry.v1+json"
        with self._lock:
            self._inflight = conn
        try:
            conn.request(method, target.prefix + path, body=data, headers=headers)
            response = conn.getresponse()
            status, raw = response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise ExportError(
                f"{method} {target.url}{path.split('?')[0]} failed: {type(exc).__name__}: {exc}"
            ) from exc
        finally:
            with self._lock:
                self._inflight = None
            conn.close()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")[:200]


def _describe(status: int, body: Any) -> str:
    if isinstance(body, Mapping) and "error_code" in body:
        return f"HTTP {status}, error_code {body['error_code']}: {body.get('message')}"
    return f"HTTP {status}: {body!r}"


def _target(config: Mapping[str, str], exporter: str) -> _Target:
    """The destination client from the exporter config (client-style SR keys)."""
    url = config.get("schema.registry.url", "").split(",")[0].strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ExportError(f"Exporter '{exporter}': invalid schema.registry.url {url!r}")
    if parts.hostname not in _LOOPBACK:
        raise ExportError(f"Exporter '{exporter}': the registry double only exports to loopback, not {url}")
    headers = {EXPORTER_HEADER: exporter}
    basic_source = config.get("basic.auth.credentials.source", "").upper()
    user_info = config.get("basic.auth.user.info")
    if basic_source == "URL" and parts.username is not None:
        user_info = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    if basic_source in ("USER_INFO", "URL") or (not basic_source and user_info):
        if not user_info:
            raise ExportError(f"Exporter '{exporter}': basic auth configured without basic.auth.user.info")
        headers["Authorization"] = "Basic " + base64.b64encode(user_info.encode()).decode()
    bearer_source = config.get("bearer.auth.credentials.source", "").upper()
    if bearer_source == "STATIC_TOKEN":
        headers["Authorization"] = f"Bearer {config.get('bearer.auth.token', '')}"
    elif bearer_source:
        raise ExportError(
            f"Exporter '{exporter}': bearer.auth.credentials.source={bearer_source} is not supported by "
            "the registry double; use STATIC_TOKEN with bearer.auth.token"
        )
    if "bearer.auth.logical.cluster" in config:
        headers["target-sr-cluster"] = config["bearer.auth.logical.cluster"]
    if "bearer.auth.identity.pool.id" in config:
        headers["Confluent-Identity-Pool-Id"] = config["bearer.auth.identity.pool.id"]
    ssl_context = None
    if parts.scheme == "https":
        cafile = config.get("schema.registry.ssl.truststore.location") or config.get("ssl.ca.location")
        ssl_context = ssl.create_default_context(cafile=cafile)
    return _Target(parts.scheme, parts.hostname, parts.port, parts.path.rstrip("/"), headers, ssl_context)


def subject_matches(patterns: tuple[str, ...] | list[str], subject: str) -> bool:
    """``*`` = default context, ``:*:`` = every context, ``:.ctx:*`` = one context, a trailing
    ``*`` = prefix (``orders-*``), anything else a literal subject."""
    context, name = split_subject(normalize_subject(subject))
    for pattern in patterns:
        p_context, p_name = split_subject(pattern)
        if p_context not in ("*", context):
            continue
        if p_name == "" or (p_name.endswith("*") and name.startswith(p_name[:-1])) or p_name == name:
            return True
    return False


def _validate_config(raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise _conflict(40951, "Missing or invalid exporter config: expected a map of strings")
    return dict(raw)


def _validate_subjects(raw: Any) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise _conflict(40952, f"Invalid exporter subjects: {raw!r}")
    return list(raw)


def _validate_context(raw_type: Any, raw_context: Any) -> tuple[str, str]:
    if not isinstance(raw_type, str) or raw_type.upper() not in CONTEXT_TYPES:
        raise _conflict(
            40951, f"Invalid exporter config: contextType {raw_type!r} is not one of AUTO, CUSTOM, NONE"
        )
    context_type = raw_type.upper()
    context = raw_context if isinstance(raw_context, str) and raw_context else DEFAULT_CONTEXT
    if ":" in context:
        raise _conflict(40951, f"Invalid exporter config: context {context!r} cannot contain a colon")
    if context_type == "CUSTOM" and context == DEFAULT_CONTEXT:
        raise _conflict(40951, "Invalid exporter config: contextType CUSTOM needs a context")
    return context_type, context if context.startswith(".") else f".{context}"


def _optional_str(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise _conflict(40951, f"Invalid exporter config: {key} must be a string")
    return value or None


__all__ = [
    "EXPORTER_HEADER",
    "HIDDEN",
    "ExportError",
    "Exporter",
    "Exporters",
    "mask_config",
    "subject_matches",
]
