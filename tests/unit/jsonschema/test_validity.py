"""What makes a new version invalid: the draft's meta-schema, less the list rules the registry's
loader (Everit) does not enforce."""

from __future__ import annotations

from typing import Any

import pytest

from contractctl.formats.jsonschema.drafts import Draft
from contractctl.formats.jsonschema.validity import meta_schema_problems

FOUR = "http://json-schema.org/draft-04/schema#"


@pytest.mark.parametrize(
    "document",
    [
        {"$schema": FOUR, "type": "object", "properties": {"a": {"type": "string"}}, "required": []},
        {"$schema": FOUR, "type": "object", "required": ["a", "a"]},
        {"$schema": FOUR, "properties": {"e": {"enum": []}}},
        {"type": "object", "required": ["a", "a"]},  # draft 7: unique items
    ],
)
def test_lists_the_registry_accepts_are_no_problem(document: Any) -> None:
    draft = Draft.DRAFT_4 if document.get("$schema") == FOUR else Draft.DRAFT_7
    assert meta_schema_problems(document, draft) == []


def test_other_problems_stay_and_a_tolerated_one_does_not_hide_them() -> None:
    document = {"$schema": FOUR, "type": "object", "required": [], "properties": {"a": {"type": "strng"}}}
    problems = meta_schema_problems(document, Draft.DRAFT_4)
    assert [pointer for pointer, _ in problems] == ["/properties/a/type"]
    assert meta_schema_problems({"$schema": FOUR, "required": "a"}, Draft.DRAFT_4) != []
