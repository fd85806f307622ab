"""SIGTERM whose `Terminated` Python swallowed still ends the run with 143 (round 16).

The handler raises `Terminated` wherever the main thread is. Where Python ignores exceptions (a
finalizer; a fork callback: logging releases its lock in the parent after every fork, and the suite
saw SIGTERM land there once), it printed "Exception ignored" and the run went on to exit 0: a pass
for a stopped run.
"""

from __future__ import annotations

import os
import signal
import sys

import pytest

from contractctl.cli import main as cli_main
from contractctl.generic import termination


class _SigtermOnFinalize:
    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(10_000):  # the handler runs here, inside the finalizer, which ignores it
            pass


def test_a_sigterm_raised_where_python_ignores_exceptions_still_exits_143(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def command(**_: object) -> int:
        _SigtermOnFinalize()  # made and finalized at once
        return 0

    ignored: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda raised: ignored.append(raised.exc_type))
    monkeypatch.setattr(cli_main.cli, "main", command)
    monkeypatch.setattr(termination, "_requested", False)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        termination.unwind_on_sigterm()
        with pytest.raises(SystemExit) as ended:
            cli_main._run(["check"], verbose=False)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert ignored == [termination.Terminated]  # Python did swallow it
    assert ended.value.code == 143
    assert "terminated" in capsys.readouterr().err
