"""A history that may be incomplete is exit 3 with the fix, however the base was named.

The repository of issue 13: main has v1 `{a}` then v2 `{a, b: string default ""}`; the branch `change`
drops the default (a break against v2 only). A clone that lost v2 would compare against v1 alone and
pass; every such clone must say so instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, GitRepo, Result, record

V1 = record("Order", [{"name": "a", "type": "string"}])
V2 = record("Order", [{"name": "a", "type": "string"}, {"name": "b", "type": "string", "default": ""}])
V3 = record("Order", [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}])
CONTRACT = "contracts/orders/value.avsc"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


def origin(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "origin")
    repo.write(CONTRACT, V1)
    repo.commit("v1")
    repo.write(CONTRACT, V2)
    repo.commit("v2")
    repo.git("checkout", "-q", "-b", "change")
    repo.write(CONTRACT, V3)
    repo.commit("v3: b loses its default")
    repo.git("checkout", "-q", "main")
    repo.git("config", "uploadpack.allowFilter", "true")
    return repo


def clone(source: GitRepo, target: Path, *options: str) -> GitRepo:
    git(source.root.parent, "clone", "-q", *options, f"file://{source.root}", str(target))
    cloned = GitRepo.__new__(GitRepo)
    cloned.root = target
    cloned.git("checkout", "-q", "change")
    return cloned


def assert_incomplete(result: Result, *fix: str) -> None:
    assert result.code == 3, result.output
    assert "Traceback" not in result.output
    for words in fix:
        assert words in result.stderr, result.stderr


# every way the base can be named: --against, the pull request's base, the configured base branch
WAYS = [
    pytest.param(("--against", "origin/main"), {}, id="against"),
    pytest.param((), {"GITHUB_BASE_REF": "main"}, id="github-base-ref"),
    pytest.param((), {}, id="default-base-branch"),
]


def test_a_full_clone_finds_the_break(tmp_path: Path) -> None:
    full = clone(origin(tmp_path), tmp_path / "full")
    for args, env in [(("--against", "origin/main"), {}), ((), {"GITHUB_BASE_REF": "main"}), ((), {})]:
        assert full.run("check", *args, env=env).code == 1


@pytest.mark.parametrize(("args", "env"), WAYS)
def test_shallow_clone_is_exit_3_with_the_fix(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    shallow = clone(origin(tmp_path), tmp_path / "shallow", "--depth", "1", "--no-single-branch")
    assert_incomplete(shallow.run("check", *args, env=env), "--unshallow", "fetch-depth: 0")


def test_shallow_clone_deep_enough_for_a_merge_base_is_still_cut(tmp_path: Path) -> None:
    shallow = clone(origin(tmp_path), tmp_path / "shallow", "--depth", "2", "--no-single-branch")
    assert_incomplete(shallow.run("check", "--against", "origin/main"), "shallow", "--unshallow")


def test_grafted_history_is_exit_3(tmp_path: Path) -> None:
    full = clone(origin(tmp_path), tmp_path / "grafted")
    main = full.git("rev-parse", "origin/main").strip()
    (full.root / ".git" / "info").mkdir(exist_ok=True)
    (full.root / ".git" / "info" / "grafts").write_text(f"{main}\n")  # v2 without its parent
    assert_incomplete(full.run("check", "--against", "origin/main"), "grafted")


def test_replaced_history_is_exit_3(tmp_path: Path) -> None:
    full = clone(origin(tmp_path), tmp_path / "replaced")
    full.git("replace", "--graft", full.git("rev-parse", "origin/main").strip())  # v2 made a root
    assert_incomplete(full.run("check"), "replace")
    # asking git to ignore replacements restores the real history, and the verdict
    assert full.run("check", env={"GIT_NO_REPLACE_OBJECTS": "1"}).code == 1


@pytest.mark.parametrize(("args", "env"), WAYS)
def test_partial_clone_with_missing_blobs_is_exit_3(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    source = origin(tmp_path)
    partial = clone(source, tmp_path / "partial", "--filter=blob:none")
    shutil.move(str(source.root), str(tmp_path / "gone"))  # the promisor cannot supply old blobs now
    assert_incomplete(partial.run("check", *args, env=env), "missing", "--filter")


def test_base_that_is_not_an_ancestor_is_exit_3(tmp_path: Path) -> None:
    full = clone(origin(tmp_path), tmp_path / "full")
    full.git("checkout", "-q", "-b", "elsewhere", "origin/main~1")
    full.write(CONTRACT, V2)
    full.commit("v2 again, off v1")
    full.git("checkout", "-q", "change")
    result = full.run("check", "--against", "elsewhere")
    assert_incomplete(result, "not an ancestor", "merge-base")


def test_publish_from_a_shallow_clone_is_exit_3(tmp_path: Path) -> None:
    shallow = clone(origin(tmp_path), tmp_path / "shallow", "--depth", "1", "--no-single-branch")
    shallow.write("contractctl.yaml", "version: 1\nregistries:\n  aws: {url: 'http://127.0.0.1:9'}\n")
    assert_incomplete(shallow.run("publish", "--registry", "aws", "--dry-run"), "--unshallow")


def test_changelog_from_a_shallow_clone_is_exit_3(tmp_path: Path) -> None:
    """Its version numbers count every earlier version: a clone cut after v1 numbered v2 as 1 and
    v3 as 2, with exit 0 (an outside audit's repro), where check says exit 3."""
    source = origin(tmp_path)
    full = clone(source, tmp_path / "full")
    numbered = full.run("changelog", "--from", "HEAD~1")
    assert numbered.code == 0 and "git version 2 → 3" in numbered.stdout, numbered.output
    shallow = clone(source, tmp_path / "shallow", "--depth", "2", "--no-single-branch")
    assert_incomplete(shallow.run("changelog", "--from", "HEAD~1"), "--unshallow")
