"""JSON Schema: what changed between two versions of a contract, one entry per Confluent difference.

The entries are Confluent's own differences (`SchemaDiff.compare(old, new)`, every type, compatible
ones included), so the changelog and `check` can never disagree on what changed; references are
followed as the diff follows them, so a change inside a referenced contract shows up where this
contract uses it. Each entry names the element as a data path (`customer.email`, `lines[].sku`,
`(root)`), says what the difference means and, for constraints, the old and new values. It is
breaking when its difference type is incompatible for BACKWARD, or when the reverse comparison
finds an incompatible difference at the same place for FORWARD (the directions the level checks).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from contractctl.formats.jsonschema.diff import compare
from contractctl.formats.jsonschema.loader import pointer_tokens
from contractctl.formats.jsonschema.messages import describe
from contractctl.formats.jsonschema.model import ALL_OF, ANY_OF, COMBINED, MISSING, ONE_OF, Node
from contractctl.formats.vocabulary.change import Change
from contractctl.formats.vocabulary.markup import code, value

# Keywords that end a difference's path: the attribute compared (Node field that holds it).
ATTRIBUTES = {
    "maxLength": "max_length",
    "minLength": "min_length",
    "pattern": "pattern",
    "maximum": "maximum",
    "minimum": "minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "multipleOf": "multiple_of",
    "maxProperties": "max_properties",
    "minProperties": "min_properties",
    "maxItems": "max_items",
    "minItems": "min_items",
    "maxContains": "max_contains",
    "minContains": "min_contains",
    "uniqueItems": "unique_items",
    "const": "value",
    "enum": "examples",
}
_OWN = {"TITLE_CHANGED": "title", "DESCRIPTION_CHANGED": "description", "ID_CHANGED": "id"}
_CRITERIA = (ALL_OF, ANY_OF, ONE_OF)


def change_kind(kind: str) -> str:
    """The changelog's kind for a Confluent difference type."""
    if kind.startswith("REQUIRED_ATTRIBUTE"):
        return "required-removed" if kind.endswith("REMOVED") else "required-added"
    if kind.startswith(("PROPERTY_", "ITEM_", "REQUIRED_PROPERTY", "OPTIONAL_PROPERTY", "SCHEMA_")):
        return "removed" if "_REMOVED" in kind else "added"
    if kind.startswith("ENUM_ARRAY"):
        return {"ENUM_ARRAY_EXTENDED": "symbols-added", "ENUM_ARRAY_NARROWED": "symbols-removed"}.get(
            kind, "enum-changed"
        )
    if kind in ("TYPE_CHANGED", "TYPE_NARROWED", "TYPE_EXTENDED") or kind.startswith(
        ("COMBINED_", "SUM_", "PRODUCT_", "NOT_")
    ):
        return "type-changed"
    if kind == "DEFAULT_CHANGED":
        return "default-changed"
    if kind == "DESCRIPTION_CHANGED":
        return "doc-changed"
    if kind in ("TITLE_CHANGED", "ID_CHANGED"):
        return "property-changed"
    return "constraint-changed"


def diff_json_schema(
    old: Node, new: Node, directions: frozenset[str], compatible: Collection[str]
) -> list[Change]:
    allowed = frozenset(compatible)
    forward_bad = (
        {path for kind, path in compare(new, old, allowed) if kind not in allowed}
        if "forward" in directions
        else set()
    )
    changes = []
    for kind, path in compare(old, new, allowed):
        tokens = pointer_tokens(path[1:])
        attribute = tokens[-1] if tokens and tokens[-1] in ATTRIBUTES else None
        place = tokens[:-1] if attribute else tokens
        before, after = _node_at(old, place), _node_at(new, place)
        if kind == "DEFAULT_CHANGED" and _same_json(before, after):
            continue  # Confluent's identity comparison of object defaults, not a change for people
        breaking = ("backward" in directions and kind not in allowed) or path in forward_bad
        changes.append(
            Change(
                kind=change_kind(kind),
                element=code(element(place)),
                detail=_detail(kind, attribute, before, after),
                breaking=breaking,
            )
        )
    return changes


def element(tokens: list[str]) -> str:
    """A difference's place as a data path: `customer.email`, `lines[].sku`, `anyOf[1]`, `(root)`."""
    out = ""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token in ("properties", "required", "dependencies") and following is not None:
            out = f"{out}.{following}" if out else following
            index += 2
        elif token == "items" and following is not None and following.isdigit():
            out += f"[{following}]"
            index += 2
        elif token == "items":
            out += "[]"
            index += 1
        elif token in _CRITERIA and following is not None and following.isdigit():
            out += f"{'.' if out else ''}{token}[{following}]"
            index += 2
        else:
            out = f"{out}.{token}" if out else token
            index += 1
    return out or "(root)"


def _detail(kind: str, attribute: str | None, before: Node | None, after: Node | None) -> str:
    text = describe(kind)
    if attribute is not None:
        old, new = _attribute(before, ATTRIBUTES[attribute]), _attribute(after, ATTRIBUTES[attribute])
        return f"{text}: {code(attribute)} {_shown(old)} → {_shown(new)}"
    if kind in _OWN:
        old, new = _attribute(before, _OWN[kind]), _attribute(after, _OWN[kind])
        return f"{text}: {_shown(old)} → {_shown(new)}"
    if kind == "DEFAULT_CHANGED":
        return f"{text}: {_shown(_default(before))} → {_shown(_default(after))}"
    if kind.startswith("TYPE_") and before is not None and after is not None:
        return f"{text}: {code(_kind(before))} → {code(_kind(after))}"
    return text


def _shown(item: Any) -> str:
    if item is None or item is MISSING:
        return "(none)"
    if isinstance(item, tuple):
        item = list(item)
    return value(item)


def _kind(node: Node) -> str:
    node = node.resolved()
    if node.kind == COMBINED:
        return f"{node.criterion}[{', '.join(_kind(sub) for sub in node.subschemas)}]"
    if node.kind == "number" and node.requires_integer:
        return "integer"
    return node.kind


def _default(node: Node | None) -> Any:
    return None if node is None else node.resolved().default


def _same_json(a: Node | None, b: Node | None) -> bool:
    if a is None or b is None:
        return False
    first, second = a.resolved().default, b.resolved().default
    if first is MISSING or second is MISSING:
        return first is second
    return json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def _attribute(node: Node | None, name: str) -> Any:
    """The attribute of the node, or of the first branch of a combined node that sets it (a
    `"type": ["string", "null"]` is an anyOf whose string branch holds `maxLength`)."""
    if node is None:
        return None
    node = node.resolved()
    found = getattr(node, name, None)
    if (found is None or found == ()) and node.kind == COMBINED:
        for sub in node.subschemas:
            inner = _attribute(sub, name)
            if inner is not None and inner != ():
                return inner
    return found


def _node_at(root: Node, tokens: list[str]) -> Node | None:
    """The node a difference's path leads to, stepping through references and synthetic `allOf`s."""
    node: Node | None = root
    index = 0
    while node is not None and index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        current = node.resolved()
        if token in ("properties", "dependencies") and following is not None:
            holder = _with(current, "properties" if token == "properties" else "schema_dependencies")
            node = getattr(holder, "properties" if token == "properties" else "schema_dependencies").get(
                following
            )
            index += 2
        elif token == "required" and following is not None:
            holder = _with(current, "properties")
            node = holder.properties.get(following)
            index += 2
        elif token == "items":
            holder = _with(current, "all_items", "item_schemas")
            if following is not None and following.isdigit():
                items = holder.item_schemas or ()
                node = items[int(following)] if int(following) < len(items) else None
                index += 2
            else:
                node = holder.all_items
                index += 1
        elif token in _CRITERIA and following is not None and following.isdigit():
            subs = current.subschemas
            node = subs[int(following)] if current.kind == COMBINED and int(following) < len(subs) else None
            index += 2
        elif token in ("additionalProperties", "additionalItems"):
            node = _with(current, "additional_schema").additional_schema
            index += 1
        elif token in ("unevaluatedProperties", "unevaluatedItems"):
            node = _with(current, "unevaluated").unevaluated
            index += 1
        elif token == "not":
            node = _with(current, "inner").inner
            index += 1
        else:
            return node
    return node


def _with(node: Node, *names: str) -> Node:
    """The node itself, or the branch of a combined node that has one of the fields set."""
    if node.kind != COMBINED:
        return node
    for sub in node.subschemas:
        resolved = sub.resolved()
        if any(getattr(resolved, name) for name in names):
            return resolved
    return node
