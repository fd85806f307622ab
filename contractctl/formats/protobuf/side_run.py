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
from collections.abc import Mapping
from typing import TYPE_CHECKING

from contractctl.formats.protobuf.builtins import builtin_include_dir, is_builtin, scratch_dir
from contractctl.generic.parallel import usable_cores, worker_count

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import FileDescriptorProto

# Below this many files a run takes less than starting a process and reading its answer back costs.
WORTH_A_SIDE_RUN = 200


class SideRun:
    """protoc compiling `files` (import path -> text, a whole tree: every import among them or
    built in) in a forked process; `result()` waits for it."""

    def __init__(self, files: Mapping[str, str], source_info: bool) -> None:
        import tempfile  # here: a pre-commit check of one .proto never starts a side run

        # the built-ins' folder made here, before the fork: one the child made would outlive it (it
        # leaves by os._exit, past the atexit removal), one per side run; this one is removed at exit
        builtin_include_dir()
        self.files = files
        self.source_info = source_info
        sys.stderr.flush()  # the child must not write what this process has buffered
        sys.stdout.flush()
        self._folder = tempfile.mkdtemp(prefix="contractctl-side-", dir=scratch_dir())
        self._answer = os.path.join(self._folder, "set.pb")
        self._outcome: dict[str, FileDescriptorProto] | None = None
        try:
            self._pid: int | None = os.fork()
        except OSError:
            _remove(self._folder)
            raise
        if self._pid == 0:  # the child: compile, write the answer, leave without cleaning up
            code = 1
            try:
                code = _compile_to(files, source_info, self._answer)
            finally:
                os._exit(code)
        atexit.register(self.close)  # a check that ends before asking (an error): nothing left behind

    def covers(self, layer: Mapping[str, str], source_info: bool) -> bool:
        """Whether its answer holds `layer`'s descriptors: every file of `layer` among its files with
        the same text, compiled the same way, and `layer` closed under imports (the caller's word:
        then each file's imports are the same texts here too)."""
        files = self.files
        return source_info == self.source_info and all(files.get(p) == t for p, t in layer.items())

    def result(self) -> dict[str, FileDescriptorProto] | None:
        """The descriptors of every file (and of the built-ins they import), by import path; None
        when protoc refused the tree or the child did not finish."""
        if self._pid is None:
            return self._outcome
        from google.protobuf.message import DecodeError

        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        atexit.unregister(self.close)
        try:
            if os.waitstatus_to_exitcode(status) == 0:
                from google.protobuf.descriptor_pb2 import FileDescriptorSet

                with open(self._answer, "rb") as answer:
                    found = FileDescriptorSet.FromString(answer.read())
                self._outcome = {f.name: f for f in found.file}
        except (OSError, DecodeError):  # an answer cut short: as if there were none
            self._outcome = None
        finally:
            _remove(self._folder)
        return self._outcome

    def close(self) -> None:
        """Stop the child if it still runs (the check ended another way) and clean up."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except OSError:
                pass
            self._pid = None
        atexit.unregister(self.close)
        _remove(self._folder)


def _remove(folder: str) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _compile_to(files: Mapping[str, str], source_info: bool, answer: str) -> int:
    """In the child: 0 with the descriptor set written to `answer`, 1 when protoc refused. protoc's
    files are laid out beside the answer, in the folder the parent removes: a child killed mid-run
    (`SideRun.close`) leaves nothing of its own behind."""
    from google.protobuf.descriptor_pb2 import FileDescriptorSet

    from contractctl.formats.protobuf.compile import CompileFailed, run_protoc

    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)  # nothing of the child's reaches the user's terminal
    try:
        by_name = run_protoc(
            files,
            sorted(files),
            (),
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


def side_run(files: Mapping[str, str], source_info: bool) -> SideRun | None:
    """A side run of `files` when one can help: a tree large enough, on Linux, with a core to spare
    and workers not turned off."""
    if len(files) < WORTH_A_SIDE_RUN or not sys.platform.startswith("linux"):
        return None
    if any(is_builtin(path) for path in files):
        return None  # which of a contract and a built-in an import finds: only a run here answers
    if worker_count() == 1 or usable_cores() < 2:
        return None
    try:
        return SideRun(files, source_info)
    except OSError:  # no room for the scratch folder, no process to spare: compile here, as before
        return None
