"""The verdict-only walk (`is_compatible`) must agree with the full checker on every pair.

It is the fast path of every compatible Avro pair, so a disagreement would be a wrong verdict: the
corpus cases both ways round, then a few thousand random schema pairs (seeded), recursive ones
included so the fallback to the full checker is exercised too.
"""

from __future__ import annotations

import json
import random
from pathlib import PurePosixPath
from typing import Any

import pytest

from contractctl.formats.avro import FORMAT, AvroSchema
from contractctl.formats.avro.compat import check_reader_writer, is_compatible
from contractctl.formats.avro.resolve import Node, ResolvedSchema, resolve
from contractctl.model import SchemaText

from .avro_cases import CASES, Case

pytestmark = pytest.mark.filterwarnings("ignore::avro.errors.IgnoredLogicalType")


def _resolved(document: Any) -> ResolvedSchema | None:
    schema, problems = resolve(document)
    return schema if not problems else None


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_verdict_agrees_on_the_corpus_both_ways(case: Case) -> None:
    reader, writer = _resolved(case.reader), _resolved(case.writer)
    assert reader is not None and writer is not None
    assert is_compatible(reader, writer) == (not check_reader_writer(reader, writer))
    assert is_compatible(writer, reader) == (not check_reader_writer(writer, reader))


_PRIMITIVES = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]
_DEFAULTS = {
    "null": None,
    "boolean": False,
    "int": 1,
    "long": 2,
    "float": 1.5,
    "double": 2.5,
    "bytes": "",
    "string": "x",
}


class _Schemas:
    """Random schemas over a small vocabulary, so that reader and writer often share names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.defined: set[str] = set()

    def schema(self, depth: int) -> Any:
        rng = self.rng
        roll = rng.random()
        if depth <= 0 or roll < 0.35:
            return rng.choice(_PRIMITIVES)
        if roll < 0.5:
            branches = rng.sample(_PRIMITIVES, rng.randint(1, 3))
            if rng.random() < 0.3:
                branches.append(self.named(depth - 1))
            return branches
        if roll < 0.6:
            return {"type": "array", "items": self.schema(depth - 1)}
        if roll < 0.68:
            return {"type": "map", "values": self.schema(depth - 1)}
        return self.named(depth - 1)

    def named(self, depth: int) -> Any:
        rng = self.rng
        name = rng.choice(["A", "B", "C", "D"])
        if name in self.defined:
            return name  # a reference: recursion when it names an enclosing record
        self.defined.add(name)
        roll = rng.random()
        if roll < 0.2:
            symbols = rng.sample(["X", "Y", "Z", "W"], rng.randint(1, 4))
            enum: dict[str, Any] = {"type": "enum", "name": name, "symbols": symbols}
            if rng.random() < 0.3:
                enum["default"] = symbols[0]
            return enum
        if roll < 0.3:
            return {"type": "fixed", "name": name, "size": rng.choice([4, 8])}
        fields = []
        for field_name in rng.sample(["f", "g", "h", "k"], rng.randint(0, 3)):
            field_type = self.schema(depth)
            field: dict[str, Any] = {"name": field_name, "type": field_type}
            first = field_type[0] if isinstance(field_type, list) and field_type else field_type
            if isinstance(first, str) and first in _DEFAULTS and rng.random() < 0.5:
                field["default"] = _DEFAULTS[first]
            if rng.random() < 0.1:
                field["aliases"] = [rng.choice(["f", "g", "h", "k"])]
            fields.append(field)
        record: dict[str, Any] = {"type": "record", "name": name, "fields": fields}
        if rng.random() < 0.1:
            record["aliases"] = [rng.choice(["A", "B", "C", "D"])]
        return record


class _Drifting:
    """Mostly the same random stream as its twin, now and then a different draw: a mutated schema."""

    def __init__(self, seed: int, noise: random.Random, rate: float) -> None:
        self._base, self._noise, self._rate = random.Random(seed), noise, rate

    def _pick(self) -> random.Random:
        return self._noise if self._noise.random() < self._rate else self._base

    def random(self) -> float:
        return self._pick().random()

    def choice(self, items: list[Any]) -> Any:
        return self._pick().choice(items)

    def sample(self, items: list[Any], count: int) -> list[Any]:
        return self._pick().sample(items, count)

    def randint(self, low: int, high: int) -> int:
        return self._pick().randint(low, high)


def _pair(seed: int, noise: random.Random) -> tuple[ResolvedSchema, ResolvedSchema] | None:
    reader = _resolved(_Schemas(_Drifting(seed, noise, 0.0)).named(3))  # type: ignore[arg-type]
    writer = _resolved(_Schemas(_Drifting(seed, noise, 0.08)).named(3))  # type: ignore[arg-type]
    return (reader, writer) if reader is not None and writer is not None else None


def test_verdict_agrees_on_random_pairs() -> None:
    noise = random.Random(20261127)
    compared = compatible = 0
    for seed in range(4000):
        pair = _pair(seed, noise)
        if pair is None:
            continue
        for reader, writer in (pair, pair[::-1]):
            expected = not check_reader_writer(reader, writer)
            assert is_compatible(reader, writer) == expected, (reader.root, writer.root)
            compared += 1
            compatible += expected
    # the pairs must exercise both verdicts in number, or the test proves little
    assert compared > 5000 and 0.2 < compatible / compared < 0.95


def _is_closed(schema: ResolvedSchema, node: Node) -> bool:
    return schema.closed.get(id(node)) is node


def _field_type(schema: ResolvedSchema, name: str) -> Any:
    assert isinstance(schema.root, dict)
    return next(f["type"] for f in schema.root["fields"] if f["name"] == name)


def test_closed_field_types_are_those_naming_no_type_and_without_aliases() -> None:
    """Closed are the types whose equality with the writer's decides the verdict: field types and
    named definitions that name no other type and carry no alias anywhere inside."""
    inner = {"type": "record", "name": "Inner", "fields": [{"name": "x", "type": ["null", "long"]}]}
    document = {
        "type": "record",
        "name": "com.t.Outer",
        "fields": [
            {"name": "plain", "type": inner},
            {"name": "names", "type": {"type": "array", "items": "Inner"}},
            {
                "name": "aliased",
                "type": {
                    "type": "record",
                    "name": "Aliased",
                    "fields": [{"name": "y", "type": "int", "aliases": ["z"]}],
                },
            },
            {
                "name": "typed_alias",
                "type": {"type": "enum", "name": "E", "symbols": ["A"], "aliases": ["F"]},
            },
            {"name": "map", "type": {"type": "map", "values": {"type": "long", "logicalType": "x"}}},
        ],
    }
    schema, problems = resolve(document)
    assert schema is not None and not problems
    closed = {
        name
        for name in ("plain", "names", "aliased", "typed_alias", "map")
        if _is_closed(schema, _field_type(schema, name))
    }
    assert closed == {"plain", "map"}
    assert _is_closed(schema, schema.names["com.t.Inner"])
    assert not _is_closed(schema, schema.names["com.t.Aliased"])
    assert not _is_closed(schema, schema.root)  # it names Inner
    assert not _is_closed(schema, dict(_field_type(schema, "plain")))  # that node only, not an equal one


def test_a_forward_reference_leaves_nothing_closed() -> None:
    """A tree with a forward reference is copied after the walk: the ids the walk saw are gone."""
    document = {
        "type": "record",
        "name": "R",
        "fields": [
            {"name": "later", "type": ["null", "L"], "default": None},
            {"name": "l", "type": {"type": "record", "name": "L", "fields": [{"name": "v", "type": "int"}]}},
        ],
    }
    schema, problems = resolve(document)
    assert schema is not None and not problems
    assert dict(schema.closed) == {}


def test_an_equal_type_with_an_ambiguous_alias_is_still_incompatible() -> None:
    """A field matching two writer fields (name and alias) makes Java abort even against an
    identical schema: equality alone must not answer for such a type."""
    nested = {
        "type": "record",
        "name": "N",
        "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "int", "aliases": ["a"]}],
    }
    schema = _resolved({"type": "record", "name": "R", "fields": [{"name": "n", "type": nested}]})
    assert schema is not None
    assert not is_compatible(schema, schema)
    assert [i.type for i in check_reader_writer(schema, schema)] == ["AMBIGUOUS_READER_FIELD"]


def test_an_equal_type_naming_a_changed_type_is_walked() -> None:
    """Equal field types that name another type are compared through that type's definitions,
    which may differ: here the writer's enum has a symbol the reader's lacks."""

    def version(symbols: list[str]) -> ResolvedSchema:
        enum = {"type": "enum", "name": "com.s.E", "symbols": symbols}
        shared, problems = resolve(enum)
        assert shared is not None and not problems
        document = {
            "type": "record",
            "name": "R",
            "fields": [{"name": "es", "type": {"type": "array", "items": "com.s.E"}}],
        }
        schema, problems = resolve(document, shared.names)
        assert schema is not None and not problems
        return schema

    reader, writer = version(["A"]), version(["A", "B"])
    assert _field_type(reader, "es") == _field_type(writer, "es")
    assert not is_compatible(reader, writer)
    assert is_compatible(writer, reader)
    assert [i.type for i in check_reader_writer(reader, writer)] == ["MISSING_ENUM_SYMBOLS"]


def test_equal_closed_types_are_compatible_without_their_walk() -> None:
    """The shortcut answers for an equal closed type; a closed type that is not equal is walked
    (a removed enum symbol inside a nested record)."""

    def schema(symbols: list[str]) -> ResolvedSchema:
        enum = {"type": "enum", "name": "E", "symbols": symbols}
        nested = {"type": "record", "name": "N", "fields": [{"name": "e", "type": enum}]}
        found = _resolved({"type": "record", "name": "R", "fields": [{"name": "n", "type": nested}]})
        assert found is not None and _is_closed(found, _field_type(found, "n"))
        return found

    assert is_compatible(schema(["A", "B"]), schema(["A", "B"]))
    assert not is_compatible(schema(["A"]), schema(["A", "B"]))
    assert is_compatible(schema(["A", "B"]), schema(["A"]))


def test_an_unchanged_shared_type_answers_by_equality_and_a_changed_one_is_walked() -> None:
    """A named type from another contract, equal and closed on both sides, is compatible without
    its walk (the parsed contract knows the closed types of what it uses); the same type with a
    field dropped from the reader is still compared in full."""

    def version(shared_fields: list[dict[str, Any]]) -> AvroSchema:
        shared_text = json.dumps({"type": "record", "name": "com.s.S", "fields": shared_fields})
        shared = FORMAT.parse(SchemaText(PurePosixPath("s.avsc"), shared_text), [])
        document = {"type": "record", "name": "R", "fields": [{"name": "s", "type": ["null", "com.s.S"]}]}
        parsed = FORMAT.parse(SchemaText(PurePosixPath("r.avsc"), json.dumps(document)), [shared])
        assert isinstance(parsed, AvroSchema) and isinstance(shared, AvroSchema)
        definition = parsed.resolved.names["com.s.S"]
        assert parsed.closed_types.get(id(definition)) is definition
        assert not _is_closed(parsed.resolved, definition)  # closed in the contract that defines it
        return parsed

    both = [
        {"name": "a", "type": "int"},
        {"name": "b", "type": {"type": "enum", "name": "E", "symbols": ["X"]}},
    ]
    assert FORMAT.check(version(both), version(both)) == []
    narrower = [{"name": "a", "type": "int"}, {"name": "c", "type": "long"}]
    # Java's union-to-union rule names the branch whose type changed
    assert [f.rule for f in FORMAT.check(version(narrower), version(both))] == ["MISSING_UNION_BRANCH"]
    assert not is_compatible(
        version(narrower).resolved, version(both).resolved, version(narrower).closed_types
    )
