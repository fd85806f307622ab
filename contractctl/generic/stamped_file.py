"""Derived data kept between runs in one file, believed only when whole and written by the same code.

A file is `magic`, a CRC-32 of the payload, and the payload: `marshal` of (stamp, value). A reader gets
None for a missing, torn, corrupted or other-code file (the caller computes the value again); writers
replace the file atomically (write aside, then rename), so concurrent runs each leave a complete file
and readers never see half of one. The checksum is against accidents, not attacks: the files live
where whoever can write them can run code anyway (a repository's git directory). Still, nothing is
read, written or removed through a folder that is a symbolic link (it leads out of the repository),
and only a regular file is read (a FIFO would block, a link to /dev/zero never end).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import zlib
from pathlib import Path
from typing import Any

_CHECKSUM = 4

# Where this run may keep such files (`<git dir>/contractctl` of the checked working tree), or None:
# set by a command that may write there; a format reads it to keep what it computes the same way in
# every run (Protobuf's built-in descriptors).
run_folder: Path | None = None


def named(folder: Path, prefix: str, stamp: str) -> Path:
    """The file of `prefix` written with `stamp`: two installations (a pre-commit hook's own
    environment and the developer's) keep theirs side by side; with one file, each run of the one
    replaced what the other kept, and neither found anything."""
    return folder / f"{prefix}-{zlib.crc32(stamp.encode('utf-8', 'surrogateescape')):08x}"


def prune(file: Path, keep: int = 2) -> None:
    """Remove the files of `file`'s prefix (see `named`) but the `keep` newest, this one among them:
    an upgrade leaves the old one behind. Never raises."""
    prefix = file.name.rpartition("-")[0]
    if _linked(file.parent):
        return
    try:
        siblings = [p for p in file.parent.glob(f"{prefix}-????????") if p != file]
        siblings.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for old in siblings[keep - 1 :]:
        with contextlib.suppress(OSError):
            old.unlink()


def read(file: Path, magic: bytes, stamp: str) -> Any:
    """The value stored with `stamp`, or None."""
    try:
        if _linked(file.parent):
            return None
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None
            data = handle.read()
        except OSError:
            return None
    head = len(magic)
    if not data.startswith(magic) or len(data) < head + _CHECKSUM:
        return None
    checksum, payload = data[head : head + _CHECKSUM], data[head + _CHECKSUM :]
    if zlib.crc32(payload).to_bytes(_CHECKSUM, "big") != checksum:
        return None  # torn or corrupted
    try:
        written_by, value = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return value if written_by == stamp else None


def write(file: Path, magic: bytes, stamp: str, value: Any) -> bool:
    """Replace the file with `value` (marshal-able); False when it cannot be written. Never raises."""
    payload = marshal.dumps((stamp, value))
    data = magic + zlib.crc32(payload).to_bytes(_CHECKSUM, "big") + payload
    aside = file.with_name(f"{file.name}.{os.getpid()}.{os.urandom(4).hex()}")
    try:
        file.parent.mkdir(exist_ok=True)
        if _linked(file.parent):
            return False
        with open(aside, "xb") as out:
            out.write(data)
        os.replace(aside, file)
    except OSError:  # a read-only or full disk: the next run computes it again
        with contextlib.suppress(OSError):
            aside.unlink(missing_ok=True)
        return False
    return True


def _linked(folder: Path) -> bool:
    """Whether the folder is a symbolic link (`.git/contractctl` made to lead elsewhere)."""
    return os.path.islink(folder)
