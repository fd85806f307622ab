"""Forked workers: results in order, errors surfaced, and the worker count's rules."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable

import pytest

from contractctl.generic.parallel import WORKERS_ENV, run_indexed, run_measured, usable_cores, worker_count

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers are forked on Linux only"
)


@linux_only
def test_results_come_back_in_order_from_other_processes() -> None:
    parent = os.getpid()
    results = run_indexed(lambda index: (index * index, os.getpid()), 40, workers=3)
    assert [square for square, _ in results] == [index * index for index in range(40)]
    assert any(pid != parent for _, pid in results)


@linux_only
def test_a_failing_job_fails_the_batch() -> None:
    def job(index: int) -> int:
        if index == 7:
            raise ValueError("job 7 failed")
        return index

    with pytest.raises(ValueError, match="job 7 failed"):
        run_indexed(job, 20, workers=2)


@linux_only
def test_what_the_parent_holds_when_it_forks_is_left_out_of_later_collections() -> None:
    """The objects alive at the fork (a check's whole parsed tree) are frozen: the collector never
    scans them again in this process; a batch run here freezes nothing."""
    held = [{"items": [index]} for index in range(2000)]
    gc.unfreeze()
    try:
        assert run_indexed(lambda index: index, 1, workers=4) == [0]  # one job: no worker
        assert run_indexed(lambda index: index, 6, workers=1) == list(range(6))
        assert gc.get_freeze_count() == 0
        assert run_indexed(lambda index: index + 1, 6, workers=2) == list(range(1, 7))
        assert gc.get_freeze_count() >= 2 * len(held)  # each dict and its list
    finally:
        gc.unfreeze()


def test_one_worker_runs_in_this_process() -> None:
    parent = os.getpid()
    assert run_indexed(lambda index: os.getpid(), 5, workers=1) == [parent] * 5


def test_worker_count_rules() -> None:
    assert worker_count(env={}) is None  # not asked for: the work decides
    assert worker_count(env={WORKERS_ENV: " "}) is None
    assert worker_count(env={WORKERS_ENV: "4"}) == 4  # asked for: honoured
    assert worker_count(env={WORKERS_ENV: "1"}) == 1
    assert worker_count(env={WORKERS_ENV: "lots"}) == 1
    assert worker_count(env={WORKERS_ENV: "0"}) == 1
    assert 1 <= usable_cores() <= 8


class _Clock:
    """A clock that jobs move forward, so a test decides how long each job 'took'."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _timed(clock: _Clock, seconds: float) -> Callable[[int], tuple[int, int]]:
    def job(index: int) -> tuple[int, int]:
        clock.now += seconds
        return index * 3, os.getpid()

    return job


@linux_only
def test_a_batch_whose_pace_says_it_ends_soon_never_starts_a_worker() -> None:
    clock = _Clock()
    # 1,000 jobs of 0.1 ms: 0.1 s in all, less than the start of workers would cost
    results = run_measured(_timed(clock, 0.0001), 1000, workers=4, look_after=0.05, worth=0.3, clock=clock)
    assert [value for value, _ in results] == [index * 3 for index in range(1000)]
    assert {pid for _, pid in results} == {os.getpid()}


@linux_only
def test_a_long_batch_is_spread_once_its_pace_is_known_and_comes_back_in_order() -> None:
    clock = _Clock()
    # 0.02 s a job: after 3 jobs (0.06 s >= 0.05) the 37 left would take 0.74 s >= 0.3
    results = run_measured(_timed(clock, 0.02), 40, workers=2, look_after=0.05, worth=0.3, clock=clock)
    assert [value for value, _ in results] == [index * 3 for index in range(40)]
    pids = [pid for _, pid in results]
    assert pids[:3] == [os.getpid()] * 3  # measured here
    assert os.getpid() not in pids[3:]  # the rest in workers


@linux_only
def test_a_few_long_jobs_are_spread_without_waiting_for_a_count() -> None:
    clock = _Clock()
    results = run_measured(_timed(clock, 0.5), 4, workers=2, look_after=0.05, worth=0.3, clock=clock)
    first, *rest = [pid for _, pid in results]
    assert first == os.getpid()
    assert os.getpid() not in rest


def _sized(clock: _Clock, sizes: list[int]) -> Callable[[int], tuple[int, int]]:
    def job(index: int) -> tuple[int, int]:
        clock.now += 0.002 * sizes[index]
        return index * 3, os.getpid()

    return job


@linux_only
def test_small_jobs_first_do_not_stand_for_the_large_ones_left() -> None:
    """The check hands over its first batch one job at a time, then batches of many: paced per job,
    30 single jobs of 2 ms said the 10 left would take 0.02 s, and the 1,500 checks in them ran in
    one process (the API tree, round 20). Weighed by size, they are spread."""
    sizes = [1] * 30 + [150] * 10
    clock = _Clock()
    results = run_measured(_sized(clock, sizes), 40, 2, look_after=0.05, worth=0.3, clock=clock, sizes=sizes)
    assert [value for value, _ in results] == [index * 3 for index in range(40)]
    assert os.getpid() not in [pid for _, pid in results][-9:]  # the large batches went to the workers
    clock = _Clock()
    paced_per_job = run_measured(_sized(clock, sizes), 40, 2, look_after=0.05, worth=0.3, clock=clock)
    assert {pid for _, pid in paced_per_job} == {os.getpid()}


def test_measured_batches_stay_here_with_one_worker_or_one_job_left() -> None:
    clock = _Clock()
    results = run_measured(_timed(clock, 1.0), 5, workers=1, clock=clock)
    assert {pid for _, pid in results} == {os.getpid()}
    clock = _Clock()
    results = run_measured(_timed(clock, 1.0), 2, workers=4, clock=clock)  # one left: not worth a pool
    assert {pid for _, pid in results} == {os.getpid()}


@linux_only
def test_a_measured_batch_fails_as_one_process_would() -> None:
    clock = _Clock()

    def job(index: int) -> int:
        clock.now += 0.1
        if index == 6:
            raise ValueError("job 6 failed")
        return index

    with pytest.raises(ValueError, match="job 6 failed"):
        run_measured(job, 10, workers=2, clock=clock)


@linux_only
def test_a_worker_that_dies_does_not_hang_or_lose_results() -> None:
    parent = os.getpid()

    def job(index: int) -> int:
        if index == 3 and os.getpid() != parent:
            os._exit(9)  # a worker killed mid-batch (out of memory, a signal)
        return index * 2

    assert run_indexed(job, 12, workers=2) == [index * 2 for index in range(12)]


@linux_only
def test_our_errors_come_back_from_a_worker_whole() -> None:
    from contractctl.errors import GitError
    from contractctl.formats.base import InvalidSchema
    from contractctl.model import Finding, FindingKind
    from contractctl.registry.errors import RegistryError

    finding = Finding(rule="AVRO_BAD_DEFAULT", message="bad default", kind=FindingKind.INVALID, line=3)
    errors: list[Exception] = [
        GitError("git failed", detail="stderr text"),
        RegistryError("aws", "unreachable", status=503),
        InvalidSchema([finding]),
    ]
    parent = os.getpid()
    for error in errors:

        def job(index: int, error: Exception = error) -> int:
            if index == 5 and os.getpid() != parent:
                raise error
            return index

        with pytest.raises(type(error)) as raised:
            run_indexed(job, 10, workers=2)
        assert raised.value.__dict__ == error.__dict__  # detail, registry, findings: all kept
        assert str(raised.value) == str(error)
