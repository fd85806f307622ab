"""Why the branches of a union did not pair: the closest pair's own incompatible differences.

Confluent reports COMBINED_TYPE_SUBSCHEMAS_CHANGED (no pairing of old and new branches is compatible),
or TYPE_CHANGED for a schema against a union none of whose branches it is compatible with, and
nothing below: its diff keeps the differences of matched branches only. Generated trees write unions
without a combination keyword in sight (`{"type": "string", "enum": [...]}` is Everit's allOf of a
string and an enum, `"type": ["object", "null"]` an anyOf), so the finding alone does not say what
broke: an enum value removed, a property added to an open object. The explanation is found again
below the finding's path, after the verdict, and changes none.
"""

from __future__ import annotations

from collections.abc import Sequence

from contractctl.formats.jsonschema.diff import Difference, compare, distinct, referred
from contractctl.formats.jsonschema.model import ARRAY, COMBINED, OBJECT, Node

_CRITERIA = ("allOf/", "anyOf/", "oneOf/")
EXPLAINED = frozenset(("COMBINED_TYPE_SUBSCHEMAS_CHANGED", "TYPE_CHANGED"))


def closest_branches(
    original: Node, update: Node, kind: str, path: str, compatible: frozenset[str]
) -> list[Difference]:
    """The incompatible differences (paths under `path`) of the pair of branches of the same type
    with the fewest of them, for a finding `kind` at `path` of compare(original, update); [] where
    no such pair is found (the path crosses a branch the diff chose, or no branch has the type)."""
    old, new = _at(original, path), _at(update, path)
    if kind not in EXPLAINED or old is None or new is None:
        return []
    olds = distinct(old.subschemas) if old.kind == COMBINED else [old]
    news = distinct(new.subschemas) if new.kind == COMBINED else [new]
    if len(olds) == len(news) == 1:
        return []  # two plain schemas of other types: TYPE_CHANGED says it all
    best: list[Difference] = []
    for before in olds:
        for after in news:
            if referred(before).kind != referred(after).kind:
                continue
            found = [
                (k, _under(path, p)) for k, p in compare(before, after, compatible) if k not in compatible
            ]
            if found and (not best or len(found) < len(best)):
                best = found
    return best


_NOT_COVERED = "_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"


def undecided_pattern(original: Node, update: Node, kind: str, path: str) -> str | None:
    """For a property the diff took as not covered (`kind` at `.../properties/<name>` of
    compare(original, update)): the patternProperties entry whose Java matching of the name could not
    be told (see javaregex), where that, not a real mismatch, decided it; else None."""
    if not kind.endswith(_NOT_COVERED) or not kind.startswith("PROPERTY_"):
        return None
    head, _, name = path.rpartition("/properties/")
    if not head:
        return None
    # a removed property is judged against the update's patterns, an added one the original's
    node = _at(update if kind.startswith("PROPERTY_REMOVED") else original, head)
    node = _branch_of(node, OBJECT) if node is not None else None
    if node is None:
        return None
    for entry in node.pattern_properties:
        found = entry.finds(name)
        if found is None:
            return entry.pattern
        if found:
            return None
    return None


def _under(path: str, relative: str) -> str:
    return path if len(relative) <= 2 else f"{path.rstrip('/')}/{relative[2:]}"


def _at(root: Node, path: str) -> Node | None:
    """The node the diff compared at `path`, following the keywords that name a single subschema;
    None where the path crosses a union's branch (which one the diff took, the path does not say)."""
    if any(criterion in path for criterion in _CRITERIA):
        return None
    tokens = path[2:].split("/") if len(path) > 2 else []
    node: Node | None = referred(root)
    index = 0
    while node is not None and index < len(tokens):
        token = tokens[index]
        if token in ("properties", "items"):
            node = _branch_of(node, OBJECT if token == "properties" else ARRAY)
        if node is None:
            return None
        if token == "properties" and index + 1 < len(tokens):
            node, index = node.properties.get(tokens[index + 1]), index + 2
        elif token == "items" and index + 1 < len(tokens) and tokens[index + 1].isdigit():
            items: Sequence[Node] = node.item_schemas or ()
            position = int(tokens[index + 1])
            node, index = (items[position] if position < len(items) else None), index + 2
        elif token == "items":
            node, index = node.all_items, index + 1
        elif token in ("additionalProperties", "additionalItems"):
            node, index = node.additional_schema, index + 1
        elif token == "not":
            node, index = node.inner, index + 1
        else:
            return None
        node = referred(node) if node is not None else None
    return node


def _branch_of(node: Node, kind: str) -> Node | None:
    """`node`, or its only branch of `kind` where it is a union the diff walked into unnamed."""
    if node.kind != COMBINED:
        return node if node.kind == kind else None
    branches = [b for b in (referred(s) for s in node.subschemas) if b.kind == kind]
    return branches[0] if len(branches) == 1 else None
