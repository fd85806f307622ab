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
