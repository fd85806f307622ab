"""`parse_alone` skips the outline walk for texts that need no reference; it must never change a parse.

Whenever it answers, the outline must find no undefined name (so the full way would have parsed the
text with no references) and the full parse must give the same schema; whenever a text needs a
reference, it must step aside. Checked on the corpus, the invalid documents, namespace corner cases
and a few thousand random schemas, some using types they do not define.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import PurePosixPath
from typing import Any

import pytest

from contractctl.formats.avro import FORMAT, AvroSchema
from contractctl.formats.avro.resolve import Problem, _Outliner, outline, resolve
from contractctl.model import SchemaText

from .avro_cases import CASES
from .test_avro_resolve import BARE_NAME_IN_NULL_NAMESPACE, FORWARD_AND_RECURSIVE, INVALID
from .test_avro_verdict import _Schemas

pytestmark = pytest.mark.filterwarnings("ignore::avro.errors.IgnoredLogicalType")


def _source(document: Any) -> SchemaText:
    return SchemaText(PurePosixPath("contracts/t/value.avsc"), json.dumps(document))


def _agrees(document: Any) -> bool:
    """Whether parse_alone answered; asserts that its answer is the full parse's."""
    source = _source(document)
    alone = FORMAT.parse_alone(source)
    if alone is None:
        return False
    assert outline(document)[1] == (), document
    full = FORMAT.parse(source, [])
    assert isinstance(full, AvroSchema)
    assert alone.resolved == full.resolved and alone.document == full.document
    assert alone.references == full.references == ()
    return True


_CORNERS: list[Any] = [
    BARE_NAME_IN_NULL_NAMESPACE,
    # recursion: a record's fields name the record itself, by bare and by full name
    {
        "type": "record",
        "name": "Node",
        "namespace": "com.t",
        "fields": [
            {"name": "next", "type": ["null", "Node"], "default": None},
            {"name": "children", "type": {"type": "array", "items": "com.t.Node"}},
        ],
    },
    # {"type": "Name"} as a reference, a map and an array of named types
    {
        "type": "record",
        "name": "R",
        "namespace": "x.y",
        "fields": [
            {"name": "a", "type": {"type": "fixed", "name": "F", "size": 2}},
            {"name": "b", "type": {"type": "F"}},
            {"name": "c", "type": {"type": "map", "values": "x.y.F"}},
            {
                "name": "d",
                "type": {"type": "array", "items": {"type": "enum", "name": "z.E", "symbols": ["A"]}},
            },
            {"name": "e", "type": "z.E"},
        ],
    },
]


@pytest.mark.parametrize("document", _CORNERS)
def test_self_contained_corners_parse_alone(document: Any) -> None:
    assert _agrees(document)


def test_corpus_and_invalid_documents() -> None:
    answered = 0
    for case in CASES:
        answered += _agrees(case.reader) + _agrees(case.writer)
    assert answered == 2 * len(CASES)  # every corpus schema stands alone
    for _id, document, _rule, _pointer in INVALID:
        assert FORMAT.parse_alone(_source(document)) is None


def test_a_forward_reference_steps_aside_and_the_full_way_parses_it() -> None:
    """A type used before its definition starts reads like another contract's type until the
    definition comes: parse_alone turns it away, and the full way (whose outline finds nothing
    undefined) parses it with no reference."""
    source = _source(FORWARD_AND_RECURSIVE)
    assert FORMAT.parse_alone(source) is None
    assert outline(FORWARD_AND_RECURSIVE)[1] == ()
    assert FORMAT.parse(source, []).resolved.defined == ("com.A", "com.B")  # type: ignore[attr-defined]


def test_the_walk_stops_at_the_first_type_from_elsewhere() -> None:
    """Turning a text away costs the walk up to its first foreign type: what follows is not read
    (its invalid field would be a problem of its own), and the one problem names that use."""
    document = {
        "type": "record",
        "name": "com.acme.Order",
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "total", "type": ["null", "Money"], "default": None},
            {"name": "9bad", "type": "int"},
        ],
    }
    assert resolve(document, {}, registered=True, alone=True) == (
        None,
        [Problem("AVRO_UNKNOWN_TYPE", "/fields/1/type/1", "Type 'com.acme.Money' is not defined.")],
    )
    _, problems = resolve(document, {}, registered=True)
    assert {p.rule for p in problems} == {"AVRO_UNKNOWN_TYPE", "AVRO_INVALID_NAME"}


def test_texts_that_need_a_reference_step_aside() -> None:
    money = {"type": "record", "name": "com.acme.Money", "fields": [{"name": "cents", "type": "long"}]}
    order = {"type": "record", "name": "com.acme.Order", "fields": [{"name": "total", "type": "Money"}]}
    assert FORMAT.parse_alone(_source(order)) is None
    with_reference = FORMAT.parse(_source(order), [FORMAT.parse(_source(money), [])])
    assert isinstance(with_reference, AvroSchema) and with_reference.references
    assert FORMAT.parse_alone(SchemaText(PurePosixPath("a.avsc"), "{not json")) is None


def test_random_schemas_some_using_undefined_types() -> None:
    rng = random.Random(20261127)
    answered = stepped_aside = 0
    for _ in range(3000):
        schemas = _Schemas(rng)
        if rng.random() < 0.3:
            schemas.defined.add(rng.choice(["A", "B", "C", "D"]))  # used, but defined elsewhere
        document = schemas.named(3)
        if _agrees(document):
            answered += 1
        else:
            stepped_aside += 1
            assert FORMAT.parse_alone(_source(document)) is None
    assert answered > 1000 and stepped_aside > 300  # both ways exercised


def _outlines_both_ways(document: Any) -> tuple[Any, Any]:
    recursive, iterative = _Outliner(), _Outliner()
    recursive.visit(document, None)
    iterative.walk_iteratively(document)
    return (recursive.defined, recursive.references), (iterative.defined, iterative.references)


def test_the_recursive_outline_records_what_the_iterative_walk_records() -> None:
    """The outline walks recursively for speed; every record, in order, is the iterative walk's."""
    rng = random.Random(20261206)
    documents: list[Any] = [case.reader for case in CASES] + [document for _, document, _, _ in INVALID]
    documents += [None, 3, [], {"type": None}, {"type": "array"}, {"type": "map", "values": ["X", "y.Z"]}]
    documents += [{"type": "record", "name": 5, "fields": [{"type": "C"}, 7, {"name": "x"}]}]
    for _ in range(1000):
        schemas = _Schemas(rng)
        schemas.defined.add(rng.choice(["A", "B"]))
        documents.append(schemas.named(3))
    for document in documents:
        recursive, iterative = _outlines_both_ways(document)
        assert recursive == iterative, document


def test_an_outline_deeper_than_the_recursion_limit_is_walked_iteratively() -> None:
    deep: Any = "com.x.Missing"
    for _ in range(sys.getrecursionlimit() + 100):
        deep = {"type": "array", "items": deep}
    document = {"type": "record", "name": "com.x.R", "fields": [{"name": "d", "type": deep}]}
    assert outline(document) == (("com.x.R",), ("com.x.Missing",), "com.x.R")
