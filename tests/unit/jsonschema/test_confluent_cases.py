"""Agreement with Confluent's own published JSON Schema diff cases (all of them, transcribed in
confluent_cases.json with the source file and description of each): the same differences (type and
path) and the same STRICT verdict, and the LENIENT verdict where a case states one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contractctl.formats.jsonschema.diff import compare
from contractctl.formats.jsonschema.differences import COMPATIBLE_CHANGES_LENIENT, COMPATIBLE_CHANGES_STRICT
from contractctl.formats.jsonschema.drafts import detect_draft
from contractctl.formats.jsonschema.refs import SchemaGraph

FIXTURE = json.loads((Path(__file__).parent / "confluent_cases.json").read_text())
CASES: list[dict[str, Any]] = FIXTURE["cases"]


def _root(document: Any) -> Any:
    return SchemaGraph(document, detect_draft(document), {}).root


def _case_id(case: dict[str, Any]) -> str:
    return f"{Path(case['source_file']).name}#{case['index']}"


def test_every_published_case_is_transcribed() -> None:
    counts: dict[str, int] = {}
    for case in CASES:
        counts[Path(case["source_file"]).name] = counts.get(Path(case["source_file"]).name, 0) + 1
    assert counts == {
        "diff-schema-examples.json": 104,
        "diff-combined-schema-examples.json": 28,
        "diff-schema-examples-2020-12.json": 113,
        "diff-combined-schema-examples-2020-12.json": 18,
    }
    assert all(case["description"] for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_agrees_with_confluent(case: dict[str, Any]) -> None:
    differences = compare(_root(case["original"]), _root(case["update"]))
    expected = [entry.split(" ", 1) for entry in case["differences"]]
    assert {kind for kind, _ in differences} == {kind for kind, _ in expected}, case["description"]
    assert sorted(f"{kind} {path}" for kind, path in differences) == sorted(case["differences"])
    strict = all(kind in COMPATIBLE_CHANGES_STRICT for kind, _ in differences)
    assert strict is case["compatible"], case["description"]
    lenient = all(kind in COMPATIBLE_CHANGES_LENIENT for kind, _ in differences)
    assert lenient is case.get("compatible_lenient", case["compatible"]), case["description"]


def test_agreement_is_total() -> None:
    """The 100% target as one number: every case agrees on types and verdict."""
    agreeing = 0
    for case in CASES:
        differences = compare(_root(case["original"]), _root(case["update"]))
        types_agree = {k for k, _ in differences} == {e.split(" ", 1)[0] for e in case["differences"]}
        verdict_agrees = all(k in COMPATIBLE_CHANGES_STRICT for k, _ in differences) is case["compatible"]
        agreeing += types_agree and verdict_agrees
    assert agreeing == len(CASES) == 263
