"""Deleted contracts and the contracts that use a changed one: no break passes by being out of sight,
whether `check` runs on the working tree, the index, a commit, or through the real pre-commit hook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import GIT_ENV, GitRepo, record

ROOT = Path(__file__).resolve().parents[2]

MONEY = record("Money", [{"name": "cents", "type": "long"}], namespace="com.acme.common")
MONEY_NEW_FIELD = record(
    "Money", [{"name": "cents", "type": "long"}, {"name": "currency", "type": "string"}], "com.acme.common"
)
ORDER = record("OrderPlaced", [{"name": "total", "type": "com.acme.common.Money"}])
FORWARD_COMMON = 'version: 1\nsubjects:\n  - match: "contracts/common/**"\n    compatibility: FORWARD\n'

ADDRESS_PROTO = 'syntax = "proto3";\npackage acme.common.v1;\nmessage Address { string street = 1; }\n'
SHIPPED_PROTO = (
    'syntax = "proto3";\npackage acme.ship.v1;\nimport "common/address.proto";\n'
    "message Shipped { acme.common.v1.Address to = 1; }\n"
)


def avro_repo(repo: GitRepo, config: str | None = None) -> None:
    if config is not None:
        repo.write("contractctl.yaml", config)
    repo.write("contracts/common/money.avsc", MONEY)
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("v1")


def proto_repo(repo: GitRepo) -> None:
    repo.write("contracts/common/address.proto", ADDRESS_PROTO)
    repo.write("contracts/shipping/value.proto", SHIPPED_PROTO)
    repo.commit("v1")


def verdicts(result: Any) -> dict[str, str]:
    return {r["subject"]: r["verdict"] for r in result.json()["results"]}


def rules_of(result: Any, subject: str) -> list[str]:
    return [f["rule"] for r in result.json()["results"] if r["subject"] == subject for f in r["findings"]]


MODES = [
    pytest.param((), False, id="working-tree"),
    pytest.param(("--staged",), False, id="staged"),
    pytest.param(("--against", "HEAD~1"), True, id="against-HEAD~1"),
]


@pytest.mark.parametrize(("args", "commit"), MODES)
def test_deleting_a_referenced_avro_contract_fails_its_users(
    repo: GitRepo, args: tuple[str, ...], commit: bool
) -> None:
    avro_repo(repo)
    repo.git("rm", "-q", "contracts/common/money.avsc")
    if commit:
        repo.commit("drop money")
    result = repo.run("check", *args, "--format", "json")
    assert result.code == 2, result.output
    assert verdicts(result) == {"com.acme.common.Money": "removed", "orders-value": "invalid"}
    assert rules_of(result, "com.acme.common.Money") == ["SUBJECT_REMOVED"]
    assert "AVRO_UNKNOWN_TYPE" in rules_of(result, "orders-value")


@pytest.mark.parametrize(("args", "commit"), MODES)
def test_deleting_an_imported_proto_fails_its_importers(
    repo: GitRepo, args: tuple[str, ...], commit: bool
) -> None:
    proto_repo(repo)
    repo.git("rm", "-q", "contracts/common/address.proto")
    if commit:
        repo.commit("drop address")
    result = repo.run("check", *args, "--format", "json")
    assert result.code == 2, result.output
    assert verdicts(result) == {"common/address.proto": "removed", "shipping-value": "invalid"}
    assert "PROTO_IMPORT_NOT_FOUND" in rules_of(result, "shipping-value")


def test_removed_subject_is_a_finding_unless_allowed_with_a_reason(repo: GitRepo) -> None:
    avro_repo(repo)
    repo.git("rm", "-q", "contracts/orders/value.avsc")
    repo.commit("drop orders")
    failed = repo.run("check", "--against", "HEAD~1")
    assert failed.code == 1, failed.output
    assert "SUBJECT_REMOVED [orders-value]" in failed.stdout
    allowed = repo.run(
        "check", "--against", "HEAD~1", "--allow-breaking", "orders-value", "--reason", "topic retired"
    )
    assert allowed.code == 0, allowed.output
    assert "topic retired" in allowed.stdout


def test_moving_a_contract_is_not_a_removal(repo: GitRepo) -> None:
    avro_repo(repo)
    (repo.root / "contracts/shared").mkdir()
    repo.git("mv", "contracts/common/money.avsc", "contracts/shared/money.avsc")
    result = repo.run("check", "--staged", "--format", "json")
    assert result.code == 0, result.output
    assert "removed" not in verdicts(result).values()


def test_explicit_path_includes_the_contracts_that_use_it(repo: GitRepo) -> None:
    avro_repo(repo, FORWARD_COMMON)
    repo.write("contracts/common/money.avsc", MONEY_NEW_FIELD)
    repo.git("add", "-A")
    result = repo.run("check", "--staged", "contracts/common/money.avsc", "--format", "json")
    assert result.code == 1, result.output
    assert verdicts(result) == {"com.acme.common.Money": "compatible", "orders-value": "incompatible"}


def test_explicit_path_of_an_unchanged_contract_adds_no_dependents(repo: GitRepo) -> None:
    avro_repo(repo, FORWARD_COMMON)
    result = repo.run("check", "contracts/common/money.avsc", "--format", "json")
    assert result.code == 0, result.output
    assert verdicts(result) == {}


def _pre_commit(repo: GitRepo, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The real pre-commit, as `git commit` runs it: on the staged files, the venv's contractctl on PATH."""
    pytest.importorskip("pre_commit")
    env = {
        **os.environ,
        **GIT_ENV,
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run"], cwd=repo.root, env=env, capture_output=True, text=True
    )


def _shipped_hook_as_local(repo: GitRepo) -> None:
    """This repository's .pre-commit-hooks.yaml hook, run from the installed contractctl (a `repo:`
    entry would build its own environment from the package index, which a test must not reach)."""
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    local = {**hook, "language": "system"}
    repo.write(".pre-commit-config.yaml", yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))


HOOKS = [pytest.param("init", id="init-hook"), pytest.param("shipped", id="pre-commit-hooks.yaml")]


def _install_hook(repo: GitRepo, which: str) -> None:
    if which == "init":
        assert repo.run("init").code == 0
    else:
        _shipped_hook_as_local(repo)


@pytest.mark.parametrize("which", HOOKS)
def test_pre_commit_blocks_a_shared_type_change_that_breaks_a_user(
    repo: GitRepo, tmp_path: Path, which: str
) -> None:
    _install_hook(repo, which)
    avro_repo(repo, FORWARD_COMMON)
    repo.write("contracts/common/money.avsc", MONEY_NEW_FIELD)
    repo.git("add", "-A")
    blocked = _pre_commit(repo, tmp_path)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "READER_FIELD_MISSING_DEFAULT_VALUE [orders-value]" in blocked.stdout


@pytest.mark.parametrize("which", HOOKS)
def test_pre_commit_blocks_a_commit_that_only_deletes_a_used_contract(
    repo: GitRepo, tmp_path: Path, which: str
) -> None:
    _install_hook(repo, which)
    avro_repo(repo)
    repo.git("rm", "-q", "contracts/common/money.avsc")
    blocked = _pre_commit(repo, tmp_path)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "SUBJECT_REMOVED" in blocked.stdout and "AVRO_UNKNOWN_TYPE" in blocked.stdout
