"""Markdown inline pieces that keep schema content literal, wherever the text ends up."""

from __future__ import annotations

import json
import re
from typing import Any

# The characters that can start emphasis, links, HTML, entities or strikethrough inside a line.
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!])")
_LIMIT = 80


def code(value: str) -> str:
    """A code span that survives backticks (a longer fence) and newlines (flattened) in the value."""
    flat = " ".join(value.split())
    if not flat:
        return "(empty)"
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def text(value: str) -> str:
    """Plain text with every character that could start Markdown or HTML markup backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(value.split()))


def short(value: str, limit: int = _LIMIT) -> str:
    """Long docs and defaults are cut: a changelog line says what changed, the schema says the rest."""
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def value(data: Any) -> str:
    """A JSON value (default, property) as a short code span."""
    return code(short(json.dumps(data, ensure_ascii=False, sort_keys=True)))


def names(items: list[str]) -> str:
    return ", ".join(code(item) for item in items)
