"""Proof by data: random messages written with one descriptor, read with the other, compared by number.

Confluent's rules are wire rules, so a compatible pair may still change some values. Such a change is
"lossy" (a warning) when the two sides declare the field differently: another scalar type or label
(sign, width, bool and repeated->singular narrowing), a closed proto2 enum dropping an unknown number,
or invalid UTF-8 bytes read as a string; and any change at or inside a proto2 group, which Confluent's
diff never compares (Wire keeps groups apart from fields). A change to a field declared identically on
both sides, or a parse failure with clean data, means the engine called an incompatible pair compatible.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contractctl.formats.protobuf import ProtobufSchema

# Descriptors and messages of dynamic types: the stubs cannot follow them, so they stay untyped here.
FieldDescriptor = Any
Descriptor = Any
Message = Any

_MAX_DEPTH = 3
_INT32 = (0, 1, -1, 7, 300, 2**31 - 1, -(2**31))
_INT64 = (*_INT32, 2**40, 2**63 - 1, -(2**63))
_UINT32 = (0, 1, 7, 300, 2**31, 2**32 - 1)
_UINT64 = (*_UINT32, 2**40, 2**64 - 1)
_RANGES = {
    "int32": _INT32,
    "sint32": _INT32,
    "sfixed32": _INT32,
    "int64": _INT64,
    "sint64": _INT64,
    "sfixed64": _INT64,
    "uint32": _UINT32,
    "fixed32": _UINT32,
    "uint64": _UINT64,
    "fixed64": _UINT64,
}
_TEXT = ("", "a", "order-42", "é€", "日本", "\U0001f600", "x" * 40)


@dataclass(frozen=True)
class ProofIssue:
    lossy: bool
    message: str
    value: str
    pointer: str | None


def _type_name(field: FieldDescriptor) -> str:
    from google.protobuf.descriptor import FieldDescriptor as FD

    names = {
        FD.TYPE_DOUBLE: "double",
        FD.TYPE_FLOAT: "float",
        FD.TYPE_INT64: "int64",
        FD.TYPE_UINT64: "uint64",
        FD.TYPE_INT32: "int32",
        FD.TYPE_FIXED64: "fixed64",
        FD.TYPE_FIXED32: "fixed32",
        FD.TYPE_BOOL: "bool",
        FD.TYPE_STRING: "string",
        FD.TYPE_BYTES: "bytes",
        FD.TYPE_UINT32: "uint32",
        FD.TYPE_SFIXED32: "sfixed32",
        FD.TYPE_SFIXED64: "sfixed64",
        FD.TYPE_SINT32: "sint32",
        FD.TYPE_SINT64: "sint64",
    }
    if field.type == FD.TYPE_ENUM:
        return f"enum {field.enum_type.full_name}"
    if field.message_type is not None:
        return f"message {field.message_type.full_name}"
    return names[field.type]


def _is_repeated(field: FieldDescriptor) -> bool:
    return bool(field.is_repeated)


def _is_map(field: FieldDescriptor) -> bool:
    return bool(
        _is_repeated(field) and field.message_type is not None and field.message_type.GetOptions().map_entry
    )


class _Generator:
    def __init__(self, rng: random.Random, unsafe_bytes: bool) -> None:
        self.rng = rng
        self.unsafe_bytes = unsafe_bytes

    def scalar(self, field: FieldDescriptor) -> Any:
        name = _type_name(field)
        if name in _RANGES:
            pool = _RANGES[name]
            return (
                self.rng.choice(pool) if self.rng.random() < 0.6 else self.rng.randint(min(pool), max(pool))
            )
        if name == "bool":
            return self.rng.random() < 0.5
        if name in ("float", "double"):
            return self.rng.choice((0.0, 1.5, -2.25, 1e10, self.rng.uniform(-1e6, 1e6)))
        if name == "string":
            return self.rng.choice(_TEXT)
        if name == "bytes":
            if self.unsafe_bytes and self.rng.random() < 0.3:
                return b"\xff\xfe\x00"
            return self.rng.choice(_TEXT).encode("utf-8")
        numbers = [v.number for v in field.enum_type.values]
        closed = bool(getattr(field.enum_type, "is_closed", False))
        if not closed and self.rng.random() < 0.15:
            return 99
        return self.rng.choice(numbers)

    def fill(self, message: Message, depth: int) -> None:
        descriptor = message.DESCRIPTOR
        # Synthetic oneofs (proto3 `optional`) are drawn like real ones: set or not.
        chosen_oneof = {oneof.name: self.rng.choice([None, *oneof.fields]) for oneof in descriptor.oneofs}
        for field in descriptor.fields:
            oneof = field.containing_oneof
            required = not _is_repeated(field) and getattr(field, "is_required", False)
            if oneof is not None:
                if chosen_oneof[oneof.name] is not field:
                    continue
            elif not required and self.rng.random() < 0.25:
                continue
            if field.message_type is not None and depth >= _MAX_DEPTH and not required:
                continue
            self._set(message, field, depth)

    def _set(self, message: Message, field: FieldDescriptor, depth: int) -> None:
        target = getattr(message, field.name)
        if _is_map(field):
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            for _ in range(self.rng.randint(0, 3)):
                key = self.scalar(key_field)
                if value_field.message_type is not None:
                    self.fill(target[key], depth + 1)
                else:
                    target[key] = self.scalar(value_field)
        elif _is_repeated(field):
            for _ in range(self.rng.randint(0, 3)):
                if field.message_type is not None:
                    self.fill(target.add(), depth + 1)
                else:
                    target.append(self.scalar(field))
        elif field.message_type is not None:
            target.SetInParent()
            self.fill(target, depth + 1)
        else:
            try:
                setattr(message, field.name, self.scalar(field))
            except ValueError:  # an enum number a closed enum refuses
                setattr(message, field.name, field.enum_type.values[0].number)


def _plain(field: FieldDescriptor, value: Any) -> Any:
    """A value as the wire sees it: enums and bools as numbers, strings as UTF-8 bytes."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bool):
        return int(value)
    return value


def _differences(writer: Message, reader: Message, path: str) -> Iterator[tuple[str, Any, Any, Any, Any]]:
    """(pointer, writer field, reader field, written value, read value) for every value that changed."""
    by_number = reader.DESCRIPTOR.fields_by_number
    for written_field, value in writer.ListFields():
        read_field = by_number.get(written_field.number)
        if read_field is None:
            continue
        pointer = f"{path}/{written_field.number}"
        read_value = getattr(reader, read_field.name)
        if read_field.message_type is not None and written_field.message_type is not None:
            if _is_map(written_field) and _is_map(read_field):
                yield from _map_differences(written_field, read_field, value, read_value, pointer)
            elif _is_repeated(written_field) and _is_repeated(read_field):
                if len(value) != len(read_value):
                    yield pointer, written_field, read_field, len(value), len(read_value)
                for item, read_item in zip(value, read_value, strict=False):
                    yield from _differences(item, read_item, pointer)
            elif not _is_repeated(written_field) and not _is_repeated(read_field):
                yield from _differences(value, read_value, pointer)
            elif not _is_repeated(written_field) and len(read_value) == 1:
                yield from _differences(value, read_value[0], pointer)
            elif _is_repeated(written_field) and len(value) == 1:
                yield from _differences(value[0], read_value, pointer)
            else:
                yield pointer, written_field, read_field, str(value)[:80], str(read_value)[:80]
            continue
        written = (
            [_plain(written_field, v) for v in value]
            if _is_repeated(written_field)
            else _plain(written_field, value)
        )
        read = (
            [_plain(read_field, v) for v in read_value]
            if _is_repeated(read_field)
            else _plain(read_field, read_value)
        )
        if _is_repeated(written_field) != _is_repeated(read_field):
            written_list = written if isinstance(written, list) else [written]
            read_list = read if isinstance(read, list) else [read]
            if _is_repeated(written_field) and written_list[-1:] == read_list:
                if len(written_list) > 1:
                    yield pointer, written_field, read_field, written, read
                continue
            if written_list == read_list:
                continue
        if written != read:
            yield pointer, written_field, read_field, written, read


def _map_differences(
    written_field: FieldDescriptor, read_field: FieldDescriptor, value: Any, read_value: Any, pointer: str
) -> Iterator[tuple[str, Any, Any, Any, Any]]:
    key_w = written_field.message_type.fields_by_name["key"]
    value_w = written_field.message_type.fields_by_name["value"]
    key_r = read_field.message_type.fields_by_name["key"]
    written = {_plain(key_w, k): v for k, v in value.items()}
    read = {_plain(key_r, k): v for k, v in read_value.items()}
    if sorted(written) != sorted(read):
        yield pointer, key_w, key_r, sorted(written), sorted(read)
        return
    for key, item in written.items():
        if value_w.message_type is not None:
            yield from _differences(item, read[key], pointer)
        elif _plain(value_w, item) != _plain(read_field.message_type.fields_by_name["value"], read[key]):
            yield pointer, value_w, read_field.message_type.fields_by_name["value"], item, read[key]


def _group(field: FieldDescriptor) -> str:
    """Confluent's scalar groups (enums count as general numbers); messages are their own group."""
    from contractctl.formats.protobuf.diff import scalar_group

    name = _type_name(field)
    if name.startswith("enum "):
        return "GENERAL_NUMBER"
    if name.startswith("message "):
        return "MESSAGE"
    return scalar_group(name)


def _is_lossy(written: FieldDescriptor, read: FieldDescriptor) -> bool:
    """A change Confluent accepts on purpose: same wire group, but another type, label or closed enum."""
    if _group(written) != _group(read):
        return False
    if _type_name(written) != _type_name(read) or _is_repeated(written) != _is_repeated(read):
        return True
    return written.type == written.TYPE_ENUM and bool(getattr(read.enum_type, "is_closed", False))


_GROUP_NOTE = " (in a proto2 group, which Confluent's diff does not compare)"


def _through_group(message: Descriptor, pointer: str) -> bool:
    """Whether the field at `pointer` (`#/Msg/<number>/...`) is a group or lies inside one: Confluent's
    verdict does not see such fields, so whatever they lose is its blind spot, not the engine's."""
    for number in pointer.split("/")[2:]:
        field = message.fields_by_number.get(int(number)) if message is not None else None
        if field is None:
            return False
        if field.type == field.TYPE_GROUP:
            return True
        message = field.message_type
    return False


def _message_pairs(
    reader: ProtobufSchema, writer: ProtobufSchema
) -> Iterator[tuple[Descriptor, Descriptor, str]]:
    """Top-level messages of the writer with their namesake in the reader (matched by simple name)."""
    reader_package = reader.compiled.file.package
    reader_names = {m.name for m in reader.compiled.file.message_type}
    writer_package = writer.compiled.file.package
    for message in writer.compiled.file.message_type:
        if message.name not in reader_names:
            continue
        written = writer.pool.FindMessageTypeByName(f"{writer_package}.{message.name}".lstrip("."))
        read = reader.pool.FindMessageTypeByName(f"{reader_package}.{message.name}".lstrip("."))
        yield written, read, f"#/{message.name}"


def prove(reader: ProtobufSchema, writer: ProtobufSchema, samples: int, seed: int) -> list[ProofIssue]:
    from google.protobuf.message import DecodeError, EncodeError
    from google.protobuf.message_factory import GetMessageClass

    rng = random.Random(seed)
    issues: dict[tuple[str | None, bool], ProofIssue] = {}
    for written_type, read_type, path in _message_pairs(reader, writer):
        writer_class = GetMessageClass(written_type)
        reader_class = GetMessageClass(read_type)
        for _ in range(samples):
            state = rng.getstate()
            message = writer_class()
            _Generator(rng, unsafe_bytes=True).fill(message, 0)
            try:
                data = message.SerializeToString()
            except EncodeError:
                continue  # a required field the generator could not reach (deep recursion)
            decoded = reader_class()
            try:
                decoded.MergeFromString(data)
            except DecodeError as error:
                clean = random.Random()
                clean.setstate(state)
                safe = writer_class()
                _Generator(clean, unsafe_bytes=False).fill(safe, 0)
                lossy = _parses(reader_class, safe.SerializeToString())
                issues.setdefault(
                    (path, lossy),
                    ProofIssue(
                        lossy,
                        f"data written with the writer schema fails to parse with the reader: {error}"
                        + (" (invalid UTF-8 read as string)" if lossy else ""),
                        str(message)[:200].replace("\n", " "),
                        path,
                    ),
                )
                continue
            for pointer, written_field, read_field, before, after in _differences(message, decoded, path):
                grouped = _through_group(written_type, pointer) or _through_group(read_type, pointer)
                lossy = grouped or _is_lossy(written_field, read_field)
                issues.setdefault(
                    (pointer, lossy),
                    ProofIssue(
                        lossy,
                        f"field {written_field.name} ({_type_name(written_field)}) written as {before!r} "
                        f"reads as {after!r} through {read_field.name} ({_type_name(read_field)})"
                        + (_GROUP_NOTE if grouped else ""),
                        repr(before),
                        pointer,
                    ),
                )
    return list(issues.values())


def _parses(reader_class: Any, data: bytes) -> bool:
    from google.protobuf.message import DecodeError

    try:
        reader_class().MergeFromString(data)
    except DecodeError:
        return False
    return True
