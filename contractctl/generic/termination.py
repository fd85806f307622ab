"""SIGTERM unwinds the run as Ctrl-C does, instead of ending the process where it stands.

A cancelled CI job, `timeout` or a supervisor sends SIGTERM. Its default action ends the process at
once: no `finally`, no atexit, so the folders a Protobuf check lays its files out in (in memory,
/dev/shm) stayed behind, and forked workers and side runs, whose parent was gone, went on
checking, holding the output pipes open (whoever read them waited). Raised as `Terminated` in the
main process, the run unwinds: children are stopped, folders removed, and the exit code is 143.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sys import UnraisableHookArgs


class Terminated(BaseException):
    """SIGTERM in the main process (a BaseException, like KeyboardInterrupt: nothing that handles
    errors may take it for one)."""


_main_pid: int | None = None
_requested = False  # SIGTERM arrived in the main process
_scratch: dict[str, int] = {}  # folder -> the process that made it and removes it when done


@contextmanager
def scratch_folder(prefix: str, directory: str | None) -> Iterator[str]:
    """A new folder for the block, removed after it, and by a forked worker that SIGTERM stops:
    made and registered with SIGTERM held, so that none lands between the two (a worker stopped
    there left an empty `contractctl-proto-*` folder in /dev/shm)."""
    import shutil
    import tempfile

    with sigterm_held():
        folder = tempfile.mkdtemp(prefix=prefix, dir=directory)
        _scratch[folder] = os.getpid()
    try:
        yield folder
    finally:
        _scratch.pop(folder, None)
        shutil.rmtree(folder, ignore_errors=True)


def unwind_on_sigterm() -> None:
    """From now on, SIGTERM raises `Terminated` in this process; a process forked from it (a worker,
    a side run) still ends at once, as SIGTERM's default does."""
    global _main_pid
    _main_pid = os.getpid()
    signal.signal(signal.SIGTERM, _on_sigterm)
    import atexit

    atexit.register(_exit_143_if_requested)  # registered first, so it runs after every other
    sys.unraisablehook = _quiet_about_terminated(sys.unraisablehook)


def _quiet_about_terminated(
    previous: Callable[[UnraisableHookArgs], object],
) -> Callable[[UnraisableHookArgs], object]:
    """Python's report of an exception it ignored, except `Terminated`: `requested()` carries that
    one to the exit (143, "terminated"); its "Exception ignored ... Traceback" would only alarm."""

    def hook(unraisable: UnraisableHookArgs) -> object:
        if unraisable.exc_type is Terminated:
            return None
        return previous(unraisable)

    return hook


@contextmanager
def sigterm_held() -> Iterator[None]:
    """SIGTERM waits until the block is over, then lands. For a fork: its handler would otherwise
    run inside the fork's own callbacks (logging releases its lock in the parent after each fork),
    where Python ignores the `Terminated` it raises, and the run went on to its end. For a folder
    made and handed to its cleanup: nothing lands between the two. A child forked here starts with
    SIGTERM held too: its first act, `end_with_parent`, lets it through."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a SIGTERM held meanwhile lands now


def _exit_143_if_requested() -> None:
    """The last exit handler of the main process: a SIGTERM whose `Terminated` was swallowed after
    the run chose its exit code (a fork or shutdown callback) still ends the run with 143."""
    if _requested and os.getpid() == _main_pid:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(143)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    if os.getpid() != _main_pid:  # a forked child: its folders removed, it ends as SIGTERM's default
        import shutil

        for folder, owner in list(_scratch.items()):
            if owner == os.getpid():
                shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    global _requested
    _requested = True
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not interrupt the unwinding
    raise Terminated()


def requested() -> bool:
    """Whether SIGTERM arrived in this process. Its `Terminated` can be raised where Python ignores
    exceptions (a fork callback: logging releases its lock after each fork; a finalizer), and the run
    then went on and exited 0, a pass for a run that was stopped: the exit must still be 143."""
    return _requested


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def end_with_parent(parent: int) -> None:
    """A forked child's first act: Linux ends it (SIGTERM) when the process that forked it ends,
    however that ends (SIGKILL, out of memory). A pool worker otherwise waits on its job queue
    forever: it holds the queue's write end too, so the parent's end never reads as closed."""
    import ctypes

    if hasattr(signal, "pthread_sigmask"):  # forked inside `sigterm_held()`: SIGTERM was held
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # no prctl (another libc): the parent still stops its children
        return
    if os.getppid() != parent:  # the parent ended before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


def leave_now(code: int) -> None:
    """An interrupted run (Ctrl-C, SIGTERM) ends now, not once the threads still waiting on the
    network (a slow registry's requests, up to their deadline: a minute) are done, which a normal
    exit joins. The exit's cleanups run first (scratch folders, side runs). Nothing to wait for:
    returns, and the run exits as usual."""
    main = threading.main_thread()
    if not any(t.is_alive() and not t.daemon and t is not main for t in threading.enumerate()):
        return
    import atexit

    sys.stdout.flush()
    sys.stderr.flush()
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_functions is not None:
        run_exit_functions()
    os._exit(code)
