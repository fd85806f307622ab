"""Rules and contract metadata as loaded from a sidecar, and their Confluent REST shapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contractctl.model import SourcePosition

KINDS = ("CONDITION", "TRANSFORM")
DOMAIN_MODES = ("WRITE", "READ", "WRITEREAD")
MIGRATION_MODES = ("UPGRADE", "DOWNGRADE", "UPDOWN")
MODES = DOMAIN_MODES + MIGRATION_MODES
# Rule types Confluent's clients ship executors for (ENCRYPT_PAYLOAD belongs to encodingRules, which
# contractctl does not manage).
RULE_TYPES = ("CEL", "CEL_FIELD", "JSONATA", "ENCRYPT")
ACTIONS = ("NONE", "ERROR", "DLQ")
# Which sidecar keys become Confluent metadata properties.
OWNER_PROPERTY = "owner"
DESCRIPTION_PROPERTY = "description"


@dataclass(frozen=True)
class Rule:
    """One Confluent rule (domain or migration), as written in the sidecar."""

    name: str
    kind: str  # CONDITION | TRANSFORM
    mode: str  # WRITE | READ | WRITEREAD | UPGRADE | DOWNGRADE | UPDOWN
    type: str  # CEL | CEL_FIELD | JSONATA | ENCRYPT
    expr: str | None = None
    tags: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    on_success: str | None = None
    on_failure: str | None = None
    disabled: bool = False
    doc: str | None = None
    position: SourcePosition | None = field(default=None, compare=False)  # where the rule starts

    def registry_shape(self) -> dict[str, Any]:
        """Confluent's JSON for a rule: empty values left out as the server leaves them out (its
        Jackson NON_EMPTY), tags and params sorted as it sorts them, `disabled` always present."""
        out: dict[str, Any] = {"name": self.name}
        if self.doc:
            out["doc"] = self.doc
        out.update(kind=self.kind, mode=self.mode, type=self.type)
        if self.tags:
            out["tags"] = sorted(set(self.tags))
        if self.params:
            out["params"] = dict(sorted(self.params.items()))
        if self.expr is not None:
            out["expr"] = self.expr
        if self.on_success:
            out["onSuccess"] = self.on_success
        if self.on_failure:
            out["onFailure"] = self.on_failure
        out["disabled"] = self.disabled
        return out


@dataclass(frozen=True)
class ContractMeta:
    """A contract's sidecar: who owns it, field tags, properties and rules.

    `tags` is in Confluent's `metadata.tags` shape: a field full-name pattern (``Record.field``,
    wildcards allowed) -> tags; the sidecar's friendlier field paths are already translated.
    `positions` maps sidecar key paths (``properties/major_version``, ``rules/migration/0``) to where
    they are written, for findings that point into the sidecar.
    """

    owner: str | None
    description: str | None
    tags: Mapping[str, tuple[str, ...]]
    properties: Mapping[str, str]
    sensitive: tuple[str, ...]
    domain_rules: tuple[Rule, ...]
    migration_rules: tuple[Rule, ...]
    path: str
    positions: Mapping[str, SourcePosition] = field(default_factory=dict, compare=False, repr=False)

    def all_properties(self) -> dict[str, str]:
        """Properties as registered: the sidecar's, plus owner and description under their own keys."""
        out = dict(self.properties)
        if self.owner is not None:
            out[OWNER_PROPERTY] = self.owner
        if self.description is not None:
            out[DESCRIPTION_PROPERTY] = self.description
        return out

    def registry_metadata(self) -> dict[str, Any] | None:
        """Confluent's `metadata` object, or None when the sidecar states nothing that belongs there.

        owner and description travel as the properties ``owner`` and ``description``.
        """
        out: dict[str, Any] = {}
        if self.tags:
            out["tags"] = {path: sorted(set(tags)) for path, tags in sorted(self.tags.items())}
        properties = self.all_properties()
        if properties:
            out["properties"] = dict(sorted(properties.items()))
        if self.sensitive:
            out["sensitive"] = sorted(set(self.sensitive))
        return out or None

    def registry_rule_set(self) -> dict[str, Any] | None:
        """Confluent's `ruleSet` object (rules in sidecar order), or None without rules."""
        out: dict[str, Any] = {}
        if self.migration_rules:
            out["migrationRules"] = [rule.registry_shape() for rule in self.migration_rules]
        if self.domain_rules:
            out["domainRules"] = [rule.registry_shape() for rule in self.domain_rules]
        return out or None

    def position(self, key: str) -> SourcePosition | None:
        """Where a key path is written, or its nearest written parent."""
        candidate = key
        while candidate:
            if candidate in self.positions:
                return self.positions[candidate]
            candidate = candidate.rpartition("/")[0]
        return None
