"""SARIF help for the Avro findings: what each schema-resolution failure means and how to fix it."""

from __future__ import annotations

# Avro's schema-resolution failures (the SchemaIncompatibilityType names): (short description, help).
RULE_HELP: dict[str, tuple[str, str]] = {
    "NAME_MISMATCH": (
        "A named type (record, enum or fixed) has a different name in the reader and writer schemas.",
        "Avro matches named types by full name (namespace and name). Renaming a record, enum or fixed breaks "
        "consumers unless the reader schema lists the old full name in `aliases`. Keep the original name, "
        "or add it as an alias.",
    ),
    "FIXED_SIZE_MISMATCH": (
        "A fixed type has a different size in the reader and writer schemas.",
        "A fixed value is read as exactly `size` bytes, so a size change cannot be resolved. Keep the size, "
        "or add a new field with a new fixed type (and a default) and retire the old field.",
    ),
    "MISSING_ENUM_SYMBOLS": (
        "The writer can produce enum symbols that the reader does not know.",
        "Reading a symbol that the reader's enum lacks fails unless that enum declares a `default` symbol. "
        "Do not remove symbols; if you must, first give the enum a default and roll it out to all readers.",
    ),
    "READER_FIELD_MISSING_DEFAULT_VALUE": (
        "The reader has a field the writer does not, and the field has no default value.",
        "A reader can fill in a field missing from older data only from its `default`. Give the new field a "
        'default (for an optional field: a union with "null" first and "default": null).',
    ),
    "TYPE_MISMATCH": (
        "A type changed in a way Avro schema resolution cannot promote.",
        "Avro only promotes int to long, float or double; long to float or double; float to double; and "
        "string to or from bytes. Any other type change breaks readers: add a new field with the new type "
        "(and a default) instead of changing this one.",
    ),
    "MISSING_UNION_BRANCH": (
        "The writer's union has a branch that the reader's union cannot read.",
        "Data written with a union branch that has no match in the reader's union cannot be resolved. Keep "
        "every branch writers may use, and add new branches to readers before writers use them.",
    ),
}
