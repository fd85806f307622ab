"""What each Confluent difference type means, in one sentence, for finding messages."""

from __future__ import annotations

_SPECIFIC = {
    "TYPE_CHANGED": "the schema has another type (or kind of schema) than before",
    "TYPE_NARROWED": "number became integer",
    "TYPE_EXTENDED": "integer became number",
    "SCHEMA_ADDED": "a schema appears where there was none",
    "SCHEMA_REMOVED": "a schema was removed",
    "PATTERN_CHANGED": "the pattern changed",
    "COMBINED_TYPE_CHANGED": "the combination keyword (allOf/anyOf/oneOf) changed",
    "COMBINED_TYPE_SUBSCHEMAS_CHANGED": "no pairing of old and new branches is compatible",
    "SUM_TYPE_NARROWED": "anyOf/oneOf has fewer branches",
    "SUM_TYPE_EXTENDED": "anyOf/oneOf has more branches",
    "PRODUCT_TYPE_EXTENDED": "allOf has more branches",
    "PRODUCT_TYPE_NARROWED": "allOf has fewer branches",
    "ENUM_ARRAY_NARROWED": "enum lost values",
    "ENUM_ARRAY_CHANGED": "enum or const values changed",
    "NOT_TYPE_EXTENDED": "`not` now excludes more",
    "REQUIRED_ATTRIBUTE_ADDED": "a property became required without a default",
    "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": "a new required property on an object that allowed any "
    "property before",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL": "a new required property (with default) on "
    "an object that allowed any property before",
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": "a new property on an object that allowed any property "
    "before (old data may hold it with another type)",
    "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL": "a new required property without a default",
    "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL": "a property was removed from an object that forbids "
    "unknown properties",
    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a new property whose schema is not "
    "compatible with the patternProperties/additionalProperties schema that covered it",
    "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a removed property is not compatible "
    "with the patternProperties/additionalProperties schema that now covers it",
    "ITEM_ADDED_TO_OPEN_CONTENT_MODEL": "a new tuple item on an array that allowed any extra item",
    "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL": "a tuple item was removed from an array that forbids extra "
    "items",
    "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a new tuple item not compatible with the "
    "additionalItems schema that covered it",
    "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a removed tuple item not compatible with "
    "the additionalItems schema that now covers it",
    "DEPENDENCY_ARRAY_CHANGED": "a property dependency changed",
}
_SUFFIXES = {
    "_ADDED": "was added",
    "_REMOVED": "was removed",
    "_INCREASED": "increased",
    "_DECREASED": "decreased",
    "_EXTENDED": "now allows more",
    "_NARROWED": "now allows less",
    "_EXPANDED": "is now a multiple of the old value (fewer numbers allowed)",
    "_REDUCED": "now divides the old value (more numbers allowed)",
    "_CHANGED": "changed",
}


_READER = "the earlier version (the reader under FORWARD)"
_FORWARD_SPECIFIC = {
    "ENUM_ARRAY_NARROWED": f"enum gained values, which {_READER} does not accept",
    "NOT_TYPE_EXTENDED": f"`not` now excludes less, which {_READER} does not accept",
    "REQUIRED_ATTRIBUTE_ADDED": f"a property is no longer required, which {_READER} requires without a "
    "default",
    "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": "a required property was removed from an object that "
    f"allows any property, which {_READER} still requires",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL": "a required property (with default) was "
    f"removed from an object that allows any property, which {_READER} still requires",
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": "a property was removed from an object that allows any "
    f"property (new data may hold it with another type than {_READER} reads)",
    "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL": "a required property without a default was removed, "
    f"which {_READER} still requires",
    "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL": f"a property was added, which {_READER} forbids (its "
    "object allows no unknown properties)",
    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a removed property is not compatible with "
    f"the patternProperties/additionalProperties schema that now covers it, which {_READER} reads it with",
    "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a new property whose schema is not "
    f"compatible with the patternProperties/additionalProperties schema that covers it in {_READER}",
    "ITEM_ADDED_TO_OPEN_CONTENT_MODEL": "a tuple item was removed from an array that allows any extra item "
    f"(new data may hold it with another type than {_READER} reads)",
    "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL": f"a tuple item was added, which {_READER} forbids (its array "
    "allows no extra items)",
    "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a removed tuple item not compatible with the "
    f"additionalItems schema that now covers it, which {_READER} reads it with",
    "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a new tuple item not compatible with the "
    f"additionalItems schema that covers it in {_READER}",
}
"""What FORWARD's swapped comparison reports, worded as the change from the old version to the new
one (Confluent's type says what the comparison saw: the new version's data read by the old one)."""
_MIRRORED = {
    "_ADDED": "_REMOVED",
    "_REMOVED": "_ADDED",
    "_INCREASED": "_DECREASED",
    "_DECREASED": "_INCREASED",
    "_EXTENDED": "_NARROWED",
    "_NARROWED": "_EXTENDED",
    "_EXPANDED": "_REDUCED",
    "_REDUCED": "_EXPANDED",
}


def describe(kind: str, forward: bool = False) -> str:
    """`kind` in one sentence. `forward`: the comparison was FORWARD's, whose original is the new
    version, so the opposite change is what the user made (`MAX_LENGTH_DECREASED` there is a max
    length the new version increased)."""
    if forward:
        return _describe_forward(kind)
    if kind in _SPECIFIC:
        return _SPECIFIC[kind]
    for suffix, text in _SUFFIXES.items():
        if kind.endswith(suffix):
            return f"{kind[: -len(suffix)].lower().replace('_', ' ')} {text}"
    return kind.lower().replace("_", " ")


def _describe_forward(kind: str) -> str:
    if kind in _FORWARD_SPECIFIC:
        return _FORWARD_SPECIFIC[kind]
    for suffix, opposite in _MIRRORED.items():
        if kind.endswith(suffix):
            return f"{describe(kind[: -len(suffix)] + opposite)}, which {_READER} does not accept"
    return describe(kind)  # a change with no direction (TYPE_CHANGED, PATTERN_CHANGED, ...)
