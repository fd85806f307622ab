"""Audit 24b (JSON Schema) through the installed CLI: decimal spellings in enum/const (D1) and integer
keywords Everit reads as a Java int (D8), as the registry running Everit 1.14.6 judges them."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import GitRepo, run_cli


def _compat(tmp_path: Path, old: str, new: str) -> tuple[int, str]:
    (tmp_path / "old.json").write_text(old)
    (tmp_path / "new.json").write_text(new)
    args = ("compat", "--type", "json", "--level", "BACKWARD", "--previous", "old.json", "new.json")
    result = run_cli(*args, cwd=tmp_path)
    return result.code, result.output


def test_enum_decimal_respelt_is_incompatible(tmp_path: Path) -> None:
    """1.5 -> 1.50 and 1.0 -> 1.00: other BigDecimals for Everit, so ENUM_ARRAY_CHANGED (exit 1)."""
    old = '{"type":"object","properties":{"rate":{"enum":[1.5,2.25]},"v":{"const":1.0}}}'
    new = '{"type":"object","properties":{"rate":{"enum":[1.50,2.25]},"v":{"const":1.00}}}'
    code, output = _compat(tmp_path, old, new)
    assert code == 1, output
    assert output.count("ENUM_ARRAY_CHANGED") == 2, output


def test_enum_decimal_unchanged_is_compatible(tmp_path: Path) -> None:
    code, output = _compat(tmp_path, '{"enum":[1.5, 100.0]}', '{"enum":[100.0, 1.5],"title":"t"}')
    assert code == 0, output


def test_enum_decimal_respelt_in_history_is_a_new_incompatible_version(repo: GitRepo) -> None:
    """`check` tells the versions apart (the registry's Jackson keeps the spelling) and compares them."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write("contracts/rate/value.json", '{"enum": [1.5, 2.25]}\n')
    repo.commit("v1")
    repo.write("contracts/rate/value.json", '{"enum": [1.50, 2.25]}\n')
    result = repo.run("check", "--format", "json")
    found = {r["subject"]: r for r in result.json()["results"]}
    assert found["rate-value"]["verdict"] == "incompatible", result.output
    assert result.code == 1


def test_size_keyword_written_as_decimal_is_invalid(tmp_path: Path) -> None:
    """`maxLength: 5.0`, `minItems: 1.0`: org.json's BigDecimal fails Everit's requireInteger (42201)."""
    old = '{"type":"object","properties":{"code":{"type":"string","maxLength":5},"tags":{"type":"array"}}}'
    new = '{"type":"object","properties":{"code":{"type":"string","maxLength":5.0},"tags":{"type":"array"}}}'
    code, output = _compat(tmp_path, old, new)
    assert code == 2, output
    assert "INVALID_SCHEMA" in output and "#/properties/code/maxLength" in output, output
    assert "Traceback" not in output


def test_size_keyword_beyond_java_int_is_invalid_not_a_verdict(tmp_path: Path) -> None:
    code, output = _compat(tmp_path, '{"type":"string"}', '{"type":"string","maxLength":3000000000}')
    assert code == 2 and "INVALID_SCHEMA" in output and "MAX_LENGTH_ADDED" not in output, output


MONEY = (
    '{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",'
    '"properties":{"amount":{"type":"number"}},"additionalProperties":false}\n'
)
ORDERS_WITH_ID = (
    '{"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://acme.example/orders/value.json",'
    '"type":"object","properties":{"total":{"$ref":"../common/money.json"}}}\n'
)


def test_a_relative_ref_under_an_absolute_id_finds_the_file_by_its_path(repo: GitRepo) -> None:
    """Audit 24b D3: the `$ref` resolved against the `$id` names no contract's `$id`, and the check
    said INVALID_REFERENCE (exit 2). The registry registers the reference under its name resolved
    against the `$id`, where Everit resolves the `$ref`, so it accepts it: the contract at that
    path relative to the file is the reference, and a break in it reaches the importer."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write("contracts/common/money.json", MONEY)
    repo.write("contracts/orders/value.json", ORDERS_WITH_ID)
    repo.commit("v1")
    audit = repo.run("check", "--all", "--format", "json")
    assert audit.code == 0, audit.output
    repo.write("contracts/common/money.json", MONEY.replace('"number"', '"string"'))
    result = repo.run("check", "--format", "json")
    verdicts = {r["subject"]: r["verdict"] for r in result.json()["results"]}
    assert result.code == 1 and verdicts["orders-value"] == "incompatible", result.output


def test_a_contract_declaring_the_resolved_id_is_the_reference(repo: GitRepo) -> None:
    """Where a contract declares the `$id` the `$ref` resolves to, that one is meant, not the file
    at the relative path (the guard)."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write("contracts/common/money.json", MONEY)
    declared = MONEY.replace(
        '"type":"object"', '"$id":"https://acme.example/common/money.json","type":"object"'
    )
    repo.write("contracts/shared/money.json", declared.replace('"number"', '"integer"'))
    repo.write("contracts/orders/value.json", ORDERS_WITH_ID)
    repo.commit("v1")
    repo.write("contracts/common/money.json", MONEY.replace('"number"', '"string"'))
    result = repo.run("check", "--format", "json")
    verdicts = {r["subject"]: r["verdict"] for r in result.json()["results"]}
    assert verdicts.get("orders-value") in (None, "compatible"), result.output  # not reached
