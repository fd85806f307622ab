"""The pre-commit scan of cached outlines keeps exactly the entries that spell a wanted name."""

from __future__ import annotations

import random

from contractctl.repo.text_search import _spelling_test


def test_the_spelling_test_is_a_substring_test_of_any_name() -> None:
    rng = random.Random(8)
    alphabet = "ab.c*+?()[]|\\^$/_\x1f"
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(40)]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(300)]
    for size in (0, 1, 2, 5):
        for _ in range(20):
            wanted = frozenset(rng.sample(names, size))
            spells = _spelling_test(wanted)
            for text in texts:
                assert bool(spells(text)) == any(name in text for name in wanted), (wanted, text)


def test_regular_expression_characters_are_literal() -> None:
    spells = _spelling_test(frozenset({"com.acme.A", "x+y"}))
    assert spells("com.acme.A\x1fz")
    assert not spells("comXacmeXA")  # "." is a dot, not any character
    assert not spells("xxy")
