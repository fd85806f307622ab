"""Two ways the Protobuf diff does less work change no difference: skipping the walk into two equal
message definitions naming no type (`_plain`), and leaving compatible differences out when only the
verdict is wanted (`compare(..., verdict_only=True)`, what a check asks). Both are compared with the
full walk over the case corpus and generated trees (with the diff memo and without), and with a
chain whose importers see each shared file's scalar-only message through views of their own."""

from __future__ import annotations

import pytest

from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema, diff
from contractctl.formats.protobuf.diff import COMPATIBLE_CHANGES, Difference, DiffMemo, OneofRules, compare

from .protobuf_cases import CASES
from .test_protobuf_diff_memo import SHAPES, _fresh_view, _parse_tree, _versions

RULES: tuple[OneofRules, ...] = ("current", "legacy")
Found = list[tuple[str, str, str, str | None]]


def _as_tuples(found: list[Difference]) -> Found:
    return [(d.type, d.path, d.detail, d.within) for d in found]


def _pairs_of_cases() -> list[tuple[ProtobufSchema, ProtobufSchema]]:
    schema_format = ProtobufFormat()
    pairs = []
    for case in CASES:
        old = _parse_tree(schema_format, {**case.old_deps, "topic/value.proto": case.old})
        new = _parse_tree(schema_format, {**case.new_deps, "topic/value.proto": case.new})
        pairs.append((old["topic/value.proto"], new["topic/value.proto"]))
    return pairs


def _pairs_of_shape(seed: int, files: int, chain: bool) -> list[tuple[ProtobufSchema, ProtobufSchema]]:
    schema_format = ProtobufFormat()
    trees = [_parse_tree(schema_format, tree) for tree in _versions(seed, files, chain)]
    return [(old[path], new[path]) for i, old in enumerate(trees) for new in trees[i + 1 :] for path in old]


def _full_walks(pairs: list[tuple[ProtobufSchema, ProtobufSchema]], rules: OneofRules) -> list[Found]:
    """Every difference of every pair, both ways, by the plain walk without the shortcut."""
    out = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diff, "_plain", lambda message: False)
        for old, new in pairs:
            for original, update, forward in ((old, new, False), (new, old, True)):
                found = compare(_fresh_view(original), _fresh_view(update), rules, forward=forward)
                out.append(_as_tuples(found))
    return out


def _assert_same(pairs: list[tuple[ProtobufSchema, ProtobufSchema]]) -> None:
    for rules in RULES:
        expected = _full_walks(pairs, rules)
        allowed = COMPATIBLE_CHANGES[rules]
        incompatible = [[d for d in found if d[0] not in allowed] for found in expected]
        memo = DiffMemo()
        for _ in range(2):  # the second time from the memo's entries
            full, verdicts, fresh = [], [], []
            for old, new in pairs:
                for original, update, forward in ((old, new, False), (new, old, True)):
                    found = compare(original.view, update.view, rules, memo, forward)
                    full.append(_as_tuples(found))
                    found = compare(original.view, update.view, rules, memo, forward, verdict_only=True)
                    verdicts.append(_as_tuples(found))
                    found = compare(_fresh_view(original), _fresh_view(update), rules, forward=forward)
                    fresh.append(_as_tuples(found))
            assert full == expected
            assert fresh == expected
            assert verdicts == incompatible


def test_the_case_corpus_gives_the_same_differences_with_the_shortcuts() -> None:
    _assert_same(_pairs_of_cases())


@pytest.mark.parametrize(("seed", "files", "chain"), SHAPES[::3])
def test_generated_trees_give_the_same_differences_with_the_shortcuts(
    seed: int, files: int, chain: bool
) -> None:
    _assert_same(_pairs_of_shape(seed, files, chain))


def _shared(index: int, version: int, tag_field: str = "string value = 2;") -> str:
    inner = f"  acme.common.Shared{index - 1} inner = 5;\n" if index else ""
    imports = f'import "common/shared{index - 1}.proto";\n' if index else ""
    added = "".join(f"  string added{n} = {100 + n};\n" for n in range(version))
    return (
        f'syntax = "proto3";\npackage acme.common;\n{imports}\n'
        f"message Shared{index} {{\n"
        f"  message Tag {{ string key = 1; {tag_field} map<string, int64> n = 3; }}\n"
        f"  repeated Tag tags = 3;\n{inner}{added}}}\n"
    )


def _chain(depth: int, version: int, tag_field: str = "string value = 2;") -> dict[str, str]:
    tree = {f"common/shared{i}.proto": _shared(i, version, tag_field) for i in range(depth)}
    tree["topic/value.proto"] = (
        f'syntax = "proto3";\npackage acme.topic;\nimport "common/shared{depth - 1}.proto";\n\n'
        f"message Event {{ acme.common.Shared{depth - 1} shared = 1; }}\n"
    )
    return tree


def test_equal_scalar_only_messages_of_other_file_contents_are_not_walked() -> None:
    """Each shared file gained a field, so its Tag's two views are of other file contents (not the same
    field lists) though equal: the walk into them is skipped, and the differences are the same."""
    schema_format = ProtobufFormat()
    old = _parse_tree(schema_format, _chain(6, 0))["topic/value.proto"]
    new = _parse_tree(schema_format, _chain(6, 1))["topic/value.proto"]
    _assert_same([(old, new)])
    memo = DiffMemo()
    found = compare(old.view, new.view, "current", memo)
    assert memo.plain == 6  # one Tag per shared file
    assert memo.walks == 6  # the Shared messages only
    assert [d.type for d in found] == ["FIELD_ADDED"] * 6
    assert compare(old.view, new.view, "current", memo, verdict_only=True) == []


def test_a_changed_scalar_only_message_is_still_walked() -> None:
    """Equal is required, not only scalar-only: a Tag whose field changed type is compared (a naive
    "no type name, nothing to find" key would miss FIELD_SCALAR_KIND_CHANGED in every shared file)."""
    schema_format = ProtobufFormat()
    old = _parse_tree(schema_format, _chain(4, 0))["topic/value.proto"]
    new = _parse_tree(schema_format, _chain(4, 0, "int64 value = 2;"))["topic/value.proto"]
    _assert_same([(old, new)])
    memo = DiffMemo()
    found = compare(old.view, new.view, "current", memo, verdict_only=True)
    assert memo.plain == 0
    kinds = [d.type for d in found]
    changed = {(d.within, d.path) for d in found if d.type == "FIELD_SCALAR_KIND_CHANGED"}
    assert changed == {(f"common/shared{i}.proto", f"#/Shared{i}/Tag/2") for i in range(4)}
    assert "FIELD_NAMED_TYPE_CHANGED" in kinds  # each enclosing message changed incompatibly
