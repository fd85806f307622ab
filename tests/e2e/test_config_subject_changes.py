"""An edit of contractctl.yaml that renames or drops a subject (a pin changed, a file excluded or left
outside a moved root, a strategy or reference naming switched) must not pass silently: the files did
not change, but the subjects their producers and consumers use vanish from the check."""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo, record
from tests.e2e.test_removals_and_dependents import MODES, rules_of, verdicts
from tests.e2e.test_subject_changes import change, finding

ORDER = record("Order", [{"name": "id", "type": "string"}])
PINNED = "version: 1\nsubjects:\n  - match: contracts/orders/value.avsc\n    subject: {}\n"
MONEY_PROTO = 'syntax = "proto3";\npackage acme.common;\nmessage Money { int64 units = 1; }\n'
ORDER_PROTO = (
    'syntax = "proto3";\npackage acme.orders;\nimport "common/money.proto";\n'
    "message Order { acme.common.Money total = 1; }\n"
)


def pinned_repo(repo: GitRepo, subject: str = "orders-value") -> None:
    repo.write("contractctl.yaml", PINNED.format(subject))
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("v1")


@pytest.mark.parametrize(("args", "commit"), MODES)
def test_a_renamed_pin_reports_the_old_subject(repo: GitRepo, args: tuple[str, ...], commit: bool) -> None:
    pinned_repo(repo)
    change(repo, "contractctl.yaml", PINNED.format("orders2-value"), commit)
    result = repo.run("check", *args, "--format", "json")
    assert result.code == 1, result.output
    assert verdicts(result)["orders-value"] == "subject changed"
    found = finding(result, "orders-value")
    assert found["rule"] == "SUBJECT_CHANGED"
    assert found["severity"] == "error"
    assert found["file"] == "contracts/orders/value.avsc"
    assert "contractctl.yaml" in found["message"] and "'orders2-value'" in found["message"]
    assert "--allow-breaking orders-value" in found["hint"]


@pytest.mark.parametrize(("args", "commit"), MODES)
def test_excluding_a_contract_removes_its_subject(repo: GitRepo, args: tuple[str, ...], commit: bool) -> None:
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.write("contracts/payments/value.avsc", record("Payment", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    change(repo, "contractctl.yaml", 'version: 1\ncontracts: {exclude: ["contracts/orders/**"]}\n', commit)
    result = repo.run("check", *args, "--format", "json")
    assert result.code == 1, result.output
    assert verdicts(result)["orders-value"] == "removed"
    found = finding(result, "orders-value")
    assert found["rule"] == "SUBJECT_REMOVED"
    assert "no longer a contract under the edited contractctl.yaml" in found["message"]
    assert "payments-value" not in {r["subject"] for r in result.json()["results"] if r["findings"]}


def test_a_moved_contracts_root_removes_what_it_leaves_out(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.write("contracts/live/payments/value.avsc", record("Payment", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    change(repo, "contractctl.yaml", "version: 1\ncontracts: {root: contracts/live}\n", commit=False)
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    assert rules_of(result, "orders-value") == ["SUBJECT_REMOVED"]
    assert rules_of(result, "payments-value") == []


def test_switching_the_reference_naming_reports_each_shared_subject(repo: GitRepo) -> None:
    repo.write("contracts/common/money.proto", MONEY_PROTO)
    repo.write("contracts/orders/value.proto", ORDER_PROTO)
    repo.commit("v1")
    change(repo, "contractctl.yaml", "version: 1\nprotobuf: {reference_naming: qualified}\n", commit=True)
    result = repo.run("check", "--against", "HEAD~1", "--format", "json")
    assert result.code == 1, result.output
    found = finding(result, "common/money.proto")
    assert found["rule"] == "SUBJECT_CHANGED"
    assert "'common.money'" in found["message"]
    assert rules_of(result, "orders-value") == []  # the types it uses are still defined


def test_a_config_edit_that_keeps_every_subject_is_no_finding(repo: GitRepo) -> None:
    pinned_repo(repo)
    change(
        repo,
        "contractctl.yaml",
        PINNED.format("orders-value") + "defaults: {compatibility: FULL}\n",
        commit=False,
    )
    result = repo.run("check", "--format", "json")
    assert result.code == 0, result.output
    assert all(not r["findings"] for r in result.json()["results"])


def test_the_old_subject_can_be_allowed_to_go(repo: GitRepo) -> None:
    pinned_repo(repo)
    change(repo, "contractctl.yaml", PINNED.format("orders2-value"), commit=False)
    result = repo.run(
        "check", "--allow-breaking", "orders-value", "--reason", "topic renamed", "--format", "json"
    )
    assert result.code == 0, result.output
    found = finding(result, "orders-value")
    assert found["rule"] == "SUBJECT_CHANGED"
    assert found["allowed_reason"] == "topic renamed"


def test_an_old_subject_at_level_none_is_a_warning(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", PINNED.format("orders-value") + "defaults: {compatibility: NONE}\n")
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("v1")
    change(
        repo,
        "contractctl.yaml",
        PINNED.format("orders2-value") + "defaults: {compatibility: NONE}\n",
        commit=False,
    )
    result = repo.run("check", "--format", "json")
    assert result.code == 0, result.output
    assert finding(result, "orders-value")["severity"] == "warning"


def test_a_config_added_where_the_defaults_ruled(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("v1")
    change(repo, "contractctl.yaml", PINNED.format("orders2-value"), commit=False)
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    assert rules_of(result, "orders-value") == ["SUBJECT_CHANGED"]


def test_a_config_kept_out_of_git_is_not_compared_with_the_defaults(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("v1")
    (repo.root / ".git" / "info" / "exclude").write_text("contractctl.yaml\n")
    repo.write("contractctl.yaml", PINNED.format("orders2-value"))
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    assert rules_of(result, "orders-value") == []


def test_an_unreadable_base_config_is_a_warning_not_a_failure(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\ncontracts: [unclosed\n")
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("v1")
    change(repo, "contractctl.yaml", PINNED.format("orders2-value"), commit=False)
    result = repo.run("check", "--format", "json")
    assert result.code == 0, result.output
    [warning] = [f for f in result.json()["findings"] if f["rule"] == "BASE_CONFIG_UNREADABLE"]
    assert warning["severity"] == "warning"


def test_the_base_configs_registry_sections_are_not_read(repo: GitRepo) -> None:
    # written for an older contractctl: its registries section would not validate today, and it
    # does not decide a subject
    old_registries = "registries:\n  aws:\n    url: https://sr.example\n    basic_auth: {username: u}\n"
    registries = (
        "registries:\n  aws:\n    url: https://sr.example\n"
        "    auth: {basic: {username: u, password: '${UNSET_SECRET_FOR_TEST}'}}\n"
    )
    repo.write("contractctl.yaml", PINNED.format("orders-value") + old_registries)
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("v1")
    change(repo, "contractctl.yaml", PINNED.format("orders2-value") + registries, commit=False)
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    assert rules_of(result, "orders-value") == ["SUBJECT_CHANGED"]
    assert "BASE_CONFIG_UNREADABLE" not in result.stdout


def test_the_users_of_an_excluded_shared_type_are_checked_again(repo: GitRepo) -> None:
    repo.write("contracts/common/money.proto", MONEY_PROTO)
    repo.write("contracts/orders/value.proto", ORDER_PROTO)
    repo.commit("v1")
    change(
        repo, "contractctl.yaml", 'version: 1\ncontracts: {exclude: ["contracts/common/**"]}\n', commit=False
    )
    result = repo.run("check", "--format", "json")
    assert result.code == 2, result.output  # its import is no longer a contract: it cannot compile
    assert rules_of(result, "common/money.proto") == ["SUBJECT_REMOVED"]
    assert "orders" in result.stdout
