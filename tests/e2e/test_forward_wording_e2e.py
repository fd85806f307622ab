"""FORWARD findings say what the change did, through the real CLI in a real repository.

Confluent checks FORWARD by comparing with the roles swapped (the earlier version reads the new
version's data), so an added Protobuf message is its MESSAGE_REMOVED and an added JSON Schema
property on a closed object its PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL. The rule ids and the
verdict stay Confluent's; the message and the hint describe the addition (or removal) the user made.
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import GitRepo

P3 = 'syntax = "proto3";\npackage t;\n'


def _findings(repo: GitRepo, level: str, path: str, old: str, new: str) -> tuple[int, list[dict[str, Any]]]:
    repo.write("contractctl.yaml", f"version: 1\ndefaults: {{compatibility: {level}}}\n")
    repo.write(path, old)
    repo.commit("v1")
    repo.write(path, new)
    result = repo.run("check", "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    return result.code, [f for r in result.json()["results"] for f in r["findings"]]


def test_protobuf_additions_under_forward_are_worded_as_additions(repo: GitRepo) -> None:
    old = P3 + "message A { oneof v { int32 i = 1; } }\n"
    new = P3 + "message A { oneof v { int32 i = 1; string s = 2; } }\nmessage B { int32 x = 1; }\n"
    code, findings = _findings(repo, "FULL", "contracts/t/value.proto", old, new)
    assert code == 1
    said = {f["rule"]: (f["message"], f["hint"], f["direction"]) for f in findings}
    reader = "the earlier version (the reader under FORWARD)"
    assert said["MESSAGE_REMOVED"][0] == f"message t.B is new, and {reader} does not have it"
    assert (
        said["ONEOF_FIELD_REMOVED"][0]
        == f"field s = 2 in oneof v of message t.A is new, and {reader} does not have it"
    )
    assert said["MESSAGE_REMOVED"][1].startswith("Confluent's rules let no message be added under FORWARD")
    assert all("was removed" not in message and "Keep" not in hint for message, hint, _ in said.values())
    assert {direction for _, _, direction in said.values()} == {"forward"}


def test_protobuf_removal_under_backward_keeps_its_wording(repo: GitRepo) -> None:
    old = P3 + "message A { int32 x = 1; }\nmessage B { int32 x = 1; }\n"
    code, findings = _findings(
        repo, "BACKWARD", "contracts/t/value.proto", old, P3 + "message A { int32 x = 1; }\n"
    )
    assert code == 1
    assert [(f["rule"], f["message"]) for f in findings] == [("MESSAGE_REMOVED", "message t.B was removed")]
    assert findings[0]["hint"].startswith("Keep the message")


def test_json_schema_property_added_to_a_closed_object_under_forward(repo: GitRepo) -> None:
    closed: dict[str, Any] = {
        "type": "object",
        "properties": {"id": {"type": "string"}},
        "additionalProperties": False,
    }
    grown = {**closed, "properties": {"id": {"type": "string"}, "note": {"type": "string"}}}
    code, findings = _findings(
        repo, "FORWARD", "contracts/c/value.json", json.dumps(closed), json.dumps(grown)
    )
    assert code == 1
    [finding] = findings
    assert finding["rule"] == "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
    assert finding["message"].startswith(
        "a property was added, which the earlier version (the reader under FORWARD)"
    )
    assert "no property can be added" in finding["hint"]


def test_avro_field_removed_under_forward_is_not_hinted_as_a_new_field(repo: GitRepo) -> None:
    fields = [{"name": "id", "type": "string"}, {"name": "note", "type": "string"}]
    old = {"type": "record", "name": "R", "namespace": "t", "fields": fields}
    code, findings = _findings(
        repo, "FORWARD", "contracts/r/value.avsc", json.dumps(old), json.dumps({**old, "fields": fields[:1]})
    )
    assert code == 1
    [finding] = findings
    assert finding["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert finding["hint"].startswith("Keep the field: the earlier version")


def test_a_changed_type_reads_old_to_new_in_both_directions(repo: GitRepo) -> None:
    old, new = P3 + "message A { int32 x = 1; }\n", P3 + "message A { string x = 1; }\n"
    code, findings = _findings(repo, "FULL", "contracts/t/value.proto", old, new)
    assert code == 1
    assert sorted((f["direction"], f["rule"], f["message"]) for f in findings) == [
        (
            direction,
            "FIELD_SCALAR_KIND_CHANGED",
            "field x = 1 in message t.A: int32 -> string crosses wire-compatible groups",
        )
        for direction in ("backward", "forward")
    ]
