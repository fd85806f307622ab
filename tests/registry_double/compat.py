"""Schema parsing and compatibility for the registry double, independent of contractctl.

Avro is parsed and checked with Apache Avro's own Python package (``avro``), so the double's verdicts
are an oracle that does not share code with the system under test. JSON Schema has its own checker
(:mod:`.jsonschema_compat`); other types are checked by pluggable functions (see :data:`Checker`), and
a type without a checker is always compatible.

Messages follow Schema Registry's format (``SchemaValidatorBuilder`` + ``avro/Difference.java``):
one ``{errorType:'…', description:'…', additionalInfo:'…'}`` per incompatibility, then
``{oldSchemaVersion: N}`` and ``{oldSchema: '…'}``, and finally
``{validateFields: 'false', compatibility: 'LEVEL'}`` appended by the caller.
"""

from __future__ import annotations

import ast
import contextvars
import functools
import importlib.util
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import avro.errors
import avro.name
import avro.schema

LEVELS = (
    "NONE",
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
)
DIFFERENT_SCHEMA_TYPE = "Incompatible because of different schema type"
_MAX_SCHEMA_LOG = 10 * 1024


class SchemaParseError(ValueError):
    """The schema text (or one of its references) cannot be parsed."""


@dataclass(frozen=True)
class SchemaDoc:
    """A schema with its references resolved, as handed to a checker.

    ``resolved`` maps each (transitive) reference name to its schema text, dependencies first.
    ``version`` is set for stored versions and ``None`` for the candidate schema.
    """

    schema_type: str
    schema: str
    resolved: tuple[tuple[str, str], ...] = ()
    version: int | None = None
    parsed: Any = field(default=None, compare=False, repr=False)


Checker = Callable[[SchemaDoc, SchemaDoc], list[str]]
"""``checker(reader, writer) -> messages``: can ``reader`` read data written with ``writer``?

An empty list means compatible. The double calls it with (new, old) for BACKWARD, (old, new) for
FORWARD and both for FULL, exactly like Schema Registry's reader/writer strategies.
"""


def parse_avro(schema: str, resolved: Sequence[tuple[str, str]] = ()) -> avro.schema.Schema:
    """Parse Avro text after its references, so referenced named types resolve by name.

    Remembered per (text, references), as Schema Registry keeps parsed schemas in a cache: a stored
    version is otherwise parsed again for every compatibility test that reads it. Parsed schemas
    are never modified, so sharing them between requests is safe.
    """
    return _parse_avro(schema, tuple(resolved))


@functools.lru_cache(maxsize=4096)
def _parse_avro(schema: str, resolved: tuple[tuple[str, str], ...]) -> avro.schema.Schema:
    names = avro.name.Names()
    try:
        for _name, text in resolved:
            avro.schema.make_avsc_object(json.loads(text), names)
        return avro.schema.make_avsc_object(json.loads(schema), names)
    except (ValueError, TypeError, avro.errors.AvroException) as exc:
        raise SchemaParseError(str(exc)) from exc


def canonical_text(schema_type: str, schema: str, normalize: bool) -> str:
    """Return the stored form: compact JSON for Avro/JSON (sorted keys when normalizing).

    The real server stores ``ParsedSchema.canonicalString()``; compact JSON is the stand-in the
    notes suggest. Protobuf text is kept as sent (the double has no Protobuf renderer).
    """
    if schema_type in ("AVRO", "JSON"):
        try:
            doc = json.loads(schema)
        except ValueError as exc:
            raise SchemaParseError(str(exc)) from exc
        return json.dumps(doc, separators=(",", ":"), sort_keys=normalize, ensure_ascii=False)
    return schema.strip()


def _load_private_avro_compat() -> tuple[ModuleType, contextvars.ContextVar[list[tuple[str, str, str]]]]:
    """Load a private copy of ``avro.compatibility`` whose ``incompatible()`` also records details.

    The package merges messages and locations into unordered sets, losing which message belongs
    to which incompatibility; Confluent's format needs the triple. A private module object keeps the
    global ``avro.compatibility`` untouched.
    """
    spec = importlib.util.find_spec("avro.compatibility")
    if spec is None or spec.loader is None:
        raise ImportError("avro.compatibility not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    records: contextvars.ContextVar[list[tuple[str, str, str]]] = contextvars.ContextVar("avro_records")
    original = module.incompatible

    def recording(incompat_type: Any, message: str, location: list[str]) -> Any:
        result = original(incompat_type, message, location)
        bucket = records.get(None)
        if bucket is not None:
            bucket.append((incompat_type.name.upper(), message, next(iter(result.locations))))
        return result

    setattr(module, "incompatible", recording)  # noqa: B010 - module attribute unknown to type checkers
    return module, records


_AVRO_COMPAT, _AVRO_RECORDS = _load_private_avro_compat()

_DESCRIPTIONS = {
    "FIXED_SIZE_MISMATCH": "The size of FIXED type field at path '{path}' in the %s schema does not "
    "match with the %s schema",
    "TYPE_MISMATCH": "The type (path '{path}') of a field in the %s schema does not match with the %s schema",
    "NAME_MISMATCH": "The name of the schema has changed (path '{path}')",
    "MISSING_ENUM_SYMBOLS": "The %s schema is missing enum symbols '{info}' at path '{path}' in the "
    "%s schema",
    "MISSING_UNION_BRANCH": "The %s schema is missing a type inside a union field at path '{path}' in the "
    "%s schema",
    "READER_FIELD_MISSING_DEFAULT_VALUE": "The field '{info}' at path '{path}' in the %s schema has no "
    "default value and is missing in the %s schema",
}


def avro_checker(reader: SchemaDoc, writer: SchemaDoc) -> list[str]:
    """Built-in AVRO checker: Apache Avro's reader/writer check, messages in Confluent's format.

    Descriptions keep two ``%s`` placeholders (reader, writer) that :func:`check_pair` fills with
    ``new``/``old`` like ``SchemaValidatorBuilder.formatErrorMessages``.
    """
    reader_schema = reader.parsed or parse_avro(reader.schema, reader.resolved)
    writer_schema = writer.parsed or parse_avro(writer.schema, writer.resolved)
    token = _AVRO_RECORDS.set([])
    try:
        result = _AVRO_COMPAT.ReaderWriterCompatibilityChecker().get_compatibility(
            reader_schema, writer_schema
        )
        recorded = _AVRO_RECORDS.get()
    finally:
        _AVRO_RECORDS.reset(token)
    if result.compatibility is not _AVRO_COMPAT.SchemaCompatibilityType.compatible:
        # Union probing records failures that a later branch made irrelevant: keep only entries
        # that survived into the merged result.
        seen: set[tuple[str, str, str]] = set()
        messages = []
        for error_type, info, path in recorded:
            key = (error_type, info, path)
            if info not in result.messages or path not in result.locations or key in seen:
                continue
            seen.add(key)
            if error_type == "MISSING_ENUM_SYMBOLS" and info.startswith("{"):
                # Python renders the symbol set as {'B'}; Java's Set.toString gives [B].
                info = "[" + ", ".join(sorted(ast.literal_eval(info))) + "]"
            description = _DESCRIPTIONS.get(error_type, "").format(path=path, info=info)
            messages.append(
                f"{{errorType:'{error_type}', description:'{description}', additionalInfo:'{info}'}}"
            )
        return messages or [
            f"{{errorType:'INCOMPATIBLE', description:'', additionalInfo:'{result.messages}'}}"
        ]
    return []


def _fill(message: str, reader_label: str, writer_label: str) -> str:
    if message.count("%s") != 2:
        return message
    return message.replace("%s", reader_label, 1).replace("%s", writer_label, 1)


def _old_schema_info(old: SchemaDoc) -> list[str]:
    info = []
    if old.version is not None:
        info.append(f"{{oldSchemaVersion: {old.version}}}")
    if len(old.schema) <= _MAX_SCHEMA_LOG:
        info.append(f"{{oldSchema: '{old.schema}'}}")
    else:
        info.append(f"{{oldSchema: <truncated> '{old.schema[:_MAX_SCHEMA_LOG]}...'}}")
    return info


def check_pair(level: str, new: SchemaDoc, old: SchemaDoc, checker: Checker | None) -> list[str]:
    """One new/old comparison in the direction(s) ``level`` requires."""
    if new.schema_type != old.schema_type:
        return [DIFFERENT_SCHEMA_TYPE]
    if checker is None:
        return []
    base = level.removesuffix("_TRANSITIVE")
    messages: list[str] = []
    if base in ("FORWARD", "FULL"):
        forward = [_fill(m, "old", "new") for m in checker(old, new)]
        messages.extend(forward)
        if forward and base == "FORWARD":
            messages.extend(_old_schema_info(old))
    if base in ("BACKWARD", "FULL"):
        backward = [_fill(m, "new", "old") for m in checker(new, old)]
        messages.extend(backward)
        if backward:
            messages.extend(_old_schema_info(old))
    return messages


def check_against(
    level: str, new: SchemaDoc, previous: Sequence[SchemaDoc], checker: Checker | None
) -> list[str]:
    """Check ``new`` against live versions (oldest first) as ``level`` requires.

    Non-transitive levels look at the latest version only; transitive ones walk from newest to
    oldest and stop at the first failure, as ``SchemaValidatorBuilder.validateAll`` does.
    """
    if level == "NONE" or not previous:
        return []
    if not level.endswith("_TRANSITIVE"):
        return check_pair(level, new, previous[-1], checker)
    for old in reversed(previous):
        messages = check_pair(level, new, old, checker)
        if messages:
            return messages
    return []
