"""The interface every schema format implements; compat, repo and history only see this."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from contractctl.model import Finding, SchemaText, SchemaType, SourcePosition

if TYPE_CHECKING:  # what a format speaks to lint, changelog and sidecars; the format loads it itself
    from contractctl.formats.vocabulary.change import Change
    from contractctl.formats.vocabulary.lint import Emitter
    from contractctl.formats.vocabulary.shapes import SchemaModel


class InvalidSchema(Exception):
    """A schema that cannot be parsed or fails validity checks; carries exit-2 findings."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings

    def __reduce__(self) -> tuple[type[InvalidSchema], tuple[list[Finding]]]:
        return (InvalidSchema, (self.findings,))  # it travels back from worker processes intact


@dataclass(frozen=True)
class Outline:
    """What a schema defines and needs, read cheaply (no reference resolution).

    defined_names: full names of the types this schema defines (so others can reference them).
    referenced_names: names it uses but does not define: each must come from another contract.
    primary_name: the full name of the top-level record/message (RecordNameStrategy subject).
    first_type_name: the full name of the first top-level type of any kind: what names a shared file
        that holds no record (a Protobuf file of enums only) under record naming.
    """

    defined_names: tuple[str, ...]
    referenced_names: tuple[str, ...]
    primary_name: str | None
    first_type_name: str | None = None


@dataclass(frozen=True)
class NameCandidates:
    """A cheap superset of the full names an outline can take as primary or first type name: each
    of `names` in each of `scopes` (a scope ends with its separator, a character that is not
    `is_word_character`; "" is the empty one). Kept as the two parts: their product for a public
    API file is forty names, a cache of them 60 MB."""

    scopes: tuple[str, ...]
    names: tuple[str, ...]

    def full_names(self) -> Iterator[str]:
        return (scope + name for scope in self.scopes for name in self.names)


def is_word_character(character: str) -> bool:
    """Part of a name rather than a separator between names: a `NameCandidates` scope is empty or
    ends with a character that is not."""
    return character.isalnum() or character == "_"


@dataclass(frozen=True)
class FormatInfo:
    """What the rest of contractctl knows about a format without importing it: its line in the format
    registry (`contractctl.formats`). Keep it cheap: `check --staged` reads it for every path.

    schema_type: the registry's `schemaType` for it.
    module: the package that holds the format; its `FORMAT` attribute implements SchemaFormat.
    extensions: file extensions of its contracts, lower case, the first the one new files get.
    name: what messages and help texts call it, so that generic ones list every format.
    references_called: what its schemas' references are called in messages ("imports").
    config_section: the top-level key of contractctl.yaml whose options `configure` passes on.
    references_by_path: a schema names its references by path (Protobuf imports), not by type name:
        a shared file's subject may follow from its path, and `compat` finds references in include
        directories instead of taking them in dependency order.
    spelled_otherwise: (git grep pattern, is a regular expression) matching any text of the format
        that may spell a name other than plainly (escapes); such files are always outlined.
    """

    schema_type: SchemaType
    module: str
    extensions: tuple[str, ...]
    name: str
    references_called: str = "references"
    config_section: str | None = None
    references_by_path: bool = False
    spelled_otherwise: tuple[str, bool] | None = None

    @property
    def option(self) -> str:
        """How `compat --type` names it."""
        return self.schema_type.value.lower()


class ExampleMismatch(Exception):
    """An example that does not fit the schema: where (a JSON pointer into the example) and why."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.message = message


@dataclass
class ExampleRecord:
    """An example read with a contract's schema: its bytes, and what CEL sees of it.

    plain: JSON-like value (dicts, lists, scalars) for CEL's `message`.
    data: the example written in the format's binary encoding.
    fields: one (full field name "Record.field", field name, type name, value, containing record)
        per field the record holds, nested ones included: the inputs of CEL_FIELD rules.
    """

    plain: Any
    data: bytes
    fields: list[tuple[str, str, str, Any, Any]]


class ExampleCodec(Protocol):
    """A contract's schema reading sidecar examples (JSON) and the bytes other versions wrote."""

    def read(self, value: Any) -> ExampleRecord:
        """The example `value` (decoded JSON) as a record of this schema; raises ExampleMismatch."""
        ...

    def read_back(self, data: bytes, writer: ExampleCodec) -> str | None:
        """Why `data`, written by `writer` (a codec of the same format), cannot be read by this
        schema, or reads as different values; None when it reads back the same."""
        ...

    def plain(self, container: Any) -> Any:
        """A containing record from ExampleRecord.fields as JSON-like values for CEL."""
        ...


class ParsedSchema(Protocol):
    """A schema parsed together with its references."""

    @property
    def source(self) -> SchemaText: ...

    @property
    def has_record_type(self) -> bool:
        """Whether it defines a record type, so that it can be a topic's key or value (a Protobuf
        file of enums only cannot); a format whose every valid schema can returns True."""
        ...

    def locate(self, pointer: str | None) -> SourcePosition | None:
        """Position of the pointer (or its nearest enclosing element) in the source text."""
        ...


class SchemaFormat(Protocol):
    """Everything format-specific. A new format is a package `contractctl.formats.<name>` whose
    `FORMAT` implements this, plus one FormatInfo line in `contractctl.formats` (and its member of
    `model.SchemaType`, the registry's `schemaType`). Heavy libraries are imported inside the
    methods that need them, never at the package's import. Options (`configure`) arrive as keyword
    arguments of the class's constructor; a format with none needs no config_section.

    Findings a method returns carry the rule, message, kind and pointer; the caller adds the file,
    subject and version. Pointers are whatever `ParsedSchema.locate` reads back.
    """

    schema_type: SchemaType

    def outline(self, source: SchemaText) -> Outline:
        """Raises InvalidSchema when the text cannot even be read."""
        ...

    def name_candidates(self, text: str) -> NameCandidates | None:
        """A cheap superset of the names `outline` can take as primary or first type name, or None
        when the format cannot tell cheaply. A history reads it to skip outlining the contents that
        cannot name a wanted subject."""
        ...

    def parse(self, source: SchemaText, references: Sequence[ParsedSchema]) -> ParsedSchema:
        """Full parse and validity checks; references are the parsed schemas it depends on.

        As strict as Schema Registry is with a new schema. Raises InvalidSchema (exit-2 findings,
        positioned in `source` where possible)."""
        ...

    def parse_registered(self, source: SchemaText, references: Sequence[ParsedSchema]) -> ParsedSchema:
        """An earlier version, parsed as leniently as the registry parses a version it already
        holds: history it accepted must compare, never turn a check into "invalid". A format with
        no lenient mode returns `parse(source, references)`. Raises InvalidSchema."""
        ...

    def parse_alone(self, source: SchemaText, registered: bool = False) -> ParsedSchema | None:
        """A shortcut for `parse(source, [])` (`parse_registered` when `registered`) for a valid
        text that needs no reference; None means "parse it the full way" (outline, references,
        then parse), and is always a correct answer. Never raises."""
        ...

    def prepare(
        self,
        sources: Sequence[SchemaText],
        all_parsed: bool = False,
        groups: Sequence[Sequence[SchemaText]] = (),
        source_info: bool = True,
        meanwhile: Callable[[], None] | None = None,
    ) -> None:
        """A hint that these texts are about to be parsed: a format that compiles (Protobuf) may
        compile them all in one go. `all_parsed`: every one will be. `groups`: texts parsed together
        (an earlier version with its references as they were at its commit). `source_info` False:
        no caller reads every text's positions and comments (no lint), so a format may leave them
        out and find a position only where one is asked for. `meanwhile`: work the caller would do
        later anyway (parsing the current texts), which a format may call once, while it waits on
        a process of its own. Others do nothing."""
        ...

    def compile_aside(self, sources: Sequence[SchemaText], source_info: bool = True) -> None:
        """A hint that these texts will be compiled first (`prepare`): a format that compiles may
        start on them aside while the caller does other work. Others do nothing."""
        ...

    def finish(self) -> None:
        """The run's parses are done: a format that keeps answers for the next run (Protobuf:
        protoc's) keeps those it made after `prepare` too. Others do nothing."""
        ...

    def registry_parts(self, schema: ParsedSchema) -> tuple[str, list[tuple[str, ParsedSchema]]]:
        """The text to register and its references as (reference name, parsed schema), named as
        Confluent's serializers name them."""
        ...

    def registry_text(self, schema: ParsedSchema) -> str | None:
        """A self-contained text (references written inline) to test compatibility with, so that
        unregistered references cannot get in the way; None when the format cannot inline them
        (the caller then sends `registry_parts` with registered reference versions)."""
        ...

    def adopted_text(self, registered: str) -> str:
        """A registered text as `status --adopt` writes it into a new contract file (pretty)."""
        ...

    def check(self, reader: ParsedSchema, writer: ParsedSchema, forward: bool = False) -> list[Finding]:
        """Incompatibilities of reading data written with `writer` using `reader`. `forward`: the
        reader is the earlier version (FORWARD), so that messages and hints say what the change did
        to the old version, as the user made it, not what the swapped comparison sees."""
        ...

    def fingerprint(self, source: SchemaText) -> str:
        """Cheap identity of a text: equal for texts that differ only in formatting or key order.

        Used to tell distinct versions apart in history; never raises (falls back to the raw text).
        """
        ...

    def prove(self, reader: ParsedSchema, writer: ParsedSchema, samples: int, seed: int) -> list[Finding]:
        """Write generated data with `writer`, read with `reader`; findings for what fails or changes."""
        ...

    def prove_counted(
        self, reader: ParsedSchema, writer: ParsedSchema, samples: int, seed: int
    ) -> tuple[list[Finding], int]:
        """`prove`, and how many records it proved with (up to `samples`; 0: none could be made), so
        that a report says what `--prove` covered."""
        ...

    @property
    def compiles(self) -> bool:
        """Whether `prepare` does anything; when not, callers skip gathering texts for it."""
        ...

    @property
    def include_folders(self) -> Sequence[str]:
        """Folders (absolute) searched for imports that are not contracts (`protobuf.include`): an
        earlier version laid out as its commit held its imports takes their files from that commit
        too (repo/as_committed.py). Empty for formats without them."""
        ...

    @property
    def include_setting(self) -> str | None:
        """The config key that lists `include_folders` (`protobuf.include`): what a hint names for an
        import no tracked file answers. None for formats without such folders."""
        ...

    def builtin_import(self, import_path: str) -> bool:
        """Whether the registry has the file at this import path built in (Protobuf's well-known and
        common types): a vendored copy of it is never what the registry or a check compiles against."""
        ...

    @property
    def lint_rules(self) -> frozenset[str]:
        """Ids of the lint rules (`contractctl.lint.RULES`) `lint` may report."""
        ...

    def lint(self, schema: ParsedSchema, emitter: Emitter, earlier: Sequence[ParsedSchema]) -> None:
        """Report lint problems of `schema` through `emitter` (its pointers, inline ignores and
        settings); `earlier` are its previous versions, oldest first (for rules about history)."""
        ...

    def reads_history_for_lint(self) -> bool:
        """Whether `lint` reads earlier versions, so a check with lint must parse all of them."""
        ...

    def changelog(self, old: ParsedSchema, new: ParsedSchema, directions: frozenset[str]) -> list[Change]:
        """What changed from `old` to `new` for people, each change marked breaking when the
        compatibility check in `directions` ("backward", "forward") would fail on it."""
        ...

    def example_codec(self, schema: ParsedSchema) -> ExampleCodec:
        """Reads sidecar examples with `schema` and writes them in the format's encoding."""
        ...

    def shapes(self, schema: ParsedSchema) -> SchemaModel:
        """The records, fields and inline tags a sidecar may name (`Record.field` paths)."""
        ...

    def rule_help(self) -> Mapping[str, tuple[str, str]]:
        """(short description, help text) for every rule id its findings carry, for SARIF."""
        ...
