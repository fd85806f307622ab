"""JSON read at orjson's speed (generic.fastjson) gives exactly json.loads' answers, and the identity
text behind fingerprints is equal exactly for equal documents."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from contractctl.formats.jsonschema import JsonSchemaFormat
from contractctl.generic.fastjson import identity_text, strict_loads
from contractctl.model import SchemaText
from tests.unit.jsonschema.corpus import documents, mutations

EDGE_TEXTS = [
    "-0",
    "-0.0",
    "1E400",
    "1e-400",
    "0.1",
    "1.00000000000000000001",
    "123456789012345678",
    "1234567890123456789",
    "-9223372036854775809",
    "18446744073709551616",
    "5e-324",
    '{"a":1,"a":2}',
    '"\\ud800"',
    '"\\u0000"',
    ' {"a" : 1} ',
    "\ufeff{}",
    "1 2",
    '{"a":1}x',
    '"\x01"',
    "[1,]",
    "NaN",
    "[Infinity]",
    '"é"',
    "1.0",
    "100e-2",
    "1e22",
    "9007199254740993",
    '{"type": /* c */ "string"}',
    "[" * 5000 + "]" * 5000,
]


def _json_answer(text: str) -> Any:
    def reject(name: str) -> Any:
        raise ValueError(name)

    try:
        value = json.loads(text, parse_constant=reject)
    except (ValueError, RecursionError) as error:
        return "error", type(error).__name__ == "RecursionError"
    return "value", _typed(value)


def _typed(value: Any) -> Any:
    """The value with every scalar's type kept (1, 1.0 and true are different documents)."""
    if isinstance(value, dict):
        return ("o", tuple((k, _typed(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("a", tuple(_typed(v) for v in value))
    return (type(value).__name__, repr(value))


@pytest.mark.parametrize("text", EDGE_TEXTS, ids=range(len(EDGE_TEXTS)))
def test_strict_loads_answers_as_json_loads(text: str) -> None:
    try:
        found: Any = "value", _typed(strict_loads(text)[0])
    except (ValueError, RecursionError) as error:
        found = "error", type(error).__name__ == "RecursionError"
    assert found == _json_answer(text)


def _variants(rng: random.Random) -> list[Any]:
    values: list[Any] = [1, 1.0, True, 0, False, None, -0.0, 1e300, 12345678901234567890, "1", [1], {"a": 1}]
    for document in documents():
        values += [document, *mutations(document, rng)]
    return values


def test_identity_text_is_equal_exactly_for_equal_documents() -> None:
    values = _variants(random.Random(3))
    by_identity: dict[str, Any] = {}
    for value in values:
        try:
            text = json.dumps(value, allow_nan=False)
        except ValueError:
            continue  # NaN in a bad input: no JSON (the fingerprint test covers it)
        assert _typed(strict_loads(text)[0]) == _typed(value)
        identities = {
            identity_text(*strict_loads(t)) for t in (text, json.dumps(value, sort_keys=True, indent=3))
        }
        assert len(identities) == 1  # formatting and key order make no difference
        expected = json.dumps(value, sort_keys=True)  # what "the same document" means
        assert by_identity.setdefault(identities.pop(), expected) == expected  # nor does another document
    assert len(by_identity) > 1_000
    assert identity_text(float("inf"), False) != identity_text(None, True)  # orjson writes inf as null


def test_fingerprints_tell_versions_apart_as_the_documents_differ() -> None:
    schema_format = JsonSchemaFormat()

    def fingerprint(text: str) -> str:
        return schema_format.fingerprint(SchemaText("contracts/t/value.json", text))

    assert fingerprint('{"maximum": 1}') != fingerprint('{"maximum": 1.0}')
    assert fingerprint('{"maximum": 1, "type": "number"}') == fingerprint('{"type":"number","maximum":1}')
    assert fingerprint('{"maximum": 12345678901234567890}') != fingerprint(
        '{"maximum": 12345678901234567891}'
    )
    assert fingerprint('{"maximum": 1e400}') != fingerprint('{"maximum": null}')
    assert fingerprint('{"maximum": NaN}') != fingerprint('{"maximum": null}')
