"""An earlier Avro version whose shared type was deleted or renamed since is compared as its own
commit defined that type (round 20).

Avro references name types, not files: an earlier version was resolved against the contracts that
define its names today. When the shared type's contract had been deleted (the type inlined) or
renamed (file and record), no contract defined the name any more, the version "did not parse
today" and was passed over: with no other version, the subject was compatible against nothing
(an outside audit on JeffersonLab/jaws-libp: the registry, through Avro Java, refused three such
changes). The registry holds that version with its reference; the check now reads the type from
the file of the version's commit that defined it.
"""

from __future__ import annotations

import json

from tests.conftest import GitRepo
from tests.e2e.check_modes import three_ways

PRIORITY = {"type": "enum", "name": "Priority", "namespace": "com.x", "symbols": ["P1", "P2"]}


def _alarm(*fields: object) -> str:
    return json.dumps({"type": "record", "name": "Alarm", "namespace": "com.x", "fields": list(fields)})


def test_a_version_using_a_type_deleted_since_is_compared(repo: GitRepo) -> None:
    """v1 uses the shared enum; v2 inlines it, drops x, and deletes the shared file; the change
    brings x back as a string, which v1's int data cannot be read as (BACKWARD_TRANSITIVE)."""
    repo.write(
        "contractctl.yaml",
        "version: 1\ncontracts: {root: contracts}\ndefaults: {compatibility: BACKWARD_TRANSITIVE}\n",
    )
    repo.write("contracts/common/priority.avsc", json.dumps(PRIORITY))
    repo.write(
        "contracts/alarms/value.avsc",
        _alarm({"name": "priority", "type": "com.x.Priority"}, {"name": "x", "type": "int"}),
    )
    repo.commit("v1")
    repo.git("rm", "-q", "contracts/common/priority.avsc")
    inlined = {"name": "priority", "type": {"type": "enum", "name": "Priority", "symbols": ["P1", "P2"]}}
    repo.write("contracts/alarms/value.avsc", _alarm(inlined))
    repo.commit("v2: the enum inlined, x dropped, the shared file deleted")
    repo.write("contracts/alarms/value.avsc", _alarm(inlined, {"name": "x", "type": "string", "default": ""}))
    for mode, (result, code) in three_ways(repo, "alarms-value").items():
        assert (mode, code, result["verdict"], result["compared_versions"]) == (mode, 1, "incompatible", 2)
        assert [(f["rule"], f["compared_with"].split(" (")[0]) for f in result["findings"]] == [
            ("TYPE_MISMATCH", "version 1")
        ], mode
        assert "HISTORY_UNPARSEABLE" not in json.dumps(result)


def test_the_latest_version_using_a_renamed_type_is_the_one_compared(repo: GitRepo) -> None:
    """The shared record is renamed (file and name) in the same commit as the change that removes a
    union branch: under BACKWARD the registry compares with the latest version, which used the old
    name; passed over, the check compared with nothing and passed."""
    repo.write("contractctl.yaml", "version: 1\ncontracts: {root: contracts}\n")
    instance = {"type": "record", "name": "AlarmInstance", "namespace": "com.x", "fields": []}
    repo.write("contracts/common/instance.avsc", json.dumps(instance))
    union = {"name": "value", "type": ["null", "string", "com.x.AlarmInstance"], "default": None}
    repo.write("contracts/alarms/value.avsc", _alarm(union))
    repo.commit("v1")
    repo.git("rm", "-q", "contracts/common/instance.avsc")
    repo.write("contracts/common/base.avsc", json.dumps({**instance, "name": "AlarmBase"}))
    repo.write("contracts/alarms/value.avsc", _alarm({**union, "type": ["null", "com.x.AlarmBase"]}))
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    alarms = next(r for r in result.json()["results"] if r["subject"] == "alarms-value")
    assert alarms["verdict"] == "incompatible" and alarms["compared_versions"] == 1
    assert {f["rule"] for f in alarms["findings"]} == {"MISSING_UNION_BRANCH"}
