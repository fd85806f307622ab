"""orjson as a fast path must give exactly the standard library's answers (values and errors)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from contractctl.formats.avro.fastjson import canonical, strict_loads

TRICKY = [
    '{"a": 1, "a": 2}',  # duplicate keys: the last wins
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",  # beyond 64 bits: orjson would make it a float
    '{"default": 123456789012345678901234567890}',
    "0.30000000000000004",
    "2.2250738585072011e-308",
    "1e400",  # json: inf (allowed by the float parser); orjson refuses
    "-1e-400",
    '"\\ud800"',  # a lone surrogate
    '{"\\u00e9": "\\u00e9", "é": 1}',
    '{"a": "\\/\\b\\f\\n\\r\\t"}',
    "-0.0",
    "[1.0, 1, true, null]",
    '{"type": "record", "name": "R", "fields": []}',
]
INVALID = ["NaN", '{"a": Infinity}', "-Infinity", "[1,]", "{'a': 1}", "01", "1.", '{"a":"\x01"}']
INVALID += ["\ufeff{}", ""]


def _reference(text: str) -> Any:
    def reject(name: str) -> Any:
        raise ValueError(name)

    return json.loads(text, parse_constant=reject)


@pytest.mark.parametrize("text", TRICKY)
def test_values_are_the_standard_librarys(text: str) -> None:
    value = strict_loads(text)
    expected = _reference(text)
    assert repr(value) == repr(expected)  # repr: 1 and 1.0 and True must not be confused
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", INVALID)
def test_errors_are_the_standard_librarys(text: str) -> None:
    with pytest.raises(ValueError):
        _reference(text)
    with pytest.raises(ValueError):
        strict_loads(text)


def test_canonical_ignores_key_order_and_spacing_but_not_values() -> None:
    rng = random.Random(7)
    for _ in range(300):
        document = {f"k{n}": rng.choice([1, 1.0, True, None, "1", [1], {"x": 1}]) for n in range(6)}
        items = list(document.items())
        rng.shuffle(items)
        shuffled = json.dumps(dict(items), indent=rng.choice([None, 2]))
        assert canonical(strict_loads(shuffled)) == canonical(document)
    assert canonical({"a": 1}) != canonical({"a": 1.0}) != canonical({"a": True})
    assert canonical({"a": 2**70}) != canonical({"a": 2**70 + 1})  # beyond 64 bits: still exact
