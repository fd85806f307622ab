"""JSON Schema changelog: one entry per Confluent difference, with data paths, values and whether the
subject's compatibility level breaks on it; references are followed into other contracts."""

from __future__ import annotations

import copy
import json
from pathlib import PurePosixPath
from typing import Any

from contractctl.formats.jsonschema import FORMAT, JsonSchemaContract, JsonSchemaFormat
from contractctl.formats.vocabulary.change import Change
from contractctl.model import SchemaText

BACKWARD = frozenset({"backward"})
FORWARD = frozenset({"forward"})
FULL = BACKWARD | FORWARD

BASE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "maxLength": 10},
        "status": {"enum": ["NEW", "PAID"]},
        "amount": {"type": "number", "minimum": 0, "description": "in cents"},
        "lines": {
            "type": "array",
            "items": {"type": "object", "properties": {"sku": {"type": "string"}}},
        },
    },
}


def parse(document: Any, path: str = "contracts/orders/value.json", refs: Any = ()) -> JsonSchemaContract:
    return FORMAT.parse(
        SchemaText(PurePosixPath(path), json.dumps(document, indent=2), root="contracts"), list(refs)
    )


def changes(
    old: Any, new: Any, directions: frozenset[str] = BACKWARD, fmt: JsonSchemaFormat = FORMAT
) -> list[Change]:
    return fmt.changelog(parse(old), parse(new), directions)


def edited(**edits: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    for dotted, item in edits.items():
        *path, last = dotted.split("__")
        target = document
        for key in path:
            target = target[key]
        if item is None:
            del target[last]
        else:
            target[last] = item
    return document


def test_identical_versions_have_no_changes() -> None:
    assert changes(BASE, copy.deepcopy(BASE)) == []


def test_property_added_and_removed() -> None:
    added = edited(properties__note={"type": "string"})
    assert changes(BASE, added) == [
        Change("added", "`note`", "optional property added to unopen content model", False)
    ]
    # removing a property from a closed object breaks BACKWARD (old data may hold it)
    assert changes(added, BASE) == [
        Change(
            "removed", "`note`", "a property was removed from an object that forbids unknown properties", True
        )
    ]


def test_property_added_to_open_object_under_strict_and_lenient() -> None:
    open_old = edited(additionalProperties=None)
    open_new = edited(additionalProperties=None, properties__note={"type": "string"})
    [strict] = changes(open_old, open_new)
    assert (strict.kind, strict.element, strict.breaking) == ("added", "`note`", True)
    [lenient] = changes(open_old, open_new, fmt=JsonSchemaFormat(policy="LENIENT"))
    assert lenient.breaking is False


def test_required_added_and_removed() -> None:
    required = edited(required=["id", "amount"])
    assert changes(BASE, required) == [
        Change("required-added", "`amount`", "a property became required without a default", True)
    ]
    assert changes(required, BASE) == [
        Change("required-removed", "`amount`", "required attribute was removed", False)
    ]


def test_enum_extended_and_narrowed_by_direction() -> None:
    extended = edited(properties__status={"enum": ["NEW", "PAID", "SHIPPED"]})
    [change] = changes(BASE, extended, BACKWARD)
    assert (change.kind, change.element, change.breaking) == ("symbols-added", "`status`", False)
    assert '`enum` `["NEW", "PAID"]` → `["NEW", "PAID", "SHIPPED"]`' in change.detail
    # an old reader does not know SHIPPED: FORWARD (and FULL) break on the same change
    assert [c.breaking for c in changes(BASE, extended, FORWARD)] == [True]
    assert [c.breaking for c in changes(BASE, extended, FULL)] == [True]
    [narrowed] = changes(extended, BASE, BACKWARD)
    assert (narrowed.kind, narrowed.breaking) == ("symbols-removed", True)


def test_constraints_with_old_and_new_values() -> None:
    wider = edited(properties__id={"type": "string", "maxLength": 20})
    assert changes(BASE, wider) == [
        Change("constraint-changed", "`id`", "max length increased: `maxLength` `10` → `20`", False)
    ]
    stricter = edited(properties__amount={"type": "number", "minimum": 5, "description": "in cents"})
    [change] = changes(BASE, stricter)
    assert change == Change("constraint-changed", "`amount`", "minimum increased: `minimum` `0` → `5`", True)
    nested = edited(properties__lines__items__properties__sku={"type": "string", "pattern": "^S"})
    [change] = changes(BASE, nested)
    assert (change.element, change.breaking) == ("`lines[].sku`", True)
    assert change.detail == 'pattern was added: `pattern` (none) → `"^S"`'


def test_type_and_description_changes() -> None:
    retyped = edited(properties__amount={"type": "integer", "minimum": 0, "description": "in cents"})
    [change] = changes(BASE, retyped)
    assert change == Change("type-changed", "`amount`", "number became integer: `number` → `integer`", True)
    described = edited(properties__amount={"type": "number", "minimum": 0, "description": "in euro cents"})
    [change] = changes(BASE, described)
    assert change == Change(
        "doc-changed", "`amount`", 'description changed: `"in cents"` → `"in euro cents"`', False
    )
    as_string = edited(properties__amount={"type": "string"})
    assert [(c.kind, c.detail) for c in changes(BASE, as_string)] == [
        ("type-changed", "the schema has another type (or kind of schema) than before: `number` → `string`")
    ]


def test_object_defaults_that_are_equal_are_not_changes() -> None:
    with_default = edited(properties__lines={"type": "array", "default": [], "items": {}})
    assert changes(with_default, copy.deepcopy(with_default)) == []


def test_references_are_followed_into_the_referenced_contract() -> None:
    address_v1 = {
        "$id": "https://acme.example/address.json",
        "type": "object",
        "properties": {"city": {"type": "string"}},
    }
    address_v2 = {**address_v1, "properties": {"city": {"type": "string", "maxLength": 50}}}
    order = {"type": "object", "properties": {"ship_to": {"$ref": "https://acme.example/address.json"}}}
    old = parse(order, refs=[parse(address_v1, "contracts/common/address.json")])
    new = parse(order, refs=[parse(address_v2, "contracts/common/address.json")])
    assert FORMAT.changelog(old, new, BACKWARD) == [
        Change(
            "constraint-changed", "`ship_to.city`", "max length was added: `maxLength` (none) → `50`", True
        )
    ]


def test_tuple_items_and_combined_branches() -> None:
    old = {"type": "array", "items": [{"type": "string"}], "additionalItems": False}
    new = {"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": False}
    [change] = changes(old, new)
    assert (change.kind, change.element) == ("added", "`[1]`")
    one = {"oneOf": [{"type": "string"}, {"type": "integer", "maximum": 5}]}
    two = {"oneOf": [{"type": "string"}, {"type": "integer", "maximum": 9}]}
    [change] = changes(one, two)
    assert change == Change(
        "constraint-changed", "`oneOf[1]`", "maximum increased: `maximum` `5` → `9`", False
    )
