"""What metadata and ruleSet a Confluent registry stores for a registration, and what to send so that
it stores exactly what git declares.

Confluent fills in a `metadata` or `ruleSet` the request leaves out (null) from the subject's latest
live version, then merges the config's defaultMetadata/defaultRuleSet under it and its
overrideMetadata/overrideRuleSet over it (AbstractSchemaRegistry.maybeSetMetadataRuleSet, since
CP 7.4). An explicit empty object is not left out: it stops the copy. So a sidecar that drops its
rules must be sent as `"ruleSet": {}`, or the registry keeps applying the old rules. Config defaults
and overrides apply whatever is sent; when they add to what git declares, publish refuses.

Shapes are plain JSON. Two are the same contract when they hold the same non-empty parts: `{}`, an
empty part and no object at all all mean "nothing declared" to a client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Json = Mapping[str, Any]
_METADATA_PARTS = ("tags", "properties", "sensitive")
_RULE_PARTS = ("migrationRules", "domainRules", "encodingRules")


@dataclass(frozen=True)
class ContractExtras:
    """Confluent data-contract parts sent with a schema: `metadata` and `ruleSet` (JSON shapes)."""

    metadata: Mapping[str, Any] | None = None
    rule_set: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ConfigContract:
    """A subject's config-in-scope metadata and rules, which every registration there merges."""

    default_metadata: Json | None = None
    override_metadata: Json | None = None
    default_rule_set: Json | None = None
    override_rule_set: Json | None = None


def plain_metadata(metadata: Json | None) -> dict[str, Any]:
    """Metadata reduced to what a client sees: non-empty parts, tag and sensitive lists as sets."""
    out: dict[str, Any] = {}
    for part in _METADATA_PARTS:
        value = (metadata or {}).get(part)
        if not value:
            continue
        if part == "tags" and isinstance(value, Mapping):
            value = {path: sorted(set(tags)) for path, tags in value.items() if tags}
        elif part == "sensitive" and isinstance(value, list):
            value = sorted(set(value))
        if value:
            out[part] = value
    return out


def plain_rule_set(rule_set: Json | None) -> dict[str, Any]:
    """A rule set reduced to its non-empty phases (rule order matters: rules run in order)."""
    out = {part: list(value) for part in _RULE_PARTS if (value := (rule_set or {}).get(part))}
    if (rule_set or {}).get("enableAt") is not None:
        out["enableAt"] = (rule_set or {})["enableAt"]
    return out


def same_contract(declared: ContractExtras | None, held: ContractExtras | None) -> bool:
    """Whether a registry version's metadata and rules are the ones git declares."""
    want = declared or ContractExtras()
    have = held or ContractExtras()
    return plain_metadata(want.metadata) == plain_metadata(have.metadata) and plain_rule_set(
        want.rule_set
    ) == plain_rule_set(have.rule_set)


def with_explicit_empties(declared: ContractExtras | None) -> ContractExtras:
    """git's metadata and rules with `{}` for a part it leaves out: the form that stops inheriting."""
    want = declared or ContractExtras()
    return ContractExtras(
        {} if want.metadata is None else want.metadata, {} if want.rule_set is None else want.rule_set
    )


def to_send(declared: ContractExtras | None, previous: ContractExtras | None) -> ContractExtras | None:
    """What to send for git's metadata and rules when `previous` is the subject's latest live version
    (None: no live version). Unchanged unless the registry would copy a part git leaves out; then
    every part git leaves out goes as `{}` (one form, so a lookup can ask for it again)."""
    want = declared or ContractExtras()
    inherits = previous is not None and (
        (want.metadata is None and previous.metadata is not None)
        or (want.rule_set is None and previous.rule_set is not None)
    )
    return with_explicit_empties(declared) if inherits else declared


def stored(
    sent: ContractExtras | None, previous: ContractExtras | None, config: ConfigContract
) -> ContractExtras:
    """The metadata and rules the registry stores for a registration sending `sent`."""
    request = sent or ContractExtras()
    earlier = previous or ContractExtras()
    metadata = request.metadata if request.metadata is not None else earlier.metadata
    rule_set = request.rule_set if request.rule_set is not None else earlier.rule_set
    return ContractExtras(
        merge_metadata(merge_metadata(config.default_metadata, metadata), config.override_metadata),
        merge_rule_sets(merge_rule_sets(config.default_rule_set, rule_set), config.override_rule_set),
    )


def merge_metadata(under: Json | None, over: Json | None) -> Json | None:
    """`over` on top of `under`, key by key in each part; a part empty on one side is the other's."""
    if under is None or over is None:
        return over if under is None else under
    out: dict[str, Any] = {}
    for part in _METADATA_PARTS:
        low, high = under.get(part) or None, over.get(part) or None
        if low is None or high is None:
            value = high if low is None else low
        elif part == "sensitive":
            value = sorted(set(low) | set(high))
        else:
            value = {**low, **high}
        if value:
            out[part] = value
    return out


def merge_rule_sets(under: Json | None, over: Json | None) -> Json | None:
    """Per phase: `under`'s rules that `over` does not rename, then `over`'s."""
    if under is None or over is None:
        return over if under is None else under
    out: dict[str, Any] = {}
    for part in _RULE_PARTS:
        low, high = list(under.get(part) or []), list(over.get(part) or [])
        names = {rule.get("name") for rule in high if isinstance(rule, Mapping)}
        merged = [r for r in low if not (isinstance(r, Mapping) and r.get("name") in names)] + high
        if merged:
            out[part] = merged
    enable_at = over.get("enableAt") if over.get("enableAt") is not None else under.get("enableAt")
    if enable_at is not None:
        out["enableAt"] = enable_at
    return out


def config_contract(config: Json) -> ConfigContract:
    """The four config keys, as a GET /config/{subject}?defaultToGlobal=true answer holds them
    (ValueError when one is not a JSON object)."""
    parts = []
    for key in ("defaultMetadata", "overrideMetadata", "defaultRuleSet", "overrideRuleSet"):
        value = config.get(key)
        if value is not None and not isinstance(value, Mapping):
            raise ValueError(f"{key} is not a JSON object")
        parts.append(value)
    return ConfigContract(*parts)
