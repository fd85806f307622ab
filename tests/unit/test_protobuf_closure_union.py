"""A parse answered from its references' reaches (`_union`, `reach`) picks what the closure walk
(`_closure`, `_consistent`) picks: on random reference graphs, where one import path may be held by
two schema objects (references parsed at different commits), the union is given exactly when each
path is held by one object, and then it holds every path the walk finds, with the very object the
walk chose, and the walk finds the closure consistent. And a parse by either way gives the same
schema (same compiled file, references, origins) over the case corpus and generated trees."""

from __future__ import annotations

import random
from pathlib import PurePosixPath
from typing import Any, cast

import pytest

from contractctl.formats.base import InvalidSchema
from contractctl.formats.protobuf import (
    ProtobufFormat,
    ProtobufSchema,
    _closure,
    _consistent,
    _union,
    reach,
)
from contractctl.model import SchemaText

from .protobuf_cases import CASES
from .test_protobuf_diff_memo import _parse_tree, _source, _versions


def _schema(path: str, references: list[ProtobufSchema], compiled: object) -> ProtobufSchema:
    source = SchemaText(PurePosixPath(f"contracts/{path}"), f"// {path}", root="contracts")
    return ProtobufSchema(source, tuple(references), cast(Any, compiled), cast(Any, None))


def _graph(rng: random.Random, paths: int) -> list[ProtobufSchema]:
    """Schemas over `paths` import paths, some paths held by two objects (sometimes of one compiled
    file, sometimes not), each referencing objects of earlier paths, one object per path it imports."""
    objects: list[ProtobufSchema] = []
    by_path: dict[int, list[ProtobufSchema]] = {}
    for index in range(paths):
        imported = rng.sample(range(index), min(index, rng.randint(0, 3)))
        for _copy in range(rng.choice((1, 1, 2))):
            references = [rng.choice(by_path[i]) for i in imported]
            held = by_path.setdefault(index, [])
            compiled = held[0].compiled if held and rng.random() < 0.5 else object()
            held.append(_schema(f"p{index}.proto", references, compiled))
            objects.append(held[-1])
    return objects


def _reachable(references: list[ProtobufSchema]) -> list[ProtobufSchema]:
    seen: dict[int, ProtobufSchema] = {}
    pending = list(references)
    while pending:
        schema = pending.pop()
        if id(schema) not in seen:
            seen[id(schema)] = schema
            pending.extend(schema.references)
    return list(seen.values())


@pytest.mark.parametrize("seed", range(40))
def test_the_union_is_the_closure_walk_where_each_path_has_one_schema(seed: int) -> None:
    rng = random.Random(seed)
    objects = _graph(rng, rng.randint(3, 30))
    given = unions = 0
    for _ in range(40):
        references = rng.sample(objects, rng.randint(0, min(4, len(objects))))
        walked = {r.source.import_path: r for r in _closure(references)}
        union = _union(references)
        below = _reachable(references)
        one_each = len({s.source.import_path for s in below}) == len(below)
        assert (union is not None) == one_each
        if union is not None:
            given += 1
            unions += len(references) > 1
            assert union.keys() == walked.keys()
            assert all(union[path] is schema for path, schema in walked.items())
            assert _consistent(walked)
        for reference in references:  # each schema's own reach: itself and all below, one per path
            own = reach(reference)
            below = _reachable([reference])
            if own is None:
                assert len({s.source.import_path for s in below}) < len(below)
            else:
                assert sorted(map(id, own.values())) == sorted(map(id, below))
    assert given


def test_random_graphs_take_both_ways() -> None:
    """The generator makes graphs with and without two objects of one path under a reference list."""
    outcomes = set()
    for seed in range(40):
        rng = random.Random(seed)
        objects = _graph(rng, rng.randint(3, 30))
        for _ in range(40):
            references = rng.sample(objects, rng.randint(0, min(4, len(objects))))
            outcomes.add((_union(references) is None, len(references) > 1))
    assert outcomes == {(False, False), (False, True), (True, False), (True, True)}


def _same_parse(left: ProtobufSchema, right: ProtobufSchema) -> None:
    assert left.compiled is right.compiled
    assert len(left.references) == len(right.references)
    assert all(a is b for a, b in zip(left.references, right.references, strict=True))
    assert left.view._source[1] == right.view._source[1]  # origins
    assert left.view._source[0] is right.view._source[0]  # the compiled closure


def _parsed_by_union(
    schema_format: ProtobufFormat, source: SchemaText, references: list[ProtobufSchema]
) -> tuple[ProtobufSchema, bool]:
    """`parse`'s answer, and whether the union answered it (the walk was never asked)."""
    walks = 0
    walk = schema_format._parse_closure

    def counted(source: SchemaText, references: Any) -> ProtobufSchema:
        nonlocal walks
        walks += 1
        return walk(source, references)

    schema_format._parse_closure = counted  # type: ignore[method-assign]
    try:
        return schema_format.parse(source, references), walks == 0
    finally:
        del schema_format._parse_closure


def _both_ways(schema_format: ProtobufFormat, parsed: dict[str, ProtobufSchema]) -> int:
    """Each schema parsed again both ways from its own references; how many the union answered."""
    taken = 0
    for schema in parsed.values():
        source, references = schema.source, list(schema.references)
        walked = schema_format._parse_closure(source, references)
        fast, by_union = _parsed_by_union(schema_format, source, references)
        _same_parse(fast, walked)
        taken += by_union
    return taken


def test_the_case_corpus_parses_alike_both_ways() -> None:
    taken = 0
    for case in CASES:
        for tree in (
            {**case.old_deps, "topic/value.proto": case.old},
            {**case.new_deps, "topic/value.proto": case.new},
        ):
            schema_format = ProtobufFormat()
            taken += _both_ways(schema_format, _parse_tree(schema_format, tree))
    assert taken > len(CASES)


@pytest.mark.parametrize(("seed", "files", "chain"), [(1, 24, True), (5, 16, False)], ids=["chain", "dag"])
def test_generated_versions_mixed_parse_alike_both_ways(seed: int, files: int, chain: bool) -> None:
    """Every version's files, then each file of a later version parsed with references from two
    versions (one path held by two schemas below: the walk's way, the union steps aside)."""
    schema_format = ProtobufFormat()
    versions = [_parse_tree(schema_format, tree) for tree in _versions(seed, files, chain)]
    assert sum(_both_ways(schema_format, parsed) for parsed in versions)
    first, last = versions[0], versions[-1]
    rng = random.Random(seed)
    mixed = 0
    for path, schema in last.items():
        below = [s.source.import_path for s in _reachable(list(schema.references))]
        references = [*schema.references, *(first[p] for p in rng.sample(below, min(2, len(below))))]
        source = _source(path, schema.source.text)
        try:
            walked = schema_format._parse_closure(source, references)
        except InvalidSchema:  # both ways fail alike
            with pytest.raises(InvalidSchema):
                schema_format.parse(source, references)
            continue
        fast, by_union = _parsed_by_union(schema_format, source, references)
        _same_parse(fast, walked)
        mixed += not by_union
    assert mixed
