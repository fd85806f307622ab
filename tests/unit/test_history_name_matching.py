"""The name matching a content-named history uses to skip contents (round 16): exact against its
definition, whatever the template, the wanted subjects and the candidates.

`SubjectCompletions.any_of` must answer what testing every candidate full name in the template
answers.
"""

from __future__ import annotations

import random

import pytest

from contractctl.formats.base import NameCandidates
from contractctl.repo.references import SubjectCompletions

PARTS = ("a", "b", "Order", "order", "v1", "x_y", "é", "Ω")
SEPARATORS = (".", "-", "/", "$")
TEMPLATES = ("\0", "\0-value", "topic-\0", "com.acme.\0", "\0\0", "no-place")


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(PARTS) for _ in range(rng.randint(1, 2)))


def _scope(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return ""
    return "".join(_name(rng) + rng.choice(SEPARATORS) for _ in range(rng.randint(1, 3)))


def _case(rng: random.Random) -> tuple[str, set[str], NameCandidates]:
    template = rng.choice(TEMPLATES)
    candidates = NameCandidates(
        tuple(sorted({_scope(rng) for _ in range(rng.randint(1, 3))})),
        tuple(sorted({_name(rng) for _ in range(rng.randint(1, 4))})),
    )
    wanted: set[str] = set()
    for _ in range(rng.randint(1, 20)):
        if rng.random() < 0.4:  # one that a candidate completes
            full = rng.choice(candidates.scopes) + rng.choice(candidates.names)
        else:
            full = _scope(rng) + _name(rng)
        wanted.add(template.replace("\0", full) if rng.random() < 0.9 else full)
    return template, wanted, candidates


def _by_definition(template: str, wanted: set[str], candidates: NameCandidates) -> bool:
    return any(template.replace("\0", name) in wanted for name in candidates.full_names())


@pytest.mark.parametrize("seed", range(6))
def test_completions_answer_as_every_full_name_tested_in_turn(seed: int) -> None:
    rng = random.Random(seed)
    matched = 0
    for _ in range(400):
        template, wanted, candidates = _case(rng)
        completions = SubjectCompletions.of(template, wanted)
        expected = _by_definition(template, wanted, candidates)
        if completions is None:  # not exactly one place for the name: asked name by name
            assert template.count("\0") != 1
            continue
        assert completions.any_of(candidates) is expected, (template, sorted(wanted), candidates)
        matched += expected
    assert matched > 50  # the cases include matches, not only misses
