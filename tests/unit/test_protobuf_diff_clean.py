"""A verdict-only check answers a walk into a pair of message definitions from the pair's context-free
walk (`DiffMemo.clean`: every field followed, no same-source stop, an empty cycle guard) when that walk
found nothing incompatible: a setting only adds stops. The incompatible differences are those of the
plain walk on views of their own, for every importer whatever it saw first, over generated trees and
over recursive types where a wrong "clean" would be remembered for a message the cycle guard cut short.
"""

from __future__ import annotations

import pytest

from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema
from contractctl.formats.protobuf.diff import COMPATIBLE_CHANGES, DiffMemo, OneofRules, compare

from .test_protobuf_diff_memo import RULES, SHAPES, _as_tuples, _fresh_view, _parse_tree, _versions

Pair = tuple[ProtobufSchema, ProtobufSchema]


def _incompatible(
    original: ProtobufSchema, update: ProtobufSchema, rules: OneofRules, forward: bool
) -> list[tuple[str, str, str]]:
    """The plain walk's incompatible differences, on views of their own (no memo, nothing shared)."""
    found = compare(_fresh_view(original), _fresh_view(update), rules, forward=forward)
    return [d for d in _as_tuples(found) if d[0] not in COMPATIBLE_CHANGES[rules]]


def _assert_verdicts(pairs: list[Pair]) -> DiffMemo:
    """Every pair both ways under both rule sets, verdict-only on one memo per rule set, against the
    plain walk; the memo of the last rule set."""
    memo = DiffMemo()
    for rules in RULES:
        memo = DiffMemo()
        for old, new in pairs:
            for original, update, forward in ((old, new, False), (new, old, True)):
                found = compare(original.view, update.view, rules, memo, forward, verdict_only=True)
                expected = _incompatible(original, update, rules, forward)
                assert _as_tuples(found) == expected, (original.source.path, rules, forward)
    return memo


def _pairs_of_shape(seed: int, files: int, chain: bool) -> list[Pair]:
    schema_format = ProtobufFormat()
    trees = [_parse_tree(schema_format, tree) for tree in _versions(seed, files, chain)]
    return [(old[path], new[path]) for i, old in enumerate(trees) for new in trees[i + 1 :] for path in old]


def test_generated_trees_give_the_plain_walks_verdicts() -> None:
    skips = 0
    for shape in SHAPES:
        seed, files, chain = shape.values
        memo = _assert_verdicts(_pairs_of_shape(int(seed), int(files), bool(chain)))
        skips += memo.clean_skips
    assert skips > 100  # the answers were taken from context-free walks, not only computed


_RECURSIVE = """syntax = "proto3";
package acme.common;

message A {{ C c = 1; {a_field} }}
message C {{ A a = 1; {c_field} }}
"""


def _importer(package: str, type_name: str) -> str:
    return (
        f'syntax = "proto3";\npackage acme.{package};\nimport "common/r.proto";\n\n'
        f"message Event {{ acme.common.{type_name} value = 1; }}\n"
    )


@pytest.mark.parametrize(
    ("broken", "first"),
    [("c_field", "A"), ("c_field", "C"), ("a_field", "A"), ("a_field", "C")],
)
def test_a_message_the_cycle_guard_cut_short_is_not_remembered_clean(broken: str, first: str) -> None:
    """A and C refer to each other and one of them breaks. The context-free walk from C into A stops
    at C (under comparison): from there A looks clean, though A's own walk reaches C's break. An
    importer of A checked after an importer of C must still fail, and the other way round."""
    fields = {"a_field": "int32 x = 2;", "c_field": "int32 y = 2;"}
    old_tree = {"common/r.proto": _RECURSIVE.format(**fields)}
    new_fields = {**fields, broken: fields[broken].replace("int32", "string")}
    new_tree = {"common/r.proto": _RECURSIVE.format(**new_fields)}
    second = "C" if first == "A" else "A"
    for tree in (old_tree, new_tree):
        tree["one/value.proto"] = _importer("one", first)
        tree["two/value.proto"] = _importer("two", second)
    schema_format = ProtobufFormat()
    old, new = _parse_tree(schema_format, old_tree), _parse_tree(schema_format, new_tree)
    pairs = [
        (old["one/value.proto"], new["one/value.proto"]),
        (old["two/value.proto"], new["two/value.proto"]),
    ]
    _assert_verdicts(pairs)
    for old_schema, new_schema in pairs:
        assert _incompatible(old_schema, new_schema, "current", False)  # both importers break


def _chain(depth: int, added: int, broken: bool) -> dict[str, str]:
    """Shared files 0..depth-1, each importing the one before and with `added` fields more; a topic
    importing each of them."""
    tree = {}
    for i in range(depth):
        imports = f'import "common/s{i - 1}.proto";\n' if i else ""
        inner = f"  acme.common.S{i - 1} inner = 2;\n" if i else ""
        extra = "".join(f"  string added{n} = {10 + n};\n" for n in range(added))
        kind = "string" if broken and i == 0 else "int32"
        tree[f"common/s{i}.proto"] = (
            f'syntax = "proto3";\npackage acme.common;\n{imports}\n'
            f"message S{i} {{\n  {kind} qty = 1;\n{inner}{extra}}}\n"
        )
        tree[f"t{i}/value.proto"] = (
            f'syntax = "proto3";\npackage acme.t{i};\nimport "common/s{i}.proto";\n\n'
            f"message Event {{ acme.common.S{i} value = 1; }}\n"
        )
    return tree


@pytest.mark.parametrize("broken", [False, True])
def test_every_importer_of_a_chain_gets_the_plain_walks_verdict(broken: bool) -> None:
    """Every file of a chain gains a field (so no importer stops at its direct reference), and the
    leaf's field changes kind or not; every importer, at every depth, is answered as the plain walk
    answers it. A clean pair is walked once, context-free, and every later importer takes the answer
    instead of walking down again."""
    schema_format = ProtobufFormat()
    old = _parse_tree(schema_format, _chain(8, 0, False))
    new = _parse_tree(schema_format, _chain(8, 1, broken))
    pairs = [(old[f"t{i}/value.proto"], new[f"t{i}/value.proto"]) for i in range(8)]
    memo = _assert_verdicts(pairs)
    if broken:
        assert memo.clean_skips == 0
        assert all(_incompatible(o, n, "current", False) for o, n in pairs)
    else:
        assert memo.walks == 0  # no walk in the importers' own settings was needed
        assert memo.free_walks == 2 * 8  # once per shared message and direction
        assert memo.clean_skips == 2 * 8


def test_a_pair_one_importer_stops_in_is_followed_for_another() -> None:
    """`m` breaks below `l`, whose text is the same; `s` (changed) imports `l`. The first importer takes
    `l` directly too, so its walk stops there (the same direct reference, the same text) and it passes;
    the second reaches `l` only through `s`, so its walk goes down to `m` and fails. The first one's
    stop must not make `s` look clean to the second."""
    m_old = 'syntax = "proto3";\npackage acme.m;\n\nmessage M { int32 qty = 1; }\n'
    l_text = (
        'syntax = "proto3";\npackage acme.l;\nimport "common/m.proto";\n\nmessage L { acme.m.M m = 1; }\n'
    )
    s_old = 'syntax = "proto3";\npackage acme.s;\nimport "common/l.proto";\n\nmessage S { acme.l.L l = 1; }\n'
    first = (
        'syntax = "proto3";\npackage acme.one;\nimport "common/s.proto";\nimport "common/l.proto";\n\n'
        "message Event { acme.s.S s = 1; acme.l.L l = 2; }\n"
    )
    second = (
        'syntax = "proto3";\npackage acme.two;\nimport "common/s.proto";\n\n'
        "message Event { acme.s.S s = 1; }\n"
    )
    old_tree = {"common/m.proto": m_old, "common/l.proto": l_text, "common/s.proto": s_old}
    new_tree = {
        "common/m.proto": m_old.replace("int32", "string"),
        "common/l.proto": l_text,
        "common/s.proto": s_old.replace("l = 1;", "l = 1; string note = 2;"),
    }
    for tree in (old_tree, new_tree):
        tree["one/value.proto"] = first
        tree["two/value.proto"] = second
    schema_format = ProtobufFormat()
    old, new = _parse_tree(schema_format, old_tree), _parse_tree(schema_format, new_tree)
    pairs = [(old[f"{name}/value.proto"], new[f"{name}/value.proto"]) for name in ("one", "two")]
    _assert_verdicts(pairs)
    assert not _incompatible(*pairs[0], "current", False)
    assert _incompatible(*pairs[1], "current", False)
