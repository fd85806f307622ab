"""`avro: {parser: "1.11"}` and `compat --avro-parser 1.11`: verdicts of Schema Registry on Avro 1.11."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import GitRepo, record, run_cli

V1 = record("Order", [{"name": "a", "type": "int"}])
# a union default that matches the second branch: Avro 1.12 takes it, 1.11 only the first branch
V2 = record(
    "Order", [{"name": "a", "type": "int"}, {"name": "b", "type": ["null", "string"], "default": "x"}]
)


def test_check_follows_the_configured_parser(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("contracts/orders/value.avsc", V2)
    assert repo.run("check").code == 0  # the default: Avro 1.12.1
    repo.write("contractctl.yaml", 'version: 1\navro: {parser: "1.11"}\n')
    result = repo.run("check", "--format", "json")
    assert result.code == 2, result.output
    findings = result.json()["results"][0]["findings"]
    assert [f["rule"] for f in findings] == ["AVRO_BAD_DEFAULT"]
    repo.write("contractctl.yaml", "version: 1\navro: {parser: 1.11}\n")  # unquoted: a YAML number
    assert repo.run("check").code == 2
    repo.write("contractctl.yaml", 'version: 1\navro: {parser: "1.12"}\n')
    assert repo.run("check").code == 0


def test_history_is_read_as_registered_under_1_11(repo: GitRepo) -> None:
    """An earlier version is parsed without default validation, as the registry on 1.11 does."""
    repo.write("contractctl.yaml", 'version: 1\navro: {parser: "1.11"}\n')
    repo.write("contracts/orders/value.avsc", V2)
    repo.commit("v1, registered when the registry ran 1.12")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("contracts/orders/value.avsc", record("Order", [{"name": "a", "type": "int"}]))
    result = repo.run("check", "--format", "json")
    assert result.code == 0, result.output


def test_a_bad_parser_value_is_a_config_error(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", 'version: 1\navro: {parser: "1.10"}\n')
    result = repo.run("check")
    assert result.code == 2
    assert "avro.parser" in result.stderr and '"1.12" or "1.11"' in result.stderr


def test_compat_avro_parser_option(tmp_path: Path) -> None:
    (tmp_path / "old.avsc").write_text(json.dumps(V1))
    (tmp_path / "new.avsc").write_text(json.dumps(V2))
    base = ["compat", "--type", "avro", "--previous", "old.avsc", "new.avsc"]
    assert run_cli(*base, cwd=tmp_path).code == 0
    result = run_cli(*base, "--avro-parser", "1.11", cwd=tmp_path)
    assert result.code == 2 and "AVRO_BAD_DEFAULT" in result.stdout, result.output
