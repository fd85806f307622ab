"""Contracts a change deletes: a removed subject breaks its consumers (as `buf breaking` reports a
deleted file), and the contracts that used its types must be checked again (their references dangle)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from contractctl.formats import type_for_path
from contractctl.formats.base import InvalidSchema
from contractctl.model import (
    CompatibilityLevel,
    Finding,
    FindingKind,
    SchemaType,
    Severity,
    SubjectResult,
)
from contractctl.repo.contracts import ContractSet, SubjectMapper, decode, outline_of
from contractctl.repo.history import Git


@dataclass(frozen=True)
class RemovedContract:
    """A contract of the base whose subject no contract maps to any more."""

    subject: str
    path: PurePosixPath  # where it was at the base
    schema_type: SchemaType
    level: CompatibilityLevel
    defined_names: tuple[str, ...]  # what other contracts could reference


def removed_contracts(
    git: Git, base: str, mapper: SubjectMapper, touched: Iterable[str], current: ContractSet
) -> list[RemovedContract]:
    """The contracts among the paths the change touched that exist at `base` but no longer map to a
    subject (a moved contract keeps its subject and is not removed)."""
    present = {str(c.path) for c in current.contracts.values()} | set(current.invalid)
    removed: dict[str, RemovedContract] = {}
    for name in sorted(touched):
        path = PurePosixPath(name)
        schema_type = type_for_path(path)
        if name in present or schema_type is None or not mapper.in_root(path):
            continue
        data = git.read_at(base, name)
        if data is None:
            continue  # not in the base either
        try:
            text = decode(path, data)
            outline = outline_of(schema_type, path, text, mapper.root_prefix)
            subject = mapper.subject_for(path, lambda outline=outline: outline)  # type: ignore[misc]
        except InvalidSchema:
            continue  # a contract broken at the base had no consumers to lose
        if subject in current.contracts or subject in removed:
            continue
        level = mapper.level_for(path, subject)
        removed[subject] = RemovedContract(subject, path, schema_type, level, outline.defined_names)
    return list(removed.values())


def removal_result(removed: RemovedContract) -> SubjectResult:
    """The report entry of a removed subject: a break (allowable with a reason), or a warning for a
    subject whose level is NONE."""
    gated = removed.level is not CompatibilityLevel.NONE
    return SubjectResult(
        subject=removed.subject,
        path=str(removed.path),
        schema_type=removed.schema_type.value,
        level=removed.level.value,
        verdict="removed",
        findings=[
            Finding(
                rule="SUBJECT_REMOVED",
                message=f"{removed.path} was deleted: subject {removed.subject!r} is removed, and its "
                "producers and consumers lose their schema",
                kind=FindingKind.INCOMPATIBLE if gated else FindingKind.ADVISORY,
                severity=Severity.ERROR if gated else Severity.WARNING,
                file=str(removed.path),
                subject=removed.subject,
                hint="Keep the contract, or remove the subject on purpose with "
                f"--allow-breaking {removed.subject} --reason TEXT.",
            )
        ],
    )
