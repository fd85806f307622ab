"""`links:` in contractctl.yaml -> typed declarations, validated against the declared registries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contractctl.config.project import Config
from contractctl.errors import ConfigError

CONTEXT_TYPES = ("AUTO", "CUSTOM", "NONE")
_KEYS = {"source", "destination", "context_type", "context", "subjects", "subject_rename_format", "config"}


@dataclass(frozen=True)
class LinkSettings:
    name: str
    source: str  # registry names from `registries:`
    destination: str
    context_type: str = "AUTO"
    context: str | None = None  # CUSTOM: the destination context; AUTO: its generated name, for verify
    subjects: tuple[str, ...] = ("*",)
    subject_rename_format: str | None = None
    config: Mapping[str, str] | None = None  # extra exporter config keys (no secrets: those come from
    # the destination registry's own settings)

    def destination_context(self, source_context: str | None) -> str | None:
        """Where exported subjects land: None is the destination's default context."""
        if self.context_type == "NONE":
            return source_context
        return self.context

    def destination_subject(self, subject: str) -> str:
        if self.subject_rename_format:
            return self.subject_rename_format.replace("${subject}", subject)
        return subject


def load_links(config: Config) -> dict[str, LinkSettings]:
    return {name: _link(config, name, raw) for name, raw in config.links.items()}


def link_named(config: Config, name: str | None) -> list[LinkSettings]:
    """One named link, or all of them; none declared is a config error."""
    links = load_links(config)
    if not links:
        raise ConfigError(f"{config.path}: links: none declared")
    if name is None:
        return list(links.values())
    if name not in links:
        raise ConfigError(f"{config.path}: links.{name}: no such link (declared: {', '.join(sorted(links))})")
    return [links[name]]


def _link(config: Config, name: str, raw: Any) -> LinkSettings:
    where = f"{config.path}: links.{name}"

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{where}.{key}: {problem}")

    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping")
    for key in raw:
        if key not in _KEYS:
            raise fail(str(key), f"unknown key (expected one of: {', '.join(sorted(_KEYS))})")
    for key in ("source", "destination"):
        value = raw.get(key)
        if not isinstance(value, str) or value not in config.registries:
            known = ", ".join(sorted(config.registries)) or "none"
            raise fail(key, f"must name a registry from registries: (configured: {known})")
    if raw["source"] == raw["destination"]:
        raise fail("destination", "must differ from source")
    context_type = str(raw.get("context_type", "AUTO")).upper()
    if context_type not in CONTEXT_TYPES:
        raise fail(
            "context_type", f"expected one of {', '.join(CONTEXT_TYPES)}, got {raw.get('context_type')!r}"
        )
    context = raw.get("context")
    if context is not None and (not isinstance(context, str) or not context.startswith(".")):
        raise fail("context", "a context name starts with a dot, e.g. .linked")
    if context_type == "CUSTOM" and context is None:
        raise fail("context", "required when context_type is CUSTOM")
    subjects = raw.get("subjects", ["*"])
    if not isinstance(subjects, list) or not subjects or not all(isinstance(s, str) and s for s in subjects):
        raise fail("subjects", "expected a non-empty list of subject names or patterns")
    rename = raw.get("subject_rename_format")
    if rename is not None and (not isinstance(rename, str) or "${subject}" not in rename):
        raise fail("subject_rename_format", "must contain ${subject}")
    extra = raw.get("config")
    if extra is not None:
        if not isinstance(extra, Mapping) or not all(isinstance(k, str) for k in extra):
            raise fail("config", "expected a mapping of exporter config keys to values")
        secret_like = [
            k for k in extra if any(w in k.lower() for w in ("password", "secret", "user.info", "token"))
        ]
        if secret_like:
            raise fail(
                f"config.{secret_like[0]}", "secrets come from the destination registry's auth, not here"
            )
        extra = {k: str(v) for k, v in extra.items()}
    return LinkSettings(
        name=name,
        source=raw["source"],
        destination=raw["destination"],
        context_type=context_type,
        context=context,
        subjects=tuple(subjects),
        subject_rename_format=rename,
        config=extra,
    )
