"""Validity, names and normalization of Avro documents, as Confluent's Avro 1.12 parser decides them."""

from __future__ import annotations

from typing import Any

import pytest

from contractctl.formats.avro.resolve import Problem, ResolvedSchema, outline, resolve


def _rec(*fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "record", "name": "R", "fields": list(fields), **extra}


def _with_default(type_: Any, default: Any) -> dict[str, Any]:
    return _rec({"name": "f", "type": type_, "default": default})


def _ok(document: Any, external: dict[str, dict[str, Any]] | None = None) -> ResolvedSchema:
    schema, problems = resolve(document, external)
    assert problems == [], problems
    assert schema is not None
    return schema


def _problems(document: Any) -> list[Problem]:
    schema, problems = resolve(document)
    assert schema is None
    return problems


INVALID = [
    # (id, document, rule, pointer)
    ("number", 42, "AVRO_NOT_A_SCHEMA", ""),
    ("type-object", {"type": {"type": "int"}}, "AVRO_NOT_A_SCHEMA", "/type"),
    ("field-type-number", _rec({"name": "a", "type": 3}), "AVRO_NOT_A_SCHEMA", "/fields/0/type"),
    ("bad-order", _rec({"name": "a", "type": "int", "order": "up"}), "AVRO_NOT_A_SCHEMA", "/fields/0/order"),
    ("unknown-name", "Nope", "AVRO_UNKNOWN_TYPE", ""),
    ("unknown-type-word", {"type": "integer"}, "AVRO_UNKNOWN_TYPE", "/type"),
    ("unknown-field-type", _rec({"name": "a", "type": "Missing"}), "AVRO_UNKNOWN_TYPE", "/fields/0/type"),
    (
        # A forward reference resolves only by its qualified name (com.Foo), never the null namespace.
        "forward-ref-no-null-namespace-fallback",
        _rec(
            {"name": "a", "type": "Foo"},
            {"name": "b", "type": {"type": "record", "name": "Foo", "namespace": "", "fields": []}},
            namespace="com",
        ),
        "AVRO_UNKNOWN_TYPE",
        "/fields/0/type",
    ),
    ("bad-record-name", {"type": "record", "name": "1bad", "fields": []}, "AVRO_INVALID_NAME", "/name"),
    ("bad-namespace", _rec(namespace="com.1x"), "AVRO_INVALID_NAME", "/namespace"),
    (
        "bad-dotted-name",
        {"type": "record", "name": "com.my-co.R", "fields": []},
        "AVRO_INVALID_NAME",
        "/name",
    ),
    ("bad-field-name", _rec({"name": "a-b", "type": "int"}), "AVRO_INVALID_NAME", "/fields/0/name"),
    ("bad-symbol", {"type": "enum", "name": "E", "symbols": ["A", "A B"]}, "AVRO_INVALID_NAME", "/symbols/1"),
    ("unicode-name", {"type": "enum", "name": "Énum", "symbols": ["A"]}, "AVRO_INVALID_NAME", "/name"),
    ("primitive-name", {"type": "record", "name": "int", "fields": []}, "AVRO_INVALID_NAME", "/name"),
    ("bad-alias", _rec(aliases=["9x"]), "AVRO_INVALID_NAME", "/aliases/0"),
    (
        "redefined-differently",
        _rec(
            {"name": "a", "type": {"type": "fixed", "name": "X", "size": 4}},
            {"name": "b", "type": {"type": "fixed", "name": "X", "size": 8}},
        ),
        "AVRO_DUPLICATE_NAME",
        "/fields/1/type",
    ),
    (
        "duplicate-field",
        _rec({"name": "a", "type": "int"}, {"name": "a", "type": "long"}),
        "AVRO_DUPLICATE_FIELD",
        "/fields/1/name",
    ),
    (
        "duplicate-symbol",
        {"type": "enum", "name": "E", "symbols": ["A", "B", "A"]},
        "AVRO_DUPLICATE_SYMBOL",
        "/symbols/2",
    ),
    ("record-no-fields", {"type": "record", "name": "R"}, "AVRO_RECORD_WITHOUT_FIELDS", ""),
    (
        "nested-record-fields-not-list",
        _rec({"name": "a", "type": {"type": "record", "name": "S", "fields": {}}}),
        "AVRO_RECORD_WITHOUT_FIELDS",
        "/fields/0/type",
    ),
    ("default-int-string", _with_default("int", "x"), "AVRO_BAD_DEFAULT", "/fields/0/default"),
    ("default-int-range", _with_default("int", 2**31), "AVRO_BAD_DEFAULT", "/fields/0/default"),
    ("default-int-float", _with_default("int", 1.0), "AVRO_BAD_DEFAULT", "/fields/0/default"),
    ("default-long-range", _with_default("long", 2**63), "AVRO_BAD_DEFAULT", "/fields/0/default"),
    ("default-null-for-string", _with_default("string", None), "AVRO_BAD_DEFAULT", "/fields/0/default"),
    ("default-boolean-number", _with_default("boolean", 0), "AVRO_BAD_DEFAULT", "/fields/0/default"),
    ("default-no-union-branch", _with_default(["null", "int"], "x"), "AVRO_BAD_DEFAULT", "/fields/0/default"),
    ("default-double-text", _with_default("double", "abc"), "AVRO_BAD_DEFAULT", "/fields/0/default"),
    (
        "default-array-item",
        _with_default({"type": "array", "items": "int"}, [1, "x"]),
        "AVRO_BAD_DEFAULT",
        "/fields/0/default",
    ),
    (
        "default-record-missing-field",
        _with_default({"type": "record", "name": "S", "fields": [{"name": "a", "type": "int"}]}, {}),
        "AVRO_BAD_DEFAULT",
        "/fields/0/default",
    ),
    (
        "enum-default",
        {"type": "enum", "name": "E", "symbols": ["A"], "default": "Z"},
        "AVRO_ENUM_DEFAULT",
        "/default",
    ),
    ("fixed-negative", {"type": "fixed", "name": "F", "size": -1}, "AVRO_INVALID_FIXED_SIZE", "/size"),
    ("fixed-text-size", {"type": "fixed", "name": "F", "size": "4"}, "AVRO_INVALID_FIXED_SIZE", "/size"),
    ("fixed-no-size", {"type": "fixed", "name": "F"}, "AVRO_INVALID_FIXED_SIZE", ""),
    ("nested-union", ["int", ["null"]], "AVRO_INVALID_UNION", "/1"),
    ("duplicate-branch", ["int", "string", "int"], "AVRO_INVALID_UNION", "/2"),
    ("duplicate-logical-branch", ["int", {"type": "int", "logicalType": "date"}], "AVRO_INVALID_UNION", "/1"),
    (
        "two-arrays",
        [{"type": "array", "items": "int"}, {"type": "array", "items": "string"}],
        "AVRO_INVALID_UNION",
        "/1",
    ),
    (
        "same-named-branch",
        _rec(
            {"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["A"]}},
            {"name": "b", "type": ["E", "E"]},
        ),
        "AVRO_INVALID_UNION",
        "/fields/1/type/1",
    ),
    ("empty-object", {}, "AVRO_MISSING_ATTRIBUTE", ""),
    ("array-no-items", {"type": "array"}, "AVRO_MISSING_ATTRIBUTE", ""),
    ("map-no-values", {"type": "map"}, "AVRO_MISSING_ATTRIBUTE", ""),
    ("enum-no-symbols", {"type": "enum", "name": "E"}, "AVRO_MISSING_ATTRIBUTE", ""),
    ("record-no-name", {"type": "record", "fields": []}, "AVRO_MISSING_ATTRIBUTE", ""),
    ("field-no-type", _rec({"name": "a"}), "AVRO_MISSING_ATTRIBUTE", "/fields/0"),
    ("field-no-name", _rec({"type": "int"}), "AVRO_MISSING_ATTRIBUTE", "/fields/0"),
]


@pytest.mark.parametrize(
    ("document", "rule", "pointer"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_documents(document: Any, rule: str, pointer: str) -> None:
    problems = _problems(document)
    assert [(p.rule, p.pointer) for p in problems] == [(rule, pointer)]
    assert problems[0].message.endswith(".")


def test_every_rule_is_covered() -> None:
    rules = {case[2] for case in INVALID}
    assert rules == {
        "AVRO_NOT_A_SCHEMA",
        "AVRO_UNKNOWN_TYPE",
        "AVRO_INVALID_NAME",
        "AVRO_DUPLICATE_NAME",
        "AVRO_DUPLICATE_FIELD",
        "AVRO_DUPLICATE_SYMBOL",
        "AVRO_RECORD_WITHOUT_FIELDS",
        "AVRO_BAD_DEFAULT",
        "AVRO_ENUM_DEFAULT",
        "AVRO_INVALID_FIXED_SIZE",
        "AVRO_INVALID_UNION",
        "AVRO_MISSING_ATTRIBUTE",
    }


def test_all_problems_are_reported_at_once() -> None:
    document = _rec(
        {"name": "a", "type": "int", "default": "x"},
        {"name": "a", "type": "Nope"},
        {"name": "1b", "type": ["int", "int"]},
    )
    assert {(p.rule, p.pointer) for p in _problems(document)} == {
        ("AVRO_BAD_DEFAULT", "/fields/0/default"),
        ("AVRO_DUPLICATE_FIELD", "/fields/1/name"),
        ("AVRO_UNKNOWN_TYPE", "/fields/1/type"),
        ("AVRO_INVALID_NAME", "/fields/2/name"),
        ("AVRO_INVALID_UNION", "/fields/2/type/1"),
    }


def test_problem_inside_a_map_points_through_values() -> None:
    document = {
        "type": "map",
        "values": {"type": "record", "name": "R", "fields": [{"name": "a/b~", "type": "int"}]},
    }
    (problem,) = _problems(document)
    assert problem.pointer == "/values/fields/0/name"


VALID_DEFAULTS = [
    ("union-any-branch", ["null", "string"], "x"),  # Avro 1.12: any branch, not only the first
    ("union-null-second", ["string", "null"], None),
    ("int-max", "int", 2**31 - 1),
    ("long-min", "long", -(2**63)),
    ("float-integer", "float", 1),
    ("float-nan-text", "float", "NaN"),
    ("double-java-suffix", "double", "1.5d"),
    ("double-hex", "double", "0x1p3"),
    ("bytes-text", "bytes", "\u00ff"),
    ("enum-any-text", {"type": "enum", "name": "E", "symbols": ["A"]}, "B"),  # Java only checks it is text
    ("fixed-any-text", {"type": "fixed", "name": "F", "size": 2}, "abc"),
    ("map", {"type": "map", "values": "long"}, {"a": 1}),
    (
        "record-field-default-fills",
        {
            "type": "record",
            "name": "S",
            "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "string", "default": "z"}],
        },
        {"a": 1},
    ),
    ("logical", {"type": "int", "logicalType": "date"}, 3),
]


@pytest.mark.parametrize(
    ("type_", "default"), [c[1:] for c in VALID_DEFAULTS], ids=[c[0] for c in VALID_DEFAULTS]
)
def test_valid_defaults(type_: Any, default: Any) -> None:
    _ok(_with_default(type_, default))


def test_textual_float_default_is_normalized_to_a_number() -> None:
    schema = _ok(_with_default("double", "2.5"))
    assert isinstance(schema.root, dict) and schema.root["fields"][0]["default"] == 2.5


def test_self_reference_default_accepts_any_object_like_java_placeholder() -> None:
    # While parsing, Java's placeholder takes any object; resolving the placeholder then checks the
    # default again, and an object reaching the record being resolved makes Avro 1.12.1 throw, so a
    # new schema with "same" is refused (tests/unit/test_avro_java_differential_r14.py); a
    # registered one, parsed without default validation, is read.
    document = {
        "type": "record",
        "name": "Node",
        "fields": [
            {"name": "v", "type": "int"},
            {"name": "next", "type": ["null", "Node"], "default": None},
            {"name": "same", "type": "Node", "default": {}},
        ],
    }
    assert resolve(document, None, registered=True)[1] == []
    document["fields"].pop()
    _ok(document)


def test_namespaces_and_normal_form() -> None:
    document = {
        "type": "record",
        "name": "Order",
        "namespace": "com.acme",
        "doc": "An order.",
        "aliases": ["OldOrder", "legacy.Order"],
        "fields": [
            {"name": "id", "type": {"type": "string", "logicalType": "uuid"}, "doc": "id"},
            {
                "name": "total",
                "type": {
                    "type": "record",
                    "name": "Money",
                    "fields": [{"name": "cents", "type": {"type": "long"}}],
                },
            },
            {"name": "tax", "type": "Money", "default": {"cents": 0}, "order": "descending"},
            {
                "name": "kind",
                "type": {"type": "enum", "name": "other.Kind", "symbols": ["A"], "default": "A"},
            },
            {"name": "kind2", "type": "other.Kind", "aliases": ["k2"]},
            {"name": "plain", "type": {"type": "fixed", "name": "Plain", "namespace": "", "size": 2}},
            {"name": "items", "type": {"type": "array", "items": "Money"}},
            {"name": "by_name", "type": {"type": "map", "values": ["null", "Plain"]}},
        ],
    }
    schema = _ok(document)
    money = {"type": "record", "name": "com.acme.Money", "fields": [{"name": "cents", "type": "long"}]}
    kind = {"type": "enum", "name": "other.Kind", "symbols": ["A"], "default": "A"}
    plain = {"type": "fixed", "name": "Plain", "size": 2}
    assert schema.root == {
        "type": "record",
        "name": "com.acme.Order",
        "doc": "An order.",
        "fields": [
            {"name": "id", "type": {"type": "string", "logicalType": "uuid"}, "doc": "id"},
            {"name": "total", "type": money},
            {"name": "tax", "type": "com.acme.Money", "default": {"cents": 0}, "order": "descending"},
            {"name": "kind", "type": kind},
            {"name": "kind2", "type": "other.Kind", "aliases": ["k2"]},
            {"name": "plain", "type": plain},
            {"name": "items", "type": {"type": "array", "items": "com.acme.Money"}},
            {"name": "by_name", "type": {"type": "map", "values": ["null", "Plain"]}},
        ],
        "aliases": ["com.acme.OldOrder", "legacy.Order"],
    }
    assert schema.defined == ("com.acme.Order", "com.acme.Money", "other.Kind", "Plain")
    assert schema.names["com.acme.Money"] == money
    assert schema.external_used == frozenset()


BARE_NAME_IN_NULL_NAMESPACE = {
    "type": "record",
    "name": "Outer",
    "fields": [
        {"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["X"]}},
        {
            "name": "b",
            "type": {
                "type": "record",
                "name": "Inner",
                "namespace": "ns",
                "fields": [{"name": "e", "type": "E"}],
            },
        },
    ],
}

FORWARD_AND_RECURSIVE = {
    "type": "record",
    "name": "com.A",
    "fields": [
        {"name": "b", "type": ["null", "B"], "default": None},
        {
            "name": "def",
            "type": {"type": "record", "name": "B", "fields": [{"name": "a", "type": ["null", "A"]}]},
        },
    ],
}


def test_bare_name_falls_back_to_null_namespace_once_defined() -> None:
    schema = _ok(BARE_NAME_IN_NULL_NAMESPACE)
    assert schema.names["ns.Inner"]["fields"][0]["type"] == "E"


def test_forward_and_recursive_references() -> None:
    schema = _ok(FORWARD_AND_RECURSIVE)
    assert schema.names["com.B"]["fields"][0]["type"] == ["null", "com.A"]
    assert type(schema.root["fields"][0]["type"][1]) is str  # type: ignore[index]


def test_identical_redefinition_is_accepted_like_java() -> None:
    fixed = {"type": "fixed", "name": "X", "size": 4}
    schema = _ok(_rec({"name": "a", "type": fixed}, {"name": "b", "type": {**fixed, "doc": "again"}}))
    assert isinstance(schema.root, dict) and schema.root["fields"][1]["type"] == "X"


def test_type_object_naming_a_type_is_a_reference() -> None:
    schema = _ok(
        _rec(
            {"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["A"]}},
            {"name": "b", "type": {"type": "E"}},
        )
    )
    assert isinstance(schema.root, dict) and schema.root["fields"][1]["type"] == "E"


def test_external_references() -> None:
    money = _ok(
        {
            "type": "record",
            "name": "com.acme.Money",
            "fields": [
                {"name": "currency", "type": {"type": "enum", "name": "Currency", "symbols": ["EUR"]}}
            ],
        }
    )
    order = {"type": "record", "name": "com.acme.Order", "fields": [{"name": "total", "type": "Money"}]}
    schema = _ok(order, dict(money.names))
    assert schema.root == {
        "type": "record",
        "name": "com.acme.Order",
        "fields": [{"name": "total", "type": "com.acme.Money"}],
    }
    assert schema.defined == ("com.acme.Order",)
    assert schema.external_used == frozenset({"com.acme.Money", "com.acme.Currency"})
    assert set(schema.names) == {"com.acme.Order", "com.acme.Money", "com.acme.Currency"}


def test_external_redefined_differently_is_a_duplicate() -> None:
    money = _ok({"type": "fixed", "name": "com.Money", "size": 8})
    schema, problems = resolve({"type": "fixed", "name": "com.Money", "size": 16}, dict(money.names))
    assert schema is None and [p.rule for p in problems] == ["AVRO_DUPLICATE_NAME"]


def test_outline() -> None:
    document = {
        "type": "record",
        "name": "Order",
        "namespace": "com.acme",
        "fields": [
            {"name": "total", "type": "Money"},
            {"name": "tax", "type": "shared.Tax"},
            {
                "name": "line",
                "type": {
                    "type": "record",
                    "name": "Line",
                    "fields": [{"name": "next", "type": ["null", "Line"]}],
                },
            },
            {"name": "tags", "type": {"type": "array", "items": "string"}},
        ],
    }
    assert outline(document) == (
        ("com.acme.Order", "com.acme.Line"),
        ("com.acme.Money", "shared.Tax"),
        "com.acme.Order",
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("string", ((), (), None)),
        ("com.acme.Money", ((), ("com.acme.Money",), None)),
        (["null", {"type": "enum", "name": "E", "symbols": []}], (("E",), (), None)),
        (42, ((), (), None)),
        ({"type": "record", "fields": "junk"}, ((), (), None)),
        ({"type": {"type": "map", "values": "x.Y"}}, ((), ("x.Y",), None)),
        ({"type": "record", "name": "R", "namespace": 7, "fields": [None, {"name": "a"}]}, (("R",), (), "R")),
    ],
)
def test_outline_is_tolerant(document: Any, expected: Any) -> None:
    assert outline(document) == expected


def test_outline_survives_deep_nesting() -> None:
    document: Any = "int"
    for _ in range(5000):
        document = {"type": "array", "items": document}
    assert outline(document) == ((), (), None)


def test_absurd_nesting_is_a_problem_not_a_crash() -> None:
    document: Any = "int"
    for _ in range(5000):
        document = {"type": "array", "items": document}
    assert [p.rule for p in _problems(document)] == ["AVRO_NOT_A_SCHEMA"]
