"""Maximum-cardinality bipartite matching (Kuhn's augmenting paths): Confluent pairs the branches of
two combined schemas this way (utils/MaximumCardinalityMatch.java); branch lists are short."""

from __future__ import annotations

from collections.abc import Sequence


def maximum_matching(left_size: int, edges: Sequence[Sequence[int]]) -> dict[int, int]:
    """edges[i]: the right vertices left vertex i may pair with. Returns {left: right}."""
    owner: dict[int, int] = {}

    def augment(left: int, visited: set[int]) -> bool:
        for right in edges[left]:
            if right in visited:
                continue
            visited.add(right)
            if right not in owner or augment(owner[right], visited):
                owner[right] = left
                return True
        return False

    for left in range(left_size):
        augment(left, set())
    return {left: right for right, left in owner.items()}
