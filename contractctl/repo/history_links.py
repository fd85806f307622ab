"""Contracts and sidecars that are symbolic links, followed along the history as a check of the
working tree or of the index follows them (worktree.py, index_links.py).

git stores a link as the name it leads to. Read as it is, every earlier version of a linked contract
was that name: none parsed, none was compared (HISTORY_UNPARSEABLE is a warning), and a break of the
file behind the link passed every check. Here the log's entries of a contract that is a link carry
the blob of the file it leads to at that commit instead, and a commit that changes that file (inside
the contracts root or not) changes the linked contract too, as checking out that commit would. A
link that leads out of the repository, nowhere or in a loop at a commit leaves the contract without
content there, as the working tree skips it. A sidecar that is a link is followed the same way (its
metadata and rules make versions, and its group property decides which versions are compared).
Only the repository's own objects are read.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from pathlib import PurePosixPath

from contractctl.repo.history import BlobStore, Commit, FileChange, Git, first_parent_log
from contractctl.repo.index_links import MOST_LINKS, link_name, link_target


def follow_links(
    git: Git,
    base: str,
    commits: list[Commit],
    store: BlobStore,
    is_followed: Callable[[PurePosixPath], bool],
) -> list[Commit]:
    """`commits` (a first-parent log of `base`, oldest first) with each followed path (contracts,
    sidecars) that is a link read as the file it leads to; the very list when no followed path ever
    was a link (nothing more is read)."""
    linked = {
        change.new_path
        for commit in commits
        for change in commit.changes
        if change.link and change.new_path is not None and is_followed(change.new_path)
    }
    if not linked:
        return commits
    store.prefetch(c.new_blob for commit in commits for c in commit.changes if c.link and c.new_blob)
    names: dict[str, str | None] = {}

    def name_of(blob: str) -> str | None:
        if blob not in names:
            names[blob] = link_name(store.get(blob))
        return names[blob]

    target_log = _targets_log(git, base, commits, store, linked, name_of)
    order = git.text("rev-list", "--first-parent", "--reverse", base).split()
    own = {commit.sha: commit for commit in commits}
    theirs = {commit.sha: commit for commit in target_log}
    files: dict[str, str] = {}  # path -> blob, of every path either log names
    links: dict[str, str] = {}  # path -> blob of the link's name
    resolved: dict[PurePosixPath, str] = {}  # followed link -> blob of the file it led to so far

    def resolve(path: str) -> str | None:
        reached = path
        for _ in range(MOST_LINKS):
            name_blob = links.get(reached)
            if name_blob is None:
                return files.get(reached)
            name = name_of(name_blob)
            target = link_target(reached, name) if name is not None else None
            if target is None:
                return None
            reached = target
        return None

    in_order = sorted(linked)
    out: list[Commit] = []
    for sha in order:
        mine, other = own.get(sha), theirs.get(sha)
        if mine is None and other is None:
            continue
        for commit in (mine, other):
            if commit is not None:
                _apply(commit.changes, files, links)
        kept: list[FileChange] = []
        for change in mine.changes if mine is not None else ():
            if change.link and change.new_path is not None and change.new_path in linked:
                if change.status == "R" and change.old_path is not None:  # the old path is gone
                    kept.append(FileChange("D", change.old_path, None, None))
                continue  # its content is worked out below
            kept.append(change)
        for path in in_order:
            before = resolved.get(path)
            if str(path) not in links:  # a file again, or gone: the log's own change says so
                resolved.pop(path, None)
                continue
            now = resolve(str(path))
            if now == before:
                continue
            if now is None:
                resolved.pop(path)
                kept.append(FileChange("D", path, None, None))
            else:
                resolved[path] = now
                kept.append(FileChange("M" if before else "A", path if before else None, path, now))
        if mine is not None or kept:
            out.append(Commit(sha, tuple(kept)))
    return out


def _targets_log(
    git: Git,
    base: str,
    commits: list[Commit],
    store: BlobStore,
    linked: set[PurePosixPath],
    name_of: Callable[[str], str | None],
) -> list[Commit]:
    """The first-parent log of every file the followed links ever led to, through other links too."""
    targets: set[str] = set()
    seen_links: set[tuple[str, str]] = set()
    log: list[Commit] = []
    pending = _link_entries(commits, {str(path) for path in linked})
    for _ in range(MOST_LINKS):
        fresh = set()
        for path, blob in pending:
            if (path, blob) in seen_links:
                continue
            seen_links.add((path, blob))
            name = name_of(blob)
            target = link_target(path, name) if name is not None else None
            if target is not None and target not in targets:
                fresh.add(target)
        if not fresh:
            break
        targets |= fresh
        log = first_parent_log(git, base, "", [f":(literal){t}" for t in sorted(targets)])
        store.prefetch(c.new_blob for commit in log for c in commit.changes if c.link and c.new_blob)
        pending = _link_entries(log, targets)
    return log


def _link_entries(commits: Iterable[Commit], wanted: Container[str]) -> list[tuple[str, str]]:
    """(path, blob of the name it leads to) of every link among `wanted` paths the log writes."""
    return [
        (str(c.new_path), c.new_blob)
        for commit in commits
        for c in commit.changes
        if c.link and c.new_path is not None and c.new_blob is not None and str(c.new_path) in wanted
    ]


def _apply(changes: Iterable[FileChange], files: dict[str, str], links: dict[str, str]) -> None:
    for change in changes:
        if change.old_path is not None and change.status in "RD":
            files.pop(str(change.old_path), None)
            links.pop(str(change.old_path), None)
        if change.new_path is not None and change.new_blob is not None:
            path = str(change.new_path)
            if change.link:
                links[path] = change.new_blob
                files.pop(path, None)
            else:
                files[path] = change.new_blob
                links.pop(path, None)
