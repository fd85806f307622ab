"""A transitive finding the latest earlier version already has says the break predates the change."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

import pytest

from contractctl.formats import get_format
from contractctl.formats.base import ParsedSchema
from contractctl.levels import Earlier, check_level
from contractctl.model import CompatibilityLevel, SchemaText, SchemaType

AVRO = get_format(SchemaType.AVRO)
PROTOBUF = get_format(SchemaType.PROTOBUF)
PREDATES = "This break predates the change"


def avro(*fields: dict[str, Any]) -> ParsedSchema:
    text = json.dumps({"type": "record", "name": "Order", "namespace": "a", "fields": list(fields)})
    return AVRO.parse(SchemaText(PurePosixPath("contracts/orders/value.avsc"), text, root="contracts"), [])


def proto(body: str) -> ParsedSchema:
    text = f'syntax = "proto3";\npackage a;\nmessage Order {{ {body} }}\n'
    return PROTOBUF.parse(
        SchemaText(PurePosixPath("contracts/orders/value.proto"), text, root="contracts"), []
    )


ID_INT = {"name": "id", "type": "int"}
ID_STRING = {"name": "id", "type": "string"}
NOTE = {"name": "note", "type": "string", "default": ""}


def history(*versions: ParsedSchema) -> list[Earlier]:
    return [Earlier(f"version {number}", schema) for number, schema in enumerate(versions, 1)]


@pytest.mark.parametrize(
    "level",
    [
        CompatibilityLevel.BACKWARD_TRANSITIVE,
        CompatibilityLevel.FORWARD_TRANSITIVE,
        CompatibilityLevel.FULL_TRANSITIVE,
    ],
)
def test_a_kept_old_break_says_it_predates_the_change(level: CompatibilityLevel) -> None:
    earlier = history(avro(ID_INT), avro(ID_STRING))
    findings = check_level(AVRO, avro(ID_STRING, NOTE), earlier, level)
    assert findings and {f.compared_with for f in findings} == {"version 1"}
    for finding in findings:
        assert finding.hint and finding.hint.startswith(PREDATES), finding
        assert "version 2, the latest earlier version, already differs from version 1" in finding.hint
        assert level.value in finding.hint


def test_a_break_of_its_own_against_an_older_version_is_the_change_s() -> None:
    # version 2 is compatible with version 1; the new version breaks version 1 (not version 2)
    earlier = history(avro(ID_INT), avro(ID_INT, NOTE))
    new = avro({"name": "id", "type": "int"}, {"name": "note", "type": "string"})  # no default: reads v2
    findings = check_level(AVRO, new, earlier, CompatibilityLevel.BACKWARD_TRANSITIVE)
    assert findings and {f.compared_with for f in findings} == {"version 1"}
    assert not any(PREDATES in (f.hint or "") for f in findings)


def test_another_break_against_the_same_version_is_not_taken_for_the_old_one() -> None:
    # version 2 changed id's type; the new version changes it again: against version 1 too, its own break
    earlier = history(avro(ID_INT), avro(ID_STRING))
    new = avro({"name": "id", "type": "boolean"})
    findings = check_level(AVRO, new, earlier, CompatibilityLevel.BACKWARD_TRANSITIVE)
    assert {f.compared_with for f in findings} == {"version 1", "version 2"}  # two messages
    assert not any(PREDATES in (f.hint or "") for f in findings)


def test_only_transitive_levels_compare_older_versions() -> None:
    earlier = history(avro(ID_INT), avro(ID_STRING))
    assert check_level(AVRO, avro(ID_STRING, NOTE), earlier, CompatibilityLevel.BACKWARD) == []


def test_protobuf_kept_break() -> None:
    earlier = history(proto("int64 id = 1;"), proto("string id = 1;"))
    findings = check_level(
        PROTOBUF, proto("string id = 1; string note = 2;"), earlier, CompatibilityLevel.FULL_TRANSITIVE
    )
    assert findings and all(f.hint and f.hint.startswith(PREDATES) for f in findings), findings
