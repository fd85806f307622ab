"""Benchmark hook (for benchmarks/, never a timed test): a synthetic history of JSON Schema contracts
checked BACKWARD_TRANSITIVE as `check --all` would, parse and compare timed separately."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import PurePosixPath

from contractctl.formats.jsonschema import JsonSchemaContract, JsonSchemaFormat
from contractctl.generic.gc_pause import without_cycle_collection
from contractctl.model import SchemaText


@dataclass(frozen=True)
class BenchResult:
    contracts: int
    versions: int
    pair_checks: int
    parse_seconds: float
    check_seconds: float
    incompatible: int


def synthetic_history(index: int, versions: int) -> list[SchemaText]:
    """Versions of one contract, each adding an optional property to a closed object (compatible
    under STRICT), with string/number constraints and a nested object, like a small event schema."""
    texts = []
    for version in range(versions):
        properties: dict[str, object] = {
            "id": {"type": "string", "maxLength": 64},
            "amount": {"type": "number", "minimum": 0},
            "status": {"enum": ["NEW", "PAID", "SHIPPED"]},
            "customer": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                "required": ["name"],
                "additionalProperties": False,
            },
        }
        for extra in range(version):
            properties[f"field{extra}"] = {"type": ["string", "null"]}
        document = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": f"Event{index}",
            "type": "object",
            "properties": properties,
            "required": ["id", "amount"],
            "additionalProperties": False,
        }
        path = PurePosixPath(f"contracts/topic{index}/value.json")
        texts.append(SchemaText(path, json.dumps(document, indent=2), origin=f"v{version}"))
    return texts


def run(
    contracts: int = 2000, versions: int = 10, schema_format: JsonSchemaFormat | None = None
) -> BenchResult:
    """Parse every version once (history parsed as registered), then check each contract's newest
    version against every earlier one (BACKWARD_TRANSITIVE)."""
    schema_format = schema_format or JsonSchemaFormat()
    histories = [synthetic_history(i, versions) for i in range(contracts)]
    with without_cycle_collection():
        return _run(schema_format, histories, contracts, versions)


def _run(
    schema_format: JsonSchemaFormat, histories: list[list[SchemaText]], contracts: int, versions: int
) -> BenchResult:
    started = time.perf_counter()
    parsed: list[list[JsonSchemaContract]] = []
    for history in histories:
        newest = schema_format.parse(history[-1], [])
        earlier = [schema_format.parse_registered(text, []) for text in history[:-1]]
        parsed.append([*earlier, newest])
    parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    pairs = incompatible = 0
    for versions_parsed in parsed:
        newest = versions_parsed[-1]
        for earlier_version in reversed(versions_parsed[:-1]):
            pairs += 1
            incompatible += bool(schema_format.check(newest, earlier_version))
    check_seconds = time.perf_counter() - started
    return BenchResult(contracts, versions, pairs, parse_seconds, check_seconds, incompatible)


def avro_history(index: int, versions: int) -> list[SchemaText]:
    """The same evolution written in Avro: the baseline a JSON Schema run is measured against."""
    texts = []
    for version in range(versions):
        fields: list[dict[str, object]] = [
            {"name": "id", "type": "string"},
            {"name": "amount", "type": "double"},
            {
                "name": "status",
                "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]},
            },
            {
                "name": "customer",
                "type": {
                    "type": "record",
                    "name": "Customer",
                    "fields": [{"name": "name", "type": "string"}, {"name": "age", "type": ["null", "int"]}],
                },
            },
        ]
        fields += [
            {"name": f"field{extra}", "type": ["null", "string"], "default": None} for extra in range(version)
        ]
        document = {"type": "record", "name": f"Event{index}", "namespace": "bench", "fields": fields}
        path = PurePosixPath(f"contracts/topic{index}/value.avsc")
        texts.append(SchemaText(path, json.dumps(document, indent=2), origin=f"v{version}"))
    return texts


def run_avro_baseline(contracts: int = 2000, versions: int = 10) -> BenchResult:
    """`run` for the Avro format on `avro_history`: report JSON Schema figures as ratios to this."""
    histories = [avro_history(i, versions) for i in range(contracts)]
    with without_cycle_collection():
        return _run_avro(histories, contracts, versions)


def _run_avro(histories: list[list[SchemaText]], contracts: int, versions: int) -> BenchResult:
    from contractctl.formats.avro import FORMAT as AVRO

    started = time.perf_counter()
    parsed = []
    for history in histories:
        newest = AVRO.parse(history[-1], [])
        parsed.append([*(AVRO.parse_registered(text, []) for text in history[:-1]), newest])
    parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    pairs = incompatible = 0
    for versions_parsed in parsed:
        for earlier_version in reversed(versions_parsed[:-1]):
            pairs += 1
            incompatible += bool(AVRO.check(versions_parsed[-1], earlier_version))
    check_seconds = time.perf_counter() - started
    return BenchResult(contracts, versions, pairs, parse_seconds, check_seconds, incompatible)
