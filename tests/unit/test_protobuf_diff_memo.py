"""The diff memo (walks into referenced message types remembered across comparisons) and the views
shared across closures and protoc runs change no difference: every pair of the case corpus and of
generated trees (deep import chains, diamonds, recursive messages, random mutations, direct references
whose text did or did not change), compared with the memo on shared views and without it on views of
their own, gives the same differences in the same order; and the memo does save walks."""

from __future__ import annotations

import random
from pathlib import PurePosixPath

import pytest

from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema, diff
from contractctl.formats.protobuf.compile import contract_imports
from contractctl.formats.protobuf.diff import Difference, DiffMemo, OneofRules, compare
from contractctl.formats.protobuf.model import SchemaView, schema_view
from contractctl.model import SchemaText

from .protobuf_cases import CASES, p3

RULES: tuple[OneofRules, ...] = ("current", "legacy")
Tree = dict[str, str]  # import path -> text


def _source(path: str, text: str) -> SchemaText:
    return SchemaText(PurePosixPath(f"contracts/{path}"), text, root="contracts")


def _parse_tree(schema_format: ProtobufFormat, tree: Tree) -> dict[str, ProtobufSchema]:
    """Every file of `tree` parsed with its imports as they are in `tree`; one protoc run for all, so
    the files they share are the same descriptors (and views) in every closure, as in a real check."""
    schema_format.prepare([_source(p, t) for p, t in tree.items()], all_parsed=True)
    parsed: dict[str, ProtobufSchema] = {}

    def parse(path: str) -> ProtobufSchema:
        if path not in parsed:
            text = tree[path]
            references = [parse(i) for i in contract_imports(text) if i in tree]
            parsed[path] = schema_format.parse(_source(path, text), references)
        return parsed[path]

    for path in tree:
        parse(path)
    return parsed


def _as_tuples(found: list[Difference]) -> list[tuple[str, str, str]]:
    return [(d.type, d.path, d.detail) for d in found]


def _fresh_view(schema: ProtobufSchema) -> SchemaView:
    """The schema's view built from its descriptors alone: no view shared with another closure."""
    origins: dict[str, object] = {
        r.source.import_path: (r.source.import_path, r.source.text) for r in schema.references
    }
    return schema_view(schema.compiled.closure, origins)


def _assert_same_with_and_without(
    pairs: list[tuple[ProtobufSchema, ProtobufSchema]], memos: dict[str, DiffMemo]
) -> None:
    """The memo (on the shared views a check uses) against the plain walk on views of their own."""
    for rules in RULES:
        memo = memos[rules]
        for old, new in pairs:
            for original, update in ((old, new), (new, old)):
                plain = compare(_fresh_view(original), _fresh_view(update), rules)
                memoized = compare(original.view, update.view, rules, memo)
                assert _as_tuples(memoized) == _as_tuples(plain), (original.source.path, rules)


def test_the_case_corpus_gives_the_same_differences_with_the_memo() -> None:
    schema_format = ProtobufFormat()
    memos = {rules: DiffMemo() for rules in RULES}
    pairs = []
    for case in CASES:
        old = _parse_tree(schema_format, {**case.old_deps, "topic/value.proto": case.old})
        new = _parse_tree(schema_format, {**case.new_deps, "topic/value.proto": case.new})
        pairs.append((old["topic/value.proto"], new["topic/value.proto"]))
    _assert_same_with_and_without(pairs, memos)
    _assert_same_with_and_without(pairs, memos)  # again, now from the memo's entries


# -- generated trees ----------------------------------------------------------------------------

_SCALARS = ("int32", "int64", "uint32", "sint32", "bool", "string", "bytes", "fixed32", "double", "float")


def _message(rng: random.Random, name: str, targets: list[str], self_refs: list[str], version: int) -> str:
    """A message of scalars, enums, nested and recursive messages, maps and oneofs; `targets` are
    message types it may use (imported or local), `self_refs` the recursive ones of its own file."""
    lines = [f"message {name} {{", "  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }"]
    lines.append("  message Inner { string key = 1; repeated Inner more = 2; int32 n = 3; }")
    number = 1
    for _ in range(rng.randint(2, 6)):
        roll = rng.random()
        if roll < 0.35 and targets:
            lines.append(f"  {rng.choice(targets)} ref{number} = {number};")
        elif roll < 0.45 and self_refs:
            lines.append(f"  repeated {rng.choice(self_refs)} rec{number} = {number};")
        elif roll < 0.55 and targets:
            lines.append(f"  map<string, {rng.choice(targets)}> by_key{number} = {number};")
        elif roll < 0.65:
            lines.append(
                f"  oneof choice{number} {{ string text{number} = {number}; "
                f"Inner inner{number} = {number + 1}; }}"
            )
            number += 1
        elif roll < 0.72:
            lines.append(f"  Kind kind{number} = {number};")
        elif roll < 0.8:
            lines.append(f"  Inner nested{number} = {number};")
        else:
            lines.append(f"  {rng.choice(_SCALARS)} s{number} = {number};")
        number += 1
    lines += [f"  string added{n} = {100 + n};" for n in range(version)]
    return "\n".join(lines) + "\n}"


def _tree(seed: int, files: int, chain: bool) -> Tree:
    rng = random.Random(seed)
    tree: Tree = {}
    names: dict[str, list[str]] = {}
    for index in range(files):
        path = f"p{index % 3}/f{index}.proto"
        package = f"acme.p{index % 3}"
        if index == 0:
            imported: list[str] = []
        elif chain:
            imported = [f"p{(index - 1) % 3}/f{index - 1}.proto"]
        else:
            imported = sorted(rng.sample(list(tree), min(len(tree), rng.randint(1, 3))))
        targets = [n for i in imported for n in names[i]]
        own = [f"M{index}x{k}" for k in range(rng.randint(1, 3))]
        body = []
        for k, name in enumerate(own):
            earlier = [f"{package}.{n}" for n in own[:k]]
            # any message of its own file, later ones too: recursive and mutually recursive types
            local = [f"{package}.{n}" for n in own]
            body.append(_message(rng, name, targets + earlier, local, 0))
        head = ['syntax = "proto3";', f"package {package};", *(f'import "{i}";' for i in imported)]
        tree[path] = "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n"
        names[path] = [f"{package}.{n}" for n in own]
    return tree


def _mutate(rng: random.Random, text: str) -> str:
    """One change a contract's author might make: compatible or not."""
    lines = text.splitlines()
    fields = [
        i for i, line in enumerate(lines) if line.startswith("  ") and " = " in line and "enum" not in line
    ]
    choice = rng.randrange(7)
    if not fields or choice == 0:
        at = next(i for i, line in enumerate(lines) if line.startswith("message "))
        lines.insert(at + 1, f"  string fresh{rng.randrange(1000)} = {500 + rng.randrange(400)};")
    elif choice == 1:
        del lines[rng.choice(fields)]
    elif choice == 2:
        i = rng.choice(fields)
        for scalar in _SCALARS:
            if f" {scalar} " in lines[i]:
                lines[i] = lines[i].replace(f" {scalar} ", f" {rng.choice(_SCALARS)} ", 1)
                break
    elif choice == 3:
        i = rng.choice(fields)
        lines[i] = lines[i].replace(" = ", "_renamed = ", 1)
    elif choice == 4:
        i = rng.choice(fields)
        if "repeated" not in lines[i] and "map<" not in lines[i] and "oneof" not in lines[i]:
            lines[i] = lines[i].replace("  ", "  repeated ", 1)
    elif choice == 5:
        i = rng.choice(fields)
        if "oneof" not in lines[i] and "map<" not in lines[i] and "repeated" not in lines[i]:
            lines[i] = "  oneof wrapped" + str(i) + " {" + lines[i] + " }"
    else:
        lines = [line.replace("KIND_A = 1;", "KIND_A = 1; KIND_B = 2;", 1) for line in lines]
    return "\n".join(lines) + "\n"


def _versions(seed: int, files: int, chain: bool) -> list[Tree]:
    """A tree and later ones: a quarter of the files mutated each time (the rest left as they were,
    so direct references keep their text), each compilable by protoc."""
    rng = random.Random(seed * 7919)
    trees = [_tree(seed, files, chain)]
    for _ in range(3):
        candidate = dict(trees[-1])
        for path in rng.sample(sorted(candidate), max(1, files // 4)):
            candidate[path] = _mutate(rng, candidate[path])
        if _compiles(candidate):
            trees.append(candidate)
    return trees


def _compiles(tree: Tree) -> bool:
    from contractctl.formats.protobuf.compile import CompileFailed, run_protoc

    try:
        run_protoc(tree, sorted(tree))
    except CompileFailed:
        return False
    return True


SHAPES = [
    pytest.param(seed, files, chain, id=f"{'chain' if chain else 'dag'}-{files}-{seed}")
    for seed, files, chain in [
        *((seed, 6 + seed, True) for seed in range(1, 5)),
        *((seed, 6 + seed, False) for seed in range(5, 13)),
    ]
]


@pytest.mark.parametrize(("seed", "files", "chain"), SHAPES)
def test_generated_trees_give_the_same_differences_with_the_memo(seed: int, files: int, chain: bool) -> None:
    """Every version against every later one, each file a subject: one memo for all of them."""
    schema_format = ProtobufFormat()
    memos = {rules: DiffMemo() for rules in RULES}
    trees = [_parse_tree(schema_format, tree) for tree in _versions(seed, files, chain)]
    assert len(trees) >= 2  # at least one mutated version compiled
    pairs = [(old[path], new[path]) for i, old in enumerate(trees) for new in trees[i + 1 :] for path in old]
    _assert_same_with_and_without(pairs, memos)
    assert sum(m.walks for m in memos.values()) > 0  # the memo was in the way, not bypassed


def _chain(depth: int, version: int, changed: set[int]) -> Tree:
    """shared0 <- shared1 <- ... (each holding the one before) and one importer per shared file."""
    tree: Tree = {}
    for index in range(depth):
        added = version if index in changed else 0
        imports = f'import "common/s{index - 1}.proto";\n' if index else ""
        inner = f"  acme.common.S{index - 1} inner = 5;\n" if index else ""
        tree[f"common/s{index}.proto"] = (
            f'syntax = "proto3";\npackage acme.common;\n{imports}\nmessage S{index} {{\n'
            "  message Tag { string key = 1; }\n  string id = 1;\n  repeated Tag tags = 3;\n"
            f"{inner}" + "".join(f"  string added{n} = {100 + n};\n" for n in range(added)) + "}\n"
        )
    for index in range(depth):
        tree[f"t{index}/value.proto"] = (
            f'syntax = "proto3";\npackage acme.t{index};\nimport "common/s{index}.proto";\n\n'
            f"message Event{index} {{\n  acme.common.S{index} shared = 1;\n}}\n"
        )
    return tree


def _count_message_comparisons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    compare_messages = diff._compare_messages

    def counted(*args: object) -> None:
        calls[0] += 1
        compare_messages(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(diff, "_compare_messages", counted)
    return calls


def test_the_memo_walks_a_deep_chain_once_not_once_per_importer(monkeypatch: pytest.MonkeyPatch) -> None:
    depth = 30
    schema_format = ProtobufFormat()
    old = _parse_tree(schema_format, _chain(depth, 0, set()))
    # every shared file gained a field: an importer's direct reference changed, so the walk follows
    # it, and the files below it are no direct references of the importer: followed all the way down
    new = _parse_tree(schema_format, _chain(depth, 1, set(range(depth))))
    topics = [f"t{index}/value.proto" for index in range(depth)]
    calls = _count_message_comparisons(monkeypatch)
    plain = [_as_tuples(compare(old[t].view, new[t].view)) for t in topics]
    without = calls[0]
    calls[0] = 0
    memo = DiffMemo()
    memoized = [_as_tuples(compare(old[t].view, new[t].view, "current", memo)) for t in topics]
    with_memo = calls[0]
    assert memoized == plain
    # every importer reports the field added at the bottom, through the whole chain above it
    assert ("FIELD_ADDED", "#/S0/100", "field added0 = 100 in message acme.common.S0 was added") in plain[-1]
    # without the memo each importer walks its whole chain: about 2 * depth^2 comparisons (each S and
    # its nested Tag); with it, each pair of definitions is walked once: per importer its own
    # message, its S (walked), S's Tag (followed from a field and compared as nested)
    assert without > depth * depth
    assert with_memo <= 4 * depth
    assert memo.walks <= 2 * depth and memo.reused >= depth - 1


def test_a_walk_is_not_reused_where_a_direct_reference_stops_it() -> None:
    """g.proto keeps its text while h.proto, which it imports, breaks. An importer of f.proto alone
    follows f -> g -> h and sees the break; one that imports g.proto directly too stops at g (same
    reference, same text), so the walk into F remembered for the first does not hold for it."""
    h = p3("message H { string a = 1; }", "acme")
    g = p3("message G { acme.H h = 1; }", "acme", ("h.proto",))
    f = p3("message F { acme.G g = 1; }", "acme", ("g.proto",))
    r1 = p3("message R1 { acme.F f = 1; }", "acme.one", ("f.proto",))
    r2 = p3("message R2 { acme.F f = 1; acme.G g2 = 2; }", "acme.two", ("f.proto", "g.proto"))
    before = {"h.proto": h, "g.proto": g, "f.proto": f, "r1.proto": r1, "r2.proto": r2}
    after = {
        **before,
        "h.proto": p3("message H { int64 a = 1; }", "acme"),
        "f.proto": p3("message F { acme.G g = 1; string extra = 2; }", "acme", ("g.proto",)),
    }
    schema_format = ProtobufFormat()
    old, new = _parse_tree(schema_format, before), _parse_tree(schema_format, after)
    memo = DiffMemo()
    seen = {}
    for root in ("r1.proto", "r2.proto"):
        found = _as_tuples(compare(old[root].view, new[root].view, "current", memo))
        assert found == _as_tuples(compare(_fresh_view(old[root]), _fresh_view(new[root])))
        seen[root] = {kind for kind, _, _ in found}
    assert "FIELD_SCALAR_KIND_CHANGED" in seen["r1.proto"]
    assert seen["r2.proto"] == {"FIELD_ADDED"}
