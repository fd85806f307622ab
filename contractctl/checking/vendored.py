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
from pathlib import PurePosixPath

from contractctl.config.project import Config
from contractctl.formats import get_format, type_for_text
from contractctl.generic.graph import reachable
from contractctl.model import Finding, FindingKind, SchemaText, Severity, import_path_of
from contractctl.repo.as_committed import imported_paths
from contractctl.repo.history import Git
from contractctl.repo.worktree import folders_inside

_READ_LIMIT = 1 << 20  # a vendored file larger than this is not read for its imports


def include_folders(git: Git, config: Config) -> list[str]:
    """Every format's include folders inside the repository, relative to its top ("" for the top)."""
    configured = [
        str(folder)
        for options in config.format_sections.values()
        for folder in _listed(options.get("include"))
    ]
    return folders_inside(git.toplevel, configured)


def vendored_changes(
    git: Git, base: str, changed: Iterable[str], folders: list[str], is_contract_path: Callable[[str], bool]
) -> set[str]:
    """The changed paths of a contract format that lie in an include folder, are no contract, and
    that the base had (a file added since compiled no earlier version otherwise)."""
    candidates = [
        path
        for path in changed
        if type_for_text(path) is not None
        and not is_contract_path(path)
        and any(_under(path, folder) for folder in folders)
    ]
    return set(git.read_many_at(base, candidates)) if candidates else set()


def affected_import_paths(git: Git, folders: list[str], changed: set[str]) -> set[str]:
    """The import paths of the changed vendored files and of every vendored file importing one of
    them, directly or not: what a contract's import makes it depend on. The vendored files are read
    as git's index holds them, in one batch (never a walk of the working tree: an include folder of
    "." would take in `.git/` and whatever is untracked, and a link could lead outside)."""
    changed_names = {
        import_path_of(path, folder) for path in changed for folder in folders if _under(path, folder)
    }
    entries = [
        (path, blob, folder)
        for folder in folders
        for path, blob in git.index_entries(folder)
        if type_for_text(path) is not None
    ]
    texts = git.read_blobs({blob for _, blob, _ in entries})
    importers: dict[str, set[str]] = {}
    for path, blob, folder in entries:
        data = texts[blob]
        schema_type = type_for_text(path)
        if schema_type is None or len(data) > _READ_LIMIT:
            continue
        importer = import_path_of(path, folder)
        source = SchemaText(PurePosixPath(importer), data.decode("utf-8", "replace"))
        for imported in imported_paths(schema_type, source):
            importers.setdefault(imported, set()).add(importer)
    return reachable(changed_names, importers)


def _listed(value: object) -> tuple[object, ...]:
    return tuple(value) if isinstance(value, tuple | list) else ()


def _under(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


def builtin_copies(changed: Iterable[str], folders: list[str]) -> dict[str, str]:
    """Changed vendored paths (-> their import path) that copy a file the registry has built in
    (google/protobuf, google/type, confluent): Confluent's serializers do not register it
    (`skip.known.types`), the registry and the check compile its importers against the built-in
    file, so an edit of the copy changes nothing either compares."""
    out = {}
    for path in changed:
        schema_type = type_for_text(path)
        if schema_type is None:
            continue
        names = (import_path_of(path, folder) for folder in folders if _under(path, folder))
        name = next((n for n in names if get_format(schema_type).builtin_import(n)), None)
        if name is not None:
            out[path] = name
    return out


def builtin_copy_warning(path: str, import_path: str) -> Finding:
    return Finding(
        rule="VENDORED_BUILTIN",
        message=f"{path} copies {import_path}, which Schema Registry has built in: its importers are "
        "compiled against the built-in file, in the registry as here, so this edit is not checked and "
        "changes nothing a registry compares",
        kind=FindingKind.ADVISORY,
        severity=Severity.WARNING,
        file=path,
        hint="To change such a type, define your own under another import path and package; keep the "
        "vendored copy equal to the built-in one (or delete it).",
    )
