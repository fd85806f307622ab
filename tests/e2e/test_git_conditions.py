"""A known break, however git history got here: never a pass.

Each scenario builds an origin whose main evolves a contract through one kind of history (a move, a
rename with an edit, a merge, a sidecar-only commit, a revert, a deletion and re-addition) and whose
branch `change` breaks it against an earlier version only the whole history shows. main is published
into a registry double after every first-parent commit, as the release workflow does on each merge,
so the registry holds the versions as they happened, and its own compatibility test is the oracle.

- A full clone: the local verdict equals the registry's (both incompatible), exit 1.
- Every degraded way to obtain it (shallow at several depths, single-branch, detached HEAD, a base
  that is not an ancestor, a partial clone whose promisor is gone): exit 1 or 3, never 0.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GIT_ENV, GitRepo, Result, record
from tests.registry_double import RegistryDouble

CONFIG = """version: 1
defaults: {compatibility: BACKWARD_TRANSITIVE GROUP}
subjects:
  - {match: "contracts/**/*.avsc", subject: orders-value}
registries:
  r: {url: "${R_URL}"}
"""
A = {"name": "a", "type": "string"}
B_DEFAULT = {"name": "b", "type": "string", "default": ""}
B_NO_DEFAULT = {"name": "b", "type": "string"}
B_INT = {"name": "b", "type": "int", "default": 0}


def order(*fields: dict[str, Any]) -> dict[str, Any]:
    return record("Order", list(fields))


class Origin:
    """The origin repository, published after every commit on main."""

    def __init__(self, root: Path, double: RegistryDouble, group: bool = False) -> None:
        self.repo = GitRepo(root)
        self.env = {"R_URL": double.url}
        self.repo.git("config", "uploadpack.allowFilter", "true")
        self.repo.write(
            "contractctl.yaml", CONFIG.replace(" GROUP", ", compatibility_group: v" if group else "")
        )

    def main_commit(self, message: str) -> None:
        self.repo.commit(message)
        published = self.repo.run("publish", "--registry", "r", env=self.env)
        assert published.code == 0, published.output

    def change(self, edit: Callable[[GitRepo], None]) -> None:
        self.repo.git("checkout", "-q", "-b", "change")
        edit(self.repo)
        self.repo.commit("the break")
        self.repo.git("checkout", "-q", "main")


def moved(origin: Origin) -> None:
    origin.repo.write("contracts/orders/value.avsc", order(A))
    origin.main_commit("v1")
    origin.repo.write("contracts/orders/value.avsc", order(A, B_DEFAULT))
    origin.main_commit("v2")
    origin.repo.git("mv", "contracts/orders", "contracts/sales")
    origin.main_commit("move")
    origin.change(lambda r: r.write("contracts/sales/value.avsc", order(A, B_NO_DEFAULT)))


def renamed_with_an_edit(origin: Origin) -> None:
    origin.repo.write("contracts/orders/value.avsc", order(A))
    origin.main_commit("v1")
    origin.repo.git("mv", "contracts/orders/value.avsc", "contracts/orders/order.avsc")
    origin.repo.write("contracts/orders/order.avsc", {**order(A, B_DEFAULT), "doc": "renamed and edited"})
    origin.main_commit("rename with an edit")
    origin.change(lambda r: r.write("contracts/orders/order.avsc", order(A, B_NO_DEFAULT)))


def merged(origin: Origin) -> None:
    origin.repo.write("contracts/orders/value.avsc", order(A))
    origin.main_commit("v1")
    origin.repo.git("checkout", "-q", "-b", "side")
    origin.repo.write("contracts/orders/value.avsc", order(A, B_DEFAULT))
    origin.repo.commit("v2 on a side branch")
    origin.repo.git("checkout", "-q", "main")
    origin.repo.write("README", "unrelated\n")
    origin.repo.commit("unrelated")
    origin.repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    origin.main_commit("after the merge")
    origin.change(lambda r: r.write("contracts/orders/value.avsc", order(A, B_NO_DEFAULT)))


def sidecar_only(origin: Origin) -> None:
    origin.repo.write("contracts/orders/value.avsc", order(A))
    origin.main_commit("v1")
    origin.repo.write("contracts/orders/value.contract.yaml", 'properties: {v: "1"}\n')
    origin.main_commit("sidecar only: group 1")
    origin.change(lambda r: r.write("contracts/orders/value.avsc", order(A, B_NO_DEFAULT)))


def reverted(origin: Origin) -> None:
    origin.repo.write("contracts/orders/value.avsc", order(A))
    origin.main_commit("v1")
    origin.repo.write("contracts/orders/value.avsc", order(A, B_DEFAULT))
    origin.main_commit("v2")
    origin.repo.write("contracts/orders/value.avsc", order(A))
    origin.main_commit("revert to v1")
    origin.change(lambda r: r.write("contracts/orders/value.avsc", order(A, B_INT)))


def deleted_and_readded(origin: Origin) -> None:
    # the root stays (git keeps no empty folder; a missing contracts root is itself exit 2)
    origin.repo.write("contracts/README.md", "Contracts of this repository.\n")
    origin.repo.write("contracts/orders/value.avsc", order(A, B_DEFAULT))
    origin.main_commit("v1")
    origin.repo.git("rm", "-q", "contracts/orders/value.avsc")
    origin.main_commit("delete")
    origin.repo.write("contracts/orders/value.avsc", order(A))
    origin.main_commit("re-add")
    origin.change(lambda r: r.write("contracts/orders/value.avsc", order(A, B_INT)))


SCENARIOS = [moved, renamed_with_an_edit, merged, sidecar_only, reverted, deleted_and_readded]


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def clone(origin: Origin, target: Path, *options: str, checkout: tuple[str, ...] = ("change",)) -> GitRepo:
    git(target.parent, "clone", "-q", *options, f"file://{origin.repo.root}", str(target))
    cloned = GitRepo.__new__(GitRepo)
    cloned.root = target
    cloned.git("checkout", "-q", *checkout)
    return cloned


def verdicts(result: Result) -> dict[str | None, str]:
    return {r["registry"]: r["verdict"] for r in result.json()["results"] if r["subject"] == "orders-value"}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_a_break_never_passes_under_any_git_condition(
    tmp_path: Path, registry_double: RegistryDouble, scenario: Callable[[Origin], None]
) -> None:
    origin = Origin(tmp_path / "origin", registry_double, group=scenario is sidecar_only)
    scenario(origin)

    full = clone(origin, tmp_path / "full")
    both = full.run(
        "check", "--against", "origin/main", "--registry", "r", "--format", "json", env=origin.env
    )
    assert both.code == 1, both.output
    assert verdicts(both) == {None: "incompatible", "r": "incompatible"}  # git's verdict is the registry's

    degraded: dict[str, Result] = {}
    for depth in ("1", "2", "3"):
        shallow = clone(origin, tmp_path / f"depth-{depth}", "--depth", depth, "--no-single-branch")
        degraded[f"depth {depth}"] = shallow.run("check", "--against", "origin/main")
    single = clone(origin, tmp_path / "single", "--single-branch", "--branch", "change", checkout=("change",))
    degraded["single-branch"] = single.run("check")
    detached = clone(origin, tmp_path / "detached", checkout=("--detach", "origin/change"))
    degraded["detached"] = detached.run("check", env={"GITHUB_BASE_REF": "main"})
    degraded["not an ancestor"] = full.run("check", "--against", _not_an_ancestor(full))
    partial = clone(origin, tmp_path / "partial", "--filter=blob:none")
    shutil.move(str(origin.repo.root), str(tmp_path / "origin-gone"))
    degraded["partial, promisor gone"] = partial.run("check", "--against", "origin/main")
    shutil.move(str(tmp_path / "origin-gone"), str(origin.repo.root))

    passed = {way: r.output for way, r in degraded.items() if r.code not in (1, 3) or "Traceback" in r.output}
    assert not passed, passed
    assert degraded["detached"].code == 1, degraded["detached"].output  # a detached HEAD loses no history


def _not_an_ancestor(repo: GitRepo) -> str:
    """A commit off main's first one holding main's latest tree: not an ancestor of HEAD."""
    first = repo.git("rev-list", "--max-parents=0", "origin/main").split()[0]
    return repo.git("commit-tree", "origin/main^{tree}", "-p", first, "-m", "elsewhere").strip()
