"""The interface every schema format implements; compat, repo and history only see this."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from contractctl.model import Finding, SchemaText, SchemaType, SourcePosition


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


class ParsedSchema(Protocol):
    """A schema parsed together with its references."""

    @property
    def source(self) -> SchemaText: ...

    def locate(self, pointer: str | None) -> SourcePosition | None:
        """Position of the pointer (or its nearest enclosing element) in the source text."""
        ...


class SchemaFormat(Protocol):
    schema_type: SchemaType

    def outline(self, source: SchemaText) -> Outline:
        """Raises InvalidSchema when the text cannot even be read."""
        ...

    def parse(self, source: SchemaText, references: Sequence[ParsedSchema]) -> ParsedSchema:
        """Full parse and validity checks; references are the parsed schemas it depends on."""
        ...

    def check(self, reader: ParsedSchema, writer: ParsedSchema) -> list[Finding]:
        """Incompatibilities of reading data written with `writer` using `reader`."""
        ...

    def fingerprint(self, source: SchemaText) -> str:
        """Cheap identity of a text: equal for texts that differ only in formatting or key order.

        Used to tell distinct versions apart in history; never raises (falls back to the raw text).
        """
        ...

    def prove(self, reader: ParsedSchema, writer: ParsedSchema, samples: int, seed: int) -> list[Finding]:
        """Write generated data with `writer`, read with `reader`; findings for what fails or changes."""
        ...
