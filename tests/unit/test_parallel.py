"""Forked workers: results in order, errors surfaced, and the worker count's rules."""

from __future__ import annotations

import os
import sys

import pytest

from contractctl.generic.parallel import WORKERS_ENV, run_indexed, worker_count

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


def test_one_worker_runs_in_this_process() -> None:
    parent = os.getpid()
    assert run_indexed(lambda index: os.getpid(), 5, workers=1) == [parent] * 5


def test_worker_count_rules() -> None:
    assert worker_count(10, worth_from=400, env={}) == 1  # too small to pay for workers
    assert worker_count(10_000, worth_from=400, env={}) >= 1
    assert worker_count(10, worth_from=400, env={WORKERS_ENV: "4"}) == 4  # asked for: honoured
    assert worker_count(10_000, worth_from=400, env={WORKERS_ENV: "1"}) == 1
    assert worker_count(10_000, worth_from=400, env={WORKERS_ENV: "lots"}) == 1
    assert worker_count(10_000, worth_from=400, env={WORKERS_ENV: "0"}) == 1


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
