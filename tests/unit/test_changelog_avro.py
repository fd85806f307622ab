"""Avro changelog entries, one kind at a time, with the compatibility engine's breaking verdict."""

from __future__ import annotations

from typing import Any

import pytest

from contractctl.changelog import Change
from contractctl.formats.avro.changelog import diff_avro, render_type
from contractctl.formats.avro.resolve import ResolvedSchema, resolve

BACKWARD = frozenset({"backward"})
FORWARD = frozenset({"forward"})
FULL = frozenset({"backward", "forward"})


def resolved(document: Any, external: ResolvedSchema | None = None) -> ResolvedSchema:
    schema, problems = resolve(document, external.names if external else None)
    assert schema is not None, problems
    return schema


def rec(fields: list[dict[str, Any]], name: str = "Order", **extra: Any) -> dict[str, Any]:
    return {"type": "record", "name": name, "namespace": "com.acme", "fields": fields, **extra}


def diff(old: Any, new: Any, directions: frozenset[str] = BACKWARD) -> list[Change]:
    return diff_avro(resolved(old), resolved(new), directions)


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


ID = {"name": "id", "type": "string"}


def test_identical_schemas_have_no_changes() -> None:
    assert diff(rec([ID]), rec([ID])) == []


@pytest.mark.parametrize(
    ("field", "directions", "detail", "breaking"),
    [
        (
            {"name": "note", "type": ["null", "string"], "default": None},
            FULL,
            "`[null, string]`, default `null`",
            False,
        ),
        ({"name": "qty", "type": "int"}, BACKWARD, "`int`, no default", True),
        ({"name": "qty", "type": "int"}, FORWARD, "`int`, no default", False),
    ],
)
def test_field_added(field: dict[str, Any], directions: frozenset[str], detail: str, breaking: bool) -> None:
    change = only(diff(rec([ID]), rec([ID, field]), directions))
    assert change == Change("added", f"field `{field['name']}`", detail, breaking)


@pytest.mark.parametrize(("directions", "breaking"), [(BACKWARD, False), (FORWARD, True)])
def test_field_removed(directions: frozenset[str], breaking: bool) -> None:
    change = only(diff(rec([ID, {"name": "qty", "type": "int"}]), rec([ID]), directions))
    assert change == Change("removed", "field `qty`", "`int`, no default", breaking)


def test_field_removed_with_default_never_breaks() -> None:
    old = rec([ID, {"name": "qty", "type": "int", "default": 0}])
    assert only(diff(old, rec([ID]), FULL)).breaking is False


@pytest.mark.parametrize(
    ("old", "new", "detail", "backward", "forward"),
    [
        ("int", "long", "`int` -> `long`", False, True),
        ("string", ["null", "string"], "`string` -> `[null, string]`", False, True),
        ("int", "string", "`int` -> `string`", True, True),
        (
            {"type": "array", "items": "int"},
            {"type": "map", "values": "int"},
            "`array<int>` -> `map<int>`",
            True,
            True,
        ),
        (
            "long",
            {"type": "long", "logicalType": "timestamp-millis"},
            "`long` -> `long (timestamp-millis)`",
            False,
            False,
        ),
    ],
)
def test_type_changed(old: Any, new: Any, detail: str, backward: bool, forward: bool) -> None:
    before, after = rec([{"name": "x", "type": old}]), rec([{"name": "x", "type": new}])
    assert only(diff(before, after, BACKWARD)) == Change("type-changed", "field `x`", detail, backward)
    assert only(diff(before, after, FORWARD)).breaking is forward


NULLABLE = ["null", "string"]


@pytest.mark.parametrize(
    ("old", "new", "kind", "detail"),
    [
        ({"type": NULLABLE}, {"type": NULLABLE, "default": None}, "default-added", "`null`"),
        ({"type": NULLABLE, "default": None}, {"type": NULLABLE}, "default-removed", "was `null`"),
        (
            {"type": "string", "default": "a"},
            {"type": "string", "default": "b`c"},
            "default-changed",
            '`"a"` -> ``"b`c"``',
        ),
    ],
)
def test_default_changes(old: dict[str, Any], new: dict[str, Any], kind: str, detail: str) -> None:
    changes = diff(rec([{"name": "x", **old}]), rec([{"name": "x", **new}]), FULL)
    assert changes == [Change(kind, "field `x`", detail, False)]


def test_default_of_another_json_type_is_a_change() -> None:
    before = rec([{"name": "x", "type": "double", "default": 1}])
    after = rec([{"name": "x", "type": "double", "default": 1.0}])
    assert only(diff(before, after)).kind == "default-changed"


def test_doc_changes_on_records_and_fields() -> None:
    before = rec([{**ID, "doc": "old id"}], doc="An order.")
    after = rec([ID], doc="An order\nplaced online.")
    assert diff(before, after) == [
        Change("doc-changed", "record `Order`", "`An order.` -> `An order placed online.`", False),
        Change("doc-changed", "field `id`", "removed (was `old id`)", False),
    ]


def test_long_docs_are_cut() -> None:
    change = only(diff(rec([ID]), rec([ID], doc="x" * 200)))
    assert change.detail == "added: `" + "x" * 79 + "…`"


def test_field_renamed_with_an_alias() -> None:
    before = rec([{"name": "qty", "type": "int"}])
    after = rec([{"name": "quantity", "type": "int", "aliases": ["qty"]}])
    assert diff(before, after, FULL) == [
        Change("renamed", "field `quantity`", "`qty` -> `quantity`, old name kept as alias", True),
        Change("aliases-changed", "field `quantity`", "added `qty`", False),
    ]
    assert diff(before, after, BACKWARD)[0].breaking is False


def test_field_renamed_without_alias_is_a_removal_and_an_addition() -> None:
    changes = diff(rec([{"name": "qty", "type": "int"}]), rec([{"name": "quantity", "type": "int"}]))
    assert [(c.kind, c.element) for c in changes] == [
        ("added", "field `quantity`"),
        ("removed", "field `qty`"),
    ]


def enum(symbols: list[str], **extra: Any) -> dict[str, Any]:
    return rec([{"name": "status", "type": {"type": "enum", "name": "Status", "symbols": symbols, **extra}}])


def test_enum_symbols_added_and_removed() -> None:
    assert diff(enum(["A", "B"]), enum(["A", "B", "C"]), FULL) == [
        Change("symbols-added", "enum `Status`", "`C`", True)  # old readers cannot read C
    ]
    assert diff(enum(["A", "B"]), enum(["A"]), FULL) == [
        Change("symbols-removed", "enum `Status`", "`B`", True)
    ]


def test_enum_default_makes_new_symbols_safe() -> None:
    changes = diff(enum(["A", "B"], default="A"), enum(["A", "B", "C"], default="A"), FULL)
    assert changes == [Change("symbols-added", "enum `Status`", "`C`", False)]


def test_enum_default_changed() -> None:
    changes = diff(enum(["A", "B"]), enum(["A", "B"], default="B"))
    assert changes == [Change("default-changed", "enum `Status`", "(none) -> `B`", False)]


def test_fixed_size_changed() -> None:
    def fixed(size: int) -> dict[str, Any]:
        return rec([{"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": size}}])

    assert diff(fixed(16), fixed(32)) == [Change("size-changed", "fixed `Hash`", "16 -> 32 bytes", True)]


def test_record_renamed_and_moved() -> None:
    renamed = diff(rec([ID]), rec([ID], name="Purchase"), FULL)
    assert renamed == [
        Change("renamed", "record `Purchase`", "`com.acme.Order` -> `com.acme.Purchase`", True)
    ]
    kept = diff(rec([ID]), rec([ID], name="Purchase", aliases=["com.acme.Order"]), BACKWARD)
    assert kept[0] == Change(
        "renamed",
        "record `Purchase`",
        "`com.acme.Order` -> `com.acme.Purchase`, old name kept as alias",
        False,
    )
    moved = diff(rec([ID]), {**rec([ID]), "namespace": "com.acme.sales"}, FULL)
    assert moved == [Change("moved", "record `Order`", "namespace `com.acme` -> `com.acme.sales`", False)]


def test_nested_records_are_followed_with_paths() -> None:
    def doc(extra: list[dict[str, Any]]) -> dict[str, Any]:
        line = {"type": "record", "name": "Line", "fields": [{"name": "sku", "type": "string"}, *extra]}
        address = {
            "type": "record",
            "name": "Address",
            "fields": [{"name": "city", "type": "string"}, *extra],
        }
        return rec(
            [
                {"name": "lines", "type": {"type": "array", "items": line}},
                {"name": "to", "type": ["null", address], "default": None},
                {"name": "attrs", "type": {"type": "map", "values": {**line, "name": "Attr"}}},
            ]
        )

    extra = [{"name": "qty", "type": "int", "default": 1}]
    elements = [c.element for c in diff(doc([]), doc(extra))]
    assert elements == ["field `lines[].qty`", "field `to.qty`", "field `attrs{}.qty`"]


def test_a_shared_type_is_reported_once_where_first_used() -> None:
    money = {"type": "record", "name": "Money", "fields": [{"name": "amount", "type": "long"}]}
    new_money = {
        **money,
        "fields": [*money["fields"], {"name": "currency", "type": "string", "default": "EUR"}],
    }

    def doc(definition: dict[str, Any]) -> dict[str, Any]:
        return rec([{"name": "total", "type": definition}, {"name": "tax", "type": "com.acme.Money"}])

    assert [c.element for c in diff(doc(money), doc(new_money))] == ["field `total.currency`"]


def test_referenced_types_are_diffed_where_used() -> None:
    money_v1 = resolved({"type": "record", "name": "Money", "namespace": "com.acme", "fields": [ID]})
    money_v2 = resolved(
        {
            "type": "record",
            "name": "Money",
            "namespace": "com.acme",
            "fields": [ID, {"name": "n", "type": "int"}],
        }
    )
    order = rec([{"name": "total", "type": "com.acme.Money"}], name="Purchase")
    changes = diff_avro(resolved(order, money_v1), resolved(order, money_v2), BACKWARD)
    assert changes == [Change("added", "field `total.n`", "`int`, no default", True)]


def test_union_branch_record_renamed_is_one_rename() -> None:
    def doc(name: str) -> dict[str, Any]:
        return rec([{"name": "to", "type": ["null", {"type": "record", "name": name, "fields": [ID]}]}])

    changes = diff(doc("Address"), doc("Location"), BACKWARD)
    assert [(c.kind, c.element) for c in changes] == [("renamed", "record `Location`")]


def test_properties_and_field_order() -> None:
    before = rec([ID, {"name": "n", "type": "int"}])
    after = {**rec([{"name": "n", "type": "int", "order": "descending"}, ID]), "owner": "team-a"}
    assert diff(before, after) == [
        Change("property-changed", "record `Order`", '`owner`: (none) -> `"team-a"`', False),
        Change("fields-reordered", "record `Order`", "`id`, `n` -> `n`, `id`", False),
        Change("property-changed", "field `n`", '`order`: (none) -> `"descending"`', False),
    ]


def test_top_level_non_record_schemas() -> None:
    assert diff("string", ["null", "string"]) == [
        Change("type-changed", "schema", "`string` -> `[null, string]`", False)
    ]


@pytest.mark.parametrize(
    ("node", "text"),
    [
        ("long", "long"),
        ("com.acme.Line", "Line"),
        (["null", "string"], "[null, string]"),
        ({"type": "array", "items": "com.acme.Line"}, "array<Line>"),
        ({"type": "map", "values": "string"}, "map<string>"),
        ({"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}, "bytes (decimal 10,2)"),
        ({"type": "enum", "name": "com.acme.Status", "symbols": []}, "Status"),
    ],
)
def test_types_render_compactly(node: Any, text: str) -> None:
    assert render_type(node) == text
