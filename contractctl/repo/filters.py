"""Contracts that `.gitattributes` passes through a clean/smudge filter (git-crypt, transcrypt, ...).

git stores what the clean filter makes of such a file, and only a checkout smudges it back: the
working tree holds the schema, every commit something else (an encrypted text). Read as schemas, the
earlier versions failed to parse, which was only a warning (`HISTORY_UNPARSEABLE`), so a check
compared a break with nothing and passed. Git LFS is a filter too, recognised by its pointers
(lfs.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from contractctl.model import Finding, FindingKind, Severity
from contractctl.repo.history import Git

_NO_FILTER = frozenset({"unspecified", "unset", "set", "lfs"})  # `set`: no driver named, no filter
_NAMES_PER_CALL = 500  # a command line has a length limit


def filtered_paths(git: Git, paths: Iterable[str]) -> dict[str, str]:
    """path -> filter name, for those of `paths` that `.gitattributes` stores through a filter other
    than Git LFS's (attributes as they are now: one `git check-attr`, asked only about versions that
    do not parse)."""
    wanted = sorted(set(paths))
    out: dict[str, str] = {}
    for start in range(0, len(wanted), _NAMES_PER_CALL):
        names = wanted[start : start + _NAMES_PER_CALL]
        listing = git.run("check-attr", "-z", "filter", "--", *names).decode("utf-8", "surrogateescape")
        fields = listing.split("\0")  # "<path>\0filter\0<value>\0" per path
        for i in range(0, len(fields) - 2, 3):
            if fields[i + 2] not in _NO_FILTER:
                out[fields[i]] = fields[i + 2]
    return out


def history_finding(label: str, version_path: str, path: str, subject: str | None, name: str) -> Finding:
    """An earlier version git holds as its filter's output: it cannot be read, so nothing that needs
    it passes."""
    return Finding(
        rule="HISTORY_FILTERED",
        message=f"{label} at {version_path} is stored through the git filter {name!r} (.gitattributes): "
        "git's history holds what the filter made of the schema, not the schema, so it cannot be read",
        kind=FindingKind.ENVIRONMENT,
        severity=Severity.ERROR,
        file=path,
        subject=subject,
        hint="Keep contracts out of clean/smudge filters (encryption included): a version that cannot "
        "be read is never passed over.",
    )
