"""Symbolic links in the index, followed as a check of the working tree follows them (worktree.py).

git stores a link as the name it leads to. A check of the working tree reads a contract that is a
link inside the repository through it, and skips one that leads out of the repository, nowhere or in
a loop, with a warning. A check of the index (the pre-commit gate) read the name itself as the
contract's text ("Expected top-level statement", exit 2): one contract, two verdicts. Here each
link's name is resolved against the index, link after link (at most 40, as Linux allows), to the
blob of the file it leads to. Only the index is read: nothing outside the repository is.
"""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from contractctl.model import Finding, one_line
from contractctl.repo.history import WORKTREE_KEY, BlobStore, Git
from contractctl.repo.sidecar_paths import SIDECAR_SUFFIX
from contractctl.repo.worktree import SYMLINKED_DIRECTORY, skipped, submodule_finding

MOST_LINKS = 40  # links followed in a row, as Linux allows (history_links.py too)
_LONGEST_NAME = 4096  # PATH_MAX: a longer "link" was written by hand into the index, not by git add
_NAMES_PER_CALL = 500  # pathspecs per `git ls-files`: a command line has a length limit
_NOWHERE = "is a symlink that loops or leads nowhere; skipped"  # worktree.py's words


Lookup = Callable[[list[str], dict[str, str]], list[tuple[str, str]]]


def follow_index_links(
    git: Git, store: BlobStore, links: Mapping[str, str], lookup: Lookup | None = None
) -> tuple[list[tuple[str, str]], list[Finding]]:
    """(link path, blob id of the file it leads to) for each of `links` (path -> blob id of the
    link's text) that leads to a file of the index; a PATH_SKIPPED warning for each other one.

    `lookup(paths, links)`: the (path, blob id) files among exact `paths`, their links put into
    `links`, in another listing than the index (a commit's tree: `tree_lookup`)."""
    find = lookup if lookup is not None else git.index_entries
    followed: list[tuple[str, str]] = []
    findings: list[Finding] = []
    files: dict[str, str] = {}  # index paths met so far that are files
    known_links = dict(links)  # and those that are links
    pending = {path: (path, blob) for path, blob in links.items()}  # link -> (the link reached, its blob)
    for _ in range(MOST_LINKS):
        if not pending:
            break
        targets: dict[str, str] = {}
        for link, (reached, blob) in pending.items():
            name = link_name(store.get(blob))
            if name is None:
                findings.append(skipped(one_line(link), _NOWHERE))
                continue
            target = link_target(reached, name)
            if target is None:
                findings.append(
                    skipped(
                        one_line(link),
                        f"is a symlink leading outside the repository ({one_line(name)}); skipped",
                    )
                )
            else:
                targets[link] = target
        unknown = sorted({t for t in targets.values() if t not in files and t not in known_links})
        if unknown:
            more_links: dict[str, str] = {}
            asked = set(unknown)  # a pathspec naming a folder lists the files below it: exact names only
            for start in range(0, len(unknown), _NAMES_PER_CALL):
                found = find(unknown[start : start + _NAMES_PER_CALL], more_links)
                files.update((p, b) for p, b in found if p in asked)
            known_links.update((p, b) for p, b in more_links.items() if p in asked)
        still: dict[str, tuple[str, str]] = {}
        for link, target in targets.items():
            if target in files:
                followed.append((link, files[target]))
            elif target in known_links:
                still[link] = (target, known_links[target])
            else:
                findings.append(skipped(one_line(link), _NOWHERE))
        pending = still
    findings.extend(skipped(one_line(link), _NOWHERE) for link in pending)
    return followed, findings


def linked_directories(git: Git, store: BlobStore, links: Mapping[str, str]) -> list[Finding]:
    """A PATH_SKIPPED warning for each of `links` (path -> blob id of the link's text) that leads to
    a folder of the index, in the words a check of the working tree warns of a symlinked directory
    with: neither follows it, and the same tree should get the same report from both."""
    targets: dict[str, str] = {}
    for link, blob in links.items():
        name = None if read_through(link) else link_name(store.get(blob))
        target = link_target(link, name) if name is not None else None
        if target is not None:
            targets[link] = target
    if not targets:
        return []
    wanted = sorted(set(targets.values()))
    folders: set[str] = set()
    for start in range(0, len(wanted), _NAMES_PER_CALL):
        below: dict[str, str] = {}  # links inside a folder make it one too
        listed = git.index_entries(wanted[start : start + _NAMES_PER_CALL], below)
        folders.update(path.rsplit("/", 1)[0] for path in [*(p for p, _ in listed), *below])
    return [
        skipped(one_line(link), SYMLINKED_DIRECTORY)
        for link, target in targets.items()
        if any(folder == target or folder.startswith(target + "/") for folder in folders)
    ]


def link_name(data: bytes) -> str | None:
    """The name a link's blob holds, or None for one git would not have written (empty, holding a
    NUL, or longer than PATH_MAX): it leads nowhere."""
    name = data.decode("utf-8", "surrogateescape")
    return name if name and len(name) <= _LONGEST_NAME and "\0" not in name else None


def link_target(link: str, name: str) -> str | None:
    """The repository path `name` leads to from the link at `link`, or None when it leaves the
    repository (an absolute name is resolved on a machine, not in the index: it leaves it too)."""
    if name.startswith("/"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(link), name))
    if target in (".", "..") or target.startswith("../"):
        return None
    return target


def tree_lookup(git: Git, commit: str) -> Lookup:
    """`follow_index_links`' lookup in a commit's tree: the whole tree listed once, when first asked
    (only a tree holding a linked contract is)."""
    listing: dict[str, tuple[str, bool]] = {}

    def find(paths: list[str], links: dict[str, str]) -> list[tuple[str, str]]:
        if not listing:
            tree_links: dict[str, str] = {}
            listing.update((p, (b, False)) for p, b in git.tree_entries(commit, "", tree_links))
            listing.update((p, (b, True)) for p, b in tree_links.items())
        found = []
        for path in paths:
            entry = listing.get(path)
            if entry is not None:
                if entry[1]:
                    links[path] = entry[0]
                else:
                    found.append((path, entry[0]))
        return found

    return find


def tree_contracts(
    git: Git, store: BlobStore, commit: str, prefix: str
) -> tuple[list[tuple[str, str]], list[Finding]]:
    """The files under `prefix` at `commit`, links read through as `entries_through_links` says:
    what publish registers and a changelog compares is what check compared. A submodule is a
    SUBMODULE error, as in a check (its contracts' versions are another repository's)."""
    links: dict[str, str] = {}
    gitlinks: list[str] = []
    entries = git.tree_entries(commit, prefix, links, gitlinks)
    submodules = [submodule_finding(path) for path in gitlinks]
    if not links:
        return entries, submodules
    through, skipped = entries_through_links(git, store, links, tree_lookup(git, commit))
    return [*entries, *through], [*skipped, *submodules]


def read_through(path: str) -> bool:
    """Whether a check reads a link at `path` as the file it leads to: a contract, an example or a
    sidecar (any other link is listed as it is: nothing reads it)."""
    from contractctl.repo.contracts import contract_type

    return contract_type(path) is not None or path.endswith(SIDECAR_SUFFIX)


def entries_through_links(
    git: Git, store: BlobStore, links: Mapping[str, str], lookup: Lookup | None = None
) -> tuple[list[tuple[str, str]], list[Finding]]:
    """`links` (path -> blob of the link's name, from the index or, with `lookup`, a commit's tree)
    as listing entries, as the working tree reads them: those a check reads (`read_through`) as the
    files they lead to, or skipped with a warning; any other link as it is, its name."""
    read = {p: b for p, b in links.items() if read_through(p)}
    followed, skipped = follow_index_links(git, store, read, lookup)
    return [*followed, *((p, b) for p, b in links.items() if p not in read)], skipped


def plain_file_links(git: Git, store: BlobStore, prefix: str) -> tuple[dict[str, str], list[Finding]]:
    """Without symbolic links (`core.symlinks=false`, git for Windows' default) git checks a link out
    as a plain file holding the name it leads to. The contracts and sidecars under `prefix` that the
    index holds as links and the working tree as such files, each read through as a check of the
    working tree reads a link: path -> working-tree key of the file it leads to; the others skipped.
    Nothing (and one git process) where git writes links."""
    setting = git.attempt("config", "--bool", "--get", "core.symlinks")
    if setting.stdout.strip() != b"false":
        return {}, []
    links: dict[str, str] = {}
    git.index_entries(prefix, links)
    # the name each leads to as the file on disk holds it now (an edit of it retargets the link)
    plain = {p: f"{WORKTREE_KEY}{p}" for p in links if read_through(p) and _is_regular(git.toplevel / p)}
    if not plain:
        return {}, []

    def on_disk(paths: list[str], more_links: dict[str, str]) -> list[tuple[str, str]]:
        index_links: dict[str, str] = {}
        git.index_entries(paths, index_links)  # a file led to may be a link checked out plain too
        found = []
        for path in paths:
            if path in index_links and _is_regular(git.toplevel / path):
                more_links[path] = f"{WORKTREE_KEY}{path}"
            elif _is_regular(git.toplevel / path):
                found.append((path, f"{WORKTREE_KEY}{path}"))
        return found

    followed, refused = follow_index_links(git, store, plain, on_disk)
    return dict(followed), refused


def _is_regular(path: Path) -> bool:
    """A regular file, not followed through a link (nothing outside the repository is read)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False
