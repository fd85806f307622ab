"""Schema formats behind one small interface; each format's package is imported only when needed."""

from __future__ import annotations

import importlib
from pathlib import PurePosixPath

from contractctl.formats.base import SchemaFormat
from contractctl.model import SchemaType

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
