"""How an error message names the kind of a value read from YAML, the same in every settings reader."""

from __future__ import annotations

from typing import Any

_KINDS: dict[type, str] = {
    dict: "a mapping",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
}


def type_name(value: Any) -> str:
    """'a mapping', 'a list', ..., 'nothing' for null, 'an empty string' (a message saying a
    non-empty string was expected, "got a string", read as a contradiction); else the type's name."""
    if value is None:
        return "nothing"
    if value == "":
        return "an empty string"
    return _KINDS.get(type(value), type(value).__name__)
