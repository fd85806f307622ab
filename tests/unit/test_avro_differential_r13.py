"""Differential checks of Avro verdicts against the `avro` package's Python port (round 13).

Each defect found by fuzzing random (reader, writer) evolutions has its own test with the Avro Java
source that decides it; the seeded differential test at the end keeps the engine in step with the
port on a few hundred realistic pairs, except where the port is known to differ from Java.
"""

from __future__ import annotations

import collections
import copy
import json
import random
from typing import Any

import avro.schema
import pytest
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from contractctl.formats.avro.compat import check_reader_writer, is_compatible
from contractctl.formats.avro.resolve import ResolvedSchema, resolve

pytestmark = pytest.mark.filterwarnings("ignore::avro.errors.IgnoredLogicalType")


def _resolved(document: Any) -> ResolvedSchema:
    schema, problems = resolve(document)
    assert problems == [] and schema is not None, problems
    return schema


def _found(reader: Any, writer: Any) -> list[tuple[str, str]]:
    """The full check's incompatibilities, after asserting the verdict walk agrees with it."""
    r, w = _resolved(reader), _resolved(writer)
    found = [(item.type, item.location) for item in check_reader_writer(r, w)]
    assert is_compatible(r, w) == (not found)
    return found


def _record(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "record", "name": name, "fields": [{"name": "a", "type": "int"}], **extra}


# -- a leading-dot alias: Java's NamedSchema.getAliases() --------------------------------------------


def test_leading_dot_alias_of_a_namespaced_type_does_not_match() -> None:
    """An alias ".Old" is the null-namespace name Old; Java's getAliases() gives it back as ".Old"
    when the type itself has a namespace, and schemaNameEquals compares that text with the writer's
    full name "Old": no match, NAME_MISMATCH (Confluent: incompatible)."""
    reader = _record("New", namespace="com.acme", aliases=[".Old"])
    assert _found(reader, _record("Old")) == [("NAME_MISMATCH", "/name")]


def test_leading_dot_alias_of_a_type_without_namespace_matches() -> None:
    """Without a namespace of its own getAliases() returns the alias's full name "Old": it matches."""
    assert _found(_record("New", aliases=[".Old"]), _record("Old")) == []


def test_leading_dot_alias_is_kept_as_java_returns_it() -> None:
    schema = _resolved(_record("New", namespace="com.acme", aliases=[".Old", "Older", "x.Oldest"]))
    assert schema.names["com.acme.New"]["aliases"] == [".Old", "com.acme.Older", "x.Oldest"]


# -- a field's "order": Java's Schema.parseField ------------------------------------------------------


@pytest.mark.parametrize("order", ["ascending", "DESCENDING", "Ignore", "\u0131gnore", "de\u017fcending"])
def test_order_is_read_as_java_upper_cases_it(order: str) -> None:
    """Java reads Field.Order.valueOf(order.toUpperCase(Locale.ENGLISH)): with a dotless i (U+0131)
    or a long s (U+017F) an order upper-cases to IGNORE or DESCENDING, though it lower-cases to none."""
    _resolved({"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "order": order}]})


@pytest.mark.parametrize("order", ["bogus", "\u0130gnore", 1])
def test_an_order_java_cannot_read_is_refused(order: Any) -> None:
    document = {"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "order": order}]}
    schema, problems = resolve(document)
    assert schema is None and [problem.pointer for problem in problems] == ["/fields/0/order"]


def test_an_order_spelt_differently_is_the_same_order_in_a_redefinition() -> None:
    """Java's Field.equals compares the Field.Order read, so an identical redefinition may spell it
    "ignore" once and with a dotless i (U+0131) the other time."""
    inner = {"type": "record", "name": "In", "fields": [{"name": "a", "type": "int", "order": "ignore"}]}
    again = {**inner, "fields": [{"name": "a", "type": "int", "order": "\u0131gnore"}]}
    fields = [{"name": "x", "type": inner}, {"name": "y", "type": again}]
    _resolved({"type": "record", "name": "R", "fields": fields})


# -- a float/double default written as text: Java's Double.parseDouble --------------------------------


def _double_default(text: str) -> list[str]:
    document = {"type": "record", "name": "R", "fields": [{"name": "a", "type": "double", "default": text}]}
    return [problem.rule for problem in resolve(document)[1]]


@pytest.mark.parametrize(
    "text",
    ["NaN", "-NaN", "+Infinity", " 1.5 ", "\x001.5\x1f", "1.e5", ".5d", "0x.8p1F", "7f", "\t-0\n"],
)
def test_a_text_double_java_reads_is_accepted(text: str) -> None:
    """Schema.parseField reads a text float/double default with Double.parseDouble, which first
    trims every char up to U+0020 (String.trim), control characters included."""
    assert _double_default(text) == []


@pytest.mark.parametrize(
    "text", ["NaNd", "Infinityf", "\u0663", "1\u0663", "1.5\u00a0", "\u20031.5", "0x1.8", "1e", ".", "1_0"]
)
def test_a_text_double_java_cannot_read_is_refused(text: str) -> None:
    """FloatingDecimal.readJavaFormatString: NaN and Infinity end the text (no f/d suffix), digits
    are ASCII '0'-'9' only, and String.trim leaves a no-break or em space in place."""
    assert _double_default(text) == ["AVRO_BAD_DEFAULT"]


# -- seeded differential: the engine against the Python port, on random evolutions ----------------
#
# The port mirrors Java's SchemaCompatibility closely but not Java's parser: it does not qualify
# aliases as NamedSchema.getAliases() does, lets an empty "namespace" inherit, cannot read forward
# references, identical redefinitions or {"type": "Name"}, and crashes on "error" records. So the
# port is given each document as Java reads it (_JavaView: every name resolved the way
# Schema.Name, parseName, addAlias/getAliases and ParseContext.find do), and compares only.

_PRIMITIVE_NAMES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
_SPACES = ["com.acme", "org.other", "a"]
_LOGICAL = [
    {"type": "int", "logicalType": "date"},
    {"type": "long", "logicalType": "timestamp-millis"},
    {"type": "long", "logicalType": "timestamp-micros"},
    {"type": "long", "logicalType": "local-timestamp-millis"},
    {"type": "string", "logicalType": "uuid"},
    {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2},
]
_PROMOTIONS = {"int": "long", "long": "double", "float": "double", "string": "bytes", "bytes": "string"}


class _Unportable(Exception):
    """A document the port cannot be given as Java reads it (a forward reference)."""


class _JavaInvalid(Exception):
    """Java's parser refuses the document (an undefined name, a redefinition, a union duplicate)."""


class _JavaView:
    """A document rewritten with every name as Java resolves it, for the port to check."""

    def __init__(self) -> None:
        self.defined: dict[str, Any] = {}
        self.open: set[str] = set()  # records whose fields are being read
        self.pending: list[tuple[str, bool]] = []  # (full name, a record being read) not yet put

    @staticmethod
    def split(name: str, space: str | None) -> tuple[str, str | None]:
        """Schema.Name: a dotted name carries its namespace; an empty namespace is the null one."""
        if "." in name:
            space, name = name[: name.rfind(".")], name[name.rfind(".") + 1 :]
        return name, (space or None)

    @staticmethod
    def port_name(simple: str, space: str | None) -> str:
        # the port lets a name without namespace inherit one: give the null namespace a name
        return f"{space}.{simple}" if space else f"nullns.{simple}"

    def reference(self, name: str, space: str | None) -> str:
        """ParseContext.find: namespace.name, then the bare name, among the types put so far (a
        record is put after its fields); else a reference resolved at the end by namespace.name."""
        if name in _PRIMITIVE_NAMES:
            return name
        full = f"{space}.{name}" if space and "." not in name else name
        target = full if full in self.defined else name if name in self.defined else full
        if target not in self.defined:
            self.pending.append((full, full in self.open))
        return self.port_name(*self.split(target, None))

    def view(self, document: Any) -> Any:
        result = self.walk(document, None)
        if any(full not in self.defined for full, _ in self.pending):
            raise _JavaInvalid("undefined name")
        if not all(enclosing for _, enclosing in self.pending):
            raise _Unportable("a forward reference")  # the port reads only its own enclosing types
        return result

    def walk(self, node: Any, space: str | None) -> Any:
        if isinstance(node, str):
            return self.reference(node, space)
        if isinstance(node, list):
            branches = [self.walk(branch, space) for branch in node]
            if any(isinstance(branch, list) for branch in branches):
                raise _JavaInvalid("nested union")
            keys = [b if isinstance(b, str) else b.get("name", b["type"]) for b in branches]
            if len(set(keys)) != len(keys):
                raise _JavaInvalid("duplicate in union")
            return branches
        kind = node["type"]
        if kind not in ("record", "error", "enum", "fixed", "array", "map") and kind not in _PRIMITIVE_NAMES:
            return self.reference(kind, space)  # {"type": "Name"}
        if kind == "array":
            return {"type": "array", "items": self.walk(node["items"], space)}
        if kind == "map":
            return {"type": "map", "values": self.walk(node["values"], space)}
        if kind in _PRIMITIVE_NAMES:
            return node
        return self.named(node, space)

    def named(self, node: dict[str, Any], space: str | None) -> Any:
        simple, own = self.split(node["name"], node.get("namespace", space))
        full = f"{own}.{simple}" if own else simple
        if full in self.defined:
            if self.defined[full] != node:
                raise _JavaInvalid(f"can't redefine {full}")
            return self.port_name(simple, own)  # an identical redefinition: the same type for the port
        view: dict[str, Any] = {"type": "record" if node["type"] == "error" else node["type"]}
        view["name"] = self.port_name(simple, own)
        if "aliases" in node:
            view["aliases"] = [self.alias(alias, own) for alias in node["aliases"]]
        if node["type"] in ("record", "error"):
            self.open.add(full)
            view["fields"] = [{**field, "type": self.walk(field["type"], own)} for field in node["fields"]]
            self.open.discard(full)
        elif node["type"] == "enum":
            symbols = node["symbols"]
            if len(set(symbols)) != len(symbols) or node.get("default", symbols[0]) not in symbols:
                raise _JavaInvalid("EnumSchema: a symbol twice, or a default not a symbol")
            view.update({key: node[key] for key in ("symbols", "default") if key in node})
        else:
            view["size"] = node["size"]
        if self.defined.setdefault(full, node) != node:  # defined inside its own fields, differently
            raise _JavaInvalid(f"can't redefine {full}")
        return view

    def alias(self, alias: str, own: str | None) -> str:
        """NamedSchema.getAliases(): ".Name" for a null-namespace alias of a namespaced type."""
        simple, space = self.split(alias, own)
        return f".{simple}" if space is None and own is not None else self.port_name(simple, space)


class _Gen:
    """Random realistic schemas: nested and recursive records, enums, fixed, containers, unions,
    logical types, defaults, aliases and every way of writing a namespace."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0
        self.defined: list[tuple[str, dict[str, Any]]] = []
        self.enclosing: list[str] = []

    def head(self, kind: str) -> dict[str, Any]:
        self.count += 1
        simple = self.rng.choice(["Order", "Item", "Money", "Status", "Hash", "Line"]) + str(self.count)
        node: dict[str, Any] = {"type": kind, "name": simple}
        style = self.rng.random()
        if style < 0.2:
            node["name"] = f"{self.rng.choice(_SPACES)}.{simple}"
        elif style < 0.4:
            node["namespace"] = self.rng.choice([*_SPACES, ""])
        if self.rng.random() < 0.15:
            node["aliases"] = [self.rng.choice([f"Old{simple}", f".Old{simple}", f"a.Old{simple}"])]
        return node

    def full(self, node: dict[str, Any]) -> str:
        simple, space = _JavaView.split(node["name"], node.get("namespace"))
        return f"{space}.{simple}" if space else simple

    def type(self, depth: int) -> Any:
        roll = self.rng.random() * (0.5 if depth > 2 else 1.0)
        if roll < 0.3:
            return self.rng.choice(["boolean", "int", "long", "float", "double", "bytes", "string"])
        if roll < 0.37:
            return dict(self.rng.choice(_LOGICAL))
        if roll < 0.44 and self.defined:
            return self.rng.choice(self.defined)[0]
        if roll < 0.5 and self.enclosing:
            return ["null", self.enclosing[-1]]
        if roll < 0.58:
            node = self.head("enum")
            node["symbols"] = self.rng.sample(["A", "B", "C", "D", "E"], self.rng.randint(1, 4))
            if self.rng.random() < 0.3:
                node["default"] = self.rng.choice(node["symbols"])
            self.defined.append((self.full(node), node))
            return node
        if roll < 0.63:
            node = self.head("fixed")
            node["size"] = self.rng.choice([4, 8, 16])
            self.defined.append((self.full(node), node))
            return node
        if roll < 0.7:
            return {"type": "array", "items": self.type(depth + 1)}
        if roll < 0.75:
            return {"type": "map", "values": self.type(depth + 1)}
        if roll < 0.88:
            inner = self.type(depth + 1)
            other = self.rng.choice(["int", "string", "long"])
            if isinstance(inner, list):
                return inner
            branches = [inner, other] if inner != other else [inner]
            return ["null", *[b for b in branches if b != "null"]] if self.rng.random() < 0.7 else branches
        return self.record(depth + 1)

    def record(self, depth: int) -> dict[str, Any]:
        node = self.head("record")
        self.enclosing.append(self.full(node))
        node["fields"] = []
        for name in self.rng.sample(["id", "amount", "status", "items", "meta", "next", "note"], 3):
            field: dict[str, Any] = {"name": name, "type": self.type(depth)}
            if self.rng.random() < 0.4:
                field["default"] = _default(field["type"])
            if self.rng.random() < 0.08:
                field["aliases"] = [f"old_{name}"]
            node["fields"].append(field)
        self.enclosing.pop()
        self.defined.append((self.full(node), node))
        return node


def _default(type_: Any) -> Any:
    """A default of the type's first branch (invalid ones are fine: the parser is checked too)."""
    first = type_[0] if isinstance(type_, list) else type_
    kind = first.get("type") if isinstance(first, dict) else first
    values = {"null": None, "boolean": False, "int": 0, "long": 1, "float": 0.5, "double": "NaN"}
    values |= {"bytes": "\u00ff", "string": "x", "array": [], "map": {}, "fixed": "\u0000" * 4}
    if kind == "enum":
        return first["symbols"][0]
    return values.get(kind, {})


def _evolve(document: Any, gen: _Gen) -> str:
    """One random evolution, in place; returns its kind."""
    rng = gen.rng
    records: list[dict[str, Any]] = []
    named: list[dict[str, Any]] = []

    def collect(node: Any) -> None:
        if isinstance(node, list):
            for branch in node:
                collect(branch)
        elif isinstance(node, dict):
            if node.get("type") in ("record", "enum", "fixed"):
                named.append(node)
            if node.get("type") == "record":
                records.append(node)
                for field in node["fields"]:
                    collect(field["type"])
            for key in ("items", "values"):
                if key in node:
                    collect(node[key])

    collect(document)
    record = rng.choice(records)
    fields = record["fields"]
    field = rng.choice(fields)
    kind = rng.choice(["add", "remove", "rename", "type", "promote", "optional", "default", "named", "move"])
    if kind == "add":
        gen.count += 1
        added: dict[str, Any] = {"name": f"added{gen.count}", "type": gen.type(2)}
        if rng.random() < 0.6:
            added["default"] = _default(added["type"])
        fields.insert(rng.randint(0, len(fields)), added)
    elif kind == "remove" and len(fields) > 1:
        fields.remove(field)
    elif kind == "rename":
        field["aliases"] = [field["name"]] if rng.random() < 0.7 else []
        field["name"] += "_v2"
    elif kind == "type":
        field["type"] = gen.type(2)
        field.pop("default", None)
    elif kind == "promote" and isinstance(field["type"], str) and field["type"] in _PROMOTIONS:
        field["type"] = _PROMOTIONS[field["type"]]
    elif kind == "optional":
        field["type"] = field["type"][1:] if isinstance(field["type"], list) else ["null", field["type"]]
        field["default"] = None
    elif kind == "default":
        if "default" in field:
            del field["default"]
        else:
            field["default"] = _default(field["type"])
    elif kind == "named":
        target = rng.choice(named)
        if target["type"] == "enum":
            symbols = target["symbols"]
            symbols.append("Z") if rng.random() < 0.5 or len(symbols) < 2 else symbols.pop()
        elif target["type"] == "fixed":
            target["size"] += 4
        else:
            target["fields"].reverse()
    elif kind == "move":  # rename or move a named type, the old name kept (or not) as an alias
        target = rng.choice(named)
        simple, space = _JavaView.split(target["name"], target.get("namespace"))
        old = rng.choice([simple, f".{simple}", f"{space}.{simple}" if space else simple])
        target["name"] = simple + "V2" if rng.random() < 0.6 else simple
        target["namespace"] = rng.choice([*_SPACES, ""])
        target["aliases"] = [old]
    return kind


def _port_compatible(reader: Any, writer: Any) -> bool:
    views = [avro.schema.parse(json.dumps(_JavaView().view(document))) for document in (reader, writer)]
    result = ReaderWriterCompatibilityChecker().get_compatibility(*views)
    return bool(result.compatibility is SchemaCompatibilityType.compatible)


def _java_valid(document: Any) -> bool | None:
    """Whether Java's parser (names only: the port checks no default) reads the document; None
    when the port cannot be given it."""
    try:
        _JavaView().view(document)
    except _JavaInvalid:
        return False
    except _Unportable:
        return None
    return True


def test_engine_agrees_with_the_port_on_random_evolutions() -> None:
    compared: collections.Counter[str] = collections.Counter()
    for seed in range(500):
        rng = random.Random(13_000 + seed)
        gen = _Gen(rng)
        base = gen.record(0)
        evolved = copy.deepcopy(base)
        kinds = [_evolve(evolved, gen) for _ in range(rng.choice([1, 1, 2]))]
        schemas = {}
        for name, document in (("base", base), ("evolved", evolved)):
            schema, problems = resolve(document)
            valid = _java_valid(document)
            if valid is not None and schema is not None:
                assert valid, (seed, name, "Java refuses what we accept")
            if valid and schema is None:  # Java would refuse only an invalid default, unseen by the port
                assert {problem.rule for problem in problems} == {"AVRO_BAD_DEFAULT"}, (seed, problems)
            schemas[name] = schema if valid else None
        for reader, writer in ((evolved, base), (base, evolved)):
            ours_reader = schemas["evolved" if reader is evolved else "base"]
            ours_writer = schemas["base" if reader is evolved else "evolved"]
            if ours_reader is None or ours_writer is None:
                compared["skipped"] += 1
                continue
            found = check_reader_writer(ours_reader, ours_writer)
            assert is_compatible(ours_reader, ours_writer) == (not found), seed
            if any(item.type == "AMBIGUOUS_READER_FIELD" for item in found):
                compared["ambiguous"] += 1  # Java throws, Confluent refuses; the port takes the name
                continue
            assert _port_compatible(reader, writer) == (not found), (seed, kinds)
            compared["compatible" if not found else "incompatible"] += 1
    assert compared["compatible"] >= 200 and compared["incompatible"] >= 150, compared
