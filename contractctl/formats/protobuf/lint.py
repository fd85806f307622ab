"""Lint rules over a compiled Protobuf contract: descriptors for structure, source_code_info for lines
and comments, the source text for `// contractctl:ignore` directives.

Pointers are Confluent paths (`#/Msg`, `#/Msg/3`, `#/Enum/0`), as ProtobufSchema.locate reads them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contractctl.formats.protobuf import ProtobufSchema
from contractctl.formats.protobuf.findings import reserve_hint
from contractctl.formats.vocabulary.lint import Emitter, follows_case, to_case
from contractctl.model import SourcePosition

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import DescriptorProto, EnumDescriptorProto

# descriptor.proto field numbers used in SourceCodeInfo paths.
_FILE_PACKAGE, _FILE_MESSAGE, _FILE_ENUM = 2, 4, 5
_MESSAGE_FIELD, _MESSAGE_NESTED, _MESSAGE_ENUM, _MESSAGE_ONEOF = 2, 3, 4, 8
_ENUM_VALUE = 2
_TYPE_GROUP = 10

# `// contractctl:ignore naming, docs -- optional reason`: ids are comma-separated; text after them is free.
_DIRECTIVE = re.compile(r"//[ \t]*contractctl:ignore\b[ \t:]*(?P<ids>[\w/-]+(?:[ \t]*,[ \t]*[\w/-]+)*)?")
_DIRECTIVE_TEXT = re.compile(r"^[ \t]*contractctl:ignore\b")
_COMMENT_LINE = re.compile(r"^[ \t]*(?://|/\*|\*)")
_ZERO_NAMES = ("UNSPECIFIED", "UNKNOWN")


@dataclass(frozen=True)
class _Scope:
    """A message or enum as the history rule needs it: where to report and what is silenced there."""

    descriptor: Any  # DescriptorProto | EnumDescriptorProto
    is_enum: bool
    pointer: str
    position: SourcePosition | None
    ignored: frozenset[str]


class ProtobufLinter:
    def __init__(self, schema: ProtobufSchema, emitter: Emitter, earlier: Sequence[object]) -> None:
        self.file = schema.described  # with source info: lines and comments
        self.out = emitter
        self.settings = emitter.settings
        self.earlier = [e for e in earlier if isinstance(e, ProtobufSchema)]
        self.locations = {tuple(loc.path): loc for loc in self.file.source_code_info.location}
        self.lines = schema.source.text.splitlines()
        self.directives = self._scan_directives()
        self.scopes: dict[tuple[str, ...], _Scope] = {}

    def run(self) -> None:
        self._package()
        for index, message in enumerate(self.file.message_type):
            self._message(message, (message.name,), (_FILE_MESSAGE, index), frozenset())
        for index, enum in enumerate(self.file.enum_type):
            self._enum(enum, (enum.name,), (_FILE_ENUM, index), frozenset())
        if self.earlier and self.out.settings.enabled("protobuf-reserved-removed"):
            self._removed_without_reservation()

    # -- positions, comments and ignore directives

    def _position(self, path: tuple[int, ...]) -> SourcePosition | None:
        location = self.locations.get(path)
        return SourcePosition(location.span[0] + 1, location.span[1] + 1) if location else None

    def _scan_directives(self) -> dict[int, frozenset[str]]:
        """Rule ids per 0-based line; unknown ids are reported once, where the directive is written."""
        out: dict[int, frozenset[str]] = {}
        for number, line in enumerate(self.lines):
            match = _DIRECTIVE.search(line)
            if match is None:
                continue
            names = [n for n in re.split(r"[ \t]*,[ \t]*", match.group("ids") or "") if n]
            known, unknown = self.out.rule_ids(names)
            out[number] = known
            if unknown or not names:
                problem = f"names unknown rule(s): {', '.join(unknown)}" if unknown else "names no rule"
                self.out.emit(
                    "invalid-ignore",
                    f"contractctl:ignore {problem}",
                    ignored=known,
                    pointer=None,
                    position=SourcePosition(number + 1, match.start() + 1),
                    hint="Write `// contractctl:ignore rule-id[, rule-id]` naming contractctl lint rules.",
                )
        return out

    def _ignores(self, path: tuple[int, ...], inherited: frozenset[str]) -> frozenset[str]:
        """Directives at the end of the element's first line or in the comment lines right above it."""
        location = self.locations.get(path)
        if location is None:
            return inherited
        line = location.span[0]
        ignored = inherited | self.directives.get(line, frozenset())
        above = line - 1
        while above >= 0 and _COMMENT_LINE.match(self.lines[above]):
            ignored |= self.directives.get(above, frozenset())
            above -= 1
        return ignored

    def _has_comment(self, path: tuple[int, ...], trailing_counts: bool) -> bool:
        location = self.locations.get(path)
        if location is None:
            return False
        texts = [location.leading_comments] + ([location.trailing_comments] if trailing_counts else [])
        return any(
            line.strip() and not _DIRECTIVE_TEXT.match(line) for text in texts for line in text.splitlines()
        )

    # -- the file, messages and enums

    def _package(self) -> None:
        path = (_FILE_PACKAGE,)
        ignored = self._ignores(path, frozenset())
        package = self.file.package
        pattern = self.settings.protobuf_package_version
        if package and re.search(pattern, package):
            return
        self.out.emit(
            "protobuf-package-version",
            f'package "{package}" has no version suffix' if package else "the file declares no package",
            ignored=ignored,
            pointer="#/",
            position=self._position(path),
            hint=f"Use a package matching /{pattern}/, e.g. {package or 'acme.orders'}.v1 (renames types).",
        )

    def _name(
        self, what: str, name: str, case: str, pointer: str, path: tuple[int, ...], ignored: frozenset[str]
    ) -> None:
        if follows_case(name, case):
            return
        self.out.emit(
            "naming",
            f'{what} name "{name}" is not {case}',
            ignored=ignored,
            pointer=pointer,
            position=self._position(path),
            hint=f'Rename it to "{to_case(name, case)}" (if published: JSON and full names change).',
        )

    def _docs(
        self, what: str, pointer: str, path: tuple[int, ...], ignored: frozenset[str], field: bool
    ) -> None:
        if self.out.wants("docs", ignored) and not self._has_comment(path, trailing_counts=field):
            self.out.emit(
                "docs",
                f"{what} has no comment",
                ignored=ignored,
                pointer=pointer,
                position=self._position(path),
                hint="Add a // comment right above it saying what it means to consumers.",
            )

    def _message(
        self,
        message: DescriptorProto,
        names: tuple[str, ...],
        path: tuple[int, ...],
        inherited: frozenset[str],
    ) -> None:
        ignored = self._ignores(path, inherited)
        pointer = "#/" + "/".join(names)
        self.scopes[names] = _Scope(message, False, pointer, self._position(path), ignored)
        self._name("message", message.name, self.settings.record_case, pointer, path, ignored)
        self._docs(f'message "{message.name}"', pointer, path, ignored, field=False)
        synthetic = {f.oneof_index for f in message.field if f.proto3_optional}
        for index, field in enumerate(message.field):
            field_path = (*path, _MESSAGE_FIELD, index)
            field_ignored = self._ignores(field_path, ignored)
            field_pointer = f"{pointer}/{field.number}"
            if field.type != _TYPE_GROUP:
                self._name(
                    "field", field.name, self.settings.field_case, field_pointer, field_path, field_ignored
                )
            self._docs(
                f'field "{message.name}.{field.name}"', field_pointer, field_path, field_ignored, field=True
            )
        for index, oneof in enumerate(message.oneof_decl):
            if index not in synthetic:
                oneof_path = (*path, _MESSAGE_ONEOF, index)
                self._name(
                    "oneof",
                    oneof.name,
                    self.settings.field_case,
                    f"{pointer}/{oneof.name}",
                    oneof_path,
                    self._ignores(oneof_path, ignored),
                )
        for index, nested in enumerate(message.nested_type):
            if not nested.options.map_entry:
                self._message(nested, (*names, nested.name), (*path, _MESSAGE_NESTED, index), ignored)
        for index, enum in enumerate(message.enum_type):
            self._enum(enum, (*names, enum.name), (*path, _MESSAGE_ENUM, index), ignored)

    def _enum(
        self,
        enum: EnumDescriptorProto,
        names: tuple[str, ...],
        path: tuple[int, ...],
        inherited: frozenset[str],
    ) -> None:
        ignored = self._ignores(path, inherited)
        pointer = "#/" + "/".join(names)
        self.scopes[names] = _Scope(enum, True, pointer, self._position(path), ignored)
        self._name("enum", enum.name, self.settings.record_case, pointer, path, ignored)
        prefix = to_case(enum.name, "UPPER_SNAKE_CASE") + "_"
        zero = None
        for index, value in enumerate(enum.value):
            value_path = (*path, _ENUM_VALUE, index)
            value_ignored = self._ignores(value_path, ignored)
            value_pointer = f"{pointer}/{value.number}"
            self._name("enum value", value.name, "UPPER_SNAKE_CASE", value_pointer, value_path, value_ignored)
            if not value.name.startswith(prefix):
                self.out.emit(
                    "protobuf-enum-value-prefix",
                    f'value "{value.name}" of enum "{enum.name}" does not start with "{prefix}"',
                    ignored=value_ignored,
                    pointer=value_pointer,
                    position=self._position(value_path),
                    hint=f'Rename it to "{prefix}{value.name}" (only if not yet published: JSON uses names).',
                )
            if value.number == 0 and zero is None:
                zero = (value, value_path, value_ignored, value_pointer)
        if zero is None:
            self.out.emit(
                "enum-default",
                f'enum "{enum.name}" has no zero value',
                ignored=ignored,
                pointer=pointer,
                position=self._position(path),
                hint=f"Add {prefix}UNSPECIFIED = 0 as its first value: it is what an unset field reads as.",
            )
            return
        value, value_path, value_ignored, value_pointer = zero
        if not any(value.name == z or value.name.endswith("_" + z) for z in _ZERO_NAMES):
            self.out.emit(
                "enum-default",
                f'zero value "{value.name}" of enum "{enum.name}" is not named *_UNSPECIFIED or *_UNKNOWN',
                ignored=value_ignored,
                pointer=value_pointer,
                position=self._position(value_path),
                hint=f'Make the zero value "{prefix}UNSPECIFIED" and give "{value.name}" a new number.',
            )

    # -- history: removed fields and enum values must be reserved

    def _removed_without_reservation(self) -> None:
        removed: dict[tuple[tuple[str, ...], int], list[str]] = {}
        for schema in self.earlier:
            for (names, is_enum), members in _members(schema.compiled.file).items():
                scope = self.scopes.get(names)
                if scope is None or scope.is_enum != is_enum:
                    continue
                now = _current_members(scope)
                for number, name in members.items():
                    if number not in now:
                        seen = removed.setdefault((names, number), [])
                        if name not in seen:
                            seen.append(name)
        for (names, number), old_names in sorted(removed.items()):
            scope = self.scopes[names]
            descriptor = scope.descriptor
            in_use = set(_current_members(scope).values())
            missing = [] if _number_reserved(descriptor, number, scope.is_enum) else [str(number)]
            missing += [f'"{n}"' for n in old_names if n not in descriptor.reserved_name and n not in in_use]
            if not missing:
                continue
            what = "value" if scope.is_enum else "field"
            label = " / ".join(old_names)
            self.out.emit(
                "protobuf-reserved-removed",
                f'{what} {number} ("{label}") of {names[-1]} was removed but {", ".join(missing)} '
                f"{'is' if len(missing) == 1 else 'are'} not reserved",
                ignored=scope.ignored,
                pointer=scope.pointer,
                position=scope.position,
                hint=reserve_hint(names[-1], missing),
            )


def _members(file: Any) -> dict[tuple[tuple[str, ...], bool], dict[int, str]]:
    """Every message's fields and every enum's values (number -> name), by (nested name, is enum)."""
    out: dict[tuple[tuple[str, ...], bool], dict[int, str]] = {}

    def message(proto: Any, names: tuple[str, ...]) -> None:
        out[(names, False)] = {f.number: f.name for f in proto.field}
        for nested in proto.nested_type:
            if not nested.options.map_entry:
                message(nested, (*names, nested.name))
        for enum in proto.enum_type:
            out[((*names, enum.name), True)] = {v.number: v.name for v in reversed(enum.value)}

    for proto in file.message_type:
        message(proto, (proto.name,))
    for enum in file.enum_type:
        out[((enum.name,), True)] = {v.number: v.name for v in reversed(enum.value)}
    return out


def _current_members(scope: _Scope) -> dict[int, str]:
    if scope.is_enum:
        return {v.number: v.name for v in reversed(scope.descriptor.value)}
    return {f.number: f.name for f in scope.descriptor.field}


def _number_reserved(descriptor: Any, number: int, is_enum: bool) -> bool:
    """Message reserved ranges end exclusively, enum reserved ranges inclusively (descriptor.proto)."""
    end_extra = 1 if is_enum else 0
    return any(r.start <= number < r.end + end_extra for r in descriptor.reserved_range)
