"""An earlier version parsed with the files its own commit held at its import paths.

The versions model resolves each reference of an earlier version to the version of its subject that
was current at the importer's commit, and that version's references at its own commit, and so on:
a closure can mix texts of several commits, and the subject an import path names today may not be
the one that lay there then (under record naming a file's first type names its subject). Where
that closure does not compile, the version is not lost: the tree of its own commit is the layout its
author compiled it with, consistent by construction. Formats whose references name files by path
(Protobuf imports, JSON Schema `$ref`s) find them at those paths; Avro, whose references name types,
in the file of the commit's tree that defined each name then (a shared type deleted or renamed since
has no contract today to find it in).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePosixPath

from contractctl.formats import parse_registered, references_by_path, type_for_path
from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.model import SchemaText, SchemaType
from contractctl.repo.contracts import decode, outline_of, reference_order
from contractctl.repo.text_search import is_uri

ReadBlobs = Callable[[Collection[str]], Mapping[str, bytes]]
"""Blob ids -> contents, read in one go."""

OriginsOf = Callable[[Mapping[str, str]], Mapping[str, object]]
"""{import path: text} -> {import path: which version of which subject that text is
(SchemaText.version)}, asked once for a whole closure; a path left out is None."""


Parse = Callable[[SchemaText, SchemaType, Sequence[ParsedSchema]], ParsedSchema]
"""How each text is parsed: `parse_registered` (a version a registry holds), or strictly (publish)."""

LaidOut = Callable[[SchemaText], list[str]]
"""A text of the commit -> the paths (keys of the commit's tree) of the files it references there."""


def imported_paths(schema_type: SchemaType, source: SchemaText) -> list[str]:
    """The import paths a text names (in its order), or none when its references are not by path
    (a JSON Schema's references by `$id` are not either: no tree answers for them)."""
    if not references_by_path(source.path):
        return []
    try:
        outline = outline_of(schema_type, source.path, source.text, source.root)
    except InvalidSchema:
        return []
    return [name for name in outline.referenced_names if not is_uri(name)]


def references_others(schema_type: SchemaType, source: SchemaText) -> bool:
    """Whether a text references other contracts (imports by path, or names it does not define):
    one that does not fails as committed as it failed in the model, so no layout is tried."""
    if references_by_path(source.path):
        return bool(imported_paths(schema_type, source))
    try:
        return bool(outline_of(schema_type, source.path, source.text, source.root).referenced_names)
    except InvalidSchema:
        return False


def by_path(schema_type: SchemaType, tree: Mapping[str, str]) -> LaidOut:
    """References by path: the files at the paths a text imports, where the commit held one."""
    return lambda text: [p for p in imported_paths(schema_type, text) if p in tree]


def by_name(schema_type: SchemaType, tree: Mapping[str, str], read_blobs: ReadBlobs, root: str) -> LaidOut:
    """References by name: the file of the commit's tree that defined each name a text uses, read
    from every contract of the format the commit held (once per commit; a name two files defined is
    left out, as it was ambiguous then)."""
    paths = sorted(p for p in tree if type_for_path(PurePosixPath(p)) is schema_type)
    contents = read_blobs({tree[p] for p in paths})
    definers: dict[str, list[str]] = {}
    for import_path in paths:
        path = PurePosixPath(root, import_path)
        try:
            outline = outline_of(schema_type, path, decode(path, contents[tree[import_path]]), root)
        except InvalidSchema:
            continue
        for name in outline.defined_names:
            definers.setdefault(name, []).append(import_path)

    def referenced(text: SchemaText) -> list[str]:
        try:
            names = outline_of(schema_type, text.path, text.text, root).referenced_names
        except InvalidSchema:
            return []
        found = (definers.get(name, ()) for name in names)
        held = [paths[0] for paths in found if len(paths) == 1 and paths[0] != text.import_path]
        return list(dict.fromkeys(held))

    return referenced


def committed_texts(
    source: SchemaText, tree: Mapping[str, str], read_blobs: ReadBlobs, referenced: LaidOut
) -> tuple[dict[str, SchemaText], dict[str, list[str]]]:
    """The files `source` references as `tree` holds them, transitively (import path -> text, each
    of `source`'s commit), and what each of them and `source` references (import path -> paths)."""
    texts: dict[str, SchemaText] = {}
    imports: dict[str, list[str]] = {}
    root = source.root
    level = referenced(source)
    imports[source.import_path] = level
    while level:  # one read of git per level of the import graph
        wanted = sorted({p for p in level if p not in texts})
        contents = read_blobs({tree[p] for p in wanted})
        below: list[str] = []
        for import_path in wanted:
            path = PurePosixPath(root, import_path)
            texts[import_path] = SchemaText(
                path, decode(path, contents[tree[import_path]]), source.origin, root
            )
            imports[import_path] = referenced(texts[import_path])
            below.extend(p for p in imports[import_path] if p not in texts)
        level = below
    return texts, imports


def parse_as_committed(
    source: SchemaText,
    schema_type: SchemaType,
    tree: Mapping[str, str],
    read_blobs: ReadBlobs,
    origins_of: OriginsOf,
    referenced: LaidOut,
    parse: Parse = parse_registered,
) -> ParsedSchema:
    """`source` parsed as a registry parses a version it holds (or as `parse` says: strictly, for a
    version publish sends as a new schema), with each file it references (and each they reference,
    transitively) as `tree` holds it: import path -> blob id, the commit's files under the contracts
    root; `referenced` tells which (`by_path`, `by_name`). An import `tree` lacks is left to the
    format (a built-in, an include folder), which refuses it if nobody has it. Raises InvalidSchema
    when the version does not parse even so.
    """
    texts, imports = committed_texts(source, tree, read_blobs, referenced)
    origins = origins_of({p: t.text for p, t in texts.items()})
    texts = {p: replace(t, version=origins.get(p)) for p, t in texts.items()}
    parsed: dict[str, ParsedSchema] = {}
    # dependencies first; an import cycle is refused (InvalidSchema), as protoc refuses one
    for import_path in reference_order(source.import_path, lambda path: imports.get(path, ()), {}):
        references = [parsed[p] for p in imports[import_path] if p in parsed]
        laid_out = source if import_path == source.import_path else texts[import_path]
        parsed[import_path] = parse(laid_out, schema_type, references)
    return parsed[source.import_path]
