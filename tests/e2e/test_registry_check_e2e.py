"""`check --registry` through the installed CLI against two loopback registry doubles (AWS, Azure)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import GitRepo, record
from tests.registry_double import BasicAuth, RegistryDouble
from tests.registry_double.fixtures import TwoRegistries

SENTINEL = "s3ntinel-Secret-9f2"
V1 = record("OrderPlaced", [{"name": "id", "type": "string"}])
V2_COMPATIBLE = record(
    "OrderPlaced", [{"name": "id", "type": "string"}, {"name": "n", "type": "int", "default": 0}]
)
CONFIG = """version: 1
defaults: {compatibility: BACKWARD}
registries:
  aws:
    url: "${AWS_URL}"
    auth: {basic: {username: "${AWS_KEY:-}", password: "${AWS_SECRET:-}"}}
    retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}
    timeout: {connect: 1, read: 2}
  azure:
    url: "${AZURE_URL}"
    retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}
    timeout: {connect: 1, read: 2}
"""
CONFIG_NO_AUTH = CONFIG.replace(
    '    auth: {basic: {username: "${AWS_KEY:-}", password: "${AWS_SECRET:-}"}}\n', ""
)


def env_for(registries: TwoRegistries, **extra: str) -> dict[str, str]:
    return {"AWS_URL": registries.aws.url, "AZURE_URL": registries.azure.url, **extra}


def start(repo: GitRepo, config: str = CONFIG_NO_AUTH) -> None:
    repo.write("contractctl.yaml", config)
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")


def seed(double: RegistryDouble, subject: str, schema: dict[str, Any], level: str = "BACKWARD") -> None:
    double.store.set_config(subject, level)
    double.store.register(subject, json.dumps(schema))


def registry_results(result: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["subject"], r["registry"]): r for r in result.json()["results"] if r["registry"]}


def test_new_subject_everywhere_passes(repo: GitRepo, two_registries: TwoRegistries) -> None:
    start(repo)
    repo.write("contracts/orders/value.avsc", V2_COMPATIBLE)
    result = repo.run(
        "check", "--registry", "aws", "--registry", "azure", "--format", "json", env=env_for(two_registries)
    )
    assert result.code == 0, result.output
    remote = registry_results(result)
    assert {k: v["verdict"] for k, v in remote.items()} == {
        ("orders-value", "aws"): "new",
        ("orders-value", "azure"): "new",
    }


def test_registry_history_decides_when_git_does_not_know_it(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    start(repo)
    seed(two_registries.aws, "orders-value", V1)
    # azure holds an out-of-band version with a required field that git never had
    seed(
        two_registries.azure,
        "orders-value",
        record("OrderPlaced", [{"name": "id", "type": "string"}, {"name": "legacy", "type": "int"}]),
    )
    seed(
        two_registries.azure,
        "orders-value",
        record("OrderPlaced", [{"name": "id", "type": "long"}]),
        level="NONE",
    )
    two_registries.azure.store.set_config("orders-value", "BACKWARD")
    repo.write("contracts/orders/value.avsc", V2_COMPATIBLE)
    result = repo.run(
        "check", "--registry", "aws", "--registry", "azure", "--format", "json", env=env_for(two_registries)
    )
    assert result.code == 1, result.output
    remote = registry_results(result)
    assert remote[("orders-value", "aws")]["verdict"] == "compatible"
    azure = remote[("orders-value", "azure")]
    assert azure["verdict"] == "incompatible"
    finding = azure["findings"][0]
    assert finding["registry"] == "azure" and finding["rule"] == "TYPE_MISMATCH"
    assert finding["file"] == "contracts/orders/value.avsc" and finding["line"] >= 1
    text = repo.run("check", "--registry", "aws", "--registry", "azure", env=env_for(two_registries))
    assert "registry azure" in text.stdout


def test_one_cloud_down_fails_closed_naming_it(repo: GitRepo, two_registries: TwoRegistries) -> None:
    start(repo)
    repo.write("contracts/orders/value.avsc", V2_COMPATIBLE)
    two_registries.azure.faults.fail_next(50, status=503)
    result = repo.run(
        "check", "--registry", "aws", "--registry", "azure", "--format", "json", env=env_for(two_registries)
    )
    assert result.code == 3, result.output
    remote = registry_results(result)
    assert remote[("orders-value", "aws")]["verdict"] == "new"
    azure = remote[("orders-value", "azure")]
    assert azure["verdict"] == "error"
    assert azure["findings"][0]["kind"] == "environment"
    assert "azure" in azure["findings"][0]["message"] and "503" in azure["findings"][0]["message"]


def test_definite_failure_wins_over_an_unreachable_registry(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    start(repo)
    repo.write("contracts/orders/value.avsc", {**V1, "name": "Renamed"})
    env = env_for(two_registries, AZURE_URL="http://127.0.0.1:9")  # nothing listens on the discard port
    result = repo.run("check", "--registry", "aws", "--registry", "azure", env=env)
    assert result.code == 1
    assert "NAME_MISMATCH" in result.stdout
    assert "registry azure could not answer: unreachable" in result.stdout


def test_wrong_credentials_never_print_the_secret(repo: GitRepo, registry_double_factory: Any) -> None:
    aws = registry_double_factory(name="aws", auth=BasicAuth("key", "right-password"))
    azure = registry_double_factory(name="azure")
    start(repo, CONFIG)
    repo.write("contracts/orders/value.avsc", V2_COMPATIBLE)
    env = {"AWS_URL": aws.url, "AZURE_URL": azure.url, "AWS_KEY": "key", "AWS_SECRET": SENTINEL}
    for output_format in ("text", "json", "github", "markdown", "junit", "sarif"):
        result = repo.run(
            "check", "--registry", "aws", "--registry", "azure", "--format", output_format, "-v", env=env
        )
        assert result.code == 3, (output_format, result.output)
        assert SENTINEL not in result.output
    assert "401" in repo.run("check", "--registry", "aws", env=env).stdout


def test_level_drift_is_reported(repo: GitRepo, two_registries: TwoRegistries) -> None:
    start(repo)
    seed(two_registries.aws, "orders-value", V1, level="NONE")
    repo.write("contracts/orders/value.avsc", V2_COMPATIBLE)
    result = repo.run("check", "--registry", "aws", "--format", "json", env=env_for(two_registries))
    assert result.code == 0
    [finding] = registry_results(result)[("orders-value", "aws")]["findings"]
    assert finding["rule"] == "LEVEL_DRIFT" and "NONE" in finding["message"]


def test_new_reference_in_the_same_change_is_taken_into_account(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    money = record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
    order = record("OrderPlaced", [{"name": "id", "type": "string"}])
    start(repo)
    seed(two_registries.aws, "orders-value", order)
    repo.write("contracts/common/money.avsc", money)
    with_total = {
        **order,
        "fields": [
            *order["fields"],
            {"name": "total", "type": ["null", "com.acme.common.Money"], "default": None},
        ],
    }
    repo.write("contracts/orders/value.avsc", with_total)
    result = repo.run("check", "--registry", "aws", "--format", "json", env=env_for(two_registries))
    assert result.code == 0, result.output
    remote = registry_results(result)
    assert remote[("orders-value", "aws")]["verdict"] == "compatible"
    assert remote[("com.acme.common.Money", "aws")]["verdict"] == "new"


def test_registry_configuration_errors_are_exit_2(repo: GitRepo, two_registries: TwoRegistries) -> None:
    start(repo)
    repo.write("contracts/orders/value.avsc", V2_COMPATIBLE)
    unset = repo.run("check", "--registry", "aws", env={"AZURE_URL": "http://127.0.0.1:1"})
    assert unset.code == 2 and "AWS_URL is not set" in unset.stderr
    unknown = repo.run("check", "--registry", "gcp", env=env_for(two_registries))
    assert unknown.code == 2 and "no such registry" in unknown.stderr


ADDRESS = 'syntax = "proto3";\npackage com.acme.common;\nmessage Address {\n  string city = 1;\n}\n'
SHIPMENT = (
    'syntax = "proto3";\npackage com.acme.shipping;\nimport "common/address.proto";\n'
    "message Shipment {\n  string id = 1;\n  com.acme.common.Address to = 2;\n}\n"
)


def test_protobuf_with_references_against_the_registry(repo: GitRepo, registry_double_factory: Any) -> None:
    from tests.e2e.project_checkers import protobuf_checker
    from tests.registry_double import Reference

    aws = registry_double_factory(name="aws", checkers={"PROTOBUF": protobuf_checker})
    azure = registry_double_factory(name="azure", checkers={"PROTOBUF": protobuf_checker})
    repo.write("contractctl.yaml", CONFIG_NO_AUTH)
    repo.write("contracts/common/address.proto", ADDRESS)
    repo.write("contracts/shipping/value.proto", SHIPMENT)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")
    for double in (aws, azure):
        double.store.set_config(None, "BACKWARD")
        # registered as Confluent's serializers name a reference: by its import path (the default)
        address = double.store.register("common/address.proto", ADDRESS, schema_type="PROTOBUF")
        double.store.register(
            "shipping-value",
            SHIPMENT,
            schema_type="PROTOBUF",
            references=[Reference("common/address.proto", "common/address.proto", address.version)],
        )
    env = {"AWS_URL": aws.url, "AZURE_URL": azure.url}
    args = ("check", "--registry", "aws", "--registry", "azure", "--format", "json")
    # a breaking change of the field kind, judged by each registry with the references it holds
    repo.write("contracts/shipping/value.proto", SHIPMENT.replace("string id = 1;", "int64 id = 1;"))
    result = repo.run(*args, env=env)
    assert result.code == 1, result.output
    remote = registry_results(result)
    for registry in ("aws", "azure"):
        finding = remote[("shipping-value", registry)]["findings"][0]
        assert finding["rule"] == "FIELD_SCALAR_KIND_CHANGED" and finding["pointer"] == "#/Shipment/1"
        assert finding["line"] == 5
    # the referenced contract changes too: the registries cannot resolve it yet, so they skip (warning)
    repo.write("contracts/shipping/value.proto", SHIPMENT)
    repo.write(
        "contracts/common/address.proto",
        ADDRESS.replace("string city = 1;", "string city = 1;\n  string zip = 2;"),
    )
    result = repo.run(*args, env=env)
    assert result.code == 0, result.output
    remote = registry_results(result)
    assert remote[("shipping-value", "aws")]["verdict"] == "skipped"
    assert remote[("shipping-value", "aws")]["findings"][0]["rule"] == "REMOTE_CHECK_SKIPPED"
    assert remote[("common/address.proto", "azure")]["verdict"] == "compatible"
