"""What every output says about a check: findings in position order, each once, one finding for a
type typo, counts that match the subjects, and config errors that point at the key."""

from __future__ import annotations

from typing import Any

from tests.conftest import GitRepo, record
from tests.e2e.test_registry_check_e2e import CONFIG_NO_AUTH, env_for, start
from tests.registry_double.fixtures import TwoRegistries

TWO_PROBLEMS = """{"type": "record", "name": "B", "namespace": "com.acme", "fields": [
  {"name": "g", "type": "int", "default": "not an int"},
  {"name": "h", "type": "nope"}
]}
"""


def _findings(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["findings"] + [f for r in data["results"] for f in r["findings"]]


def test_a_type_typo_is_one_finding_not_also_a_bad_default(repo: GitRepo) -> None:
    repo.write(
        "contracts/orders/value.avsc",
        record("Order", [{"name": "id", "type": "strin", "default": "x"}]),
    )
    result = repo.run("check", "--format", "json")
    assert result.code == 2, result.output
    assert [f["rule"] for f in _findings(result.json())] == ["AVRO_UNKNOWN_TYPE"]
    # a real bad default next to a real typo is still reported
    repo.write("contracts/orders/value.avsc", TWO_PROBLEMS)
    rules = [f["rule"] for f in _findings(repo.run("check", "--format", "json").json())]
    assert rules == ["AVRO_BAD_DEFAULT", "AVRO_UNKNOWN_TYPE"]


def test_findings_are_in_position_order_in_every_format(repo: GitRepo) -> None:
    # the resolver finds the bad default at line 2 first, the unknown type of line 2 only at the end
    repo.write(
        "contracts/orders/value.avsc",
        '{"type": "record", "name": "A", "namespace": "com.acme", "fields": [\n'
        '  {"name": "f", "type": "strin"}, {"name": "g", "type": "int", "default": "x"}\n]}\n',
    )
    data = repo.run("check", "--format", "json").json()
    positions = [(f["line"], f["column"]) for f in _findings(data)]
    assert len(positions) == 2 and positions == sorted(positions), positions
    text = repo.run("check").stdout
    assert text.index("AVRO_UNKNOWN_TYPE") < text.index("AVRO_BAD_DEFAULT"), text
    github = repo.run("check", "--format", "github").stdout
    assert github.index("AVRO_UNKNOWN_TYPE") < github.index("AVRO_BAD_DEFAULT"), github


def test_two_broken_files_are_two_invalid_subjects(repo: GitRepo) -> None:
    repo.write("contracts/a/value.avsc", '{"type": "record", \n')  # names no subject: a global finding
    repo.write("contracts/b/value.avsc", record("B", [{"name": "h", "type": "nope"}]))
    result = repo.run("check", "--format", "json")
    assert result.code == 2, result.output
    summary = result.json()["summary"]
    assert (summary["subjects"], summary["verdicts"]) == (2, {"invalid": 2})
    assert "failed: 2 subjects checked (2 invalid)" in repo.run("check").stdout


SHARED_BROKEN = 'syntax = "proto3";\npackage t;\nmessage S { string s = 1 }\n'  # line 3: no ";"


def _importers_of_a_broken_file(repo: GitRepo) -> None:
    """shared.proto, imported by a.proto and b.proto, loses a ";": each subject's check compiles it."""
    repo.write(
        "contractctl.yaml",
        "version: 1\ncontracts: {root: contracts}\ndefaults: {subject_strategy: record}\n",
    )
    repo.write("contracts/shared.proto", SHARED_BROKEN.replace("= 1 }", "= 1; }"))
    for name in ("A", "B"):
        repo.write(
            f"contracts/{name.lower()}.proto",
            f'syntax = "proto3";\npackage t;\nimport "shared.proto";\nmessage {name} {{ S s = 1; }}\n',
        )
    repo.commit("v1")
    repo.write("contracts/shared.proto", SHARED_BROKEN)


def test_a_broken_file_two_contracts_import_is_reported_once(repo: GitRepo) -> None:
    """grpc-proto (62cf1cd): one PROTO_SYNTAX at s2a_context.proto:36 was reported once per subject
    whose check compiled the file. It is one finding, the broken file's own; each importer keeps
    its INVALID_REFERENCE, which names the file and the error."""
    _importers_of_a_broken_file(repo)
    result = repo.run("check", "--format", "json")
    assert result.code == 2, result.output
    data = result.json()
    found = sorted((f["rule"], f["file"], f["subject"]) for f in _findings(data))
    assert found == [
        ("INVALID_REFERENCE", "contracts/a.proto", "t.A"),
        ("INVALID_REFERENCE", "contracts/b.proto", "t.B"),
        ("PROTO_SYNTAX", "contracts/shared.proto", "t.S"),
    ], found
    assert data["summary"]["errors"] == 3 and data["summary"]["verdicts"] == {"invalid": 3}
    text = repo.run("check").stdout
    assert text.count("PROTO_SYNTAX") == 1 and "3 errors" in text, text
    sarif = repo.run("check", "--format", "sarif").json()
    rules = sorted(r["ruleId"] for r in sarif["runs"][0]["results"])
    assert rules == ["INVALID_REFERENCE", "INVALID_REFERENCE", "PROTO_SYNTAX"], rules


def test_a_broken_file_only_importers_check_is_reported_once_too(repo: GitRepo) -> None:
    """Without the broken file's own subject in the run, the first importer shows its error."""
    _importers_of_a_broken_file(repo)
    result = repo.run("check", "contracts/a.proto", "contracts/b.proto", "--format", "json")
    assert result.code == 2, result.output
    found = sorted((f["rule"], f["file"], f["subject"]) for f in _findings(result.json()))
    assert found == [
        ("INVALID_REFERENCE", "contracts/a.proto", "t.A"),
        ("INVALID_REFERENCE", "contracts/b.proto", "t.B"),
        ("PROTO_SYNTAX", "contracts/shared.proto", "t.A"),
    ], found


def test_a_lint_only_failure_is_not_counted_as_incompatible(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\nlint:\n  rules: {naming: error, docs: 'off'}\n")
    repo.write("contracts/orders/value.avsc", record("Order", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    fields = [{"name": "id", "type": "string"}, {"name": "BadName", "type": ["null", "int"], "default": None}]
    repo.write("contracts/orders/value.avsc", record("Order", fields))
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    data = result.json()
    assert data["summary"]["verdicts"] == {"lint failed": 1}
    assert [f["rule"] for f in _findings(data)] == ["lint/naming"]


def test_registry_results_are_not_counted_as_subjects(repo: GitRepo, two_registries: TwoRegistries) -> None:
    start(repo, CONFIG_NO_AUTH)
    repo.write("contracts/orders/value.avsc", record("OrderPlaced", [{"name": "id", "type": "string"}]))
    repo.write("contracts/other/value.avsc", record("Other", [{"name": "id", "type": "string"}]))
    args = ("check", "--registry", "aws", "--registry", "azure")
    result = repo.run(*args, "--format", "json", env=env_for(two_registries))
    assert result.code == 0, result.output
    summary = result.json()["summary"]
    assert summary["subjects"] == 1 and summary["verdicts"] == {"new": 1}
    assert summary["registry_verdicts"] == {"new": 2}
    text = repo.run(*args, env=env_for(two_registries)).stdout
    assert "passed: 1 subject checked (1 new), 2 registry results (2 new)" in text, text
    markdown = repo.run(*args, "--format", "markdown", env=env_for(two_registries)).stdout
    assert "1 subject checked" in markdown


def test_an_unknown_config_key_names_its_line_and_column(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", record("Order", [{"name": "id", "type": "string"}]))
    repo.write("contractctl.yaml", "version: 1\ncontracts:\n  root: contracts\n  bse_branch: main\n")
    result = repo.run("check")
    assert result.code == 2
    assert "contractctl.yaml:4:3: contracts.bse_branch: unknown key" in result.stderr, result.stderr
    repo.write("contractctl.yaml", "version: 1\nlint:\n  rules: {}\n  rulez: {}\n")
    result = repo.run("lint")
    assert result.code == 2
    assert "contractctl.yaml:4:3: lint.rulez: unknown key" in result.stderr, result.stderr
