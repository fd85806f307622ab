"""Every broken JSON Schema or reference in the corpus is an exit-2 finding with a location, never a crash."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from contractctl.formats.base import InvalidSchema
from contractctl.formats.jsonschema import FORMAT, JsonSchemaContract
from contractctl.model import FindingKind, SchemaText

CORPUS = Path(__file__).parents[2] / "bad_inputs" / "jsonschema"
CASES = json.loads((CORPUS / "expected.json").read_text())


def _text(name: str) -> SchemaText:
    return SchemaText(PurePosixPath(name), (CORPUS / name).read_text(), root="")


def test_corpus_is_large_and_complete() -> None:
    files = {p.name for p in CORPUS.glob("*.json")} - {"expected.json"}
    assert set(CASES) == files
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_an_invalid_finding_with_a_location(name: str) -> None:
    expected = CASES[name]
    references: list[JsonSchemaContract] = [
        FORMAT.parse(_text(r), []) for r in expected.get("references", [])
    ]
    source = _text(name)
    with pytest.raises(InvalidSchema) as raised:
        FORMAT.parse(source, references)
    findings = raised.value.findings
    assert findings
    for finding in findings:
        assert finding.kind is FindingKind.INVALID
        assert finding.file == name
        assert finding.line is not None and finding.column is not None
    assert findings[0].rule == expected["rule"], findings[0].message
    assert findings[0].line == expected["line"], findings[0].message


@pytest.mark.parametrize("name", sorted(CASES))
def test_outline_of_bad_input_reads_or_refuses_cleanly(name: str) -> None:
    """The cheap outline never validates, but must not crash either: an Outline or InvalidSchema."""
    try:
        outline = FORMAT.outline(_text(name))
    except InvalidSchema as refused:
        assert all(f.line is not None for f in refused.findings)
    else:
        assert name in outline.defined_names
