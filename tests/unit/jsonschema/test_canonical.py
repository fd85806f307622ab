"""The normalized text (fingerprints, the registry's normalized form) is json.dumps with sorted keys,
compact separators and no ASCII escaping, for every document, whatever encoder produces it."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from contractctl.formats.jsonschema.canonical import canonical_text
from tests.unit.jsonschema.corpus import documents, mutations

ODD: list[Any] = [
    'bare string é \u2028 " \\',
    1,
    -0.0,
    1e300,
    12345678901234567890,
    None,
    True,
    [],
    {},
    {"b": [1, 1.0, True, None], "a": {"ü": "\x00"}},
]


def _reference(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_canonical_text_is_json_dumps_sorted_and_compact() -> None:
    rng = random.Random(5)
    values = [*ODD]
    for document in documents():
        values += [document, *mutations(document, rng)]
    assert len(values) > 1_000
    for value in values:
        assert canonical_text(value) == _reference(value)


def test_too_deep_is_a_recursion_error_as_with_json_dumps() -> None:
    value: Any = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(RecursionError):
        canonical_text(value)
