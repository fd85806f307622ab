"""protoc's answers kept between pre-commit runs, by what decides them.

A file's descriptor (without source info) is a function of its import path, its text and the
descriptors of what it imports, recursively, given one protoc and one set of built-ins. `Compiler`
names that as a digest of the file's node (`_Graph`: path, text and its imports' nodes), so an answer
kept here is taken only for the very same file in the very same closure. The file is stamped with
what the built-ins are stamped with (protoc's extension, the built-in texts, compile.py): another
installation reads nothing. A pre-commit check of one file of a deep graph compiled its whole
closure twice (as it is, and as it was) on every run; with the answers kept, it compiles the edited
file only.

Only what one run used or made is written back, so the file follows the working tree instead of
growing with every run; a run that compiled nothing new writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from contractctl.generic import stamped_file

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import FileDescriptorProto

FILE_NAME = "protobuf-descriptors"
_MAGIC = b"contractctl-protobuf-descriptors-1\n"
# One run's working set far beyond any pre-commit closure: a run needing more keeps nothing
_MOST_BYTES = 64 * 1024 * 1024


class KeptDescriptors:
    """Descriptors by node digest: read once from the run folder, written back by `save`."""

    def __init__(self, folder: Path, stamp: str) -> None:
        self._file = stamped_file.named(folder, FILE_NAME, stamp)
        self._stamp = stamp
        value = stamped_file.read(self._file, _MAGIC, stamp)
        self._read: dict[bytes, bytes] = value if isinstance(value, dict) else {}
        self._used: dict[bytes, bytes] = {}  # this run's entries, read or made
        self._made = 0
        self.answered = 0  # files answered from the kept file (for tests and benchmarks)

    def __len__(self) -> int:
        return len(self._read)

    def answer(self, digest: bytes, path: str) -> FileDescriptorProto | None:
        """The descriptor kept for `digest`, when it is one of `path` and decodes; else None."""
        data = self._read.get(digest)
        if not isinstance(data, bytes):
            return None
        from google.protobuf.descriptor_pb2 import FileDescriptorProto
        from google.protobuf.message import DecodeError

        try:
            descriptor = FileDescriptorProto.FromString(data)
        except DecodeError:  # passed its checksum yet does not decode: compiled again
            return None
        if descriptor.name != path:
            return None
        self._used[digest] = data
        self.answered += 1
        return descriptor

    def holds(self, digest: bytes) -> bool:
        """Whether this run has the entry already (read and used, or made)."""
        return digest in self._used

    def keep(self, digest: bytes, data: bytes) -> None:
        """A descriptor (serialized, without source info) protoc made in this run."""
        if digest not in self._used:
            self._used[digest] = data
            self._made += 1

    def save(self) -> None:
        """Write this run's entries, if it made any (never raises: a cache)."""
        if not self._made or sum(map(len, self._used.values())) > _MOST_BYTES:
            return
        if stamped_file.write(self._file, _MAGIC, self._stamp, self._used):
            stamped_file.prune(self._file)
        self._made = 0
