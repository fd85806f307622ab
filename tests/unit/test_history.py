"""git history in one pass: first-parent commits, merges, renames, distinct versions per subject."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from contractctl.errors import GitError
from contractctl.repo.history import (
    BlobStore,
    Git,
    Sighting,
    VersionHistory,
    first_parent_log,
    sightings_by_subject,
)
from tests.conftest import GitRepo


def versions_by_path(git: Git, ref: str) -> dict[str, list[str]]:
    commits = first_parent_log(git, ref, "contracts")
    store = BlobStore(git)
    store.prefetch(c.new_blob for commit in commits for c in commit.changes if c.new_blob)

    def locate(path: PurePosixPath, blob: str) -> tuple[str, str]:
        return path.parent.name, store.get(blob).decode()

    history = VersionHistory(sightings_by_subject(commits, locate), lambda path, text: text.strip())
    return {s: [v.text.strip() for v in vs] for s, vs in history.items()}


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


def test_versions_are_told_apart_only_for_the_subjects_asked_for() -> None:
    def seen(subject_texts: list[str]) -> list[Sighting]:
        return [Sighting(PurePosixPath("c/x.avsc"), t, f"sha{n}", n) for n, t in enumerate(subject_texts)]

    asked: list[str] = []

    def fingerprint(path: PurePosixPath, text: str) -> str:
        asked.append(text)
        return text.strip()

    history = VersionHistory({"a": seen(["1", "2 ", "2", "1", "3"]), "b": seen(["x"])}, fingerprint)
    assert "a" in history and "b" in history and "c" not in history and len(history) == 2
    assert [s.text for s in history.sightings("a")] == ["1", "2 ", "2", "1", "3"]
    assert asked == []  # membership and sightings need no fingerprint
    versions = history["a"]
    assert [(v.number, v.text, v.commit, v.sequence) for v in versions] == [
        (1, "1", "sha0", 0),
        (2, "2 ", "sha1", 1),
        (3, "3", "sha4", 4),
    ]
    assert asked == ["1", "2 ", "2", "3"]  # each content once (a revert is not told apart again); b untouched
    assert history["a"] is versions and len(asked) == 4  # remembered
    assert history.get("c", []) == [] and history.sightings("c") == []


def test_sidecar_key_ignores_layout_and_comments_but_not_content() -> None:
    from contractctl.repo.references import sidecar_key

    plain = sidecar_key(b'owner: a\nproperties: {major_version: "1"}\n')
    assert sidecar_key(b'# comment\nowner:   a\nproperties:\n  major_version: "1"\n') == plain
    assert sidecar_key(b'owner: a\nproperties: {major_version: "2"}\n') != plain
    bomb = b"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c, *c, *c]\n"
    assert sidecar_key(bomb) != sidecar_key(b"{[\n")  # aliases are read as events, never expanded
