"""Synthetic contract repositories for the benchmarks: many Avro or Protobuf contracts with a history.

Repositories are written with one ``git fast-import`` stream (no per-file ``git add``), so thousands
of contracts with ten versions each take about a second to build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}
CONFIG = "version: 1\ncontracts: {root: contracts, base_branch: main}\n"


def git(root: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    return completed.stdout


@dataclass
class Commit:
    """One commit for :func:`fast_import`: the files it writes (path -> text) on ``branch``."""

    message: str
    files: Mapping[str, str]
    branch: str = "main"
    parent: str | None = field(default=None)  # a branch to fork from when ``branch`` is new


def fast_import(root: Path, commits: Sequence[Commit], checkout: str = "main") -> Path:
    """Create a repository at ``root`` holding ``commits`` (in order), then check out ``checkout``."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    chunks: list[bytes] = []
    seen: set[str] = set()
    for mark, commit in enumerate(commits, start=1):
        head = [f"commit refs/heads/{commit.branch}", f"mark :{mark}"]
        head.append(f"committer bench <bench@example.invalid> {1_700_000_000 + mark * 60} +0000")
        message = commit.message.encode()
        chunks.append(("\n".join(head) + f"\ndata {len(message)}\n").encode() + message + b"\n")
        if commit.branch not in seen and commit.parent is not None:
            chunks.append(f"from refs/heads/{commit.parent}\n".encode())
        seen.add(commit.branch)
        for path, text in commit.files.items():
            data = text.encode()
            chunks.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        chunks.append(b"\n")
    subprocess.run(
        ["git", "fast-import", "--quiet", "--done"],
        cwd=root,
        input=b"".join(chunks) + b"done\n",
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV},
    )
    git(root, "checkout", "-q", "-f", checkout)
    return root


# -- Avro ------------------------------------------------------------------------------------------


def avro_contract(topic: int, version: int) -> str:
    """Version n adds n optional fields to a base record: every step is backward compatible."""
    return _avro_template(version).replace("@TOPIC@", str(topic))


@functools.lru_cache(maxsize=64)
def _avro_template(version: int) -> str:
    """The indented JSON once per version (json's indenting encoder is slow), topic left open."""
    fields = [
        {"name": "id", "type": "string"},
        {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "amount", "type": ["null", "double"], "default": None},
        {
            "name": "status",
            "type": {
                "type": "enum",
                "name": "Status",
                "symbols": ["NEW", "DONE", "UNKNOWN"],
                "default": "UNKNOWN",
            },
            "default": "UNKNOWN",
        },
        {
            "name": "lines",
            "type": {
                "type": "array",
                "items": {
                    "type": "record",
                    "name": "Line",
                    "fields": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}],
                },
            },
            "default": [],
        },
    ]
    fields += [{"name": f"extra_{n}", "type": ["null", "string"], "default": None} for n in range(version)]
    schema = {"type": "record", "name": "Event@TOPIC@", "namespace": "com.bench.t@TOPIC@", "fields": fields}
    return json.dumps(schema, indent=2) + "\n"


def avro_path(topic: int) -> str:
    return f"contracts/topic{topic}/value.avsc"


def build_avro_repo(root: Path, contracts: int, commits: int, config: str = CONFIG) -> Path:
    """`contracts` topics; each of `commits` commits evolves a tenth of them (all on the first)."""
    versions = [0] * contracts
    history: list[Commit] = []
    for commit in range(commits):
        files = {"contractctl.yaml": config} if commit == 0 else {}
        for topic in range(contracts):
            if commit == 0 or topic % 10 == commit % 10:
                versions[topic] += commit > 0
                files[avro_path(topic)] = avro_contract(topic, versions[topic])
        history.append(Commit(f"commit {commit}", files))
    return fast_import(root, history)


def build_avro_versions(root: Path, contracts: int, versions: int, config: str = CONFIG) -> Path:
    """Every contract evolves in every commit: `versions` distinct versions of each on main."""
    history = []
    for version in range(versions):
        files = {avro_path(topic): avro_contract(topic, version) for topic in range(contracts)}
        if version == 0:
            files["contractctl.yaml"] = config
        history.append(Commit(f"version {version + 1}", files))
    return fast_import(root, history)


def build_avro_branch(root: Path, contracts: int, config: str) -> Path:
    """`contracts` topics at version 0 on main; branch `feature` (checked out) evolves all of them."""
    main = {avro_path(t): avro_contract(t, 0) for t in range(contracts)}
    feature = {avro_path(t): avro_contract(t, 1) for t in range(contracts)}
    history = [
        Commit("v1", {"contractctl.yaml": config, **main}),
        Commit("v2", feature, branch="feature", parent="main"),
    ]
    return fast_import(root, history, checkout="feature")


# -- Protobuf --------------------------------------------------------------------------------------


def proto_common(index: int, extra: bool = False) -> str:
    """A shared type with a nested message and enum, imported by topic contracts."""
    note = "    string note = 3;\n" if extra else ""
    return (
        'syntax = "proto3";\n'
        f"package bench.common.c{index};\n\n"
        f"message Shared{index} {{\n"
        "  enum Kind {\n    KIND_UNSPECIFIED = 0;\n    KIND_A = 1;\n    KIND_B = 2;\n  }\n"
        "  message Tag {\n    string key = 1;\n    string value = 2;\n"
        f"{note}"
        "  }\n"
        "  string id = 1;\n  Kind kind = 2;\n  repeated Tag tags = 3;\n}\n"
    )


def proto_topic(index: int, commons: int, change: str = "") -> str:
    """A topic contract: nested messages three deep, an enum, a oneof, a map and two imports.

    ``change`` is "" (original), "add" (a new field, compatible) or "break" (a field type change).
    """
    first, second = index % commons, (index * 7 + 3) % commons
    imports = sorted({first, second})
    quantity = "string quantity = 2;" if change == "break" else "int32 quantity = 2;"
    added = "  string added_field = 20;\n" if change == "add" else ""
    lines = ['syntax = "proto3";', f"package bench.t{index};", ""]
    lines += [f'import "common/c{c}.proto";' for c in imports]
    lines += ['import "google/protobuf/timestamp.proto";', ""]
    body = f"""message Event{index} {{
  message Detail {{
    message Item {{
      string sku = 1;
      {quantity}
      map<string, string> attributes = 3;
    }}
    repeated Item items = 1;
    bench.common.c{first}.Shared{first} shared = 2;
  }}
  enum State {{
    STATE_UNSPECIFIED = 0;
    STATE_OPEN = 1;
    STATE_CLOSED = 2;
  }}
  string id = 1;
  google.protobuf.Timestamp occurred_at = 2;
  Detail detail = 3;
  State state = 4;
  oneof payload {{
    string text = 5;
    bench.common.c{second}.Shared{second} other = 6;
  }}
  repeated bench.common.c{second}.Shared{second}.Tag tags = 7;
{added}}}
"""
    return "\n".join(lines) + "\n" + body


BUF_YAML = "version: v2\nmodules:\n  - path: contracts\nbreaking:\n  use:\n    - FILE\n"


def build_proto_repo(root: Path, files: int) -> Path:
    """`files` .proto contracts (a tenth shared, imported by the rest) on main, with buf.yaml.

    Branch `feature` (checked out) adds a field to a shared type and to every tenth topic, and breaks
    topic 0 (a field's type changes), so both contractctl and buf must find exactly that break.
    """
    commons = max(2, files // 10)
    topics = files - commons
    main = {f"contracts/common/c{c}.proto": proto_common(c) for c in range(commons)}
    main.update({f"contracts/t{t}/value.proto": proto_topic(t, commons) for t in range(topics)})
    feature = {"contracts/common/c1.proto": proto_common(1, extra=True)}
    for topic in range(0, topics, 10):
        feature[f"contracts/t{topic}/value.proto"] = proto_topic(
            topic, commons, "break" if topic == 0 else "add"
        )
    history = [
        Commit("protos", {"contractctl.yaml": CONFIG, "buf.yaml": BUF_YAML, **main}),
        Commit("change", feature, branch="feature", parent="main"),
    ]
    return fast_import(root, history, checkout="feature")


# -- Shapes nobody tuned to (issue 17) -------------------------------------------------------------
#
# Each shape is a function (index, version) -> {path: text} over a fixed layout, so one generator
# writes any size and any history length: commit 0 writes every file at version 0; each later commit
# moves `per_commit` files (round robin, shared files included) to their next version, always a
# compatible change (an optional field more). Sizes count contract files.


@dataclass(frozen=True)
class Shape:
    name: str
    fmt: str  # "avro" or "protobuf"
    files: Callable[[int], list[str]]  # size -> every contract path, shared files first
    text: Callable[[str, int], str]  # (path, version) -> contract text
    leaf: Callable[[int], str]  # size -> a topic contract nothing references
    shared: Callable[[int], str]  # size -> a shared contract that topics reference


def _rng(*seed: object) -> random.Random:
    return random.Random(hash_seed(*seed))


def hash_seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:8], "big")


def _shared_count(size: int) -> int:
    return max(2, size // 10)


# Avro, realistic: 20-60 fields, nested records, unions, enums, logical types, arrays, maps, and named
# types shared across files (referenced by full name); grouping folders as real repositories have.

_LOGICAL = [
    {"type": "long", "logicalType": "timestamp-millis"},
    {"type": "int", "logicalType": "date"},
    {"type": "string", "logicalType": "uuid"},
    {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2},
]


def _avro_shared_path(index: int) -> str:
    return f"contracts/common/shared{index}.avsc"


def _avro_topic_path(index: int) -> str:
    return f"contracts/domain{index % 20}/topic{index}/value.avsc"


def _avro_files(size: int) -> list[str]:
    shared = _shared_count(size)
    return [_avro_shared_path(i) for i in range(shared)] + [_avro_topic_path(i) for i in range(size - shared)]


def _optional(count: int) -> list[dict[str, object]]:
    return [{"name": f"added_{n}", "type": ["null", "string"], "default": None} for n in range(count)]


def _avro_shared(index: int, version: int, depth_link: bool) -> dict[str, object]:
    rng = _rng("avro-shared", index)
    fields: list[dict[str, object]] = [
        {"name": "id", "type": "string"},
        {
            "name": "kind",
            "type": {
                "type": "enum",
                "name": f"Kind{index}",
                "symbols": ["UNKNOWN", "A", "B", "C"],
                "default": "UNKNOWN",
            },
            "default": "UNKNOWN",
        },
        {"name": "amount", "type": dict(rng.choice(_LOGICAL))},
        {"name": "labels", "type": {"type": "map", "values": "string"}, "default": {}},
    ]
    if depth_link and index > 0:  # a deep graph: each shared type holds the one before it
        fields.append(
            {"name": "inner", "type": ["null", f"com.acme.common.Shared{index - 1}"], "default": None}
        )
    return {
        "type": "record",
        "name": f"Shared{index}",
        "namespace": "com.acme.common",
        "fields": fields + _optional(version),
    }


def _avro_topic(index: int, version: int, shared: int, flat: bool) -> dict[str, object]:
    rng = _rng("avro-topic", index)
    if flat:
        fields: list[dict[str, object]] = [
            {"name": f"f{n}", "type": rng.choice(["string", "long", "int", "double", "boolean"])}
            for n in range(5)
        ]
        return {
            "type": "record",
            "name": f"Event{index}",
            "namespace": f"com.acme.t{index}",
            "fields": fields + _optional(version),
        }
    fields = [{"name": "event_id", "type": {"type": "string", "logicalType": "uuid"}}]
    for n in range(rng.randint(20, 60)):
        kind = rng.randrange(10)
        name = f"field_{n}"
        if kind < 3:
            fields.append({"name": name, "type": rng.choice(["string", "long", "int", "double", "boolean"])})
        elif kind == 3:
            fields.append({"name": name, "type": ["null", rng.choice(["string", "long"])], "default": None})
        elif kind == 4:
            fields.append({"name": name, "type": dict(rng.choice(_LOGICAL))})
        elif kind == 5:
            fields.append(
                {
                    "name": name,
                    "type": {
                        "type": "enum",
                        "name": f"State{n}",
                        "symbols": ["UNKNOWN", "OPEN", "CLOSED"],
                        "default": "UNKNOWN",
                    },
                    "default": "UNKNOWN",
                }
            )
        elif kind == 6:
            item = {
                "type": "record",
                "name": f"Item{n}",
                "fields": [
                    {"name": "sku", "type": "string"},
                    {"name": "qty", "type": "int"},
                    {"name": "price", "type": dict(_LOGICAL[3])},
                ],
            }
            fields.append({"name": name, "type": {"type": "array", "items": item}, "default": []})
        elif kind == 7:
            fields.append({"name": name, "type": {"type": "map", "values": ["null", "long"]}, "default": {}})
        elif kind == 8:
            inner = {
                "type": "record",
                "name": f"Detail{n}",
                "fields": [
                    {"name": "note", "type": ["null", "string"], "default": None},
                    {
                        "name": "deep",
                        "type": {
                            "type": "record",
                            "name": f"Deep{n}",
                            "fields": [
                                {"name": "at", "type": dict(_LOGICAL[0])},
                                {"name": "flag", "type": "boolean"},
                            ],
                        },
                    },
                ],
            }
            fields.append({"name": name, "type": inner})
        else:
            fields.append(
                {
                    "name": name,
                    "type": ["null", f"com.acme.common.Shared{rng.randrange(shared)}"],
                    "default": None,
                }
            )
    return {
        "type": "record",
        "name": f"Event{index}",
        "namespace": f"com.acme.t{index}",
        "fields": fields + _optional(version),
    }


def _avro_text(size: int, flat: bool, deep: bool) -> Callable[[str, int], str]:
    shared = _shared_count(size)

    def text(path: str, version: int) -> str:
        stem = path.rsplit("/", 2)
        if path.startswith("contracts/common/"):
            index = int(stem[-1].removeprefix("shared").removesuffix(".avsc"))
            document = _avro_shared(index, version, deep)
        else:
            index = int(stem[-2].removeprefix("topic"))
            document = _avro_topic(index, version, shared, flat)
        return json.dumps(document, indent=2) + "\n"

    return text


# Protobuf, realistic: nested messages, imports of shared files, oneofs, maps, enums, 20-40 fields.


def _proto_shared_path(index: int) -> str:
    return f"contracts/common/v1/shared{index}.proto"


def _proto_topic_path(index: int) -> str:
    return f"contracts/domain{index % 20}/t{index}/value.proto"


def _proto_files(size: int) -> list[str]:
    shared = _shared_count(size)
    return [_proto_shared_path(i) for i in range(shared)] + [
        _proto_topic_path(i) for i in range(size - shared)
    ]


def _proto_added(version: int) -> str:
    return "".join(f"  string added_{n} = {100 + n};\n" for n in range(version))


def _proto_shared(index: int, version: int, deep: bool) -> str:
    imports = f'import "common/v1/shared{index - 1}.proto";\n' if deep and index > 0 else ""
    inner = f"  acme.common.v1.Shared{index - 1} inner = 5;\n" if deep and index > 0 else ""
    return (
        f'syntax = "proto3";\npackage acme.common.v1;\n{imports}\n'
        f"message Shared{index} {{\n"
        "  enum Kind {\n    KIND_UNSPECIFIED = 0;\n    KIND_A = 1;\n    KIND_B = 2;\n  }\n"
        "  message Tag {\n    string key = 1;\n    string value = 2;\n  }\n"
        "  string id = 1;\n  Kind kind = 2;\n  repeated Tag tags = 3;\n"
        f"  map<string, int64> counts = 4;\n{inner}"
        f"{_proto_added(version)}}}\n"
    )


def _proto_topic(index: int, version: int, shared: int, flat: bool) -> str:
    rng = _rng("proto-topic", index)
    uses = sorted({rng.randrange(shared) for _ in range(3)}) if not flat else []
    lines = ['syntax = "proto3";', f"package acme.t{index}.v1;", ""]
    lines += [f'import "common/v1/shared{u}.proto";' for u in uses]
    lines += ['import "google/protobuf/timestamp.proto";', "", f"message Event{index} {{"]
    lines += [
        "  enum State {",
        "    STATE_UNSPECIFIED = 0;",
        "    STATE_OPEN = 1;",
        "    STATE_CLOSED = 2;",
        "  }",
    ]
    lines += [
        "  message Line {",
        "    message Price {",
        "      int64 units = 1;",
        "      int32 nanos = 2;",
        "    }",
        "    string sku = 1;",
        "    int32 qty = 2;",
        "    Price price = 3;",
        "  }",
    ]
    number = 1
    for n in range(rng.randint(20, 40) if not flat else 5):
        kind = rng.randrange(8)
        if kind < 3 or flat:
            lines.append(f"  {rng.choice(['string', 'int64', 'int32', 'bool', 'double'])} f{n} = {number};")
        elif kind == 3:
            lines.append(f"  google.protobuf.Timestamp at{n} = {number};")
        elif kind == 4:
            lines.append(f"  repeated Line lines{n} = {number};")
        elif kind == 5:
            lines.append(f"  map<string, string> attrs{n} = {number};")
        elif kind == 6:
            lines.append(f"  State state{n} = {number};")
        else:
            lines.append(
                f"  oneof choice{n} {{\n    string text{n} = {number};\n"
                f"    int64 code{n} = {number + 1};\n  }}"
            )
            number += 1
        number += 1
    for u in uses:
        lines.append(f"  acme.common.v1.Shared{u} shared{u} = {number};")
        number += 1
    return "\n".join(lines) + "\n" + _proto_added(version) + "}\n"


def _proto_text(size: int, flat: bool, deep: bool) -> Callable[[str, int], str]:
    shared = _shared_count(size)

    def text(path: str, version: int) -> str:
        if path.startswith("contracts/common/"):
            index = int(path.rsplit("/", 1)[-1].removeprefix("shared").removesuffix(".proto"))
            return _proto_shared(index, version, deep)
        index = int(path.rsplit("/", 2)[-2].removeprefix("t"))
        return _proto_topic(index, version, shared, flat)

    return text


def shape(name: str, size: int) -> Shape:
    """One of SHAPES at a size (contract files)."""
    flat, deep = name.endswith("flat"), name.endswith("deep")
    shared = _shared_count(size)
    if name.startswith("avro"):
        return Shape(
            name,
            "avro",
            _avro_files,
            _avro_text(size, flat, deep),
            lambda n: _avro_topic_path(n - shared - 1),
            lambda n: _avro_shared_path(0),
        )
    return Shape(
        name,
        "protobuf",
        _proto_files,
        _proto_text(size, flat, deep),
        lambda n: _proto_topic_path(n - shared - 1),
        lambda n: _proto_shared_path(0),
    )


SHAPES = ("avro-realistic", "avro-flat", "avro-deep", "protobuf-realistic", "protobuf-flat", "protobuf-deep")


def build_shape_repo(
    root: Path, name: str, size: int, commits: int, per_commit: int = 3, config: str = CONFIG
) -> tuple[Path, Shape, dict[str, int]]:
    """A repository of one shape on main: `commits` commits (the first writes every file), each later
    one evolving `per_commit` files. Returns the repository, the shape and each file's version."""
    spec = shape(name, size)
    paths = spec.files(size)
    versions = dict.fromkeys(paths, 0)
    history = [
        Commit(
            "all contracts",
            {"contractctl.yaml": config, "buf.yaml": BUF_YAML, **{p: spec.text(p, 0) for p in paths}},
        )
    ]
    cursor = 0
    for number in range(1, commits):
        files = {}
        for _ in range(per_commit):
            path = paths[cursor % len(paths)]
            cursor += 7  # spread over the tree, shared files included
            versions[path] += 1
            files[path] = spec.text(path, versions[path])
        history.append(Commit(f"commit {number}", files))
    return fast_import(root, history), spec, versions


# -- Protobuf API tree (issue 14) ------------------------------------------------------------------

API_CONFIG = (
    "version: 1\ncontracts: {root: contracts, base_branch: main}\ndefaults: {compatibility: BACKWARD}\n"
)
BUF_WIRE_YAML = "version: v2\nmodules:\n  - path: contracts\nbreaking:\n  use:\n    - WIRE\n"


@dataclass(frozen=True)
class ApiTreeShape:
    """Where each kind of file of a large public API tree lives (googleapis-like): shared files of only
    enums and only extensions, message files in deep versioned packages importing each other in
    chains, service-only files over them, and topic values on top. Indexes are stable across sizes."""

    files: int

    @property
    def enum_files(self) -> int:
        return max(2, self.files // 20)

    @property
    def option_files(self) -> int:
        return max(1, self.files // 100)

    @property
    def services(self) -> int:
        return max(1, self.files // 10)

    @property
    def topics(self) -> int:
        return max(1, self.files // 10)

    @property
    def type_files(self) -> int:
        return self.files - self.enum_files - self.option_files - self.services - self.topics

    def type_path(self, index: int) -> str:
        return f"google/api/area{index % 25}/v{1 + index % 3}/group{index // 75}/types{index}.proto"

    def enum_path(self, index: int) -> str:
        return f"google/type/enums/e{index}.proto"

    def option_path(self, index: int) -> str:
        return f"google/api/annotations/o{index}.proto"


def api_enum_file(index: int, version: int) -> str:
    """Only enums: one constant more per version (ENUM_CONST_ADDED, compatible everywhere)."""
    extra = "".join(f"  E{index}_V{v} = {10 + v};\n" for v in range(version))
    return (
        f'syntax = "proto3";\npackage google.type.enums.e{index};\n\n'
        f"enum Code{index} {{\n  CODE{index}_UNSPECIFIED = 0;\n  CODE{index}_A = 1;\n{extra}}}\n\n"
        f"enum Level{index} {{\n  LEVEL{index}_UNSPECIFIED = 0;\n  LEVEL{index}_HIGH = 1;\n}}\n"
    )


def api_option_file(index: int) -> str:
    """Only extensions: custom options the message files annotate fields and messages with."""
    base = 50000 + index * 10
    return (
        f'syntax = "proto3";\npackage google.api.annotations.o{index};\n\n'
        'import "google/protobuf/descriptor.proto";\n\n'
        f"extend google.protobuf.FieldOptions {{\n  string field_behavior{index} = {base};\n}}\n\n"
        f"extend google.protobuf.MessageOptions {{\n  bool resource{index} = {base + 1};\n}}\n"
    )


def api_type_file(shape: ApiTreeShape, index: int, version: int, broken: bool = False) -> str:
    """Messages in a deep package, importing the previous file of its chain (import depth grows with
    the tree), an enum-only file and an options file; `version` adds fields, `broken` changes a type."""
    package = shape.type_path(index).rsplit("/", 1)[0].replace("/", ".") + f".t{index}"
    enum_index, option_index = index % shape.enum_files, index % shape.option_files
    imports = [shape.enum_path(enum_index), shape.option_path(option_index)]
    previous = index - 1 if index % 50 else None  # chains of 50 files: imports 50 deep
    if previous is not None:
        imports.append(shape.type_path(previous))
    enum_package = f"google.type.enums.e{enum_index}"
    option = f"google.api.annotations.o{option_index}"
    name_type = "int64" if broken else "string"
    extra = "".join(f"  string added{v} = {20 + v};\n" for v in range(version))
    chained = ""
    if previous is not None:
        previous_package = shape.type_path(previous).rsplit("/", 1)[0].replace("/", ".") + f".t{previous}"
        chained = f"  {previous_package}.Resource{previous} parent = 6;\n"
    lines = ['syntax = "proto3";', f"package {package};", ""]
    lines += [f'import "{path}";' for path in imports]
    lines += ['import "google/protobuf/timestamp.proto";', ""]
    body = (
        f"message Resource{index} {{\n"
        f"  option ({option}.resource{option_index}) = true;\n"
        f'  {name_type} name = 1 [({option}.field_behavior{option_index}) = "REQUIRED"];\n'
        f"  {enum_package}.Code{enum_index} code = 2;\n"
        "  google.protobuf.Timestamp create_time = 3;\n"
        "  map<string, string> labels = 4;\n"
        f"  repeated Item items = 5;\n{chained}"
        "  message Item {\n    string key = 1;\n    int32 count = 2;\n  }\n"
        f"{extra}}}\n\n"
        f"message List{index}Request {{\n  string parent = 1;\n  int32 page_size = 2;\n}}\n\n"
        f"message List{index}Response {{\n  repeated Resource{index} resources = 1;\n"
        "  string next_page_token = 2;\n}\n"
    )
    return "\n".join(lines) + "\n" + body


def api_service_file(shape: ApiTreeShape, index: int) -> str:
    """Only a service over one type file's messages."""
    target = index % shape.type_files
    package = shape.type_path(target).rsplit("/", 1)[0].replace("/", ".") + f".t{target}"
    return (
        f'syntax = "proto3";\npackage google.api.services.s{index};\n\n'
        f'import "{shape.type_path(target)}";\n\n'
        f"service Service{index} {{\n"
        f"  rpc List(.{package}.List{target}Request) returns (.{package}.List{target}Response);\n"
        f"  rpc Get(.{package}.List{target}Request) returns (.{package}.Resource{target});\n}}\n"
    )


def api_topic_file(shape: ApiTreeShape, index: int, version: int) -> str:
    target = (index * 7) % shape.type_files
    package = shape.type_path(target).rsplit("/", 1)[0].replace("/", ".") + f".t{target}"
    extra = "".join(f"  string note{v} = {10 + v};\n" for v in range(version))
    return (
        f'syntax = "proto3";\npackage events.t{index};\n\nimport "{shape.type_path(target)}";\n\n'
        f"message Changed{index} {{\n  string id = 1;\n  {package}.Resource{target} resource = 2;\n"
        f"{extra}}}\n"
    )


def build_api_tree_repo(root: Path, files: int, history_commits: int, change_commits: int) -> Path:
    """A tree shaped like a large public API (see ApiTreeShape), `history_commits` commits before the
    base (tag `base`) and `change_commits` after it on main (checked out). Each commit evolves two
    files compatibly (an enum constant, a field); the last change set also breaks type file 0 (a
    field's type), so both tools must report that break. A checkout of the base sits in `base/`...
    made by the caller (`git worktree`), so the repository itself holds only contracts."""
    shape = ApiTreeShape(files)
    enum_versions = [0] * shape.enum_files
    type_versions = [0] * shape.type_files
    topic_versions = [0] * shape.topics

    def tree() -> dict[str, str]:
        out = {shape.enum_path(i): api_enum_file(i, v) for i, v in enumerate(enum_versions)}
        out.update({shape.option_path(i): api_option_file(i) for i in range(shape.option_files)})
        out.update({shape.type_path(i): api_type_file(shape, i, v) for i, v in enumerate(type_versions)})
        out.update(
            {
                f"google/api/services/s{i}/service.proto": api_service_file(shape, i)
                for i in range(shape.services)
            }
        )
        out.update(
            {f"events/t{i}/value.proto": api_topic_file(shape, i, v) for i, v in enumerate(topic_versions)}
        )
        return {f"contracts/{path}": text for path, text in out.items()}

    commits = [Commit("tree", {"contractctl.yaml": API_CONFIG, "buf.yaml": BUF_WIRE_YAML, **tree()})]

    def evolve(number: int) -> dict[str, str]:
        changed: dict[str, str] = {}
        enum_index = (number * 13) % shape.enum_files
        enum_versions[enum_index] += 1
        changed[shape.enum_path(enum_index)] = api_enum_file(enum_index, enum_versions[enum_index])
        if number % 2:
            type_index = (number * 31) % shape.type_files
            type_versions[type_index] += 1
            changed[shape.type_path(type_index)] = api_type_file(shape, type_index, type_versions[type_index])
        else:
            topic_index = (number * 17) % shape.topics
            topic_versions[topic_index] += 1
            path = f"events/t{topic_index}/value.proto"
            changed[path] = api_topic_file(shape, topic_index, topic_versions[topic_index])
        return {f"contracts/{path}": text for path, text in changed.items()}

    commits += [Commit(f"history {n}", evolve(n)) for n in range(history_commits)]
    base_mark = len(commits)
    changes = [Commit(f"change {n}", evolve(history_commits + n)) for n in range(change_commits)]
    changes[-1] = Commit(
        changes[-1].message,
        {
            **changes[-1].files,
            f"contracts/{shape.type_path(0)}": api_type_file(shape, 0, type_versions[0], broken=True),
        },
    )
    fast_import(root, commits + changes)
    git(root, "tag", "base", f"HEAD~{len(changes)}")
    assert int(git(root, "rev-list", "--count", "base").strip()) == base_mark
    return root
