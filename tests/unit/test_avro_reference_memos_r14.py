"""What a parse with references takes from each reference, kept on it (round 14): the referenced types
in Confluent's order and whether they hold an object default that may reach a record. A chain of k
references walked its whole closure in every parse of the chain (k^2 for one check: a pre-commit
check on avro-deep 2,000 went from 0.23 to 0.32 s). Both memos must give exactly what the walk gave:
compared here with a plain depth-first walk and with resolve's own scan, on random reference graphs.
"""

from __future__ import annotations

import json
import random
from pathlib import PurePosixPath
from typing import Any

import pytest

from contractctl.formats.avro import FORMAT, AvroSchema, _external_names
from contractctl.formats.avro.resolve import resolve
from contractctl.formats.base import InvalidSchema
from contractctl.model import SchemaText


def _walked(references: list[AvroSchema]) -> dict[str, dict[str, Any]]:
    """The plain walk: each reference's types after those of the contracts it uses, once each."""
    external: dict[str, dict[str, Any]] = {}
    seen: set[int] = set()

    def add(schema: AvroSchema) -> None:
        if id(schema) in seen:
            return
        seen.add(id(schema))
        for inner in schema.references:
            add(inner)
        external.update(schema.resolved.names)

    for reference in references:
        add(reference)
    return external


def _contract(rng: random.Random, index: int, uses: list[int]) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [{"name": "id", "type": "string"}]
    for used in uses:
        kind = rng.choice(("plain", "array", "map", "union"))
        field: dict[str, Any] = {"name": f"t{used}", "type": f"com.acme.T{used}"}
        if kind == "array":
            field = {
                "name": f"t{used}",
                "type": {"type": "array", "items": f"com.acme.T{used}"},
                "default": [],
            }
        elif kind == "map":
            field = {
                "name": f"t{used}",
                "type": {"type": "map", "values": f"com.acme.T{used}"},
                "default": {},
            }
        elif kind == "union":
            field = {"name": f"t{used}", "type": ["null", f"com.acme.T{used}"], "default": None}
        fields.append(field)
    if rng.random() < 0.3:  # a nested type of its own, sometimes with an object default
        nested = {
            "type": "record",
            "name": f"N{index}",
            "fields": [{"name": "v", "type": "int", "default": 0}],
        }
        fields.append(
            {"name": "nested", "type": nested, **({"default": {"v": 1}} if rng.random() < 0.5 else {})}
        )
    return {"type": "record", "name": f"T{index}", "namespace": "com.acme", "fields": fields}


@pytest.mark.parametrize("seed", range(12))
def test_the_kept_order_and_answer_are_the_walks(seed: int) -> None:
    rng = random.Random(seed)
    schemas: list[AvroSchema] = []
    for index in range(rng.randint(3, 12)):
        uses = sorted(rng.sample(range(index), min(index, rng.randint(0, 3))))
        document = _contract(rng, index, uses)
        source = SchemaText(PurePosixPath(f"contracts/t{index}.avsc"), json.dumps(document))
        references = [schemas[u] for u in uses]
        parse = FORMAT.parse_registered if rng.random() < 0.5 else FORMAT.parse
        parsed = parse(source, references)
        assert isinstance(parsed, AvroSchema)
        schemas.append(parsed)
    for _ in range(10):
        references = rng.sample(schemas, rng.randint(1, min(4, len(schemas))))
        merged = _external_names(references)
        walked = _walked(references)
        assert list(merged) == list(walked)  # the same names in the same order
        assert all(merged[name] is walked[name] for name in walked)  # the very same definitions
        top = {"type": "record", "name": "Top", "fields": [{"name": "own", "type": _contract(rng, 99, [])}]}
        top["fields"] += [{"name": f"r{i}", "type": f"com.acme.T{i}"} for i in range(len(schemas))]
        known = any(r.object_defaults_reach_record for r in references)
        scanned, scanned_problems = resolve(top, walked)
        kept, kept_problems = resolve(top, merged, referenced_defaults=known)
        assert kept_problems == scanned_problems
        assert (kept is None) == (scanned is None)


def test_a_chain_keeps_one_order_per_link() -> None:
    """Each link's order is its reference's order and itself: no walk of the chain below it."""
    chain: list[AvroSchema] = []
    for index in range(40):
        uses = [index - 1] if index else []
        document = _contract(random.Random(index), index, uses)
        source = SchemaText(PurePosixPath(f"contracts/t{index}.avsc"), json.dumps(document))
        parsed = FORMAT.parse(source, [chain[u] for u in uses])
        assert isinstance(parsed, AvroSchema)
        chain.append(parsed)
    assert chain[-1].used_in_order == tuple(chain[:-1])
    assert list(_external_names([chain[-1]])) == list(_walked([chain[-1]]))


def test_an_object_default_reaching_a_record_far_down_the_chain_is_found() -> None:
    """The answer of the link that holds such a default reaches every contract above it."""
    bottom = {
        "type": "record",
        "name": "Bottom",
        "namespace": "com.acme",
        "fields": [{"name": "items", "type": {"type": "array", "items": "com.acme.Leaf"}, "default": []}],
    }
    leaf = {"type": "record", "name": "Leaf", "namespace": "com.acme", "fields": []}
    schemas = [FORMAT.parse(SchemaText(PurePosixPath("contracts/leaf.avsc"), json.dumps(leaf)), [])]
    assert isinstance(schemas[0], AvroSchema) and not schemas[0].object_defaults_reach_record
    schemas.append(
        FORMAT.parse(SchemaText(PurePosixPath("contracts/bottom.avsc"), json.dumps(bottom)), schemas)
    )
    for index in range(5):
        above = {"type": "record", "name": f"Up{index}", "namespace": "com.acme", "fields": []}
        above["fields"] = [{"name": "below", "type": schemas[-1].resolved.defined[0]}]
        try:
            parsed = FORMAT.parse(
                SchemaText(PurePosixPath(f"contracts/up{index}.avsc"), json.dumps(above)), [schemas[-1]]
            )
        except InvalidSchema as error:  # pragma: no cover - a failure here is the test's own
            raise AssertionError(error.findings) from None
        schemas.append(parsed)
    assert all(isinstance(s, AvroSchema) and s.object_defaults_reach_record for s in schemas[1:])
