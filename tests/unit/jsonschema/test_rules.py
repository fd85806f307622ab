"""Each family of Confluent's JSON Schema rules on a minimal pair (original -> update, as BACKWARD
compares previous -> new)."""

from __future__ import annotations

from typing import Any

import pytest

from contractctl.formats.jsonschema.diff import compare
from contractctl.formats.jsonschema.differences import COMPATIBLE_CHANGES_LENIENT, COMPATIBLE_CHANGES_STRICT
from contractctl.formats.jsonschema.drafts import detect_draft
from contractctl.formats.jsonschema.refs import SchemaGraph

MODERN = "https://json-schema.org/draft/2020-12/schema"


def diff(original: Any, update: Any) -> set[tuple[str, str]]:
    def root(document: Any) -> Any:
        return SchemaGraph(document, detect_draft(document), {}).root

    return set(compare(root(original), root(update)))


def strict_ok(original: Any, update: Any) -> bool:
    return all(kind in COMPATIBLE_CHANGES_STRICT for kind, _ in diff(original, update))


def obj(properties: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, **more}


S = {"type": "string"}


@pytest.mark.parametrize(
    ("original", "update", "expected"),
    [
        ({"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 3}, "MAX_LENGTH_DECREASED"),
        ({"type": "string"}, {"type": "string", "minLength": 1}, "MIN_LENGTH_ADDED"),
        ({"type": "string", "pattern": "a"}, {"type": "string", "pattern": "b"}, "PATTERN_CHANGED"),
        ({"type": "string", "pattern": "a"}, {"type": "string"}, "PATTERN_REMOVED"),
        ({"type": "number", "maximum": 5}, {"type": "number", "maximum": 9}, "MAXIMUM_INCREASED"),
        ({"type": "number", "minimum": 5}, {"type": "number", "minimum": 9}, "MINIMUM_INCREASED"),
        ({"type": "number"}, {"type": "number", "exclusiveMinimum": 0}, "EXCLUSIVE_MINIMUM_ADDED"),
        ({"type": "number", "multipleOf": 2}, {"type": "number", "multipleOf": 4}, "MULTIPLE_OF_EXPANDED"),
        ({"type": "number", "multipleOf": 4}, {"type": "number", "multipleOf": 2}, "MULTIPLE_OF_REDUCED"),
        ({"type": "number", "multipleOf": 4}, {"type": "number", "multipleOf": 3}, "MULTIPLE_OF_CHANGED"),
        ({"type": "integer"}, {"type": "number"}, "TYPE_EXTENDED"),
        ({"type": "number"}, {"type": "integer"}, "TYPE_NARROWED"),
        ({"type": "string"}, {"type": "number"}, "TYPE_CHANGED"),
    ],
)
def test_scalar_constraints(original: Any, update: Any, expected: str) -> None:
    kinds = {kind for kind, _ in diff(original, update)}
    assert kinds == {expected}
    assert strict_ok(original, update) is (expected in COMPATIBLE_CHANGES_STRICT)


def test_enum_and_const() -> None:
    assert diff({"enum": [1, 2]}, {"enum": [1, 2, 3]}) == {("ENUM_ARRAY_EXTENDED", "#/enum")}
    assert diff({"enum": [1, 2]}, {"enum": [1]}) == {("ENUM_ARRAY_NARROWED", "#/enum")}
    assert diff({"enum": [1, 2]}, {"enum": [1, 3]}) == {("ENUM_ARRAY_CHANGED", "#/enum")}
    assert diff({"enum": [1]}, {"enum": [True]}) == {("ENUM_ARRAY_CHANGED", "#/enum")}  # 1 is not true
    assert diff({"const": "a"}, {"const": "b"}) == {("ENUM_ARRAY_CHANGED", "#/const")}
    assert diff({"const": {"a": [1]}}, {"const": {"a": [1]}}) == set()


def test_open_content_model_strict_and_lenient() -> None:
    """STRICT: adding a property to an open object breaks, removing one is fine; LENIENT accepts the add."""
    added = diff(obj({}), obj({"a": S}))
    assert added == {("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/a")}
    assert not strict_ok(obj({}), obj({"a": S}))
    assert all(kind in COMPATIBLE_CHANGES_LENIENT for kind, _ in added)
    assert diff(obj({}), obj({"a": {}})) == {
        ("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/a")
    }
    assert diff(obj({"a": S}), obj({})) == {("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", "#/properties/a")}


def test_closed_content_model() -> None:
    closed = {"additionalProperties": False}
    assert diff(obj({}, **closed), obj({"a": S}, **closed)) == {
        ("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "#/properties/a")
    }
    required = diff(obj({}, **closed), obj({"a": S}, required=["a"], **closed))
    assert required == {("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "#/properties/a")}
    with_default = diff(obj({}, **closed), obj({"a": {**S, "default": "x"}}, required=["a"], **closed))
    assert with_default == {
        ("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL", "#/properties/a")
    }
    assert diff(obj({"a": S}, **closed), obj({}, **closed)) == {
        ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/a")
    }
    assert diff(obj({"a": False}, **closed), obj({}, **closed)) == {
        ("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/a")
    }
    assert diff(obj({}, **closed), obj({})) == {("ADDITIONAL_PROPERTIES_ADDED", "#/additionalProperties")}
    assert diff(obj({}), obj({}, **closed)) == {("ADDITIONAL_PROPERTIES_REMOVED", "#/additionalProperties")}


def test_partially_open_content_model() -> None:
    pattern = {"patternProperties": {"^s_": S}}
    assert diff(obj({}, **pattern), obj({"s_x": S}, **pattern)) == {
        ("PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "#/properties/s_x"),
        ("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "#/properties/s_x"),
    }
    additional = {"additionalProperties": S}
    removed = diff(obj({"n": {"type": "number"}}, **additional), obj({}, **additional))
    assert ("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "#/properties/n") in removed
    assert ("TYPE_CHANGED", "#/properties/n") in removed
    assert diff(obj({}), obj({}, **additional)) == {
        ("ADDITIONAL_PROPERTIES_NARROWED", "#/additionalProperties")
    }


def test_unevaluated_properties_only_count_from_2019_09() -> None:
    draft7 = diff(obj({}), obj({}, unevaluatedProperties=False))
    assert draft7 == set()  # Everit keeps it as an unknown keyword: Confluent ignores it
    modern = diff(obj({}, **{"$schema": MODERN}), obj({}, unevaluatedProperties=False, **{"$schema": MODERN}))
    assert modern == {("UNEVALUATED_PROPERTIES_REMOVED", "#/unevaluatedProperties")}


def test_required_changes() -> None:
    assert diff(obj({"a": S}, required=["a"]), obj({"a": S})) == {
        ("REQUIRED_ATTRIBUTE_REMOVED", "#/required/a")
    }
    assert diff(obj({"a": S}), obj({"a": S}, required=["a"])) == {
        ("REQUIRED_ATTRIBUTE_ADDED", "#/required/a")
    }


def test_dependencies_and_dependent_required() -> None:
    old = obj({"a": S, "b": S, "c": S}, dependencies={"a": ["b"]})
    new = obj({"a": S, "b": S, "c": S}, dependencies={"a": ["b", "c"]})
    assert diff(old, new) == {("DEPENDENCY_ARRAY_EXTENDED", "#/dependencies/a")}
    modern_old = {**obj({"a": S}), "$schema": MODERN}
    modern_new = {**obj({"a": S}), "$schema": MODERN, "dependentRequired": {"a": ["b"]}}
    assert diff(modern_old, modern_new) == {("DEPENDENCY_ARRAY_ADDED", "#/dependencies/a")}


def test_arrays_and_tuples() -> None:
    assert diff({"type": "array", "items": S}, {"type": "array", "items": {"type": "number"}}) == {
        ("TYPE_CHANGED", "#/items")
    }
    assert diff({"type": "array"}, {"type": "array", "uniqueItems": True}) == {
        ("UNIQUE_ITEMS_ADDED", "#/uniqueItems")
    }
    open_tuple, closed_tuple = (
        {"type": "array", "items": [S]},
        {"type": "array", "items": [S], "additionalItems": False},
    )
    assert diff(open_tuple, {"type": "array", "items": [S, S]}) == {
        ("ITEM_ADDED_TO_OPEN_CONTENT_MODEL", "#/items/1")
    }
    assert diff(closed_tuple, {**closed_tuple, "items": [S, S]}) == {
        ("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", "#/items/1")
    }
    prefix_old = {"$schema": MODERN, "type": "array", "prefixItems": [S], "items": False}
    prefix_new = {"$schema": MODERN, "type": "array", "prefixItems": [S, S], "items": False}
    assert diff(prefix_old, prefix_new) == {("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", "#/items/1")}


def test_combined_schemas_match_branches_in_any_order() -> None:
    one_of = {"oneOf": [S, {"type": "number"}]}
    swapped = {"oneOf": [{"type": "number"}, S]}
    assert diff(one_of, swapped) == set()
    assert diff(one_of, {"oneOf": [S, {"type": "number"}, {"type": "null"}]}) == {("SUM_TYPE_EXTENDED", "#/")}
    assert diff(one_of, {"oneOf": [S]}) == {("SUM_TYPE_NARROWED", "#/")}
    assert diff(S, {"type": ["string", "null"]}) == {("SUM_TYPE_EXTENDED", "#/")}
    assert diff({"anyOf": [S, {"type": "number"}]}, {"allOf": [S, {"type": "number"}]}) == {
        ("COMBINED_TYPE_CHANGED", "#/")
    }
    assert ("COMBINED_TYPE_SUBSCHEMAS_CHANGED", "#/") in diff(one_of, {"oneOf": [{"type": "boolean"}, S]})


def test_not_and_empty_schema() -> None:
    assert diff({"not": S}, {"not": {"type": ["string", "null"]}}) == {("NOT_TYPE_EXTENDED", "#/not")}
    assert diff(S, {}) == set()
    assert diff(S, True) == set()
    assert diff({}, S) == {("TYPE_CHANGED", "#/")}
    assert diff(False, S) == set()


def test_local_references_are_compared_as_their_targets() -> None:
    by_ref = {"definitions": {"name": S}, **obj({"a": {"$ref": "#/definitions/name"}})}
    by_defs = {
        "$schema": MODERN,
        "$defs": {"name": {"type": "integer"}},
        **obj({"a": {"$ref": "#/$defs/name"}}),
    }
    assert diff(by_ref, obj({"a": S})) == set()
    assert diff(by_ref, {**by_defs, "$schema": "http://json-schema.org/draft-07/schema#"}) != set()
    assert diff(by_defs, by_defs) == set()


def test_recursive_schema_compares_to_itself_without_differences() -> None:
    tree = {
        "definitions": {"node": obj({"children": {"type": "array", "items": {"$ref": "#/definitions/node"}}})}
    }
    tree["$ref"] = "#/definitions/node"
    deeper = {**tree, "definitions": {"node": obj({"children": {"type": "array", "items": {"$ref": "#"}}})}}
    assert diff(tree, tree) == set()
    # `#` is the root, itself a `$ref`: a reference to a reference, which Confluent's diff does not
    # follow past the first (see test_a_reference_to_a_reference_is_followed_one_hop)
    assert diff(tree, deeper) == {("TYPE_CHANGED", "#/properties/children/items")}
    flat = {
        "definitions": tree["definitions"],
        **obj({"children": {"type": "array", "items": {"$ref": "#"}}}),
    }
    assert diff(flat, flat) == set()


def test_a_reference_to_a_reference_is_followed_one_hop() -> None:
    """Confluent's SchemaDiff.normalizeSchema replaces a reference by the schema it refers to once;
    Everit loads a `$ref` whose target is a `$ref` as a reference to a reference (the audit's
    alias definitions, `"Id": {"$ref": "#/definitions/Str"}`)."""

    def aliased(target: Any) -> dict[str, Any]:
        return {
            "definitions": {"Id": {"$ref": "#/definitions/Str"}, "Str": target},
            **obj({"x": {"$ref": "#/definitions/Id"}}),
        }

    # inlining the alias: a reference against a string, another class of schema
    assert diff(aliased(S), obj({"x": S})) == {("TYPE_CHANGED", "#/properties/x")}
    # the target behind the alias changed: two references, nothing more is compared (a break the
    # registry accepts, as its own diff does)
    assert diff(aliased(S), aliased({"type": "integer"})) == set()
    # one hop, as before: a reference against its target's inlined copy
    direct = {"definitions": {"Str": S}, **obj({"x": {"$ref": "#/definitions/Str"}})}
    assert diff(direct, obj({"x": S})) == set()


def test_numeric_bounds_are_ordered_as_doubles() -> None:
    """NumberSchemaDiff orders two unequal bounds by doubleValue(): integers beyond 2**53 that round
    to one double differ in nothing (the audit's int64 maximum)."""
    big = 2**63 - 1
    assert diff({"type": "integer", "maximum": big}, {"type": "integer", "maximum": big - 1}) == set()
    assert diff({"type": "integer", "minimum": -big}, {"type": "integer", "minimum": 1 - big}) == set()
    assert diff({"type": "integer", "maximum": 2**53}, {"type": "integer", "maximum": 2**53 - 1}) == {
        ("MAXIMUM_DECREASED", "#/maximum")
    }
    huge = {"type": "integer", "maximum": 10**400}  # beyond a double: infinite, as Java's doubleValue()
    assert diff(huge, {"type": "integer", "maximum": 10**401}) == set()
    assert diff(huge, {"type": "integer", "maximum": 5}) == {("MAXIMUM_DECREASED", "#/maximum")}
