"""Load JSON while remembering where every value starts, so findings can name a line and column.

The standard json module gives values but no positions; schemas are small, so a second scan over an
already-validated text is cheap and keeps strict parsing in the standard library.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from contractctl.model import SourcePosition

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = ("true", "false", "null")
# A string (kept), or a comment as Jackson's ALLOW_COMMENTS reads it: `//` to the end of the line,
# `/* ... */` (not nested). Matching strings first keeps "http://x" inside a string intact.
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|//[^\n\r]*|/\*.*?\*/', re.DOTALL)
_NOT_A_LINE_BREAK = re.compile(r"[^\n\r]")


class JsonSyntaxError(ValueError):
    def __init__(self, message: str, position: SourcePosition) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class DanglingContent(ValueError):
    """A comment after the end of the document's value (see `blank_comments`)."""

    def __init__(self, offset: int) -> None:
        super().__init__("dangling content after the end of the schema")
        self.offset = offset


def blank_comments(text: str) -> str:
    """`text` with every comment turned into spaces (line breaks kept), so offsets, lines and
    columns of everything else stay where they were.

    Avro Java parses schemas with Jackson's ALLOW_COMMENTS (Schema.java, 1.12: `FACTORY.enable(
    JsonParser.Feature.ALLOW_COMMENTS)`), then `Schema.Parser.parse` rejects anything but whitespace
    after the schema's value ("dangling content after end of schema"), a trailing comment included:
    such a comment raises DanglingContent. A `/` that starts no comment is left for the JSON
    decoder to refuse, with its position.
    """
    if "/" not in text:
        return text
    comments: list[int] = []

    def blank(match: re.Match[str]) -> str:
        token = match.group()
        if token[0] == '"':
            return token
        comments.append(match.start())
        return _NOT_A_LINE_BREAK.sub(" ", token)

    blanked = _STRING_OR_COMMENT.sub(blank, text)
    if comments:
        start = _skip_whitespace(blanked, 0)
        try:
            end = json.JSONDecoder().raw_decode(blanked, start)[1]
        except (ValueError, RecursionError):
            return blanked  # the decoder says what is wrong, and where
        dangling = [offset for offset in comments if offset >= end]
        if dangling:
            raise DanglingContent(dangling[0])
    return blanked


def _skip_whitespace(text: str, offset: int) -> int:
    match = _WHITESPACE.match(text, offset)
    return match.end() if match else offset


def offset_position(text: str, offset: int) -> SourcePosition:
    """The 1-based line and column of an offset into `text`."""
    line = text.count("\n", 0, offset) + 1
    return SourcePosition(line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def load_with_positions(text: str, allow_comments: bool = False) -> tuple[Any, dict[str, SourcePosition]]:
    """Parse `text` strictly; return the value and a map from JSON pointer to the value's position.

    With `allow_comments`, comments are read as Avro's Jackson parser reads them (`blank_comments`).
    """
    if allow_comments:
        try:
            text = blank_comments(text)
        except DanglingContent as error:
            position = offset_position(text, error.offset)
            raise JsonSyntaxError(f"invalid JSON: {error}", position) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonSyntaxError(
            f"invalid JSON: {error.msg}", SourcePosition(error.lineno, error.colno)
        ) from None
    except RecursionError:
        raise JsonSyntaxError("invalid JSON: nested too deeply", SourcePosition(1, 1)) from None
    except ValueError as error:  # an integer past Python's int_max_str_digits (4300 digits)
        raise JsonSyntaxError(f"invalid JSON: {_number_problem(error)}", _long_number(text)) from None
    return value, _Scanner(text).scan()


_LONG_DIGITS = re.compile(r"\d{4301,}")


def _number_problem(error: ValueError) -> str:
    return "a number too long to read" if "digits" in str(error) else str(error)


def _long_number(text: str) -> SourcePosition:
    """Where the first number json.loads cannot convert starts (1:1 when none is found)."""
    match = _LONG_DIGITS.search(text)
    return offset_position(text, match.start()) if match else SourcePosition(1, 1)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.positions: dict[str, SourcePosition] = {}

    def scan(self) -> dict[str, SourcePosition]:
        self._value(self._skip(0), "")
        return self.positions

    def _position(self, offset: int) -> SourcePosition:
        line_index = bisect.bisect_right(self.line_starts, offset) - 1
        return SourcePosition(line_index + 1, offset - self.line_starts[line_index] + 1)

    def _skip(self, offset: int) -> int:
        match = _WHITESPACE.match(self.text, offset)
        return match.end() if match else offset

    def _value(self, offset: int, pointer: str) -> int:
        # A repeated key: the value read is the last one (json, orjson and Jackson agree), so is its place.
        start = self._position(offset)
        end = self._value_end(offset, pointer)
        last = self._position(end - 1)
        self.positions[pointer] = SourcePosition(start.line, start.column, last.line, last.column)
        return end

    def _value_end(self, offset: int, pointer: str) -> int:
        char = self.text[offset]
        if char == "{":
            return self._object(offset, pointer)
        if char == "[":
            return self._array(offset, pointer)
        if char == '"':
            return json.decoder.scanstring(self.text, offset + 1)[1]  # type: ignore[attr-defined,no-any-return]
        for literal in _LITERALS:
            if self.text.startswith(literal, offset):
                return offset + len(literal)
        match = _NUMBER.match(self.text, offset)
        if match is None:  # unreachable for text that json.loads accepted
            raise JsonSyntaxError("invalid JSON value", self._position(offset))
        return match.end()

    def _object(self, offset: int, pointer: str) -> int:
        offset = self._skip(offset + 1)
        if self.text[offset] == "}":
            return offset + 1
        while True:
            key, offset = json.decoder.scanstring(self.text, offset + 1)  # type: ignore[attr-defined]
            offset = self._skip(offset)  # at ':'
            offset = self._skip(offset + 1)
            offset = self._skip(self._value(offset, f"{pointer}/{escape_pointer_token(key)}"))
            if self.text[offset] == "}":
                return offset + 1
            offset = self._skip(offset + 1)  # past ','

    def _array(self, offset: int, pointer: str) -> int:
        offset = self._skip(offset + 1)
        if self.text[offset] == "]":
            return offset + 1
        index = 0
        while True:
            offset = self._skip(self._value(offset, f"{pointer}/{index}"))
            index += 1
            if self.text[offset] == "]":
                return offset + 1
            offset = self._skip(offset + 1)


def nearest_position(positions: dict[str, SourcePosition], pointer: str | None) -> SourcePosition | None:
    """Position of `pointer`, or of its closest ancestor present in the text (e.g. inside a reference)."""
    if pointer is None:
        return None
    candidate = pointer
    while True:
        if candidate in positions:
            return positions[candidate]
        if not candidate:
            return None
        candidate = candidate.rsplit("/", 1)[0]
