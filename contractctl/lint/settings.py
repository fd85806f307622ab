"""The `lint:` section of contractctl.yaml, validated with errors that name the file and key path."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from contractctl.errors import ConfigError
from contractctl.generic.globs import glob_regex
from contractctl.generic.value_kind import type_name
from contractctl.lint.rules import RULE_PREFIX, RULES, SEVERITIES

CASES = ("snake_case", "camelCase", "PascalCase", "any")
_Fail = Callable[[str, str], ConfigError]
_KEYS = ("rules", "field_case", "record_case", "protobuf_package_version", "ignore")


@dataclass(frozen=True)
class PathIgnore:
    """`lint.ignore` entry: `rule` is not reported for contracts whose path matches `path_glob`.

    The glob is matched against the contract's repository-relative path: `**` spans directories,
    `*` and `?` stay within one path segment.
    """

    rule: str
    path_glob: str

    def matches(self, path: PurePosixPath | str) -> bool:
        return glob_regex(self.path_glob).fullmatch(str(path)) is not None


@dataclass(frozen=True)
class LintSettings:
    """Rule severities (overrides of the defaults) and the conventions the rules check against."""

    severities: Mapping[str, str] = field(default_factory=dict)  # rule id -> error|warning|off
    field_case: str = "snake_case"  # or camelCase, PascalCase, any
    record_case: str = "PascalCase"
    protobuf_package_version: str = r"\.v\d+$"  # regex the package must match (re.search)
    ignore: tuple[PathIgnore, ...] = ()

    def __post_init__(self) -> None:
        """Settings built in code (not from_raw) fail here rather than deep inside a rule."""
        for rule_id, severity in self.severities.items():
            if rule_id not in RULES or severity not in SEVERITIES:
                raise ValueError(f"invalid lint severity {rule_id!r}: {severity!r}")
        if self.field_case not in CASES or self.record_case not in CASES:
            raise ValueError(f"lint cases must be one of {', '.join(CASES)}")

    def severity(self, rule_id: str) -> str:
        """The effective severity: the configured one, else the rule's default."""
        return self.severities.get(rule_id) or RULES[rule_id].default_severity

    def enabled(self, rule_id: str) -> bool:
        return self.severity(rule_id) != "off"

    @classmethod
    def from_raw(
        cls, raw: Mapping[str, Any] | None, config_path: Path, where: Callable[[str], str] | None = None
    ) -> LintSettings:
        """Validate the raw `lint:` mapping; raises ConfigError "{where}: lint.<key>: problem", where
        `where(key)` names the file, line and column of `lint.<key>` (default: the file alone)."""

        def fail(key_path: str, problem: str) -> ConfigError:
            place = where(key_path) if where is not None else str(config_path)
            return ConfigError(f"{place}: lint{'.' + key_path if key_path else ''}: {problem}")

        if raw is None:
            return cls()
        if not isinstance(raw, Mapping):
            raise fail("", f"expected a mapping, got {type_name(raw)}")
        for key in raw:
            if key not in _KEYS:
                raise fail(str(key), f"unknown key (expected one of: {', '.join(sorted(_KEYS))})")

        rules = raw.get("rules")
        if rules is not None and not isinstance(rules, Mapping):
            raise fail("rules", f"expected a mapping of rule id to severity, got {type_name(rules)}")
        severities: dict[str, str] = {}
        for rule_id, value in (rules or {}).items():
            severities[_rule_id(rule_id, f"rules.{rule_id}", fail)] = _severity(
                value, f"rules.{rule_id}", fail
            )

        cases = {}
        for key in ("field_case", "record_case"):
            value = raw.get(key, getattr(cls, key))
            if value not in CASES:
                raise fail(key, f"expected one of {', '.join(CASES)}, got {value!r}")
            cases[key] = value

        pattern = raw.get("protobuf_package_version", cls.protobuf_package_version)
        if not isinstance(pattern, str) or not pattern:
            raise fail("protobuf_package_version", f"expected a regular expression, got {type_name(pattern)}")
        try:
            re.compile(pattern)
        except re.error as error:
            raise fail("protobuf_package_version", f"invalid regular expression: {error}") from None

        return cls(
            severities=severities,
            field_case=cases["field_case"],
            record_case=cases["record_case"],
            protobuf_package_version=pattern,
            ignore=_path_ignores(raw.get("ignore"), fail),
        )


def normalize_rule_id(text: str) -> str | None:
    """A known rule id from "naming" or "lint/naming", else None."""
    rule_id = text.strip().removeprefix(RULE_PREFIX)
    return rule_id if rule_id in RULES else None


def _rule_id(value: Any, key_path: str, fail: _Fail) -> str:
    rule_id = normalize_rule_id(value) if isinstance(value, str) else None
    if rule_id is None:
        raise fail(key_path, f"unknown rule {value!r} (expected one of: {', '.join(sorted(RULES))})")
    return rule_id


def _severity(value: Any, key_path: str, fail: _Fail) -> str:
    if value is False:  # YAML 1.1 reads an unquoted `off` (or `no`) as false
        return "off"
    if isinstance(value, str) and value.strip().lower() in SEVERITIES:
        return value.strip().lower()
    raise fail(key_path, f"expected error, warning or off, got {value!r}")


def _path_ignores(raw: Any, fail: _Fail) -> tuple[PathIgnore, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise fail("ignore", f"expected a list of {{rule, path_glob}} mappings, got {type_name(raw)}")
    out = []
    for index, item in enumerate(raw):
        key_path = f"ignore[{index}]"
        if not isinstance(item, Mapping):
            raise fail(key_path, f"expected a mapping with rule and path_glob, got {type_name(item)}")
        for key in item:
            if key not in ("rule", "path_glob"):
                raise fail(f"{key_path}.{key}", "unknown key (expected one of: path_glob, rule)")
        for key in ("rule", "path_glob"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise fail(f"{key_path}.{key}", "missing (expected a non-empty string)")
        rule_id = _rule_id(item["rule"], f"{key_path}.rule", fail)
        out.append(PathIgnore(rule_id, item["path_glob"].strip()))
    return tuple(out)
