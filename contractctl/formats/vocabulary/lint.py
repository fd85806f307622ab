"""What a format's lint rules use besides the Emitter they report through: name cases."""

from __future__ import annotations

import re

_CASE_PATTERNS = {
    "snake_case": re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"),
    "camelCase": re.compile(r"[a-z][a-zA-Z0-9]*"),
    "PascalCase": re.compile(r"[A-Z][a-zA-Z0-9]*"),
    "UPPER_SNAKE_CASE": re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*"),
}
_WORDS = re.compile(r"[A-Z]+(?![a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]+")


def follows_case(name: str, case: str) -> bool:
    return case == "any" or _CASE_PATTERNS[case].fullmatch(name) is not None


def to_case(name: str, case: str) -> str:
    """`name` rewritten in `case`, for hints ("orderID" -> "order_id"); digits stay with their word."""
    words = _WORDS.findall(name) or [name]
    if case == "snake_case":
        return "_".join(w.lower() for w in words)
    if case == "UPPER_SNAKE_CASE":
        return "_".join(w.upper() for w in words)
    pascal = "".join(w[:1].upper() + w[1:].lower() for w in words)
    if case == "camelCase":
        return pascal[:1].lower() + pascal[1:]
    return pascal if case == "PascalCase" else name
