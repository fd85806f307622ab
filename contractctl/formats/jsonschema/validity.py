"""Is a document a valid JSON Schema of its draft? Checked against the draft's meta-schema with
`jsonschema` (the library Confluent's Python client uses), each problem at its JSON pointer."""

from __future__ import annotations

import copy
import importlib
from functools import cache
from typing import Any

from contractctl.formats.jsonschema.drafts import Draft
from contractctl.formats.jsonschema.fastcheck import surely_valid
from contractctl.formats.jsonschema.javaregex import JavaRegexError, translate
from contractctl.formats.jsonschema.loader import child

_MAX_PROBLEMS = 20
# meta-schema rules on a keyword's list that Everit, which the registry loads a schema with, does not
# enforce: it reads `required` and `enum` as lists of any length, repeats collapsing
_TOLERATED = frozenset(("minItems", "uniqueItems"))
_LISTS = frozenset(("required", "enum"))


@cache
def _meta_validator(draft: Draft) -> Any:
    jsonschema: Any = importlib.import_module("jsonschema")  # imported on first use: it is slow to import
    cls: Any = {
        Draft.DRAFT_4: jsonschema.Draft4Validator,
        Draft.DRAFT_6: jsonschema.Draft6Validator,
        Draft.DRAFT_7: jsonschema.Draft7Validator,
        Draft.DRAFT_2019_09: jsonschema.Draft201909Validator,
        Draft.DRAFT_2020_12: jsonschema.Draft202012Validator,
    }[draft]
    # the meta-schema's own `format: regex` catches patterns that do not compile: in java.util.regex,
    # as Everit compiles them when the registry loads the schema
    checker = copy.copy(cls.FORMAT_CHECKER)
    checker.checkers = {**checker.checkers, "regex": (_java_regex, JavaRegexError)}
    meta_schema = cls.META_SCHEMA
    if draft is Draft.DRAFT_4:  # its meta-schema leaves patternProperties' names unchecked; Everit does not
        meta_schema = copy.deepcopy(meta_schema)
        meta_schema["properties"]["patternProperties"]["propertyNames"] = {"format": "regex"}
        names = jsonschema.Draft6Validator.VALIDATORS["propertyNames"]
        cls = jsonschema.validators.extend(cls, {"propertyNames": names})
    return cls(meta_schema, format_checker=checker)


def _java_regex(instance: Any) -> bool:
    error = translate(instance).error if isinstance(instance, str) else None
    if error is not None:
        raise JavaRegexError(error)
    return True


def meta_schema_problems(document: Any, draft: Draft) -> list[tuple[str, str]]:
    """(pointer, message) for each way `document` breaks its draft's meta-schema, deepest cause first."""
    if surely_valid(document, draft):
        return []
    best_match: Any = importlib.import_module("jsonschema.exceptions").best_match
    problems = []
    errors = sorted(
        (e for e in _meta_validator(draft).iter_errors(document) if not _tolerated(e)),
        key=lambda e: [str(p) for p in e.path],
    )
    for error in errors[:_MAX_PROBLEMS]:
        cause = best_match([error]) or error
        pointer = child("", *cause.absolute_path)
        message = _short(cause.message)
        if isinstance(cause.cause, JavaRegexError):
            message += f" for java.util.regex: {cause.cause}"
        problems.append((pointer, f"not a valid {draft.value} JSON Schema: {message}"))
    return problems


def _tolerated(error: Any) -> bool:
    """A `required` or `enum` list that is empty or repeats a value (draft 4's meta-schema asks for
    one item at least, every draft for distinct ones): the registry accepts it, so no invalid verdict
    (an audit found `"required": []` in nine versions of a public tree's history)."""
    path = error.absolute_path
    return error.validator in _TOLERATED and bool(path) and path[-1] in _LISTS


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."
