"""How a large check hands its jobs to worker processes: every job once, subjects that reference each
other in one batch (but the first, run one job at a time), no batch above its size."""

from __future__ import annotations

import random
from typing import Any, cast

from contractctl.commands.check import _neighbourhoods
from contractctl.formats.base import InvalidSchema


class _References:
    """The one thing `_neighbourhoods` asks a resolver: each subject's references."""

    def __init__(self, references: dict[str, list[str]]) -> None:
        self.references = references

    def references_of(self, subject: str) -> list[str]:
        if subject.startswith("invalid"):
            raise InvalidSchema([])
        return self.references.get(subject, [])


def _chains(chains: int, depth: int, shared: int) -> tuple[list[str], dict[str, list[str]]]:
    """Import chains (each file references the one before it) in shuffled report order, every file
    also referencing one of a few shared files; a few unreadable contracts among them."""
    references: dict[str, list[str]] = {}
    for chain in range(chains):
        for link in range(depth):
            below = [f"c{chain}-{link - 1}"] if link else []
            references[f"c{chain}-{link}"] = [*below, f"shared{(chain + link) % shared}"]
    subjects = [*references, *(f"shared{i}" for i in range(shared)), "invalid0", "invalid1"]
    random.Random(7).shuffle(subjects)
    return subjects, references


def _batches(subjects: list[str], references: dict[str, list[str]], cores: int = 2) -> list[list[int]]:
    return _neighbourhoods(cast(Any, _References(references)), subjects, cores)


def test_every_job_once_and_each_chain_in_one_batch() -> None:
    subjects, references = _chains(chains=40, depth=20, shared=5)
    batches = _batches(subjects, references)
    assert sorted(i for batch in batches for i in batch) == list(range(len(subjects)))
    size = len(subjects) // (2 * 16)
    assert all(len(batch) <= size for batch in batches)
    batch_of = {subjects[i]: n for n, batch in enumerate(batches) for i in batch}
    # the first batch goes one job at a time (this process runs them before workers start)
    leading = next(n for n, batch in enumerate(batches) if len(batch) > 1)
    for chain in range(40):
        found = {batch_of[f"c{chain}-{link}"] for link in range(20)}
        assert len(found) == 1 or max(found) < leading, chain


def test_a_neighbourhood_larger_than_a_batch_is_cut_into_full_batches() -> None:
    subjects, references = _chains(chains=1, depth=400, shared=3)
    batches = _batches(subjects, references)
    size = len(subjects) // (2 * 16)
    assert sorted(i for batch in batches for i in batch) == list(range(len(subjects)))
    assert all(len(batch) <= size for batch in batches)
    # the chain's pieces, the shared files, the invalid ones, the first batch's jobs one by one
    assert len(batches) <= len(subjects) // size + 4 + size


def test_a_small_check_gets_one_job_per_batch_without_reading_references() -> None:
    subjects = [f"s{i}" for i in range(40)]

    class Refusing:
        def references_of(self, subject: str) -> list[str]:
            raise AssertionError("a small check needs no references")

    assert _neighbourhoods(cast(Any, Refusing()), subjects, 2) == [[i] for i in range(40)]
