"""Protobuf: what changed between two versions of a contract, in words a release note can use.

Fields are matched by number across the whole message (oneof members included), as Confluent matches
them; a field whose number changed while its name stayed is reported as such. Types defined by a
referenced contract are followed through the fields that use them, so a change there shows up where
this contract uses it (`Shipment.destination.city`). Reserved numbers and names come from the compiled
descriptors, which the diff views leave out. Whether a change is breaking is read from Confluent's
difference list (ProtobufFormat.differences, both directions the level checks), matched by path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Union

from contractctl.formats import get_format
from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema
from contractctl.formats.protobuf.diff import COMPATIBLE_CHANGES
from contractctl.formats.protobuf.model import EnumView, FieldView, MapOf, MessageView, Named, Scalar, TypeRef
from contractctl.formats.vocabulary.change import Change
from contractctl.formats.vocabulary.markup import code, names
from contractctl.model import SchemaType

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import DescriptorProto, EnumDescriptorProto, FileDescriptorProto

Anchor = tuple[tuple[str, ...], Union[int, None]]  # noqa: UP007 (a runtime alias)
_MAX_FIELD = 536870911
_MAX_ENUM = 2147483647


def _all_fields(message: MessageView) -> dict[int, FieldView]:
    fields = {f.number: f for f in message.fields}
    for _name, members in message.oneofs:
        fields.update({f.number: f for f in members})
    return fields


def _descriptors(file: FileDescriptorProto) -> dict[str, DescriptorProto | EnumDescriptorProto]:
    """Message and enum descriptors by full name (no leading dot), for what the views leave out."""
    out: dict[str, DescriptorProto | EnumDescriptorProto] = {}

    def walk(messages: Iterable[DescriptorProto], enums: Iterable[EnumDescriptorProto], scope: str) -> None:
        for enum in enums:
            out[f"{scope}{enum.name}"] = enum
        for message in messages:
            out[f"{scope}{message.name}"] = message
            walk(message.nested_type, message.enum_type, f"{scope}{message.name}.")

    walk(file.message_type, file.enum_type, f"{file.package}." if file.package else "")
    return out


def _reserved(descriptor: DescriptorProto | EnumDescriptorProto | None, enum: bool) -> set[str]:
    """Reserved ranges and names as display texts (`4`, `6 to 9`, `100 to max`, `"old_name"`)."""
    if descriptor is None:
        return set()
    out: set[str] = set()
    for item in descriptor.reserved_range:
        last = item.end if enum else item.end - 1  # enum ranges are inclusive, message ranges are not
        top = _MAX_ENUM if enum else _MAX_FIELD
        if last == item.start:
            out.add(str(item.start))
        else:
            out.add(f"{item.start} to {'max' if last >= top else last}")
    out.update(f'"{name}"' for name in descriptor.reserved_name)
    return out


def _sort_key(text: str) -> tuple[int, int, str]:
    head = text.split(" ", 1)[0]
    return (0, int(head), text) if head.isdigit() else (1, 0, text)


class ProtobufDiff:
    """One comparison; `directions` holds "backward" and/or "forward" (what the level checks)."""

    def __init__(self, old: ProtobufSchema, new: ProtobufSchema, directions: frozenset[str]) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self._package = new.view.file.package or ""
        self._old_descriptors = _descriptors(old.compiled.file)
        self._new_descriptors = _descriptors(new.compiled.file)
        self._visited: set[str] = set()
        self._breaking = self._incompatible_anchors(directions)

    def _incompatible_anchors(self, directions: frozenset[str]) -> set[Anchor]:
        """Where Confluent reports an incompatible difference: (message path, field number or None)."""
        schema_format = get_format(SchemaType.PROTOBUF)
        assert isinstance(schema_format, ProtobufFormat)
        allowed = COMPATIBLE_CHANGES[schema_format.oneof_rules]
        found: list[tuple[str, str]] = []
        if "backward" in directions:
            found += schema_format.differences(self.old, self.new)
        if "forward" in directions:
            found += schema_format.differences(self.new, self.old)
        anchors: set[Anchor] = set()
        for kind, path in found:
            if kind in allowed:
                continue
            segments = tuple(s for s in path.removeprefix("#").split("/") if s)
            if segments and segments[-1].isdigit():
                rest, number = segments[:-1], int(segments[-1])
                anchors.add((rest, number))
                anchors.add((rest[:-1], number))  # the last segment may be a oneof's name
            else:
                anchors.add((segments, None))
        return anchors

    def _is_breaking(self, *anchors: Anchor) -> bool:
        return any(anchor in self._breaking for anchor in anchors)

    def _add(self, kind: str, element: str, detail: str, *anchors: Anchor) -> None:
        self.changes.append(Change(kind, element, detail, self._is_breaking(*anchors)))

    def run(self) -> list[Change]:
        old_file, new_file = self.old.view.file, self.new.view.file
        if old_file.package != new_file.package:
            detail = f"{code(old_file.package or '(none)')} -> {code(new_file.package or '(none)')}"
            self._add("package-changed", "package", detail, ((), None))
        self._messages((), old_file.messages, new_file.messages)
        self._enums((), old_file.enums, new_file.enums)
        return self.changes

    # -- types -----------------------------------------------------------------------------------------

    def _spell(self, ref: TypeRef) -> str:
        if isinstance(ref, Scalar):
            return ref.name
        if isinstance(ref, MapOf):
            return f"map<{self._spell(ref.key)}, {self._spell(ref.value)}>"
        prefix = f"{self._package}." if self._package else ""
        return ref.full_name.removeprefix(prefix) if prefix else ref.full_name

    def _type_text(self, field: FieldView) -> str:
        spelled = self._spell(field.type)
        return f"{field.label} {spelled}" if field.label else spelled

    def _summary(self, field: FieldView) -> str:
        where = f" in oneof {code(field.oneof)}" if field.oneof else ""
        return f"{code(self._type_text(field))}{where}"

    # -- messages ---------------------------------------------------------------------------------------

    def _signature(self, message: MessageView) -> tuple[tuple[int, str], ...]:
        return tuple(sorted((n, self._type_text(f)) for n, f in _all_fields(message).items()))

    def _messages(
        self, scope: tuple[str, ...], olds: Sequence[MessageView], news: Sequence[MessageView]
    ) -> None:
        before = {m.name: m for m in olds}
        after = {m.name: m for m in news}
        removed = [m for m in olds if m.name not in after]
        renamed: dict[str, MessageView] = {}  # new name -> old message with the same fields
        for message in news:
            if message.name in before or not _all_fields(message):
                continue
            same = [m for m in removed if self._signature(m) == self._signature(message)]
            if len(same) == 1 and same[0] not in renamed.values():
                renamed[message.name] = same[0]
        for message in news:
            path = (*scope, message.name)
            element = f"message {code('.'.join(path))}"
            if message.name in before:
                self._message(path, ".".join(path), before[message.name], message, nested=True)
            elif message.name in renamed:
                old = renamed[message.name]
                old_path = (*scope, old.name)
                self._add(
                    "renamed",
                    element,
                    f"{code('.'.join(old_path))} -> {code('.'.join(path))}",
                    (old_path, None),
                )
                self._message(path, ".".join(path), old, message, nested=True)
            else:
                count = len(_all_fields(message))
                detail = f"{count} field{'s' if count != 1 else ''}"
                self._add("added", element, detail, (path, None))
        for message in removed:
            if message in renamed.values():
                continue
            path = (*scope, message.name)
            self._add("removed", f"message {code('.'.join(path))}", "with all its fields", (path, None))

    def _message(
        self, anchor: tuple[str, ...], display: str, old: MessageView, new: MessageView, nested: bool
    ) -> None:
        """Fields (by number), oneofs and reserved; nested types too unless this is a referenced type."""
        old_fields, new_fields = _all_fields(old), _all_fields(new)
        by_name = {f.name: n for n, f in old_fields.items() if n not in new_fields}
        renumbered = {  # new number -> old number, for a field that kept its name
            n: by_name[f.name] for n, f in new_fields.items() if n not in old_fields and f.name in by_name
        }
        for number in sorted(old_fields.keys() | new_fields.keys()):
            before, after = old_fields.get(number), new_fields.get(number)
            if after is not None:
                element = f"field {number} {code(f'{display}.{after.name}')}"
                if before is not None:
                    self._field(anchor, display, element, before, after)
                elif number in renumbered:
                    previous = old_fields[renumbered[number]]
                    was = renumbered[number]
                    detail = f"{was} -> {number}: data written as field {was} is no longer read into it"
                    self._add(
                        "number-changed", element, detail, (anchor, renumbered[number]), (anchor, number)
                    )
                    self._field(anchor, display, element, previous, after)
                else:
                    self._add("added", element, self._summary(after), (anchor, number))
            elif before is not None and number not in renumbered.values():
                element = f"field {number} {code(f'{display}.{before.name}')}"
                self._add("removed", element, self._summary(before), (anchor, number))
        old_oneofs = {name: members for name, members in old.oneofs}
        new_oneofs = {name: members for name, members in new.oneofs}
        for name in [n for n, _ in new.oneofs if n not in old_oneofs]:
            members = names([f.name for f in new_oneofs[name]])
            self._add(
                "added", f"oneof {code(f'{display}.{name}')}", f"members {members}", ((*anchor, name), None)
            )
        for name in [n for n, _ in old.oneofs if n not in new_oneofs]:
            members = names([f.name for f in old_oneofs[name]])
            self._add(
                "removed", f"oneof {code(f'{display}.{name}')}", f"members {members}", ((*anchor, name), None)
            )
        if nested:
            self._reserved(f"message {code(display)}", old.full_name, new.full_name, enum=False)
            self._messages(anchor, old.messages, new.messages)
            self._enums(anchor, old.enums, new.enums)

    def _field(
        self, anchor: tuple[str, ...], display: str, element: str, old: FieldView, new: FieldView
    ) -> None:
        here = (anchor, old.number), (anchor, new.number)
        if old.name != new.name:
            self._add("renamed", element, f"{code(old.name)} -> {code(new.name)}", *here)
        if self._type_text(old) != self._type_text(new):
            self._add(
                "type-changed",
                element,
                f"{code(self._type_text(old))} -> {code(self._type_text(new))}",
                *here,
            )
        if old.oneof != new.oneof:
            if old.oneof is None:
                detail = f"moved into oneof {code(str(new.oneof))}"
            elif new.oneof is None:
                detail = f"moved out of oneof {code(old.oneof)}"
            else:
                detail = f"moved from oneof {code(old.oneof)} to {code(new.oneof)}"
            groups = [((*anchor, name), None) for name in (old.oneof, new.oneof) if name is not None]
            self._add("oneof-changed", element, detail, *here, *groups)
        if isinstance(old.type, Named) and isinstance(new.type, Named) and old.type == new.type:
            self._referenced(f"{display}.{new.name}", old.type.full_name)

    def _referenced(self, display: str, full_name: str) -> None:
        """A type from a referenced contract: its changes, shown where this contract uses it."""
        old_info = self.old.view.types.get(full_name)
        new_info = self.new.view.types.get(full_name)
        if old_info is None or new_info is None or full_name in self._visited:
            return
        if new_info.origin in ("local", None) or old_info.origin in ("local", None):
            return  # local types are reported as themselves; built-ins do not change
        self._visited.add(full_name)
        prefix = f"{new_info.package}." if new_info.package else ""
        anchor = tuple(full_name.removeprefix(prefix).split("."))
        if isinstance(old_info.view, MessageView) and isinstance(new_info.view, MessageView):
            self._message(anchor, display, old_info.view, new_info.view, nested=False)
        elif isinstance(old_info.view, EnumView) and isinstance(new_info.view, EnumView):
            # named as itself, then where this contract uses it (the field's name is not the enum's)
            element = f"enum {code('.'.join(anchor))} (field {code(display)})"
            self._enum_values(anchor, element, old_info.view, new_info.view)

    # -- enums and reserved ----------------------------------------------------------------------------

    def _enums(self, scope: tuple[str, ...], olds: Sequence[EnumView], news: Sequence[EnumView]) -> None:
        before = {e.name: e for e in olds}
        after = {e.name: e for e in news}
        for enum in news:
            path = (*scope, enum.name)
            element = f"enum {code('.'.join(path))}"
            if enum.name not in before:
                values = names([enum.values[n] for n in sorted(enum.values)])
                self._add("added", element, f"values {values}", (path, None))
                continue
            self._enum_values(path, element, before[enum.name], enum)
            self._reserved(element, before[enum.name].full_name, enum.full_name, enum=True)
        for enum in olds:
            if enum.name not in after:
                path = (*scope, enum.name)
                self._add("removed", f"enum {code('.'.join(path))}", "with all its values", (path, None))

    def _enum_values(self, anchor: tuple[str, ...], element: str, old: EnumView, new: EnumView) -> None:
        added = [n for n in sorted(new.values) if n not in old.values]
        removed = [n for n in sorted(old.values) if n not in new.values]
        if added:
            detail = ", ".join(f"{code(new.values[n])} = {n}" for n in added)
            self._add("symbols-added", element, detail, *((anchor, n) for n in added))
        if removed:
            detail = ", ".join(f"{code(old.values[n])} = {n}" for n in removed)
            self._add("symbols-removed", element, detail, *((anchor, n) for n in removed))
        for number in sorted(old.values.keys() & new.values.keys()):
            if old.values[number] != new.values[number]:
                detail = f"value {number}: {code(old.values[number])} -> {code(new.values[number])}"
                self._add("renamed", element, detail, (anchor, number))

    def _reserved(self, element: str, old_name: str, new_name: str, enum: bool) -> None:
        before = _reserved(self._old_descriptors.get(old_name), enum)
        after = _reserved(self._new_descriptors.get(new_name), enum)
        if after - before:
            self.changes.append(Change("reserved-added", element, _reserved_text(after - before), False))
        if before - after:
            self.changes.append(Change("reserved-removed", element, _reserved_text(before - after), False))


def _reserved_text(items: set[str]) -> str:
    return ", ".join(code(item) for item in sorted(items, key=_sort_key))


def diff_protobuf(old: ProtobufSchema, new: ProtobufSchema, directions: frozenset[str]) -> list[Change]:
    """Every change from `old` to `new`; `directions` says which compatibility directions count."""
    return ProtobufDiff(old, new, directions).run()
