"""Sidecars, examples and compatibility groups inside `check`, through the installed CLI."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import GitRepo, record

ORDER = record(
    "OrderPlaced",
    [{"name": "order_id", "type": "string"}, {"name": "total_cents", "type": "long"}],
)
SIDECAR = """owner: team-orders
description: Orders placed on any channel.
properties: {major_version: "1"}
tags: {order_id: [INTERNAL]}
rules:
  domain:
    - {name: positive_total, kind: CONDITION, mode: WRITE, type: CEL, expr: "message.total_cents > 0"}
"""
EXAMPLE = {"order_id": "o-1", "total_cents": 1250}


def start(repo: GitRepo, config: str = "version: 1\n") -> None:
    repo.write("contractctl.yaml", config)
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.write("contracts/orders/value.contract.yaml", SIDECAR)
    repo.write("contracts/orders/examples/ok.json", EXAMPLE)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")


def rules(result: Any) -> list[str]:
    return [f["rule"] for r in result.json()["results"] for f in r["findings"]]


def test_valid_sidecar_and_examples_pass_and_a_sidecar_change_is_checked(repo: GitRepo) -> None:
    start(repo)
    assert repo.run("check", "--all").code == 0
    repo.write("contracts/orders/value.contract.yaml", SIDECAR.replace("total_cents > 0", "total_cent > 0"))
    result = repo.run("check", "--format", "json")  # only the sidecar changed: still checked
    assert result.code == 2, result.output
    [finding] = [f for r in result.json()["results"] for f in r["findings"]]
    assert finding["file"] == "contracts/orders/value.contract.yaml" and finding["line"] == 7
    assert "total_cent" in finding["message"]


def test_failing_example_is_a_finding_with_its_file(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/orders/examples/refund.json", {"order_id": "o-2", "total_cents": -5})
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    findings = [f for r in result.json()["results"] for f in r["findings"]]
    assert [f["rule"] for f in findings] == ["CONTRACT_EXAMPLE_RULE_FAILED"]
    assert findings[0]["file"] == "contracts/orders/examples/refund.json"


def test_breaking_change_is_shown_with_the_example_it_breaks(repo: GitRepo) -> None:
    start(repo, "version: 1\ndefaults: {compatibility: FORWARD}\n")
    repo.write("contracts/orders/value.avsc", {**ORDER, "fields": [ORDER["fields"][1]]})
    repo.write("contracts/orders/value.contract.yaml", SIDECAR.replace("tags: {order_id: [INTERNAL]}\n", ""))
    repo.write("contracts/orders/examples/ok.json", {"total_cents": 1250})
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    found = rules(result)
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in found and "CONTRACT_EXAMPLE_UNREADABLE" in found


def test_a_new_compatibility_group_needs_migration_rules(repo: GitRepo) -> None:
    start(repo, "version: 1\ndefaults: {compatibility: BACKWARD, compatibility_group: major_version}\n")
    breaking = {**ORDER, "fields": [*ORDER["fields"], {"name": "channel", "type": "string"}]}
    repo.write("contracts/orders/value.avsc", breaking)
    repo.write("contracts/orders/examples/ok.json", {**EXAMPLE, "channel": "web"})
    new_group = SIDECAR.replace('major_version: "1"', 'major_version: "2"')
    repo.write("contracts/orders/value.contract.yaml", new_group)
    without = repo.run("check", "--format", "json")
    assert without.code == 1, without.output
    assert "CONTRACT_GROUP_WITHOUT_MIGRATION" in rules(without)
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" not in rules(without)  # other groups are not compared
    up = "$merge([$, {'channel': 'web'}])"
    down = "$sift($, function($v, $k) {$k != 'channel'})"
    migrations = new_group + (
        "  migration:\n"
        f'    - {{name: up, kind: TRANSFORM, mode: UPGRADE, type: JSONATA, expr: "{up}"}}\n'
        f'    - {{name: down, kind: TRANSFORM, mode: DOWNGRADE, type: JSONATA, expr: "{down}"}}\n'
    )
    repo.write("contracts/orders/value.contract.yaml", migrations)
    with_rules = repo.run("check", "--format", "json")
    assert with_rules.code == 0, with_rules.output
    assert "CONTRACT_GROUP_CHANGED" in rules(with_rules)
    assert json.loads((repo.root / "contracts/orders/examples/ok.json").read_text())["channel"] == "web"


def test_publish_status_and_check_carry_metadata_and_rules(repo: GitRepo, two_registries: Any) -> None:
    config = 'version: 1\nregistries:\n  aws: {url: "${AWS_URL}"}\n  azure: {url: "${AZURE_URL}"}\n'
    repo.write("contractctl.yaml", config)
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.write("contracts/orders/value.contract.yaml", SIDECAR)
    repo.commit("v1")
    env = {"AWS_URL": two_registries.aws.url, "AZURE_URL": two_registries.azure.url}
    both = ("--registry", "aws", "--registry", "azure")
    assert repo.run("publish", *both, env=env).code == 0
    for double in two_registries:
        [version] = double.store.versions_of("orders-value")
        metadata = json.loads(version.content.metadata)
        assert metadata["properties"]["owner"] == "team-orders"
        assert metadata["tags"] == {"com.acme.OrderPlaced.order_id": ["INTERNAL"]}
        rules = json.loads(version.content.rule_set)
        assert [r["name"] for r in rules["domainRules"]] == ["positive_total"]
    assert repo.run("status", *both, "--fail-on-drift", env=env).code == 0
    # a sidecar-only change: status sees the difference, publish makes it a new version
    repo.write("contracts/orders/value.contract.yaml", SIDECAR.replace("team-orders", "team-checkout"))
    repo.commit("new owner")
    drift = repo.run("status", *both, "--fail-on-drift", "--format", "json", env=env)
    assert drift.code == 1
    assert "CONTRACT_METADATA_DIFFERS" in rules_of(drift)
    assert repo.run("publish", *both, env=env).code == 0
    assert [v.version for v in two_registries.aws.store.versions_of("orders-value")] == [1, 2]
    assert repo.run("status", *both, "--fail-on-drift", env=env).code == 0
    deploy = repo.run(
        "can-deploy", "--subject", "orders-value", "--schema", "contracts/orders/value.avsc", *both, env=env
    )
    assert deploy.code == 0, deploy.output
    # the remote check sends the sidecar's metadata and rules with the schema
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("contracts/orders/value.avsc", {**ORDER, "doc": "changed"})
    two_registries.aws.clear_requests()
    assert repo.run("check", "--registry", "aws", env=env).code == 0
    [request] = [r for r in two_registries.aws.requests if r.decoded_path.startswith("/compatibility/")]
    assert request.json()["metadata"]["properties"]["owner"] == "team-checkout"


def rules_of(result: Any) -> list[str]:
    return [f["rule"] for r in result.json()["results"] for f in r["findings"]]


def test_changelog_lists_rule_and_metadata_changes(repo: GitRepo) -> None:
    start(repo)
    repo.git("tag", "v1")
    changed = SIDECAR.replace("team-orders", "team-checkout").replace("total_cents > 0", "total_cents >= 0")
    changed += '  migration:\n    - {name: up, kind: TRANSFORM, mode: UPGRADE, type: JSONATA, expr: "$"}\n'
    repo.write("contracts/orders/value.contract.yaml", changed)
    repo.commit("rules")
    result = repo.run("changelog", "--from", "v1", "--to", "HEAD")
    assert result.code == 0, result.output
    text = result.stdout
    assert "## orders-value" in text
    assert "team-checkout" in text and "positive_total" in text and "`up`" in text
