"""Run independent registry calls concurrently, keeping their order and their failures.

A gate must report every registry that failed, not the first exception, so failures come back in
place as values. Each client still caps its own in-flight requests (``max_concurrency``), so a wide
fan-out over many subjects cannot flood one registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from contractctl.registry.errors import RegistryError

T = TypeVar("T")
R = TypeVar("R")


def fan_out(tasks: Iterable[Callable[[], T]], max_workers: int) -> list[T | BaseException]:
    """Results in task order; a task's ``Exception`` takes its result's place.

    ``KeyboardInterrupt``/``SystemExit`` from a task are re-raised: they are not results.
    """
    return _pooled(tasks, max_workers, gather)


def _pooled(
    tasks: Iterable[Callable[[], T]], max_workers: int, collect: Callable[[list[Future[T]]], list[R]]
) -> list[R]:
    """The tasks on a pool of their own, their futures handed to `collect`; the pool shut down as
    `close_pool` says, whether `collect` returns or raises."""
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    todo = list(tasks)
    if not todo:
        return []
    pool = ThreadPoolExecutor(max_workers=min(max_workers, len(todo)), thread_name_prefix="registry")
    try:
        results = collect([pool.submit(task) for task in todo])
    except BaseException as error:
        close_pool(pool, error)
        raise
    close_pool(pool, None)
    return results


def close_pool(pool: ThreadPoolExecutor, error: BaseException | None) -> None:
    """Shut a pool of registry calls down: the calls under way are waited for, unless the run was
    interrupted (Ctrl-C, SIGTERM): a slow registry holds each up to its deadline, a minute, and the
    exit then does not wait for them either (termination.leave_now)."""
    interrupted = error is not None and not isinstance(error, Exception)
    pool.shutdown(wait=not interrupted, cancel_futures=True)


def fan_out_all(tasks: Iterable[Callable[[], T]], max_workers: int) -> list[T]:
    """Results in task order, or the first failure (in task order) raised: for calls that answer one
    question together, such as one registry's subjects (its caller reports the registry as failed).

    The calls not yet started when that failure is seen are cancelled: each would retry on its own
    against a registry that is down (a publish over 500 subjects took 120 s to say "unreachable")."""
    return _pooled(tasks, max_workers, _until_a_failure)


def _until_a_failure(futures: list[Future[T]]) -> list[T]:
    try:
        return [future.result() for future in futures]
    except BaseException:
        for future in futures:
            future.cancel()
        raise


def settled(outcomes: Iterable[T | BaseException]) -> list[T | RegistryError]:
    """A registry's failure stays in its task's place, as a result to report; any other exception is a
    bug or an interrupt and is re-raised."""
    return [outcome if isinstance(outcome, RegistryError) else _unwrap(outcome) for outcome in outcomes]


def _unwrap(outcome: T | BaseException) -> T:
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def gather(futures: Sequence[Future[T]]) -> list[T | BaseException]:
    """The futures' outcomes in order, as `fan_out` gives them (an ``Exception`` in its result's place;
    anything else, such as ``KeyboardInterrupt``, cancels the rest and is re-raised)."""
    results: list[T | BaseException] = []
    for future in futures:
        error = future.exception()
        if error is None:
            results.append(future.result())
        elif isinstance(error, Exception):
            results.append(error)
        else:
            for other in futures:
                other.cancel()
            raise error
    return results
