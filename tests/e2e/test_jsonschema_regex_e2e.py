"""JSON Schema regexes read as java.util.regex reads them (Everit in the registry), through the CLI.

The audit's repros: patternProperties matched with Python's `re` said "compatible" where Confluent says
incompatible (Unicode `\\w`, class intersection), and pattern validity followed Python (`(?<n>..)`,
`\\p{L}` refused, `(?P<n>..)` accepted). Also: a pattern without an exact translation decides
conservatively, and Python's FutureWarning about Java's classes never reaches the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import GitRepo, run_cli

DRAFT7 = "http://json-schema.org/draft-07/schema#"


def _object(**keywords: Any) -> dict[str, Any]:
    return {"$schema": DRAFT7, "type": "object", **keywords}


def _check(repo: GitRepo, versions: dict[str, tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Commits each contract's first version, writes its second, runs `check`: subject -> result."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    for name, (first, _) in versions.items():
        repo.write(f"contracts/{name}/value.json", first)
    repo.commit("v1")
    for name, (_, second) in versions.items():
        repo.write(f"contracts/{name}/value.json", second)
    result = repo.run("check", "--format", "json")
    assert "Warning" not in result.stderr, result.stderr
    return {r["subject"]: r for r in result.json()["results"]}


def _rules(result: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in result["findings"]]


def _messages(result: dict[str, Any]) -> str:
    return "\n".join(f["message"] for f in result["findings"])


def test_pattern_properties_match_as_java_does(repo: GitRepo) -> None:
    """Java's `\\w` is ASCII: "é" is no longer covered once removed; `[a-z&&[^b]]` covers "a"."""
    word = {"^\\w+$": {"type": "string"}}
    intersection = {"^[a-z&&[^b]]$": {"type": "string"}}
    found = _check(
        repo,
        {
            "a": (
                _object(properties={"é": {"type": "string"}}, patternProperties=word),
                _object(patternProperties=word),
            ),
            "b": (
                _object(patternProperties=intersection, additionalProperties=False),
                _object(
                    patternProperties=intersection,
                    additionalProperties=False,
                    properties={"a": {"type": "integer"}},
                ),
            ),
        },
    )
    assert found["a-value"]["verdict"] == "incompatible"
    assert _rules(found["a-value"]) == ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"]
    assert found["b-value"]["verdict"] == "incompatible"
    assert "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" in _rules(found["b-value"])


def test_a_name_java_does_not_cover_is_added_to_a_closed_model(repo: GitRepo) -> None:
    """The converse: Python's `\\w` covers "é" (and would compare the types); Java's does not."""
    word = {"^\\w$": {"type": "string"}}
    found = _check(
        repo,
        {
            "c": (
                _object(patternProperties=word, additionalProperties=False),
                _object(
                    patternProperties=word, additionalProperties=False, properties={"é": {"type": "integer"}}
                ),
            )
        },
    )
    assert found["c-value"]["verdict"] == "compatible"
    assert _rules(found["c-value"]) == []


def test_an_untranslatable_pattern_is_taken_as_not_covering(repo: GitRepo) -> None:
    """`\\p{L}` has no exact Python reading: whether Java covers "é" is not told, so not covered."""
    letters = {"^\\p{L}+$": {"type": "string"}}
    found = _check(
        repo,
        {
            "d": (
                _object(properties={"é": {"type": "string"}}, patternProperties=letters),
                _object(patternProperties=letters),
            )
        },
    )
    assert found["d-value"]["verdict"] == "incompatible"
    assert _rules(found["d-value"]) == ["PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"]
    assert 'cannot tell whether Java\'s regex "^\\p{L}+$" matches the name' in _messages(found["d-value"])


def test_a_pattern_told_exactly_adds_no_note(repo: GitRepo) -> None:
    anything = {"^.+$": {"type": "integer"}}
    found = _check(
        repo,
        {
            "e": (
                _object(properties={"é": {"type": "string"}}, patternProperties=anything),
                _object(patternProperties=anything),
            ),
            "f": (  # added under FORWARD's reading too: the original's patterns decide
                _object(patternProperties={"^\\p{L}+$": {"type": "string"}}, additionalProperties=False),
                _object(
                    patternProperties={"^\\p{L}+$": {"type": "string"}},
                    additionalProperties=False,
                    properties={"é": {"type": "integer"}},
                ),
            ),
        },
    )
    assert "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" in _rules(found["e-value"])
    assert "Java's regex" not in _messages(found["e-value"])
    assert "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" in _rules(found["f-value"])
    assert 'cannot tell whether Java\'s regex "^\\p{L}+$" matches the name' in _messages(found["f-value"])


def test_pattern_validity_follows_java(repo: GitRepo) -> None:
    plain = _object(properties={"code": {"type": "string"}})

    def coded(pattern: str) -> dict[str, Any]:
        return _object(properties={"code": {"type": "string", "pattern": pattern}})

    found = _check(
        repo,
        {
            "named": (plain, coded("^(?<cc>[A-Z]{2})-[0-9]+$")),
            "unicode": (plain, coded("^\\p{L}+$")),
            "pyonly": (plain, coded("^(?P<cc>[A-Z]{2})$")),
        },
    )
    for subject in ("named-value", "unicode-value"):  # valid: only the added pattern breaks BACKWARD
        assert _rules(found[subject]) == ["PATTERN_ADDED"], found[subject]
    assert found["pyonly-value"]["verdict"] == "invalid"
    assert [(f["rule"], f["pointer"]) for f in found["pyonly-value"]["findings"]] == [
        ("INVALID_SCHEMA", "#/properties/code/pattern")
    ]
    assert "is not a 'regex' for java.util.regex: Unknown inline modifier" in _messages(found["pyonly-value"])


def test_compat_refuses_a_python_only_pattern_under_none(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text('{"type": "string"}')
    (tmp_path / "new.json").write_text('{"type": "string", "pattern": "^(?P<cc>[A-Z]{2})$"}')
    args = ("compat", "--type", "json", "--level", "none", "--previous", "old.json", "new.json")
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 2 and "INVALID_SCHEMA" in result.output, result.output


def test_draft4_pattern_property_names_are_checked(repo: GitRepo) -> None:
    """Draft-04's meta-schema does not check patternProperties' names, but Everit compiles them."""
    draft4 = "http://json-schema.org/draft-04/schema#"
    found = _check(
        repo,
        {
            "e": (
                {"$schema": draft4, "type": "object"},
                {"$schema": draft4, "type": "object", "patternProperties": {"(?P<x>a)": {}}},
            )
        },
    )
    assert found["e-value"]["verdict"] == "invalid"
    assert _rules(found["e-value"]) == ["INVALID_SCHEMA"]


def test_examples_are_validated_with_java_patterns(repo: GitRepo) -> None:
    """Sidecar examples: `(?<cc>..)` works (Python's `re` would fail on it), `\\w` is ASCII, a name
    `\\p{L}` covers is covered (by Python's Unicode data, close to the JDK's), and no pattern text
    Python cannot read reaches `jsonschema`."""
    contract = _object(
        properties={
            "code": {"type": "string", "pattern": "^(?<cc>[A-Z]{2})$"},
            "name": {"type": "string", "pattern": "^\\w+$"},
        },
        patternProperties={"^\\p{L}+$": {"type": "string"}},
        additionalProperties=False,
    )
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write("contracts/t/value.json", contract)
    repo.write("contracts/t/examples/ok.json", {"code": "DE", "name": "abc", "ü": "x"})
    repo.write("contracts/t/examples/bad.json", {"code": "DE", "name": "é"})
    repo.commit("v1")
    result = repo.run("check", "--all", "--format", "json")
    findings = result.json()["results"][0]["findings"]
    assert [(f["rule"], f["file"]) for f in findings] == [
        ("CONTRACT_EXAMPLE_INVALID", "contracts/t/examples/bad.json")
    ], result.output
    assert "'é' does not match '^\\\\w+$'" in findings[0]["message"]


def test_pattern_names_jsonschema_cannot_join_do_not_crash(repo: GitRepo) -> None:
    """jsonschema joins an object's patternProperties names into one regex: a group name twice
    does not compile there, so those names then match nothing instead of crashing the check."""
    names = {"^(?<k>a)$": {"type": "string"}, "^(?<k>b)$": {"type": "string"}}
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write("contracts/t/value.json", _object(patternProperties=names))
    repo.write("contracts/t/examples/one.json", {"a": "x"})
    repo.commit("v1")
    result = repo.run("check", "--all")
    assert result.code == 0, result.output
