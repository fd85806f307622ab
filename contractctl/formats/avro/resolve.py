"""Avro names, normalization and validity, as Confluent Schema Registry's parser decides them.

Confluent (8.x) parses a new schema with Apache Avro Java 1.12's ``Schema.Parser`` using the strict
name validator and default validation on. This module reproduces what that parser accepts:

* names: every component matches ``[A-Za-z_][A-Za-z0-9_]*`` (record/enum/fixed names, their
  namespaces, named-type aliases, field names, enum symbols); a named type may not be called after
  a primitive when its full name is one (``int`` in the null namespace).
* name lookup (``ParseContext.find``): a primitive first, then ``namespace.name`` among the types
  defined so far, then the bare name; a name defined nowhere yet is a forward reference that must be
  defined, under its namespace-qualified full name, by the end of the document.
* a named type may be defined again only identically (Java's "Can't redefine" otherwise), identical
  meaning equal as Java's ``Schema.equals`` sees it: docs, aliases and an enum's default aside, and
  a nested named type compared by its name (its own definition was compared when it was read); a
  reference that was a placeholder where the first definition has it (the type itself, or one
  defined later) equals nothing, so such a type cannot be defined twice.
  The repeated definition stays a distinct object where it is written, as in Java (a
  ``Redefinition``), so the compatibility check treats each occurrence on its own.
* field defaults follow Avro 1.12's ``Schema.isValidDefault``: a union default may match ANY branch
  (Avro 1.11 required the first); int/long range checks; bytes, fixed and enum defaults are strings;
  record defaults are objects whose fields (or the field's own default) match recursively; a
  reference to a type not yet fully defined at that point accepts any object, as Java's
  placeholder record does, but Java then checks every default again as it resolves the
  placeholders, against the real types, and fails on an object default that reaches a record it is
  still resolving (``_ResolvedDefaults``); a float/double default may be a string Java's
  ``Double.parseDouble`` reads.
* ``{"type": "SomeName"}`` refers to a named type (Avro 1.12.1; the unreleased 1.13 rejects it).
* logical types are never an error: an invalid one is ignored, as in Java.

A version already registered is parsed leniently (``resolve(..., registered=True)``), as Confluent
parses every schema it does not validate as new (``AvroSchema.getParser``: ``NO_VALIDATION`` names,
``setValidateDefaults(false)``), then checks with Avro's ``UTF_VALIDATOR`` only the names of
records, enums, fixed types, fields and enum symbols (``AvroSchemaUtils.validateNames``). Every
other rule holds for it too: Java enforces those whatever the parser's settings.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

Node: TypeAlias = str | list["Node"] | dict[str, Any]

PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
NAMED_TYPES = frozenset({"record", "error", "enum", "fixed"})
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ORDERS = frozenset({"ASCENDING", "DESCENDING", "IGNORE"})
"""Java's Field.Order names: it reads an order as ``valueOf(order.toUpperCase(Locale.ENGLISH))``, so
the test upper-cases (lower-casing differs: "\u0131gnore", dotless i, upper-cases to IGNORE)."""
_SCHEMA_RESERVED = frozenset(
    {"doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases"}
)
_RESERVED_BUT_TYPE = _SCHEMA_RESERVED - {"type"}
_FIELD_RESERVED = frozenset({"default", "doc", "name", "order", "type", "aliases"})
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_FIXED_MAX = 2**31 - 9  # Java's largest array: SystemLimitException.MAX_ARRAY_VM_LIMIT
_JAVA_DOUBLE_RE = re.compile(
    r"[+-]?(NaN|Infinity|(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|"
    r"0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+)[fFdD]?)\Z"
)
"""Java's Double.parseDouble (FloatingDecimal.readJavaFormatString) on a trimmed text: ASCII digits
only (``\\d`` would take any Unicode digit), and no f/d suffix after NaN or Infinity."""
_JAVA_TRIM = "".join(map(chr, range(0x21)))
"""Java's String.trim() strips every char up to U+0020, control characters included, and no other
(str.strip() would also take a no-break space and leave a NUL)."""


@dataclass(frozen=True)
class Problem:
    """One reason the document is not a schema Confluent would accept."""

    rule: str
    pointer: str
    message: str


@dataclass(frozen=True)
class ResolvedSchema:
    """A valid schema in normalized form, with every named type it can reach."""

    root: Node
    names: Mapping[str, dict[str, Any]]
    defined: tuple[str, ...]
    external_used: frozenset[str]
    # id -> node: this tree's types that name no other type and carry no alias anywhere inside (a
    # field's type, a named definition). Two equal such types are compatible whatever else their
    # schemas hold (compat._Verdict), and most nested types of a contract are unchanged between
    # its versions. Ids hold for this tree only, so the node is kept to compare with.
    closed: Mapping[int, Node] = field(default_factory=dict, compare=False, repr=False)


Path: TypeAlias = tuple[str | int, ...]
"""Where the resolver is in the raw document: kept as tokens, written as a pointer only for a problem."""


def pointer_text(path: Path) -> str:
    """The RFC 6901 pointer of a path, each token escaped."""
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in path)


def split_name(name: str, namespace: str | None) -> tuple[str, str | None]:
    """(simple name, namespace or None) as Java's ``Schema.Name`` splits a declared name."""
    if "." in name:
        space, simple = name.rsplit(".", 1)
    else:
        space, simple = (namespace or ""), name
    return simple, (space or None)


def full_name(name: str, namespace: str | None) -> str:
    simple, space = split_name(name, namespace)
    return f"{space}.{simple}" if space else simple


def _java_alias(simple: str, alias_space: str | None, type_space: str | None) -> str:
    """A named type's alias as Java's ``NamedSchema.getAliases()`` gives it, which is what its
    compatibility check compares with the writer's full name: an alias in the null namespace (".Old")
    of a type that has a namespace comes back as ".Old", so it never matches a writer's full name."""
    if alias_space:
        return f"{alias_space}.{simple}"
    return f".{simple}" if type_space else simple


_KNOWN_VALID_NAMES: set[str] = set()  # field and type names repeat across every version of a repo


def _valid_name(name: Any) -> bool:
    if not isinstance(name, str):
        return False
    if name in _KNOWN_VALID_NAMES:
        return True
    if _NAME_RE.match(name) is None:
        return False
    if len(_KNOWN_VALID_NAMES) < 100_000:
        _KNOWN_VALID_NAMES.add(name)
    return True


_JAVA_LETTERS = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo"})  # Java's Character.isLetter(char)


def _java_letter(char: str, digit_too: bool) -> bool:
    if ord(char) > 0xFFFF:
        return False  # Java sees two surrogate chars, neither a letter nor a digit
    category = unicodedata.category(char)
    return category in _JAVA_LETTERS or (digit_too and category == "Nd")


def _valid_utf_name(name: Any) -> bool:
    """Avro's NameValidator.UTF_VALIDATOR: a letter or _, then letters, digits or _ (Unicode)."""
    if not isinstance(name, str) or not name:
        return False
    if _valid_name(name):
        return True  # the ASCII rule is the Unicode rule restricted to ASCII
    first, rest = name[0], name[1:]
    if not (first == "_" or _java_letter(first, False)):
        return False
    return all(char == "_" or _java_letter(char, True) for char in rest)


_KNOWN_VALID_NAMESPACES: set[str] = set()


def _valid_namespace(space: str) -> bool:
    if space in _KNOWN_VALID_NAMESPACES:
        return True
    if not all(_valid_name(part) for part in space.split(".")):
        return False
    if len(_KNOWN_VALID_NAMESPACES) < 100_000:
        _KNOWN_VALID_NAMESPACES.add(space)
    return True


_ABSENT: Any = object()  # a key the raw document does not have


class _NotAlone(Exception):
    """A resolve `alone` met a name declared nowhere before its use: the text needs references (or
    uses a type before defining it), and the caller parses it the full way instead."""

    def __init__(self, name: str, pointer: Path) -> None:
        super().__init__(name)
        self.name, self.pointer = name, pointer


class _Pending(str):
    """A reference to a named type not (fully) defined yet where it is used: Java's placeholder."""


class Redefinition(str):
    """A named type written out again, identically, where it is written: its name (so everything
    that follows names sees the first definition, as Java's name lookup does) and the definition
    read there. Java keeps that second definition as its own object in the parsed tree, so its
    compatibility check, which remembers compared pairs by object identity, reports a difference at
    each occurrence (and reads that copy's aliases and enum default)."""

    definition: dict[str, Any]

    def __new__(cls, name: str, definition: dict[str, Any]) -> Redefinition:
        made = super().__new__(cls, name)
        made.definition = definition
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Redefinition, (str(self), self.definition))


def _plain(node: Any) -> Any:
    """Copy a tree, turning placeholder references into plain strings."""
    if isinstance(node, str):
        if isinstance(node, Redefinition):
            return Redefinition(str(node), _plain(node.definition))
        return str(node) if isinstance(node, _Pending) else node
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, dict):
        return {key: _plain(value) for key, value in node.items()}
    return node


def _same(node: Any) -> Any:
    return node


_NOT_IN_JAVA_EQUALS = frozenset({"doc", "aliases"})  # of a type or a field


def _equality_shape(node: Any, nested: bool = False) -> Any:
    """What Java's ``Schema.equals`` compares when ParseContext.put meets a name again (1.12.1):
    names, sizes, symbols, fields (name, type, default, order, properties) and properties; not
    docs, aliases or an enum's default. A nested named type counts by its name: its own
    definition was compared with the first one when it was read.

    A reference to a type not fully defined where it is written (a ``_Pending``) is Java's
    placeholder: a record of its own, named ``UnresolvedSchema_<n>`` with a new n at each use, so it
    equals nothing in the other definition (Avro 1.12.1 ``SchemaResolver.unresolvedSchema``): a
    recursive type, or one using a type defined after it, cannot be defined twice."""
    if isinstance(node, list):
        return [_equality_shape(branch, True) for branch in node]
    if not isinstance(node, dict):
        if node.__class__ is _Pending:
            return f"<placeholder {id(node)}>"
        return str(node) if isinstance(node, str) else node
    kind = node.get("type")
    if nested and kind in NAMED_TYPES and isinstance(node.get("name"), str):
        return node["name"]
    skip = _NOT_IN_JAVA_EQUALS | {"default"} if kind == "enum" else _NOT_IN_JAVA_EQUALS
    shape = {key: value for key, value in node.items() if key not in skip}
    if kind in ("record", "error"):
        shape["fields"] = [
            {
                **{key: value for key, value in field.items() if key not in _NOT_IN_JAVA_EQUALS},
                "type": _equality_shape(field["type"], True),
                "order": str(field.get("order", "ascending")).upper(),  # Java compares Field.Order
            }
            for field in node["fields"]
        ]
    elif kind == "array":
        shape["items"] = _equality_shape(node["items"], True)
    elif kind == "map":
        shape["values"] = _equality_shape(node["values"], True)
    return shape


def _java_equal(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Java's Schema.equals of two definitions of one name; compared as JSON text, since Jackson's
    nodes tell 1 from 1.0 and from true where Python's == does not."""
    return json.dumps(_equality_shape(first), sort_keys=True) == json.dumps(
        _equality_shape(second), sort_keys=True
    )


def iter_named(node: Any) -> Iterator[dict[str, Any]]:
    """Named definitions inside a normalized tree, in pre-order."""
    if isinstance(node, list):
        for item in node:
            yield from iter_named(item)
    elif isinstance(node, dict):
        kind = node.get("type")
        if kind in NAMED_TYPES and isinstance(node.get("name"), str):
            yield node
        if kind in ("record", "error"):
            for field in node.get("fields", []):
                if isinstance(field, dict):
                    yield from iter_named(field.get("type"))
        elif kind == "array":
            yield from iter_named(node.get("items"))
        elif kind == "map":
            yield from iter_named(node.get("values"))


def iter_references(node: Any) -> Iterator[str]:
    """Named-type references (non-primitive strings) inside a normalized tree."""
    if isinstance(node, str):
        if node not in PRIMITIVES:
            yield node
    elif isinstance(node, list):
        for item in node:
            yield from iter_references(item)
    elif isinstance(node, dict):
        kind = node.get("type")
        if kind in ("record", "error"):
            for field in node.get("fields", []):
                if isinstance(field, dict):
                    yield from iter_references(field.get("type"))
        elif kind == "array":
            yield from iter_references(node.get("items"))
        elif kind == "map":
            yield from iter_references(node.get("values"))


def type_of(node: Node, names: Mapping[str, dict[str, Any]]) -> str:
    """Java's Schema.Type name (RECORD, UNION, INT...) of a normalized node."""
    if isinstance(node, list):
        return "UNION"
    if isinstance(node, str):
        if node in PRIMITIVES:
            return node.upper()
        return type_of(names[node], names)
    kind = node["type"]
    return "RECORD" if kind == "error" else str(kind).upper()


def deref(node: Node, names: Mapping[str, dict[str, Any]]) -> Node:
    """The definition behind a named reference; other nodes unchanged."""
    if isinstance(node, str) and node not in PRIMITIVES:
        return names[node]
    return node


# ----------------------------------------------------------------------------------------------
# Default values (Avro 1.12 Schema.isValidDefault)


def _java_double_text(value: str) -> bool:
    return _JAVA_DOUBLE_RE.match(value.strip(_JAVA_TRIM)) is not None


def _java_double(value: str) -> float:
    """The number Java's Double.parseDouble reads from a text already known to be valid."""
    text = value.strip(_JAVA_TRIM)
    if text[-1] in "fFdD":  # Java's float/double suffix
        text = text[:-1]
    if "x" in text.lower():
        return float.fromhex(text)
    return float(text.replace("Infinity", "inf"))


class _Defaults:
    """Checks a JSON default against a type as the parser saw it at that point of the document."""

    def __init__(self, lookup: Mapping[str, dict[str, Any]]) -> None:
        self._lookup = lookup

    def valid(self, node: Any, value: Any) -> bool:
        if isinstance(node, list):
            if value is None and "null" in node:
                return True  # the commonest default of all: null for an optional field
            return any(self._valid_single(branch, value) for branch in node)
        return self._valid_single(node, value)

    def _valid_single(self, node: Any, value: Any) -> bool:
        if isinstance(node, _Pending):
            return isinstance(value, dict)  # Java's placeholder: a record without fields
        if isinstance(node, str):
            if node in PRIMITIVES:
                return _valid_primitive(node, value)
            definition = self._lookup.get(node)
            return definition is not None and self._valid_single(definition, value)
        if isinstance(node, list):
            return any(self._valid_single(branch, value) for branch in node)
        if not isinstance(node, dict):
            return False
        return self._valid_complex(node, value)

    def _valid_complex(self, node: dict[str, Any], value: Any) -> bool:
        return _valid_by_kind(node, value, self.valid, self._valid_record)

    def _valid_record(self, node: dict[str, Any], value: Any) -> bool:
        if node.get("type") not in ("record", "error") or not isinstance(value, dict):
            return False
        return _fields_valid(node, value, self.valid)


class _Defaults111(_Defaults):
    """Avro 1.11's Schema.isValidDefault: a union's default must match its FIRST branch (also inside
    an array, map or record default), and a default that reaches a record still being read (only a
    recursive reference: 1.11 reads no forward reference) fails, as Java's isValidDefault is false
    for a non-object there and getFields() throws "Schema fields not set yet" for an object. A
    recursive reference inside a record read in full since is that record (Java's one object)."""

    def valid(self, node: Any, value: Any) -> bool:
        if isinstance(node, list):
            return bool(node) and self._valid_single(node[0], value)
        return self._valid_single(node, value)

    def _valid_single(self, node: Any, value: Any) -> bool:
        if isinstance(node, _Pending):
            definition = self._lookup.get(str(node))  # None while the record is still being read
            return definition is not None and self._valid_single(definition, value)
        if isinstance(node, list):
            return self.valid(node, value)
        return super()._valid_single(node, value)


def _fields_valid(node: dict[str, Any], value: dict[str, Any], valid: Callable[[Any, Any], bool]) -> bool:
    """Java's isValidDefault of a record: every field has a value in the object, or its default, and
    `valid` accepts it for the field's type."""
    for member in node["fields"]:
        if member["name"] in value:
            item = value[member["name"]]
        elif "default" in member:
            item = member["default"]
        else:
            return False
        if not valid(member["type"], item):
            return False
    return True


def _valid_by_kind(
    node: dict[str, Any],
    value: Any,
    valid: Callable[[Any, Any], bool],
    record: Callable[[dict[str, Any], Any], bool],
) -> bool:
    """Java's Schema.isValidDefault for a defined type, by its kind: `valid` checks a type inside it,
    `record` any other kind. The parse's check (`_Defaults`) and the second look on the resolved
    copies (`_ResolvedDefaults`) differ only there, and in how they find a named type."""
    kind = node.get("type")
    if kind in PRIMITIVES:
        return _valid_primitive(str(kind), value)
    if kind in ("enum", "fixed"):
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list) and all(valid(node["items"], item) for item in value)
    if kind == "map":
        return isinstance(value, dict) and all(valid(node["values"], item) for item in value.values())
    return record(node, value)


def _valid_primitive(kind: str, value: Any) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("string", "bytes"):
        return isinstance(value, str)
    if isinstance(value, bool):
        return False
    if kind == "int":
        return isinstance(value, int) and _INT_MIN <= value <= _INT_MAX
    if kind == "long":
        return isinstance(value, int) and _LONG_MIN <= value <= _LONG_MAX
    return isinstance(value, (int, float))  # float, double


# ----------------------------------------------------------------------------------------------
# The resolver


class _Resolver:
    """Walks the raw document in Java's parse order, normalizing it and collecting problems."""

    def __init__(
        self,
        external: Mapping[str, dict[str, Any]],
        registered: bool = False,
        alone: bool = False,
        v111: bool = False,
    ) -> None:
        self.external = external
        self.registered = registered  # lenient, as Confluent parses an already registered version
        self.alone = alone  # stop at the first name not declared before its use (see `resolve`)
        self.v111 = v111  # Avro 1.11's parser (Confluent 7.x, 8.0.0-8.0.2, 8.1.0): see `resolve`
        self.declared: set[str] = set()  # names whose definition has started (recursion is no stop)
        # The name rule: strict (ASCII) for a new schema, Confluent's Unicode check after a lenient
        # parse for a registered one; Avro 1.11's own check (the Unicode one) for both.
        self.valid_name = _valid_utf_name if registered or v111 else _valid_name
        self.problems: list[Problem] = []
        self.complete: dict[str, dict[str, Any]] = {}  # Java's ParseContext: fully parsed named types
        self.defined: list[str] = []
        self.pending: list[tuple[str, Path]] = []  # (full name, pointer) of forward references
        self.external_used: dict[str, Path] = {}  # full name -> pointer of first use
        self.name_uses = 0  # references, redefinitions and aliases met so far (see `closed`)
        self.closed: dict[int, Node] = {}
        self.defaults = (_Defaults111 if v111 else _Defaults)(_ChainMap(self.complete, external))
        self.with_default: dict[int, Path] = {}  # id(field) -> pointer: object and array defaults

    def problem(self, rule: str, pointer: Path, message: str) -> None:
        self.problems.append(Problem(rule, pointer_text(pointer), message))

    # -- dispatch ------------------------------------------------------------------------------

    def parse(self, raw: Any, pointer: Path, namespace: str | None) -> Node:
        if isinstance(raw, str):
            return self.reference(raw, pointer, namespace)
        if isinstance(raw, list):
            return self.union(raw, pointer, namespace)
        if isinstance(raw, dict):
            return self.complex(raw, pointer, namespace)
        self.problem("AVRO_NOT_A_SCHEMA", pointer, f"{json_kind(raw)} is not an Avro schema.")
        return "null"

    def reference(self, name: str, pointer: Path, namespace: str | None, fallback: bool = True) -> Node:
        if name in PRIMITIVES:
            return name
        if self.v111:
            return self.reference_111(name, pointer, namespace, fallback)
        self.name_uses += 1
        qualified = f"{namespace}.{name}" if namespace and "." not in name else name
        for candidate in (qualified, name):
            if candidate in self.complete:
                return candidate
            if candidate in self.external:
                self.external_used.setdefault(candidate, pointer)
                return candidate
        if self.alone and qualified not in self.declared and name not in self.declared:
            raise _NotAlone(qualified, pointer)
        self.pending.append((qualified, pointer))
        return _Pending(qualified)

    def reference_111(self, name: str, pointer: Path, namespace: str | None, fallback: bool) -> Node:
        """Avro 1.11's Names.get: the name in the current namespace, then in the null one, among the
        types read so far, a record counting from its start (1.11 registers it before its fields);
        a name read nowhere yet is an error ("Undefined name"): no forward reference. A leading dot
        (".R") is the null namespace. `fallback` False: only the first look (`{"type": "Name"}`,
        which 1.11 reads only "for unions with self reference")."""
        self.name_uses += 1
        dot = name.rfind(".")
        if dot == 0:
            name = qualified = name[1:]  # Java's Name: an empty namespace is the null one
        else:
            qualified = f"{namespace}.{name}" if namespace and dot < 0 else name
        for candidate in (qualified, name) if fallback else (qualified,):
            if candidate in self.complete:
                return candidate
            if candidate in self.external:
                self.external_used.setdefault(candidate, pointer)
                return candidate
            if candidate in self.declared:  # a record being read: a recursive reference
                self.pending.append((candidate, pointer))
                return _Pending(candidate)
        if self.alone:
            raise _NotAlone(qualified, pointer)
        self.problem(
            "AVRO_UNKNOWN_TYPE",
            pointer,
            f"Type '{qualified}' is not defined before this use; Avro 1.11 reads no forward reference "
            "(avro parser 1.11).",
        )
        return _Pending(qualified)

    def union(self, raw: list[Any], pointer: Path, namespace: str | None) -> Node:
        if len(raw) == 2:
            first, second = raw
            if (
                first.__class__ is str
                and second.__class__ is str
                and first in PRIMITIVES
                and second in PRIMITIVES
                and first != second
            ):
                return [first, second]  # ["null", "string"]: the commonest union, nothing to resolve
        branches: list[Node] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(raw):
            if item.__class__ is str and item in PRIMITIVES:
                branch: Node = item  # a primitive branch, the commonest: nothing to resolve
                key = item
            elif isinstance(item, list):
                branch = self.parse(item, (*pointer, index), namespace)
                self.problem(
                    "AVRO_INVALID_UNION",
                    (*pointer, index),
                    f"Union branch {index} is itself a union; unions may not nest.",
                )
                branches.append(branch)
                continue
            else:
                branch = self.parse(item, (*pointer, index), namespace)
                key = self.branch_key(branch)
            if key in seen:
                self.problem(
                    "AVRO_INVALID_UNION",
                    (*pointer, index),
                    f"Union branch {index} repeats type '{key}' (already branch {seen[key]}).",
                )
            else:
                seen[key] = index
            branches.append(branch)
        return branches

    @staticmethod
    def branch_key(branch: Node) -> str:
        """Java's union index key: a primitive's or container's type name, a named type's full name."""
        if isinstance(branch, str):
            return str(branch)
        if isinstance(branch, dict):
            kind = str(branch.get("type"))
            return str(branch["name"]) if kind in NAMED_TYPES else kind
        return "union"

    def complex(self, raw: dict[str, Any], pointer: Path, namespace: str | None) -> Node:
        if "type" not in raw:
            self.problem("AVRO_MISSING_ATTRIBUTE", pointer, 'A schema object needs a "type" attribute.')
            return "null"
        kind = raw["type"]
        if not isinstance(kind, str):
            self.problem(
                "AVRO_NOT_A_SCHEMA",
                (*pointer, "type"),
                f'"type" must be a type name string here, not {json_kind(kind)}.',
            )
            return "null"
        if kind in PRIMITIVES:
            return _with_props(kind, raw)
        if kind in ("record", "error"):
            return self.record(raw, pointer, namespace)
        if kind == "enum":
            return self.enum(raw, pointer, namespace)
        if kind == "fixed":
            return self.fixed(raw, pointer, namespace)
        if kind in ("array", "map"):
            return self.container(raw, kind, pointer, namespace)
        # Avro 1.12.1 reads {"type": "Name"} as a reference to a named type (1.11 without the
        # null-namespace fallback).
        return self.reference(kind, (*pointer, "type"), namespace, fallback=False)

    def container(self, raw: dict[str, Any], kind: str, pointer: Path, namespace: str | None) -> Node:
        key = "items" if kind == "array" else "values"
        node: dict[str, Any] = {"type": kind}
        if key not in raw:
            self.problem("AVRO_MISSING_ATTRIBUTE", pointer, f'An {kind} needs an "{key}" attribute.')
            node[key] = "null"
        else:
            node[key] = self.parse(raw[key], (*pointer, key), namespace)
        if not raw.keys() <= _SCHEMA_RESERVED:
            node.update({k: v for k, v in raw.items() if k not in _SCHEMA_RESERVED})
        return node

    # -- named types -----------------------------------------------------------------------------

    def declare(self, raw: dict[str, Any], pointer: Path, namespace: str | None) -> tuple[str, str | None]:
        """Validate a named type's name and namespace; return (full name, its namespace)."""
        name = raw.get("name")
        kind = raw.get("type")
        if not isinstance(name, str):
            self.problem("AVRO_MISSING_ATTRIBUTE", pointer, f'A {kind} needs a "name" string.')
            return f"<unnamed {kind} at {pointer_text(pointer) or '/'}>", namespace
        declared_space = raw.get("namespace")
        space_given = isinstance(declared_space, str)
        simple, space = split_name(name, declared_space if space_given else namespace)
        if simple not in _KNOWN_VALID_NAMES and not self.valid_name(simple):
            self.problem("AVRO_INVALID_NAME", (*pointer, "name"), f"'{name}' is not a valid {kind} name.")
        if self.registered or self.v111:
            pass  # Confluent checks no namespace of a registered version, Avro 1.11 none at all
        elif space and ("." in name or space_given) and not _valid_namespace(space):
            at = (*pointer, "name" if "." in name else "namespace")
            self.problem("AVRO_INVALID_NAME", at, f"Namespace '{space}' of {kind} '{name}' is not valid.")
        full = f"{space}.{simple}" if space else simple
        if full in PRIMITIVES:
            self.problem(
                "AVRO_INVALID_NAME",
                (*pointer, "name"),
                f"A {kind} may not be named after primitive '{full}'.",
            )
        return full, space

    def aliases(
        self, raw: dict[str, Any], pointer: Path, space: str | None, qualify: bool
    ) -> list[str] | None:
        if "aliases" not in raw:
            return None
        self.name_uses += 1
        value = raw["aliases"]
        at = (*pointer, "aliases")
        if not isinstance(value, list):
            self.problem("AVRO_INVALID_NAME", at, '"aliases" must be a list of names.')
            return None
        result: list[str] = []
        for index, alias in enumerate(value):
            if not isinstance(alias, str):
                self.problem("AVRO_INVALID_NAME", (*at, index), f"Alias {index} is not a string.")
                continue
            if qualify:
                simple, alias_space = split_name(alias, space)
                if self.v111:  # Java 1.11's Name: checked in both parses, Unicode; ".Old" is "Old"
                    if not self.valid_name(simple):
                        self.problem(
                            "AVRO_INVALID_NAME", (*at, index), f"Alias '{alias}' is not a valid name."
                        )
                        continue
                    alias = f"{alias_space}.{simple}" if alias_space else simple
                elif not self.registered and not _valid_name(simple):
                    self.problem("AVRO_INVALID_NAME", (*at, index), f"Alias '{alias}' is not a valid name.")
                    continue
                else:
                    alias = _java_alias(simple, alias_space, space)
            if alias not in result:
                result.append(alias)
        return result

    def register(self, full: str, node: dict[str, Any], pointer: Path, uses: int) -> Node:
        """Java's ParseContext.put: a name may be defined again only identically. `uses`: the
        name uses counted when the definition started (none since: it is closed)."""
        previous = self.complete.get(full)
        if previous is None:
            previous = self.external.get(full)
        if previous is not None and not self.v111 and not _java_equal(previous, node):
            message = f"Named type '{full}' is defined twice, differently."
            if any("<placeholder " in json.dumps(_equality_shape(item)) for item in (previous, node)):
                message = (
                    f"Named type '{full}' is defined twice; Avro takes two definitions of a type that uses "
                    "itself, or a type defined after it, as different."
                )
            self.problem("AVRO_DUPLICATE_NAME", pointer, message)
        if full in self.complete:
            self.name_uses += 1
            return Redefinition(full, node)
        self.complete[full] = node
        if self.name_uses == uses:
            self.closed[id(node)] = node
        return node

    def start_named(
        self, raw: dict[str, Any], pointer: Path, namespace: str | None
    ) -> tuple[str, str | None]:
        full, space = self.declare(raw, pointer, namespace)
        if self.v111 and (full in self.declared or full in self.external):
            self.problem(
                "AVRO_DUPLICATE_NAME",
                pointer,
                f"Named type '{full}' is defined twice; Avro 1.11 refuses any second definition, even an "
                "identical one (avro parser 1.11).",
            )
        if full not in self.declared and full not in self.complete:
            self.defined.append(full)
            self.declared.add(full)
        return full, space

    def head(self, raw: dict[str, Any], kind: str, full: str) -> dict[str, Any]:
        node: dict[str, Any] = {"type": kind, "name": full}
        if "doc" in raw:
            node["doc"] = raw["doc"]
        return node

    def tail(
        self,
        node: dict[str, Any],
        raw: dict[str, Any],
        pointer: Path,
        space: str | None,
        skip: frozenset[str],
    ) -> None:
        if "aliases" in raw:
            aliases = self.aliases(raw, pointer, space, qualify=True)
            if aliases is not None:
                node["aliases"] = aliases
        if not raw.keys() <= skip:  # (a C-level test: most named types carry no extra property)
            node.update({k: v for k, v in raw.items() if k not in skip and k not in node})

    def record(self, raw: dict[str, Any], pointer: Path, namespace: str | None) -> Node:
        uses = self.name_uses
        full, space = self.start_named(raw, pointer, namespace)
        node = self.head(raw, str(raw["type"]), full)
        fields_raw = raw.get("fields")
        fields: list[dict[str, Any]] = []
        if not isinstance(fields_raw, list):
            self.problem("AVRO_RECORD_WITHOUT_FIELDS", pointer, f"Record '{full}' needs a \"fields\" list.")
        else:
            seen: set[str] = set()
            for index, field_raw in enumerate(fields_raw):
                field = self.field(field_raw, pointer, index, space, full)
                if field is None:
                    continue
                if field["name"] in seen:
                    self.problem(
                        "AVRO_DUPLICATE_FIELD",
                        (*pointer, "fields", index, "name"),
                        f"Record '{full}' has two fields named '{field['name']}'.",
                    )
                seen.add(field["name"])
                fields.append(field)
        node["fields"] = fields
        self.tail(node, raw, pointer, space, _SCHEMA_RESERVED)
        return self.register(full, node, pointer, uses)

    def field(
        self, raw: Any, record_pointer: Path, index: int, space: str | None, record: str
    ) -> dict[str, Any] | None:
        """Field `index` of the record at `record_pointer` (its own pointer is built only for a
        problem or a type to walk: most fields of a large schema need neither)."""
        name = raw.get("name") if isinstance(raw, dict) else None
        if not isinstance(name, str):
            self.problem(
                "AVRO_MISSING_ATTRIBUTE",
                (*record_pointer, "fields", index),
                f"A field of record '{record}' needs a \"name\" string.",
            )
            return None
        if name not in _KNOWN_VALID_NAMES and not self.valid_name(name):
            self.problem(
                "AVRO_INVALID_NAME",
                (*record_pointer, "fields", index, "name"),
                f"Field name '{name}' in '{record}' is not valid.",
            )
        declared = raw.get("type", _ABSENT)
        if declared.__class__ is str and declared in PRIMITIVES:
            if len(raw) == 2:
                return {"name": name, "type": declared}  # the commonest field: nothing else to read
            field_type: Node = declared  # nothing to resolve
        elif declared is _ABSENT:
            self.problem(
                "AVRO_MISSING_ATTRIBUTE",
                (*record_pointer, "fields", index),
                f"Field '{name}' of record '{record}' needs a \"type\".",
            )
            field_type = "null"
        else:
            uses = self.name_uses
            field_type = self.parse(declared, (*record_pointer, "fields", index, "type"), space)
            if self.name_uses == uses and field_type.__class__ is not str:
                self.closed[id(field_type)] = field_type
            if len(raw) == 2:
                return {"name": name, "type": field_type}
        pointer = (*record_pointer, "fields", index)
        field: dict[str, Any] = {"name": name, "type": field_type}
        if "default" in raw:
            field["default"] = self.check_default(raw["default"], field_type, pointer, name)
            if (
                not self.registered
                and isinstance(field["default"], (dict, list))
                and self.has_record(field_type)
            ):
                # (only an object, in a record, can fare differently at _ResolvedDefaults' second look)
                self.with_default[id(field)] = pointer
        if "order" in raw:
            self.check_order(raw, pointer, name)
            field["order"] = raw["order"]
        if "doc" in raw:
            field["doc"] = raw["doc"]
        if "aliases" in raw:
            aliases = self.aliases(raw, pointer, None, qualify=False)
            if aliases is not None:
                field["aliases"] = aliases
        if not raw.keys() <= _FIELD_RESERVED:  # (a C-level test: most fields carry no extra property)
            field.update({k: v for k, v in raw.items() if k not in _FIELD_RESERVED})
        return field

    def check_default(self, value: Any, field_type: Node, pointer: Path, name: str) -> Any:
        if isinstance(value, str) and type_of_raw(field_type, self.complete, self.external) in (
            "FLOAT",
            "DOUBLE",
        ):
            # Java turns a textual float/double default into a number first.
            if not _java_double_text(value):
                self.problem(
                    "AVRO_BAD_DEFAULT",
                    (*pointer, "default"),
                    f"Default of field '{name}' is not a number: {_short(value)}.",
                )
                return value
            return _java_double(value)
        if self.registered:
            return value  # Confluent validates no default of a registered version
        if not self.defaults.valid(field_type, value):
            self.problem(
                "AVRO_BAD_DEFAULT",
                (*pointer, "default"),
                f"Default of field '{name}' does not match its type: {_short(value)}.",
            )
        return value

    def has_record(self, node: Node) -> bool:
        """Whether a default of this type may be checked against a record (or a placeholder)."""
        return _reaches_record(node, lambda name: self.complete.get(name) or self.external.get(name))

    def check_order(self, raw: dict[str, Any], pointer: Path, name: str) -> None:
        order = raw.get("order")
        if "order" in raw and (not isinstance(order, str) or order.upper() not in _ORDERS):
            self.problem(
                "AVRO_NOT_A_SCHEMA",
                (*pointer, "order"),
                f"Field '{name}' has order {_short(order)}; use ascending, descending or ignore.",
            )

    def enum(self, raw: dict[str, Any], pointer: Path, namespace: str | None) -> Node:
        uses = self.name_uses
        full, space = self.start_named(raw, pointer, namespace)
        node = self.head(raw, "enum", full)
        symbols_raw = raw.get("symbols")
        symbols: list[str] = []
        if not isinstance(symbols_raw, list):
            self.problem("AVRO_MISSING_ATTRIBUTE", pointer, f"Enum '{full}' needs a \"symbols\" list.")
        else:
            for index, symbol in enumerate(symbols_raw):
                at = (*pointer, "symbols", index)
                if not self.valid_name(symbol):
                    self.problem(
                        "AVRO_INVALID_NAME",
                        at,
                        f"Symbol {_short(symbol)} of enum '{full}' is not a valid name.",
                    )
                    continue
                if symbol in symbols:
                    self.problem("AVRO_DUPLICATE_SYMBOL", at, f"Enum '{full}' lists symbol '{symbol}' twice.")
                    continue
                symbols.append(symbol)
        node["symbols"] = symbols
        default = raw.get("default")
        if isinstance(default, str):  # Java ignores a non-text enum default
            if isinstance(symbols_raw, list) and default not in symbols_raw:
                self.problem(
                    "AVRO_ENUM_DEFAULT",
                    (*pointer, "default"),
                    f"Default '{default}' of enum '{full}' is not one of its symbols.",
                )
            node["default"] = default
        self.tail(node, raw, pointer, space, _SCHEMA_RESERVED | {"default"})
        return self.register(full, node, pointer, uses)

    def fixed(self, raw: dict[str, Any], pointer: Path, namespace: str | None) -> Node:
        uses = self.name_uses
        full, space = self.start_named(raw, pointer, namespace)
        node = self.head(raw, "fixed", full)
        size = raw.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= _FIXED_MAX:
            at = (*pointer, "size") if "size" in raw else pointer
            self.problem(
                "AVRO_INVALID_FIXED_SIZE",
                at,
                f"Fixed '{full}' needs a non-negative integer size, not {_short(size)}.",
            )
            size = 0
        node["size"] = size
        self.tail(node, raw, pointer, space, _SCHEMA_RESERVED)
        return self.register(full, node, pointer, uses)

    # -- after the walk --------------------------------------------------------------------------

    def finish_pending(self) -> None:
        """Java resolves forward references at the end, by their qualified full name only."""
        for name, pointer in self.pending:
            if name in self.complete:
                continue
            if name in self.external:
                self.external_used.setdefault(name, pointer)
                continue
            self.problem("AVRO_UNKNOWN_TYPE", pointer, f"Type '{name}' is not defined.")

    def collect_external(self) -> dict[str, dict[str, Any]]:
        """External definitions used, with the names they reach in turn."""
        reached: dict[str, dict[str, Any]] = {}
        queue = list(self.external_used)
        while queue:
            name = queue.pop()
            if name in reached or name in self.complete:
                continue
            definition = self.external.get(name)
            if definition is None:
                pointer = next(iter(self.external_used.values()), ())
                self.problem(
                    "AVRO_UNKNOWN_TYPE",
                    pointer,
                    f"Referenced contract needs type '{name}', which is not defined.",
                )
                continue
            reached[name] = definition
            nested, references, _ = _walked(definition)
            for nested_name, nested_definition in nested:
                reached.setdefault(nested_name, nested_definition)
            queue.extend(references)
        return reached


class _FieldsNotSet(Exception):
    """Java's AvroRuntimeException "Schema fields not set yet": a default reached a record whose
    copy is still being built."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _After:
    """A post-visit entry on the stack of ``_ResolvedDefaults.visit`` (Java's Supplier)."""

    __slots__ = ("node",)

    def __init__(self, node: Any) -> None:
        self.node = node


class _ResolvedDefaults:
    """Avro 1.12.1's second look at every default, as the parser resolves its placeholders.

    After the walk, ``Schema.Parser.parse`` calls ``ParseContext.resolve``, which copies every named
    type it knows (``ensureSchemasAreResolved``: a ``SchemaResolver.ResolvingVisitor`` over the
    types in the order they were completed, each by ``Schemas.visit``, depth first: a record's fields
    in order, a union's branches last first). A record is copied without fields when the visit
    enters it, and given its fields when the visit leaves it, each by ``new Field(field, copy)``,
    which validates the default again (the parser's ``validateDefaults`` still holds) against the
    copied types, placeholders now replaced by their definitions. So a default is checked twice:

    * against the real type a forward or recursive reference stands for (while parsing, such a
      reference was a placeholder record without fields that took any object);
    * and a default that reaches a record whose copy has no fields yet (a record still being
      visited: the one holding the field, or one enclosing it, through a recursive reference) makes
      ``isValidDefault`` call ``getFields()`` on it, which throws "Schema fields not set yet".

    Either way the parse fails, and Confluent refuses the schema (``AvroSchemaProvider`` turns the
    exception into "Invalid schema"). The first failure ends the parse, so only it is reported.
    Only a new schema is concerned: a registered one is parsed without default validation.

    With references, Confluent parses them first with the same parser; a type this text defines is
    new to the ParseContext (``put`` drops its ``resolvingVisitor``), so the copying starts again
    from the first type of the first reference, now as their resolved copies: references to each
    other, no placeholders. That walk is not the one their own parse made, so a recursive
    referenced type can fail here ("Schema fields not set yet") though it was valid on its own:
    then Confluent refuses every new schema that defines a type and uses it (``refs``)."""

    def __init__(self, resolver: _Resolver, refs: bool) -> None:
        self.resolver = resolver
        self.complete = resolver.complete
        self.external = resolver.external
        # refs: the referenced types are walked again (first, as in Java's ParseContext); without
        # it they are taken as copied in full before any type of this text.
        self.refs = refs
        self.external_ids = {id(definition) for definition in self.external.values()} if refs else set()
        self.copies: dict[int, list[bool]] = {}  # id(record or placeholder) -> [its copy has fields]

    def run(self, root: Node) -> None:
        try:
            if self.refs:
                for definition in _completion_order(self.external.values()):
                    self.visit(definition)
            for definition in list(self.complete.values()):
                self.visit(definition)
            if not isinstance(root, dict) or root.get("type") not in NAMED_TYPES:
                self.visit(root)
        except _Failed:
            pass

    def java(self, node: Any) -> Any:
        """The object of Java's tree a node stands for."""
        if node.__class__ is str:
            if node in PRIMITIVES:
                return node
            definition = self.complete.get(node)
            return self.external[node] if definition is None else definition
        if node.__class__ is Redefinition:
            return node.definition
        return node

    def visit(self, start: Any) -> None:
        visited: set[int] = set()
        stack: list[Any] = [start]
        while stack:
            current = stack.pop()
            if current.__class__ is _After:
                self.leave(current.node)
                continue
            if id(current) in visited:
                continue
            if current.__class__ is _Pending:
                self.enter_placeholder(current)
                children: list[Any] = []
            elif isinstance(current, list):
                children = [self.java(branch) for branch in current]  # pushed in order: last first
            elif isinstance(current, dict):
                kind = current.get("type")
                if kind in ("record", "error"):
                    name = str(current["name"])
                    if (
                        not self.refs
                        and self.external.get(name) is current
                        and self.complete.get(name) is not current
                    ):
                        continue  # a referenced contract's type: copied before this text's types
                    self.copies.setdefault(id(current), [False])
                    children = [self.java(field["type"]) for field in reversed(current["fields"])]
                elif kind in ("array", "map"):
                    children = [self.java(current["items" if kind == "array" else "values"])]
                else:
                    continue  # a terminal: enum, fixed, a primitive with properties
            else:
                continue  # a primitive
            stack.append(_After(current))
            stack.extend(children)
            visited.add(id(current))

    def enter_placeholder(self, placeholder: _Pending) -> None:
        if id(placeholder) in self.copies:
            return
        target = self.complete.get(str(placeholder))
        if target is None or target.get("type") not in ("record", "error"):
            return  # an enum or a fixed stands for itself; a referenced type is copied already
        if id(target) not in self.copies:  # computeIfAbsent: a visit of its own
            self.visit(target)
        self.copies[id(placeholder)] = self.copies[id(target)]

    def leave(self, node: Any) -> None:
        if not isinstance(node, dict) or node.get("type") not in ("record", "error"):
            return
        copy = self.copies[id(node)]
        if copy[0]:
            return
        referenced = id(node) in self.external_ids
        for item in node["fields"]:
            pointer = self.resolver.with_default.get(id(item))
            if pointer is None:
                if not referenced or not _object_default(item, self.resolver):
                    continue
                self.check_referenced(node, item)
                continue
            try:
                valid = self.valid(item["type"], item["default"])
            except _FieldsNotSet as stop:
                self.resolver.problem(
                    "AVRO_BAD_DEFAULT",
                    (*pointer, "default"),
                    f"Default of field '{item['name']}' reaches record '{stop.name}' through a recursive "
                    'reference; Avro cannot check it ("Schema fields not set yet") and refuses the schema.',
                )
                raise _Failed from None
            if not valid:
                self.resolver.problem(
                    "AVRO_BAD_DEFAULT",
                    (*pointer, "default"),
                    f"Default of field '{item['name']}' does not match its type once the names it "
                    f"uses are resolved: {_short(item['default'])}.",
                )
                raise _Failed
        copy[0] = True

    def check_referenced(self, node: dict[str, Any], item: dict[str, Any]) -> None:
        """A referenced type's field default, checked again: a failure is this text's (at its root)."""
        try:
            valid = self.valid(item["type"], item["default"])
            reason = "does not match its type once the names it uses are resolved"
        except _FieldsNotSet as stop:
            valid, reason = False, f"reaches record '{stop.name}' while Avro is still resolving it"
        if not valid:
            self.resolver.problem(
                "AVRO_BAD_DEFAULT",
                (),
                f"Referenced type '{node['name']}': the default of its field '{item['name']}' {reason} "
                "when Avro resolves the referenced types again for this schema, so Confluent refuses "
                "this schema, though the referenced one is valid alone.",
            )
            raise _Failed

    def valid(self, node: Any, value: Any) -> bool:
        """Java's Schema.isValidDefault on the copied types (in Java's order, as it may throw)."""
        node = self.java(node)
        if node.__class__ is str:
            return _valid_primitive(node, value)
        if isinstance(node, list):
            return any(self.valid(branch, value) for branch in node)
        if node.__class__ is _Pending:
            node = self.java(str(node))
        return _valid_by_kind(node, value, self.valid, self.record)

    def record(self, node: dict[str, Any], value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        copy = self.copies.get(id(node))
        if copy is not None and not copy[0]:
            raise _FieldsNotSet(str(node["name"]))
        return _fields_valid(node, value, self.valid)


class _Failed(Exception):
    """The first failure of ``_ResolvedDefaults`` ends Java's parse."""


def _object_default(field: dict[str, Any], resolver: _Resolver) -> bool:
    """An object or array default whose type may reach a record: the only kind the second look
    can answer differently for."""
    return isinstance(field.get("default"), (dict, list)) and resolver.has_record(field["type"])


def _completion_order(definitions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Named definitions in the order Java's parser completed (``put``) them: a type written inside
    a record before that record."""
    order: list[dict[str, Any]] = []
    seen: set[int] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for branch in node:
                walk(branch)
        elif isinstance(node, dict):
            kind = node.get("type")
            if kind in ("record", "error"):
                if id(node) in seen:
                    return
                seen.add(id(node))
                for item in node["fields"]:
                    walk(item["type"])
                order.append(node)
            elif kind in ("enum", "fixed"):
                if id(node) not in seen:
                    seen.add(id(node))
                    order.append(node)
            elif kind in ("array", "map"):
                walk(node["items" if kind == "array" else "values"])

    for definition in definitions:
        walk(definition)
    return order


def _reaches_record(node: Node, find: Callable[[str], dict[str, Any] | None]) -> bool:
    """Whether a default of this type may be checked against a record (or a placeholder); `find`
    gives a named type's definition."""
    if isinstance(node, str):
        if node in PRIMITIVES:
            return False
        if node.__class__ is _Pending:
            return True
        definition = find(node)
        return definition is None or definition.get("type") in ("record", "error")
    if isinstance(node, list):
        return any(_reaches_record(branch, find) for branch in node)
    kind = node.get("type")
    if kind == "array":
        return _reaches_record(node["items"], find)
    if kind == "map":
        return _reaches_record(node["values"], find)
    return kind in ("record", "error")


def object_defaults_reach_record(
    defined: Iterable[dict[str, Any]], names: Mapping[str, dict[str, Any]]
) -> bool:
    """Whether one of these finished definitions (a referenced contract's own) holds an object or
    array default whose type may reach a record, its names read in `names` (the contract's types
    with those of the contracts it uses): what `_referenced_defaults` asks of every referenced
    type, asked once per contract instead of once per parse that uses it."""
    return any(
        _reaches_record(item["type"], names.get)
        for definition in defined
        for item in _object_default_fields(definition)
    )


def _referenced_defaults(resolver: _Resolver, known: bool | None = None) -> bool:
    """Whether the referenced types hold a default the second look may refuse, and this text defines
    a type of its own (without one, Java's parse does not copy the types again). `known`: the first
    part, as the caller's references answered it (`object_defaults_reach_record`)."""
    if not resolver.external or all(name in resolver.external for name in resolver.complete):
        return False
    if known is not None:
        return known
    return any(
        resolver.has_record(item["type"])
        for definition in resolver.external.values()
        for item in _object_default_fields(definition)
    )


def _object_default_fields(definition: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """The fields of a referenced record (a finished definition) whose default is an object or an
    array, found once per process (`_walked`); none for another kind of type."""
    return _walked(definition)[2]


# What a referenced definition holds: its named definitions, the names it references, and its fields
# with an object or array default (a record's; see `_referenced_defaults`).
_Walk: TypeAlias = tuple[tuple[tuple[str, dict[str, Any]], ...], tuple[str, ...], tuple[dict[str, Any], ...]]
# id(definition) -> (the definition, its walk). A referenced contract's definitions are finished
# objects, shared by every contract parsed with it: a chain of references k long walked them again in
# every parse of the chain (k^2 walks for one check).
_WALKS: dict[int, tuple[dict[str, Any], _Walk]] = {}
_WALKS_KEPT = 65536  # entries (the definitions stay alive while kept: their ids cannot be reused)


def _walked(definition: dict[str, Any]) -> _Walk:
    """`iter_named`, `iter_references` and the object defaults of an external definition, walked
    once per process."""
    known = _WALKS.get(id(definition))
    if known is not None and known[0] is definition:
        return known[1]
    if len(_WALKS) >= _WALKS_KEPT:
        _WALKS.clear()
    nested = tuple((str(found["name"]), found) for found in iter_named(definition))
    references = tuple(iter_references(definition))
    defaults: tuple[dict[str, Any], ...] = ()
    if definition.get("type") in ("record", "error"):
        defaults = tuple(f for f in definition["fields"] if isinstance(f.get("default"), (dict, list)))
    walk = (nested, references, defaults)
    _WALKS[id(definition)] = (definition, walk)
    return walk


class _ChainMap(Mapping[str, dict[str, Any]]):
    """Read-only view over the types defined so far, then the external ones."""

    def __init__(self, first: Mapping[str, dict[str, Any]], second: Mapping[str, dict[str, Any]]) -> None:
        self._first, self._second = first, second

    def __getitem__(self, key: str) -> dict[str, Any]:
        if key in self._first:
            return self._first[key]
        return self._second[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._first
        yield from (key for key in self._second if key not in self._first)

    def __len__(self) -> int:
        return len(set(self._first) | set(self._second))


def type_of_raw(node: Any, *lookups: Mapping[str, dict[str, Any]]) -> str:
    """Best-effort type name of a node during parsing (a pending reference counts as RECORD)."""
    if isinstance(node, list):
        return "UNION"
    if isinstance(node, _Pending):
        return "RECORD"
    if isinstance(node, str):
        if node in PRIMITIVES:
            return node.upper()
        for lookup in lookups:
            if node in lookup:
                return type_of_raw(lookup[node], *lookups)
        return "RECORD"
    if isinstance(node, dict):
        kind = str(node.get("type"))
        return "RECORD" if kind == "error" else kind.upper()
    return "NULL"


def _with_props(kind: str, raw: dict[str, Any]) -> Node:
    """A primitive type written as an object: its name, or a node with its properties (say a
    logicalType); the reserved attributes are dropped. `kind` is raw["type"]."""
    if len(raw) == 1:
        return kind
    if raw.keys().isdisjoint(_RESERVED_BUT_TYPE):
        return {"type": kind, **raw}  # type first, then the properties in the document's order
    props = {k: v for k, v in raw.items() if k not in _SCHEMA_RESERVED}
    return {"type": kind, **props} if props else kind


def json_kind(value: Any) -> str:
    """A JSON value described for a message: 'null', 'an array', 'the number 3', 'the string 'x''."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return f"the string {value!r}"


def _short(value: Any, limit: int = 60) -> str:
    """A default as the file writes it (JSON: `true`, `null`, `"rofl"`; Python's `True`, `None` and
    `'rofl'` are nowhere in the file to search for), shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def resolve(
    document: Any,
    external: Mapping[str, dict[str, Any]] | None = None,
    registered: bool = False,
    alone: bool = False,
    referenced_defaults: bool | None = None,
    v111: bool = False,
) -> tuple[ResolvedSchema | None, list[Problem]]:
    """Validate and normalize a raw Avro document; ``external`` holds referenced contracts' types.

    Rules are Avro Java 1.12.1's with Confluent's strict settings for a new schema, its lenient
    ones for an already ``registered`` version (see the module docstring); in particular a union
    field's default may match any branch, as since Avro 1.12.

    ``alone``: for a caller that only wants a text needing nothing from outside. The walk stops at
    the first name used before any definition of it has started (a type of another contract, or a
    forward reference: the full parse reads those) and returns that one AVRO_UNKNOWN_TYPE problem;
    a text that uses other contracts' types costs a fraction of a full walk to turn away.

    ``referenced_defaults``: whether ``external``'s types hold an object default that may reach a
    record (see `object_defaults_reach_record`), when the caller knows; else found here.

    ``v111``: Avro 1.11's parser instead (Confluent 7.x, 8.0.0-8.0.2 and 8.1.0): a union default
    matches its first branch; no forward reference; no second definition of a name; names checked
    with the Unicode rule in both parses (aliases too), namespaces not at all; ".R" is the null
    namespace; a record's name is known from its start; defaults are checked once, while parsing.
    """
    resolver = _Resolver(external or {}, registered, alone, v111)
    try:
        root = resolver.parse(document, (), None)
    except _NotAlone as stop:
        return None, [
            Problem("AVRO_UNKNOWN_TYPE", pointer_text(stop.pointer), f"Type '{stop.name}' is not defined.")
        ]
    except RecursionError:
        message = "The schema is nested too deeply to be read."
        return None, [*resolver.problems, Problem("AVRO_NOT_A_SCHEMA", "", message)]
    resolver.finish_pending()
    reached = resolver.collect_external()
    if not resolver.registered and not resolver.problems and not v111:
        # Java checks every default again as it resolves placeholders (see _ResolvedDefaults); with
        # no placeholder that check repeats the one made while parsing, except for the types of
        # the references, walked again in another order.
        refs = _referenced_defaults(resolver, referenced_defaults)
        if refs or (resolver.pending and resolver.with_default):
            _ResolvedDefaults(resolver, refs).run(root)
    if resolver.problems:
        return None, _without_consequences(resolver.problems)
    names: dict[str, dict[str, Any]] = {}
    # Placeholders exist only where a name was used before its definition: without any, the tree
    # is already plain and copying it would cost as much as the walk itself.
    plain = _plain if resolver.pending else _same
    plain_root = plain(root)
    if resolver.pending:
        for definition in iter_named(plain_root):
            names.setdefault(str(definition["name"]), definition)
    else:  # the same definitions, in the same (document) order, without walking the tree again
        names.update(
            (name, resolver.complete[name]) for name in resolver.defined if name in resolver.complete
        )
    for name, definition in reached.items():
        names.setdefault(name, definition)
    # Named types defined only in an identical second definition are still reachable by name.
    for name, definition in resolver.complete.items():
        if name not in names:  # (setdefault would copy every definition only to throw most away)
            names[name] = plain(definition)
    schema = ResolvedSchema(
        root=plain_root,
        names=names,
        defined=tuple(resolver.defined),
        external_used=frozenset(name for name in reached if name not in resolver.complete),
        closed=resolver.closed if plain is _same else {},  # a copied tree has other nodes
    )
    return schema, []


def _without_consequences(problems: list[Problem]) -> list[Problem]:
    """A field whose type names an undefined type has one problem, that name: its default was
    checked against a placeholder, so a "bad default" there only repeats the typo."""
    unknown = [p.pointer for p in problems if p.rule == "AVRO_UNKNOWN_TYPE"]
    if not unknown:
        return problems

    def follows_unknown(problem: Problem) -> bool:
        if problem.rule != "AVRO_BAD_DEFAULT" or not problem.pointer.endswith("/default"):
            return False
        field_type = problem.pointer[: -len("default")] + "type"
        return any(u == field_type or u.startswith(field_type + "/") for u in unknown)

    return [p for p in problems if not follows_unknown(p)]


# ----------------------------------------------------------------------------------------------
# Outline: tolerant discovery of names, for ordering contracts before they are parsed


class _Outliner:
    """A walk that records definitions and references: recursive (the faster way in Python), and
    iterative again for a document nested beyond the recursion limit."""

    def __init__(self) -> None:
        self.defined: list[str] = []
        self.references: list[tuple[str, str | None]] = []  # (name as written, namespace in scope)

    def walk(self, document: Any) -> None:
        try:
            self.visit(document, None)
        except RecursionError:
            self.defined, self.references = [], []
            self.walk_iteratively(document)

    def visit(self, raw: Any, namespace: str | None) -> None:
        """`walk_iteratively`'s records in the same (document) order: see `children`."""
        if isinstance(raw, str):
            if raw not in PRIMITIVES:
                self.references.append((raw, namespace))
        elif isinstance(raw, list):
            for item in raw:
                self.visit(item, namespace)
        elif isinstance(raw, dict):
            kind = raw.get("type")
            if kind.__class__ is str and kind in NAMED_TYPES:
                space = namespace
                if isinstance(raw.get("name"), str):
                    declared = raw.get("namespace")
                    simple, space = split_name(
                        raw["name"], declared if isinstance(declared, str) else namespace
                    )
                    full = f"{space}.{simple}" if space else simple
                    if full not in self.defined:
                        self.defined.append(full)
                fields = raw.get("fields")
                if kind == "enum" or kind == "fixed" or not isinstance(fields, list):
                    return
                for field in fields:
                    if isinstance(field, dict) and "type" in field:
                        field_type = field["type"]
                        if field_type.__class__ is str and field_type in PRIMITIVES:
                            continue  # the commonest field: nothing to record
                        self.visit(field_type, space)
            else:
                for child, space in self.children(raw, namespace):
                    self.visit(child, space)

    def walk_iteratively(self, document: Any) -> None:
        stack: list[tuple[Any, str | None]] = [(document, None)]
        while stack:
            raw, namespace = stack.pop()
            if isinstance(raw, str):
                if raw not in PRIMITIVES:
                    self.references.append((raw, namespace))
            elif isinstance(raw, list):
                stack.extend((item, namespace) for item in reversed(raw))
            elif isinstance(raw, dict):
                stack.extend(reversed(self.children(raw, namespace)))

    def children(self, raw: dict[str, Any], namespace: str | None) -> list[tuple[Any, str | None]]:
        kind = raw.get("type")
        if isinstance(kind, (dict, list)):
            return [(kind, namespace)]
        if not isinstance(kind, str):
            return []
        if kind == "array":
            return [(raw.get("items"), namespace)]
        if kind == "map":
            return [(raw.get("values"), namespace)]
        if kind not in NAMED_TYPES:
            if kind not in PRIMITIVES:
                self.references.append((kind, namespace))
            return []
        space = namespace
        if isinstance(raw.get("name"), str):
            declared = raw.get("namespace")
            simple, space = split_name(raw["name"], declared if isinstance(declared, str) else namespace)
            full = f"{space}.{simple}" if space else simple
            if full not in self.defined:
                self.defined.append(full)
        fields = raw.get("fields")
        if kind == "enum" or kind == "fixed" or not isinstance(fields, list):
            return []
        return [(field["type"], space) for field in fields if isinstance(field, dict) and "type" in field]

    def undefined(self) -> tuple[str, ...]:
        known = set(self.defined)
        missing: list[str] = []
        for name, namespace in self.references:
            qualified = f"{namespace}.{name}" if namespace and "." not in name else name
            if qualified in known or name in known or qualified in missing:
                continue
            missing.append(qualified)
        return tuple(missing)


def _primary(document: Any) -> str | None:
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        return None
    if document["type"] not in NAMED_TYPES:
        return None
    name, space = document.get("name"), document.get("namespace")
    if not isinstance(name, str):
        return None
    return full_name(name, space if isinstance(space, str) else None)


def outline(document: Any) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """(defined full names, referenced-but-undefined full names, primary name); never raises."""
    outliner = _Outliner()
    outliner.walk(document)
    return tuple(outliner.defined), outliner.undefined(), _primary(document)
