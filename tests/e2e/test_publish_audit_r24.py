"""Round 24's audit of publish (the versions of a subject as check, publish and status read them):
an earlier version referencing a contract deleted since stopped publish half way as if the registry
could not answer (exit 3, a network hint, the level set and undone on every rerun). It is found
before anything is written, named, and `publish --ref` at a commit that still held the reference
clears it. Real CLI, real repository, the project's registry double over loopback."""

from __future__ import annotations

from typing import Any

from tests.conftest import GitRepo

FAST = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 2}"
CONFIG = (
    "version: 1\ncontracts: {root: contracts}\ndefaults: {compatibility: NONE}\n"
    'registries:\n  local: {url: "${URL}", ' + FAST + "}\n"
)
B = 'syntax = "proto3";\npackage acme.common;\nmessage B { int32 x = 1; }\n'
ORDERS_V1 = (
    'syntax = "proto3";\npackage acme.orders;\nimport "common/b.proto";\n'
    "message Order { acme.common.B b = 1; }\n"
)
ORDERS_V2 = 'syntax = "proto3";\npackage acme.orders;\nmessage Order { int32 b = 2; }\n'


def _writes(registry_double: Any) -> list[Any]:
    """Registrations and config changes (a POST to /subjects/S is a lookup, not a write)."""
    return [
        r
        for r in registry_double.requests
        if r.method in ("PUT", "DELETE") or (r.method == "POST" and r.decoded_path.endswith("/versions"))
    ]


def test_a_version_referencing_a_deleted_contract_blocks_before_any_write(
    repo: GitRepo, registry_double: Any
) -> None:
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/common/b.proto", B)
    repo.write("contracts/orders/value.proto", ORDERS_V1)
    repo.commit("v1: orders imports b")
    repo.git("rm", "-q", "contracts/common/b.proto")
    repo.write("contracts/orders/value.proto", ORDERS_V2)
    repo.commit("v2: b deleted")
    env = {"URL": registry_double.url}
    result = repo.run("publish", "--registry", "local", "--format", "json", env=env)
    rules = [f["rule"] for f in result.json()["findings"]] + [
        f["rule"] for r in result.json()["results"] for f in r["findings"]
    ]
    assert result.code == 1 and "REFERENCE_NOT_PUBLISHABLE" in rules, result.output
    assert "REGISTRY_UNAVAILABLE" not in rules
    assert _writes(registry_double) == []  # not even the level, set and undone as before
    first = repo.run("publish", "--registry", "local", "--ref", "HEAD~1", env=env)
    assert first.code == 0, first.output
    second = repo.run("publish", "--registry", "local", env=env)
    assert second.code == 0, second.output
    status = repo.run("status", "--registry", "local", "--format", "json", env=env)
    verdicts = {r["subject"]: r["verdict"] for r in status.json()["results"]}
    assert verdicts["orders-value"] == "in sync", status.output


def test_a_lookup_the_registry_rejects_names_the_subject(repo: GitRepo, registry_double: Any) -> None:
    """asyncapi/spec-json-schemas: a 42201 answering publish's lookup of a version named no subject
    nor file, so it could not be traced to a contract."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/orders/value.proto", ORDERS_V2)
    repo.commit("v1")
    registry_double.faults.fail_next(
        100,
        status=422,
        body={"error_code": 42201, "message": "Invalid schema"},
        path_prefix="/subjects/orders-value",
        method="POST",
    )
    result = repo.run("publish", "--registry", "local", "--format", "json", env={"URL": registry_double.url})
    findings = result.json()["findings"] + [f for r in result.json()["results"] for f in r["findings"]]
    rejected = [f for f in findings if f["rule"] == "REGISTRY_REJECTED_INPUT"]
    assert result.code == 2 and rejected, result.output
    assert {f["subject"] for f in rejected} == {"orders-value"}, rejected
