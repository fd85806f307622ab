"""Confluent's wording for JSON Schema incompatibilities (``Difference.toString`` in its source).

Descriptions keep two ``%s`` placeholders that the double fills with the new/old labels, as it does
for Avro. Compatible difference types, and a few rare ones, have an empty description.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_KEYWORD_PRESENCE = _words(
    """
    MAXIMUM_ADDED MINIMUM_ADDED EXCLUSIVE_MAXIMUM_ADDED EXCLUSIVE_MINIMUM_ADDED MULTIPLE_OF_ADDED
    MAX_LENGTH_ADDED MIN_LENGTH_ADDED PATTERN_ADDED REQUIRED_ATTRIBUTE_ADDED MAX_PROPERTIES_ADDED
    MIN_PROPERTIES_ADDED DEPENDENCY_ARRAY_ADDED DEPENDENCY_SCHEMA_ADDED MAX_ITEMS_ADDED MIN_ITEMS_ADDED
    MAX_CONTAINS_ADDED MIN_CONTAINS_ADDED UNIQUE_ITEMS_ADDED ADDITIONAL_ITEMS_REMOVED
    ADDITIONAL_PROPERTIES_REMOVED UNEVALUATED_PROPERTIES_REMOVED UNEVALUATED_ITEMS_REMOVED
    """
)
_MORE = _words(
    """
    MIN_LENGTH_INCREASED MINIMUM_INCREASED EXCLUSIVE_MINIMUM_INCREASED MIN_PROPERTIES_INCREASED
    MULTIPLE_OF_EXPANDED MIN_ITEMS_INCREASED MIN_CONTAINS_INCREASED
    """
)
_LESS = _words(
    """
    MAX_LENGTH_DECREASED MAXIMUM_DECREASED MAX_ITEMS_DECREASED MAX_CONTAINS_DECREASED
    EXCLUSIVE_MAXIMUM_DECREASED MAX_PROPERTIES_DECREASED
    """
)
_VALUE_CHANGED = _words("PATTERN_CHANGED MULTIPLE_OF_CHANGED DEPENDENCY_ARRAY_CHANGED")
_FEWER = _words(
    """
    ADDITIONAL_ITEMS_NARROWED ENUM_ARRAY_NARROWED SUM_TYPE_NARROWED ADDITIONAL_PROPERTIES_NARROWED
    UNEVALUATED_PROPERTIES_NARROWED UNEVALUATED_ITEMS_NARROWED
    """
)
_KIND_CHANGED = _words(
    """
    TYPE_CHANGED TYPE_NARROWED COMBINED_TYPE_CHANGED COMBINED_TYPE_SUBSCHEMAS_CHANGED ENUM_ARRAY_CHANGED
    """
)
_MORE_ELEMENTS = _words(
    """
    DEPENDENCY_ARRAY_EXTENDED PRODUCT_TYPE_EXTENDED SUM_TYPE_EXTENDED NOT_TYPE_EXTENDED
    """
)
_ADDED_TO_OPEN = _words(
    """
    REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
    OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL ITEM_ADDED_TO_OPEN_CONTENT_MODEL
    """
)


def describe(kind: str, path: str) -> str:
    """The registry's explanation of one difference; ``%s`` stand for the (new, old) schema labels."""
    p = f"'{path}'"
    if kind in _KEYWORD_PRESENCE:
        return f"The keyword at path {p} in the %s schema is not present in the %s schema"
    if kind in _MORE:
        return f"The value at path {p} in the %s schema is more than its value in the %s schema"
    if kind in _LESS:
        return f"The value at path {p} in the %s schema is less than its value in the %s schema"
    if kind in _VALUE_CHANGED:
        return f"The value at path {p} is different between the %s and %s schema"
    if kind in _FEWER:
        return f"An array or combined type at path {p} has fewer elements in the %s schema than the %s schema"
    if kind in _MORE_ELEMENTS:
        return f"An array or combined type at path {p} has more elements in the %s schema than the %s schema"
    if kind in _KIND_CHANGED:
        return f"A type at path {p} is different between the %s schema and the %s schema"
    if kind in _ADDED_TO_OPEN:
        return (
            f"The %s schema has an open content model and has a property or item at path {p} "
            "which is missing in the %s schema"
        )
    if kind == "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL":
        return (
            f"The %s schema has an unopen content model and has a required property at path {p} "
            "which is missing in the %s schema"
        )
    if kind in ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"):
        return (
            "The %s has a closed content model and is missing a property or item present at "
            f"path {p} in the %s schema"
        )
    if kind.endswith("_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"):
        return (
            f"A property or item is missing in the %s schema but present at path {p} in the %s schema "
            "and is not covered by its partially open content model"
        )
    if kind.endswith("_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"):
        return (
            f"The %s schema has a property or item at path {p} which is missing in the %s schema "
            "and is not covered by its partially open content model"
        )
    return ""
