"""Pause Python's cyclic garbage collector around work that builds many objects and frees none."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic collector for the block, then restore it as it was.

    A check keeps hundreds of thousands of small acyclic dicts and lists (parsed schemas) alive to
    its end; the collector rescans them again and again and frees nothing: about 40 % of the CPU of
    a whole-history check. Reference counting still frees everything else at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
