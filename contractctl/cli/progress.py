"""A spinner on stderr while registries are asked: only on a terminal, never in CI logs or pipes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def wanted() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI") and not os.environ.get("NO_COLOR")


@contextmanager
def progress(message: str) -> Iterator[None]:
    if not wanted():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield
