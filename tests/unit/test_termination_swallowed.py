"""SIGTERM whose `Terminated` Python swallowed still ends the run with 143 (round 16).

The handler raises `Terminated` wherever the main thread is. Where Python ignores exceptions (a
finalizer; a fork callback: logging releases its lock in the parent after every fork, and the suite
saw SIGTERM land there once), it printed "Exception ignored" and the run went on to exit 0: a pass
for a stopped run. Round 17: forks now hold SIGTERM until they are done, and a swallowed one is
said ("terminated") however the command ended.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from contractctl.cli import main as cli_main
from contractctl.generic import termination


def _sigterm_this_thread() -> None:
    """SIGTERM to this thread, which the test runs on: a process-directed one may be taken by any
    thread that does not hold it, and a test runner has others (pytest-xdist's execnet threads took
    one held here, and the hold looked broken). The CLI forks, and holds SIGTERM, only once its own
    threads are done."""
    signal.pthread_kill(threading.get_ident(), signal.SIGTERM)


class _SigtermOnFinalize:
    def __del__(self) -> None:
        _sigterm_this_thread()
        for _ in range(10_000):  # the handler runs here, inside the finalizer, which ignores it
            pass


@pytest.fixture
def sigterm_unwinds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[type[BaseException]]]:
    """`unwind_on_sigterm` as `main` calls it, over a hook that records what Python would report as
    ignored (what reaches stderr as "Exception ignored ... Traceback"); all put back afterwards."""
    reported: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda raised: reported.append(raised.exc_type))
    monkeypatch.setattr(termination, "_requested", False)
    monkeypatch.setattr(cli_main, "_said_terminated", False)
    previous = signal.getsignal(signal.SIGTERM)
    termination.unwind_on_sigterm()
    try:
        yield reported
    finally:
        signal.signal(signal.SIGTERM, previous)


def _ending(how: str) -> Callable[..., int]:
    def command(**_: object) -> int:
        _SigtermOnFinalize()  # made and finalized at once
        if how == "sys.exit":  # as every command ends: sys.exit(emit(report, output))
            sys.exit(0)
        return 0

    return command


@pytest.mark.parametrize("how", ["return", "sys.exit"])
def test_a_sigterm_raised_where_python_ignores_exceptions_still_exits_143(
    how: str,
    sigterm_unwinds: list[type[BaseException]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Round 17's CI: the check command ends by sys.exit(0), which went past `_run`'s look at the
    flag; `main` then exited 143 without saying why, after Python's "Exception ignored" traceback."""
    monkeypatch.setattr(cli_main.cli, "main", _ending(how))
    with pytest.raises(SystemExit) as ended:
        cli_main._run(["check"], verbose=False)
    assert ended.value.code == 143
    err = capsys.readouterr().err
    assert err.count("terminated") == 1
    assert sigterm_unwinds == []  # swallowed, and not reported as an ignored exception


def test_other_exceptions_python_ignores_are_still_reported(
    sigterm_unwinds: list[type[BaseException]],
) -> None:
    class Finalizer:
        def __del__(self) -> None:
            raise ValueError("from a finalizer")

    Finalizer()
    assert sigterm_unwinds == [ValueError]


def test_sigterm_waits_while_a_fork_is_under_way_and_lands_after_it(sigterm_unwinds: object) -> None:
    """In the parent, fork's callbacks run Python code (logging's lock release) where a raised
    `Terminated` is ignored: SIGTERM held for the fork lands after it, in the run's own code."""
    landed_inside = False
    with pytest.raises(termination.Terminated), termination.sigterm_held():
        _sigterm_this_thread()
        for _ in range(10_000):  # a handler let through would run here
            pass
        landed_inside = True
    assert landed_inside
    assert termination.requested()


def test_a_child_forked_while_sigterm_is_held_can_still_be_terminated(sigterm_unwinds: object) -> None:
    with termination.sigterm_held():
        pid = os.fork()
    if pid == 0:
        try:
            termination.end_with_parent(os.getppid())
            time.sleep(30)
        finally:
            os._exit(7)
    time.sleep(0.1)
    os.kill(pid, signal.SIGTERM)
    started = time.monotonic()
    _, status = os.waitpid(pid, 0)
    assert time.monotonic() - started < 10
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM


@pytest.mark.parametrize("when", ["just made", "in use"])
def test_a_worker_stopped_by_sigterm_leaves_no_scratch_folder(
    sigterm_unwinds: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """A forked worker's folder is removed when SIGTERM stops it, also one that lands the moment the
    folder exists, before it is registered (a folder made apart from its registration stayed behind
    in /dev/shm)."""
    import tempfile

    made = tempfile.mkdtemp

    def mkdtemp_then_sigterm(**arguments: Any) -> str:
        folder = made(**arguments)
        _sigterm_this_thread()
        return folder

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            if when == "just made":
                monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp_then_sigterm)
            with termination.scratch_folder("contractctl-test-", str(tmp_path)):
                os.write(write, b"entered")
                if when == "in use":
                    _sigterm_this_thread()
                time.sleep(30)
        finally:
            os._exit(7)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    # held while the folder was made and registered, a SIGTERM lands as the block begins
    assert os.read(read, 100) == (b"entered" if when == "in use" else b"")
    os.close(read)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
