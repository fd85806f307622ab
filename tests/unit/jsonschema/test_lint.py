"""JSON Schema lint rules: each rule hit and not hit, with line and column; inline and path ignores."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from contractctl.formats.jsonschema import FORMAT
from contractctl.lint import LintSettings, PathIgnore
from contractctl.lint.common import CollectingEmitter
from contractctl.model import Finding, FindingKind, SchemaText, Severity

PATH = "contracts/orders/value.json"
DOCUMENTED = "documented"


def lint(document: Any, settings: LintSettings | None = None) -> list[Finding]:
    """Lint a schema written one keyword per line (json.dumps indent=2), as a contract file is."""
    settings = settings or LintSettings()
    contract = FORMAT.parse(
        SchemaText(PurePosixPath(PATH), json.dumps(document, indent=2), root="contracts"), []
    )
    emitter = CollectingEmitter(settings, PATH, frozenset(i.rule for i in settings.ignore if i.matches(PATH)))
    FORMAT.lint(contract, emitter, [])
    return sorted(emitter.findings, key=lambda f: (f.line or 0, f.column or 0))


def spot(document: Any, key: str, nth: int = 0) -> tuple[int, int]:
    """(line, column) where the value of the nth `"key": ` of the written document starts: an oracle
    for positions independent of the scanner the linter uses."""
    lines = json.dumps(document, indent=2).splitlines()
    hits = [(n, line.index(f'"{key}": ')) for n, line in enumerate(lines, 1) if f'"{key}": ' in line]
    line, column = hits[nth]
    return line, column + len(f'"{key}": ') + 1


def at(findings: list[Finding], rule: str) -> list[tuple[int | None, int | None, str | None]]:
    return [(f.line, f.column, f.pointer) for f in findings if f.rule == f"lint/{rule}"]


def clean(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "description": DOCUMENTED,
        "additionalProperties": False,
        "properties": properties,
        **extra,
    }


def test_a_clean_schema_has_no_findings() -> None:
    schema = clean(
        {
            "order_id": {"type": "string", "maxLength": 36, "description": DOCUMENTED},
            "lines": {
                "type": "array",
                "description": DOCUMENTED,
                "items": {"$ref": "#/definitions/Line"},
            },
        },
        definitions={"Line": clean({"sku": {"type": "string", "format": "uuid", "description": DOCUMENTED}})},
    )
    assert lint(schema, LintSettings(severities={"json-string-max-length": "error"})) == []


def test_naming_of_properties_and_definitions() -> None:
    schema = clean(
        {"orderId": {"type": "integer", "description": DOCUMENTED}, "ok_name": {"description": DOCUMENTED}},
        definitions={"line_item": clean({}), "Money": clean({})},
    )
    findings = lint(schema)
    assert at(findings, "naming") == [
        (*spot(schema, "orderId"), "/properties/orderId"),
        (*spot(schema, "line_item"), "/definitions/line_item"),
    ]
    messages = [f.message for f in findings if f.rule == "lint/naming"]
    assert messages == [
        'property name "orderId" is not snake_case',
        'definition name "line_item" is not PascalCase',
    ]
    assert 'Rename it to "order_id"' in (findings[0].hint or "")
    camel = lint(schema, LintSettings(field_case="camelCase"))
    assert [p for *_, p in at(camel, "naming")] == ["/properties/ok_name", "/definitions/line_item"]


def test_naming_follows_the_configured_case() -> None:
    findings = lint(clean({"okName": {"description": DOCUMENTED}}), LintSettings(field_case="camelCase"))
    assert at(findings, "naming") == []
    schema = clean({"ok_name": {"description": DOCUMENTED}})
    findings = lint(schema, LintSettings(field_case="camelCase"))
    assert at(findings, "naming") == [(*spot(schema, "ok_name"), "/properties/ok_name")]


def test_docs_on_root_properties_and_definitions() -> None:
    schema = {
        "type": "object",
        "additionalProperties": True,
        "properties": {"a": {"type": "string"}, "b": {"type": "string", "description": "  "}},
        "definitions": {"Thing": {"type": "object", "additionalProperties": False, "properties": {}}},
    }
    findings = lint(schema)
    assert at(findings, "docs") == [
        (1, 1, ""),
        (*spot(schema, "a"), "/properties/a"),
        (*spot(schema, "b"), "/properties/b"),
        (*spot(schema, "Thing"), "/definitions/Thing"),
    ]
    assert all(f.severity is Severity.WARNING and f.kind is FindingKind.ADVISORY for f in findings)
    assert [f.message for f in findings][:2] == [
        "the root schema has no description",
        'property "a" has no description',
    ]


def test_explicit_additional_properties() -> None:
    schema = {
        "description": DOCUMENTED,
        "type": "object",
        "properties": {
            "open": {
                "description": DOCUMENTED,
                "type": "object",
                "additionalProperties": True,
                "properties": {},
            },
            "nested": {
                "description": DOCUMENTED,
                "type": "object",
                "properties": {"x": {"description": DOCUMENTED}},
            },
            "list": {
                "description": DOCUMENTED,
                "items": {"type": "object", "properties": {}},
            },
        },
    }
    findings = lint(schema)
    # reported at the object's "properties" keyword: the root's (1st), nested's (3rd), the items' (4th)
    assert at(findings, "json-additional-properties") == [
        (*spot(schema, "properties", 0), ""),
        (*spot(schema, "properties", 2), "/properties/nested"),
        (*spot(schema, "properties", 3), "/properties/list/items"),
    ]


def test_unevaluated_properties_closes_an_object_from_2019_09_only() -> None:
    body = {"description": DOCUMENTED, "type": "object", "unevaluatedProperties": False, "properties": {}}
    modern = lint({"$schema": "https://json-schema.org/draft/2020-12/schema", **body})
    assert at(modern, "json-additional-properties") == []
    draft7 = lint({"$schema": "http://json-schema.org/draft-07/schema#", **body})
    assert len(at(draft7, "json-additional-properties")) == 1


def test_unbounded_strings_only_when_the_config_asks() -> None:
    schema = clean(
        {
            "free": {"type": "string", "description": DOCUMENTED},
            "nullable": {"type": ["string", "null"], "description": DOCUMENTED},
            "bounded": {"type": "string", "maxLength": 10, "description": DOCUMENTED},
            "choice": {"type": "string", "enum": ["A", "B"], "description": DOCUMENTED},
            "when": {"type": "string", "format": "date-time", "description": DOCUMENTED},
            "number": {"type": "integer", "description": DOCUMENTED},
        }
    )
    assert at(lint(schema), "json-string-max-length") == []  # off by default
    findings = lint(schema, LintSettings(severities={"json-string-max-length": "error"}))
    assert at(findings, "json-string-max-length") == [
        (*spot(schema, "type", 1), "/properties/free/type"),
        (*spot(schema, "type", 2), "/properties/nullable/type"),
    ]
    assert findings[0].kind is FindingKind.POLICY and findings[0].severity is Severity.ERROR


def test_subschemas_everywhere_are_walked() -> None:
    schema = clean(
        {
            "pick": {
                "description": DOCUMENTED,
                "oneOf": [{"type": "object", "properties": {"BadName": {"description": DOCUMENTED}}}],
            }
        }
    )
    findings = lint(schema)
    assert [p for *_, p in at(findings, "naming")] == ["/properties/pick/oneOf/0/properties/BadName"]
    assert [p for *_, p in at(findings, "json-additional-properties")] == ["/properties/pick/oneOf/0"]


def test_inline_ignore_silences_the_element_and_below() -> None:
    schema = clean(
        {
            "legacyName": {"description": DOCUMENTED, "contractctl:ignore": ["naming"]},
            "Other": {"description": DOCUMENTED},
        },
    )
    assert [p for *_, p in at(lint(schema), "naming")] == ["/properties/Other"]
    root_ignore = {**schema, "contractctl:ignore": ["lint/naming"]}
    assert at(lint(root_ignore), "naming") == []


def test_invalid_inline_ignore() -> None:
    schema = clean({"a": {"description": DOCUMENTED, "contractctl:ignore": ["nmaing"]}})
    findings = lint(schema)
    assert at(findings, "invalid-ignore") == [
        (*spot(schema, "contractctl:ignore"), "/properties/a/contractctl:ignore")
    ]
    assert "nmaing" in findings[0].message
    wrong_shape = lint(clean({"a": {"description": DOCUMENTED, "contractctl:ignore": 3}}))
    assert [f.message for f in wrong_shape] == ['"contractctl:ignore" must be a list of rule ids, not 3']


def test_path_ignore_and_severity_off() -> None:
    schema = clean({"badName": {}})
    assert at(lint(schema, LintSettings(ignore=(PathIgnore("naming", "contracts/**"),))), "naming") == []
    assert at(lint(schema, LintSettings(severities={"docs": "off"})), "docs") == []
    assert at(lint(schema), "docs") == [(*spot(schema, "badName"), "/properties/badName")]
