"""protoc from grpcio-tools, in process: .proto texts in, FileDescriptorProtos with source info out.

Each run lays the given texts out in a fresh directory by import path, next to the built-in include
directory, and asks protoc for one FileDescriptorSet of all of them (with their imports). protoc
reports errors on file descriptor 2 only, so that descriptor is pointed at a temporary file for the
call and the lines are parsed back into (file, line, column, message).

In process rather than `python -m grpc_tools.protoc`: a subprocess pays interpreter start-up and the
grpc_tools import on every run (about 0.15 s each, measured), while the in-process call costs only the
compilation itself. Redirecting fd 2 is process-wide, hence the lock.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from contractctl.formats.protobuf.builtins import builtin_include_dir, is_builtin, scratch_dir
from contractctl.formats.protobuf.outline import read_outline

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import FileDescriptorProto

_LOCK = threading.Lock()
_LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$")
_UNLOCATED = re.compile(r"^(?P<file>[^:\n]+\.proto): (?P<message>.*)$")
# What protoc's logging library writes besides errors: its start-up notice and glog-style lines
# ("W0000 00:00:1796492219.863173    2207 parser.cc:659] ..."); never a message for the user.
_LOG_LINE = re.compile(r"^(WARNING: All log messages before absl::InitializeLog|[IWEF]\d{4} \d\d:\d\d:)")


@dataclass(frozen=True)
class ProtocMessage:
    """One protoc error; `file` is the import path (virtual name) protoc used."""

    file: str
    line: int | None
    column: int | None
    message: str


class CompileFailed(Exception):
    def __init__(self, messages: list[ProtocMessage]) -> None:
        super().__init__("; ".join(m.message for m in messages))
        self.messages = messages


@dataclass(frozen=True)
class Compiled:
    """A file's descriptor and those of everything it imports, dependencies first."""

    file: FileDescriptorProto
    closure: tuple[FileDescriptorProto, ...]  # includes `file` last


@lru_cache(maxsize=16384)
def contract_imports(text: str) -> tuple[str, ...]:
    """Imports of other contracts (not built-ins); cached since every cache key needs them."""
    return tuple(i for i in read_outline(text).imports if not is_builtin(i))


def dependency_key(import_path: str, available: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The texts of the contracts a file imports, transitively, among `available` (path -> text)."""
    seen: dict[str, str] = {}
    pending = list(contract_imports(available[import_path])) if import_path in available else []
    while pending:
        path = pending.pop()
        if path in seen or path not in available or path == import_path:
            continue
        seen[path] = available[path]
        pending.extend(contract_imports(available[path]))
    return tuple(sorted(seen.items()))


@contextmanager
def _captured_stderr() -> Iterator[list[str]]:
    """Collect what native code writes to fd 2 while the block runs."""
    import tempfile  # here: outlining a .proto (every pre-commit check may) compiles nothing

    lines: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            lines.extend(sink.read().decode("utf-8", "replace").splitlines())


def _parse_messages(lines: Iterable[str], root: str) -> list[ProtocMessage]:
    out = []
    prefix = root.rstrip("/") + "/"
    for raw in lines:
        line = raw.strip()
        if _LOG_LINE.match(line):
            continue
        match = _LOCATED.match(line)
        if match and (match["file"].endswith(".proto") or match["file"].startswith(prefix)):
            file = match["file"].removeprefix(prefix)
            text = match["message"]
            if text.startswith(("warning:", "Suggested field numbers")):
                continue
            out.append(ProtocMessage(file, int(match["line"]), int(match["column"]), text))
            continue
        match = _UNLOCATED.match(line)
        if match and not match["message"].startswith("warning:"):
            out.append(ProtocMessage(match["file"].removeprefix(prefix), None, None, match["message"]))
    return out


def run_protoc(
    files: Mapping[str, str], targets: Sequence[str], include: Sequence[str] = ()
) -> dict[str, FileDescriptorProto]:
    """Compile `targets` (import paths) with `files` (import path -> text) laid out; all descriptors.

    `include`: directories (`protobuf.include`) searched after the contracts for imports that are not
    contracts (vendored third-party files); the built-ins come last."""
    import tempfile

    from google.protobuf.descriptor_pb2 import FileDescriptorSet
    from grpc_tools import protoc

    with tempfile.TemporaryDirectory(prefix="contractctl-proto-", dir=scratch_dir()) as tmp:
        root = os.path.join(tmp, "src")
        folders: set[str] = set()
        for import_path, text in files.items():  # plain strings: pathlib costs more than the writes here
            target = os.path.join(root, import_path)
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            with open(target, "w", encoding="utf-8") as out:
                out.write(text)
        output = Path(tmp) / "out.pb"
        arguments = [
            "protoc",
            f"--proto_path={root}",
            *(f"--proto_path={directory}" for directory in include),
            f"--proto_path={builtin_include_dir()}",
            "--include_imports",
            "--include_source_info",
            f"--descriptor_set_out={output}",
            *(os.path.join(root, t) for t in targets),
        ]
        with _LOCK, _captured_stderr() as lines:
            code = protoc.main(arguments)
        if code != 0:
            messages = _parse_messages(lines, root)
            if not messages:  # nothing protoc located: its own words, without the scratch directory
                text = " ".join(line.replace(root + "/", "") for line in lines if not _LOG_LINE.match(line))
                messages = [ProtocMessage(targets[0], None, None, text.strip() or f"protoc exit {code}")]
            raise CompileFailed(messages)
        descriptor_set = FileDescriptorSet.FromString(output.read_bytes())
    return {f.name: f for f in descriptor_set.file}


def closure_of(name: str, by_name: Mapping[str, FileDescriptorProto]) -> tuple[FileDescriptorProto, ...]:
    order: list[FileDescriptorProto] = []
    seen: set[str] = set()

    def visit(current: str) -> None:
        if current in seen or current not in by_name:
            return
        seen.add(current)
        for dependency in by_name[current].dependency:
            visit(dependency)
        order.append(by_name[current])

    visit(name)
    return tuple(order)


CacheKey = tuple[str, str, tuple[tuple[str, str], ...]]


class Compiler:
    """Compiles on demand and remembers every file it compiled, by its text and its imports' texts."""

    def __init__(self, include: Sequence[str] = ()) -> None:
        self.include = tuple(include)
        self._cache: dict[CacheKey, Compiled] = {}
        self._deferred: list[Mapping[str, str]] = []
        self._deferred_texts: set[tuple[str, str]] = set()
        self.runs = 0  # protoc invocations, for tests and benchmarks

    def compile(self, import_path: str, available: Mapping[str, str]) -> Compiled:
        """One file with the contracts it may import (path -> text); raises CompileFailed."""
        key = (import_path, available[import_path], dependency_key(import_path, available))
        cached = self._cache.get(key)
        if cached is None and (import_path, available[import_path]) in self._deferred_texts:
            self._compile_deferred()
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        files = {import_path: available[import_path], **dict(key[2])}
        self.runs += 1
        by_name = run_protoc(files, [import_path], self.include)
        compiled = self._cache[key] = Compiled(by_name[import_path], closure_of(import_path, by_name))
        return compiled

    def defer(self, layers: Sequence[Mapping[str, str]], paths: set[str]) -> None:
        """Layers for :meth:`compile_many` once a text of one of `paths` in them is asked for.

        A check parses only the contracts that changed (with their importers and imports); compiling
        the others up front would be wasted, but when one of them is parsed after all (an audit, a
        changed sidecar), all of them are compiled together rather than in one protoc run each. The
        layers stay whole, so the imports of what waits are laid out too (cached files are skipped).
        """
        waiting = {(p, t) for layer in layers for p, t in layer.items() if p in paths}
        if waiting:
            self._deferred = [*self._deferred, *layers]
            self._deferred_texts |= waiting

    def _compile_deferred(self) -> None:
        layers, self._deferred, self._deferred_texts = self._deferred, [], set()
        self.compile_many(layers)

    def compile_many(self, layers: Sequence[Mapping[str, str]]) -> None:
        """Warm the cache: each layer (path -> text, one text per path) compiled in one protoc run.

        Only files not cached yet are compiled, and only they and their imports are written for protoc.
        A file with errors fails the whole run; the files protoc blamed, and those importing them, are
        left out and the rest is compiled again, so one bad contract costs one extra run, not one each.
        """
        for layer in layers:
            keys = {p: (p, t, dependency_key(p, layer)) for p, t in layer.items()}
            pending = {p: key for p, key in keys.items() if key not in self._cache}
            for _attempt in range(3):
                if not pending:
                    break
                files = {p: layer[p] for p in pending}
                for key in pending.values():
                    files.update(key[2])
                try:
                    self.runs += 1
                    by_name = run_protoc(files, sorted(pending), self.include)
                except CompileFailed as failure:
                    blamed = {m.file for m in failure.messages} & set(pending)
                    if not blamed:
                        break
                    pending = {p: key for p, key in pending.items() if not _imports_any(key, blamed)}
                    continue
                for path, key in pending.items():
                    self._cache[key] = Compiled(by_name[path], closure_of(path, by_name))
                break


def _imports_any(key: CacheKey, blamed: set[str]) -> bool:
    return key[0] in blamed or any(dependency in blamed for dependency, _ in key[2])
