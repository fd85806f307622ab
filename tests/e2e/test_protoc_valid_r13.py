"""Files protoc compiles that Confluent Schema Registry still refuses (issue 14, round 13)."""

from __future__ import annotations

from tests.conftest import GitRepo

EDITION_MONEY = (
    '// shared money type\nedition = "2023";\npackage acme.common;\n\n'
    "message Money {\n  string currency = 1;\n  int64 units = 2;\n}\n"
)
ORDER = (
    'syntax = "proto3";\npackage acme.orders;\nimport "common/money.proto";\n\n'
    "message Order {\n  string id = 1;\n  acme.common.Money total = 2;\n}\n"
)


def test_edition_file_is_refused_as_the_registry_refuses_it(repo: GitRepo) -> None:
    """protoc compiles `edition = "2023";`, but the registry parses text with Wire's ProtoParser, which
    throws "edition is not currently supported": a clear exit-2 finding at the edition line, not a pass."""
    repo.write("contracts/common/money.proto", EDITION_MONEY)
    repo.write("contracts/orders/value.proto", ORDER)
    repo.commit("v1")
    for args in (("check", "--all"), ("compat", "--type", "protobuf", "--level", "BACKWARD")):
        if args[0] == "compat":
            repo.write("old.proto", EDITION_MONEY)
            args = (*args, "--previous", "old.proto", "contracts/common/money.proto")
        result = repo.run(*args, "--format", "json")
        assert result.code == 2, result.output
        assert "Traceback" not in result.output
        data = result.json()
        findings = data.get("findings", []) + [f for r in data["results"] for f in r["findings"]]
        editions = [f for f in findings if f["rule"] == "PROTO_EDITIONS"]
        assert editions, result.output
        for edition in editions:  # the reference's own subject, and again where it is imported
            assert edition["file"].endswith("money.proto")
            assert edition["line"] == 2
            assert "editions are not supported by Schema Registry" in edition["message"]


def test_edition_file_in_history_only_is_no_traceback(repo: GitRepo) -> None:
    """An editions version in history cannot be registered either; moving to proto3 checks cleanly."""
    repo.write("contracts/common/money.proto", EDITION_MONEY)
    repo.commit("v1")
    repo.write(
        "contracts/common/money.proto",
        EDITION_MONEY.replace('edition = "2023";', 'syntax = "proto3";'),
    )
    result = repo.run("check", "--format", "json")
    assert result.code in (0, 1), result.output
    assert "Traceback" not in result.output


GROUPED = (
    'syntax = "proto2";\npackage acme.legacy;\n\n'
    "message Record {\n  required string id = 1;\n"
    "  optional group Meta = 2 {\n    optional string source = 3;\n  }\n}\n"
)


def test_prove_keeps_confluents_verdict_on_a_change_inside_a_group(repo: GitRepo) -> None:
    """Confluent's diff never looks inside proto2 groups (Wire keeps them apart from fields), so a
    group member's type change is compatible; the data proof shows values lost, which is Confluent's
    blind spot (a lossy warning), not an engine error that turns the verdict into exit 1."""
    repo.write("contracts/legacy/value.proto", GROUPED)
    repo.commit("v1")
    repo.write(
        "contracts/legacy/value.proto", GROUPED.replace("optional string source", "optional int64 source")
    )
    plain = repo.run("check", "--format", "json")
    assert plain.code == 0, plain.output
    proved = repo.run("check", "--prove", "--format", "json")
    assert proved.code == 0, proved.output
    rules = {f["rule"]: f for r in proved.json()["results"] for f in r["findings"]}
    assert "PROOF_ENGINE_ERROR" not in rules
    assert "group" in rules["PROOF_LOSSY"]["message"]
