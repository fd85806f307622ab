"""publish, status and can-deploy through the installed CLI against two loopback registry doubles."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import GitRepo, record
from tests.registry_double import RegistryDouble
from tests.registry_double.fixtures import TwoRegistries

FAST = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 2}"
CONFIG = """version: 1
defaults: {compatibility: BACKWARD}
subjects:
  - match: "contracts/common/money.avsc"
    compatibility: FULL
registries:
  aws: {url: "${AWS_URL}", FAST}
  azure: {url: "${AZURE_URL}", FAST}
""".replace("FAST", FAST)
MONEY_V1 = record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
MONEY_V2 = record(
    "Money",
    [{"name": "cents", "type": "long"}, {"name": "currency", "type": "string", "default": "EUR"}],
    "com.acme.common",
)
ORDER_V1 = record(
    "OrderPlaced", [{"name": "id", "type": "string"}, {"name": "total", "type": "com.acme.common.Money"}]
)
ORDER_V2 = {
    **ORDER_V1,
    "fields": [*ORDER_V1["fields"], {"name": "note", "type": ["null", "string"], "default": None}],
}


def history(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/common/money.avsc", MONEY_V1)
    repo.write("contracts/orders/value.avsc", ORDER_V1)
    repo.commit("v1")
    repo.write("contracts/common/money.avsc", MONEY_V2)
    repo.commit("money v2")
    repo.write("contracts/orders/value.avsc", ORDER_V2)
    repo.commit("orders v2")


def env_for(registries: TwoRegistries) -> dict[str, str]:
    return {"AWS_URL": registries.aws.url, "AZURE_URL": registries.azure.url}


def registrations(double: RegistryDouble) -> list[str]:
    return [
        r.decoded_path
        for r in double.requests
        if r.method == "POST"
        and r.decoded_path.startswith("/subjects/")
        and r.decoded_path.endswith("/versions")
    ]


def step(message: str) -> str:
    """A publish note as its dry-run plan words it ("would register version 1 of S")."""
    message = message.removeprefix("would ").split(" as version ")[0]
    return re.sub(r" \([0-9a-f]+\)", "", message.replace("registered ", "register ", 1))


def both(*args: str) -> tuple[str, ...]:
    return (*args, "--registry", "aws", "--registry", "azure")


def test_publish_dry_run_then_publish_then_idempotent(repo: GitRepo, two_registries: TwoRegistries) -> None:
    history(repo)
    env = env_for(two_registries)
    dry = repo.run(*both("publish", "--dry-run"), "--format", "json", env=env)
    assert dry.code == 0, dry.output
    assert {r["verdict"] for r in dry.json()["results"]} == {"planned"}
    assert two_registries.aws.store.versions_of("orders-value") == []
    planned = [f["message"] for r in dry.json()["results"] if r["registry"] == "aws" for f in r["findings"]]
    assert "would set the compatibility level of com.acme.common.Money to FULL" in planned

    first = repo.run(*both("publish"), "--format", "json", env=env)
    assert first.code == 0, first.output
    # what was done is listed in the order it was done, which is the order the dry run planned
    done = [f["message"] for r in first.json()["results"] if r["registry"] == "aws" for f in r["findings"]]
    assert [step(m) for m in done] == [step(m) for m in planned]
    assert [step(m) for m in done if "Money" in m] == [
        "set the compatibility level of com.acme.common.Money to FULL",
        "register git version 1 of com.acme.common.Money",
        "register git version 2 of com.acme.common.Money",
    ]
    for double in two_registries:
        money = double.store.versions_of("com.acme.common.Money")
        orders = double.store.versions_of("orders-value")
        assert [v.version for v in money] == [1, 2] and [v.version for v in orders] == [1, 2]
        # each order version references the Money version that was current at its commit
        assert [[(r.subject, r.version) for r in v.content.references] for v in orders] == [
            [("com.acme.common.Money", 1)],
            [("com.acme.common.Money", 2)],
        ]
        assert double.store.config("com.acme.common.Money", False)["compatibilityLevel"] == "FULL"
    before = [len(registrations(d)) for d in two_registries]
    again = repo.run(*both("publish"), "--format", "json", env=env)
    assert again.code == 0
    assert {r["verdict"] for r in again.json()["results"]} == {"up to date"}
    assert [len(registrations(d)) for d in two_registries] == before  # nothing registered twice

    status = repo.run(*both("status", "--fail-on-drift"), "--format", "json", env=env)
    assert status.code == 0, status.output
    assert {r["verdict"] for r in status.json()["results"]} == {"in sync"}

    deploy = repo.run(
        *both("can-deploy", "--subject", "orders-value", "--schema", "contracts/orders/value.avsc"), env=env
    )
    assert deploy.code == 0, deploy.output
    assert "schema id" in deploy.stdout
    by_version = repo.run(*both("can-deploy", "--subject", "orders-value", "--version", "1"), env=env)
    assert by_version.code == 0, by_version.output


def test_status_finds_drift_and_adopts_registry_only_subjects(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    history(repo)
    env = env_for(two_registries)
    assert repo.run(*both("publish"), env=env).code == 0
    out_of_band = {**ORDER_V2, "fields": [*ORDER_V2["fields"], {"name": "x", "type": "int", "default": 0}]}
    two_registries.azure.store.register(
        "orders-value",
        json.dumps(out_of_band),
        references=[{"name": "com.acme.common.Money", "subject": "com.acme.common.Money", "version": 2}],
    )
    two_registries.azure.store.register(
        "cdc.customers-value", json.dumps(record("Envelope", [{"name": "op", "type": "string"}]))
    )
    two_registries.aws.store.set_config("orders-value", "NONE")
    relaxed = repo.run(*both("status"), "--format", "json", env=env)
    assert relaxed.code == 0  # drift is reported, not gated, without --fail-on-drift
    gated = repo.run(*both("status", "--fail-on-drift"), "--format", "json", env=env)
    assert gated.code == 1
    data = gated.json()
    rules = {(r["registry"], f["rule"]) for r in data["results"] for f in r["findings"]}
    assert ("azure", "UNEXPECTED_VERSION") in rules and ("aws", "LEVEL_DIFFERS") in rules
    assert [f["subject"] for f in data["findings"] if f["rule"] == "REGISTRY_ONLY_SUBJECT"] == [
        "cdc.customers-value"
    ]
    adopted = repo.run("status", "--adopt", "cdc.customers-value", "--registry", "azure", env=env)
    assert adopted.code == 0, adopted.output
    written = json.loads((repo.root / "contracts/cdc.customers/value.avsc").read_text())
    assert written["name"] == "Envelope"
    again = repo.run("status", "--adopt", "cdc.customers-value", "--registry", "azure", env=env)
    assert again.code == 2 and "not overwriting" in again.stderr


def test_publish_refuses_read_only_and_incompatible_registries_without_writing(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    history(repo)
    env = env_for(two_registries)
    two_registries.aws.store.set_mode("orders-value", "READONLY")
    # azure holds an out-of-band version that git's next version is incompatible with
    two_registries.azure.store.set_config("com.acme.common.Money", "FULL")
    two_registries.azure.store.register(
        "com.acme.common.Money",
        json.dumps(record("Money", [{"name": "cents", "type": "int"}], "com.acme.common")),
    )
    result = repo.run(*both("publish"), "--format", "json", env=env)
    assert result.code == 1, result.output
    verdicts = {(r["subject"], r["registry"]): r["verdict"] for r in result.json()["results"]}
    assert verdicts[("orders-value", "aws")] == "refused"
    assert verdicts[("com.acme.common.Money", "azure")] == "refused"
    assert registrations(two_registries.aws) == [] and registrations(two_registries.azure) == []


def test_publish_interrupted_then_rerun_completes_without_duplicates(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    history(repo)
    env = env_for(two_registries)
    two_registries.aws.faults.fail_next(20, status=503, path_prefix="/config/orders-value")
    broken = repo.run(*both("publish"), "--format", "json", env=env)
    assert broken.code == 3, broken.output
    aws = {r["subject"]: r for r in broken.json()["results"] if r["registry"] == "aws"}
    assert aws["orders-value"]["verdict"] == "error"
    assert any(f["rule"] == "PUBLISH_INCOMPLETE" for f in aws["orders-value"]["findings"])
    # commit order: Money v1, then orders-value v1, which failed; Money v2 comes after it
    assert [v.version for v in two_registries.aws.store.versions_of("com.acme.common.Money")] == [1]
    assert two_registries.aws.store.versions_of("orders-value") == []
    two_registries.aws.faults.clear()
    rerun = repo.run(*both("publish"), env=env)
    assert rerun.code == 0, rerun.output
    for double in two_registries:
        assert [v.version for v in double.store.versions_of("orders-value")] == [1, 2]
        assert [v.version for v in double.store.versions_of("com.acme.common.Money")] == [1, 2]


def test_can_deploy_says_no_unknown_and_not_linked(repo: GitRepo, two_registries: TwoRegistries) -> None:
    history(repo)
    env = env_for(two_registries)
    args = ("can-deploy", "--subject", "orders-value", "--schema", "contracts/orders/value.avsc")
    nothing = repo.run(*both(*args), "--format", "json", env=env)
    assert nothing.code == 1
    assert {r["verdict"] for r in nothing.json()["results"]} == {"not registered"}
    # azure got an unrelated schema first, so its ids are shifted: registered everywhere, but not linked
    two_registries.azure.store.register(
        "other-value", json.dumps(record("Other", [{"name": "a", "type": "string"}]))
    )
    assert repo.run(*both("publish"), env=env).code == 0
    unlinked = repo.run(*both(*args), "--format", "json", env=env)
    assert unlinked.code == 1
    assert [f["rule"] for f in unlinked.json()["findings"]] == ["IDS_DIFFER"]
    two_registries.azure.faults.fail_next(50, status=500)
    unknown = repo.run(*both(*args), env=env)
    assert unknown.code == 3 and "registry azure" in unknown.stdout
    bad = repo.run("can-deploy", "--subject", "orders-value", "--registry", "aws", env=env)
    assert bad.code == 2 and "exactly one of --schema" in bad.stderr


def test_sentinel_secret_never_printed_by_any_command(repo: GitRepo, registry_double_factory: Any) -> None:
    from tests.registry_double import BasicAuth

    secret = "Sentinel-Pa55-zz91"
    aws = registry_double_factory(name="aws", auth=BasicAuth("key", "other"))
    azure = registry_double_factory(name="azure")
    azure.faults.fail_next(1000, status=503, body={"error_code": 50001, "message": f"echo {secret}"})
    history(repo)
    config = CONFIG.replace(
        'aws: {url: "${AWS_URL}",',
        'aws: {url: "${AWS_URL}", auth: {basic: {username: key, password: "${AWS_SECRET}"}},',
    )
    repo.write("contractctl.yaml", config)
    repo.commit("auth")
    repo.write("contracts/orders/value.avsc", {**ORDER_V2, "doc": "changed, so check asks the registries"})
    env = {"AWS_URL": aws.url, "AZURE_URL": azure.url, "AWS_SECRET": secret}
    commands = [
        both("check"),
        both("publish"),
        both("publish", "--dry-run"),
        both("status"),
        both("can-deploy", "--subject", "orders-value", "--version", "1"),
    ]
    for command in commands:
        for output_format in ("text", "json", "sarif"):
            result = repo.run(*command, "--format", output_format, "-v", env=env)
            assert result.code == 3, (command, result.output)
            assert secret not in result.output, command


ADDRESS = 'syntax = "proto3";\npackage com.acme.common;\nmessage Address {\n  string city = 1;\n}\n'
SHIPMENT = (
    'syntax = "proto3";\npackage com.acme.shipping;\nimport "common/address.proto";\n'
    "message Shipment {\n  string id = 1;\n  com.acme.common.Address to = 2;\n}\n"
)


# A shared file of one enum (no message), imported by the address: a valid reference since issue 14.
COUNTRY = 'syntax = "proto3";\npackage com.acme.common;\nenum Country {\n  COUNTRY_UNSPECIFIED = 0;\n}\n'
ADDRESS_WITH_COUNTRY = (
    'syntax = "proto3";\npackage com.acme.common;\nimport "common/country.proto";\n'
    "message Address {\n  string city = 1;\n  Country country = 2;\n}\n"
)
# (reference naming, subject of common/address.proto, subject of common/country.proto)
REFERENCE_NAMINGS = [
    (None, "common/address.proto", "common/country.proto"),  # the default: Confluent's import path
    ("import_path", "common/address.proto", "common/country.proto"),
    ("qualified", "common.address", "common.country"),
    ("record", "com.acme.common.Address", "com.acme.common.Country"),
]


@pytest.mark.parametrize(("naming", "address_subject", "country_subject"), REFERENCE_NAMINGS)
def test_protobuf_publish_registers_imports_as_references(
    repo: GitRepo,
    two_registries: TwoRegistries,
    naming: str | None,
    address_subject: str,
    country_subject: str,
) -> None:
    setting = f"protobuf: {{reference_naming: {naming}}}\n" if naming else ""
    repo.write("contractctl.yaml", CONFIG + setting)
    repo.write("contracts/common/country.proto", COUNTRY)
    repo.write("contracts/common/address.proto", ADDRESS_WITH_COUNTRY)
    repo.write("contracts/shipping/value.proto", SHIPMENT)
    repo.commit("v1")
    env = env_for(two_registries)
    result = repo.run(*both("publish"), env=env)
    assert result.code == 0, result.output
    for double in two_registries:
        [shipment] = double.store.versions_of("shipping-value")
        assert shipment.content.schema_type == "PROTOBUF"
        assert [(r.name, r.subject, r.version) for r in shipment.content.references] == [
            ("common/address.proto", address_subject, 1)
        ]
        [address] = double.store.versions_of(address_subject)
        assert [(r.name, r.subject, r.version) for r in address.content.references] == [
            ("common/country.proto", country_subject, 1)
        ]
        # dependencies first: the enum-only file, then the address, then the topic's value
        assert registrations(double) == [
            f"/subjects/{country_subject}/versions",
            f"/subjects/{address_subject}/versions",
            "/subjects/shipping-value/versions",
        ]
    deploy = repo.run(
        *both("can-deploy", "--subject", "shipping-value", "--schema", "contracts/shipping/value.proto"),
        env=env,
    )
    assert deploy.code == 0, deploy.output
    assert repo.run(*both("status", "--fail-on-drift"), env=env).code == 0


def test_status_shows_references_registered_under_other_subjects(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    # the registry was filled under record names; git now names references by import path (default)
    repo.write("contractctl.yaml", CONFIG + "protobuf: {reference_naming: record}\n")
    repo.write("contracts/common/address.proto", ADDRESS)
    repo.write("contracts/shipping/value.proto", SHIPMENT)
    repo.commit("v1")
    env = env_for(two_registries)
    assert repo.run(*both("publish"), env=env).code == 0
    assert repo.run(*both("status", "--fail-on-drift"), env=env).code == 0
    repo.write("contractctl.yaml", CONFIG)
    repo.commit("name references as the serializers do")
    result = repo.run(*both("status", "--fail-on-drift"), "--format", "json", env=env)
    assert result.code == 1, result.output
    differs = [
        f for r in result.json()["results"] for f in r["findings"] if f["rule"] == "REFERENCE_SUBJECT_DIFFERS"
    ]
    assert {(f["registry"], f["subject"]) for f in differs} == {
        ("aws", "shipping-value"),
        ("azure", "shipping-value"),
    }
    assert "from subject com.acme.common.Address, git names it common/address.proto" in differs[0]["message"]
