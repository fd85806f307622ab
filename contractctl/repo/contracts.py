"""Contracts in a tree (working tree, index or commit): which files, which subject, which references."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import PurePosixPath
from typing import TypeVar

from contractctl.config.project import CONTRACT_FORMATS, Config, SubjectRule, subject_template_regex
from contractctl.errors import UsageError
from contractctl.formats import (
    get_format,
    info,
    references_by_path,
    references_by_path_text,
    supported_extensions,
    type_for_path,
)
from contractctl.formats.base import InvalidSchema, Outline
from contractctl.generic.globs import glob_regex
from contractctl.model import CompatibilityLevel, Finding, FindingKind, SchemaText, SchemaType, import_path_of
from contractctl.repo.history import WORKTREE_KEY, BlobStore, Git
from contractctl.repo.outline_cache import OutlineCache
from contractctl.repo.sidecar_paths import is_example_text, sidecar_path, sidecar_text
from contractctl.repo.text_search import (
    ContractTextSearch,
    OutlineSearch,
    is_import_path,
    may_be_import_path,
)

T = TypeVar("T")

KEY_VALUE_STEMS = {"key": "key", "value": "value"}


@dataclass(frozen=True, init=False)
class ContractFile:
    """A contract in one tree (working tree, index or commit) and what it maps to.

    The content is not held here: `ContractSet.source` reads it on demand from the blob store.
    The path is kept as text (`location`) and made a path object on first use: a check of one
    change among 10,000 contracts looks at a handful of them.
    """

    location: str  # repository-relative path, as str(PurePosixPath) writes it
    key: str  # blob id, or worktree:<path>
    schema_type: SchemaType
    subject: str
    compatibility: CompatibilityLevel

    def __init__(
        self,
        location: str,
        key: str,
        schema_type: SchemaType,
        subject: str,
        compatibility: CompatibilityLevel,
    ) -> None:
        # one write of the instance's fields, not the frozen dataclass's five object.__setattr__ calls:
        # a check of 10,000 contracts makes one per file, and they were a twentieth of its time
        self.__dict__.update(
            location=location, key=key, schema_type=schema_type, subject=subject, compatibility=compatibility
        )

    @cached_property
    def path(self) -> PurePosixPath:
        return PurePosixPath(self.location)


def in_hidden_folder(path: str) -> bool:
    """Whether the relative file path `path` lies in a folder whose name starts with a dot."""
    folder = path.rpartition("/")[0]
    return bool(folder) and (folder[0] == "." or "/." in folder)


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
        self._from_path: dict[str, str | None] = {}
        self._excludes = [glob_regex(pattern) for pattern in config.exclude]
        # extensions of the formats `contracts.formats` leaves out (none without the key)
        self._other_formats = tuple(
            extension
            for name, extension in CONTRACT_FORMATS.items()
            if config.formats and name not in config.formats
        )

    def in_root(self, path: PurePosixPath) -> bool:
        """Under the contracts root and not excluded (`contracts.exclude`): a contract's place."""
        inside = not self.root_prefix or str(path).startswith(self.root_prefix + "/")
        return inside and not self.excluded(path)

    def excluded(self, path: PurePosixPath) -> bool:
        """Matched by a `contracts.exclude` glob (vendored or preview copies, generated files), or a
        sidecar example record (`examples/*.json`)."""
        return self.excluded_text(str(path))

    def excluded_folder(self, path: str) -> bool:
        """Whether `contracts.exclude` leaves out everything below the folder `path` ("<path>/**")."""
        return self.excluded_text(f"{path}/")

    def excluded_text(self, path: str) -> bool:
        """`excluded` of a path given as text (as git lists it). A file in a hidden folder below the
        root (`.staging/`, `.devcontainer/`) is no contract: the working tree's walk does not enter
        those folders (a `.venv/` holds thousands of JSON files), and git's listings and history
        must agree with it, or a file there reads as deleted from the working tree."""
        return self._left_out_by_config(path) or self.hidden_text(path)

    def _left_out_by_config(self, path: str) -> bool:
        """Left out by the config: an example record, a format `contracts.formats` does not name, or
        a `contracts.exclude` glob."""
        if is_example_text(path):
            return True
        if self._other_formats and path.lower().endswith(self._other_formats):
            return True
        return bool(self._excludes) and any(pattern.fullmatch(path) for pattern in self._excludes)

    def hidden_text(self, path: str) -> bool:
        """Whether the file `path` lies in a folder below the root whose name starts with a dot."""
        prefix = self.root_prefix
        return in_hidden_folder(path[len(prefix) + 1 if prefix and path.startswith(prefix + "/") else 0 :])

    def hidden_only(self, path: str) -> bool:
        """Whether `path`, under the root, is left out for its hidden folder alone: what a user may
        have meant as a contract."""
        inside = not self.root_prefix or path.startswith(self.root_prefix + "/")
        return inside and self.hidden_text(path) and not self._left_out_by_config(path)

    def import_path(self, path: PurePosixPath) -> str:
        """The path other contracts import this one by: relative to the contracts root."""
        return SchemaText(path, "", root=self.root_prefix).import_path

    def reference_subject(self, path: PurePosixPath) -> str | None:
        """A shared Protobuf file's subject when its path decides it: Confluent's
        DefaultReferenceSubjectNameStrategy (the import path) or QualifiedReferenceSubjectNameStrategy
        (the import path without `.proto`, slashes made dots); None under `record` naming."""
        return self._reference_subject_text(str(path))

    def _reference_subject_text(self, path: str) -> str | None:
        """`reference_subject` of a path given as text: asked of every distinct path of a long log
        (26,000 on a public API tree), where path objects cost a pre-commit check a tenth of a second."""
        naming = self.config.reference_naming
        if naming == "record" or not references_by_path_text(path):
            return None
        name = import_path_of(path, self.root_prefix)
        return name if naming == "import_path" else name.replace(".proto", "").replace("/", ".")

    def _matching_rules(self, path: PurePosixPath | str) -> list[SubjectRule]:
        return [rule for rule, pattern in self._rules if pattern.fullmatch(str(path))]

    def _strategy(self, rules: list[SubjectRule]) -> str:
        strategy = next((r.subject_strategy for r in reversed(rules) if r.subject_strategy), None)
        return strategy or self.config.subject_strategy

    def subject_from_path(self, path: PurePosixPath | str) -> str | None:
        """The subject when the path alone decides it (explicit or topic convention), else None."""
        text = str(path)
        if text not in self._from_path:
            self._from_path[text] = self._subject_from_path(text)
        return self._from_path[text]

    def _subject_from_path(self, path: str) -> str | None:
        if self._rules:
            rules = self._matching_rules(path)
            explicit = next((r.subject_for(path) for r in reversed(rules) if r.subject), None)
            if explicit:
                return explicit
            strategy = self._strategy(rules)
        else:  # asked once per contract of the tree: no rule to look at
            strategy = self.config.subject_strategy
        if strategy != "topic":
            return None
        # path.parent, path.parent.name and path.stem as strings: pathlib's properties cost a
        # pre-commit check of 10,000 contracts a tenth of a second
        folder, _, name = path.rpartition("/")
        dot = name.rfind(".")
        role = KEY_VALUE_STEMS.get((name[:dot] if 0 < dot < len(name) - 1 else name).lower())
        if role and (folder or ".") != (self.root_prefix or "."):
            return f"{folder.rpartition('/')[2]}-{role}"
        # a shared file: the reference naming decides
        return self._reference_subject_text(path)

    def history_pathspecs(self, subjects: Iterable[str]) -> list[str] | None:
        """Git pathspecs covering every file that can map to these subjects, or None when only content
        can tell (record-name subjects, per-path strategies): then the whole root must be read."""
        if any(rule.subject_strategy for rule, _ in self._rules) or self.config.subject_strategy != "topic":
            return None
        root = f"{self.root_prefix}/" if self.root_prefix else ""
        specs: list[str] = []
        for subject in sorted(subjects):
            explicit = [rule.match for rule, _ in self._rules if _may_give(rule, subject)]
            if not all(_same_in_git(pattern) for pattern in explicit):
                return None
            specs.extend(f":(glob){pattern}" for pattern in explicit)
            # a sidecar-only commit is a version too (see history.sightings_by_subject)
            specs.extend(
                f":(glob){sidecar_path(PurePosixPath(p))}"
                for p in explicit
                if type_for_path(PurePosixPath(p))
            )
            topic, _, role = subject.rpartition("-")
            if role in KEY_VALUE_STEMS and topic and not any(c in topic for c in "*?[]:\\"):
                # any case: Value.avsc is this subject too (the stem is read in any case), and
                # git's pathspecs are case-sensitive; files of other topics are dropped later
                specs.append(f":(glob,icase){root}**/{topic}/{role}.*")
            elif self.config.reference_naming == "import_path" and _names_a_path_reference(subject):
                specs.append(f":(literal){root}{subject}")
                specs.append(f":(literal){root}{sidecar_text(subject)}")  # as above
            elif not explicit:
                return None
        return specs

    def subject_for(self, path: PurePosixPath, outline: Callable[[], Outline]) -> str:
        from_path = self.subject_from_path(path)
        if from_path is not None:
            return from_path
        read = outline()
        name = read.primary_name
        if not name:
            # no record type (a Protobuf file of enums, extensions, services or options): only a
            # reference, named as references are; under record naming by its first enum, else (no
            # named type at all) by its import path, as Confluent's serializers would name it
            name = self.reference_subject(path) or read.first_type_name
            if not name and references_by_path(path):
                name = self.import_path(path)
            if name:
                return name
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
        # asked for every version of every shared file a history holds: the rules and the path's
        # parts only when they can matter
        strategy = self._strategy(self._matching_rules(path)) if self._rules else self.config.subject_strategy
        if strategy == "topic_record":
            role = KEY_VALUE_STEMS.get(path.stem.lower())
            topic = path.parent.name
            if role and topic:
                return f"{topic}-{name}"
        return name

    def _overridden(
        self, path: PurePosixPath | str, subject: str, default: T, pick: Callable[[SubjectRule], T | None]
    ) -> T:
        """A per-subject setting: the default, then each matching path rule in order, then the
        subject's own rule; a rule that leaves the setting unset changes nothing."""
        if not self._rules and not self._by_subject:
            return default
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

    def level_for(self, path: PurePosixPath | str, subject: str) -> CompatibilityLevel:
        return self._overridden(path, subject, self.config.compatibility, lambda rule: rule.compatibility)


def _may_give(rule: SubjectRule, subject: str) -> bool:
    """Whether a rule's explicit subject (a template: any path it matches) can be `subject`: its
    files are read for that subject's history (the mapping drops the others)."""
    if rule.subject is None:
        return False
    if "{" not in rule.subject:
        return rule.subject == subject
    return subject_template_regex(rule.subject).fullmatch(subject) is not None


def _same_in_git(pattern: str) -> bool:
    """Whether git's `:(glob)` pathspec matches what the config's glob dialect matches (globs.py):
    not with character classes or escapes (literal there), nor a `**` that is not a whole segment
    (it spans folders there, not in git)."""
    if any(c in pattern for c in "[]\\"):
        return False
    segments = pattern.split("/")
    return all(segment == "**" or "**" not in segment for segment in segments)


@lru_cache(maxsize=65536)
def outline_of(schema_type: SchemaType, path: PurePosixPath, text: str, root: str = "") -> Outline:
    """Cached: the same blob is outlined once even when it appears in many commits."""
    return get_format(schema_type).outline(SchemaText(path, text, root=root))


# A \uXXXX escape (not itself escaped) of a high surrogate without a low one after it, or of a low
# surrogate without a high one before it.
_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*(?P<escape>\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)


def decode_utf8(path: PurePosixPath, data: bytes) -> str:
    """Bytes of a contract or sidecar -> text; anything but UTF-8 is invalid input naming the line."""
    try:
        return data.decode("utf-8")
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
                    hint="Save the file as UTF-8.",
                )
            ]
        ) from None


def _nul_finding(path: PurePosixPath, data: bytes) -> Finding:
    """A file with NUL bytes: UTF-16 without a byte order mark reads as valid UTF-8 with a NUL after
    (or before) every ASCII character, which the parsers then report at 1:1 with no word of the
    encoding (gobblin's hive-test.avsc)."""
    offset = data.index(0)
    head = data[:64]
    utf16 = len(head) >= 4 and (
        head[1::2].count(0) >= len(head) // 4 or head[0::2].count(0) >= len(head) // 4
    )
    found = "it looks like UTF-16 without a byte order mark" if utf16 else f"a NUL byte at offset {offset}"
    return Finding(
        rule="NOT_UTF8",
        message=f"file is not UTF-8 text: {found}",
        kind=FindingKind.INVALID,
        file=str(path),
        line=data[:offset].count(b"\n") + 1,
        hint="Save the file as UTF-8.",
    )


def decode(path: PurePosixPath, data: bytes) -> str:
    """Contract bytes -> text; non-UTF-8 and empty files are invalid input."""
    text = decode_utf8(path, data)
    if "\x00" in text:  # no schema text holds a NUL (JSON and protoc refuse one): another encoding
        raise InvalidSchema([_nul_finding(path, data)])
    if text.startswith("\ufeff"):
        raise InvalidSchema(
            [
                Finding(
                    rule="BYTE_ORDER_MARK",
                    message="file starts with a UTF-8 byte order mark (U+FEFF); the registry parses the "
                    "schema text as sent and refuses a leading U+FEFF (Jackson: unexpected character)",
                    kind=FindingKind.INVALID,
                    file=str(path),
                    line=1,
                    column=1,
                    hint="Save the contract as UTF-8 without BOM.",
                )
            ]
        )
    lone = _LONE_SURROGATE.search(text) if "\\u" in text else None
    if lone is not None:
        start = lone.start("escape")
        line = text.count("\n", 0, start) + 1
        raise InvalidSchema(
            [
                Finding(
                    rule="LONE_SURROGATE",
                    message=f"the escape {lone.group('escape')} is half of a UTF-16 surrogate pair: it "
                    "stands for no character, and the schema text cannot be sent as UTF-8",
                    kind=FindingKind.INVALID,
                    file=str(path),
                    line=line,
                    column=start - (text.rfind("\n", 0, start) + 1) + 1,
                    hint="Write the character itself, or both halves of the pair (\\ud83d\\ude00).",
                )
            ]
        )
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

    def __init__(
        self, store: BlobStore, root: str, origin: str, outlines: OutlineCache | None = None
    ) -> None:
        self.store = store
        self.outlines = outlines  # outlines kept between runs, by blob id (see `_content_id`)
        self.root = root
        self.origin = origin
        self.contracts: dict[str, ContractFile] = {}
        self.invalid: dict[str, list[Finding]] = {}  # path -> findings for files that cannot be used
        # files whose subject another file took (DUPLICATE_SUBJECT): no subject of their own, but
        # what imports them still resolves, so a duplicate is one error, not one more per importer
        self.shadowed: dict[str, ContractFile] = {}  # "<subject> (<path>)" -> the file
        self._defining: dict[str, str] | None = None
        self._sources: dict[str, SchemaText] = {}
        self._outlines_of: dict[str, Outline] = {}  # subject (or shadowed key) -> its outline
        self._content_ids: dict[str, str] = {}  # working-tree key -> id of its bytes (see `_content_id`)
        # set for a check of a change: finds the few contracts that may mention a name (see
        # tree_search); None: every contract is outlined once, on the first reference looked up
        self.search: ContractTextSearch | OutlineSearch | None = None
        self._by_path: dict[str, str] | None = None
        self._defined_by: dict[str, str | None] = {}

    def file(self, subject: str) -> ContractFile:
        """The contract of a subject, or of a shadowed duplicate's key (see `shadowed`)."""
        found = self.contracts.get(subject)
        return found if found is not None else self.shadowed[subject]

    def source(self, subject: str) -> SchemaText:
        """The contract's text; InvalidSchema for an empty or non-UTF-8 file.

        Decoded once: a check asks for it to outline, fingerprint, compare and parse the contract."""
        known = self._sources.get(subject)
        if known is not None:
            return known
        contract = self.file(subject)
        text = decode(contract.path, self.store.get(contract.key))
        source = self._sources[subject] = SchemaText(contract.path, text, self.origin, self.root)
        return source

    def outline(self, subject: str) -> Outline:
        """The contract's outline (InvalidSchema when it cannot be read); kept per contract for the
        run: a large change asks for each one's several times (what it defines, what it uses)."""
        known = self._outlines_of.get(subject)
        if known is None:
            try:
                known = self._outlines_of[subject] = self._outline(subject)
            except InvalidSchema as error:
                raise self.explained(subject, error) from None
        return known

    def explained(self, subject: str, error: InvalidSchema) -> InvalidSchema:
        """`error` about a contract that cannot be read, or CONTRACT_FILTERED where git's copy is a
        clean filter's output (filters.py)."""
        from contractctl.repo.filters import explained

        contract = self.file(subject)
        return explained(self.store.git, contract.key, contract.location, subject, error)

    def _outline(self, subject: str) -> Outline:
        contract = self.file(subject)

        def made() -> Outline:
            source = self.source(subject)
            return outline_of(contract.schema_type, source.path, source.text, self.root)

        if self.outlines is None:
            return made()
        # the same content at the same path: decoded and outlined by an earlier run
        return self.outlines.remembered(self._content_id(contract.key), contract.path, made)

    def _content_id(self, key: str) -> str:
        """The outline cache's name of a blob-store key's content: the blob id; for a file of the
        working tree (key `worktree:<path>`, which names no content), the id git gives its bytes
        (`git hash-object`), so an outline cached for it can only come back for the same bytes."""
        if not key.startswith(WORKTREE_KEY):
            return key
        known = self._content_ids.get(key)
        if known is None:
            known = self._content_ids[key] = blob_id(self.store.get(key))
        return known

    def _unknown_keys(self, subjects: Iterable[str]) -> Iterator[str]:
        """Blob keys of these subjects' contracts whose outline is not cached (to read in bulk)."""
        for subject in subjects:
            contract = self.file(subject)
            if self.outlines is None or self.outlines.entry(contract.key, contract.location) is None:
                yield contract.key

    def outline_search(self) -> OutlineSearch:
        """A search answered from every contract's outline: cached ones as they are, the others
        (changed, or a cold cache) read in one git process and outlined now, for later runs too."""
        assert self.outlines is not None
        cached: list[tuple[str, str]] = []  # (path, cache entry)
        missing: list[str] = []
        entry_of = self.outlines.entry  # asked once per contract of the tree
        for subject, contract in self.contracts.items():
            entry = entry_of(contract.key, contract.location)
            if entry is None:
                missing.append(subject)
            else:
                cached.append((contract.location, entry))
        self.store.prefetch(self.contracts[s].key for s in missing)
        outlined: list[tuple[str, Outline]] = []
        for subject in missing:
            try:
                outlined.append((self.contracts[subject].location, self.outline(subject)))
            except InvalidSchema:
                continue  # defines and uses nothing a lookup could find (the text search agrees)
        return OutlineSearch(self.root, cached, outlined)

    def defining_subject(self, name: str) -> str | None:
        """The subject whose contract defines the named type (schema references), if any: the first
        such contract in path order.

        Built on first use only: a check whose contracts use no references never reads the others;
        with a `search`, only the contracts that may mention the name are read.
        """
        if self.search is not None and (name in self._defined_by or not self.search.exhausted()):
            if name not in self._defined_by:
                self.find_definitions([name])
            return self._defined_by[name]
        if self._defining is None:
            self.store.prefetch(c.key for c in self.contracts.values())
            self._defining = {}
            for subject in [*self.contracts, *self.shadowed]:  # real subjects win a shared name
                for defined_name in self._defined_names(subject):
                    self._defining.setdefault(defined_name, subject)
        return self._defining.get(name)

    def find_definitions(self, names: Iterable[str]) -> None:
        """Look up where these names are defined in one search (with a `search` only)."""
        search = self.search
        if search is None or search.exhausted():
            return
        wanted = sorted({n for n in names if n not in self._defined_by})
        typed = [n for n in wanted if not is_import_path(n)]
        candidates = self.subjects_mentioning(typed, defining=True) if typed else []
        for name in wanted:
            found = [] if is_import_path(name) else list(candidates)
            if may_be_import_path(name):  # a .proto contract defines its own path, nothing else does
                # a shadowed duplicate too: what imports it still resolves (as without a `search`)
                at_path = self._subject_at(search.contract_path(name), shadowed=True)
                if at_path is not None and at_path not in found:
                    found = sorted([*found, at_path], key=lambda s: self.file(s).path)
            self._defined_by[name] = next((s for s in found if name in self._defined_names(s)), None)

    def _defined_names(self, subject: str) -> tuple[str, ...]:
        try:
            return self.outline(subject).defined_names
        except InvalidSchema:
            return ()  # an unreadable contract defines nothing

    def _subject_at(self, path: str, shadowed: bool = False) -> str | None:
        """The subject of the contract at `path` (or, with `shadowed`, a shadowed duplicate's key)."""
        if self._by_path is None:
            files = [*self.shadowed.items(), *self.contracts.items()]
            self._by_path = {c.location: s for s, c in files}
        subject = self._by_path.get(path)
        if subject is None:
            return None
        return subject if subject in self.contracts or (shadowed and subject in self.shadowed) else None

    def subjects_mentioning(self, names: Iterable[str], defining: bool = False) -> list[str]:
        """Subjects whose contracts may define or use any of these names, in path order: every
        subject without a `search`, otherwise the few whose text holds every part of one name."""
        wanted = set(names)
        if self.search is None or not self.search.worth_it(len(wanted), len(self.contracts)):
            return list(self.contracts)
        texts, kept = self.search.candidates(wanted, defining)
        found = [s for p in texts | kept if (s := self._subject_at(p)) is not None]
        self.store.prefetch(self._unknown_keys(found))  # one git process for all
        found.sort(key=lambda s: self.contracts[s].path)
        return found

    def subject_by_path(self) -> dict[str, str]:
        """Path (as text) -> subject of every contract (shadowed duplicates not included)."""
        return {c.location: s for s, c in self.contracts.items()}

    def validate_all(self, subjects: Iterable[str] | None = None) -> None:
        """Read every contract (or these subjects' ones) once, recording the ones that cannot even
        be outlined as invalid."""
        chosen = list(self.contracts) if subjects is None else [s for s in subjects if s in self.contracts]
        self.store.prefetch(self.contracts[s].key for s in chosen)
        for subject in chosen:
            contract = self.contracts[subject]
            try:
                self.outline(subject)
            except InvalidSchema as error:
                self.invalid[str(contract.path)] = [
                    f.with_context(file=str(contract.path)) for f in error.findings
                ]
                del self.contracts[subject]


def build_contract_set(
    mapper: SubjectMapper,
    entries: Iterable[tuple[PurePosixPath | str, str]],
    store: BlobStore,
    origin: str,
    outlines: OutlineCache | None = None,
) -> ContractSet:
    """Map (path, blob key) entries to subjects, reading content only where the path cannot decide
    (and its outline is not cached: `outlines`, for entries keyed by blob id).

    Paths may come as text (git's listings): each entry is then handled as text, its path object
    made only when content must decide its subject (see ContractFile)."""
    contract_set = ContractSet(store, mapper.root_prefix, origin, outlines)
    typed = [
        (path, key, schema_type, mapper.subject_from_path(path))
        for path, key in sorted(((str(p), k) for p, k in entries), key=_path_order)
        if (schema_type := contract_type(path)) and not mapper.excluded_text(path)
    ]
    known = {  # by path: two files may hold the same blob, and a path may decide an outline
        path: cached
        for path, key, _, from_path in typed
        if from_path is None and outlines is not None and (cached := outlines.get(key, path)) is not None
    }
    store.prefetch(key for path, key, _, from_path in typed if from_path is None and path not in known)
    contracts = contract_set.contracts
    for path, key, schema_type, from_path in typed:
        if from_path is not None:
            subject = from_path
        else:

            def outline(path: str = path, key: str = key, schema_type: SchemaType = schema_type) -> Outline:
                if path in known:
                    return known[path]
                where = PurePosixPath(path)
                found = outline_of(schema_type, where, decode(where, store.get(key)), mapper.root_prefix)
                if outlines is not None:
                    outlines.put(key, path, found)
                return found

            try:
                subject = mapper.subject_for(PurePosixPath(path), outline)
            except InvalidSchema as error:
                from contractctl.repo.filters import explained

                error = explained(store.git, key, path, None, error)
                contract_set.invalid[path] = [f.with_context(file=path) for f in error.findings]
                continue
        contract = ContractFile(path, key, schema_type, subject, mapper.level_for(path, subject))
        if subject in contracts:
            contract_set.shadowed[f"{subject} ({path})"] = contract
            continue
        contracts[subject] = contract
    _report_duplicates(contract_set)
    return contract_set


def blob_id(data: bytes) -> str:
    """The id git gives a blob of these bytes (as `git hash-object` of a file holding them)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0%b" % (len(data), data), usedforsecurity=False).hexdigest()


def other_files(entries: Iterable[tuple[str, str]]) -> dict[PurePosixPath, str]:
    """The entries of a listing that are not contracts (sidecars, examples, anything else), by path:
    all a check reads of a tree besides its contracts, without a path object per contract."""
    return {
        PurePosixPath(path): key for path, key in entries if not contract_type(path) or is_example_text(path)
    }


def _path_order(entry: tuple[str, str]) -> tuple[str, str]:
    """Sort key of a (path, key) entry: the order of (PurePosixPath(path).parts, key). A path holds
    no NUL: with its slashes made NULs, text order is the order of its parts."""
    return entry[0].replace("/", "\0"), entry[1]


def contract_type(path: str) -> SchemaType | None:
    """type_for_path of a normal path given as text: asked once per file of a listing."""
    types = _types_by_extension()
    dot = path.rfind(".")
    extension = path[dot:] if dot > 0 else ""
    found = types.get(extension)
    if found is None:
        found = types.get(extension.lower())
        if found is None:
            return None
    # PurePosixPath's suffix: the name's last dot, neither its first character nor its last
    return found if path[dot - 1] != "/" and "/" not in extension else None


def _names_a_path_reference(subject: str) -> bool:
    """`references_by_path(PurePosixPath(subject))` without a path object for the usual subject
    (asked once per subject of a history read: thousands for a large change)."""
    if subject.endswith(("/", "/.")) or subject == ".":
        return references_by_path(PurePosixPath(subject))  # the path object drops the tail first
    schema_type = contract_type(subject)
    return schema_type is not None and info(schema_type).references_by_path


@lru_cache(maxsize=1)
def _types_by_extension() -> dict[str, SchemaType]:
    """type_for_path as a table of lower-case extensions."""
    found = {ext: type_for_path(PurePosixPath(f"x{ext}")) for ext in supported_extensions()}
    return {ext: schema_type for ext, schema_type in found.items() if schema_type is not None}


def _report_duplicates(contract_set: ContractSet) -> None:
    """One finding per subject that several files map to, naming them all, on the first file that
    lost the subject (the first in path order keeps it, so its importers and history stay checked)."""
    others: dict[str, list[str]] = {}
    for shadow in contract_set.shadowed.values():
        others.setdefault(shadow.subject, []).append(str(shadow.path))
    for subject, paths in others.items():
        kept = str(contract_set.contracts[subject].path)
        names = f"{kept} and {paths[0]} both" if len(paths) == 1 else f"{', '.join([kept, *paths])} all"
        contract_set.invalid.setdefault(paths[0], []).append(
            Finding(
                rule="DUPLICATE_SUBJECT",
                message=f"{names} map to subject {subject!r}",
                kind=FindingKind.INVALID,
                file=paths[0],
                line=1,
                subject=subject,
                hint="Give all but one an explicit subject in contractctl.yaml, exclude copies with "
                "contracts.exclude, or move them.",
            )
        )


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


def history_prefixes(config: Config, git: Git, prefix: str) -> tuple[str, ...]:
    """`contracts.history_roots` relative to the repository (folders that may be gone now): exit 2
    for one outside it, or overlapping the contracts root `prefix`, whose history is read anyway."""
    if not config.history_roots:
        return ()
    try:
        directory = config.directory.resolve().relative_to(git.toplevel.resolve()).as_posix()
    except ValueError:
        directory = "."
    out = []
    for index, folder in enumerate(config.history_roots):
        relative = posixpath.normpath(posixpath.join(directory, folder))
        where = config.where(f"contracts.history_roots[{index}]")
        if relative == ".." or relative.startswith("../"):
            raise UsageError(f"{where}: contracts.history_roots: {folder!r} is outside the git repository")
        if not prefix or relative == "." or _nested(relative, prefix) or _nested(prefix, relative):
            raise UsageError(
                f"{where}: contracts.history_roots: {folder!r} overlaps the contracts root "
                f"({prefix or 'the repository'}), whose history is read anyway: name only folders the "
                "contracts lived in before"
            )
        out.append(relative)
    return tuple(dict.fromkeys(out))


def _nested(inner: str, outer: str) -> bool:
    return inner == outer or inner.startswith(outer + "/")


def contracts_prefix(config: Config, git: Git) -> str:
    """The contracts root relative to the repository ('' for the top): exit 2 when it lies outside or
    is missing, since a gate that looks in the wrong place checks nothing."""
    root = (config.directory / config.contracts_root).resolve()
    try:
        relative = root.relative_to(git.toplevel.resolve())
    except ValueError:
        raise UsageError(f"{config.path}: contracts.root {root} is outside the git repository") from None
    if not root.is_dir():
        if not config.path.is_file():
            raise UsageError(
                f"no {config.path.name} and no {config.contracts_root}/ directory in {config.directory}: "
                "nothing to check (run `contractctl init`, or pass --config)"
            )
        raise UsageError(
            f"{config.where('contracts.root')}: contracts.root: {config.contracts_root!r} is not a "
            f"directory ({root}); "
            "a gate that looks in the wrong place checks nothing"
        )
    prefix = relative.as_posix()
    if prefix != "." and os.path.lexists(root / ".git"):
        raise UsageError(
            f"{config.where('contracts.root')}: contracts.root: {config.contracts_root!r} is a git submodule "
            "(or a repository of its own): the versions of its contracts are in its own history, not in "
            f"this repository's ({git.toplevel}); run contractctl in that repository"
        )
    return "" if prefix == "." else prefix
