"""The read-ahead thread of a check: its answer, or its error, reaches the thread that asks."""

from __future__ import annotations

import threading

import pytest

from contractctl.errors import GitError
from contractctl.generic.parallel import Background


def test_result_is_computed_on_another_thread_and_waited_for() -> None:
    started = threading.Event()
    release = threading.Event()
    seen: list[str] = []

    def work() -> int:
        started.set()
        seen.append(threading.current_thread().name)
        release.wait(5)
        return 42

    pending = Background(work)
    assert started.wait(5)  # running before anyone asks
    release.set()
    assert pending.result() == 42
    assert seen == ["contractctl-read-ahead"]


def test_an_error_is_raised_where_the_result_is_asked_for() -> None:
    def fail() -> None:
        raise GitError("git log failed: bad object")

    pending = Background(fail)
    with pytest.raises(GitError, match="bad object"):
        pending.result()
