"""Where `--output FILE` may write: the overwrite rule, checked before a command does any work.

The rule: `--output` replaces an existing file, but never a file inside the contracts root that is
or could be read as a contract or sidecar (`.avsc`, `.proto`, `.json`, `.contract.yaml`: a report
must not overwrite one, nor become one on the next run; a `.sarif` or `.xml` report may lie there,
as it must in a tree whose root is the repository) and never through a symlink that leads out of
the repository (a link planted in a repository must not make CI overwrite a file elsewhere). `-` is
standard output.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from contractctl.config.project import Config
from contractctl.errors import UsageError
from contractctl.formats import type_for_path
from contractctl.repo.sidecar_paths import SIDECAR_SUFFIX
from contractctl.repo.worktree import is_within

STDOUT = "-"


def output_target(given: Path, config: Config | None) -> Path | None:
    """The file to write the report to, None for standard output; UsageError when the rule forbids it."""
    if str(given) == STDOUT:
        return None
    lexical = Path(os.path.abspath(given))
    resolved = given.resolve()
    top = _repository_top(lexical.parent)
    if top is not None and is_within(lexical, top) and not is_within(resolved, top.resolve()):
        raise UsageError(
            f"--output {given}: a symlink leads it outside the repository (to {resolved}); "
            "refusing to write through it"
        )
    if config is not None:
        root = (config.directory / config.contracts_root).resolve()
        if is_within(resolved, root) and _contract_like(resolved):
            raise UsageError(
                f"--output {given}: inside the contracts root {config.contracts_root}/, named like a "
                "contract or sidecar; a report is never written over contracts nor read as one "
                "(choose a path outside it, or a name without .avsc, .proto, .json or .contract.yaml)"
            )
    return given


def _contract_like(path: Path) -> bool:
    return type_for_path(PurePosixPath(path.as_posix())) is not None or path.name.endswith(SIDECAR_SUFFIX)


def _repository_top(start: Path) -> Path | None:
    """The nearest directory at or above `start` holding `.git` (a worktree has a `.git` file)."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None
