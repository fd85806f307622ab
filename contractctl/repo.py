"""Contracts in a tree (working tree, index or commit): which files, which subject, which references."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from contractctl.config import Config, SubjectRule
from contractctl.formats import get_format, type_for_path
from contractctl.formats.base import InvalidSchema, Outline
from contractctl.model import CompatibilityLevel, Finding, FindingKind, SchemaText, SchemaType

KEY_VALUE_STEMS = {"key": "key", "value": "value"}


@dataclass(frozen=True)
class ContractFile:
    """A contract's content in one tree, with what it maps to."""

    source: SchemaText
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
        self._rules = [(rule, _glob_regex(rule.match)) for rule in config.subject_rules if rule.is_path_glob]
        self._by_subject = {rule.match: rule for rule in config.subject_rules if not rule.is_path_glob}

    def in_root(self, path: PurePosixPath) -> bool:
        return not self.root_prefix or str(path).startswith(self.root_prefix + "/")

    def _matching_rules(self, path: PurePosixPath) -> list[SubjectRule]:
        return [rule for rule, pattern in self._rules if pattern.fullmatch(str(path))]

    def subject_for(self, path: PurePosixPath, outline: Callable[[], Outline]) -> str:
        rules = self._matching_rules(path)
        explicit = next((r.subject for r in reversed(rules) if r.subject), None)
        if explicit:
            return explicit
        strategy = next((r.subject_strategy for r in reversed(rules) if r.subject_strategy), None)
        strategy = strategy or self.config.subject_strategy
        role = KEY_VALUE_STEMS.get(path.stem.lower())
        topic = path.parent.name
        if strategy == "topic" and role and str(path.parent) != (self.root_prefix or "."):
            return f"{topic}-{role}"
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

    def level_for(self, path: PurePosixPath, subject: str) -> CompatibilityLevel:
        level = self.config.compatibility
        for rule in self._matching_rules(path):
            level = rule.compatibility or level
        by_subject = self._by_subject.get(subject)
        if by_subject and by_subject.compatibility:
            level = by_subject.compatibility
        return level


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Path glob with `**` (any depth), `*` and `?` (within one segment)."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


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


@dataclass
class ContractSet:
    """All contracts of one tree, by subject, with invalid files collected instead of raised."""

    contracts: dict[str, ContractFile]
    invalid: dict[str, list[Finding]]  # path -> findings for files that could not be mapped

    def defining_subjects(self) -> dict[str, str]:
        """Full type name -> subject that defines it (for schema references)."""
        names: dict[str, str] = {}
        for subject, contract in self.contracts.items():
            try:
                source = contract.source
                outline = outline_of(contract.schema_type, source.path, source.text, source.root)
            except InvalidSchema:
                continue
            for name in outline.defined_names:
                names.setdefault(name, subject)
        return names


def build_contract_set(
    mapper: SubjectMapper, files: Iterable[tuple[PurePosixPath, bytes]], origin: str
) -> ContractSet:
    contracts: dict[str, ContractFile] = {}
    invalid: dict[str, list[Finding]] = {}
    for path, data in sorted(files):
        schema_type = type_for_path(path)
        if schema_type is None:
            continue
        try:
            text = decode(path, data)
            subject = mapper.subject_for(
                path,
                lambda t=text, p=path, s=schema_type: outline_of(s, p, t, mapper.root_prefix),  # type: ignore[misc]
            )
        except InvalidSchema as error:
            invalid[str(path)] = [f.with_context(file=str(path)) for f in error.findings]
            continue
        if subject in contracts:
            other = contracts[subject].source.path
            invalid.setdefault(str(path), []).append(
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
        contracts[subject] = ContractFile(
            source=SchemaText(path, text, origin, mapper.root_prefix),
            schema_type=schema_type,
            subject=subject,
            compatibility=mapper.level_for(path, subject),
        )
    return ContractSet(contracts, invalid)


def reference_order(
    start: str, references_of: Callable[[str], Iterable[str]], describe: Mapping[str, str]
) -> list[str]:
    """Subjects `start` depends on, dependencies first; a cycle is invalid input naming its files."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = in progress, 2 = done
    stack: list[str] = []

    def visit(subject: str) -> None:
        if state.get(subject) == 2:
            return
        if state.get(subject) == 1:
            cycle = [*stack[stack.index(subject) :], subject]
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
        state[subject] = 1
        stack.append(subject)
        for dependency in references_of(subject):
            visit(dependency)
        stack.pop()
        state[subject] = 2
        order.append(subject)

    visit(start)
    return order
