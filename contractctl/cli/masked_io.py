"""The output writer layer: every character the process prints or writes passes :func:`mask` here.

Whatever its source (a registry's error body, a subject name from GET /subjects, a 200 answer, an
exception, a log record, click's own usage errors), text reaches the user only through stdout and
stderr, which :func:`install` wraps, or through a report file or the GitHub job summary, which
:func:`write_file` writes. So one rule (contractctl.generic.masking) applies to all of it, in every format.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TextIO, cast

from contractctl.errors import UsageError
from contractctl.generic import log_setup
from contractctl.generic.masking import mask


class MaskedStream:
    """A text stream that writes whole lines masked (a secret never straddles two masked pieces);
    an unfinished line goes out, masked, on flush."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner
        self._pending = ""

    def write(self, text: str) -> int:
        data = self._pending + text
        cut = data.rfind("\n") + 1
        self._pending = data[cut:]
        if cut:
            self.inner.write(mask(data[:cut]))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.inner.write(mask(self._pending))
            self._pending = ""
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return self.inner.encoding

    @property
    def errors(self) -> str | None:
        return self.inner.errors

    @property
    def closed(self) -> bool:
        return self.inner.closed


def install() -> None:
    """Route stdout, stderr and the contractctl loggers through the mask, for this process."""
    if not isinstance(sys.stdout, MaskedStream):
        sys.stdout = cast(TextIO, MaskedStream(sys.stdout))
    if not isinstance(sys.stderr, MaskedStream):
        sys.stderr = cast(TextIO, MaskedStream(sys.stderr))


def flush() -> None:
    """Write out what is pending (a last line without a newline) before the process exits."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be written
            stream.flush()


def configure_logging(verbose: bool) -> None:
    """Warnings always, retries and other detail with -v; on (masked) stderr (generic/log_setup.py:
    applied once something logs)."""
    log_setup.configure(verbose)


def write_file(path: Path, text: str, *, append: bool = False, what: str = "cannot write output") -> None:
    """Write a report file (or append to the job summary) masked; an OSError is exit 2."""
    try:
        with open(path, "a" if append else "w", encoding="utf-8") as handle:
            handle.write(mask(text))
    except OSError as error:
        raise UsageError(f"{path}: {what}: {error.strerror}") from None
