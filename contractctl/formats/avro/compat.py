"""Reader/writer compatibility exactly as Apache Avro Java's ``SchemaCompatibility`` (1.12) decides it.

Confluent Schema Registry's Avro verdict is this check, so the order, types and locations of the
incompatibilities follow Java step by step, including its quirks:

* locations are Java's ``getLocation()``: ``"/"`` for the root itself, else ``/fields/1/type`` etc.;
* results are memoized per (reader node, writer node) *object*: a named type is one object, any
  other node one per occurrence; a pair seen again returns the first result, locations included;
  a named type written out again (identically) is an object of its own where it is written (a
  ``Redefinition``), so a difference inside it is reported at each occurrence;
* a reader union tried against a writer branch (and a union checked against a union) is evaluated
  from a fresh root location, and only the MISSING_UNION_BRANCH at the union itself is reported;
* a reader field without default whose type is an enum with an enum default is compared with the
  writer *record* (so it reports TYPE_MISMATCH ENUM vs RECORD), as Java does;
* a reader field matching two writer fields (name and alias) makes Java throw; Confluent then
  reports only "Unexpected exception during compatibility check": here that is the single
  incompatibility AMBIGUOUS_READER_FIELD, which is not one of Java's types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contractctl.formats.avro.resolve import (
    PRIMITIVES,
    Node,
    Redefinition,
    ResolvedSchema,
    type_of,
)

AMBIGUOUS_READER_FIELD = "AMBIGUOUS_READER_FIELD"

HINTS: Mapping[str, str] = {
    "NAME_MISMATCH": "Keep the type's name, or add the old full name to the reader's aliases.",
    "FIXED_SIZE_MISMATCH": "A fixed type's size cannot change; define a new type instead.",
    "MISSING_ENUM_SYMBOLS": "Keep every symbol the other side can write, or give the reader enum a default.",
    "READER_FIELD_MISSING_DEFAULT_VALUE": "Add a default to the new field so readers can fill it in for "
    "old data.",
    "TYPE_MISMATCH": "Keep the type, or change it only by an allowed promotion (int->long->float->double, "
    "string<->bytes).",
    "MISSING_UNION_BRANCH": "Keep every type the writer may use as a branch of the reader's union.",
    AMBIGUOUS_READER_FIELD: "A reader field's name and aliases may match only one writer field; drop the "
    "extra alias.",
}
FORWARD_HINTS: Mapping[str, str] = {
    "READER_FIELD_MISSING_DEFAULT_VALUE": "Keep the field: the earlier version, which reads the new data, "
    "has no default to fill it in with.",
}
"""Where the reader is the earlier version (FORWARD), a hint about "the new field" would be about a
field the new version removed."""

_PROMOTIONS = {
    "LONG": {"INT"},
    "FLOAT": {"INT", "LONG"},
    "DOUBLE": {"INT", "LONG", "FLOAT"},
    "BYTES": {"STRING"},
    "STRING": {"BYTES"},
}
_FRAGMENT_LIMIT = 200


@dataclass(frozen=True)
class Incompatibility:
    """One reason data written with the writer schema may not be readable with the reader schema."""

    type: str
    location: str
    message: str
    reader_fragment: str
    writer_fragment: str


@dataclass(frozen=True)
class _At:
    """A node reached in one schema, with the identity Java's object graph gives it."""

    node: Node
    key: tuple[str, tuple[str, ...]]
    names: Mapping[str, dict[str, Any]]

    @property
    def kind(self) -> str:
        return type_of(self.node, self.names)

    def child(self, node: Node, *steps: str) -> _At:
        if isinstance(node, str) and node not in PRIMITIVES:
            if node.__class__ is Redefinition:  # its own object in Java, so its own memo entries
                definition = node.definition
                return _At(definition, (str(node), (f"#{id(definition)}",)), self.names)
            return _At(self.names[node], (node, ()), self.names)
        if isinstance(node, dict) and node.get("type") in ("record", "error", "enum", "fixed"):
            return _At(node, (str(node["name"]), ()), self.names)
        return _At(node, (self.key[0], self.key[1] + steps), self.names)

    def branches(self) -> list[_At]:
        assert isinstance(self.node, list)
        return [self.child(branch, str(index)) for index, branch in enumerate(self.node)]

    @property
    def definition(self) -> dict[str, Any]:
        assert isinstance(self.node, dict)
        return self.node


def _root(schema: ResolvedSchema) -> _At:
    # The anonymous-root key "" cannot clash with a named type: full names are never empty.
    return _At(schema.root, ("", ()), schema.names).child(schema.root)


def _fragment(node: Node) -> str:
    text = json.dumps(node, separators=(",", ":"), ensure_ascii=False, default=str)
    return text if len(text) <= _FRAGMENT_LIMIT else text[: _FRAGMENT_LIMIT - 3] + "..."


def _location(tokens: list[str]) -> str:
    """Java's Incompatibility.getLocation(): skip the root token, escape, join with '/'."""
    escaped = (token.replace("~", "~0").replace("/", "~1") for token in tokens[1:])
    return "/" + "/".join(escaped)


class _AmbiguousField(Exception):
    """Java's AvroRuntimeException from lookupWriterField: it aborts the whole check."""

    def __init__(self, incompatibility: Incompatibility) -> None:
        super().__init__(incompatibility.message)
        self.incompatibility = incompatibility


_IN_PROGRESS: list[Incompatibility] = []


class _Checker:
    """Java's ReaderWriterCompatibilityChecker: memoized, recursion-safe, collecting everything."""

    def __init__(self, v111: bool = False) -> None:
        self._memo: dict[tuple[object, object], list[Incompatibility]] = {}
        self._field_index: FieldIndex = {}
        self._v111 = v111  # Avro 1.11's locations under a writer union (see check_reader_writer)

    def check(self, token: str, reader: _At, writer: _At, location: list[str]) -> list[Incompatibility]:
        location.append(token)
        pair = (reader.key, writer.key)
        result = self._memo.get(pair)
        if result is None:
            self._memo[pair] = _IN_PROGRESS
            result = self._calculate(reader, writer, location)
            self._memo[pair] = result
        elif result is _IN_PROGRESS:
            result = []  # recursion: compatible unless proven otherwise elsewhere
        location.pop()
        return result

    def fresh(self, reader: _At, writer: _At) -> list[Incompatibility]:
        """Java's two-argument getCompatibility: same memo, new location stack."""
        return self.check("", reader, writer, [])

    def _calculate(self, reader: _At, writer: _At, location: list[str]) -> list[Incompatibility]:
        rkind, wkind = reader.kind, writer.kind
        if rkind == wkind:
            return self._same_kind(rkind, reader, writer, location)
        if wkind == "UNION":
            found: list[Incompatibility] = []
            for index, branch in enumerate(writer.branches()):
                if self._v111:  # 1.11: the two-argument getCompatibility, a new location stack
                    found += self.fresh(reader, branch)
                else:
                    found += self.check(str(index), reader, branch, location)
            return found
        if wkind in _PROMOTIONS.get(rkind, ()):
            return []
        if rkind == "UNION":
            if any(not self.fresh(branch, writer) for branch in reader.branches()):
                return []
            message = f"reader union lacking writer type: {wkind}"
            return [_incompatible("MISSING_UNION_BRANCH", reader, writer, message, location)]
        message = f"reader type: {rkind} not compatible with writer type: {wkind}"
        return [_incompatible("TYPE_MISMATCH", reader, writer, message, location)]

    def _same_kind(self, kind: str, reader: _At, writer: _At, location: list[str]) -> list[Incompatibility]:
        if kind == "ARRAY":
            r, w = reader.definition, writer.definition
            return self.check(
                "items", reader.child(r["items"], "items"), writer.child(w["items"], "items"), location
            )
        if kind == "MAP":
            r, w = reader.definition, writer.definition
            return self.check(
                "values", reader.child(r["values"], "values"), writer.child(w["values"], "values"), location
            )
        if kind == "FIXED":
            return _check_names(reader, writer, location) + _check_size(reader, writer, location)
        if kind == "ENUM":
            return _check_names(reader, writer, location) + _check_symbols(reader, writer, location)
        if kind == "RECORD":
            return _check_names(reader, writer, location) + self._check_fields(reader, writer, location)
        if kind == "UNION":
            return self._union_to_union(reader, writer, location)
        return []  # identical primitives

    def _union_to_union(self, reader: _At, writer: _At, location: list[str]) -> list[Incompatibility]:
        found: list[Incompatibility] = []
        for index, branch in enumerate(writer.branches()):
            location.append(str(index))
            if self.fresh(reader, branch):
                message = f"reader union lacking writer type: {branch.kind}"
                found.append(_incompatible("MISSING_UNION_BRANCH", reader, writer, message, location))
            location.pop()
        return found

    def _check_fields(self, reader: _At, writer: _At, location: list[str]) -> list[Incompatibility]:
        found: list[Incompatibility] = []
        location.append("fields")
        writer_fields = writer.definition["fields"]
        for position, field in enumerate(reader.definition["fields"]):
            location.append(str(position))
            match = _lookup_writer_field(field, writer_fields, self._field_index, reader, writer, location)
            field_at = reader.child(field["type"], "fields", str(position), "type")
            if match is not None:
                index, writer_field = match
                writer_at = writer.child(writer_field["type"], "fields", str(index), "type")
                found += self.check("type", field_at, writer_at, location)
            elif "default" not in field:
                if field_at.kind == "ENUM" and "default" in field_at.definition:
                    found += self.check("type", field_at, writer, location)
                else:
                    message = (
                        f"reader field '{field['name']}' has no default and the writer has no such field"
                    )
                    found.append(
                        _incompatible("READER_FIELD_MISSING_DEFAULT_VALUE", reader, writer, message, location)
                    )
            location.pop()
        location.pop()
        return found


FieldIndex = dict[int, dict[str, tuple[int, dict[str, Any]]]]
"""id(writer's field list) -> name -> (position, field), built once per record and per comparison.

Owned by one comparison, whose schemas keep every indexed list alive (so an id cannot be reused
while it is in here), and dropped with it: a module-wide index kept parsed schemas alive to the
end of a run, for the cyclic collector to scan."""


def _writer_matches(
    field: dict[str, Any], writer_fields: list[dict[str, Any]], index: FieldIndex
) -> list[tuple[int, dict[str, Any]]]:
    """The writer fields a reader field matches, by name then by each alias (Java's lookupWriterField
    aborts when there is more than one)."""
    by_name = index.get(id(writer_fields))
    if by_name is None:
        by_name = index[id(writer_fields)] = {item["name"]: (i, item) for i, item in enumerate(writer_fields)}
    aliases = field.get("aliases")
    if not aliases:  # the usual field: one lookup
        match = by_name.get(field["name"])
        return [] if match is None else [match]
    return [by_name[name] for name in [field["name"], *aliases] if name in by_name]


def _lookup_writer_field(
    field: dict[str, Any],
    writer_fields: list[dict[str, Any]],
    index: FieldIndex,
    reader: _At,
    writer: _At,
    location: list[str],
) -> tuple[int, dict[str, Any]] | None:
    """Java's lookupWriterField: by name, then by each alias; more than one match aborts."""
    matches = _writer_matches(field, writer_fields, index)
    if len(matches) > 1:
        names = ", ".join(f"'{item['name']}'" for _, item in matches)
        message = (
            f"reader field '{field['name']}' matches several writer fields ({names}) by name and aliases; "
            "Avro Java aborts the check and Confluent reports the change as incompatible"
        )
        raise _AmbiguousField(_incompatible(AMBIGUOUS_READER_FIELD, reader, writer, message, location))
    return matches[0] if matches else None


def _names_match(reader: dict[str, Any], writer: dict[str, Any]) -> bool:
    """Java's schemaNameEquals: unqualified names equal, or a reader alias is the writer's full name."""
    writer_full = str(writer["name"])
    if str(reader["name"]).rsplit(".", 1)[-1] == writer_full.rsplit(".", 1)[-1]:
        return True
    return writer_full in reader.get("aliases", [])


def _check_names(reader: _At, writer: _At, location: list[str]) -> list[Incompatibility]:
    if _names_match(reader.definition, writer.definition):
        return []
    message = f"expected: {writer.definition['name']}"
    return [_incompatible("NAME_MISMATCH", reader, writer, message, [*location, "name"])]


def _check_size(reader: _At, writer: _At, location: list[str]) -> list[Incompatibility]:
    found, expected = reader.definition["size"], writer.definition["size"]
    if found == expected:
        return []
    message = f"expected: {expected}, found: {found}"
    return [_incompatible("FIXED_SIZE_MISMATCH", reader, writer, message, [*location, "size"])]


def _missing_symbols(reader: dict[str, Any], writer: dict[str, Any]) -> list[str]:
    """Writer symbols the reader enum cannot read (none when the reader has a default to fall back on)."""
    if reader.get("default") in reader["symbols"]:
        return []
    return sorted(set(writer["symbols"]) - set(reader["symbols"]))


def _check_symbols(reader: _At, writer: _At, location: list[str]) -> list[Incompatibility]:
    missing = _missing_symbols(reader.definition, writer.definition)
    if not missing:
        return []
    message = f"missing enum symbols: [{', '.join(missing)}]"
    return [_incompatible("MISSING_ENUM_SYMBOLS", reader, writer, message, [*location, "symbols"])]


def _incompatible(kind: str, reader: _At, writer: _At, message: str, location: list[str]) -> Incompatibility:
    return Incompatibility(kind, _location(location), message, _fragment(reader.node), _fragment(writer.node))


class _Unsure(Exception):
    """The verdict-only walk met a pair still in progress (a recursive type): Java's memo decides."""


class _Verdict:
    """Compatible or not, nothing more: the same decisions as ``_Checker`` without locations.

    Almost every pair a check compares is compatible, and then no location, fragment or message is
    ever shown; this walk skips building them. Without recursion every result is a pure function of
    its (reader node, writer node) pair, so the memo order cannot change a verdict; at the first pair
    met again while in progress it gives up and the full checker (with Java's memo) decides.
    """

    def __init__(
        self,
        reader_names: Mapping[str, dict[str, Any]],
        writer_names: Mapping[str, dict[str, Any]],
        reader_closed: Mapping[int, Node],
    ):
        self._reader_names, self._writer_names = reader_names, writer_names
        self._closed = reader_closed  # ResolvedSchema.closed of the reader and of what it uses
        self._memo: dict[tuple[int, int], bool | None] = {}
        self._field_index: FieldIndex = {}
        self._aliases: dict[int, bool] = {}  # id(reader node) -> _aliased_fields

    def compatible(self, reader: Node, writer: Node) -> bool:
        if isinstance(reader, str):
            if reader not in PRIMITIVES:
                reader = _definition(reader, self._reader_names)
            elif isinstance(writer, str) and writer == reader:
                return True  # identical primitives: the commonest pair by far
        if isinstance(writer, str) and writer not in PRIMITIVES:
            writer = _definition(writer, self._writer_names)
        if reader.__class__ is dict and self._closed.get(id(reader)) is reader and reader == writer:
            return True  # an unchanged type that names no other (ResolvedSchema.closed)
        pair = (id(reader), id(writer))
        known = self._memo.get(pair, _NOT_SEEN)
        if known is not _NOT_SEEN:
            if known is None:
                raise _Unsure
            return bool(known)
        self._memo[pair] = None
        result = self._calculate(reader, writer)
        self._memo[pair] = result
        return result

    def _calculate(self, reader: Node, writer: Node) -> bool:
        # both are definitions here (a dict), a union (a list) or a primitive's name: type_of's
        # answer without its walk through the names
        rkind = _KINDS.get(reader["type"]) if reader.__class__ is dict else None
        if rkind is None:
            rkind = type_of(reader, self._reader_names)
        wkind = _KINDS.get(writer["type"]) if writer.__class__ is dict else None
        if wkind is None:
            wkind = type_of(writer, self._writer_names)
        if rkind == wkind:
            return self._same_kind(rkind, reader, writer)
        if wkind == "UNION":
            assert isinstance(writer, list)
            return all(self.compatible(reader, branch) for branch in writer)
        if wkind in _PROMOTIONS.get(rkind, ()):
            return True
        if rkind == "UNION":
            assert isinstance(reader, list)
            for branch in reader:
                if self.compatible(branch, writer):
                    return True
                if self._aliased_fields(branch):
                    # Java computed this failed trial in full, where this walk stopped at the first
                    # difference: a reader field matching two writer fields in it would have aborted
                    # the whole check (the full checker says whether it does)
                    raise _Unsure
            return False
        return False

    def _aliased_fields(self, start: Node) -> bool:
        """Whether a record reachable from this reader node has a field with aliases."""
        known = self._aliases.get(id(start))
        if known is not None:
            return known
        seen: set[int] = set()
        stack = [start]
        found = False
        while stack and not found:
            node = stack.pop()
            if isinstance(node, str):
                if node in PRIMITIVES:
                    continue
                node = _definition(node, self._reader_names)
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, list):
                stack.extend(node)
            elif node.get("type") in ("record", "error"):
                found = any("aliases" in item for item in node["fields"])
                stack.extend(item["type"] for item in node["fields"])
            elif node.get("type") in ("array", "map"):
                stack.append(node["items" if node["type"] == "array" else "values"])
        self._aliases[id(start)] = found
        return found

    def _same_kind(self, kind: str, reader: Node, writer: Node) -> bool:
        if kind == "UNION":
            assert isinstance(writer, list) and isinstance(reader, list)
            if all(b.__class__ is str and b in PRIMITIVES and b in reader for b in writer):
                return True  # every primitive the writer may write is a branch of the reader too
            return all(self.compatible(reader, branch) for branch in writer)
        if not isinstance(reader, dict) or not isinstance(writer, dict):
            return True  # identical primitives
        if kind == "ARRAY":
            return self.compatible(reader["items"], writer["items"])
        if kind == "MAP":
            return self.compatible(reader["values"], writer["values"])
        if kind in ("FIXED", "ENUM", "RECORD") and not _names_match(reader, writer):
            return False
        if kind == "FIXED":
            return bool(reader["size"] == writer["size"])
        if kind == "ENUM":
            return not _missing_symbols(reader, writer)
        if kind == "RECORD":
            return self._fields(reader, writer)
        return True  # a primitive with properties against the same primitive

    def _fields(self, reader: dict[str, Any], writer: dict[str, Any]) -> bool:
        writer_fields = writer["fields"]
        by_name = self._field_index.get(id(writer_fields))
        if by_name is None:
            by_name = self._field_index[id(writer_fields)] = {
                item["name"]: (i, item) for i, item in enumerate(writer_fields)
            }
        for field in reader["fields"]:
            if "aliases" in field:
                matches = _writer_matches(field, writer_fields, self._field_index)
                if len(matches) > 1:
                    return False  # Java aborts: incompatible (the full checker reports it)
                match = matches[0] if matches else None
            else:
                match = by_name.get(field["name"])  # the usual field: one lookup
            if match is None:
                if "default" not in field:
                    return False  # missing default (or, for an enum type, Java's ENUM vs RECORD)
                continue
            reader_type, writer_type = field["type"], match[1]["type"]
            if reader_type.__class__ is str:
                if reader_type in PRIMITIVES and reader_type == writer_type:
                    continue  # the same primitive: the commonest field by far
            elif reader_type == writer_type and (
                self._closed.get(id(reader_type)) is reader_type or _primitives_only(reader_type)
            ):
                # the same type, naming no other type and without aliases (so every field inside
                # matches itself alone): compatible, as every such schema is with itself
                continue
            if not self.compatible(reader_type, writer_type):
                return False
        return True


_NOT_SEEN = object()
_KINDS = {kind: kind.upper() for kind in PRIMITIVES} | {
    "record": "RECORD",
    "error": "RECORD",
    "enum": "ENUM",
    "fixed": "FIXED",
    "array": "ARRAY",
    "map": "MAP",
}
"""Java's Schema.Type name of a definition's "type" (type_of for a dict, without the call)."""


def _definition(name: str, names: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The definition a name stands for where it is written (a redefinition is its own copy)."""
    if name.__class__ is Redefinition:
        return name.definition
    return names[name]


def _primitives_only(node: Node) -> bool:
    """A primitive, a primitive with properties, or a union of primitives: such a type names no
    other type, so two equal ones are compatible, as every schema is with itself."""
    if isinstance(node, str):
        return node in PRIMITIVES
    if isinstance(node, list):
        return all(isinstance(branch, str) and branch in PRIMITIVES for branch in node)
    return node.get("type", "") in PRIMITIVES


def is_compatible(
    reader: ResolvedSchema, writer: ResolvedSchema, reader_closed: Mapping[int, Node] | None = None
) -> bool:
    """The verdict of ``check_reader_writer`` (no incompatibility at all), computed cheaply.
    `reader_closed`: the closed types of the reader and of the contracts it uses (by default its
    own only: a type from elsewhere is then walked)."""
    try:
        closed = reader.closed if reader_closed is None else reader_closed
        return _Verdict(reader.names, writer.names, closed).compatible(reader.root, writer.root)
    except _Unsure:
        return not check_reader_writer(reader, writer)


def check_reader_writer(
    reader: ResolvedSchema, writer: ResolvedSchema, v111: bool = False
) -> list[Incompatibility]:
    """All incompatibilities, in Java's order; an empty list means compatible.

    ``v111``: locations as Avro 1.11 gives them (avro parser "1.11"): where the reader is not a
    union and the writer is, 1.11 checks each writer branch with the two-argument
    ``getCompatibility`` (a new location stack: what it finds there is located from "/", relative to
    that reader node), where 1.12 passes the location on with the branch's index. Only locations
    differ: the incompatibilities and the verdict are the same."""
    try:
        return _Checker(v111).check("", _root(reader), _root(writer), [])
    except _AmbiguousField as error:
        return [error.incompatibility]
