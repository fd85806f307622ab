"""Contracts in a tree (working tree, index or commit): which files, which subject, which references."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TypeVar

from contractctl.config import Config, SubjectRule
from contractctl.formats import get_format, type_for_path
from contractctl.formats.base import InvalidSchema, Outline
from contractctl.globs import glob_regex
from contractctl.history import BlobStore
from contractctl.model import CompatibilityLevel, Finding, FindingKind, SchemaText, SchemaType

T = TypeVar("T")

KEY_VALUE_STEMS = {"key": "key", "value": "value"}


@dataclass(frozen=True)
class ContractFile:
    """A contract in one tree (working tree, index or commit) and what it maps to.

    The content is not held here: `ContractSet.source` reads it on demand from the blob store.
    """

    path: PurePosixPath
    key: str  # blob id, or worktree:<path>
    schema_type: SchemaType
    subject: str
    compatibility: CompatibilityLevel


class SubjectMapper:
    """Applies the subject strategy and the config's overrides to a contract path.

    TopicNameStrategy by path convention: `<root>/**/<topic>/value.avsc` is `<topic>-value` and
    `key.avsc` is `<topic>-key`. Other files hold shared types used by reference: their subject is the
    full name of their top-level type, as RecordNameStrategy would name it.
    """

    def __init__(self, config: Config, root_prefix: str) -> None:
        self.config = config
        self.root_prefix = root_prefix  # repository-relative contracts root, "" for the top
        self._rules = [(rule, glob_regex(rule.match)) for rule in config.subject_rules if rule.is_path_glob]
        self._by_subject = {rule.match: rule for rule in config.subject_rules if not rule.is_path_glob}
        self._from_path: dict[PurePosixPath, str | None] = {}

    def in_root(self, path: PurePosixPath) -> bool:
        return not self.root_prefix or str(path).startswith(self.root_prefix + "/")

    def _matching_rules(self, path: PurePosixPath) -> list[SubjectRule]:
        return [rule for rule, pattern in self._rules if pattern.fullmatch(str(path))]

    def _strategy(self, rules: list[SubjectRule]) -> str:
        strategy = next((r.subject_strategy for r in reversed(rules) if r.subject_strategy), None)
        return strategy or self.config.subject_strategy

    def subject_from_path(self, path: PurePosixPath) -> str | None:
        """The subject when the path alone decides it (explicit or topic convention), else None."""
        if path not in self._from_path:
            self._from_path[path] = self._subject_from_path(path)
        return self._from_path[path]

    def _subject_from_path(self, path: PurePosixPath) -> str | None:
        rules = self._matching_rules(path)
        explicit = next((r.subject for r in reversed(rules) if r.subject), None)
        if explicit:
            return explicit
        role = KEY_VALUE_STEMS.get(path.stem.lower())
        if self._strategy(rules) == "topic" and role and str(path.parent) != (self.root_prefix or "."):
            return f"{path.parent.name}-{role}"
        return None

    def history_pathspecs(self, subjects: Iterable[str]) -> list[str] | None:
        """Git pathspecs covering every file that can map to these subjects, or None when only content
        can tell (record-name subjects, per-path strategies): then the whole root must be read."""
        if any(rule.subject_strategy for rule, _ in self._rules) or self.config.subject_strategy != "topic":
            return None
        root = f"{self.root_prefix}/" if self.root_prefix else ""
        specs: list[str] = []
        for subject in sorted(subjects):
            explicit = [rule.match for rule, _ in self._rules if rule.subject == subject]
            specs.extend(f":(glob){pattern}" for pattern in explicit)
            topic, _, role = subject.rpartition("-")
            if role in KEY_VALUE_STEMS and topic and not any(c in topic for c in "*?[]:"):
                specs.append(f":(glob){root}**/{topic}/{role}.*")
            elif not explicit:
                return None
        return specs

    def subject_for(self, path: PurePosixPath, outline: Callable[[], Outline]) -> str:
        from_path = self.subject_from_path(path)
        if from_path is not None:
            return from_path
        strategy = self._strategy(self._matching_rules(path))
        role = KEY_VALUE_STEMS.get(path.stem.lower())
        topic = path.parent.name
        name = outline().primary_name
        if not name:
            raise InvalidSchema(
                [
                    Finding(
                        rule="SUBJECT_UNDETERMINED",
                        message="cannot name a subject: the file is not <topic>/key or <topic>/value and "
                        "its schema has no named top-level type",
                        kind=FindingKind.INVALID,
                        file=str(path),
                        hint="Rename the file to key/value under its topic folder, or set `subject` for it "
                        "in contractctl.yaml.",
                    )
                ]
            )
        if strategy == "topic_record" and role and topic:
            return f"{topic}-{name}"
        return name

    def _overridden(
        self, path: PurePosixPath, subject: str, default: T, pick: Callable[[SubjectRule], T | None]
    ) -> T:
        """A per-subject setting: the default, then each matching path rule in order, then the
        subject's own rule; a rule that leaves the setting unset changes nothing."""
        value = default
        for rule in [*self._matching_rules(path), self._by_subject.get(subject)]:
            if rule is not None:
                value = pick(rule) or value
        return value

    def group_property_for(self, path: PurePosixPath, subject: str) -> str | None:
        """The metadata property naming the subject's compatibility group (Confluent's
        compatibilityGroup), if configured."""
        return self._overridden(
            path, subject, self.config.compatibility_group, lambda rule: rule.compatibility_group
        )

    def level_for(self, path: PurePosixPath, subject: str) -> CompatibilityLevel:
        return self._overridden(path, subject, self.config.compatibility, lambda rule: rule.compatibility)


@lru_cache(maxsize=65536)
def outline_of(schema_type: SchemaType, path: PurePosixPath, text: str, root: str = "") -> Outline:
    """Cached: the same blob is outlined once even when it appears in many commits."""
    return get_format(schema_type).outline(SchemaText(path, text, root=root))


def decode(path: PurePosixPath, data: bytes) -> str:
    """Contract bytes -> text; non-UTF-8 and empty files are invalid input."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidSchema(
            [
                Finding(
                    rule="NOT_UTF8",
                    message=f"file is not valid UTF-8 (byte 0x{data[error.start]:02x} "
                    f"at offset {error.start})",
                    kind=FindingKind.INVALID,
                    file=str(path),
                    line=line,
                    hint="Save the contract as UTF-8.",
                )
            ]
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InvalidSchema(
            [
                Finding(
                    rule="EMPTY_FILE",
                    message="file is empty",
                    kind=FindingKind.INVALID,
                    file=str(path),
                    line=1,
                    hint="Write a schema into it or delete it.",
                )
            ]
        )
    return text


class ContractSet:
    """All contracts of one tree by subject; contents are decoded and outlined only when asked for."""

    def __init__(self, store: BlobStore, root: str, origin: str) -> None:
        self.store = store
        self.root = root
        self.origin = origin
        self.contracts: dict[str, ContractFile] = {}
        self.invalid: dict[str, list[Finding]] = {}  # path -> findings for files that cannot be used
        self._defining: dict[str, str] | None = None
        self._sources: dict[str, SchemaText] = {}

    def source(self, subject: str) -> SchemaText:
        """The contract's text; InvalidSchema for an empty or non-UTF-8 file.

        Decoded once: a check asks for it to outline, fingerprint, compare and parse the contract."""
        known = self._sources.get(subject)
        if known is not None:
            return known
        contract = self.contracts[subject]
        text = decode(contract.path, self.store.get(contract.key))
        source = self._sources[subject] = SchemaText(contract.path, text, self.origin, self.root)
        return source

    def outline(self, subject: str) -> Outline:
        source = self.source(subject)
        return outline_of(self.contracts[subject].schema_type, source.path, source.text, self.root)

    def defining_subject(self, name: str) -> str | None:
        """The subject whose contract defines the named type (schema references), if any.

        Built on first use only: a check whose contracts use no references never reads the others.
        """
        if self._defining is None:
            self.store.prefetch(c.key for c in self.contracts.values())
            self._defining = {}
            for subject in self.contracts:
                try:
                    defined = self.outline(subject).defined_names
                except InvalidSchema:
                    continue
                for defined_name in defined:
                    self._defining.setdefault(defined_name, subject)
        return self._defining.get(name)

    def dependents_closure(self, names: Iterable[str]) -> set[str]:
        """Subjects whose contracts use any of `names` (type full names, or Protobuf import paths),
        directly or through other contracts: what a change to (or the removal of) the contracts
        defining those names can break.

        Reads every contract's outline once (a reference is only visible from the using side).
        """
        users: dict[str, set[str]] = {}
        defined: dict[str, tuple[str, ...]] = {}
        self.store.prefetch(c.key for c in self.contracts.values())
        for subject in self.contracts:
            try:
                outline = self.outline(subject)
            except InvalidSchema:
                continue
            defined[subject] = outline.defined_names
            for name in outline.referenced_names:
                users.setdefault(name, set()).add(subject)
        found: set[str] = set()
        pending = list(dict.fromkeys(names))
        while pending:
            for user in users.get(pending.pop(), ()):
                if user not in found:
                    found.add(user)
                    pending.extend(defined.get(user, ()))
        return found

    def validate_all(self) -> None:
        """Read every contract once, recording the ones that cannot even be outlined as invalid."""
        self.store.prefetch(c.key for c in self.contracts.values())
        for subject, contract in list(self.contracts.items()):
            try:
                self.outline(subject)
            except InvalidSchema as error:
                self.invalid[str(contract.path)] = [
                    f.with_context(file=str(contract.path)) for f in error.findings
                ]
                del self.contracts[subject]


def build_contract_set(
    mapper: SubjectMapper, entries: Iterable[tuple[PurePosixPath, str]], store: BlobStore, origin: str
) -> ContractSet:
    """Map (path, blob key) entries to subjects, reading content only where the path cannot decide."""
    contract_set = ContractSet(store, mapper.root_prefix, origin)
    typed = [
        (path, key, schema_type) for path, key in sorted(entries) if (schema_type := type_for_path(path))
    ]
    store.prefetch(key for path, key, _ in typed if mapper.subject_from_path(path) is None)
    contracts = contract_set.contracts
    for path, key, schema_type in typed:

        def outline(
            path: PurePosixPath = path, key: str = key, schema_type: SchemaType = schema_type
        ) -> Outline:
            return outline_of(schema_type, path, decode(path, store.get(key)), mapper.root_prefix)

        try:
            subject = mapper.subject_for(path, outline)
        except InvalidSchema as error:
            contract_set.invalid[str(path)] = [f.with_context(file=str(path)) for f in error.findings]
            continue
        if subject in contracts:
            other = contracts[subject].path
            contract_set.invalid.setdefault(str(path), []).append(
                Finding(
                    rule="DUPLICATE_SUBJECT",
                    message=f"{other} and {path} both map to subject {subject!r}",
                    kind=FindingKind.INVALID,
                    file=str(path),
                    line=1,
                    subject=subject,
                    hint="Give one of them an explicit subject in contractctl.yaml, or move it.",
                )
            )
            continue
        contracts[subject] = ContractFile(path, key, schema_type, subject, mapper.level_for(path, subject))
    return contract_set


def reference_order(
    start: str, references_of: Callable[[str], Iterable[str]], describe: Mapping[str, str]
) -> list[str]:
    """Subjects `start` depends on, dependencies first; a cycle is invalid input naming its files.

    A depth-first walk with its own stack: a recursive inner function would be a reference cycle
    holding `references_of` (and through it every parsed schema) until the cyclic collector ran.
    """
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = in progress, 2 = done
    stack: list[str] = []  # subjects in progress, outermost first
    pending: list[Iterator[str]] = []  # the references still to visit of each subject on the stack

    def enter(subject: str) -> None:
        state[subject] = 1
        stack.append(subject)
        pending.append(iter(references_of(subject)))

    enter(start)
    while pending:
        dependency = next(pending[-1], None)
        if dependency is None:  # every reference of the innermost subject is done
            pending.pop()
            done = stack.pop()
            state[done] = 2
            order.append(done)
        elif state.get(dependency) == 1:
            cycle = [*stack[stack.index(dependency) :], dependency]
            files = " -> ".join(describe.get(s, s) for s in cycle)
            raise InvalidSchema(
                [
                    Finding(
                        rule="REFERENCE_CYCLE",
                        message=f"schema references form a cycle: {files}",
                        kind=FindingKind.INVALID,
                        file=describe.get(start),
                        line=1,
                        subject=start,
                        hint="Schema references must form a tree; move the shared types into one contract.",
                    )
                ]
            )
        elif state.get(dependency) != 2:
            enter(dependency)
    return order
