"""A command that stops before its verdict (bad config, unknown ref) still writes the report it was
asked for, holding the error: a CI step uploading that report must not fail a second time."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest

from tests.conftest import GitRepo, record


@pytest.fixture
def bad_config_repo(repo: GitRepo) -> GitRepo:
    repo.write("contracts/orders/value.avsc", record("OrderPlaced", [{"name": "id", "type": "string"}]))
    repo.write("contractctl.yaml", "version: 1\nbogus: true\n")
    repo.commit("v1")
    return repo


def test_json_on_stdout_holds_a_config_error(bad_config_repo: GitRepo) -> None:
    result = bad_config_repo.run("check", "--format", "json")
    assert result.code == 2, result.output
    data = result.json()
    assert data["passed"] is False and data["exit_code"] == 2
    [finding] = data["findings"]
    assert finding["rule"] == "CONFIG_ERROR" and "bogus" in finding["message"]
    assert "bogus" in result.stderr  # the error is still said where a person reads it


def test_sarif_output_file_holds_a_config_error(bad_config_repo: GitRepo) -> None:
    result = bad_config_repo.run("check", "--format", "sarif", "--output", "report.sarif")
    assert result.code == 2, result.output
    sarif = json.loads((bad_config_repo.root / "report.sarif").read_text())
    [run] = sarif["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["CONFIG_ERROR"]


def test_junit_output_file_holds_a_config_error(bad_config_repo: GitRepo) -> None:
    result = bad_config_repo.run("lint", "--format", "junit", "--output", "report.xml")
    assert result.code == 2, result.output
    suites = ElementTree.parse(bad_config_repo.root / "report.xml").getroot()
    assert suites.get("errors") == "1"
    assert "bogus" in ElementTree.tostring(suites, encoding="unicode")


def test_unknown_ref_is_an_environment_error_in_the_report(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", record("OrderPlaced", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    result = repo.run("check", "--against", "no-such-ref", "--format", "json")
    assert result.code == 3, result.output
    data = result.json()
    assert data["exit_code"] == 3
    assert [(f["rule"], f["kind"]) for f in data["findings"]] == [("GIT_ERROR", "environment")]
