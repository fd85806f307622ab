"""Schema formats behind one small interface; each format's package is imported only when needed."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

from contractctl.formats.base import FormatInfo, ParsedSchema, SchemaFormat
from contractctl.model import SchemaText, SchemaType

# The format registry: one line per format (see FormatInfo); a new format is one folder plus one line.
# Avro JSON escapes anywhere, and in .proto files any escape or a string literal continued by
# another (`"a/" "b.proto"`, maybe on a new line), may spell a name other than plainly.
FORMATS: tuple[FormatInfo, ...] = (
    FormatInfo(
        SchemaType.AVRO,
        "contractctl.formats.avro",
        (".avsc",),
        "Avro",
        config_section="avro",
        spelled_otherwise=("\\u", False),
    ),
    FormatInfo(
        SchemaType.PROTOBUF,
        "contractctl.formats.protobuf",
        (".proto",),
        "Protobuf",
        references_called="imports",
        config_section="protobuf",
        spelled_otherwise=(r"\\|\"[[:space:]]*\"|^[[:space:]]*\"", True),
        references_by_path=True,
    ),
    # JSON Schema: `$ref` names another contract by a path relative to the file (or its `$id`), which
    # no search for the contract's root-relative path finds: files with such a `$ref` (or an escape)
    # are always outlined.
    FormatInfo(
        SchemaType.JSON,
        "contractctl.formats.jsonschema",
        (".json",),
        "JSON Schema",
        references_called="$refs",
        config_section="jsonschema",
        spelled_otherwise=(r"\\u|\"\$ref\"[[:space:]]*:[[:space:]]*\"[^#]", True),
        references_by_path=True,
    ),
)
_INFO = {info.schema_type: info for info in FORMATS}
_EXTENSIONS = {extension: info.schema_type for info in FORMATS for extension in info.extensions}
_LOADED: dict[SchemaType, SchemaFormat] = {}
_OPTIONS: dict[SchemaType, dict[str, object]] = {}


def supported_extensions() -> tuple[str, ...]:
    return tuple(_EXTENSIONS)


def type_for_path(path: PurePosixPath) -> SchemaType | None:
    return _EXTENSIONS.get(path.suffix.lower())


def info(schema_type: SchemaType) -> FormatInfo:
    """The format's registry line: cheap facts, read without importing the format."""
    return _INFO[schema_type]


def type_for_text(path: str) -> SchemaType | None:
    """`type_for_path` of a path given as text (as git lists it): its last part's suffix, as
    pathlib reads it (not for a name that starts with its only dot, nor ends with a dot)."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return _EXTENSIONS.get(name[dot:].lower()) if 0 < dot < len(name) - 1 else None


def references_by_path(path: PurePosixPath) -> bool:
    """Whether the contract at `path` is of a format that names its references by path."""
    return references_by_path_text(str(path))


def references_by_path_text(path: str) -> bool:
    """`references_by_path` of a path given as text."""
    schema_type = type_for_text(path)
    return schema_type is not None and _INFO[schema_type].references_by_path


def is_supported(schema_type: str) -> bool:
    """Whether a registry's `schemaType` names a format contractctl handles."""
    return any(known.value == schema_type for known in _INFO)


def configure(schema_type: SchemaType, **options: object) -> None:
    """Options for a format (e.g. Protobuf's oneof rule set), applied from the next get_format on."""
    if _OPTIONS.get(schema_type, {}) != options:
        _OPTIONS[schema_type] = options
        _LOADED.pop(schema_type, None)


def configure_sections(sections: Mapping[str, Mapping[str, object]]) -> None:
    """Options for every format from its section of contractctl.yaml (FormatInfo.config_section)."""
    for known in FORMATS:
        if known.config_section is not None:
            configure(known.schema_type, **sections.get(known.config_section, {}))


def get_format(schema_type: SchemaType) -> SchemaFormat:
    """The format implementation for a schema type (imports it on first use)."""
    if schema_type not in _LOADED:
        module = importlib.import_module(_INFO[schema_type].module)
        options = _OPTIONS.get(schema_type)
        _LOADED[schema_type] = type(module.FORMAT)(**options) if options else module.FORMAT
    return _LOADED[schema_type]


def finish_loaded() -> None:
    """Tell every format this run loaded that its parses are done (SchemaFormat.finish)."""
    for loaded in list(_LOADED.values()):
        loaded.finish()


def parse_registered(
    source: SchemaText, schema_type: SchemaType, references: Sequence[ParsedSchema]
) -> ParsedSchema:
    """Parse an earlier version of a contract as the registry parses a version already registered
    (see SchemaFormat.parse_registered). Raises InvalidSchema when even the lenient parse fails."""
    return get_format(schema_type).parse_registered(source, references)


def parse_registered_alone(source: SchemaText, schema_type: SchemaType) -> ParsedSchema | None:
    """``parse_registered(source, schema_type, [])`` when the text needs no reference and parses;
    None means "parse it the full way" (outline, references, then ``parse_registered``)."""
    return get_format(schema_type).parse_alone(source, registered=True)


def rule_help(rule: str) -> tuple[str, str] | None:
    """(short description, help text) a format gives for a rule id of its findings, also when
    namespaced like "avro/TYPE_MISMATCH"; imports every format (only SARIF asks)."""
    for known in FORMATS:
        helps = get_format(known.schema_type).rule_help()
        found = helps.get(rule) or helps.get(rule.rsplit("/", 1)[-1])
        if found:
            return found
    return None
