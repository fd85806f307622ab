"""`prove_compatible_pairs` counts the records each format really proved with."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from contractctl.formats.base import ParsedSchema
from contractctl.formats.jsonschema import FORMAT
from contractctl.levels import Earlier, prove_compatible_pairs
from contractctl.model import CompatibilityLevel, SchemaText


def _json_schema(document: object, name: str) -> ParsedSchema:
    return FORMAT.parse(SchemaText(PurePosixPath(f"contracts/{name}/value.json"), json.dumps(document)), [])


def test_a_json_schema_admitting_two_documents_is_proven_with_two_records_a_pair() -> None:
    old, new = _json_schema({"type": "boolean"}, "old"), _json_schema({"type": "boolean"}, "new")
    proof = prove_compatible_pairs(
        FORMAT, new, [Earlier("version 1", old)], CompatibilityLevel.FULL, [], 25, 0
    )
    assert (proof.pairs, proof.records) == (2, 4)  # true and false, in each direction
