"""Git LFS pointers: what git holds for a file that Git LFS tracks, in its history and its index.

A contract tracked by LFS has no schema in git: each commit, and the index, hold a three-line pointer
to content kept elsewhere. Read as a schema, a pointer fails to parse; in history that was only a
warning (`HISTORY_UNPARSEABLE`), so a check with the schema in the working tree (LFS checked it out)
compared it with nothing and passed.
"""

from __future__ import annotations

_SPEC = "version https://git-lfs.github.com/spec/"


def is_lfs_pointer(text: str) -> bool:
    """Whether `text` is a Git LFS pointer file (never a schema of any format)."""
    return text.startswith(_SPEC) and "\noid sha256:" in text[:512]
