"""JSON (already validated against its draft's meta-schema) -> the Everit-like model of `model.py`.

Drafts 4, 6 and 7 follow Everit's SchemaLoader: `$ref` replaces the whole object (siblings only give
the reference its title/description/default); otherwise the enum, combined, not, const and `type`
extractors run, then keywords no `type` consumed are "sniffed" into schemas of their own kind; more
than one result is a synthetic `allOf`. 2019-09 and 2020-12 follow Confluent's SchemaTranslator from
json-sKema: the same split, plus `prefixItems`, `dependentRequired`/`dependentSchemas`,
`unevaluated*` and `$ref` next to other keywords. Subschemas are loaded lazily by pointer (as
Everit loads `definitions` only when referenced), one node per pointer, so recursion is a cycle of
nodes.
"""

from __future__ import annotations

import json
import json.encoder
import re
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, unquote_plus

from contractctl.formats.jsonschema.drafts import Draft
from contractctl.formats.jsonschema.javaregex import java_accepts, translate
from contractctl.formats.jsonschema.model import (
    ALL_OF,
    ANY_OF,
    ARRAY,
    BOOLEAN,
    COMBINED,
    CONDITIONAL,
    CONST,
    EMPTY,
    ENUM,
    FALSE,
    NOT,
    NULL,
    NUMBER,
    OBJECT,
    ONE_OF,
    REF,
    STRING,
    TRUE,
    Node,
    PatternProperty,
    value_key,
)
from contractctl.generic.jsonpos import escape_pointer_token

NUMBER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
STRING_KEYWORDS = ("minLength", "maxLength", "pattern", "format")
_OBJECT_KEYWORDS: dict[Draft, tuple[str, ...]] = {
    Draft.DRAFT_4: (
        "properties",
        "required",
        "minProperties",
        "maxProperties",
        "dependencies",
        "patternProperties",
        "additionalProperties",
    ),
}
_OBJECT_KEYWORDS[Draft.DRAFT_6] = (*_OBJECT_KEYWORDS[Draft.DRAFT_4], "propertyNames")
_OBJECT_KEYWORDS[Draft.DRAFT_7] = _OBJECT_KEYWORDS[Draft.DRAFT_6]
_MODERN_OBJECT = (
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedProperties",
)
_OBJECT_KEYWORDS[Draft.DRAFT_2019_09] = _MODERN_OBJECT
_OBJECT_KEYWORDS[Draft.DRAFT_2020_12] = _MODERN_OBJECT
_ARRAY_KEYWORDS: dict[Draft, tuple[str, ...]] = {
    Draft.DRAFT_4: ("items", "additionalItems", "minItems", "maxItems", "uniqueItems")
}
_ARRAY_KEYWORDS[Draft.DRAFT_6] = (*_ARRAY_KEYWORDS[Draft.DRAFT_4], "contains")
_ARRAY_KEYWORDS[Draft.DRAFT_7] = _ARRAY_KEYWORDS[Draft.DRAFT_6]
_MODERN_ARRAY = (  # json-sKema knows no additionalItems: an unknown keyword, left unprocessed
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "unevaluatedItems",
)
_ARRAY_KEYWORDS[Draft.DRAFT_2019_09] = _MODERN_ARRAY
_ARRAY_KEYWORDS[Draft.DRAFT_2020_12] = _MODERN_ARRAY
_CRITERIA = (ALL_OF, ANY_OF, ONE_OF)
_NUMBER_SET = frozenset(NUMBER_KEYWORDS)
_STRING_SET = frozenset(STRING_KEYWORDS)
_CONDITIONAL_SET = frozenset(("if", "then", "else"))


_KEYWORD_SETS = {
    draft: (
        frozenset(_OBJECT_KEYWORDS[draft]),
        frozenset(_ARRAY_KEYWORDS[draft]),
        frozenset(_OBJECT_KEYWORDS[draft])
        | frozenset(_ARRAY_KEYWORDS[draft])
        | _NUMBER_SET
        | _STRING_SET
        | _CONDITIONAL_SET,
    )
    for draft in Draft
}


class LoadError(ValueError):
    """A schema the loader cannot turn into a model (a problem the meta-schema does not catch).

    `rule`: INVALID_REFERENCE for a `$ref` that does not resolve, INVALID_SCHEMA for a keyword the
    registry's loader refuses (Everit, json-sKema)."""

    def __init__(
        self, message: str, pointer: str, rule: str = "INVALID_REFERENCE", hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.pointer = pointer
        self.rule = rule
        self.hint = hint


def pointer_tokens(pointer: str) -> list[str]:
    """The tokens of a pointer this package built (`child`): JSON Pointer escapes only."""
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def ref_pointer_tokens(fragment: str, draft: Draft) -> list[str]:
    """The tokens of a `$ref`'s JSON pointer fragment as the registry's loader reads them.

    Everit (drafts 4/6/7, JsonPointerEvaluator.unescape) runs URLDecoder.decode(token, "utf-8") on
    each token, then undoes `~1`, `~0`, `\\"` and `\\\\`: `+` is a space and a `%` not followed by two
    hex digits an error (java.net.URI refuses it first). 2019-09/2020-12 (json-sKema, not traced)
    keep the percent-decoding read before. Raises ValueError for a bad escape."""
    tokens = fragment.split("/")[1:]
    if draft.modern:
        return [unquote(t).replace("~1", "/").replace("~0", "~") for t in tokens]
    found = []
    for token in tokens:
        if "%" in token and _BAD_ESCAPE.search(token):
            raise ValueError(f"{token!r} holds a % that starts no escape (%XX)")
        decoded = unquote_plus(token, errors="replace") if "%" in token or "+" in token else token
        decoded = decoded.replace("~1", "/").replace("~0", "~")
        found.append(decoded.replace('\\"', '"').replace("\\\\", "\\") if "\\" in decoded else decoded)
    return found


def child(pointer: str, *tokens: str | int) -> str:
    for token in tokens:
        text = str(token)
        pointer += "/" + (escape_pointer_token(text) if "~" in text or "/" in text else text)
    return pointer


_SHARED_DEPTH = 6
"""Subtrees up to this many pointer tokens deep are looked up among the ones already loaded: deep
enough for the properties of nested objects, shallow enough that encoding the keys stays linear."""
_SHARED_LIMIT = 100_000
_Loaded = tuple[Node, tuple[tuple[str, Node], ...]]
_SHARED: dict[tuple[Draft, str, str], _Loaded] = {}


def _exact_text(value: Any) -> str:
    """Compact JSON of a subtree, keys in document order: equal exactly when the loader sees the
    same thing (1, 1.0 and true stay apart, unlike Python's ==)."""
    return "".join(_ENCODE(value, 0))


_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)  # not in typeshed
if _C_ENCODER is not None:  # no circular check, ASCII escapes, ":" and ",", keys as written
    _ENCODE: Any = _C_ENCODER(
        None, None, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True
    )
else:  # pragma: no cover - CPython always has the C encoder
    _ENCODE = json.JSONEncoder(separators=(",", ":")).iterencode


class DocumentLoader:
    """Builds nodes for one document; `node_at` gives the (single) node of a pointer.

    `shareable`: the document holds no `$ref` (so a node depends only on the draft, its pointer and
    its JSON subtree, not on anything elsewhere in the document). Its subtrees are then taken from
    the ones any earlier document loaded at the same pointer with the same JSON: the versions of a
    contract repeat most of their subtrees, and a history check loads tens of thousands of versions.
    Shared nodes are never changed after loading (only their computed keys are cached on them).
    """

    def __init__(self, document: Any, draft: Draft, shareable: bool = False, text: str | None = None) -> None:
        """`text`: the document's source, read again (once) for the spelling of decimal enum/const values."""
        self.document = document
        self.draft = draft
        self.shareable = shareable
        self.text = text
        self._spelled: Any = _UNREAD
        self.spelled_values = 0  # enum/const values taken with their decimal spelling (never shared)
        self.nodes: dict[str, Node] = {}
        self._order: list[tuple[str, Node]] = []  # self.nodes in loading order, for sharing
        self.pending_refs: list[Node] = []
        self.had_refs = False
        self.object_keywords = _OBJECT_KEYWORDS[draft]
        self.array_keywords = _ARRAY_KEYWORDS[draft]
        self.object_set, self.array_set, self.sniffed_keywords = _KEYWORD_SETS[draft]

    def value_at(self, pointer: str) -> Any:
        return _value_at(self.document, pointer)

    def node_at(self, pointer: str) -> Node:
        node = self.nodes.get(pointer)
        if node is None:
            node = self.load(self.value_at(pointer), pointer)
        return node

    def load(self, value: Any, pointer: str) -> Node:
        cached = self.nodes.get(pointer)
        if cached is not None:
            return cached
        if self.shareable and pointer and type(value) is dict and pointer.count("/") <= _SHARED_DEPTH:
            return self._load_shared(value, pointer)
        return self._load_here(value, pointer)

    def _load_shared(self, value: dict[str, Any], pointer: str) -> Node:
        try:
            key = (self.draft, pointer, _exact_text(value))
        except (TypeError, ValueError, RecursionError):
            return self._load_here(value, pointer)
        found = _SHARED.get(key)
        if found is not None:
            node, loaded = found
            self.nodes.update(loaded)
            self._order.extend(loaded)
            return node
        start, spelled = len(self._order), self.spelled_values
        node = self._load_here(value, pointer)
        if self.spelled_values != spelled:  # _exact_text writes 1.5 and 1.50 alike: not a key for these
            return node
        if len(_SHARED) >= _SHARED_LIMIT:
            _SHARED.clear()
        _SHARED[key] = (node, tuple(self._order[start:]))
        return node

    def _load_here(self, value: Any, pointer: str) -> Node:
        if value is True:
            node = Node(TRUE, pointer)
        elif value is False:
            node = Node(FALSE, pointer)
        elif isinstance(value, dict):
            node = self._load_object(value, pointer)
        else:
            raise LoadError(f"a schema must be an object or a boolean, not {type(value).__name__}", pointer)
        self.nodes[pointer] = node
        self._order.append((pointer, node))
        return node

    # -- one schema object ------------------------------------------------------------------------

    def _load_object(self, obj: dict[str, Any], pointer: str) -> Node:
        if "$ref" in obj and not self.draft.modern:
            node = self._reference(obj, pointer)
            self._common(node, obj)
            return node
        parts: list[Node] = []
        consumed: set[str] = set()
        if "$ref" in obj:
            parts.append(self._reference(obj, pointer))
        if "enum" in obj:
            values = obj["enum"]
            spelled = self._spelled_value(values, child(pointer, "enum"))
            parts.append(
                Node(ENUM, pointer, values=frozenset(value_key(v) for v in spelled), examples=tuple(values))
            )
        for criterion in _CRITERIA:
            if criterion in obj:
                subschemas = [
                    self.load(s, child(pointer, criterion, i)) for i, s in enumerate(obj[criterion])
                ]
                parts.append(Node(COMBINED, pointer, criterion=criterion, subschemas=subschemas))
        if "not" in obj:
            parts.append(Node(NOT, pointer, inner=self.load(obj["not"], child(pointer, "not"))))
        if "const" in obj and self.draft is not Draft.DRAFT_4:
            spelled = self._spelled_value(obj["const"], child(pointer, "const"))
            parts.append(Node(CONST, pointer, value=value_key(spelled), examples=(obj["const"],)))
        declared = obj.get("type")
        if isinstance(declared, str):
            parts.append(self._typed(declared, obj, pointer, consumed))
        elif isinstance(declared, list):
            members = [self._typed(t, obj, pointer, consumed) for t in declared]
            parts.append(Node(COMBINED, pointer, criterion=ANY_OF, subschemas=members))
        parts.extend(self._sniffed(obj, pointer, consumed))
        if not parts:
            node = Node(EMPTY, pointer)
        elif len(parts) == 1:
            node = parts[0]
        else:
            node = Node(COMBINED, pointer, criterion=ALL_OF, subschemas=parts)
        self._common(node, obj)
        if node.kind == ARRAY and not (self.draft.modern and "contains" in obj):
            node.min_contains = _integer(obj.get("minContains"))
            node.max_contains = _integer(obj.get("maxContains"))
        return node

    def _spelled_value(self, value: Any, pointer: str) -> Any:
        """An enum/const value as Everit compares it. For drafts 4/6/7 the registry hands Everit
        org.json's reading of Jackson's exact printout: a decimal is a BigDecimal, whose equals
        compares unscaled value and scale (1.5 != 1.50, 100.0 != 1e2; -0.0 == 0.0, BigDecimal has no
        negative zero), so a value holding a float is read again from the text as Decimals. json-sKema
        (2019-09, 2020-12) is not traced: its values stay floats."""
        if self.draft.modern or self.text is None or not _holds_float(value):
            return value
        if self._spelled is _UNREAD:
            self._spelled = _decimal_loads(self.text)
        try:
            found = _value_at(self._spelled, pointer)
        except KeyError:  # the text did not read again (cannot happen for a graph built from it)
            return value
        self.spelled_values += 1
        return found

    def _reference(self, obj: dict[str, Any], pointer: str) -> Node:
        node = Node(REF, pointer, ref=obj["$ref"])
        self.pending_refs.append(node)
        self.had_refs = True
        return node

    def _common(self, node: Node, obj: dict[str, Any]) -> None:
        identifier = obj.get(self.draft.id_keyword)
        # json-sKema takes `$id` as the base URI only: Confluent's 2020-12 cases report no ID_CHANGED
        node.id = identifier if isinstance(identifier, str) and not self.draft.modern else None
        node.title = _text(obj, "title", node.pointer)
        node.description = _text(obj, "description", node.pointer)
        if "default" in obj:
            node.default = obj["default"]
        node.connect_type = obj.get("connect.type")

    def _typed(self, name: str, obj: dict[str, Any], pointer: str, consumed: set[str]) -> Node:
        if name == "string":
            consumed.update(STRING_KEYWORDS)
            return self._string(obj, pointer)
        if name in ("number", "integer"):
            consumed.update(NUMBER_KEYWORDS)
            return self._number(obj, pointer, requires_integer=name == "integer")
        if name == "boolean":
            return Node(BOOLEAN, pointer)
        if name == "null":
            return Node(NULL, pointer)
        if name == "array":
            consumed.update(self.array_keywords)
            return self._array(obj, pointer)
        if name == "object":
            consumed.update(self.object_keywords)
            return self._object(obj, pointer)
        raise LoadError(f"unknown type {name!r}", child(pointer, "type"))

    def _sniffed(self, obj: dict[str, Any], pointer: str, consumed: set[str]) -> list[Node]:
        left = obj.keys() - consumed
        if not left & self.sniffed_keywords:
            return []
        if self.draft.modern:
            left = {k for k in left if not self._silent(k, obj[k])}
        found = []
        if left & self.array_set:
            found.append(self._array(obj, pointer))
        if left & self.object_set:
            found.append(self._object(obj, pointer))
        if left & _NUMBER_SET:
            found.append(self._number(obj, pointer, requires_integer=False))
        if left & _STRING_SET:
            found.append(self._string(obj, pointer))
        if self.draft not in (Draft.DRAFT_4, Draft.DRAFT_6) and left & _CONDITIONAL_SET:
            conditional = Node(CONDITIONAL, pointer)
            conditional.conditional = value_key({k: obj[k] for k in _CONDITIONAL_SET if k in obj})
            found.append(conditional)
        return found

    def _silent(self, keyword: str, value: Any) -> bool:
        """SchemaTranslator visits `properties`/`patternProperties` entry by entry: an empty map gives
        2019-09/2020-12 no object schema (Confluent's own 2020-12 cases: `{"properties": {}}` is {})."""
        return self.draft.modern and keyword in ("properties", "patternProperties") and value == {}

    def _string(self, obj: dict[str, Any], pointer: str) -> Node:
        pattern = obj.get("pattern")
        return Node(
            STRING,
            pointer,
            min_length=self._size(obj, "minLength", pointer),
            max_length=self._size(obj, "maxLength", pointer),
            pattern=pattern if isinstance(pattern, str) else None,
        )

    def _size(self, obj: dict[str, Any], keyword: str, pointer: str) -> int | None:
        """min/maxLength, min/maxItems, min/maxProperties: Everit reads them with
        JsonValue.requireInteger, which takes only a java.lang.Integer, and org.json (fed Jackson's
        printout) gives a BigDecimal for 5.0 or 1e0 and a Long past 2^31-1: the registry refuses the
        schema (42201). The meta-schema does not see it (5.0 is an integer from draft 6 on).
        json-sKema (2019-09, 2020-12) reads any number (`toInt()`)."""
        value = obj.get(keyword)
        if value is None or self.draft.modern or (type(value) is int and _INT_MIN <= value <= _INT_MAX):
            return _integer(value)
        spelled = (
            "a decimal"
            if isinstance(value, float)
            else "beyond a Java int"
            if type(value) is int
            else "no number"
        )
        message = f"{keyword} is {spelled} ({value!r}): the registry's Everit reads it as a Java int"
        hint = f"Write {keyword} as a whole number without a decimal point or exponent, at most {_INT_MAX}."
        raise LoadError(message, child(pointer, keyword), "INVALID_SCHEMA", hint)

    def _number(self, obj: dict[str, Any], pointer: str, requires_integer: bool) -> Node:
        node = Node(NUMBER, pointer, requires_integer=requires_integer)
        node.minimum = _number(obj.get("minimum"))
        node.maximum = _number(obj.get("maximum"))
        node.multiple_of = _number(obj.get("multipleOf"))
        if self.draft is not Draft.DRAFT_4:  # draft-04's boolean flags give no limit of their own
            node.exclusive_minimum = _number(obj.get("exclusiveMinimum"))
            node.exclusive_maximum = _number(obj.get("exclusiveMaximum"))
        return node

    def _object(self, obj: dict[str, Any], pointer: str) -> Node:
        node = Node(OBJECT, pointer)
        node.min_properties = self._size(obj, "minProperties", pointer)
        node.max_properties = self._size(obj, "maxProperties", pointer)
        declared = obj.get("properties")
        if declared:
            node.properties = {
                name: self.load(schema, child(pointer, "properties", name))
                for name, schema in declared.items()
            }
        additional = obj.get("additionalProperties", True)
        if additional is False:
            node.permits_additional = False
        elif isinstance(additional, dict):
            node.additional_schema = self.load(additional, child(pointer, "additionalProperties"))
        required = obj.get("required")
        if required:
            node.required = tuple(r for r in required if isinstance(r, str))
        patterns = obj.get("patternProperties")
        if patterns:
            node.pattern_properties = tuple(
                PatternProperty(
                    key,
                    translate(key).regex,
                    self.load(schema, child(pointer, "patternProperties", key)),
                    java_accepts(key),
                )
                for key, schema in patterns.items()
            )
        property_dependencies: dict[str, frozenset[str]] = {}
        schema_dependencies: dict[str, Node] = {}
        dependency_keyword = "dependencies"
        if self.draft.modern:
            dependency_keyword = "dependentRequired"
            for name, schema in (obj.get("dependentSchemas") or {}).items():
                schema_dependencies[name] = self.load(schema, child(pointer, "dependentSchemas", name))
        for name, dependency in (obj.get(dependency_keyword) or {}).items():
            if isinstance(dependency, list):
                if dependency:  # Everit adds one entry per element: an empty list leaves no entry
                    property_dependencies[name] = frozenset(dependency)
            else:
                schema_dependencies[name] = self.load(dependency, child(pointer, dependency_keyword, name))
        if property_dependencies:
            node.property_dependencies = property_dependencies
        if schema_dependencies:
            node.schema_dependencies = schema_dependencies
        if self.draft.modern and "unevaluatedProperties" in obj:
            node.unevaluated = self.load(
                obj["unevaluatedProperties"], child(pointer, "unevaluatedProperties")
            )
        return node

    def _array(self, obj: dict[str, Any], pointer: str) -> Node:
        node = Node(ARRAY, pointer)
        node.min_items = self._size(obj, "minItems", pointer)
        node.max_items = self._size(obj, "maxItems", pointer)
        node.unique_items = obj.get("uniqueItems") is True
        additional = True if self.draft.modern else obj.get("additionalItems", True)
        if additional is False:
            node.permits_additional = False
        elif isinstance(additional, dict):
            node.additional_schema = self.load(additional, child(pointer, "additionalItems"))
        items = obj.get("items")
        prefix = obj.get("prefixItems") if self.draft.modern else None
        if isinstance(items, list) and self.draft.modern:
            # json-sKema's `items` is one subschema: an array there fails to load (JsonTypingException,
            # "boolean or object"); 2019-09's meta-schema allows it, 2020-12's does not
            message = (
                f"`items` is an array: the registry's {self.draft.value} loader (json-sKema) reads one schema"
            )
            hint = 'Write the tuple as draft-07 `items`, or as 2020-12 "prefixItems".'
            raise LoadError(message, child(pointer, "items"), "INVALID_SCHEMA", hint)
        if isinstance(prefix, list):
            node.item_schemas = [self.load(s, child(pointer, "prefixItems", i)) for i, s in enumerate(prefix)]
        if isinstance(items, list):
            node.item_schemas = [self.load(s, child(pointer, "items", i)) for i, s in enumerate(items)]
        elif items is not None and self.draft.modern:
            # SchemaTranslator: `items: false` closes the array, `true` says nothing, a schema is
            # the schema of every item, or of the items after `prefixItems`
            if items is False:
                node.permits_additional = False
            elif items is not True:
                loaded = self.load(items, child(pointer, "items"))
                if node.item_schemas:
                    node.additional_schema = loaded
                else:
                    node.all_items = loaded
        elif items is not None:
            node.all_items = self.load(items, child(pointer, "items"))
        if self.draft.modern and "contains" in obj:
            node.min_contains = _integer(obj.get("minContains", 1))
            node.max_contains = _integer(obj.get("maxContains"))
        if self.draft.modern and "unevaluatedItems" in obj:
            node.unevaluated = self.load(obj["unevaluatedItems"], child(pointer, "unevaluatedItems"))
        return node


_UNREAD: Any = object()
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _value_at(document: Any, pointer: str) -> Any:
    """The value a pointer this package built (`child`) names in a document; KeyError when none."""
    value = document
    for token in pointer_tokens(pointer):
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise KeyError(pointer)
    return value


def _holds_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, list):
        return any(_holds_float(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_float(item) for item in value.values())
    return False


def _decimal_loads(text: str) -> Any:
    """The text with every decimal literal a Decimal as spelt; None when it does not read (then the
    floats stand)."""
    try:
        return json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError):
        return None


def _text(obj: dict[str, Any], keyword: str, pointer: str) -> str | None:
    """A string annotation; anything else is no JSON Schema (only history is loaded unvalidated)."""
    value = obj.get(keyword)
    if value is not None and not isinstance(value, str):
        raise LoadError(f"{keyword} must be a string", child(pointer, keyword))
    return value


def _integer(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value
