"""`contractctl lint` and linting inside `check` (opted into with a `lint:` section)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from tests.conftest import GitRepo, record

GOOD = {
    **record("OrderPlaced", [{"name": "order_id", "type": "string", "doc": "Order id."}]),
    "doc": "An order was placed.",
}
BAD_NAME = {
    **GOOD,
    "fields": [*GOOD["fields"], {"name": "customerId", "type": "string", "doc": "Who.", "default": ""}],
}


def test_lint_command_reports_rules_with_lines_and_exit_codes(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", BAD_NAME)
    result = repo.run("lint", "--format", "json")
    assert result.code == 1, result.output
    [finding] = [f for r in result.json()["results"] for f in r["findings"]]
    assert finding["rule"] == "lint/naming" and finding["line"] == 12  # the field's "name" line
    assert "customer_id" in finding["hint"]
    repo.write("contractctl.yaml", "version: 1\nlint: {rules: {naming: warning}}\n")
    assert repo.run("lint").code == 0
    repo.write("contractctl.yaml", "version: 1\nlint: {rules: {nameing: warning}}\n")
    bad = repo.run("lint")
    assert bad.code == 2 and "lint.rules" in bad.stderr


def test_check_lints_only_when_configured_and_sarif_carries_the_rule_help(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", GOOD)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("contracts/orders/value.avsc", BAD_NAME)
    assert repo.run("check").code == 0  # no lint: section, no lint
    repo.write("contractctl.yaml", "version: 1\nlint: {}\n")
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    [subject] = result.json()["results"]
    assert subject["verdict"] == "lint failed"
    sarif = json.loads(repo.run("check", "--format", "sarif").stdout)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert (
        "lint/naming" in rules and "contractctl rule" not in rules["lint/naming"]["shortDescription"]["text"]
    )


def test_inline_ignore_silences_a_rule(repo: GitRepo) -> None:
    ignored = {
        **BAD_NAME,
        "fields": [*GOOD["fields"], {**BAD_NAME["fields"][1], "contractctl:ignore": ["naming"]}],
    }
    repo.write("contracts/orders/value.avsc", ignored)
    assert repo.run("lint").code == 0


def test_changelog_command_between_refs(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", GOOD)
    repo.commit("v1")
    repo.git("tag", "v1")
    repo.write(
        "contracts/orders/value.avsc", {**GOOD, "fields": [*GOOD["fields"], {"name": "n", "type": "int"}]}
    )
    repo.commit("v2")
    result = repo.run("changelog", "--from", "v1", "--to", "HEAD")
    assert result.code == 0, result.output
    assert "## orders-value" in result.stdout and "Added field `n`" in result.stdout
    assert "breaking" in result.stdout.lower()
    written = repo.run("changelog", "--from", "v1", "--output", "CHANGES.md")
    assert written.code == 0 and (repo.root / "CHANGES.md").read_text() == result.stdout
    assert repo.run("changelog", "--from", "nope").code == 3


def test_bundled_examples_lint_clean_with_the_default_rules(repo: GitRepo) -> None:
    """The examples a newcomer copies first show the practice the rules ask for: not one warning."""
    project = Path(__file__).resolve().parents[2]
    config = (project / "contractctl.yaml").read_text()
    assert "lint" not in yaml.safe_load(config)  # the default rules and severities
    repo.write("contractctl.yaml", config)
    shutil.copytree(project / "contracts", repo.root / "contracts")
    repo.commit("the bundled examples")
    result = repo.run("lint", "--format", "json")
    assert result.code == 0, result.output
    report = result.json()
    assert len(report["results"]) == 10  # 6 Avro, 2 Protobuf, 2 JSON Schema contracts
    assert [f for r in report["results"] for f in r["findings"]] + report["findings"] == []
    assert report["summary"]["warnings"] == 0
