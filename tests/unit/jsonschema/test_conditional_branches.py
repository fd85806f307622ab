"""Branches of a combined schema that are `if`/`then`/`else` conditionals are told apart by content.

Found by the round-6 audit on SchemaStore (gaspar-3.0, github-issue-forms: a new `if`/`then` branch
in an `allOf`): contractctl said compatible, the registry double incompatible. Everit loads a
ConditionalSchema with its `if`/`then`/`else` and prints them, and Confluent's CombinedSchemaDiff
counts distinct branches by printed text; contractctl keyed every untitled conditional alike, so
the branches collapsed into one and an added or removed branch passed. Each case is checked against
the engine and against the registry double (an independent implementation, tests/registry_double).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from contractctl.formats.jsonschema.diff import compare
from contractctl.formats.jsonschema.drafts import detect_draft
from contractctl.formats.jsonschema.refs import SchemaGraph
from tests.registry_double.compat import SchemaDoc
from tests.registry_double.jsonschema_compat import jsonschema_checker

WHEN_X = {"if": {"properties": {"k": {"const": "x"}}}, "then": {"required": ["x"]}}
WHEN_Y = {"if": {"properties": {"k": {"const": "y"}}}, "then": {"required": ["y"]}}
OBJECT = {"type": "object", "properties": {"k": {"type": "string"}}}

CASES = [
    (
        "a conditional added to an allOf",
        {"allOf": [WHEN_X]},
        {"allOf": [WHEN_X, WHEN_Y]},
        ["PRODUCT_TYPE_EXTENDED #/"],
    ),
    (
        "a conditional added to an allOf beside object keywords (the SchemaStore shape)",
        {**OBJECT, "allOf": [WHEN_X]},
        {**OBJECT, "allOf": [WHEN_X, WHEN_Y]},
        ["COMBINED_TYPE_SUBSCHEMAS_CHANGED #/"],
    ),
    (
        "a conditional removed from an anyOf",
        {"anyOf": [WHEN_X, WHEN_Y]},
        {"anyOf": [WHEN_X]},
        ["SUM_TYPE_NARROWED #/"],
    ),
    ("one conditional written twice is one branch", {"allOf": [WHEN_X, WHEN_X]}, {"allOf": [WHEN_X]}, []),
    ("the same conditionals, reordered", {"anyOf": [WHEN_X, WHEN_Y]}, {"anyOf": [WHEN_Y, WHEN_X]}, []),
]


def _root(document: Any) -> Any:
    return SchemaGraph(document, detect_draft(document), {}).root


@pytest.mark.parametrize(("old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_conditional_branches_are_counted_as_confluent_counts_them(
    old: dict[str, Any], new: dict[str, Any], expected: list[str]
) -> None:
    differences = sorted(f"{kind} {path}" for kind, path in compare(_root(old), _root(new)))
    assert differences == expected
    double = jsonschema_checker(SchemaDoc("JSON", json.dumps(new)), SchemaDoc("JSON", json.dumps(old)))
    assert bool(double) == bool(expected), double
    assert all(e.split(" ")[0] in message for e in expected for message in double), double
