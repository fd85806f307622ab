"""Registries in the states real ones reach after years of use: soft-deleted versions, modes set at
the registry or context level, data contracts on registered versions, and the like.

Each test drives the real CLI against the loopback registry double, seeded into that state.
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import GitRepo, record
from tests.registry_double.server import RegistryDouble

CONFIG = """version: 1
defaults: {compatibility: BACKWARD}
registries:
  aws: {url: "${AWS_URL}"}
  azure: {url: "${AZURE_URL}"}
links:
  aws-to-azure: {source: aws, destination: azure, context_type: NONE, subjects: ["*"]}
"""
CONTRACT = "contracts/orders/value.avsc"
SIDECAR = "contracts/orders/value.contract.yaml"
RULES = (
    'owner: team-orders\nproperties: {major_version: "1"}\n'
    "rules:\n  domain:\n"
    "    - {name: checkId, kind: CONDITION, mode: WRITE, type: CEL, expr: \"message.order_id != ''\"}\n"
)


def order(*added: str) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [{"name": "order_id", "type": "string"}]
    fields += [{"name": name, "type": "string", "default": ""} for name in added]
    return record("OrderPlaced", fields)


def setup(repo: GitRepo, factory: Any) -> tuple[RegistryDouble, RegistryDouble, dict[str, str]]:
    aws, azure = factory(name="aws"), factory(name="azure")
    repo.write("contractctl.yaml", CONFIG)
    return aws, azure, {"AWS_URL": aws.url, "AZURE_URL": azure.url}


def rules(result: Any) -> list[str]:
    data = result.json()
    return [f["rule"] for f in data["findings"] + [f for r in data["results"] for f in r["findings"]]]


def test_publish_does_not_put_a_soft_deleted_middle_version_back_as_the_latest(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """Confluent numbers a registration after every version it ever stored, soft-deleted ones too
    (KafkaSchemaRegistry.register), so re-registering git version 2 after version 3 made the old
    schema the subject's latest: producers with use.latest.version wrote it, and the next check
    compared against it."""
    aws, _, env = setup(repo, registry_double_factory)
    for added in ((), ("a",), ("a", "b")):
        repo.write(CONTRACT, order(*added))
        repo.commit(f"fields {added}")
    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    aws.store.delete_version("orders-value", "2", permanent=False)  # the platform team's soft delete

    result = repo.run("publish", "--registry", "aws", "--format", "json", env=env)
    assert result.code == 0, result.output
    assert "VERSION_LEFT_OUT" in rules(result)
    live = aws.store.versions_of("orders-value")
    assert [v.version for v in live] == [1, 3]
    assert live[-1].content.schema.count('"name"') == 4  # the latest is still git's newest (a and b)

    status = repo.run("status", "--registry", "aws", "--format", "json", env=env)
    [finding] = [f for r in status.json()["results"] for f in r["findings"]]
    assert finding["rule"] == "VERSION_NOT_REGISTERED"
    assert "Publish leaves it out" in finding["hint"]


def test_publish_refuses_a_registry_in_forward_mode_before_writing_anything(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """Confluent registers a schema without an id only in READWRITE (AbstractSchemaRegistry.
    checkRegisterMode); FORWARD was not in the refused modes, so publish set a new subject's level,
    then failed at its first registration, half-applied."""
    aws, _, env = setup(repo, registry_double_factory)
    repo.write(CONTRACT, order())
    repo.commit("first")
    aws.store.set_mode(":.__GLOBAL:", "FORWARD")

    result = repo.run("publish", "--registry", "aws", "--format", "json", env=env)
    assert result.code == 1, result.output
    assert rules(result) == ["SUBJECT_NOT_WRITABLE"]
    assert aws.store.configs == {}  # no level set: nothing half-applied
    assert aws.store.versions_of("orders-value") == []


def test_promote_via_copy_keeps_the_metadata_and_rules_the_id_names(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """A schema id names the text with its metadata and ruleSet (Confluent's MD5.ofSchema hashes all
    three); the copy dropped them, so Azure's consumers resolved the id to a schema without the rules,
    and verify still said "in parity"."""
    aws, azure, env = setup(repo, registry_double_factory)
    repo.write(CONTRACT, order())
    repo.write(SIDECAR, RULES)
    repo.commit("first, with a data contract")

    result = repo.run("promote", "--from", "aws", "--to", "azure", "--via", "copy", env=env)
    assert result.code == 0, result.output
    [original] = aws.store.versions_of("orders-value")
    [copy] = azure.store.versions_of("orders-value")
    assert copy.id == original.id
    assert copy.content == original.content  # metadata and rules included
    assert original.content.rule_set is not None


def test_verify_fails_when_the_destination_lacks_the_rules_under_the_same_id(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    aws, azure, env = setup(repo, registry_double_factory)
    repo.write(CONTRACT, order())
    repo.write(SIDECAR, RULES)
    repo.commit("first, with a data contract")
    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    [original] = aws.store.versions_of("orders-value")
    azure.store.register("orders-value", original.content.schema, id=original.id, version=1)  # bare

    result = repo.run("link", "verify", "--format", "json", env=env)
    assert result.code == 1, result.output
    [finding] = [f for r in result.json()["results"] for f in r["findings"]]
    assert finding["rule"] == "LINK_MISMATCH"
    assert "metadata or rules" in finding["message"]


def test_verify_reads_past_the_first_page_of_a_large_registry(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """Confluent answers GET /schemas with at most schema.search.default.limit records (1000 since
    7.4.1; SchemasResource.getSchemas -> normalizeSchemaLimit). verify read one page, so in a registry
    with more versions the subjects past it were never compared: a mismatch there passed."""
    aws, azure, env = setup(repo, registry_double_factory)
    repo.write(CONTRACT, order())
    repo.commit("first")
    for double in (aws, azure):
        double.schema_search_default_limit = double.schema_search_max_limit = 20
        for number in range(12):
            for fields in (1, 2):
                added = [{"name": f"f{k}", "type": "string", "default": ""} for k in range(fields)]
                double.store.register(f"s{number:02d}-value", record(f"R{number}", added))
    aws.store.register("zz-value", record("Z", [{"name": "z", "type": "int"}]))
    azure.store.register("zz-value", record("Other", [{"name": "o", "type": "int"}]))  # same id

    result = repo.run("link", "verify", "--format", "json", env=env)
    assert result.code == 1, result.output
    verdicts = {r["subject"]: r["verdict"] for r in result.json()["results"]}
    assert len(verdicts) == 13
    assert verdicts.pop("zz-value") == "mismatch"
    assert set(verdicts.values()) == {"in parity"}


def test_promote_names_the_exporter_error_instead_of_advising_to_wait(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """A team registered directly in Azure, so the id the exporter must import is taken there: the
    exporter stays RUNNING with a 42205 trace (Confluent's checkIfSchemaWithIdExist, "Overwrite new
    schema with id ... is not permitted"), which no wait cures. promote said only that Azure lags and
    to wait longer."""
    _, azure, env = setup(repo, registry_double_factory)
    repo.write(CONTRACT, order())
    repo.commit("first")
    azure.store.register("legacy-value", record("Legacy", [{"name": "x", "type": "int"}]))  # id 1

    result = repo.run(
        "promote", "--from", "aws", "--to", "azure", "--wait", "--timeout", "2", "--format", "json", env=env
    )
    assert result.code == 1, result.output
    [trace] = [f for r in result.json()["results"] for f in r["findings"] if f["rule"] == "LINK_ERROR_TRACE"]
    assert "Overwrite new schema with id 1" in trace["message"]
    assert "LINK_LAG" in rules(result)
    verify = repo.run("link", "verify", "--format", "json", env=env)
    assert verify.code == 1 and "LINK_ERROR_TRACE" in rules(verify), verify.output


def test_status_fails_when_the_registry_serves_an_older_git_version_as_its_latest(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """After a cleanup soft-deleted version 1, an old producer's serializer auto-registered its schema
    again: Confluent gives it a new version after every stored one (KafkaSchemaRegistry.register), so
    the registry's latest is git's first version. Every git version was still found, so status said
    "in sync", even with --fail-on-drift."""
    aws, _, env = setup(repo, registry_double_factory)
    for added in ((), ("a",)):
        repo.write(CONTRACT, order(*added))
        repo.commit(f"fields {added}")
    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    first = aws.store.versions_of("orders-value")[0].content.schema
    aws.store.delete_version("orders-value", "1", permanent=False)
    aws.store.register_request("orders-value", {"schema": first})  # the serializer's registration
    assert [v.version for v in aws.store.versions_of("orders-value")] == [2, 3]

    result = repo.run("status", "--registry", "aws", "--fail-on-drift", "--format", "json", env=env)
    assert result.code == 1, result.output
    assert rules(result) == ["LATEST_NOT_NEWEST"]


def test_publish_completes_when_a_follower_has_not_yet_read_the_registration(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """Confluent forwards a registration to its leader (KafkaSchemaRegistry.registerOrForward) but
    answers a lookup from the node asked (SubjectsResource.lookUpSchemaUnderSubject), whose store
    follows the leader's writes asynchronously: behind a load balancer, the lookup that follows each
    registration can answer 40401/40403. publish stopped there with exit 3 after one version, blaming
    URL, credentials or network, and every rerun stopped at the next one."""
    aws, _, env = setup(repo, registry_double_factory)
    for added in ((), ("a",)):
        repo.write(CONTRACT, order(*added))
        repo.commit(f"fields {added}")
    aws.stale_lookups_after_write = 1

    result = repo.run("publish", "--registry", "aws", env=env)
    assert result.code == 0, result.output
    assert [v.version for v in aws.store.versions_of("orders-value")] == [1, 2]


def test_publish_and_status_work_with_a_registry_older_than_cp_7(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """Before CP 7.0, GET /mode/{S} knows no defaultToGlobal and answers 40401 for a subject without
    a mode of its own (6.x ModeResource.getMode: `if (mode == null) throw subjectNotFoundException`).
    publish (and status of a registered subject) stopped with exit 3 "subject not found" on every
    such registry; the subject follows the top-level mode there, which still gates the writes."""
    aws, _, env = setup(repo, registry_double_factory)
    aws.mode_default_to_global = False
    aws.store.legacy_responses = True
    repo.write(CONTRACT, order())
    repo.commit("first")

    published = repo.run("publish", "--registry", "aws", env=env)
    assert published.code == 0, published.output
    assert repo.run("status", "--registry", "aws", "--fail-on-drift", env=env).code == 0
    aws.store.set_mode(None, "READONLY")  # the top-level mode still refuses
    repo.write(CONTRACT, order("a"))
    repo.commit("second")
    refused = repo.run("publish", "--registry", "aws", "--format", "json", env=env)
    assert refused.code == 1, refused.output
    assert rules(refused) == ["SUBJECT_NOT_WRITABLE"]


def test_check_and_publish_ask_a_registry_older_than_cp_7_version_by_version(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """POST /compatibility/subjects/{S}/versions (every version at once) came with CP 7.0; 6.x has
    only .../versions/{V} (v6.2.0 CompatibilityResource). check --registry and publish's preflight
    stopped with exit 3 "no such endpoint" on such registries; now they ask the versions the
    subject's level compares with, one by one, and keep the registry's verdict."""
    aws, _, env = setup(repo, registry_double_factory)
    aws.mode_default_to_global = aws.all_versions_compatibility = False
    aws.store.legacy_responses = True
    repo.write("contractctl.yaml", CONFIG.replace("BACKWARD", "BACKWARD_TRANSITIVE"))
    repo.write(CONTRACT, order())
    repo.commit("first")
    repo.write(CONTRACT, order("a"))
    repo.commit("second")
    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    aws.store.set_config("orders-value", "NONE")  # let an out-of-band break in: transitive matters
    aws.store.register_request("orders-value", {"schema": json.dumps(order())})  # version 3 = 1
    aws.store.set_config("orders-value", "BACKWARD_TRANSITIVE")

    repo.write(CONTRACT, order("a", "b"))  # compatible with every version
    check = repo.run("check", "--against", "HEAD", "--registry", "aws", "--format", "json", env=env)
    assert check.code == 0, check.output
    breaking = order("a", "b")
    breaking["fields"][1].pop("default")  # field a without default: version 1 cannot be read
    repo.write(CONTRACT, breaking)
    refused = repo.run("check", "--against", "HEAD", "--registry", "aws", "--format", "json", env=env)
    assert refused.code == 1, refused.output
    remote = [r for r in refused.json()["results"] if r.get("registry") == "aws"]
    assert [r["verdict"] for r in remote] == ["incompatible"]
    repo.commit("third, breaking")
    published = repo.run("publish", "--registry", "aws", "--format", "json", env=env)
    assert published.code == 1, published.output
    assert "REGISTRY_INCOMPATIBLE" in rules(published)


def test_a_version_a_serializer_registered_with_other_key_order_counts_as_git_version(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """Confluent finds a schema by lookup when it is equivalent to a stored version, not only when
    the canonical texts match (AbstractSchemaRegistry.lookUpSchemaUnderSubject -> canLookup ->
    AvroSchema.equivalent compares the parsed schemas). A version a producer's serializer registered
    without normalizing, keys in another order, is git's version: in sync, deployable, not
    registered twice."""
    aws, _, env = setup(repo, registry_double_factory)
    repo.write(CONTRACT, order("a"))
    repo.commit("first")
    doc = order("a")
    shuffled = {"fields": doc["fields"], "type": "record", "namespace": doc["namespace"], "name": doc["name"]}
    aws.store.register_request("orders-value", {"schema": json.dumps(shuffled, indent=4)}, normalize=False)

    assert repo.run("status", "--registry", "aws", "--fail-on-drift", env=env).code == 0
    deploy = ("can-deploy", "--subject", "orders-value", "--version", "1", "--registry", "aws")
    assert repo.run(*deploy, env=env).code == 0
    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    assert [v.version for v in aws.store.versions_of("orders-value")] == [1]


def test_publish_clears_the_group_a_soft_deleted_subject_left_behind(
    repo: GitRepo, registry_double_factory: Any
) -> None:
    """A soft-deleted subject keeps its subject-level config (KafkaSchemaRegistry.deleteSubject drops
    config and mode only when permanent), and PUT /config merges (ConfigValue.update keeps a field
    the body leaves out). publish set only the level when it re-created the subject, so the old
    compatibilityGroup stayed: the registry compared versions by a property git knows nothing of."""
    aws, _, env = setup(repo, registry_double_factory)
    aws.store.register("orders-value", record("Old", [{"name": "x", "type": "int"}]))
    aws.store.set_config("orders-value", "NONE", compatibilityGroup="app.version")
    aws.store.delete_subject("orders-value", permanent=False)
    repo.write(CONTRACT, order())
    repo.commit("first")

    assert repo.run("publish", "--registry", "aws", env=env).code == 0
    assert aws.store.config("orders-value", True) == {"compatibilityLevel": "BACKWARD"}
    status = repo.run("status", "--registry", "aws", "--fail-on-drift", env=env)
    assert status.code == 0, status.output
