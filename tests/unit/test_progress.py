"""The spinner shows only on a terminal, never in CI or when output is piped."""

from __future__ import annotations

import io
import sys

import pytest

from contractctl.cli import progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_spinner_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not progress.wanted()
    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    assert progress.wanted()
    monkeypatch.setenv("NO_COLOR", "")  # empty counts as unset (no-color.org)
    assert progress.wanted()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not progress.wanted()
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted()


def test_progress_without_terminal_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    with progress.progress("publishing"):
        pass
    assert stream.getvalue() == ""
