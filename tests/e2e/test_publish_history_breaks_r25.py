"""publish refuses, before any write, a version that breaks with git's own earlier versions.

Round 24's audit: a new subject whose git history held a break let through (CycloneDX at HEAD~50) had
eight steps registered before the registry refused the ninth: half a history, and a level set. The
registry compares each registration with the versions before it under the level in force there: git's
for a subject publish creates, the registry's own for one it already holds.
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import GitRepo, record
from tests.registry_double import RegistryDouble

FAST = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 2}"


def _config(level: str, extra: str = "") -> str:
    return (
        f"version: 1\ndefaults: {{compatibility: {level}{extra}}}\n"
        f'registries:\n  aws: {{url: "${{AWS_URL}}", {FAST}}}\n'
    )


V1 = record("Order", [{"name": "id", "type": "string"}])
V2 = record("Order", [{"name": "id", "type": "string"}, {"name": "note", "type": "string", "default": ""}])
# a field without a default: data written with v2 cannot be read with v3 (BACKWARD break)
V3 = record("Order", [*V2["fields"], {"name": "total", "type": "long"}])
V4 = record("Order", [*V3["fields"], {"name": "tag", "type": "string", "default": ""}])


def _history(repo: GitRepo, level: str, versions: list[dict[str, Any]], extra: str = "") -> None:
    repo.write("contractctl.yaml", _config(level, extra))
    _commit_versions(repo, versions)


def _commit_versions(repo: GitRepo, versions: list[dict[str, Any]], first: int = 1) -> None:
    for number, schema in enumerate(versions, start=first):
        repo.write("contracts/orders/value.avsc", schema)
        repo.commit(f"v{number}")


def _writes(double: RegistryDouble) -> list[str]:
    """Requests that change the registry (a lookup is a POST to /subjects/S without /versions)."""
    return [
        f"{r.method} {r.decoded_path}"
        for r in double.requests
        if r.method in ("PUT", "DELETE") or (r.method == "POST" and r.decoded_path.endswith("/versions"))
    ]


def _publish(repo: GitRepo, double: RegistryDouble, *extra: str) -> Any:
    return repo.run("publish", "--registry", "aws", "--format", "json", *extra, env={"AWS_URL": double.url})


def _findings(result: Any) -> list[dict[str, Any]]:
    return [f for r in result.json()["results"] for f in r["findings"]]


def test_a_new_subject_with_a_break_in_its_history_is_refused_before_anything_is_written(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    double = registry_double_factory(name="aws")
    _history(repo, "BACKWARD", [V1, V2, V3, V4])
    for extra in (("--dry-run",), ()):
        result = _publish(repo, double, *extra)
        assert result.code == 1, result.output
        (refusal,) = [f for f in _findings(result) if f["rule"] == "HISTORY_INCOMPATIBLE"]
        assert "git version 3" in refusal["message"] and "git version 2" in refusal["message"]
        assert "total" in refusal["message"] and "BACKWARD" in refusal["message"]
        assert result.json()["results"][0]["verdict"] == "refused"
    assert _writes(double) == []  # not even the level
    assert double.store.versions_of("orders-value") == []


def test_the_same_history_publishes_where_its_level_lets_the_break_through(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    double = registry_double_factory(name="aws")
    _history(repo, "FORWARD", [V1, V2, V3, V4])  # a field added without default is FORWARD-compatible
    result = _publish(repo, double)
    assert result.code == 0, result.output
    assert [v.version for v in double.store.versions_of("orders-value")] == [1, 2, 3, 4]


def test_a_held_subject_is_judged_under_the_registrys_level_not_gits(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    double = registry_double_factory(name="aws")
    _history(repo, "BACKWARD", [V1])
    assert _publish(repo, double).code == 0
    _commit_versions(repo, [V2, V3, V4], first=2)
    # v2 is the first missing version: the registry's own test passes it; v3 is judged here
    refused = _publish(repo, double)
    assert refused.code == 1, refused.output
    assert [f["rule"] for f in _findings(refused) if f["severity"] == "error"] == ["HISTORY_INCOMPATIBLE"]
    assert [v.version for v in double.store.versions_of("orders-value")] == [1]
    # the registry holds the subject under NONE: it would accept v3, so publish registers all three
    double.store.set_config("orders-value", "NONE")
    published = _publish(repo, double)
    assert published.code == 0, published.output
    assert [v.version for v in double.store.versions_of("orders-value")] == [1, 2, 3, 4]


def test_a_break_that_starts_a_new_compatibility_group_is_not_refused(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    double = registry_double_factory(name="aws")
    repo.write("contractctl.yaml", _config("BACKWARD", ", compatibility_group: major"))
    sidecar = "contracts/orders/value.contract.yaml"
    migration = (
        "rules:\n  migration:\n"
        "    - {name: up, kind: TRANSFORM, mode: UPGRADE, type: JSONATA, "
        "expr: \"$merge([$, {'total': 0}])\"}\n"
        "    - {name: down, kind: TRANSFORM, mode: DOWNGRADE, type: JSONATA, "
        "expr: \"$sift($, function($v, $k) {$k != 'total'})\"}\n"
    )
    for number, (schema, major) in enumerate([(V1, "1"), (V2, "1"), (V3, "2")], start=1):
        repo.write("contracts/orders/value.avsc", schema)
        repo.write(sidecar, f'properties: {{major: "{major}"}}\n' + (migration if major == "2" else ""))
        repo.commit(f"v{number}")
    assert repo.run("check", "--all").code == 0
    result = _publish(repo, double)
    assert result.code == 0, result.output
    assert [v.version for v in double.store.versions_of("orders-value")] == [1, 2, 3]
    latest = double.store.versions_of("orders-value")[-1].content
    assert json.loads(latest.metadata or "{}")["properties"] == {"major": "2"}
    # the same history without the new group is refused, before anything is written
    repo.write(sidecar, 'properties: {major: "1"}\n')
    repo.commit("v3 back in group 1")
    other = registry_double_factory(name="aws")
    refused = _publish(repo, other)
    assert refused.code == 1, refused.output
    assert any(f["rule"] == "HISTORY_INCOMPATIBLE" for f in _findings(refused))
    assert _writes(other) == []


def test_can_deploy_names_a_version_left_out_instead_of_contradicting_itself(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """Git numbers every version; publish leaves out one that does not parse today, so the numbers have
    a gap. Round 24's audit: `--version 2` answered "has git versions 1..2, not 2"."""
    double = registry_double_factory(name="aws")
    repo.write("contractctl.yaml", _config("NONE"))
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1")
    repo.write("contracts/orders/value.avsc", '{"type": "record", "name": "Order", "fields": [}')
    repo.commit("v2, broken")
    repo.write("contracts/orders/value.avsc", V2)
    repo.commit("v3")
    env = {"AWS_URL": double.url}
    published = _publish(repo, double)
    assert published.code == 0, published.output
    (left_out,) = [f for f in published.json()["findings"] if f["rule"] == "HISTORY_UNPARSEABLE"]
    assert left_out["message"].startswith("git version 2 ") and "(" in left_out["message"], left_out  # why
    assert [v.version for v in double.store.versions_of("orders-value")] == [1, 2]
    deploy = ("can-deploy", "--subject", "orders-value", "--registry", "aws", "--version")
    assert repo.run(*deploy, "3", env=env).code == 0  # git version 3 is the registry's version 2
    left_out = repo.run(*deploy, "2", env=env)
    assert left_out.code == 2, left_out.output
    assert "git version 2" in left_out.output and "does not parse today" in left_out.output
    assert "1..2" not in left_out.output
    beyond = repo.run(*deploy, "4", env=env)
    assert beyond.code == 2, beyond.output
    assert "no git version 4" in beyond.output and "1, 3" in beyond.output
