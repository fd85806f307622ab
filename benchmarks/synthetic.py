"""Synthetic contract repositories for the benchmarks: many Avro or Protobuf contracts with a history.

Repositories are written with one ``git fast-import`` stream (no per-file ``git add``), so thousands
of contracts with ten versions each take about a second to build.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
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
