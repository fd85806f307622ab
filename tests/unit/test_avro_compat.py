"""The compatibility engine against the case corpus, and against the `avro` package's Python port."""

from __future__ import annotations

import json
from typing import Any

import avro.schema
import pytest
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
from avro.errors import AvroRuntimeException

from contractctl.formats.avro.compat import HINTS, Incompatibility, check_reader_writer
from contractctl.formats.avro.resolve import ResolvedSchema, resolve

from .avro_cases import CASES, CASES_BY_ID, Case, fld, rec

pytestmark = pytest.mark.filterwarnings("ignore::avro.errors.IgnoredLogicalType")

# Cases where Avro Java (and so Confluent) and the Python port of the `avro` package disagree.
PYTHON_PORT_DIFFERS = {
    # Java's lookupWriterField throws when a reader field matches two writer fields (by name and by
    # alias) and Confluent reports the change as incompatible; the port silently takes the name match.
    "field-name-and-alias-both-match": "port ignores the double match",
    # Java resolves a named type's aliases against its namespace (OldName -> com.acme.OldName); the
    # port compares the raw alias text with the writer's full name.
    "record-alias-qualified-by-reader-namespace": "port does not qualify aliases",
    # An alias ".OldName" is OldName in the null namespace; Java's getAliases() gives a type without
    # a namespace its full name "OldName", which matches; the port compares the raw text ".OldName".
    "record-alias-leading-dot-without-namespace": "port keeps the leading dot",
    # Java's Schema.Name reads an empty "namespace" as the null namespace; the port lets a type with
    # "namespace": "" inherit the enclosing one (a.Hash), so the alias Hash no longer names it.
    "fixed-empty-namespace-alias": "port inherits through an empty namespace",
    # Java checks an "error" as the record it is (Schema.Type.RECORD); the port's checker raises
    # "Unknown schema type: error" (counted here as no compatible verdict).
    "error-record-adds-field-with-default": "port's checker fails on error records",
}


def _resolved(document: Any) -> ResolvedSchema:
    schema, problems = resolve(document)
    assert problems == [], problems
    assert schema is not None
    return schema


def _check(case: Case) -> list[Incompatibility]:
    return check_reader_writer(_resolved(case.reader), _resolved(case.writer))


def _python_port_compatible(case: Case) -> bool:
    reader = avro.schema.parse(json.dumps(case.reader))
    writer = avro.schema.parse(json.dumps(case.writer))
    try:
        result = ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
    except AvroRuntimeException:  # the port gives no verdict (an "error" record): not compatible
        return False
    return bool(result.compatibility is SchemaCompatibilityType.compatible)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 80
    types = {kind for case in CASES for kind, _ in case.expected}
    assert set(HINTS) <= types


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case: Case) -> None:
    found = [(item.type, item.location) for item in _check(case)]
    assert found == list(case.expected)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_python_port_agrees_on_verdict(case: Case) -> None:
    port = _python_port_compatible(case)
    if case.id in PYTHON_PORT_DIFFERS:
        assert port != case.compatible, f"port now agrees; drop the allow-list entry: {case.id}"
    else:
        assert port == case.compatible


def test_allow_list_names_real_cases() -> None:
    assert set(PYTHON_PORT_DIFFERS) <= set(CASES_BY_ID)


@pytest.mark.parametrize(
    ("case_id", "message"),
    [
        ("refuse-int-to-string", "reader type: STRING not compatible with writer type: INT"),
        ("record-name-mismatch", "expected: Record1"),
        ("fixed-grows", "expected: 8, found: 4"),
        ("enum-missing-first-symbol", "missing enum symbols: [A]"),
        ("union-lacks-first-branch", "reader union lacking writer type: INT"),
        (
            "confluent-add-field-without-default",
            "reader field 'f2' has no default and the writer has no such field",
        ),
        ("reader-union-lacks-plain-writer", "reader union lacking writer type: LONG"),
    ],
)
def test_messages(case_id: str, message: str) -> None:
    assert [item.message for item in _check(CASES_BY_ID[case_id])] == [message]


def test_missing_symbols_are_sorted_like_java() -> None:
    reader = _resolved({"type": "enum", "name": "E", "symbols": ["A"]})
    writer = _resolved({"type": "enum", "name": "E", "symbols": ["D", "A", "C", "B"]})
    assert [item.message for item in check_reader_writer(reader, writer)] == [
        "missing enum symbols: [B, C, D]"
    ]


def test_fragments_are_short_json() -> None:
    (item,) = _check(CASES_BY_ID["record-field-long-to-int"])
    assert json.loads(item.reader_fragment) == "int"
    assert json.loads(item.writer_fragment) == "long"
    big = rec("Big", *[fld(f"field_{i}", "string") for i in range(40)])
    (item,) = check_reader_writer(_resolved(big), _resolved("int"))
    assert len(item.reader_fragment) <= 200 and item.reader_fragment.endswith("...")


def _follow(document: Any, pointer: str) -> Any:
    node = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


@pytest.mark.parametrize(
    ("case_id", "element"),
    [
        ("fixed-in-record", 8),
        ("enum-in-record-name-mismatch", "Enum1"),
        ("confluent-add-field-without-default", {"name": "f2", "type": "string"}),
        ("nested-array-map-bad", "int"),
        ("record-field-long-to-int", "int"),
    ],
)
def test_locations_point_into_the_raw_reader(case_id: str, element: Any) -> None:
    case = CASES_BY_ID[case_id]
    (item,) = _check(case)
    assert _follow(case.reader, item.location) == element


@pytest.mark.parametrize(
    ("case_id", "union"),
    [("union-removes-branch", ["null", "string"]), ("record-field-union-missing-branch", ["int"])],
)
def test_union_branch_locations_index_the_writer_union(case_id: str, union: Any) -> None:
    """Java appends the WRITER branch index to the reader union's location, as here."""
    case = CASES_BY_ID[case_id]
    (item,) = _check(case)
    parent, index = item.location.rsplit("/", 1)
    assert _follow(case.reader, parent) == union
    assert int(index) >= len(union)


def test_recursion_terminates_on_deep_cycles() -> None:
    chain = rec(
        "A", fld("next", ["null", rec("B", fld("next", ["null", rec("C", fld("next", ["null", "A"]))]))])
    )
    schema = _resolved(chain)
    assert check_reader_writer(schema, schema) == []


def test_external_types_are_checked_through_references() -> None:
    money_v1 = _resolved(
        {"type": "record", "name": "com.acme.Money", "fields": [{"name": "cents", "type": "int"}]}
    )
    money_v2 = _resolved(
        {"type": "record", "name": "com.acme.Money", "fields": [{"name": "cents", "type": "long"}]}
    )
    order = {"type": "record", "name": "com.acme.Order", "fields": [{"name": "total", "type": "Money"}]}
    reader, problems = resolve(order, dict(money_v2.names))
    writer, problems2 = resolve(order, dict(money_v1.names))
    assert reader is not None and writer is not None and not problems and not problems2
    assert check_reader_writer(reader, writer) == []
    assert [(i.type, i.location) for i in check_reader_writer(writer, reader)] == [
        ("TYPE_MISMATCH", "/fields/0/type/fields/0/type")
    ]
