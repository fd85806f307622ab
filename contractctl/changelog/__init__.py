"""`contractctl changelog`: what changed in each contract between two git refs, for humans.

Both refs are read as trees (never the working tree): every contract at each ref is parsed with its
references as they are at that ref, so a change in a referenced contract shows up in the contracts that
use it. Subjects match by subject name, so a moved file keeps its history. Version numbers are git
versions along the `to` ref's first-parent history, as `publish` numbers them.

Extension point: metadata and rules sidecars (issue 8, items 1 and 3) are diffed by a `SubjectDiffer`;
pass them as `differs`, or add them to `SIDECAR_DIFFERS` so that the CLI picks them up.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from contractctl.changelog.model import SubjectChanges
from contractctl.changelog.render import render_markdown
from contractctl.config.project import Config
from contractctl.errors import GitError
from contractctl.formats import configure_sections, get_format
from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.formats.vocabulary.change import Change
from contractctl.formats.vocabulary.markup import code
from contractctl.model import CompatibilityLevel, SchemaText, SchemaType
from contractctl.repo.contracts import ContractSet, SubjectMapper, build_contract_set, contracts_prefix
from contractctl.repo.history import BlobStore, Git
from contractctl.repo.integrity import ensure_complete_history
from contractctl.repo.references import SchemaResolver, subject_history

__all__ = [
    "SIDECAR_DIFFERS",
    "Change",
    "ChangelogContext",
    "SubjectChanges",
    "SubjectDiffer",
    "changelog",
    "default_from_ref",
    "render_markdown",
]


@dataclass(frozen=True)
class ChangelogContext:
    """What a sidecar differ needs: both commits and the contracts in each tree (by subject)."""

    git: Git
    from_commit: str
    to_commit: str
    old: ContractSet
    new: ContractSet


SubjectDiffer = Callable[[ChangelogContext, str], Sequence[Change]]
"""Changes of one subject beyond its schema (e.g. "rules-changed"); called for every listed subject."""


def _sidecar_changes(context: ChangelogContext, subject: str) -> Sequence[Change]:
    from contractctl.changelog.sidecar_diff import sidecar_changes

    return sidecar_changes(context, subject)


SIDECAR_DIFFERS: tuple[SubjectDiffer, ...] = (_sidecar_changes,)


def default_from_ref(config: Config, to_ref: str, environ: Mapping[str, str] | None = None) -> str:
    """Where the changelog of `to_ref` starts (a tag name or a commit id), never `to_ref` itself
    while it has a parent:

    - on a branch off the base branch: the merge base with it, found as `check` finds its base
      (what the branch adds);
    - on the base branch itself (the merge base is `to_ref`): the newest tag reachable from its
      first parent (what changed since the last release), else its first parent (the last commit).
    """
    git = Git.discover(config.directory)
    to_commit = git.resolve(to_ref)
    base = _merge_base_with_base_branch(git, config, to_commit, environ)
    if base != to_commit:
        return base
    parent = git.attempt("rev-parse", "--verify", "--quiet", f"{to_commit}^1^{{commit}}")
    if parent.returncode != 0:
        return to_commit  # the first commit: nothing came before it
    tag = git.attempt("describe", "--tags", "--abbrev=0", "--first-parent", f"{to_commit}^1")
    if tag.returncode == 0 and tag.stdout.strip():
        return tag.stdout.decode().strip()
    return parent.stdout.decode().strip()


def _merge_base_with_base_branch(
    git: Git, config: Config, to_commit: str, environ: Mapping[str, str] | None
) -> str:
    environ = os.environ if environ is None else environ
    github_base = environ.get("GITHUB_BASE_REF")
    candidates = [f"origin/{github_base}"] if github_base else []
    candidates += [config.base_branch, f"origin/{config.base_branch}"]
    for candidate in candidates:
        try:
            sha = git.resolve(candidate)
        except GitError:
            continue
        return git.merge_base(to_commit, sha)
    raise GitError(
        f"base branch {config.base_branch!r} not found (tried {', '.join(candidates)}): "
        f"{git.unknown_ref_advice(config.base_branch)}; or pass --from REF"
    )


def changelog(
    config: Config,
    from_ref: str | None,
    to_ref: str,
    *,
    differs: Sequence[SubjectDiffer] | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[SubjectChanges]:
    """Subjects that changed from `from_ref` (None: `default_from_ref`) to `to_ref`.

    Unchanged subjects are left out; the list is sorted by subject.
    """
    configure_sections(config.format_sections)
    git = Git.discover(config.directory)
    to_commit = git.resolve(to_ref)
    from_commit = git.resolve(from_ref) if from_ref is not None else default_from_ref(config, to_ref, environ)
    # version numbers count every earlier version: a shallow clone would number from its cut
    for commit in (to_commit, from_commit):
        ensure_complete_history(git, commit, environ=environ)
    mapper = SubjectMapper(config, contracts_prefix(config, git))
    store = BlobStore(git)
    old = _tree(git, mapper, store, from_commit)
    new = _tree(git, mapper, store, to_commit)
    _prepare([old, new])
    versions = _Versions(git, mapper, store, ((to_commit, new), (from_commit, old)))
    context = ChangelogContext(git, from_commit, to_commit, old, new)
    comparison = _Comparison(old, new)
    extra = SIDECAR_DIFFERS if differs is None else differs
    out = []
    for subject in sorted(old.contracts.keys() | new.contracts.keys()):
        before, after = old.contracts.get(subject), new.contracts.get(subject)
        old_print = _fingerprint(old, subject) if before else None
        new_print = _fingerprint(new, subject) if after else None
        changes = comparison.changes(subject, old_print != new_print)
        changes += [change for differ in extra for change in differ(context, subject)]
        if after is None:
            assert before is not None
            number = versions.number(subject, old_print, from_commit)
            out.append(
                SubjectChanges(
                    subject,
                    str(before.path),
                    before.schema_type.value,
                    number,
                    number,
                    tuple(changes),
                    removed_subject=True,
                )
            )
            continue
        to_version = versions.number(subject, new_print, to_commit)
        from_version = versions.number(subject, old_print, from_commit) if before is not None else None
        if before is not None and not changes:
            continue
        out.append(
            SubjectChanges(
                subject,
                str(after.path),
                after.schema_type.value,
                from_version,
                to_version,
                tuple(changes),
                new_subject=before is None,
            )
        )
    return out


def _tree(git: Git, mapper: SubjectMapper, store: BlobStore, commit: str) -> ContractSet:
    """The contracts at `commit`, linked ones read through (index_links.tree_contracts), as check
    and publish read them."""
    from contractctl.repo.index_links import tree_contracts

    tree = build_contract_set(
        mapper, tree_contracts(git, store, commit, mapper.root_prefix)[0], store, commit
    )
    tree.validate_all()
    return tree


def _prepare(trees: Sequence[ContractSet]) -> None:
    """Let formats that compile (Protobuf) compile every text of both trees in as few runs as possible."""
    texts: dict[SchemaType, list[SchemaText]] = {}
    for tree in trees:
        for subject, contract in sorted(tree.contracts.items()):
            if get_format(contract.schema_type).compiles:
                try:
                    texts.setdefault(contract.schema_type, []).append(tree.source(subject))
                except InvalidSchema:
                    continue  # reported as unparseable when compared
    for schema_type, sources in texts.items():
        get_format(schema_type).prepare(sources)


def _fingerprint(tree: ContractSet, subject: str) -> str | None:
    contract = tree.contracts[subject]
    try:
        return get_format(contract.schema_type).fingerprint(tree.source(subject))
    except InvalidSchema:
        return None


def directions(level: CompatibilityLevel) -> frozenset[str]:
    """What "breaking" means for a subject: its level's directions; NONE is judged as BACKWARD."""
    if level is CompatibilityLevel.NONE:
        return frozenset({"backward"})
    checked = {"backward"} if level.checks_backward else set()
    return frozenset(checked | ({"forward"} if level.checks_forward else set()))


class _Comparison:
    """Parses both sides of a subject (references resolved within each tree) and diffs them."""

    def __init__(self, old: ContractSet, new: ContractSet) -> None:
        self.old, self.new = old, new
        # Both trees are history: parsed as `check` parses earlier versions (as the registry parses
        # versions it holds), so a version `check` compared is never "does not parse" here.
        self._old = SchemaResolver(old, {}, registered=True)
        self._new = SchemaResolver(new, {}, registered=True)

    def changes(self, subject: str, text_changed: bool) -> list[Change]:
        before, after = self.old.contracts.get(subject), self.new.contracts.get(subject)
        if before is None or after is None:
            return []
        out: list[Change] = []
        if before.path != after.path:
            out.append(
                Change("file-moved", "file", f"{code(str(before.path))} -> {code(str(after.path))}", False)
            )
        if before.schema_type is not after.schema_type:
            detail = f"{code(before.schema_type.value)} -> {code(after.schema_type.value)}"
            return [*out, Change("format-changed", "schema", detail, True)]
        old_schema = _parse(self._old, subject)
        new_schema = _parse(self._new, subject)
        if old_schema is None or new_schema is None:
            if text_changed:
                side = "old" if old_schema is None else "new"
                detail = f"the {side} version does not parse, so its changes cannot be listed"
                out.append(Change("unparseable", "schema", detail, None))
            return out
        out += _diff(after.schema_type, old_schema, new_schema, directions(after.compatibility))
        if text_changed and not out:
            detail = "the text changed without a schema difference (options, properties or layout)"
            out.append(Change("changed", "schema", detail, False))
        return out


def _parse(resolver: SchemaResolver, subject: str) -> ParsedSchema | None:
    try:
        return resolver.parse_current(subject)
    except InvalidSchema:
        return None


def _diff(
    schema_type: SchemaType, old: ParsedSchema, new: ParsedSchema, checked: frozenset[str]
) -> list[Change]:
    return get_format(schema_type).changelog(old, new, checked)


class _Versions:
    """Git version numbers as publish numbers them (`SchemaResolver.versions`: a content, or the same
    content with a new version of a reference), from the `to` ref's history (the `from` ref's as a
    fallback). A side's number is its content's latest version among those its commit contains."""

    def __init__(
        self,
        git: Git,
        mapper: SubjectMapper,
        store: BlobStore,
        ends: tuple[tuple[str, ContractSet], tuple[str, ContractSet]],
    ) -> None:
        self._git, self._mapper, self._store = git, mapper, store
        (self._to_commit, to_tree), self._from_end = ends
        self._to = self._load(self._to_commit, to_tree)
        self._from: SchemaResolver | None = None

    def _load(self, commit: str, tree: ContractSet) -> SchemaResolver:
        return SchemaResolver(tree, subject_history(self._git, commit, self._mapper, self._store, None))

    def number(self, subject: str, fingerprint: str | None, commit: str) -> int:
        found = self._find(self._to, subject, fingerprint, commit)
        if found is None:  # `from` is not an ancestor of `to`, or the text never parsed
            if self._from is None:
                self._from = self._load(*self._from_end)
            found = self._find(self._from, subject, fingerprint, commit)
        return found if found is not None else len(self._to.versions(subject)) + 1

    def _find(
        self, resolver: SchemaResolver, subject: str, fingerprint: str | None, commit: str
    ) -> int | None:
        candidates = [v for v in resolver.versions(subject) if v.fingerprint == fingerprint]
        whole = resolver is self._to and commit == self._to_commit  # every version is in its history
        for version in reversed(candidates):  # a later version of the same content: newer references
            if whole or version.commit == commit or self._contains(commit, version.commit):
                return version.number
        return candidates[0].number if candidates else None

    def _contains(self, commit: str, earlier: str) -> bool:
        return self._git.attempt("merge-base", "--is-ancestor", earlier, commit).returncode == 0
