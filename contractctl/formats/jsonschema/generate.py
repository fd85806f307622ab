"""Random documents shaped by a schema model: candidates for proof by data.

Only candidates: what a generator cannot honour (patterns, `not`, conditionals, allOf of unlike parts)
is filtered afterwards by validating against the writer schema, so nothing here must be exact.
"""

from __future__ import annotations

import random
from typing import Any

from contractctl.formats.jsonschema.model import (
    ANY_OF,
    ARRAY,
    BOOLEAN,
    COMBINED,
    CONST,
    ENUM,
    FALSE,
    NULL,
    NUMBER,
    OBJECT,
    ONE_OF,
    STRING,
    Node,
)

NOTHING: Any = object()
_MAX_DEPTH = 5
_ANY = ("text", 0, 1.5, True, None, {"key": "value"}, [1, "two"])
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def generate(node: Node, rng: random.Random, depth: int = 0) -> Any:
    """One candidate document for `node`, or NOTHING when none can be made (false, too deep)."""
    node = node.resolved()
    kind = node.kind
    if kind == FALSE or depth > _MAX_DEPTH:
        return NOTHING
    if kind in (ENUM, CONST):
        return rng.choice(node.examples) if node.examples else NOTHING
    if kind == STRING:
        return _string(node, rng)
    if kind == NUMBER:
        return _number(node, rng)
    if kind == BOOLEAN:
        return rng.random() < 0.5
    if kind == NULL:
        return None
    if kind == OBJECT:
        return _object(node, rng, depth)
    if kind == ARRAY:
        return _array(node, rng, depth)
    if kind == COMBINED:
        return _combined(node, rng, depth)
    return rng.choice(_ANY)


def _string(node: Node, rng: random.Random) -> str:
    low = node.min_length or 0
    high = node.max_length if node.max_length is not None else max(low, 12)
    length = rng.randint(low, max(low, high))
    return "".join(rng.choice(_LETTERS) for _ in range(length))


def _number(node: Node, rng: random.Random) -> int | float:
    low = node.minimum if node.minimum is not None else node.exclusive_minimum
    high = node.maximum if node.maximum is not None else node.exclusive_maximum
    low = -1000 if low is None else low
    high = low + 2000 if high is None else high
    if node.multiple_of:
        step = node.multiple_of
        first, last = int(low // step) + 1, int(high // step)
        return (rng.randint(first, last) if first <= last else first) * step
    value = rng.uniform(float(low), float(high))
    if node.requires_integer or rng.random() < 0.5:
        return int(value)
    return value


def _object(node: Node, rng: random.Random, depth: int) -> Any:
    document: dict[str, Any] = {}
    required = set(node.required)
    for name, schema in node.properties.items():
        if name not in required and rng.random() < 0.4:
            continue
        value = generate(schema, rng, depth + 1)
        if value is NOTHING:
            if name in required:
                return NOTHING
            continue
        document[name] = value
    return document


def _array(node: Node, rng: random.Random, depth: int) -> Any:
    items = []
    for schema in node.item_schemas or ():
        value = generate(schema, rng, depth + 1)
        if value is NOTHING:
            break
        items.append(value)
    if node.all_items is not None or not node.item_schemas:
        low = node.min_items or 0
        high = node.max_items if node.max_items is not None else low + 3
        for _ in range(rng.randint(low, max(low, high))):
            value = (
                generate(node.all_items, rng, depth + 1) if node.all_items is not None else rng.choice(_ANY)
            )
            if value is NOTHING:
                break
            items.append(value)
    return items


def _combined(node: Node, rng: random.Random, depth: int) -> Any:
    if not node.subschemas:
        return rng.choice(_ANY)
    if node.criterion in (ANY_OF, ONE_OF):
        return generate(rng.choice(node.subschemas), rng, depth + 1)
    parts = [generate(s, rng, depth + 1) for s in node.subschemas]
    parts = [p for p in parts if p is not NOTHING]
    objects = [p for p in parts if isinstance(p, dict)]
    if objects and len(objects) == len(parts):
        merged: dict[str, Any] = {}
        for part in objects:
            merged.update(part)
        return merged
    concrete = [p for p in parts if not isinstance(p, dict)]
    return concrete[0] if concrete else (parts[0] if parts else NOTHING)


def generated_documents(root: Node, samples: int, seed: int) -> list[Any]:
    """Up to `samples` distinct candidates (as JSON texts' values), deterministic for a seed."""
    import json

    rng = random.Random(seed)
    seen: dict[str, Any] = {}
    for _ in range(samples * 3):
        if len(seen) >= samples:
            break
        candidate = generate(root, rng)
        if candidate is not NOTHING:
            seen.setdefault(json.dumps(candidate, sort_keys=True), candidate)
    return list(seen.values())


__all__ = ["NOTHING", "generate", "generated_documents"]
