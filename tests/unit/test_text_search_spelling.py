"""The pre-commit scan of cached outlines keeps every entry that spells a wanted name (exactly those
for a few names; for many, every entry, whose decoded names then decide), and the scan's candidates
are those a plain reading of every outline finds."""

from __future__ import annotations

import random

from contractctl.formats.base import Outline
from contractctl.repo.outline_cache import encode
from contractctl.repo.text_search import _ALTERNATIVES, OutlineSearch, _spelling_test


def test_the_spelling_test_is_a_substring_test_of_any_name() -> None:
    rng = random.Random(8)
    alphabet = "ab.c*+?()[]|\\^$/_\x1f"
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(40)]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(300)]
    for size in (0, 1, 2, 5, _ALTERNATIVES):
        for _ in range(20):
            wanted = frozenset(rng.sample(names, size))
            spells = _spelling_test(wanted)
            for text in texts:
                assert bool(spells(text)) == any(name in text for name in wanted), (wanted, text)
    many = _spelling_test(frozenset(names[: _ALTERNATIVES + 1]))
    assert all(many(text) for text in texts)  # kept: the decoded names decide


def test_regular_expression_characters_are_literal() -> None:
    spells = _spelling_test(frozenset({"com.acme.A", "x+y"}))
    assert spells("com.acme.A\x1fz")
    assert not spells("comXacmeXA")  # "." is a dot, not any character
    assert not spells("xxy")


def test_candidates_are_what_every_outline_says_for_few_names_and_many() -> None:
    """Paths whose outline defines a wanted name, or (unless only definitions are asked for) uses
    one, from cached entries and fresh outlines alike, whatever the number of names."""
    rng = random.Random(3)
    names = [f"com.acme.T{i}" for i in range(200)]
    outlines = {
        f"contracts/c{i}.avsc": Outline(tuple(rng.sample(names, 2)), tuple(rng.sample(names, 3)), None, None)
        for i in range(300)
    }
    paths = sorted(outlines)
    cached = [(p, entry) for p in paths[:200] if (entry := encode(outlines[p])) is not None]
    assert len(cached) == 200
    fresh = [(p, outlines[p]) for p in paths[200:]]
    for size in (1, 3, _ALTERNATIVES, _ALTERNATIVES + 1, 150):
        for defining in (False, True):
            wanted = set(rng.sample(names, size))
            search = OutlineSearch("contracts", cached, fresh)
            found, _ = search.candidates(wanted, defining)
            expected = {
                p
                for p, o in outlines.items()
                if not wanted.isdisjoint(o.defined_names)
                or (not defining and not wanted.isdisjoint(o.referenced_names))
            }
            assert found == expected, (size, defining)
