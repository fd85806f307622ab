"""A check reads the earlier versions its level reads, as Schema Registry does, and no others.

Schema Registry parses a registered version only when it compares with it (its previous versions
are lazy holders, `LazyParsedSchemaHolder.schema()`; `SchemaValidatorBuilder.validateLatest` takes
the first, newest, one, `validateAll` walks newest first), and NONE compares with none. So a version
that does not parse today matters only to a level that reads it: it must not even raise a warning
under BACKWARD or NONE, while a transitive level still reports it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GitRepo, record

V1 = record("Order", [{"name": "id", "type": "string"}])
V3 = record("Order", [{"name": "id", "type": "string"}, {"name": "n", "type": "int", "default": 0}])
NEW = record(
    "Order",
    [
        {"name": "id", "type": "string"},
        {"name": "n", "type": "int", "default": 0},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
)
BROKEN_AVRO = '{"type": "record", "name": "Order", "fields": [\n'

PROTO_V1 = 'syntax = "proto3";\npackage acme;\nmessage Order { string id = 1; }\n'
BROKEN_PROTO = 'syntax = "proto3";\npackage acme;\nmessage Order { strng id = 1; }\n'
PROTO_V3 = 'syntax = "proto3";\npackage acme;\nmessage Order { string id = 1; int32 n = 2; }\n'
PROTO_NEW = (
    'syntax = "proto3";\npackage acme;\nmessage Order { string id = 1; int32 n = 2; string note = 3; }\n'
)

FORMATS = {
    "avro": ("contracts/orders/value.avsc", [V1, BROKEN_AVRO, V3], NEW),
    "protobuf": ("contracts/orders/value.proto", [PROTO_V1, BROKEN_PROTO, PROTO_V3], PROTO_NEW),
}


def _history_with_a_broken_middle_version(repo: GitRepo, fmt: str, level: str) -> str:
    path, versions, new = FORMATS[fmt]
    repo.write("contractctl.yaml", f"version: 1\ndefaults: {{compatibility: {level}}}\n")
    for number, content in enumerate(versions, start=1):
        repo.write(path, content)
        repo.commit(f"v{number}")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(path, new)
    return path


def _result(repo: GitRepo) -> tuple[int, dict[str, Any]]:
    result = repo.run("check", "--format", "json")
    assert "Traceback" not in result.output
    (subject,) = result.json()["results"]
    return result.code, subject


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize(("level", "compared"), [("BACKWARD", 1), ("FORWARD", 1), ("FULL", 1), ("NONE", 0)])
def test_a_version_the_level_never_reads_is_never_parsed(
    repo: GitRepo, fmt: str, level: str, compared: int
) -> None:
    _history_with_a_broken_middle_version(repo, fmt, level)
    code, subject = _result(repo)
    assert code == 0
    assert subject["verdict"] == "compatible"
    assert subject["compared_versions"] == compared
    assert subject["findings"] == []  # no HISTORY_UNPARSEABLE: the registry would never look at it


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("level", ["BACKWARD_TRANSITIVE", "FULL_TRANSITIVE"])
def test_a_transitive_level_reads_every_version_and_reports_the_broken_one(
    repo: GitRepo, fmt: str, level: str
) -> None:
    _history_with_a_broken_middle_version(repo, fmt, level)
    code, subject = _result(repo)
    assert code == 0
    assert subject["compared_versions"] == 2
    assert [(f["rule"], f["severity"]) for f in subject["findings"]] == [("HISTORY_UNPARSEABLE", "warning")]
    assert "version 2" in subject["findings"][0]["message"]


def test_a_broken_latest_version_is_reported_and_the_one_before_compared(repo: GitRepo) -> None:
    """Unchanged: with the latest unparseable, a non-transitive level still compares with the newest
    version that parses (and says so), rather than comparing with nothing."""
    path = "contracts/orders/value.avsc"
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write(path, V1)
    repo.commit("v1")
    repo.write(path, BROKEN_AVRO)
    repo.commit("v2")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(path, record("Order", [{"name": "id", "type": "long"}]))  # breaks against v1
    code, subject = _result(repo)
    assert code == 1
    rules = [f["rule"] for f in subject["findings"]]
    assert rules == ["HISTORY_UNPARSEABLE", "TYPE_MISMATCH"]
    assert subject["compared_versions"] == 1


@pytest.mark.parametrize("fmt", ["avro", "protobuf"])
def test_a_break_an_earlier_version_made_is_said_to_predate_the_change(repo: GitRepo, fmt: str) -> None:
    """Version 2 broke version 1 (let through then); a compatible change to version 2 is refused all
    the same under a transitive level, and its finding says the break is not this change's."""
    path = FORMATS[fmt][0]
    long_id = {"name": "id", "type": "long"}
    versions: list[Any] = (
        [
            V1,
            record("Order", [long_id]),
            record("Order", [long_id, {"name": "n", "type": "int", "default": 0}]),
        ]
        if fmt == "avro"
        else [
            PROTO_V1,
            PROTO_V1.replace("string id", "int64 id"),
            PROTO_V1.replace("string id = 1;", "int64 id = 1; int32 n = 2;"),
        ]
    )
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD_TRANSITIVE}\n")
    for number, content in enumerate(versions[:2], start=1):
        repo.write(path, content)
        repo.commit(f"v{number}")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(path, versions[2])
    code, subject = _result(repo)
    assert code == 1 and subject["verdict"] == "incompatible", subject
    (finding,) = subject["findings"]
    assert finding["compared_with"].startswith("version 1 ("), finding
    assert finding["hint"].startswith("This break predates the change: version 2 ("), finding
