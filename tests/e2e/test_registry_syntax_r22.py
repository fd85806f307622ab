"""A .proto protoc compiles but Schema Registry's parser (Wire) refuses is invalid, in every mode
of a check; an earlier version the registry could not have held is passed over as never registered.

Found by an audit of protocolbuffers/protobuf (objectivec/Tests/unittest.proto, upb/message/test.proto:
groups nested in groups passed `check` with exit 0)."""

from __future__ import annotations

from tests.conftest import GitRepo
from tests.e2e.check_modes import change_modes

V1 = 'syntax = "proto2";\npackage t;\nmessage M {\n  optional int32 x = 1;\n}\n'
NESTED = V1.replace(
    "}\n", "  optional group G = 2 {\n    optional group H = 3 { optional int32 a = 4; }\n  }\n}\n"
)
FIXED = V1.replace("}\n", "  optional group G = 2 {\n    optional int32 a = 4;\n  }\n}\n")
PATH = "contracts/t/value.proto"


def test_a_group_inside_a_group_is_invalid_in_every_mode(repo: GitRepo) -> None:
    repo.write(PATH, V1)
    repo.commit("v1")
    repo.write(PATH, NESTED)
    for mode, (code, results) in change_modes(repo).items():
        findings = results["t-value"]["findings"]
        assert code == 2 and results["t-value"]["verdict"] == "invalid", (mode, results)
        assert [(f["rule"], f["line"]) for f in findings] == [("PROTO_REGISTRY_SYNTAX", 6)], mode


def test_a_version_the_registry_refused_is_not_compared(repo: GitRepo) -> None:
    repo.write(PATH, V1)
    repo.commit("v1")
    repo.write(PATH, NESTED)
    repo.commit("v2: protoc compiles it, the registry refuses it")
    repo.write(PATH, FIXED)
    result = repo.run("check", "--against", "HEAD", "--format", "json")
    (subject,) = result.json()["results"]
    assert result.code == 0 and subject["verdict"] == "compatible", result.output
    assert [f["rule"] for f in subject["findings"]] == ["HISTORY_UNPARSEABLE"]
