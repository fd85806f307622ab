"""`contractctl init` in a repository that already holds contracts (the audit of istio/api and
opentelemetry-proto: init wrote root `contracts` and an Avro example into Protobuf-only trees, and the
root, the JSON files to leave out and the vendored folder were all set by hand)."""

from __future__ import annotations

import yaml

from tests.conftest import GitRepo

MONEY = 'syntax = "proto3";\npackage acme.common.v1;\nmessage Money {\n  int64 units = 1;\n}\n'
BEHAVIOR = (
    'syntax = "proto3";\npackage google.api;\nenum FieldBehavior {\n  FIELD_BEHAVIOR_UNSPECIFIED = 0;\n}\n'
)
ORDER = """syntax = "proto3";
package acme.orders.v1;
import "acme/common/v1/money.proto";
import "google/api/field_behavior.proto";
message Order {
  acme.common.v1.Money total = 1;
}
"""


def _config(repo: GitRepo) -> dict[str, object]:
    loaded = yaml.safe_load((repo.root / "contractctl.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_a_tree_importing_from_the_top_with_vendored_copies(repo: GitRepo) -> None:
    repo.write("proto-src/acme/common/v1/money.proto", MONEY)  # not imported from here: no vote
    repo.write("acme/common/v1/money.proto", MONEY)
    repo.write("acme/orders/v1/order.proto", ORDER)
    repo.write("common-protos/google/api/field_behavior.proto", BEHAVIOR)
    repo.write("package.json", {"name": "tooling"})
    repo.commit("an API tree, before contractctl")
    result = repo.run("init")
    assert result.code == 0, result.output
    assert "found 3 contracts (protobuf) under .; vendored imports in common-protos" in result.stdout
    assert not (repo.root / "contracts").exists()  # no example in a tree that has contracts
    config = _config(repo)
    assert config["contracts"] == {
        "root": ".",
        "formats": ["protobuf"],
        "exclude": ["common-protos/**"],
        "base_branch": "main",
    }
    assert config["protobuf"] == {"include": ["common-protos"]}
    repo.commit("adopt contractctl")
    audit = repo.run("check", "--all", "--format", "json")
    assert audit.code in (0, 2), audit.output  # proto-src's copy duplicates a subject: exit 2 says so
    subjects = {r["subject"] for r in audit.json()["results"]}
    assert "acme/orders/v1/order.proto" in subjects
    assert not [s for s in subjects if "field_behavior" in s]  # the vendored copy is no contract


def test_a_tree_under_one_folder_is_the_root(repo: GitRepo) -> None:
    repo.write("proto/acme/common/v1/money.proto", MONEY)
    repo.write(
        "proto/acme/orders/v1/order.proto", ORDER.replace('import "google/api/field_behavior.proto";\n', "")
    )
    repo.commit("protos")
    result = repo.run("init")
    assert result.code == 0, result.output
    config = _config(repo)
    assert config["contracts"] == {"root": "proto", "base_branch": "main"}
    assert "protobuf" not in config
    repo.commit("adopt contractctl")
    audit = repo.run("check", "--all", "--format", "json")
    assert audit.code == 0, audit.output
    assert sorted(r["subject"] for r in audit.json()["results"]) == [
        "acme/common/v1/money.proto",  # a shared file: its import path (reference_naming import_path)
        "acme/orders/v1/order.proto",
    ]


def test_avro_schemas_in_a_folder(repo: GitRepo) -> None:
    repo.write("schemas/orders/value.avsc", {"type": "record", "name": "Order", "fields": []})
    repo.write("schemas/payments/value.avsc", {"type": "record", "name": "Payment", "fields": []})
    repo.commit("schemas")
    result = repo.run("init")
    assert result.code == 0 and "found 2 contracts (avro) under schemas" in result.stdout, result.output
    assert _config(repo)["contracts"] == {"root": "schemas", "base_branch": "main"}
    # a tree with a history gets the registry's default level: a transitive one would fail its first
    # check on every break the history ever let through (an audit of DRIVER-EU/avro-schemas)
    assert _config(repo)["defaults"]["compatibility"] == "BACKWARD"  # type: ignore[index]
    assert repo.run("check", "--all").code == 0


def test_json_files_that_are_no_schema_are_not_contracts(repo: GitRepo) -> None:
    repo.write("package.json", {"name": "tooling"})
    repo.write("tsconfig.json", {"compilerOptions": {}})
    repo.commit("a web project")
    result = repo.run("init")
    assert result.code == 0, result.output
    assert (repo.root / "contracts/example/value.avsc").is_file()  # nothing found: the starter files
    assert "found" not in result.stdout


def test_copies_of_built_in_files_under_the_root_are_excluded(repo: GitRepo) -> None:
    """temporalio/api keeps google/protobuf/*.proto beside its own tree: init made them subjects,
    though the registry (and the check) compile every import of them against their built-in files."""
    timestamp = 'syntax = "proto3";\npackage google.protobuf;\nmessage Timestamp {\n  int64 seconds = 1;\n}\n'
    repo.write("google/protobuf/timestamp.proto", timestamp)
    repo.write("google/api/field_behavior.proto", BEHAVIOR)
    repo.write(
        "acme/v1/event.proto",
        'syntax = "proto3";\npackage acme.v1;\nimport "google/protobuf/timestamp.proto";\n'
        'import "google/api/field_behavior.proto";\n'
        "message Event {\n  google.protobuf.Timestamp at = 1;\n}\n",
    )
    repo.commit("an API tree with copies of well-known types")
    result = repo.run("init")
    assert result.code == 0 and "1 copies of files the registry has built in, excluded" in result.stdout
    assert _config(repo)["contracts"]["exclude"] == ["google/protobuf/timestamp.proto"]  # type: ignore[index]
    repo.commit("adopt contractctl")
    audit = repo.run("check", "--all", "--format", "json")
    subjects = {r["subject"] for r in audit.json()["results"]}
    assert audit.code == 0 and subjects == {"acme/v1/event.proto", "google/api/field_behavior.proto"}, (
        audit.output
    )


def test_imports_the_repository_does_not_hold_are_named(repo: GitRepo) -> None:
    """bazelbuild/remote-apis imports googleapis files its build fetches: init said nothing, and the
    first check failed on each of them."""
    repo.write(
        "build/v2/api.proto",
        'syntax = "proto3";\npackage build.v2;\nimport "google/api/annotations.proto";\n'
        'import "google/protobuf/duration.proto";\nmessage Action {\n  int32 id = 1;\n}\n',
    )
    repo.commit("an API whose build fetches googleapis")
    result = repo.run("init")
    assert result.code == 0, result.output
    # the built-in google/protobuf/duration.proto is not named: the registry has it
    assert "1 imported file the repository does not hold (google/api/annotations.proto)" in result.stdout


def test_a_vendored_folder_beside_the_root_keeps_the_root(repo: GitRepo) -> None:
    """pingcap/kvproto: proto/ imports `metapb.proto` (root proto) and `gogoproto/gogo.proto` from
    include/. The include/ files lay outside the root the imports voted for, and init widened it to
    `.`, where `import "metapb.proto"` finds nothing: 606 errors on the first `check --all`."""
    gogo = (
        'syntax = "proto2";\npackage gogoproto;\nimport "google/protobuf/descriptor.proto";\n'
        "extend google.protobuf.FileOptions { optional bool marshaler_all = 63017; }\n"
    )
    repo.write("include/gogoproto/gogo.proto", gogo)
    repo.write(
        "proto/metapb.proto",
        'syntax = "proto3";\npackage metapb;\nimport "gogoproto/gogo.proto";\n'
        "message Region { uint64 id = 1; }\n",
    )
    repo.write(
        "proto/kvrpcpb.proto",
        'syntax = "proto3";\npackage kvrpcpb;\nimport "metapb.proto";\n'
        "message Context { metapb.Region r = 1; }\n",
    )
    repo.commit("kvproto's layout")
    assert repo.run("init").code == 0
    config = _config(repo)
    assert config["contracts"]["root"] == "proto" and config["protobuf"]["include"] == ["include"], config
    checked = repo.run("check", "--all")
    assert checked.code == 0, checked.output


def test_a_json_schema_ref_to_a_file_elsewhere_does_not_name_protobuf_include(repo: GitRepo) -> None:
    """asyncapi/spec-json-schemas (round 24's audit): a `$ref` to a file the repository does not hold
    made init advise adding its folder to protobuf.include, a key of the Protobuf section only."""
    repo.write(
        "schemas/user.json",
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {"profile": {"$ref": "path/to/user-create.json"}},
        },
    )
    repo.commit("a JSON Schema tree")
    result = repo.run("init")
    assert result.code == 0, result.output
    assert "found 1 contract" in result.stdout.lower()
    assert "protobuf.include" not in result.output
