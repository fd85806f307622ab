"""A contract's text read as a JSON Schema document: JSON with positions, its draft, its validity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contractctl.formats.base import InvalidSchema
from contractctl.formats.jsonschema.drafts import Draft, detect_draft
from contractctl.formats.jsonschema.validity import meta_schema_problems
from contractctl.jsonpos import JsonSyntaxError, load_with_positions, nearest_position
from contractctl.model import Finding, FindingKind, SchemaText, SourcePosition


@dataclass(frozen=True)
class JsonDocument:
    source: SchemaText
    value: Any
    positions: dict[str, SourcePosition]
    draft: Draft

    def locate(self, pointer: str | None) -> SourcePosition | None:
        if pointer is None:
            return None
        return nearest_position(self.positions, pointer[1:] if pointer.startswith("#") else pointer)

    def invalid(self, rule: str, message: str, pointer: str) -> Finding:
        return invalid_at(self.source, rule, message, self.locate(pointer) or SourcePosition(1, 1), pointer)


def invalid_at(
    source: SchemaText, rule: str, message: str, position: SourcePosition, pointer: str | None
) -> Finding:
    return Finding(
        rule=rule,
        message=message,
        kind=FindingKind.INVALID,
        file=str(source.path),
        line=position.line,
        column=position.column,
        pointer=pointer if pointer is None or pointer.startswith("#") else "#" + pointer,
    )


def read_document(source: SchemaText, validate: bool = True) -> JsonDocument:
    """Strict JSON, an object or boolean at the root and (with `validate`) the draft's meta-schema.

    Raises InvalidSchema with every problem found, each with its line and column.
    """
    if not source.text.strip():
        raise InvalidSchema([invalid_at(source, "EMPTY_FILE", "file is empty", SourcePosition(1, 1), None)])
    try:
        value, positions = load_with_positions(source.text)
    except JsonSyntaxError as error:
        raise InvalidSchema(
            [invalid_at(source, "INVALID_JSON", error.message, error.position, None)]
        ) from None
    except RecursionError:
        raise InvalidSchema(
            [
                invalid_at(
                    source, "INVALID_JSON", "invalid JSON: nested too deeply", SourcePosition(1, 1), None
                )
            ]
        ) from None
    if not isinstance(value, (dict, bool)):
        message = f"a JSON Schema must be an object or a boolean at the root, not {_json_type(value)}"
        raise InvalidSchema([invalid_at(source, "INVALID_SCHEMA", message, SourcePosition(1, 1), "")])
    document = JsonDocument(source, value, positions, detect_draft(value))
    if validate:
        try:
            problems = meta_schema_problems(value, document.draft)
        except RecursionError:
            problems = [("", "schema nested too deeply to check")]
        if problems:
            raise InvalidSchema([document.invalid("INVALID_SCHEMA", m, p) for p, m in problems])
    return document


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "a number"
