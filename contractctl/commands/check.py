"""The local gate: which contracts changed against a git ref, and are they compatible with history."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from contractctl.checking.config_changes import (
    BaseMapping,
    base_mapping,
    config_path,
    config_removals,
    root_moved,
)
from contractctl.checking.removals import RemovedContract, removal_result, removed_contracts
from contractctl.config.project import Config
from contractctl.errors import GitError, UsageError
from contractctl.formats import (
    configure_sections,
    finish_loaded,
    get_format,
    supported_extensions,
    type_for_path,
)
from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.generic import stamped_file
from contractctl.generic.gc_pause import without_cycle_collection
from contractctl.generic.parallel import Background, run_indexed, run_measured, usable_cores, worker_count
from contractctl.levels import (
    Earlier,
    check_level,
    prove_compatible_pairs,
    schema_type_changed,
    split_by_type,
    versions_to_check,
)
from contractctl.model import (
    CompatibilityLevel,
    Finding,
    FindingKind,
    Report,
    SchemaText,
    SchemaType,
    Severity,
    SubjectResult,
    one_line,
)
from contractctl.repo.contracts import (
    ContractFile,
    ContractSet,
    SubjectMapper,
    build_contract_set,
    contract_type,
    contracts_prefix,
    history_prefixes,
    other_files,
)
from contractctl.repo.filters import stored_otherwise
from contractctl.repo.git_place import refuse_missing_index
from contractctl.repo.history import WORKTREE_KEY, BlobStore, Git, HistoricVersion, LogAhead, VersionHistory
from contractctl.repo.integrity import ensure_complete_history
from contractctl.repo.outline_cache import OutlineCache, code_stamp
from contractctl.repo.references import (
    GuessedReference,
    SchemaResolver,
    import_missing_finding,
    subject_history,
)
from contractctl.repo.sidecar_paths import (
    SIDECAR_SUFFIX,
    examples_dir,
    examples_text,
    is_example_text,
    sidecar_path,
    sidecar_text,
)
from contractctl.repo.text_search import ContractTextSearch, search_worth_it
from contractctl.repo.worktree import skipped as path_skipped
from contractctl.repo.worktree import submodule_finding
from contractctl.sidecar.check_step import ContractFiles, contract_checks

if TYPE_CHECKING:
    from contractctl.checking.registry_check import RemoteTarget
    from contractctl.lint import LintSettings


@dataclass
class CheckOptions:
    paths: Sequence[Path] = ()  # restrict to these files or directories (absolute, or relative to cwd)
    against: str | None = None
    staged: bool = False
    all_subjects: bool = False  # also audit unchanged contracts against the versions before them
    prove: bool = False
    samples: int = 25
    seed: int = 0
    registries: Sequence[str] = ()  # also ask these registries about every changed contract
    lint: LintSettings | None = None  # lint checked contracts with these settings
    lint_only: bool = False  # `contractctl lint`: lint rules, no compatibility
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def base_commit(git: Git, config: Config, options: CheckOptions) -> str | None:
    """The commit whose history holds the earlier versions (None for a repository without commits),
    however it was named; a history that may be incomplete is exit 3, never a quieter verdict."""
    base = _find_base(git, config, options)
    if base is not None:
        ensure_complete_history(git, base, given_as=options.against or None, environ=options.environ)
    return base


def _find_base(git: Git, config: Config, options: CheckOptions) -> str | None:
    if options.against:
        return git.resolve(options.against)
    github_base = options.environ.get("GITHUB_BASE_REF")
    candidates = [f"origin/{github_base}"] if github_base else []
    candidates += [config.base_branch, f"origin/{config.base_branch}"]
    # The usual case in one git process (a pre-commit hook runs this on every commit); any failure
    # (no commits yet, no such ref, no shared history) takes the careful path below for its message.
    quick = git.attempt("merge-base", "HEAD", candidates[0])
    if quick.returncode == 0:
        return quick.stdout.decode().strip()
    if not git.has_commits():
        _refuse_an_orphan(git, candidates)
        return None
    for candidate in candidates:
        try:
            sha = git.resolve(candidate)
        except GitError:
            continue
        return git.merge_base("HEAD", sha)
    raise GitError(
        f"base branch {config.base_branch!r} not found (tried {', '.join(candidates)}): "
        f"{git.unknown_ref_advice(config.base_branch)}; or pass --against REF"
    )


def _refuse_an_orphan(git: Git, candidates: list[str]) -> None:
    """A HEAD without commits has no base, and its contracts are new, unless the base branch exists:
    then HEAD is an orphan branch (its first commit will share no history with the base, which a
    check after it reports, exit 3) and its contracts were passed as new whatever they broke."""
    for candidate in candidates:
        if git.attempt("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}").returncode == 0:
            raise GitError(
                f"HEAD has no commit yet while the base branch {candidate} exists: this branch shares no "
                f"history with it, so its contracts' earlier versions are not found; pass --against "
                f"{candidate} to compare with them"
            )


def _working_tree_entries(
    git: Git,
    store: BlobStore,
    prefix: str,
    skipped: list[Finding] | None = None,
    links: set[str] | None = None,
    linked_sidecars: set[str] | None = None,
    nested: list[str] | None = None,
    plain_sidecars: dict[PurePosixPath, str | Finding] | None = None,
) -> list[tuple[PurePosixPath, str]]:
    """Every contract file under the root, as blob-store keys read from disk when first asked for;
    what cannot be read (a FIFO, a symlink leaving the repository, a loop) is added to `skipped` as
    a warning (`links`, when given, collects the paths that are symbolic links: git grep does not
    follow them; `linked_sidecars` the sidecars that are; `nested` the submodules, whose files are
    left out). A link git checked out as a plain file holding its name (`core.symlinks=false`)
    is read through as a link is (a sidecar: into `plain_sidecars`, the key of what it leads to, or
    why it is not read)."""
    from contractctl.repo.index_links import plain_file_links
    from contractctl.repo.worktree import contract_files

    extensions = supported_extensions()
    # found, not read: the blob store reads a working-tree key when a check first needs it
    found = contract_files(git.toplevel, prefix, lambda name: name.lower().endswith(extensions), read=False)
    plain, refused = plain_file_links(git, store, prefix)
    sidecars: dict[PurePosixPath, str | Finding] = {}
    for path in [p for p in plain if p.endswith(SIDECAR_SUFFIX)]:
        sidecars[PurePosixPath(path)] = plain.pop(path)
    for finding in [f for f in refused if (f.file or "").endswith(SIDECAR_SUFFIX)]:
        sidecars[PurePosixPath(finding.file or "")] = finding  # reported with its contract
        refused.remove(finding)
    found.linked_sidecars.update(str(path) for path in sidecars)
    if plain_sidecars is not None:
        plain_sidecars.update(sidecars)
    found.skipped.extend(refused)
    found.links.update(plain)
    if skipped is not None:
        skipped.extend(found.skipped)
    if links is not None:
        links |= found.links
    if linked_sidecars is not None:
        linked_sidecars |= found.linked_sidecars
    submodules: list[str] = []
    if found.nested:  # a clone inside this one is read as files are; a submodule is the index's
        git.index_entries(found.nested, None, submodules)
    if nested is not None:
        nested += submodules
    refused_paths = {f.file for f in refused}
    inside = tuple(f"{path}/" for path in submodules)
    return [
        (relative, plain.get(str(relative), f"{WORKTREE_KEY}{relative}"))
        for relative, _ in found.files
        if str(relative) not in refused_paths and not str(relative).startswith(inside)
    ]


def _sparse_entries(
    git: Git,
    store: BlobStore,
    prefix: str,
    collected: tuple[set[str], set[str]],
    report: Report,
    shown: Callable[[Finding], bool],
) -> list[tuple[str, str]]:
    """The files a sparse checkout leaves out of the working tree, as their index content (what git
    takes them to hold): a check of the working tree gives the verdict of a full checkout, instead of
    "import not found" for every contract importing one. Their links followed as the index's."""
    sparse_links: dict[str, str] = {}
    sparse = git.sparse_entries(prefix, sparse_links)
    if sparse_links:
        sparse += _followed_index_links(git, store, sparse_links, collected, report, shown)
    return sparse


def _followed_index_links(
    git: Git,
    store: BlobStore,
    index_links: dict[str, str],
    collected: tuple[set[str], set[str]],
    report: Report,
    shown: Callable[[Finding], bool],
) -> list[tuple[str, str]]:
    """The index's symbolic links as entries, read as the working tree reads them
    (index_links.entries_through_links); the contracts among them collected in `collected[0]` (git
    grep does not follow them), the sidecars in `collected[1]`. A link to a folder is warned of as
    the working tree's symlinked directory is (index_links.linked_directories)."""
    from contractctl.repo.index_links import entries_through_links, linked_directories

    entries, skips = entries_through_links(git, store, index_links)
    skips += linked_directories(git, store, index_links)
    links, linked_sidecars = collected
    links.update(p for p, _ in entries if contract_type(p) and not is_example_text(p))
    linked_sidecars.update(p for p in index_links if p.endswith(SIDECAR_SUFFIX))
    report.findings.extend(f for f in skips if shown(f))
    return entries


def working_tree_contracts(config: Config) -> ContractSet:
    """The contracts as they are on disk now (for commands that need references resolved)."""
    git = Git.discover(config.directory)
    mapper = SubjectMapper(config, contracts_prefix(config, git))
    store = BlobStore(git)
    entries = _working_tree_entries(git, store, mapper.root_prefix)
    return build_contract_set(mapper, entries, store, "working tree")


def _selected_paths(git: Git, mapper: SubjectMapper, options: CheckOptions) -> list[str] | None:
    """Repository-relative prefixes the user asked for; a path outside the contracts root is an error."""
    if not options.paths:
        return None
    top = git.toplevel.resolve()
    selected = []
    for given in options.paths:
        absolute = given.absolute()
        if absolute.is_symlink() and not absolute.is_dir():
            # a contract that is a link is named by the link's own path, wherever the file it leads
            # to lies: its folders resolved, not the link (its subject is the link's, history_links.py)
            absolute = absolute.parent.resolve() / absolute.name
        else:
            absolute = absolute.resolve()
        if not options.staged and not absolute.exists():
            raise UsageError(f"{one_line(str(given))}: no such file or directory")
        try:
            relative = absolute.relative_to(top).as_posix()
        except ValueError:
            raise UsageError(f"{one_line(str(given))}: outside the git repository {top}") from None
        root = mapper.root_prefix
        if root and relative != root and not relative.startswith(root + "/"):
            raise UsageError(
                f"{one_line(str(given))}: outside the contracts root {root or '.'}/ (see contracts.root)"
            )
        if absolute.is_file() and type_for_path(PurePosixPath(relative)) is None:
            raise UsageError(
                f"{one_line(str(given))}: not a contract "
                f"(expected one of {', '.join(supported_extensions())})"
            )
        selected.append("" if relative == "." else relative)
    return selected


def _skip_shown(finding: Finding, selected: list[str] | None, mapper: SubjectMapper) -> bool:
    """Whether a warning about a path not read is reported: one asked for (or all) and not left out
    by `contracts.exclude`, which leaves a path out of everything, its warnings included."""
    path = finding.file or ""
    excluded = mapper.excluded_text(path) or mapper.excluded_folder(path)
    return _is_selected(path, selected) and not excluded


def _is_selected(path: str, selected: list[str] | None) -> bool:
    if selected is None:
        return True
    return any(not s or path == s or path.startswith(s + "/") for s in selected)


@contextmanager
def _room_for_deep_schemas() -> Iterator[None]:
    """Let the recursive parse and compatibility walks follow long chains of references.

    A type holding a type from another contract, which holds one from a third, and so on for a few
    hundred contracts, took about eight Python frames per link: past Python's default limit of 1,000
    frames the check died with RecursionError (exit 3) where Schema Registry answers.
    """
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, _RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


_RECURSION_LIMIT = 50_000


def run_check(config: Config, options: CheckOptions) -> Report:
    with without_cycle_collection(), _room_for_deep_schemas(), _run_folder_cleared():
        return _run_check(config, options)


@contextmanager
def _run_folder_cleared() -> Iterator[None]:
    """A check of the index lets formats keep files in its git directory (stamped_file.run_folder,
    set in `_LocalRun.prepare`); no later run in the same process (tests, a caller's loop) inherits
    that folder, however this one ends."""
    try:
        yield
    finally:
        stamped_file.run_folder = None


def _run_check(config: Config, options: CheckOptions) -> Report:
    if not options.registries:
        return _run_local(config, options)[0]
    from contractctl.checking.registry_check import RemoteCheck
    from contractctl.registry.session import open_session

    with open_session(config, options.registries) as clients:  # bad registry settings fail before any work
        run = _LocalRun.prepare(config, options)
        # The registries' answers take round trips, the local checks take CPU: each target's requests
        # go out as soon as it is parsed, and the local checks run meanwhile (in this process: no
        # forking while the registry threads run).
        with RemoteCheck(clients, expected=sum(affected for _, affected in run.jobs)) as remote:
            for target in _remote_targets(run):
                remote.add(target)
            run.report.results.extend(run.check_all(workers=1))
            run.report.results.extend(remote.results())
    return run.report


def _remote_targets(run: _LocalRun) -> Iterator[RemoteTarget]:
    """The contracts this change touches (not audited, unchanged ones, nor invalid ones), as each
    registry is asked about them: with the metadata and rules of their sidecars."""
    from contractctl.checking.registry_check import RemoteTarget
    from contractctl.registry.payload import payload_for
    from contractctl.registry.sidecar_extras import sidecar_extras

    checker, files = run.checker, run.files
    subject_by_path = checker.current.subject_by_path()

    def subject_of(schema: ParsedSchema) -> str:
        return subject_by_path[str(schema.source.path)]

    for subject, affected in run.jobs:
        if not affected:
            continue
        try:
            schema = checker.parse_current(subject)
        except InvalidSchema:
            continue  # reported as invalid by the local check
        contract = checker.current.file(subject)
        yield RemoteTarget(
            subject=subject,
            path=str(contract.path),
            schema_type=contract.schema_type,
            level=contract.compatibility,
            group=run.mapper.group_property_for(contract.path, subject),
            schema=schema,
            payload=payload_for(
                schema,
                contract.schema_type,
                subject_of,
                lambda schema, t=contract.schema_type: sidecar_extras(files, schema, t),  # type: ignore[misc]
            ),
        )


def _run_local(config: Config, options: CheckOptions) -> tuple[Report, SchemaResolver, ContractFiles]:
    run = _LocalRun.prepare(config, options)
    run.report.results.extend(run.check_all(worker_count(options.environ)))
    finish_loaded()
    return run.report, run.checker, run.files


@dataclass
class _LocalRun:
    """Everything read before the per-subject checks: contracts, history, and which subjects to check
    (`jobs`: subject and whether this change affects it, in the report's order)."""

    options: CheckOptions
    report: Report
    checker: SchemaResolver
    files: ContractFiles
    mapper: SubjectMapper
    history: VersionHistory
    jobs: list[tuple[str, bool]]
    # touched by the change but the same schema as an earlier version (a comment edited, a revert):
    # no new version to compare, but a text the change wrote must still compile
    parse_only: frozenset[str] = frozenset()
    # affected through what they reference only, their files untouched: a break their state at the
    # base already had is the base's, not this change's (see `_carried_over`)
    carried: frozenset[str] = frozenset()

    @classmethod
    def prepare(cls, config: Config, options: CheckOptions) -> _LocalRun:
        configure_sections(config.format_sections)
        if options.lint is None and (config.lint is not None or options.lint_only):
            # a `lint:` section opts check into linting; validated here, so only commands that lint
            # load the lint rules (lint/ reads config/, never the other way round)
            from contractctl.lint import LintSettings

            lint = LintSettings.from_raw(config.lint, config.path, lambda key: config.where(f"lint.{key}"))
            options = replace(options, lint=lint)
        git = Git.discover(config.directory)
        refuse_missing_index(git.toplevel)  # check reads the index (staged contracts, untracked ones)
        prefix = contracts_prefix(config, git)
        mapper = SubjectMapper(config, prefix)
        selected = _selected_paths(git, mapper, options)
        store = BlobStore(git)
        base = base_commit(git, config, options)
        # A check of a change (not an audit) starts from the files that differ from the base and
        # reads only what they touch: their references, and the contracts that use what they define.
        scoped = base is not None and not options.all_subjects and not options.lint_only
        # git's part of the history and of the changed paths needs no contract read: it runs on a
        # thread while this one reads the contracts (for a check of the whole tree, every subject's
        # history is wanted anyway; a check of a change or of some paths reads only theirs, below).
        # contractctl.yaml outside the contracts root is asked about in the same diff: its edit may
        # rename or drop subjects (checking/config_changes.py)
        config_file = config_path(git, config)
        watched = (
            (config_file,) if config_file and prefix and not config_file.startswith(f"{prefix}/") else ()
        )
        # vendored imports git tracks (protobuf.include): a change of one is checked through its users
        vendoring = _vendoring(git, config) if base else []
        touched = Background(
            lambda: (
                git.changed_paths(base, prefix, options.staged, (*watched, *(f or "." for f in vendoring)))
                if base
                else None
            )
        )
        whole_history = (
            Background(lambda: subject_history(git, base, mapper, store, None))
            if selected is None and not scoped
            else None
        )
        # the log of the root, which most checks of a change read once they know their subjects
        ahead = (
            LogAhead(git, base, prefix, history_prefixes(config, git, prefix))
            if base is not None and whole_history is None
            else None
        )
        index_links: dict[str, str] = {}
        nested: list[str] = []  # submodules under the root: another repository's history
        plain_sidecars: dict[PurePosixPath, str | Finding] = {}  # links checked out as plain files
        index = git.index_entries(prefix, index_links, nested) if options.staged else None
        report = Report(command="check")
        shown = partial(_skip_shown, selected=selected, mapper=mapper)
        links: set[str] = set()  # contracts that are symbolic links
        linked_sidecars: set[str] = set()  # and sidecars
        sparse: list[tuple[str, str]] = []  # files a sparse checkout leaves out of the working tree
        if index is not None:
            if index_links:
                index += _followed_index_links(
                    git, store, index_links, (links, linked_sidecars), report, shown
                )
            outlines = _outline_cache(git, config, prefix) if scoped else None
            if outlines is not None and outlines.file is not None:  # formats keep their own there too
                stamped_file.run_folder = outlines.file.parent
            current = build_contract_set(mapper, index, store, "index", outlines)
        else:
            skipped: list[Finding] = []
            entries: list[tuple[PurePosixPath | str, str]] = []
            entries += _working_tree_entries(
                git, store, prefix, skipped, links, linked_sidecars, nested, plain_sidecars
            )
            sparse += _sparse_entries(git, store, prefix, (links, linked_sidecars), report, shown)
            entries += sparse
            current = build_contract_set(mapper, entries, store, "working tree")
            if scoped:  # outlines kept by content (see ContractSet._content_id): a large change reads
                current.outlines = _outline_cache(git, config, prefix)  # every contract anyway
            report.findings.extend(f for f in skipped if shown(f))
        files = ContractFiles(
            git,
            store,
            other_files(index) if index is not None else None,
            other_files(sparse) if index is None and sparse else None,
            plain_sidecars,
        )
        checker = SchemaResolver(current, {}, share_unchanged=True)
        changed_paths = touched.result()
        config_changed = changed_paths is not None and config_file in changed_paths
        if changed_paths is not None and watched:
            changed_paths = changed_paths - set(watched)  # not a contract path: the root is the scope
        vendored: set[str] = set()
        if changed_paths and vendoring and base:
            from contractctl.checking.vendored import builtin_copies, builtin_copy_warning, vendored_changes

            in_root = mapper.in_root
            vendored = vendored_changes(
                git, base, changed_paths, vendoring, lambda p: in_root(PurePosixPath(p))
            )
            changed_paths = changed_paths - vendored
            copies = builtin_copies(vendored, vendoring)
            vendored -= set(copies)
            report.findings.extend(
                builtin_copy_warning(path, name)
                for path, name in sorted(copies.items())
                if _is_selected(path, selected)
            )
        if changed_paths:
            hidden = _hidden_contracts(mapper, changed_paths)
            report.findings.extend(f for f in hidden if _is_selected(f.file or "", selected))
        if scoped:
            chosen = _subjects_of_change(
                git,
                checker,
                changed_paths or set(),
                selected,
                options.staged,
                (links, linked_sidecars, {p for p, _ in sparse}),
            )
        else:
            if selected is None:
                current.validate_all()
            chosen = {s for s, c in current.contracts.items() if _is_selected(c.location, selected)}
        if selected is None and not current.contracts and not current.invalid and config.path.is_file():
            report.findings.append(_no_contracts(config, prefix))
        report.findings.extend(
            submodule_finding(path)
            for path in nested
            if _is_selected(path, selected) and not mapper.excluded_folder(path)
        )
        duplicates: list[Finding] = []  # a change check reports those the change reaches (below)
        for path, findings in sorted(current.invalid.items()):
            if _is_selected(path, selected):
                for finding in findings:
                    held = scoped and finding.rule == "DUPLICATE_SUBJECT"
                    (duplicates if held else report.findings).append(finding)
        # A deleted file cannot be named on the command line (and pre-commit never passes one): the
        # removals of the change are part of every check of it, with the contracts that used them.
        removed = (
            removed_contracts(git, base, mapper, changed_paths, current, options.staged)
            if base and changed_paths and not options.lint_only
            else []
        )
        mapping = (
            base_mapping(git, base, config, config_file)
            if base and config_file and config_changed and not options.lint_only
            else None
        )
        if base and mapping is not None:
            removed += _config_removals(git, base, mapping, current, options.staged, removed, report)
            before = mapping.mapper.root_prefix if mapping.mapper else None
            moved = root_moved(git, config, base, before, prefix) if before is not None else None
            if moved is not None:
                report.findings.append(moved)
        dangling = (
            checker.dependents_closure(names=[n for r in removed for n in r.defined_names])
            if removed
            else set()
        )
        chosen |= dangling
        vendored_users = (
            checker.dependents_closure(names=_vendored_names(git, vendoring, vendored))
            if vendored and not options.lint_only
            else set()
        )
        chosen |= {s for s in vendored_users if _is_selected(current.file(s).location, selected)}
        if selected is not None:
            chosen |= _changed_dependents(checker, chosen, changed_paths)
        closures: dict[str, set[str]] = {}
        for subject in chosen:
            try:
                closures[subject] = checker.dependencies_closure(subject)
            except InvalidSchema:
                closures[subject] = set()
        wanted = chosen.union(*closures.values())
        report.findings.extend(d for d in duplicates if _duplicate_reached(d, wanted, current, changed_paths))
        store.prefetch(current.file(s).key for s in wanted)  # one git process for every text to parse
        if scoped:
            _compile_aside(checker, wanted, options.lint is not None)
        if whole_history is not None:
            history = whole_history.result()
        else:
            kept = current.outlines if current.outlines is not None and current.outlines.saves else None
            # and the removed contracts': an earlier version of what is checked may import one (read
            # from their history then, see SchemaResolver._gone_at)
            gone = {r.subject for r in removed if r.moved is None and not r.by_config}
            history = subject_history(git, base, mapper, store, wanted | gone, kept, ahead)
        checker.history = history
        # a linked sidecar may lead to a file outside the root, which git's diff of it does not name
        seen_changed = changed_paths | linked_sidecars if changed_paths is not None else None
        if base is not None and seen_changed:
            anew = _sidecars_registering_anew(git, base, files, current, wanted, seen_changed)
            checker.registers_anew = anew
            checker.rewritten = _written_again(seen_changed, current, wanted)
            checker.base_commit = base
        extras_changed = _contract_files_changed(seen_changed, current, chosen)

        # a new content, or the same content written again after what it references moved on: both
        # are new versions (SchemaResolver.versions), which publish would register; and a contract
        # whose references moved below it, registered anew by a producer built from this tree
        changed = {
            s
            for s in wanted
            if not _in_history(current, history, s) or checker.moved_on(s) or checker.references_moved(s)
        }
        jobs: list[tuple[str, bool]] = []
        parse_only: set[str] = set()
        for subject in sorted(chosen, key=lambda s: str(current.file(s).path)):
            affected = (
                subject in changed
                or bool(closures[subject] & changed)
                or subject in extras_changed
                or subject in dangling
                or subject in vendored_users
            )
            if affected or options.all_subjects:
                jobs.append((subject, affected))
            elif changed_paths is not None and current.file(subject).location in changed_paths:
                jobs.append((subject, False))
                parse_only.add(subject)
        _prepare(
            checker, wanted, options.all_subjects, [subject for subject, _ in jobs], options.lint is not None
        )
        stamped_file.run_folder = None
        if current.outlines is not None:
            current.outlines.save()
        report.results.extend(removal_result(r) for r in removed)
        # the change reaches them through what they reference only: not written again
        known = scoped and seen_changed is not None
        carried = frozenset(s for s, affected in jobs if affected and known and s not in checker.rewritten)
        return cls(options, report, checker, files, mapper, history, jobs, frozenset(parse_only), carried)

    def check_all(self, workers: int | None) -> list[SubjectResult]:
        """Every job's result, in order: on `workers` processes, or (None) on as many as the work
        proves worth starting; handed out in batches of neighbours (`_neighbourhoods`)."""
        cores = usable_cores() if workers is None else workers
        batches = _neighbourhoods(self.checker, [subject for subject, _ in self.jobs], cores)
        job = partial(_check_batch, self._check_job, batches)
        if workers is None:
            done = run_measured(job, len(batches), cores, sizes=[len(batch) for batch in batches])
        else:
            done = run_indexed(job, len(batches), workers)
        results: dict[int, SubjectResult] = {}
        for batch, checked in zip(batches, done, strict=True):
            results.update(zip(batch, checked, strict=True))
        kept = []
        for index, (subject, _) in enumerate(self.jobs):
            if subject not in self.parse_only or results[index].verdict == "invalid":
                kept.append(results[index])
            else:  # a touched contract that makes no version: say why nothing was compared
                self.report.findings.append(self._no_new_version(subject))
        return kept

    def _no_new_version(self, subject: str) -> Finding:
        """A note for a contract the change touched whose schema is an earlier version's (a comment,
        layout, or a revert whose references are as they were): "0 subjects checked" alone read as
        if the edit had gone unseen."""
        contract = self.checker.current.file(subject)
        own = _own_version(self.checker, subject, self.checker.versions(subject))
        which = _label(own) if own is not None else "an earlier version"
        return Finding(
            rule="NO_NEW_VERSION",
            message=f"the schema is the same as {which} (the change touches comments or layout, or "
            "reverts it): no new version to register, nothing to compare",
            kind=FindingKind.ADVISORY,
            severity=Severity.INFO,
            file=str(contract.path),
            subject=subject,
        )

    def _check_job(self, index: int) -> SubjectResult:
        subject, affected = self.jobs[index]
        if subject in self.parse_only:
            return _parsed_only(self.checker, subject)
        contract_path = self.checker.current.file(subject).path
        contract_context = (self.files, self.mapper.group_property_for(contract_path, subject))
        versions = self.checker.versions(subject)
        return _check_subject(
            self.checker,
            subject,
            versions,
            None if affected else _own_version(self.checker, subject, versions),
            self.options,
            affected,
            contract_context,
            subject in self.carried,
        )


# A contract referenced by more than this many checked ones (an enum file, an options file) is
# parsed by every process anyway: it does not tie its users into one neighbourhood.
_SHARED = 4
# batches per process and core, as `run_indexed` cuts its chunks: small enough to balance the load
_BATCHES_PER_CORE = 16


def _check_batch(
    check: Callable[[int], SubjectResult], batches: Sequence[Sequence[int]], index: int
) -> list[SubjectResult]:
    return [check(job) for job in batches[index]]


def _neighbourhoods(checker: SchemaResolver, subjects: Sequence[str], cores: int) -> list[list[int]]:
    """The jobs' indexes in batches that keep subjects referencing each other together, each batch at
    most about 1/16 of the jobs per core.

    A worker process parses every earlier version a check reads with its references as they were
    then, and keeps them for its next checks: a batch of jobs in report order (by path) spans many
    import chains, so every worker parsed most of every chain (the API tree's two workers each
    did 70% of the parses of one process)."""
    size = max(1, len(subjects) // (cores * _BATCHES_PER_CORE))
    if size == 1:  # a job per batch: nothing to keep together (a pre-commit check)
        return [[index] for index in range(len(subjects))]
    batches: list[list[int]] = []
    for group in _tied(checker, subjects):
        if batches and len(batches[-1]) + len(group) <= size:
            batches[-1].extend(group)  # small neighbourhoods share a batch
            continue
        batches.extend(group[start : start + size] for start in range(0, len(group), size))
    # `run_measured` judges the pace after each batch, in this process, before starting workers: the
    # first batch goes one job at a time, or a whole batch would run here first (0.27 s on the API
    # tree against 0.05 s, the other core idle); what runs here, the workers inherit
    return [[index] for index in batches[0]] + batches[1:] if batches else batches


def _tied(checker: SchemaResolver, subjects: Sequence[str]) -> list[list[int]]:
    """The subjects' indexes grouped by the parts of their reference graph, a contract that more than
    _SHARED of them reference tying none of them together; groups in order of their first subject."""
    references: dict[str, tuple[str, ...]] = {}
    for subject in subjects:
        try:
            references[subject] = tuple(checker.references_of(subject))
        except InvalidSchema:
            references[subject] = ()
    counts = Counter(r for found in references.values() for r in found)
    root: dict[str, str] = {}

    def find(subject: str) -> str:
        root.setdefault(subject, subject)
        while root[subject] != subject:
            root[subject] = root[root[subject]]
            subject = root[subject]
        return subject

    for subject, found in references.items():
        for reference in found:
            if counts[reference] <= _SHARED:
                root[find(subject)] = find(reference)
    groups: dict[str, list[int]] = {}
    for index, subject in enumerate(subjects):
        groups.setdefault(find(subject), []).append(index)
    return list(groups.values())


def _outline_cache(git: Git, config: Config, prefix: str) -> OutlineCache:
    """The outlines of the index's contents that earlier checks of this working tree computed."""
    import json

    options = json.dumps(config.format_sections, sort_keys=True, default=str)
    return OutlineCache.load(git.git_dir, code_stamp(f"{prefix}\0{options}"))


def _no_contracts(config: Config, prefix: str) -> Finding:
    """A gate that found nothing to check says so (a misplaced root would otherwise pass)."""
    extensions = ", ".join(supported_extensions())
    return Finding(
        rule="NO_CONTRACTS",
        message=f"no contracts ({extensions}) under the contracts root {prefix or '.'}/",
        kind=FindingKind.ADVISORY,
        severity=Severity.WARNING,
        file=str(config.path.name),
        line=config.line("contracts.root"),
        hint="Check contracts.root in contractctl.yaml, or add a contract.",
    )


def _subjects_of_change(
    git: Git,
    checker: SchemaResolver,
    touched: set[str],
    selected: list[str] | None,
    staged: bool,
    kinds: tuple[set[str], set[str], set[str]],
) -> set[str]:
    """The subjects a change may affect, found without reading the whole tree: contracts that
    differ from the base (`touched`, and for a check of the working tree, which reads every file on
    disk, ignored files and those git diff is told not to look at), those whose sidecar or examples
    differ, and, for a check of the whole change, every contract whose references reach an edited
    one. A contract nobody touched is its base version, one of its own versions: it can only be
    affected through its references. `kinds`: contracts that are symbolic links, sidecars that are
    (both always touched: what they lead to may change outside the root), and files a sparse checkout
    leaves out of the working tree (read from the index: never touched, always searched, as git grep
    of the working tree does not search them).
    """
    links, linked_sidecars, sparse = kinds
    current = checker.current
    prefix = current.root
    kept = set(links)  # what git grep cannot answer for: always a candidate
    # a link's content changes with the file it leads to, which git's diff of the root may not name
    # (it may lie outside the root): a contract that is a link is always checked (history_links.py)
    touched = touched | links | linked_sidecars
    if not staged:
        hidden = Background(lambda: git.hidden_from_diff(prefix))
        touched = touched | git.ignored_paths(prefix) | (hidden.result() - sparse)
        kept |= hidden.result() | sparse
    by_path = current.subject_by_path()
    # git names a nested repository's or a submodule's folder, not its files (nor does git grep
    # look inside): every contract under it counts as touched
    folders = tuple(t.rstrip("/") + "/" for t in touched if t.endswith("/") or (git.toplevel / t).is_dir())
    if folders:
        nested = {p for p in by_path if p.startswith(folders)}
        touched, kept = touched | nested, kept | nested
    edited = {by_path[p] for p in touched if p in by_path} | _spelled_otherwise(touched, by_path)
    # a sidecar or example sits in its contract's folder or below it
    parents = _folders_holding(touched)
    # the parent as text, as str(path.parent) gives it ("." at the top): building a path object for
    # every contract of the tree cost a pre-commit check of 2,000 contracts several milliseconds
    near = {s for p, s in by_path.items() if (p.rpartition("/")[0] or ".") in parents}
    extras = _contract_files_changed(touched, current, near)
    if staged and current.outlines is not None and current.outlines.saves:
        current.search = current.outline_search()  # what the index's contracts define and use
    else:
        formats = {c.schema_type for c in current.contracts.values()}
        # the first search is for the names the edited contracts define, at least one each
        eager = selected is not None or search_worth_it(len(edited), len(current.contracts))
        current.search = ContractTextSearch(git, prefix, staged, kept, formats, eager)
    if selected is not None:  # the named contracts, each checked if it or what it references changed
        return {s for s, c in current.contracts.items() if _is_selected(c.location, selected)}
    current.validate_all(edited)  # as a whole-tree check does for every contract
    edited = {s for s in edited if s in current.contracts}
    return edited | extras | checker.dependents_closure(edited)


def _spelled_otherwise(touched: set[str], by_path: dict[str, str]) -> set[str]:
    """The subjects of contracts that a touched path names in another case. Where git ignores case
    (macOS, Windows), a file renamed by case only keeps its index name: git's diff names that one
    changed (or gone) and never the new one, which is what the working tree lists."""
    missing = [p for p in touched if p not in by_path and contract_type(p)]
    if not missing:
        return set()
    folded = {p.lower(): s for p, s in by_path.items()}
    return {folded[p.lower()] for p in missing if p.lower() in folded}


def _config_removals(
    git: Git,
    base: str,
    mapping: BaseMapping,
    current: ContractSet,
    staged: bool,
    removed: list[RemovedContract],
    report: Report,
) -> list[RemovedContract]:
    """The subjects an edit of contractctl.yaml makes vanish."""
    if mapping.mapper is None:
        if mapping.problem is not None:
            report.findings.append(mapping.problem)
        return []
    return config_removals(git, base, mapping.mapper, current, staged, {r.subject for r in removed})


def _changed_dependents(checker: SchemaResolver, chosen: set[str], touched: set[str] | None) -> set[str]:
    """The contracts that use (directly or not) a chosen contract this change touches: a check of
    some paths (a pre-commit hook passes only the staged files) must check what they can break."""
    current = checker.current
    changed = [s for s in chosen if touched is None or current.contracts[s].location in touched]
    return checker.dependents_closure(changed) if changed else set()


def _written_again(touched: set[str], current: ContractSet, subjects: set[str]) -> set[str]:
    """Subjects whose contract file or sidecar differs from the base: the change commits them
    again, which registers a new version if what they reference moved on since their latest."""
    found = set()
    for subject in subjects:
        location = current.file(subject).location
        if location in touched or sidecar_text(location) in touched:
            found.add(subject)
    return found


def _contract_files_changed(touched: set[str] | None, current: ContractSet, chosen: set[str]) -> set[str]:
    """Subjects whose sidecar or examples differ from the base (`touched`: the paths that do, None
    without a base): they are checked even when the schema itself is unchanged (a new rule or
    example must be validated too)."""
    if touched is None:
        return set(chosen)
    if not touched:
        return set()
    # every folder holding a touched file, at any depth: one lookup per subject, not one scan each
    folders = _folders_holding(touched)
    out = set()
    for subject in chosen:
        location = current.file(subject).location  # as text: a change of thousands of contracts
        if sidecar_text(location) in touched or examples_text(location) in folders:
            out.add(subject)
    return out


def _folders_holding(paths: Iterable[str]) -> set[str]:
    """Every folder above each of these (normal, repository-relative) paths, as
    `str(PurePosixPath(path).parents[i])` writes them ("." for the top)."""
    folders: set[str] = set()
    for path in paths:
        folders.add(".")
        folder = path.rstrip("/").rpartition("/")[0]  # git names a nested repository's folder with a "/"
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def _prepare(
    checker: SchemaResolver, wanted: set[str], all_parsed: bool, checked: Sequence[str], linting: bool
) -> None:
    """Let formats that compile (Protobuf) compile every text this run may parse in one go
    (`all_parsed`: an audit, which parses every version, so nothing is worth deferring; `linting`:
    lint rules read every current text's positions and comments, so they are compiled in).

    The earlier versions of the `checked` subjects are parsed with their references as they were at
    their commits: each such version comes with those texts (a group), so a format compiles a version
    from one commit next to versions from other commits instead of in one run per version.
    """
    compiles: dict[SchemaType, bool] = {}
    by_type: dict[SchemaType, list[SchemaText]] = {}
    groups: dict[SchemaType, list[list[SchemaText]]] = {}
    to_read: dict[str, list[HistoricVersion]] = {}
    checked_set = set(checked)
    for subject in sorted(wanted):
        schema_type = checker.current.file(subject).schema_type
        if schema_type not in compiles:
            compiles[schema_type] = get_format(schema_type).compiles
        if not compiles[schema_type]:
            continue  # nothing to compile: leave its history's versions to be told apart when needed
        try:
            source = checker.current.source(subject)
        except InvalidSchema:
            continue  # reported when the subject is checked
        root = checker.current.root
        texts = by_type.setdefault(schema_type, [])
        texts.append(source)
        versions = [
            v
            for v in checker.versions(subject)
            if type_for_path(v.path) is schema_type  # a subject's earlier versions may be of another type
        ]
        level = checker.current.file(subject).compatibility
        if not all_parsed and not level.transitive:  # the latest; anything else compiles on demand
            versions = _versions_to_read(level, versions, reads_all=False)[:1]
        if subject in checked_set:
            to_read[subject] = versions  # compiled in groups, below
        else:
            texts.extend(SchemaText(v.path, v.text, v.commit, root) for v in versions)
    for subject in checked:
        schema_type = checker.current.file(subject).schema_type
        for version in to_read.get(subject, ()):
            for group in checker.historic_groups(subject, version):
                groups.setdefault(schema_type, []).append(list(group.values()))
    for schema_type, texts in by_type.items():
        of_type = [s for s in checked if checker.current.file(s).schema_type is schema_type]
        get_format(schema_type).prepare(
            texts,
            all_parsed=all_parsed,
            groups=groups.get(schema_type, ()),
            source_info=linting,
            meanwhile=partial(_parse_current, checker, of_type),
        )


def _parse_current(checker: SchemaResolver, subjects: Sequence[str]) -> None:
    """The checked contracts as they are now, parsed ahead of their checks: in this process, before
    the worker processes fork, each of which parsed again every reference of the subjects it got."""
    for subject in subjects:
        try:
            checker.parse_current(subject)
        except InvalidSchema:
            continue  # reported when the subject is checked


def _compile_aside(checker: SchemaResolver, wanted: set[str], linting: bool) -> None:
    """Let formats that compile (Protobuf) start on the current texts of the change now, aside:
    they are the first thing `_prepare` compiles, and reading the history and working out the
    earlier versions comes first, on this process alone (a format starts nothing for a few files)."""
    by_type: dict[SchemaType, list[SchemaText]] = {}
    for subject in sorted(wanted):
        schema_type = checker.current.file(subject).schema_type
        if not get_format(schema_type).compiles:
            continue
        try:
            by_type.setdefault(schema_type, []).append(checker.current.source(subject))
        except InvalidSchema:
            continue  # reported when the subject is checked
    for schema_type, sources in by_type.items():
        get_format(schema_type).compile_aside(sources, source_info=linting)


def _duplicate_reached(
    finding: Finding, wanted: set[str], current: ContractSet, changed_paths: set[str] | None
) -> bool:
    """Whether a change check reports a subject that several files map to: when the change touches
    one of them, or checks the subject or something using it (its history pools both files). Two
    untouched copies elsewhere are `check --all`'s finding, as any unchanged invalid contract is (an
    audit of linkedin/avro-util: test copies failed 101 of 153 unrelated commits with exit 2)."""
    subject = finding.subject
    if changed_paths is None or subject is None or subject in wanted:
        return True
    shadows = {key: c for key, c in current.shadowed.items() if c.subject == subject}
    if not wanted.isdisjoint(shadows):  # an import of a copy by its path
        return True
    files = [c.location for c in shadows.values()]
    kept = current.contracts.get(subject)
    if kept is not None:
        files.append(kept.location)
    return any(f in changed_paths for f in files)


def _sidecars_registering_anew(
    git: Git, base: str, files: ContractFiles, current: ContractSet, subjects: set[str], changed: set[str]
) -> set[str]:
    """Subjects among `subjects` whose sidecar the change edits into something a registry tells
    apart from the base's (`sidecar_key`: not a reformatting, and not a removal, which registers
    nothing): publishing them registers a new version even with the same schema text, so a
    reference to one now is to another version than its last (see ReferenceOrigin)."""
    from contractctl.repo.references import sidecar_key

    found = set()
    for subject in subjects:
        sidecar = sidecar_path(current.file(subject).path)
        if str(sidecar) not in changed:
            continue
        now = files.read_bytes(sidecar)
        if now is None:
            continue
        before = git.read_at(base, str(sidecar), follow_links=True)
        if before is None or sidecar_key(now) != sidecar_key(before):
            found.add(subject)
    return found


def _reference_guessed(
    version: HistoricVersion, guessed: tuple[GuessedReference, ...], file: str, subject: str
) -> Finding:
    """An earlier version compared with references taken as they are now, since its commit could
    not answer for them: it did not hold the file (what its author compiled it with came from
    elsewhere, a build dependency vendored later), or it held it but not an import below it (one its
    build fetched); or it never compiled and no registry holds it. The comparison stands on that
    guess, and the message says which of those it was (audit W7: "no file of its commit held" it was
    said of references the commit held)."""
    why = "; ".join(_why_guessed(reference) for reference in guessed)
    files = "today's files" if len(guessed) > 1 else "today's file"
    elsewhere = (
        " (as its author's build found it elsewhere, e.g. a dependency vendored later)"
        if any(not reference.held for reference in guessed)
        else ""
    )
    return Finding(
        rule="HISTORY_REFERENCE_GUESSED",
        message=f"{_label(version)} references {why}: it is compared as compiled with {files}{elsewhere}",
        kind=FindingKind.ADVISORY,
        severity=Severity.WARNING,
        file=file,
        subject=subject,
        hint="If that version never reached a registry (it did not compile then), a finding against it "
        "is not the registry's: let the check through with `--allow-breaking SUBJECT --reason TEXT`.",
    )


def _why_guessed(reference: GuessedReference) -> str:
    """One reference of HISTORY_REFERENCE_GUESSED, named with the reason its commit did not answer."""
    if reference.path is None:
        return f"{reference.subject}, which no file of its commit held"
    named = (
        reference.path if reference.subject == reference.path else f"{reference.path} ({reference.subject})"
    )
    if not reference.held:
        return f"{named}, which no file of its commit held"
    if reference.missing_below is not None:
        return (
            f"{named}, which its commit held, but an import below it, {reference.missing_below}, "
            "was not in the commit (its build fetched it)"
        )
    return f"{named}, which its commit held, but with its commit's files the version did not compile"


def _vendoring(git: Git, config: Config) -> list[str]:
    """The include folders inside the repository (checking/vendored.py, imported only for a config
    that has some: a pre-commit check loads no module it does not need)."""
    if not any(options.get("include") for options in config.format_sections.values()):
        return []
    from contractctl.checking.vendored import include_folders

    return include_folders(git, config)


def _vendored_names(git: Git, folders: list[str], changed: set[str]) -> set[str]:
    from contractctl.checking.vendored import affected_import_paths

    return affected_import_paths(git, folders, changed)


def _hidden_contracts(mapper: SubjectMapper, changed_paths: Iterable[str]) -> list[Finding]:
    """A warning for each file the change touched that would be a contract but for a hidden folder
    (SubjectMapper.hidden_text): left out silently, its edit would pass unseen."""
    return [
        path_skipped(
            path,
            f"{path} lies in a hidden folder (a name starting with a dot): no contract, not checked",
            "Move contracts out of hidden folders; a folder that only holds drafts can stay hidden.",
        )
        for path in sorted(changed_paths)
        if mapper.hidden_only(path) and type_for_path(PurePosixPath(path)) is not None
    ]


def _in_history(current: ContractSet, history: VersionHistory, subject: str) -> bool:
    """Whether the contract as it is now is one of the subject's earlier versions.

    A content committed before, byte for byte, answers without telling the history's versions apart
    (which an audit leaves to its worker processes); otherwise the fingerprints decide.
    """
    schema_type = current.file(subject).schema_type
    try:
        text: str | None = current.source(subject).text
    except InvalidSchema:
        text = None
    sightings = history.sightings(subject)
    if text is not None and any(s.text == text and type_for_path(s.path) is schema_type for s in sightings):
        return True
    fingerprint = _fingerprint(current, subject)
    return any(v.fingerprint == fingerprint for v in history.get(subject, []))


def _own_version(
    checker: SchemaResolver, subject: str, versions: list[HistoricVersion]
) -> HistoricVersion | None:
    """The version an audited contract is, which it is compared with the versions before: the
    version of its state (`SchemaResolver.version_now`), or, for an earlier content written back
    (a revert the history does not hold yet), that content's first version."""
    own = checker.version_now(subject)
    if own is None:
        fingerprint = _fingerprint(checker.current, subject)
        own = next((v for v in versions if v.fingerprint == fingerprint), None)
    return own


def _fingerprint(current: ContractSet, subject: str) -> str:
    contract = current.file(subject)
    try:
        return get_format(contract.schema_type).fingerprint(current.source(subject))
    except InvalidSchema:
        return f"invalid:{contract.key}"


def _reads_every_version(
    contract: ContractFile, options: CheckOptions, contract_context: tuple[ContractFiles, str | None] | None
) -> bool:
    """Whether this check uses every earlier version, not only what the level compares with: a
    transitive level; a compatibility group (it picks the versions of the same group); examples
    (tested against every compared version); lint of a format whose rules read history (Protobuf:
    removed fields must stay reserved)."""
    if contract.compatibility.transitive:
        return True
    if options.lint is not None and get_format(contract.schema_type).reads_history_for_lint():
        return True
    if contract_context is None or options.lint_only:
        return False
    files, group_property = contract_context
    return bool(group_property) or bool(files.examples(examples_dir(contract.path)))


def _versions_to_read(
    level: CompatibilityLevel, versions: list[HistoricVersion], reads_all: bool
) -> list[HistoricVersion]:
    """The earlier versions to parse, in the order to parse them.

    As Schema Registry reads them (it parses a registered version only when it compares with it):
    NONE none, a non-transitive level the latest (newest first, up to the first that parses), a
    transitive level all of them. A version the level never reads is never parsed, so it cannot
    fail the check. A version that does not parse even as its own commit laid it out
    (`SchemaResolver.parse_historic`) never compiled, so no registry accepted it: it is reported and
    the one before it, which a registry would hold as the latest, is compared.
    """
    if reads_all:
        return versions
    if level is CompatibilityLevel.NONE:
        return []
    return list(reversed(versions))


def _carried_over(
    checker: SchemaResolver, subject: str, earlier: list[Earlier], findings: list[Finding], top: Path
) -> list[Finding]:
    """A contract the change reaches only through what it references, its break found again at the
    base: the base's tree already differed from its latest version so (a break below it, let through
    at an earlier commit), and this change does not make it (kvproto's tikvpb failed every later
    change to kvrpcpb for a renumbering months before; dapr's appcallback.proto likewise). Such a
    finding is a warning saying so; a break the change makes below it stays an error, and `check
    --all` reports the standing one. The contract's next version must take it once (the registry
    compares that version with its latest)."""
    base = checker.parse_at_base(subject)
    if base is None:
        return findings
    contract = checker.current.file(subject)
    at_base = {
        _break_key(f)
        for f in check_level(get_format(contract.schema_type), base, earlier, contract.compatibility, top)
    }
    hint = (
        f"This break predates the change: {contract.path} is not part of it, and as the base compiles "
        "it (with what it references there) it already differed from its latest version so, through "
        "a change below it at an earlier commit. Its next version takes this break: allow it then "
        "(`check --allow-breaking SUBJECT --reason TEXT`), or undo the old break."
    )
    return [
        replace(f, severity=Severity.WARNING, hint=hint) if f.fails and _break_key(f) in at_base else f
        for f in findings
    ]


def _break_key(finding: Finding) -> tuple[str, str, str | None, str | None]:
    """Where a break is and what kind (direction, rule, pointer, file), not its words: the words name
    the field and its types, which a compatible change below can alter (a rename, int32 -> uint32)
    while the break against the latest version stays the one the base had (opentelemetry-proto)."""
    return (finding.direction or "", finding.rule, finding.pointer, finding.file)


def _moved_below_hint(path: PurePosixPath) -> str:
    return (
        f"{path} has the text of its latest version, but what it references changed since (directly "
        "or further down): a producer built from this tree registers it anew, and the registry "
        "compares that version with its latest. Commit it again and allow the break once "
        "(`check --allow-breaking SUBJECT --reason TEXT`), or undo the change below."
    )


def _why(error: str | None) -> str:
    """The first thing protoc (or the format's parser) said about an earlier version, shortened."""
    if not error:
        return ""
    text = " ".join(error.split())
    return f" ({text[:297] + '...' if len(text) > 300 else text})"


def _label(version: HistoricVersion) -> str:
    return f"version {version.number} ({version.commit[:7]})"


def _parsed_only(checker: SchemaResolver, subject: str) -> SubjectResult:
    """A touched contract that is the same schema as an earlier version: "invalid" with its parse
    errors, or "unchanged" (left out of the report: it makes no version to compare)."""
    result, _ = _parsed_current(checker, subject, "unchanged")
    return result


def _parsed_current(
    checker: SchemaResolver, subject: str, verdict: str
) -> tuple[SubjectResult, ParsedSchema | None]:
    """The subject's result so far (`verdict`) and the contract as it is now; None, with the result
    "invalid" and the parser's findings, when it does not parse."""
    contract = checker.current.file(subject)
    result = SubjectResult(
        subject=subject,
        path=str(contract.path),
        schema_type=contract.schema_type.value,
        level=contract.compatibility.value,
        verdict=verdict,
    )
    try:
        return result, checker.parse_current(subject)
    except InvalidSchema as error:
        result.verdict = "invalid"
        result.findings = [f.with_context(subject=subject) for f in error.findings]
        return result, None


def _check_subject(
    checker: SchemaResolver,
    subject: str,
    versions: list[HistoricVersion],
    own: HistoricVersion | None,
    options: CheckOptions,
    affected: bool,
    contract_context: tuple[ContractFiles, str | None] | None = None,
    carried: bool = False,
) -> SubjectResult:
    """Check one subject; `affected` is False for an audit of an unchanged contract (--all), which
    compares it with the versions before its `own` (needed only then); `carried`: a change check
    reaches it only through what it references (see `_carried_over`)."""
    contract = checker.current.file(subject)
    result, new = _parsed_current(checker, subject, "compatible")
    if new is None:
        return result
    if own is not None:  # an audit compares the version with the ones that came before it
        versions = versions[: own.number - 1]
    new_type = contract.schema_type
    kept, foreign = split_by_type(
        new_type, [(type_for_path(v.path) or new_type, v) for v in versions], contract.compatibility
    )
    if foreign:
        labelled = [(_label(v), type_for_path(v.path) or new_type) for v in foreign]
        result.findings.append(
            schema_type_changed(new_type, labelled, str(contract.path)).with_context(subject=subject)
        )
    earlier: list[Earlier] = []
    pairs: list[tuple[HistoricVersion, Earlier]] = []
    unparseable: list[HistoricVersion] = []
    reads_all = _reads_every_version(contract, options, contract_context)
    for version in _versions_to_read(contract.compatibility, kept, reads_all):
        parsed = checker.parse_historic(subject, version)
        if parsed is None:
            unparseable.append(version)
            continue
        earlier.append(Earlier(_label(version), parsed))
        pairs.append((version, earlier[-1]))
        if not reads_all:
            break  # the newest version that parses is the one the level compares with
    for version, _ in pairs:
        guessed = checker.historic_guess(subject, version)
        if guessed:
            result.findings.append(_reference_guessed(version, guessed, str(contract.path), subject))
    # held by Git LFS or stored through a filter (encrypted): unreadable, never passed over
    stored = stored_otherwise(checker.current.store.git, unparseable, _label, str(contract.path), subject)
    for version in sorted(unparseable, key=lambda v: v.number):
        if version.number in stored:
            result.findings.append(stored[version.number])
            continue
        missing = checker.historic_import_missing(subject, version)
        if missing is not None:
            result.findings.append(import_missing_finding(version, missing, str(contract.path), subject))
            continue
        result.findings.append(
            Finding(
                rule="HISTORY_UNPARSEABLE",
                message=f"{_label(version)} at {version.path} cannot be parsed with its references as at "
                "its commit; it is not compared" + _why(checker.historic_error(subject, version)),
                kind=FindingKind.ADVISORY,
                severity=Severity.WARNING,
                file=str(contract.path),
                subject=subject,
            )
        )
    if contract_context is not None and not options.lint_only:
        files, group_property = contract_context
        earlier, contract_findings = contract_checks(
            files, contract.path, contract.schema_type, new, pairs, contract.compatibility, group_property
        )
        result.findings.extend(f.with_context(subject=subject) for f in contract_findings)
    if options.lint is not None:
        from contractctl.lint import lint

        linted = lint(new, contract.schema_type, options.lint, [e.schema for e in earlier])
        result.findings.extend(f.with_context(subject=subject) for f in linted)
    if options.lint_only:
        result.verdict = "lint failed" if any(f.fails for f in result.findings) else "linted"
        return result
    schema_format = get_format(contract.schema_type)
    top = checker.current.store.git.toplevel
    findings = check_level(schema_format, new, earlier, contract.compatibility, top)
    if carried and any(f.fails for f in findings):
        findings = _carried_over(checker, subject, earlier, findings, top)
    elif any(f.fails for f in findings) and checker.references_moved(subject):
        findings = [replace(f, hint=_moved_below_hint(contract.path)) if f.fails else f for f in findings]
    result.findings.extend(f.with_context(subject=subject) for f in findings)
    result.compared_versions = len(versions_to_check(contract.compatibility, earlier)) + len(foreign)
    if options.prove:
        proof = prove_compatible_pairs(
            schema_format, new, earlier, contract.compatibility, findings, options.samples, options.seed
        )
        result.findings.extend(f.with_context(subject=subject) for f in proof.findings)
        result.proof = (proof.pairs, proof.records)
    if not affected:
        result.verdict = "unchanged"
    elif not versions:
        result.verdict = "new"
    failing = [f for f in result.findings if f.fails]
    if any(f.kind is FindingKind.INCOMPATIBLE for f in failing):
        result.verdict = "incompatible"
    elif failing:
        result.verdict = "lint failed" if all(f.rule.startswith("lint/") for f in failing) else "failed"
    return result
