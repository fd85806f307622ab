"""How Confluent's registry *reads* a JSON Schema, rebuilt for the registry double's oracle.

Confluent loads a schema with the Everit library before comparing, and its compatibility rules
dispatch on Everit's classes, not on raw keywords. This module mirrors that classification in a
small node tree (see :class:`Node`): ``{"type": ["string", "null"]}`` becomes an ``anyOf``,
``type`` next to ``enum`` a synthetic ``allOf``, ``{}``/``true`` the empty schema, integer and
number one kind with an integer flag. ``$ref`` targets local pointers or registered references
by name (resolved against the root ``$id``, as Confluent registers them) and is followed lazily.
It never imports contractctl.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin

from .compat import SchemaParseError

_DRAFT4 = ("json-schema.org/draft-04/schema", "json-schema.org/schema")
_MODERN = ("json-schema.org/draft/2019-09/schema", "json-schema.org/draft/2020-12/schema")
_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_STRING_KEYS = ("minLength", "maxLength", "pattern", "format")
_OBJECT_KEYS = (
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
)
_ARRAY_KEYS = ("items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains")
_MODERN_OBJECT_KEYS = ("dependentRequired", "dependentSchemas", "unevaluatedProperties")
_MODERN_ARRAY_KEYS = ("prefixItems", "unevaluatedItems", "minContains", "maxContains")
_TYPES = ("string", "integer", "number", "boolean", "null", "array", "object")


def _draft(doc: Any) -> str:
    marker = doc.get("$schema", "") if isinstance(doc, dict) else ""
    if not isinstance(marker, str):
        return "7"
    if any(m in marker for m in _DRAFT4):
        return "4"
    if "draft-06" in marker:
        return "6"
    if any(m in marker for m in _MODERN):
        return "modern"
    return "7"


def same_value(left: Any, right: Any) -> bool:
    """JSON value equality that keeps 1, 1.0 and true apart, as Java's boxed values do."""
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


@dataclass(eq=False)
class Node:
    """One schema position, classified like Everit would (``kind`` plays the role of its class).

    Nodes are compared by identity: the same JSON position (document, pointer) is always the same
    node, which is what lets a recursive ``$ref`` be recognised when it comes round again.
    """

    kind: str
    raw: str  # canonical JSON of the source, used to collapse duplicate combined branches
    attrs: dict[str, Any] = field(default_factory=dict)
    common: dict[str, Any] = field(default_factory=dict)  # $id/title/description/default
    connect_type: Any = None


class Documents:
    """Loads a schema and its named references into nodes, following ``$ref`` on demand."""

    def __init__(self, schema: str, resolved: Sequence[tuple[str, str]]) -> None:
        self.docs: dict[str, Any] = {"": self._json(schema)}
        root = self.docs[""]
        root_id = root.get("$id", root.get("id")) if isinstance(root, dict) else None
        self.base = root_id if isinstance(root_id, str) else ""
        self.names: dict[str, str] = {}
        for name, text in resolved:
            self.docs[name] = self._json(text)
            self.names[urljoin(self.base, name)] = name
            self.names[name] = name
            ref_doc = self.docs[name]
            ref_id = ref_doc.get("$id") if isinstance(ref_doc, dict) else None
            if isinstance(ref_id, str):
                self.names.setdefault(urljoin(self.base, ref_id), name)
        self.nodes: dict[tuple[str, str], Node] = {}
        self.pending: list[tuple[str, str]] = []

    @staticmethod
    def _json(text: str) -> Any:
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise SchemaParseError(f"Invalid JSON: {exc}") from None
        if not isinstance(doc, (dict, bool)):
            raise SchemaParseError(
                f"Invalid JSON schema: expected an object or boolean at the root, found {type(doc).__name__}"
            )
        return doc

    def root(self) -> Node:
        """The root node, after checking every ``$ref`` reachable from it resolves."""
        root = self.node("", "")
        checked: set[tuple[str, str]] = set()
        while self.pending:
            ref = self.pending.pop()
            if ref not in checked:
                checked.add(ref)
                resolve(self.follow(*ref))
        return root

    def node(self, doc: str, pointer: str) -> Node:
        key = (doc, pointer)
        if key not in self.nodes:
            self.nodes[key] = _load(self, doc, pointer, self._at(doc, pointer))
        return self.nodes[key]

    def _at(self, doc: str, pointer: str) -> Any:
        value = self.docs[doc]
        parts = [unquote(p).replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        for index, part in enumerate(parts):
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, dict) and index == 0 and part == "$defs" and "definitions" in value:
                value = value["definitions"]  # Confluent lets #/$defs/X find draft-7 definitions
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                raise SchemaParseError(f"Unresolved $ref: pointer '#{pointer}' not found")
        return value

    def follow(self, doc: str, ref: str) -> Node:
        """The node a ``$ref`` found in ``doc`` points to (a reference name, a pointer, or both)."""
        base, _, fragment = ref.partition("#")
        target = doc
        if base:
            found = self.names.get(urljoin(self.base, base), self.names.get(base))
            if found is None and urljoin(self.base, base) in (self.base, ""):
                found = ""
            if found is None:
                raise SchemaParseError(f"Unresolved $ref '{ref}'")
            target = found
        if fragment and not fragment.startswith("/"):
            raise SchemaParseError(f"Unsupported $ref '{ref}' (anchors are not resolved)")
        return self.node(target, fragment)


def _load(docs: Documents, doc: str, pointer: str, value: Any) -> Node:
    """Classify one schema value as Everit's loader does, loading its children eagerly."""
    raw = json.dumps(value, sort_keys=True)
    if isinstance(value, bool):
        return Node("true" if value else "false", raw)
    if not isinstance(value, dict):
        raise SchemaParseError(f"Invalid schema at '#{pointer}': expected an object or boolean")
    draft = _draft(docs.docs[doc])

    def child(*path: str | int) -> Node:
        return docs.node(doc, pointer + "".join(f"/{p}" for p in path))

    common = {k: value[k] for k in ("title", "description", "default") if k in value}
    id_key = "id" if draft == "4" else "$id"
    if id_key in value and draft != "modern":  # the 2019-09/2020-12 translation drops $id
        common["id"] = value[id_key]
    if "$ref" in value:
        ref = value["$ref"]
        if not isinstance(ref, str):
            raise SchemaParseError(f"Invalid $ref at '#{pointer}'")
        node = Node("ref", raw, {"docs": docs, "doc": doc, "ref": ref}, common)
        docs.pending.append((doc, ref))  # checked by root(): a missing target fails the load
        return node

    parts: list[Node] = []
    if "enum" in value:
        if not isinstance(value["enum"], list):
            raise SchemaParseError(f"Invalid enum at '#{pointer}'")
        parts.append(
            Node("enum", f"{raw}|enum", {"values": {json.dumps(v, sort_keys=True) for v in value["enum"]}})
        )
    for criterion in ("allOf", "anyOf", "oneOf"):
        if criterion in value:
            subs = value[criterion]
            if not isinstance(subs, list):
                raise SchemaParseError(f"Invalid {criterion} at '#{pointer}'")
            parts.append(
                _combined(criterion, [child(criterion, i) for i in range(len(subs))], f"{raw}|{criterion}")
            )
    if "not" in value:
        parts.append(Node("not", f"{raw}|not", {"inner": child("not")}))
    if "const" in value and draft != "4":
        parts.append(Node("const", f"{raw}|const", {"value": value["const"]}))

    consumed: set[str] = set()
    declared = value.get("type")
    if declared is not None:
        names = declared if isinstance(declared, list) else [declared]
        typed = []
        for name in names:
            if name not in _TYPES:
                raise SchemaParseError(f"unknown type: [{name}]")
            typed.append(
                _typed(docs, doc, pointer, value, draft, name, f"{raw}|type:{name}", consumed, child)
            )
        parts.append(typed[0] if isinstance(declared, str) else _combined("anyOf", typed, f"{raw}|type"))
    remaining = {k for k in value if k not in consumed}
    object_keys = _OBJECT_KEYS + (_MODERN_OBJECT_KEYS if draft == "modern" else ())
    array_keys = _ARRAY_KEYS + (_MODERN_ARRAY_KEYS if draft == "modern" else ())
    for name, keys in (
        ("array", array_keys),
        ("object", object_keys),
        ("number", _NUMBER_KEYS),
        ("string", _STRING_KEYS),
    ):
        if remaining & set(keys):
            parts.append(
                _typed(docs, doc, pointer, value, draft, name, f"{raw}|sniffed:{name}", consumed, child)
            )
    if draft != "4" and remaining & {"if", "then", "else"}:
        parts.append(Node("conditional", f"{raw}|if"))

    if not parts:
        node = Node("empty", raw)
    elif len(parts) == 1:
        node = parts[0]
    else:
        node = _combined("allOf", parts, raw)
    node.common = common
    node.connect_type = value.get("connect.type")
    return node


def _combined(criterion: str, subs: list[Node], raw: str) -> Node:
    return Node("combined", raw, {"criterion": criterion, "subs": subs})


def _typed(
    docs: Documents,
    doc: str,
    pointer: str,
    value: dict[str, Any],
    draft: str,
    name: str,
    raw: str,
    consumed: set[str],
    child: Any,
) -> Node:
    """The node for one explicit or sniffed type, reading only that type's keywords."""
    if name in ("boolean", "null"):
        return Node(name, raw)
    if name in ("integer", "number"):
        consumed.update(_NUMBER_KEYS)
        _require(value, ("minimum", "maximum", "multipleOf"), _is_number, "a number")
        _require(
            value, ("exclusiveMinimum", "exclusiveMaximum"), _is_bool if draft == "4" else _is_number, ""
        )
        if value.get("multipleOf") == 0:
            raise SchemaParseError("multipleOf should not be 0")
        attrs: dict[str, Any] = {k: value.get(k) for k in ("minimum", "maximum", "multipleOf")}
        attrs["integer"] = name == "integer"
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            limit = value.get(key)
            attrs[key] = limit if draft != "4" and not isinstance(limit, bool) else None
        return Node("number", raw, attrs)
    if name == "string":
        consumed.update(_STRING_KEYS)
        _require(value, ("minLength", "maxLength"), _is_integer, "an integer")
        _require(value, ("pattern",), lambda v: isinstance(v, str) and _compiles(v), "a valid regex")
        return Node("string", raw, {k: value.get(k) for k in ("minLength", "maxLength", "pattern")})
    if name == "object":
        consumed.update(_OBJECT_KEYS + (_MODERN_OBJECT_KEYS if draft == "modern" else ()))
        _require(value, ("minProperties", "maxProperties"), _is_integer, "an integer")
        _require(value, ("additionalProperties",), _is_schema, "an object or boolean")
        return _object(value, draft, raw, child)
    consumed.update(_ARRAY_KEYS + (_MODERN_ARRAY_KEYS if draft == "modern" else ()))
    _require(value, ("minItems", "maxItems", "minContains", "maxContains"), _is_integer, "an integer")
    _require(value, ("uniqueItems",), _is_bool, "a boolean")
    _require(value, ("additionalItems",), _is_schema, "an object or boolean")
    _require(value, ("items",), lambda v: _is_schema(v) or isinstance(v, list), "an object, boolean or array")
    return _array(value, draft, raw, child)


def _require(value: dict[str, Any], keys: Sequence[str], test: Callable[[Any], bool], what: str) -> None:
    """Keyword values Everit would refuse make the schema invalid (42201), as in the registry."""
    for key in keys:
        if key in value and not test(value[key]):
            raise SchemaParseError(f"Invalid {key}: expected {what or 'another value'}, found {value[key]!r}")


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    return _is_number(value) and float(value).is_integer()


def _is_schema(value: Any) -> bool:
    return isinstance(value, (dict, bool))


def _compiles(regex: str) -> bool:
    try:
        re.compile(regex)
    except re.error:
        return False
    return True


def _mapping(value: dict[str, Any], key: str) -> dict[str, Any]:
    found = value.get(key, {})
    if not isinstance(found, dict):
        raise SchemaParseError(f"Invalid {key}: expected an object")
    return found


def _object(value: dict[str, Any], draft: str, raw: str, child: Any) -> Node:
    properties = {name: child("properties", _escape(name)) for name in _mapping(value, "properties")}
    required = value.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        raise SchemaParseError("Invalid required: expected an array of strings")
    additional = value.get("additionalProperties", True)
    patterns = []
    for regex in _mapping(value, "patternProperties"):
        try:
            patterns.append((re.compile(regex), child("patternProperties", _escape(regex))))
        except re.error as exc:
            raise SchemaParseError(f"Invalid patternProperties regex '{regex}': {exc}") from None
    array_deps: dict[str, set[str]] = {}
    schema_deps: dict[str, Node] = {}
    dependency_sources = [("dependencies", _mapping(value, "dependencies"))]
    if draft == "modern":
        dependency_sources += [
            ("dependentRequired", _mapping(value, "dependentRequired")),
            ("dependentSchemas", _mapping(value, "dependentSchemas")),
        ]
    for keyword, deps in dependency_sources:
        for name, dep in deps.items():
            if isinstance(dep, list):
                array_deps[name] = set(dep)
            else:
                schema_deps[name] = child(keyword, _escape(name))
    return Node(
        "object",
        raw,
        {
            "properties": properties,
            "required": set(required),
            "permits": additional is not False,
            "additional": child("additionalProperties") if isinstance(additional, dict) else None,
            "patterns": patterns,
            "array_deps": array_deps,
            "schema_deps": schema_deps,
            "unevaluated": _modern(value, draft, "unevaluatedProperties", child),
            "minProperties": value.get("minProperties"),
            "maxProperties": value.get("maxProperties"),
        },
    )


def _array(value: dict[str, Any], draft: str, raw: str, child: Any) -> Node:
    tuple_key = "prefixItems" if draft == "modern" and "prefixItems" in value else "items"
    items = value.get(tuple_key)
    rest_key = "items" if tuple_key == "prefixItems" else "additionalItems"
    rest = value.get(rest_key, True)
    if draft == "modern" and isinstance(items, bool):
        items, rest = None, items  # 2020-12 boolean ``items`` governs the items after the tuple
    attrs: dict[str, Any] = {
        "all": child("items") if tuple_key == "items" and isinstance(items, (dict, bool)) else None,
        "tuple": [child(tuple_key, i) for i in range(len(items))] if isinstance(items, list) else [],
        "permits": rest is not False,
        "additional": child(rest_key) if isinstance(rest, dict) else None,
        "unique": value.get("uniqueItems") is True,
        "unevaluated": _modern(value, draft, "unevaluatedItems", child),
    }
    for key in ("minItems", "maxItems"):
        attrs[key] = value.get(key)
    for key in ("minContains", "maxContains"):
        attrs[key] = value.get(key) if draft == "modern" else None
    return Node("array", raw, attrs)


def _modern(value: dict[str, Any], draft: str, key: str, child: Any) -> Node | None:
    """``unevaluated*`` only takes part for 2019-09/2020-12 (Everit keeps it as raw JSON otherwise)."""
    return child(key) if draft == "modern" and key in value else None


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def load_json_schema(schema: str, resolved: Sequence[tuple[str, str]] = ()) -> Node:
    """Validate a JSON Schema (with its references) as the registry would; raise SchemaParseError."""
    return Documents(schema, resolved).root()


def resolve(node: Node) -> Node:
    """Follow ``$ref`` until a real schema; a chain that comes back on itself is invalid."""
    seen: set[int] = set()
    while node.kind == "ref":
        if id(node) in seen:
            raise SchemaParseError(f"$ref '{node.attrs['ref']}' never reaches a schema")
        seen.add(id(node))
        node = node.attrs["docs"].follow(node.attrs["doc"], node.attrs["ref"])
    return node
