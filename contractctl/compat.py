"""Compatibility levels on top of any format's pairwise reader/writer check.

Confluent's semantics: BACKWARD means the new schema reads data written with the previous one;
FORWARD swaps the roles; FULL is both; *_TRANSITIVE compares with every earlier version instead of only
the latest; NONE accepts everything; a subject without earlier versions accepts anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from contractctl.formats.base import ParsedSchema, SchemaFormat
from contractctl.model import CompatibilityLevel, Finding


@dataclass(frozen=True)
class Earlier:
    """An earlier version to compare with, and how to name it in findings."""

    label: str  # e.g. "version 2 (1a2b3c4)"
    schema: ParsedSchema


def versions_to_check(level: CompatibilityLevel, earlier: Sequence[Earlier]) -> list[Earlier]:
    """Newest first, as the registry walks them; only the latest for non-transitive levels."""
    if level is CompatibilityLevel.NONE or not earlier:
        return []
    newest_first = list(reversed(earlier))
    return newest_first if level.transitive else newest_first[:1]


def check_level(
    schema_format: SchemaFormat, new: ParsedSchema, earlier: Sequence[Earlier], level: CompatibilityLevel
) -> list[Finding]:
    """All incompatibilities of `new` under `level`; identical ones across versions are merged.

    Formats report pointers only; file and line always refer to the new contract.
    """
    merged: dict[tuple[str, str, str | None, str], tuple[Finding, list[str]]] = {}
    for version in versions_to_check(level, earlier):
        pairs = []
        if level.checks_backward:
            pairs.append(("backward", new, version.schema))
        if level.checks_forward:
            pairs.append(("forward", version.schema, new))
        for direction, reader, writer in pairs:
            for finding in schema_format.check(reader, writer):
                key = (direction, finding.rule, finding.pointer, finding.message)
                if key in merged:
                    merged[key][1].append(version.label)
                else:
                    merged[key] = (finding, [version.label])
    out = []
    for (direction, _rule, _pointer, _message), (finding, labels) in merged.items():
        # Findings point into the reader; for FORWARD that is the old version, so the same pointer is
        # looked up in the new file: the line a reviewer can act on.
        position = new.locate(finding.pointer)
        out.append(
            replace(
                finding,
                direction=direction,
                compared_with=", ".join(labels),
                file=str(new.source.path),
                line=position.line if position else 1,
                column=position.column if position else None,
            )
        )
    return out


def prove_compatible_pairs(
    schema_format: SchemaFormat,
    new: ParsedSchema,
    earlier: Sequence[Earlier],
    level: CompatibilityLevel,
    findings: Sequence[Finding],
    samples: int,
    seed: int,
) -> list[Finding]:
    """Data proof of every (version, direction) pair that `check_level` found compatible."""
    failed = {(f.direction, label) for f in findings for label in (f.compared_with or "").split(", ")}
    out: list[Finding] = []
    for version in versions_to_check(level, earlier):
        pairs = []
        if level.checks_backward and ("backward", version.label) not in failed:
            pairs.append(("backward", new, version.schema))
        if level.checks_forward and ("forward", version.label) not in failed:
            pairs.append(("forward", version.schema, new))
        for direction, reader, writer in pairs:
            out.extend(
                finding.with_context(
                    file=str(new.source.path), direction=direction, compared_with=version.label
                )
                for finding in schema_format.prove(reader, writer, samples, seed)
            )
    return out
