"""Strict JSON (no NaN/Infinity, no comments) read at orjson's speed with exactly the standard
library's answers, and an identity text of a document for telling versions apart.

A whole-history check reads and fingerprints tens of thousands of texts; `json` spends ~16 us
loading a small schema and ~19 us on a sorted dump, orjson a fraction of that. orjson decides only
where it answers as `json.loads` does:

* integers beyond 64 bits become floats in orjson: a text with a run of 19 or more digits goes to
  `json` (every 18-digit integer fits in 64 bits);
* NaN/Infinity, out-of-range floats such as 1e400 and lone surrogates are errors in orjson: any
  orjson error hands the text to `json`, which gives today's answer (value or error);
* duplicate keys keep the last value in both.

(A format whose parser also takes comments reads them with its own reader.)
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_DIGITS_AS_NINES = str.maketrans("0123456789", "9999999999")
_NINETEEN_DIGITS = "9" * 19


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def strict_loads(text: str) -> tuple[Any, bool]:
    """(value, whether orjson read it) for `json.loads(text)` without NaN and Infinity; raises
    ValueError or RecursionError as that call does. Only orjson's values are all 64-bit integers
    and finite floats (what `identity_text` needs to know)."""
    if _NINETEEN_DIGITS not in text.translate(_DIGITS_AS_NINES):  # a C-speed scan for long numbers
        try:
            return orjson.loads(text), True
        except orjson.JSONDecodeError:
            pass  # the standard library decides
    return _STRICT_DECODER.decode(text), False


def identity_text(value: Any, by_orjson: bool) -> str:
    """A text equal for equal documents (keys sorted) and different for different ones, within one
    run: orjson's sorted dump for a value it read, else `json`'s (prefixed, so never the same text
    as orjson's for another document; orjson would write an infinity as null)."""
    if by_orjson:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return "json:" + json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
