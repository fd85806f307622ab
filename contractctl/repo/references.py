"""Contracts parsed with their references: as they are in a tree, or as they were at a version."""

from __future__ import annotations

import re
import sys
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import NamedTuple, TypeVar

from contractctl.formats import (
    get_format,
    parse_registered,
    parse_registered_alone,
    references_by_path,
    type_for_path,
)
from contractctl.formats.base import InvalidSchema, NameCandidates, Outline, ParsedSchema, is_word_character
from contractctl.generic.folder_reach import FolderReach, absent_folders, absent_folders_hint
from contractctl.generic.graph import reachable
from contractctl.generic.parallel import Background, run_indexed, run_measured, usable_cores, worker_count
from contractctl.model import Finding, FindingKind, SchemaText, SchemaType, Severity, import_path_of
from contractctl.repo.as_committed import (
    LaidOut,
    by_name,
    by_path,
    committed_texts,
    imported_paths,
    parse_as_committed,
    references_others,
)
from contractctl.repo.contracts import (
    ContractSet,
    SubjectMapper,
    decode,
    history_prefixes,
    outline_of,
    reference_order,
)
from contractctl.repo.history import (
    BlobStore,
    Commit,
    Git,
    HistoricVersion,
    LogAhead,
    Sighting,
    VersionHistory,
    first_parent_log,
    first_parent_numbers,
    log_output,
    parse_log,
    sightings_by_subject,
)
from contractctl.repo.history_links import follow_links
from contractctl.repo.lfs import is_lfs_pointer, pointer_finding
from contractctl.repo.outline_cache import OutlineCache
from contractctl.repo.sidecar_paths import SIDECAR_SUFFIX, sidecar_path
from contractctl.repo.text_search import is_import_path, may_be_import_path
from contractctl.repo.worktree import folders_inside


class _ContractPaths(Mapping[str, str]):
    """Subject -> contract file, written out only when a message needs it: building the whole map
    for every parsed contract made a repository-wide check quadratic in its number of contracts."""

    def __init__(self, current: ContractSet) -> None:
        self._current = current

    def __getitem__(self, subject: str) -> str:
        return str(self._current.file(subject).path)

    def __iter__(self) -> Iterator[str]:
        return iter(self._current.contracts)

    def __len__(self) -> int:
        return len(self._current.contracts)


_Node = tuple[SchemaText, tuple[tuple[str, HistoricVersion | None], ...]]
"""A text `historic_sources` gathers, and the (subject, version or None for now) it references."""
_Key = tuple[str, int | None]  # a node: its subject, and its version's id (None: as it is now)

_State = tuple[int, tuple[object, ...]]


class GuessedReference(NamedTuple):
    """A reference an earlier version was compiled with as it is now (`parse_historic`), and why its
    commit could not answer for it: the file it is imported as (None: referenced by name), whether
    that commit held that file, and, if it did, an import below it that the commit lacked (what its
    build fetched), when one is (None: every import below it was there)."""

    subject: str
    path: str | None
    held: bool
    missing_below: str | None


class _Now(NamedTuple):
    """What the contract as it is now is of its subject (`SchemaResolver._now_of`)."""

    latest: HistoricVersion | None  # the latest version, when the contract has its content
    version: HistoricVersion | None  # the version it is (None: a new one)
    reverted: bool  # it has the content of an earlier version that is not the latest


"""What tells a subject's versions apart: its content's number, and the numbers of the versions of
the subjects that content references (0: none yet; see `_state_at` for a path that held another
subject then)."""


class SchemaResolver:
    """Parses contracts with their references, as they are now or as they were at a version.

    Holds the per-run caches: parsed schemas by subject and by historic version.
    """

    def __init__(
        self,
        current: ContractSet,
        history: Mapping[str, list[HistoricVersion]],
        registered: bool = False,
        share_unchanged: bool = False,
    ) -> None:
        """`registered`: parse the contracts of `current` as the registry parses versions it holds
        (leniently, see `formats.parse_registered`), for a tree that is itself history.

        `share_unchanged`: an earlier version that is, with everything it references at its commit,
        the contract as it is now gets `parse_current`'s schema instead of a second, lenient parse
        (see `_as_now`). Only for callers that never read a schema's origin (a check: a publish
        registers each version with the commit it came from)."""
        self.current = current
        self.registered = registered
        self.share_unchanged = share_unchanged
        self._history = history
        self._parsed: dict[str, ParsedSchema] = {}
        self._historic: dict[tuple[str, int, int, bool], ParsedSchema | None] = {}
        # why an earlier version did not parse (its first finding), by the key of `_historic`
        self._historic_errors: dict[tuple[str, int, int, bool], str] = {}
        # imports no file of an unparseable version's commit held, as its first error named them
        self._historic_external: dict[tuple[str, int, int, bool], str] = {}
        # versions compiled with some references as they are now: their commit could not answer for them
        self._historic_guesses: dict[tuple[str, int, int, bool], tuple[GuessedReference, ...]] = {}
        self._subject_of: dict[int, str] = {}  # id(parsed schema) -> subject, for registry references
        self._paths = _ContractPaths(current)
        self._sequences: dict[str, tuple[list[tuple[int, str, HistoricVersion]], list[int]]] = {}
        self._states_of: dict[str, tuple[list[HistoricVersion], list[tuple[int, str, HistoricVersion]]]] = {}
        self._uses: dict[tuple[str, int], tuple[str, ...]] = {}  # (subject, content version) -> references
        self._seen: dict[str, dict[_State, HistoricVersion]] = {}  # subject -> its states along the history
        # subject -> (its latest version when the contract now has that content, the version it is now)
        self._now: dict[str, _Now] = {}
        self._fingerprints_now: dict[str, str | None] = {}  # the tree's, whatever the history
        self._identities_now: dict[str, object] = {}  # subject -> what a reference to it now stands for
        self._identities_at_end: dict[str, object] = {}  # the same in the base's tree (`parse_at_base`)
        # import path -> the subjects whose history holds a version at that path (see `_gone_at`)
        self._history_paths: dict[str, tuple[str, ...]] | None = None
        # Memos of the reference graph, so that each subject's references are looked up once per run
        # however many closures hold it (a deep graph put every contract in hundreds of closures):
        # the current tree's edges, its transitive closures, and the edges of historic versions
        # (keyed by the version object's id, the object kept alive in the value).
        self._references_of: dict[str, tuple[str, ...]] = {}
        self._closures: dict[str, frozenset[str]] = {}
        self._current_nodes: dict[str, _Node | None] = {}
        self._historic_nodes: dict[tuple[str, int], tuple[HistoricVersion, _Node]] = {}
        self._historic_closures: dict[tuple[str, int], tuple[HistoricVersion, dict[str, SchemaText]]] = {}
        # (commit, schema type) -> import path -> blob (`_committed_tree`)
        self._trees: dict[tuple[str, SchemaType], dict[str, str]] = {}
        self._named_layouts: dict[tuple[str, SchemaType], LaidOut] = {}  # see as_committed.by_name
        self._include_paths: dict[SchemaType, frozenset[str]] = {}  # see `_imports_tracked_include`
        self._include_reach: dict[SchemaType, FolderReach | None] = {}  # see `_folder_reach_of`
        # subjects whose sidecar now differs from the end of the history as a registry tells
        # sidecars apart: publishing them registers a new version even with the same text
        self.registers_anew: set[str] = set()
        # subjects whose file or sidecar the tree writes again since the end of the history: a new
        # version when what they reference has moved on since their latest (see `version_now`)
        self.rewritten: set[str] = set()
        # the commit a check of a change compares with (`parse_at_base`)
        self.base_commit: str | None = None

    @property
    def history(self) -> Mapping[str, list[HistoricVersion]]:
        return self._history

    @history.setter
    def history(self, history: Mapping[str, list[HistoricVersion]]) -> None:
        """A check learns the history after the tree: what was derived from another history goes."""
        self._history = history
        for derived in (
            self._historic,
            self._sequences,
            self._states_of,
            self._uses,
            self._historic_nodes,
            self._historic_closures,
        ):
            derived.clear()
        self._seen.clear()
        self._now.clear()
        self._identities_now.clear()
        self._identities_at_end.clear()
        self._historic_errors.clear()
        self._historic_external.clear()
        self._historic_guesses.clear()
        self._history_paths = None

    def subject_of(self, schema: ParsedSchema) -> str:
        """The subject of a schema this resolver parsed (references name subjects in a registry)."""
        return self._subject_of[id(schema)]

    def _references(
        self,
        schema_type: SchemaType,
        source: SchemaText,
        subject: str,
        blob: str | None = None,
        sequence: int | None = None,
    ) -> list[str]:
        """The subjects whose contracts define what `source` uses; `blob`: the blob its text was
        read from, whose outline the tree's outline cache may hold (a large change outlines
        thousands of earlier versions, the same ones run after run). `sequence`: `source` is an
        earlier version, of that commit: files it imports that are gone now are found in history."""

        def made() -> Outline:
            return outline_of(schema_type, source.path, source.text, self.current.root)

        outlines = self.current.outlines
        outline = made() if outlines is None or blob is None else outlines.remembered(blob, source.path, made)
        found = self.defining(outline.referenced_names, subject)
        if sequence is not None:
            if isinstance(self.history, VersionHistory):
                # what an earlier version uses is taken as it was at its commit: a check of a change
                # reads the history of a contract its change does not reach, as --all has it
                self.history.read(found)
            found.extend(self._gone_at(outline.referenced_names, subject, sequence, found))
        return found

    def _gone_at(self, names: tuple[str, ...], subject: str, sequence: int, found: list[str]) -> list[str]:
        """The subjects of files an earlier version imports by path (Protobuf) that the tree no
        longer holds, as they were at that commit (the commit `sequence` numbers): a file deleted
        since is still the version's reference, its history the registry's subject (the Envoy API's
        config/trace/v3/trace.proto re-exports tracers deleted years later; its versions did not
        parse, and the check compared with a version from before the re-exports instead)."""
        gone = [n for n in names if is_import_path(n) and self.current.defining_subject(n) is None]
        if not gone:
            return []
        holders = self._holders(gone)
        out: list[str] = []
        for import_path in gone:
            others = [
                c for c in holders.get(import_path, ()) if c != subject and c not in found and c not in out
            ]
            held = self._lying_at(import_path, sequence, others)
            if held is not None:
                out.append(held[0])  # the file at that path then
        return out

    def _lying_at(
        self, import_path: str, sequence: int, candidates: Iterable[str]
    ) -> tuple[str, HistoricVersion] | None:
        """The first of `candidates` (subjects sighted at `import_path`, see `_holders`) whose version
        current at the commit `sequence` numbers lay at that path, with that version."""
        for candidate in candidates:
            at = self._version_at(candidate, sequence)
            if at is not None and import_path_of(str(at.path), self.current.root) == import_path:
                return candidate, at
        return None

    def _holders(self, import_paths: list[str]) -> Mapping[str, tuple[str, ...]]:
        """For each import path: every subject with a version at that path along the log."""
        root = self.current.root
        history = self.history
        if isinstance(history, VersionHistory):
            # from the paths the log sighted, not the versions: telling every subject's contents apart
            # (a fingerprint each) is not needed to know where they lay. A check of a change reads
            # here the history of a file deleted before its base, as check --all has it
            return history.holders(import_paths, root)
        if self._history_paths is None:  # a plain mapping (tests, a tree that is itself history)
            by_path: dict[str, set[str]] = {}
            for held, versions in history.items():
                for version in versions:
                    by_path.setdefault(import_path_of(str(version.path), root), set()).add(held)
            self._history_paths = {path: tuple(sorted(held)) for path, held in by_path.items()}
        return self._history_paths

    def defining(self, names: tuple[str, ...], subject: str) -> list[str]:
        """The subjects (other than `subject`) whose contracts define these names, or that the include
        files among them import (see `_defining_below_include_files`)."""
        self.current.find_definitions(names)
        found = {self.current.defining_subject(name) for name in names}
        found.update(self._defining_below_include_files(names))
        return sorted(s for s in found if s is not None and s != subject)

    def _defining_below_include_files(self, names: Iterable[str]) -> set[str | None]:
        """The subjects of the contracts that the include-folder files among `names` import, directly
        or through other such files: protoc searches the contracts root before the folders, so such
        a file compiles with those contracts, and so does what imports it (audit 26 N2). A name a
        contract answers is that contract, not followed; a path such a file reaches that a contract
        holds is that contract, even where a folder holds a copy (audit 27 A4)."""
        below = [
            reached
            for name in names
            if may_be_import_path(name)  # a type name is no file of a folder
            and self.current.defining_subject(name) is None
            and (reach := self._folder_reach_of(name)) is not None
            for reached in reach.of(name)
        ]
        self.current.find_definitions(below)
        return {self.current.defining_subject(name) for name in below}

    def _include_files_reaching(self, names: Iterable[str]) -> list[str]:
        """The include-folder files that import any of these contracts (by import path), directly or
        through other such files: a contract importing one of them compiles with the contract, so a
        change of the contract reaches it (audit 26 N2)."""
        by_folders: dict[int, tuple[FolderReach, list[str]]] = {}
        for name in names:
            if may_be_import_path(name) and (reach := self._folder_reach_of(name)) is not None:
                by_folders.setdefault(id(reach), (reach, []))[1].append(name)
        return [f for reach, paths in by_folders.values() for f in reach.reaching(paths)]

    def _folder_reach_of(self, import_path: str) -> FolderReach | None:
        """What the include folders' files reach, for files of `import_path`'s type (None: a type without
        folders), read from disk once per run: an untracked folder has no other copy, and a tracked
        one is read as the check compiles it."""
        schema_type = type_for_path(PurePosixPath(import_path))
        if schema_type is None:
            return None
        if schema_type not in self._include_reach:
            schema_format = get_format(schema_type)

            def imports_of(path: str, text: str) -> list[str]:
                found = imported_paths(schema_type, SchemaText(PurePosixPath(path), text))
                return [i for i in found if not schema_format.builtin_import(i)]

            folders = schema_format.include_folders
            self._include_reach[schema_type] = FolderReach(folders, imports_of) if folders else None
        return self._include_reach[schema_type]

    def references_of(self, subject: str) -> list[str]:
        """Subjects whose contracts define types this contract uses (its schema references).

        Looked up once per subject and run (the tree does not change under a resolver); an
        unreadable contract raises each time it is asked."""
        found = self._references_of.get(subject)
        if found is None:
            # the contract's outline, cached by blob id for a check of the index: its text is not read
            found = self._references_of[subject] = tuple(
                self.defining(self.current.outline(subject).referenced_names, subject)
            )
        return list(found)

    def _unparsed_references(self, subject: str) -> list[str]:
        """References of a subject not parsed yet; none for a parsed one, whose whole closure is
        parsed already (a contract is parsed only after everything it references)."""
        return [] if subject in self._parsed else self.references_of(subject)

    def parse_current(self, subject: str) -> ParsedSchema:
        """Parse a contract after the contracts it references (cycles and missing ones are invalid)."""
        if subject in self._parsed:
            return self._parsed[subject]
        try:
            return self._parse_current(subject)
        except InvalidSchema as error:  # its references could not be read from its text
            raise self.current.explained(subject, error) from None

    def _parse_current(self, subject: str) -> ParsedSchema:
        # Parsed subjects end the walk: below them everything is parsed and acyclic, so the order of
        # the unparsed ones, and any cycle among them, are what the whole walk would find.
        for dependency in reference_order(subject, self._unparsed_references, self._paths):
            if dependency in self._parsed:
                continue
            contract = self.current.file(dependency)
            references = [self._parsed[r] for r in self.references_of(dependency)]
            try:
                source = self._with_version(dependency, self.current.source(dependency))
                if is_lfs_pointer(source.text):  # no schema in git: named, not a syntax error
                    raise InvalidSchema([pointer_finding(str(contract.path), dependency)])
                self._parsed[dependency] = (
                    parse_registered(source, contract.schema_type, references)
                    if self.registered
                    else get_format(contract.schema_type).parse(source, references)
                )
                self._subject_of[id(self._parsed[dependency])] = dependency
                _require_record_type(dependency, self._parsed[dependency])
            except InvalidSchema as error:
                error = self.current.explained(dependency, error)
                if dependency == subject:
                    raise error from None
                raise InvalidSchema(
                    [
                        Finding(
                            rule="INVALID_REFERENCE",
                            message=f"referenced contract {contract.path} is invalid: "
                            f"{error.findings[0].message}",
                            kind=FindingKind.INVALID,
                            file=str(self.current.file(subject).path),
                            line=1,
                            hint="Fix the referenced contract first.",
                        ),
                        *error.findings,
                    ]
                ) from None
        return self._parsed[subject]

    def versions(self, subject: str) -> list[HistoricVersion]:
        """The subject's versions, oldest first: check, publish, status, can-deploy and changelog
        all use this list.

        A version is what a commit of the contract (its file or its sidecar) registers: its text
        and its references as they are at that commit. A new content is a new version; so is the
        same content committed again (a comment, a sidecar, a re-formatting) once a contract it
        references has a new version, since a registry tells schemas apart by their references'
        versions too. A state seen before (a revert) is no new version. Changes of a referenced
        contract alone do not make versions of the contracts that use it: publish registers what
        their commits registered, and a check compares with that.
        """
        return self._states(subject)[0]

    def _states(self, subject: str) -> tuple[list[HistoricVersion], list[tuple[int, str, HistoricVersion]]]:
        """The versions, and the timeline of which one is current from each commit on."""
        found = self._states_of.get(subject)
        if found is not None:
            return found
        own, written = self._written(subject)
        plain = self._states_of[subject] = (own, written)  # a reference cycle in old history: contents
        if len(written) == len(own):
            return plain  # every commit of it wrote a new content: each is a version whatever it uses
        uses = [self._uses_of(subject, version) for version in own]  # each content's, before any state
        if not any(uses):
            return plain  # nothing referenced: its contents are its versions
        self._holders(self._paths_named_since(uses, written[0][0]))  # one look at the log for all
        versions: list[HistoricVersion] = []
        timeline: list[tuple[int, str, HistoricVersion]] = []
        by_state = self._seen[subject] = {}
        for sequence, commit, content in written:  # each commit that wrote it, in log order
            state = self._state(subject, content, partial(self._state_at, sequence=sequence))
            version = by_state.get(state)
            if version is None:
                version = by_state[state] = HistoricVersion(
                    len(versions) + 1,
                    content.path,
                    content.text,
                    commit,
                    sequence,
                    content.fingerprint,
                    content.blob,
                )
                versions.append(version)
            version = version.lying_at(content.path, content.text, commit, sequence, content.blob)
            if not timeline or (timeline[-1][2].number, timeline[-1][2].path) != (
                version.number,
                version.path,
            ):
                timeline.append((sequence, commit, version))
        self._states_of[subject] = (versions, timeline)
        return versions, timeline

    def _written(self, subject: str) -> tuple[list[HistoricVersion], list[tuple[int, str, HistoricVersion]]]:
        """The subject's contents, and (sequence, commit, content) for each commit that wrote its
        file or its sidecar, in log order."""
        if isinstance(self.history, VersionHistory):
            self.history.read((subject,))  # a history of some subjects: read before it is looked at
        own = self.history.get(subject, [])
        if isinstance(self.history, VersionHistory):
            return own, self.history.timeline(subject)
        # a plain mapping (tests, a tree that is itself history): each version when it came
        return own, [(version.sequence, version.commit, version) for version in own]

    def _state(self, subject: str, content: HistoricVersion, number_of: Callable[[str], object]) -> _State:
        """The state of `content` of the subject with its references' versions as `number_of` gives
        them (at a commit, or now): one state, one version."""
        return content.number, tuple(number_of(r) for r in self._uses_of(subject, content))

    def _uses_of(self, subject: str, version: HistoricVersion) -> tuple[str, ...]:
        """The subjects a content version references (none for a text that no longer reads)."""
        key = (subject, version.number)
        found = self._uses.get(key)
        if found is None:
            schema_type = type_for_path(version.path)
            assert schema_type is not None
            source = SchemaText(version.path, version.text, version.commit, self.current.root)
            try:
                found = tuple(self._references(schema_type, source, subject, version.blob, version.sequence))
            except InvalidSchema:
                found = ()
            self._uses[key] = found
        return found

    def _paths_named_since(self, uses: Iterable[tuple[str, ...]], sequence: int) -> list[str]:
        """Import paths of the references, among `uses`, whose subject today had no version yet at the
        commit `sequence` numbers: the ones `_state_at` looks up by path."""
        paths = set()
        for reference in {r for used in uses for r in used}:
            import_path = self._imported_as(reference)
            if import_path is not None and self._version_at(reference, sequence) is None:
                paths.add(import_path)
        return sorted(paths)

    def _imported_as(self, subject: str) -> str | None:
        """The import path of a contract whose format references files by path (None otherwise)."""
        contract = self.current.contracts.get(subject)
        if contract is None or not references_by_path(contract.path):
            return None
        return import_path_of(str(contract.path), self.current.root)

    def _state_at(self, reference: str, sequence: int) -> object:
        """What a reference stands for in a version made at the commit `sequence` numbers: the
        version of its subject current then. Where today's subject had none then, a contract that
        references files by path imported the file at its path as it was: under record naming it
        named another subject (its first message was renamed since), whose versions then are the
        reference's states (otherwise a change of that file made no new version of its importers)."""
        version = self._version_at(reference, sequence)
        if version is not None:
            return version.number
        import_path = self._imported_as(reference)
        if import_path is None:
            return 0
        held = self._lying_at(import_path, sequence, self._holders([import_path]).get(import_path, ()))
        return (held[0], held[1].number) if held is not None else 0

    def parse_historic(
        self, subject: str, version: HistoricVersion, registered: bool = True
    ) -> ParsedSchema | None:
        """An earlier version, its references taken as they were at that commit (or as they are now);
        where those do not parse together, its imports as its commit held them (`_parse_as_committed`).

        `registered`: parsed as the registry parses a version it already holds (leniently: what it
        accepted once is compared, see `formats.parse_registered`); False: as strictly as the
        registry parses a version about to be registered (publish sends it as a new schema).
        """
        # one version per commit, but for a commit where two files held the subject (a duplicate
        # subject left in history): each is a version of its own
        key = (subject, version.sequence, version.number, registered)
        if key in self._historic:
            return self._historic[key]
        schema_type = type_for_path(version.path)
        assert schema_type is not None
        identity = (
            self._identity_at_end(subject)
            if version.sequence == sys.maxsize
            else ("git", subject, version.number)
        )
        source = SchemaText(version.path, version.text, version.commit, self.current.root, identity)
        self._historic[key] = None  # a reference cycle in old history ends here
        if registered and self.share_unchanged:
            now = self._as_now(subject, version)
            if now is not None:
                self._historic[key] = now
                return now
        # Most texts stand alone: a parse without references answers for them without the outline
        # walk that finds references (a whole-history check parses tens of thousands of versions).
        parsed = (
            parse_registered_alone(source, schema_type)
            if registered
            else self._parse_alone(source, schema_type)
        )
        if parsed is not None:
            self._subject_of[id(parsed)] = subject
            self._historic[key] = parsed
            return parsed
        as_committed_tried = False
        try:
            uses = self._references(schema_type, source, subject, version.blob, version.sequence)
            dependencies = [
                (dependency, self._referenced_version(dependency, version)) for dependency in uses
            ]
            if registered and (
                any(earlier is None for _, earlier in dependencies)
                or self._imports_tracked_include(schema_type, source)
            ):
                # a file it imports names a subject today that had no version then (under record
                # naming its first message was another), or lies in an include folder git tracks
                # (a vendored import, no subject): taken as it is now, a guess (a break inside the
                # vendored file would go unseen); as committed, what its author compiled
                as_committed_tried = True
                parsed = self._parse_as_committed(subject, version, source, schema_type)
            if parsed is None:
                references = []
                guessed = []
                for dependency, earlier in dependencies:
                    if earlier is None:  # and laid out as committed it did not compile: a guess
                        guessed.append(dependency)
                    reference = (
                        self.parse_historic(dependency, earlier, registered)
                        if earlier is not None
                        else self.parse_current(dependency)
                    )
                    if reference is not None:
                        references.append(reference)
                if guessed:
                    self._historic_guesses[key] = tuple(
                        self._why_guessed(dependency, version, schema_type) for dependency in guessed
                    )
                parsed = (parse_registered if registered else _parse_strictly)(
                    source, schema_type, references
                )
                self._subject_of[id(parsed)] = subject
        except InvalidSchema as error:
            parsed = None
            if error.findings:
                first = error.findings[0]
                where = f"{first.file}: " if first.file and first.file != str(version.path) else ""
                self._historic_errors[key] = where + first.message
        if parsed is None and not as_committed_tried:
            # publish too (registered=False): a version check compares as committed is registered
            # so (its references those of its commit), never left out for a later one to take its number
            parsed = self._parse_as_committed(subject, version, source, schema_type, registered)
            if parsed is not None:
                self._historic_errors.pop(key, None)
        if parsed is None:
            missing = self._external_import(version, source, schema_type, self._historic_errors.get(key))
            if missing is not None:
                self._historic_external[key] = missing
        self._historic[key] = parsed
        return parsed

    def _external_import(
        self, version: HistoricVersion, source: SchemaText, schema_type: SchemaType, error: str | None
    ) -> str | None:
        """An import of an unparseable version that no file of its commit held (nor an include
        folder, nor the registry's built-in files), directly or below the files it imports that the
        commit did hold: a file its build fetched (gogo.proto, googleapis, opencensus-proto). Such a
        version compiled where it was built, and a registry may hold it (registered with that import
        as a reference), so it is never passed over as one that never compiled.

        Every import is looked at, in the text's order, whatever the error names: the error is the
        versions model's, whose mixed layout can fail at another file than the missing one (audit 26
        N1: envoy's VirtualHost 33-44 blamed proxy_protocol.proto, whose imports were all there, while
        config_source.proto imported udpa's fetched authority.proto), and which file it blames
        depended on what earlier runs had cached (N6): the answer depends on the commit alone."""
        if error is None or get_format(schema_type).include_setting is None:
            return None  # the cure is a copy in an include folder: a format without them has none
        ordered = imported_paths(schema_type, source)
        if not ordered:
            return None
        tree = self._committed_tree(version.commit, schema_type)
        direct = next((p for p in ordered if p not in tree and not self._answered_now(schema_type, p)), None)
        if direct is not None:
            return direct
        return self._fetched_below(version.commit, schema_type, [p for p in ordered if p in tree], tree)

    @staticmethod
    def _answered_now(schema_type: SchemaType, import_path: str) -> bool:
        """Whether an import no commit holds is answered all the same: a built-in, or a file of an
        include folder git does not track (populated by the build, searched as it is now)."""
        schema_format = get_format(schema_type)
        return schema_format.builtin_import(import_path) or any(
            (Path(folder) / import_path).is_file() for folder in schema_format.include_folders
        )

    def _fetched_below(
        self, commit: str, schema_type: SchemaType, held: list[str], tree: Mapping[str, str]
    ) -> str | None:
        """An import, below files the commit held, that neither the commit, an include folder nor the
        registry's built-ins has: why an import it held did not compile (a deleted reference's own
        import of what the build fetched; envoy's earlier versions through opencensus-proto, audit 25
        A1). Breadth first over the commit's files; None when every import below is answered."""
        seen = set(held)
        layer = list(held)
        while layer:
            texts = self.current.store.git.read_blobs(tree[path] for path in layer)
            following: list[str] = []
            for path in layer:
                text = texts[tree[path]].decode("utf-8", "replace")
                source = SchemaText(PurePosixPath(path), text, commit, self.current.root)
                for imported in imported_paths(schema_type, source):
                    if imported in seen:
                        continue
                    seen.add(imported)
                    if imported in tree:
                        following.append(imported)
                    elif not self._answered_now(schema_type, imported):
                        return imported
            layer = following
        return None

    def historic_import_missing(
        self, subject: str, version: HistoricVersion, registered: bool = True
    ) -> str | None:
        """The import no file of the version's commit held, when that is why it did not parse."""
        return self._historic_external.get((subject, version.sequence, version.number, registered))

    def _parse_as_committed(
        self,
        subject: str,
        version: HistoricVersion,
        source: SchemaText,
        schema_type: SchemaType,
        registered: bool = True,
    ) -> ParsedSchema | None:
        """An earlier version whose references, as the versions model resolves them, do not parse
        together, parsed with the files its own commit held at its import paths (see
        `as_committed`): what its author compiled. A version that does not parse even so never
        compiled at its commit, so no registry accepted it (None: the check compares with the one
        before, as a registry holds it). `registered` False: parsed as strictly as a new schema.

        Each file it references is the subject that lay at its import path then (`subject_of`; the
        import path itself where no subject did: a vendored file), so a publish of the version
        references what its commit held, which a registry holds or publish refuses by name."""
        if not references_others(schema_type, source):
            return None  # it references nothing: laid out as committed, it fails as it did
        tree, referenced = self._committed_layout(version.commit, schema_type, source)
        read_blobs = self.current.store.git.read_blobs
        subjects_at: dict[str, str] = {}  # import path -> the subject that lay there (origins_of)

        def origins_of(texts: Mapping[str, str]) -> dict[str, object]:
            """For each import path, the version of the subject whose text lay there then, as
            `_with_version` names one (left out: compared by text, as where no history answers).
            One look at the log for the whole closure: a later pass over it costs tens of ms."""
            out: dict[str, object] = {}
            holders = self._holders(sorted(texts))
            for import_path, text in texts.items():
                held = self._lying_at(import_path, version.sequence, holders.get(import_path, ()))
                if held is not None:
                    subjects_at[import_path] = held[0]
                if held is not None and held[1].text == text:
                    out[import_path] = (
                        self._identity_at_end(held[0])
                        if version.sequence == sys.maxsize
                        else ("git", held[0], held[1].number)
                    )
            return out

        parse = parse_registered if registered else _parse_strictly
        try:
            parsed = parse_as_committed(source, schema_type, tree, read_blobs, origins_of, referenced, parse)
        except InvalidSchema:
            return None
        self._subject_of[id(parsed)] = subject
        self._name_references(parsed, schema_type, subjects_at)
        return parsed

    def _committed_layout(
        self, commit: str, schema_type: SchemaType, source: SchemaText
    ) -> tuple[dict[str, str], LaidOut]:
        """The commit's files by import path, and which of them a text references (see as_committed)."""
        tree = self._committed_tree(commit, schema_type)
        if references_by_path(source.path):
            return tree, by_path(schema_type, tree)
        layout = self._named_layouts.get((commit, schema_type))
        if layout is None:
            layout = self._named_layouts[commit, schema_type] = by_name(
                schema_type, tree, self.current.store.git.read_blobs, self.current.root
            )
        return tree, layout

    def _name_references(
        self, parsed: ParsedSchema, schema_type: SchemaType, subjects_at: Mapping[str, str]
    ) -> None:
        """The subject of each schema an as-committed parse references, transitively (see
        `_parse_as_committed`)."""
        registry_parts = get_format(schema_type).registry_parts
        below = [reference for _, reference in registry_parts(parsed)[1]]
        seen: set[int] = set()  # a file two others import is one schema
        while below:
            reference = below.pop()
            if id(reference) in seen:
                continue
            seen.add(id(reference))
            import_path = reference.source.import_path
            self._subject_of[id(reference)] = subjects_at.get(import_path, import_path)
            below.extend(r for _, r in registry_parts(reference)[1])

    def _committed_tree(self, commit: str, schema_type: SchemaType) -> dict[str, str]:
        """Import path -> blob id of every file a text of `commit` could import: the contracts root's,
        then those of the format's include folders that git tracks (as protoc searches them; a folder
        git does not track is searched as it is now, by the format). Read once per commit."""
        found = self._trees.get((commit, schema_type))
        if found is None:
            found = self._trees[commit, schema_type] = self._read_committed_tree(commit, schema_type)
        return found

    def _read_committed_tree(self, commit: str, schema_type: SchemaType) -> dict[str, str]:
        git = self.current.store.git
        root = self.current.root
        tree = {import_path_of(p, root): blob for p, blob in git.tree_entries(commit, root)}
        for earlier in getattr(self.history, "earlier", ()):  # where the root's files lay then
            for path, blob in git.tree_entries(commit, earlier):
                tree.setdefault(import_path_of(path, earlier), blob)
        for relative in self._include_folders(schema_type):
            for path, blob in git.tree_entries(commit, relative):
                tree.setdefault(import_path_of(path, relative), blob)
        return tree

    def _include_folders(self, schema_type: SchemaType) -> list[str]:
        """The format's include folders inside the repository: the ones history can hold."""
        return folders_inside(self.current.store.git.toplevel, get_format(schema_type).include_folders)

    def _imports_tracked_include(self, schema_type: SchemaType, source: SchemaText) -> bool:
        """Whether a text imports a file that no contract is and an include folder git tracks holds
        (at HEAD): a vendored import has no subject and so no versions, and only its commit's copy
        says what the version was compiled with. Asked only of texts that import something."""
        paths = self._include_paths.get(schema_type)
        if paths is None:
            git = self.current.store.git
            found: set[str] = set()
            for relative in self._include_folders(schema_type):
                found.update(import_path_of(p, relative) for p, _ in git.tree_entries("HEAD", relative))
            if found:  # protoc searches the root first: a contract's path is no vendored file
                root = self.current.root
                found.difference_update(import_path_of(p, root) for p, _ in git.tree_entries("HEAD", root))
            paths = self._include_paths[schema_type] = frozenset(found)
        return bool(paths) and not paths.isdisjoint(imported_paths(schema_type, source))

    def historic_guess(self, subject: str, version: HistoricVersion) -> tuple[GuessedReference, ...]:
        """The references a compared earlier version took as they are now, each with why its commit
        could not answer for it (`GuessedReference`)."""
        return self._historic_guesses.get((subject, version.sequence, version.number, True), ())

    def _why_guessed(
        self, reference: str, version: HistoricVersion, schema_type: SchemaType
    ) -> GuessedReference:
        """Why the version's commit did not answer for `reference`: it did not hold the file, or it
        held it and lacked an import below it, one its build fetched (envoy's data-plane-api at
        7469956: the reference was there, opencensus-proto below it was not; audit W7)."""
        import_path = self._imported_as(reference)
        if import_path is None:
            return GuessedReference(reference, None, False, None)
        tree = self._committed_tree(version.commit, schema_type)
        if import_path not in tree:
            return GuessedReference(reference, import_path, False, None)
        missing = self._fetched_below(version.commit, schema_type, [import_path], tree)
        return GuessedReference(reference, import_path, True, missing)

    def historic_error(self, subject: str, version: HistoricVersion, registered: bool = True) -> str | None:
        """Why `parse_historic` found no schema for this version (its first finding), when it says."""
        return self._historic_errors.get((subject, version.sequence, version.number, registered))

    def _with_version(self, subject: str, source: SchemaText) -> SchemaText:
        """`source` (the contract now) with what a reference to it stands for (`_identity_now`)."""
        return SchemaText(source.path, source.text, source.origin, source.root, self._identity_now(subject))

    def parse_at_base(self, subject: str) -> ParsedSchema | None:
        """The contract as the base's tree compiles it: the version it is now, with its references
        as they are at the end of the history (None: a new content, or it does not parse so). What a
        check of a change compares it with to tell a break the change makes from one the base had."""
        own = self.version_now(subject)
        if own is None:
            return None
        # at the base commit: a version laid out as committed (vendored imports) reads its tree
        at_end = replace(own, sequence=sys.maxsize, commit=self.base_commit or own.commit)
        return self.parse_historic(subject, at_end)

    def references_moved(self, subject: str) -> bool:
        """Whether the contract has the content of a version but not its state: something it
        references, directly or further down, stands for other versions now than at that version's
        commit. A producer built from this tree registers it as a new version (`_identity_now`)."""
        return self.version_now(subject) is not None and self._identity_now(subject) == ("new", subject)

    def _identity_now(self, subject: str) -> object:
        """What a reference to the contract as it is now stands for, as a producer built from this
        tree registers it (`auto.register.schemas`): the version it is (`version_now`), unless
        something it references, directly or further down, now stands for other versions than at that
        version's commit; then a state no version had, as a new version.

        Confluent's Protobuf diff follows a field into a referenced type only when the two sides
        reference other versions. Taking an unchanged importer as its latest version whatever moved
        below it (as `version_now` numbers versions for publish) compared its direct importers with
        the change but not theirs: `m -> a -> b -> c` with `c` broken failed `b` and passed `a` and
        the topic `m`, whose producers write the new `c` all the same (temporalio/api audit)."""
        found = self._identities_now.get(subject)
        if found is not None:
            return found
        new: object = ("new", subject)
        self._identities_now[subject] = new  # a reference cycle (invalid now) ends here
        now = self.version_now(subject)
        if now is not None and not self._closure_moved(subject, now):
            found = ("git", subject, now.number)
        else:
            found = new
        self._identities_now[subject] = found
        return found

    def _identity_at_end(self, subject: str) -> object:
        """`_identity_now` for the base's tree (the end of the history, `parse_at_base`): the latest
        version, unless something it references, directly or further down, stands for other versions
        at the end than at that version's commit; then a state no version had. Taken as its version
        whatever moved below it, an untouched contract's base state stopped at a reference whose own
        references had moved, so an old break below it was not the base's (istio/api's operator.proto,
        through component.proto to kubernetes.proto, laid out as the base commit held them)."""
        found = self._identities_at_end.get(subject)
        if found is not None:
            return found
        new: object = ("new at the end", subject)
        self._identities_at_end[subject] = new  # a reference cycle ends here
        latest = self._version_at(subject, sys.maxsize)
        schema_type = type_for_path(latest.path) if latest is not None else None
        found = new
        if latest is not None and schema_type is not None:
            source = SchemaText(latest.path, latest.text, latest.commit, self.current.root)
            try:
                uses = self._references(schema_type, source, subject, latest.blob, latest.sequence)
            except InvalidSchema:
                uses = None
            if uses is not None and all(self._unmoved_at_end(r, latest.sequence) for r in uses):
                found = ("git", subject, latest.number)
        self._identities_at_end[subject] = found
        return found

    def _unmoved_at_end(self, reference: str, sequence: int) -> bool:
        then = self._version_at(reference, sequence)
        return then is not None and self._identity_at_end(reference) == ("git", reference, then.number)

    def _closure_moved(self, subject: str, version: HistoricVersion) -> bool:
        """Whether a contract's references now stand for other versions than at `version`'s commit."""
        try:
            references = self.references_of(subject)
        except InvalidSchema:
            return True
        for reference in references:
            then = self._version_at(reference, version.sequence)
            if then is None or self._identity_now(reference) != ("git", reference, then.number):
                return True
        return False

    def version_now(self, subject: str) -> HistoricVersion | None:
        """The version the contract as it is now is of its subject, None for a new one.

        The version current at the end of the history when the contract has its content (the same
        text, or the same fingerprint) and its sidecar (`registers_anew`); a change of what it
        references alone makes no version of it (see `versions`). Written again (`rewritten`: a
        comment, a re-formatting, a sidecar edit, a revert), it is what that commit registers: the
        version of its state with its references' versions as they are now, new if no commit had
        that state."""
        return self._now_of(subject).version

    def moved_on(self, subject: str) -> bool:
        """Whether the contract, written again with the content of an earlier version (the latest,
        or an older one: a revert), is a new version all the same: what it references got new
        versions since (Schema Registry finds an existing version by its text and its references'
        versions). Asked of the subjects written again alone: telling apart the history of every
        other costs an audit."""
        if subject not in self.rewritten:
            return False
        now = self._now_of(subject)
        return now.version is None and (now.latest is not None or now.reverted)

    def _now_of(self, subject: str) -> _Now:
        found = self._now.get(subject)
        if found is not None:
            return found
        self._now[subject] = _Now(None, None, False)  # a cycle of references (invalid now) ends here
        latest = self._latest_if_same(subject)
        if latest is not None:
            found = _Now(latest, self._state_now(subject) if subject in self.rewritten else latest, False)
        elif subject in self.rewritten:
            found = self._written_back(subject)
        else:
            found = _Now(None, None, False)
        self._now[subject] = found
        return found

    def _written_back(self, subject: str) -> _Now:
        """A contract written again with the content of an earlier version that is not the latest
        (a revert): that state's version when a commit had it with its references' versions as they
        are now, else none (a new version, compared with the latest: the audit of temporalio/api and
        milvus-proto found reverts after an import moved on passed unseen)."""
        fingerprint = self._fingerprint_now(subject)
        _, written = self._written(subject) if self.history and fingerprint is not None else ([], [])
        same = [(sequence, content) for sequence, _, content in written if content.fingerprint == fingerprint]
        if not same:
            return _Now(None, None, False)
        # with a sidecar that differs from the latest version's, taken as a new version: which earlier
        # content had this sidecar is not kept here, and a registry answers a version it holds with
        # its ID anyway (the safe side: publish registers it, never skips one the registry lacks)
        if subject not in self.registers_anew:
            now = self._state(subject, same[-1][1], self._number_now)
            for sequence, content in reversed(same):
                if self._state(subject, content, partial(self._state_at, sequence=sequence)) == now:
                    return _Now(None, self._version_at(subject, sequence), True)
        return _Now(None, None, True)

    def _fingerprint_now(self, subject: str) -> str | None:
        """The fingerprint of the contract as it is now (None: it does not read)."""
        if subject not in self._fingerprints_now:
            try:
                source = self.current.source(subject)
                schema_type = type_for_path(source.path)
                found = get_format(schema_type).fingerprint(source) if schema_type is not None else None
            except InvalidSchema:
                found = None
            self._fingerprints_now[subject] = found
        return self._fingerprints_now[subject]

    def _latest_if_same(self, subject: str) -> HistoricVersion | None:
        """The version current at the end of the history, when the contract now has its content
        (the same text, or the same text but for comments or layout) and its sidecar."""
        timeline = self._states(subject)[1] if self.history and subject not in self.registers_anew else None
        latest = timeline[-1][2] if timeline else None
        if latest is None:
            return None
        try:
            source = self.current.source(subject)
        except InvalidSchema:
            return None
        if source.text == latest.text and source.path == latest.path:
            return latest
        if type_for_path(source.path) is not type_for_path(latest.path):
            return None
        return latest if self._fingerprint_now(subject) == latest.fingerprint else None

    def _state_now(self, subject: str) -> HistoricVersion | None:
        """The version whose state the contract, written again with the content of its last commit,
        has with its references as they are now (None: a state no commit had, a new version)."""
        _, timeline = self._states(subject)
        _, written = self._written(subject)
        sequence, _, content = written[-1]
        now = self._state(subject, content, self._number_now)
        if now == self._state(subject, content, partial(self._state_at, sequence=sequence)):
            return timeline[-1][2]
        return self._seen.get(subject, {}).get(now)  # (a subject with one state per content: none)

    def _number_now(self, subject: str) -> int:
        """The number of the version the contract is now; a new one's is the next number."""
        now = self.version_now(subject)
        return now.number if now is not None else len(self.versions(subject)) + 1

    def _as_now(self, subject: str, version: HistoricVersion) -> ParsedSchema | None:
        """The schema `parse_current` made of the subject, when `version` is that contract as it is
        now (same path, same text) and so is every version it references at its commit, else None.

        Then the registered (lenient) parse of the version has the same input as the strict parse
        of the contract now: the same text, and references that are (by induction, the very same
        objects) the ones the strict parse used. A lenient parse of a text the strict parse accepts
        gives the same schema (each format's parse_registered only drops checks; tested in
        tests/unit/test_shared_unchanged.py), so the strict parse answers for both. On deep
        reference graphs this halves the parsing of a check: an edited contract's earlier version
        references what the tree holds now, unchanged. It parses nothing the plain path would not:
        the references it asks `parse_historic` for are the ones that path parses next (kept in
        `_historic`), and only a schema `parse_current` already made is handed out."""
        now = self._parsed.get(subject)
        if now is None or now.source.path != version.path:
            return None
        try:
            source = self.current.source(subject)
            if source.text != version.text:
                return None
            schema_type = type_for_path(version.path)
            if schema_type is not None and self._imports_tracked_include(schema_type, source):
                return None  # the vendored files it imports may differ: as committed, then compared
            dependencies = self.references_of(subject)  # the same text: the references it names
        except InvalidSchema:
            return None
        for dependency in dependencies:
            earlier = self._referenced_version(dependency, version)
            if earlier is None:
                return None  # it named another subject then: parse_historic lays the version out as committed
            if self.parse_historic(dependency, earlier) is not self._parsed.get(dependency):
                return None
        return now

    def historic_sources(self, subject: str, version: HistoricVersion) -> dict[str, SchemaText]:
        """The texts `parse_historic` parses together for this version, by subject: the version and
        its references as they were at its commit (or as they are now, for a reference without an
        earlier version), transitively. A format that compiles can compile them all in one run.

        Where one import path is reached with two texts (a reference's own references are those of
        its older commit), the one nearest the version wins, as a format that compiles picks the
        closure it compiles: level by level, each text's imports in its order. Walked in another
        order, the texts handed over were not those the check compiles, and each such version was
        compiled again alone, in the check's workers (two thirds of the Envoy API's compiler runs).
        """
        key = (subject, id(version))
        known = self._historic_closures.get(key)
        if known is not None and known[0] is version:
            return known[1]
        found: dict[str, SchemaText] = {}
        paths: set[str] = set()
        level: list[tuple[str, HistoricVersion | None]] = [(subject, version)]
        while level:
            below: list[tuple[str, HistoricVersion | None]] = []
            for name, at in level:
                node = self._node(name, at)
                if name in found or node is None or node[0].import_path in paths:
                    continue  # parsed (and reported) the careful way when the check gets to it
                found[name] = node[0]
                paths.add(node[0].import_path)
                below.extend(self._in_import_order(node))
            level = below
        self._historic_closures[key] = (version, found)
        return found

    def historic_groups(self, subject: str, version: HistoricVersion) -> list[dict[str, SchemaText]]:
        """The texts each parse of this version compiles together (keys only tell them apart): its
        `historic_sources`, or its files as its commit held them where `parse_historic` lays it out
        so; then the same of each version below it whose own parse compiles other texts (a
        reference is parsed first, with its own references as they were at its older commit). A
        format compiles them all in few runs, ahead of the checks."""
        committed = self._committed_group(subject, version)
        if committed is not None:
            return [committed]  # its references are parsed from its commit's files, not from history
        top = self.historic_sources(subject, version)
        groups = [top]
        below: list[tuple[str, HistoricVersion]] = []  # each version below, once, in walk order
        texts: dict[str, set[str]] = {}  # import path -> every text the walk reaches there
        own_text: dict[_Key, SchemaText] = {}  # each node walked: its text
        unwalked: list[_Key] = []  # laid out as committed: not walked below
        importers: dict[_Key, list[_Key]] = {}  # each node reached: the nodes that reference it
        seen: set[_Key] = {(subject, id(version))}
        pending: list[tuple[str, HistoricVersion | None]] = [(subject, version)]
        while pending:
            name, at = pending.pop()
            node = self._node(name, at)
            if node is None:
                continue
            key: _Key = (name, None if at is None else id(at))
            own_text[key] = node[0]
            texts.setdefault(node[0].import_path, set()).add(node[0].text)
            for name, at in node[1]:
                child: _Key = (name, None if at is None else id(at))
                importers.setdefault(child, []).append(key)
                if child in seen:
                    continue
                seen.add(child)
                if at is not None:
                    committed = self._committed_group(name, at)
                    if committed is not None:
                        groups.append(committed)
                        unwalked.append(child)
                        continue
                    below.append((name, at))
                pending.append((name, at))
        if all(len(held) == 1 for held in texts.values()):
            return groups  # one text per path: every closure below is part of the version's own
        # a version below compiles other texts than the top's only where its closure reaches a text the
        # top does not hold for that subject: only those (found walking back from such texts) are
        # worked out (each closure of a deep chain was a walk of the chain below it)
        differing = unwalked + [
            key
            for key, source in own_text.items()
            if (held := top.get(key[0])) is None or held.text != source.text
        ]
        reaching = reachable(differing, importers)
        for name, at in below:  # (as it is now, a reference's texts are the current tree's: compiled)
            if (name, id(at)) not in reaching:
                continue
            own = self.historic_sources(name, at)
            if any((held := top.get(other)) is None or held.text != text.text for other, text in own.items()):
                groups.append(own)
        return groups

    def _committed_group(self, name: str, at: HistoricVersion) -> dict[str, SchemaText] | None:
        """The version and the files its commit held that it imports, transitively, where
        `parse_historic` lays it out as committed before it tries the versions model: a reference
        without a version at its commit, or an import from an include folder git tracks."""
        node = self._node(name, at)
        if node is None or not node[1]:
            return None
        source = node[0]
        schema_type = type_for_path(at.path)
        assert schema_type is not None
        if all(version is not None for _, version in node[1]) and not self._imports_tracked_include(
            schema_type, source
        ):
            return None
        try:
            tree, referenced = self._committed_layout(at.commit, schema_type, source)
            texts, _ = committed_texts(source, tree, self.current.store.git.read_blobs, referenced)
        except (InvalidSchema, KeyError, OSError):
            return None  # parsed (and reported) the careful way when the check gets to it
        return {source.import_path: source, **texts}

    def _node(self, name: str, at: HistoricVersion | None) -> _Node | None:
        if at is None:
            return self._current_node(name)
        known = self._historic_nodes.get((name, id(at)))
        return known[1] if known is not None and known[0] is at else self._historic_node(name, at)

    def _in_import_order(self, node: _Node) -> list[tuple[str, HistoricVersion | None]]:
        """A text's references in the order it imports them (by path; others keep their order, after)."""
        references = list(node[1])
        if len(references) < 2 or not references_by_path(node[0].path):
            return references
        schema_type = type_for_path(node[0].path)
        assert schema_type is not None
        rank = {path: i for i, path in enumerate(imported_paths(schema_type, node[0]))}
        return sorted(references, key=lambda r: rank.get(self._import_path_of(*r) or "", len(rank)))

    def _import_path_of(self, name: str, at: HistoricVersion | None) -> str | None:
        node = self._node(name, at)
        return None if node is None else node[0].import_path

    def _current_node(self, name: str) -> _Node | None:
        """A contract as it is now, with its references as they are now (None: unreadable)."""
        if name in self._current_nodes:
            return self._current_nodes[name]
        node: _Node | None
        try:
            source = self.current.source(name)
        except InvalidSchema:
            node = None
        else:
            try:
                node = (source, tuple((r, None) for r in self.references_of(name)))
            except InvalidSchema:
                node = (source, ())
        self._current_nodes[name] = node
        return node

    def _historic_node(self, name: str, at: HistoricVersion) -> _Node:
        """A version's text, with its references' versions current at its commit (none when its
        references cannot be read); kept in `_historic_nodes`, which `historic_sources` reads first."""
        schema_type = type_for_path(at.path)
        assert schema_type is not None
        source = SchemaText(at.path, at.text, at.commit, self.current.root)
        try:
            references = self._references(schema_type, source, name, at.blob, at.sequence)
        except InvalidSchema:
            references = []
        node = (source, tuple((r, self._version_at(r, at.sequence)) for r in references))
        self._historic_nodes[name, id(at)] = (at, node)
        return node

    def _referenced_version(self, reference: str, version: HistoricVersion) -> HistoricVersion | None:
        """The version of `reference` that `version` is parsed with: the one current at its commit;
        for a version laid out at the end of the history (`parse_at_base`), that one laid out at the
        end too, so that every reference below stands for the base's tree, not for the versions its
        own commit referenced (a break two references below an untouched contract, let through at an
        earlier commit, was otherwise not the base's: istio/api's operator.proto)."""
        earlier = self._version_at(reference, version.sequence)
        if earlier is None or version.sequence != sys.maxsize:
            return earlier
        return replace(earlier, sequence=sys.maxsize, commit=version.commit)

    def _version_at(self, subject: str, sequence: int) -> HistoricVersion | None:
        """The subject's version current at the commit `sequence` numbers (None: it had none yet):
        the latest state at or before it, which a revert can make an earlier version. A binary
        search, not a scan per reference (a long history gives a subject hundreds of states)."""
        timeline = self._states(subject)[1]
        cached = self._sequences.get(subject)
        if cached is None or cached[0] is not timeline:
            cached = self._sequences[subject] = (timeline, [sequence for sequence, _, _ in timeline])
        index = bisect_right(cached[1], sequence)
        return timeline[index - 1][2] if index else None

    @staticmethod
    def _parse_alone(source: SchemaText, schema_type: SchemaType) -> ParsedSchema | None:
        return get_format(schema_type).parse_alone(source)

    def dependents_closure(self, subjects: Iterable[str] = (), names: Iterable[str] = ()) -> set[str]:
        """Subjects whose references reach any of `subjects`, directly or through other contracts
        (the ones a change of `subjects` affects), not counting `subjects` themselves.

        `names` (type full names, Protobuf import paths) start the walk too: a contract mentioning
        one among its references uses it even when no contract of the tree defines it any more (the
        users of a removed contract). Walks the references backwards; only contracts that may mention
        a wanted name are outlined (`ContractSet.subjects_mentioning`), each decided exactly by its
        references.
        """
        targets = set(subjects)
        found: set[str] = set()
        frontier = sorted(targets)
        gone = set(names)
        while frontier or gone:  # one level of the reverse graph at a time: one search per level
            wanted = set(gone)
            for subject in frontier:
                try:
                    wanted.update(self.current.outline(subject).defined_names)
                except InvalidSchema:
                    continue  # an unreadable contract defines nothing anyone can reference
            wanted.update(self._include_files_reaching(wanted))
            level = set(frontier)
            known = found | targets  # once per level, not once per candidate
            candidates = [c for c in self.current.subjects_mentioning(wanted) if c not in known]
            self.current.find_definitions(n for c in candidates for n in self._referenced_names(c))
            frontier = []
            for candidate in candidates:
                if not gone.intersection(self._referenced_names(candidate)):
                    try:
                        if not level.intersection(self.references_of(candidate)):
                            continue
                    except InvalidSchema:
                        continue
                found.add(candidate)
                frontier.append(candidate)
            gone = set()
        return found

    def _referenced_names(self, subject: str) -> tuple[str, ...]:
        try:
            return self.current.outline(subject).referenced_names
        except InvalidSchema:
            return ()

    def dependencies_closure(self, subject: str) -> set[str]:
        """Every subject `subject` references, directly or through others (itself only in a cycle).

        Closures are kept per subject: a reference whose closure is known adds it whole instead of
        walking it again (everything reachable from a subject of a closure is in that closure)."""
        known = self._closures.get(subject)
        if known is not None:
            return set(known)
        seen: set[str] = set()
        pending = [subject]
        while pending:
            for dependency in self.references_of(pending.pop()):
                if dependency not in seen:
                    seen.add(dependency)
                    below = self._closures.get(dependency)
                    if below is not None:
                        seen.update(below)
                    else:
                        pending.append(dependency)
        self._closures[subject] = frozenset(seen)
        return seen


_PATHSPEC_LIMIT = 8
# what `subject_history` works out of a content that names its subject (see `examine` there)
_Examined = tuple[NameCandidates | None, Outline | None, str | None] | None


def _cheap_pathspecs(mapper: SubjectMapper, wanted: set[str] | None) -> list[str] | None:
    """Pathspecs for the log of a few subjects, when git answers them faster than it lists the root.

    Git matches every spec against every path of every commit it walks. A few literal paths save a
    long history's listing of the root; a glob (a topic's `**/<topic>/value.*`) or many paths cost
    more than that listing (a glob twice the root's log on 3,300 commits; 32 literal paths as much),
    so the root is read then, and `first_parent_log` drops what cannot matter before parsing it.
    """
    if wanted is None or len(wanted) > _PATHSPEC_LIMIT:
        return None
    specs = mapper.history_pathspecs(wanted)
    if specs is None or len(specs) > _PATHSPEC_LIMIT or not all(s.startswith(":(literal)") for s in specs):
        return None
    return specs


T = TypeVar("T")


def _on_cores(job: Callable[[int], T], count: int, spread: bool) -> list[T]:
    """[job(0), ..., job(count - 1)], on every core when there are many (`run_measured`, or the
    configured worker count) and `spread` allows; never while another thread runs: fork keeps only
    this one (a text search's git reader may still be reading)."""
    alone = spread and threading.active_count() == 1
    workers = worker_count() if alone else 1
    if workers is None:
        return run_measured(job, count, usable_cores())
    return run_indexed(job, count, workers)


def _parse_strictly(
    source: SchemaText, schema_type: SchemaType, references: Sequence[ParsedSchema]
) -> ParsedSchema:
    """As a registry parses a new schema (`parse_registered`'s counterpart)."""
    return get_format(schema_type).parse(source, references)


def is_topic_subject(subject: str) -> bool:
    """A subject as TopicNameStrategy names it: `<topic>-key` or `<topic>-value`."""
    topic, _, role = subject.rpartition("-")
    return bool(topic) and role in ("key", "value")


def _require_record_type(subject: str, parsed: ParsedSchema) -> None:
    """A topic's key or value must have a record type; a schema without one is only a reference."""
    if is_topic_subject(subject) and not parsed.has_record_type:
        raise InvalidSchema(
            [
                Finding(
                    rule="NO_RECORD_TYPE",
                    message=f"the file defines no message, so it cannot be the key or value of a topic "
                    f"(subject {subject})",
                    kind=FindingKind.INVALID,
                    file=str(parsed.source.path),
                    line=1,
                    subject=subject,
                    hint="A topic's key or value needs a message (the first is the record type); keep a "
                    "file of enums, extensions or services only outside <topic>/key|value and import it.",
                )
            ]
        )


def subject_history(
    git: Git,
    base: str | None,
    mapper: SubjectMapper,
    store: BlobStore,
    wanted: set[str] | None,
    outlines: OutlineCache | None = None,
    ahead: LogAhead | None = None,
) -> VersionHistory:
    """Versions along `base`'s first-parent history of the wanted subjects (None: all of them).

    Blobs of other subjects are never read: a pre-commit check of one file stays cheap. With
    `outlines` (kept between runs), a file whose content decides its subject is read only when its
    cached outline names a wanted subject, and outlined once for the later runs otherwise.
    `ahead`: the root's log, started earlier; taken unless a few paths are asked of git instead.

    A history of some subjects reads other subjects' when asked for them (`VersionHistory.read`,
    `VersionHistory.holders`: an earlier version importing a file deleted before the base), from
    the same log, as the whole history has them.
    """
    reader = _HistoryReader(git, base, mapper, store, outlines)
    if base is None:
        return VersionHistory({}, reader.fingerprint)
    sightings = reader.read(wanted, ahead)
    return VersionHistory(
        sightings,
        reader.fingerprint_once,
        lambda blob: sidecar_key(store.get(blob)),
        reader if wanted is not None else None,
        wanted or (),
        reader.earlier,
    )


class _HistoryReader:
    """Reads the sightings of subjects along `base`'s first-parent log (see `subject_history`), in
    one pass per set of subjects: what a pass learns that does not depend on the subjects it wants
    (what a path is, what a content names, the root's log itself) serves the next pass."""

    def __init__(
        self,
        git: Git,
        base: str | None,
        mapper: SubjectMapper,
        store: BlobStore,
        outlines: OutlineCache | None,
    ) -> None:
        self.git, self.base, self.mapper, self.store, self.outlines = git, base, mapper, store, outlines
        self.prefix = mapper.root_prefix
        # folders the root's files lay in before (contracts.history_roots), read as the root
        self.earlier = history_prefixes(mapper.config, git, self.prefix)
        self._places: dict[PurePosixPath, tuple[SchemaType, str | None] | None] = {}
        self._namings: dict[PurePosixPath, tuple[str, str | None]] = {}
        # the path objects of the log, one per path text: `place` and the other per-path tables find
        # them by identity (a path made twice is compared part by part at every lookup)
        self._interned: dict[str, PurePosixPath] = {}
        # what `examine` found of each content it examined (not of those it was spared)
        self._examined: dict[tuple[PurePosixPath, str], _Examined] = {}
        # fingerprints worked out with the outlines (on the workers, the tokens were at hand there):
        # taken once by the history, which tells the versions apart
        self._printed: dict[tuple[PurePosixPath, str], str] = {}
        self._root_log: bytes | None = None  # the root's log as git wrote it, once read
        # the root's log with every change of a contract or sidecar, once parsed (`every_change`);
        # the blobs written at each contract path, and the subject each content names (`subjects_at`)
        self._every: list[Commit] | None = None
        # of `every_change`: each content whose content names its subject, and the paths that name
        # theirs by subject (see `_content_pairs`)
        self._pairs: dict[tuple[PurePosixPath, str], SchemaType] | None = None
        self._by_path_name: dict[str, set[PurePosixPath]] = {}
        # what the passes so far tell of each such content (see `_facts`)
        self._by_content_name: dict[str, set[PurePosixPath]] = {}
        self._changes_at: dict[PurePosixPath, list[tuple[int, int]]] | None = None  # see `_narrowed`
        self._undecided: dict[tuple[PurePosixPath, str], NameCandidates | None] | None = None
        self._blobs_at: dict[PurePosixPath, dict[str, None]] | None = None
        self._named: dict[tuple[PurePosixPath, str], str | None] = {}
        # commit -> its place in the first-parent history, for a history of some subjects (see `read`)
        self._numbers: dict[str, int] | None = None

    def fingerprint(self, path: PurePosixPath, text: str) -> str:
        schema_type = type_for_path(path)
        assert schema_type is not None  # only contract paths are located
        return get_format(schema_type).fingerprint(SchemaText(path, text, root=self.prefix))

    def fingerprint_once(self, path: PurePosixPath, text: str) -> str:
        found = self._printed.pop((path, text), None)
        return found if found is not None else self.fingerprint(path, text)

    def place(self, path: PurePosixPath) -> tuple[SchemaType, str | None] | None:
        """(format, subject if the path alone decides it) of a contract under the root, else None;
        once per distinct path, not once per commit that touched it."""
        places = self._places
        if path not in places:
            schema_type = type_for_path(path)
            in_root = schema_type is not None and self.mapper.in_root(path)
            places[path] = (
                (schema_type, self.mapper.subject_from_path(path)) if schema_type and in_root else None
            )
        return places[path]

    def naming(self, path: PurePosixPath) -> tuple[str, str | None]:
        """(the subject a type named NUL gives at this path, with NUL where the name goes; the
        subject of a content naming no type there, or None): per path, not per content."""
        if path not in self._namings:
            mapper = self.mapper
            template = mapper.subject_for(path, lambda: Outline((), (), "\0", "\0"))
            try:
                unnamed: str | None = mapper.subject_for(path, lambda: Outline((), (), None, None))
            except InvalidSchema:
                unnamed = None
            self._namings[path] = (template, unnamed)
        return self._namings[path]

    def interned(self, text: str) -> PurePosixPath:
        path = self._interned.get(text)
        if path is None:
            path = self._interned[text] = PurePosixPath(text)
        return path

    def sightings(self, subjects: set[str]) -> dict[str, list[Sighting]]:
        """Every sighting of these subjects: a later pass, of a few subjects, in this process, over
        the root's log already read, or over a log of a few paths (subjects their paths name, when
        the root's log was not read: a vendored file an earlier version imports is one)."""
        if self._every is None and self._root_log is None and _cheap_pathspecs(self.mapper, subjects):
            return self.read(subjects, spread=False)
        return self.read(subjects, spread=False, commits=self.every_change())

    def every_change(self) -> list[Commit]:
        """The root's log with every change of a contract or sidecar (links followed), parsed once:
        the first pass's when it left none out."""
        if self._every is None:

            def contract_or_sidecar(text: str) -> bool:
                return text.endswith(SIDECAR_SUFFIX) or self.place(self.interned(text)) is not None

            commits = parse_log(self._whole_log(None), contract_or_sidecar, self._interned)
            self._every = follow_links(self.git, self._base(), commits, self.store, self._followed)
        return self._every

    def subjects_at(self, import_paths: set[str]) -> dict[str, set[str]]:
        """For each import path: the subjects of the contents the log wrote at the file it names
        (a file named by its path: the path's subject, whose history says whether it lay there)."""
        found: dict[str, set[str]] = {}
        content_named: dict[str, PurePosixPath] = {}
        for import_path in import_paths:
            path = self.interned(f"{self.prefix}/{import_path}" if self.prefix else import_path)
            placed = self.place(path)
            if placed is not None and placed[1] is None:
                content_named[import_path] = path
            found[import_path] = set() if placed is None or placed[1] is None else {placed[1]}
        if content_named:
            written = [(path, blob) for path in content_named.values() for blob in self._written_at(path)]
            self.store.prefetch(blob for path, blob in written if (path, blob) not in self._named)
            for import_path, path in content_named.items():
                named = (self._subject_named(path, blob) for blob in self._written_at(path))
                found[import_path].update(subject for subject in named if subject is not None)
        return found

    def _content_pairs(self) -> dict[tuple[PurePosixPath, str], SchemaType]:
        """Every (path, blob) the log wrote whose content names its subject, once, with its format."""
        if self._pairs is None:
            self._pairs = {}
            for commit in self.every_change():
                for change in commit.changes:
                    path, blob = change.new_path, change.new_blob
                    if path is not None and blob is not None and (placed := self.place(path)) is not None:
                        if placed[1] is None:
                            self._pairs[path, blob] = placed[0]
                        else:
                            self._by_path_name.setdefault(placed[1], set()).add(path)
        return self._pairs

    def _path_named(self) -> dict[str, set[PurePosixPath]]:
        """Subject -> the paths of the log that name it by themselves."""
        self._content_pairs()
        return self._by_path_name

    def _may_hold(
        self,
        wanted: set[str],
        may_be_named: Callable[[PurePosixPath, NameCandidates], bool],
        may_name_wanted: Callable[[str], bool],
    ) -> set[PurePosixPath]:
        """The paths where a content may name a wanted subject, as far as the passes so far tell
        (a superset: the pass reading them decides): those whose path names one, those with a
        content known to name one, those with a content whose name candidates may, or that spells a
        wanted name (`may_name_wanted`) when nothing is known of it."""
        named, undecided = self._facts()
        holding = {path for subject in wanted for path in self._path_named().get(subject, ())}
        holding.update(path for subject in wanted for path in named.get(subject, ()))
        unknown = [blob for (_, blob), names in undecided.items() if names is None]
        self.store.prefetch(unknown)  # read once: contents no pass had to read yet
        for (path, blob), names in undecided.items():
            if path in holding:
                continue
            if names is None:
                if may_name_wanted(blob):
                    holding.add(path)
            elif may_be_named(path, names):
                holding.add(path)
        return holding

    def _narrowed(self, holding: set[PurePosixPath]) -> list[Commit]:
        """The changes of `every_change` at these paths and at their sidecars, as commits: what a
        later pass of a few subjects reads of a log of thousands of paths (its commits are numbered
        already: the others need not be kept)."""
        if self._changes_at is None:
            self._changes_at = {}
            for number, commit in enumerate(self.every_change()):
                for place, change in enumerate(commit.changes):
                    for path in {change.old_path, change.new_path} - {None}:
                        assert path is not None
                        self._changes_at.setdefault(path, []).append((number, place))
        keep = holding | {sidecar_path(path) for path in holding}
        by_commit: dict[int, list[int]] = {}
        for number, place in sorted({at for path in keep for at in self._changes_at.get(path, ())}):
            by_commit.setdefault(number, []).append(place)
        every = self.every_change()
        return [
            Commit(every[number].sha, tuple(every[number].changes[place] for place in places))
            for number, places in by_commit.items()
        ]

    def _facts(
        self,
    ) -> tuple[
        dict[str, set[PurePosixPath]],
        dict[tuple[PurePosixPath, str], NameCandidates | None],
    ]:
        """Of each content whose content names its subject: the subject it names, as subject ->
        paths; or, not known yet, its name candidates (None: not known either). Worked out once
        from what the first pass and the outline cache know, then kept up to date (`_learn`)."""
        if self._undecided is None:
            self._undecided = {}
            outlines = self.outlines
            for key, _ in self._content_pairs().items():
                path, blob = key
                subject: str | None = None
                if outlines is not None and outlines.get(blob, path) is not None:
                    subject = self._subject_named(path, blob)
                elif key in self._examined:
                    found = self._examined[key]
                    if found is None:
                        continue  # it does not read: it names nothing
                    if found[1] is None:
                        self._undecided[key] = found[0]
                        continue
                    subject = self._subject_named(path, blob)
                else:
                    names = outlines.candidates(blob, path) if outlines is not None else None
                    self._undecided[key] = names
                    continue
                if subject is not None:
                    self._by_content_name.setdefault(subject, set()).add(path)
        return self._by_content_name, self._undecided

    def _learn(self, examined: Mapping[tuple[PurePosixPath, str], _Examined]) -> None:
        """What a later pass examined: the contents whose outline it worked out are decided."""
        if self._undecided is None:
            return
        for key, found in examined.items():
            if found is not None and found[1] is not None and key in self._undecided:
                del self._undecided[key]
                subject = self._subject_named(*key)
                if subject is not None:
                    self._by_content_name.setdefault(subject, set()).add(key[0])

    def _written_at(self, path: PurePosixPath) -> Iterable[str]:
        """The blobs the log wrote at a contract's path."""
        if self._blobs_at is None:
            self._blobs_at = {}
            for commit in self.every_change():
                for change in commit.changes:
                    if change.new_path is not None and change.new_blob is not None:
                        self._blobs_at.setdefault(change.new_path, {})[change.new_blob] = None
        return self._blobs_at.get(path, {})

    def _subject_named(self, path: PurePosixPath, blob: str) -> str | None:
        """The subject this content names at this path, wanted or not (None: it does not read), as
        a pass over the whole history locates it."""
        key = (path, blob)
        if key not in self._named:
            placed = self.place(path)
            assert placed is not None
            known = self.outlines.get(blob, path) if self.outlines is not None else None
            examined = self._examined.get(key)
            if known is None and examined is not None:
                known = examined[1]
            try:
                if known is None:
                    known = outline_of(placed[0], path, decode(path, self.store.get(blob)), self.prefix)
                    if self.outlines is not None:
                        self.outlines.put(blob, path, known)
                outline = known
                self._named[key] = self.mapper.subject_for(path, lambda: outline)
            except InvalidSchema:
                self._named[key] = None
        return self._named[key]

    def _base(self) -> str:
        assert self.base is not None
        return self.base

    def _followed(self, path: PurePosixPath) -> bool:
        return self.place(path) is not None or path.name.endswith(SIDECAR_SUFFIX)

    def _whole_log(self, ahead: LogAhead | None) -> bytes:
        """The root's log, read once (from `ahead` when it reads that) and kept for later passes."""
        if self._root_log is None:
            if ahead is not None and (ahead.ref, ahead.prefix, ahead.earlier) == (
                self.base,
                self.prefix,
                self.earlier,
            ):
                self._root_log = ahead.output()
            else:
                if ahead is not None:
                    ahead.cancel()
                self._root_log = log_output(self.git, self._base(), self.prefix, None, self.earlier)
        elif ahead is not None:
            ahead.cancel()
        return self._root_log

    def read(
        self,
        wanted: set[str] | None,
        ahead: LogAhead | None = None,
        spread: bool = True,
        commits: list[Commit] | None = None,
    ) -> dict[str, list[Sighting]]:
        """The sightings of the wanted subjects (None: of every subject); `spread`: contents to
        examine may go to worker processes when there are many. `commits`: a later pass, over this
        log (`every_change`), narrowed to the paths that may hold a wanted subject."""
        later = commits is not None
        git, base, mapper, store, outlines, prefix = (
            self.git, self._base(), self.mapper, self.store, self.outlines, self.prefix
        )  # fmt: skip
        place, naming, interned = self.place, self.naming, self._interned

        # `may_name_wanted`'s test (below) for thousands of wanted subjects (a change to a public API
        # tree wants 4,900): the names a content can take its subject from (`name_candidates`, three
        # literal searches), made subjects as this path makes them, against the wanted ones; kept in
        # the outline cache for later runs.
        completions: dict[str, SubjectCompletions | None] = {}

        def completing(template: str) -> SubjectCompletions | None:
            """The full names that make this template (see `naming`) a wanted subject: per template,
            not per content (a long history asks it of 50,000 contents' forty names each)."""
            if template not in completions:
                completions[template] = SubjectCompletions.of(template, wanted or set())
            return completions[template]

        endings: dict[str, frozenset[str] | None] = {}

        def may_spell(path: PurePosixPath, candidates: NameCandidates) -> bool:
            """A cheap superset of `may_be_named`, for a later pass (a few subjects): a name a content
            can take its subject from ends one of the full names that make it wanted (or a content
            naming no type takes a wanted subject at this path)."""
            template, unnamed = naming(path)
            if unnamed in (wanted or ()):
                return True
            if template not in endings:
                complete = completing(template)
                endings[template] = (
                    None
                    if complete is None
                    else frozenset(full[start:] for full in complete.fulls for start in range(len(full)))
                )
            ends = endings[template]
            return ends is None or not ends.isdisjoint(candidates.names)

        def may_be_named(path: PurePosixPath, candidates: NameCandidates) -> bool:
            """Whether a content of these name candidates at this path can name a wanted subject."""
            template, unnamed = naming(path)
            if unnamed in (wanted or ()):
                return True
            if later and not may_spell(path, candidates):
                return False
            complete = completing(template)
            if complete is None:
                return any(template.replace("\0", name) in (wanted or ()) for name in candidates.full_names())
            return complete.any_of(candidates)

        def ruled_out(path: PurePosixPath, blob: str) -> bool | None:
            """Whether the name candidates kept for this content rule out every wanted subject
            (None: none kept)."""
            assert outlines is not None
            names = outlines.candidates(blob, path)
            return None if names is None else not may_be_named(path, names)

        cached: dict[tuple[PurePosixPath, str], str | None] = {}

        def cached_subject(path: PurePosixPath, blob: str) -> tuple[bool, str | None]:
            """(whether the outline of this content-decided file is cached, the subject it names); a
            content whose kept name candidates rule out every wanted subject counts as cached,
            naming none."""
            if outlines is None or wanted is None:
                return False, None
            if (path, blob) not in cached:
                entry = outlines.get(blob, path)
                if entry is None:
                    if not ruled_out(path, blob):
                        return False, None
                    cached[path, blob] = None  # asked again for each commit that has it
                else:
                    try:
                        cached[path, blob] = mapper.subject_for(path, lambda: entry)
                    except InvalidSchema:
                        cached[path, blob] = None
            return True, cached[path, blob]

        def unwanted(path: PurePosixPath, blob: str) -> bool:
            hit, subject = cached_subject(path, blob)
            return hit and subject not in (wanted or ())

        dropped = False  # whether the log below leaves out a path for its subject (not wanted)

        def may_matter(text: str) -> bool:
            """Whether a path the log names can be a version of a wanted subject (or its sidecar);
            asked of every path of a long log, so a path whose name alone rules it out makes no path
            object."""
            nonlocal dropped
            if text.endswith(SIDECAR_SUFFIX):
                return True
            if wanted is not None:
                named = mapper.subject_from_path(text)
                if named is not None and named not in wanted:
                    dropped = True
                    return False
            path = interned.get(text)
            if path is None:
                path = interned[text] = PurePosixPath(text)
            placed = place(path)
            if (
                placed is not None
                and wanted is not None
                and placed[1] is not None
                and placed[1] not in wanted
            ):
                dropped = True
                return False
            return placed is not None

        # A content can name a wanted subject only if it spells the subject's last name part (or
        # hides it in a JSON escape): the others are skipped unread by the outline (a check of a
        # change wants a few subjects; a long history holds thousands of shared-type versions).
        needles = {re.split(r"[.-]", s)[-1].encode() for s in wanted} if wanted is not None else set()

        def may_name_wanted(blob: str) -> bool:
            data = store.get(blob)
            return b"\\u" in data or any(needle in data for needle in needles)

        specs = None if later else _cheap_pathspecs(mapper, wanted)
        # A history of some subjects numbers commits by their place in the whole first-parent history,
        # not in this log: a later pass reads another log (other paths), and its sightings must fall
        # in the same order. The root's log of the whole repository lists every commit; others ask git
        # for the list (meanwhile).
        numbering = None
        if wanted is not None and self._numbers is None and (specs is not None or prefix):
            numbering = Background(lambda: first_parent_numbers(git, base))
        if commits is not None:
            pass  # a later pass: its commits are numbered already
        elif specs is None and wanted is not None:
            # kept: a later pass (a file an earlier version imports, deleted since) parses it again
            commits = parse_log(self._whole_log(ahead), may_matter, interned)
        elif (
            ahead is not None
            and specs is None
            and (ahead.ref, ahead.prefix, ahead.earlier)
            == (
                base,
                prefix,
                self.earlier,
            )
        ):
            commits = ahead.commits(may_matter, interned)
        else:
            if ahead is not None:
                ahead.cancel()
            commits = first_parent_log(git, base, prefix, specs, may_matter, interned, self.earlier)
        if wanted is not None and self._numbers is None:
            numbers = numbering.result() if numbering is not None else None
            self._numbers = numbers if numbers is not None else {c.sha: n for n, c in enumerate(commits)}

        if not later:
            commits = follow_links(git, base, commits, store, self._followed)
            if specs is None and not dropped and self._every is None:
                self._every = commits  # the root's log, nothing left out
        else:  # a later pass reads only the paths that may hold a wanted subject, and their sidecars
            assert wanted is not None
            commits = self._narrowed(self._may_hold(wanted, may_be_named, may_name_wanted))
        # content decides the subject of some files; of the others, only wanted subjects are read
        readable = None if wanted is None else wanted | {None}
        store.prefetch(
            change.new_blob
            for commit in commits
            for change in commit.changes
            if change.new_path is not None
            and change.new_blob is not None
            and (placed := place(change.new_path)) is not None
            and (readable is None or placed[1] in readable)
            and not (placed[1] is None and unwanted(change.new_path, change.new_blob))
        )

        def examine(path: PurePosixPath, blob: str, schema_type: SchemaType) -> _Examined:
            """What `locate` needs of a content whose content names its subject: None when it cannot
            be read (a broken old commit must not block today's check), else (its name candidates
            when they rule out every wanted subject, else None; its outline when they do not, else
            None; its fingerprint when the outline names a wanted subject, which the history will
            tell apart from the subject's other versions). A function of the content and its path
            alone: worker processes may work it out."""
            try:
                text = decode(path, store.get(blob))
                names = get_format(schema_type).name_candidates(text)
                if names is not None and not may_be_named(path, names):
                    return names, None, None
                read = outline_of(schema_type, path, text, prefix)
            except InvalidSchema:
                return None
            try:
                named = mapper.subject_for(path, lambda: read)
            except InvalidSchema:
                return None, read, None
            return None, read, self.fingerprint(path, text) if named in (wanted or ()) else None

        def known(key: tuple[PurePosixPath, str]) -> bool:
            """Whether an earlier pass examined this content to an answer these subjects can use:
            not when it ruled the content out by name candidates that may name one of them."""
            if key not in self._examined:
                return False
            found = self._examined[key]
            return found is None or found[0] is None or not may_be_named(key[0], found[0])

        # Those contents, examined ahead on every core when there are many: a change to a public API
        # tree has 51,000 of them (10 s in one process: decoding, candidates, 9,000 outlines).
        examined: dict[tuple[PurePosixPath, str], _Examined] = {}
        printed_ahead = self._printed
        if wanted is not None:
            pending: dict[tuple[PurePosixPath, str], SchemaType] = {}
            for commit in commits:
                for change in commit.changes:
                    path, blob = change.new_path, change.new_blob
                    if path is None or blob is None or (key := (path, blob)) in pending or key in examined:
                        continue
                    placed = place(path)
                    if placed is None or placed[1] is not None or cached_subject(path, blob)[0]:
                        continue
                    if later and known(key):  # (an earlier pass: none in the first)
                        examined[key] = self._examined[key]
                    elif outlines is not None or may_name_wanted(blob):
                        pending[key] = placed[0]
                    else:
                        examined[key] = None  # cannot spell a wanted subject: nothing to read
            todo = list(pending.items())

            def examine_one(index: int) -> _Examined:
                (path, blob), schema_type = todo[index]
                return examine(path, blob, schema_type)

            results = _on_cores(examine_one, len(todo), spread)
            for (key, _), result in zip(todo, results, strict=True):
                examined[key] = self._examined[key] = result

        if later:
            self._learn(examined)

        def locate(path: PurePosixPath, blob: str) -> tuple[str, str] | None:
            placed = place(path)
            if placed is None:
                return None
            schema_type, subject = placed
            if subject is not None and wanted is not None and subject not in wanted:
                return None
            if subject is None and wanted is not None:
                hit, subject = cached_subject(path, blob)
                if hit and subject not in wanted:
                    return None
                if not hit:
                    # examined ahead, every pair the log names (here only if that ever misses one)
                    found = (
                        examined[path, blob] if (path, blob) in examined else examine(path, blob, schema_type)
                    )
                    if found is None:
                        return None
                    names, read, printed = found
                    if read is None:
                        if outlines is not None and names is not None:
                            outlines.put_candidates(blob, path, names)  # a later run rules it out unread
                        return None
                    if outlines is not None:
                        outlines.put(blob, path, read)
                    try:
                        subject = mapper.subject_for(path, lambda: read)
                        if subject not in wanted:
                            return None
                        text = decode(path, store.get(blob))
                    except InvalidSchema:
                        return None
                    if printed is not None:
                        printed_ahead[path, text] = printed
                    return subject, text

            def outline() -> Outline:
                found = outline_of(schema_type, path, text, prefix)
                if outlines is not None:
                    outlines.put(blob, path, found)
                return found

            try:
                text = decode(path, store.get(blob))
                subject = subject or mapper.subject_for(path, outline)
            except InvalidSchema:
                return None  # a broken old commit must not block today's check
            if wanted is not None and subject not in wanted:
                return None
            return subject, text

        sightings = sightings_by_subject(commits, locate, self._numbers)
        store.prefetch(s.sidecar for found in sightings.values() for s in found if s.sidecar is not None)
        if spread:
            self._print_ahead(sightings)
        return sightings

    def _print_ahead(self, sightings: Mapping[str, list[Sighting]]) -> None:
        """The fingerprints the history will tell the sightings apart by, worked out now on every
        core when they are many: those of contents `examine` did not read (their outlines came from
        the cache kept between runs, or the whole history is read) were all worked out later on this
        process alone, so that a check whose cache answered took as long as one that read everything
        (the Envoy API: a warm check 11.8 s, a cold one 10.7 s)."""
        todo = list(
            dict.fromkeys(
                (s.path, s.text)
                for found in sightings.values()
                for s in found
                if (s.path, s.text) not in self._printed
            )
        )
        if todo:
            printed = _on_cores(lambda index: self.fingerprint(*todo[index]), len(todo), spread=True)
            self._printed.update(zip(todo, printed, strict=True))


def sidecar_key(data: bytes) -> str:
    """What tells two sidecars apart as a registry would: their YAML content, not its layout or
    comments (a reformatted sidecar registers nothing new). Read as events, never expanded, so an
    alias bomb in an old commit costs nothing; unreadable YAML is told apart by its bytes."""
    import hashlib

    import yaml

    digest = hashlib.sha256()
    try:
        for event in yaml.parse(data.decode("utf-8", "replace"), Loader=yaml.SafeLoader):
            fields = (type(event).__name__, getattr(event, "anchor", None), getattr(event, "value", None))
            digest.update(repr(fields).encode())
    except yaml.YAMLError:
        return "bytes:" + hashlib.sha256(data).hexdigest()
    return digest.hexdigest()


@dataclass(frozen=True)
class SubjectCompletions:
    """For a subject template at a path (the subject with NUL where the content's type name goes):
    the full names that make it a wanted subject (`fulls`), and those split at each place a scope
    can end (the start, and after each character not part of a word: a scope ends with its
    separator) into scope -> the rest (`by_scope`)."""

    fulls: frozenset[str]
    by_scope: dict[str, frozenset[str]]

    @classmethod
    def of(cls, template: str, wanted: set[str]) -> SubjectCompletions | None:
        """None when the template has not exactly one place for the name."""
        before, marker, after = template.partition("\0")
        if not marker or "\0" in after:
            return None
        fulls = frozenset(
            subject[len(before) : len(subject) - len(after)]
            for subject in wanted
            if len(subject) >= len(before) + len(after)
            and subject.startswith(before)
            and subject.endswith(after)
        )
        by_scope: dict[str, set[str]] = {}
        for full in fulls:
            for end in range(len(full) + 1):
                if end == 0 or not is_word_character(full[end - 1]):
                    by_scope.setdefault(full[:end], set()).add(full[end:])
        return cls(fulls, {scope: frozenset(rest) for scope, rest in by_scope.items()})

    def any_of(self, candidates: NameCandidates) -> bool:
        """Whether one of the candidates' full names is one of these."""
        for scope in candidates.scopes:
            if scope and is_word_character(scope[-1]):  # not a place the split knows
                if any(scope + name in self.fulls for name in candidates.names):
                    return True
            elif not self.by_scope.get(scope, frozenset()).isdisjoint(candidates.names):
                return True
        return False


def import_missing_finding(version: HistoricVersion, missing: str, path: str, subject: str) -> Finding:
    """An earlier version that does not compile here only because its build fetched an import (no
    file of its commit held it): it compiled there and a registry may hold it, so neither a check
    (istio/api's mcp files, importing gogo.proto, were compared with nothing) nor publish (which
    would number the versions after it unlike git) passes it over. Exit 3."""
    schema_type = type_for_path(version.path)
    assert schema_type is not None  # a contract's version: `_external_import` found its format's setting
    schema_format = get_format(schema_type)
    setting = str(schema_format.include_setting)
    absent = absent_folders(schema_format.include_folders)
    hint = (
        absent_folders_hint(setting, absent)
        if absent
        else f"Put a copy of {missing} in a folder listed under {setting} (vendored imports), so that "
        "earlier versions compile as they did where they were built."
    )
    return Finding(
        rule="HISTORY_IMPORT_MISSING",
        message=f"version {version.number} ({version.commit[:7]}) at {version.path} imports {missing}, "
        "which no file of its commit holds (its build fetched it): that version cannot be compiled "
        "here, and a registry may hold it",
        kind=FindingKind.ENVIRONMENT,
        severity=Severity.ERROR,
        file=path,
        subject=subject,
        hint=hint,
    )
