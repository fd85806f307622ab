"""Confluent Schema Registry's Protobuf diff (protobuf-provider .../diff), re-derived on our views.

`compare(original, update)` returns the differences Confluent's SchemaDiff.compare reports, with the same
types and `#/...` paths; a pair is compatible when every type is in COMPATIBLE_CHANGES. For a level
check, `original` is the schema the data was written with and `update` the one reading it.

Two rule sets for oneofs, because registries in the field answer differently:

* ``current``: since commit 3f5ff24387e (DGS-24604, 2026-06-19), first released in 7.5.16, 7.6.13,
  7.7.11, 7.8.10, 7.9.9, 8.0.7, 8.1.5, 8.2.3, 8.3.0, 8.4.0 and 8.5.0. Fields are matched by tag across
  the whole message whatever oneof they are in; new mutual exclusivity is incompatible; moving a
  field out of a oneof is ONEOF_FIELD_MOVED_TO_TOP_LEVEL (compatible).
* ``legacy``: every older patch release. Oneofs are matched by name, a top-level field moved into a
  oneof drops out of the comparison, and a field leaving a oneof is ONEOF_FIELD_REMOVED + FIELD_ADDED.

Where Confluent iterates a Java HashSet (message, enum and oneof names) the order here is sorted; the
differences are the same multiset.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from contractctl.formats.protobuf.model import (
    EnumView,
    FieldView,
    MapOf,
    MessageView,
    Named,
    Scalar,
    SchemaView,
    TypeInfo,
    TypeRef,
)

OneofRules = Literal["current", "legacy"]

DIFFERENCE_TYPES = (
    "PACKAGE_CHANGED",
    "MESSAGE_ADDED",
    "MESSAGE_REMOVED",
    "MESSAGE_MOVED",
    "ENUM_ADDED",
    "ENUM_REMOVED",
    "ENUM_CONST_ADDED",
    "ENUM_CONST_CHANGED",
    "ENUM_CONST_REMOVED",
    "FIELD_ADDED",
    "FIELD_REMOVED",
    "FIELD_NAME_CHANGED",
    "FIELD_KIND_CHANGED",
    "FIELD_SCALAR_KIND_CHANGED",
    "FIELD_NAMED_TYPE_CHANGED",
    "FIELD_NUMERIC_LABEL_CHANGED",
    "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
    "REQUIRED_FIELD_ADDED",
    "REQUIRED_FIELD_REMOVED",
    "ONEOF_ADDED",
    "ONEOF_REMOVED",
    "ONEOF_FIELD_ADDED",
    "ONEOF_FIELD_REMOVED",
    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
    "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
    "FIELD_MOVED_TO_EXISTING_ONEOF",
)

_COMPATIBLE_ALWAYS = frozenset(
    {
        "MESSAGE_ADDED",
        "MESSAGE_MOVED",
        "ENUM_ADDED",
        "ENUM_REMOVED",
        "ENUM_CONST_ADDED",
        "ENUM_CONST_CHANGED",
        "ENUM_CONST_REMOVED",
        "FIELD_ADDED",
        "FIELD_REMOVED",
        "FIELD_NAME_CHANGED",
        "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
        "ONEOF_ADDED",
        "ONEOF_REMOVED",
        "ONEOF_FIELD_ADDED",
    }
)
COMPATIBLE_CHANGES = {
    "current": _COMPATIBLE_ALWAYS | {"ONEOF_FIELD_MOVED_TO_TOP_LEVEL"},
    "legacy": _COMPATIBLE_ALWAYS,
}

_SCALAR_GROUPS = {
    "int32": "GENERAL_NUMBER",
    "int64": "GENERAL_NUMBER",
    "uint32": "GENERAL_NUMBER",
    "uint64": "GENERAL_NUMBER",
    "bool": "GENERAL_NUMBER",
    "sint32": "SIGNED_NUMBER",
    "sint64": "SIGNED_NUMBER",
    "string": "STRING_OR_BYTES",
    "bytes": "STRING_OR_BYTES",
    "fixed32": "FIXED32",
    "sfixed32": "FIXED32",
    "fixed64": "FIXED64",
    "sfixed64": "FIXED64",
    "float": "FLOAT",
    "double": "DOUBLE",
}


@dataclass(frozen=True)
class Difference:
    type: str
    path: str  # Confluent's "#/Msg/3" form
    detail: str  # what changed, in words, for the finding's message


class _Context:
    """The walk's state: where we are (path), what we found, which messages are being compared."""

    def __init__(self, original: SchemaView, update: SchemaView, rules: OneofRules) -> None:
        self.original = original
        self.update = update
        self.rules: OneofRules = rules
        self.path: list[str] = []
        self.found: list[Difference] = []
        self.active: set[int] = set()  # ids of original messages under comparison (cycle guard)

    def sub(self, root: str) -> _Context:
        child = _Context(self.original, self.update, self.rules)
        child.path = root.split(".")
        child.active = set(self.active)
        return child

    @contextmanager
    def at(self, *segments: str) -> Iterator[None]:
        self.path.extend(segments)
        try:
            yield
        finally:
            del self.path[len(self.path) - len(segments) :]

    def add(self, kind: str, detail: str) -> None:
        self.found.append(Difference(kind, "#/" + "/".join(self.path), detail))

    def compatible(self) -> bool:
        allowed = COMPATIBLE_CHANGES[self.rules]
        return all(d.type in allowed for d in self.found)


def compare(original: SchemaView, update: SchemaView, rules: OneofRules = "current") -> list[Difference]:
    ctx = _Context(original, update, rules)
    if original.file.package != update.file.package:
        ctx.add(
            "PACKAGE_CHANGED",
            f"package {original.file.package or '(none)'} became {update.file.package or '(none)'}",
        )
    _compare_types(ctx, original.file.messages, original.file.enums, update.file.messages, update.file.enums)
    return ctx.found


def _compare_types(
    ctx: _Context,
    original_messages: list[MessageView],
    original_enums: list[EnumView],
    update_messages: list[MessageView],
    update_enums: list[EnumView],
) -> None:
    before = {m.name: (i, m) for i, m in enumerate(original_messages)}
    after = {m.name: (i, m) for i, m in enumerate(update_messages)}
    for name in sorted(before.keys() | after.keys()):
        with ctx.at(name):
            if name not in after:
                ctx.add("MESSAGE_REMOVED", f"message {before[name][1].full_name} was removed")
            elif name not in before:
                ctx.add("MESSAGE_ADDED", f"message {after[name][1].full_name} was added")
            else:
                _compare_messages(ctx, before[name][1], after[name][1])
                if before[name][0] != after[name][0]:
                    ctx.add(
                        "MESSAGE_MOVED",
                        f"message {name} moved from position {before[name][0]} to {after[name][0]}",
                    )
    old_enums = {e.name: e for e in original_enums}
    new_enums = {e.name: e for e in update_enums}
    for name in sorted(old_enums.keys() | new_enums.keys()):
        with ctx.at(name):
            if name not in new_enums:
                ctx.add("ENUM_REMOVED", f"enum {old_enums[name].full_name} was removed")
            elif name not in old_enums:
                ctx.add("ENUM_ADDED", f"enum {new_enums[name].full_name} was added")
            else:
                _compare_enums(ctx, old_enums[name], new_enums[name])


def _compare_enums(ctx: _Context, original: EnumView, update: EnumView) -> None:
    for number in sorted(original.values.keys() | update.values.keys()):
        with ctx.at(str(number)):
            if number not in update.values:
                ctx.add(
                    "ENUM_CONST_REMOVED", f"{original.name}.{original.values[number]} = {number} was removed"
                )
            elif number not in original.values:
                ctx.add("ENUM_CONST_ADDED", f"{update.name}.{update.values[number]} = {number} was added")
            elif original.values[number] != update.values[number]:
                ctx.add(
                    "ENUM_CONST_CHANGED",
                    f"{original.name} value {number} renamed "
                    f"{original.values[number]} -> {update.values[number]}",
                )


def _describe(message: MessageView, field: FieldView) -> str:
    where = f"oneof {field.oneof} of " if field.oneof else ""
    return f"field {field.name} = {field.number} in {where}message {message.full_name}"


def _compare_messages(ctx: _Context, original: MessageView, update: MessageView) -> None:
    if id(original) not in ctx.active:
        ctx.active.add(id(original))
        try:
            if ctx.rules == "legacy":
                _compare_fields_legacy(ctx, original, update)
            else:
                _compare_fields(ctx, original, update)
        finally:
            ctx.active.discard(id(original))
    _compare_types(ctx, original.messages, original.enums, update.messages, update.enums)


def _all_fields(message: MessageView) -> dict[int, FieldView]:
    by_tag = {f.number: f for f in message.fields}
    for _name, members in message.oneofs:
        by_tag.update({f.number: f for f in members})
    return by_tag


def _compare_fields(ctx: _Context, original: MessageView, update: MessageView) -> None:
    """The current rules: one pass by tag over top-level fields and oneof members together."""
    old = _all_fields(original)
    new = _all_fields(update)
    old_oneofs = {name: members for name, members in original.oneofs}
    new_oneofs = {name: members for name, members in update.oneofs}
    deleted = {
        name
        for name, members in old_oneofs.items()
        if name not in new_oneofs and not any(f.number in new for f in members)
    }
    for name, members in update.oneofs:
        groups: set[str] = set()
        moved_top_level = 0
        for member in members:
            before = old.get(member.number)
            if before is None:
                continue
            if before.oneof is not None:
                groups.add(f"oneof:{before.oneof}")
            else:
                groups.add(f"field:{member.number}")
                moved_top_level += 1
        if len(groups) > 1:
            with ctx.at(name):
                if moved_top_level > 1:
                    ctx.add(
                        "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
                        f"oneof {name} of message {update.full_name} now makes {moved_top_level} "
                        "formerly independent fields mutually exclusive",
                    )
                else:
                    ctx.add(
                        "FIELD_MOVED_TO_EXISTING_ONEOF",
                        f"oneof {name} of message {update.full_name} gathers fields that were not exclusive",
                    )
    for name in sorted(old_oneofs.keys() | new_oneofs.keys()):
        with ctx.at(name):
            if name not in new_oneofs:
                ctx.add("ONEOF_REMOVED", f"oneof {name} of message {original.full_name} was removed")
            elif name not in old_oneofs:
                ctx.add("ONEOF_ADDED", f"oneof {name} was added to message {update.full_name}")
    for tag in sorted(old.keys() | new.keys()):
        before, after = old.get(tag), new.get(tag)
        if after is None:
            assert before is not None
            if before.oneof is not None:
                if before.oneof not in deleted:
                    with ctx.at(before.oneof, str(tag)):
                        ctx.add("ONEOF_FIELD_REMOVED", f"{_describe(original, before)} was removed")
            else:
                with ctx.at(str(tag)):
                    _removed(ctx, original, before)
        elif before is None:
            if after.oneof is not None:
                with ctx.at(after.oneof, str(tag)):
                    ctx.add("ONEOF_FIELD_ADDED", f"{_describe(update, after)} was added")
            else:
                with ctx.at(str(tag)):
                    _added(ctx, update, after)
        else:
            if before.oneof is not None and after.oneof is None:
                with ctx.at(str(tag)):
                    ctx.add(
                        "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
                        f"field {after.name} = {tag} moved out of oneof {before.oneof} of message "
                        f"{update.full_name}",
                    )
            segments = (after.oneof, str(tag)) if after.oneof is not None else (str(tag),)
            with ctx.at(*segments):
                _compare_field(ctx, update, before, after)


def _compare_fields_legacy(ctx: _Context, original: MessageView, update: MessageView) -> None:
    """The rules before DGS-24604: oneofs matched by name, moved fields dropped from the comparison."""
    old_top = {f.number: f for f in original.fields}
    new_top = {f.number: f for f in update.fields}
    old_members = {f.number: f for _name, members in original.oneofs for f in members}
    for name, members in update.oneofs:
        moved = existing = 0
        for member in members:
            if old_top.pop(member.number, None) is not None:
                moved += 1
            elif member.number in old_members:
                existing += 1
        with ctx.at(name):
            if moved > 1:
                ctx.add(
                    "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
                    f"oneof {name} of message {update.full_name} takes in {moved} top-level fields",
                )
            elif moved == 1 and existing > 0:
                ctx.add(
                    "FIELD_MOVED_TO_EXISTING_ONEOF",
                    f"a top-level field moved into the existing oneof {name} of message {update.full_name}",
                )
    old_oneofs = {name: members for name, members in original.oneofs}
    new_oneofs = {name: members for name, members in update.oneofs}
    for name in sorted(old_oneofs.keys() | new_oneofs.keys()):
        with ctx.at(name):
            if name not in new_oneofs:
                ctx.add("ONEOF_REMOVED", f"oneof {name} of message {original.full_name} was removed")
            elif name not in old_oneofs:
                ctx.add("ONEOF_ADDED", f"oneof {name} was added to message {update.full_name}")
            else:
                before_members = {f.number: f for f in old_oneofs[name]}
                after_members = {f.number: f for f in new_oneofs[name]}
                for tag in sorted(before_members.keys() | after_members.keys()):
                    with ctx.at(str(tag)):
                        if tag not in after_members:
                            ctx.add(
                                "ONEOF_FIELD_REMOVED",
                                f"{_describe(original, before_members[tag])} was removed",
                            )
                        elif tag not in before_members:
                            ctx.add("ONEOF_FIELD_ADDED", f"{_describe(update, after_members[tag])} was added")
                        else:
                            _compare_field(ctx, update, before_members[tag], after_members[tag])
    for tag in sorted(old_top.keys() | new_top.keys()):
        with ctx.at(str(tag)):
            if tag not in new_top:
                _removed(ctx, original, old_top[tag])
            elif tag not in old_top:
                _added(ctx, update, new_top[tag])
            else:
                _compare_field(ctx, update, old_top[tag], new_top[tag])


def _removed(ctx: _Context, message: MessageView, field: FieldView) -> None:
    kind = "REQUIRED_FIELD_REMOVED" if field.label == "required" else "FIELD_REMOVED"
    ctx.add(kind, f"{_describe(message, field)} was removed")


def _added(ctx: _Context, message: MessageView, field: FieldView) -> None:
    kind = "REQUIRED_FIELD_ADDED" if field.label == "required" else "FIELD_ADDED"
    ctx.add(kind, f"{_describe(message, field)} was added")


def _compare_field(ctx: _Context, update: MessageView, before: FieldView, after: FieldView) -> None:
    what = _describe(update, after)
    if before.name != after.name:
        ctx.add("FIELD_NAME_CHANGED", f"field {after.number} renamed {before.name} -> {after.name}")
    _compare_types_of(ctx, what, before.label, after.label, before.type, after.type)


def _kind(view: SchemaView, ref: TypeRef) -> str:
    if isinstance(ref, Scalar):
        return "SCALAR"
    if isinstance(ref, MapOf):
        return "MAP"
    info = view.types.get(ref.full_name)
    return "SCALAR" if info is not None and isinstance(info.view, EnumView) else "MESSAGE"


def _spell(ref: TypeRef) -> str:
    if isinstance(ref, Scalar):
        return ref.name
    if isinstance(ref, MapOf):
        return f"map<{_spell(ref.key)}, {_spell(ref.value)}>"
    return ref.full_name


def _compare_types_of(
    ctx: _Context,
    what: str,
    before_label: str | None,
    after_label: str | None,
    before: TypeRef,
    after: TypeRef,
) -> None:
    old_kind, new_kind = _kind(ctx.original, before), _kind(ctx.update, after)
    change = f"{_spell(before)} -> {_spell(after)}"
    if old_kind != new_kind:
        ctx.add("FIELD_KIND_CHANGED", f"{what}: {old_kind.lower()} became {new_kind.lower()} ({change})")
    elif old_kind == "SCALAR":
        old_group = _scalar_group(ctx.original, before)
        new_group = _scalar_group(ctx.update, after)
        if old_group != new_group:
            ctx.add("FIELD_SCALAR_KIND_CHANGED", f"{what}: {change} crosses wire-compatible groups")
        elif before_label is not None and after_label is not None and before_label != after_label:
            kind = (
                "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
                if old_group == "STRING_OR_BYTES"
                else ("FIELD_NUMERIC_LABEL_CHANGED")
            )
            ctx.add(kind, f"{what}: label {before_label} became {after_label}")
    elif old_kind == "MESSAGE":
        assert isinstance(before, Named) and isinstance(after, Named)
        _compare_message_types(ctx, what, before, after)
    else:
        assert isinstance(before, MapOf) and isinstance(after, MapOf)
        _compare_types_of(ctx, what + " (map key)", None, None, before.key, after.key)
        _compare_types_of(ctx, what + " (map value)", None, None, before.value, after.value)


def scalar_group(name: str) -> str:
    """The wire-compatible group of one of the 15 scalar types."""
    return _SCALAR_GROUPS[name]


def _scalar_group(view: SchemaView, ref: TypeRef) -> str:
    if isinstance(ref, Named):
        return "GENERAL_NUMBER"  # an enum
    assert isinstance(ref, Scalar)
    return _SCALAR_GROUPS[ref.name]


def _local_name(full_name: str, info: TypeInfo) -> str:
    prefix = f"{info.package}." if info.package else ""
    return full_name[len(prefix) :] if prefix and full_name.startswith(prefix) else full_name


def _compare_message_types(ctx: _Context, what: str, before: Named, after: Named) -> None:
    old_info = ctx.original.types.get(before.full_name)
    new_info = ctx.update.types.get(after.full_name)
    if old_info is None or new_info is None:
        if before.full_name != after.full_name:
            ctx.add("FIELD_NAMED_TYPE_CHANGED", f"{what}: type {before.full_name} -> {after.full_name}")
        return
    old_local = _local_name(before.full_name, old_info)
    new_local = _local_name(after.full_name, new_info)
    if old_local != new_local:
        ctx.add("FIELD_NAMED_TYPE_CHANGED", f"{what}: type {before.full_name} -> {after.full_name}")
        return
    same_source = (
        old_info.origin is not None and new_info.origin is not None and old_info.origin == new_info.origin
    )
    if same_source:
        return
    assert isinstance(old_info.view, MessageView) and isinstance(new_info.view, MessageView)
    sub = ctx.sub(old_local)
    _compare_messages(sub, old_info.view, new_info.view)
    ctx.found.extend(sub.found)
    if not sub.compatible():
        ctx.add(
            "FIELD_NAMED_TYPE_CHANGED",
            f"{what}: message {old_local} changed incompatibly between the two versions of its definition",
        )
