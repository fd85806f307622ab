"""The quick validity test may only ever say "valid" where the real meta-schema validation agrees."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from contractctl.formats.jsonschema.drafts import Draft, detect_draft
from contractctl.formats.jsonschema.fastcheck import surely_valid

HERE = Path(__file__).parent
CORPUS = HERE.parents[1] / "bad_inputs" / "jsonschema"
VALIDATORS: dict[Draft, Any] = {
    Draft.DRAFT_4: jsonschema.Draft4Validator,
    Draft.DRAFT_6: jsonschema.Draft6Validator,
    Draft.DRAFT_7: jsonschema.Draft7Validator,
    Draft.DRAFT_2019_09: jsonschema.Draft201909Validator,
    Draft.DRAFT_2020_12: jsonschema.Draft202012Validator,
}
_ODD_VALUES = (-1, 0, 1.5, "x", "(", None, True, [], {}, ["a", "a"], [1], {"type": "nope"}, "#a")


def _documents() -> list[Any]:
    cases = json.loads((HERE / "confluent_cases.json").read_text())["cases"]
    documents = [case[side] for case in cases for side in ("original", "update")]
    for path in sorted(CORPUS.glob("*.json")):
        try:
            documents.append(json.loads(path.read_text()))
        except (ValueError, RecursionError):
            continue
    return documents


def _mutations(document: Any, rng: random.Random) -> list[Any]:
    """Copies with one keyword's value replaced by an odd one, at the top or one level down."""
    found = []
    for _ in range(12):
        mutated = copy.deepcopy(document)
        target = mutated
        if isinstance(target, dict) and isinstance(target.get("properties"), dict) and target["properties"]:
            name = rng.choice(sorted(target["properties"]))
            if isinstance(target["properties"][name], dict) and rng.random() < 0.5:
                target = target["properties"][name]
        if isinstance(target, dict) and target:
            target[rng.choice(sorted(target))] = copy.deepcopy(rng.choice(_ODD_VALUES))
            found.append(mutated)
    return found


def _really_valid(document: Any, draft: Draft) -> bool:
    cls = VALIDATORS[draft]
    return bool(cls(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER).is_valid(document))


@pytest.mark.parametrize("draft", list(Draft))
def test_surely_valid_never_contradicts_the_meta_schema(draft: Draft) -> None:
    rng = random.Random(7)
    checked = vouched = 0
    for document in _documents():
        for candidate in [document, *_mutations(document, rng)]:
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
