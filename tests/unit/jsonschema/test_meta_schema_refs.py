"""A `$ref` to a draft meta-schema resolves to the bundled meta-schema, as Confluent's registry does.

Confluent's JSON Schema provider resolves these URIs locally, with no fetch and no schema reference
(drafts 4, 6 and 7 registered with the Everit loader, 2019-09 and 2020-12 prepopulated, http and
https forms, with or without `#`). contractctl refused them as missing references (exit 2) until
round 6: seven SchemaStore schemas hold such a `$ref`.
"""

from __future__ import annotations

from typing import Any

import pytest

from contractctl.formats.jsonschema.diff import compare
from contractctl.formats.jsonschema.differences import COMPATIBLE_CHANGES_STRICT
from contractctl.formats.jsonschema.drafts import detect_draft
from contractctl.formats.jsonschema.loader import LoadError
from contractctl.formats.jsonschema.refs import SchemaGraph, external_names

CONFLUENT_RESOLVES = [
    "http://json-schema.org/draft-04/schema#",
    "https://json-schema.org/draft-04/schema",
    "http://json-schema.org/draft-06/schema",
    "https://json-schema.org/draft-06/schema#",
    "http://json-schema.org/draft-07/schema#",
    "https://json-schema.org/draft-07/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft/2019-09/schema#",
    "https://json-schema.org/draft/2019-09/meta/core",
    "https://json-schema.org/draft/2020-12/schema",
    "http://json-schema.org/draft/2020-12/schema#",
]


def _holding(ref: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"schema": {"$ref": ref}, "name": {"type": "string"}}}


def _graph(document: dict[str, Any]) -> SchemaGraph:
    return SchemaGraph(document, detect_draft(document), {})


def _compatible(differences: list[tuple[str, str]]) -> bool:
    return all(kind in COMPATIBLE_CHANGES_STRICT for kind, _ in differences)


@pytest.mark.parametrize("ref", CONFLUENT_RESOLVES)
def test_a_meta_schema_ref_resolves_without_a_reference(ref: str) -> None:
    document = _holding(ref)
    assert external_names(document, detect_draft(document)) == ()
    differences = compare(_graph(document).root, _graph(_holding(ref)).root)
    # array and object defaults inside the meta-schema differ as Java's equals sees them
    # (DEFAULT_CHANGED, compatible), exactly as for any schema holding such defaults
    assert _compatible(differences), differences


def test_a_meta_schema_ref_is_compared_like_any_other_schema() -> None:
    old = _holding("http://json-schema.org/draft-07/schema#")
    new = {**old, "properties": {**old["properties"], "name": {"type": "integer"}}}
    differences = compare(_graph(old).root, _graph(new).root)
    assert ("TYPE_CHANGED", "#/properties/name") in differences
    assert _compatible([d for d in differences if d != ("TYPE_CHANGED", "#/properties/name")])


def test_draft_3_is_not_bundled_by_confluent_and_stays_a_reference() -> None:
    document = _holding("http://json-schema.org/draft-03/schema#")
    assert external_names(document, detect_draft(document)) == ("http://json-schema.org/draft-03/schema",)
    with pytest.raises(LoadError, match="names no schema"):
        _ = _graph(document).root
