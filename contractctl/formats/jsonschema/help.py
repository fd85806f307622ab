"""SARIF help for the JSON Schema findings: every Confluent difference type the check can report, and
the rules of parsing, references and proof by data.

The difference texts are built from the one-line meanings (`messages.describe`) and the fix hints
(`differences.HINTS`) the findings themselves carry, plus where each type stands under Confluent's
STRICT and LENIENT compatibility policies, so help and findings cannot drift apart.
"""

from __future__ import annotations

from contractctl.formats.jsonschema.differences import (
    COMPATIBLE_CHANGES_LENIENT,
    COMPATIBLE_CHANGES_STRICT,
    HINTS,
)
from contractctl.formats.jsonschema.messages import describe


def _family(prefix: str, suffixes: str) -> list[str]:
    return [f"{prefix}_{suffix}" for suffix in suffixes.split()]


_LIMITS = (
    *("MAX_LENGTH", "MIN_LENGTH", "MAXIMUM", "MINIMUM", "EXCLUSIVE_MINIMUM", "MAX_PROPERTIES"),
    *("MIN_PROPERTIES", "MAX_ITEMS", "MIN_ITEMS", "MAX_CONTAINS", "MIN_CONTAINS"),
)
_OPENINGS = ("ADDITIONAL_PROPERTIES", "ADDITIONAL_ITEMS", "UNEVALUATED_PROPERTIES", "UNEVALUATED_ITEMS")

DIFFERENCE_TYPES: tuple[str, ...] = tuple(
    sorted(
        {
            *(kind for limit in _LIMITS for kind in _family(limit, "ADDED REMOVED INCREASED DECREASED")),
            *(kind for opening in _OPENINGS for kind in _family(opening, "ADDED REMOVED NARROWED EXTENDED")),
            *_family("EXCLUSIVE_MAXIMUM", "ADDED REMOVED INCREASED DECREASED"),
            *_family("MULTIPLE_OF", "ADDED REMOVED EXPANDED REDUCED CHANGED"),
            *_family("PATTERN", "ADDED REMOVED CHANGED"),
            *_family("DEPENDENCY_ARRAY", "ADDED REMOVED EXTENDED NARROWED CHANGED"),
            *_family("DEPENDENCY_SCHEMA", "ADDED REMOVED"),
            *_family("ENUM_ARRAY", "EXTENDED NARROWED CHANGED"),
            *_family("UNIQUE_ITEMS", "ADDED REMOVED"),
            *_family("TYPE", "CHANGED NARROWED EXTENDED"),
            *_family("SCHEMA", "ADDED REMOVED"),
            *_family("COMBINED_TYPE", "CHANGED EXTENDED SUBSCHEMAS_CHANGED"),
            *_family("SUM_TYPE", "EXTENDED NARROWED"),
            *_family("PRODUCT_TYPE", "EXTENDED NARROWED"),
            *_family("NOT_TYPE", "EXTENDED NARROWED"),
            *_family("REQUIRED_ATTRIBUTE", "ADDED REMOVED WITH_DEFAULT_ADDED"),
            *(
                f"{what}_{covered}_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                for what in ("PROPERTY_ADDED", "PROPERTY_REMOVED", "ITEM_ADDED", "ITEM_REMOVED")
                for covered in ("IS_COVERED", "NOT_COVERED")
            ),
            "ID_CHANGED",
            "TITLE_CHANGED",
            "DESCRIPTION_CHANGED",
            "DEFAULT_CHANGED",
            "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
            "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
            "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
            "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
            "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
            "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
            "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
            "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
            "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
            "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
            "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
            "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
            "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
            "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
            "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
            "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        }
    )
)

_DIRECTION = (
    "BACKWARD compares the previous version (writer) with the new one (reader); FORWARD the other way "
    "round; FULL both. "
)
_GENERIC_FIX = (
    "Keep the old form, or make the change in steps each of which is compatible; if every consumer and "
    "producer moves together, a new subject (topic) avoids the check."
)


def _standing(kind: str) -> str:
    if kind in COMPATIBLE_CHANGES_STRICT:
        return "Confluent counts this difference as compatible."
    if kind in COMPATIBLE_CHANGES_LENIENT:
        return (
            "Incompatible under Confluent's default STRICT policy; compatible when the registry's "
            "compatibilityPolicy is LENIENT (here `jsonschema: {compatibility_policy: LENIENT}`)."
        )
    return "Confluent counts this difference as incompatible under both the STRICT and the LENIENT policy."


def _difference_help(kind: str) -> tuple[str, str]:
    meaning = describe(kind)
    summary = f"JSON Schema difference {kind}: {meaning}."
    fix = HINTS.get(kind, "" if kind in COMPATIBLE_CHANGES_STRICT else _GENERIC_FIX)
    return summary, " ".join(part for part in (f"{meaning[:1].upper()}{meaning[1:]}.", _standing(kind),
                                                _DIRECTION, fix) if part)  # fmt: skip


RULE_HELP: dict[str, tuple[str, str]] = {kind: _difference_help(kind) for kind in DIFFERENCE_TYPES}
RULE_HELP.update(
    {
        "INVALID_JSON": (
            "The contract is not valid JSON.",
            "A JSON Schema contract is one JSON document (strict JSON: no comments, no trailing commas, no "
            "NaN or Infinity). Fix the text at the line and column shown.",
        ),
        "INVALID_SCHEMA": (
            "The document is not a valid JSON Schema of its draft.",
            "The document is checked against the meta-schema of its draft (from `$schema`; draft-07 when "
            "absent, as Confluent assumes). The registry refuses a schema that fails it. Fix the keyword "
            "at the pointer shown, or declare the draft the schema is written in.",
        ),
        "INVALID_REFERENCE": (
            "A `$ref` points at nothing, at something that is not a schema, or only at itself.",
            "Local references (`#/definitions/..`, `#/$defs/..`, anchors, embedded `$id`s) must exist in "
            "the file; any other `$ref` names another contract by relative path or `$id`, which must be in "
            "the repository (it is registered first, as a schema reference).",
        ),
        "SCHEMA_TOO_DEEP": (
            "The schemas are nested too deeply to compare.",
            "Flatten the schema, for example by moving nested objects into `definitions` or `$defs`.",
        ),
        "PROOF_REJECTED": (
            "A document valid under the writer schema is rejected by the reader schema.",
            "Confluent's diff calls this pair compatible, but it ignores some keywords (`if`/`then`/`else`, "
            "`format`, `propertyNames`, the schema of `contains`). A consumer validating with the reader "
            "schema rejects the document named in the finding: make the two schemas agree on it.",
        ),
    }
)
