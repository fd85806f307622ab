"""One definition of "the versions of a subject": check compares with what publish registers.

A commit that only adds or edits a sidecar is a new version in a registry (new metadata or rules),
so check must see it too, with its own commit and group.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from tests.conftest import GitRepo, record

GROUPS = "version: 1\ndefaults: {compatibility: BACKWARD, compatibility_group: major_version}\n"
ORDER = record("OrderPlaced", [{"name": "order_id", "type": "string"}])
BREAK = record("OrderPlaced", [{"name": "order_id", "type": "string"}, {"name": "channel", "type": "string"}])
SIDECAR = 'owner: team-orders\nproperties: {major_version: "1"}\n'
MIGRATIONS = (
    "rules:\n  migration:\n"
    "    - {name: up, kind: TRANSFORM, mode: UPGRADE, type: JSONATA, "
    "expr: \"$merge([$, {'channel': 'web'}])\"}\n"
    "    - {name: down, kind: TRANSFORM, mode: DOWNGRADE, type: JSONATA, "
    "expr: \"$sift($, function($v, $k) {$k != 'channel'})\"}\n"
)
CONTRACT = "contracts/orders/value.avsc"
SIDECAR_PATH = "contracts/orders/value.contract.yaml"


def test_a_break_inside_one_group_fails_when_the_group_came_in_a_sidecar_only_commit(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", GROUPS)
    repo.write(CONTRACT, ORDER)
    repo.commit("schema")
    repo.write(SIDECAR_PATH, SIDECAR)
    repo.commit("sidecar only: major_version 1")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(CONTRACT, BREAK)
    repo.write(SIDECAR_PATH, SIDECAR + MIGRATIONS)  # same group "1": the registry compares
    result = repo.run("check", "--against", "main", "--format", "json")
    assert result.code == 1, result.output
    rules = [f["rule"] for r in result.json()["results"] for f in r["findings"]]
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in rules


PROPERTY_CONFIG = """version: 1
defaults: {compatibility: BACKWARD_TRANSITIVE}
subjects:
  - {match: "contracts/**/value.avsc", subject: orders-value}
registries:
  incremental: {url: "${INCREMENTAL_URL}"}
  fresh: {url: "${FRESH_URL}"}
"""


def random_history(repo: GitRepo, seed: int, publish: Any) -> None:
    """Schema edits, sidecar-only edits, reformatted sidecars, reverts and moves, in random order,
    published after every commit as the release workflow does on each merge."""
    chooser = random.Random(seed)
    fields: list[dict[str, Any]] = [{"name": "order_id", "type": "string"}]
    sidecar = "owner: team-a\n"
    path = CONTRACT
    repo.write("contractctl.yaml", PROPERTY_CONFIG)
    repo.write(path, record("OrderPlaced", fields))
    repo.write(path.replace("value.avsc", "value.contract.yaml"), sidecar)
    repo.commit("first version")
    publish()
    for step in range(5):
        action = chooser.choice(["field", "sidecar", "reformat", "revert", "move"])
        if action == "field":
            fields = [*fields, {"name": f"f{step}", "type": "string", "default": ""}]
        elif action == "sidecar":
            sidecar = f"owner: team-{step}\n"
        elif action == "reformat":
            sidecar = "# reformatted, same content\n" + sidecar.replace("owner: ", "owner:   ")
        elif action == "revert" and len(fields) > 1:
            fields = fields[:-1]
        elif action == "move":
            target = f"contracts/moved{step}"
            repo.git("mv", path.rsplit("/", 1)[0], target)
            path = f"{target}/value.avsc"
        repo.write(path, record("OrderPlaced", fields))
        repo.write(path.replace("value.avsc", "value.contract.yaml"), sidecar)
        repo.commit(f"step {step}: {action}")
        publish()


@pytest.mark.parametrize("seed", [33, 42])
def test_check_and_publish_list_the_same_versions(
    repo: GitRepo, seed: int, registry_double_factory: Any
) -> None:
    incremental, fresh = registry_double_factory(name="incremental"), registry_double_factory(name="fresh")
    env = {"INCREMENTAL_URL": incremental.url, "FRESH_URL": fresh.url}

    def publish() -> None:
        done = repo.run("publish", "--registry", "incremental", env=env)
        assert done.code == 0, done.output

    random_history(repo, seed, publish)
    dry = repo.run("publish", "--registry", "fresh", "--dry-run", "--format", "json", env=env)
    assert dry.code == 0, dry.output
    planned = [
        f["message"].split(" of ")[0].removeprefix("would register ")
        for r in dry.json()["results"]
        for f in r["findings"]
        if f["message"].startswith("would register")
    ]
    # a compatible change against HEAD: a transitive level compares it with every earlier version
    current = (repo.root / "contracts").rglob("value.avsc")
    [contract] = list(current)
    schema = json.loads(contract.read_text())
    schema["fields"].append({"name": "added_now", "type": "string", "default": ""})
    contract.write_text(json.dumps(schema))
    check = repo.run("check", "--against", "HEAD", "--format", "json")
    assert check.code == 0, check.output
    [result] = check.json()["results"]
    registered = incremental.store.versions_of("orders-value")
    assert result["compared_versions"] == len(planned) == len(registered), (
        planned,
        repo.git("log", "--stat"),
    )
    log = repo.git("log", "--format=%h", "--reverse").split()
    assert [label.split("(")[1].rstrip(")") for label in planned] == [
        sha for sha in log if any(sha in label for label in planned)
    ]


def test_a_sidecar_only_publish_is_labelled_with_its_own_version_and_commit(
    repo: GitRepo, registry_double: Any
) -> None:
    repo.write("contractctl.yaml", f'version: 1\nregistries:\n  r: {{url: "{registry_double.url}"}}\n')
    repo.write(CONTRACT, ORDER)
    first = repo.commit("schema")
    assert repo.run("publish", "--registry", "r").code == 0
    repo.write(SIDECAR_PATH, SIDECAR)
    sidecar_commit = repo.commit("sidecar only")
    result = repo.run("publish", "--registry", "r")
    assert result.code == 0, result.output
    assert f"registered git version 2 ({sidecar_commit[:7]})" in result.stdout
    assert first[:7] not in result.stdout


def test_the_changelog_names_a_changed_property(repo: GitRepo) -> None:
    repo.write(CONTRACT, ORDER)
    repo.write(SIDECAR_PATH, SIDECAR)
    repo.commit("v1")
    repo.write(SIDECAR_PATH, SIDECAR.replace('"1"', '"2"'))
    repo.commit("major version 2")
    result = repo.run("changelog", "--from", "HEAD~1", "--to", "HEAD")
    assert result.code == 0, result.output
    assert "property `major_version`" in result.stdout and "propertie " not in result.stdout


def test_a_registry_result_does_not_claim_zero_earlier_versions(repo: GitRepo, registry_double: Any) -> None:
    repo.write("contractctl.yaml", f'version: 1\nregistries:\n  r: {{url: "{registry_double.url}"}}\n')
    repo.write(CONTRACT, ORDER)
    repo.commit("v1")
    assert repo.run("publish", "--registry", "r").code == 0
    repo.write(
        CONTRACT, record("OrderPlaced", [*ORDER["fields"], {"name": "n", "type": "int", "default": 0}])
    )
    result = repo.run("check", "--against", "HEAD", "--registry", "r")
    assert result.code == 0, result.output
    [remote] = [line for line in result.stdout.splitlines() if "@ registry r]" in line]
    assert "against 0 earlier versions" not in remote and "against the versions the registry holds" in remote


COUNTRY = 'syntax = "proto3";\npackage acme.common;\nenum Country {\n  COUNTRY_UNSPECIFIED = 0;\n}\n'
ADDRESS = (
    'syntax = "proto3";\npackage acme.common;\nimport "common/country.proto";\n'
    "message Address {\n  string city = 1;\n  Country country = 2;\n}\n"
)
SHIPMENT = (
    'syntax = "proto3";\npackage acme.shipping;\nimport "common/address.proto";\n'
    "message Shipment {\n  string id = 1;\n  acme.common.Address to = 2;\n}\n"
)


def _lookup(url: str, subject: str, schema: str, references: list[dict[str, Any]]) -> dict[str, Any]:
    """What a producer's serializer asks with auto.register.schemas=false: this text, these references."""
    import urllib.parse
    import urllib.request

    body = json.dumps({"schemaType": "PROTOBUF", "schema": schema, "references": references}).encode()
    request = urllib.request.Request(
        f"{url}/subjects/{urllib.parse.quote(subject, safe='')}",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # loopback: the registry double
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def test_a_contract_committed_again_after_its_import_changed_registers_the_new_reference(
    repo: GitRepo, registry_double: Any
) -> None:
    """A schema is its text and its references' versions. A commit that writes the address again
    (here a comment) after the shared enum changed registers it with the enum's new version, as a
    producer built from that commit looks it up; check and status count the same versions."""
    repo.write("contractctl.yaml", f'version: 1\nregistries:\n  r: {{url: "{registry_double.url}"}}\n')
    repo.write("contracts/common/country.proto", COUNTRY)
    repo.write("contracts/common/address.proto", ADDRESS)
    repo.write("contracts/shipping/value.proto", SHIPMENT)
    repo.commit("v1")
    assert repo.run("publish", "--registry", "r").code == 0
    repo.write("contracts/common/country.proto", COUNTRY.replace("= 0;\n", "= 0;\n  COUNTRY_FR = 1;\n"))
    repo.commit("country: one more value")
    repo.write("contracts/common/address.proto", "// France ships too\n" + ADDRESS)
    again = repo.commit("address: a comment")
    published = repo.run("publish", "--registry", "r")
    assert published.code == 0, published.output
    assert f"registered git version 2 ({again[:7]}) of common/address.proto" in published.stdout, (
        published.stdout
    )

    [first, second] = registry_double.store.versions_of("common/address.proto")
    assert [(r.subject, r.version) for r in first.content.references] == [("common/country.proto", 1)]
    assert [(r.subject, r.version) for r in second.content.references] == [("common/country.proto", 2)]
    found = _lookup(
        registry_double.url,
        "common/address.proto",
        ADDRESS,
        [{"name": "common/country.proto", "subject": "common/country.proto", "version": 2}],
    )
    assert found["version"] == 2
    assert repo.run("status", "--registry", "r", "--fail-on-drift").code == 0
    assert "would register" not in repo.run("publish", "--registry", "r", "--dry-run").stdout

    repo.write("contracts/common/address.proto", ADDRESS.replace("  Country", "  string zip = 3;\n  Country"))
    check = repo.run("check", "--format", "json")
    assert check.code == 0, check.output
    [result] = [r for r in check.json()["results"] if r["subject"] == "common/address.proto"]
    assert result["verdict"] == "compatible"
    assert result["compared_versions"] == 2  # the default level is transitive: both versions


def test_an_old_break_of_an_import_is_still_compared_by_a_transitive_level(repo: GitRepo) -> None:
    """The importer's first version used the field its import later changed: a transitive level
    still compares with that version, as the registry does with the version it holds."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD_TRANSITIVE}\n")
    repo.write("contracts/common/country.proto", COUNTRY.replace("= 0;\n", "= 0;\n  COUNTRY_FR = 1;\n"))
    repo.write("contracts/common/address.proto", ADDRESS)
    repo.write("contracts/shipping/value.proto", SHIPMENT)
    repo.commit("v1")
    repo.write("contracts/common/address.proto", ADDRESS.replace("string city", "int64 city"))
    repo.commit("address: city becomes a number (forced)")
    repo.write("contracts/shipping/value.proto", SHIPMENT.replace("  acme", "  string note = 3;\n  acme"))
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    [shipment] = [r for r in result.json()["results"] if r["subject"] == "shipping-value"]
    compared = {f["compared_with"] for f in shipment["findings"] if f["kind"] == "incompatible"}
    assert compared == {f"version 1 ({repo.git('rev-parse', '--short=7', 'HEAD~1').strip()})"}, result.output
