"""The quick validity test may only ever say "valid" where the real meta-schema validation agrees."""

from __future__ import annotations

import json
import random
from typing import Any

import jsonschema
import pytest

from contractctl.formats.jsonschema.drafts import Draft, detect_draft
from contractctl.formats.jsonschema.fastcheck import surely_valid
from tests.unit.jsonschema.corpus import documents, mutations

VALIDATORS: dict[Draft, Any] = {
    Draft.DRAFT_4: jsonschema.Draft4Validator,
    Draft.DRAFT_6: jsonschema.Draft6Validator,
    Draft.DRAFT_7: jsonschema.Draft7Validator,
    Draft.DRAFT_2019_09: jsonschema.Draft201909Validator,
    Draft.DRAFT_2020_12: jsonschema.Draft202012Validator,
}


def _really_valid(document: Any, draft: Draft) -> bool:
    cls = VALIDATORS[draft]
    return bool(cls(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER).is_valid(document))


@pytest.mark.parametrize("draft", list(Draft))
def test_surely_valid_never_contradicts_the_meta_schema(draft: Draft) -> None:
    rng = random.Random(7)
    checked = vouched = 0
    for document in documents():
        for candidate in [document, *mutations(document, rng)]:
            checked += 1
            if surely_valid(candidate, draft):
                vouched += 1
                assert _really_valid(candidate, draft), json.dumps(candidate)[:300]
    assert vouched > checked // 10  # the fast path must actually be taken for ordinary schemas


def test_detected_draft_decides() -> None:
    document = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "number",
        "exclusiveMinimum": True,
    }
    assert detect_draft(document) is Draft.DRAFT_4
    assert not surely_valid(document, Draft.DRAFT_4)  # draft-04: exclusiveMinimum needs minimum
    assert not _really_valid(document, Draft.DRAFT_4)
