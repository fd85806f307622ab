"""Metadata and rules a registry carries over from the previous version.

Confluent copies the latest live version's `metadata` and `ruleSet` into a registration that leaves
them out (null), and merges the config's defaultMetadata/overrideMetadata/defaultRuleSet/
overrideRuleSet into every one (AbstractSchemaRegistry.maybeSetMetadataRuleSet); an explicit `{}`
stops the copy. A sidecar whose rules were removed in git was published without them, the registry
kept the old rules in the new version, and status said "in sync": consumers went on applying rules
git no longer declares.

Each test drives the real CLI against the loopback registry double, which models that behaviour.
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import GitRepo
from tests.e2e.test_registry_states_r14 import CONTRACT, SIDECAR, order, rules, setup
from tests.registry_double.server import RegistryDouble

OWNER = "owner: team-orders\n"
RULES = (
    OWNER + "rules:\n  domain:\n"
    "    - {name: checkId, kind: CONDITION, mode: WRITE, type: CEL, expr: \"message.order_id != ''\"}\n"
)
CHECK_ID = {
    "name": "checkId",
    "kind": "CONDITION",
    "mode": "WRITE",
    "type": "CEL",
    "expr": "message.order_id != ''",
}


def contract_of(double: RegistryDouble, version: int = -1) -> tuple[Any, Any]:
    """(metadata, ruleSet) of a live version as stored, JSON-decoded (None when absent)."""
    content = double.store.versions_of("orders-value")[version].content
    return tuple(None if part is None else json.loads(part) for part in (content.metadata, content.rule_set))


def no_rules(double: RegistryDouble, version: int = -1) -> bool:
    _, rule_set = contract_of(double, version)
    return not (rule_set or {}).get("domainRules") and not (rule_set or {}).get("migrationRules")


def with_rules_then_removed(repo: GitRepo, *, change_schema: bool) -> None:
    repo.write(CONTRACT, order())
    repo.write(SIDECAR, RULES)
    repo.commit("first, with a data contract")
    (repo.root / SIDECAR).unlink()
    if change_schema:
        repo.write(CONTRACT, order("channel"))
    repo.commit("the data contract is gone")


def test_publish_of_a_removed_sidecar_leaves_no_rules_in_the_registry(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """Same schema, sidecar deleted: the registry's lookup (which fills in the previous version's
    metadata and rules) answered with version 1, so publish registered nothing and the registry's
    latest version still carried the rules git had dropped."""
    aws, _, env = setup(repo, registry_double_factory)
    repo.write(CONTRACT, order())
    repo.write(SIDECAR, RULES)
    repo.commit("first, with a data contract")
    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    (repo.root / SIDECAR).unlink()
    repo.commit("the data contract is gone")

    result = repo.run("publish", "--registry", "aws", "--format", "json", env=env)
    assert result.code == 0, result.output
    assert [v.version for v in aws.store.versions_of("orders-value")] == [1, 2]
    assert contract_of(aws) == ({}, {})  # sent empty: nothing carried over
    assert not no_rules(aws, 0)  # version 1 keeps its rules: it is git version 1's history
    status = repo.run("status", "--registry", "aws", "--fail-on-drift", env=env)
    assert status.code == 0, status.output
    rerun = repo.run("publish", "--registry", "aws", env=env)
    assert rerun.code == 0 and len(aws.store.versions_of("orders-value")) == 2


def test_publish_of_a_new_schema_without_its_old_rules_does_not_inherit_them(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """Sidecar deleted together with a schema change, published in one run: the new version was sent
    without metadata and rules, and Confluent stored version 1's in it."""
    aws, _, env = setup(repo, registry_double_factory)
    with_rules_then_removed(repo, change_schema=True)

    result = repo.run("publish", "--registry", "aws", "--format", "json", env=env)
    assert result.code == 0, result.output
    assert [rule["name"] for rule in contract_of(aws, 0)[1]["domainRules"]] == ["checkId"]
    assert no_rules(aws) and not (contract_of(aws)[0] or {}).get("properties")
    published = [f["message"] for r in result.json()["results"] for f in r["findings"]]
    assert any("sent empty" in m for m in published), published
    assert repo.run("status", "--registry", "aws", "--fail-on-drift", env=env).code == 0


def test_rules_removed_but_owner_kept_sends_only_the_rules_empty(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    aws, _, env = setup(repo, registry_double_factory)
    repo.write(CONTRACT, order())
    repo.write(SIDECAR, RULES)
    repo.commit("first, with a data contract")
    repo.write(SIDECAR, OWNER)
    repo.write(CONTRACT, order("channel"))
    repo.commit("rules dropped, owner kept")

    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    metadata, rule_set = contract_of(aws)
    assert metadata == {"properties": {"owner": "team-orders"}}
    assert rule_set == {}


def test_status_reports_rules_the_registry_carried_over_as_drift(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """The registry as an earlier publish left it: git version 2 (no sidecar) registered, but with
    version 1's metadata and rules copied in. status matched it by lookup and said "in sync"."""
    aws, _, env = setup(repo, registry_double_factory)
    repo.write(CONTRACT, order())
    repo.write(SIDECAR, RULES)
    repo.commit("first, with a data contract")
    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    (repo.root / SIDECAR).unlink()
    repo.write(CONTRACT, order("channel"))
    repo.commit("the data contract is gone")
    # what publish sent before: the schema alone
    aws.store.register_request("orders-value", {"schema": json.dumps(order("channel"))}, normalize=True)
    assert not no_rules(aws)  # the double carried them over, as Confluent does

    status = repo.run("status", "--registry", "aws", "--fail-on-drift", "--format", "json", env=env)
    assert status.code == 1, status.output
    assert rules(status) == ["CONTRACT_METADATA_DIFFERS"]
    [result] = status.json()["results"]
    assert result["verdict"] == "drift"
    assert "git does not declare" in result["findings"][0]["message"]

    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    assert no_rules(aws) and len(aws.store.versions_of("orders-value")) == 3
    assert repo.run("status", "--registry", "aws", "--fail-on-drift", env=env).code == 0


def test_can_deploy_refuses_a_schema_held_only_with_rules_git_dropped(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    aws, _, env = setup(repo, registry_double_factory)
    with_rules_then_removed(repo, change_schema=False)
    body = {"schema": json.dumps(order()), "ruleSet": {"domainRules": [CHECK_ID]}}
    aws.store.register_request("orders-value", body, normalize=True)

    deploy = repo.run(
        "can-deploy", "--subject", "orders-value", "--schema", CONTRACT, "--registry", "aws", env=env
    )
    assert deploy.code == 1, deploy.output


def test_publish_refuses_when_the_registry_config_would_add_rules(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """An overrideRuleSet in the registry's config is merged into every registration, whatever is
    sent: the registry cannot hold exactly git's version, so nothing is written."""
    aws, _, env = setup(repo, registry_double_factory)
    repo.write(CONTRACT, order())
    repo.commit("first")
    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    aws.store.set_config("orders-value", overrideRuleSet={"domainRules": [CHECK_ID]})
    repo.write(CONTRACT, order("channel"))
    repo.commit("second")

    result = repo.run("publish", "--registry", "aws", "--format", "json", env=env)
    assert result.code == 1, result.output
    assert rules(result) == ["CONTRACT_WOULD_DIFFER"]
    assert len(aws.store.versions_of("orders-value")) == 1  # nothing written


def test_promote_via_copy_keeps_an_explicitly_empty_rule_set(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """A version stored with `{}` (what stops the copy) is another schema id than one without; the
    copy into Azure dropped the empty objects, so verify found metadata that differed."""
    aws, azure, env = setup(repo, registry_double_factory)
    with_rules_then_removed(repo, change_schema=True)

    result = repo.run("promote", "--from", "aws", "--to", "azure", "--via", "copy", env=env)
    assert result.code == 0, result.output
    originals = aws.store.versions_of("orders-value")
    copies = azure.store.versions_of("orders-value")
    assert [c.content for c in copies] == [o.content for o in originals]
    assert [c.id for c in copies] == [o.id for o in originals]
    assert contract_of(azure) == ({}, {})
