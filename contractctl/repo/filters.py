"""Contracts that `.gitattributes` passes through a clean/smudge filter (git-crypt, transcrypt, ...).

git stores what the clean filter makes of such a file, and only a checkout smudges it back: the
working tree holds the schema, every commit something else (an encrypted text). Read as schemas, the
earlier versions failed to parse, which was only a warning (`HISTORY_UNPARSEABLE`), so a check
compared a break with nothing and passed. Git LFS is a filter too, recognised by its pointers
(lfs.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from contractctl.formats.base import InvalidSchema
from contractctl.model import Finding, FindingKind, Severity
from contractctl.repo import lfs
from contractctl.repo.history import WORKTREE_KEY, Git, HistoricVersion

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


def stored_finding(path: str, subject: str | None, name: str, problem: str) -> Finding:
    """A contract read from the index or a commit, stored through a filter, that does not parse: git's
    copy is what the filter made of the file (an encrypted text, say), so the syntax error the parse
    reports is most likely no error in the schema."""
    return Finding(
        rule="CONTRACT_FILTERED",
        message=f"is stored through the git filter {name!r} (.gitattributes), and git's copy (what the "
        f"filter made of the file) does not parse: {problem}",
        kind=FindingKind.INVALID,
        file=path,
        line=1,
        subject=subject,
        hint="Keep contracts out of clean/smudge filters (encryption included): the index and the "
        "history hold the filter's output, which neither a check nor a registry can read.",
    )


def explained(git: Git, key: str, path: str, subject: str | None, error: InvalidSchema) -> InvalidSchema:
    """`error`, or CONTRACT_FILTERED when the contract that failed to read was read from git (the
    index or a commit, not the working tree, which holds what the smudge filter gave back) and a
    filter stores it. Asked only of a text that does not parse: one `git check-attr`."""
    if key.startswith(WORKTREE_KEY) or error.findings[0].rule == "CONTRACT_FILTERED":
        return error
    name = filtered_paths(git, [path]).get(path)
    if name is None:
        return error
    return InvalidSchema([stored_finding(path, subject, name, error.findings[0].message)])


def stored_otherwise(
    git: Git,
    versions: Sequence[HistoricVersion],
    label: Callable[[HistoricVersion], str],
    path: str,
    subject: str,
) -> dict[int, Finding]:
    """By number, the versions among `versions` (ones that do not parse) that git holds as something
    other than the schema: a Git LFS pointer (HISTORY_IN_LFS) or a clean filter's output
    (HISTORY_FILTERED). Such a version cannot be read, and a check or a publish must not pass over
    it: check and publish both ask here."""
    found: dict[int, Finding] = {}
    others = []
    for version in versions:
        if lfs.is_lfs_pointer(version.text):
            found[version.number] = lfs.history_finding(label(version), str(version.path), path, subject)
        else:
            others.append(version)
    names = filtered_paths(git, [str(v.path) for v in others]) if others else {}
    for version in others:
        name = names.get(str(version.path))
        if name is not None:
            found[version.number] = history_finding(label(version), str(version.path), path, subject, name)
    return found
