"""Descriptors seen the way Confluent's Wire-based diff sees a .proto text.

protoc links and desugars; Wire 6.4.5 keeps the text as written. The conversion undoes the difference:
labels as written (implicit proto3 fields, oneof members and maps have none), synthetic oneofs of proto3
`optional` ignored, map-entry messages folded into `map<K, V>` and dropped from the type tree, proto2
groups invisible. Types carry the identity of the file that defines them, so the diff can tell a local
type from one of a reference or a built-in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
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


# The small records below are built by the hundred thousand (a field, its type, a type's entry in a
# table, for every file content and closure): plain dataclasses, hashable by value and read-only by
# convention, since a frozen dataclass's __init__ costs seven times as much.


@dataclass(unsafe_hash=True)
class Scalar:
    name: str


@dataclass(unsafe_hash=True)
class Named:
    full_name: str  # without the leading dot


@dataclass(unsafe_hash=True)
class MapOf:
    key: TypeRef
    value: TypeRef


TypeRef = Union[Scalar, Named, MapOf]  # noqa: UP007 (a runtime alias; `|` needs Python 3.10 types)


@dataclass(unsafe_hash=True)
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


@dataclass(unsafe_hash=True)
class TypeInfo:
    """Where a named type comes from: the defining file's package and its reference identity."""

    package: str
    origin: object  # "local", a (path, text) pair for a direct import, or None (built-in, transitive)
    view: MessageView | EnumView
    file: FileView  # the view of the defining file (its identity: the descriptor it was built from)


def _is_map_entry(message: DescriptorProto) -> bool:
    return bool(message.options.map_entry)


def _enum(proto: EnumDescriptorProto, scope: str) -> EnumView:
    return EnumView(proto.name, f"{scope}{proto.name}", {v.number: v.name for v in proto.value})


_SCALAR_REFS = {number: Scalar(name) for number, name in SCALARS.items()}  # immutable: shared


class _Builder:
    def __init__(self, file: FileDescriptorProto, entries: dict[str, DescriptorProto]) -> None:
        self.proto3 = file.syntax in ("proto3", "editions")  # no written `optional` label
        self.entries = entries  # map-entry messages by full name, to fold fields into MapOf

    def type_of(self, proto: FieldDescriptorProto) -> TypeRef:
        scalar = _SCALAR_REFS.get(proto.type)
        return scalar if scalar is not None else self.named(proto)

    def named(self, proto: FieldDescriptorProto) -> TypeRef:
        """The type of a message or enum field: a map's entry folds into MapOf."""
        name = proto.type_name.lstrip(".")
        entry = self.entries.get(name)
        if entry is not None:
            key, value = sorted(entry.field, key=lambda f: f.number)[:2]
            return MapOf(self.type_of(key), self.type_of(value))
        return Named(name)

    def message(self, proto: DescriptorProto, scope: str) -> MessageView:
        # one read of each descriptor attribute per field: this runs for every file of every closure
        full = f"{scope}{proto.name}"
        protos = list(proto.field)
        kinds = [f.type for f in protos]
        groups = (
            {f.type_name.rsplit(".", 1)[-1] for f in protos if f.type == _TYPE_GROUP}
            if _TYPE_GROUP in kinds
            else ()
        )
        oneof_names = [o.name for o in proto.oneof_decl]
        members: dict[int, list[FieldView]] = {}
        if oneof_names:
            indexes = [f.oneof_index if f.HasField("oneof_index") else None for f in protos]
            # a proto3 `optional` field sits in a synthetic oneof of its own, which Wire does not see
            synthetic = {
                i for f, i in zip(protos, indexes, strict=True) if i is not None and f.proto3_optional
            }
            real_oneofs = [index for index in range(len(oneof_names)) if index not in synthetic]
            members = {index: [] for index in real_oneofs}
        else:
            indexes = [None] * len(protos)
            real_oneofs = []
        proto3 = self.proto3
        fields = []
        for proto_field, kind, index in zip(protos, kinds, indexes, strict=True):
            if kind == _TYPE_GROUP:
                continue
            scalar = _SCALAR_REFS.get(kind)
            type_ref = scalar if scalar is not None else self.named(proto_field)
            in_oneof = index is not None and index in members
            # the label as Wire reads it: as written (implicit proto3 fields, oneof members, maps: none)
            label = proto_field.label
            written: str | None
            if label == _LABEL_REPEATED:
                written = None if type(type_ref) is MapOf else "repeated"
            elif label == _LABEL_REQUIRED:
                written = "required"
            elif in_oneof:
                written = None
            elif proto3:
                written = "optional" if proto_field.proto3_optional else None
            else:
                written = "optional"
            if in_oneof:
                assert index is not None
                view = FieldView(proto_field.name, proto_field.number, written, type_ref, oneof_names[index])
                members[index].append(view)
            else:
                fields.append(FieldView(proto_field.name, proto_field.number, written, type_ref, None))
        nested = [
            self.message(m, f"{full}.")
            for m in proto.nested_type
            if not _is_map_entry(m) and m.name not in groups
        ]
        return MessageView(
            proto.name,
            full,
            fields,
            [(oneof_names[i], members[i]) for i in real_oneofs],
            nested,
            [_enum(e, f"{full}.") for e in proto.enum_type],
        )


def _map_entries(messages: Iterable[DescriptorProto], scope: str, out: dict[str, DescriptorProto]) -> None:
    for message in messages:
        full = f"{scope}{message.name}"
        if _is_map_entry(message):
            out[full] = message
        _map_entries(message.nested_type, f"{full}.", out)


def file_view(file: FileDescriptorProto, entries: dict[str, DescriptorProto] | None = None) -> FileView:
    """The file as Wire reads it. `entries`: map-entry messages by full name; by default the file's
    own, which are all its fields can name (a map field's entry is nested in the field's message,
    and protoc refuses a field naming an entry type explicitly)."""
    scope = f"{file.package}." if file.package else ""
    if entries is None:
        entries = {}
        _map_entries(file.message_type, scope, entries)
    builder = _Builder(file, entries)
    return FileView(
        file.name,
        file.package if file.HasField("package") else None,
        [builder.message(m, scope) for m in file.message_type],
        [_enum(e, scope) for e in file.enum_type],
    )


class SchemaView:
    """One side of a comparison: the schema's own file plus every type it can see.

    Built on first use: a check parses every contract a compared one imports, each with its view, but
    compares only the subjects themselves, so most views are never looked at. With a `cache`, the
    type table is not merged either: a comparison looks up a few dozen names in a closure defining
    thousands, so `types` answers each name from the closure's files (`LazyTypes`), falling back
    to the merged table (`_build`) only where a name may be defined twice.
    """

    def __init__(
        self,
        closure: Sequence[FileDescriptorProto],
        origins: dict[str, object],
        cache: FileViews | None = None,
    ) -> None:
        self._source = (closure, origins, cache)

    @cached_property
    def _built(self) -> tuple[FileView, Mapping[str, TypeInfo], dict[int, object], bool]:
        closure, origins, cache = self._source
        lazy = cache.lazy_types(closure, origins) if cache is not None else None
        if lazy is not None:
            return lazy.own_view, lazy, lazy.origin_files(), True
        return _build(closure, origins, cache)

    @cached_property
    def file(self) -> FileView:
        return self._built[0]

    @cached_property
    def types(self) -> Mapping[str, TypeInfo]:
        return self._built[1]

    @cached_property
    def origin_files(self) -> dict[int, object]:
        """id(FileView) -> origin, for the files that have one (the schema's own, direct references)."""
        return self._built[2]

    @cached_property
    def unique_names(self) -> bool:
        """No two files of the closure define the same full name."""
        return self._built[3]


class LazyTypes(Mapping[str, "TypeInfo"]):
    """A closure's type table (full name -> TypeInfo, as `_build` merges it) answered name by name.

    Holds only the closure's files by path. Valid for a closure where no two files share a path and
    none of its paths ever defined a name another path defines too (`FileViews.lazy_types` checks):
    then each name has one defining path, the one `FileViews` first saw defining it, and the closure's
    file of that path defines it or no file of the closure does. tests/unit/test_protobuf_lazy_types.py
    compares every answer with the merged table.
    """

    def __init__(
        self,
        closure: Sequence[FileDescriptorProto],
        by_path: dict[str, _Shared],
        origins: dict[str, object],
        path_of_name: dict[str, str],
    ) -> None:
        self._closure = closure
        self._by_path = by_path  # in closure order
        self._origins = origins
        self._own_path = closure[-1].name
        self._path_of_name = path_of_name  # FileViews': a name's entry never changes once set
        self._with_origin: dict[str, TypeInfo] = {}
        self._merged: dict[str, TypeInfo] | None = None

    @property
    def own_view(self) -> FileView:
        return self._by_path[self._own_path][0]

    def _origin(self, path: str) -> object:
        if path == self._own_path:
            return "local"
        return self._origins.get(path) if self._origins else None

    def origin_files(self) -> dict[int, object]:
        """id(FileView) -> origin of the files that have one, as `_build` finds them."""
        out: dict[int, object] = {}
        for path in (*self._origins, self._own_path):
            entry = self._by_path.get(path)
            origin = self._origin(path)
            if entry is not None and origin is not None:
                out[id(entry[0])] = origin
        return out

    def get(self, name: str, default: TypeInfo | None = None) -> TypeInfo | None:  # type: ignore[override]
        path = self._path_of_name.get(name)
        if path is None:
            return default
        entry = self._by_path.get(path)
        info = entry[1].get(name) if entry is not None else None
        if info is None:
            return default
        if path != self._own_path and path not in self._origins:
            return info  # no origin: the shared TypeInfo
        found = self._with_origin.get(name)
        if found is None:
            origin = self._origin(path)
            if origin is None:
                return info
            found = self._with_origin[name] = TypeInfo(info.package, origin, info.view, info.file)
        return found

    def __getitem__(self, name: str) -> TypeInfo:
        info = self.get(name)
        if info is None:
            raise KeyError(name)
        return info

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def _all(self) -> dict[str, TypeInfo]:
        if self._merged is None:
            merged: dict[str, TypeInfo] = {}
            for file, (view, found) in zip(self._closure, self._by_path.values(), strict=True):
                origin = self._origin(file.name)
                merged.update(found if origin is None else _types_of(view, file.package, origin))
            self._merged = merged
        return self._merged

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


_Shared = tuple[FileView, dict[str, "TypeInfo"]]  # a file's view, and its types when it has no origin


class FileViews:
    """Views of the files many closures hold (imports, mostly), built once and shared.

    By descriptor object first (one protoc run's output is read by every closure compiled in it),
    then by content: a file compiled again in another run, with the same descriptor (a 256-bit
    digest of it: the bytes themselves would double the memory descriptors take) and the same
    imports (recursively: their views are part of the key), is the same view. A view is a function of its
    file alone (`file_view`), and identical views across runs let the diff memo (diff.DiffMemo)
    reuse walks across runs; keying by the imports' views keeps every name a file's types use
    resolving to one definition per view, which the memo relies on. Views are read-only. Each view
    comes with its types as a closure sees them when the file is neither the closure's own nor a
    direct reference (no origin): the same TypeInfo objects in every such closure.
    """

    def __init__(self) -> None:
        self._by_descriptor: dict[int, tuple[FileDescriptorProto, _Shared]] = {}
        # the same entries with the file's path instead of the descriptor: a closure's files by path
        # in one C-level pass (`lazy_types`)
        self._by_id: dict[int, tuple[str, _Shared]] = {}
        self._by_content: dict[tuple[bytes, tuple[int, ...]], _Shared] = {}
        # the first view built of each descriptor content: the same content with other imports
        # gets a copy of its objects (`rewrapped`) instead of a walk of the descriptor again
        self._first_of: dict[bytes, FileView] = {}
        # every full name a view defines -> the path of the first file seen defining it, and the
        # paths that share a name with another path: a closure holding none of those defines each
        # name in one file, the one of that path (see LazyTypes)
        self._path_of_name: dict[str, str] = {}
        self._clashing: set[str] = set()

    def known(self, file: FileDescriptorProto) -> _Shared | None:
        cached = self._by_descriptor.get(id(file))
        return cached[1] if cached is not None and cached[0] is file else None

    def add(self, file: FileDescriptorProto, by_name: dict[str, FileDescriptorProto]) -> _Shared:
        """`by_name`: the files `file` is compiled with, by name (its imports already known)."""
        from contractctl.generic.digest import blake2b  # here: listings import model, never digest

        imported = [self._known(by_name.get(name)) for name in file.dependency]
        if all(view is not None for view in imported):
            described = _without_source_info(file).SerializeToString(deterministic=True)
            content = blake2b(described, digest_size=32).digest()
            key = (content, tuple(id(view) for view in imported))
            found = self._by_content.get(key)
            if found is None:
                first = self._first_of.get(content)
                if first is None:
                    view = self._first_of[content] = file_view(file)
                else:  # the same content: the same path and names, already registered
                    view = rewrapped(first)
                found = self._by_content[key] = (view, _types_of(view, file.package, None))
                if first is None:
                    self._register(file.name, found[1])
        else:  # an import the closure lacks, or not seen yet: not shared beyond this descriptor
            view = file_view(file)
            found = (view, _types_of(view, file.package, None))
            self._register(file.name, found[1])
        self._by_descriptor[id(file)] = (file, found)  # the descriptor is kept: its id is not reused
        self._by_id[id(file)] = (file.name, found)
        return found

    def _register(self, path: str, types: dict[str, TypeInfo]) -> None:
        path_of_name = self._path_of_name
        for name in types:
            first = path_of_name.setdefault(name, path)
            if first != path:
                self._clashing.update((first, path))

    def warm(self, files: Sequence[FileDescriptorProto], builtins: Mapping[str, FileDescriptorProto]) -> None:
        """Give every file of a compiled tree (`files`, each after those it imports) its view now, as
        `lazy_types` would on first use, built-ins it imports first: a check does it while a side
        run compiles the base's tree, and the worker processes it forks later start with them
        (each built them again before)."""
        by_name = {**builtins, **{f.name: f for f in files}}
        for file in files:
            stack = [file]
            while stack:
                current = stack[-1]
                unknown = next(
                    (
                        by_name[n]
                        for n in current.dependency
                        if n in by_name and self.known(by_name[n]) is None
                    ),
                    None,
                )
                if unknown is not None and all(unknown is not s for s in stack):  # protoc refuses cycles
                    stack.append(unknown)
                    continue
                stack.pop()
                if self.known(current) is None:
                    self.add(current, by_name)

    def lazy_types(
        self, closure: Sequence[FileDescriptorProto], origins: dict[str, object]
    ) -> LazyTypes | None:
        """The closure's type table answered name by name, every file of it given a view here first
        (in closure order, as `_build` does); None where a name may be defined by two of its files
        (two files of one path, or a path sharing a name with another): `_build` answers those."""
        by_id = self._by_id
        try:  # a known descriptor's entry is its own: _by_descriptor keeps it alive, its id not reused
            by_path = dict(map(by_id.__getitem__, map(id, closure)))
        except KeyError:
            by_name = {f.name: f for f in closure}
            for file in closure:
                if id(file) not in by_id:
                    self.add(file, by_name)
            by_path = dict(map(by_id.__getitem__, map(id, closure)))
        if len(by_path) != len(closure) or not self._clashing.isdisjoint(by_path):
            return None
        return LazyTypes(closure, by_path, origins, self._path_of_name)

    def _known(self, file: FileDescriptorProto | None) -> FileView | None:
        shared = self.known(file) if file is not None else None
        return shared[0] if shared is not None else None


def _without_source_info(file: FileDescriptorProto) -> FileDescriptorProto:
    """The descriptor as a view sees it: positions and comments (a checked text's, not an earlier
    version's) are no part of it, so a text compiled with and without them shares one view."""
    if not file.HasField("source_code_info"):
        return file
    stripped = type(file)()
    stripped.CopyFrom(file)
    stripped.ClearField("source_code_info")
    return stripped


def rewrapped(view: FileView) -> FileView:
    """A view equal to `view` whose file, message and enum objects are its own (the identities the
    diff memo tells definitions apart by), sharing the immutable parts: fields, oneof member
    lists, enum values. What `file_view` builds again from a descriptor of the same content, a
    view being a function of its descriptor alone, without walking the descriptor.

    Field lists are shared only between views of one whole file content: diff.py's `_same_body`
    relies on that (two messages sharing their fields come from the same file, so a type that file
    defines is the same on both sides). Sharing them per message would make that shortcut unsound."""
    return FileView(
        view.name, view.package, [_rewrapped_message(m) for m in view.messages], _enums(view.enums)
    )


def _rewrapped_message(message: MessageView) -> MessageView:
    return MessageView(
        message.name,
        message.full_name,
        message.fields,
        message.oneofs,
        [_rewrapped_message(m) for m in message.messages],
        _enums(message.enums),
    )


def _enums(enums: list[EnumView]) -> list[EnumView]:
    return [EnumView(e.name, e.full_name, e.values) for e in enums]


def schema_view(
    closure: Sequence[FileDescriptorProto], origins: dict[str, object], cache: FileViews | None = None
) -> SchemaView:
    """`closure` ends with the schema's file; `origins` maps import paths of direct references.

    `cache` shares the views of files that several closures hold; without it every view is built
    afresh.
    """
    return SchemaView(closure, origins, cache)


def _build(
    closure: Sequence[FileDescriptorProto], origins: dict[str, object], cache: FileViews | None
) -> tuple[FileView, dict[str, TypeInfo], dict[int, object], bool]:
    types: dict[str, TypeInfo] = {}
    origin_files: dict[int, object] = {}
    defined = 0
    own = closure[-1]
    own_view: FileView | None = None
    by_name: dict[str, FileDescriptorProto] = {}
    # known descriptors read straight from the cache's table: this loop runs over every file of
    # every compared schema's closure (hundreds on a deep import chain)
    by_descriptor = cache._by_descriptor if cache is not None else {}
    for file in closure:
        cached = by_descriptor.get(id(file))
        if cached is not None and cached[0] is file:
            view, found = cached[1]
        elif cache is not None:
            by_name = by_name or {f.name: f for f in closure}
            view, found = cache.add(file, by_name)
        else:
            view = file_view(file)
            found = _types_of(view, file.package, None)
        origin: object = "local" if file is own else origins.get(file.name) if origins else None
        if origin is not None:
            origin_files[id(view)] = origin
            found = _types_of(view, file.package, origin)
        types.update(found)
        defined += len(found)
        if file is own:
            own_view = view
    assert own_view is not None
    return own_view, types, origin_files, defined == len(types)


def _types_of(file: FileView, package: str, origin: object) -> dict[str, TypeInfo]:
    out: dict[str, TypeInfo] = {}
    _collect(file, file.messages, file.enums, package, origin, out)
    return out


def _collect(
    file: FileView,
    messages: Iterable[MessageView],
    enums: Iterable[EnumView],
    package: str,
    origin: object,
    out: dict[str, TypeInfo],
) -> None:
    for enum in enums:
        out[enum.full_name] = TypeInfo(package, origin, enum, file)
    for message in messages:
        out[message.full_name] = TypeInfo(package, origin, message, file)
        _collect(file, message.messages, message.enums, package, origin, out)
