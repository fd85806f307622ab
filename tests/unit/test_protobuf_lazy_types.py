"""A shared-view closure's type table answered name by name (model.LazyTypes) gives what the merged
table (`model._build` on the same shared views) gives: the same TypeInfo for every name it defines
(same package and origin, the same view and file objects), nothing for any other name, the same own
view, origin files and `unique_names`; and it steps aside wherever a name may be defined twice.
Checked over the case corpus (one format for all cases, so paths clash, and one per case, so none
do), generated deep chains and wide DAGs with several versions, and closures built by hand where
two files define one name."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from google.protobuf.descriptor_pb2 import FileDescriptorProto

from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema
from contractctl.formats.protobuf.model import FileViews, LazyTypes, SchemaView, _build

from .protobuf_cases import CASES
from .test_protobuf_diff_memo import _parse_tree, _versions


def _assert_same_as_merged(views: Iterable[SchemaView], cache: FileViews) -> tuple[int, int]:
    """Every view against `_build` on its own closure and the same cache; (lazy, merged) counts."""
    lazy = merged = 0
    every_name = set(cache._path_of_name) | {"no.such.Type", ""}
    for view in views:
        closure, origins, _ = view._source
        own, table, origin_files, unique = _build(closure, origins, cache)
        assert view.file is own
        assert view.origin_files == origin_files
        assert view.unique_names == unique
        assert list(view.types.items()) == list(table.items())  # same names, order and TypeInfos
        for name in every_name:
            expected, found = table.get(name), view.types.get(name)
            if expected is None:
                assert found is None and name not in view.types, name
            else:
                assert found is not None and name in view.types
                assert (found.package, found.origin) == (expected.package, expected.origin), name
                assert found.view is expected.view and found.file is expected.file, name
        if isinstance(view.types, LazyTypes):
            lazy += 1
        else:
            merged += 1
    return lazy, merged


def _case_trees() -> list[dict[str, str]]:
    trees = []
    for case in CASES:
        trees.append({**case.old_deps, "topic/value.proto": case.old})
        trees.append({**case.new_deps, "topic/value.proto": case.new})
    return trees


def test_the_case_corpus_in_one_format_where_paths_clash() -> None:
    schema_format = ProtobufFormat()
    parsed = [s for tree in _case_trees() for s in _parse_tree(schema_format, tree).values()]
    lazy, merged = _assert_same_as_merged([s.view for s in parsed], schema_format._file_views)
    assert lazy and merged  # both ways taken: some closures hold a clashing path, some do not


def test_the_case_corpus_one_format_per_case() -> None:
    total_lazy = 0
    for tree in _case_trees():
        schema_format = ProtobufFormat()
        parsed = _parse_tree(schema_format, tree).values()
        lazy, _ = _assert_same_as_merged([s.view for s in parsed], schema_format._file_views)
        total_lazy += lazy
    assert total_lazy > len(CASES)


@pytest.mark.parametrize(
    ("seed", "files", "chain"),
    [(1, 24, True), (2, 9, True), (5, 16, False), (9, 12, False)],
    ids=["chain-24", "chain-9", "dag-16", "dag-12"],
)
def test_generated_trees_every_version(seed: int, files: int, chain: bool) -> None:
    """Every version of every file, all in one format (each version's closure its own views)."""
    schema_format = ProtobufFormat()
    parsed: list[ProtobufSchema] = []
    for tree in _versions(seed, files, chain):
        parsed.extend(_parse_tree(schema_format, tree).values())
    lazy, _ = _assert_same_as_merged([s.view for s in parsed], schema_format._file_views)
    assert lazy == len(parsed)  # generated packages never clash: all answered lazily


def _file(name: str, package: str, messages: list[str], imports: tuple[str, ...] = ()) -> FileDescriptorProto:
    file = FileDescriptorProto(name=name, package=package, syntax="proto3")
    file.dependency.extend(imports)
    for message in messages:
        file.message_type.add(name=message)
    return file


def test_two_paths_defining_one_name_take_the_merged_table() -> None:
    """Closures protoc would refuse (two files defining one name) still answer as `_build` does: the
    last file in closure order wins and `unique_names` is False, so the diff memo stays out."""
    cache = FileViews()
    a = _file("a.proto", "x", ["M", "A"])
    b = _file("b.proto", "x", ["M", "B"])
    own = _file("own.proto", "y", ["Top"], ("a.proto", "b.proto"))
    clash = SchemaView([a, b, own], {"a.proto": ("a.proto", "text")}, cache)
    assert not clash.unique_names
    assert clash.types["x.M"].file is clash.types["x.B"].file  # b's, the later one
    # a closure of its own without the clash, on the same cache: a's path clashes elsewhere
    alone = SchemaView([a, _file("solo.proto", "z", ["S"], ("a.proto",))], {}, cache)
    bystander = SchemaView([_file("c.proto", "w", ["C"])], {}, cache)
    assert _assert_same_as_merged([clash, alone, bystander], cache) == (1, 2)


def test_two_files_of_one_path_take_the_merged_table() -> None:
    cache = FileViews()
    first = _file("dup.proto", "x", ["M"])
    second = _file("dup.proto", "x", ["M", "N"])
    view = SchemaView([first, second, _file("own.proto", "y", ["Top"], ("dup.proto",))], {}, cache)
    assert not view.unique_names
    assert _assert_same_as_merged([view], cache) == (0, 1)
