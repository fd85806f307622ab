"""The CLI reads Avro as Confluent Schema Registry does: history leniently, comments allowed (issue 22)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import GitRepo, record, run_cli

# AvroSchema.getParser() (confluentinc/schema-registry): a version not validated as new is parsed
# with setValidateDefaults(false) and NameValidator.NO_VALIDATION, so the registry compares it.
OLD_WITH_BAD_DEFAULT = record("Order", [{"name": "a", "type": "int", "default": "x"}], namespace="my-ns")
NEW_LONG = record("Order", [{"name": "a", "type": "long"}], namespace="my_ns")


def test_history_the_registry_accepted_is_compared_not_skipped(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: FORWARD}\n")
    repo.write("contracts/orders/value.avsc", OLD_WITH_BAD_DEFAULT)
    repo.commit("v1, registered long ago")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("contracts/orders/value.avsc", NEW_LONG)
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output  # before: the old version was skipped and the check passed
    findings = result.json()["results"][0]["findings"]
    assert [(f["rule"], f["direction"]) for f in findings] == [("TYPE_MISMATCH", "forward")]


def test_compat_compares_a_previous_version_with_an_invalid_default(tmp_path: Path) -> None:
    (tmp_path / "old.avsc").write_text(json.dumps(OLD_WITH_BAD_DEFAULT))
    (tmp_path / "new.avsc").write_text(json.dumps(NEW_LONG))
    args = ("compat", "--type", "avro", "--level", "forward", "--previous", "old.avsc", "new.avsc")
    result = run_cli(*args, "--format", "json", cwd=tmp_path)
    assert result.code == 1, result.output  # before: exit 2, "invalid"
    assert [f["rule"] for f in result.json()["results"][0]["findings"]] == ["TYPE_MISMATCH"]
    # the new schema stays strict: the same text as NEW is refused
    result = run_cli("compat", "--type", "avro", "--previous", "new.avsc", "old.avsc", cwd=tmp_path)
    assert result.code == 2, result.output


COMMENTED_V2 = """// Orders, as Schema.java's Jackson factory (ALLOW_COMMENTS) reads them
{
  "type": "record", "name": "Order", "namespace": "com.acme",
  "fields": [
    {"name": "a", "type": "int"}, /* kept */
    // a new field, with a default
    {"name": "b", "type": "string", "default": "z"}
  ]
}
"""


def test_a_contract_with_comments_is_checked(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", record("Order", [{"name": "a", "type": "int"}]))
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("contracts/orders/value.avsc", COMMENTED_V2)
    result = repo.run("check", "--format", "json")
    assert result.code == 0, result.output  # before: exit 2, "invalid JSON"
    repo.write("contracts/orders/value.avsc", COMMENTED_V2.replace('"default": "z"', '"doc": "none"'))
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    (finding,) = result.json()["results"][0]["findings"]
    assert finding["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert finding["line"] == 7  # the new field's line, comments counted
