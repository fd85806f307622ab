"""Schema formats behind one small interface; each format's package is imported only when needed."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import PurePosixPath

from contractctl.formats.base import ParsedSchema, SchemaFormat
from contractctl.model import SchemaText, SchemaType

_MODULES = {
    SchemaType.AVRO: "contractctl.formats.avro",
    SchemaType.PROTOBUF: "contractctl.formats.protobuf",
}
_EXTENSIONS = {".avsc": SchemaType.AVRO, ".proto": SchemaType.PROTOBUF}
_LOADED: dict[SchemaType, SchemaFormat] = {}
_OPTIONS: dict[SchemaType, dict[str, object]] = {}


def supported_extensions() -> tuple[str, ...]:
    return tuple(_EXTENSIONS)


def type_for_path(path: PurePosixPath) -> SchemaType | None:
    return _EXTENSIONS.get(path.suffix.lower())


def configure(schema_type: SchemaType, **options: object) -> None:
    """Options for a format (e.g. Protobuf's oneof rule set), applied from the next get_format on."""
    if _OPTIONS.get(schema_type, {}) != options:
        _OPTIONS[schema_type] = options
        _LOADED.pop(schema_type, None)


def get_format(schema_type: SchemaType) -> SchemaFormat:
    """The format implementation for a schema type (imports it on first use)."""
    if schema_type not in _LOADED:
        module = importlib.import_module(_MODULES[schema_type])
        options = _OPTIONS.get(schema_type)
        _LOADED[schema_type] = type(module.FORMAT)(**options) if options else module.FORMAT
    return _LOADED[schema_type]


def parse_registered(
    source: SchemaText, schema_type: SchemaType, references: Sequence[ParsedSchema]
) -> ParsedSchema:
    """Parse an earlier version of a contract as the registry parses a version already registered.

    The registry is lenient with those where it is strict with a new schema (for Avro: no default
    or strict name check, see ``AvroFormat.parse_registered``): history it accepted must compare,
    never turn a check into "invalid". A format without a lenient mode parses as usual.
    Raises InvalidSchema when even the lenient parse fails.
    """
    schema_format = get_format(schema_type)
    lenient = getattr(schema_format, "parse_registered", None)
    if lenient is not None:
        parsed: ParsedSchema = lenient(source, references)
        return parsed
    return schema_format.parse(source, references)


def parse_registered_alone(source: SchemaText, schema_type: SchemaType) -> ParsedSchema | None:
    """``parse_registered(source, schema_type, [])`` when the text needs no reference and parses;
    None means "parse it the full way" (outline, references, then ``parse_registered``)."""
    parse_alone = getattr(get_format(schema_type), "parse_alone", None)
    if parse_alone is None:
        return None
    parsed: ParsedSchema | None = parse_alone(source, registered=True)
    return parsed
