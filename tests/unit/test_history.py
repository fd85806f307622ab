"""git history in one pass: first-parent commits, merges, renames, distinct versions per subject."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from contractctl.errors import GitError
from contractctl.history import BlobStore, Git, first_parent_log, subject_versions
from tests.conftest import GitRepo


def versions_by_path(git: Git, ref: str) -> dict[str, list[str]]:
    commits = first_parent_log(git, ref, "contracts")
    store = BlobStore(git)
    store.prefetch(c.new_blob for commit in commits for c in commit.changes if c.new_blob)

    def identify(path: PurePosixPath, blob: str) -> tuple[str, str, str]:
        text = store.get(blob).decode()
        return path.parent.name, text, text.strip()

    return {s: [v.text.strip() for v in vs] for s, vs in subject_versions(commits, identify).items()}


def test_merges_count_on_the_first_parent_and_renames_keep_the_subject(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", "1")
    repo.commit("c1")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write("contracts/orders/value.avsc", "2-from-branch")
    repo.commit("c2")
    repo.write("contracts/orders/value.avsc", "3-from-branch")
    repo.commit("c3")
    repo.git("checkout", "-q", "main")
    repo.write("contracts/stock/value.avsc", "s1")
    repo.commit("c4")
    repo.git("merge", "-q", "--no-ff", "-m", "merge topic", "topic")
    repo.git("mv", "contracts/stock", "contracts/inventory-stock")
    repo.commit("rename folder")
    repo.write("contracts/orders/value.avsc", "1")  # a revert to an earlier content is not a new version
    repo.commit("revert")
    git = Git.discover(repo.root)
    versions = versions_by_path(git, "main")
    # intermediate branch commits are not on the first-parent line: only the merge result counts
    assert versions["orders"] == ["1", "3-from-branch"]
    assert versions["stock"] == ["s1"]
    assert versions["inventory-stock"] == ["s1"]


def test_read_blobs_in_one_batch(repo: GitRepo) -> None:
    for n in range(5):
        repo.write(f"contracts/t{n}/value.avsc", f"content {n}\n")
    repo.commit("many")
    git = Git.discover(repo.root)
    tree = git.tree_blobs("HEAD", "contracts")
    contents = git.read_blobs(tree.values())
    assert sorted(contents[sha] for sha in tree.values()) == [f"content {n}\n".encode() for n in range(5)]


def test_unknown_ref_and_merge_base_errors(repo: GitRepo) -> None:
    repo.write("contracts/a/value.avsc", "1")
    repo.commit("c1")
    git = Git.discover(repo.root)
    with pytest.raises(GitError, match="unknown git ref 'nope'"):
        git.resolve("nope")
    assert git.merge_base("HEAD", "main") == git.resolve("HEAD")
