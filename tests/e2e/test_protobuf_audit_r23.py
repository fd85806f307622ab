"""Findings of an outside audit on real Protobuf trees (pingcap/kvproto, dapr/dapr).

An earlier version written with a leading-zero number (`string s = 010;`) was passed over as
HISTORY_UNPARSEABLE, so the next version was compared with the one before it and a break passed: the
registry accepted that text (Wire 6.4.5's SyntaxReader.readInt reads `010` as decimal 10) and
compares its numbers. A new version with such a number stays PROTO_OCTAL_NUMBER (invalid): protoc,
and so the producer's code, writes field 8. Real CLI, real repository.
"""

from __future__ import annotations

from tests.conftest import GitRepo

CONFIG = "version: 1\ncontracts: {root: contracts}\ndefaults: {compatibility: BACKWARD}\n"


def _version(repo: GitRepo, fields: str, message: str) -> None:
    repo.write(
        "contracts/orders/value.proto",
        f'syntax = "proto3";\npackage p;\nmessage A {{\n  int32 x = 1;\n{fields}}}\n',
    )
    repo.commit(message)


def test_an_earlier_version_with_a_leading_zero_number_is_compared_as_the_registry_reads_it(
    repo: GitRepo,
) -> None:
    repo.write("contractctl.yaml", CONFIG)
    _version(repo, "", "v1")
    _version(repo, "  string s = 010;\n", "v2: protoc reads field 8, Wire 10")
    _version(repo, "  int64 a = 8;\n  string b = 10;\n", "v3: field 10 stays a string")
    passed = repo.run("check", "--against", "HEAD~1", "--format", "json")
    _version(repo, "  int64 a = 8;\n  int64 b = 10;\n", "v4: field 10 becomes a number")
    for result in (passed, repo.run("check", "--against", "HEAD~1", "--format", "json")):
        assert "HISTORY_UNPARSEABLE" not in result.output, result.output
    # v3 against v2: field 10 is a string on both sides as Wire reads v2 (protoc's 8 would fail)
    assert passed.code == 0, passed.output
    broken = repo.run("check", "--against", "HEAD~2", "--format", "json")
    (finding,) = broken.json()["results"][0]["findings"]
    assert (broken.code, finding["rule"], finding["pointer"]) == (1, "FIELD_SCALAR_KIND_CHANGED", "#/A/10")


def test_a_new_version_with_a_leading_zero_number_stays_invalid(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", CONFIG)
    _version(repo, "", "v1")
    repo.write(
        "contracts/orders/value.proto",
        'syntax = "proto3";\npackage p;\nmessage A {\n  int32 x = 1;\n  string s = 010;\n}\n',
    )
    result = repo.run("check", "--format", "json")
    rules = [f["rule"] for r in result.json()["results"] for f in r["findings"]]
    assert (result.code, rules) == (2, ["PROTO_OCTAL_NUMBER"]), result.output


GROUP_OPTIONS = (
    'syntax = "proto2";\npackage grp;\nmessage A {\n'
    "  optional group Result = 1 [deprecated = true] {\n    optional int32 a = 2;\n  }\n}\n"
)
ANGLE_VALUE = (
    'syntax = "proto3";\npackage ang;\nimport "google/protobuf/descriptor.proto";\n'
    "message Inner { int32 a = 1; }\nmessage Opt { Inner inner = 1; }\n"
    "extend google.protobuf.MessageOptions { Opt opt = 50001; }\n"
    "message A {\n  option (opt) = { inner < a: 1 > };\n  int32 x = 1;\n}\n"
)
SPACED_PACKAGE = 'syntax = "proto3";\npackage a . b;\nmessage A { int32 x = 1; }\n'
# a field named `group` of a message type `Group`, with options: no group at all (googleapis' monitoring)
GROUP_FIELD = (
    'syntax = "proto3";\npackage mon;\nmessage Group { string name = 1; }\n'
    "message R {\n  Group group = 2 [deprecated = true];\n}\n"
)


def test_text_protoc_compiles_and_wire_refuses_is_invalid(repo: GitRepo) -> None:
    """Wire 6.4.5 (the registry's parser): ProtoParser.readGroup requires `{` right after the number;
    OptionReader.readOption takes `name: value` or `name {`, never `<`; a package is one readWord."""
    repo.write("contractctl.yaml", CONFIG)
    texts = {"grp": GROUP_OPTIONS, "ang": ANGLE_VALUE, "pkg": SPACED_PACKAGE, "mon": GROUP_FIELD}
    for topic, text in texts.items():
        repo.write(f"contracts/{topic}/value.proto", text)
    result = repo.run("check", "--all", "--format", "json")
    verdicts = {r["subject"]: r["verdict"] for r in result.json()["results"]}
    assert verdicts == {
        "grp-value": "invalid",
        "ang-value": "invalid",
        "pkg-value": "invalid",
        "mon-value": "new",
    }
    rules = {f["rule"] for r in result.json()["results"] for f in r["findings"]}
    assert rules == {"PROTO_REGISTRY_SYNTAX"}, result.output
