"""What a compiled file shows the files importing it: the part of its descriptor protoc reads when it
compiles an importer, so that an importer compiled against one import state is known to compile alike
against another whose interfaces are equal (see `Compiler._reuse`).

protoc compiles a file against a descriptor pool of its imports, transitively. What it reads there:

- names, to resolve the importer's type and option names (scope by scope, skipping a symbol that is
  not of the kind looked for or not visible) and to refuse a name defined twice (pool-wide); a field,
  oneof or method is named under its message or service, which no importer's name can reach without
  failing either way, so those are left out;
- each type's kind (a referenced type's kind fixes the field's type), whether a message is a map entry,
  its extension ranges and MessageSet format (an importer's `extend`), an enum's first number (a closed
  enum as a map value must start at 0) and whether it is closed (the defining file's syntax);
- enum values' names (a `default =` names one; C++ scoping puts them in the enum's parent scope, where
  they can collide with an importer's package or names): kept apart, see `Face`;
- extensions: name, extendee, number, label and type (one number per extendee, pool-wide; a custom
  option's value is checked and encoded by them); an option typed by a message, group or enum reads
  that type's fields or values, which no interface holds (`Face.typed_options`);
- the imports of each file with which of them are public (what the importer can see) and whether the
  file is built for the lite runtime (a non-lite file cannot import a lite one).

Only successes are shared, so an interface must decide whether the importer compiles and what it
compiles to, not protoc's words when it does not. A file using editions (features decide enum
closedness and more) or a weak import has no interface: its importers are compiled as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from contractctl.formats.protobuf.outline import tokens

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import (
        DescriptorProto,
        EnumDescriptorProto,
        FieldDescriptorProto,
        FileDescriptorProto,
    )

Interface = tuple[object, ...]

# the field types of an extension whose values an option gives in terms of other definitions
_TYPED = (11, 10, 14)  # TYPE_MESSAGE, TYPE_GROUP, TYPE_ENUM
_BEYOND_INTERFACE = frozenset(("weak", "edition"))  # words no interface can answer for


@dataclass(frozen=True)
class Face:
    """A compiled file's interface, in parts (see the module docstring).

    `names`: everything but enum values' names; `values`: those names, which an importer reads only
    for a `default =` or when its package is or lies within the package of a top-level enum (`C++
    scoping` puts the values there, where they can collide with the importer's package or names):
    `value_packages` says which packages those are. `typed_options`: an extension typed by a message,
    group or enum, whose value in an option reads that type's fields or values, which no interface
    holds.
    """

    names: Interface
    values: Interface
    value_packages: frozenset[str]
    typed_options: bool


def interface(file: FileDescriptorProto) -> Face | None:
    """The interface of a compiled file; None: editions or weak imports."""
    if file.syntax not in ("", "proto2", "proto3") or file.weak_dependency:
        return None
    symbols: list[tuple[object, ...]] = []
    values: list[tuple[str, tuple[str, ...]]] = []
    prefix = f"{file.package}." if file.package else ""
    for message in file.message_type:
        _message(prefix, message, symbols, values)
    for enum in file.enum_type:
        _enum(prefix, enum, symbols, values)
    if file.extension:
        symbols.extend(_extension(prefix, extension) for extension in file.extension)
    if file.service:
        symbols.extend((f"{prefix}{service.name}", "service") for service in file.service)
    names = (
        file.name,
        file.package,
        file.syntax,
        file.options.optimize_for,
        tuple(file.dependency),
        tuple(file.public_dependency),
        tuple(symbols),
    )
    typed = any(symbol[1] == "extension" and symbol[5] in _TYPED for symbol in symbols)
    packages = frozenset((file.package,)) if any(e.value for e in file.enum_type) else frozenset()
    return Face(names, tuple(values), packages, typed)


def _message(
    prefix: str,
    message: DescriptorProto,
    out: list[tuple[object, ...]],
    values: list[tuple[str, tuple[str, ...]]],
) -> None:
    # a Compiler reads the interface of every file of every import state (tens of thousands on a long
    # history): parts a message lacks (options, extension ranges, extensions) are not walked
    name = f"{prefix}{message.name}"
    if message.HasField("options"):
        options = message.options
        map_entry, message_set = options.map_entry, options.message_set_wire_format
    else:
        map_entry = message_set = False
    ranges: tuple[tuple[int, int, bytes], ...] = ()
    if message.extension_range:
        ranges = tuple(
            (r.start, r.end, r.options.SerializeToString(deterministic=True)) for r in message.extension_range
        )
    out.append((name, "message", map_entry, message_set, ranges))
    inner = f"{name}."
    for nested in message.nested_type:
        _message(inner, nested, out, values)
    for enum in message.enum_type:
        _enum(inner, enum, out, values)
    if message.extension:
        out.extend(_extension(inner, extension) for extension in message.extension)


def _enum(
    prefix: str,
    enum: EnumDescriptorProto,
    out: list[tuple[object, ...]],
    values: list[tuple[str, tuple[str, ...]]],
) -> None:
    name = f"{prefix}{enum.name}"
    found = enum.value
    out.append((name, "enum", found[0].number if found else None))
    values.append((name, tuple([value.name for value in found])))


def _extension(prefix: str, extension: FieldDescriptorProto) -> tuple[object, ...]:
    return (
        f"{prefix}{extension.name}",
        "extension",
        extension.extendee,
        extension.number,
        extension.label,
        extension.type,
        extension.type_name,
    )


@dataclass(frozen=True)
class Reading:
    """What a text reads of its imports beyond their names (see `reading`)."""

    options: bool  # a custom option: an extension's definition
    default: bool  # a `default =`, perhaps an imported enum's value


def reading(text: str) -> Reading | None:
    """What a file's descriptor (and whether it compiles) reads of its imports beyond their names, from
    its tokens (a word in a comment does not count; a field named `default` does, which is only too
    careful). A parenthesis other than an rpc's request and response opens a custom option's name.
    None: a weak import or an edition, which no interface answers for."""
    words = tokens(text)
    options = default = False
    for index, token in enumerate(words):
        if token in _BEYOND_INTERFACE:
            return None
        if token == "default":
            default = True
        elif token == "(" and not options:
            rpc_request = index >= 2 and words[index - 2] == "rpc"
            options = not rpc_request and not (index >= 1 and words[index - 1] == "returns")
    return Reading(options, default)
