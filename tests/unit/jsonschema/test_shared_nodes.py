"""Nodes shared between documents (loader.DocumentLoader `shareable`) must be exactly the nodes a
document loads on its own: same graph, same pointers, same differences and verdicts."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from contractctl.formats.jsonschema import JsonSchemaFormat
from contractctl.formats.jsonschema.diff import compare
from contractctl.formats.jsonschema.differences import COMPATIBLE_CHANGES_STRICT
from contractctl.formats.jsonschema.drafts import Draft
from contractctl.formats.jsonschema.loader import DocumentLoader
from contractctl.formats.jsonschema.model import Node, PatternProperty
from contractctl.formats.jsonschema.refs import SchemaGraph
from contractctl.model import SchemaText
from tests.unit.jsonschema.corpus import documents, mutations

_COMPUTED = ("key", "free")  # cached on a node by canonical.py, not part of what was loaded


def _field(value: Any) -> Any:
    """A node's field with every node in it named by its pointer (the graph is keyed by pointers)."""
    if isinstance(value, Node):
        return ("node", value.pointer)
    if isinstance(value, PatternProperty):
        return ("pattern", value.pattern, value.regex is not None, value.schema.pointer)
    if isinstance(value, dict) or type(value).__name__ == "mappingproxy":
        return ("map", tuple((k, _field(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("seq", type(value).__name__, tuple(_field(v) for v in value))
    return ("value", json.dumps(value, sort_keys=True, default=repr))


def _loaded(document: Any, draft: Draft, shareable: bool) -> tuple[str, Any]:
    """('graph', every pointer's node fields in loading order), or ('error', what was raised)."""
    loader = DocumentLoader(document, draft, shareable=shareable)
    try:
        root = loader.node_at("")
    except Exception as error:  # the same failure either way is agreement too
        return "error", (type(error).__name__, str(error))
    assert loader.nodes[""] is root
    graph = tuple(
        (
            pointer,
            node.kind,
            tuple(sorted((k, _field(v)) for k, v in vars(node).items() if k not in _COMPUTED)),
        )
        for pointer, node in loader.nodes.items()
    )
    return "graph", graph


def _shared_loads(document: Any, draft: Draft) -> int:
    loader = DocumentLoader(document, draft, shareable=True)
    try:
        loader.node_at("")
    except Exception:
        return 0
    return len(loader.nodes)


@pytest.mark.parametrize("draft", list(Draft))
def test_shared_nodes_are_the_nodes_a_document_loads_alone(draft: Draft) -> None:
    rng = random.Random(11)
    candidates = []
    for document in documents():
        candidates += [document, *mutations(document, rng)]
    for candidate in candidates:  # fill the table: later loads take their subtrees from it
        _shared_loads(candidate, draft)
    assert len(candidates) > 1_000
    for candidate in candidates:
        assert _loaded(candidate, draft, shareable=True) == _loaded(candidate, draft, shareable=False), (
            json.dumps(candidate)[:300]
        )


def _graph(document: Any, draft: Draft, shareable: bool) -> Node | None:
    graph = SchemaGraph(document, draft, {})
    graph.loader.shareable = shareable
    try:
        return graph.root
    except Exception:
        return None


def test_differences_and_verdicts_agree_with_and_without_sharing() -> None:
    rng = random.Random(13)
    pairs = []
    for document in documents():
        pairs += [(document, mutated) for mutated in mutations(document, rng)]
    cases = json.loads((corpus_dir() / "confluent_cases.json").read_text())["cases"]
    pairs += [(case["original"], case["update"]) for case in cases]
    compared = 0
    for original, update in pairs:
        if "$ref" in json.dumps([original, update]):
            continue  # documents with references never share nodes
        draft = Draft.DRAFT_7 if "$schema" not in json.dumps(original) else None
        for chosen in [draft] if draft else [Draft.DRAFT_7, Draft.DRAFT_2020_12]:
            alone = (_graph(original, chosen, False), _graph(update, chosen, False))
            shared = (_graph(original, chosen, True), _graph(update, chosen, True))
            if None in alone or None in shared:
                assert (None in alone) == (None in shared)
                continue
            for verdict_only in (False, True):
                expected = _differences(alone[0], alone[1], verdict_only)
                found = _differences(shared[0], shared[1], verdict_only)
                assert found == expected, (json.dumps(original)[:200], json.dumps(update)[:200])
            compared += 1
    assert compared > 1_000


def _differences(original: Node, update: Node, verdict_only: bool) -> Any:
    """The differences (only the incompatible ones when `verdict_only`: skipping identical subtrees
    may drop compatible entries only), or the failure: a mutated schema may be no valid schema."""
    try:
        found = compare(original, update, COMPATIBLE_CHANGES_STRICT, verdict_only=verdict_only)
    except Exception as error:
        return "error", type(error).__name__
    return [d for d in found if not verdict_only or d[0] not in COMPATIBLE_CHANGES_STRICT]


def corpus_dir() -> Any:
    from tests.unit.jsonschema import corpus

    return corpus.HERE


def test_a_text_with_a_reference_shares_nothing_and_one_without_does() -> None:
    referring = '{"properties": {"a": {"$ref": "#/definitions/x"}}, "definitions": {"x": {"type": "string"}}}'
    plain = '{"properties": {"a": {"type": "string"}}}'
    escaped = '{"properties": {"a": {"\\u0024ref": "#/definitions/x"}}, "definitions": {"x": {}}}'
    assert not SchemaGraph(json.loads(referring), Draft.DRAFT_7, {}, referring).loader.shareable
    assert not SchemaGraph(json.loads(escaped), Draft.DRAFT_7, {}, escaped).loader.shareable
    assert SchemaGraph(json.loads(plain), Draft.DRAFT_7, {}, plain).loader.shareable


def test_versions_of_a_contract_share_their_unchanged_subtrees() -> None:
    schema_format = JsonSchemaFormat()
    a = {"type": "string", "maxLength": 3}
    first = {"type": "object", "properties": {"a": a}, "additionalProperties": False}
    second = {
        "type": "object",
        "properties": {"a": a, "b": {"type": "integer"}},
        "additionalProperties": False,
    }
    old = schema_format.parse(SchemaText("v.json", json.dumps(first)), [])
    new = schema_format.parse(SchemaText("v.json", json.dumps(second)), [])
    assert new.root.properties["a"] is old.root.properties["a"]
    assert new.root is not old.root
    assert schema_format.check(new, old) == []  # BACKWARD: a property added to a closed model
    assert [rule for rule, _ in schema_format.differences(old, new)] == [
        "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
    ]
    narrowed = {**second, "properties": {"a": {"type": "string", "maxLength": 2}, "b": {"type": "integer"}}}
    newest = schema_format.parse(SchemaText("v.json", json.dumps(narrowed)), [])
    assert [f.pointer for f in schema_format.check(newest, new)] == ["#/properties/a/maxLength"]
