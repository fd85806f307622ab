"""Subjects a change makes vanish: a removed subject breaks its consumers (as `buf breaking` reports a
deleted file), and the contracts that used its types must be checked again (their references dangle).

A subject vanishes when its file is deleted, or when the file stays (at its path, or renamed) but its
content now names another subject: a Protobuf message inserted before the first one, a record renamed,
an Avro namespace changed, a JSON Schema's title changed, under a strategy that names a subject by the
file's record type. Without this the file would be checked as a new subject with no history, and the
old subject's breaks never compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from contractctl.formats import type_for_path
from contractctl.formats.base import InvalidSchema, Outline
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
class SubjectMove:
    """Where the file of a vanished subject is now, and the subject its content names there."""

    path: PurePosixPath
    subject: str
    similarity: int = 100  # git's, in percent, for a file git pairs as renamed (see Git.renamed_paths)


@dataclass(frozen=True)
class RemovedContract:
    """A contract of the base whose subject no contract maps to any more."""

    subject: str
    path: PurePosixPath  # where it was at the base
    schema_type: SchemaType
    level: CompatibilityLevel
    defined_names: tuple[str, ...]  # what other contracts could reference (and no longer can)
    moved: SubjectMove | None = None  # the file is still there (or renamed) under another subject
    by_config: bool = False  # contractctl.yaml's edit moved it (config_changes.py), not the file's


def removed_contracts(
    git: Git,
    base: str,
    mapper: SubjectMapper,
    touched: Iterable[str],
    current: ContractSet,
    staged: bool = False,
) -> list[RemovedContract]:
    """The subjects of the base that the paths the change touched mapped to and no contract maps to
    now: files deleted, and files whose content names another subject now (a moved contract that keeps
    its subject is not removed). `staged`: the current tree is the index (for git's renames)."""
    by_path = current.subject_by_path()
    present = by_path.keys() | current.invalid.keys()
    removed: dict[str, RemovedContract] = {}
    deleted: list[str] = []
    renamed_candidates: list[str] = []
    for name in sorted(touched):
        path = PurePosixPath(name)
        if type_for_path(path) is None or not mapper.in_root(path):
            continue
        if name not in present:
            deleted.append(name)
        elif name in by_path and mapper.subject_from_path(path) is None:
            renamed_candidates.append(name)  # its content names its subject: that may have changed
    # a change may delete thousands (a public API tree's 300 commits deleted 1,650 files)
    at_base = git.read_many_at(base, [*deleted, *renamed_candidates]) if deleted or renamed_candidates else {}
    for name in sorted(at_base):
        path = PurePosixPath(name)
        found = base_subject(mapper, path, at_base[name])
        if found is None:
            continue
        subject, outline = found
        if subject in current.contracts or subject in removed:
            continue
        defined = outline.defined_names
        moved = None
        if name in by_path:  # still there, under another subject
            moved = SubjectMove(path, by_path[name])
            defined = no_longer_defined(current, moved.subject, defined)
        level = mapper.level_for(path, subject)
        removed[subject] = RemovedContract(subject, path, schema_type_of(path), level, defined, moved)
    gone = [r for r in removed.values() if r.moved is None]
    if gone:  # a deleted file that git sees renamed: say where it went and what it names there
        renames = git.renamed_paths(base, mapper.root_prefix, staged)
        for entry in gone:
            renamed = renames.get(str(entry.path))
            if renamed is not None and renamed[0] in by_path:
                new_path, similarity = renamed
                moved = SubjectMove(PurePosixPath(new_path), by_path[new_path], similarity)
                names = no_longer_defined(current, moved.subject, entry.defined_names)
                removed[entry.subject] = replace(entry, moved=moved, defined_names=names)
    return list(removed.values())


def schema_type_of(path: PurePosixPath) -> SchemaType:
    found = type_for_path(path)
    assert found is not None  # only contract paths get here
    return found


def base_subject(mapper: SubjectMapper, path: PurePosixPath, data: bytes) -> tuple[str, Outline] | None:
    """The subject a file's content at the base mapped to, with its outline; None for a file broken at
    the base (it had no consumers to lose)."""
    schema_type = schema_type_of(path)
    try:
        text = decode(path, data)
        outline = outline_of(schema_type, path, text, mapper.root_prefix)
        return mapper.subject_for(path, lambda: outline), outline
    except InvalidSchema:
        return None


def no_longer_defined(current: ContractSet, subject: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The names of `names` that the file, now `subject`, no longer defines: only what used those
    dangles (a message inserted before the first one leaves every reference intact)."""
    try:
        now = set(current.outline(subject).defined_names)
    except InvalidSchema:
        return names
    return tuple(name for name in names if name not in now)


def removal_result(removed: RemovedContract) -> SubjectResult:
    """The report entry of a vanished subject: a break (allowable with a reason), or a warning for a
    subject whose level is NONE."""
    gated = removed.level is not CompatibilityLevel.NONE
    allow = f"--allow-breaking {removed.subject} --reason TEXT"
    if removed.moved is None:
        rule, verdict = "SUBJECT_REMOVED", "removed"
        how = (
            "is no longer a contract under the edited contractctl.yaml (excluded, or outside contracts.root)"
            if removed.by_config
            else "was deleted"
        )
        message = (
            f"{removed.path} {how}: subject {removed.subject!r} is removed, and its "
            "producers and consumers lose their schema"
        )
        keep = "Map the file again in contractctl.yaml" if removed.by_config else "Keep the contract"
        hint = f"{keep}, or remove the subject on purpose with {allow}."
        file = removed.path
    elif removed.by_config:
        moved = removed.moved
        rule, verdict, file = "SUBJECT_CHANGED", "subject changed", moved.path
        message = (
            f"{removed.path} now maps to subject {moved.subject!r} instead of {removed.subject!r} "
            f"(contractctl.yaml's edit names it differently): {removed.subject!r} drops out of the check "
            f"while its producers and consumers still use it, and {moved.subject!r} starts with no "
            "history in the registries"
        )
        hint = (
            f"To keep checking {removed.subject!r}, map the file to it again in contractctl.yaml "
            f'(subjects: [{{match: "{moved.path}", subject: "{removed.subject}"}}]); to move its '
            f"producers to {moved.subject!r} on purpose, allow it with {allow}."
        )
    else:
        moved = removed.moved
        rule, verdict, file = "SUBJECT_CHANGED", "subject changed", moved.path
        if moved.path == removed.path:
            what = f"{removed.path} now maps to subject {moved.subject!r} instead of {removed.subject!r}"
            why = "its subject follows the full name of its first record type, which changed"
        elif moved.similarity >= 100:
            what = f"{removed.path} was renamed to {moved.path}, which maps to subject {moved.subject!r}"
            why = f"instead of {removed.subject!r}"
        else:  # git's guess: over a long range it pairs unrelated files
            what = (
                f"{removed.path} is gone and {moved.path}, which git pairs with it as a rename "
                f"({moved.similarity}% alike), maps to subject {moved.subject!r}"
            )
            why = f"instead of {removed.subject!r}"
        message = (
            f"{what} ({why}): {removed.subject!r} drops out of the check while its producers and "
            f"consumers still use it, and {moved.subject!r} starts with no history to compare with"
        )
        hint = (
            f"To keep checking {removed.subject!r}, keep the file's first record type (its full name; "
            "a JSON Schema's title or $id) and its path as they were, or pin the subject in contractctl.yaml "
            f'(subjects: [{{match: "{moved.path}", subject: "{removed.subject}"}}]); to move its producers '
            f"to {moved.subject!r} on purpose, allow it with {allow}."
        )
    return SubjectResult(
        subject=removed.subject,
        path=str(removed.path),
        schema_type=removed.schema_type.value,
        level=removed.level.value,
        verdict=verdict,
        findings=[
            Finding(
                rule=rule,
                message=message,
                kind=FindingKind.INCOMPATIBLE if gated else FindingKind.ADVISORY,
                severity=Severity.ERROR if gated else Severity.WARNING,
                file=str(file),
                subject=removed.subject,
                hint=hint,
            )
        ],
    )
