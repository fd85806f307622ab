"""The project's own engines as the registry double's Protobuf checker (issue 4 asks the double to use
them), answering in Confluent's verbose message style."""

from __future__ import annotations

from pathlib import PurePosixPath

from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.formats.protobuf import ProtobufFormat
from contractctl.model import SchemaText
from tests.registry_double import SchemaDoc

_FORMAT = ProtobufFormat()


def _parse(doc: SchemaDoc) -> ParsedSchema:
    parsed: list[ParsedSchema] = []
    for name, text in doc.resolved:  # dependencies first
        parsed.append(_FORMAT.parse(SchemaText(PurePosixPath(name), text), list(parsed)))
    return _FORMAT.parse(SchemaText(PurePosixPath("candidate.proto"), doc.schema), parsed)


def protobuf_checker(reader: SchemaDoc, writer: SchemaDoc) -> list[str]:
    try:
        findings = _FORMAT.check(_parse(reader), _parse(writer))
    except InvalidSchema as error:
        return [f"{{errorType:'INVALID_SCHEMA', description:'{error.findings[0].message}'}}"]
    return [f"{{errorType:'{f.rule}', description:'{f.message} at path '{f.pointer}''}}" for f in findings]
