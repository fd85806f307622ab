"""The Protobuf engine against the case corpus: differences, verdicts per level, both oneof rule sets,
and a data proof of every pair the engine calls compatible."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import PurePosixPath

import pytest

from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema
from contractctl.formats.protobuf.diff import COMPATIBLE_CHANGES, DIFFERENCE_TYPES
from contractctl.levels import Earlier, check_level
from contractctl.model import CompatibilityLevel, FindingKind, SchemaText

from .protobuf_cases import CASES, CASES_BY_ID, Case, Diffs, p3

FORMATS = {"current": ProtobufFormat("current"), "legacy": ProtobufFormat("legacy")}
SHARED = FORMATS["current"]  # parsing does not depend on the rule set


@cache
def parse(text: str, deps: tuple[tuple[str, str], ...] = ()) -> ProtobufSchema:
    references = [
        SHARED.parse(SchemaText(PurePosixPath(f"contracts/{path}"), body, root="contracts"), [])
        for path, body in deps
    ]
    return SHARED.parse(
        SchemaText(PurePosixPath("contracts/topic/value.proto"), text, root="contracts"), references
    )


def sides(case: Case) -> tuple[ProtobufSchema, ProtobufSchema]:
    return parse(case.old, tuple(sorted(case.old_deps.items()))), parse(
        case.new, tuple(sorted(case.new_deps.items()))
    )


def expected(case: Case, rules: str, direction: str) -> Diffs:
    if rules == "legacy":
        override = case.legacy_backward if direction == "backward" else case.legacy_forward
        if override is not None:
            return override
    return case.backward if direction == "backward" else case.forward


def incompatible(diffs: Diffs, rules: str) -> bool:
    return any(kind not in COMPATIBLE_CHANGES[rules] for kind, _ in diffs)


RULES = ("current", "legacy")


def test_corpus_covers_every_difference_type() -> None:
    seen = {kind for case in CASES for diffs in (case.backward, case.forward) for kind, _ in diffs}
    assert seen == set(DIFFERENCE_TYPES)
    assert len(CASES) >= 50


@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_differences_match_confluent(case: Case, rules: str) -> None:
    old, new = sides(case)
    schema_format = FORMATS[rules]
    assert Counter(schema_format.differences(old, new)) == Counter(expected(case, rules, "backward"))
    assert Counter(schema_format.differences(new, old)) == Counter(expected(case, rules, "forward"))


LEVELS = (CompatibilityLevel.BACKWARD, CompatibilityLevel.FORWARD, CompatibilityLevel.FULL)


@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("level", LEVELS, ids=[level.value for level in LEVELS])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_level_verdicts(case: Case, level: CompatibilityLevel, rules: str) -> None:
    old, new = sides(case)
    findings = check_level(FORMATS[rules], new, [Earlier("version 1", old)], level)
    want: set[tuple[str, str, str]] = set()
    if level.checks_backward:
        want |= {
            ("backward", k, p)
            for k, p in expected(case, rules, "backward")
            if k not in COMPATIBLE_CHANGES[rules]
        }
    if level.checks_forward:
        want |= {
            ("forward", k, p)
            for k, p in expected(case, rules, "forward")
            if k not in COMPATIBLE_CHANGES[rules]
        }
    assert {(f.direction, f.rule, f.pointer) for f in findings} == want
    assert all(f.kind is FindingKind.INCOMPATIBLE and f.hint and f.message for f in findings)
    # in the new contract, or, for a difference inside a referenced type, in the file defining it
    files = {"contracts/topic/value.proto", *(f"contracts/{path}" for path in case.new_deps)}
    assert all(f.file in files and f.line for f in findings)


@pytest.mark.parametrize("level", LEVELS, ids=[level.value for level in LEVELS])
def test_a_difference_inside_a_referenced_type_points_into_its_file(level: CompatibilityLevel) -> None:
    """Its path (`#/Address/1`) starts at the referenced type: in the importer it found only the
    package line. The new version's file that defines the type holds it (FORWARD as well: the pointer
    is looked up in the new version, as every finding's is)."""
    old, new = sides(CASES_BY_ID["reference-changed-incompatibly"])
    findings = check_level(FORMATS["current"], new, [Earlier("version 1", old)], level)
    located = {(f.direction, f.rule, f.file, f.line, f.column) for f in findings}
    want = set()
    for direction, checked in (("backward", level.checks_backward), ("forward", level.checks_forward)):
        if not checked:
            continue
        want |= {
            (direction, "FIELD_SCALAR_KIND_CHANGED", "contracts/common/address.proto", 3, 19),
            (direction, "FIELD_NAMED_TYPE_CHANGED", "contracts/topic/value.proto", 4, 13),
        }
    assert located == want
    named = next(f for f in findings if f.rule == "FIELD_NAMED_TYPE_CHANGED")
    assert "message Address (in common/address.proto) changed incompatibly" in named.message


COMPATIBLE_PAIRS = [
    pytest.param(case, direction, id=f"{case.id}-{direction}")
    for case in CASES
    for direction in ("backward", "forward")
    if not incompatible(expected(case, "current", direction), "current")
]


@pytest.mark.parametrize(("case", "direction"), COMPATIBLE_PAIRS)
def test_data_proof_agrees_with_every_compatible_verdict(case: Case, direction: str) -> None:
    old, new = sides(case)
    reader, writer = (new, old) if direction == "backward" else (old, new)
    findings = SHARED.prove(reader, writer, samples=20, seed=7)
    assert [f for f in findings if f.rule == "PROOF_ENGINE_ERROR"] == []


def test_narrowing_is_reported_lossy_not_engine_error() -> None:
    old, new = sides(CASES_BY_ID["int64-to-int32-lossy"])
    findings = SHARED.prove(new, old, samples=30, seed=1)
    assert findings and {f.rule for f in findings} == {"PROOF_LOSSY"}
    assert all(f.kind is FindingKind.ADVISORY and f.severity.value == "warning" for f in findings)
    assert "example value" in findings[0].message and findings[0].pointer == "#/M/1"


def test_proof_catches_an_engine_that_calls_a_real_break_compatible() -> None:
    """A type change the engine rejects, forced through the proof, shows up as an engine error."""
    old, new = sides(CASES_BY_ID["fixed32-to-fixed64"])
    findings = SHARED.prove(new, old, samples=20, seed=3)
    assert any(f.rule == "PROOF_ENGINE_ERROR" for f in findings)


def test_transitive_level_compares_every_earlier_version() -> None:
    v1 = parse(p3("message M { int32 a = 1; int32 keep = 2; }"))
    v2 = parse(p3("message M { int32 keep = 2; }"))
    v3 = parse(p3("message M { string a = 1; int32 keep = 2; }"))
    earlier = [Earlier("version 1", v1), Earlier("version 2", v2)]
    assert check_level(SHARED, v3, earlier, CompatibilityLevel.BACKWARD) == []
    findings = check_level(SHARED, v3, earlier, CompatibilityLevel.BACKWARD_TRANSITIVE)
    assert [(f.rule, f.pointer, f.compared_with) for f in findings] == [
        ("FIELD_SCALAR_KIND_CHANGED", "#/M/1", "version 1")
    ]
    assert findings[0].line == 2 and findings[0].column  # the field, on the message line


def test_a_difference_reached_twice_names_its_version_once() -> None:
    """A referenced type reached through two fields gives the same difference twice in one
    comparison (Confluent's list holds it twice); the merged finding names the version once, not once
    per path to it (Envoy's ConfigDump listed "version 16" four times)."""
    address = 'syntax = "proto3";\npackage common;\nmessage Address {\n  {kind} city = 1;\n}\n'
    order = (
        'syntax = "proto3";\npackage topic;\nimport "common/address.proto";\n'
        "message Order {\n  common.Address billing = 1;\n  common.Address shipping = 2;\n}\n"
    )
    old = parse(order, (("common/address.proto", address.replace("{kind}", "int64")),))
    new = parse(order, (("common/address.proto", address.replace("{kind}", "string")),))
    earlier = [Earlier("version 1", old), Earlier("version 2", old)]
    findings = check_level(SHARED, new, earlier, CompatibilityLevel.BACKWARD_TRANSITIVE)
    inner = [f for f in findings if f.rule == "FIELD_SCALAR_KIND_CHANGED"]
    assert [f.compared_with for f in inner] == ["version 2, version 1"]
