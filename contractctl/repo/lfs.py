"""Git LFS pointers: what git holds for a file that Git LFS tracks, in its history and its index.

A contract tracked by LFS has no schema in git: each commit, and the index, hold a three-line pointer
to content kept elsewhere. Read as a schema, a pointer fails to parse; in history that was only a
warning (`HISTORY_UNPARSEABLE`), so a check with the schema in the working tree (LFS checked it out)
compared it with nothing and passed.
"""

from __future__ import annotations

from contractctl.model import Finding, FindingKind, Severity

_SPEC = "version https://git-lfs.github.com/spec/"


def is_lfs_pointer(text: str) -> bool:
    """Whether `text` is a Git LFS pointer file (never a schema of any format)."""
    return text.startswith(_SPEC) and "\noid sha256:" in text[:512]


_ADVICE = "Keep contracts out of Git LFS (`git lfs untrack` their pattern, then commit the files themselves)"


def pointer_finding(path: str, subject: str | None) -> Finding:
    """A contract read as a pointer: the index always holds one; a working tree or a commit's tree
    does where LFS tracks the file."""
    return Finding(
        rule="LFS_POINTER",
        message="is a Git LFS pointer, not a schema: git holds no schema for this contract",
        kind=FindingKind.INVALID,
        file=path,
        line=1,
        subject=subject,
        hint=f"{_ADVICE}; in a working tree, `git lfs pull` fetches the content.",
    )


def history_finding(label: str, version_path: str, path: str, subject: str) -> Finding:
    """An earlier version held as a pointer: it cannot be read, so nothing that needs it passes."""
    return Finding(
        rule="HISTORY_IN_LFS",
        message=f"{label} at {version_path} is a Git LFS pointer in git's history: the schema it stands "
        "for is not in git, so it cannot be read",
        kind=FindingKind.ENVIRONMENT,
        severity=Severity.ERROR,
        file=path,
        subject=subject,
        hint=f"{_ADVICE}: a version that cannot be read is never passed over.",
    )
