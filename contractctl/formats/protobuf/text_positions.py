"""Confluent paths (`#/Outer/Inner/3`, `#/Msg/oneof/5`, `#/Enum/2`) -> positions, read from the text.

A finding about a type of an imported file is located in that file. Its descriptor was compiled
without source info (a check that does not lint never asks protoc for positions), and compiling each
such file again, alone with its closure, cost the API tree's check two seconds for 55 files. The
positions of the package, messages, enums, oneofs, fields and enum values are plain in the text:
tokens (comments skipped as `outline` skips them) with their offsets, and a stack of the blocks they
open. Proto2 groups are not read (`has_group`: such a file is located by protoc). Compared with
protoc's source info: equal on every element of the case corpus, of 300 Envoy API files (4,763),
400 googleapis files (30,783) and 200 files of the API tree (2,633);
tests/unit/test_protobuf_text_positions.py keeps the corpus and generated trees.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from contractctl.formats.protobuf.outline import token_offsets, tokens
from contractctl.model import SourcePosition

_SKIPPED_STATEMENTS = frozenset(
    ("option", "reserved", "extensions", "import", "package", "syntax", "edition")
)
_LABELS = frozenset(("optional", "required", "repeated"))
_NEWLINE = re.compile("\n")


def text_positions(text: str) -> dict[str, SourcePosition]:
    """Each element's path -> the position of its declaration (a field's: its statement)."""
    found = token_offsets(text)
    line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]

    def at(offset: int, end: int) -> SourcePosition:
        line = bisect_right(line_starts, offset)
        end_line = bisect_right(line_starts, max(end - 1, offset))
        return SourcePosition(
            line, offset - line_starts[line - 1] + 1, end_line, end - line_starts[end_line - 1]
        )

    out: dict[str, SourcePosition] = {}
    # open blocks: (kind, path of the element, its message's path, where it starts); kind
    # message|enum|oneof (placed when it closes), file or other (an option's value, a service...)
    stack: list[tuple[str, str, str, int]] = [("file", "#", "#", 0)]
    statement = 0  # index of the token that starts the current statement
    brackets = 0  # depth of `[...]` (field options) and `<...>` (map types) inside a statement
    index = 0
    while index < len(found):
        token, offset = found[index]
        kind, path, message, _ = stack[-1]
        following = found[index + 1][0] if index + 1 < len(found) else ""
        if token in ("message", "enum", "oneof") and index == statement and index + 2 < len(found):
            name, brace = following, found[index + 2][0]
            if brace == "{" and (token != "oneof" or kind == "message"):
                element = f"{path if token != 'oneof' else message}/{name}"
                stack.append((token, element, element if token == "message" else message, offset))
                index += 3
                statement = index
                continue
        if token in ("[", "<"):
            brackets += 1
        elif token in ("]", ">"):
            brackets = max(0, brackets - 1)
        elif token == "{":
            stack.append(("other", path, message, offset))
            statement = index + 1
        elif token == "}":
            if len(stack) > 1:
                closed, element, _, start = stack.pop()
                if closed != "other":
                    out.setdefault(element, at(start, offset + 1))
            statement, brackets = index + 1, 0
        elif token == ";":
            if found[statement][0] == "package" and kind == "file":
                out.setdefault("#/", at(found[statement][1], offset + 1))
            statement, brackets = index + 1, 0
        elif token == "=" and brackets == 0 and kind in ("message", "oneof", "enum"):
            first = found[statement][0] if statement < len(found) else ""
            number = _number(following)
            if number is not None and first not in _SKIPPED_STATEMENTS and index > statement:
                end = _statement_end(found, index, text)
                position = at(found[statement][1], end)
                if kind == "enum":
                    out.setdefault(f"{path}/{number}", position)
                elif first != "group" and not (first in _LABELS and found[statement + 1][0] == "group"):
                    out.setdefault(f"{message}/{number}", position)
                    if kind == "oneof":
                        out.setdefault(f"{path}/{number}", position)
        index += 1
    return out


def has_group(text: str) -> bool:
    """Whether a text may declare a proto2 group, which `text_positions` does not read."""
    return "group" in text and "group" in tokens(text)


def _number(token: str) -> int | None:
    try:
        return int(token, 0)
    except ValueError:
        return None


def _statement_end(found: list[tuple[str, int]], index: int, text: str) -> int:
    """The offset just past the `;` ending the statement that holds token `index`."""
    for token, offset in found[index:]:
        if token == ";":
            return offset + 1
    return len(text)
