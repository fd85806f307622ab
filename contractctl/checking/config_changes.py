"""Subjects an edit of contractctl.yaml makes vanish: a pinned subject renamed, a strategy or reference
naming switched, a contract excluded or left outside a moved `contracts.root`. The files did not
change, so the content-driven removals (removals.py) cannot see it; without this the old subjects,
which producers and consumers still use, would silently drop out of the check.

Only a change whose config file differs from the base pays anything (the check's own `git diff`
says whether it does: no extra git process otherwise): the base's config is parsed
(its `registries`, `links` and `lint` sections are not needed to name subjects and are left out, so
an unset secret variable there cannot fail the check) and the base's contract files are mapped with
it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection
from dataclasses import dataclass

from contractctl.checking.removals import (
    RemovedContract,
    SubjectMove,
    base_subject,
    no_longer_defined,
    schema_type_of,
)
from contractctl.config.project import Config, config_from_text, default_config
from contractctl.errors import ConfigError
from contractctl.formats import type_for_path
from contractctl.model import Finding, FindingKind, Severity
from contractctl.repo.contracts import ContractSet, SubjectMapper, history_prefixes
from contractctl.repo.history import Git

# sections that do not decide a subject or its level
_NOT_NAMING = frozenset(("registries", "links", "lint"))


@dataclass(frozen=True)
class BaseMapping:
    """How the base's config mapped files to subjects, when the change edits it."""

    mapper: SubjectMapper | None  # None: the base's config cannot be read (see `problem`)
    problem: Finding | None = None


def config_path(git: Git, config: Config) -> str | None:
    """The config file's path in the repository (None: it lies outside)."""
    try:
        return config.path.resolve().relative_to(git.toplevel.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def base_mapping(git: Git, base: str, config: Config, relative: str) -> BaseMapping | None:
    """The base's subject mapping, for a change that touches the config file at `relative` (None when
    its bytes are the base's after all, or git never held it)."""
    before = git.read_at(base, relative)
    try:
        now: bytes | None = config.path.read_bytes()
    except OSError:
        now = None  # no config file: the documented defaults
    if before == now:
        return None
    if before is None:
        if not git.text("ls-files", "--", relative):
            return None  # never committed, not being added: nothing says how the base named subjects
        return BaseMapping(SubjectMapper(default_config(config.directory), _prefix(git, config, "contracts")))
    try:
        base_config = config_from_text(before.decode("utf-8"), config.path, _NOT_NAMING)
    except UnicodeDecodeError:
        return BaseMapping(None, _unreadable(relative, "not valid UTF-8"))
    except ConfigError as error:
        return BaseMapping(None, _unreadable(relative, str(error)))
    return BaseMapping(SubjectMapper(base_config, _prefix(git, config, base_config.contracts_root)))


def _prefix(git: Git, config: Config, contracts_root: str) -> str:
    """The base's contracts root relative to the repository, as the base's config names it (the
    folder need not exist any more)."""
    directory = config.directory.resolve().relative_to(git.toplevel.resolve()).as_posix()
    joined = posixpath.normpath(posixpath.join(directory, contracts_root))
    return "" if joined == "." else joined


def root_moved(git: Git, config: Config, base: str, before: str, now: str) -> Finding | None:
    """A warning when the change moves `contracts.root` (from the base's `before` to `now`) and
    `contracts.history_roots` does not name the folder it left: the versions committed there are
    not read, so the contracts moved with it have no history to be compared with. None where the
    new root holds the old one (its files keep their paths and history: a root of "." holds every
    folder) or the base had no file there (adopting contractctl in a tree without the default
    `contracts/`: nothing moved)."""
    if before == now or not before or not now or before.startswith(now + "/"):
        return None
    if before in history_prefixes(config, git, now):
        return None
    if not git.tree_blobs(base, before):
        return None
    return Finding(
        rule="CONTRACTS_ROOT_MOVED",
        message=(
            f"contracts.root moves from {before} to {now or '.'}: the versions committed under {before} "
            "are not read, so a contract moved with it is compared with none of them"
        ),
        kind=FindingKind.ADVISORY,
        severity=Severity.WARNING,
        file=config_path(git, config),
        line=config.line("contracts.root"),
        hint=f"Add `history_roots: [{before}]` under `contracts:` (folders the contracts lived in before).",
    )


def _unreadable(relative: str, why: str) -> Finding:
    return Finding(
        rule="BASE_CONFIG_UNREADABLE",
        message=(
            f"{relative} at the base cannot be read ({why}): subjects this change's config edit renames "
            "or removes are not detected"
        ),
        kind=FindingKind.ADVISORY,
        severity=Severity.WARNING,
        file=relative,
        hint="Review the subjects the config edit affects by hand (`contractctl status` against a registry).",
    )


def config_removals(
    git: Git,
    base: str,
    base_mapper: SubjectMapper,
    current: ContractSet,
    staged: bool,
    reported: Collection[str],
) -> list[RemovedContract]:
    """The base's subjects, as its config named them, that no contract maps to now although their file
    is still there (in the index when `staged`, else in the working tree); files deleted are
    removals.py's, and subjects in `reported` are already reported."""
    listing = git.tree_blobs(base, base_mapper.root_prefix)
    indexed = git.index_blobs(base_mapper.root_prefix) if staged else None
    files = {
        path: blob
        for path, blob in listing.items()
        if type_for_path(path) is not None
        and base_mapper.in_root(path)
        and (path in indexed if indexed is not None else (git.toplevel / path).is_file())
    }
    # a subject the path names and that is still there needs no read
    kept = {p for p in files if base_mapper.subject_from_path(p) in current.contracts}
    texts = git.read_blobs(blob for path, blob in files.items() if path not in kept)
    by_path = current.subject_by_path()
    removed: dict[str, RemovedContract] = {}
    for path, blob in sorted(files.items()):
        if path in kept or blob not in texts:
            continue
        found = base_subject(base_mapper, path, texts[blob])
        if found is None:
            continue
        subject, outline = found
        if subject in current.contracts or subject in reported or subject in removed:
            continue
        now = by_path.get(str(path))
        if now is None and str(path) in current.invalid:
            continue  # broken now: its own findings say so, under whatever it maps to
        moved = SubjectMove(path, now) if now is not None else None
        defined = no_longer_defined(current, now, outline.defined_names) if now else outline.defined_names
        level = base_mapper.level_for(path, subject)
        removed[subject] = RemovedContract(
            subject, path, schema_type_of(path), level, defined, moved, by_config=True
        )
    return list(removed.values())
