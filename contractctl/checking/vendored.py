"""Vendored imports (a format's `include` folders that git tracks, `protobuf.include`) touched by a
change.

A vendored file is no subject: nothing checks it on its own. Confluent's registry holds it under its
import path, and a producer that registers its importer again references the vendored file's new
version, so the registry's diff walks into it. A change of a vendored file is therefore checked
through the contracts that import it, directly or through other vendored files: their earlier
versions compile against the vendored copies of their own commits (`SchemaResolver`), the current
tree against today's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from contractctl.config.project import Config
from contractctl.formats import type_for_text
from contractctl.model import SchemaText, import_path_of
from contractctl.repo.as_committed import imported_paths
from contractctl.repo.history import Git

_READ_LIMIT = 1 << 20  # a vendored file larger than this is not read for its imports


def include_folders(git: Git, config: Config) -> list[str]:
    """Every format's include folders inside the repository, relative to its top ("" for the top)."""
    top = git.toplevel.resolve()
    folders = []
    for options in config.format_sections.values():
        included = options.get("include")
        for folder in included if isinstance(included, tuple | list) else ():
            try:
                relative = Path(str(folder)).resolve().relative_to(top).as_posix()
            except ValueError:
                continue  # outside the repository: git does not see it change
            folders.append("" if relative == "." else relative)
    return folders


def vendored_changes(
    changed: Iterable[str], folders: list[str], is_contract_path: Callable[[str], bool]
) -> set[str]:
    """The changed paths of a contract format that lie in an include folder and are no contract."""
    return {
        path
        for path in changed
        if type_for_text(path) is not None
        and not is_contract_path(path)
        and any(_under(path, folder) for folder in folders)
    }


def affected_import_paths(top: Path, folders: list[str], changed: set[str]) -> set[str]:
    """The import paths of the changed vendored files and of every vendored file importing one of
    them, directly or not (read from the working tree): what a contract's import makes it depend on."""
    names = {import_path_of(path, folder) for path in changed for folder in folders if _under(path, folder)}
    importers: dict[str, set[str]] = {}
    for folder in folders:
        base = top / folder if folder else top
        for file in base.rglob("*"):
            schema_type = type_for_text(file.name)
            if schema_type is None:
                continue
            try:
                if not file.is_file() or file.stat().st_size > _READ_LIMIT:
                    continue
                text = file.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            importer = file.relative_to(base).as_posix()
            for imported in imported_paths(schema_type, SchemaText(PurePosixPath(importer), text)):
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
