"""What `contractctl init` reads from a repository that already holds contracts.

A team adopting contractctl has its .proto (or .avsc) tree already, imported by paths relative to
some folder (protoc's `-I`): that folder is the contracts root. Each import that names a tracked
file tells it: the file's path minus the import path is the folder its importer resolves against.
A folder that holds the importer is a root; one that does not is where vendored copies lie
(`common-protos/google/api/...`): an include folder, left out of the contracts.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

from contractctl.config.project import CONTRACT_FORMATS
from contractctl.errors import GitError
from contractctl.formats import get_format, references_by_path_text, type_for_text
from contractctl.model import SchemaText, import_path_of
from contractctl.repo.as_committed import imported_paths
from contractctl.repo.contracts import in_hidden_folder
from contractctl.repo.history import Git

_READ_AT_MOST = 3000  # files read (a large tree's vote is settled long before)
_BYTES_AT_MOST = 1 << 20
_SKIPPED_FOLDERS = ("node_modules/", "site-packages/")


@dataclass(frozen=True)
class Detected:
    """The contracts found: the root to configure, the formats present, and vendored folders."""

    root: str  # "." for the top
    formats: tuple[str, ...]  # contracts.formats names, in CONTRACT_FORMATS order
    files: int
    include: tuple[str, ...] = ()  # folders of vendored imports (protobuf.include)
    # copies under the root of files the registry has built in (google/protobuf/*, google/type/*):
    # no contracts, the registry and the check compile against its own
    builtin_copies: tuple[str, ...] = ()
    # imports that no tracked file answers (a build fetched them: buf's registry, a package)
    missing_imports: tuple[str, ...] = ()

    def config_lines(self) -> str:
        """The `contracts:` keys and the `protobuf:` section these findings call for, as YAML."""

        def listed(items: list[str]) -> str:
            return "[" + ", ".join(json.dumps(item) for item in items) + "]"

        excluded = [f"{folder}/**" for folder in self.include if _under(folder, self.root)]
        lines = [f"  root: {json.dumps(self.root)}"]
        if self.root == ".":  # the top holds other JSON (package.json ...): only the formats found
            lines.append(f"  formats: {listed(list(self.formats))}")
        if excluded or self.builtin_copies:
            what = " and ".join(
                part
                for part, present in (
                    ("vendored imports", excluded),
                    ("copies of files the registry has built in", self.builtin_copies),
                )
                if present
            )
            lines.append(f"  exclude: {listed([*excluded, *self.builtin_copies])}  # {what}, not contracts")
        out = "\n".join(lines) + "\n"
        return out


def detect(git: Git) -> Detected | None:
    """The contracts the repository's index holds, None when it holds none."""
    extensions = {extension: name for name, extension in CONTRACT_FORMATS.items()}
    candidates: dict[str, tuple[str, str]] = {}  # path -> (format name, blob)
    for path, blob in git.index_entries(""):
        name = extensions.get(posixpath.splitext(path)[1].lower())
        if name is not None and not _hidden_or_installed(path):
            candidates[path] = (name, blob)
    chosen = sorted(candidates)[:_READ_AT_MOST]
    texts = _texts(git, {candidates[path][1] for path in chosen})
    by_format: dict[str, list[str]] = {}
    for path, (name, blob) in candidates.items():
        if name == "jsonschema" and not _is_json_schema(texts.get(blob)):
            continue  # package.json, tsconfig.json, data: no JSON Schema
        by_format.setdefault(name, []).append(path)
    if not by_format:
        return None
    files = sorted(path for paths in by_format.values() for path in paths)
    roots, include, missing = _import_roots(files, {path: texts.get(candidates[path][1]) for path in files})
    root = roots.most_common(1)[0][0] if roots else _common_folder(files)
    elsewhere = [p for p in files if not _under(p, root) and not any(_under(p, f) for f in include - {root})]
    if elsewhere:  # other contracts elsewhere (not the vendored imports, kvproto's include/): hold them all
        root = _common_folder([*files, f"{root}/x"])
    formats = tuple(name for name in CONTRACT_FORMATS if name in by_format)
    vendored = tuple(sorted(include - {root}))
    contracts = [path for path in files if not any(_under(path, folder) for folder in vendored)]
    copies = tuple(path for path in contracts if _builtin_copy(path, root))
    return Detected(root, formats, len(contracts) - len(copies), vendored, copies, tuple(sorted(missing)))


def _builtin_copy(path: str, root: str) -> bool:
    """A file whose import path under the root is one the registry has built in."""
    schema_type = type_for_text(path)
    if schema_type is None or not references_by_path_text(path):
        return False
    return get_format(schema_type).builtin_import(import_path_of(path, "" if root == "." else root))


def _hidden_or_installed(path: str) -> bool:
    if in_hidden_folder(path):  # as the check leaves them out (SubjectMapper.hidden_text)
        return True
    return any(path.startswith(skipped) or f"/{skipped}" in path for skipped in _SKIPPED_FOLDERS)


def _texts(git: Git, blobs: set[str]) -> dict[str, str]:
    try:
        found = git.read_blobs(blobs)
    except GitError:
        return {}
    return {
        blob: data.decode("utf-8", "replace") for blob, data in found.items() if len(data) <= _BYTES_AT_MOST
    }


def _is_json_schema(text: str | None) -> bool:
    """A JSON file that says it is a JSON Schema (`$schema` naming json-schema.org)."""
    head = (text or "")[:4096]
    return '"$schema"' in head and "json-schema.org" in head


def _import_roots(files: list[str], texts: dict[str, str | None]) -> tuple[Counter[str], set[str], set[str]]:
    """Votes for the folder imports resolve against (one per importer and import), the folders
    whose files are imported but do not hold the importer (vendored copies), and the imports no
    tracked file answers and the registry has not built in (from outside the repository), of the
    formats with include folders (the hint names their setting).
    Only formats that reference by path vote; an import that is no tracked file says nothing."""
    roots: Counter[str] = Counter()
    include: set[str] = set()
    missing: set[str] = set()
    by_tail: dict[str, list[str]] = {}
    for path in files:
        parts = path.split("/")
        for start in range(len(parts)):
            by_tail.setdefault("/".join(parts[start:]), []).append(path)
    for importer in files:
        schema_type, text = type_for_text(importer), texts.get(importer)
        if schema_type is None or text is None or not references_by_path_text(importer):
            continue
        for imported in imported_paths(schema_type, SchemaText(PurePosixPath(importer), text)):
            schema_format = get_format(schema_type)
            if (
                schema_format.include_setting is not None
                and imported not in by_tail
                and not schema_format.builtin_import(imported)
            ):
                missing.add(imported)  # the hint names the include setting: JSON Schema has none
            folders = {found[: -len(imported)].rstrip("/") or "." for found in by_tail.get(imported, ())}
            holding = {folder for folder in folders if _under(importer, folder)}
            roots.update(holding)
            if not holding:  # found only where the importer is not: a vendored copy
                include |= folders
    return roots, include, missing


def _under(path: str, folder: str) -> bool:
    return folder == "." or path.startswith(folder + "/")


def _common_folder(paths: list[str]) -> str:
    folders = [path.rpartition("/")[0] or "." for path in paths]
    if "." in folders:
        return "."
    return posixpath.commonpath(folders) or "."
