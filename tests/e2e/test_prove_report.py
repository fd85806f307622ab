"""`--prove` says what it proved: how many (version, direction) pairs, with how many records."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import GitRepo, record, run_cli

V1 = record("Order", [{"name": "id", "type": "string"}])
V2 = record("Order", [{"name": "id", "type": "string"}, {"name": "n", "type": "int", "default": 0}])
V3 = record("Order", [{"name": "id", "type": "string"}, {"name": "n", "type": "long", "default": 0}])


def test_check_prove_counts_pairs_and_records_in_text_and_json(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1")
    repo.write("contracts/orders/value.avsc", V2)
    repo.commit("v2")
    repo.write("contracts/orders/value.avsc", V3)
    # BACKWARD_TRANSITIVE: one direction against each of the two earlier versions
    result = repo.run("check", "--prove", "--samples", "10", "--format", "json")
    assert result.code == 0, result.output
    data = result.json()
    assert data["summary"]["proof"] == {"pairs": 2, "records": 20}
    assert [r["proof"] for r in data["results"]] == [{"pairs": 2, "records": 20}]
    text = repo.run("check", "--prove", "--samples", "10").stdout
    assert "against 2 earlier versions; 2 pairs proven by data with 20 records" in text, text
    assert "passed: 1 subject checked (1 compatible), 2 pairs proven by data with 20 records" in text
    # without --prove nothing is said about proofs
    plain = repo.run("check", "--format", "json").json()
    assert "proof" not in plain["summary"] and "proof" not in plain["results"][0]
    assert "proven" not in repo.run("check").stdout


def test_a_pair_without_any_record_is_not_counted(tmp_path: Path) -> None:
    # a record that must contain itself has no finite value: nothing can be written to prove with
    endless = record("Node", [{"name": "next", "type": "Node"}])
    (tmp_path / "old.avsc").write_text(json.dumps(endless))
    (tmp_path / "new.avsc").write_text(json.dumps(endless))
    result = run_cli(
        "compat", "--type", "avro", "--level", "FULL", "--previous", "old.avsc", "new.avsc", "--prove",
        "--format", "json", cwd=tmp_path,
    )  # fmt: skip
    assert result.code == 0, result.output
    data = result.json()
    assert data["summary"]["proof"] == {"pairs": 0, "records": 0}
    assert {f["rule"] for r in data["results"] for f in r["findings"]} == {"PROOF_SKIPPED"}


def test_compat_prove_counts_both_directions(tmp_path: Path) -> None:
    (tmp_path / "v1.avsc").write_text(json.dumps(V1))
    (tmp_path / "v2.avsc").write_text(json.dumps(V2))
    result = run_cli(
        "compat",
        "--type",
        "avro",
        "--level",
        "FULL",
        "--previous",
        "v1.avsc",
        "v2.avsc",
        "--prove",
        cwd=tmp_path,
    )
    assert result.code == 0, result.output
    assert "2 pairs proven by data with 50 records" in result.stdout, result.stdout
