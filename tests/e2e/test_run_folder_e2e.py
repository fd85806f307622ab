"""`check --staged` of .proto files with Protobuf's built-in descriptors kept in the git directory:
a warm run, a damaged or foreign file, and no file at all give the same report, byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

from tests.conftest import GitRepo, record

SHARED = 'syntax = "proto3";\npackage acme.common.v1;\n\nmessage Money {\n  int64 units = 1;\n}\n'
ORDER = (
    'syntax = "proto3";\npackage acme.orders.v1;\nimport "common/v1/money.proto";\n'
    'import "google/protobuf/timestamp.proto";\n\n'
    "message Order {\n  acme.common.v1.Money total = 1;\n  google.protobuf.Timestamp at = 2;\n}\n"
)


def _check(repo: GitRepo) -> tuple[int, str]:
    result = repo.run("check", "--staged", "--format", "json")
    return result.code, result.stdout


def test_kept_builtins_change_no_report(repo: GitRepo) -> None:
    repo.write("contracts/common/v1/money.proto", SHARED)
    repo.write("contracts/orders/value.proto", ORDER)
    repo.commit("v1")
    # units int64 -> string: incompatible for Money and for the order that holds it
    repo.write("contracts/common/v1/money.proto", SHARED.replace("int64 units", "string units"))
    repo.git("add", "-A")
    cold = _check(repo)
    assert cold[0] == 1 and '"incompatible"' in cold[1] and "orders-value" in cold[1]
    [kept] = (repo.root / ".git" / "contractctl").glob("protobuf-builtins-*")  # this installation's
    assert _check(repo) == cold
    for damaged in (b"garbage", kept.read_bytes()[:-11], kept.read_bytes()[:40] + b"\0" * 64):
        kept.write_bytes(damaged)
        assert _check(repo) == cold
    shutil.rmtree(kept.parent)
    assert _check(repo) == cold
    assert kept.is_file()  # written again


def test_a_check_of_the_working_tree_keeps_nothing(repo: GitRepo) -> None:
    """Only a check of the index keeps files (as the outline cache: its entries are blob ids)."""
    repo.write(
        "contracts/orders/value.proto",
        ORDER.replace('import "common/v1/money.proto";\n', "").replace(
            "acme.common.v1.Money total = 1;\n", ""
        ),
    )
    repo.commit("v1")
    assert repo.run("check").code == 0
    assert not list((repo.root / ".git").glob("contractctl/protobuf-builtins*"))


MONEY_AVRO = json.dumps(record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")) + "\n"
ORDER_AVRO = json.dumps(
    record("Order", [{"name": "total", "type": "com.acme.common.Money"}], "com.acme.orders")
)


def _without_kept_files(repo: GitRepo, env: dict[str, str] | None = None) -> tuple[int, str]:
    """The same check with nothing kept from earlier runs (and nothing kept by this one)."""
    shutil.rmtree(repo.root / ".git" / "contractctl", ignore_errors=True)
    result = repo.run("check", "--staged", "--format", "json", env=env)
    return result.code, result.stdout


def _avro_tree(repo: GitRepo) -> None:
    repo.write("contracts/common/money.avsc", MONEY_AVRO)
    repo.write("contracts/orders/value.avsc", ORDER_AVRO)
    repo.write(
        "contracts/other/value.proto",
        ORDER.replace('import "common/v1/money.proto";\n', "").replace(
            "acme.common.v1.Money total = 1;\n", ""
        ),
    )
    repo.commit("v1")


def test_a_partial_commit_is_checked_from_its_temporary_index(repo: GitRepo) -> None:
    """`git commit <paths>` runs the hook with GIT_INDEX_FILE naming a temporary index: the check
    reads that index, whatever the caches learned from the usual one."""
    _avro_tree(repo)
    repo.write("contracts/common/money.avsc", MONEY_AVRO.replace('"cents"', '"cents", "doc": "minor units"'))
    repo.git("add", "-A")
    assert _check(repo)[0] == 0  # fills the caches from the usual index
    temporary = str(repo.root / ".git" / "index.partial")
    env = {"GIT_INDEX_FILE": temporary}
    repo.git("read-tree", "HEAD")  # the usual index back at HEAD ...
    shutil.copy(repo.root / ".git" / "index", temporary)  # ... copied as the temporary one
    broken = repo.root / "broken.avsc"
    broken.write_text(MONEY_AVRO.replace('"long"', '"string"'))
    blob = repo.git("hash-object", "-w", str(broken)).strip()
    subprocess_env = {**os.environ, "GIT_INDEX_FILE": temporary}
    subprocess.run(
        ["git", "update-index", "--cacheinfo", f"100644,{blob},contracts/common/money.avsc"],
        cwd=repo.root,
        env=subprocess_env,
        check=True,
    )
    warm = repo.run("check", "--staged", "--format", "json", env=env)
    assert warm.code == 1 and "orders-value" in warm.stdout and '"incompatible"' in warm.stdout
    assert repo.run("check", "--staged", "--format", "json").code == 0  # the usual index: unchanged
    assert (warm.code, warm.stdout) == _without_kept_files(repo, env)


def test_staged_renames_deletions_and_additions_with_warm_caches(repo: GitRepo) -> None:
    _avro_tree(repo)
    _check(repo)  # nothing staged: fills the caches from the tree as committed
    steps = [
        lambda: repo.git("mv", "contracts/common/money.avsc", "contracts/common/cash.avsc"),
        lambda: repo.git("rm", "-q", "contracts/orders/value.avsc"),
        lambda: (
            repo.write(
                "contracts/refunds/value.avsc",
                ORDER_AVRO.replace("Order", "Refund").replace("orders", "refunds"),
            ),
            repo.git("add", "-A"),
        ),
        lambda: (
            repo.write(
                "contracts/other/value.proto",
                ORDER.replace("google.protobuf.Timestamp at = 2", "string at = 2"),
            ),
            repo.git("add", "-A"),
        ),
    ]
    for step in steps:
        step()
        cold = _without_kept_files(repo)
        _check(repo)  # fills the caches for this index
        assert _check(repo) == cold
