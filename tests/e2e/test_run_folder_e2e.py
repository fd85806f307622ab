"""`check --staged` of .proto files with Protobuf's built-in descriptors kept in the git directory:
a warm run, a damaged or foreign file, and no file at all give the same report, byte for byte."""

from __future__ import annotations

import shutil

from tests.conftest import GitRepo

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
    kept = repo.root / ".git" / "contractctl" / "protobuf-builtins"
    assert kept.is_file()
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
    assert not (repo.root / ".git" / "contractctl" / "protobuf-builtins").exists()
