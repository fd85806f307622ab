"""Every tree protoc compiles checks without an invalid verdict (issue 14): files of only enums, only
extensions, only options, only a service or only public imports are contracts and references."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GitRepo

TREES = Path(__file__).parent.parent / "protoc_valid"


def protoc_accepts(contracts: Path) -> None:
    """The corpus is ground truth only if protoc itself compiles every file of it."""
    import grpc_tools

    builtins = Path(grpc_tools.__file__).parent / "_proto"
    files = sorted(str(p.relative_to(contracts)) for p in contracts.rglob("*.proto"))
    completed = subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{contracts}", f"-I{builtins}", "-o/dev/null", *files],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr


@pytest.mark.parametrize("tree", sorted(p.name for p in TREES.iterdir() if p.is_dir()))
@pytest.mark.parametrize("naming", ["import_path", "qualified", "record"])
def test_protoc_valid_tree_gives_no_invalid_verdict(repo: GitRepo, tree: str, naming: str) -> None:
    protoc_accepts(TREES / tree / "contracts")
    shutil.copytree(TREES / tree / "contracts", repo.root / "contracts")
    repo.write("contractctl.yaml", f"version: 1\nprotobuf: {{reference_naming: {naming}}}\n")
    repo.commit("tree")
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    verdicts = {r["path"]: r["verdict"] for r in result.json()["results"]}
    expected_files = {
        f"contracts/{p.relative_to(TREES / tree / 'contracts')}" for p in (TREES / tree).rglob("*.proto")
    }
    assert set(verdicts) == expected_files
    assert "invalid" not in verdicts.values()


def test_enum_only_reference_evolves_by_confluents_rules(repo: GitRepo) -> None:
    """The issue's repro: an enum-only shared file imported by a topic's value, then changed."""
    enums = 'syntax = "proto3";\npackage acme.common;\nenum Status {\n  STATUS_UNSPECIFIED = 0;\n}\n'
    repo.write("contracts/common/enums.proto", enums)
    repo.write(
        "contracts/orders/value.proto",
        'syntax = "proto3";\npackage acme.orders;\nimport "common/enums.proto";\n'
        "message Order {\n  string id = 1;\n  acme.common.Status status = 2;\n}\n",
    )
    repo.commit("v1")
    first = repo.run("check", "--all", "--format", "json")
    assert first.code == 0, first.output
    assert {r["subject"] for r in first.json()["results"]} == {"common/enums.proto", "orders-value"}
    # a new constant: ENUM_CONST_ADDED, compatible
    repo.write("contracts/common/enums.proto", enums.replace("= 0;", "= 0;\n  STATUS_OK = 1;"))
    assert repo.run("check").code == 0
    repo.commit("v2")
    # a new package: PACKAGE_CHANGED, incompatible, and the value that imports it no longer compiles
    repo.write("contracts/common/enums.proto", enums.replace("acme.common", "acme.shared"))
    moved = repo.run("check", "--format", "json")
    assert moved.code == 2, moved.output  # orders/value.proto names acme.common.Status: bad input wins
    rules = {f["rule"] for r in moved.json()["results"] for f in r["findings"]}
    assert "PACKAGE_CHANGED" in rules


def test_file_without_message_as_topic_value_is_one_clear_error(repo: GitRepo) -> None:
    repo.write("contracts/status/value.proto", 'syntax = "proto3";\nenum Status {\n  S_UNSPECIFIED = 0;\n}\n')
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 2
    [finding] = [f for r in result.json()["results"] for f in r["findings"]]
    assert finding["rule"] == "NO_RECORD_TYPE"
    assert "status-value" in finding["message"]
