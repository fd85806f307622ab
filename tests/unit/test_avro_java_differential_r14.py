"""Differences from Apache Avro Java 1.12.1 found by running both engines on random schemas (round 14).

benchmarks/avro_java_differential.py feeds (reader, writer) pairs to the real Java library, parsed
as Confluent Schema Registry parses them (client/.../avro/AvroSchema.java, ``getParser``): a new
schema with ``NameValidator.STRICT_VALIDATOR`` and ``setValidateDefaults(true)``, a registered one
with ``NO_VALIDATION`` and no default validation. Each test names the Java behaviour that decides
it; the sources are lang/java/avro/src/main/java/org/apache/avro/ at tag release-1.12.1.
"""

from __future__ import annotations

import json
import sys
from pathlib import PurePosixPath
from typing import Any

import pytest

from contractctl.formats.avro import FORMAT
from contractctl.formats.avro.compat import check_reader_writer, is_compatible
from contractctl.formats.avro.resolve import resolve
from contractctl.formats.base import InvalidSchema
from contractctl.model import SchemaText


def _record(name: str, *fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "record", "name": name, "fields": list(fields)}


def _node(type_: Any, default: Any) -> dict[str, Any]:
    return _record("Node", {"name": "n", "type": type_, "default": default})


def _rules(document: Any, registered: bool = False) -> list[tuple[str, str]]:
    schema, problems = resolve(document, None, registered)
    assert (schema is None) == bool(problems)
    return [(problem.rule, problem.pointer) for problem in problems]


# -- defaults are checked again when the parser resolves its placeholders -----------------------------
#
# Schema.Parser.parse ends with ParseContext.resolve -> ensureSchemasAreResolved: a
# SchemaResolver.ResolvingVisitor copies every named type (Schemas.visit, depth first), a record
# without fields on entering it and with them on leaving it, each made by ``new Field(field, copy)``,
# which runs validateDefault again while the parser's VALIDATE_DEFAULTS is still set. The copies hold
# the real types where parsing had placeholders (SchemaResolver.unresolvedSchema: a record without
# fields, which took any object), and a record still being copied has no fields:
# RecordSchema.getFields() throws AvroRuntimeException("Schema fields not set yet"). Confluent's
# AvroSchemaProvider turns either failure into "Invalid schema".

BAD_BY_RESOLUTION = {
    # the record itself, still being copied, reached by an object default
    "self": _node("Node", {}),
    "self-in-union": _node(["null", "Node"], {}),
    "self-in-array": _node({"type": "array", "items": "Node"}, [{}]),
    # isValidDefault(UNION) is anyMatch over the branches in order: the record throws before the map
    # that would take the object is tried
    "self-before-a-map": _node(["Node", {"type": "map", "values": "int"}], {}),
    # the enclosing record is still being copied when the inner one is left
    "enclosing": _record(
        "Outer", {"name": "a", "type": _record("Inner", {"name": "b", "type": "Outer", "default": {}})}
    ),
    # a forward reference is checked against the type defined later
    "forward-enum": _record(
        "A",
        {"name": "f", "type": "E", "default": {}},
        {"name": "g", "type": {"type": "enum", "name": "E", "symbols": ["X"]}},
    ),
    "forward-record": _record(
        "A",
        {"name": "f", "type": "B", "default": {}},
        {"name": "g", "type": _record("B", {"name": "x", "type": "int"})},
    ),
    # a finished recursive record: the default must now hold all the way down
    "recursive-inside": _record(
        "S",
        {
            "name": "meta",
            "type": _record("New", {"name": "y", "type": ["null", "New"]}),
            "default": {"y": {}},
        },
    ),
    "root-union": ["null", _node("Node", {})],
}


@pytest.mark.parametrize("document", BAD_BY_RESOLUTION.values(), ids=BAD_BY_RESOLUTION.keys())
def test_a_default_java_refuses_when_it_resolves_the_schema(document: Any) -> None:
    """Java 1.12.1 (new schema): "Schema fields not set yet" or "Invalid default for field ..." from
    the second validation; the registered parse (no default validation) reads it."""
    rules = _rules(document)
    assert [rule for rule, _ in rules] == ["AVRO_BAD_DEFAULT"], rules
    assert rules[0][1].endswith("/default")
    assert _rules(document, registered=True) == []


GOOD_AFTER_RESOLUTION = {
    "null-default-record-first": _node(["Node", "null"], None),  # the record: not an object, false
    "null-default-null-first": _node(["null", "Node"], None),
    "map-before-self": _node([{"type": "map", "values": "int"}, "Node"], {}),
    "empty-array-of-self": _node({"type": "array", "items": "Node"}, []),
    "forward-record-satisfied": _record(
        "A",
        {"name": "f", "type": "B", "default": {"x": 1}},
        {"name": "g", "type": _record("B", {"name": "x", "type": "int"})},
    ),
    "recursive-inside-ends-in-null": _record(
        "S",
        {
            "name": "meta",
            "type": _record("New", {"name": "y", "type": ["null", "New"]}),
            "default": {"y": None},
        },
    ),
}


@pytest.mark.parametrize("document", GOOD_AFTER_RESOLUTION.values(), ids=GOOD_AFTER_RESOLUTION.keys())
def test_a_default_java_accepts_when_it_resolves_the_schema(document: Any) -> None:
    assert _rules(document) == []


def test_the_first_failure_ends_the_parse() -> None:
    """Java throws from the first Field it cannot copy: one problem, at the first field Java copies
    (the visit leaves the inner record before the outer one)."""
    document = _record(
        "Outer",
        {"name": "same", "type": "Outer", "default": {}},
        {"name": "a", "type": _record("Inner", {"name": "b", "type": "Outer", "default": {}})},
    )
    assert _rules(document) == [("AVRO_BAD_DEFAULT", "/fields/1/type/fields/0/default")]


# -- a recursive type cannot be defined twice ---------------------------------------------------------


@pytest.mark.parametrize("registered", [False, True])
@pytest.mark.parametrize(
    "inner",
    [["null", "B"], ["null", "C"]],
    ids=["uses-itself", "uses-a-later-type"],
)
def test_an_identical_redefinition_holding_a_placeholder_is_refused(inner: Any, registered: bool) -> None:
    """ParseContext.put compares a second definition with the first by Schema.equals; where the first
    was parsed, "B" (itself) or "C" (defined later) was a placeholder record named
    UnresolvedSchema_<n>, a new one at each use, which equals nothing: "Can't redefine: B", with
    any parser settings."""
    definition = _record("B", {"name": "x", "type": inner})
    fixed = {"type": "fixed", "name": "C", "size": 2}
    document = _record(
        "A",
        {"name": "a", "type": definition},
        {"name": "b", "type": definition},
        {"name": "c", "type": fixed},
    )
    assert _rules(document, registered) == [("AVRO_DUPLICATE_NAME", "/fields/1/type")]


def test_an_identical_redefinition_of_a_plain_type_is_still_accepted() -> None:
    definition = _record("B", {"name": "x", "type": "int"}, {"name": "y", "type": ["null", "A"]})
    document = _record("A", {"name": "a", "type": definition}, {"name": "b", "type": "B"})
    assert _rules(document) == []
    document["fields"][1]["type"] = _record("C", {"name": "x", "type": "int"})
    document["fields"].append({"name": "c", "type": _record("C", {"name": "x", "type": "int"})})
    assert _rules(document) == []


# -- a text nested deeper than the engine reads is refused, not a crash -------------------------------


def test_a_deeply_nested_schema_is_invalid_input_not_an_internal_error() -> None:
    """Jackson in Avro 1.12.1 reads up to 1000 levels (StreamReadConstraints), so Java accepts 600
    nested arrays; the engine reads fewer (a known limit) and must say so as invalid input (exit 2).
    It did refuse in the resolver, but then looked for the problem's line with a recursive scan that
    overflowed too, and the CLI reported an internal error."""
    depth = 600
    text = '{"type": "array", "items": ' * depth + '"int"' + "}" * depth
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # Python's default (`check` raises it for chains of references)
    try:
        with pytest.raises(InvalidSchema) as raised:
            FORMAT.parse(SchemaText(PurePosixPath("deep.avsc"), text), [])
    finally:
        sys.setrecursionlimit(limit)
    assert [(finding.rule, finding.line) for finding in raised.value.findings] == [("AVRO_NOT_A_SCHEMA", 1)]


# -- what Avro ignores after the schema ---------------------------------------------------------------


def _parse_text(text: str) -> list[tuple[str, int]]:
    try:
        FORMAT.parse(SchemaText(PurePosixPath("x.avsc"), text), [])
    except InvalidSchema as error:
        return [(finding.rule, finding.line) for finding in error.findings]
    return []


@pytest.mark.parametrize("tail", ["\x00", "\x1a", "\x0c\n", " \x00\x01 \x1f"])
def test_control_characters_after_the_schema_are_ignored_as_java_trims_them(tail: str) -> None:
    """Schema.Parser.parse (allowDanglingContent false) reads one value, then takes what Jackson did
    not read, ``.trim()`` (every char up to U+0020), and refuses it only if something is left: Java
    and so Confluent accept a text ending in a NUL or a Ctrl-Z; we called it invalid JSON."""
    assert _parse_text('{"type": "record", "name": "R", "fields": []}' + tail) == []
    bad_default = (
        '{"type": "record", "name": "R",\n "fields": [{"name": "a", "type": "int", "default": "x"}]}'
    )
    assert _parse_text(bad_default + tail) == [("AVRO_BAD_DEFAULT", 2)]  # its own problem, on its line


@pytest.mark.parametrize("tail", ["\x00x", "\x00 // c", "\x00{}"])
def test_content_after_the_schema_is_still_refused(tail: str) -> None:
    """Java: "dangling content after end of schema" whenever trim leaves something."""
    assert [rule for rule, _ in _parse_text('"int"' + tail)] == ["INVALID_JSON"]


# -- with references, the same second look ------------------------------------------------------------


def test_references_do_not_spare_a_default_the_second_look() -> None:
    """Confluent parses the references first with the same parser (AvroSchema's constructor:
    parser.parse of each resolved reference, then of the schema); the schema's own types are new
    to the ParseContext (put() sets resolvingVisitor to null), so ensureSchemasAreResolved copies
    every type again, the references' first: the schema's defaults are checked again as without
    references, against referenced types that are complete."""
    money = FORMAT.parse(
        SchemaText(PurePosixPath("money.avsc"), '{"type": "record", "name": "Money", "fields": []}'), []
    )
    node = {
        "type": "record",
        "name": "Node",
        "fields": [
            {"name": "price", "type": "Money", "default": {}},
            {"name": "next", "type": ["null", "Node"], "default": {}},
        ],
    }
    source = SchemaText(PurePosixPath("node.avsc"), json.dumps(node))
    with pytest.raises(InvalidSchema) as raised:
        FORMAT.parse(source, [money])
    assert [finding.rule for finding in raised.value.findings] == ["AVRO_BAD_DEFAULT"]
    assert raised.value.findings[0].pointer == "/fields/1/default"
    node["fields"][1]["default"] = None
    FORMAT.parse(SchemaText(PurePosixPath("node.avsc"), json.dumps(node)), [money])
    FORMAT.parse_registered(source, [money])


# -- the verdict walk and a failed union trial ---------------------------------------------------------

_MONEY = {
    "type": "record",
    "name": "Money",
    "fields": [{"name": "x", "type": "int"}, {"name": "kind", "type": "int"}],
}
_ID = {"type": "record", "name": "Id", "fields": [{"name": "x", "type": "int", "aliases": ["kind"]}]}


@pytest.mark.parametrize(("branches", "compatible"), [([_ID, _MONEY], False), ([_MONEY, _ID], True)])
def test_a_union_branch_tried_before_the_match_can_abort_the_check(
    branches: list[Any], compatible: bool
) -> None:
    """SchemaCompatibility tries a reader union's branches in order until one is compatible, each
    computed in full: Id against the writer's Money is a NAME_MISMATCH, and its fields are compared
    all the same; Id's field x (alias kind) matches Money's x and kind, so lookupWriterField throws
    and Confluent answers "Unexpected exception": incompatible. The verdict walk stopped at the name
    and went on to the Money branch: compatible. With Money first, Id is never tried."""
    reader = resolve(_record("Top", {"name": "v", "type": branches}))[0]
    writer = resolve(_record("Top", {"name": "v", "type": _MONEY}))[0]
    assert reader is not None and writer is not None
    assert is_compatible(reader, writer) is compatible
    assert (check_reader_writer(reader, writer) == []) is compatible


# -- a referenced recursive type walked again -----------------------------------------------------------

_RECURSIVE_MONEY = {
    "type": "record",
    "name": "Money",
    "fields": [
        {
            "name": "when",
            "type": {
                "type": "record",
                "name": "Kind",
                "fields": [{"name": "value", "type": ["null", "Money"]}],
            },
            "default": {"value": None},
        }
    ],
}


@pytest.mark.parametrize(
    ("main", "refused"),
    [
        ({"type": "record", "name": "Order", "fields": [{"name": "price", "type": "Money"}]}, True),
        (["null", "Money"], False),  # no type of its own: Java does not resolve the types again
        ({"type": "array", "items": "Money"}, False),
    ],
    ids=["defines-a-type", "union", "array"],
)
def test_a_referenced_recursive_type_can_fail_when_walked_again(main: Any, refused: bool) -> None:
    """Money is valid alone: its parse resolves a placeholder for Money inside Kind, Kind copied
    within Money's own visit. Parsed as a reference, its resolved copies come first in the
    ParseContext; a schema defining a type makes ensureSchemasAreResolved copy them again, from Kind
    (completed first): Kind's copy has no fields yet when the visit, through Kind's union, leaves
    Money and checks Money's default {"value": null} against it: "Schema fields not set yet".
    Confluent refuses such a new schema; a registered one (no default validation) is read."""
    money = FORMAT.parse(SchemaText(PurePosixPath("money.avsc"), json.dumps(_RECURSIVE_MONEY)), [])
    source = SchemaText(PurePosixPath("order.avsc"), json.dumps(main))
    if refused:
        with pytest.raises(InvalidSchema) as raised:
            FORMAT.parse(source, [money])
        assert [(finding.rule, finding.line) for finding in raised.value.findings] == [
            ("AVRO_BAD_DEFAULT", 1)
        ]
        assert "Money" in raised.value.findings[0].message
    else:
        FORMAT.parse(source, [money])
    FORMAT.parse_registered(source, [FORMAT.parse_registered(money.source, [])])


def test_referenced_types_are_walked_again_in_confluents_order() -> None:
    """Confluent hands Avro the resolved references dependencies first (Money's contract, then
    Order's), so the walk starts from Kind and fails as above, though this schema names only Order.
    Taking Order's types first (the order of the one reference given) walks Money from Order, Kind
    inside it, and misses the failure. The references here are registered versions (parsed without
    default validation), as history is."""
    money = FORMAT.parse_registered(SchemaText(PurePosixPath("money.avsc"), json.dumps(_RECURSIVE_MONEY)), [])
    order = {"type": "record", "name": "Order", "fields": [{"name": "price", "type": "Money"}]}
    order_schema = FORMAT.parse_registered(
        SchemaText(PurePosixPath("order.avsc"), json.dumps(order)), [money]
    )
    top = {"type": "record", "name": "Top", "fields": [{"name": "order", "type": "Order"}]}
    with pytest.raises(InvalidSchema) as raised:
        FORMAT.parse(SchemaText(PurePosixPath("top.avsc"), json.dumps(top)), [order_schema])
    assert [finding.rule for finding in raised.value.findings] == ["AVRO_BAD_DEFAULT"]
