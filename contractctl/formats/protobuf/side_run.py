"""One protoc run in a forked process, while this process goes on with its own.

A check of a change compiles two whole trees: the current one (the contracts being checked) and the
base's (the versions they are checked against). protoc runs in process and holds it for the whole
compile (seconds on a tree of thousands of files), so the two ran one after the other. The base's
tree needs nothing of the current one's compile: a forked copy of this process compiles it at the
same time, alone, and hands back the descriptors through a file.

Only a success is handed back: a tree protoc refuses (or a child that dies) gives nothing, and the
caller compiles as it would have without the side run, so its messages come from a run of its own.
Linux only (fork is not the safe default elsewhere), and never when CONTRACTCTL_WORKERS=1 or one core
is all there is.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from contractctl.formats.protobuf.builtins import builtin_include_dir, is_builtin, scratch_dir
from contractctl.generic.parallel import usable_cores, worker_count
from contractctl.generic.termination import end_with_parent, sigterm_held

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import FileDescriptorProto

# Below this many files a run takes less than starting a process and reading its answer back costs.
WORTH_A_SIDE_RUN = 200
# `parts_of`: below this many files one process ends soon enough; a file imported by more than
# _SHARED others is compiled by every part that imports it, not a reason to keep two parts together
WORTH_TWO_PARTS = 1000
_SHARED = 4


class SideRun:
    """protoc compiling `files` (import path -> text, a whole tree: every import among them or
    built in) in a forked process, or in one per part of it (`parts`: sets of targets that cover
    the tree, each compiled with its imports); `result()` waits for them."""

    def __init__(
        self,
        files: Mapping[str, str],
        source_info: bool,
        parts: Sequence[Collection[str]] | None = None,
        include: Sequence[str] = (),
    ) -> None:
        import tempfile  # here: a pre-commit check of one .proto never starts a side run

        # the built-ins' folder made here, before the fork: one the child made would outlive it (it
        # leaves by os._exit, past the atexit removal), one per side run; this one is removed at exit
        builtin_include_dir()
        self.files = files
        self.source_info = source_info
        sys.stderr.flush()  # the child must not write what this process has buffered
        sys.stdout.flush()
        self._outcome: dict[str, FileDescriptorProto] | None = None
        self._children: list[tuple[int, str]] = []  # (pid, where it writes its answer)
        with sigterm_held():  # a check that ends before asking (an error, SIGTERM): nothing left
            self._folder = tempfile.mkdtemp(prefix="contractctl-side-", dir=scratch_dir())
            atexit.register(self.close)
        try:
            for index, targets in enumerate(parts if parts else [files]):
                laid_out = _closure_texts(files, targets) if parts else files
                answer = os.path.join(self._folder, f"set{index}.pb")
                parent = os.getpid()
                with sigterm_held():
                    pid = os.fork()
                if pid == 0:  # the child: compile, write the answer, leave without cleaning up
                    code = 1
                    try:
                        end_with_parent(parent)  # not a compile for nobody, after a SIGKILL
                        code = _compile_to(laid_out, sorted(targets), source_info, answer, include)
                    finally:
                        os._exit(code)
                self._children.append((pid, answer))
        except BaseException:  # OSError, or SIGTERM's Terminated
            self.close()  # the children started so far, and the folder
            raise

    @property
    def pids(self) -> list[int]:
        """The children still to wait for."""
        return [pid for pid, _ in self._children]

    def covers(self, layer: Mapping[str, str], source_info: bool) -> bool:
        """Whether its answer holds `layer`'s descriptors: every file of `layer` among its files with
        the same text, compiled the same way, and `layer` closed under imports (the caller's word:
        then each file's imports are the same texts here too)."""
        files = self.files
        return source_info == self.source_info and all(files.get(p) == t for p, t in layer.items())

    def result(self) -> dict[str, FileDescriptorProto] | None:
        """The descriptors of every file (and of the built-ins they import), by import path; None
        when protoc refused the tree (any part of it) or a child did not finish."""
        if not self._children:
            return self._outcome
        from google.protobuf.descriptor_pb2 import FileDescriptorSet
        from google.protobuf.message import DecodeError

        merged: dict[str, FileDescriptorProto] | None = {}
        try:
            while self._children:  # a child leaves the list once waited for: `close` stops the rest
                pid, answer = self._children[0]
                _, status = os.waitpid(pid, 0)
                del self._children[0]
                if merged is None or os.waitstatus_to_exitcode(status) != 0:
                    merged = None
                    continue
                try:
                    with open(answer, "rb") as data:
                        found = FileDescriptorSet.FromString(data.read())
                except (OSError, DecodeError):  # an answer cut short: as if there were none
                    merged = None
                    continue
                # a file two parts import is the same text with the same imports in both: either answer
                merged.update((f.name, f) for f in found.file)
        except BaseException:  # SIGTERM while waiting: the children stopped, the folder removed
            self.close()
            raise
        atexit.unregister(self.close)
        _remove(self._folder)
        self._outcome = merged
        return merged

    def close(self) -> None:
        """Stop the children still running (the check ended another way) and clean up."""
        children, self._children = self._children, []
        for pid, _ in children:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
        atexit.unregister(self.close)
        _remove(self._folder)


def _remove(folder: str) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _compile_to(
    files: Mapping[str, str], targets: Sequence[str], source_info: bool, answer: str, include: Sequence[str]
) -> int:
    """In the child: 0 with the descriptor set written to `answer`, 1 when protoc refused. protoc's
    files are laid out beside the answer, in the folder the parent removes: a child killed mid-run
    (`SideRun.close`) leaves nothing of its own behind. `include`: the `protobuf.include` folders,
    searched after the contracts (the parent takes the answer only for a layer whose folder files
    compile alike either way, `Compiler._includes_ready`)."""
    from google.protobuf.descriptor_pb2 import FileDescriptorSet

    from contractctl.formats.protobuf.compile import CompileFailed, run_protoc

    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)  # nothing of the child's reaches the user's terminal
    try:
        by_name = run_protoc(
            files,
            targets,
            include,
            None,
            source_info,
            collect_messages=False,
            scratch=os.path.dirname(answer),
        )
    except CompileFailed:
        return 1
    found = FileDescriptorSet()
    found.file.extend(by_name.values())
    with open(answer, "wb") as out:
        out.write(found.SerializeToString())
    return 0


def side_run(
    files: Mapping[str, str], source_info: bool, split: bool = False, include: Sequence[str] = ()
) -> SideRun | None:
    """A side run of `files` when one can help: a tree large enough, on Linux, with a core to spare
    and workers not turned off. `split`: for a caller that waits on it with nothing else to do, a
    tree that splits well is compiled in two processes (`parts_of`). `include`: the include folders."""
    if len(files) < WORTH_A_SIDE_RUN or not sys.platform.startswith("linux"):
        return None
    if any(is_builtin(path) for path in files):
        return None  # which of a contract and a built-in an import finds: only a run here answers
    if worker_count() == 1 or usable_cores() < 2:
        return None
    try:
        return SideRun(files, source_info, parts_of(files) if split else None, include)
    except OSError:  # no room for the scratch folder, no process to spare: compile here, as before
        return None


def parts_of(files: Mapping[str, str]) -> list[set[str]] | None:
    """Two sets of targets covering `files` whose compiles share little: the tree's import graph cut
    into connected parts, the files many others import (more than _SHARED) left out of that cut (each
    part compiles those it needs, again), the parts dealt into two halves, largest first. None when
    the tree is small (WORTH_TWO_PARTS) or the smaller half would hold under a fifth of it (one import
    chain: two processes would compile most of it twice)."""
    from collections import Counter

    from contractctl.formats.protobuf.compile import contract_imports

    if len(files) < WORTH_TWO_PARTS:
        return None
    imports = {p: [i for i in contract_imports(t) if i in files and i != p] for p, t in files.items()}
    shared = {p for p, n in Counter(i for found in imports.values() for i in found).items() if n > _SHARED}
    root = {p: p for p in files}

    def find(path: str) -> str:
        while root[path] != path:
            root[path] = root[root[path]]
            path = root[path]
        return path

    for path, found in imports.items():
        if path not in shared:
            for imported in found:
                if imported not in shared:
                    root[find(path)] = find(imported)
    groups: dict[str, list[str]] = {}
    for path in files:
        if path not in shared:
            groups.setdefault(find(path), []).append(path)
    halves: list[list[str]] = [[], []]
    for group in sorted(groups.values(), key=len, reverse=True):
        min(halves, key=len).extend(group)
    if min(len(half) for half in halves) < len(files) // 5:
        return None
    halves[0].extend(shared)  # every file is some part's target
    return [set(half) for half in halves]


def _closure_texts(files: Mapping[str, str], targets: Collection[str]) -> dict[str, str]:
    """The texts a compile of `targets` reads: theirs and their imports', transitively."""
    from contractctl.formats.protobuf.compile import contract_imports

    out: dict[str, str] = {}
    pending = list(targets)
    while pending:
        path = pending.pop()
        if path in out or path not in files:
            continue
        out[path] = files[path]
        pending.extend(contract_imports(files[path]))
    return out
