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

import itertools
import os
import re
import sys
import threading
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

from contractctl.formats.protobuf.builtins import (
    KNOWN_DEPENDENCIES,
    builtin_files,
    builtin_include_dir,
    is_builtin,
    scratch_dir,
)
from contractctl.formats.protobuf.interface import Face, Reading, interface, reading
from contractctl.formats.protobuf.kept import KeptDescriptors
from contractctl.formats.protobuf.outline import read_outline
from contractctl.generic import stamped_file, termination
from contractctl.generic.digest import blake2b
from contractctl.generic.folder_reach import FolderReach

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import FileDescriptorProto

    from contractctl.formats.protobuf.side_run import SideRun

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
    """A file's descriptor and those of everything it imports, dependencies first.

    `file` may lack source info (positions, comments): earlier versions are compiled without it
    (see `Compiler.compile_many`), since only a few of them are ever located or linted and source
    info is two thirds of a descriptor's bytes. `with_source_info` gives it back.
    """

    file: FileDescriptorProto
    closure: tuple[FileDescriptorProto, ...]  # includes `file` last
    # see `_Graph`; None: compiled with its imports' texts (`Compiler._compile_with_texts`)
    node: int | None = field(default=None, compare=False)


@lru_cache(maxsize=16384)
def contract_imports(text: str) -> tuple[str, ...]:
    """Imports of other contracts (not built-ins); cached since every cache key needs them."""
    return tuple(i for i in read_outline(text).imports if not is_builtin(i))


def dependency_key(
    import_path: str,
    available: Mapping[str, str],
    folder_reach: Callable[[str], tuple[str, ...]] | None = None,
) -> tuple[tuple[str, str], ...]:
    """The texts of the contracts a file imports, transitively, among `available` (path -> text).

    `folder_reach`: the paths an include-folder file (by import path) reaches through the folders,
    for a path `available` lacks: such a file may import a contract, which protoc, searching the
    contracts before the folders, takes from the run's layout (audit 26 N2), also where a folder
    holds a copy at the contract's path (audit 27 A4)."""
    seen: dict[str, str] = {}
    followed: set[str] = set()  # include-folder files walked through
    pending = list(contract_imports(available[import_path])) if import_path in available else []
    while pending:
        path = pending.pop()
        if path in seen or path == import_path:
            continue
        if path in available:
            seen[path] = available[path]
            pending.extend(contract_imports(available[path]))
        elif folder_reach is not None and path not in followed:
            followed.add(path)
            for reached in folder_reach(path):  # its reach holds each reached file's own
                if reached in available:
                    pending.append(reached)
                else:
                    followed.add(reached)
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


@contextmanager
def _laid_out(root: str, files: Mapping[str, str]) -> Iterator[str]:
    """`files` (import path -> text) written under `root` for the block, then removed by name.

    Plain strings and file descriptors: pathlib and text-mode files cost more than the writes on a
    tree of thousands (a folder each, as API trees have them). Removing what was written, deepest
    folders first, spares the directory listings a recursive removal makes (half its cost); whatever
    is left (nothing, unless a removal failed) goes with the temporary directory around it.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    written: list[str] = []
    folders: set[str] = set()
    try:
        for import_path, text in files.items():
            target = os.path.join(root, import_path)
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            data = text.encode("utf-8")
            descriptor = os.open(target, flags, 0o644)
            written.append(target)
            try:
                view = memoryview(data)
                while view:  # a regular file takes it whole; a short write is not an error
                    view = view[os.write(descriptor, view) :]
            finally:
                os.close(descriptor)
        yield root
    finally:
        _remove_laid_out(root, written, folders)


def _remove_laid_out(root: str, written: list[str], folders: set[str]) -> None:
    made = set()
    for folder in folders:  # with the parents makedirs made
        while len(folder) > len(root) and folder not in made:
            made.add(folder)
            folder = os.path.dirname(folder)
    try:
        for target in written:
            os.unlink(target)
        for folder in sorted(made, key=lambda f: f.count("/"), reverse=True):
            os.rmdir(folder)
        os.rmdir(root)
    except OSError:
        pass  # left to the temporary directory's own removal


def protoc_main(arguments: Sequence[str]) -> int:
    """grpc_tools' protoc.main: its compiler extension called as protoc.main calls it, without
    importing protoc.py, whose importlib.resources import was a fifth of a pre-commit check's protoc
    run (4-5 ms); protoc.main itself where the extension is not where this grpc_tools keeps it."""
    try:
        from grpc_tools import _protoc_compiler
    except ImportError:
        from grpc_tools import protoc

        return int(protoc.main(list(arguments)))
    return int(_protoc_compiler.run_main([argument.encode() for argument in arguments]))


def run_protoc(
    files: Mapping[str, str],
    targets: Sequence[str],
    include: Sequence[str] = (),
    known: bytes | None = None,
    source_info: bool = True,
    collect_messages: bool = True,
    scratch: str | None = None,
) -> dict[str, FileDescriptorProto]:
    """Compile `targets` (import paths) with `files` (import path -> text) laid out; all descriptors.

    `include`: directories (`protobuf.include`) searched after the contracts for imports that are not
    contracts (vendored third-party files); the built-ins come last.

    `known`: a serialized FileDescriptorSet of files compiled before (without source info) that the
    laid-out files may import instead of their texts, the built-ins among them. protoc then loads them
    as descriptors rather than parsing them again, and answers with the targets' descriptors only.

    `source_info`: whether the descriptors come with source info (positions and comments).

    `collect_messages`: False for a caller that only wants a success (a side run's child, whose fd 2 already
    goes nowhere): protoc's stderr is not collected, so nothing here takes a lock or touches
    sys.stderr (in a forked child another thread may have held either), and a refusal carries no
    messages.

    `scratch`: the folder to lay the files out in (default: `scratch_dir()`); a side run's child
    gives its own folder, which the parent removes even when it has to kill the child.
    """

    from google.protobuf.descriptor_pb2 import FileDescriptorSet

    with (
        termination.scratch_folder("contractctl-proto-", scratch or scratch_dir()) as tmp,
        _laid_out(os.path.join(tmp, "src"), files) as root,
    ):
        output = Path(tmp) / "out.pb"
        if known is None:
            where = [f"--proto_path={builtin_include_dir()}", "--include_imports"]
        else:
            known_path = os.path.join(tmp, "known.pb")
            with open(known_path, "wb") as out_known:
                out_known.write(known)
            where = [f"--descriptor_set_in={known_path}"]
        arguments = [
            "protoc",
            f"--proto_path={root}",
            *(f"--proto_path={directory}" for directory in include),
            *where,
            *(["--include_source_info"] if source_info else []),
            f"--descriptor_set_out={output}",
            *(os.path.join(root, t) for t in targets),
        ]
        if collect_messages:
            with _LOCK, _captured_stderr() as lines:
                code = protoc_main(arguments)
        else:
            code = protoc_main(arguments)
            if code != 0:
                raise CompileFailed([])
        if code != 0:
            messages = _parse_messages(lines, root)
            if not messages:  # nothing protoc located: its own words, without the scratch directory
                text = " ".join(line.replace(root + "/", "") for line in lines if not _LOG_LINE.match(line))
                messages = [ProtocMessage(targets[0], None, None, text.strip() or f"protoc exit {code}")]
            raise CompileFailed(messages)
        descriptor_set = FileDescriptorSet.FromString(output.read_bytes())
    return {f.name: f for f in descriptor_set.file}


@lru_cache(maxsize=1)
def builtin_descriptors() -> dict[str, FileDescriptorProto]:
    """The built-in files, compiled once per process (with source info, as any run gives them), or
    read from the run folder (generic/stamped_file.py), where an earlier run kept them: a pre-commit
    check of one .proto file spent a fifth of its time compiling the thirty built-ins again."""
    from google.protobuf.descriptor_pb2 import FileDescriptorSet
    from google.protobuf.message import DecodeError

    folder = stamped_file.run_folder
    stamp = _builtins_stamp() if folder is not None else ""
    file = stamped_file.named(folder, _BUILTINS_FILE, stamp) if folder is not None else None
    kept = stamped_file.read(file, _BUILTINS_MAGIC, stamp) if file is not None else None
    if isinstance(kept, bytes):
        try:
            return {f.name: f for f in FileDescriptorSet.FromString(kept).file}
        except DecodeError:  # a file that passed its checksum yet does not decode
            pass  # compiled again below
    compiled = _compile_builtins()
    if file is not None and compiled:
        data = FileDescriptorSet(file=list(compiled.values())).SerializeToString()
        if stamped_file.write(file, _BUILTINS_MAGIC, stamp, data):
            stamped_file.prune(file)
    return compiled


_BUILTINS_FILE = "protobuf-builtins"
_BUILTINS_MAGIC = b"contractctl-protobuf-builtins-1\n"


def _builtins_stamp() -> str:
    """What the built-in descriptors are computed from, as files (path, size, change time): the
    shipped .proto files, this module and builtins.py (the Confluent texts), and protoc (the installed
    grpc_tools' compiler extension)."""
    import grpc_tools

    from contractctl.formats.protobuf import builtins

    files = [str(file) for file in builtin_files().values()] + [__file__, str(builtins.__file__)]
    with os.scandir(os.path.dirname(grpc_tools.__file__)) as entries:
        files += [
            e.path for e in entries if e.name.startswith("_protoc_compiler") or e.name == "grpc_version.py"
        ]
    digest = blake2b(digest_size=16)
    for file in sorted(files):
        status = os.stat(file)
        digest.update(f"{file}\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _compile_builtins() -> dict[str, FileDescriptorProto]:
    root = builtin_include_dir()
    names = sorted(name for name in KNOWN_DEPENDENCIES if (root / name).is_file())
    try:
        return _compile_on_disk([str(root)], [str(root / name) for name in names], with_imports=False)
    except CompileFailed:  # never expected: the built-ins ship with the tools that compile them
        return {}


def _compile_on_disk(
    proto_paths: Sequence[str], files: Sequence[str], with_imports: bool
) -> dict[str, FileDescriptorProto]:
    """Files compiled where they lie (`files`: their paths on disk, under `proto_paths`), with
    source info, and with everything they import when `with_imports`; raises CompileFailed (bare:
    its messages are not wanted, see the callers)."""

    from google.protobuf.descriptor_pb2 import FileDescriptorSet

    with termination.scratch_folder("contractctl-proto-", scratch_dir()) as tmp:
        output = os.path.join(tmp, "compiled.pb")
        arguments = [
            "protoc",
            *(f"--proto_path={path}" for path in proto_paths),
            *(["--include_imports"] if with_imports else []),
            "--include_source_info",
            f"--descriptor_set_out={output}",
            *files,
        ]
        with _LOCK, _captured_stderr():
            code = protoc_main(arguments)
        if code != 0:
            raise CompileFailed([])
        with open(output, "rb") as data:
            return {f.name: f for f in FileDescriptorSet.FromString(data.read()).file}


def _shadow_builtins(folders: Sequence[str]) -> bool:
    """Whether an include folder holds a file named like a built-in."""
    return any(
        os.path.isfile(os.path.join(folder, name)) for folder in folders for name in KNOWN_DEPENDENCIES
    )


def _in_folders(import_path: str, folders: Sequence[str]) -> str | None:
    """The first include folder holding `import_path`, as protoc searches them."""
    return next((f for f in folders if os.path.isfile(os.path.join(f, import_path))), None)


def _compile_in_folders(paths: Sequence[str], folders: Sequence[str]) -> dict[str, FileDescriptorProto]:
    """Include-folder files compiled where they lie, with everything they import (with source
    info, as a run with the folders on protoc's path gives them); raises CompileFailed."""
    return _compile_on_disk(
        [*folders, str(builtin_include_dir())],
        # on disk, in the first folder holding each (a bare import path would be read as a file of
        # the working folder when one lies there)
        [os.path.join(cast(str, _in_folders(p, folders)), p) for p in paths],
        with_imports=True,
    )


# `Compiler.described`: files compiled alone for their source info, per file of the layer, before
# the whole layer is compiled with it (alone: ~10-20 ms with a deep closure; a whole 5,000-file
# layer: ~2.5 s, so 1 in 100 keeps the two about even)
_ALONE_PER_LAYER_FILE = 100


@lru_cache(maxsize=1)
def _builtin_entries() -> bytes:
    return b"".join(_set_entry(descriptor) for descriptor in builtin_descriptors().values())


def _bare_bytes(descriptor: FileDescriptorProto) -> bytes:
    """The descriptor serialized without its source info."""
    from google.protobuf.descriptor_pb2 import FileDescriptorProto

    if descriptor.HasField("source_code_info"):
        bare = FileDescriptorProto()
        bare.CopyFrom(descriptor)
        bare.ClearField("source_code_info")
        descriptor = bare
    return cast("bytes", descriptor.SerializeToString())


def _set_entry(descriptor: FileDescriptorProto) -> bytes:
    """One `file` entry of a serialized FileDescriptorSet, without source info: what protoc needs to
    import the file (sets concatenate: field 1, length-delimited)."""
    data = _bare_bytes(descriptor)
    size = len(data)
    prefix = bytearray(b"\x0a")
    while True:
        byte = size & 0x7F
        size >>= 7
        if size:
            prefix.append(byte | 0x80)
        else:
            prefix.append(byte)
            break
    return bytes(prefix) + data


def with_source_info(compiled: Compiled, text: str) -> FileDescriptorProto:
    """`compiled.file` with source info: itself when it has it, else its text compiled again, its
    imports handed over as the descriptors it was compiled with (so the result differs from
    `compiled.file` only by its source info). Raises CompileFailed only if protoc does not repeat
    itself."""
    if compiled.file.HasField("source_code_info"):
        return compiled.file
    builtins = {id(descriptor) for descriptor in builtin_descriptors().values()}
    imports = [_set_entry(f) for f in compiled.closure[:-1] if id(f) not in builtins]
    name = compiled.file.name
    return run_protoc({name: text}, [name], (), b"".join([_builtin_entries(), *imports]))[name]


@lru_cache(maxsize=256)
def _builtin_closure(name: str) -> tuple[FileDescriptorProto, ...]:
    return closure_of(name, builtin_descriptors())


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
NodeKey = tuple[str, str, tuple[int, ...]]  # import path, text, its imports' nodes (see `_Graph`)
SharingKey = tuple[str, str, bool, tuple[int, ...]]


@dataclass(frozen=True)
class _Summary:
    """A compiled node's interface with those of everything it imports (see `Compiler._summary`).

    `names`/`exact`: numbers equal when the interfaces are, without or with enums' value names.
    `value_packages`: packages holding top-level enum values; `typed_options`: an extension typed by a
    message, group or enum (see `interface.Face`).
    """

    names: int
    exact: int
    value_packages: frozenset[str]
    typed_options: bool


class _Graph:
    """The files of one mapping (import path -> text) as nodes: equal nodes are the same import path
    with the same text importing equal nodes, so the same texts all the way down. A file's descriptor
    depends on exactly that (its text and what its imports compile to), so it is compiled once per node.

    A file in an import cycle gets a node of its own that equals nothing (protoc refuses cycles).
    """

    def __init__(
        self,
        nodes: dict[NodeKey, int],
        keys: list[NodeKey],
        fresh: Iterator[int],
        available: Mapping[str, str],
    ) -> None:
        self._nodes = nodes  # shared by every graph of one compiler: the interning table
        self._keys = keys  # and its reverse: node -> key
        self._fresh = fresh  # negative numbers, never repeated: nodes of files in import cycles
        self.available = available
        self.node: dict[str, int] = {}
        self.imports: dict[str, tuple[str, ...]] = {}  # contract imports present in `available`
        # paths given nodes by a walk, each after the paths it imports (see `beside` for the others)
        self.order: list[str] = []
        # a contract named like a built-in: which of the two an import means is protoc's choice
        self.shadows_builtin = not KNOWN_DEPENDENCIES.isdisjoint(available)
        self._closures: dict[str, frozenset[str]] = {}
        self._importers: dict[str, list[str]] | None = None  # see `beside`

    @classmethod
    def beside(cls, reference: _Graph, available: Mapping[str, str], compiled: Container[int]) -> _Graph:
        """The graph of `available` (a later layer: another state of mostly the same files), its nodes
        taken from `reference` (walked whole) where they are surely the same, the others walked.

        A path keeps its reference node when its text is the same, that node is compiled, the files
        its text imports are present in both or in neither, and none of those is walked: then its
        import path, text and imports' nodes are the same, so `of` would find that very node. A
        history's layers differ from the first in a few files each, so a check of a long history
        walks those few instead of every file of hundreds of layers. Paths taken over are not in
        `order`: their nodes are compiled, so nothing of them is compiled again.
        """
        graph = cls(reference._nodes, reference._keys, reference._fresh, available)
        known, texts, nodes = reference.imports, reference.available, reference.node
        walked: set[str] = set()
        for path, text in available.items():
            node = nodes.get(path, -1)
            if (
                node < 0
                or node not in compiled
                or (texts[path] is not text and texts[path] != text)
                or any(dependency not in available for dependency in known[path])
            ):
                walked.add(path)
        # a file imported by one that is walked (or absent from the reference) is walked too: the
        # reference's importers (by their texts, so those importing a file it lacks are found)
        importers = reference._importers_by_text()
        pending = list(walked)
        while pending:
            for importer in importers.get(pending.pop(), ()):
                if importer in available and importer not in walked:
                    walked.add(importer)
                    pending.append(importer)
        graph.node = {path: nodes[path] for path in available if path not in walked}
        for path in walked:
            graph.of(path)
        return graph

    def _importers_by_text(self) -> dict[str, list[str]]:
        """Each import path with the paths whose texts import it (present here or not)."""
        if self._importers is None:
            self._importers = {}
            for path, text in self.available.items():
                for dependency in contract_imports(text):
                    self._importers.setdefault(dependency, []).append(path)
        return self._importers

    def _imports_of(self, path: str) -> tuple[str, ...]:
        found = self.imports.get(path)
        if found is None:
            found = contract_imports(self.available[path])
            for dependency in found:
                if dependency not in self.available:  # rare: only then a tuple of its own
                    found = tuple(i for i in found if i in self.available)
                    break
            self.imports[path] = found
        return found

    def of(self, start: str) -> int:
        """The node of `start` (and of everything it imports), computed without recursion: chains of
        imports can be thousands deep. A file whose imports all have their nodes (most of a layer,
        walked imports first) takes no walk."""
        found = self.node.get(start)
        if found is not None:
            return found
        ids = self._known_ids(start)
        if ids is not None:  # no cycle either: an import reaching `start` would have given it a node
            return self._settle(start, ids, False)
        visiting = {start}
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(self._imports_of(start)))]
        cyclic: set[str] = set()
        while stack:
            path, pending = stack[-1]
            for dependency in pending:
                if dependency in self.node:
                    continue
                if dependency in visiting:
                    cyclic.add(path)
                    continue
                visiting.add(dependency)
                stack.append((dependency, iter(self._imports_of(dependency))))
                break
            else:
                stack.pop()
                visiting.discard(path)
                ids = tuple(self.node.get(d, -1) for d in self._imports_of(path))
                self._settle(path, ids, path in cyclic)
        return self.node[start]

    def _known_ids(self, path: str) -> tuple[int, ...] | None:
        """The nodes of the files `path` imports, None unless every one has its node already."""
        ids = []
        for dependency in self._imports_of(path):
            node = self.node.get(dependency)
            if node is None:
                return None
            ids.append(node)
        return tuple(ids)

    def _settle(self, path: str, ids: tuple[int, ...], cyclic: bool) -> int:
        """Give `path` its node, its imports' nodes being `ids` (-1: one of a cycle)."""
        if cyclic or min(ids, default=0) < 0:
            node = next(self._fresh)  # equals no other node
        else:
            key = (path, self.available[path], ids)
            found = self._nodes.get(key)
            if found is None:
                found = self._nodes[key] = len(self._nodes)
                self._keys.append(key)
            node = found
        self.node[path] = node
        self.order.append(path)
        return node

    def reachable(self, starts: Iterable[str]) -> set[str]:
        """The union of the `closure` of each of `starts`, in one walk (a run's targets share most
        of their imports: one closure per target was quadratic in a layer of a deep chain)."""
        seen = set(starts)
        pending = list(seen)
        while pending:
            for dependency in self._imports_of(pending.pop()):
                if dependency not in seen:
                    seen.add(dependency)
                    pending.append(dependency)
        return seen

    def closure(self, start: str) -> frozenset[str]:
        """`start` and the contracts it imports, transitively (after `of(start)`)."""
        found = self._closures.get(start)
        if found is None:
            seen = {start}
            pending = [start]
            while pending:
                for dependency in self._imports_of(pending.pop()):
                    if dependency not in seen:
                        seen.add(dependency)
                        pending.append(dependency)
            found = self._closures[start] = frozenset(seen)
        return found


class Compiler:
    """Compiles on demand and remembers every file it compiled, by its text and its imports' texts.

    Without include directories, each file is compiled once per node (see `_Graph`): a run lays out
    only the files not compiled yet and hands protoc the others as descriptors
    (`--descriptor_set_in`), so a file imported by many versions from many commits is not parsed again
    in every run that needs it, and a descriptor object is shared by every closure that holds it.
    With include directories (`protobuf.include`), the files a contract imports from them are
    compiled once, when first imported (`_includes_ready`), and handed to every later run as
    descriptors, as the built-ins are: they are the same files for every version of every contract
    (the folders are read as they are now, for history too). Where that could answer otherwise than
    protoc searching the folders (a folder holding a built-in's name, a folder file importing a
    contract's path or failing to compile), those texts are compiled as before, each run laying out
    every text it needs with the folders on protoc's path (`_compile_with_texts`).
    """

    def __init__(self, include: Sequence[str] = (), share: bool = True, laid_out: bool = False) -> None:
        """`laid_out`: every run lays out every text it needs, the folders on protoc's path (the plain
        way, which the tests compare the others with)."""
        self.include = tuple(include)
        # every text laid out in every run: asked for, or include folders that hold a built-in's name
        self._plain = laid_out or (bool(self.include) and _shadow_builtins(self.include))
        self.share = share and not self._plain  # see `_reuse`; False: every node compiled by protoc
        # files of the include folders, compiled once (`_includes_ready`): import path -> descriptor
        # (with source info), the names of its closure (itself included; empty: in no folder), its
        # entry for protoc's descriptor set, and those protoc refused
        self._folder_files: dict[str, FileDescriptorProto] = {}
        self._folder_closures: dict[str, frozenset[str]] = {}
        self._folder_entries: dict[str, bytes] = {}
        self._folder_refused: set[str] = set()
        # the contracts' import paths, where a caller knows them (`ProtobufFormat.prepare`)
        self.contract_paths: frozenset[str] = frozenset()
        self._folder_closures_compiled: dict[str, tuple[FileDescriptorProto, ...]] = {}
        # what the include-folder files reach outside the folders (see `_dependency_key`)
        self._folder_reach = FolderReach(self.include, lambda _path, text: contract_imports(text))
        self.folder_runs = 0  # protoc runs compiling include-folder files (counted in `runs` too)
        self._cache: dict[object, Compiled] = {}
        self._nodes: dict[NodeKey, int] = {}
        self._node_keys: list[NodeKey] = []
        self._fresh = itertools.count(-1, -1)
        self._files: dict[int, FileDescriptorProto] = {}  # node -> its descriptor (with source info)
        self._entries: dict[int, bytes] = {}  # node -> its descriptor as protoc imports it
        self._deferred: list[Mapping[str, str]] = []
        self._deferred_texts: set[tuple[str, str]] = set()
        self._summaries: dict[int, _Summary | None] = {}  # node -> its summary (see `_summary`)
        self._numbers: dict[object, int] = {}  # interfaces and summaries, numbered (compared often)
        self._package_sets: dict[frozenset[str], frozenset[str]] = {}
        # (path, text) -> the nodes of it compiled so far, and how many of those `_shared` indexes:
        # a node's sharing key is worked out only once another node of its text is to be compiled
        self._compiled: dict[tuple[str, str], list[int]] = {}
        self._indexed: dict[tuple[str, str], int] = {}
        self._shared: dict[SharingKey, FileDescriptorProto] = {}  # see `_reuse`
        self._shared_nodes: dict[SharingKey, int] = {}  # the node each of `_shared` was compiled for
        # node -> its interface (see `_face`); a node answered by `_reuse` -> the node it copies
        self._faces: dict[int, Face | None] = {}
        self._copied_from: dict[int, int] = {}
        self._readings: dict[str, Reading | None] = {}  # text -> `reading(text)`: a tokenizing each
        self._bare: dict[SharingKey, bytes] = {}  # a shared descriptor without its source info
        self.runs = 0  # protoc invocations, for tests and benchmarks
        self.reused = 0  # files given the descriptor protoc made for another node (see `_reuse`)
        self.stand_in_runs = 0  # runs of `_stand_in`, counted in `runs` too
        self.side_runs = 0  # layers compiled by a side run (not counted in `runs`)
        # first layers compiled without source info (`described` compiles them again with it, in
        # one run, once enough of their files were asked for), and what those runs gave, by node
        self._bare_layers: list[_Graph] = []
        self._described: dict[int, FileDescriptorProto] = {}
        self.described_alone = 0  # files given their source info by a run of their own
        self.described_runs = 0  # runs giving a whole layer its source info
        self.kept: KeptDescriptors | None = None  # answers kept between runs (`keep_between_runs`)
        # whether a file compiled on demand (`compile`) comes with source info: not in a check that
        # does not lint (ProtobufFormat.prepare), where only a finding's position reads it (and
        # `described` adds it then); then an earlier run's kept answer, always bare, can answer it
        self.parse_source_info = True
        self._last_first: _Graph | None = None  # the first layer of the last `compile_many`
        self._digests: dict[int, bytes] = {}  # node -> what decides its descriptor (see `_digest`)

    def imported_files(self) -> dict[str, FileDescriptorProto]:
        """The files contracts import that are not contracts: the built-ins and the include-folder
        files compiled so far, by import path."""
        return {**builtin_descriptors(), **self._folder_files}

    @property
    def lays_out_every_text(self) -> bool:
        """Whether every run lays out every text it needs (`laid_out`, or include folders holding a
        built-in's name): then nothing is compiled aside or kept between runs."""
        return self._plain

    def compile(self, import_path: str, available: Mapping[str, str]) -> Compiled:
        """One file with the contracts it may import (path -> text); raises CompileFailed."""
        if self._plain:
            return self._compile_with_texts(import_path, available)
        graph = _Graph(self._nodes, self._node_keys, self._fresh, available)
        node = graph.of(import_path)
        if self.include and node not in self._files:
            closure = graph.closure(import_path)
            if not self._includes_ready([available[p] for p in closure], available):
                return self._compile_with_texts(import_path, available)
        if node not in self._files and (import_path, available[import_path]) in self._deferred_texts:
            self._compile_deferred()
        if node not in self._files:
            # the file first: protoc stops at the first target that fails, and reports the errors
            # of its imports as it meets them, as a run of this file alone does
            closure = graph.closure(import_path) - {import_path}
            missing = sorted(p for p in closure if graph.node[p] not in self._files)
            self._run(graph, [import_path, *missing], self.parse_source_info)
        return self._assemble(graph, import_path)

    def _assemble(self, graph: _Graph, path: str) -> Compiled:
        node = graph.node[path]
        compiled = self._cache.get(node)
        if compiled is None:
            by_name = dict(builtin_descriptors())
            by_name.update(self._folder_files)  # never a contract's path (`_includes_ready`)
            by_name.update((p, self._files[graph.node[p]]) for p in graph.closure(path))
            compiled = self._cache[node] = Compiled(by_name[path], closure_of(path, by_name), node)
        return compiled

    def compile_imported(
        self, import_path: str, text: str, imported: Mapping[str, Compiled]
    ) -> Compiled | None:
        """`compile(import_path, available)` where `imported` holds the compiled file of every other
        path of `available`, without walking that whole closure: the file's node follows from the
        nodes of its direct imports. None when that is not known to give the same answer (let
        `compile` decide): include directories, a file importing itself or a file of an import
        cycle, a node not compiled yet, or a closure holding a built-in's name.

        The caller vouches that `imported` is consistent: the file compiled for each path is the one
        every other file of `imported` was compiled with (then each import's node here is its own
        node, as `_Graph` would find it again).
        """
        if self._plain or is_builtin(import_path):
            return None
        ids = []
        for dependency in contract_imports(text):  # as `_Graph._imports_of` reads them
            if dependency == import_path:
                return None
            found = imported.get(dependency)
            if found is None:
                continue  # not available: the graph leaves it out too
            if found.node is None or found.node < 0:
                return None
            ids.append(found.node)
        node = self._nodes.get((import_path, text, tuple(ids)))
        if node is None or node not in self._files:
            return None
        compiled = self._cache.get(node)
        if compiled is None:
            file = self._files[node]
            # closure_of's order: each import's own closure in turn (what an earlier import brought
            # is not repeated), then the file itself
            ordered: dict[int, FileDescriptorProto] = {}
            for name in file.dependency:
                if is_builtin(name):
                    part = _builtin_closure(name)
                elif name in imported:
                    part = imported[name].closure
                else:  # a file of the include folders (or nothing)
                    part = self._folder_closure(name)
                for descriptor in part:
                    ordered.setdefault(id(descriptor), descriptor)
            ordered.setdefault(id(file), file)
            compiled = self._cache[node] = Compiled(file, tuple(ordered.values()), node)
        return compiled

    def _run(
        self,
        graph: _Graph,
        paths: Sequence[str],
        source_info: bool = True,
        ready: Mapping[str, FileDescriptorProto] | None = None,
    ) -> None:
        """Compile `paths` (none compiled yet; protoc's targets, in this order) in one protoc run, their
        compiled imports handed over as descriptors; first those an earlier run kept (kept.py), then
        those `_reuse` can answer without protoc.
        `ready`: what a side run made of this very graph's files (see side_run.py), taken instead
        (without `_reuse`: protoc has answered already, and working out sharing keys for a whole tree
        whose imports are mostly new costs more than it saves)."""
        kept = self.kept if self.kept is not None and not graph.shadows_builtin else None
        asked = paths
        if ready is not None and all(p in ready for p in paths):
            by_name: Mapping[str, FileDescriptorProto] = ready
        else:
            if kept is not None and not source_info:
                paths = self._from_kept(kept, graph, paths)
            if paths:
                paths = self._reuse(graph, paths, source_info)
            by_name = self._protoc(graph, paths, source_info) if paths else {}
        for path in paths:
            node = graph.node[path]
            self._files[node] = by_name[path]
            if self.share:
                self._compiled.setdefault((path, graph.available[path]), []).append(node)
        if kept is not None:  # what the next run may take instead of compiling it again
            for path in asked:
                node = graph.node[path]
                if node >= 0 and node in self._files:
                    digest = self._digest(node)
                    if not kept.holds(digest):
                        kept.keep(digest, _bare_bytes(self._files[node]))

    def _protoc(
        self, graph: _Graph, paths: Sequence[str], source_info: bool
    ) -> dict[str, FileDescriptorProto]:
        """One protoc run of `paths`, their compiled imports handed over as descriptors."""
        laid_out = set(paths)
        reachable = graph.reachable(paths)
        known = {graph.node[p] for p in reachable if p not in laid_out}
        folder_entries = self._folder_entries_for(graph, reachable)
        if folder_entries is None:  # only a stand-in state gets here (see `_folder_entries_for`)
            raise CompileFailed([])
        entries = [_builtin_entries(), *folder_entries]
        for node in sorted(known):
            entry = self._entries.get(node)
            if entry is None:
                entry = self._entries[node] = _set_entry(self._files[node])
            entries.append(entry)
        self.runs += 1
        files = {p: graph.available[p] for p in paths}
        return run_protoc(files, paths, (), b"".join(entries), source_info)

    def keep_between_runs(self, folder: Path) -> None:
        """Take answers from, and keep this run's for, the next runs in `folder` (see kept.py)."""
        if self.kept is None and not self.include:
            self.kept = KeptDescriptors(folder, _builtins_stamp())

    def _from_kept(self, kept: KeptDescriptors, graph: _Graph, paths: Sequence[str]) -> list[str]:
        """`paths` less those whose node an earlier run compiled (now compiled here)."""
        remaining = []
        for path in paths:
            node = graph.node[path]
            descriptor = kept.answer(self._digest(node), path) if node >= 0 else None
            if descriptor is None:
                remaining.append(path)
                continue
            self._files[node] = descriptor
            if self.share:
                self._compiled.setdefault((path, graph.available[path]), []).append(node)
        return remaining

    def _digest(self, node: int) -> bytes:
        """What decides a node's descriptor, in 20 bytes: its path and text and its imports' digests
        (a node is never negative here: those of import cycles are never compiled). Iterative:
        import chains can be thousands deep."""
        digests = self._digests
        pending = [node]
        while pending:
            current = pending[-1]
            if current in digests:
                pending.pop()
                continue
            path, text, imports = self._node_keys[current]
            waiting = [i for i in imports if i not in digests]
            if waiting:
                pending.extend(waiting)
                continue
            pending.pop()
            digest = blake2b(digest_size=20)
            for part in (path.encode(), text.encode("utf-8", "surrogatepass")):
                digest.update(len(part).to_bytes(8, "big"))
                digest.update(part)
            for imported in imports:
                digest.update(digests[imported])
            digests[current] = digest.digest()
        return digests[node]

    def _reuse(self, graph: _Graph, paths: Sequence[str], source_info: bool) -> list[str]:
        """`paths` less those given a descriptor without protoc: a copy of the one protoc made for
        another node of the same import path and text whose imports have the same interfaces
        (`interface.py`), when the file reads nothing else of them (`interface.reading`).

        protoc would make the same descriptor: it resolves the file's names and checks its definitions
        against exactly what the interfaces hold. Only successes are shared, and only onto a node whose
        imports all compiled (in this very state), so a state that protoc refuses is still refused by
        protoc, with its own messages. An earlier version's file, imported by many versions whose
        imports were written at other commits, is so compiled once, not once per state of its imports.
        """
        if not self.share or graph.shadows_builtin:
            return list(paths)
        from google.protobuf.descriptor_pb2 import FileDescriptorSet

        wanted = set(paths)
        answered: set[str] = set()
        copies = FileDescriptorSet()  # one arena for the copies: one each held 7% of a deep check
        for path in graph.order:
            if path not in wanted:
                continue
            text = graph.available[path]
            compiled = self._compiled.get((path, text))
            if not compiled:
                continue  # a text never compiled: nothing to share, no key worked out
            self._index(path, text, compiled)
            node = graph.node[path]
            key = self._sharing_key(node, self._files[compiled[0]].package)
            found = self._shared.get(key) if key is not None else None
            if key is None or found is None or (source_info and not found.HasField("source_code_info")):
                continue
            copy = copies.file.add()  # a descriptor of its own: views are kept by descriptor
            if source_info or not found.HasField("source_code_info"):
                copy.CopyFrom(found)
            else:  # not a copy cleared afterwards: its arena would keep the source info's bytes
                bare = self._bare.get(key)
                if bare is None:
                    bare = self._bare[key] = _bare_bytes(found)
                copy.MergeFromString(bare)
            self._files[node] = copy
            self._copied_from[node] = self._shared_nodes[key]
            compiled.append(node)
            # its key is `key`, whose descriptor is kept (with source info, if either has it)
            self._indexed[path, text] = len(compiled)
            self.reused += 1
            answered.add(path)
        return [p for p in paths if p not in answered]

    def _index(self, path: str, text: str, compiled: list[int]) -> None:
        """Put the compiled nodes of this text not indexed yet into `_shared` by their sharing keys,
        a descriptor with source info preferred."""
        for node in compiled[self._indexed.get((path, text), 0) :]:
            file = self._files[node]
            key = self._sharing_key(node, file.package)
            if key is not None:
                kept = self._shared.get(key)
                if kept is None or (
                    file.HasField("source_code_info") and not kept.HasField("source_code_info")
                ):
                    self._shared[key] = file
                    self._shared_nodes[key] = node
        self._indexed[path, text] = len(compiled)

    def _sharing_key(self, node: int, package: str) -> SharingKey | None:
        """The node's path and text with the summaries of its imports (those with their enums' value
        names when the file may read them); None: not shared (the file reads more of its imports than
        their interfaces, or an import is not compiled or has no interface, or the node is one of an
        import cycle). `package`: the file's own, which any compile of its text tells."""
        if node < 0:
            return None
        path, text, imports = self._node_keys[node]
        reads = self._reading(text)
        if reads is None:
            return None
        below = []
        for dependency in imports:
            summary = self._summary(dependency)
            if summary is None or (reads.options and summary.typed_options):
                return None
            below.append(summary)
        exact = reads.default or any(
            p == "" or p == package or package.startswith(f"{p}.") for s in below for p in s.value_packages
        )
        return (path, text, exact, tuple(s.exact if exact else s.names for s in below))

    def _reading(self, text: str) -> Reading | None:
        if text not in self._readings:
            self._readings[text] = reading(text)
        return self._readings[text]

    def _summary(self, node: int) -> _Summary | None:
        """A compiled node numbered by its interface and its imports' summaries: equal numbers, equal
        interfaces all the way down (with the same import graph). None: no interface, in this node or
        below it, a node not compiled, or a node of an import cycle. Worked out on first use, imports
        first, without recursion (chains of imports can be thousands deep)."""
        if node not in self._files:
            return None  # not compiled (yet): nothing kept, it may be compiled later
        pending = [node]
        while pending:
            current = pending[-1]
            if current in self._summaries:
                pending.pop()
                continue
            if current not in self._files:
                return None  # never so: a compiled node's imports are compiled (a cycle never is)
            imports = self._node_keys[current][2]
            missing = [i for i in imports if i not in self._summaries]
            if missing:
                pending.extend(missing)
                continue
            pending.pop()
            summary: _Summary | None = None
            face = self._face(current)
            below = [self._summaries[i] for i in imports]
            if face is not None and all(s is not None for s in below):
                known = cast("list[_Summary]", below)
                names = self._number(face.names)
                packages = face.value_packages.union(*(s.value_packages for s in known))
                summary = _Summary(
                    self._number(("names", names, tuple(s.names for s in known))),
                    self._number(("exact", names, self._number(face.values), tuple(s.exact for s in known))),
                    self._package_sets.setdefault(packages, packages),  # one copy of each
                    face.typed_options or any(s.typed_options for s in known),
                )
            self._summaries[current] = summary
        return self._summaries[node]

    def _face(self, node: int) -> Face | None:
        """`interface` of the node's descriptor; a copy made by `_reuse` has the interface of the
        descriptor it copies, worked out once for both (a deep history copies thousands)."""
        source = self._copied_from.get(node, node)
        if source not in self._faces:
            self._faces[source] = interface(self._files[source])
        return self._faces[source]

    def _number(self, value: object) -> int:
        return self._numbers.setdefault(value, len(self._numbers))

    def _includes_ready(self, texts: Iterable[str], available: Container[str]) -> bool:
        """Whether `texts` (with `available`, the contracts they may import) compile as protoc
        searching the include folders would compile them when the folders' files they import are
        handed over as descriptors; compiles those not compiled yet.

        Not so when a folder holds a built-in's name (which of the two protoc would take depends on
        the layout), when protoc refused a folder file they import (it reports that file's own
        errors then), or when a folder file they import imports a path `available` or
        `contract_paths` holds (the folders come after the contracts on protoc's path, so that import
        meant the contract, even where a folder holds a copy and a batch's layer lacks the contract:
        audit 27 A4)."""
        if self._plain:
            return False
        outside = {i for text in texts for i in contract_imports(text) if i not in available}
        new = [p for p in outside if p not in self._folder_closures and p not in self._folder_refused]
        if new:
            self._compile_folder_files(sorted(new))
        for path in outside:
            if path in self._folder_refused:
                return False
            if any(name in available or name in self.contract_paths for name in self._folder_closures[path]):
                return False
        return True

    def _compile_folder_files(self, paths: Sequence[str]) -> None:
        """Compile the include-folder files `paths` (with what they import), in one protoc run when
        all compile, else each alone: a file protoc refuses is only remembered as refused."""
        found = [p for p in paths if _in_folders(p, self.include) is not None]
        for path in paths:
            if path not in found:  # in no folder: protoc says "not found" whichever way it looks
                self._folder_closures[path] = frozenset()
        batches = [found] if found else []
        while batches:
            batch = batches.pop()
            self.runs += 1
            self.folder_runs += 1
            try:
                by_name = _compile_in_folders(batch, self.include)
            except CompileFailed:
                if len(batch) == 1:
                    self._folder_refused.add(batch[0])
                else:
                    batches.extend([p] for p in batch)
                continue
            for name, descriptor in by_name.items():
                if not is_builtin(name):
                    self._folder_files.setdefault(name, descriptor)
            for path in batch:
                self._folder_closures[path] = frozenset(
                    f.name for f in closure_of(path, by_name) if not is_builtin(f.name)
                )

    def _folder_closure(self, name: str) -> tuple[FileDescriptorProto, ...]:
        """An include-folder file with everything it imports, built-ins included, dependencies
        first (empty: no such file compiled)."""
        found = self._folder_closures_compiled.get(name)
        if found is None:
            if name not in self._folder_files:
                return ()
            by_name = {**builtin_descriptors(), **self._folder_files}
            found = self._folder_closures_compiled[name] = closure_of(name, by_name)
        return found

    def _folder_entries_for(self, graph: _Graph, paths: Iterable[str]) -> list[bytes] | None:
        """The descriptor-set entries of the include-folder files that `paths` of `graph` import,
        with everything those import (none without include folders); None where those would not
        answer as protoc searching the folders does (`_includes_ready` said so, or was not asked:
        a stand-in state, `_stand_in`, may import what no layer did)."""
        if not self.include:
            return []
        names: set[str] = set()
        for path in paths:
            for imported in contract_imports(graph.available[path]):
                if imported not in graph.available:
                    closure = self._folder_closures.get(imported)
                    if closure is None or imported in self._folder_refused:
                        return None
                    if any(name in graph.available for name in closure):
                        return None
                    names.update(closure)
        entries = []
        for name in sorted(names):
            entry = self._folder_entries.get(name)
            if entry is None:
                entry = self._folder_entries[name] = _set_entry(self._folder_files[name])
            entries.append(entry)
        return entries

    def _dependency_key(self, import_path: str, available: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        """`dependency_key`, through the include-folder files too: the contracts those import are
        laid out in the run."""
        return dependency_key(import_path, available, self._folder_reach.of if self.include else None)

    def _compile_with_texts(self, import_path: str, available: Mapping[str, str]) -> Compiled:
        key = (import_path, available[import_path], self._dependency_key(import_path, available))
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

    def described(self, compiled: Compiled, text: str) -> FileDescriptorProto:
        """`compiled.file` with source info (see `with_source_info`, which it is, byte for byte).

        A check that does not lint compiles the current tree without source info and reads it only
        to place findings: each file asked for is compiled again alone, with its imports handed over
        as descriptors. A change that breaks a much-imported type gives findings in most files,
        though: once the files compiled alone reach one in `_ALONE_PER_LAYER_FILE` of the first
        layer holding the next one asked for, that layer's compiled files get their source info in
        one run (its cost is the one source info added to the first compile, so a check never pays
        much more than twice what it saves; tests/unit/test_protobuf_located_later.py).
        """
        if compiled.file.HasField("source_code_info"):
            return compiled.file
        node = compiled.node
        if node is not None:
            found = self._described.get(node)
            if found is None:
                layer = next((g for g in self._bare_layers if g.node.get(compiled.file.name) == node), None)
                if layer is not None and self.described_alone * _ALONE_PER_LAYER_FILE >= len(layer.node):
                    self._bare_layers.remove(layer)  # one try per layer, whatever its outcome
                    self._describe_layer(layer)
                    found = self._described.get(node)
            if found is not None:
                return found
        self.described_alone += 1
        return with_source_info(compiled, text)

    def _describe_layer(self, graph: _Graph) -> None:
        """Every compiled file of a first layer compiled again, with source info, in one protoc run.

        The layer's compiled files import only each other and built-ins (protoc refused any file
        with an import it lacked, and its importers), so their texts alone are the whole input,
        and each descriptor differs from the one compiled before by its source info only. A refusal
        (never seen: these texts compiled once) leaves the files to be compiled alone."""
        targets = sorted(
            path for path, node in graph.node.items() if node in self._files and node not in self._described
        )
        if not targets:
            return
        folder_entries = self._folder_entries_for(graph, targets)
        if folder_entries is None:
            return
        self.described_runs += 1
        known = b"".join([_builtin_entries(), *folder_entries])
        try:
            by_name = run_protoc({p: graph.available[p] for p in targets}, targets, (), known)
        except CompileFailed:
            return
        for path in targets:
            self._described[graph.node[path]] = by_name[path]

    def _compile_deferred(self) -> None:
        layers, self._deferred, self._deferred_texts = self._deferred, [], set()
        self.compile_many(layers)

    def compile_many(
        self, layers: Sequence[Mapping[str, str]], source_info: bool = True, side: SideRun | None = None
    ) -> None:
        """Warm the cache: each layer (path -> text, one text per path) compiled in one protoc run.

        `source_info` False: the files compiled now come without source info (earlier versions:
        rarely located or linted, see `with_source_info`), which keeps a third of the bytes in memory
        and saves protoc and the descriptor parse some work. Compilers with include directories
        always keep it.

        Only files not compiled yet are compiled (and, with include directories, written for protoc
        with their imports). A file with errors fails the whole run; the files protoc blamed, and those
        importing them, are left out and the rest is compiled again, so one bad contract costs one
        extra run, not one each.

        `side`: a side run of the first layer, or of a tree holding it (the layer closed under
        imports): its descriptors are taken when protoc accepted that whole tree there.
        """
        first: _Graph | None = None
        for index, layer in enumerate(layers):
            if self._plain or (self.include and not self._includes_ready(layer.values(), layer)):
                self._compile_layer_with_texts(layer)
                continue
            if first is None:
                graph = first = self._last_first = _Graph(self._nodes, self._node_keys, self._fresh, layer)
                nodes = {p: graph.of(p) for p in layer}
                if not source_info and not graph.shadows_builtin:
                    self._bare_layers.append(graph)
            else:
                graph = _Graph.beside(first, layer, self._files)
                nodes = graph.node  # every path of the layer has its node
            pending = sorted(p for p in layer if nodes[p] not in self._files)
            # a contract named like a built-in: which of the two an import finds is protoc's choice,
            # made per run's layout, so only a run here answers (side_run starts none for such trees)
            ready = None
            if (
                side is not None
                and index == 0
                and pending
                and side.covers(layer, source_info)
                and not graph.shadows_builtin
            ):
                ready = side.result()
            if ready is not None:
                self._run(graph, pending, source_info, ready)
                self.side_runs += 1
            else:
                self._run_tolerant(graph, pending, source_info)
            if index == 0 and len(layers) > 2 and self.share and not graph.shadows_builtin:
                self._stand_in(graph, layers[1:], source_info)

    def first_layer_files(self) -> list[FileDescriptorProto]:
        """The descriptors of the last `compile_many`'s first layer, each after those it imports
        (those protoc refused left out)."""
        graph = self._last_first
        if graph is None:
            return []
        files = self._files
        return [files[n] for n in map(graph.node.__getitem__, graph.order) if n in files]

    def _run_tolerant(self, graph: _Graph, pending: list[str], source_info: bool) -> None:
        """`_run` of `pending`; when protoc refuses, again without the files it blamed and their
        importers (one bad file costs one more run, not one each)."""
        for _attempt in range(3):
            if not pending:
                break
            try:
                self._run(graph, pending, source_info)
            except CompileFailed as failure:
                blamed = {m.file for m in failure.messages}.intersection(pending)
                if not blamed:
                    break
                pending = [p for p in pending if not blamed.intersection(graph.closure(p))]
                continue
            break

    def _stand_in(self, reference: _Graph, later: Sequence[Mapping[str, str]], source_info: bool) -> None:
        """Compile the texts of `later` layers never compiled before in a few runs, each against the
        imports of the `reference` layer (just compiled) instead of the imports it has in its layer.

        Each later layer is one state of the tree (the imports of versions written at other commits),
        and each needs a protoc run of its own; a long history gives hundreds of such states (one per
        version of a much-imported file). A file's descriptor depends on its imports' interfaces only
        (`_reuse`), which rarely change from commit to commit. So once each text has compiled in some
        state, most of its nodes in the later layers are answered by `_reuse` without protoc; the
        others (an import whose interface differed) are compiled by protoc in their own state, as
        before. Nothing here decides an answer: a stand-in state that protoc refuses only costs a run.
        """
        texts: dict[str, list[str]] = {}
        seen: set[tuple[str, str]] = set()
        for layer in later:
            for item in layer.items():
                if item in seen or item in self._compiled:
                    continue  # met before, or compiled before
                seen.add(item)
                path, text = item
                imports = contract_imports(text)
                if path in imports or not all(reference.node.get(i) in self._files for i in imports):
                    continue  # an import the reference lacks or could not compile
                if self._reading(text) is not None:  # else never shared
                    texts.setdefault(path, []).append(text)
        for depth in itertools.count():
            swapped = {path: versions[depth] for path, versions in texts.items() if depth < len(versions)}
            if not swapped:
                break
            graph = _Graph(self._nodes, self._node_keys, self._fresh, {**reference.available, **swapped})
            for path in swapped:
                graph.of(path)
            reached = graph.reachable(swapped)
            before = self.runs
            self._run_tolerant(
                graph, sorted(p for p in reached if graph.node[p] not in self._files), source_info
            )
            self.stand_in_runs += self.runs - before

    def _compile_layer_with_texts(self, layer: Mapping[str, str]) -> None:
        keys = {p: (p, t, self._dependency_key(p, layer)) for p, t in layer.items()}
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
