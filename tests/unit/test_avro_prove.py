"""Proof by data: compatible pairs round-trip cleanly; lossy and wrong pairings are told apart."""

from __future__ import annotations

import random
from typing import Any

import fastavro
import pytest
from fastavro.validation import validate

from contractctl.formats.avro.prove import generate_datum, prove, to_fastavro_schema
from contractctl.formats.avro.resolve import ResolvedSchema, resolve

from .avro_cases import CASES, CASES_BY_ID, fld, rec

COMPATIBLE = [case for case in CASES if case.compatible]
INCOMPATIBLE = [case for case in CASES if not case.compatible]
# Writers with no finite value (a non-optional recursive record, an empty union): no data to prove with.
UNINHABITED = {
    "recursive-same",
    "recursive-promotes",
    "recursive-refuses",
    "union-empty-both",
    "union-float-reads-empty",
}


def _resolved(document: Any, external: dict[str, dict[str, Any]] | None = None) -> ResolvedSchema:
    schema, problems = resolve(document, external)
    assert problems == [] and schema is not None, problems
    return schema


@pytest.mark.parametrize("case", COMPATIBLE, ids=[case.id for case in COMPATIBLE])
def test_compatible_cases_prove_without_engine_errors(case: Any) -> None:
    issues = prove(_resolved(case.reader), _resolved(case.writer), samples=40, seed=7)
    assert [issue for issue in issues if issue.kind == "engine_error"] == []


@pytest.mark.parametrize(
    "case", [c for c in INCOMPATIBLE if c.id not in UNINHABITED], ids=lambda case: case.id
)
def test_incompatible_pairings_are_caught(case: Any) -> None:
    issues = prove(_resolved(case.reader), _resolved(case.writer), samples=40, seed=3)
    assert any(issue.kind == "engine_error" for issue in issues)


def test_bytes_to_string_is_lossy_not_an_engine_error() -> None:
    issues = prove(_resolved("string"), _resolved("bytes"), samples=60, seed=1)
    assert issues and {issue.kind for issue in issues} == {"lossy"}
    assert any("UTF-8" in issue.message and "\\xff" in issue.value for issue in issues)


def test_fastavro_union_branch_order_is_reported_as_lossy() -> None:
    case = CASES_BY_ID["union-string-and-bytes-reads-bytes"]
    issues = prove(_resolved(case.reader), _resolved(case.writer), samples=60, seed=2)
    messages = {issue.message for issue in issues if issue.kind == "lossy"}
    assert any("string branch" in message for message in messages)
    assert all(issue.kind == "lossy" for issue in issues)


def test_long_to_double_precision_loss_is_lossy() -> None:
    issues = prove(_resolved("double"), _resolved("long"), samples=60, seed=0)
    assert [issue.kind for issue in issues] == ["lossy"]
    assert "precision" in issues[0].message


def test_wrong_pairing_reports_engine_error_with_value() -> None:
    issues = prove(_resolved("int"), _resolved("string"), samples=5, seed=0)
    assert len(issues) == 1  # deduplicated
    assert issues[0].kind == "engine_error" and issues[0].value


def test_proof_is_deterministic_per_seed() -> None:
    case = CASES_BY_ID["promote-bytes-to-string"]
    reader, writer = _resolved(case.reader), _resolved(case.writer)
    assert prove(reader, writer, seed=11) == prove(reader, writer, seed=11)


def test_new_reader_fields_take_their_defaults() -> None:
    writer = _resolved(rec("R", fld("a", "int")))
    reader = _resolved(
        rec("R", fld("a", "long"), fld("b", "string", default="x"), fld("c", ["null", "int"], default=None))
    )
    assert prove(reader, writer, samples=20) == []


@pytest.mark.parametrize("case", [c for c in CASES if c.id not in UNINHABITED], ids=lambda case: case.id)
def test_generated_datums_are_valid_for_the_writer(case: Any) -> None:
    schema = _resolved(case.writer)
    parsed = fastavro.parse_schema(to_fastavro_schema(schema, logical_types=False))
    rng = random.Random(5)
    for _ in range(10):
        assert validate(generate_datum(schema, rng), parsed, raise_errors=True)


def test_fastavro_schema_inlines_external_types_once() -> None:
    money = _resolved(rec("com.acme.Money", fld("cents", "long")))
    order = _resolved(rec("com.acme.Order", fld("total", "Money"), fld("tax", "Money")), dict(money.names))
    schema = to_fastavro_schema(order)
    assert schema["fields"][0]["type"]["name"] == "com.acme.Money"
    assert schema["fields"][1]["type"] == "com.acme.Money"
    fastavro.parse_schema(schema)


def test_fastavro_schema_reaches_null_namespace_types_from_namespaced_ones() -> None:
    document = {
        "type": "record",
        "name": "com.acme.Outer",
        "fields": [
            {"name": "a", "type": {"type": "record", "name": "Plain", "namespace": "", "fields": []}},
            {"name": "b", "type": "Plain"},
        ],
    }
    schema = _resolved(document)
    fastavro.parse_schema(to_fastavro_schema(schema))
    assert prove(schema, schema, samples=5) == []


def test_logical_types_are_kept_unless_asked() -> None:
    schema = _resolved({"type": "int", "logicalType": "date"})
    assert to_fastavro_schema(schema) == {"type": "int", "logicalType": "date"}
    assert to_fastavro_schema(schema, logical_types=False) == "int"


@pytest.mark.parametrize("case_id", sorted(UNINHABITED))
def test_uninhabited_writers_have_nothing_to_prove(case_id: str) -> None:
    case = CASES_BY_ID[case_id]
    writer = _resolved(case.writer)
    with pytest.raises(ValueError, match="no finite value"):
        generate_datum(writer, random.Random(0))
    assert prove(_resolved(case.reader), writer) == []
