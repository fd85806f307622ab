"""What an include-folder file reaches through the include folders.

protoc searches the contracts root before the include folders (`protobuf.include`), so a vendored
file that imports one of the repository's own contracts compiles with that contract, and so does
every contract importing the vendored file (audit 26 N2). The answer is worked out once per file and
run: most folders import only themselves and built-ins.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence


def absent_folders(folders: Iterable[str]) -> list[str]:
    """The listed include folders that are not on disk (an untracked folder a build fetches is in no
    fresh clone)."""
    return [folder for folder in folders if not os.path.isdir(folder)]


def absent_folders_hint(setting: str, absent: Sequence[str]) -> str:
    """What to do about an import not found while folders `setting` lists are absent: listing a
    folder is no cure (it is listed), fetching or generating its files is."""
    names = ", ".join(os.path.relpath(folder) for folder in absent)
    return (
        f"{setting} lists {names}, which is not here: fetch or generate its files before the check "
        "(git does not hold an untracked folder, so a fresh clone lacks it)."
    )


class FolderReach:
    """Per import path of an include-folder file: every import path it reaches through folder files
    (each found as protoc finds it: in the first folder holding it), itself left out. A caller takes
    those a contract holds as that contract (protoc searches the root first: a folder copy at a
    contract's path is never what it compiles), so a folder file is followed further even where a
    contract shadows it: what lies only below such a copy is an extra path, never a missing one."""

    def __init__(
        self, folders: Sequence[str], imports_of: Callable[[str, str], Iterable[str]], suffix: str = ".proto"
    ) -> None:
        """`imports_of(import_path, text)`: a file's imports that are not built-ins; `suffix`: the
        names of the files a folder holds that `reaching` reads."""
        self._folders = tuple(folders)
        self._imports_of = imports_of
        self._suffix = suffix
        self._by_reached: dict[str, list[str]] | None = None  # see `reaching`
        self._imports: dict[str, tuple[str, ...] | None] = {}  # None: in no folder
        self._reach: dict[str, tuple[str, ...]] = {}

    def of(self, import_path: str) -> tuple[str, ...]:
        found = self._reach.get(import_path)
        if found is None:
            found = self._walk(import_path)
            self._reach[import_path] = found
        return found

    def reaching(self, paths: Iterable[str]) -> list[str]:
        """The folder files (import paths) whose reach includes any of `paths`: what a change of
        those contracts reaches through the folders. Reads every file of the folders, once per run,
        and only when asked (a check of a change that may have such users)."""
        if self._by_reached is None:
            self._by_reached = {}
            for import_path in self._every_file():
                for reached in self.of(import_path):
                    self._by_reached.setdefault(reached, []).append(import_path)
        return sorted({f for path in paths for f in self._by_reached.get(path, ())})

    def _every_file(self) -> list[str]:
        """Every file of the folders by import path, once (the first folder holding a path)."""
        found: dict[str, None] = {}
        for folder in self._folders:
            for directory, _, names in os.walk(folder):
                for name in names:
                    if name.endswith(self._suffix):
                        relative = os.path.relpath(os.path.join(directory, name), folder)
                        found.setdefault(relative.replace(os.sep, "/"), None)
        return list(found)

    def _walk(self, start: str) -> tuple[str, ...]:
        if self._folder_imports(start) is None:
            return ()  # no folder file: nothing to follow
        seen = {start}
        pending = [start]
        while pending:
            for imported in self._folder_imports(pending.pop()) or ():
                if imported not in seen:
                    seen.add(imported)
                    pending.append(imported)
        seen.discard(start)
        return tuple(sorted(seen))

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
