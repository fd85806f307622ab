"""Confluent paths (`#/Outer/Inner/3`, `#/Msg/oneof/5`, `#/Enum/2`) -> positions in the .proto text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contractctl.model import SourcePosition

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import DescriptorProto, EnumDescriptorProto, FileDescriptorProto

# descriptor.proto field numbers used in SourceCodeInfo paths.
_FILE_PACKAGE, _FILE_MESSAGE, _FILE_ENUM = 2, 4, 5
_MESSAGE_FIELD, _MESSAGE_NESTED, _MESSAGE_ENUM, _MESSAGE_ONEOF = 2, 3, 4, 8
_ENUM_VALUE = 2


def positions(file: FileDescriptorProto) -> dict[str, SourcePosition]:
    spans = {tuple(loc.path): loc.span for loc in file.source_code_info.location}
    out: dict[str, SourcePosition] = {}

    def put(key: str, path: tuple[int, ...]) -> None:
        span = spans.get(path)
        if span and key not in out:
            # span: start line, start column, [end line,] end column; 0-based, the end exclusive
            end_line = span[2] if len(span) == 4 else span[0]
            out[key] = SourcePosition(span[0] + 1, span[1] + 1, end_line + 1, span[-1])

    put("#/", (_FILE_PACKAGE,))

    def message(proto: DescriptorProto, prefix: str, path: tuple[int, ...]) -> None:
        put(prefix, path)
        for index, field in enumerate(proto.field):
            field_path = (*path, _MESSAGE_FIELD, index)
            if field.HasField("oneof_index") and not field.proto3_optional:
                oneof = proto.oneof_decl[field.oneof_index].name
                put(f"{prefix}/{oneof}/{field.number}", field_path)
            put(f"{prefix}/{field.number}", field_path)
        for index, oneof_decl in enumerate(proto.oneof_decl):
            put(f"{prefix}/{oneof_decl.name}", (*path, _MESSAGE_ONEOF, index))
        for index, nested in enumerate(proto.nested_type):
            if not nested.options.map_entry:
                message(nested, f"{prefix}/{nested.name}", (*path, _MESSAGE_NESTED, index))
        for index, enum in enumerate(proto.enum_type):
            enum_at(enum, f"{prefix}/{enum.name}", (*path, _MESSAGE_ENUM, index))

    def enum_at(enum: EnumDescriptorProto, prefix: str, path: tuple[int, ...]) -> None:
        put(prefix, path)
        for index, value in enumerate(enum.value):
            put(f"{prefix}/{value.number}", (*path, _ENUM_VALUE, index))

    for index, proto in enumerate(file.message_type):
        message(proto, f"#/{proto.name}", (_FILE_MESSAGE, index))
    for index, enum in enumerate(file.enum_type):
        enum_at(enum, f"#/{enum.name}", (_FILE_ENUM, index))
    return out


def nearest(table: dict[str, SourcePosition], pointer: str | None) -> SourcePosition | None:
    """The pointer's element, else its nearest enclosing one, else the package line (or None)."""
    if not pointer:
        return None
    segments = pointer.removeprefix("#/").split("/")
    while segments and segments != [""]:
        found = table.get("#/" + "/".join(segments))
        if found is not None:
            return found
        segments.pop()
    return table.get("#/")
