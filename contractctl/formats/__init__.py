"""Schema formats behind one small interface; each format's package is imported only when needed."""

from __future__ import annotations

import importlib
from pathlib import PurePosixPath

from contractctl.formats.base import SchemaFormat
from contractctl.model import SchemaType

_MODULES = {
    SchemaType.AVRO: "contractctl.formats.avro",
}
_EXTENSIONS = {".avsc": SchemaType.AVRO}
_LOADED: dict[SchemaType, SchemaFormat] = {}


def supported_extensions() -> tuple[str, ...]:
    return tuple(_EXTENSIONS)


def type_for_path(path: PurePosixPath) -> SchemaType | None:
    return _EXTENSIONS.get(path.suffix.lower())


def get_format(schema_type: SchemaType) -> SchemaFormat:
    """The format implementation for a schema type (imports it on first use)."""
    if schema_type not in _LOADED:
        module = importlib.import_module(_MODULES[schema_type])
        _LOADED[schema_type] = module.FORMAT
    return _LOADED[schema_type]
