"""A JSON Schema topic with a sidecar (tags by JSON pointer, CEL rules on JSON fields), examples as
tests and lint, through the installed CLI in a real git repository."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contractctl.model import SchemaType
from tests.conftest import GitRepo

pytestmark = pytest.mark.skipif(
    not hasattr(SchemaType, "JSON"), reason="JSON Schema is not registered as a format on this branch yet"
)

ORDER: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Order",
    "description": "An order placed on any channel.",
    "type": "object",
    "additionalProperties": False,
    "required": ["order_id", "lines"],
    "properties": {
        "order_id": {"type": "string", "maxLength": 36, "description": "The order's id."},
        "lines": {
            "type": "array",
            "description": "What was ordered.",
            "items": {
                "type": "object",
                "description": "One line.",
                "additionalProperties": False,
                "properties": {
                    "sku": {"type": "string", "maxLength": 20, "description": "Stock keeping unit."},
                    "qty": {"type": "integer", "minimum": 1, "description": "How many."},
                },
            },
        },
    },
}
SIDECAR = """owner: team-orders
tags:
  /lines/0/sku: [INTERNAL]
rules:
  domain:
    - {name: has_lines, kind: CONDITION, mode: WRITE, type: CEL, expr: "size(message.lines) > 0"}
    - {name: sku_format, kind: CONDITION, mode: WRITE, type: CEL_FIELD, tags: [INTERNAL],
       expr: "value.startsWith('SKU-')"}
"""
GOOD = {"order_id": "o-1", "lines": [{"sku": "SKU-1", "qty": 1}]}
CONFIG = "version: 1\ndefaults: {compatibility: BACKWARD}\nlint:\n  rules: {json-string-max-length: error}\n"


def start(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/orders/value.json", ORDER)
    repo.write("contracts/orders/value.contract.yaml", SIDECAR)
    repo.write("contracts/orders/examples/good.json", GOOD)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")


def findings(result: Any) -> list[dict[str, Any]]:
    return [f for r in result.json()["results"] for f in r["findings"]]


def test_sidecar_examples_and_lint_pass_on_a_clean_json_topic(repo: GitRepo) -> None:
    start(repo)
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    assert findings(result) == []


def test_example_breaking_a_cel_field_rule_and_the_schema(repo: GitRepo) -> None:
    start(repo)
    repo.write(
        "contracts/orders/examples/bad_sku.json", {"order_id": "o-2", "lines": [{"sku": "X-1", "qty": 1}]}
    )
    repo.write(
        "contracts/orders/examples/zero.json", {"order_id": "o-3", "lines": [{"sku": "SKU-1", "qty": 0}]}
    )
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    by_file = {f["file"]: f for f in findings(result)}
    rule_failed = by_file["contracts/orders/examples/bad_sku.json"]
    assert rule_failed["rule"] == "CONTRACT_EXAMPLE_RULE_FAILED" and "sku_format" in rule_failed["message"]
    invalid = by_file["contracts/orders/examples/zero.json"]
    assert invalid["rule"] == "CONTRACT_EXAMPLE_INVALID" and "/lines/0/qty" in invalid["message"]


def test_unknown_tag_pointer_is_bad_input_with_its_line(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/orders/value.contract.yaml", SIDECAR.replace("/lines/0/sku", "/lines/0/code"))
    result = repo.run("check", "--format", "json")
    assert result.code == 2, result.output
    # the pointer is unknown, so the rule's tag is then carried by no field: both are reported
    assert [(f["rule"], f["line"]) for f in findings(result)] == [
        ("CONTRACT_TAG_UNKNOWN_FIELD", 3),
        ("CONTRACT_RULE_TAG_UNUSED", 7),
    ]


def test_lint_reports_json_rules_by_line(repo: GitRepo) -> None:
    start(repo)
    changed = json.loads(json.dumps(ORDER))
    changed["properties"]["note"] = {"type": "string", "description": "Free text."}
    changed["properties"]["lines"]["items"].pop("additionalProperties")
    repo.write("contracts/orders/value.json", changed)
    result = repo.run("lint", "--format", "json")
    assert result.code == 1, result.output
    text = (repo.root / "contracts/orders/value.json").read_text().splitlines()
    got = {(f["rule"], text[f["line"] - 1].strip()) for f in findings(result)}
    assert ("lint/json-string-max-length", '"type": "string",') in got
    assert ("lint/json-additional-properties", '"properties": {') in got
