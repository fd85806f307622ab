"""Work done side by side: jobs on every core, and reads that wait on git while the CPU is busy.

A repository-wide check is CPU-bound pure Python, one GIL per process. Workers are forked (Linux
only), so they start with everything the parent has already read and parsed and a job is just its
index; results come back pickled, in order. Anywhere fork is not the safe default (macOS, Windows),
or for batches where starting workers costs more than it saves, the jobs run in this process.
Whether a batch is worth workers is measured, not guessed from its size (`run_measured`): jobs
start here, and the rest go to workers only once the pace so far says they would take long.
A `Background` call runs on a thread instead: for work that mostly waits on a subprocess.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

from contractctl.generic.termination import end_with_parent, sigterm_held

T = TypeVar("T")

WORKERS_ENV = "CONTRACTCTL_WORKERS"
_MAX_WORKERS = 8
_job: Callable[[int], Any] | None = None  # set in the parent just before forking
# Starting workers (importing multiprocessing, forking a process that holds the parsed tree,
# sending every result back pickled) costs a few tens of milliseconds, more under load. Jobs run
# here for LOOK_AFTER seconds before their pace is judged, and go to workers only when what is
# left would take WORTH_SPREADING seconds more in this process: enough to pay for the start even
# when only one more core is free.
LOOK_AFTER = 0.05
WORTH_SPREADING = 0.3


def worker_count(env: Mapping[str, str] | None = None) -> int | None:
    """The worker count CONTRACTCTL_WORKERS asks for (1 turns workers off; any count is honoured,
    for any batch), or None when it is not set: then the work decides (`run_measured`)."""
    value = (env if env is not None else os.environ).get(WORKERS_ENV, "").strip()
    if not value:
        return None
    try:
        return max(1, int(value))
    except ValueError:
        return 1  # not a number: the safe choice is no workers, not an error mid-check


def usable_cores() -> int:
    """Every core this process may use (at most _MAX_WORKERS)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_WORKERS))


def run_measured(
    job: Callable[[int], T],
    count: int,
    workers: int,
    look_after: float = LOOK_AFTER,
    worth: float = WORTH_SPREADING,
    clock: Callable[[], float] = time.perf_counter,
    sizes: Sequence[int] | None = None,
) -> list[T]:
    """[job(0), ..., job(count - 1)], run in this process until the jobs done so far have taken
    `look_after` seconds and, at their pace, the ones left would take `worth` seconds more: those
    are then spread over `workers` processes (`run_indexed`). A batch that ends sooner never
    starts a worker, whatever its size; a few long jobs are spread as soon as that shows.
    `sizes`: how much work each job is (a batch of checks: its length), so that the pace of a few
    small jobs first does not stand for the large ones left (it kept the API tree's check in one
    process: 154 single checks first, then batches of 154).
    """
    results: list[T] = []
    started = clock()
    weight = list(sizes) if sizes is not None else [1] * count
    total, finished = sum(weight), 0
    for index in range(count):
        results.append(job(index))
        finished += weight[index]
        done, left = index + 1, count - index - 1
        if workers > 1 and left > 1:
            spent = clock() - started
            if spent >= look_after and spent / max(finished, 1) * (total - finished) >= worth:
                return results + run_indexed(_shifted(job, done), left, workers)
    return results


def _run(index: int) -> Any:
    assert _job is not None
    return _job(index)


def _shifted(job: Callable[[int], T], by: int) -> Callable[[int], T]:
    """`job` for the indexes from `by` on, numbered from 0."""
    return lambda index: job(by + index)


def run_indexed(job: Callable[[int], T], count: int, workers: int) -> list[T]:
    """[job(0), ..., job(count - 1)], spread over `workers` forked processes when that is possible.

    A job's exception reaches the caller as it would in one process. A worker that dies (killed, out
    of memory) or a result that cannot travel back breaks the pool: then every job runs again here,
    so the outcome is the same, only slower, and never a hang.
    """
    global _job
    if workers <= 1 or count < 2 or not sys.platform.startswith("linux"):
        return [job(index) for index in range(count)]
    import multiprocessing  # not on the pre-commit path: a one-file check never gets here
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _job = job
    # Everything this process holds now (the parsed tree, the history) lives to the end of the
    # run, and a check pauses the cyclic collector while it builds it; once the collector runs
    # again, its next collections and the one at exit would scan all of it for nothing (on
    # avro-realistic 500: 0.2 s of a 1.5 s check). Frozen before the fork, as Python's gc
    # documentation advises for forked workers, it stays out of every later scan here; refcounting
    # still frees it.
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            min(workers, count), mp_context=context, initializer=end_with_parent, initargs=(os.getpid(),)
        ) as pool:
            # small chunks: jobs differ in cost (history length), so balance them as they finish
            chunk = max(1, count // (workers * 16))
            with sigterm_held():  # the workers are forked as the jobs are handed over
                results = pool.map(_run, range(count), chunksize=chunk)
            # on Ctrl-C or SIGTERM (termination.py) the jobs not started are cancelled, and the
            # pool's exit waits only for the chunks under way
            return list(results)
    except BrokenProcessPool:
        return [job(index) for index in range(count)]
    finally:
        _job = None


class Background(Generic[T]):
    """A call that runs on a thread from now on; `result()` waits for it and raises what it raised.

    For work that mostly waits on a subprocess (git), so the thread holds the GIL only to parse its
    output. Take the result before forking workers: fork keeps only the forking thread.
    """

    def __init__(self, call: Callable[[], T]) -> None:
        self._outcome: tuple[bool, Any] = (False, None)
        self._thread = threading.Thread(
            target=self._run, args=(call,), name="contractctl-read-ahead", daemon=True
        )
        self._thread.start()

    def _run(self, call: Callable[[], T]) -> None:
        try:
            self._outcome = (True, call())
        except BaseException as error:  # handed to the thread that asks for the result
            self._outcome = (False, error)

    def result(self) -> T:
        self._thread.join()
        done, value = self._outcome
        if not done:
            raise value
        return cast(T, value)
