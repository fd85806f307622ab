"""A parse finds its file's node from its references' nodes (`Compiler.compile_imported`) instead of
walking the whole import closure again; it must give exactly what the walk gives.

Differential: every version of every file of the Protobuf case corpus and of generated histories
(import chains, diamonds, random mutations) parsed with the shortcut and without it gives equal
descriptors and closures (same files, same order), and the shortcut was taken. A closure whose
references were parsed against two texts of one import (versions from different commits) is not
consistent: the shortcut stands aside and the walk decides, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

import pytest

from contractctl.formats.base import InvalidSchema
from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema
from contractctl.formats.protobuf.compile import Compiled, Compiler, contract_imports
from contractctl.model import SchemaText

from .protobuf_cases import CASES, p3
from .test_protobuf_diff_memo import _chain, _versions

Tree = dict[str, str]


def _source(path: str, text: str) -> SchemaText:
    return SchemaText(PurePosixPath(f"contracts/{path}"), text, root="contracts")


def _histories() -> Iterator[list[Tree]]:
    for case in CASES:
        yield [{**case.old_deps, "case/m.proto": case.old}, {**case.new_deps, "case/m.proto": case.new}]
    for seed, files, chain in [(1, 7, True), (3, 9, True), (5, 9, False), (8, 12, False), (11, 14, False)]:
        yield _versions(seed, files, chain)
    yield [_chain(15, version, {2, 9} if version else set()) for version in range(3)]


def _parse_all(schema_format: ProtobufFormat, history: list[Tree]) -> list[ProtobufSchema | None]:
    """Every file of every tree, each tree's files parsed against the same tree's references."""
    out: list[ProtobufSchema | None] = []
    for index, tree in enumerate(history):
        if index % 2 == 0:  # compiled up front, as a check does; odd trees compile as they parse
            schema_format.prepare([_source(p, t) for p, t in tree.items()], all_parsed=True)
        parsed: dict[str, ProtobufSchema | None] = {}

        def parse(path: str, tree: Tree = tree, parsed: dict[str, ProtobufSchema | None] = parsed) -> None:
            if path in parsed:
                return
            parsed[path] = None
            text = tree[path]
            for imported in contract_imports(text):
                if imported in tree:
                    parse(imported)
            references = [r for i in contract_imports(text) if (r := parsed.get(i)) is not None]
            try:
                parsed[path] = schema_format.parse(_source(path, text), references)
            except InvalidSchema:
                parsed[path] = None

        for path in sorted(tree):
            parse(path)
        out.extend(parsed[path] for path in sorted(tree))
    return out


def _same(ours: Compiled, theirs: Compiled) -> None:
    assert ours.file == theirs.file
    assert [f.name for f in ours.closure] == [f.name for f in theirs.closure]
    assert list(ours.closure) == list(theirs.closure)


def test_the_shortcut_gives_what_the_closure_walk_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = 0
    real = Compiler.compile_imported

    def counting(self: Compiler, *args: object) -> Compiled | None:
        nonlocal taken
        found = real(self, *args)  # type: ignore[arg-type]
        taken += found is not None
        return found

    for history in _histories():
        with monkeypatch.context() as patch:
            patch.setattr(Compiler, "compile_imported", counting)
            ours = _parse_all(ProtobufFormat(), history)
        with monkeypatch.context() as patch:
            patch.setattr(Compiler, "compile_imported", lambda *args: None)
            theirs = _parse_all(ProtobufFormat(), history)
        assert [o is None for o in ours] == [t is None for t in theirs]
        for mine, plain in zip(ours, theirs, strict=True):
            if mine is not None and plain is not None:
                _same(mine.compiled, plain.compiled)
    assert taken > 100  # the shortcut was taken, not bypassed


KIND_ENUM = p3("enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }", "acme.d")
KIND_MESSAGE = p3("message Kind { string name = 1; }", "acme.d")
B = p3("message B { acme.d.Kind kind = 1; }", "acme.b", ("d/kind.proto",))
C = p3("message C { acme.d.Kind kind = 1; }", "acme.c", ("d/kind.proto",))
A = p3("message A { acme.b.B b = 1; acme.c.C c = 2; }", "acme.a", ("b/b.proto", "c/c.proto"))


@pytest.mark.parametrize("order", ["enum-first", "message-first"])
def test_references_parsed_against_two_texts_of_an_import_take_the_walk(
    order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B was parsed when Kind was an enum, C when it was a message (two commits); A's closure holds
    both. The walk lays out one text per path; the shortcut must not answer differently."""
    results = []
    for shortcut in (True, False):
        schema_format = ProtobufFormat()
        if not shortcut:
            monkeypatch.setattr(schema_format.compiler, "compile_imported", lambda *args: None)
        as_enum = schema_format.parse(_source("d/kind.proto", KIND_ENUM), [])
        as_message = schema_format.parse(_source("d/kind.proto", KIND_MESSAGE), [])
        b = schema_format.parse(_source("b/b.proto", B), [as_enum])
        c = schema_format.parse(_source("c/c.proto", C), [as_message])
        references = [b, c] if order == "enum-first" else [c, b]
        try:
            parsed = schema_format.parse(_source("a/a.proto", A), references)
            results.append(("ok", parsed.compiled.file, list(parsed.compiled.closure)))
        except InvalidSchema as error:
            results.append(("invalid", [f.message for f in error.findings], []))
    assert results[0] == results[1]


X = p3("message X { acme.d.Kind kind = 1; }", "acme.x", ("d/kind.proto",))
ONLY_B = p3("message A { acme.b.B b = 1; }", "acme.a", ("b/b.proto",))


def test_a_reference_bringing_another_text_of_an_import_takes_the_walk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A imports only B (compiled against Kind as an enum, and A with it once), but is handed X too,
    whose closure holds Kind as a message: the walk and the shortcut (which knows A's node from the
    first parse) must answer alike. The walk takes Kind from B: the text nearest the importer, its
    own imports first in their order, then theirs (round 16; it used to walk the last reference
    first, X's message)."""
    results = []
    for shortcut in (True, False):
        schema_format = ProtobufFormat()
        if not shortcut:
            monkeypatch.setattr(schema_format.compiler, "compile_imported", lambda *args: None)
        as_enum = schema_format.parse(_source("d/kind.proto", KIND_ENUM), [])
        as_message = schema_format.parse(_source("d/kind.proto", KIND_MESSAGE), [])
        b = schema_format.parse(_source("b/b.proto", B), [as_enum])
        x = schema_format.parse(_source("x/x.proto", X), [as_message])
        first = schema_format.parse(_source("a/a.proto", ONLY_B), [b])
        again = schema_format.parse(_source("a/a.proto", ONLY_B), [b, x])
        results.append((first.compiled.closure, again.compiled.closure))
    assert results[0] == results[1]
    kinds = {f.name: f for f in results[0][1]}["d/kind.proto"]
    assert kinds.enum_type and not kinds.message_type  # B's Kind, the one A was compiled with
