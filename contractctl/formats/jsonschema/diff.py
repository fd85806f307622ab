"""Confluent's JSON Schema diff (json-schema-provider diff/*.java), re-expressed over `model.Node`.

`compare(original, update)` returns every difference as (type, path), compatible ones included, in
the walk's order; a check keeps those not in the policy's compatible set. BACKWARD compares
(previous, new). Recursion is handled as Confluent's Context does: pairs are memoised by identity,
a pair met again while being compared is assumed compatible, and the whole walk is repeated with the
pairs found incompatible until that assumption no longer changes the answer.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from contractctl.formats.jsonschema.canonical import node_key, ref_free
from contractctl.formats.jsonschema.differences import COMPATIBLE_CHANGES_STRICT
from contractctl.formats.jsonschema.matching import maximum_matching
from contractctl.formats.jsonschema.model import (
    ALL_OF,
    ANY_OF,
    ARRAY,
    COMBINED,
    CONST,
    ENUM,
    FALSE,
    MISSING,
    NOT,
    NUMBER,
    OBJECT,
    ONE_OF,
    REF,
    STRING,
    Node,
    value_key,
)

_RECURSION_LIMIT = 20_000
Difference = tuple[str, str]  # (type, path such as "#/properties/a/maxLength")
_Pair = tuple[int, int]


class _Run:
    """State shared by every context of one pass: memo, pairs on the stack, the incompatible seed."""

    __slots__ = ("compatible", "in_progress", "memo", "optimistic", "seed", "verdict_only")

    def __init__(
        self, compatible: frozenset[str], seed: dict[_Pair, tuple[Difference, ...]], verdict_only: bool
    ) -> None:
        self.compatible = compatible
        self.verdict_only = verdict_only
        self.memo: dict[_Pair, tuple[Difference, ...]] = {}
        self.in_progress: set[_Pair] = set()
        self.seed = seed
        self.optimistic = False


class _Context:
    __slots__ = ("diffs", "path", "run")

    def __init__(self, run: _Run, path: list[str]) -> None:
        self.run = run
        self.path = path
        self.diffs: list[Difference] = []

    def sub(self) -> _Context:
        return _Context(self.run, list(self.path))

    def here(self) -> str:
        return "#/" + "/".join(self.path)

    def add(self, kind: str, attribute: str | None = None) -> None:
        if attribute is None:
            self.diffs.append((kind, self.here()))
        else:
            self.path.append(attribute)
            self.diffs.append((kind, self.here()))
            self.path.pop()

    def compatible(self) -> bool:
        allowed = self.run.compatible
        return all(kind in allowed for kind, _ in self.diffs)

    def add_rebased(self, relative: Iterable[Difference]) -> None:
        if not self.path:
            self.diffs.extend(relative)
            return
        prefix = self.here()
        self.diffs.extend((kind, prefix if len(p) <= 2 else f"{prefix}/{p[2:]}") for kind, p in relative)


def compare(
    original: Node,
    update: Node,
    compatible: frozenset[str] = COMPATIBLE_CHANGES_STRICT,
    verdict_only: bool = False,
    texts_differ: bool = False,
) -> list[Difference]:
    """Every difference from `original` to `update` (SchemaDiff.compare).

    verdict_only: skip structurally identical subtrees without references. They only ever differ in
    compatible ways (an object `default`, see `_same_default`), so every incompatible difference and
    every compatibility decision stays the same; only such compatible entries go missing.
    texts_differ: the caller expects the two documents to differ (their texts do), so the roots are
    walked without first building their structural keys to see whether they are identical (an
    identical pair then costs a walk, never a different answer).

    The walk recurses once per schema pair on the way down; recursive unions (each definition
    referring to every other) go hundreds of pairs deep, as on the JVM, so the limit is raised for it.
    """
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
    try:
        return _fixpoint(original, update, compatible, verdict_only, texts_differ)
    finally:
        sys.setrecursionlimit(limit)


def _fixpoint(
    original: Node, update: Node, compatible: frozenset[str], verdict_only: bool, texts_differ: bool
) -> list[Difference]:
    seed: dict[_Pair, tuple[Difference, ...]] = {}
    while True:
        run = _Run(compatible, seed, verdict_only)
        context = _Context(run, [])
        _compare(context, original, update, keyed=not texts_differ)
        incompatible = {
            pair: diffs
            for pair, diffs in run.memo.items()
            if any(kind not in compatible for kind, _ in diffs)
        }
        if not run.optimistic or incompatible.keys() == seed.keys():
            return context.diffs
        seed = incompatible


def _compare(ctx: _Context, original: Node | None, update: Node | None, keyed: bool = True) -> None:
    if original is None and update is None:
        return
    if original is None:
        ctx.add("SCHEMA_ADDED")
        return
    if update is None:
        ctx.add("SCHEMA_REMOVED")
        return
    o, u = referred(original), referred(update)
    run = ctx.run
    if (
        run.verdict_only
        and ref_free(o)
        and (o is u or (keyed and ref_free(u) and node_key(o) == node_key(u)))
    ):
        return  # one subtree (shared between documents, see loader.DocumentLoader) or an identical one
    key = (id(o), id(u))
    cached = run.memo.get(key)
    if cached is None:
        if key in run.in_progress:
            seeded = run.seed.get(key)
            if seeded is None:
                run.optimistic = True
                return
            cached = seeded
        else:
            run.in_progress.add(key)
            try:
                inner = _Context(run, [])
                _compare_types(inner, o, u)
                cached = tuple(inner.diffs)
            finally:
                run.in_progress.discard(key)
            run.memo[key] = cached
    ctx.add_rebased(cached)


def referred(node: Node) -> Node:
    """Confluent's SchemaDiff.normalizeSchema: a reference stands for the schema it refers to, one
    hop only. Everit loads a `$ref` whose target is another `$ref` as a reference to a reference,
    which the diff then takes as a schema of a class of its own: TYPE_CHANGED against any other
    class, and against another reference only what every schema compares (id, title, ...)."""
    return node.target if node.kind == REF and node.target is not None else node


def _same_class(a: Node, b: Node) -> bool:
    return a.kind == b.kind


def _compare_types(ctx: _Context, original: Node, update: Node) -> None:
    if original.kind != COMBINED and update.kind == COMBINED:
        if len(update.subschemas) == 1:
            sub = ctx.sub()
            _compare(sub, original, update.subschemas[0])
            if sub.compatible():
                ctx.diffs.extend(sub.diffs)
                return
        elif update.criterion in (ANY_OF, ONE_OF):
            for subschema in update.subschemas:
                sub = ctx.sub()
                _compare(sub, original, subschema)
                if sub.compatible():
                    ctx.diffs.extend(sub.diffs)
                    ctx.add("SUM_TYPE_EXTENDED")
                    return
    elif original.kind == COMBINED and update.kind != COMBINED:
        if len(original.subschemas) == 1:
            sub = ctx.sub()
            _compare(sub, original.subschemas[0], update)
            if sub.compatible():
                ctx.diffs.extend(sub.diffs)
                return
        elif original.criterion == ALL_OF:
            for subschema in original.subschemas:
                sub = ctx.sub()
                _compare(sub, subschema, update)
                if sub.compatible():
                    ctx.diffs.extend(sub.diffs)
                    ctx.add("PRODUCT_TYPE_NARROWED")
                    return
    if not _same_class(original, update):
        if original.kind == FALSE or update.is_empty:
            return
        if original.connect_type == "bytes" and update.connect_type == "bytes":
            return
        ctx.add("TYPE_CHANGED")
        return
    if original.id != update.id:
        ctx.add("ID_CHANGED")
    if original.title != update.title:
        ctx.add("TITLE_CHANGED")
    if original.description != update.description:
        ctx.add("DESCRIPTION_CHANGED")
    if not _same_default(original.default, update.default):
        ctx.add("DEFAULT_CHANGED")
    kind = original.kind
    if kind == STRING:
        _compare_string(ctx, original, update)
    elif kind == NUMBER:
        _compare_number(ctx, original, update)
    elif kind == CONST:
        if original.value != update.value:
            ctx.add("ENUM_ARRAY_CHANGED", "const")
    elif kind == ENUM:
        _compare_enum(ctx, original, update)
    elif kind == COMBINED:
        _compare_combined(ctx, original, update)
    elif kind == NOT:
        _compare_not(ctx, original, update)
    elif kind == OBJECT:
        _compare_object(ctx, original, update)
    elif kind == ARRAY:
        _compare_array(ctx, original, update)


def _same_default(a: Any, b: Any) -> bool:
    # Everit keeps an object or array default as org.json's JSONObject/JSONArray, whose equals is
    # identity: two documents' object/array defaults never compare equal (DEFAULT_CHANGED, compatible)
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    if a is b:
        return True
    if a is MISSING or b is MISSING:
        return False
    return bool(value_key(a) == value_key(b))


def _limit(ctx: _Context, attribute: str, old: float | None, new: float | None, prefix: str) -> None:
    """The ADDED/REMOVED/INCREASED/DECREASED family for one numeric keyword."""
    if old == new and (old is None) == (new is None):
        return
    if old is None:
        ctx.add(f"{prefix}_ADDED", attribute)
    elif new is None:
        ctx.add(f"{prefix}_REMOVED", attribute)
    elif _double(old) < _double(new):
        ctx.add(f"{prefix}_INCREASED", attribute)
    elif _double(old) > _double(new):
        ctx.add(f"{prefix}_DECREASED", attribute)


def _double(value: float) -> float:
    """Java's Number.doubleValue(), which NumberSchemaDiff orders bounds by: two integers above 2**53
    that differ may be one double (no difference), one beyond a double's range is infinite."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def _compare_string(ctx: _Context, o: Node, u: Node) -> None:
    _limit(ctx, "maxLength", o.max_length, u.max_length, "MAX_LENGTH")
    _limit(ctx, "minLength", o.min_length, u.min_length, "MIN_LENGTH")
    if o.pattern is None and u.pattern is not None:
        ctx.add("PATTERN_ADDED", "pattern")
    elif o.pattern is not None and u.pattern is None:
        ctx.add("PATTERN_REMOVED", "pattern")
    elif o.pattern != u.pattern:
        ctx.add("PATTERN_CHANGED", "pattern")


def _compare_number(ctx: _Context, o: Node, u: Node) -> None:
    _limit(ctx, "maximum", o.maximum, u.maximum, "MAXIMUM")
    _limit(ctx, "minimum", o.minimum, u.minimum, "MINIMUM")
    old_max, new_max = o.exclusive_maximum, u.exclusive_maximum
    if old_max != new_max or (old_max is None) != (new_max is None):
        if old_max is None:
            ctx.add("EXCLUSIVE_MAXIMUM_ADDED", "exclusiveMaximum")
        elif new_max is None:
            ctx.add("EXCLUSIVE_MAXIMUM_REMOVED", "exclusiveMaximum")
        elif _double(old_max) < _double(new_max):
            ctx.add("EXCLUSIVE_MAXIMUM_INCREASED", "exclusiveMaximum")
        # NumberSchemaDiff compares a decrease with the update's `maximum` (a slip in Confluent's code;
        # without a `maximum` Java fails there): the intended comparison stands in for that case
        elif _double(old_max) > _double(u.maximum if u.maximum is not None else new_max):
            ctx.add("EXCLUSIVE_MAXIMUM_DECREASED", "exclusiveMaximum")
    _limit(ctx, "exclusiveMinimum", o.exclusive_minimum, u.exclusive_minimum, "EXCLUSIVE_MINIMUM")
    _compare_multiple_of(ctx, _decimal(o.multiple_of), _decimal(u.multiple_of))
    if o.requires_integer != u.requires_integer:
        ctx.add("TYPE_EXTENDED" if o.requires_integer else "TYPE_NARROWED")


def _decimal(value: float | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(repr(value))
    except InvalidOperation:
        return None


def _compare_multiple_of(ctx: _Context, old: Decimal | None, new: Decimal | None) -> None:
    if old == new if old is not None and new is not None else old is None and new is None:
        return
    if old is None:
        ctx.add("MULTIPLE_OF_ADDED", "multipleOf")
    elif new is None:
        ctx.add("MULTIPLE_OF_REMOVED", "multipleOf")
    elif old != 0 and new % old == 0:
        ctx.add("MULTIPLE_OF_EXPANDED", "multipleOf")
    elif new != 0 and old % new == 0:
        ctx.add("MULTIPLE_OF_REDUCED", "multipleOf")
    else:
        ctx.add("MULTIPLE_OF_CHANGED", "multipleOf")


def _compare_enum(ctx: _Context, o: Node, u: Node) -> None:
    if o.values != u.values:
        if u.values >= o.values:
            ctx.add("ENUM_ARRAY_EXTENDED", "enum")
        elif o.values >= u.values:
            ctx.add("ENUM_ARRAY_NARROWED", "enum")
        else:
            ctx.add("ENUM_ARRAY_CHANGED", "enum")


def _compare_not(ctx: _Context, o: Node, u: Node) -> None:
    ctx.path.append("not")
    sub = ctx.sub()
    _compare(sub, u.inner, o.inner)  # reversed: `not` turns the roles around
    ctx.add("NOT_TYPE_NARROWED" if sub.compatible() else "NOT_TYPE_EXTENDED")
    ctx.path.pop()


# -- combined schemas ------------------------------------------------------------------------------


def distinct(subschemas: Sequence[Node]) -> list[Node]:
    """Confluent collects branches in a set of JsonSchema (equal canonical text): duplicates collapse."""
    seen: dict[Any, Node] = {}
    for subschema in subschemas:
        seen.setdefault(node_key(subschema), subschema)
    return list(seen.values())


def _compare_criteria(ctx: _Context, o: Node, u: Node) -> str | None:
    if o.criterion == u.criterion:
        return None
    single_o, single_u = len(o.subschemas) == 1, len(u.subschemas) == 1
    if (
        u.criterion == ANY_OF
        or (single_o and single_u)
        or (single_o and u.criterion == ONE_OF)
        or (single_u and o.criterion == ALL_OF)
    ):
        kind = "COMBINED_TYPE_EXTENDED"
    else:
        kind = "COMBINED_TYPE_CHANGED"
    ctx.add(kind)
    return kind


def _compare_combined(ctx: _Context, o: Node, u: Node) -> None:
    if _compare_criteria(ctx, o, u) == "COMBINED_TYPE_CHANGED":
        return
    originals, updates = distinct(o.subschemas), distinct(u.subschemas)
    if len(originals) < len(updates):
        ctx.add("PRODUCT_TYPE_EXTENDED" if u.criterion == ALL_OF else "SUM_TYPE_EXTENDED")
    elif len(originals) > len(updates):
        ctx.add("SUM_TYPE_NARROWED" if o.criterion in (ANY_OF, ONE_OF) else "PRODUCT_TYPE_NARROWED")
    edges: list[list[int]] = []
    found: dict[tuple[int, int], list[Difference]] = {}
    for index, original in enumerate(originals):
        ctx.path.append(f"{o.criterion}/{index}")
        compatible = []
        for position, update in enumerate(updates):
            sub = ctx.sub()
            _compare(sub, original, update)
            if sub.compatible():
                compatible.append(position)
                found[(index, position)] = sub.diffs
        ctx.path.pop()
        edges.append(compatible)
    matching = maximum_matching(len(originals), edges)
    for left, right in sorted(matching.items()):
        ctx.diffs.extend(found[(left, right)])
    if len(matching) < min(len(originals), len(updates)):
        ctx.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED")


# -- objects ---------------------------------------------------------------------------------------


def _compare_object(ctx: _Context, o: Node, u: Node) -> None:
    _compare_required(ctx, o, u)
    _compare_properties(ctx, o, u)
    _compare_dependencies(ctx, o, u)
    _compare_additional(ctx, o, u, "additionalProperties", "ADDITIONAL_PROPERTIES", objects=True)
    _compare_unevaluated(ctx, o.unevaluated, u.unevaluated, "unevaluatedProperties", "UNEVALUATED_PROPERTIES")
    _limit(ctx, "maxProperties", o.max_properties, u.max_properties, "MAX_PROPERTIES")
    _limit(ctx, "minProperties", o.min_properties, u.min_properties, "MIN_PROPERTIES")


def _compare_required(ctx: _Context, o: Node, u: Node) -> None:
    ctx.path.append("required")
    old_required, new_required = set(o.required), set(u.required)
    for name in o.properties:
        if name in u.properties:
            was, now = name in old_required, name in new_required
            if was and not now:
                ctx.add("REQUIRED_ATTRIBUTE_REMOVED", name)
            elif now and not was:
                with_default = u.properties[name].has_default
                ctx.add(
                    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED" if with_default else "REQUIRED_ATTRIBUTE_ADDED",
                    name,
                )
    ctx.path.pop()


def _object_open(node: Node) -> bool:
    if not node.permits_additional or node.additional_schema is not None or node.pattern_properties:
        return False
    return node.unevaluated is None or node.unevaluated.is_empty


_UNDECIDED = Node(FALSE, "")
"""The covering schema when a patternProperties entry's Java matching cannot be told: Java might cover
the name or not, so `_covered` reports it not covered (never a wrong "compatible")."""


def _object_covering(node: Node, name: str) -> Node | None:
    for entry in node.pattern_properties:
        found = entry.finds(name)
        if found is None:
            return _UNDECIDED
        if found:
            return entry.schema
    return _covering_beyond(node)


def _compare_properties(ctx: _Context, o: Node, u: Node) -> None:
    ctx.path.append("properties")
    new_required = set(u.required)
    skip_shared = ctx.run.verdict_only
    for name in _union(o.properties, u.properties):
        old, new = o.properties.get(name), u.properties.get(name)
        if skip_shared and old is new and old is not None and old.free:
            continue  # the same reference-free node on both sides (as _compare would skip it)
        ctx.path.append(name)
        if new is None:
            assert old is not None
            if _object_open(u):
                ctx.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL")
            else:
                covering = _object_covering(u, name)
                if covering is not None:
                    _covered(ctx, old, covering, "PROPERTY_REMOVED")
                elif old.kind == FALSE:
                    ctx.add("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
                else:
                    ctx.add("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL")
        elif old is None:
            if _object_open(o):
                if new.is_empty:
                    ctx.add("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL")
                elif name in new_required:
                    ctx.add(
                        "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
                        if new.has_default
                        else "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
                    )
                else:
                    ctx.add("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
            else:
                covering = _object_covering(o, name)
                if covering is not None:
                    _covered(ctx, covering, new, "PROPERTY_ADDED")
                if name in new_required:
                    ctx.add(
                        "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
                        if new.has_default
                        else "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
                    )
                else:
                    ctx.add("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
        else:
            _compare(ctx, old, new)
        ctx.path.pop()
    ctx.path.pop()


def _covered(ctx: _Context, original: Node, update: Node, prefix: str) -> None:
    """A property or item only one side has, judged against the other side's covering schema."""
    if original is _UNDECIDED or update is _UNDECIDED:
        ctx.add(f"{prefix}_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
        return
    sub = ctx.sub()
    _compare(sub, original, update)
    ctx.diffs.extend(sub.diffs)
    covered = "IS_COVERED" if sub.compatible() else "NOT_COVERED"
    ctx.add(f"{prefix}_{covered}_BY_PARTIALLY_OPEN_CONTENT_MODEL")


def _union(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    return list(a) + [name for name in b if name not in a]


def _compare_dependencies(ctx: _Context, o: Node, u: Node) -> None:
    ctx.path.append("dependencies")
    for name in _union(o.property_dependencies, u.property_dependencies):
        old, new = o.property_dependencies.get(name), u.property_dependencies.get(name)
        if new is None:
            ctx.add("DEPENDENCY_ARRAY_REMOVED", name)
        elif old is None:
            ctx.add("DEPENDENCY_ARRAY_ADDED", name)
        elif old != new:
            if new >= old:
                ctx.add("DEPENDENCY_ARRAY_EXTENDED", name)
            elif old >= new:
                ctx.add("DEPENDENCY_ARRAY_NARROWED", name)
            else:
                ctx.add("DEPENDENCY_ARRAY_CHANGED", name)
    for name in _union(o.schema_dependencies, u.schema_dependencies):
        old_schema, new_schema = o.schema_dependencies.get(name), u.schema_dependencies.get(name)
        if new_schema is None:
            ctx.add("DEPENDENCY_SCHEMA_REMOVED", name)
        elif old_schema is None:
            ctx.add("DEPENDENCY_SCHEMA_ADDED", name)
        else:
            ctx.path.append(name)
            _compare(ctx, old_schema, new_schema)
            ctx.path.pop()
    ctx.path.pop()


def _compare_additional(ctx: _Context, o: Node, u: Node, keyword: str, prefix: str, objects: bool) -> None:
    ctx.path.append(keyword)
    if o.permits_additional != u.permits_additional:
        # objects: allowed now -> ADDED; arrays (ArraySchemaDiff) test the original's flag instead
        added = u.permits_additional if objects else not o.permits_additional
        ctx.add(f"{prefix}_ADDED" if added else f"{prefix}_REMOVED")
    elif o.additional_schema is None and u.additional_schema is not None:
        ctx.add(f"{prefix}_NARROWED")
    elif u.additional_schema is None and o.additional_schema is not None:
        ctx.add(f"{prefix}_EXTENDED")
    else:
        _compare(ctx, o.additional_schema, u.additional_schema)
    ctx.path.pop()


def _compare_unevaluated(
    ctx: _Context, old: Node | None, new: Node | None, keyword: str, prefix: str
) -> None:
    if old is None and new is None:
        return
    ctx.path.append(keyword)
    if old is None:
        assert new is not None
        ctx.add(f"{prefix}_REMOVED" if new.kind == FALSE else f"{prefix}_NARROWED")
    elif new is None:
        ctx.add(f"{prefix}_ADDED" if old.kind == FALSE else f"{prefix}_EXTENDED")
    elif old.kind == FALSE and new.kind != FALSE:
        ctx.add(f"{prefix}_ADDED")
    elif old.kind != FALSE and new.kind == FALSE:
        ctx.add(f"{prefix}_REMOVED")
    elif old.is_empty and not new.is_empty:
        ctx.add(f"{prefix}_NARROWED")
    elif not old.is_empty and new.is_empty:
        ctx.add(f"{prefix}_EXTENDED")
    else:
        _compare(ctx, old, new)
    ctx.path.pop()


# -- arrays ----------------------------------------------------------------------------------------


def _compare_array(ctx: _Context, o: Node, u: Node) -> None:
    ctx.path.append("items")
    _compare(ctx, o.all_items, u.all_items)
    ctx.path.pop()
    _compare_tuples(ctx, o, u)
    _compare_additional(ctx, o, u, "additionalItems", "ADDITIONAL_ITEMS", objects=False)
    _compare_unevaluated(ctx, o.unevaluated, u.unevaluated, "unevaluatedItems", "UNEVALUATED_ITEMS")
    _limit(ctx, "maxItems", o.max_items, u.max_items, "MAX_ITEMS")
    _limit(ctx, "minItems", o.min_items, u.min_items, "MIN_ITEMS")
    if o.unique_items != u.unique_items:
        ctx.add("UNIQUE_ITEMS_REMOVED" if o.unique_items else "UNIQUE_ITEMS_ADDED", "uniqueItems")
    _limit(ctx, "maxContains", o.max_contains, u.max_contains, "MAX_CONTAINS")
    _limit(ctx, "minContains", o.min_contains, u.min_contains, "MIN_CONTAINS")


def _array_open(node: Node) -> bool:
    if not node.permits_additional or node.additional_schema is not None:
        return False
    return node.unevaluated is None or node.unevaluated.is_empty


def _covering_beyond(node: Node) -> Node | None:
    """The schema that covers what an object's properties (or an array's items) leave open: the
    additional schema, else a non-trivial unevaluated one where additional content is allowed."""
    if node.additional_schema is not None:
        return node.additional_schema
    if node.permits_additional:
        unevaluated = node.unevaluated
        if unevaluated is not None and unevaluated.kind != FALSE and not unevaluated.is_empty:
            return unevaluated
    return None


def _compare_tuples(ctx: _Context, o: Node, u: Node) -> None:
    old_items, new_items = o.item_schemas or [], u.item_schemas or []
    shared = min(len(old_items), len(new_items))
    for index in range(shared):
        ctx.path.append(f"items/{index}")
        _compare(ctx, old_items[index], new_items[index])
        ctx.path.pop()
    for index in range(shared, len(old_items)):
        ctx.path.append(f"items/{index}")
        old = old_items[index]
        if _array_open(u):
            ctx.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL")
        else:
            covering = _covering_beyond(u)
            if covering is not None:
                _covered(ctx, old, covering, "ITEM_REMOVED")
            elif old.kind == FALSE:
                ctx.add("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
            else:
                ctx.add("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL")
        ctx.path.pop()
    for index in range(shared, len(new_items)):
        ctx.path.append(f"items/{index}")
        new = new_items[index]
        if _array_open(o):
            ctx.add(
                "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                if new.is_empty
                else "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
            )
        else:
            covering = _covering_beyond(o)
            if covering is not None:
                _covered(ctx, covering, new, "ITEM_ADDED")
            else:
                ctx.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL")
        ctx.path.pop()
