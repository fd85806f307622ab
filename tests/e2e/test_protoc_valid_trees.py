"""Every tree protoc compiles checks without an invalid verdict (issue 14): files of only enums, only
extensions, only options, only a service or only public imports are contracts and references."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GitRepo

TREES = Path(__file__).parent.parent / "protoc_valid"


def protoc_accepts(contracts: Path) -> None:
    """The corpus is ground truth only if protoc itself compiles every file of it (with the tree's
    third_party folder, grpcio-tools' google/protobuf and googleapis-common-protos' google/type)."""
    import google.type
    import grpc_tools

    builtins = Path(grpc_tools.__file__).parent / "_proto"
    googleapis = Path(next(iter(google.type.__path__))).parent.parent
    third_party = contracts.parent / "third_party"
    includes = [f"-I{d}" for d in (contracts, third_party, builtins, googleapis) if d.is_dir()]
    files = sorted(str(p.relative_to(contracts)) for p in contracts.rglob("*.proto"))
    completed = subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", *includes, "-o/dev/null", *files],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr


def place_tree(repo: GitRepo, tree: str, naming: str) -> None:
    """The tree's contracts (and third_party imports, made `protobuf.include`) in a repository."""
    shutil.copytree(TREES / tree / "contracts", repo.root / "contracts")
    include = ""
    if (TREES / tree / "third_party").is_dir():
        shutil.copytree(TREES / tree / "third_party", repo.root / "third_party")
        include = ", include: [third_party]"
    repo.write("contractctl.yaml", f"version: 1\nprotobuf: {{reference_naming: {naming}{include}}}\n")


@pytest.mark.parametrize("tree", sorted(p.name for p in TREES.iterdir() if p.is_dir()))
@pytest.mark.parametrize("naming", ["import_path", "qualified", "record"])
def test_protoc_valid_tree_gives_no_invalid_verdict(repo: GitRepo, tree: str, naming: str) -> None:
    protoc_accepts(TREES / tree / "contracts")
    place_tree(repo, tree, naming)
    repo.commit("tree")
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    verdicts = {r["path"]: r["verdict"] for r in result.json()["results"]}
    expected_files = {
        f"contracts/{p.relative_to(TREES / tree / 'contracts')}"
        for p in (TREES / tree / "contracts").rglob("*.proto")
    }
    assert set(verdicts) == expected_files
    assert "invalid" not in verdicts.values()


def test_enum_only_reference_evolves_by_confluents_rules(repo: GitRepo) -> None:
    """The issue's repro: an enum-only shared file imported by a topic's value, then changed."""
    enums = 'syntax = "proto3";\npackage acme.common;\nenum Status {\n  STATUS_UNSPECIFIED = 0;\n}\n'
    repo.write("contracts/common/enums.proto", enums)
    repo.write(
        "contracts/orders/value.proto",
        'syntax = "proto3";\npackage acme.orders;\nimport "common/enums.proto";\n'
        "message Order {\n  string id = 1;\n  acme.common.Status status = 2;\n}\n",
    )
    repo.commit("v1")
    first = repo.run("check", "--all", "--format", "json")
    assert first.code == 0, first.output
    assert {r["subject"] for r in first.json()["results"]} == {"common/enums.proto", "orders-value"}
    # a new constant: ENUM_CONST_ADDED, compatible
    repo.write("contracts/common/enums.proto", enums.replace("= 0;", "= 0;\n  STATUS_OK = 1;"))
    assert repo.run("check").code == 0
    repo.commit("v2")
    # a new package: PACKAGE_CHANGED, incompatible, and the value that imports it no longer compiles
    repo.write("contracts/common/enums.proto", enums.replace("acme.common", "acme.shared"))
    moved = repo.run("check", "--format", "json")
    assert moved.code == 2, moved.output  # orders/value.proto names acme.common.Status: bad input wins
    rules = {f["rule"] for r in moved.json()["results"] for f in r["findings"]}
    assert "PACKAGE_CHANGED" in rules


def test_file_without_message_as_topic_value_is_one_clear_error(repo: GitRepo) -> None:
    repo.write("contracts/status/value.proto", 'syntax = "proto3";\nenum Status {\n  S_UNSPECIFIED = 0;\n}\n')
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 2
    [finding] = [f for r in result.json()["results"] for f in r["findings"]]
    assert finding["rule"] == "NO_RECORD_TYPE"
    assert "status-value" in finding["message"]


Edit = tuple[str, str, str]  # contract path under contracts/, text replaced, replacement

# Per tree: a Confluent-compatible evolution, then one incompatible change with the rule and the
# subjects (import_path naming) it makes incompatible: the edited file's and its importers'.
EVOLUTIONS: dict[str, tuple[list[Edit], list[Edit], str, set[str]]] = {
    "api_tree": (
        [
            ("common/enums.proto", "  CHANNEL_WEB = 1;", "  CHANNEL_WEB = 1;\n  CHANNEL_APP = 2;"),
            (
                "api/orders_service.proto",
                "  rpc Latest(",
                "  rpc Stream(google.protobuf.Empty) returns (stream acme.orders.OrderPlaced);\n"
                "  rpc Latest(",
            ),
        ],
        [("payments/key.proto", "  string id = 1;", "  int64 id = 1;")],
        "FIELD_SCALAR_KIND_CHANGED",
        {"payments-key"},
    ),
    "proto2_tree": (
        [
            ("common/ext.proto", "  LEVEL_HIGH = 2;", "  LEVEL_HIGH = 2;\n  LEVEL_TOP = 3;"),
            (
                "common/ext.proto",
                "  repeated sint64 deltas = 9 [packed = false];",
                "  repeated sint64 deltas = 9 [packed = false];\n"
                '  optional string extra = 15 [default = "x"];',
            ),
            # a group's fields are invisible to Confluent's diff (Wire keeps groups apart)
            ("common/ext.proto", "    optional string value = 14;", "    optional int64 value = 14;"),
            (
                "common/ext.proto",
                "  repeated int32 codes = 101;",
                "  repeated int32 codes = 101;\n  optional bool seen = 102;",
            ),
            (
                "legacy/value.proto",
                "  extensions 500 to max;",
                "  optional string more = 6;\n  extensions 500 to max;",
            ),
        ],
        [
            (
                "common/ext.proto",
                "  optional int32 count = 2 [default = 7];",
                '  optional string count = 2 [default = "7"];',
            )
        ],
        "FIELD_SCALAR_KIND_CHANGED",
        {"common/ext.proto", "legacy-value"},
    ),
    "proto3_tree": (
        [
            (
                "orders/value.proto",
                "    string voucher = 8 [deprecated = true];",
                "    string voucher = 8 [deprecated = true];\n    Transfer wire = 13;",
            ),
            (
                "orders/value.proto",
                '  reserved "legacy_total";',
                '  reserved "legacy_total";\n'
                '  map<string, acme.common.v1.Priority> more = 14 [json_name = "More"];',
            ),
            ("common/types.proto", "  PRIORITY_LOW = 1;", "  PRIORITY_LOW = 1;\n  PRIORITY_MID = 3;"),
        ],
        [("orders/value.proto", "    Transfer transfer = 7;\n", "")],
        "ONEOF_FIELD_REMOVED",
        {"orders-value", "shipping-value"},
    ),
    "imports_tree": (
        [
            (
                "c/core.proto",
                "message Id { string value = 1; }",
                "message Id { string value = 1; string ns = 2; }",
            ),
            (
                "events/value.proto",
                "  acme.weak.Hint hint = 11;",
                "  acme.weak.Hint hint = 11;\n  Plain.Nested nested2 = 12;",
            ),
        ],
        [("events/value.proto", "  .acme.core.Kind kind = 3;", "  .acme.core.Id kind = 3;")],
        "FIELD_KIND_CHANGED",
        {"events-value"},
    ),
    "services_tree": (
        [
            (
                "api/billing_service.proto",
                "  rpc Chat(",
                "  rpc Count(stream acme.billing.Invoice) returns (Summary) {\n"
                "    option (acme.opts.idempotent_write) = false;\n  }\n  rpc Chat(",
            ),
            (
                "billing/value.proto",
                "  State state = 2;",
                "  State state = 2 [(acme.opts.max_len) = 3];\n  string memo = 5;",
            ),
            (
                "opts/custom.proto",
                "extend google.protobuf.OneofOptions",
                "extend google.protobuf.FieldOptions { optional string unit = 51010; }\n"
                "extend google.protobuf.OneofOptions",
            ),
        ],
        [
            (
                "api/billing_service.proto",
                "message Summary { int32 count = 1; }",
                "message Summary { string count = 1; }",
            )
        ],
        "FIELD_SCALAR_KIND_CHANGED",
        {"api/billing_service.proto"},
    ),
    "well_known_tree": (
        [
            (
                "audit/value.proto",
                "  int64 latency = 4",
                "  google.protobuf.Timestamp seen = 5;\n  int64 latency = 4",
            )
        ],
        [
            (
                "audit/value.proto",
                "  google.protobuf.Timestamp at = 3;",
                "  google.protobuf.Duration at = 3;",
            ),
            (
                "audit/value.proto",
                'import "google/protobuf/timestamp.proto";',
                'import "google/protobuf/timestamp.proto";\nimport "google/protobuf/duration.proto";',
            ),
        ],
        "FIELD_NAMED_TYPE_CHANGED",
        {"audit-value"},
    ),
    "syntax_corners_tree": (
        [
            ("corner/literals.proto", "[default = 1.5e-10]", "[default = 2.5e-10]"),
            ("corner/literals.proto", "  optional string message = 17;", "  optional string msg = 17;"),
            (
                "corner/literals.proto",
                "message message { optional int32 enum = 1; }",
                "message message { optional int32 enum = 1; optional Signed sign = 2; }",
            ),
            ("odd/crlf.proto", "\tstring id = 1;\r\n", "\tstring id = 1;\r\n\tint64 at = 2;\r\n"),
            (
                "corner/value.proto",
                "  optional Signed sign = 4;",
                "  optional Signed sign = 4;\n  optional message m2 = 6;",
            ),
        ],
        [("corner/value.proto", "  optional option o = 3;", "  optional string o = 3;")],
        "FIELD_KIND_CHANGED",
        {"corner-value"},
    ),
    "third_party_tree": (
        [
            (
                "catalog/v1/catalog.proto",
                "    string uuid = 7 [(validate.rules).string.uuid = true];",
                "    string uuid = 7 [(validate.rules).string.uuid = true];\n    string phone = 8;",
            ),
            (
                "catalog/v1/catalog.proto",
                "  rpc UpdateProduct(",
                "  rpc ListProducts(GetProductRequest) returns (stream Product) {\n"
                '    option (google.api.http) = {get: "/v1/products"};\n  }\n  rpc UpdateProduct(',
            ),
        ],
        [("catalog/v1/catalog.proto", "    string email = 6 [(validate.rules).string.email = true];\n", "")],
        "ONEOF_FIELD_REMOVED",
        {"catalog/v1/catalog.proto", "inventory-value"},
    ),
}


def apply(repo: GitRepo, edits: list[Edit]) -> None:
    for relative, old, new in edits:
        path = repo.root / "contracts" / relative
        text = path.read_bytes().decode()  # bytes: keep CRLF files as they are
        assert old in text, (relative, old)
        path.write_bytes(text.replace(old, new, 1).encode())


def verdicts(result_json: dict[str, Any]) -> dict[str, tuple[str, set[str]]]:
    return {r["subject"]: (r["verdict"], {f["rule"] for f in r["findings"]}) for r in result_json["results"]}


def test_every_tree_has_a_history_case() -> None:
    assert set(EVOLUTIONS) == {p.name for p in TREES.iterdir() if p.is_dir()}


@pytest.mark.parametrize("tree", sorted(EVOLUTIONS))
def test_protoc_valid_tree_history_follows_confluent(repo: GitRepo, tree: str) -> None:
    """A compatible evolution passes; one Confluent-incompatible change is exit 1 naming its subjects,
    both against the base branch and with --all."""
    compatible, incompatible, rule, broken = EVOLUTIONS[tree]
    place_tree(repo, tree, "import_path")
    repo.commit("tree")
    repo.git("checkout", "-q", "-b", "feature")
    apply(repo, compatible)
    repo.commit("compatible")
    for args in (("--against", "main"), ("--all",)):
        result = repo.run("check", *args, "--format", "json")
        assert result.code == 0, result.output
    apply(repo, incompatible)
    repo.commit("incompatible")
    for args in (("--against", "main"), ("--all",)):
        result = repo.run("check", *args, "--format", "json")
        assert result.code == 1, result.output
        found = verdicts(result.json())
        assert {s for s, (verdict, _) in found.items() if verdict == "incompatible"} == broken, found
        assert all(rule in found[subject][1] for subject in broken), found
        assert "invalid" not in {verdict for verdict, _ in found.values()}
