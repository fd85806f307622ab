"""The source line a position points at, with a caret under its column: the detail `-v` adds to a
finding about a file that does not parse."""

from __future__ import annotations

_WIDTH = 160  # a minified contract is one very long line: show the part around the column


def source_excerpt(text: str, line: int | None, column: int | None = None) -> str | None:
    """`  12 | <line>` and, with a column, a caret under it; None when the line is not in `text`."""
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return None
    content = lines[line - 1].expandtabs(1)
    caret = max(column or 0, 1) - 1
    start = max(0, min(caret - _WIDTH // 2, len(content) - _WIDTH))
    shown = content[start : start + _WIDTH]
    prefix = "…" if start else ""
    gutter = f"{line:>5} | "
    out = f"{gutter}{prefix}{shown}"
    if column:
        out += "\n" + " " * (len(gutter) - 2) + "| " + " " * (len(prefix) + caret - start) + "^"
    return out
