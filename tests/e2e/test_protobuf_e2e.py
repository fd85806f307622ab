"""`contractctl check` on Protobuf contracts in a real git repository, through the installed CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import GitRepo, assert_bad_input, place

CORPUS = Path(__file__).parent.parent / "bad_inputs" / "protobuf"
BAD_CASES = json.loads((CORPUS / "expected.json").read_text())

ADDRESS = 'syntax = "proto3";\npackage acme.common;\n\nmessage Address {\n  string city = 1;\n}\n'


def shipment(*fields: str) -> str:
    body = "\n".join(f"  {f}" for f in fields)
    return (
        'syntax = "proto3";\n'
        "package acme.shipping;\n"
        "\n"
        'import "common/address.proto";\n'
        "\n"
        "message Shipment {\n"
        f"{body}\n"
        "}\n"
    )


V1 = shipment("string id = 1;", "acme.common.Address to = 2;", "int32 parcels = 3;")


def start(repo: GitRepo) -> None:
    repo.write("contracts/common/address.proto", ADDRESS)
    repo.write("contracts/shipping/value.proto", V1)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")


def results(data: dict[str, object]) -> dict[str, dict[str, object]]:
    return {r["subject"]: r for r in data["results"]}  # type: ignore[attr-defined, index]


def test_compatible_change_passes(repo: GitRepo) -> None:
    start(repo)
    repo.write(
        "contracts/shipping/value.proto",
        shipment("string id = 1;", "acme.common.Address to = 2;", "int64 parcels = 3;", "string note = 4;"),
    )
    result = repo.run("check", "--format", "json")
    assert result.code == 0, result.output
    assert results(result.json())["shipping-value"]["verdict"] == "compatible"


def test_breaking_change_fails_with_rule_and_line(repo: GitRepo) -> None:
    start(repo)
    repo.write(
        "contracts/shipping/value.proto",
        shipment("string id = 1;", "acme.common.Address to = 2;", "string parcels = 3;"),
    )
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    findings = results(result.json())["shipping-value"]["findings"]
    assert [(f["rule"], f["pointer"], f["line"]) for f in findings] == [  # type: ignore[union-attr]
        ("FIELD_SCALAR_KIND_CHANGED", "#/Shipment/3", 9)
    ]
    text = repo.run("check")
    assert "contracts/shipping/value.proto:9" in text.stdout


def test_breaking_change_in_an_imported_contract_fails_its_users(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/common/address.proto", ADDRESS.replace("string city", "int32 city"))
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    rules = {f["rule"] for f in results(result.json())["shipping-value"]["findings"]}  # type: ignore[union-attr]
    assert {"FIELD_SCALAR_KIND_CHANGED", "FIELD_NAMED_TYPE_CHANGED"} <= rules


def test_reformatting_is_not_a_new_version(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/shipping/value.proto", "// reformatted\n" + V1.replace("  ", "    "))
    result = repo.run("check", "--format", "json")
    assert result.code == 0, result.output
    assert result.json()["results"] == []


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_proto_is_exit_2_with_file_and_line(repo: GitRepo, name: str) -> None:
    expected = BAD_CASES[name]
    repo.write("contracts/good/value.proto", 'syntax = "proto3";\nmessage Good { string id = 1; }\n')
    repo.commit("base")
    place(repo, CORPUS / name, "contracts/broken/value.proto")
    assert_bad_input(repo, "contracts/broken/value.proto", expected)


def test_import_cycle_is_exit_2(repo: GitRepo) -> None:
    repo.write("contracts/a.proto", 'syntax = "proto3";\nimport "b.proto";\nmessage A { B b = 1; }\n')
    repo.write("contracts/b.proto", 'syntax = "proto3";\nimport "a.proto";\nmessage B { A a = 1; }\n')
    result = repo.run("check")
    assert result.code == 2, result.output
    assert "CYCLE" in result.stdout and "contracts/a.proto" in result.stdout
