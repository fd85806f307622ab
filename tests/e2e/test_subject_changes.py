"""A contract whose content names its subject (RecordNameStrategy, or a shared type named by its record)
must not move to another subject silently: the subject it leaves is reported as SUBJECT_CHANGED, a break
like a removed subject, in every way `check` is run; a plain edit that keeps the subject is not."""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo, Result, record
from tests.e2e.test_removals_and_dependents import MODES, rules_of, verdicts

RECORD_STRATEGY = "version: 1\ndefaults: {subject_strategy: record}\n"
ORDER_PROTO = 'syntax = "proto3";\npackage acme.orders.v1;\nmessage OrderPlaced { string id = 1; }\n'
META_FIRST_PROTO = (
    'syntax = "proto3";\npackage acme.orders.v1;\nmessage Meta { string source = 1; }\n'
    "message OrderPlaced { string id = 1; }\n"
)
RENAMED_PROTO = 'syntax = "proto3";\npackage acme.orders.v1;\nmessage OrderCreated { string id = 1; }\n'
FIELD_ADDED_PROTO = (
    'syntax = "proto3";\npackage acme.orders.v1;\nmessage OrderPlaced { string id = 1; int64 total = 2; }\n'
)
OLD = "acme.orders.v1.OrderPlaced"
PROTO_PATH = "contracts/orders/order.proto"


def proto_repo(repo: GitRepo, config: str = RECORD_STRATEGY) -> None:
    repo.write("contractctl.yaml", config)
    repo.write(PROTO_PATH, ORDER_PROTO)
    repo.commit("v1")


def change(repo: GitRepo, path: str, content: str | dict[str, object], commit: bool) -> None:
    repo.write(path, content)
    repo.git("add", "-A")
    if commit:
        repo.commit("change")


def finding(result: Result, subject: str) -> dict[str, str]:
    [found] = [f for r in result.json()["results"] if r["subject"] == subject for f in r["findings"]]
    return dict(found)


@pytest.mark.parametrize(("args", "commit"), MODES)
def test_a_message_inserted_before_the_first_one_is_reported(
    repo: GitRepo, args: tuple[str, ...], commit: bool
) -> None:
    proto_repo(repo)
    change(repo, PROTO_PATH, META_FIRST_PROTO, commit)
    result = repo.run("check", *args, "--format", "json")
    assert result.code == 1, result.output
    assert verdicts(result) == {OLD: "subject changed", "acme.orders.v1.Meta": "new"}
    found = finding(result, OLD)
    assert found["rule"] == "SUBJECT_CHANGED"
    assert found["severity"] == "error"
    assert found["file"] == PROTO_PATH
    assert "'acme.orders.v1.Meta'" in found["message"] and f"'{OLD}'" in found["message"]
    assert f'subjects: [{{match: "{PROTO_PATH}", subject: "{OLD}"}}]' in found["hint"]


@pytest.mark.parametrize(("args", "commit"), MODES)
def test_renaming_the_first_message_is_reported(repo: GitRepo, args: tuple[str, ...], commit: bool) -> None:
    proto_repo(repo)
    change(repo, PROTO_PATH, RENAMED_PROTO, commit)
    result = repo.run("check", *args)
    assert result.code == 1, result.output
    assert f"SUBJECT_CHANGED [{OLD}]" in result.stdout
    assert "acme.orders.v1.OrderCreated" in result.stdout


@pytest.mark.parametrize(("args", "commit"), MODES)
def test_a_plain_edit_that_keeps_the_subject_is_no_finding(
    repo: GitRepo, args: tuple[str, ...], commit: bool
) -> None:
    proto_repo(repo)
    change(repo, PROTO_PATH, FIELD_ADDED_PROTO, commit)
    result = repo.run("check", *args, "--format", "json")
    assert result.code == 0, result.output
    assert verdicts(result) == {OLD: "compatible"}


@pytest.mark.parametrize(("args", "commit"), MODES)
def test_an_avro_namespace_change_moves_a_shared_record_off_its_subject(
    repo: GitRepo, args: tuple[str, ...], commit: bool
) -> None:
    # the default topic strategy names a shared file (not <topic>/key|value) by its record's full name
    money = "contracts/common/money.avsc"
    repo.write(money, record("Money", [{"name": "cents", "type": "long"}], "com.acme.common"))
    repo.commit("v1")
    change(repo, money, record("Money", [{"name": "cents", "type": "long"}], "com.acme.billing"), commit)
    result = repo.run("check", *args, "--format", "json")
    assert result.code == 1, result.output
    assert verdicts(result) == {"com.acme.common.Money": "subject changed", "com.acme.billing.Money": "new"}


def test_a_json_schema_title_change_under_record_naming_is_reported(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", RECORD_STRATEGY)
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Address", "type": "object"}
    repo.write("contracts/common/address.json", schema)
    repo.commit("v1")
    change(repo, "contracts/common/address.json", {**schema, "title": "PostalAddress"}, commit=False)
    result = repo.run("check", "--staged", "--format", "json")
    assert result.code == 1, result.output
    assert rules_of(result, "Address") == ["SUBJECT_CHANGED"]
    assert verdicts(result)["PostalAddress"] == "new"


@pytest.mark.parametrize(("args", "commit"), MODES)
def test_a_contract_git_sees_renamed_to_another_topic_is_reported(
    repo: GitRepo, args: tuple[str, ...], commit: bool
) -> None:
    repo.write("contracts/orders/value.avsc", record("OrderPlaced", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    (repo.root / "contracts/orders-v2").mkdir()
    repo.git("mv", "contracts/orders/value.avsc", "contracts/orders-v2/value.avsc")
    if commit:
        repo.commit("move")
    result = repo.run("check", *args, "--format", "json")
    assert result.code == 1, result.output
    assert verdicts(result) == {"orders-value": "subject changed", "orders-v2-value": "new"}
    found = finding(result, "orders-value")
    assert found["file"] == "contracts/orders-v2/value.avsc"
    assert "renamed to contracts/orders-v2/value.avsc" in found["message"]


def test_allowed_with_a_reason_passes_and_keeps_the_finding(repo: GitRepo) -> None:
    proto_repo(repo)
    change(repo, PROTO_PATH, RENAMED_PROTO, commit=True)
    allowed = repo.run(
        "check", "--against", "HEAD~1", "--allow-breaking", OLD, "--reason", "producers move to OrderCreated"
    )
    assert allowed.code == 0, allowed.output
    assert "SUBJECT_CHANGED" in allowed.stdout and "producers move to OrderCreated" in allowed.stdout


def test_a_subject_at_level_none_is_a_warning(repo: GitRepo) -> None:
    proto_repo(repo, RECORD_STRATEGY.replace("record}", "record, compatibility: NONE}"))
    change(repo, PROTO_PATH, META_FIRST_PROTO, commit=False)
    result = repo.run("check", "--staged", "--format", "json")
    assert result.code == 0, result.output
    assert finding(result, OLD)["severity"] == "warning"


def test_pinning_the_subject_checks_the_file_against_its_history(repo: GitRepo) -> None:
    proto_repo(repo)
    pinned = RECORD_STRATEGY + f'subjects:\n  - match: "{PROTO_PATH}"\n    subject: {OLD}\n'
    repo.write("contractctl.yaml", pinned)
    change(repo, PROTO_PATH, META_FIRST_PROTO, commit=False)
    result = repo.run("check", "--staged", "--format", "json")
    assert result.code == 0, result.output
    assert verdicts(result) == {OLD: "compatible"}


def test_an_audit_of_the_committed_tree_reports_nothing(repo: GitRepo) -> None:
    proto_repo(repo)
    change(repo, PROTO_PATH, META_FIRST_PROTO, commit=True)
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    assert "subject changed" not in verdicts(result).values()


def test_a_namespace_change_that_strands_a_user_is_bad_input_first(repo: GitRepo) -> None:
    # the old full name dangles in orders-value (not edited): it is checked again, and 2 beats 1
    repo.write(
        "contracts/common/money.avsc", record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
    )
    repo.write(
        "contracts/orders/value.avsc",
        record("OrderPlaced", [{"name": "total", "type": "com.acme.common.Money"}]),
    )
    repo.commit("v1")
    change(
        repo,
        "contracts/common/money.avsc",
        record("Money", [{"name": "cents", "type": "long"}], "com.acme.cash"),
        commit=False,
    )
    result = repo.run("check", "--staged", "--format", "json")
    assert result.code == 2, result.output
    assert verdicts(result) == {
        "com.acme.common.Money": "subject changed",
        "com.acme.cash.Money": "new",
        "orders-value": "invalid",
    }
    assert "AVRO_UNKNOWN_TYPE" in rules_of(result, "orders-value")
