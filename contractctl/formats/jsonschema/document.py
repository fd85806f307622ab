"""A contract's text read as a JSON Schema document: JSON with positions, its draft, its validity."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contractctl.formats.base import InvalidSchema
from contractctl.formats.jsonschema.drafts import Draft, detect_draft
from contractctl.formats.jsonschema.validity import meta_schema_problems
from contractctl.generic.excerpt import source_excerpt
from contractctl.generic.fastjson import strict_loads
from contractctl.generic.jsonpos import JsonSyntaxError, load_with_positions, nearest_position
from contractctl.model import Finding, FindingKind, SchemaText, SourcePosition


@dataclass
class JsonDocument:
    source: SchemaText
    value: Any
    draft: Draft
    _positions: dict[str, SourcePosition] | None = field(default=None, repr=False)

    @property
    def positions(self) -> dict[str, SourcePosition]:
        """Where each value starts: scanned on first use (only findings need it, not comparisons)."""
        if self._positions is None:
            self._positions = load_with_positions(self.source.text)[1]
        return self._positions

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
        detail=source_excerpt(source.text, position.line, position.column),
    )


def read_document(source: SchemaText, validate: bool = True) -> JsonDocument:
    """Strict JSON, an object or boolean at the root and (with `validate`) the draft's meta-schema.

    Raises InvalidSchema with every problem found, each with its line and column.
    """
    if not source.text.strip():
        raise InvalidSchema([invalid_at(source, "EMPTY_FILE", "file is empty", SourcePosition(1, 1), None)])
    value = _PARSED.pop(source.text, _UNREAD)
    if value is _UNREAD:
        try:
            value = strict_loads(source.text)[0]
        except (ValueError, RecursionError):
            value = _syntax_problem(source)
    document = _checked_root(source, value)
    if validate:
        try:
            problems = meta_schema_problems(value, document.draft)
        except RecursionError:
            problems = [("", "schema nested too deeply to check")]
        if problems:
            raise InvalidSchema([document.invalid("INVALID_SCHEMA", m, p) for p, m in problems])
    return document


_UNREAD: Any = object()
_PARSED: dict[str, Any] = {}
"""Texts already read as JSON (by a fingerprint) and not yet read as a document: taken once."""
_PARSED_LIMIT = 20_000


def read_later(text: str, value: Any) -> None:
    """Keep `value` (strict_loads of `text`, never changed by anyone) for the next read_document of
    `text`: a history check fingerprints each version, then parses the same text."""
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[text] = value


def _syntax_problem(source: SchemaText) -> Any:
    """Raises the finding for a text json.loads refused, positioned by the strict scanner."""
    try:
        load_with_positions(source.text)
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
    # json.loads refused what the scanner accepts (a number too large, a lone surrogate...)
    raise InvalidSchema([invalid_at(source, "INVALID_JSON", "invalid JSON", SourcePosition(1, 1), None)])


def _checked_root(source: SchemaText, value: Any) -> JsonDocument:
    if not isinstance(value, (dict, bool)):
        message = f"a JSON Schema must be an object or a boolean at the root, not {_json_type(value)}"
        raise InvalidSchema([invalid_at(source, "INVALID_SCHEMA", message, SourcePosition(1, 1), "")])
    return JsonDocument(source, value, detect_draft(value))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "a number"
