"""Outlines of committed contract contents, kept between runs inside the repository's git directory.

A pre-commit check must know which contracts define and which use the names a change touches;
reading and outlining (or git-grepping) the whole tree for it made every check grow with the
repository. An outline depends only on the content, the path and the code that outlines it, so it is
stored by (blob id, path), in one file per working tree and code: `<git dir>/contractctl/outlines-<crc>`,
named by the code it was written by (a `stamp` of the package's files and the format options), so
two installed versions used on one working tree (a hook's and a developer's) keep a file each instead
of rewriting one file in turn; files no run has written for a week are removed. A
changed file is a new blob, so an entry cannot go stale; a file written by other code, or one whose
checksum (CRC-32) does not match (a torn or corrupted write), is ignored whole and rewritten: the
worst a bad cache file can cost is one run that outlines every contract again, never a different
verdict. Reading and atomic writing: generic/stamped_file.py.

An entry is one string (names joined by control characters): loading 10,000 of them is several times
faster than loading as many tuples, and a lookup by name can test the whole string before splitting.
Beside outlines, the file keeps a content's name candidates (`SchemaFormat.name_candidates`) under
a key of their own: a long history's contents that cannot name a wanted subject are never outlined,
and a later run rules them out again without reading them.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from contractctl.formats.base import NameCandidates, Outline
from contractctl.generic import stamped_file

CACHE_FOLDER = "contractctl"
CACHE_FILE = "outlines"  # followed by "-" and a checksum of the stamp
# Another code's file (an earlier install) unwritten for this long is removed by the next save.
_STALE_AFTER_S = 7 * 24 * 3600
_MAGIC = b"contractctl-outlines-2\n"
# Below this many new outlines a run does not rewrite the file: the next run outlines them again
# (they are the few contracts a commit changes, read for the check anyway).
_WRITE_FROM = 16
_FIELDS, _NAMES = "\x1e", "\x1f"  # separators inside an entry; names holding them are not cached
_CANDIDATES = "\x1d"  # starts an entry of name candidates (never empty, unlike the set it holds)


def code_stamp(extra: str) -> str:
    """What the cached outlines were computed by: the package's code and `extra` (the contracts root
    and the format options). Any change starts a new cache.

    An install from a wheel is told by its RECORD (every file with its sha256, written by pip): the
    same code installed again, in a CI job's fresh environment, keeps the stamp, so a cache of the
    git directory's `contractctl/` folder (actions/cache) answers the next job. Elsewhere (a source
    checkout, an editable install) every module's name, size and change time.

    The stamp is that text itself, not a digest of it: a reader compares it whole (stamped_file), and
    hashlib's import (OpenSSL) cost a pre-commit check 2-4 ms."""
    import contractctl

    parts = [extra, contractctl.__version__]
    package = os.path.dirname(contractctl.__file__)
    record = installed_record(package)
    if record is not None:
        parts.append(f"record\0{len(record)}\0{zlib.crc32(record):08x}")
        return "\n".join(parts)
    pending = [package]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    status = entry.stat()
                    parts.append(f"{entry.path}\0{status.st_size}\0{status.st_mtime_ns}")
    return "\n".join(parts)


def installed_record(package: str) -> bytes | None:
    """The RECORD of the wheel `package` (a folder) was installed from, when it lists that package's
    own modules: exactly one `<name>-*.dist-info` beside it whose RECORD names `<name>/__init__.py`
    (an editable install's lists only a path hook, and a source checkout has none). None otherwise."""
    site, name = os.path.split(package)
    prefix = f"{name.replace('-', '_')}-"
    try:
        with os.scandir(site) as entries:
            found = [e.path for e in entries if e.name.startswith(prefix) and e.name.endswith(".dist-info")]
        if len(found) != 1:
            return None  # none, or an earlier install's left beside it: which one is ours is unclear
        with open(os.path.join(found[0], "RECORD"), "rb") as file:
            record = file.read()
    except OSError:
        return None
    own = f"{name}/__init__.py,".encode()
    return record if any(line.startswith(own) for line in record.splitlines()) else None


def encode(outline: Outline) -> str | None:
    """An outline as one cache entry; None when a name holds a separator (never cached)."""
    names = [*outline.defined_names, *outline.referenced_names]
    optional = [name for name in (outline.primary_name, outline.first_type_name) if name is not None]
    if any(not name or _FIELDS in name or _NAMES in name for name in [*names, *optional]):
        return None  # an empty name, or one holding a separator, would not come back as it was
    return _FIELDS.join(
        [
            _NAMES.join(outline.defined_names),
            _NAMES.join(outline.referenced_names),
            outline.primary_name or "",
            outline.first_type_name or "",
        ]
    )


def decode_names(entry: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(defined names, referenced names) of a cache entry."""
    defined, used, _, _ = entry.split(_FIELDS)
    return (tuple(defined.split(_NAMES)) if defined else (), tuple(used.split(_NAMES)) if used else ())


def decode_defined(entry: str) -> tuple[str, ...]:
    """The defined names of a cache entry (without splitting the rest)."""
    defined = entry[: entry.index(_FIELDS)]
    return tuple(defined.split(_NAMES)) if defined else ()


def decode(entry: str) -> Outline:
    defined, used, primary, first = entry.split(_FIELDS)
    return Outline(
        tuple(defined.split(_NAMES)) if defined else (),
        tuple(used.split(_NAMES)) if used else (),
        primary or None,
        first or None,
    )


class OutlineCache:
    """(blob id, path) -> Outline, loaded once per run and written back when it learned enough."""

    def __init__(self, file: Path | None, stamp: str, entries: dict[str, str]) -> None:
        self.file = file  # None: not saved (no writable git directory)
        self.stamp = stamp
        self._entries = entries
        self._used: dict[str, str] = {}
        self._new = 0

    @classmethod
    def load(cls, git_dir: Path | None, stamp: str) -> OutlineCache:
        """The cache of this working tree; empty when missing, unreadable, written by other code or
        corrupted."""
        if git_dir is None:
            return cls(None, stamp, {})
        file = cache_file(git_dir, stamp)
        writable = os.access(git_dir, os.W_OK)
        return cls(file if writable else None, stamp, _read(file, stamp))

    @property
    def saves(self) -> bool:
        return self.file is not None

    @staticmethod
    def key(blob: str, path: PurePosixPath | str) -> str:
        return f"{blob}\0{path}"

    def get(self, blob: str, path: PurePosixPath | str) -> Outline | None:
        entry = self.entry(blob, path)
        return None if entry is None else decode(entry)

    def entry(self, blob: str, path: PurePosixPath | str) -> str | None:
        """The cached outline as stored (see `decode`, `decode_names`), or None."""
        key = f"{blob}\0{path}"  # self.key, inline: asked once per contract of the tree
        entry = self._used.get(key) or self._entries.get(key)
        if entry is not None:
            self._used[key] = entry
        return entry

    def remembered(self, blob: str, path: PurePosixPath | str, make: Callable[[], Outline]) -> Outline:
        """The cached outline of this content at this path, else `make()`'s, kept for later runs."""
        found = self.get(blob, path)
        if found is None:
            found = make()
            self.put(blob, path, found)
        return found

    def put(self, blob: str, path: PurePosixPath | str, outline: Outline) -> None:
        entry = encode(outline)
        if entry is None:
            return
        key = self.key(blob, path)
        if key not in self._used:
            self._new += 1
        self._used[key] = entry

    def candidates(self, blob: str, path: PurePosixPath | str) -> NameCandidates | None:
        """The name candidates kept for this content at this path, or None."""
        key = f"{blob}\0{path}\0?"
        entry = self._used.get(key) or self._entries.get(key)
        if entry is None or not entry.startswith(_CANDIDATES):
            return None
        self._used[key] = entry
        scopes, _, names = entry[1:].partition(_FIELDS)
        return NameCandidates(tuple(scopes.split(_NAMES)), tuple(names.split(_NAMES)) if names else ())

    def put_candidates(self, blob: str, path: PurePosixPath | str, candidates: NameCandidates) -> None:
        """Keep a content's name candidates; unless a part holds a separator, or would not come
        back as it was (no scope; an empty name), then nothing is kept."""
        parts = (*candidates.scopes, *candidates.names)
        if not candidates.scopes or "" in candidates.names:
            return
        if any(_FIELDS in part or _NAMES in part or _CANDIDATES in part for part in parts):
            return
        key = f"{blob}\0{path}\0?"
        if key not in self._used:
            self._new += 1
        self._used[key] = (
            _CANDIDATES + _NAMES.join(candidates.scopes) + _FIELDS + _NAMES.join(candidates.names)
        )

    def save(self) -> None:
        """Write the entries this run used or learned (the tree as it is now: entries of contents
        no longer in it are dropped), when it learned enough to be worth it. Never fails the run."""
        if self.file is None or (self._new < _WRITE_FROM and self._entries):
            return
        if not stamped_file.write(self.file, _MAGIC, self.stamp, self._used):
            return
        _remove_stale(self.file)


def cache_file(git_dir: Path, stamp: str) -> Path:
    """Where the code of `stamp` keeps its outlines for the working tree of `git_dir`: named by a
    checksum of the stamp (two codes sharing a name would only take turns; the file holds the stamp
    whole, compared on every read)."""
    return git_dir / CACHE_FOLDER / f"{CACHE_FILE}-{zlib.crc32(stamp.encode('utf-8', 'surrogateescape')):08x}"


def _remove_stale(current: Path) -> None:
    """Remove other codes' cache files (and files left aside by killed writers) unwritten for a week."""
    import time

    limit = time.time() - _STALE_AFTER_S
    with contextlib.suppress(OSError), os.scandir(current.parent) as entries:
        for entry in entries:
            if entry.name.startswith(CACHE_FILE) and entry.path != str(current):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < limit:
                        os.unlink(entry.path)


def _read(file: Path, stamp: str) -> dict[str, str]:
    entries = stamped_file.read(file, _MAGIC, stamp)
    return entries if isinstance(entries, dict) else {}
