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


class JsonSyntaxError(ValueError):
    def __init__(self, message: str, position: SourcePosition) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def load_with_positions(text: str) -> tuple[Any, dict[str, SourcePosition]]:
    """Parse `text` strictly; return the value and a map from JSON pointer to the value's position."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonSyntaxError(
            f"invalid JSON: {error.msg}", SourcePosition(error.lineno, error.colno)
        ) from None
    except RecursionError:
        raise JsonSyntaxError("invalid JSON: nested too deeply", SourcePosition(1, 1)) from None
    return value, _Scanner(text).scan()


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
        self.positions.setdefault(pointer, self._position(offset))
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
