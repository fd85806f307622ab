"""Proof by data: write random datums with the writer schema, read them with the reader, compare.

The verdict stays the engine's (Java's rules). The proof only shows, with fastavro, whether data
agrees: a failure is either a known lossy conversion Confluent accepts (``lossy``: bytes read as a
string when they are not UTF-8, fastavro taking a reader union's first promotable branch where Java
takes the exact one, int/long read as float/double losing digits) or a sign the engine is wrong
(``engine_error``).
"""

from __future__ import annotations

import io
import math
import random
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import fastavro

from contractctl.formats.avro.resolve import NAMED_TYPES, PRIMITIVES, Node, ResolvedSchema, deref

_NO_NAMESPACE = "contractctl_no_namespace"
_MAX_DEPTH = 3
_INF = math.inf
_STRINGS = ("", "plain", "héllo wörld", "日本語", "emoji 😀", "tab\tand\nnewline")
_BYTES = (b"", b"\x00\x01\x02", "héllo".encode(), b"\xff\xfe\xfd", b"ok")
# What fastavro raises when data cannot be resolved or decoded with the reader schema.
_READ_ERRORS = (ValueError, TypeError, KeyError, IndexError, EOFError, fastavro.read.SchemaResolutionError)


@dataclass(frozen=True)
class ProofIssue:
    """A datum that did not survive the round trip as the verdict promised."""

    kind: str
    message: str
    value: str


# ----------------------------------------------------------------------------------------------
# Schema for fastavro


class _FastavroWriter:
    """Builds a self-contained schema: each named type inlined at its first use, later by name."""

    def __init__(self, schema: ResolvedSchema, logical_types: bool) -> None:
        self.names = schema.names
        self.logical_types = logical_types
        self.emitted: set[str] = set()
        # fastavro qualifies bare names with the enclosing namespace, so a type in the null namespace
        # cannot be reached from a namespaced one; give such types a namespace of their own.
        self.rename = any("." in name for name in schema.names)

    def name(self, full: str) -> str:
        return f"{_NO_NAMESPACE}.{full}" if self.rename and "." not in full else full

    def convert(self, node: Node) -> Any:
        if isinstance(node, list):
            return [self.convert(branch) for branch in node]
        if isinstance(node, str):
            if node in PRIMITIVES:
                return node
            if node in self.emitted:
                return self.name(node)
            return self.convert(self.names[node])
        return self.convert_dict(node)

    def convert_dict(self, node: dict[str, Any]) -> Any:
        kind = node["type"]
        if kind in PRIMITIVES:
            if self.logical_types:
                return dict(node)
            return kind
        if kind == "array":
            return {**self.props(node), "type": "array", "items": self.convert(node["items"])}
        if kind == "map":
            return {**self.props(node), "type": "map", "values": self.convert(node["values"])}
        full = str(node["name"])
        if full in self.emitted:
            return self.name(full)
        self.emitted.add(full)
        out = {**self.props(node), "type": "record" if kind == "error" else kind, "name": self.name(full)}
        if "." not in out["name"]:
            out["namespace"] = ""
        if kind in ("record", "error"):
            out["fields"] = [self.field(field) for field in node["fields"]]
        return out

    def field(self, field: dict[str, Any]) -> dict[str, Any]:
        return {**field, "type": self.convert(field["type"])}

    def props(self, node: dict[str, Any]) -> dict[str, Any]:
        skip = {"type", "name", "items", "values", "fields"}
        if not self.logical_types:
            skip |= {"logicalType", "precision", "scale"}
        return {key: value for key, value in node.items() if key not in skip}


def to_fastavro_schema(schema: ResolvedSchema, logical_types: bool = True) -> Any:
    """A schema fastavro can parse on its own; ``logical_types=False`` keeps only the encodings."""
    return _FastavroWriter(schema, logical_types).convert(schema.root)


# ----------------------------------------------------------------------------------------------
# Random datums


def _min_depths(names: Mapping[str, dict[str, Any]]) -> dict[str, float]:
    """Smallest nesting a datum of each named type needs (inf: no finite datum), by fixed point."""
    depths = dict.fromkeys(names, _INF)
    changed = True
    while changed:
        changed = False
        for name, definition in names.items():
            value = _depth_of(definition, depths)
            if value < depths[name]:
                depths[name], changed = value, True
    return depths


def _depth_of(node: Node, depths: Mapping[str, float]) -> float:
    if isinstance(node, str):
        return 0 if node in PRIMITIVES else depths[node]
    if isinstance(node, list):
        return min((_depth_of(branch, depths) for branch in node), default=_INF)
    kind = node["type"]
    if kind in ("record", "error"):
        return 1 + max((_depth_of(field["type"], depths) for field in node["fields"]), default=0)
    if kind == "enum":
        return 0 if node["symbols"] else _INF
    return 1 if kind in ("array", "map") else 0


class _Generator:
    def __init__(self, schema: ResolvedSchema, rng: random.Random, tag_unions: bool) -> None:
        self.names = schema.names
        self.rng = rng
        self.tag_unions = tag_unions
        self.depths = _min_depths(schema.names)
        self.writer = _FastavroWriter(schema, logical_types=False)

    def depth(self, node: Node) -> float:
        return _depth_of(node, self.depths)

    def value(self, node: Node, level: int) -> Any:
        if isinstance(node, list):
            return self.union(node, level)
        if isinstance(node, str) and node in PRIMITIVES:
            return self.primitive(node)
        target = deref(node, self.names)
        assert isinstance(target, dict)
        kind = target["type"]
        if kind in PRIMITIVES:
            return self.primitive(str(kind))
        if kind in ("record", "error"):
            return {field["name"]: self.value(field["type"], level + 1) for field in target["fields"]}
        if kind == "enum":
            return self.rng.choice(target["symbols"])
        if kind == "fixed":
            return self.rng.randbytes(int(target["size"]))
        return self.container(target, level)

    def container(self, node: dict[str, Any], level: int) -> Any:
        inner = node["items"] if node["type"] == "array" else node["values"]
        count = 0 if level >= _MAX_DEPTH or self.depth(inner) == _INF else self.rng.randint(0, 3)
        items = [self.value(inner, level + 1) for _ in range(count)]
        if node["type"] == "array":
            return items
        keys = self.rng.sample(_STRINGS, k=count)
        return dict(zip(keys, items, strict=True))

    def union(self, branches: list[Node], level: int) -> Any:
        costs = [self.depth(branch) for branch in branches]
        finite = [index for index, cost in enumerate(costs) if cost != _INF]
        if not finite:
            raise ValueError("union with no branch that has a finite value")
        if level >= _MAX_DEPTH:
            lowest = min(costs[index] for index in finite)
            finite = [index for index in finite if costs[index] == lowest]
        branch = branches[self.rng.choice(finite)]
        datum = self.value(branch, level)
        return (self.tag(branch), datum) if self.tag_unions else datum

    def tag(self, branch: Node) -> str:
        """fastavro's tuple notation: a named type's name, else the type name."""
        target = deref(branch, self.names)
        if isinstance(target, str):
            return target
        assert isinstance(target, dict)
        if target["type"] in NAMED_TYPES:
            return self.writer.name(str(target["name"]))
        return str(target["type"])

    def primitive(self, kind: str) -> Any:
        rng = self.rng
        if kind == "null":
            return None
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "int":
            return rng.choice([0, 1, -1, 2**31 - 1, -(2**31), rng.randint(-1000, 1000)])
        if kind == "long":
            return rng.choice([0, -1, 2**63 - 1, -(2**63), 2**53 + 1, rng.randint(-(10**12), 10**12)])
        if kind == "float":
            value = rng.choice([0.0, 1.5, -2.25, 3.4e38, rng.uniform(-1e6, 1e6)])
            return float(struct.unpack("<f", struct.pack("<f", value))[0])
        if kind == "double":
            return rng.choice([0.0, -1.5, 1e308, 5e-324, rng.uniform(-1e12, 1e12)])
        if kind == "string":
            return rng.choice(_STRINGS)
        return rng.choice([*_BYTES, rng.randbytes(rng.randint(0, 8))])


def generate_datum(schema: ResolvedSchema, rng: random.Random) -> Any:
    """A random datum valid for the schema, with edge values; recursion is cut at a small depth.

    Raises ValueError when the schema has no finite value (an empty union, a record that always
    contains itself).
    """
    if not inhabited(schema):
        raise ValueError("the schema has no finite value")
    return _Generator(schema, rng, tag_unions=False).value(schema.root, 0)


def inhabited(schema: ResolvedSchema) -> bool:
    return _depth_of(schema.root, _min_depths(schema.names)) != _INF


# ----------------------------------------------------------------------------------------------
# Comparing what was read with what was written


class _Comparer:
    """Walks the reader schema over the decoded value and the written datum together."""

    def __init__(self, reader: ResolvedSchema, value: str) -> None:
        self.names = reader.names
        self.value_repr = value
        self.issues: list[ProofIssue] = []

    def issue(self, kind: str, path: str, message: str) -> None:
        self.issues.append(ProofIssue(kind, f"at {path or '/'}: {message}", self.value_repr))

    def compare(self, node: Node, written: Any, read: Any, path: str) -> None:
        if isinstance(written, tuple):
            written = written[1]
        if isinstance(node, list):
            self.union(node, written, read, path)
            return
        target = deref(node, self.names)
        kind = self.kind(node)
        if kind in ("record", "error"):
            assert isinstance(target, dict)
            self.record(target, written, read, path)
        elif kind == "enum":
            assert isinstance(target, dict)
            self.enum(target, written, read, path)
        elif kind == "array":
            assert isinstance(target, dict)
            self.array(target["items"], written, read, path)
        elif kind == "map":
            assert isinstance(target, dict)
            self.map(target["values"], written, read, path)
        else:
            self.scalar(kind, written, read, path)

    def union(self, branches: list[Node], written: Any, read: Any, path: str) -> None:
        chosen = next((branch for branch in branches if self.fits(branch, read)), None)
        if chosen is None:
            self.issue("engine_error", path, "the value read fits no branch of the reader union")
            return
        chosen_kind = self.kind(chosen)
        kinds = {self.kind(branch) for branch in branches}
        if isinstance(written, bytes) and chosen_kind == "string" and "bytes" in kinds:
            self.issue(
                "lossy",
                path,
                "fastavro read written bytes into the reader union's string branch (Java: bytes)",
            )
            return
        if isinstance(written, str) and chosen_kind == "bytes" and "string" in kinds:
            self.issue(
                "lossy",
                path,
                "fastavro read a written string into the reader union's bytes branch (Java: string)",
            )
            return
        self.compare(chosen, written, read, path)

    def record(self, node: dict[str, Any], written: Any, read: Any, path: str) -> None:
        if not isinstance(read, dict) or not isinstance(written, dict):
            self.issue("engine_error", path, f"expected a record, read {type(read).__name__}")
            return
        for field in node["fields"]:
            name = field["name"]
            at = f"{path}/{name}"
            if name not in read:
                self.issue("engine_error", at, "reader field missing from the value read")
                continue
            source = next((key for key in [name, *field.get("aliases", [])] if key in written), None)
            if source is not None:
                self.compare(field["type"], written[source], read[name], at)
            elif "default" in field and not _default_matches(field["default"], read[name]):
                self.issue("engine_error", at, f"new field should take its default {field['default']!r}")

    def enum(self, node: dict[str, Any], written: Any, read: Any, path: str) -> None:
        if read == written:
            return
        if written not in node["symbols"] and read == node.get("default"):
            return
        self.issue("engine_error", path, f"enum symbol {written!r} was read as {read!r}")

    def array(self, items: Node, written: Any, read: Any, path: str) -> None:
        if not isinstance(read, list) or len(read) != len(written):
            self.issue("engine_error", path, "array read back with a different length")
            return
        for index, (left, right) in enumerate(zip(written, read, strict=True)):
            self.compare(items, left, right, f"{path}/{index}")

    def map(self, values: Node, written: Any, read: Any, path: str) -> None:
        if not isinstance(read, dict) or set(read) != set(written):
            self.issue("engine_error", path, "map read back with different keys")
            return
        for key in written:
            self.compare(values, written[key], read[key], f"{path}/{key}")

    def scalar(self, kind: str, written: Any, read: Any, path: str) -> None:
        if kind in ("float", "double") and isinstance(written, int) and not isinstance(written, bool):
            if read == written:
                return
            if isinstance(read, float) and read == float(written):
                self.issue("lossy", path, f"an integer read as {kind} loses precision")
                return
        if (
            kind == "string"
            and isinstance(written, bytes)
            and read == written.decode("utf-8", errors="replace")
        ):
            return
        if kind == "bytes" and isinstance(written, str) and read == written.encode("utf-8"):
            return
        if type(read) is type(written) and read == written:
            return
        if isinstance(written, (int, float)) and isinstance(read, float) and read == written:
            return
        self.issue("engine_error", path, f"{kind} value changed to {read!r}")

    def kind(self, node: Node) -> str:
        target = deref(node, self.names)
        if isinstance(target, list):
            return "union"
        return target if isinstance(target, str) else str(target["type"])

    def fits(self, node: Node, value: Any) -> bool:
        """Whether a decoded value has the Python shape fastavro gives this reader branch."""
        target = deref(node, self.names)
        kind = self.kind(node)
        checks: dict[str, bool] = {
            "null": value is None,
            "boolean": isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "long": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, float),
            "double": isinstance(value, float),
            "string": isinstance(value, str),
            "bytes": isinstance(value, bytes),
            "array": isinstance(value, list),
            "map": isinstance(value, dict),
        }
        if kind in checks:
            return checks[kind]
        assert isinstance(target, dict)
        if kind == "enum":
            return isinstance(value, str) and value in target["symbols"]
        if kind == "fixed":
            return isinstance(value, bytes) and len(value) == target["size"]
        return isinstance(value, dict) and set(value) == {field["name"] for field in target["fields"]}


def _default_matches(default: Any, read: Any) -> bool:
    """Loose equality of a JSON default with what fastavro returns for it."""
    if isinstance(default, dict):
        return isinstance(read, dict) and all(
            key in read and _default_matches(value, read[key]) for key, value in default.items()
        )
    if isinstance(default, list):
        return (
            isinstance(read, list) and len(read) == len(default) and all(map(_default_matches, default, read))
        )
    if isinstance(default, str) and isinstance(read, bytes):
        return read == default.encode("latin-1", errors="replace")
    return bool(read == default)


# ----------------------------------------------------------------------------------------------
# The proof


def _encode(writer_schema: Any, datum: Any) -> bytes:
    """Encode a generated datum; a failure here is a bug in the generator and is raised."""
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, writer_schema, datum)
    return buffer.getvalue()


def _untagged(datum: Any) -> Any:
    if isinstance(datum, tuple):
        return _untagged(datum[1])
    if isinstance(datum, list):
        return [_untagged(item) for item in datum]
    if isinstance(datum, dict):
        return {key: _untagged(value) for key, value in datum.items()}
    return datum


def _read_failure(error: Exception, datum: Any) -> ProofIssue:
    shown = repr(_untagged(datum))
    if isinstance(error, UnicodeDecodeError):
        return ProofIssue("lossy", "bytes that are not valid UTF-8 cannot be read as a string", shown)
    return ProofIssue("engine_error", f"data written with the writer could not be read: {error}", shown)


def prove(
    reader: ResolvedSchema, writer: ResolvedSchema, samples: int = 50, seed: int = 0
) -> list[ProofIssue]:
    """Round-trip ``samples`` writer datums through fastavro; deduplicated issues, deterministic per seed."""
    if not inhabited(writer):
        return []  # no finite datum exists for the writer (e.g. a non-optional recursive record)
    writer_schema = fastavro.parse_schema(to_fastavro_schema(writer, logical_types=False))
    reader_schema = fastavro.parse_schema(to_fastavro_schema(reader, logical_types=False))
    generator = _Generator(writer, random.Random(seed), tag_unions=True)
    issues: dict[tuple[str, str], ProofIssue] = {}
    for _ in range(samples):
        datum = generator.value(writer.root, 0)
        encoded = _encode(writer_schema, datum)
        try:
            read = fastavro.schemaless_reader(io.BytesIO(encoded), writer_schema, reader_schema)
        except _READ_ERRORS as error:
            found = [_read_failure(error, datum)]
        else:
            comparer = _Comparer(reader, repr(_untagged(datum)))
            comparer.compare(reader.root, datum, read, "")
            found = comparer.issues
        for issue in found:
            issues.setdefault((issue.kind, issue.message), issue)
    return list(issues.values())
