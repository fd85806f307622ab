"""The closest branches of a union that did not pair, named below a COMBINED_TYPE_SUBSCHEMAS_CHANGED
or a TYPE_CHANGED against a union (the audit's generated shapes: a `type` with an `enum`, a nullable
object), and nothing where the path does not say which branch the diff took."""

from __future__ import annotations

from typing import Any

from contractctl.formats.jsonschema.diff import compare
from contractctl.formats.jsonschema.differences import COMPATIBLE_CHANGES_STRICT
from contractctl.formats.jsonschema.drafts import detect_draft
from contractctl.formats.jsonschema.explain import closest_branches
from contractctl.formats.jsonschema.model import Node
from contractctl.formats.jsonschema.refs import SchemaGraph


def root(document: Any) -> Node:
    return SchemaGraph(document, detect_draft(document), {}).root


def explained(original: Any, update: Any) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Each incompatible difference with its explanation."""
    old, new = root(original), root(update)
    allowed = COMPATIBLE_CHANGES_STRICT
    return {
        (kind, path): closest_branches(old, new, kind, path, allowed)
        for kind, path in compare(old, new, allowed)
        if kind not in allowed
    }


def prop(schema: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"p": schema}}


def test_an_enum_beside_its_type_names_the_lost_value() -> None:
    before = prop({"type": "string", "enum": ["a", "b"]})
    after = prop({"type": "string", "enum": ["a"]})
    assert explained(before, after) == {
        ("COMBINED_TYPE_SUBSCHEMAS_CHANGED", "#/properties/p"): [
            ("ENUM_ARRAY_NARROWED", "#/properties/p/enum")
        ]
    }


def test_a_property_added_inside_a_nullable_object_is_named() -> None:
    before = prop({"type": ["object", "null"], "properties": {"a": {"type": "string"}}})
    after = prop(
        {"type": ["object", "null"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    )
    assert explained(before, after) == {
        ("COMBINED_TYPE_SUBSCHEMAS_CHANGED", "#/properties/p"): [
            ("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/p/properties/b")
        ]
    }


def test_a_nullable_widening_with_an_added_property_names_the_property_not_the_type() -> None:
    before = prop({"type": "object", "properties": {"a": {"type": "string"}}})
    after = prop(
        {"type": ["object", "null"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    )
    assert explained(before, after) == {
        ("TYPE_CHANGED", "#/properties/p"): [
            ("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/p/properties/b")
        ]
    }


def test_a_plain_type_change_and_a_branch_of_another_type_are_not_explained() -> None:
    assert explained(prop({"type": "string"}), prop({"type": "integer"})) == {
        ("TYPE_CHANGED", "#/properties/p"): []
    }
    # no branch of the update has the original's type: nothing closer to name
    assert explained(prop({"type": "string"}), prop({"type": ["integer", "null"]})) == {
        ("TYPE_CHANGED", "#/properties/p"): []
    }


def test_a_path_through_a_chosen_branch_is_not_explained() -> None:
    """Below an anyOf/oneOf index the path names the original's branch only: no guess at the update's."""
    old = root(prop({"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "integer"}]}))
    new = root(prop({"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "integer"}]}))
    assert (
        closest_branches(old, new, "COMBINED_TYPE_SUBSCHEMAS_CHANGED", "#/properties/p/anyOf/0", frozenset())
        == []
    )
