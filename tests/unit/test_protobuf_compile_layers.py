"""A later layer's graph taken over from the first layer's (`_Graph.beside`) gives every file the
node a walk of that layer gives it: generated layers of one set of import paths, where files change
texts, imports come and go, files go missing, import themselves or each other in cycles, and where the
first layer's nodes are compiled or not."""

from __future__ import annotations

import itertools
import random

import pytest

from contractctl.formats.protobuf.compile import Compiler, NodeKey, _Graph

PATHS = [f"p{index}/f.proto" for index in range(14)]


def _text(path: str, imports: list[str], revision: int) -> str:
    lines = ['syntax = "proto3";', f"package {path.split('/')[0]};"]
    lines += [f'import "{dependency}";' for dependency in imports]
    lines.append(f"message M{revision} {{}}")
    return "\n".join(lines) + "\n"


def _versions(chooser: random.Random) -> dict[str, list[str]]:
    """A few texts per path, importing files further down (mostly) or anywhere (a cycle, itself)."""
    versions: dict[str, list[str]] = {}
    for index, path in enumerate(PATHS):
        texts = []
        for revision in range(3):
            lower = PATHS[index + 1 :]
            imports = chooser.sample(lower, min(len(lower), chooser.randrange(3)))
            if chooser.random() < 0.1:
                imports.append(chooser.choice(PATHS))  # upwards: a cycle, or the file itself
            texts.append(_text(path, imports, revision))
        versions[path] = texts
    return versions


def _layer(chooser: random.Random, versions: dict[str, list[str]], like: dict[str, str]) -> dict[str, str]:
    """Another state: most files as in `like`, some at another revision, some missing or added; equal
    texts sometimes as other string objects (the comparison is by value)."""
    layer: dict[str, str] = {}
    for path in PATHS:
        roll = chooser.random()
        if roll < 0.1:
            continue  # missing here
        if path in like and roll < 0.75:
            text = like[path]
            layer[path] = "".join(list(text)) if chooser.random() < 0.3 else text
        else:
            layer[path] = chooser.choice(versions[path])
    return layer


def _fresh_tables() -> tuple[dict[NodeKey, int], list[NodeKey], itertools.count[int]]:
    return {}, [], itertools.count(-1, -1)


@pytest.mark.parametrize("seed", range(40))
def test_a_graph_taken_over_from_the_first_layer_gives_the_walked_nodes(seed: int) -> None:
    chooser = random.Random(seed)
    versions = _versions(chooser)
    nodes, keys, fresh = _fresh_tables()
    first_layer = {path: chooser.choice(texts) for path, texts in versions.items()}
    first = _Graph(nodes, keys, fresh, first_layer)
    for path in first_layer:
        first.of(path)
    # some of the first layer's nodes compiled (a refused file is not)
    compiled = {node for node in first.node.values() if node >= 0 and chooser.random() < 0.85}
    for _ in range(8):
        layer = _layer(chooser, versions, first_layer)
        taken = _Graph.beside(first, layer, compiled)
        assert set(taken.node) == set(layer)  # every file has its node without asking for it
        walked = _Graph(nodes, keys, fresh, layer)
        for path in layer:
            expected, found = walked.of(path), taken.of(path)
            if expected < 0:  # a file of (or importing) a cycle: a node equal to no other
                assert found < 0 and found != first.node.get(path), (seed, path)
            else:
                assert found == expected, (seed, path, layer)
            assert taken.closure(path) == walked.closure(path)
        # what a run compiles (nodes not compiled) was walked, imports first
        pending = [path for path in layer if taken.of(path) not in compiled]
        assert set(pending) <= set(taken.order)
        position = {path: index for index, path in enumerate(taken.order)}
        for path in pending:
            for dependency in walked.imports.get(path, ()):
                if dependency in position and dependency != path and taken.of(dependency) >= 0:
                    assert position[dependency] < position[path]


def test_a_long_history_walks_only_the_files_that_differ() -> None:
    """Layers that differ from the first in one file each walk that file and its importers only."""
    chain = {path: _text(path, PATHS[index + 1 : index + 2], 0) for index, path in enumerate(PATHS)}
    compiler = Compiler()
    compiler.compile_many([chain], source_info=False)
    nodes_before = len(compiler._nodes)
    nodes, keys, fresh = _fresh_tables()
    first = _Graph(nodes, keys, fresh, chain)
    for path in chain:
        first.of(path)
    later = {**chain, PATHS[10]: _text(PATHS[10], PATHS[11:12], 1)}
    taken = _Graph.beside(first, later, set(first.node.values()))
    assert sorted(taken.order) == sorted(PATHS[:11])  # the changed file and the files above it
    assert nodes_before == len(PATHS)
