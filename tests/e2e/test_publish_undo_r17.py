"""A publish that fails leaves no half-applied change: the compatibility level publish gives a new
subject before its first registration is taken back when that registration fails, per registry, and
the report says what was done, what was undone, and what could not be undone.

The real CLI against two loopback registry doubles; the failures are injected into the registration
request only (POST), so planning (which reads the same paths) is untouched.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import GitRepo
from tests.e2e.test_publish_status_deploy import both, env_for, history
from tests.registry_double import RegistryDouble
from tests.registry_double.fixtures import TwoRegistries

ORDERS = "orders-value"
REGISTER = f"/subjects/{ORDERS}/versions"
INVALID = {"error_code": 42201, "message": "Invalid schema: injected"}


def notes(result: dict[str, Any], registry: str, subject: str) -> list[tuple[str, str]]:
    (found,) = [r for r in result["results"] if r["registry"] == registry and r["subject"] == subject]
    return [(f["rule"], f["message"]) for f in found["findings"]]


def verdict(result: dict[str, Any], registry: str, subject: str) -> str:
    (found,) = [r for r in result["results"] if r["registry"] == registry and r["subject"] == subject]
    return str(found["verdict"])


def own_config(double: RegistryDouble, subject: str) -> dict[str, Any] | None:
    return double.store.config(subject, False)


def test_rejected_first_registration_takes_back_the_level_and_the_other_registry_completes(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    history(repo)
    aws, azure = two_registries
    aws.faults.fail_next(1, status=422, body=INVALID, path_prefix=REGISTER, method="POST")
    run = repo.run(*both("publish"), "--format", "json", env=env_for(two_registries))
    assert run.code == 2, run.output  # the registry rejected the contract: bad input
    result = run.json()
    # aws: orders-value has no version, and no subject-level config either, as before the run
    assert aws.store.versions_of(ORDERS) == []
    assert own_config(aws, ORDERS) is None
    assert verdict(result, "aws", ORDERS) == "error"
    rules = [rule for rule, _ in notes(result, "aws", ORDERS)]
    assert rules[:2] == ["PUBLISHED", "PUBLISH_UNDONE"], rules
    undone = dict(notes(result, "aws", ORDERS))["PUBLISH_UNDONE"]
    assert "removed the compatibility level BACKWARD" in undone and ORDERS in undone
    assert "REGISTRY_REJECTED_INPUT" in rules
    # Money got its level and its first version before the failure: both stay (not half-applied)
    assert [v.version for v in aws.store.versions_of("com.acme.common.Money")] == [1]
    assert (own_config(aws, "com.acme.common.Money") or {})["compatibilityLevel"] == "FULL"
    # azure is its own run: everything published, nothing undone there
    assert [v.version for v in azure.store.versions_of(ORDERS)] == [1, 2]
    assert (own_config(azure, ORDERS) or {})["compatibilityLevel"] == "BACKWARD"
    assert verdict(result, "azure", ORDERS) == "published"
    assert not any(rule == "PUBLISH_UNDONE" for rule, _ in notes(result, "azure", ORDERS))


def test_failed_first_registration_puts_back_the_config_a_deleted_subject_left(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    history(repo)
    aws = two_registries.aws
    # orders-value once lived in aws and was deleted: its subject-level config stayed behind
    aws.store.put_config(
        ORDERS, {"compatibility": "NONE", "compatibilityGroup": "app.major", "normalize": True}
    )
    before = own_config(aws, ORDERS)
    aws.faults.fail_next(5, status=503, path_prefix=REGISTER, method="POST")
    run = repo.run("publish", "--registry", "aws", "--format", "json", env=env_for(two_registries))
    assert run.code == 3, run.output
    assert aws.store.versions_of(ORDERS) == []
    assert own_config(aws, ORDERS) == before  # level, group and the untouched normalize, as they were
    undone = dict(notes(run.json(), "aws", ORDERS))["PUBLISH_UNDONE"]
    assert "put back" in undone and "NONE" in undone and "app.major" in undone


def test_undo_that_fails_is_said_plainly_with_what_is_left(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    history(repo)
    aws = two_registries.aws
    aws.faults.fail_next(5, status=503, path_prefix=REGISTER, method="POST")
    aws.faults.fail_next(5, status=503, path_prefix=f"/config/{ORDERS}", method="DELETE")
    env = env_for(two_registries)
    run = repo.run(*both("publish"), "--format", "json", env=env)
    assert run.code == 3, run.output
    assert (own_config(aws, ORDERS) or {})["compatibilityLevel"] == "BACKWARD"  # left behind
    found = dict(notes(run.json(), "aws", ORDERS))
    failed = found["PUBLISH_UNDO_FAILED"]
    assert "registry aws" in failed and ORDERS in failed and "compatibility level BACKWARD" in failed
    assert "no version" in failed
    assert "PUBLISH_UNDONE" not in found
    assert verdict(run.json(), "azure", ORDERS) == "published"
    aws.store.delete_config(ORDERS)  # the same failure again, in the text a CI log shows
    text = repo.run(*both("publish"), env=env)
    assert text.code == 3
    assert "could not undo" in text.output and "Traceback" not in text.output
    aws.faults.clear()
    rerun = repo.run("publish", "--registry", "aws", env=env)  # a rerun completes it
    assert rerun.code == 0, rerun.output
    assert [v.version for v in aws.store.versions_of(ORDERS)] == [1, 2]


def test_registration_applied_despite_a_lost_answer_keeps_its_level(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    history(repo)
    aws = two_registries.aws
    # the registry registers version 1, but neither the answer nor the retry's answer arrives
    aws.faults.lose_answer_next(2, path_prefix=REGISTER, method="POST")
    run = repo.run("publish", "--registry", "aws", "--format", "json", env=env_for(two_registries))
    assert run.code == 3, run.output
    assert [v.version for v in aws.store.versions_of(ORDERS)] == [1]
    # the version is there, so the level is git's and must stay: undoing it would half-apply instead
    assert (own_config(aws, ORDERS) or {})["compatibilityLevel"] == "BACKWARD"
    found = dict(notes(run.json(), "aws", ORDERS))
    assert "PUBLISH_UNDONE" not in found
    assert "kept" in found["PUBLISH_LEVEL_KEPT"] and "version 1" in found["PUBLISH_LEVEL_KEPT"]
