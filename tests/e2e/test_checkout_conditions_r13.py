"""Checkouts real users make that a plain full clone does not show: a break must never pass.

Each test makes the same Avro history a full clone checks with exit 1 (a field's type changed from
int to string) and obtains it under one git condition, through the real CLI in a real repository:

- contracts stored through a clean/smudge filter (as git-crypt does): git holds the filtered text;
- `core.symlinks=false` (git for Windows' default): a contract that is a link is checked out as a
  plain file holding the name it leads to;
- `core.ignorecase=true` (macOS, Windows): a contract renamed by case only keeps its old name in the
  index, and git names the old one changed;
- `contracts/` a git submodule: the superproject's history holds commits of another repository,
  not the contracts' versions.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GitRepo, contractctl_command, record, run_cli
from tests.registry_double import RegistryDouble

A = {"name": "a", "type": "string"}
V1 = record("Order", [A, {"name": "n", "type": "int"}])
BREAK = record("Order", [A, {"name": "n", "type": "string"}])  # int -> string: not BACKWARD
C = {"name": "c", "type": "string", "default": ""}
COMPATIBLE = record("Order", [A, {"name": "n", "type": "int"}, C])


def _check(repo: GitRepo, *args: str) -> tuple[int, dict[str, Any], list[str]]:
    """Exit code, verdict by subject, and every finding's rule."""
    result = repo.run("check", *args, "--format", "json")
    assert "Traceback" not in result.output, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    verdicts = {r["subject"]: r["verdict"] for r in document["results"]}
    findings = [*document["findings"], *(f for r in document["results"] for f in r["findings"])]
    rules = [f["rule"] for f in findings]
    return result.code, verdicts, rules


def test_a_break_against_history_stored_through_a_clean_filter_does_not_pass(repo: GitRepo) -> None:
    """git-crypt and the like store what their clean filter makes of a file: no version parses, and
    each was only a HISTORY_UNPARSEABLE warning, so the break passed (exit 0)."""
    repo.git("config", "filter.enc.clean", "base64")
    repo.git("config", "filter.enc.smudge", "base64 -d")
    repo.write(".gitattributes", "contracts/** filter=enc\n")
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1, stored encoded")
    assert not repo.git("show", "HEAD:contracts/orders/value.avsc").startswith("{")
    repo.git("checkout", "-q", "-b", "change")
    repo.write("contracts/orders/value.avsc", BREAK)
    code, verdicts, rules = _check(repo)
    assert code == 3
    assert verdicts == {"orders-value": "failed"}
    assert rules == ["HISTORY_FILTERED"]
    repo.commit("the break")
    for args in ([], ["--all"]):
        code, _, rules = _check(repo, *args)
        assert (code, rules) == (3, ["HISTORY_FILTERED"]), args


SIDECAR = """properties: {major: "1"}
rules:
  migration:
    - {name: up, kind: TRANSFORM, mode: UPGRADE, type: JSONATA, expr: "$"}
    - {name: down, kind: TRANSFORM, mode: DOWNGRADE, type: JSONATA, expr: "$"}
"""


def test_a_break_beside_a_sidecar_stored_through_a_clean_filter_does_not_pass(repo: GitRepo) -> None:
    """Only the sidecars filtered (`*.yaml`, as repositories encrypting their settings do): the
    earlier sidecar did not validate (a warning), so its version counted as another compatibility
    group, was not compared, and the break passed (exit 0)."""
    repo.git("config", "filter.enc.clean", "base64")
    repo.git("config", "filter.enc.smudge", "base64 -d")
    repo.write(".gitattributes", "contracts/**/*.yaml filter=enc\n")
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility_group: major}\n")
    repo.write("contracts/orders/value.avsc", V1)
    repo.write("contracts/orders/value.contract.yaml", SIDECAR)
    repo.commit("v1, its sidecar stored encoded")
    repo.git("checkout", "-q", "-b", "change")
    repo.write("contracts/orders/value.avsc", BREAK)
    code, verdicts, rules = _check(repo)
    assert (code, verdicts) == (3, {"orders-value": "failed"}), rules
    assert "HISTORY_FILTERED" in rules


def test_a_linked_contract_checked_out_as_a_plain_file_is_read_through(repo: GitRepo) -> None:
    """Without symlinks, git writes a link as a plain file holding the name it leads to. The check
    of the working tree read that file as the contract (exit 2 under --all) and, as git's diff names
    only the file led to, checked no subject for an edit of it: a break passed (exit 0)."""
    repo.write("shared/order.avsc", V1)
    repo.link("contracts/orders/value.avsc", "../../shared/order.avsc")
    repo.commit("v1, linked")
    repo.git("config", "core.symlinks", "false")
    (repo.root / "contracts/orders/value.avsc").unlink()
    repo.git("checkout", "--", "contracts/orders/value.avsc")  # as a clone on Windows has it
    assert not (repo.root / "contracts/orders/value.avsc").is_symlink()
    repo.git("checkout", "-q", "-b", "change")
    repo.write("shared/order.avsc", COMPATIBLE)
    assert _check(repo) == (0, {"orders-value": "compatible"}, [])
    repo.write("shared/order.avsc", BREAK)
    code, verdicts, rules = _check(repo)
    assert (code, verdicts, rules) == (1, {"orders-value": "incompatible"}, ["TYPE_MISMATCH"])
    repo.commit("the break")
    for args in ([], ["--all"]):
        code, verdicts, rules = _check(repo, *args)
        assert (code, verdicts, rules) == (1, {"orders-value": "incompatible"}, ["TYPE_MISMATCH"]), args
    # a link leading out of the repository, checked out plain: skipped, never parsed nor followed
    repo.write("contracts/refunds/value.avsc", "../../../outside.avsc")
    name = repo.git("hash-object", "-w", "contracts/refunds/value.avsc").strip()
    repo.git("update-index", "--add", "--cacheinfo", f"120000,{name},contracts/refunds/value.avsc")
    code, _, rules = _check(repo, "--all")
    assert (code, sorted(rules)) == (1, ["PATH_SKIPPED", "TYPE_MISMATCH"])


def test_a_contract_renamed_by_case_only_is_checked_where_git_ignores_case(repo: GitRepo) -> None:
    """Where git ignores case (macOS, Windows), a file renamed by case only is still the index's
    entry: git names the old spelling changed and never lists the new one, while the check reads the
    new one from disk. The edit was in no subject's changed files: a break passed (exit 0)."""
    repo.git("config", "core.ignorecase", "true")
    repo.write("contracts/common/Orders.avsc", V1)  # a shared type: its subject is its record's name
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "change")
    (repo.root / "contracts/common/Orders.avsc").rename(repo.root / "contracts/common/orders.avsc")
    assert _check(repo) == (0, {}, [])  # the same schema: nothing to check
    repo.write("contracts/common/orders.avsc", BREAK)
    code, verdicts, rules = _check(repo)
    assert (code, verdicts, rules) == (1, {"com.acme.Order": "incompatible"}, ["TYPE_MISMATCH"])


def _with_submodule(repo: GitRepo, tmp_path: Path, where: str) -> GitRepo:
    """`repo` holding, at `where`, a submodule whose own history has V1 at orders/value.avsc."""
    inner = GitRepo(tmp_path / "inner")
    inner.write("orders/value.avsc", V1)
    inner.commit("v1")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner.root), where)
    repo.commit("add the submodule")
    repo.git("checkout", "-q", "-b", "change")
    return inner


def test_a_contracts_root_that_is_a_submodule_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    """The superproject's history holds the submodule's commits, not the contracts' versions: every
    contract was "new" (exit 0), a break included, in the working tree, staged and under --all."""
    _with_submodule(repo, tmp_path, "contracts")
    repo.write("contracts/orders/value.avsc", BREAK)
    repo.git("-C", "contracts", "commit", "-q", "-am", "the break")
    repo.git("add", "contracts")
    for args in ([], ["--staged"], ["--all"]):
        result = repo.run("check", *args)
        assert result.code == 2, (args, result.output)
        assert "submodule" in result.stderr and "Traceback" not in result.output


def test_a_submodule_under_the_root_is_refused_unless_excluded(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("contracts/sales/value.avsc", V1)
    _with_submodule(repo, tmp_path, "contracts/vendor")
    repo.write("contracts/vendor/orders/value.avsc", BREAK)
    repo.git("-C", "contracts/vendor", "commit", "-q", "-am", "the break")
    repo.git("add", "contracts/vendor")
    for args in ([], ["--staged"], ["--all"]):
        code, verdicts, rules = _check(repo, *args)
        assert (code, rules) == (2, ["SUBMODULE"]), args
        assert "orders-value" not in verdicts
    repo.write("contractctl.yaml", 'version: 1\ncontracts: {exclude: ["contracts/vendor/**"]}\n')
    repo.git("add", "contractctl.yaml")
    for args in ([], ["--staged"], ["--all"]):
        code, verdicts, rules = _check(repo, *args)
        assert (code, rules) == (0, []), args
        assert "orders-value" not in verdicts


def test_an_unborn_branch_beside_the_base_branch_is_not_checked_as_new(repo: GitRepo) -> None:
    """An orphan branch (HEAD without a commit) while main holds the contracts' versions: every
    contract was "new" (exit 0), a break included; after its first commit the check is exit 3 (no
    shared history). Now it is exit 3 before the commit too, and `--against main` compares."""
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1")
    repo.git("checkout", "-q", "--orphan", "fresh")
    repo.write("contracts/orders/value.avsc", BREAK)
    repo.git("add", "-A")
    for args in (["--staged"], []):
        result = repo.run("check", *args)
        assert result.code == 3, (args, result.output)
        assert "--against main" in result.stderr and "Traceback" not in result.output
    code, verdicts, rules = _check(repo, "--staged", "--against", "main")
    assert (code, verdicts, rules) == (1, {"orders-value": "incompatible"}, ["TYPE_MISMATCH"])


def test_a_new_repository_checks_its_staged_contracts_as_new(repo: GitRepo) -> None:
    """No commit and no base branch anywhere: nothing to compare with, every contract is new."""
    repo.write("contracts/orders/value.avsc", V1)
    repo.git("add", "-A")
    assert _check(repo, "--staged") == (0, {"orders-value": "new"}, [])


def test_publish_names_a_submodule_under_the_root(
    repo: GitRepo, tmp_path: Path, registry_double: RegistryDouble
) -> None:
    """publish listed only the tree's blobs: a submodule's contracts were left out in silence."""
    repo.write("contractctl.yaml", 'version: 1\nregistries:\n  r: {url: "${R_URL}"}\n')
    repo.write("contracts/sales/value.avsc", V1)
    _with_submodule(repo, tmp_path, "contracts/vendor")
    result = repo.run(
        "publish", "--registry", "r", "--dry-run", "--format", "json", env={"R_URL": registry_double.url}
    )
    assert result.code == 2, result.output
    assert [f["file"] for f in result.json()["findings"] if f["rule"] == "SUBMODULE"] == ["contracts/vendor"]


def test_a_relative_git_dir_and_work_tree_are_read_from_where_contractctl_runs(repo: GitRepo) -> None:
    """git reads a relative GIT_DIR and GIT_WORK_TREE from the directory it is started in; the
    check started git in the config's folder, so from contracts/ `GIT_DIR=../.git` named a folder
    above the repository: "not inside a git repository" (exit 3) where git itself works."""
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1")
    repo.write("contracts/orders/value.avsc", BREAK)
    repo.git("add", "-A")
    inside = repo.root / "contracts"
    for args in (["--staged"], []):
        result = run_cli("check", *args, cwd=inside, env={"GIT_DIR": "../.git", "GIT_WORK_TREE": ".."})
        assert result.code == 1, (args, result.output)
        assert "TYPE_MISMATCH" in result.stdout and "Traceback" not in result.output


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_a_repository_git_does_not_trust_is_named_with_the_fix(repo: GitRepo) -> None:
    """A checkout owned by another user (a CI container's mounted workspace): git refuses it as of
    "dubious ownership", and the check said "not inside a git repository" (exit 3), hiding the fix."""
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1")
    for path in [repo.root, *repo.root.rglob("*")]:
        os.chown(path, 12345, 12345, follow_symlinks=False)
    result = repo.run("check")
    assert result.code == 3, result.output
    assert "dubious ownership" in result.stderr and "safe.directory" in result.stderr
    assert "not inside a git repository" not in result.stderr


def test_a_linked_sidecar_checked_out_as_a_plain_file_is_read_through(repo: GitRepo) -> None:
    """The sidecar's plain file (the name its link leads to) was read as YAML: "the sidecar must be a
    mapping" (exit 2) where a full clone passes; a link leading out of the repository is not read."""
    repo.write("contracts/orders/value.avsc", V1)
    repo.write("shared/orders.contract.yaml", "owner: team-orders\n")
    repo.link("contracts/orders/value.contract.yaml", "../../shared/orders.contract.yaml")
    repo.commit("v1, its sidecar linked")
    repo.git("config", "core.symlinks", "false")
    (repo.root / "contracts/orders/value.contract.yaml").unlink()
    repo.git("checkout", "--", "contracts/orders/value.contract.yaml")
    repo.git("checkout", "-q", "-b", "change")
    repo.write("contracts/orders/value.avsc", COMPATIBLE)
    for args in ([], ["--all"]):
        assert _check(repo, *args) == (0, {"orders-value": "compatible"}, []), args
    repo.write("contracts/orders/value.contract.yaml", "../../../outside.contract.yaml")  # retargeted
    assert _check(repo) == (0, {"orders-value": "compatible"}, ["PATH_SKIPPED"])


def test_a_real_pre_commit_hook_reads_the_index_git_commits(repo: GitRepo, tmp_path: Path) -> None:
    """Guards what behaved: git hands the hook the index it commits through GIT_INDEX_FILE (a
    temporary one for `commit -a` and `commit <path>`) and, in a linked worktree, GIT_DIR."""
    command = " ".join(f"'{part}'" for part in contractctl_command())
    hook = repo.write(".git/hooks/pre-commit", f"#!/bin/sh\nexec {command} check --staged -q\n")
    hook.chmod(0o755)
    repo.write("contracts/orders/value.avsc", V1)
    repo.write("contracts/users/value.avsc", record("User", [A]))
    repo.commit("v1")

    def commits(*args: str) -> bool:
        try:
            repo.git("commit", "-q", *args)
        except subprocess.CalledProcessError:
            return False
        return True

    repo.write("contracts/orders/value.avsc", BREAK)
    assert not commits("-a", "-m", "the break, with -a")
    assert not commits("contracts/orders/value.avsc", "-m", "the break, by path")
    repo.git("add", "contracts/orders/value.avsc")  # staged, but not in a commit of another path:
    repo.write("contracts/users/value.avsc", record("User", [A, C]))
    assert commits("contracts/users/value.avsc", "-m", "users only")
    repo.git("reset", "-q", "--hard")
    repo.git("worktree", "add", "-q", "-b", "side", str(tmp_path / "side"))
    side = GitRepo.__new__(GitRepo)
    side.root = tmp_path / "side"
    side.write("contracts/orders/value.avsc", BREAK)
    with pytest.raises(subprocess.CalledProcessError):
        side.git("commit", "-q", "-am", "the break, in a linked worktree")
    side.write("contracts/orders/value.avsc", COMPATIBLE)
    side.git("commit", "-q", "-am", "compatible, in a linked worktree")


def test_a_contract_the_index_holds_as_a_filters_output_is_named_so(repo: GitRepo) -> None:
    """`check --staged` (a pre-commit hook) reads git's copy, which a clean filter made into
    something else: it was INVALID_JSON with "fix the JSON syntax", about a file whose JSON is fine.
    It is CONTRACT_FILTERED, naming the filter (still exit 2: nothing can be checked)."""
    repo.git("config", "filter.enc.clean", "base64")
    repo.git("config", "filter.enc.smudge", "base64 -d")
    repo.write(".gitattributes", "contracts/** filter=enc\n")
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1, stored encoded")
    repo.write("contracts/orders/value.avsc", COMPATIBLE)
    repo.git("add", "contracts/orders/value.avsc")
    code, _, rules = _check(repo, "--staged")
    assert (code, rules) == (2, ["CONTRACT_FILTERED"])
    result = repo.run("check", "--staged")
    assert "filter 'enc'" in result.output and "JSON syntax" not in result.output
    # the working tree holds the schema: there only the unreadable history is named
    code, _, rules = _check(repo)
    assert (code, rules) == (3, ["HISTORY_FILTERED"])


def test_publish_registers_nothing_when_a_version_is_stored_through_a_filter(
    repo: GitRepo, registry_double: Any
) -> None:
    """As for a version held in Git LFS: publish left a filtered version out with a warning and
    registered the rest, so the registry's version numbers were no longer git's. Here the contract
    left an encrypted folder for a plain one, whose history git follows across the move."""
    repo.git("config", "filter.enc.clean", "base64")
    repo.git("config", "filter.enc.smudge", "base64 -d")
    repo.write(".gitattributes", "contracts/secret/** filter=enc\n")
    fast = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 2}"
    repo.write("contractctl.yaml", 'version: 1\nregistries:\n  aws: {url: "${AWS_URL}", ' + fast + "}\n")
    repo.write("contracts/secret/orders/value.avsc", V1)
    repo.commit("v1, stored encoded")
    (repo.root / "contracts/plain").mkdir()
    repo.git("mv", "contracts/secret/orders", "contracts/plain/orders")
    repo.write("contracts/plain/orders/value.avsc", COMPATIBLE)
    repo.commit("v2, in the open")
    result = repo.run(
        "publish", "--registry", "aws", "--format", "json", env={"AWS_URL": registry_double.url}
    )
    assert result.code == 3, result.output
    assert "HISTORY_FILTERED" in result.stdout
    registered = [
        r for r in registry_double.requests if r.method == "POST" and r.decoded_path.endswith("/versions")
    ]
    assert registered == []
