"""Contracts tracked by Git LFS: git holds pointers, not schemas (repo/lfs.py). Real CLI, real
repository; git-lfs itself is not needed: git stores exactly these pointer texts.

Before: with the schemas in the working tree (as `git lfs pull` leaves them) every earlier version
was a pointer, `HISTORY_UNPARSEABLE` only warned, and a wire break passed (exit 0); the index's
pointer failed to parse with "Expected top-level statement" (exit 2).
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import GitRepo

ORDER = 'syntax = "proto3";\npackage shop;\nmessage Order {\n  string id = 1;\n  int64 amount = 2;\n}\n'
POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 92\n"
)
PATH = "contracts/orders/value.proto"


def _check(repo: GitRepo, *args: str) -> tuple[int, dict[str, Any]]:
    result = repo.run("check", *args, "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    return result.code, {r["subject"]: r for r in json.loads(result.stdout)["results"]}


def test_a_break_against_history_held_in_lfs_does_not_pass(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write(PATH, POINTER)
    repo.commit("tracked by LFS: git holds the pointer")
    repo.write(PATH, ORDER.replace("int64 amount", "string amount"))  # as `git lfs pull` left it
    code, results = _check(repo)
    assert code == 3
    assert [f["rule"] for f in results["orders-value"]["findings"]] == ["HISTORY_IN_LFS"]


def test_a_pointer_where_the_check_reads_the_contract_is_named(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write(PATH, ORDER)
    repo.commit("v1")
    repo.write(PATH, POINTER)
    repo.git("add", "-A")
    for args in ([], ["--staged"]):
        code, results = _check(repo, *args)
        assert code == 2, args
        assert results["orders-value"]["verdict"] == "invalid"
        assert [f["rule"] for f in results["orders-value"]["findings"]] == ["LFS_POINTER"], args


def test_publish_registers_nothing_when_a_version_is_held_in_lfs(repo: GitRepo, registry_double: Any) -> None:
    """Before, publish left the version out with a warning and registered the rest: the registry's
    version numbers would no longer be git's."""
    fast = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 2}"
    repo.write("contractctl.yaml", 'version: 1\nregistries:\n  aws: {url: "${AWS_URL}", ' + fast + "}\n")
    repo.write(PATH, POINTER)
    repo.commit("tracked by LFS")
    repo.write(PATH, ORDER)
    repo.commit("out of LFS again")
    result = repo.run(
        "publish", "--registry", "aws", "--format", "json", env={"AWS_URL": registry_double.url}
    )
    assert result.code == 3, result.output
    assert "HISTORY_IN_LFS" in result.stdout
    registered = [
        r for r in registry_double.requests if r.method == "POST" and r.decoded_path.endswith("/versions")
    ]
    assert registered == []
