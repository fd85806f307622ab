"""Declared exporter -> plan -> apply, and exporter status.

An update to a running exporter must be done paused (the registry refuses otherwise, 40963), so apply
pauses, updates and resumes, and resumes even when the update failed half way: a link is never left
paused by contractctl. Destination credentials come from the destination registry's own settings and
are masked wherever the exporter config is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contractctl.linking.settings import LinkSettings
from contractctl.registry import exporters
from contractctl.registry.client import RegistryClient
from contractctl.registry.errors import RegistryError
from contractctl.registry.settings import (
    BasicAuthSettings,
    BearerAuthSettings,
    OAuthSettings,
    RegistrySettings,
)

_SENSITIVE = ("password", "secret", "user.info", "token")


def is_sensitive(key: str) -> bool:
    return any(word in key.lower() for word in _SENSITIVE)


def exporter_config(link: LinkSettings, destination: RegistrySettings) -> dict[str, str]:
    """The exporter's destination client config, in the keys Confluent's exporter reads."""
    config = {"schema.registry.url": destination.url}
    auth = destination.auth
    if isinstance(auth, BasicAuthSettings):
        config["basic.auth.credentials.source"] = "USER_INFO"
        config["basic.auth.user.info"] = f"{auth.username}:{auth.password.get()}"
    elif isinstance(auth, BearerAuthSettings):
        config["bearer.auth.credentials.source"] = "STATIC_TOKEN"
        config["bearer.auth.token"] = auth.token.get()
        _optional(config, "bearer.auth.logical.cluster", auth.logical_cluster)
        _optional(config, "bearer.auth.identity.pool.id", auth.identity_pool_id)
    elif isinstance(auth, OAuthSettings):
        config["bearer.auth.credentials.source"] = "OAUTHBEARER"
        config["bearer.auth.issuer.endpoint.url"] = auth.token_url
        config["bearer.auth.client.id"] = auth.client_id
        config["bearer.auth.client.secret"] = auth.client_secret.get()
        _optional(config, "bearer.auth.scope", auth.scope)
        _optional(config, "bearer.auth.logical.cluster", auth.logical_cluster)
        _optional(config, "bearer.auth.identity.pool.id", auth.identity_pool_id)
    config.update(link.config or {})
    return config


def _optional(config: dict[str, str], key: str, value: str | None) -> None:
    if value:
        config[key] = value


def desired_body(link: LinkSettings) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": link.name,
        "subjects": list(link.subjects),
        "contextType": link.context_type,
    }
    if link.context_type == "CUSTOM":  # AUTO's context is the server's to name; NONE has none
        body["context"] = link.context
    if link.subject_rename_format:
        body["subjectRenameFormat"] = link.subject_rename_format
    return body


@dataclass
class LinkPlan:
    link: LinkSettings
    action: str  # "create", "update", "resume", "none"
    changes: list[str] = field(default_factory=list)
    state: str | None = None

    @property
    def pending(self) -> bool:
        return self.action != "none"


def plan_link(client: RegistryClient, link: LinkSettings, config: dict[str, str]) -> LinkPlan:
    """Compare the declared exporter with the source registry's actual one."""
    actual = exporters.get_exporter(client, link.name)
    if actual is None:
        return LinkPlan(
            link, "create", [f"create exporter {link.name} on {link.source} -> {link.destination}"]
        )
    changes = []
    if tuple(actual.subjects) != tuple(link.subjects):
        changes.append(f"subjects {list(actual.subjects)} -> {list(link.subjects)}")
    if actual.context_type != link.context_type:
        changes.append(f"contextType {actual.context_type} -> {link.context_type}")
    if link.context_type == "CUSTOM" and actual.context != link.context:
        changes.append(f"context {actual.context} -> {link.context}")
    if actual.subject_rename_format != link.subject_rename_format:
        changes.append(f"subjectRenameFormat {actual.subject_rename_format} -> {link.subject_rename_format}")
    current = exporters.get_config(client, link.name)
    for key, value in sorted(config.items()):
        if is_sensitive(key):
            continue  # servers mask or encrypt secrets: they cannot be compared, only rewritten
        if current.get(key) != value:
            changes.append(f"config {key}: {current.get(key)!r} -> {value!r}")
    status = exporters.get_status(client, link.name)
    if changes:
        return LinkPlan(link, "update", ["pause", *changes, "resume"], status.state)
    if status.state == "PAUSED":
        return LinkPlan(link, "resume", ["resume the paused exporter"], status.state)
    return LinkPlan(link, "none", [], status.state)


def apply_link(client: RegistryClient, plan: LinkPlan, config: dict[str, str]) -> list[str]:
    """Carry out a plan; returns what was done. Raises RegistryError with the state it left."""
    link = plan.link
    body = desired_body(link)
    if plan.action == "create":
        exporters.create(client, {**body, "config": config})
        return [f"created exporter {link.name}"]
    if plan.action == "resume":
        exporters.resume(client, link.name)
        return [f"resumed exporter {link.name}"]
    if plan.action != "update":
        return []
    done = []
    if plan.state != "PAUSED":
        exporters.pause(client, link.name)
        done.append(f"paused exporter {link.name}")
    try:
        exporters.update(client, link.name, {k: v for k, v in body.items() if k != "name"})
        exporters.put_config(client, link.name, config)
        done.append(f"updated exporter {link.name}: " + "; ".join(plan.changes[1:-1]))
    except RegistryError as error:
        state = _resume_anyway(client, link.name)
        raise RegistryError(
            client.name, f"updating exporter {link.name} failed ({error.reason}); the exporter is {state}"
        ) from None
    exporters.resume(client, link.name)
    done.append(f"resumed exporter {link.name}")
    return done


def _resume_anyway(client: RegistryClient, name: str) -> str:
    """After a failed update: leave the exporter running with its old settings, and say so."""
    try:
        exporters.resume(client, name)
    except RegistryError as error:
        return f"PAUSED: resuming it failed too ({error.reason}); resume it by hand"
    return "running again with its previous settings"
