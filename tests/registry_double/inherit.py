"""How Confluent fills in a registration's `metadata` and `ruleSet` (maybeSetMetadataRuleSet).

A request that leaves either out (JSON null or absent, not `{}`) gets the latest live version's one,
then the config in scope merges its defaults under and its overrides over it. Metadata merges key by
key (tags, properties, sensitive); rule sets rule by rule, a newer rule replacing an older one of the
same name. These are plain JSON shapes, compared as Confluent's entities compare them: an empty part
(`"properties": {}`, `"domainRules": []`) is no part, but `{}` itself is not null.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Json = Mapping[str, Any]
METADATA_PARTS = ("tags", "properties", "sensitive")
RULE_PARTS = ("migrationRules", "domainRules", "encodingRules")
CONFLUENT_VERSION = "confluent:version"


def tidy_metadata(metadata: Json | None) -> dict[str, Any] | None:
    """Metadata as Confluent stores and renders it: empty parts dropped, sets sorted."""
    if metadata is None:
        return None
    out: dict[str, Any] = {}
    tags = metadata.get("tags") or {}
    if tags:
        out["tags"] = {path: sorted(set(values)) for path, values in sorted(tags.items())}
    properties = metadata.get("properties") or {}
    if properties:
        out["properties"] = dict(sorted(properties.items()))
    sensitive = metadata.get("sensitive") or []
    if sensitive:
        out["sensitive"] = sorted(set(sensitive))
    return out


def tidy_rule_set(rule_set: Json | None) -> dict[str, Any] | None:
    """A rule set as Confluent renders it: empty rule lists dropped (rule order kept)."""
    if rule_set is None:
        return None
    out: dict[str, Any] = {part: list(rule_set[part]) for part in RULE_PARTS if rule_set.get(part)}
    if rule_set.get("enableAt") is not None:
        out["enableAt"] = rule_set["enableAt"]
    return out


def merge_metadata(old: Json | None, new: Json | None) -> dict[str, Any] | None:
    """Metadata.mergeMetadata: each part of `new` over `old`'s, key by key; an empty part keeps the old."""
    if old is None or new is None:
        return tidy_metadata(new if old is None else old)
    merged: dict[str, Any] = {}
    for part in METADATA_PARTS:
        before, after = old.get(part) or None, new.get(part) or None
        if before is None or after is None:
            value = after if before is None else before
        elif part == "sensitive":
            value = sorted(set(before) | set(after))
        else:
            value = {**before, **after}
        if value:
            merged[part] = value
    return tidy_metadata(merged)


def merge_rule_sets(old: Json | None, new: Json | None) -> dict[str, Any] | None:
    """RuleSet.mergeRuleSets: per phase, old rules not renamed in `new` first, then `new`'s rules."""
    if old is None or new is None:
        return tidy_rule_set(new if old is None else old)
    merged: dict[str, Any] = {}
    for part in RULE_PARTS:
        before, after = list(old.get(part) or []), list(new.get(part) or [])
        if before and after:
            names = {rule.get("name") for rule in after}
            merged[part] = [rule for rule in before if rule.get("name") not in names] + after
        elif before or after:
            merged[part] = before or after
    enable_at = new.get("enableAt") if new.get("enableAt") is not None else old.get("enableAt")
    if enable_at is not None:
        merged["enableAt"] = enable_at
    return tidy_rule_set(merged)


def populate(
    metadata: Json | None,
    rule_set: Json | None,
    previous: tuple[Json | None, Json | None] | None,
    config: Json,
    new_version: int | None,
    version_given: bool,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The metadata and rule set a registration stores (or a lookup's second pass compares).

    `previous` is the latest live version's pair (None for a subject without one); `config` the
    config in scope (its defaultMetadata, overrideMetadata, defaultRuleSet, overrideRuleSet).
    `new_version` is None for a lookup, which never stamps `confluent:version`."""
    specific_metadata = metadata if metadata is not None else (previous[0] if previous else None)
    specific_rules = rule_set if rule_set is not None else (previous[1] if previous else None)
    merged_metadata = merge_metadata(
        merge_metadata(config.get("defaultMetadata"), specific_metadata), config.get("overrideMetadata")
    )
    merged_rules = merge_rule_sets(
        merge_rule_sets(config.get("defaultRuleSet"), specific_rules), config.get("overrideRuleSet")
    )
    stamped = merged_metadata is not None and CONFLUENT_VERSION in (merged_metadata.get("properties") or {})
    if new_version is not None and (version_given or stamped):
        properties = dict((merged_metadata or {}).get("properties") or {})
        properties[CONFLUENT_VERSION] = str(new_version)
        merged_metadata = tidy_metadata({**(merged_metadata or {}), "properties": properties})
    return merged_metadata, merged_rules
