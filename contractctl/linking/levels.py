"""Subject levels (and compatibility groups) at a promotion's destination, made to match git.

A link copies schemas; whether it copies subject-level config is not something contractctl relies on
(see README, "Promotion and subject levels"): after the copy, each covered subject's effective level
and group at the destination is read and, where it differs from git, set on the subject. Config
writes are allowed on subjects in IMPORT mode; a refusal (READONLY, permissions) is reported with
the registry's reason, never skipped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote

from contractctl.model import CompatibilityLevel, Finding, FindingKind, Severity
from contractctl.registry.client import RegistryClient
from contractctl.registry.errors import RegistryError
from contractctl.registry.fanout import fan_out, settled


@dataclass(frozen=True)
class WantedConfig:
    """What git declares for one subject, and where the subject lives at the destination."""

    subject: str  # as git names it (the source subject)
    destination_subject: str  # qualified with the destination context and renamed as the link does
    level: CompatibilityLevel
    group: str | None  # the compatibilityGroup metadata property, if configured


def align_levels(destination: RegistryClient, wanted: list[WantedConfig], dry_run: bool) -> list[Finding]:
    """Set each subject's level and group at the destination where they differ from git (one subject
    at a time: config writes are few, and their order stays the order of ``wanted``)."""
    tasks = [partial(_align_one, destination, item, dry_run) for item in wanted]
    findings = []
    for item, outcome in zip(wanted, settled(fan_out(tasks, max_workers=1)), strict=True):
        if isinstance(outcome, RegistryError):
            findings.append(_not_set(item, destination, outcome))
        elif outcome is not None:
            findings.append(outcome)
    return findings


def _align_one(destination: RegistryClient, item: WantedConfig, dry_run: bool) -> Finding | None:
    path = f"/config/{quote(item.destination_subject, safe='')}"
    current = _mapping(destination.request("GET", path, params={"defaultToGlobal": "true"}))
    changes = _differences(current, item)
    if not changes:
        return None
    described = ", ".join(f"{name} {value}" for name, value in changes.items())
    if dry_run:
        return _note(
            "LEVEL_PLANNED", f"would set {described} on {item.destination_subject}", item, destination
        )
    body = {("compatibility" if k == "compatibilityLevel" else k): v for k, v in changes.items()}
    destination.request("PUT", path, json=body)
    return _note("LEVEL_SET", f"set {described} on {item.destination_subject}", item, destination)


def _not_set(item: WantedConfig, destination: RegistryClient, error: RegistryError) -> Finding:
    return Finding(
        rule="LEVEL_NOT_SET",
        message=f"cannot make {item.destination_subject} in {destination.name} match git "
        f"(level {item.level.value}{_group_text(item)}): {error.reason}",
        kind=FindingKind.ENVIRONMENT,
        registry=destination.name,
        subject=item.subject,
        hint="The destination keeps its own level until someone with config rights sets it "
        "(`PUT /config/SUBJECT`); `contractctl status` shows the difference.",
    )


def _differences(current: Mapping[str, Any], item: WantedConfig) -> dict[str, str]:
    changes = {}
    if str(current.get("compatibilityLevel", "")).upper() != item.level.value:
        changes["compatibilityLevel"] = item.level.value
    if item.group is not None and current.get("compatibilityGroup") != item.group:
        changes["compatibilityGroup"] = item.group
    return changes


def _mapping(payload: Any) -> Mapping[str, Any]:
    return payload if isinstance(payload, Mapping) else {}


def _group_text(item: WantedConfig) -> str:
    return f", compatibilityGroup {item.group}" if item.group else ""


def _note(rule: str, message: str, item: WantedConfig, destination: RegistryClient) -> Finding:
    return Finding(
        rule=rule,
        message=message,
        kind=FindingKind.ADVISORY,
        severity=Severity.INFO,
        registry=destination.name,
        subject=item.subject,
    )
