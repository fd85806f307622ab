"""Vendored imports (`protobuf.include` folders git tracks) touched by a change.

A vendored file is no subject: nothing checks it on its own. Confluent's registry holds it under its
import path, and a producer that registers its importer again references the vendored file's new
version, so the registry's diff walks into it. A change of a vendored file is therefore checked
through the contracts that import it, directly or through other vendored files: their earlier
versions compile against the vendored copies of their own commits (`SchemaResolver`), the current
tree against today's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from contractctl.config.project import Config
from contractctl.formats.protobuf.compile import contract_imports
from contractctl.model import import_path_of
from contractctl.repo.history import Git

_READ_LIMIT = 1 << 20  # a vendored .proto larger than this is not read for its imports


def include_folders(git: Git, config: Config) -> list[str]:
    """`protobuf.include` folders inside the repository, relative to its top ("" for the top)."""
    top = git.toplevel.resolve()
    folders = []
    for folder in config.protobuf.get("include") or ():
        try:
            relative = (config.directory / str(folder)).resolve().relative_to(top).as_posix()
        except ValueError:
            continue  # outside the repository: git does not see it change
        folders.append("" if relative == "." else relative)
    return folders


def pathspecs(folders: Iterable[str]) -> tuple[str, ...]:
    """The folders as git pathspecs (the top as ".")."""
    return tuple(folder or "." for folder in folders)


def vendored_changes(
    changed: Iterable[str], folders: list[str], is_contract_path: Callable[[str], bool]
) -> set[str]:
    """The changed .proto paths that lie in an include folder and are no contract."""
    found = set()
    for path in changed:
        if not path.endswith(".proto") or is_contract_path(path):
            continue
        if any(_under(path, folder) for folder in folders):
            found.add(path)
    return found


def affected_import_paths(top: Path, folders: list[str], changed: set[str]) -> set[str]:
    """The import paths of the changed vendored files and of every vendored file importing one of
    them, directly or not (read from the working tree): what a contract's import makes it depend on."""
    names = {import_path_of(path, folder) for path in changed for folder in folders if _under(path, folder)}
    importers: dict[str, set[str]] = {}
    for folder in folders:
        base = top / folder if folder else top
        for file in base.rglob("*.proto"):
            try:
                if not file.is_file() or file.stat().st_size > _READ_LIMIT:
                    continue
                text = file.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            importer = file.relative_to(base).as_posix()
            for imported in contract_imports(text):
                importers.setdefault(imported, set()).add(importer)
    pending = sorted(names)
    while pending:
        for importer in importers.get(pending.pop(), ()):
            if importer not in names:
                names.add(importer)
                pending.append(importer)
    return names


def _under(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")
