"""The double copies the previous version's metadata and ruleSet into a registration that leaves
them out, as Confluent's AbstractSchemaRegistry.maybeSetMetadataRuleSet does; `{}` stops it; the
config's default/override metadata and rules merge into every registration; a lookup tries again
with what a registration would fill in (since CP 7.6.6, schema-registry#3555)."""

from __future__ import annotations

from ..registry_double import RegistryDouble
from ._client import Client, record

V1 = record("Order", {"name": "id", "type": "string"})
V2 = record("Order", {"name": "id", "type": "string"}, {"name": "qty", "type": "int", "default": 0})
RULE = {"name": "r", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true"}
OWNER = {"properties": {"owner": "orders"}}
PATH = "/subjects/orders-value/versions"


def test_a_registration_without_metadata_inherits_the_latest_versions(
    registry_double: RegistryDouble,
) -> None:
    client = Client(registry_double.url)
    client.post(PATH, {"schema": V1, "metadata": OWNER, "ruleSet": {"domainRules": [RULE]}})
    second = client.post(PATH, {"schema": V2}).json()
    assert second["version"] == 2
    assert (second["metadata"], second["ruleSet"]) == (OWNER, {"domainRules": [RULE]})
    # the same schema again, without them: found as version 2 (filled in before the lookup)
    assert client.post(PATH, {"schema": V2}).json()["version"] == 2
    assert client.post("/subjects/orders-value", {"schema": V2}).json()["version"] == 2


def test_an_explicit_empty_object_stops_the_copy(registry_double: RegistryDouble) -> None:
    client = Client(registry_double.url)
    client.post(PATH, {"schema": V1, "ruleSet": {"domainRules": [RULE]}})
    emptied = client.post(PATH, {"schema": V1, "metadata": {}, "ruleSet": {}}).json()
    assert (emptied["version"], emptied["metadata"], emptied["ruleSet"]) == (2, {}, {})
    assert emptied["id"] != client.get(f"{PATH}/1").json()["id"]  # {} is part of the identity
    found = client.post("/subjects/orders-value", {"schema": V1, "metadata": {}, "ruleSet": {}}).json()
    assert found["version"] == 2


def test_lookup_without_the_second_pass_plays_older_servers(registry_double: RegistryDouble) -> None:
    client = Client(registry_double.url)
    client.post(PATH, {"schema": V1, "ruleSet": {"domainRules": [RULE]}})
    assert client.post("/subjects/orders-value", {"schema": V1}).json()["version"] == 1
    registry_double.store.lookup_populates = False
    assert client.post("/subjects/orders-value", {"schema": V1}).json()["error_code"] == 40403


def test_config_defaults_and_overrides_merge_into_every_registration(registry_double: RegistryDouble) -> None:
    client = Client(registry_double.url)
    client.put("/config/orders-value", {"defaultMetadata": {"properties": {"tier": "1", "owner": "x"}}})
    client.put("/config/orders-value", {"overrideRuleSet": {"domainRules": [RULE]}})
    first = client.post(PATH, {"schema": V1, "metadata": OWNER, "ruleSet": {}}).json()
    assert first["metadata"] == {"properties": {"owner": "orders", "tier": "1"}}
    assert first["ruleSet"] == {"domainRules": [RULE]}
    config = client.get("/config/orders-value?defaultToGlobal=true").json()
    assert config["overrideRuleSet"] == {"domainRules": [RULE]}
    # a global default does not reach a subject with a config of its own (Config.mergeConfigs)
    client.put("/config", {"defaultRuleSet": {"domainRules": [{**RULE, "name": "g"}]}})
    assert "defaultRuleSet" not in client.get("/config/orders-value?defaultToGlobal=true").json()
