"""Where git's work tree and repository are, against where the project is: a break must never pass.

With GIT_WORK_TREE (or core.worktree) above the repository, git's top is that folder, the contracts'
paths have no history, and a breaking change was "new" (exit 0); with GIT_DIR naming another
repository the history read was that one's. Both are refused (exit 3, one line naming what was found
and what to do); GIT_DIR alone naming the project's own repository is handled; what worked (a
subfolder, a linked worktree, a contracts root deeper in the repository, a bare repository with its
work tree elsewhere, a hook's own index) keeps working. The real CLI in real repositories.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import GIT_ENV, GitRepo, Result, record, run_cli

A = {"name": "a", "type": "string"}
V1 = record("Order", [A, {"name": "n", "type": "int"}])
BREAK = record("Order", [A, {"name": "n", "type": "string"}])  # int -> string: not BACKWARD
CONFIG = "version: 1\ncontracts: {root: ROOT}\ndefaults: {compatibility: BACKWARD}\n"


def broken_history(repo: GitRepo, project: str = "", root: str = "contracts") -> Path:
    """A contract at version 1, then a commit that breaks it; returns the project folder."""
    folder = f"{project}/" if project else ""
    repo.write(f"{folder}contractctl.yaml", CONFIG.replace("ROOT", root))
    repo.write(f"{folder}{root}/orders/value.avsc", V1)
    repo.commit("v1")
    repo.write(f"{folder}{root}/orders/value.avsc", BREAK)
    repo.commit("the break")
    return repo.root / project if project else repo.root


def caught(result: Result) -> bool:
    return result.code == 1 and "TYPE_MISMATCH" in result.stdout and "Traceback" not in result.output


def refused(result: Result, *words: str) -> bool:
    """Exit 3 with one error line holding ``words``, nothing on stdout that looks like a verdict."""
    lines = result.stderr.strip().splitlines()
    return (
        result.code == 3
        and len(lines) == 1
        and all(word in lines[0] for word in words)
        and "passed" not in result.stdout
        and "Traceback" not in result.output
    )


def test_a_work_tree_above_the_repository_is_refused(repo: GitRepo) -> None:
    broken_history(repo)
    above = str(repo.root.parent)
    for env in (
        {"GIT_DIR": str(repo.root / ".git"), "GIT_WORK_TREE": above},
        {"GIT_WORK_TREE": above},  # the repository found from where it runs
        {"GIT_DIR": ".git", "GIT_WORK_TREE": ".."},  # relative, as git reads them
    ):
        for args in (["--against", "HEAD~1"], ["--all"], ["--against", "HEAD~1", "--all"]):
            result = repo.run("check", *args, env=env)
            assert refused(result, "GIT_WORK_TREE", above, f"set it to {repo.root}"), (
                env,
                args,
                result.output,
            )
    inside = run_cli("check", "--all", cwd=repo.root / "contracts", env={"GIT_WORK_TREE": above})
    assert refused(inside, "GIT_WORK_TREE", above), inside.output


def test_core_worktree_above_the_repository_is_refused(repo: GitRepo) -> None:
    broken_history(repo)
    repo.git("config", "core.worktree", str(repo.root.parent))
    for env in ({}, {"GIT_DIR": str(repo.root / ".git")}):
        result = repo.run("check", "--all", env=env)
        assert refused(result, "core.worktree", str(repo.root.parent), str(repo.root)), (env, result.output)


def test_git_dir_naming_another_repository_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    broken_history(repo)
    other = GitRepo(tmp_path / "other")  # a history of its own, without the contract
    other.commit("one")
    other.commit("two")
    for args in (["--against", "HEAD~1"], ["--all"], []):
        result = repo.run("check", *args, env={"GIT_DIR": str(other.root / ".git")})
        assert refused(result, "GIT_DIR", str(other.root / ".git"), str(repo.root / ".git")), (
            args,
            result.output,
        )


def test_an_index_file_that_does_not_exist_is_refused(repo: GitRepo) -> None:
    broken_history(repo)
    repo.write("contracts/orders/value.avsc", V1)
    repo.git("add", "-A")
    missing = str(repo.root / ".git" / "no-such-index")
    result = repo.run("check", "--staged", env={"GIT_INDEX_FILE": missing})
    assert refused(result, "GIT_INDEX_FILE", missing), result.output  # not "every contract deleted"
    shutil.copyfile(repo.root / ".git" / "index", repo.root / ".git" / "hook-index")
    repo.write("contracts/orders/value.avsc", BREAK)  # on disk only: the copied index holds V1
    for index in (str(repo.root / ".git" / "hook-index"), ".git/hook-index"):  # relative: from the top
        kept = repo.run("check", "--staged", "--against", "HEAD~1", env={"GIT_INDEX_FILE": index})
        assert kept.code == 0 and "Traceback" not in kept.output, (index, kept.output)


def test_git_dir_alone_from_a_project_below_the_top_is_handled(repo: GitRepo, tmp_path: Path) -> None:
    """git takes the folder it starts in for its top when GIT_DIR is set alone, as git sets it for a
    hook in a linked worktree: a project below the top was "new" (exit 0). Now read from the real top
    of the project's own repository."""
    project = broken_history(repo, project="services/orders")
    env = {"GIT_DIR": str(repo.root / ".git")}
    for cwd in (project, project / "contracts" / "orders"):
        for args in (["--against", "HEAD~1"], ["--all"]):
            result = run_cli("check", *args, cwd=cwd, env=env)
            assert caught(result), (cwd, args, result.output)
    side = tmp_path / "side"
    repo.git("worktree", "add", "-q", "-b", "side", str(side))
    side_git_dir = repo.git("-C", str(side), "rev-parse", "--absolute-git-dir").strip()
    for cwd in (side / "services" / "orders", side / "services" / "orders" / "contracts"):
        result = run_cli("check", "--against", "HEAD~1", cwd=cwd, env={"GIT_DIR": side_git_dir})
        assert caught(result), (cwd, result.output)


def test_what_worked_keeps_working(repo: GitRepo, tmp_path: Path) -> None:
    project = broken_history(repo, project="services/orders", root="schemas/avro")
    git_dir = str(repo.root / ".git")
    for cwd, env in (
        (project, {}),
        (project / "schemas" / "avro" / "orders", {}),  # a subfolder of the project
        (project, {"GIT_DIR": git_dir, "GIT_WORK_TREE": str(repo.root)}),  # both named, rightly
        (project, {"GIT_DIR": "../../.git", "GIT_WORK_TREE": "../.."}),
    ):
        for args in (["--against", "HEAD~1"], ["--all"]):
            result = run_cli("check", *args, cwd=cwd, env=env)
            assert caught(result), (cwd, env, args, result.output)
    side = tmp_path / "side"  # a linked worktree
    repo.git("worktree", "add", "-q", "-b", "side", str(side))
    for cwd in (side / "services" / "orders", side / "services" / "orders" / "schemas"):
        result = run_cli("check", "--against", "HEAD~1", cwd=cwd)
        assert caught(result), (cwd, result.output)


def test_a_bare_repository_with_its_work_tree_elsewhere_works(repo: GitRepo, tmp_path: Path) -> None:
    """No repository is found from the work tree itself: GIT_DIR and GIT_WORK_TREE are the only
    way to it, and are taken as they are."""
    broken_history(repo)
    bare = tmp_path / "bare.git"
    repo.git("clone", "-q", "--bare", str(repo.root), str(bare))
    work = tmp_path / "work"
    work.mkdir()
    env = {"GIT_DIR": str(bare), "GIT_WORK_TREE": str(work)}
    assert run_git(work, env, "checkout", "-f", "main") == 0
    result = run_cli("check", "--against", "HEAD~1", cwd=work, env=env)
    assert caught(result), result.output


def run_git(cwd: Path, env: dict[str, str], *args: str) -> int:
    full = {**os.environ, **GIT_ENV, "HOME": str(cwd), **env}
    return subprocess.run(["git", *args], cwd=cwd, env=full, capture_output=True, check=False).returncode
