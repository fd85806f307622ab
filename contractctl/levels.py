"""Compatibility levels on top of any format's pairwise reader/writer check.

Confluent's semantics: BACKWARD means the new schema reads data written with the previous one;
FORWARD swaps the roles; FULL is both; *_TRANSITIVE compares with every earlier version instead of only
the latest; NONE accepts everything; a subject without earlier versions accepts anything.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from contractctl.formats.base import ParsedSchema, SchemaFormat
from contractctl.model import CompatibilityLevel, Finding, FindingKind, SchemaType

T = TypeVar("T")

DIFFERENT_SCHEMA_TYPE = "Incompatible because of different schema type"
"""Confluent's message (ParsedSchema.isCompatible) when a subject's compared version has another type."""

SCHEMA_TYPE_CHANGED = "SCHEMA_TYPE_CHANGED"


@dataclass(frozen=True)
class Earlier:
    """An earlier version to compare with, and how to name it in findings."""

    label: str  # e.g. "version 2 (1a2b3c4)"
    schema: ParsedSchema


def versions_to_check(level: CompatibilityLevel, earlier: Sequence[T]) -> list[T]:
    """Newest first, as the registry walks them; only the latest for non-transitive levels."""
    if level is CompatibilityLevel.NONE or not earlier:
        return []
    newest_first = list(reversed(earlier))
    return newest_first if level.transitive else newest_first[:1]


def split_by_type(
    new_type: SchemaType, earlier: Sequence[tuple[SchemaType, T]], level: CompatibilityLevel
) -> tuple[list[T], list[T]]:
    """(earlier versions of the new schema's type to keep, versions of another type the level compares).

    Schema Registry refuses a new version when a version its level compares has another schema type
    (under NONE nothing is compared, so a type switch passes). When a non-transitive level's one
    compared version is of another type, no version of the new type is compared either.
    """
    foreign = [item for schema_type, item in versions_to_check(level, earlier) if schema_type is not new_type]
    if foreign and not level.transitive:
        return [], foreign
    return [item for schema_type, item in earlier if schema_type is new_type], foreign


def schema_type_changed(
    new_type: SchemaType, foreign: Sequence[tuple[str, SchemaType | None]], file: str | None
) -> Finding:
    """The finding for a subject whose compared versions (label, type if known) have another type."""
    known = sorted({schema_type.value for _, schema_type in foreign if schema_type is not None})
    every_known = all(schema_type is not None for _, schema_type in foreign)
    old_types = "/".join(known) if known and every_known else "another type"
    return Finding(
        rule=SCHEMA_TYPE_CHANGED,
        message=f"the schema type changes from {old_types} to {new_type.value}: Schema Registry refuses a "
        f"version of another type under a subject whose level is not NONE ({DIFFERENT_SCHEMA_TYPE!r})",
        kind=FindingKind.INCOMPATIBLE,
        file=file,
        line=1 if file else None,
        compared_with=", ".join(label for label, _ in foreign),
        hint="Publish the new format under a new subject (a new topic, or an explicit `subject:` "
        "override). If the switch is intended, set the subject's level to NONE for it, in git and in each "
        "registry that holds the subject (a transitive level compares with the old type's versions again "
        "afterwards); `check --allow-breaking SUBJECT --reason TEXT` lets one check through.",
    )


def check_level(
    schema_format: SchemaFormat,
    new: ParsedSchema,
    earlier: Sequence[Earlier],
    level: CompatibilityLevel,
    top: Path | None = None,
) -> list[Finding]:
    """All incompatibilities of `new` under `level`; identical ones across versions are merged.

    Formats report pointers, and file and line refer to the new contract, except where a format
    located a finding in a file the new contract references (Protobuf: a difference inside an
    imported type, whose pointer starts at that type). A format names a file no contract is (a
    vendored import) by its absolute path: with `top`, it is named relative to it, as the report
    names every other file.
    """
    merged: dict[tuple[str, str, str | None, str], tuple[Finding, list[str]]] = {}
    for version in versions_to_check(level, earlier):
        pairs = []
        if level.checks_backward:
            pairs.append(("backward", new, version.schema))
        if level.checks_forward:
            pairs.append(("forward", version.schema, new))
        for direction, reader, writer in pairs:
            for finding in schema_format.check(reader, writer, forward=direction == "forward"):
                key = (direction, finding.rule, finding.pointer, finding.message)
                if key in merged:
                    labels = merged[key][1]
                    if labels[-1] != version.label:  # one version finds a difference once per path to it
                        labels.append(version.label)
                else:
                    merged[key] = (finding, [version.label])
    predating = _predating(schema_format, earlier, level, merged)
    out = []
    for key, (finding, labels) in merged.items():
        direction = key[0]
        # Findings point into the reader; for FORWARD that is the old version, so the same pointer is
        # looked up in the new file: the line a reviewer can act on.
        finding = replace(finding, direction=direction, compared_with=", ".join(labels))
        if key in predating:
            finding = replace(finding, hint=_predates_hint(earlier[-1].label, labels, level))
        if finding.file is None:
            finding = finding.placed(str(new.source.path), new.locate(finding.pointer))
        out.append(finding)
    return _relative_files(out, top) if top is not None else out


def _relative_files(findings: Sequence[Finding], top: Path) -> list[Finding]:
    """Findings a format located in a file it names by its absolute path (Protobuf: a vendored
    import from an include folder) named as the report names every other file: relative to `top`
    (the repository's top; `compat`: the working directory). A file outside `top` keeps its path."""
    out = []
    resolved_top = top.resolve()
    for finding in findings:
        if finding.file is not None and os.path.isabs(finding.file):
            absolute = Path(finding.file).resolve()
            if absolute.is_relative_to(resolved_top):
                finding = replace(finding, file=absolute.relative_to(resolved_top).as_posix())
        out.append(finding)
    return out


def _predating(
    schema_format: SchemaFormat,
    earlier: Sequence[Earlier],
    level: CompatibilityLevel,
    merged: dict[tuple[str, str, str | None, str], tuple[Finding, list[str]]],
) -> set[tuple[str, str, str | None, str]]:
    """The transitive findings the latest earlier version already has against the same versions.

    A change that keeps an old break (one a version before it introduced, allowed or forced then) is
    refused all the same, but its finding should not read as the change's doing. Only findings that
    miss the latest version are looked at, so a check without findings costs nothing more.
    """
    if not level.transitive or len(earlier) < 2:
        return set()
    latest = earlier[-1]
    by_label = {version.label: version for version in earlier[:-1]}
    answers: dict[tuple[str, str], set[tuple[str, str | None, str]]] = {}
    out = set()
    for key, (_finding, labels) in merged.items():
        direction = key[0]
        if latest.label in labels or any(label not in by_label for label in labels):
            continue
        for label in labels:
            if (direction, label) not in answers:
                old = by_label[label].schema
                reader, writer = (latest.schema, old) if direction == "backward" else (old, latest.schema)
                found = schema_format.check(reader, writer, forward=direction == "forward")
                answers[direction, label] = {(f.rule, f.pointer, f.message) for f in found}
            if key[1:] not in answers[direction, label]:
                break
        else:
            out.add(key)
    return out


def _predates_hint(latest: str, labels: Sequence[str], level: CompatibilityLevel) -> str:
    return (
        f"This break predates the change: {latest}, the latest earlier version, already differs from "
        f"{', '.join(labels)} the same way, and {level.value} compares every earlier version, as the "
        "registry does. Let this version through as that one was (`check --allow-breaking SUBJECT "
        "--reason TEXT`), or undo the old break."
    )


@dataclass(frozen=True)
class Proof:
    """What a data proof did: its findings, how many (version, direction) pairs it proved and how
    many records it wrote and read in all, so that a report can say what `--prove` covered."""

    findings: list[Finding]
    pairs: int
    records: int


def prove_compatible_pairs(
    schema_format: SchemaFormat,
    new: ParsedSchema,
    earlier: Sequence[Earlier],
    level: CompatibilityLevel,
    findings: Sequence[Finding],
    samples: int,
    seed: int,
) -> Proof:
    """Data proof of every (version, direction) pair that `check_level` found compatible, with up
    to `samples` records each (as many as the format's `prove_counted` says it used); a pair proven
    with no record is not counted."""
    failed = {(f.direction, label) for f in findings for label in (f.compared_with or "").split(", ")}
    out: list[Finding] = []
    proven = records = 0
    for version in versions_to_check(level, earlier):
        pairs = []
        if level.checks_backward and ("backward", version.label) not in failed:
            pairs.append(("backward", new, version.schema))
        if level.checks_forward and ("forward", version.label) not in failed:
            pairs.append(("forward", version.schema, new))
        for direction, reader, writer in pairs:
            proof, used = schema_format.prove_counted(reader, writer, samples, seed)
            proven += used > 0
            records += used
            out.extend(
                finding.with_context(
                    file=str(new.source.path), direction=direction, compared_with=version.label
                )
                for finding in proof
            )
    return Proof(out, proven, records)
