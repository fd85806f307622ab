"""What a registry holds besides schema text: metadata, rules and the compatibility group.

status must see an out-of-band version that keeps git's schema but changes its rules; publish must
give a new subject git's compatibility group before its first version, so the registry accepts the
sanctioned break between groups that check passes; status and check --registry report a group that
differs.
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import GitRepo, record
from tests.registry_double import RegistryDouble

CONTRACT = "contracts/orders/value.avsc"
SIDECAR = "contracts/orders/value.contract.yaml"
ORDER = record("OrderPlaced", [{"name": "order_id", "type": "string"}])
ENCRYPTED = """owner: team-orders
tags: {order_id: [PII]}
rules:
  domain:
    - {name: encrypt_pii, kind: TRANSFORM, mode: WRITEREAD, type: ENCRYPT, tags: [PII],
       params: {encrypt.kek.name: orders-kek}}
"""


def config(url: str, groups: bool = False) -> str:
    defaults = "defaults: {compatibility: BACKWARD, compatibility_group: major_version}\n" if groups else ""
    return f'version: 1\n{defaults}registries:\n  r: {{url: "{url}"}}\n'


def test_a_newer_version_with_git_schema_but_other_rules_is_drift(
    repo: GitRepo, registry_double: RegistryDouble
) -> None:
    repo.write("contractctl.yaml", config(registry_double.url))
    repo.write(CONTRACT, ORDER)
    repo.write(SIDECAR, ENCRYPTED)
    repo.commit("v1 with an ENCRYPT rule")
    assert repo.run("publish", "--registry", "r").code == 0
    assert repo.run("status", "--registry", "r", "--fail-on-drift").code == 0
    [published] = registry_double.store.versions_of("orders-value")
    registry_double.store.register(  # out of band: same schema text and metadata, the ENCRYPT rule gone
        "orders-value",
        published.content.schema,
        metadata=json.loads(published.content.metadata or "{}"),
        rule_set={"domainRules": []},
    )
    result = repo.run("status", "--registry", "r", "--fail-on-drift", "--format", "json")
    assert result.code == 1, result.output
    [subject] = result.json()["results"]
    assert subject["verdict"] == "drift"
    [drift] = subject["findings"]
    assert drift["rule"] == "METADATA_DRIFT" and "version 2" in drift["message"]


BREAK = record("OrderPlaced", [{"name": "order_id", "type": "string"}, {"name": "channel", "type": "string"}])
GROUP_1 = 'owner: team-orders\nproperties: {major_version: "1"}\n'
GROUP_2 = 'owner: team-orders\nproperties: {major_version: "2"}\n' + (
    "rules:\n  migration:\n"
    "    - {name: up, kind: TRANSFORM, mode: UPGRADE, type: JSONATA, "
    "expr: \"$merge([$, {'channel': 'web'}])\"}\n"
    "    - {name: down, kind: TRANSFORM, mode: DOWNGRADE, type: JSONATA, "
    "expr: \"$sift($, function($v, $k) {$k != 'channel'})\"}\n"
)


def start_grouped(repo: GitRepo, double: RegistryDouble) -> None:
    repo.write("contractctl.yaml", config(double.url, groups=True))
    repo.write(CONTRACT, ORDER)
    repo.write(SIDECAR, GROUP_1)
    repo.commit("v1, group 1")


def test_publish_sets_the_group_before_the_first_version_so_a_sanctioned_break_registers(
    repo: GitRepo, registry_double: RegistryDouble
) -> None:
    start_grouped(repo, registry_double)
    dry = repo.run("publish", "--registry", "r", "--dry-run")
    assert "with compatibility group major_version" in dry.stdout, dry.output
    assert repo.run("publish", "--registry", "r").code == 0
    assert registry_double.store.config("orders-value", False) == {
        "compatibilityLevel": "BACKWARD",
        "compatibilityGroup": "major_version",
    }
    writes = [r.method + " " + r.decoded_path for r in registry_double.requests if r.method != "GET"]
    assert writes.index("PUT /config/orders-value") < writes.index("POST /subjects/orders-value/versions")
    assert repo.run("status", "--registry", "r", "--fail-on-drift").code == 0

    repo.write(CONTRACT, BREAK)  # a break, sanctioned by a new group with migration rules
    repo.write(SIDECAR, GROUP_2)
    assert repo.run("check", "--against", "HEAD").code == 0
    repo.commit("v2, group 2")
    published = repo.run("publish", "--registry", "r")
    assert published.code == 0, published.output  # the registry compares within group 2 only
    assert len(registry_double.store.versions_of("orders-value")) == 2


def test_a_missing_or_other_group_is_drift_in_status_and_a_warning_in_check(
    repo: GitRepo, registry_double: RegistryDouble
) -> None:
    start_grouped(repo, registry_double)
    assert repo.run("publish", "--registry", "r").code == 0
    registry_double.store.set_config("orders-value", compatibilityGroup=None)  # cleared out of band
    status = repo.run("status", "--registry", "r", "--fail-on-drift", "--format", "json")
    assert status.code == 1, status.output
    [drift] = status.json()["results"][0]["findings"]
    assert drift["rule"] == "GROUP_DIFFERS"
    assert (
        "no compatibility group" in drift["message"] and "metadata property major_version" in drift["message"]
    )

    registry_double.store.set_config("orders-value", compatibilityGroup="team")
    repo.write(
        CONTRACT, record("OrderPlaced", [*ORDER["fields"], {"name": "n", "type": "int", "default": 0}])
    )
    check = repo.run("check", "--against", "HEAD", "--registry", "r", "--format", "json")
    assert check.code == 0, check.output  # a warning: the registry's own verdict still decides
    warnings: list[Any] = [
        f for r in check.json()["results"] for f in r["findings"] if f["rule"] == "GROUP_DRIFT"
    ]
    assert len(warnings) == 1 and "metadata property team" in warnings[0]["message"]
