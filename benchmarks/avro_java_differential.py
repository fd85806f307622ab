"""Differential run of contractctl's Avro engine against Apache Avro Java (run on demand, not by pytest).

Random (reader, writer) pairs, realistic schema evolutions and texts that may or may not parse, go
through both engines; every disagreement is printed, minimised by hand afterwards. Java parses each
text as Confluent Schema Registry does (benchmarks/java_avro/AvroVerdicts.java): as a new schema
(strict names, defaults validated) and as an already registered one (no validation while parsing,
then the UTF name check), and checks compatibility with ``SchemaCompatibility
.checkReaderWriterCompatibility``.

Needs Java 17 (javac, java), an Avro Java source tree and its jars (jackson, slf4j-api), see
benchmarks/README.md ("Avro against Apache Avro Java"). Usage:

    python benchmarks/avro_java_differential.py --avro-src DIR --classpath JARS \
        [--pairs 20000] [--seed 1] [--mode evolve|reuse|names|refs|aliases|mangle|mixed|all] [--show 20]
"""

from __future__ import annotations

import argparse
import collections
import copy
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from contractctl.formats.avro import FORMAT, AvroFormat, AvroSchema
from contractctl.formats.avro.compat import AMBIGUOUS_READER_FIELD, check_reader_writer, is_compatible
from contractctl.formats.base import InvalidSchema
from contractctl.model import SchemaText

HARNESS = Path(__file__).parent / "java_avro" / "AvroVerdicts.java"
ENGINE = FORMAT  # contractctl's side: `--parser 1.11` swaps in AvroFormat("1.11")

# -- building the harness ------------------------------------------------------------------------


def build(avro_src: Path, classpath: str, out: Path, harness: Path = HARNESS) -> str:
    """Compile Avro's Schema and SchemaCompatibility (and what they need) and the harness; returns
    the classpath to run it with."""
    avro_classes = out / "avro-classes"
    harness_classes = out / "harness-classes"
    main = avro_src / "org" / "apache" / "avro"
    if not (avro_classes / "org" / "apache" / "avro" / "SchemaCompatibility.class").exists():
        subprocess.run(
            [
                "javac",
                "-nowarn",
                "-encoding",
                "UTF-8",
                "-d",
                str(avro_classes),
                "-cp",
                classpath,
                "-sourcepath",
                str(avro_src),
                str(main / "Schema.java"),
                str(main / "SchemaCompatibility.java"),
            ],
            check=True,
        )
    full = f"{avro_classes}:{classpath}"
    subprocess.run(["javac", "-nowarn", "-d", str(harness_classes), "-cp", full, str(harness)], check=True)
    return f"{harness_classes}:{full}"


def run_java(classpath: str, pairs: list[tuple[str, str, list[str]]], work: Path) -> list[dict[str, Any]]:
    inputs = work / "pairs.jsonl"
    inputs.write_text("".join(json.dumps(list(pair)) + "\n" for pair in pairs), encoding="utf-8")
    with inputs.open("rb") as stdin:
        done = subprocess.run(
            [
                "java",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xss16m",
                "-cp",
                classpath,
                "AvroVerdicts",
            ],
            stdin=stdin,
            capture_output=True,
            check=True,
        )
    answers = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(answers) == len(pairs), (len(answers), len(pairs))
    return answers


# -- our side ------------------------------------------------------------------------------------


def _parse_side(text: str, references: list[str], registered: bool) -> AvroSchema:
    """A text as the CLI parses it, its references first (each may use the ones before it)."""
    parse = ENGINE.parse_registered if registered else ENGINE.parse
    parsed: list[AvroSchema] = []
    for index, reference in enumerate(references):
        try:
            parsed.append(parse(SchemaText(PurePosixPath(f"ref{index}.avsc"), reference), list(parsed)))
        except InvalidSchema as error:
            raise InvalidSchema(
                [replace(f, message=f"reference {index}: {f.message}") for f in error.findings]
            ) from None
    # as the CLI does: the contracts the text names itself, whatever their order (the ones they use
    # come with them); Java gets every reference, dependencies first, as Confluent resolves them
    try:  # a name spelled with JSON escapes ("M\u00f6n") is found unescaped
        plain = json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        plain = text
    named = [
        ref
        for ref in parsed
        if any(
            name.rsplit(".", 1)[-1] in text or name.rsplit(".", 1)[-1] in plain
            for name in ref.resolved.defined
        )
    ]
    return parse(SchemaText(PurePosixPath("x.avsc"), text), named[::-1])


def ours(reader: str, writer: str, references: list[str]) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    lenient: list[AvroSchema] = []
    for side, text in (("r", reader), ("w", writer)):
        for mode in ("new", "reg"):
            try:
                schema = _parse_side(text, references, registered=mode == "reg")
                answer[f"{side}_{mode}"] = None
                if mode == "reg":
                    lenient.append(schema)
            except InvalidSchema as error:
                answer[f"{side}_{mode}"] = "; ".join(f"{f.rule}: {f.message}" for f in error.findings)
            if not references:  # the CLI's shortcut for a text that needs nothing else must agree
                alone = ENGINE.parse_alone(
                    SchemaText(PurePosixPath("x.avsc"), text), registered=mode == "reg"
                )
                if alone is not None and answer[f"{side}_{mode}"] is not None:
                    answer["self_disagreement"] = f"parse_alone accepts what parse refuses ({side}_{mode})"
    if len(lenient) == 2:
        found = check_reader_writer(lenient[0].resolved, lenient[1].resolved, ENGINE.v111)
        verdict = is_compatible(lenient[0].resolved, lenient[1].resolved, lenient[0].closed_types)
        if verdict != (not found):
            answer["self_disagreement"] = f"is_compatible={verdict} but check found {len(found)}"
        if len(found) == 1 and found[0].type == AMBIGUOUS_READER_FIELD:
            answer["compat"] = "EXCEPTION"
        else:
            answer["compat"] = "INCOMPATIBLE" if found else "COMPATIBLE"
            answer["inc"] = [[item.type, item.location, item.message] for item in found]
    return answer


def _message(item: list[str]) -> str:
    """An incompatibility's message, except where contractctl words it on purpose: Java's message for
    a missing default is the bare field name, for missing symbols the bare list."""
    if item[0] == "READER_FIELD_MISSING_DEFAULT_VALUE":
        return ""
    return item[2].removeprefix("missing enum symbols: ")  # ours names what the list is


def differences(java: dict[str, Any], mine: dict[str, Any]) -> list[str]:
    found = []
    for key in ("r_new", "r_reg", "w_new", "w_reg"):
        if (key in java or key in mine) and (java.get(key) is None) != (mine.get(key) is None):
            found.append(f"parse:{key}:java={'ok' if java.get(key) is None else 'error'}")
    if "harness_error" in java:
        found.append("harness_error")
    if "self_disagreement" in mine:
        found.append("self_disagreement")
    if "compat" in java and "compat" in mine:
        if java["compat"] != mine["compat"]:
            found.append(f"verdict:java={java['compat']}")
        elif java["compat"] == "INCOMPATIBLE":
            if [item[:2] for item in java["inc"]] != [item[:2] for item in mine["inc"]]:
                if sorted(item[0] for item in java["inc"]) != sorted(item[0] for item in mine["inc"]):
                    found.append("types")
                else:
                    found.append("locations")
            elif [_message(item) for item in java["inc"]] != [_message(item) for item in mine["inc"]]:
                found.append("messages")
    elif "compat" in java or "compat" in mine:
        pass  # a parse difference, already reported
    return found


# -- generating schemas --------------------------------------------------------------------------

NAMES = ["R", "Rec", "Item", "Status", "Money", "Address", "Old", "New", "Kind", "Id", "Node", "Inner"]
SPACES = [None, None, None, "com.acme", "com.acme.v2", "org.x", "", "a.b"]
FIELD_NAMES = ["id", "name", "amount", "status", "when", "tags", "meta", "next", "kind", "value", "x", "y"]
SYMBOLS = ["A", "B", "C", "D", "RED", "GREEN", "BLUE", "UNKNOWN", "_x", "Z9"]
PRIMS = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]
LOGICAL = [
    {"type": "int", "logicalType": "date"},
    {"type": "int", "logicalType": "time-millis"},
    {"type": "long", "logicalType": "timestamp-millis"},
    {"type": "long", "logicalType": "local-timestamp-micros"},
    {"type": "string", "logicalType": "uuid"},
    {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
    {"type": "bytes", "logicalType": "decimal", "precision": 2, "scale": 5},
    {"type": "long", "logicalType": "date"},
    {"type": "string", "logicalType": "no-such-type"},
]


class Gen:
    """Random schemas, with a few knobs varied per seed so the shapes are not all alike."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.defined: list[tuple[str, str | None, str]] = []  # (name, namespace, kind)
        self.counter = 0
        self.p_named = rng.choice([0.15, 0.3, 0.45])
        self.p_union = rng.choice([0.1, 0.2, 0.35])
        self.p_ref = rng.choice([0.05, 0.15, 0.3])
        self.p_alias = rng.choice([0.0, 0.1, 0.3])
        self.p_default = rng.choice([0.3, 0.6, 0.9])
        self.p_logical = rng.choice([0.0, 0.05, 0.15])
        self.max_depth = rng.choice([2, 3, 4])
        self.enclosing: list[tuple[str, str | None]] = []
        self.loose_names = False  # "names" mode: references spelt every way, some wrong
        self.record_unions = False  # "aliases" mode: unions mostly of records

    def fresh_name(self) -> str:
        self.counter += 1
        base = self.rng.choice(NAMES)
        return base if self.rng.random() < 0.5 else f"{base}{self.counter}"

    def head(self, kind: str, space: str | None) -> tuple[dict[str, Any], str | None]:
        name = self.fresh_name()
        node: dict[str, Any] = {"type": kind}
        roll = self.rng.random()
        own_space = space
        if roll < 0.2:
            own_space = self.rng.choice(SPACES)
            node["name"] = name
            node["namespace"] = own_space
            if own_space is None:
                del node["namespace"]
                own_space = space
        elif roll < 0.3:
            own_space = self.rng.choice(["com.acme", "org.x", "q"])
            node["name"] = f"{own_space}.{name}"
        else:
            node["name"] = name
        if self.rng.random() < self.p_alias:
            node["aliases"] = [self.rng.choice([self.rng.choice(NAMES), f"old.{self.rng.choice(NAMES)}"])]
        if self.rng.random() < 0.1:
            node["doc"] = "d"
        return node, (own_space or None)

    def type(self, depth: int, space: str | None) -> Any:
        rng = self.rng
        roll = rng.random()
        if depth >= self.max_depth:
            roll *= 0.45
        if roll < self.p_ref and (self.defined or self.enclosing):
            return self.reference(space)
        if roll < 0.4:
            if rng.random() < self.p_logical:
                return copy.deepcopy(rng.choice(LOGICAL))
            prim = rng.choice(PRIMS[1:])
            return {"type": prim} if rng.random() < 0.05 else prim
        if roll < 0.4 + self.p_named:
            kind = rng.choice(["record", "enum", "enum", "fixed"])
            if kind == "record":
                return self.record(depth + 1, space)
            if kind == "enum":
                return self.enum(space)
            return self.fixed(space)
        if roll < 0.4 + self.p_named + self.p_union:
            return self.union(depth, space)
        if rng.random() < 0.5:
            return {"type": "array", "items": self.type(depth + 1, space)}
        return {"type": "map", "values": self.type(depth + 1, space)}

    def reference(self, space: str | None) -> Any:
        choices = [(n, s) for n, s, _ in self.defined] + self.enclosing
        name, own = self.rng.choice(choices)
        if self.loose_names and self.rng.random() < 0.5:  # any spelling, right or wrong
            written = self.rng.choice(
                [name, f"{own}.{name}" if own else f".{name}", f"{self.rng.choice(SPACES[3:])}.{name}"]
            )
            return {"type": written} if self.rng.random() < 0.2 else written
        if own and (own != space or self.rng.random() < 0.3):
            return f"{own}.{name}"
        return name

    def union(self, depth: int, space: str | None) -> list[Any]:
        rng = self.rng
        branches: list[Any] = []
        seen: set[str] = set()
        for _ in range(rng.randint(1, 3)):
            if self.record_unions and depth < self.max_depth:  # a union of records (events)
                branch = self.record(depth + 1, space) if rng.random() < 0.7 else self.type(depth + 1, space)
            else:
                branch = self.type(depth + 1, space)
            key = self.branch_key(branch)
            if key in seen or isinstance(branch, list):
                continue
            seen.add(key)
            branches.append(branch)
        if "null" not in seen and rng.random() < 0.8:
            if rng.random() < 0.75:
                branches.insert(0, "null")
            else:
                branches.append("null")
        return branches or ["null", "string"]

    @staticmethod
    def branch_key(branch: Any) -> str:
        if isinstance(branch, str):
            return branch
        if isinstance(branch, dict):
            if branch["type"] in ("record", "enum", "fixed"):
                return str(branch["name"])
            return str(branch["type"])
        return "union"

    def record(self, depth: int, space: str | None) -> dict[str, Any]:
        node, own = self.head("record", space)
        simple = str(node["name"]).rsplit(".", 1)[-1]
        self.enclosing.append((simple, own))
        fields = []
        used: set[str] = set()
        for _ in range(self.rng.randint(0, 5)):
            name = self.rng.choice(FIELD_NAMES)
            if name in used:
                continue
            used.add(name)
            field: dict[str, Any] = {"name": name, "type": self.type(depth, own)}
            if self.rng.random() < self.p_default:
                field["default"] = self.default(field["type"], own)
            if self.rng.random() < self.p_alias:
                field["aliases"] = [self.rng.choice(FIELD_NAMES)]
            if self.rng.random() < 0.03:
                field["order"] = self.rng.choice(["ascending", "descending", "ignore"])
            fields.append(field)
        node["fields"] = fields
        self.enclosing.pop()
        self.defined.append((simple, own, "record"))
        return node

    def enum(self, space: str | None) -> dict[str, Any]:
        node, own = self.head("enum", space)
        node["symbols"] = self.rng.sample(SYMBOLS, self.rng.randint(1, 4))
        if self.rng.random() < 0.3:
            node["default"] = self.rng.choice(node["symbols"])
        self.defined.append((str(node["name"]).rsplit(".", 1)[-1], own, "enum"))
        return node

    def fixed(self, space: str | None) -> dict[str, Any]:
        node, own = self.head("fixed", space)
        node["size"] = self.rng.choice([0, 1, 4, 8, 16])
        if self.rng.random() < 0.1:
            node.update({"logicalType": "decimal", "precision": 5, "scale": 1})
        self.defined.append((str(node["name"]).rsplit(".", 1)[-1], own, "fixed"))
        return node

    def default(self, type_: Any, space: str | None, nested: int = 0) -> Any:
        """Usually a valid default for the type (any union branch), sometimes not."""
        rng = self.rng
        if rng.random() < 0.04:
            return rng.choice([None, 0, "x", [], {}, 1.5, True, 2**40])
        if isinstance(type_, list):
            return self.default(rng.choice(type_) if rng.random() < 0.4 else type_[0], space, nested)
        if isinstance(type_, str):
            if type_ in PRIMS:
                return self.primitive_default(type_)
            return {}  # a reference: an object (lenient as a record default, wrong for others)
        kind = type_["type"]
        if isinstance(kind, str) and kind in PRIMS:
            return self.primitive_default(kind)
        if kind == "enum":
            return rng.choice(type_["symbols"])
        if kind == "fixed":
            return "\u0001" * type_["size"]
        if kind == "array":
            return (
                [] if rng.random() < 0.6 or nested > 2 else [self.default(type_["items"], space, nested + 1)]
            )
        if kind == "map":
            return (
                {}
                if rng.random() < 0.6 or nested > 2
                else {"k": self.default(type_["values"], space, nested + 1)}
            )
        if kind == "record":
            return {
                f["name"]: self.default(f["type"], space, nested + 1) for f in type_["fields"] if nested < 3
            }
        return None

    def primitive_default(self, kind: str) -> Any:
        rng = self.rng
        options: dict[str, list[Any]] = {
            "null": [None],
            "boolean": [True, False],
            "int": [0, -1, 2**31 - 1, 7],
            "long": [0, 2**40, -(2**63)],
            "float": [0.5, 1, "NaN", "1e3", -0.0],
            "double": [0.25, 3, "Infinity", "-1.5"],
            "bytes": ["", "\u00ff", "ab"],
            "string": ["", "x", "\u00e9"],
        }
        return rng.choice(options[kind])


def walk(node: Any, found: dict[str, list[Any]]) -> None:
    if isinstance(node, list):
        found["unions"].append(node)
        for branch in node:
            walk(branch, found)
    elif isinstance(node, dict):
        kind = node.get("type")
        if kind in ("record", "enum", "fixed"):
            found["named"].append(node)
        if kind == "record":
            found["records"].append(node)
            for item in node.get("fields", []):
                found["fields"].append(item)
                walk(item.get("type"), found)
        elif kind == "enum":
            found["enums"].append(node)
        elif kind == "fixed":
            found["fixeds"].append(node)
        for key in ("items", "values"):
            if key in node:
                found["containers"].append(node)
                walk(node[key], found)
        if isinstance(kind, (dict, list)):
            walk(kind, found)


PROMOTE = {"int": ["long", "float", "double"], "long": ["float", "double", "int"], "float": ["double", "int"]}
PROMOTE |= {
    "double": ["float", "long"],
    "string": ["bytes"],
    "bytes": ["string"],
    "boolean": ["int", "string"],
}


def evolve(document: Any, gen: Gen) -> Any:
    """A copy of the document with one to three random changes."""
    rng = gen.rng
    document = copy.deepcopy(document)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        found: dict[str, list[Any]] = collections.defaultdict(list)
        walk(document, found)
        ops = [
            "add",
            "remove",
            "rename",
            "retype",
            "promote",
            "optional",
            "default",
            "named",
            "enum",
            "fixed",
        ]
        ops += ["alias", "move", "union", "container", "reorder", "logical", "root"]
        op = rng.choice(ops)
        fields, records = found["fields"], found["records"]
        field = rng.choice(fields) if fields else None
        if op == "add" and records:
            record = rng.choice(records)
            added = {"name": rng.choice([*FIELD_NAMES, "new1", "new2"]), "type": gen.type(2, None)}
            if rng.random() < 0.6:
                added["default"] = gen.default(added["type"], None)
            if all(f["name"] != added["name"] for f in record["fields"]) or rng.random() < 0.05:
                record["fields"].insert(rng.randint(0, len(record["fields"])), added)
        elif op == "remove" and records:
            record = rng.choice(records)
            if record["fields"]:
                record["fields"].pop(rng.randrange(len(record["fields"])))
        elif op == "rename" and field:
            old = field["name"]
            field["name"] = rng.choice([old + "2", rng.choice(FIELD_NAMES)])
            if rng.random() < 0.6:
                field["aliases"] = [old] + ([rng.choice(FIELD_NAMES)] if rng.random() < 0.2 else [])
        elif op == "retype" and field:
            field["type"] = gen.type(1, None)
            if rng.random() < 0.5:
                field.pop("default", None)
            elif "default" in field:
                field["default"] = gen.default(field["type"], None)
        elif op == "promote" and field and isinstance(field["type"], str) and field["type"] in PROMOTE:
            field["type"] = rng.choice(PROMOTE[field["type"]])
        elif op == "optional" and field:
            if isinstance(field["type"], list) and len(field["type"]) > 1:
                field["type"] = [b for b in field["type"] if b != "null"] or ["null"]
                if len(field["type"]) == 1 and rng.random() < 0.5:
                    field["type"] = field["type"][0]
            elif not isinstance(field["type"], list):
                field["type"] = ["null", field["type"]] if rng.random() < 0.7 else [field["type"], "null"]
                if rng.random() < 0.8:
                    field["default"] = (
                        None if field["type"][0] == "null" else gen.default(field["type"], None)
                    )
        elif op == "default" and field:
            if "default" in field:
                del field["default"]
            else:
                field["default"] = gen.default(field["type"], None)
        elif op == "enum" and found["enums"]:
            enum = rng.choice(found["enums"])
            roll = rng.random()
            if roll < 0.35:
                extra = rng.choice(SYMBOLS)
                if extra not in enum["symbols"]:
                    enum["symbols"].append(extra)
            elif roll < 0.6 and len(enum["symbols"]) > 1:
                removed = enum["symbols"].pop(rng.randrange(len(enum["symbols"])))
                if enum.get("default") == removed:
                    enum["default"] = enum["symbols"][0]
            elif roll < 0.85:
                if "default" in enum:
                    del enum["default"]
                else:
                    enum["default"] = rng.choice(enum["symbols"])
            else:
                rng.shuffle(enum["symbols"])
        elif op == "fixed" and found["fixeds"]:
            fixed = rng.choice(found["fixeds"])
            fixed["size"] = rng.choice([fixed["size"] + 1, max(0, fixed["size"] - 1), 16])
        elif op in ("named", "move", "alias") and found["named"]:
            target = rng.choice(found["named"])
            name = str(target["name"])
            simple = name.rsplit(".", 1)[-1]
            space = name.rsplit(".", 1)[0] if "." in name else target.get("namespace")
            if op == "named":
                target["name"] = simple + "V2"
                target.pop("namespace", None) if "." in name else None
            elif op == "move":
                target["name"] = simple
                target["namespace"] = rng.choice(SPACES[3:])
            roll = rng.random()
            old_full = f"{space}.{simple}" if space else simple
            if roll < 0.7:
                target["aliases"] = [rng.choice([old_full, simple, "." + simple, "other.Name"])]
        elif op == "union" and found["unions"]:
            union = rng.choice(found["unions"])
            roll = rng.random()
            if roll < 0.3 and len(union) > 1:
                union.pop(rng.randrange(len(union)))
            elif roll < 0.6:
                branch = gen.type(3, None)
                if not isinstance(branch, list) and Gen.branch_key(branch) not in map(Gen.branch_key, union):
                    union.insert(rng.randint(0, len(union)), branch)
            else:
                rng.shuffle(union)
        elif op == "container" and found["containers"]:
            container = rng.choice(found["containers"])
            key = "items" if "items" in container else "values"
            inner = container[key]
            if isinstance(inner, str) and inner in PROMOTE and rng.random() < 0.6:
                container[key] = rng.choice(PROMOTE[inner])
            else:
                container[key] = gen.type(3, None)
        elif op == "reorder" and records:
            rng.shuffle(rng.choice(records)["fields"])
        elif op == "logical" and field:
            kind = field["type"]
            if isinstance(kind, str) and kind in ("int", "long", "string", "bytes"):
                field["type"] = {
                    "type": kind,
                    "logicalType": rng.choice(["date", "uuid", "timestamp-millis"]),
                }
            elif isinstance(kind, dict) and "logicalType" in kind:
                field["type"] = kind["type"]
        elif op == "root":
            document = rng.choice([gen.type(0, None), ["null", document], document])
    return document


# -- texts that may not parse --------------------------------------------------------------------

BAD_NAMES = ["1a", "a-b", "", "\u00e9t\u00e9", "a b", "int", "string", "a.b", "_", "\u0661", "\u00aa", "A$"]
BAD_NAMES += [
    "\u0391\u03b2",
    "a\u0661",
    "\u02b0x",
    "x\u0300",
    "\U0001d400",
    "\u01c5",
    "\u3005a",
    "a\u00b2",
    ".R",
]
BAD_NAMES += ["R.", "a..b", "null", "Int", "\u2160", "a\u200b", "\u00df", "\u0130"]


BAD_DEFAULTS: list[Any] = [
    None,
    0,
    -1,
    2**31,
    2**63,
    -(2**63) - 1,
    1.5,
    "1.5",
    "x",
    "",
    [],
    [1],
    {},
    {"a": 1},
]
BAD_DEFAULTS += [
    True,
    "NaN",
    "\u0100",
    "\u00ff\u00ff",
    "0x1p3",
    " 1",
    "1d",
    "Infinityf",
    1.0,
    -0.0,
    1e20,
    2**64,
]
BAD_DEFAULTS += [
    "\u0661",
    5e-324,
    1e308,
    "1e400",
    "-Infinity",
    "+NaN",
    "0x.8p1",
    "\u00a01",
    "1_0",
    [None],
    {"k": None},
]


def mangle(document: Any, gen: Gen) -> tuple[Any, str | None]:
    """A copy with one change that may make it invalid; or a raw text (second item)."""
    rng = gen.rng
    document = copy.deepcopy(document)
    found: dict[str, list[Any]] = collections.defaultdict(list)
    walk(document, found)
    op = rng.choice(
        [
            "badname",
            "dupfield",
            "dupsymbol",
            "baddefault",
            "enumdefault",
            "size",
            "drop",
            "union",
            "unknown",
            "redefine",
            "namespace",
            "aliases",
            "order",
            "typeobj",
            "json",
            "props",
            "symbols",
            "fields",
        ]
    )
    named, fields, records, enums = found["named"], found["fields"], found["records"], found["enums"]
    if op == "badname":
        targets: list[tuple[dict[str, Any], str]] = [(n, "name") for n in named] + [
            (f, "name") for f in fields
        ]
        if targets:
            node, key = rng.choice(targets)
            node[key] = rng.choice(BAD_NAMES)
        elif enums:
            rng.choice(enums)["symbols"].append(rng.choice(BAD_NAMES))
    elif op == "dupfield" and records:
        record = rng.choice(records)
        if record["fields"]:
            record["fields"].append(copy.deepcopy(rng.choice(record["fields"])))
    elif op == "dupsymbol" and enums:
        enum = rng.choice(enums)
        enum["symbols"].append(enum["symbols"][0])
    elif op == "baddefault" and fields:
        field = rng.choice(fields)
        field["default"] = rng.choice(BAD_DEFAULTS)
    elif op == "enumdefault" and enums:
        rng.choice(enums)["default"] = rng.choice(["NOPE", 1, None, "A"])
    elif op == "size" and found["fixeds"]:
        rng.choice(found["fixeds"])["size"] = rng.choice([-1, "4", 4.0, 2**31, None, 1.5, 2**31 - 9, True])
    elif op == "drop":
        nodes = named + found["containers"]
        if nodes:
            node = rng.choice(nodes)
            key = rng.choice(["name", "fields", "symbols", "size", "items", "values", "type"])
            node.pop(key, None)
    elif op == "union":
        if found["unions"]:
            union = rng.choice(found["unions"])
            union.append(
                rng.choice([union[0], ["null"], {"type": "array", "items": "int"}, "null", {"type": "int"}])
            )
        else:
            document = [document, rng.choice(["null", document, {"type": "map", "values": "int"}, []])]
    elif op == "unknown" and fields:
        rng.choice(fields)["type"] = rng.choice(["Missing", "com.acme.Missing", "Int", "record", "error"])
    elif op == "redefine" and named and records:
        target = copy.deepcopy(rng.choice(named))
        if rng.random() < 0.5:
            target["doc"] = "changed"
        elif rng.random() < 0.5 and target["type"] == "enum":
            target["symbols"] = [*list(target["symbols"]), "EXTRA"]
        rng.choice(records)["fields"].append({"name": "dup_def", "type": target})
    elif op == "namespace" and named:
        node = rng.choice(named)
        node["namespace"] = rng.choice([None, "", "a..b", "1a.b", ".a", "a.", 5, "\u00e9.x", "a.b.c"])
    elif op == "aliases" and (named or fields):
        node = rng.choice(named + fields)
        node["aliases"] = rng.choice([["1bad"], "x", [5], [], ["a.b.c"], ["ok", "ok"], [".x"], None])
    elif op == "order" and fields:
        rng.choice(fields)["order"] = rng.choice(["up", "IGNORE", 1, None, "Descending"])
    elif op == "typeobj" and fields:
        field = rng.choice(fields)
        field["type"] = rng.choice([{"type": field["type"]}, {"type": {"type": "int"}}, [], {}, 5, None])
    elif op == "props" and (named or fields):
        node = rng.choice(named + fields)
        node[rng.choice(["doc", "logicalType", "x-extra", "default"])] = rng.choice(
            [5, None, "s", [1], {"a": 1}]
        )
    elif op == "symbols" and enums:
        rng.choice(enums)["symbols"] = rng.choice([[], "A", [1], None, ["A", None]])
    elif op == "fields" and records:
        rng.choice(records)["fields"] = rng.choice(
            [[], {}, None, "x", [{"name": "a"}], [{"type": "int"}], [5]]
        )
    elif op == "json":
        return document, json_quirk(document, rng)
    return document, None


JSON_QUIRKS: list[Callable[[str], str]] = [
    lambda t: "/* c */ " + t + " // end",
    lambda t: t.replace("{", '{"name": "Dup", ', 1) if t.startswith("{") else t + " x",
    lambda t: t + " {}",
    lambda t: t[:-1],
    lambda t: t.replace("0.5", "NaN"),
    lambda t: t.replace(", ", ",\n  ", 3) + "\n",
    lambda t: "'" + t + "'",
    lambda t: "\ufeff" + t,  # a byte order mark
    lambda t: t + " # c",
    lambda t: t.replace('"type"', "type", 1),  # an unquoted key
    lambda t: t.replace(": 0", ": 00", 1).replace(": 1", ": +1", 1),
    lambda t: t.replace('"', "'"),
    lambda t: t.replace("]", ",]", 1),  # a trailing comma
    lambda t: t.replace('"name": "', '"name": "\\u0041', 1),  # an escaped letter
    lambda t: t.replace('"name": "', '"name": "\\ud800', 1),  # a lone surrogate
    lambda t: t.replace('"doc": "d"', '"doc": "\t"', 1).replace('"x"', '"x\x01"', 1),  # control characters
    lambda t: "  \n" + t + "\n\n",
    lambda t: t + "\x00",
    lambda t: "[" * 400 + '"int"' + "]" * 400,
    lambda t: t.replace('"default": 0', '"default": 1e400', 1).replace('"default": 0.5', '"default": 1E2', 1),
    lambda t: t.replace('"default": 7', '"default": 18446744073709551616', 1),
    lambda t: t.replace('"fields"', '"fields": [], "fields"', 1),  # a duplicate key: the last wins
]


def json_quirk(document: Any, rng: random.Random) -> str:
    """A text that Jackson (with comments allowed, as Avro sets it) may or may not read."""
    return str(rng.choice(JSON_QUIRKS)(json.dumps(document)))


# -- one run -------------------------------------------------------------------------------------


def schema(gen: Gen) -> Any:
    rng = gen.rng
    if rng.random() < 0.85:
        return gen.record(0, rng.choice(SPACES))
    return gen.type(0, None)


def _named_sites(
    node: Any, space: str | None, out: list[tuple[Any, Any, str]], holder: Any, key: Any
) -> None:
    """(holder, key, full name) of every named definition below the root, with the namespace it
    inherits, so that it can be moved to a contract of its own."""
    if isinstance(node, list):
        for index, branch in enumerate(node):
            _named_sites(branch, space, out, node, index)
    elif isinstance(node, dict):
        kind = node.get("type")
        own = space
        if kind in ("record", "enum", "fixed") and isinstance(node.get("name"), str):
            name = node["name"]
            if "." in name:
                own = name.rsplit(".", 1)[0]
            elif isinstance(node.get("namespace"), str):
                own = node["namespace"] or None
            full = f"{own}.{name.rsplit('.', 1)[-1]}" if own else name.rsplit(".", 1)[-1]
            if holder is not None:
                out.append((holder, key, full))
        if kind == "record":
            for item in node.get("fields", []):
                if isinstance(item, dict):
                    _named_sites(item.get("type"), own, out, item, "type")
        for inner in ("items", "values"):
            if inner in node:
                _named_sites(node[inner], own, out, node, inner)


def split_references(document: Any, rng: random.Random) -> tuple[Any, list[str]]:
    """Move one or two nested named types into contracts of their own (Confluent's schema
    references), the document naming them by full name where they were defined."""
    document = copy.deepcopy(document)
    references: list[str] = []
    for _ in range(rng.choice([1, 1, 2])):
        sites: list[tuple[Any, Any, str]] = []
        _named_sites(document, None, sites, None, None)
        if not sites:
            break
        holder, key, full = rng.choice(sites)
        definition = holder[key]
        definition["name"] = full
        definition.pop("namespace", None)
        holder[key] = full
        references.insert(0, json.dumps(definition))  # an inner type first: the outer may use it
    return document, references


Case = tuple[str, str, str, list[str]]


def generate(rng: random.Random, count: int, mode: str) -> list[Case]:
    out: list[Case] = []
    modes = ["evolve", "evolve", "reuse", "names", "refs", "aliases", "mixed", "mangle"]
    while len(out) < count:
        gen = Gen(rng)
        kind = mode if mode != "all" else rng.choice(modes)
        references: list[str] = []
        if kind == "reuse":  # named types used again and again: Java's memo decides the locations
            gen.p_ref, gen.p_named, gen.p_alias, gen.max_depth = 0.45, 0.35, 0.05, 5
            kind = "evolve"
        elif kind == "aliases":  # unions of records and aliased fields: trials Java computes in full
            gen.p_alias, gen.p_union, gen.p_named, gen.p_ref = 0.4, 0.35, 0.45, 0.2
            gen.record_unions = True
            kind = rng.choice(["evolve", "evolve", "mixed"])
        elif kind == "names":  # namespaces and references spelt every way: name lookup decides
            gen.p_ref, gen.p_named, gen.loose_names, gen.p_default = 0.4, 0.45, True, 0.2
            kind = rng.choice(["evolve", "mixed"])
        base = schema(gen)
        if kind == "refs":  # types from other contracts: references parsed first by the same parser
            gen.p_named = 0.45
            base, references = split_references(base, rng)
            kind = "evolve"
        if kind == "evolve":
            other = evolve(base, gen)
            pair = (base, other) if rng.random() < 0.5 else (other, base)
            label = "refs" if references else "evolve"
            out.append((label, json.dumps(pair[0]), json.dumps(pair[1]), references))
        elif kind == "mixed":
            other = schema(gen)
            out.append(("mixed", json.dumps(base), json.dumps(other), references))
        else:
            mangled, text = mangle(base, gen)
            evolved = evolve(base, gen) if rng.random() < 0.5 else base
            out.append(("mangle", text if text is not None else json.dumps(mangled), json.dumps(evolved), []))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--avro-src", type=Path, required=True, help="lang/java/avro/src/main/java of Avro")
    parser.add_argument("--classpath", required=True, help="jackson-core, -databind, -annotations, slf4j-api")
    parser.add_argument(
        "--work", type=Path, default=None, help="build and scratch folder (default: a temp dir)"
    )
    parser.add_argument(
        "--harness",
        type=Path,
        default=HARNESS,
        help="the Java side (default: java_avro/AvroVerdicts.java, Confluent on Avro 1.12.1;"
        " java_avro/avro111/AvroVerdicts.java: Confluent on Avro 1.11, 7.x to 8.1.0)",
    )
    parser.add_argument(
        "--parser",
        choices=["1.12", "1.11"],
        default="1.12",
        help="contractctl's avro parser setting to compare (1.11 with the avro111 harness)",
    )
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--mode",
        choices=["evolve", "reuse", "names", "refs", "aliases", "mangle", "mixed", "all"],
        default="all",
    )
    parser.add_argument("--show", type=int, default=10, help="examples printed per kind of disagreement")
    parser.add_argument("--dump", type=Path, default=None, help="write every disagreement here (jsonl)")
    args = parser.parse_args()
    global ENGINE
    ENGINE = AvroFormat(args.parser)
    work = args.work or Path(tempfile.mkdtemp(prefix="avro-java-"))
    work.mkdir(parents=True, exist_ok=True)
    classpath = build(args.avro_src, args.classpath, work, args.harness)
    rng = random.Random(args.seed)
    started = time.monotonic()
    cases = generate(rng, args.pairs, args.mode)
    java = run_java(classpath, [(r, w, refs) for _, r, w, refs in cases], work)
    java_seconds = time.monotonic() - started
    tally: collections.Counter[str] = collections.Counter()
    shapes: collections.Counter[str] = collections.Counter()
    verdicts: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[Any]] = collections.defaultdict(list)
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    for (shape, reader, writer, references), theirs in zip(cases, java, strict=True):
        shapes[shape] += 1
        verdicts[f"{shape}:{theirs.get('compat', 'parse-error')}"] += 1
        for item in theirs.get("inc", []):
            kinds[item[0]] += 1
        mine = ours(reader, writer, references)
        for difference in differences(theirs, mine):
            key = f"{shape}:{difference}"
            tally[key] += 1
            if len(examples[key]) < args.show:
                examples[key].append((reader, writer, references, theirs, mine))
            if dump:
                dump.write(
                    json.dumps(
                        {
                            "kind": key,
                            "r": reader,
                            "w": writer,
                            "refs": references,
                            "java": theirs,
                            "ours": mine,
                        }
                    )
                    + "\n"
                )
    elapsed = time.monotonic() - started
    print(f"{len(cases)} pairs in {elapsed:.0f} s (Java {java_seconds:.0f} s): {dict(shapes)}")
    print("Java verdicts:", dict(sorted(verdicts.items())))
    print("Java incompatibilities:", dict(kinds.most_common()))
    print("disagreements:", dict(sorted(tally.items())) or "none")
    for key, items in sorted(examples.items()):
        print(f"\n== {key}")
        for reader, writer, references, theirs, mine in items:
            print(f"  reader: {reader}\n  writer: {writer}\n  references: {references}")
            print(f"  java: {theirs}\n  ours: {mine}\n")
    return 1 if tally else 0


if __name__ == "__main__":
    sys.exit(main())
