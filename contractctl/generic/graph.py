"""Reachability in a graph given as adjacency sets."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


def reachable(start: Iterable[Node], edges: Mapping[Node, Iterable[Node]]) -> set[Node]:
    """`start` and every node its edges lead to, directly or not (iterative: import chains run deep)."""
    seen = set(start)
    pending = list(seen)
    while pending:
        for target in edges.get(pending.pop(), ()):
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen
