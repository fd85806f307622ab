"""link plan/apply/status/verify and promote through the installed CLI, against two doubles whose
exporters really replicate over loopback HTTP (IMPORT mode, ids and versions preserved)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import GitRepo, record
from tests.registry_double import RegistryDouble

FAST = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 3}"
CONFIG = """version: 1
defaults: {compatibility: BACKWARD}
registries:
  aws: {url: "${AWS_URL}", FAST}
  azure: {url: "${AZURE_URL}", FAST}
links:
  aws-to-azure: {source: aws, destination: azure, context_type: NONE, subjects: ["*"]}
""".replace("FAST", FAST)
MONEY = record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
ORDER_V1 = record(
    "OrderPlaced", [{"name": "id", "type": "string"}, {"name": "total", "type": "com.acme.common.Money"}]
)
ORDER_V2 = {
    **ORDER_V1,
    "fields": [*ORDER_V1["fields"], {"name": "note", "type": ["null", "string"], "default": None}],
}


def setup(repo: GitRepo, factory: Any) -> tuple[RegistryDouble, RegistryDouble, dict[str, str]]:
    aws = factory(name="aws", export_delay=0.2, exporter_startup=0.1)
    azure = factory(name="azure")
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/common/money.avsc", MONEY)
    repo.write("contracts/orders/value.avsc", ORDER_V1)
    repo.commit("v1")
    repo.write("contracts/orders/value.avsc", ORDER_V2)
    repo.commit("v2")
    return aws, azure, {"AWS_URL": aws.url, "AZURE_URL": azure.url}


def versions(double: RegistryDouble, subject: str) -> list[tuple[int, int]]:
    return [(v.version, v.id) for v in double.store.versions_of(subject)]


def test_link_plan_apply_status_and_update(repo: GitRepo, registry_double_factory: Any) -> None:
    aws, _, env = setup(repo, registry_double_factory)
    plan = repo.run("link", "plan", "--detailed-exitcode", "--format", "json", env=env)
    assert plan.code == 1, plan.output
    assert plan.json()["results"][0]["verdict"] == "would create"
    assert aws.exporters.names() == []
    applied = repo.run("link", "apply", env=env)
    assert applied.code == 0, applied.output
    assert aws.exporters.names() == ["aws-to-azure"]
    assert repo.run("link", "plan", "--detailed-exitcode", env=env).code == 0
    status = repo.run("link", "status", "--format", "json", env=env)
    assert status.code == 0 and "offset" in status.json()["results"][0]["findings"][0]["message"]
    # a declared change: update through pause/update/resume, leaving it running
    repo.write("contractctl.yaml", CONFIG.replace('subjects: ["*"]', 'subjects: ["orders-*"]'))
    update = repo.run("link", "plan", "--format", "json", env=env)
    assert any("subjects" in f["message"] for f in update.json()["results"][0]["findings"])
    assert repo.run("link", "apply", env=env).code == 0
    exporter = aws.exporters.get("aws-to-azure")
    assert exporter.subjects == ["orders-*"] and exporter.state != "PAUSED"
    assert repo.run("link", "plan", "--detailed-exitcode", env=env).code == 0
    # the exporter config never shows the destination's credentials
    assert "password" not in plan.stdout.lower()


def test_link_status_exit_3_on_error_trace(repo: GitRepo, registry_double_factory: Any) -> None:
    aws, _, env = setup(repo, registry_double_factory)
    assert repo.run("link", "apply", env=env).code == 0
    aws.exporters.force_trace("aws-to-azure", "io.confluent: destination refused the write")
    status = repo.run("link", "status", env=env)
    assert status.code == 3
    assert "destination refused the write" in status.stdout


def test_promote_via_link_reaches_parity_and_reruns_cleanly(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    aws, azure, env = setup(repo, registry_double_factory)
    dry = repo.run("promote", "--from", "aws", "--to", "azure", "--dry-run", env=env)
    assert dry.code == 0, dry.output
    assert aws.store.versions_of("orders-value") == [] and aws.exporters.names() == []
    result = repo.run(
        "promote", "--from", "aws", "--to", "azure", "--wait", "--timeout", "20", "--format", "json", env=env
    )
    assert result.code == 0, result.output
    parity = [r for r in result.json()["results"] if r["registry"] == "azure"]
    assert {r["subject"]: r["verdict"] for r in parity} == {
        "com.acme.common.Money": "in parity",
        "orders-value": "in parity",
    }
    assert versions(azure, "orders-value") == versions(aws, "orders-value")
    assert len(versions(aws, "orders-value")) == 2
    again = repo.run("promote", "--from", "aws", "--to", "azure", "--wait", "--timeout", "20", env=env)
    assert again.code == 0, again.output
    assert len(versions(aws, "orders-value")) == 2 and versions(azure, "orders-value") == versions(
        aws, "orders-value"
    )
    verify = repo.run("link", "verify", env=env)
    assert verify.code == 0, verify.output


def test_promote_interrupted_at_each_step_then_rerun(repo: GitRepo, registry_double_factory: Any) -> None:
    aws, azure, env = setup(repo, registry_double_factory)
    # step 1 only: published to AWS, nothing linked
    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    assert repo.run("link", "verify", env=env).code == 1  # Azure lags: not proven
    # step 2 fails: Azure (the exporter's destination) is fine, but AWS refuses exporter creation once
    aws.faults.fail_next(5, status=503, path_prefix="/exporters")
    broken = repo.run("promote", "--from", "aws", "--to", "azure", "--wait", "--timeout", "5", env=env)
    assert broken.code == 3, broken.output
    assert "PROMOTE_STOPPED" in broken.stdout
    aws.faults.clear()
    done = repo.run("promote", "--from", "aws", "--to", "azure", "--wait", "--timeout", "20", env=env)
    assert done.code == 0, done.output
    assert versions(azure, "orders-value") == versions(aws, "orders-value")
    assert len(versions(aws, "orders-value")) == 2 and len(versions(aws, "com.acme.common.Money")) == 1


def test_promote_via_copy_preserves_ids_without_a_link(repo: GitRepo, registry_double_factory: Any) -> None:
    aws, azure, env = setup(repo, registry_double_factory)
    aws.store.register(
        "unrelated-value", json.dumps(record("X", [{"name": "a", "type": "int"}]))
    )  # shifts ids
    result = repo.run(
        "promote", "--from", "aws", "--to", "azure", "--via", "copy", "--format", "json", env=env
    )
    assert result.code == 0, result.output
    assert aws.exporters.names() == []
    assert versions(azure, "orders-value") == versions(aws, "orders-value")
    assert versions(azure, "com.acme.common.Money") == versions(aws, "com.acme.common.Money")
    assert azure.store.mode("orders-value", True) == "IMPORT" or "IMPORT" in str(
        azure.store.mode("orders-value", True)
    )
    rerun = repo.run("promote", "--from", "aws", "--to", "azure", "--via", "copy", env=env)
    assert rerun.code == 0 and len(versions(azure, "orders-value")) == 2


def test_promote_fails_on_an_id_conflict_at_the_destination(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    aws, azure, env = setup(repo, registry_double_factory)
    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    order_version_1 = aws.store.versions_of("orders-value")[0]
    azure.store.register("orders-value", json.dumps(record("Other", [{"name": "z", "type": "int"}])))
    assert azure.store.versions_of("orders-value")[0].id != order_version_1.id
    result = repo.run("promote", "--from", "aws", "--to", "azure", "--via", "copy", env=env)
    # the registry answered and refused: a verdict (1) that automation must not retry, not an outage (3)
    assert result.code == 1, result.output
    [taken] = azure.store.versions_of("orders-value")
    money = aws.store.versions_of("com.acme.common.Money")[0]
    assert taken.id == money.id  # the copy, oldest id first, meets azure's own registration at Money's id
    assert "REGISTRY_REFUSED" in result.stdout and "REGISTRY_UNAVAILABLE" not in result.stdout
    assert f"refused the request: id {money.id} is com.acme.common.Money version 1 in aws" in result.stdout
    assert "already holds a different schema (orders-value version 1) (42205)" in result.stdout
    assert "context reserved for the copy" in result.stdout and "Retrying as is" in result.stdout


def test_verify_wait_times_out_when_the_exporter_is_stuck(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    aws, _, env = setup(repo, registry_double_factory)
    aws.exporters.hold_starting(hold=True)
    result = repo.run("promote", "--from", "aws", "--to", "azure", "--wait", "--timeout", "1.5", env=env)
    assert result.code == 1, result.output
    assert "LINK_LAG" in result.stdout and "after waiting up to 1.5 s" in result.stdout
    status = repo.run("link", "status", env=env)
    assert "STARTING" in status.stdout


def test_destination_credentials_reach_the_exporter_but_never_the_output(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    from tests.registry_double import BasicAuth

    secret = "Azure-Sentinel-77q"
    aws = registry_double_factory(name="aws", export_delay=0.1, exporter_startup=0.05)
    azure = registry_double_factory(name="azure", auth=BasicAuth("azkey", secret))
    config = CONFIG.replace(
        'azure: {url: "${AZURE_URL}",',
        'azure: {url: "${AZURE_URL}", auth: {basic: {username: azkey, password: "${AZURE_PW}"}},',
    )
    repo.write("contractctl.yaml", config)
    repo.write("contracts/orders/value.avsc", record("OrderPlaced", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    env = {"AWS_URL": aws.url, "AZURE_URL": azure.url, "AZURE_PW": secret}
    outputs = []
    for args in (("link", "plan"), ("link", "apply"), ("link", "status")):
        for output_format in ("text", "json"):
            result = repo.run(*args, "--format", output_format, "-v", env=env)
            outputs.append(result.output)
    promoted = repo.run(
        "promote", "--from", "aws", "--to", "azure", "--wait", "--timeout", "20", "-v", env=env
    )
    outputs.append(promoted.output)
    assert promoted.code == 0, promoted.output
    assert aws.exporters.get("aws-to-azure").config["basic.auth.user.info"] == f"azkey:{secret}"
    assert all(secret not in output for output in outputs)
    assert versions(azure, "orders-value") == versions(aws, "orders-value")


def test_verify_reads_each_registry_in_one_request_and_falls_back_per_subject(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    aws, azure, env = setup(repo, registry_double_factory)
    assert repo.run("promote", "--from", "aws", "--to", "azure", "--via", "copy", env=env).code == 0
    for double in (aws, azure):
        double.clear_requests()
    assert repo.run("link", "verify", env=env).code == 0
    # one page and the empty page that ends the listing (Confluent pages GET /schemas since 7.4.1)
    assert [r.decoded_path for r in aws.requests] == ["/schemas", "/schemas"]
    assert [r.decoded_path for r in azure.requests] == ["/schemas", "/schemas"]
    # a server without GET /schemas: the same verdict, asked subject by subject
    aws.faults.fail_next(
        1, status=404, body={"error_code": 404, "message": "HTTP 404 Not Found"}, path_prefix="/schemas"
    )
    azure.store.register(
        "orders-value", json.dumps(record("Other", [{"name": "z", "type": "int"}])), version=3, id=999
    )
    fallback = repo.run("link", "verify", "--format", "json", env=env)
    assert fallback.code == 0, fallback.output
    assert any(r.decoded_path == "/subjects/orders-value/versions" for r in aws.requests)


def test_promote_makes_destination_levels_and_groups_match_git(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """The exporter copies schemas, not subject config (as the double, like contractctl, assumes
    nothing more): promote sets the destination's levels and groups from git, so status agrees."""
    _aws, azure, env = setup(repo, registry_double_factory)
    repo.write(
        "contractctl.yaml",
        CONFIG.replace(
            "defaults: {compatibility: BACKWARD}",
            "defaults: {compatibility: BACKWARD}\nsubjects:\n"
            '  - match: "contracts/orders/**"\n    compatibility: FULL_TRANSITIVE\n'
            "    compatibility_group: major_version",
        ),
    )
    repo.commit("levels")
    dry = repo.run("promote", "--from", "aws", "--to", "azure", "--dry-run", "--format", "json", env=env)
    assert dry.code == 0, dry.output
    assert any(
        f["rule"] == "LEVEL_PLANNED" and "FULL_TRANSITIVE" in f["message"] for f in dry.json()["findings"]
    )
    promoted = repo.run(
        "promote", "--from", "aws", "--to", "azure", "--wait", "--timeout", "20", "--format", "json", env=env
    )
    assert promoted.code == 0, promoted.output
    assert azure.store.config("orders-value", True)["compatibilityLevel"] == "FULL_TRANSITIVE"
    assert azure.store.config("orders-value", True)["compatibilityGroup"] == "major_version"
    drift = repo.run("status", "--registry", "aws", "--registry", "azure", "--fail-on-drift", env=env)
    assert drift.code == 0, drift.output
    assert "LEVEL_DIFFERS" not in drift.output
    again = repo.run(
        "promote", "--from", "aws", "--to", "azure", "--wait", "--timeout", "20", "--format", "json", env=env
    )
    assert again.code == 0 and not any(f["rule"] == "LEVEL_SET" for f in again.json()["findings"])


def test_promote_says_why_a_destination_level_cannot_be_set(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    _aws, azure, env = setup(repo, registry_double_factory)
    repo.write("contractctl.yaml", CONFIG.replace("compatibility: BACKWARD", "compatibility: FULL"))
    repo.commit("levels")
    azure.faults.forbid_next(5, path_prefix="/config/")
    result = repo.run(
        "promote", "--from", "aws", "--to", "azure", "--via", "copy", "--format", "json", env=env
    )
    assert result.code == 3, result.output
    refused = [f for f in result.json()["findings"] if f["rule"] == "LEVEL_NOT_SET"]
    assert {f["subject"] for f in refused} == {"com.acme.common.Money", "orders-value"}
    assert all("FULL" in f["message"] for f in refused)
