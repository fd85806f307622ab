"""Schema Linking's exporter API, served by the source registry (raw REST: confluent-kafka has none)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contractctl.registry.client import RegistryClient
from contractctl.registry.errors import RegistryError

EXPORTER_NOT_FOUND = 40450


@dataclass(frozen=True)
class ExporterInfo:
    name: str
    subjects: tuple[str, ...]
    context_type: str
    context: str | None
    subject_rename_format: str | None


@dataclass(frozen=True)
class ExporterStatus:
    name: str
    state: str  # STARTING, RUNNING, PAUSED (UNASSIGNED, and ERROR on some servers)
    offset: int | None
    ts: int | None
    trace: str


def _path(name: str) -> str:
    from urllib.parse import quote

    return f"/exporters/{quote(name, safe='')}"


def get_exporter(client: RegistryClient, name: str) -> ExporterInfo | None:
    body = client.request("GET", _path(name), not_found={EXPORTER_NOT_FOUND})
    if body is None:
        return None
    if not isinstance(body, dict):
        raise RegistryError(client.name, "unexpected response: exporter info is not an object")
    subjects = body.get("subjects") or []
    return ExporterInfo(
        name=str(body.get("name", name)),
        subjects=tuple(str(s) for s in subjects),
        context_type=str(body.get("contextType", "AUTO")),
        context=body.get("context") or None,
        subject_rename_format=body.get("subjectRenameFormat") or None,
    )


def get_config(client: RegistryClient, name: str) -> dict[str, str]:
    body = client.request("GET", f"{_path(name)}/config")
    if not isinstance(body, dict):
        raise RegistryError(client.name, "unexpected response: exporter config is not an object")
    return {str(k): str(v) for k, v in body.items()}


def get_status(client: RegistryClient, name: str) -> ExporterStatus:
    body = client.request("GET", f"{_path(name)}/status")
    if not isinstance(body, dict) or not isinstance(body.get("state"), str):
        raise RegistryError(client.name, "unexpected response: exporter status has no state")
    offset, ts = body.get("offset"), body.get("ts")
    return ExporterStatus(
        name=name,
        state=body["state"],
        offset=offset if isinstance(offset, int) else None,
        ts=ts if isinstance(ts, int) else None,
        trace=str(body.get("trace") or ""),
    )


def create(client: RegistryClient, body: dict[str, Any]) -> None:
    client.request("POST", "/exporters", json=body)


def update(client: RegistryClient, name: str, body: dict[str, Any]) -> None:
    client.request("PUT", _path(name), json=body)


def put_config(client: RegistryClient, name: str, config: dict[str, str]) -> None:
    client.request("PUT", f"{_path(name)}/config", json=config)


def pause(client: RegistryClient, name: str) -> None:
    client.request("PUT", f"{_path(name)}/pause")


def resume(client: RegistryClient, name: str) -> None:
    client.request("PUT", f"{_path(name)}/resume")
