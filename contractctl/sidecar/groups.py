"""Confluent compatibility groups: a sanctioned break starts a new group, bridged by migration rules.

With a subject's `compatibilityGroup` config set to a metadata property (say ``major_version``), the
registry compares a new schema only with versions whose value of that property equals the new one's
(a missing value equals a missing value). Consumers on the old group keep working only through the new
version's migration rules: UPGRADE turns old records into new ones, DOWNGRADE the reverse.

A version registered without metadata inherits the previous version's (Confluent copies it forward),
so a version without a sidecar is in the group of the version before it.
"""

from __future__ import annotations

from collections.abc import Sequence

from contractctl.model import Finding, FindingKind, Severity
from contractctl.sidecar.meta import ContractMeta


def compatibility_group(meta: ContractMeta | None, group_property: str | None) -> str | None:
    """The version's group value: its metadata property named by `compatibilityGroup`, if any."""
    if meta is None or not group_property:
        return None
    return meta.all_properties().get(group_property)


def _effective_groups(
    earlier_metas: Sequence[tuple[str, ContractMeta | None]], group_property: str
) -> list[str | None]:
    groups: list[str | None] = []
    previous: str | None = None
    for _, meta in earlier_metas:
        previous = compatibility_group(meta, group_property) if meta is not None else previous
        groups.append(previous)
    return groups


def _has_migration(meta: ContractMeta, mode: str) -> bool:
    return any(rule.mode in (mode, "UPDOWN") and not rule.disabled for rule in meta.migration_rules)


def group_findings(
    new_meta: ContractMeta | None,
    earlier_metas: Sequence[tuple[str, ContractMeta | None]],
    group_property: str | None,
) -> tuple[list[int], list[Finding]]:
    """Indexes of the earlier versions (oldest first) in the new version's group, and findings.

    When the group changes from the latest version's, migration rules both ways must exist in the new
    sidecar (POLICY error otherwise), and an INFO finding says which versions are no longer compared.
    """
    if not group_property:
        return list(range(len(earlier_metas))), []
    groups = _effective_groups(earlier_metas, group_property)
    latest = groups[-1] if groups else None
    new_group = compatibility_group(new_meta, group_property) if new_meta is not None else latest
    same = [index for index, group in enumerate(groups) if group == new_group]
    if not earlier_metas or new_group == latest:
        return same, []
    skipped = [earlier_metas[index][0] for index in range(len(earlier_metas)) if index not in same]
    file = new_meta.path if new_meta is not None else None
    position = new_meta.position(f"properties/{group_property}") if new_meta is not None else None
    line = position.line if position else None
    shown_new = repr(new_group) if new_group is not None else "none"
    shown_old = repr(latest) if latest is not None else "none"
    findings = [
        Finding(
            rule="CONTRACT_GROUP_CHANGED",
            message=(
                f"a new compatibility group starts: {group_property} changes from {shown_old} to "
                f"{shown_new}; {', '.join(skipped)} {'is' if len(skipped) == 1 else 'are'} in another "
                "group and not compared"
            ),
            kind=FindingKind.ADVISORY,
            severity=Severity.INFO,
            file=file,
            line=line,
            hint="Confluent checks compatibility only within a group; migration rules bridge the groups.",
        )
    ]
    missing = [
        mode for mode in ("UPGRADE", "DOWNGRADE") if new_meta is None or not _has_migration(new_meta, mode)
    ]
    if missing:
        rules_position = new_meta.position("rules/migration") if new_meta is not None else None
        where = rules_position or position
        findings.append(
            Finding(
                rule="CONTRACT_GROUP_WITHOUT_MIGRATION",
                message=(
                    f"the compatibility group changes ({group_property} {shown_old} -> {shown_new}) but the "
                    f"sidecar has no {' or '.join(missing)} migration rule"
                ),
                kind=FindingKind.POLICY,
                file=file,
                line=where.line if where else None,
                hint=(
                    "Add rules.migration entries with mode UPGRADE and DOWNGRADE (or one UPDOWN rule) that "
                    "turn records of the old group into the new shape and back, e.g. a JSONATA TRANSFORM."
                ),
            )
        )
    return same, findings
