"""JSON Schema compatibility for the registry double, judged the way Confluent's registry judges it.

An independent oracle for contractctl's JSON Schema support (it never imports contractctl), written
from reading Confluent's ``json-schema-provider`` (``SchemaDiff`` and the per-kind ``*Diff`` classes).
Both schemas are read into node trees (:mod:`.jsonschema_model`), walked together from the older
(original) to the newer (update) one, and every ``(difference type, JSON path)`` is collected; the
schemas are compatible when each difference is in the policy's compatible set (STRICT, or LENIENT
when the subject's ``compatibilityPolicy`` says so). A pair met again while still being compared
(a recursive ``$ref``) counts as compatible until a later pass has shown it is not.

Not reproduced: ``$anchor``/nested ``$id`` base changes, remote refs, the LOGICAL policy's extra
checks, and a few 2020-12 translation quirks (see the double's notes).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .compat import SchemaDoc
from .jsonschema_messages import describe
from .jsonschema_model import Documents, Node, resolve, same_value


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Difference types Confluent counts as compatible under its default (STRICT) policy.
STRICT_COMPATIBLE = _words(
    """
    ID_CHANGED DESCRIPTION_CHANGED TITLE_CHANGED DEFAULT_CHANGED SCHEMA_REMOVED TYPE_EXTENDED
    MAX_LENGTH_INCREASED MAX_LENGTH_REMOVED MIN_LENGTH_DECREASED MIN_LENGTH_REMOVED PATTERN_REMOVED
    MAXIMUM_INCREASED MAXIMUM_REMOVED MINIMUM_DECREASED MINIMUM_REMOVED EXCLUSIVE_MAXIMUM_INCREASED
    EXCLUSIVE_MAXIMUM_REMOVED EXCLUSIVE_MINIMUM_DECREASED EXCLUSIVE_MINIMUM_REMOVED MULTIPLE_OF_REDUCED
    MULTIPLE_OF_REMOVED REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED REQUIRED_ATTRIBUTE_REMOVED
    DEPENDENCY_ARRAY_NARROWED DEPENDENCY_ARRAY_REMOVED DEPENDENCY_SCHEMA_REMOVED MAX_PROPERTIES_INCREASED
    MAX_PROPERTIES_REMOVED MIN_PROPERTIES_DECREASED MIN_PROPERTIES_REMOVED ADDITIONAL_PROPERTIES_ADDED
    ADDITIONAL_PROPERTIES_EXTENDED UNEVALUATED_PROPERTIES_ADDED UNEVALUATED_PROPERTIES_EXTENDED
    PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
    OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
    PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL
    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
    MAX_ITEMS_INCREASED MAX_ITEMS_REMOVED MIN_ITEMS_DECREASED MIN_ITEMS_REMOVED MAX_CONTAINS_INCREASED
    MAX_CONTAINS_REMOVED MIN_CONTAINS_DECREASED MIN_CONTAINS_REMOVED UNIQUE_ITEMS_REMOVED
    ADDITIONAL_ITEMS_ADDED ADDITIONAL_ITEMS_EXTENDED UNEVALUATED_ITEMS_ADDED UNEVALUATED_ITEMS_EXTENDED
    ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL ITEM_ADDED_TO_CLOSED_CONTENT_MODEL
    ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL
    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
    ENUM_ARRAY_EXTENDED COMBINED_TYPE_EXTENDED PRODUCT_TYPE_NARROWED SUM_TYPE_EXTENDED NOT_TYPE_NARROWED
    """
)

# LENIENT (the ``compatibilityPolicy`` config) accepts these as well.
LENIENT_COMPATIBLE = STRICT_COMPATIBLE | _words(
    """
    ADDITIONAL_PROPERTIES_NARROWED ADDITIONAL_PROPERTIES_REMOVED UNEVALUATED_PROPERTIES_NARROWED
    UNEVALUATED_PROPERTIES_REMOVED REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
    OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL
    PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
    PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
    """
)
POLICIES = {"STRICT": STRICT_COMPATIBLE, "LENIENT": LENIENT_COMPATIBLE}


class _RecursionHeadroom:
    """Raises Python's recursion limit only while a walk runs, restoring it when the last one ends.

    Nested unions of mutually recursive definitions are walked depth-first, a few frames per schema
    pair (Confluent's Java walk does the same on a larger stack), which can exceed the default 1000.
    The limit is process-wide, so it must not stay raised: code under test relies on the default.
    """

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.lock = threading.Lock()
        self.active = 0
        self.saved = 0

    def __enter__(self) -> None:
        with self.lock:
            if self.active == 0:
                self.saved = sys.getrecursionlimit()
                sys.setrecursionlimit(max(self.saved, self.depth))
            self.active += 1

    def __exit__(self, *_: object) -> None:
        with self.lock:
            self.active -= 1
            if self.active == 0:
                sys.setrecursionlimit(self.saved)


_DEEP_WALKS = _RecursionHeadroom(20_000)

Difference = tuple[str, str]
"""``(type, path)``: a Confluent ``Difference.Type`` name and a ``#/a/b`` JSON path."""


class _Walk:
    """Compares two node trees, original (older) against update (newer), collecting differences.

    Each (old, new) pair is compared once and remembered with paths relative to the pair, so
    schemas whose definitions refer to one another stay polynomial. A pair met again while it is
    still being compared is a cycle: it counts as compatible unless an earlier pass already found
    that pair incompatible (``known_bad``); :func:`differences` repeats the walk until that set
    stops growing, so an optimistic guess never hides a real incompatibility.
    """

    def __init__(self, allowed: frozenset[str], known_bad: dict[tuple[int, int], list[Difference]]) -> None:
        self.allowed = allowed
        self.active: set[tuple[int, int]] = set()
        self.memo: dict[tuple[int, int], list[Difference]] = {}
        self.known_bad = known_bad
        self.guessed = False

    def diff(self, old: Node | None, new: Node | None, path: tuple[str, ...]) -> list[Difference]:
        if old is None and new is None:
            return []
        if old is None:
            return [("SCHEMA_ADDED", _path(path))]
        if new is None:
            return [("SCHEMA_REMOVED", _path(path))]
        old, new = resolve(old), resolve(new)
        key = (id(old), id(new))
        relative = self.memo.get(key)
        if relative is None and key in self.active:
            if key not in self.known_bad:
                self.guessed = True
            relative = self.known_bad.get(key, [])
        if relative is None:
            self.active.add(key)
            try:
                relative = self._types(old, new, ())
            finally:
                self.active.discard(key)
            self.memo[key] = relative
        return [(kind, _rebase(path, at)) for kind, at in relative]

    def ok(self, found: Sequence[Difference]) -> bool:
        """Compatible under the policy; the policy also steers branch matching and coverage."""
        return all(kind in self.allowed for kind, _ in found)

    def _types(self, old: Node, new: Node, path: tuple[str, ...]) -> list[Difference]:
        if old.kind != "combined" and new.kind == "combined":
            subs, criterion = new.attrs["subs"], new.attrs["criterion"]
            if len(subs) == 1:
                found = self.diff(old, subs[0], path)
                if self.ok(found):
                    return found
            elif criterion in ("anyOf", "oneOf"):
                for sub in subs:
                    found = self.diff(old, sub, path)
                    if self.ok(found):
                        return [*found, ("SUM_TYPE_EXTENDED", _path(path))]
        elif old.kind == "combined" and new.kind != "combined":
            subs, criterion = old.attrs["subs"], old.attrs["criterion"]
            if len(subs) == 1:
                found = self.diff(subs[0], new, path)
                if self.ok(found):
                    return found
            elif criterion == "allOf":
                for sub in subs:
                    found = self.diff(sub, new, path)
                    if self.ok(found):
                        return [*found, ("PRODUCT_TYPE_NARROWED", _path(path))]
        here = _path(path)
        if old.kind != new.kind:
            if old.kind == "false" or new.kind in ("empty", "true"):
                return []
            if old.connect_type == "bytes" and new.connect_type == "bytes":
                return []
            return [("TYPE_CHANGED", here)]
        out: list[Difference] = []
        for key, kind in (
            ("id", "ID"),
            ("title", "TITLE"),
            ("description", "DESCRIPTION"),
            ("default", "DEFAULT"),
        ):
            if (key in old.common) != (key in new.common) or not same_value(
                old.common.get(key), new.common.get(key)
            ):
                out.append((f"{kind}_CHANGED", here))
        handler = getattr(self, f"_{old.kind}", None)
        if handler is not None:
            out.extend(handler(old.attrs, new.attrs, path))
        return out

    # Per-kind comparisons -------------------------------------------------------------------------

    def _string(self, old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...]) -> list[Difference]:
        out = _bound(old, new, path, "maxLength", "MAX_LENGTH")
        out += _bound(old, new, path, "minLength", "MIN_LENGTH")
        before, after = old["pattern"], new["pattern"]
        if before is None and after is not None:
            out.append(("PATTERN_ADDED", _path(path, "pattern")))
        elif before is not None and after is None:
            out.append(("PATTERN_REMOVED", _path(path, "pattern")))
        elif before is not None and before != after:
            out.append(("PATTERN_CHANGED", _path(path, "pattern")))
        return out

    def _number(self, old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...]) -> list[Difference]:
        out = _bound(old, new, path, "maximum", "MAXIMUM")
        out += _bound(old, new, path, "minimum", "MINIMUM")
        out += _bound(old, new, path, "exclusiveMaximum", "EXCLUSIVE_MAXIMUM")
        out += _bound(old, new, path, "exclusiveMinimum", "EXCLUSIVE_MINIMUM")
        out += _multiple_of(old["multipleOf"], new["multipleOf"], path)
        if old["integer"] != new["integer"]:
            out.append(("TYPE_EXTENDED" if old["integer"] else "TYPE_NARROWED", _path(path)))
        return out

    def _enum(self, old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...]) -> list[Difference]:
        before, after = old["values"], new["values"]
        if before == after:
            return []
        kind = "EXTENDED" if after >= before else "NARROWED" if after <= before else "CHANGED"
        return [(f"ENUM_ARRAY_{kind}", _path(path, "enum"))]

    def _const(self, old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...]) -> list[Difference]:
        return (
            [] if same_value(old["value"], new["value"]) else [("ENUM_ARRAY_CHANGED", _path(path, "const"))]
        )

    def _not(self, old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...]) -> list[Difference]:
        # The inner schemas swap roles: what the new schema forbids must have been forbidden before.
        inner = (*path, "not")
        found = self.diff(new["inner"], old["inner"], inner)
        return [("NOT_TYPE_NARROWED" if self.ok(found) else "NOT_TYPE_EXTENDED", _path(inner))]

    def _combined(self, old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...]) -> list[Difference]:
        out: list[Difference] = []
        before, after = old["criterion"], new["criterion"]
        old_subs, new_subs = _distinct(old["subs"]), _distinct(new["subs"])
        if before != after:
            single_old, single_new = len(old["subs"]) == 1, len(new["subs"]) == 1
            if (
                after == "anyOf"
                or (single_old and single_new)
                or (single_old and after == "oneOf")
                or (single_new and before == "allOf")
            ):
                out.append(("COMBINED_TYPE_EXTENDED", _path(path)))
            else:
                return [("COMBINED_TYPE_CHANGED", _path(path))]
        if len(old_subs) < len(new_subs):
            out.append(("PRODUCT_TYPE_EXTENDED" if after == "allOf" else "SUM_TYPE_EXTENDED", _path(path)))
        elif len(old_subs) > len(new_subs):
            out.append(("PRODUCT_TYPE_NARROWED" if before == "allOf" else "SUM_TYPE_NARROWED", _path(path)))
        edges: dict[tuple[int, int], list[Difference]] = {}
        for i, old_sub in enumerate(old_subs):
            for j, new_sub in enumerate(new_subs):
                found = self.diff(old_sub, new_sub, (*path, f"{before}/{i}"))
                if self.ok(found):
                    edges[(i, j)] = found
        matching = _max_matching(len(old_subs), len(new_subs), set(edges))
        for edge in sorted(matching):
            out.extend(edges[edge])
        if len(matching) < min(len(old_subs), len(new_subs)):
            out.append(("COMBINED_TYPE_SUBSCHEMAS_CHANGED", _path(path)))
        return out

    def _object(self, old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...]) -> list[Difference]:
        out: list[Difference] = []
        old_props, new_props = old["properties"], new["properties"]
        for name in old_props:
            if name not in new_props:
                continue
            was, now = name in old["required"], name in new["required"]
            at = _path(path, "required", name)
            if was and not now:
                out.append(("REQUIRED_ATTRIBUTE_REMOVED", at))
            elif now and not was:
                with_default = "default" in new_props[name].common
                out.append(
                    (
                        "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                        if with_default
                        else "REQUIRED_ATTRIBUTE_ADDED",
                        at,
                    )
                )
        for name in sorted(set(old_props) | set(new_props)):
            out.extend(self._property(old, new, name, (*path, "properties", name)))
        out.extend(self._dependencies(old, new, (*path, "dependencies")))
        out.extend(
            self._rest(
                old, new, (*path, "additionalProperties"), "ADDITIONAL_PROPERTIES", added_when_permitted=True
            )
        )
        out.extend(self._unevaluated(old["unevaluated"], new["unevaluated"], path, "PROPERTIES"))
        out += _bound(old, new, path, "maxProperties", "MAX_PROPERTIES")
        out += _bound(old, new, path, "minProperties", "MIN_PROPERTIES")
        return out

    def _property(
        self, old: dict[str, Any], new: dict[str, Any], name: str, path: tuple[str, ...]
    ) -> list[Difference]:
        before, after = old["properties"].get(name), new["properties"].get(name)
        here = _path(path)
        if before is not None and after is not None:
            return self.diff(before, after, path)
        if after is None:  # removed: only the new schema's content model decides
            if _open_object(new):
                return [("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", here)]
            cover = _object_cover(new, name)
            if cover is not None:
                found = self.diff(before, cover, path)
                verdict = "IS" if self.ok(found) else "NOT"
                return [*found, (f"PROPERTY_REMOVED_{verdict}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", here)]
            assert before is not None
            if before.kind == "false":
                return [("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", here)]
            return [("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", here)]
        required = name in new["required"]
        with_default = "default" in after.common
        if _open_object(old):  # added: only the old schema's content model decides
            if after.kind in ("empty", "true"):
                return [("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", here)]
            if required:
                suffix = "WITH_DEFAULT_ADDED" if with_default else "ADDED"
                return [(f"REQUIRED_PROPERTY_{suffix}_TO_OPEN_CONTENT_MODEL", here)]
            return [("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", here)]
        out: list[Difference] = []
        cover = _object_cover(old, name)
        if cover is not None:
            found = self.diff(cover, after, path)
            verdict = "IS" if self.ok(found) else "NOT"
            out += [*found, (f"PROPERTY_ADDED_{verdict}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", here)]
        if required:
            suffix = "WITH_DEFAULT_ADDED" if with_default else "ADDED"
            out.append((f"REQUIRED_PROPERTY_{suffix}_TO_UNOPEN_CONTENT_MODEL", here))
        else:
            out.append(("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", here))
        return out

    def _dependencies(
        self, old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...]
    ) -> list[Difference]:
        out: list[Difference] = []
        for name in sorted(set(old["array_deps"]) | set(new["array_deps"])):
            before, after = old["array_deps"].get(name), new["array_deps"].get(name)
            at = _path(path, name)
            if after is None:
                out.append(("DEPENDENCY_ARRAY_REMOVED", at))
            elif before is None:
                out.append(("DEPENDENCY_ARRAY_ADDED", at))
            elif before != after:
                kind = "EXTENDED" if after >= before else "NARROWED" if after <= before else "CHANGED"
                out.append((f"DEPENDENCY_ARRAY_{kind}", at))
        for name in sorted(set(old["schema_deps"]) | set(new["schema_deps"])):
            before, after = old["schema_deps"].get(name), new["schema_deps"].get(name)
            if after is None:
                out.append(("DEPENDENCY_SCHEMA_REMOVED", _path(path, name)))
            elif before is None:
                out.append(("DEPENDENCY_SCHEMA_ADDED", _path(path, name)))
            else:
                out.extend(self.diff(before, after, (*path, name)))
        return out

    def _rest(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        path: tuple[str, ...],
        family: str,
        added_when_permitted: bool,
    ) -> list[Difference]:
        """``additionalProperties`` / ``additionalItems``: permitted flag first, then the schema."""
        here = _path(path)
        if old["permits"] != new["permits"]:
            opened = new["permits"] if added_when_permitted else not old["permits"]
            return [(f"{family}_{'ADDED' if opened else 'REMOVED'}", here)]
        if old["additional"] is None and new["additional"] is not None:
            return [(f"{family}_NARROWED", here)]
        if new["additional"] is None and old["additional"] is not None:
            return [(f"{family}_EXTENDED", here)]
        return self.diff(old["additional"], new["additional"], path)

    def _unevaluated(
        self, before: Node | None, after: Node | None, path: tuple[str, ...], family: str
    ) -> list[Difference]:
        if before is None and after is None:
            return []
        path = (*path, f"unevaluated{family.title()}")
        here, kind = _path(path), f"UNEVALUATED_{family}"
        old_false = before is not None and before.kind == "false"
        new_false = after is not None and after.kind == "false"
        if before is None:
            return [(f"{kind}_{'REMOVED' if new_false else 'NARROWED'}", here)]
        if after is None:
            return [(f"{kind}_{'ADDED' if old_false else 'EXTENDED'}", here)]
        if old_false != new_false:
            return [(f"{kind}_{'ADDED' if old_false else 'REMOVED'}", here)]
        old_empty, new_empty = before.kind in ("empty", "true"), after.kind in ("empty", "true")
        if old_empty != new_empty:
            return [(f"{kind}_{'NARROWED' if old_empty else 'EXTENDED'}", here)]
        return self.diff(before, after, path)

    def _array(self, old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...]) -> list[Difference]:
        out = self.diff(old["all"], new["all"], (*path, "items"))
        out += self._tuple(old, new, path)
        out += self._rest(
            old, new, (*path, "additionalItems"), "ADDITIONAL_ITEMS", added_when_permitted=False
        )
        out += self._unevaluated(old["unevaluated"], new["unevaluated"], path, "ITEMS")
        out += _bound(old, new, path, "maxItems", "MAX_ITEMS")
        out += _bound(old, new, path, "minItems", "MIN_ITEMS")
        if old["unique"] != new["unique"]:
            out.append(
                (
                    "UNIQUE_ITEMS_REMOVED" if old["unique"] else "UNIQUE_ITEMS_ADDED",
                    _path(path, "uniqueItems"),
                )
            )
        out += _bound(old, new, path, "maxContains", "MAX_CONTAINS")
        out += _bound(old, new, path, "minContains", "MIN_CONTAINS")
        return out

    def _tuple(self, old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...]) -> list[Difference]:
        before, after = old["tuple"], new["tuple"]
        out: list[Difference] = []
        for index in range(max(len(before), len(after))):
            at = (*path, f"items/{index}")
            here = _path(at)
            if index < len(before) and index < len(after):
                out += self.diff(before[index], after[index], at)
            elif index < len(before):  # removed: the new schema's model decides
                if _open_array(new):
                    out.append(("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", here))
                elif _array_cover(new) is not None:
                    found = self.diff(before[index], _array_cover(new), at)
                    verdict = "IS" if self.ok(found) else "NOT"
                    out += [*found, (f"ITEM_REMOVED_{verdict}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", here)]
                elif before[index].kind == "false":
                    out.append(("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", here))
                else:
                    out.append(("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", here))
            elif _open_array(old):  # added: the old schema's model decides
                empty = after[index].kind in ("empty", "true")
                out.append(
                    (
                        "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                        if empty
                        else "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
                        here,
                    )
                )
            elif _array_cover(old) is not None:
                found = self.diff(_array_cover(old), after[index], at)
                verdict = "IS" if self.ok(found) else "NOT"
                out += [*found, (f"ITEM_ADDED_{verdict}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", here)]
            else:
                out.append(("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", here))
        return out


def _path(path: tuple[str, ...], *more: str) -> str:
    return "#/" + "/".join((*path, *more))


def _rebase(prefix: tuple[str, ...], relative: str) -> str:
    """Move a path computed relative to a pair (``#/x``) under where that pair sits."""
    rest = relative[2:]
    return _path(prefix, rest) if prefix and rest else _path(prefix) if prefix else relative


def _bound(
    old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...], key: str, family: str
) -> list[Difference]:
    before, after = old.get(key), new.get(key)
    if before is None and after is None:
        return []
    at = _path(path, key)
    if before is None:
        return [(f"{family}_ADDED", at)]
    if after is None:
        return [(f"{family}_REMOVED", at)]
    if before < after:
        return [(f"{family}_INCREASED", at)]
    if before > after:
        return [(f"{family}_DECREASED", at)]
    return []


def _multiple_of(before: Any, after: Any, path: tuple[str, ...]) -> list[Difference]:
    at = _path(path, "multipleOf")
    if before is None and after is None:
        return []
    if before is None:
        return [("MULTIPLE_OF_ADDED", at)]
    if after is None:
        return [("MULTIPLE_OF_REMOVED", at)]
    old, new = Decimal(str(before)), Decimal(str(after))
    if old == new:
        return []
    if old != 0 and new % old == 0:
        return [("MULTIPLE_OF_EXPANDED", at)]
    if new != 0 and old % new == 0:
        return [("MULTIPLE_OF_REDUCED", at)]
    return [("MULTIPLE_OF_CHANGED", at)]


def _distinct(nodes: Sequence[Node]) -> list[Node]:
    """Branches with identical JSON collapse into one, as Confluent's set of branches does."""
    seen: dict[str, Node] = {}
    for node in nodes:
        seen.setdefault(node.raw, node)
    return list(seen.values())


def _max_matching(left: int, right: int, edges: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Maximum-cardinality bipartite matching by augmenting paths (branch counts are small)."""
    owner: dict[int, int] = {}

    def augment(i: int, visited: set[int]) -> bool:
        for j in range(right):
            if (i, j) in edges and j not in visited:
                visited.add(j)
                if j not in owner or augment(owner[j], visited):
                    owner[j] = i
                    return True
        return False

    for i in range(left):
        augment(i, set())
    return {(i, j) for j, i in owner.items()}


def _open_object(attrs: dict[str, Any]) -> bool:
    uneval = attrs["unevaluated"]
    return (
        attrs["permits"]
        and attrs["additional"] is None
        and not attrs["patterns"]
        and (uneval is None or uneval.kind in ("empty", "true"))
    )


def _object_cover(attrs: dict[str, Any], name: str) -> Node | None:
    for regex, node in attrs["patterns"]:
        if regex.search(name):
            return node  # type: ignore[no-any-return]
    if attrs["additional"] is not None:
        return attrs["additional"]  # type: ignore[no-any-return]
    return _uneval_cover(attrs)


def _open_array(attrs: dict[str, Any]) -> bool:
    uneval = attrs["unevaluated"]
    return (
        attrs["permits"]
        and attrs["additional"] is None
        and (uneval is None or uneval.kind in ("empty", "true"))
    )


def _array_cover(attrs: dict[str, Any]) -> Node | None:
    if attrs["additional"] is not None:
        return attrs["additional"]  # type: ignore[no-any-return]
    return _uneval_cover(attrs)


def _uneval_cover(attrs: dict[str, Any]) -> Node | None:
    uneval = attrs["unevaluated"]
    if attrs["permits"] and uneval is not None and uneval.kind not in ("false", "empty", "true"):
        return uneval  # type: ignore[no-any-return]
    return None


def differences(
    original: str,
    update: str,
    original_refs: Sequence[tuple[str, str]] = (),
    update_refs: Sequence[tuple[str, str]] = (),
    policy: str = "STRICT",
) -> list[Difference]:
    """Every difference from ``original`` (older) to ``update`` (newer), compatible or not.

    ``policy`` (STRICT or LENIENT) matters beyond filtering: it decides which union branches match
    and whether a partially open content model covers a property.
    """
    allowed = POLICIES[policy]
    old_docs, new_docs = Documents(original, original_refs), Documents(update, update_refs)
    old_root, new_root = old_docs.root(), new_docs.root()
    known_bad: dict[tuple[int, int], list[Difference]] = {}
    with _DEEP_WALKS:
        while True:
            walk = _Walk(allowed, known_bad)
            found = walk.diff(old_root, new_root, ())
            bad = {key: diffs for key, diffs in walk.memo.items() if not walk.ok(diffs)}
            if not walk.guessed or bad.keys() == known_bad.keys():
                return found
            known_bad = bad


def jsonschema_checker(reader: SchemaDoc, writer: SchemaDoc, policy: str = "STRICT") -> list[str]:
    """Built-in JSON checker: can ``reader`` (the update) read what ``writer`` (original) allowed?

    One message per incompatible difference, in the registry's own (quote-mismatched) rendering:
    ``{errorType:"TYPE", description:"…'}``.
    """
    found = differences(writer.schema, reader.schema, writer.resolved, reader.resolved, policy)
    return [
        f'{{errorType:"{kind}", description:"{describe(kind, path)}\'}}'
        for kind, path in found
        if kind not in POLICIES[policy]
    ]


def lenient_jsonschema_checker(reader: SchemaDoc, writer: SchemaDoc) -> list[str]:
    """The JSON checker under ``compatibilityPolicy: LENIENT``."""
    return jsonschema_checker(reader, writer, "LENIENT")
