"""Breaks inside git's own history that a registry would refuse when publish reaches them.

A registry compares each registration with the versions it holds before it, under the subject's level
(and within its compatibility group). A version git's history let through with a break (a check run
with `--allow-breaking`, a commit made before the gate existed) is refused at its turn, after publish
has registered the versions before it: half a history in the registry, and a subject whose new level
stays set. Found here first, with the pairwise checks `check` makes, so publish writes nothing instead
(round 24's audit: CycloneDX at HEAD~50 registered eight steps of a new subject, then was refused).

The first missing version of a subject the registry already holds is not judged here: `preflight`
asks the registry itself, which also knows versions git does not have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from contractctl.formats import get_format
from contractctl.levels import Earlier, check_level, split_by_type
from contractctl.model import CompatibilityLevel, Finding, FindingKind, Severity
from contractctl.registry.desired import Catalog, GitVersion

_SHOWN = 3  # incompatibilities quoted in the refusal; `check` lists them all


def history_breaks(
    catalog: Catalog,
    pending: Sequence[GitVersion],
    new_subjects: set[str],
    left_out: Sequence[GitVersion],
    levels: Mapping[str, CompatibilityLevel],
    groups: Mapping[str, str | None],
    registry: str,
) -> list[Finding]:
    """One refusal per subject: its first pending version that breaks with the ones the registry
    will hold before it (`left_out`: git versions it will not hold; `levels` and `groups`: what
    applies in that registry, per subject)."""
    absent = {id(version) for version in left_out}
    findings = []
    for subject in sorted({version.subject for version in pending}):
        level = levels[subject]
        if level is CompatibilityLevel.NONE:
            continue
        mine = [version for version in pending if version.subject == subject]
        judged = mine if subject in new_subjects else mine[1:]
        if not judged:
            continue
        held = [version for version in catalog.versions[subject] if id(version) not in absent]
        refusal = _first_refusal(catalog, held, judged, level, groups.get(subject), registry)
        if refusal is not None:
            findings.append(refusal)
    return findings


def _first_refusal(
    catalog: Catalog,
    held: list[GitVersion],
    judged: Sequence[GitVersion],
    level: CompatibilityLevel,
    group_property: str | None,
    registry: str,
) -> Finding | None:
    for version in judged:
        index = next(position for position, there in enumerate(held) if there is version)
        earlier = _same_group(held[:index], version, group_property)
        same_type, _ = split_by_type(
            version.payload.schema_type, [(v.payload.schema_type, v) for v in earlier], level
        )
        compared = [Earlier(v.label, v.schema) for v in same_type]
        breaks = [
            finding
            for finding in check_level(
                get_format(version.payload.schema_type), version.schema, compared, level
            )
            if finding.severity is Severity.ERROR
        ]
        if breaks:
            return _refusal(catalog, version, breaks, level, registry)
    return None


def _same_group(
    earlier: Sequence[GitVersion], new: GitVersion, group_property: str | None
) -> list[GitVersion]:
    """The earlier versions in the new one's compatibility group: a version whose sidecar declares no
    metadata is in the group of the one before it (the registry copies metadata forward)."""
    if not group_property:
        return list(earlier)
    values: list[object] = []
    previous: object = None
    for version in [*earlier, new]:
        if version.payload.contract is not None and version.payload.contract.metadata is not None:
            properties = version.payload.contract.metadata.get("properties") or {}
            previous = properties.get(group_property) if isinstance(properties, Mapping) else None
        values.append(previous)
    return [version for version, value in zip(earlier, values, strict=False) if value == values[-1]]


def _refusal(
    catalog: Catalog, version: GitVersion, breaks: Sequence[Finding], level: CompatibilityLevel, registry: str
) -> Finding:
    subject = version.subject
    against = breaks[0].compared_with or "the version before it"
    quoted = " | ".join(finding.message for finding in breaks[:_SHOWN])
    more = f" (and {len(breaks) - _SHOWN} more)" if len(breaks) > _SHOWN else ""
    return Finding(
        rule="HISTORY_INCOMPATIBLE",
        message=f"registry {registry} would refuse {version.label} of {subject}: under {level.value} it "
        f"breaks with {against}, a break git's history let through: {quoted}{more} (nothing was "
        "registered there)",
        kind=FindingKind.INCOMPATIBLE,
        registry=registry,
        subject=subject,
        file=catalog.paths.get(subject),
        hint="The registry compares each version with those before it, so publish would stop there half "
        "way. To register the history as it is, give the subject level NONE for this publish and its "
        "level back afterwards (in git for a subject the registry does not hold yet, whose level publish "
        "sets; in the registry, PUT /config/SUBJECT, for one it holds), or publish the new shape under a "
        "new subject.",
    )
