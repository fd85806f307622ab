"""SARIF help for JSON Schema findings: every difference type Confluent's cases show, and the parse,
reference and proof rules, each with its own text stating where the type stands under each policy."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from contractctl.formats.jsonschema import FORMAT
from contractctl.formats.jsonschema.differences import COMPATIBLE_CHANGES_LENIENT, COMPATIBLE_CHANGES_STRICT
from contractctl.formats.jsonschema.help import DIFFERENCE_TYPES
from contractctl.formats.jsonschema.messages import describe
from contractctl.model import SchemaText

CASES = json.loads((Path(__file__).parent / "confluent_cases.json").read_text(encoding="utf-8"))["cases"]


def test_every_difference_in_confluents_cases_has_help() -> None:
    seen = {difference.split()[0] for case in CASES for difference in case["differences"]}
    assert len(seen) > 60 and seen <= set(DIFFERENCE_TYPES)
    helps = FORMAT.rule_help()
    for kind in sorted(seen | COMPATIBLE_CHANGES_LENIENT):
        short, text = helps[kind]
        assert describe(kind) in short and len(text) > len(short), kind
        if kind in COMPATIBLE_CHANGES_STRICT:
            assert "counts this difference as compatible" in text, kind
        elif kind in COMPATIBLE_CHANGES_LENIENT:
            assert "compatible when the registry's compatibilityPolicy is LENIENT" in text, kind
        else:
            assert "incompatible under both the STRICT and the LENIENT policy" in text, kind


def test_incompatible_types_carry_the_findings_hint() -> None:
    _, text = FORMAT.rule_help()["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"]
    assert "additionalProperties: false" in text and "LENIENT" in text
    _, text = FORMAT.rule_help()["MAX_LENGTH_DECREASED"]
    assert "Keep the old form" in text


def test_parse_reference_and_proof_rules_have_help() -> None:
    helps = FORMAT.rule_help()
    for rule in ("INVALID_JSON", "INVALID_SCHEMA", "INVALID_REFERENCE", "SCHEMA_TOO_DEEP", "PROOF_REJECTED"):
        short, text = helps[rule]
        assert short.endswith(".") and len(text) > len(short)


def test_findings_of_the_check_all_have_help() -> None:
    def contract(document: Any) -> Any:
        text = SchemaText(PurePosixPath("contracts/t/value.json"), json.dumps(document), root="contracts")
        return FORMAT.parse_registered(text, [])

    helps = FORMAT.rule_help()
    for case in CASES:
        findings = FORMAT.check(contract(case["update"]), contract(case["original"]))
        assert all(f.rule in helps for f in findings), case["description"]
