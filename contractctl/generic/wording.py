"""Lists inside sentences ("A, B or C"), so that a message built from a registry reads as if written."""

from __future__ import annotations

from collections.abc import Iterable


def listing(words: Iterable[str], conjunction: str = "and") -> str:
    """ "A", "A and B", "A, B and C" (with `conjunction` "or": "A, B or C")."""
    items = list(words)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
