"""Whether the history a verdict rests on is all there.

Earlier versions come from git history: a clone that holds only part of it (shallow, grafted, with
replaced commits, or a base that HEAD does not descend from) would compare a change with fewer
versions than the registry holds and pass a break. Such a history is an environment failure (exit 3)
with the fix, never a quieter verdict. Missing blobs of a partial clone surface where blobs are read
(`Git.read_blobs`, `Git.read_at`), also as exit 3.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from contractctl.errors import GitError
from contractctl.repo.history import Git

UNSHALLOW_FIX = (
    "fetch the whole history: `git fetch --unshallow` (or `git fetch --deepen=N`), "
    "or in GitHub Actions check out with `fetch-depth: 0`"
)


def ensure_complete_history(
    git: Git, base: str, *, given_as: str | None = None, environ: Mapping[str, str] | None = None
) -> None:
    """Raise GitError unless `base`'s history (and HEAD's, which a change is taken from) is whole.

    `given_as`: the ref as the user named it (--against), which must then be an ancestor of HEAD: the
    change is what HEAD adds to it. A base found as a merge base is one by construction.
    """
    env = environ if environ is not None else {}
    shallow_file, grafts_file = git.text(
        "rev-parse", "--git-path", "shallow", "--git-path", "info/grafts"
    ).split("\n")
    if _lines(git, grafts_file):
        raise GitError(
            "git history is grafted (.git/info/grafts): earlier versions may be hidden; "
            "remove the grafts file and fetch the whole history"
        )
    if not env.get("GIT_NO_REPLACE_OBJECTS") and git.text("for-each-ref", "--count=1", "refs/replace/"):
        raise GitError(
            "git history has replaced commits (refs/replace/): earlier versions may be hidden; "
            "run with GIT_NO_REPLACE_OBJECTS=1 or delete the replace refs"
        )
    boundary = set(_lines(git, shallow_file))
    # asked only where it matters (a shallow clone, a named base): a pre-commit check of a full
    # clone spared one git process (3-4 ms)
    head = "HEAD" if (boundary or given_as is not None) and git.has_commits() else None
    if boundary:
        tips = [base] + ([head] if head else [])
        reachable = set(git.text("rev-list", *tips).split())
        if boundary & reachable:
            raise GitError(
                f"this is a shallow clone: the history of {given_as or base[:12]} is cut; {UNSHALLOW_FIX}"
            )
    descends = given_as is None or head is None
    if not descends and git.attempt("merge-base", "--is-ancestor", base, "HEAD").returncode != 0:
        raise GitError(
            f"{given_as} is not an ancestor of HEAD: the change cannot be told apart from what "
            f"{given_as} gained since; merge or rebase onto {given_as}, or pass "
            f"`--against $(git merge-base HEAD {given_as})`"
        )


def _lines(git: Git, git_path: str) -> list[str]:
    path = Path(git_path) if Path(git_path).is_absolute() else git.toplevel / git_path
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")]
