"""The bad-input corpus: every broken contract or config gives exit 2, names file and line, writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import GitRepo, assert_bad_input, place, record

CORPUS = Path(__file__).parent.parent / "bad_inputs"
CONTRACT_CASES = json.loads((CORPUS / "expected.json").read_text())
CONFIG_CASES = json.loads((CORPUS / "expected-configs.json").read_text())


def tree_state(repo: GitRepo) -> tuple[str, list[str]]:
    files = sorted(str(p.relative_to(repo.root)) for p in repo.root.rglob("*") if ".git" not in p.parts)
    return repo.git("status", "--porcelain"), files


@pytest.mark.parametrize("name", sorted(CONTRACT_CASES))
def test_bad_contract_is_exit_2_with_file_and_line(repo: GitRepo, name: str) -> None:
    expected = CONTRACT_CASES[name]
    repo.write("contracts/good/value.avsc", record("Good", [{"name": "id", "type": "string"}]))
    repo.commit("base")
    place(repo, CORPUS / "contracts" / name, "contracts/broken/value.avsc")
    before = tree_state(repo)
    finding = assert_bad_input(repo, "contracts/broken/value.avsc", expected)
    assert finding["message"]
    assert tree_state(repo) == before
    text = repo.run("check")
    assert text.code == 2
    assert f"contracts/broken/value.avsc:{expected['line']}" in text.stdout


def test_reference_cycle_is_exit_2_naming_both_files(repo: GitRepo) -> None:
    repo.write(
        "contracts/a.avsc", record("A", [{"name": "b", "type": ["null", "com.acme.B"], "default": None}])
    )
    repo.write(
        "contracts/b.avsc", record("B", [{"name": "a", "type": ["null", "com.acme.A"], "default": None}])
    )
    result = repo.run("check")
    assert result.code == 2, result.output
    assert "REFERENCE_CYCLE" in result.stdout
    assert "contracts/a.avsc" in result.stdout and "contracts/b.avsc" in result.stdout


def test_two_contracts_for_one_subject_names_both(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", record("A", [{"name": "id", "type": "string"}]))
    repo.write("contracts/sales/orders/value.avsc", record("B", [{"name": "id", "type": "string"}]))
    result = repo.run("check")
    assert result.code == 2
    assert "DUPLICATE_SUBJECT" in result.stdout
    assert (
        "contracts/orders/value.avsc" in result.stdout
        and "contracts/sales/orders/value.avsc" in result.stdout
    )


def test_contract_outside_the_root_is_exit_2(repo: GitRepo) -> None:
    repo.write("contracts/good/value.avsc", record("Good", [{"name": "id", "type": "string"}]))
    repo.write("elsewhere/value.avsc", record("Other", [{"name": "id", "type": "string"}]))
    result = repo.run("check", "elsewhere/value.avsc")
    assert result.code == 2
    assert "outside the contracts root" in result.stderr
    assert "Traceback" not in result.output


def test_missing_path_argument_is_exit_2(repo: GitRepo) -> None:
    repo.write("contracts/good/value.avsc", record("Good", [{"name": "id", "type": "string"}]))
    result = repo.run("check", "contracts/nope.avsc")
    assert result.code == 2
    assert "no such file" in result.stderr


@pytest.mark.parametrize("name", sorted(CONFIG_CASES))
def test_bad_config_is_exit_2_naming_file_and_key(repo: GitRepo, name: str) -> None:
    shutil.copyfile(CORPUS / "configs" / name, repo.root / "contractctl.yaml")
    repo.write("contracts/good/value.avsc", record("Good", [{"name": "id", "type": "string"}]))
    before = tree_state(repo)
    result = repo.run("check")
    assert result.code == 2, result.output
    assert "Traceback" not in result.output
    assert "contractctl.yaml" in result.stderr
    for fragment in CONFIG_CASES[name]:
        assert fragment in result.stderr
    assert tree_state(repo) == before


def test_unknown_flag_is_exit_2(repo: GitRepo) -> None:
    result = repo.run("check", "--frobnicate")
    assert result.code == 2
    assert "No such option" in result.stderr


def test_config_flag_with_missing_file_is_exit_2(repo: GitRepo) -> None:
    result = repo.run("check", "--config", "missing.yaml")
    assert result.code == 2
    assert "missing.yaml" in result.stderr and "not found" in result.stderr


SIDECAR_CASES = json.loads((CORPUS / "expected-sidecars.json").read_text())
ORDER = record("OrderPlaced", [{"name": "order_id", "type": "string"}, {"name": "total", "type": "long"}])


@pytest.mark.parametrize("name", sorted(SIDECAR_CASES))
def test_bad_sidecar_is_exit_2_with_file_line_and_key(repo: GitRepo, name: str) -> None:
    """Wrong types, non-UTF-8, duplicate keys, alias bombs and CEL type errors in a sidecar."""
    expected = SIDECAR_CASES[name]
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("base")
    shutil.copyfile(CORPUS / "sidecars" / name, repo.root / "contracts/orders/value.contract.yaml")
    result = repo.run("check", "--format", "json")
    assert result.code == 2, result.output
    assert "Traceback" not in result.output
    findings = [f for r in result.json()["results"] for f in r["findings"]]
    match = [f for f in findings if f["rule"] == expected["rule"]]
    assert match, findings
    assert match[0]["file"] == "contracts/orders/value.contract.yaml"
    assert match[0]["line"] == expected["line"]
    assert expected["message"] in match[0]["message"]
