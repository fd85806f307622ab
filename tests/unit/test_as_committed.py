"""A version parsed with the files of its own commit (repo/as_committed.py)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import PurePosixPath

import pytest

from contractctl.formats.base import InvalidSchema, ParsedSchema
from contractctl.model import SchemaText, SchemaType
from contractctl.repo.as_committed import by_name, by_path, parse_as_committed


def _tree(files: dict[str, str]) -> tuple[dict[str, str], dict[str, bytes], list[Collection[str]]]:
    """(import path -> blob id, blob id -> bytes, the reads asked for) for files under root `c`."""
    tree = {path: f"blob-{i}" for i, path in enumerate(sorted(files))}
    blobs = {tree[path]: text.encode() for path, text in files.items()}
    return tree, blobs, []


def _source(text: str, path: str = "ai/imp.proto") -> SchemaText:
    return SchemaText(PurePosixPath("c", path), text, "abc123", "c", ("git", "ai.Imp", 2))


def _laid_out(
    source: SchemaText, files: dict[str, str], schema_type: SchemaType = SchemaType.PROTOBUF
) -> ParsedSchema:
    """`source` laid out among `files`, with no versions known, references as its format names them."""
    tree, blobs, _ = _tree(files)

    def read(ids: Collection[str]) -> dict[str, bytes]:
        return {i: blobs[i] for i in ids}

    by_format = (
        by_path(schema_type, tree)
        if schema_type is SchemaType.PROTOBUF
        else by_name(schema_type, tree, read, "c")
    )
    return parse_as_committed(source, schema_type, tree, read, lambda texts: {}, by_format)


def test_imports_are_laid_out_as_the_commit_held_them_with_their_origins() -> None:
    files = {
        "ai/types.proto": 'syntax = "proto3";\npackage ai;\nimport "ai/base.proto";\n'
        "message B { Base base = 1; }\n",
        "ai/base.proto": 'syntax = "proto3";\npackage ai;\nmessage Base { string s = 1; }\n',
        "ai/unrelated.proto": 'syntax = "proto3";\npackage ai;\nmessage U { string u = 1; }\n',
    }
    tree, blobs, reads = _tree(files)
    origins: list[tuple[str, str]] = []

    def read(ids: Collection[str]) -> dict[str, bytes]:
        reads.append(sorted(ids))
        return {i: blobs[i] for i in ids}

    def origins_of(texts: Mapping[str, str]) -> dict[str, object]:
        origins.append(dict(texts))
        return {p: ("git", p, 7) for p in texts if p != "ai/base.proto"}

    source = _source(
        'syntax = "proto3";\npackage ai;\nimport "ai/types.proto";\n'
        'import "google/protobuf/timestamp.proto";\n'
        "message Imp { B b = 1; google.protobuf.Timestamp at = 2; }\n"
    )
    parsed = parse_as_committed(
        source, SchemaType.PROTOBUF, tree, read, origins_of, by_path(SchemaType.PROTOBUF, tree)
    )
    assert parsed.source is source
    (types,) = parsed.references  # the built-in import is the format's, not the tree's
    assert types.source.text == files["ai/types.proto"]
    assert types.source.path == PurePosixPath("c/ai/types.proto")
    assert types.source.version == ("git", "ai/types.proto", 7)
    (base,) = types.references
    assert base.source.text == files["ai/base.proto"]
    assert reads == [[tree["ai/types.proto"]], [tree["ai/base.proto"]]]  # one read per level, nothing else
    assert base.source.version is None  # no version known: compared by text
    assert origins == [{"ai/types.proto": files["ai/types.proto"], "ai/base.proto": files["ai/base.proto"]}]


def test_an_import_the_commit_lacks_is_refused() -> None:
    source = _source('syntax = "proto3";\npackage ai;\nimport "ai/types.proto";\nmessage Imp { B b = 1; }\n')
    with pytest.raises(InvalidSchema):
        _laid_out(source, {"ai/other.proto": 'syntax = "proto3";\npackage ai;\nmessage O {}\n'})


def test_an_import_cycle_is_refused_not_looped() -> None:
    files = {
        "ai/a.proto": 'syntax = "proto3";\npackage ai;\nimport "ai/b.proto";\nmessage A { B b = 1; }\n',
        "ai/b.proto": 'syntax = "proto3";\npackage ai;\nimport "ai/a.proto";\nmessage B { A a = 1; }\n',
    }
    source = _source('syntax = "proto3";\npackage ai;\nimport "ai/a.proto";\nmessage Imp { A a = 1; }\n')
    with pytest.raises(InvalidSchema):
        _laid_out(source, files)


def test_avro_names_are_found_in_the_files_that_defined_them_then() -> None:
    """A shared type deleted since: the commit's file that defined the name is the reference; a
    name two files defined then is left out (the version then fails as it would have)."""
    priority = '{"type": "enum", "name": "Priority", "namespace": "x", "symbols": ["A", "B"]}'
    alarm = (
        '{"type": "record", "name": "Alarm", "namespace": "x", '
        '"fields": [{"name": "p", "type": "x.Priority"}]}'
    )
    source = SchemaText(PurePosixPath("c/alarm.avsc"), alarm, "abc123", "c")
    parsed = _laid_out(source, {"common/priority.avsc": priority, "alarm.avsc": alarm}, SchemaType.AVRO)
    assert [r.source.path for r in parsed.references] == [PurePosixPath("c/common/priority.avsc")]
    twice = {"common/priority.avsc": priority, "other/priority.avsc": priority, "alarm.avsc": alarm}
    with pytest.raises(InvalidSchema):
        _laid_out(source, twice, SchemaType.AVRO)
