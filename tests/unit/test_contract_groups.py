"""Compatibility groups: which earlier versions are compared, and a group change with and without
migration rules."""

from __future__ import annotations

from contractctl.model import FindingKind, Severity, exit_code_for
from contractctl.sidecar import ContractMeta, compatibility_group, group_findings

from .contract_cases import load

MIGRATIONS = (
    "  migration:\n"
    "    - {name: up, kind: TRANSFORM, mode: UPGRADE, type: JSONATA,\n"
    "       expr: \"$merge([$, {'channel': 'WEB'}])\"}\n"
    "    - {name: down, kind: TRANSFORM, mode: DOWNGRADE, type: JSONATA, expr: '$'}\n"
)


def meta(major: str | None, rules: str = "") -> ContractMeta:
    properties = f"properties:\n  major_version: '{major}'\n" if major is not None else ""
    return load(properties + (f"rules:\n{rules}" if rules else ""))


def test_group_value_is_the_named_property() -> None:
    assert compatibility_group(meta("2"), "major_version") == "2"
    assert compatibility_group(meta("2"), None) is None
    assert compatibility_group(None, "major_version") is None
    assert compatibility_group(load("owner: team-a\n"), "owner") == "team-a"


def test_without_a_group_config_every_version_is_compared() -> None:
    assert group_findings(meta("2"), [("v1", meta("1")), ("v2", None)], None) == ([0, 1], [])


def test_same_group_compares_only_that_group() -> None:
    earlier = [("v1", meta("1")), ("v2", meta("2")), ("v3", meta("2"))]
    assert group_findings(meta("2"), earlier, "major_version") == ([1, 2], [])


def test_versions_without_a_sidecar_inherit_the_previous_group() -> None:
    earlier = [("v1", meta("1")), ("v2", meta("2")), ("v3", None)]
    assert group_findings(None, earlier, "major_version") == ([1, 2], [])
    assert group_findings(meta("2"), earlier, "major_version")[0] == [1, 2]


def test_missing_values_form_a_group_of_their_own() -> None:
    earlier = [("v1", meta(None)), ("v2", meta(None))]
    assert group_findings(meta(None), earlier, "major_version") == ([0, 1], [])


def test_group_change_with_migration_rules_is_announced() -> None:
    new = meta("2", MIGRATIONS)
    indexes, findings = group_findings(
        new, [("version 1", meta("1")), ("version 2", meta("1"))], "major_version"
    )
    assert indexes == []
    assert [(f.rule, f.kind, f.severity) for f in findings] == [
        ("CONTRACT_GROUP_CHANGED", FindingKind.ADVISORY, Severity.INFO)
    ]
    assert "major_version changes from '1' to '2'" in findings[0].message
    assert "version 1, version 2 are in another group" in findings[0].message
    assert findings[0].line == 2  # the major_version property in the sidecar
    assert exit_code_for(findings) == 0


def test_group_change_without_migration_rules_fails() -> None:
    new = meta("2")
    indexes, findings = group_findings(new, [("version 1", meta("1"))], "major_version")
    assert indexes == []
    assert [f.rule for f in findings] == ["CONTRACT_GROUP_CHANGED", "CONTRACT_GROUP_WITHOUT_MIGRATION"]
    failure = findings[1]
    assert failure.kind is FindingKind.POLICY and failure.fails
    assert "no UPGRADE or DOWNGRADE migration rule" in failure.message
    assert failure.file == new.path and failure.line == 2
    assert exit_code_for(findings) == 1


def test_one_direction_is_not_enough_and_updown_is() -> None:
    only_up = meta("3", MIGRATIONS.split("    - {name: down")[0])
    _, findings = group_findings(only_up, [("v2", meta("2"))], "major_version")
    assert "no DOWNGRADE migration rule" in findings[-1].message
    assert findings[-1].line == 4  # points at rules.migration
    both = meta(
        "3", "  migration:\n    - {name: both, kind: TRANSFORM, mode: UPDOWN, type: JSONATA, expr: '$'}\n"
    )
    assert [f.rule for f in group_findings(both, [("v2", meta("2"))], "major_version")[1]] == [
        "CONTRACT_GROUP_CHANGED"
    ]


def test_disabled_migration_rules_do_not_count() -> None:
    disabled = MIGRATIONS.replace("expr: '$'}", "expr: '$', disabled: true}")
    _, findings = group_findings(meta("2", disabled), [("v1", meta("1"))], "major_version")
    assert "no DOWNGRADE migration rule" in findings[-1].message


def test_returning_to_an_earlier_group_compares_with_it() -> None:
    earlier = [("v1", meta("1")), ("v2", meta("2"))]
    indexes, findings = group_findings(meta("1", MIGRATIONS), earlier, "major_version")
    assert indexes == [0]
    assert [f.rule for f in findings] == ["CONTRACT_GROUP_CHANGED"]
