"""The "contractctl" logger's setup (warnings always, retries and other detail with -v, on stderr),
applied once logging is in use: only the registry's transport logs, so a command that never reaches
a registry (a pre-commit check) does not import logging, which with the modules it pulls in (traceback,
string, textwrap) and their patterns cost every run 3-4 ms of start-up."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

_verbose: bool | None = None  # None: no command configured it (a library caller)


def configure(verbose: bool) -> None:
    """Set the level for this run: now if logging is in use, else when a module first asks for a
    logger (`logger`)."""
    global _verbose
    _verbose = verbose
    if "logging" in sys.modules:
        _apply(verbose)


def logger(name: str) -> logging.Logger:
    """`logging.getLogger(name)`, the setup applied first when a command configured one."""
    import logging

    if _verbose is not None:
        _apply(_verbose)
    return logging.getLogger(name)


def _apply(verbose: bool) -> None:
    import logging

    root = logging.getLogger("contractctl")
    if not root.handlers:
        handler = logging.StreamHandler()  # sys.stderr as masked_io.install() left it: masked
        handler.setFormatter(logging.Formatter("contractctl: %(message)s"))
        root.addHandler(handler)
        root.propagate = False
    root.setLevel(logging.INFO if verbose else logging.WARNING)
