"""Avro contracts: JSON with positions, Confluent's validity rules, Java's reader/writer check."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from contractctl.formats.avro.fastjson import canonical, java_text, strict_loads
from contractctl.formats.avro.resolve import (
    Problem,
    ResolvedSchema,
    object_defaults_reach_record,
    outline,
    resolve,
)
from contractctl.formats.base import ExampleCodec, InvalidSchema, NameCandidates, Outline, ParsedSchema
from contractctl.generic.jsonpos import JsonSyntaxError, load_with_positions, nearest_position
from contractctl.model import Finding, FindingKind, SchemaText, SchemaType, Severity, SourcePosition

if TYPE_CHECKING:
    from contractctl.formats.vocabulary.change import Change
    from contractctl.formats.vocabulary.lint import Emitter
    from contractctl.formats.vocabulary.shapes import SchemaModel


@dataclass(frozen=True)
class AvroSchema:
    """A parsed Avro contract: its document, its resolved form, and (on demand) where each element sits.

    Positions are scanned only when a finding needs a line: most historic versions never do, and the
    scan costs more than parsing itself.
    """

    source: SchemaText
    document: Any
    resolved: ResolvedSchema
    references: tuple[AvroSchema, ...] = ()  # the contracts whose types this one uses, directly

    @cached_property
    def positions(self) -> dict[str, SourcePosition]:
        return load_with_positions(java_text(self.source.text), allow_comments=True)[1]

    @cached_property
    def closed_types(self) -> Mapping[int, Any]:
        """`resolved.closed` of this schema and of every contract it uses: the types whose
        equality decides a verdict (see compat._Verdict), wherever the names table took them from."""
        if not self.references:
            return self.resolved.closed
        merged: dict[int, Any] = {}
        for reference in self.references:
            merged.update(reference.closed_types)
        merged.update(self.resolved.closed)
        return merged

    @cached_property
    def used_in_order(self) -> tuple[AvroSchema, ...]:
        """Every contract this one uses, each after those it uses, once: a depth-first walk from
        here, which each reference's own order makes without walking it again. Not this contract
        itself: a schema holding itself would outlive every check (reference counting frees it)."""
        if len(self.references) == 1:  # a link of a chain: its reference's order, then it
            only = self.references[0]
            return (*only.used_in_order, only)
        order: list[AvroSchema] = []
        seen: set[int] = set()
        for reference in self.references:
            for schema in (*reference.used_in_order, reference):
                if id(schema) not in seen:
                    seen.add(id(schema))
                    order.append(schema)
        return tuple(order)

    @cached_property
    def ordered_names(self) -> dict[str, dict[str, Any]]:
        """The types of `used_in_order`'s contracts and then this one's, merged in that order
        (read-only: shared)."""
        if not self.references:
            return dict(self.resolved.names)
        first = self.references[0]
        names = dict(first.ordered_names)
        for schema in self.used_in_order[len(first.used_in_order) + 1 :]:
            names.update(schema.resolved.names)
        names.update(self.resolved.names)
        return names

    @cached_property
    def object_defaults_reach_record(self) -> bool:
        """Whether this contract's types, or those of the contracts it uses, hold an object or array
        default whose type may reach a record (resolve's `referenced_defaults` for a contract using
        this one): each contract's own types asked once, the rest from its references' answers."""
        if any(reference.object_defaults_reach_record for reference in self.references):
            return True
        names = self.resolved.names
        own = (names[name] for name in dict.fromkeys(self.resolved.defined) if name in names)
        return object_defaults_reach_record(own, self.ordered_names)

    def locate(self, pointer: str | None) -> SourcePosition | None:
        return nearest_position(self.positions, pointer)

    @property
    def has_record_type(self) -> bool:
        """Any valid Avro schema can be a topic's key or value."""
        return True


def _invalid(
    source: SchemaText, rule: str, message: str, position: SourcePosition | None, hint: str
) -> Finding:
    from contractctl.generic.excerpt import source_excerpt

    line, column = (position.line, position.column) if position else (1, None)
    return Finding(
        rule=rule,
        message=message,
        kind=FindingKind.INVALID,
        file=str(source.path),
        line=line,
        column=column,
        hint=hint,
        detail=source_excerpt(source.text, line, column),
    )


_PROBLEM_HINTS = {
    "AVRO_NOT_A_SCHEMA": "An Avro schema is a JSON object, an array (union) or a type name string.",
    "AVRO_UNKNOWN_TYPE": "Define the type, fix its name, or add the contract that defines it.",
    "AVRO_INVALID_NAME": "Names start with a letter or _ and contain only letters, digits and _.",
    "AVRO_DUPLICATE_NAME": "Each named type may be defined once; refer to it by name afterwards.",
    "AVRO_DUPLICATE_FIELD": "Rename or remove one of the fields.",
    "AVRO_DUPLICATE_SYMBOL": "Remove the repeated symbol.",
    "AVRO_RECORD_WITHOUT_FIELDS": 'A record needs a "fields" list (it may be empty).',
    "AVRO_BAD_DEFAULT": "Make the default a value of the field's type (for a union, of one of its branches).",
    "AVRO_ENUM_DEFAULT": "The enum default must be one of its symbols.",
    "AVRO_INVALID_FIXED_SIZE": "A fixed needs a non-negative integer size.",
    "AVRO_INVALID_UNION": "A union may not contain another union or two branches of the same type.",
    "AVRO_MISSING_ATTRIBUTE": "Add the attribute the Avro specification requires here.",
}
_PROBLEM_HINTS_111 = {  # where Avro 1.11 (avro parser "1.11") asks something else
    "AVRO_BAD_DEFAULT": "Make the default a value of the field's type (for a union, of its FIRST branch: "
    "Avro 1.11 takes no other; put the default's type first).",
    "AVRO_UNKNOWN_TYPE": "Define the type before its first use (Avro 1.11 reads no forward reference), "
    "fix its name, or add the contract that defines it.",
    "AVRO_DUPLICATE_NAME": "Each named type may be defined once (Avro 1.11 refuses even an identical "
    "second definition); refer to it by name afterwards.",
}


@lru_cache(maxsize=1024)
def _strict_json(text: str) -> Any:
    return strict_loads(text)


def _external_names(references: Sequence[ParsedSchema]) -> dict[str, dict[str, Any]]:
    """The referenced contracts' types, each contract's after those of the contracts it uses: the
    order in which Confluent hands resolved references to Avro's parser, which resolve's second
    look at defaults follows. From each reference's own order, kept on it (`used_in_order`): walked
    again per parse, a chain of k references cost k^2 visits for one check."""
    if not references:
        return {}
    first = references[0]
    assert isinstance(first, AvroSchema)
    external = dict(first.ordered_names)
    if len(references) > 1:
        seen = {id(schema) for schema in (*first.used_in_order, first)}
        for reference in references[1:]:
            assert isinstance(reference, AvroSchema)
            for schema in (*reference.used_in_order, reference):
                if id(schema) not in seen:
                    seen.add(id(schema))
                    external.update(schema.resolved.names)
    return external


PARSERS = ("1.12", "1.11")
"""The Apache Avro parsers a registry may run: 1.12 (Confluent 8.0.3+, 8.1.1+, 8.2+: Avro 1.12.1)
and 1.11 (every Confluent 7.x, 8.0.0-8.0.2, 8.1.0: Avro 1.11.x). See resolve's ``v111``."""


class AvroFormat:
    """parser: "1.12" answers as Schema Registry on Apache Avro 1.12.1 (the default), "1.11" as one
    on Avro 1.11 (resolve's ``v111``); only the parse differs, the compatibility check is the same."""

    compiles = False
    include_folders: tuple[str, ...] = ()
    include_setting = None

    def builtin_import(self, import_path: str) -> bool:
        return False

    lint_rules = frozenset({"naming", "docs", "nullable-default-null", "enum-default", "invalid-ignore"})
    schema_type = SchemaType.AVRO

    def __init__(self, parser: str = "1.12") -> None:
        if parser not in PARSERS:
            raise ValueError(f"parser must be '1.12' or '1.11', not {parser!r}")
        self.parser = parser
        self.v111 = parser == "1.11"

    def _load(self, source: SchemaText) -> tuple[Any, dict[str, SourcePosition]]:
        try:
            return load_with_positions(java_text(source.text), allow_comments=True)
        except JsonSyntaxError as error:
            raise InvalidSchema(
                [_invalid(source, "INVALID_JSON", error.message, error.position, "Fix the JSON syntax.")]
            ) from None

    def _document(self, source: SchemaText) -> Any:
        """Strict JSON (no NaN/Infinity, as Jackson in the registry) at C speed; errors get positions.

        The document is shared (never modified): outline, fingerprint and parse of one text follow
        each other closely, and loading it once for all three matters for a whole-history check.
        """
        try:
            return _strict_json(source.text)
        except (ValueError, RecursionError):
            return self._load(source)[0]  # raises InvalidSchema with the line and column

    def outline(self, source: SchemaText) -> Outline:
        document = self._document(source)
        defined, referenced, primary = outline(document)
        return Outline(tuple(defined), tuple(referenced), primary)

    def parse(self, source: SchemaText, references: Sequence[ParsedSchema]) -> AvroSchema:
        """A new schema, parsed as strictly as Confluent parses a schema it validates as new."""
        return self._parse(source, references, registered=False)

    def parse_registered(self, source: SchemaText, references: Sequence[ParsedSchema]) -> AvroSchema:
        """An earlier version, parsed as leniently as Confluent parses an already registered one
        (AvroSchema.getParser when not validating as new: no default check, no name check while
        parsing, then only the names of types, fields and symbols): history the registry accepted
        is compared, not refused."""
        return self._parse(source, references, registered=True)

    def _parse(self, source: SchemaText, references: Sequence[ParsedSchema], registered: bool) -> AvroSchema:
        document = self._document(source)
        known = any(r.object_defaults_reach_record for r in references if isinstance(r, AvroSchema))
        resolved, problems = resolve(
            document,
            _external_names(references),
            registered,
            referenced_defaults=known if references else None,
            v111=self.v111,
        )
        if problems or resolved is None:
            try:
                positions = self._load(source)[1]
            except RecursionError:  # a text nested deeper than the position scan reaches: line 1
                positions = {}
            raise InvalidSchema([self._problem_finding(source, positions, p) for p in problems])
        used = set(resolved.external_used)
        direct = tuple(r for r in references if isinstance(r, AvroSchema) and set(r.resolved.defined) & used)
        return AvroSchema(source, document, resolved, direct)

    def parse_alone(self, source: SchemaText, registered: bool = False) -> AvroSchema | None:
        """`parse(source, [])` (`parse_registered` when `registered`) for a valid text that defines
        every type it uses; None otherwise.

        None means "parse it the full way": the caller then reads the outline, parses the references
        and gets the findings. A text that needs no reference has an outline with no undefined name,
        so its full parse is this very call; skipping the outline is what this saves.
        """
        try:
            document = _strict_json(source.text)
        except (ValueError, RecursionError):
            return None
        resolved, problems = resolve(document, {}, registered, alone=True, v111=self.v111)
        if problems or resolved is None:
            return None  # invalid, or it uses a type it does not define (first in the text)
        return AvroSchema(source, document, resolved, ())

    def _problem_finding(
        self, source: SchemaText, positions: dict[str, SourcePosition], problem: Problem
    ) -> Finding:
        return _invalid(
            source,
            problem.rule,
            problem.message,
            nearest_position(positions, problem.pointer),
            (self.v111 and _PROBLEM_HINTS_111.get(problem.rule))
            or _PROBLEM_HINTS.get(problem.rule, "Fix the schema."),
        ).with_context(pointer=problem.pointer)

    def check(self, reader: ParsedSchema, writer: ParsedSchema, forward: bool = False) -> list[Finding]:
        """Avro's reader/writer check; its messages name the reader and the writer, true either way
        round, and `forward` picks the hints that fit a reader that is the earlier version."""
        from contractctl.formats.avro.compat import FORWARD_HINTS, HINTS, check_reader_writer, is_compatible

        assert isinstance(reader, AvroSchema) and isinstance(writer, AvroSchema)
        if is_compatible(reader.resolved, writer.resolved, reader.closed_types):
            return []  # the common case, without building a location for every node visited
        return [
            Finding(
                rule=item.type,
                message=item.message,
                kind=FindingKind.INCOMPATIBLE,
                pointer=item.location,
                hint=(forward and FORWARD_HINTS.get(item.type)) or HINTS.get(item.type),
            )
            for item in check_reader_writer(reader.resolved, writer.resolved, self.v111)
        ]

    def registry_parts(self, schema: ParsedSchema) -> tuple[str, list[tuple[str, ParsedSchema]]]:
        """The text to register and its references as (reference name, schema): Confluent names an
        Avro reference by the full name of the referenced schema's top-level type."""
        assert isinstance(schema, AvroSchema)
        text = json.dumps(schema.document, separators=(",", ":"), ensure_ascii=False)
        return text, [(reference.resolved.defined[0], reference) for reference in schema.references]

    def registry_text(self, schema: ParsedSchema) -> str:
        """The schema as sent to a registry: self-contained, references written inline."""
        from contractctl.formats.avro.inline import inline_document

        assert isinstance(schema, AvroSchema)
        return json.dumps(inline_document(schema.resolved), separators=(",", ":"))

    def prepare(
        self,
        sources: Sequence[SchemaText],
        all_parsed: bool = False,
        groups: Sequence[Sequence[SchemaText]] = (),
        source_info: bool = True,
        meanwhile: Callable[[], None] | None = None,
    ) -> None:
        """Nothing to compile: Avro parses each text when asked."""

    def name_candidates(self, text: str) -> NameCandidates | None:
        return None  # a JSON document's names are strings, escapes included: outlined instead

    def compile_aside(self, sources: Sequence[SchemaText], source_info: bool = True) -> None:
        """Nothing to compile."""

    def finish(self) -> None:
        """Nothing kept between runs."""

    def adopted_text(self, registered: str) -> str:
        return json.dumps(json.loads(registered), indent=2, ensure_ascii=False) + "\n"

    def fingerprint(self, source: SchemaText) -> str:
        try:
            return canonical(_strict_json(source.text))  # compared for equality only: no digest needed
        except (ValueError, RecursionError):
            return source.text

    def prove_counted(
        self, reader: ParsedSchema, writer: ParsedSchema, samples: int, seed: int
    ) -> tuple[list[Finding], int]:
        """`prove`, and the number of records it proved with (see levels.prove_compatible_pairs):
        none when the writer has no finite value."""
        from contractctl.formats.avro.prove import inhabited

        assert isinstance(writer, AvroSchema)
        if not inhabited(writer.resolved):
            skipped = Finding(
                rule="PROOF_SKIPPED",
                message="the writer schema has no finite value (a record that must contain itself): "
                "no record to prove this pair with",
                kind=FindingKind.ADVISORY,
                severity=Severity.INFO,
            )
            return [skipped], 0
        return self.prove(reader, writer, samples, seed), samples

    def prove(self, reader: ParsedSchema, writer: ParsedSchema, samples: int, seed: int) -> list[Finding]:
        from contractctl.formats.avro.prove import prove

        assert isinstance(reader, AvroSchema) and isinstance(writer, AvroSchema)
        findings = []
        for issue in prove(reader.resolved, writer.resolved, samples=samples, seed=seed):
            lossy = issue.kind == "lossy"
            findings.append(
                Finding(
                    rule="PROOF_LOSSY" if lossy else "PROOF_ENGINE_ERROR",
                    message=f"{issue.message} (example value: {issue.value})",
                    kind=FindingKind.ADVISORY if lossy else FindingKind.POLICY,
                    severity=Severity.WARNING if lossy else Severity.ERROR,
                    hint=(
                        "Compatible by Confluent's rules, but some values change or fail when read."
                        if lossy
                        else "contractctl judged this pair compatible but data disagrees: please report it."
                    ),
                )
            )
        return findings

    def lint(self, schema: ParsedSchema, emitter: Emitter, earlier: Sequence[ParsedSchema]) -> None:
        from contractctl.formats.avro.lint import AvroLinter

        assert isinstance(schema, AvroSchema)
        AvroLinter(schema, emitter).run()

    def reads_history_for_lint(self) -> bool:
        return False

    def changelog(self, old: ParsedSchema, new: ParsedSchema, directions: frozenset[str]) -> list[Change]:
        from contractctl.formats.avro.changelog import diff_avro

        assert isinstance(old, AvroSchema) and isinstance(new, AvroSchema)
        return diff_avro(old.resolved, new.resolved, directions)

    def example_codec(self, schema: ParsedSchema) -> ExampleCodec:
        from contractctl.formats.avro.examples import AvroCodec

        return AvroCodec(schema)

    def shapes(self, schema: ParsedSchema) -> SchemaModel:
        from contractctl.formats.avro.shapes import schema_model

        assert isinstance(schema, AvroSchema)
        return schema_model(schema)

    def rule_help(self) -> Mapping[str, tuple[str, str]]:
        from contractctl.formats.avro.help import RULE_HELP

        return RULE_HELP


FORMAT = AvroFormat()
