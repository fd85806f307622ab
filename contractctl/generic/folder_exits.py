"""What an include-folder file reaches outside the include folders.

protoc searches the contracts root before the include folders (`protobuf.include`), so a vendored
file that imports one of the repository's own contracts compiles with that contract, and so does
every contract importing the vendored file (audit 26 N2). Such files are rare: most folders import
only themselves and built-ins, so the answer is worked out once per file and run, and is empty.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence


class FolderExits:
    """Per import path of an include-folder file: the import paths no folder holds that it reaches
    through folder files (each folder file found as protoc finds it: in the first folder holding it).
    Those are the contracts it compiles with (or files nothing holds). A folder file that a contract
    shadows below the first import is followed as the folder's copy."""

    def __init__(self, folders: Sequence[str], imports_of: Callable[[str, str], Iterable[str]]) -> None:
        """`imports_of(import_path, text)`: a file's imports that are not built-ins."""
        self._folders = tuple(folders)
        self._imports_of = imports_of
        self._imports: dict[str, tuple[str, ...] | None] = {}  # None: in no folder
        self._exits: dict[str, tuple[str, ...]] = {}

    def of(self, import_path: str) -> tuple[str, ...]:
        found = self._exits.get(import_path)
        if found is None:
            found = self._walk(import_path)
            self._exits[import_path] = found
        return found

    def _walk(self, start: str) -> tuple[str, ...]:
        if self._folder_imports(start) is None:
            return ()  # no folder file: nothing to follow
        exits: list[str] = []
        seen = {start}
        pending = [start]
        while pending:
            imports = self._folder_imports(pending.pop())
            for imported in imports or ():
                if imported in seen:
                    continue
                seen.add(imported)
                if self._folder_imports(imported) is None:
                    exits.append(imported)
                else:
                    pending.append(imported)
        return tuple(sorted(exits))

    def _folder_imports(self, import_path: str) -> tuple[str, ...] | None:
        """The imports of the folder file at `import_path`, read once; None where no folder holds it."""
        if import_path not in self._imports:
            found: tuple[str, ...] | None = None
            for folder in self._folders:
                path = os.path.join(folder, import_path)
                if os.path.isfile(path):
                    try:
                        with open(path, encoding="utf-8", errors="replace") as file:
                            found = tuple(self._imports_of(import_path, file.read()))
                    except OSError:
                        found = ()  # protoc reports it, if anything imports it
                    break
            self._imports[import_path] = found
        return self._imports[import_path]
