"""A subject's schema type changing (Avro <-> Protobuf) is a finding with the way out, never a crash.

Schema Registry refuses a new version whose compared versions are of another type ("Incompatible
because of different schema type"), except under NONE, where nothing is compared.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GitRepo, Result, record
from tests.registry_double.fixtures import TwoRegistries

ORDER_AVRO = record("Order", [{"name": "id", "type": "string"}], "acme.v1")
ORDER_PROTO = 'syntax = "proto3";\npackage acme.v1;\nmessage Order { string id = 1; }\n'
CONFIG = "version: 1\ndefaults: {compatibility: LEVEL}\n"


def _findings(result: Result) -> list[dict[str, Any]]:
    data = result.json()
    return list(data["findings"]) + [f for r in data["results"] for f in r["findings"]]


def _assert_type_change(result: Result, subject: str, file: str) -> dict[str, Any]:
    assert result.code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    changed = [f for f in _findings(result) if f["rule"] == "SCHEMA_TYPE_CHANGED" and f["subject"] == subject]
    assert changed, result.output
    assert changed[0]["file"] == file
    assert "Incompatible because of different schema type" in changed[0]["message"]
    assert "new subject" in changed[0]["hint"] and "--allow-breaking" in changed[0]["hint"]
    return changed[0]


def _switch(repo: GitRepo, old: str, new: str, old_text: Any, new_text: Any, level: str = "BACKWARD") -> None:
    repo.write("contractctl.yaml", CONFIG.replace("LEVEL", level))
    repo.write(old, old_text)
    repo.commit("first format")
    repo.git("checkout", "-q", "-b", "switch")
    repo.git("rm", "-q", old)
    repo.write(new, new_text)


@pytest.mark.parametrize(
    ("old", "new", "old_text", "new_text", "old_type"),
    [
        ("contracts/orders/value.avsc", "contracts/orders/value.proto", ORDER_AVRO, ORDER_PROTO, "AVRO"),
        ("contracts/orders/value.proto", "contracts/orders/value.avsc", ORDER_PROTO, ORDER_AVRO, "PROTOBUF"),
    ],
)
def test_type_change_in_working_tree_and_index_is_a_finding(
    repo: GitRepo, old: str, new: str, old_text: Any, new_text: Any, old_type: str
) -> None:
    _switch(repo, old, new, old_text, new_text)
    finding = _assert_type_change(repo.run("check", "--format", "json"), "orders-value", new)
    assert f"from {old_type} to" in finding["message"]
    repo.git("add", "-A")
    _assert_type_change(repo.run("check", "--staged", "--format", "json"), "orders-value", new)
    repo.commit("switched")
    _assert_type_change(repo.run("check", "--against", "main", "--format", "json"), "orders-value", new)

    allowed = repo.run(
        "check", "--against", "main", "--allow-breaking", "orders-value", "--reason", "new format"
    )
    assert allowed.code == 0, allowed.output


def test_type_change_passes_under_none_as_the_registry_does(repo: GitRepo) -> None:
    _switch(
        repo, "contracts/orders/value.avsc", "contracts/orders/value.proto", ORDER_AVRO, ORDER_PROTO, "NONE"
    )
    result = repo.run("check")
    assert result.code == 0, result.output


def test_transitive_level_still_compares_the_old_type_after_a_switch(repo: GitRepo) -> None:
    """A switch let through under NONE keeps failing a transitive level later (the registry compares
    every version); a non-transitive level compares only the latest, of the new type."""
    _switch(
        repo, "contracts/orders/value.avsc", "contracts/orders/value.proto", ORDER_AVRO, ORDER_PROTO, "NONE"
    )
    repo.commit("switch under NONE")
    repo.write("contracts/orders/value.proto", ORDER_PROTO.replace("id = 1;", "id = 1; string note = 2;"))
    repo.write("contractctl.yaml", CONFIG.replace("LEVEL", "BACKWARD"))
    assert repo.run("check", "--against", "switch").code == 0
    repo.write("contractctl.yaml", CONFIG.replace("LEVEL", "BACKWARD_TRANSITIVE"))
    _assert_type_change(
        repo.run("check", "--against", "switch", "--format", "json"),
        "orders-value",
        "contracts/orders/value.proto",
    )


def test_all_with_an_override_mapping_both_formats_to_one_subject(repo: GitRepo) -> None:
    repo.write(
        "contractctl.yaml",
        'version: 1\ndefaults: {compatibility: BACKWARD}\nsubjects:\n  - match: "contracts/orders/*"\n'
        "    subject: orders-value\n",
    )
    repo.write("contracts/orders/order.avsc", ORDER_AVRO)
    repo.commit("avro")
    repo.git("rm", "-q", "contracts/orders/order.avsc")
    repo.write("contracts/orders/order.proto", ORDER_PROTO)
    repo.commit("protobuf")
    _assert_type_change(
        repo.run("check", "--all", "--format", "json"), "orders-value", "contracts/orders/order.proto"
    )


def test_type_change_of_a_referenced_contract_and_its_dependent(repo: GitRepo) -> None:
    """A shared type (RecordNameStrategy subject) and the contract using it both move to Avro."""
    # record naming: the shared .proto keeps its type's name, so both files are one subject
    repo.write(
        "contractctl.yaml", CONFIG.replace("LEVEL", "BACKWARD") + "protobuf: {reference_naming: record}\n"
    )
    repo.write(
        "contracts/common/money.proto",
        'syntax = "proto3";\npackage acme.common.v1;\nmessage Money { int64 cents = 1; }\n',
    )
    repo.write(
        "contracts/orders/value.proto",
        'syntax = "proto3";\npackage acme.v1;\nimport "common/money.proto";\n'
        "message Order { string id = 1; acme.common.v1.Money total = 2; }\n",
    )
    repo.commit("protobuf")
    repo.git("rm", "-q", "contracts/common/money.proto", "contracts/orders/value.proto")
    repo.write(
        "contracts/common/money.avsc", record("Money", [{"name": "cents", "type": "long"}], "acme.common.v1")
    )
    repo.write(
        "contracts/orders/value.avsc",
        record(
            "Order",
            [{"name": "id", "type": "string"}, {"name": "total", "type": "acme.common.v1.Money"}],
            "acme.v1",
        ),
    )
    result = repo.run("check", "--format", "json")
    _assert_type_change(result, "acme.common.v1.Money", "contracts/common/money.avsc")
    _assert_type_change(result, "orders-value", "contracts/orders/value.avsc")
    subjects = {f["subject"] for f in _findings(result) if f["rule"] == "SCHEMA_TYPE_CHANGED"}
    assert subjects == {"acme.common.v1.Money", "orders-value"}


def test_registry_check_and_publish_report_the_type_change(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    fast = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 2}"
    config = (
        "version: 1\ndefaults: {compatibility: BACKWARD}\nregistries:\n"
        f'  aws: {{url: "${{AWS_URL}}", {fast}}}\n  azure: {{url: "${{AZURE_URL}}", {fast}}}\n'
    )
    env = {"AWS_URL": two_registries.aws.url, "AZURE_URL": two_registries.azure.url}
    repo.write("contractctl.yaml", config)
    repo.write("contracts/orders/value.avsc", ORDER_AVRO)
    repo.commit("avro")
    published = repo.run("publish", "--registry", "aws", env=env)
    assert published.code == 0, published.output
    repo.git("checkout", "-q", "-b", "switch")
    repo.git("rm", "-q", "contracts/orders/value.avsc")
    repo.write("contracts/orders/value.proto", ORDER_PROTO)

    remote = repo.run("check", "--registry", "aws", "--format", "json", env=env)
    registry_findings = [f for f in _findings(remote) if f["registry"] == "aws"]
    assert [f["rule"] for f in registry_findings if f["kind"] == "incompatible"] == ["SCHEMA_TYPE_CHANGED"]
    _assert_type_change(remote, "orders-value", "contracts/orders/value.proto")

    repo.commit("switch")
    # aws holds the Avro version: the registry's own answer; azure holds nothing: git's level decides
    refused = repo.run("publish", "--registry", "aws", "--registry", "azure", "--format", "json", env=env)
    _assert_type_change(refused, "orders-value", "contracts/orders/value.proto")
    by_registry = {f["registry"] for f in _findings(refused) if f["rule"] == "SCHEMA_TYPE_CHANGED"}
    assert by_registry == {"aws", "azure"}
    assert [v.version for v in two_registries.aws.store.versions_of("orders-value")] == [1]
    assert two_registries.azure.store.versions_of("orders-value") == []
