"""Contract files on disk under the contracts root, read without ever blocking or leaving the repository.

A working tree can hold what git never would: a FIFO named like a contract (reading it blocks forever),
symlinks to directories elsewhere on the machine, symlink loops, a directory named `x.avsc`. Each is
skipped with a warning finding, so a gate that did not look at something says so.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from contractctl.errors import UsageError
from contractctl.model import Finding, FindingKind, Severity, one_line
from contractctl.repo.sidecar_paths import SIDECAR_SUFFIX


@dataclass
class DiskFiles:
    files: list[tuple[PurePosixPath, bytes]] = field(default_factory=list)  # repository-relative
    skipped: list[Finding] = field(default_factory=list)
    links: set[str] = field(default_factory=set)  # files in `files` reached through a symbolic link
    # sidecars that are symbolic links (not read here): their content changes with the file they lead
    # to, which git's diff of the root may not name
    linked_sidecars: set[str] = field(default_factory=set)
    # folders holding a `.git`: a submodule (refused by the caller) or a clone inside this one
    nested: list[str] = field(default_factory=list)


SYMLINKED_DIRECTORY = "is a symlinked directory; not followed (git stores the link, not the files behind it)"

# What pathlib's is_symlink and is_dir answer False for, as example_files did with them.
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def skipped(path: str, message: str, hint: str | None = None) -> Finding:
    """A warning for something under the root that was not read."""
    return Finding(
        rule="PATH_SKIPPED",
        message=message,
        kind=FindingKind.ADVISORY,
        severity=Severity.WARNING,
        file=path,
        hint=hint,
    )


def folders_inside(top: Path, folders: Iterable[str]) -> list[str]:
    """Those of `folders` (absolute, or relative to the working directory) that lie in the repository
    whose top is `top`, relative to it ("" for the top itself): the folders git can hold."""
    resolved = top.resolve()
    inside = []
    for folder in folders:
        try:
            relative = Path(folder).resolve().relative_to(resolved).as_posix()
        except ValueError:
            continue
        inside.append("" if relative == "." else relative)
    return inside


def is_within(path: Path, directory: Path) -> bool:
    """Whether `path` is `directory` or below it (both already resolved, or both lexical)."""
    return path == directory or directory in path.parents


def _link_target(path: Path) -> Path | None:
    """Where a symlink finally leads, or None for a loop or a dangling link."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


def submodule_finding(path: str) -> Finding:
    """A submodule under the contracts root: this repository holds a commit of another one there,
    and its files' versions are in that one's history, which a check of this repository cannot read
    (they were all "new", a break included)."""
    return Finding(
        rule="SUBMODULE",
        message="is a git submodule: the versions of its contracts are in its own repository's "
        "history, not in this one's, so they cannot be checked from here",
        kind=FindingKind.INVALID,
        file=one_line(path),
        hint=f"Run contractctl in that repository, or leave the folder out (contracts.exclude: "
        f'["{one_line(path)}/**"]).',
    )


def link_refused(path: Path, relative: str, resolved_top: Path) -> Finding | None:
    """Why the symlink at `path` is not followed (it loops, leads nowhere or leaves the repository,
    whose resolved top is `resolved_top`), as a PATH_SKIPPED warning; None when it may be read."""
    target = _link_target(path)
    if target is None:
        return skipped(one_line(relative), "is a symlink that loops or leads nowhere; skipped")
    if not is_within(target, resolved_top):
        where = one_line(str(target))
        return skipped(one_line(relative), f"is a symlink leading outside the repository ({where}); skipped")
    return None


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def read_regular(path: Path, relative: str) -> bytes | Finding:
    """The bytes of a regular file (following a symlink that stays inside the repository was decided
    by the caller), or the warning saying why it was not read. Never blocks: a FIFO is not opened."""
    found = _regular_or_skipped(path, relative)
    if isinstance(found, Finding):
        return found
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise UsageError(f"{one_line(str(path))}: cannot read: {error.strerror}") from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced since the stat above
            return skipped(one_line(relative), "is not a regular file; skipped")
        return handle.read()


def _regular_or_skipped(path: Path, relative: str) -> bytes | Finding:
    """Empty bytes for a regular file (read later, by whoever needs it), or why it is skipped."""
    try:
        info = os.stat(path)
    except OSError as error:
        return skipped(one_line(relative), f"cannot be read ({error.strerror}); skipped")
    if not stat.S_ISREG(info.st_mode):
        return skipped(
            one_line(relative),
            f"is not a regular file ({_kind(info.st_mode)}); skipped",
            "Only regular files are contracts; remove it or move it out of the contracts root.",
        )
    return b""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a file"


def contract_files(top: Path, prefix: str, wanted: Callable[[str], bool], read: bool = True) -> DiskFiles:
    """Files under `top/prefix` whose name `wanted` accepts, read (with `read=False` only found, their
    bytes left empty for a reader that wants few of them); hidden directories are not entered,
    symlinked directories are not followed (git does not follow them either).

    Directories are visited as os.walk visits them top-down (each one's entries sorted by name, its
    subdirectories after its files), but from the type each directory listing already gives: a
    regular file or a directory costs no further system call and no path object, so listing a tree
    of a few thousand folders takes milliseconds. Only symlinks and what is neither a file nor a
    directory are looked at more closely. The folders below `prefix` holding `.git` are listed in
    `nested` too.
    """
    out = DiskFiles()
    resolved_top = top.resolve()
    start = os.fspath(top / prefix if prefix else top)
    pending = [(start, Path(start).relative_to(top).as_posix())]
    while pending:
        directory, relative_directory = pending.pop()
        listed = _listing(directory, top, prefix, out.skipped)
        if listed is None:
            continue
        subdirectories, others = listed
        inside = "" if relative_directory == "." else relative_directory + "/"
        if inside and any(name == ".git" for name, _ in (*subdirectories, *others)):
            out.nested.append(relative_directory)
        kept = []
        for name, entry in subdirectories:
            if name.startswith("."):
                continue
            relative = inside + name
            if entry.is_symlink():
                out.skipped.append(_symlinked_directory(Path(entry.path), relative, resolved_top))
                continue
            if wanted(name):
                out.skipped.append(
                    skipped(
                        one_line(relative),
                        "is a directory named like a contract; its name is not a contract (its files are "
                        "checked as usual)",
                    )
                )
            kept.append((entry.path, relative))
        for name, entry in others:
            if wanted(name):
                _add_file(out, entry, inside + name, resolved_top, read)
            elif name.endswith(SIDECAR_SUFFIX) and _is_link(entry):
                out.linked_sidecars.add(inside + name)
        pending.extend(reversed(kept))  # depth first, in name order, as os.walk goes
    return out


def _listing(
    directory: str, top: Path, prefix: str, skipped_out: list[Finding]
) -> tuple[list[tuple[str, os.DirEntry[str]]], list[tuple[str, os.DirEntry[str]]]] | None:
    """A directory's (subdirectories, everything else), each sorted by name, as os.walk splits them
    (a symlink to a directory counts as a directory); None, with a warning, when it cannot be listed."""
    subdirectories: list[tuple[str, os.DirEntry[str]]] = []
    others: list[tuple[str, os.DirEntry[str]]] = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                try:
                    is_directory = entry.is_dir()
                except OSError:
                    is_directory = False
                (subdirectories if is_directory else others).append((entry.name, entry))
    except OSError as error:
        where = Path(error.filename).relative_to(top).as_posix() if error.filename else prefix
        skipped_out.append(skipped(one_line(where), f"cannot be listed ({error.strerror}); skipped"))
        return None
    subdirectories.sort(key=_first)
    others.sort(key=_first)
    return subdirectories, others


def _first(pair: tuple[str, object]) -> str:
    return pair[0]


def _add_file(out: DiskFiles, entry: os.DirEntry[str], relative: str, resolved_top: Path, read: bool) -> None:
    """One entry named like a contract: a file found (read unless `read` is False), or why not."""
    try:
        link = entry.is_symlink()
        plain = not link and entry.is_file(follow_symlinks=False)
    except OSError:  # gone since it was listed: the stat below says so
        link = plain = False
    if plain and not read:  # a regular file as the listing says: nothing to ask the file system
        out.files.append((PurePosixPath(relative), b""))
        return
    path = Path(entry.path)
    if link:
        refused = link_refused(path, relative, resolved_top)
        if refused is not None:
            out.skipped.append(refused)
            return
        out.links.add(relative)
    data = read_regular(path, relative) if read else _regular_or_skipped(path, relative)
    if isinstance(data, Finding):
        out.skipped.append(data)
        out.links.discard(relative)
    else:
        out.files.append((PurePosixPath(relative), data))


def _symlinked_directory(path: Path, relative: str, resolved_top: Path) -> Finding:
    target = _link_target(path)
    if target is None:
        return skipped(one_line(relative), "is a symlink that loops or leads nowhere; skipped")
    if not is_within(target, resolved_top):
        return skipped(
            one_line(relative),
            f"is a symlinked directory leading outside the repository ({one_line(str(target))}); "
            "not followed",
        )
    return skipped(one_line(relative), SYMLINKED_DIRECTORY)


def example_files(top: Path, directory: PurePosixPath, suffix: str) -> DiskFiles:
    """The `suffix` files directly in one examples directory, with the same rules as contracts."""
    folder = top / directory
    try:  # one question for the usual answer (no such folder): an audit asks it for every contract
        mode = os.lstat(folder).st_mode
    except ValueError:
        return DiskFiles()
    except OSError as error:
        if error.errno in _ABSENT:
            return DiskFiles()
        raise
    if stat.S_ISLNK(mode):
        if not is_within(_link_target(folder) or Path("/"), top.resolve()):
            return DiskFiles(
                skipped=[
                    skipped(
                        one_line(str(directory)),
                        "is a symlink leading outside the repository (or nowhere); its examples are skipped",
                    )
                ]
            )
        if not folder.is_dir():
            return DiskFiles()
    elif not stat.S_ISDIR(mode):
        return DiskFiles()
    out = DiskFiles()
    resolved_top = top.resolve()
    for path in sorted(folder.iterdir()):
        if not path.name.endswith(suffix):
            continue
        relative = path.relative_to(top).as_posix()
        if path.is_symlink():
            target = _link_target(path)
            if target is None or not is_within(target, resolved_top):
                problem = "loops or leads nowhere" if target is None else "leads outside the repository"
                out.skipped.append(skipped(one_line(relative), f"is a symlink that {problem}; skipped"))
                continue
        if path.is_dir():
            out.skipped.append(skipped(one_line(relative), "is a directory, not an example; skipped"))
            continue
        data = read_regular(path, relative)
        if isinstance(data, Finding):
            out.skipped.append(data)
        else:
            out.files.append((PurePosixPath(relative), data))
    return out
