"""`check --registry` with several changed subjects reads existence from one subject listing per registry.

The listing only ever proves that a subject exists: a subject it lacks (new, soft-deleted, hidden by
permissions) is still asked about by itself, and a registry whose listing fails is asked subject by
subject, so the verdicts are the same as without the listing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import GitRepo, record
from tests.registry_double import RegistryDouble
from tests.registry_double.fixtures import TwoRegistries

from .test_registry_check_e2e import CONFIG_NO_AUTH, env_for, registry_results

V1 = record("Event", [{"name": "id", "type": "string"}])
V2 = record("Event", [{"name": "id", "type": "string"}, {"name": "n", "type": "int", "default": 0}])
TOPICS = ("a", "b", "c", "d")
SMALL_POOLS = CONFIG_NO_AUTH.replace("    retries:", "    max_concurrency: 2\n    retries:")


def start(repo: GitRepo, double: RegistryDouble) -> None:
    """a and b registered, c registered then soft-deleted, d never registered; all four change."""
    # a listing pays once the versions requests would take more than one round of max_concurrency
    repo.write("contractctl.yaml", SMALL_POOLS)
    for topic in TOPICS:
        repo.write(f"contracts/{topic}/value.avsc", V1)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")
    for topic in TOPICS:
        repo.write(f"contracts/{topic}/value.avsc", V2)
    for topic in ("a", "b", "c"):
        double.store.set_config(f"{topic}-value", "BACKWARD")
        double.store.register(f"{topic}-value", json.dumps(V1))
    double.store.delete_subject("c-value", False)


def existence_requests(double: RegistryDouble) -> list[str]:
    return [
        r.decoded_path
        for r in double.requests
        if r.method == "GET" and (r.decoded_path == "/subjects" or r.decoded_path.endswith("/versions"))
    ]


def check(repo: GitRepo, registries: TwoRegistries) -> Any:
    return repo.run(
        "check", "--registry", "aws", "--registry", "azure", "--format", "json", env=env_for(registries)
    )


def test_one_listing_replaces_the_versions_request_of_every_listed_subject(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    aws = two_registries.aws
    start(repo, aws)
    result = check(repo, two_registries)
    assert result.code == 0, result.output
    verdicts = {k: v["verdict"] for k, v in registry_results(result).items()}
    assert {t: verdicts[(f"{t}-value", "aws")] for t in TOPICS} == {
        "a": "compatible",
        "b": "compatible",
        "c": "new",  # soft-deleted: not listed, and its own versions request answers 40401
        "d": "new",
    }
    assert {verdicts[(f"{t}-value", "azure")] for t in TOPICS} == {"new"}
    assert sorted(existence_requests(aws)) == [
        "/subjects",
        "/subjects/c-value/versions",
        "/subjects/d-value/versions",
    ]
    assert existence_requests(two_registries.azure).count("/subjects") == 1


@pytest.mark.parametrize(
    "arm",
    [
        lambda d: d.faults.fail_next(2, status=503, path_prefix="/subjects"),  # both attempts fail
        lambda d: d.faults.forbid_next(1, path_prefix="/subjects"),  # listing not permitted
    ],
    ids=["unavailable", "forbidden"],
)
def test_a_failed_listing_falls_back_to_asking_each_subject(
    repo: GitRepo, two_registries: TwoRegistries, arm: Callable[[RegistryDouble], None]
) -> None:
    aws = two_registries.aws
    start(repo, aws)
    arm(aws)
    result = check(repo, two_registries)
    assert result.code == 0, result.output
    verdicts = {k: v["verdict"] for k, v in registry_results(result).items()}
    assert [verdicts[(f"{t}-value", "aws")] for t in TOPICS] == ["compatible", "compatible", "new", "new"]
    assert aws.faults.pending() == 0
    asked = existence_requests(aws)
    assert all(f"/subjects/{t}-value/versions" in asked for t in TOPICS)


def test_a_registry_down_still_fails_closed_for_every_subject(
    repo: GitRepo, two_registries: TwoRegistries
) -> None:
    start(repo, two_registries.aws)
    two_registries.azure.faults.fail_next(100, status=503)
    result = check(repo, two_registries)
    assert result.code == 3, result.output
    azure = {k[0]: v for k, v in registry_results(result).items() if k[1] == "azure"}
    assert {v["verdict"] for v in azure.values()} == {"error"}
    assert all(v["findings"][0]["kind"] == "environment" for v in azure.values())
