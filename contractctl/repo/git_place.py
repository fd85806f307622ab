"""Where git's work tree is, against where the project is.

A contract's committed path is relative to the work tree it was committed from. git takes its work
tree from GIT_WORK_TREE (or core.worktree), with GIT_DIR alone from the folder it is started in, and
its repository from GIT_DIR. When these name something other than the repository the project folder
(where contractctl.yaml is) belongs to, every path contractctl asks git about is shifted: the
contracts have no history at their paths, and a breaking change is reported as new, a false pass. Or
the history is another repository's. Neither gives a verdict to trust, so both are refused (exit 3,
the environment), saying what was found and what to do; the one case git itself resolves the same
way for every command (GIT_DIR alone, naming the project's own repository, run from a folder below its
top) is handled by running git at the repository's top.

Asked only when the environment names a location (otherwise git found the repository itself): git is
asked once more without GIT_DIR and GIT_WORK_TREE, from the project folder, where the project's own
repository is. A core.worktree above a repository of its own is found without git: a `.git` between
the project folder and git's top.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from contractctl.errors import GitError
from contractctl.model import one_line

_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE")


def settled_top(start: Path, top: Path, git_dir: Path | None) -> Path:
    """The work tree top to run git in for the project at ``start``, given git's answer with the
    environment as it is (``top``, ``git_dir``); GitError when committed contracts would not be
    found at their committed paths, or their history would be another repository's."""
    here, there = _shown(start), _shown(top)
    given = [name for name in _LOCATION_VARIABLES if os.environ.get(name)]
    if given:
        own = _own_repository(start)
        if own is not None:
            own_top, own_dir = own
            if git_dir is not None and not _same(own_dir, git_dir):
                mine = _shown(own_dir)
                raise GitError(
                    f"GIT_DIR names the repository {_shown(git_dir)}, but {here} belongs to the repository "
                    f"{mine}: the contracts' history would be read from another repository; unset GIT_DIR "
                    f"(and GIT_WORK_TREE), or point it at {mine}"
                )
            if not _same(own_top, top):
                if "GIT_WORK_TREE" in given:
                    mine = _shown(own_top)
                    raise GitError(
                        f"GIT_WORK_TREE makes git's work tree {there}, but the work tree of the repository "
                        f"{here} belongs to is {mine}: committed contracts would not be found at their "
                        f"committed paths (each would look new); unset GIT_WORK_TREE, or set it to {mine}"
                    )
                return own_top  # GIT_DIR alone: git took the folder it started in for the top
    nested = _repository_between(start, top)
    if nested is not None:
        mine = _shown(nested)
        raise GitError(
            f"git's work tree is {there} (core.worktree or GIT_WORK_TREE), but the repository {here} "
            f"belongs to is at {mine}: committed contracts would not be found at their committed paths "
            f"(each would look new); make {mine} the work tree (unset GIT_WORK_TREE, or remove "
            "core.worktree from its git config)"
        )
    return top


def refuse_missing_index(top: Path) -> None:
    """GitError when GIT_INDEX_FILE names no file: git then reads an empty index, and every committed
    contract would look deleted (a relative one is read from the top, as git reads it). git hands a
    hook an index that exists; an unset GIT_INDEX_FILE is the repository's own index, which a new
    repository does not have yet."""
    value = os.environ.get("GIT_INDEX_FILE")
    if value and not (top / value).exists():
        raise GitError(
            f"GIT_INDEX_FILE names {_shown(value)}, which does not exist: git would read an empty index, "
            "so every committed contract would look deleted; unset GIT_INDEX_FILE, or point it at an index"
        )


def _shown(path: Path | str) -> str:
    """A path as one line of an error (a control character in a folder name is escaped)."""
    return one_line(str(path))


def rev_parse_location(start: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`git rev-parse --show-toplevel --absolute-git-dir` run from ``start`` (with ``env``, or this
    process's environment); raises OSError (FileNotFoundError: no git) as subprocess does."""
    return subprocess.run(
        ["git", "rev-parse", "--show-toplevel", "--absolute-git-dir"],
        cwd=start,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _own_repository(start: Path) -> tuple[Path, Path] | None:
    """The top and git directory of the repository ``start`` is in, as git finds it without the
    location variables; None when it finds none (a bare repository's work tree elsewhere)."""
    try:
        result = rev_parse_location(
            start, {k: v for k, v in os.environ.items() if k not in _LOCATION_VARIABLES}
        )
    except OSError:
        return None
    lines = result.stdout.strip("\n").split("\n")
    if result.returncode != 0 or len(lines) != 2:
        return None
    return Path(lines[0].strip()), Path(lines[1])


def _repository_between(start: Path, top: Path) -> Path | None:
    """The nearest folder from ``start`` up to (not including) ``top`` that holds a repository of its
    own (a `.git` folder with a HEAD, or a `.git` file naming one); None when there is none."""
    try:
        folder, top = start.resolve(), top.resolve()
    except (OSError, RuntimeError):
        return None
    if folder != top and top not in folder.parents:
        return None  # outside git's work tree: reported where the contracts root is placed
    while folder != top:
        marker = folder / ".git"
        if (marker / "HEAD").is_file() or _names_a_git_dir(marker):
            return folder
        folder = folder.parent
    return None


def _names_a_git_dir(marker: Path) -> bool:
    if not marker.is_file():  # never opened otherwise: a FIFO named .git would block the run
        return False
    try:
        with marker.open("rb") as file:
            return file.read(8) == b"gitdir: "
    except OSError:
        return False


def _same(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except (OSError, RuntimeError):
        return first == second
