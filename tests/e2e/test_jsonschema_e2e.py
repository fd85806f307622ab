"""JSON Schema contracts through the installed CLI: local check over git history (every level,
references, cycles, examples folders) and, in a repository mixing Avro, Protobuf and JSON Schema,
publish / status / can-deploy / promote against two loopback registry doubles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GitRepo, assert_bad_input, place, record
from tests.registry_double import RegistryDouble

CORPUS = Path(__file__).parent.parent / "bad_inputs" / "jsonschema"
BAD_CASES = json.loads((CORPUS / "expected.json").read_text())
FAST = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 3}"
CONFIG = """version: 1
defaults: {compatibility: BACKWARD}
registries:
  aws: {url: "${AWS_URL}", FAST}
  azure: {url: "${AZURE_URL}", FAST}
""".replace("FAST", FAST)

POSTAL = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "PostalAddress",
    "type": "object",
    "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
    "additionalProperties": False,
}


def customer(*extra: str, closed: bool = True, required: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    """A customer schema (draft 7) whose address is the shared postal contract, by relative path."""
    properties: dict[str, Any] = {
        "id": {"type": "string"},
        "address": {"$ref": "../common/postal.json"},
    }
    properties.update({name: {"type": "string"} for name in extra})
    schema: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Customer",
        "type": "object",
        "properties": properties,
        "required": list(required),
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


MONEY = record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
ORDER = record(
    "OrderPlaced", [{"name": "id", "type": "string"}, {"name": "total", "type": "com.acme.common.Money"}]
)
ADDRESS_PROTO = 'syntax = "proto3";\npackage acme.common;\n\nmessage Address {\n  string city = 1;\n}\n'
SHIPMENT = (
    'syntax = "proto3";\npackage acme.shipping;\n\nimport "common/address.proto";\n\n'
    "message Shipment {\n  string id = 1;\n  acme.common.Address to = 2;\n}\n"
)


def results(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["subject"]: r for r in data["results"]}


def start(repo: GitRepo, config: str = "version: 1\ndefaults: {compatibility: BACKWARD}\n") -> None:
    repo.write("contractctl.yaml", config)
    repo.write("contracts/common/postal.json", POSTAL)
    repo.write("contracts/customers/value.json", customer())
    repo.write("contracts/customers/examples/one.json", {"id": "c1", "address": {"city": "Oslo"}})
    repo.commit("v1")


def test_json_contracts_map_to_subjects_and_pass_check_all(repo: GitRepo) -> None:
    start(repo)
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    found = results(result.json())
    # the topic's value by path; the shared file by its path under the root; the example is no contract
    assert set(found) == {"customers-value", "common/postal.json"}
    assert found["customers-value"]["schema_type"] == "JSON"


def test_removing_a_property_of_a_closed_model_fails_with_its_pointer(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/customers/value.json", customer("note"))  # added to a closed model: fine
    repo.commit("v2")
    assert repo.run("check", "--all").code == 0
    schema = customer("note")
    del schema["properties"]["address"]
    repo.write("contracts/customers/value.json", schema)
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    findings = results(result.json())["customers-value"]["findings"]
    breaks = [f for f in findings if f["kind"] == "incompatible"]
    assert [(f["rule"], f["pointer"]) for f in breaks] == [
        ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/address")
    ]
    assert breaks[0]["file"] == "contracts/customers/value.json" and breaks[0]["line"] == 5
    # the example in examples/ (no contract itself) no longer fits the schema
    assert [f["rule"] for f in findings if f["kind"] != "incompatible"] == ["CONTRACT_EXAMPLE_INVALID"]


def test_a_required_property_without_default_fails(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/customers/value.json", customer(required=("id", "address")))
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    rules = [(f["rule"], f["pointer"]) for f in results(result.json())["customers-value"]["findings"]]
    assert rules == [("REQUIRED_ATTRIBUTE_ADDED", "#/required/address")]


def test_a_breaking_change_in_the_referenced_contract_fails_its_user(repo: GitRepo) -> None:
    start(repo)
    changed = {**POSTAL, "properties": {"city": {"type": "integer"}, "zip": {"type": "string"}}}
    repo.write("contracts/common/postal.json", changed)
    repo.git("add", "-A")
    result = repo.run("check", "--staged", "--format", "json")
    assert result.code == 1, result.output
    found = results(result.json())
    pointers = {f["pointer"] for f in found["customers-value"]["findings"]}
    assert "#/properties/address/properties/city" in pointers


def test_reference_cycle_and_missing_reference_exit_2(repo: GitRepo) -> None:
    repo.write("contracts/a.json", {"title": "A", "properties": {"b": {"$ref": "b.json"}}})
    repo.write("contracts/b.json", {"title": "B", "properties": {"a": {"$ref": "a.json"}}})
    cycle = repo.run("check", "--all")
    assert cycle.code == 2, cycle.output
    assert "REFERENCE_CYCLE" in cycle.stdout and "contracts/a.json" in cycle.stdout
    repo.write("contracts/b.json", {"title": "B", "properties": {"a": {"$ref": "gone.json"}}})
    missing = repo.run("check", "--all", "--format", "json")
    assert missing.code == 2, missing.output
    invalid = [
        f for r in missing.json()["results"] for f in r["findings"] if f["rule"] == "INVALID_REFERENCE"
    ]
    assert any("gone.json" in f["message"] and f["file"] == "contracts/b.json" for f in invalid)


def test_a_json_file_that_is_no_schema_is_exit_2_naming_it(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/customers/data.json", "[1, 2, 3]\n")
    result = repo.run("check", "--all")
    assert result.code == 2, result.output
    assert "contracts/customers/data.json" in result.stdout


LEVEL_HISTORY = [
    {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
    # adds an optional property to a closed model: backward compatible, not forward
    {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "additionalProperties": False,
    },
    # bounds b: v2 readers still read it (FORWARD), it cannot read all of v2's data (BACKWARD), and
    # v1 readers (closed, no b) cannot read data with b (FORWARD_TRANSITIVE)
    {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string", "maxLength": 5}},
        "additionalProperties": False,
    },
]


@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("NONE", 0),
        ("BACKWARD", 1),
        ("BACKWARD_TRANSITIVE", 1),
        ("FORWARD", 0),
        ("FORWARD_TRANSITIVE", 1),
        ("FULL", 1),
        ("FULL_TRANSITIVE", 1),
    ],
)
def test_all_seven_levels_over_a_small_history(repo: GitRepo, level: str, code: int) -> None:
    repo.write("contractctl.yaml", f"version: 1\ndefaults: {{compatibility: {level}}}\n")
    for number, schema in enumerate(LEVEL_HISTORY[:2], start=1):
        repo.write("contracts/t/value.json", {"title": "T", **schema})
        repo.commit(f"v{number}")
    repo.write("contracts/t/value.json", {"title": "T", **LEVEL_HISTORY[2]})
    result = repo.run("check", "--format", "json")
    assert result.code == code, (level, result.output)


def test_compat_type_json_finds_refs_by_relative_path(repo: GitRepo) -> None:
    start(repo)
    root = repo.root / "contracts"
    new = root / "customers/value.json"
    ok = repo.run("compat", str(new), "--type", "json", "--previous", str(root / "customers/value.json"))
    assert ok.code == 0, ok.output
    schema = customer()
    del schema["properties"]["address"]
    (root / "customers/smaller.json").write_text(json.dumps(schema))
    inferred = repo.run("compat", str(new), "--previous", str(new), "--format", "json")  # no --type
    assert inferred.code == 0, inferred.output
    assert [r["schema_type"] for r in inferred.json()["results"]] == ["JSON"]
    broken = repo.run(
        "compat",
        str(root / "customers/smaller.json"),
        "--type",
        "json",
        "--previous",
        str(new),
        "--format",
        "json",
    )
    assert broken.code == 1, broken.output
    assert "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL" in broken.stdout


# -- a repository of all three formats against two registries ---------------------------------------


def mixed(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/common/money.avsc", MONEY)
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.write("contracts/common/address.proto", ADDRESS_PROTO)
    repo.write("contracts/shipping/value.proto", SHIPMENT)
    repo.write("contracts/common/postal.json", POSTAL)
    repo.write("contracts/customers/value.json", customer())
    repo.commit("v1")
    repo.write("contracts/customers/value.json", customer("note"))
    repo.commit("customers v2")


def env_for(aws: RegistryDouble, azure: RegistryDouble) -> dict[str, str]:
    return {"AWS_URL": aws.url, "AZURE_URL": azure.url}


def versions(double: RegistryDouble, subject: str) -> list[tuple[int, int]]:
    return [(v.version, v.id) for v in double.store.versions_of(subject)]


def test_mixed_formats_publish_status_deploy_and_promote(repo: GitRepo, registry_double_factory: Any) -> None:
    aws, azure = registry_double_factory(name="aws"), registry_double_factory(name="azure")
    env = env_for(aws, azure)
    mixed(repo)
    assert repo.run("check", "--all").code == 0

    published = repo.run("publish", "--registry", "aws", "--format", "json", env=env)
    assert published.code == 0, published.output
    customers = aws.store.versions_of("customers-value")
    assert [v.version for v in customers] == [1, 2]
    assert {v.content.schema_type for v in customers} == {"JSON"}
    # the reference named as the $ref writes it, registered first, at the version current then
    assert [[(r.name, r.subject, r.version) for r in v.content.references] for v in customers] == [
        [("../common/postal.json", "common/postal.json", 1)],
        [("../common/postal.json", "common/postal.json", 1)],
    ]
    postal = aws.store.versions_of("common/postal.json")
    assert [v.content.schema_type for v in postal] == ["JSON"]
    assert postal[0].id < customers[0].id
    assert [v.content.schema_type for v in aws.store.versions_of("orders-value")] == ["AVRO"]
    assert [v.content.schema_type for v in aws.store.versions_of("shipping-value")] == ["PROTOBUF"]

    status = repo.run("status", "--registry", "aws", "--fail-on-drift", "--format", "json", env=env)
    assert status.code == 0, status.output

    deploy = repo.run(
        "can-deploy",
        "--subject",
        "customers-value",
        "--schema",
        "contracts/customers/value.json",
        "--registry",
        "aws",
        env=env,
    )
    assert deploy.code == 0, deploy.output

    promoted = repo.run("promote", "--from", "aws", "--to", "azure", "--via", "copy", env=env)
    assert promoted.code == 0, promoted.output
    for subject in ("customers-value", "common/postal.json", "orders-value", "shipping-value"):
        assert versions(azure, subject) == versions(aws, subject), subject
    assert [v.content.schema_type for v in azure.store.versions_of("customers-value")] == ["JSON", "JSON"]
    both = repo.run("status", "--registry", "aws", "--registry", "azure", "--fail-on-drift", env=env)
    assert both.code == 0, both.output

    # a JSON Schema subject only a registry holds is adopted into git as <topic>/value.json
    azure.store.register("cdc.accounts-value", json.dumps({"title": "Account", "type": "object"}), "JSON")
    adopted = repo.run("status", "--adopt", "cdc.accounts-value", "--registry", "azure", env=env)
    assert adopted.code == 0, adopted.output
    written = repo.root / "contracts/cdc.accounts/value.json"
    assert json.loads(written.read_text()) == {"title": "Account", "type": "object"}
    assert written.read_text().startswith("{\n  ")

    # check --registry sends a JSON change with its reference as the registry holds it
    repo.write("contracts/customers/value.json", customer("note", "phone"))
    aws.clear_requests()
    compatible = repo.run("check", "--registry", "aws", env=env)
    assert compatible.code == 0, compatible.output
    asked = [r.json() for r in aws.requests if r.method == "POST" and "/compatibility/" in r.decoded_path]
    assert asked and all(body["schemaType"] == "JSON" for body in asked)
    assert {
        (ref["name"], ref["subject"], ref["version"]) for body in asked for ref in body["references"]
    } == {("../common/postal.json", "common/postal.json", 1)}

    # a break is caught by contractctl's own judgement (the gate before publish), also --registry
    schema = customer("note")
    del schema["properties"]["address"]
    repo.write("contracts/customers/value.json", schema)
    local = repo.run("check", "--format", "json")
    assert local.code == 1, local.output
    assert [f["rule"] for f in results(local.json())["customers-value"]["findings"]] == [
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
    ]
    remote = repo.run("check", "--registry", "aws", "--format", "json", env=env)
    assert remote.code == 1, remote.output
    # the registry double judges JSON Schema on its own and agrees: it refuses the version
    repo.commit("drop address")
    refused = repo.run("publish", "--registry", "aws", "--format", "json", env=env)
    assert refused.code == 1, refused.output
    assert "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL" in refused.stdout
    assert [v.version for v in aws.store.versions_of("customers-value")] == [1, 2]


def test_compatibility_policy_lenient_from_the_config(repo: GitRepo) -> None:
    """Confluent's compatibilityPolicy: an optional property added to an open model breaks STRICT
    (the default) and passes LENIENT; a policy it does not know is exit 2 naming the key."""
    open_model = {"title": "T", "type": "object", "properties": {"a": {"type": "string"}}}
    repo.write("contracts/t/value.json", open_model)
    repo.commit("v1")
    repo.write("contracts/t/value.json", {**open_model, "properties": {"a": {}, "b": {"type": "string"}}})
    strict = repo.run("check", "--format", "json")
    assert strict.code == 1, strict.output
    assert "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" in strict.stdout
    # the hint names the setting that allows it here, not only the registry's name for it
    assert "`jsonschema: {compatibility_policy: LENIENT}`" in strict.stdout
    repo.write("contractctl.yaml", "version: 1\njsonschema: {compatibility_policy: lenient}\n")
    assert repo.run("check").code == 0
    repo.write("contractctl.yaml", "version: 1\njsonschema: {compatibility_policy: LOOSE}\n")
    bad = repo.run("check")
    assert bad.code == 2 and "jsonschema.compatibility_policy" in bad.output


def test_a_reference_by_id_resolves_in_staged_and_full_checks(repo: GitRepo) -> None:
    postal = {**POSTAL, "$id": "https://schemas.example/postal.json"}
    user = customer()
    user["properties"]["address"] = {"$ref": "https://schemas.example/postal.json"}
    repo.write("contracts/shared/postal.json", postal)
    repo.write("contracts/customers/value.json", user)
    repo.commit("v1")
    assert repo.run("check", "--all").code == 0
    repo.write("contracts/shared/postal.json", {**postal, "required": ["city"]})
    repo.git("add", "-A")
    result = repo.run("check", "--staged", "--format", "json")
    assert result.code == 1, result.output
    pointers = [f["pointer"] for f in results(result.json())["customers-value"]["findings"]]
    assert pointers == ["#/properties/address/required/city"]


def test_prove_warns_when_data_disproves_a_compatible_verdict(repo: GitRepo) -> None:
    """Confluent's diff ignores propertyNames: compatible by its rules, yet the new schema rejects
    documents the old one wrote; --prove names one as a warning (exit 0), plain check says nothing."""
    old = {
        "title": "T",
        "type": "object",
        "properties": {"id": {"type": "string"}},
        "additionalProperties": False,
    }
    repo.write("contracts/t/value.json", old)
    repo.commit("v1")
    repo.write("contracts/t/value.json", {**old, "propertyNames": {"maxLength": 1}})
    plain = repo.run("check", "--format", "json")
    assert plain.code == 0 and results(plain.json())["t-value"]["findings"] == [], plain.output
    proved = repo.run("check", "--prove", "--format", "json")
    assert proved.code == 0, proved.output
    findings = results(proved.json())["t-value"]["findings"]
    assert {f["rule"] for f in findings} == {"PROOF_REJECTED"}
    assert all(f["severity"] == "warning" and "generated document" in f["message"] for f in findings)


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_json_schema_is_exit_2_with_file_and_line(repo: GitRepo, name: str) -> None:
    """Every file of the bad-input corpus as a topic's value: exit 2, the rule and line, no traceback."""
    expected = BAD_CASES[name]
    if name == "deep-nesting.json":  # check raises the recursion limit: it reads, its array root is refused
        expected = {"line": 1, "rule": "INVALID_SCHEMA"}
    repo.write("contracts/good/value.json", {"title": "Good", "type": "string"})
    repo.commit("base")
    place(repo, CORPUS / name, "contracts/broken/value.json")
    for reference in expected.get("references", []):
        place(repo, CORPUS / reference, f"contracts/broken/{reference}")
    assert_bad_input(repo, "contracts/broken/value.json", expected)


def test_validate_fields_from_the_config_refuses_double_dollar_names(repo: GitRepo) -> None:
    """`jsonschema.validate_fields` (Schema Registry's validateFields): off by default, as in the
    registry; on, a root property named `$$...` is invalid input at its line."""
    repo.write("contracts/t/value.json", {"title": "T", "type": "object", "properties": {"id": {}}})
    repo.commit("v1")
    schema = {"title": "T", "type": "object", "properties": {"id": {}, "$$id": {"type": "string"}}}
    repo.write("contracts/t/value.json", schema)
    default = repo.run("check")
    assert (
        default.code == 1 and "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" in default.output
    )  # judged, not refused
    repo.write("contractctl.yaml", "version: 1\njsonschema: {validate_fields: true}\n")
    finding = assert_bad_input(repo, "contracts/t/value.json", {"rule": "INVALID_SCHEMA", "line": 6})
    assert finding["pointer"] == "#/properties/$$id"
    repo.write("contractctl.yaml", "version: 1\njsonschema: {validate_fields: yes please}\n")
    bad = repo.run("check")
    assert bad.code == 2 and "jsonschema.validate_fields" in bad.output


def test_inlining_an_alias_definition_is_a_type_change_as_in_the_registry(repo: GitRepo) -> None:
    """`x` refers to `Id`, itself a `$ref` to `Str` (an alias definition). Confluent's diff follows
    one reference only, so the registry compares a reference with the inlined string: TYPE_CHANGED
    (the audit's repro; the check said compatible)."""
    aliased = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "definitions": {"Id": {"$ref": "#/definitions/Str"}, "Str": {"type": "string"}},
        "properties": {"x": {"$ref": "#/definitions/Id"}},
    }
    repo.write("contracts/alias/value.json", aliased)
    repo.commit("v1")
    inlined = {key: aliased[key] for key in ("$schema", "type")} | {"properties": {"x": {"type": "string"}}}
    repo.write("contracts/alias/value.json", inlined)
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    findings = results(result.json())["alias-value"]["findings"]
    assert [(f["rule"], f["pointer"]) for f in findings] == [("TYPE_CHANGED", "#/properties/x")]


def test_a_union_the_user_did_not_write_names_what_broke_inside_it(repo: GitRepo) -> None:
    """`{"type": "string", "enum": [...]}` is a union to Confluent's diff (Everit's allOf of a string
    and an enum), which reports only that no pairing of branches is compatible; the finding also
    names the closest branches' own difference, and its hint (the audit's repro-3)."""
    kind = {"type": "string", "enum": ["main", "saved-session"]}
    stack = {"type": ["object", "null"], "properties": {"a": {"type": "string"}}}
    repo.write(
        "contracts/events/value.json", {"type": "object", "properties": {"kind": kind, "stack": stack}}
    )
    repo.commit("v1")
    narrowed = {**kind, "enum": ["main"]}
    grown = {**stack, "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    repo.write(
        "contracts/events/value.json", {"type": "object", "properties": {"kind": narrowed, "stack": grown}}
    )
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    findings = {f["pointer"]: f for f in results(result.json())["events-value"]["findings"]}
    assert {p: f["rule"] for p, f in findings.items()} == {
        "#/properties/kind": "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
        "#/properties/stack": "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
    }
    assert "enum lost values (at #/properties/kind/enum)" in findings["#/properties/kind"]["message"]
    stack_finding = findings["#/properties/stack"]
    assert "(at #/properties/stack/properties/b)" in stack_finding["message"]
    assert "additionalProperties: false" in stack_finding["hint"]
