"""JSON positions: every value's pointer maps to its line and column."""

from __future__ import annotations

import pytest

from contractctl.generic.jsonpos import JsonSyntaxError, load_with_positions, nearest_position
from contractctl.model import SourcePosition

TEXT = '{\n  "a/b": [1, {"c~d": "x\\"y"}],\n  "e": null\n}'


def test_positions_of_every_value() -> None:
    value, positions = load_with_positions(TEXT)
    assert value == {"a/b": [1, {"c~d": 'x"y'}], "e": None}
    assert positions[""] == SourcePosition(1, 1)
    assert positions["/a~1b"] == SourcePosition(2, 10)
    assert positions["/a~1b/0"] == SourcePosition(2, 11)
    assert positions["/a~1b/1/c~0d"] == SourcePosition(2, 22)
    assert positions["/e"] == SourcePosition(3, 8)


def test_nearest_position_falls_back_to_ancestors() -> None:
    _, positions = load_with_positions(TEXT)
    assert nearest_position(positions, "/a~1b/1/zzz/0") == positions["/a~1b/1"]
    assert nearest_position(positions, None) is None


@pytest.mark.parametrize(("text", "line", "column"), [('{\n  "a": ,\n}', 2, 8), ("[1, 2", 1, 6), ("", 1, 1)])
def test_syntax_errors_have_positions(text: str, line: int, column: int) -> None:
    with pytest.raises(JsonSyntaxError) as error:
        load_with_positions(text)
    assert error.value.position == SourcePosition(line, column)


def test_positions_know_where_each_value_ends() -> None:
    from contractctl.generic.jsonpos import load_with_positions

    _, positions = load_with_positions('{"a": [1, "xy"],\n "b": {\n  "c": true\n }\n}')
    ends = {p: (pos.line, pos.column, pos.end_line, pos.end_column) for p, pos in positions.items()}
    assert ends["/a"] == (1, 7, 1, 15)
    assert ends["/a/1"] == (1, 11, 1, 14)
    assert ends["/b"] == (2, 7, 4, 2)
    assert ends[""] == (1, 1, 5, 1)
