"""What sidecars ask of a schema's shapes (`contractctl.formats.vocabulary.shapes`): field paths,
Confluent's wildcards, and the shapes of a parsed schema."""

from __future__ import annotations

import re
from functools import lru_cache

from contractctl.formats import get_format
from contractctl.formats.base import ParsedSchema
from contractctl.formats.vocabulary.shapes import Field, ListOf, MapOf, Record, SchemaModel, Shape, UnionOf
from contractctl.model import SchemaType


def records_in(shape: Shape) -> list[Record]:
    """The records a value of this shape holds directly (through lists, maps and unions)."""
    if isinstance(shape, Record):
        return [shape]
    if isinstance(shape, ListOf):
        return records_in(shape.item)
    if isinstance(shape, MapOf):
        return records_in(shape.value)
    if isinstance(shape, UnionOf):
        return [record for branch in shape.branches for record in records_in(branch)]
    return []


def resolve_path(model: SchemaModel, path: str) -> tuple[Record, Field] | str:
    """A dotted field path from the root record (``lines.sku``) to (declaring record, field); or an error.

    Lists, maps and unions are stepped through, so ``lines.sku`` reaches the items' field.
    """
    candidates = records_in(model.root)
    found: tuple[Record, Field] | None = None
    walked: list[str] = []
    for segment in path.split("."):
        matches = [(record, record.fields[segment]) for record in candidates if segment in record.fields]
        if not matches:
            where = ".".join(walked) or "the top-level record"
            known = sorted({name for record in candidates for name in record.fields})
            if not candidates:
                return f"{where} is not a record, so it has no field {segment!r}"
            return f"{where} has no field {segment!r} (fields: {', '.join(known) or 'none'})"
        found = matches[0]
        walked.append(segment)
        candidates = [record for _, item in matches for record in records_in(item.shape)]
    assert found is not None
    return found


@lru_cache(maxsize=256)
def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """Confluent's wildcard for dotted names: `?` one char, `*` within a name, `**` across names."""
    source = pattern.replace("**.*", "**")
    out: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        index += 1
        if char == "*":
            if index < len(source) and source[index] == "*":
                out.append(".*")
                index += 1
            else:
                out.append("[^.]*")
        elif char == "?":
            out.append("[^.]")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out))


def wildcard_match(text: str, pattern: str) -> bool:
    return wildcard_regex(pattern).fullmatch(text) is not None


def schema_model(schema: ParsedSchema, schema_type: SchemaType) -> SchemaModel:
    """The schema reduced to this view, by its format (SchemaFormat.shapes)."""
    return get_format(schema_type).shapes(schema)
