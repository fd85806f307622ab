"""The pure rules of contractctl/registry/inherit.py: what Confluent stores for a registration and
what publish sends so that it stores exactly git's metadata and rules."""

from __future__ import annotations

from contractctl.registry.inherit import (
    ConfigContract,
    ContractExtras,
    config_contract,
    merge_metadata,
    merge_rule_sets,
    same_contract,
    stored,
    to_send,
)

RULE_A = {"name": "a", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true"}
RULE_B = {"name": "b", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "false"}
RULES = {"domainRules": [RULE_A]}
OWNER = {"properties": {"owner": "orders"}}


def test_nothing_declared_and_nothing_held_is_sent_unchanged() -> None:
    """The common case: the same payload as before, so the same schema ids."""
    assert to_send(None, None) is None
    assert to_send(None, ContractExtras()) is None
    declared = ContractExtras(OWNER, RULES)
    assert to_send(declared, ContractExtras(OWNER, RULES)) is declared


def test_a_part_git_leaves_out_that_the_latest_version_holds_is_sent_empty() -> None:
    assert to_send(None, ContractExtras(OWNER, RULES)) == ContractExtras({}, {})
    assert to_send(ContractExtras(OWNER), ContractExtras(None, RULES)) == ContractExtras(OWNER, {})
    assert to_send(ContractExtras(None, RULES), ContractExtras(OWNER)) == ContractExtras({}, RULES)


def test_stored_copies_only_a_null_part_and_merges_the_config() -> None:
    previous = ContractExtras(OWNER, RULES)
    assert stored(None, previous, ConfigContract()) == ContractExtras(OWNER, RULES)
    assert stored(ContractExtras({}, {}), previous, ConfigContract()) == ContractExtras({}, {})
    config = ConfigContract(default_metadata={"properties": {"tier": "1"}}, override_rule_set=RULES)
    held = stored(ContractExtras({}, {}), None, config)
    assert held == ContractExtras({"properties": {"tier": "1"}}, RULES)
    assert not same_contract(None, held)


def test_same_contract_treats_empty_as_absent_but_not_other_rules() -> None:
    assert same_contract(None, ContractExtras({}, {"domainRules": []}))
    assert same_contract(
        ContractExtras({"tags": {"f": ["B", "A"]}}), ContractExtras({"tags": {"f": ["A", "B"]}})
    )
    assert not same_contract(None, ContractExtras(None, RULES))
    assert not same_contract(ContractExtras(None, RULES), ContractExtras(None, {"domainRules": [RULE_B]}))


def test_merges_follow_confluent() -> None:
    """Metadata key by key, `over` winning; rules by name, the older unrenamed ones first."""
    assert merge_metadata({"properties": {"a": "1", "b": "1"}}, {"properties": {"b": "2"}}) == {
        "properties": {"a": "1", "b": "2"}
    }
    assert merge_metadata(OWNER, {}) == OWNER
    renamed = {**RULE_A, "expr": "1 == 1"}
    merged = merge_rule_sets({"domainRules": [RULE_A, RULE_B]}, {"domainRules": [renamed]})
    assert merged == {"domainRules": [RULE_B, renamed]}
    assert merge_rule_sets(None, {}) == {}


def test_config_contract_reads_the_four_keys() -> None:
    body = {"compatibilityLevel": "BACKWARD", "overrideRuleSet": RULES}
    assert config_contract(body) == ConfigContract(override_rule_set=RULES)
    try:
        config_contract({"defaultMetadata": "x"})
    except ValueError as error:
        assert "defaultMetadata" in str(error)
    else:
        raise AssertionError("a string is not a metadata object")
