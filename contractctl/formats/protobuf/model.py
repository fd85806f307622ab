"""Descriptors seen the way Confluent's Wire-based diff sees a .proto text.

protoc links and desugars; Wire 6.4.5 keeps the text as written. The conversion undoes the difference:
labels as written (implicit proto3 fields, oneof members and maps have none), synthetic oneofs of proto3
`optional` ignored, map-entry messages folded into `map<K, V>` and dropped from the type tree, proto2
groups invisible. Types carry the identity of the file that defines them, so the diff can tell a local
type from one of a reference or a built-in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import (
        DescriptorProto,
        EnumDescriptorProto,
        FieldDescriptorProto,
        FileDescriptorProto,
    )

# FieldDescriptorProto.Type numbers -> the scalar's name in .proto text.
SCALARS = {
    1: "double",
    2: "float",
    3: "int64",
    4: "uint64",
    5: "int32",
    6: "fixed64",
    7: "fixed32",
    8: "bool",
    9: "string",
    12: "bytes",
    13: "uint32",
    15: "sfixed32",
    16: "sfixed64",
    17: "sint32",
    18: "sint64",
}
_TYPE_GROUP, _TYPE_MESSAGE, _TYPE_ENUM = 10, 11, 14
_LABEL_OPTIONAL, _LABEL_REQUIRED, _LABEL_REPEATED = 1, 2, 3


@dataclass(frozen=True)
class Scalar:
    name: str


@dataclass(frozen=True)
class Named:
    full_name: str  # without the leading dot


@dataclass(frozen=True)
class MapOf:
    key: TypeRef
    value: TypeRef


TypeRef = Union[Scalar, Named, MapOf]  # noqa: UP007 (a runtime alias; `|` needs Python 3.10 types)


@dataclass(frozen=True)
class FieldView:
    name: str
    number: int
    label: str | None  # "optional" | "required" | "repeated" | None, as Wire would read it
    type: TypeRef
    oneof: str | None  # the real oneof it belongs to


@dataclass
class EnumView:
    name: str
    full_name: str
    values: dict[int, str]  # number -> name; with aliases the last declared wins, as in Confluent


@dataclass
class MessageView:
    name: str
    full_name: str
    fields: list[FieldView]  # top-level fields, declaration order
    oneofs: list[tuple[str, list[FieldView]]]  # real oneofs, declaration order
    messages: list[MessageView] = field(default_factory=list)
    enums: list[EnumView] = field(default_factory=list)


@dataclass
class FileView:
    name: str
    package: str | None  # None when the file declares no package
    messages: list[MessageView]
    enums: list[EnumView]


@dataclass(frozen=True)
class TypeInfo:
    """Where a named type comes from: the defining file's package and its reference identity."""

    package: str
    origin: object  # "local", a (path, text) pair for a direct import, or None (built-in, transitive)
    view: MessageView | EnumView
    file: FileView  # the view of the defining file (its identity: the descriptor it was built from)


def _is_map_entry(message: DescriptorProto) -> bool:
    return bool(message.options.map_entry)


def _group_type_names(message: DescriptorProto) -> set[str]:
    return {f.type_name.rsplit(".", 1)[-1] for f in message.field if f.type == _TYPE_GROUP}


def _enum(proto: EnumDescriptorProto, scope: str) -> EnumView:
    return EnumView(proto.name, f"{scope}{proto.name}", {v.number: v.name for v in proto.value})


class _Builder:
    def __init__(self, file: FileDescriptorProto, entries: dict[str, DescriptorProto]) -> None:
        self.proto3 = file.syntax in ("proto3", "editions")  # no written `optional` label
        self.entries = entries  # map-entry messages by full name, to fold fields into MapOf

    def type_of(self, proto: FieldDescriptorProto) -> TypeRef:
        if proto.type in SCALARS:
            return Scalar(SCALARS[proto.type])
        name = proto.type_name.lstrip(".")
        entry = self.entries.get(name)
        if entry is not None:
            key, value = sorted(entry.field, key=lambda f: f.number)[:2]
            return MapOf(self.type_of(key), self.type_of(value))
        return Named(name)

    def label_of(self, proto: FieldDescriptorProto, in_real_oneof: bool) -> str | None:
        if proto.label == _LABEL_REPEATED:
            return None if isinstance(self.type_of(proto), MapOf) else "repeated"
        if proto.label == _LABEL_REQUIRED:
            return "required"
        if in_real_oneof:
            return None
        if self.proto3:
            return "optional" if proto.proto3_optional else None
        return "optional"

    def message(self, proto: DescriptorProto, scope: str) -> MessageView:
        full = f"{scope}{proto.name}"
        groups = _group_type_names(proto)
        real_oneofs = [
            index
            for index, _ in enumerate(proto.oneof_decl)
            if not any(
                f.HasField("oneof_index") and f.oneof_index == index and f.proto3_optional
                for f in proto.field
            )
        ]
        members: dict[int, list[FieldView]] = {index: [] for index in real_oneofs}
        fields = []
        for proto_field in proto.field:
            if proto_field.type == _TYPE_GROUP:
                continue
            in_oneof = proto_field.HasField("oneof_index") and proto_field.oneof_index in members
            oneof = proto.oneof_decl[proto_field.oneof_index].name if in_oneof else None
            view = FieldView(
                proto_field.name,
                proto_field.number,
                self.label_of(proto_field, in_oneof),
                self.type_of(proto_field),
                oneof,
            )
            if in_oneof:
                members[proto_field.oneof_index].append(view)
            else:
                fields.append(view)
        nested = [
            self.message(m, f"{full}.")
            for m in proto.nested_type
            if not _is_map_entry(m) and m.name not in groups
        ]
        return MessageView(
            proto.name,
            full,
            fields,
            [(proto.oneof_decl[i].name, members[i]) for i in real_oneofs],
            nested,
            [_enum(e, f"{full}.") for e in proto.enum_type],
        )


def _map_entries(messages: Iterable[DescriptorProto], scope: str, out: dict[str, DescriptorProto]) -> None:
    for message in messages:
        full = f"{scope}{message.name}"
        if _is_map_entry(message):
            out[full] = message
        _map_entries(message.nested_type, f"{full}.", out)


def file_view(file: FileDescriptorProto, entries: dict[str, DescriptorProto]) -> FileView:
    scope = f"{file.package}." if file.package else ""
    builder = _Builder(file, entries)
    return FileView(
        file.name,
        file.package if file.HasField("package") else None,
        [builder.message(m, scope) for m in file.message_type],
        [_enum(e, scope) for e in file.enum_type],
    )


@dataclass
class SchemaView:
    """One side of a comparison: the schema's own file plus every type it can see."""

    file: FileView
    types: dict[str, TypeInfo]
    # id(FileView) -> origin, for the files that have one (the schema's own, its direct references)
    origin_files: dict[int, object] = field(default_factory=dict)
    unique_names: bool = True  # no two files of the closure define the same full name


FileViews = dict[int, tuple["FileDescriptorProto", FileView]]  # id(descriptor) -> (descriptor, view)


def schema_view(
    closure: Sequence[FileDescriptorProto], origins: dict[str, object], cache: FileViews | None = None
) -> SchemaView:
    """`closure` ends with the schema's file; `origins` maps import paths of direct references.

    `cache` shares the views of files that several closures hold (imports, mostly). A file's view
    depends on the file and on the map entries its fields name, which come from the file and its own
    imports; one descriptor object comes from one protoc run, so every closure holding it holds the
    same imports, and its view can be built once. The views are read-only after this.
    """
    entries: dict[str, DescriptorProto] = {}
    for file in closure:
        _map_entries(file.message_type, f"{file.package}." if file.package else "", entries)
    types: dict[str, TypeInfo] = {}
    origin_files: dict[int, object] = {}
    defined = 0
    own: FileView | None = None
    for file in closure:
        cached = cache.get(id(file)) if cache is not None else None
        if cached is not None and cached[0] is file:
            view = cached[1]
        else:
            view = file_view(file, entries)
            if cache is not None:
                cache[id(file)] = (file, view)  # the descriptor is kept, so its id is not reused
        is_own = file is closure[-1]
        origin: object = "local" if is_own else origins.get(file.name)
        if origin is not None:
            origin_files[id(view)] = origin
        defined += _collect(view, view.messages, view.enums, file.package, origin, types)
        if is_own:
            own = view
    assert own is not None
    return SchemaView(own, types, origin_files, unique_names=defined == len(types))


def _collect(
    file: FileView,
    messages: Iterable[MessageView],
    enums: Iterable[EnumView],
    package: str,
    origin: object,
    out: dict[str, TypeInfo],
) -> int:
    """Adds the types to `out`; returns how many it defined (to tell whether a name came twice)."""
    count = 0
    for enum in enums:
        out[enum.full_name] = TypeInfo(package, origin, enum, file)
        count += 1
    for message in messages:
        out[message.full_name] = TypeInfo(package, origin, message, file)
        count += 1 + _collect(file, message.messages, message.enums, package, origin, out)
    return count
