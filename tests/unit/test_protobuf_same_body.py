"""Two own-file messages sharing their fields (one file content: model.rewrapped) are compared by the
fields naming a type the own file does not define (diff._same_body); the differences are exactly
those of the whole pass, in the same order, under both rule sets, with and without the memo: over
generated trees where a file is compared with its earlier version while its imports changed, and
hand-made cases where an imported type changes kind or its definition under a field in a oneof."""

from __future__ import annotations

import itertools

import pytest

from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema, diff
from contractctl.formats.protobuf.diff import DiffMemo, compare

from .test_protobuf_diff_memo import RULES, Tree, _as_tuples, _parse_tree, _versions


def _whole_pass(ctx: diff._Context, original: diff.MessageView, update: diff.MessageView) -> None:
    if ctx.rules == "legacy":
        diff._compare_fields_legacy(ctx, original, update)
    else:
        diff._compare_fields(ctx, original, update)


def _assert_alike(
    monkeypatch: pytest.MonkeyPatch, pairs: list[tuple[ProtobufSchema, ProtobufSchema]]
) -> tuple[int, int]:
    """Every pair both ways under both rule sets, with the short pass and without it (each with a
    memo of its own and with none); (short passes taken, differences found)."""
    taken = found = 0
    short = diff._same_body

    def counted(ctx: diff._Context, original: diff.MessageView, update: diff.MessageView) -> None:
        nonlocal taken
        taken += 1
        short(ctx, original, update)

    for rules in RULES:
        memos = [DiffMemo(), DiffMemo()]
        for old, new in pairs:
            for original, update in ((old, new), (new, old)):
                answers = []
                for memo in (None, memos[0]):
                    monkeypatch.setattr(diff, "_same_body", counted)
                    with_short = _as_tuples(compare(original.view, update.view, rules, memo))
                    monkeypatch.setattr(diff, "_same_body", _whole_pass)
                    plain_memo = memos[1] if memo is not None else None
                    without = _as_tuples(compare(original.view, update.view, rules, plain_memo))
                    assert with_short == without, (original.source.path, rules)
                    answers.append(with_short)
                assert answers[0] == answers[1]
                found += len(answers[0])
    return taken, found


def _pairs(trees: list[Tree]) -> list[tuple[ProtobufSchema, ProtobufSchema]]:
    schema_format = ProtobufFormat()
    parsed = [_parse_tree(schema_format, tree) for tree in trees]
    pairs = []
    for earlier, later in itertools.pairwise(parsed):
        pairs += [(earlier[path], later[path]) for path in later if path in earlier]
    pairs += [(parsed[0][path], parsed[-1][path]) for path in parsed[-1] if path in parsed[0]]
    return pairs


@pytest.mark.parametrize(
    ("seed", "files", "chain"),
    [(2, 16, True), (5, 16, False), (9, 12, False)],
    ids=["chain-16", "dag-16", "dag-12"],
)
def test_generated_versions_alike_with_the_short_pass(
    monkeypatch: pytest.MonkeyPatch, seed: int, files: int, chain: bool
) -> None:
    taken, found = _assert_alike(monkeypatch, _pairs(_versions(seed, files, chain)))
    assert taken and found


_TOP = """syntax = "proto3";
package acme.top;
import "dep.proto";
message Top {
  acme.dep.A first = 1;
  oneof choice { acme.dep.A later = 5; string text = 6; }
  map<string, acme.dep.A> by_key = 3;
  Local local = 2;
  message Local { acme.dep.A deep = 1; Kind kind = 2; }
  enum Kind { KIND_UNSPECIFIED = 0; }
}
"""
_DEP_MESSAGE = 'syntax = "proto3";\npackage acme.dep;\nmessage A { string id = 1; }\n'
_DEP_CHANGED = 'syntax = "proto3";\npackage acme.dep;\nmessage A { int64 id = 1; }\n'
_DEP_ENUM = 'syntax = "proto3";\npackage acme.dep;\nenum A { A_UNSPECIFIED = 0; }\n'


def test_an_imported_type_changing_under_fields_in_and_out_of_a_oneof(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The own file unchanged, its import's type changed (kind, or definition): the differences at
    every field naming it, top-level, oneof member, map value, nested message, in the order of each
    rule set (legacy: oneof members first)."""
    trees = [{"dep.proto": dep, "top.proto": _TOP} for dep in (_DEP_MESSAGE, _DEP_CHANGED, _DEP_ENUM)]
    schema_format = ProtobufFormat()
    parsed = [_parse_tree(schema_format, tree)["top.proto"] for tree in trees]
    pairs = [(parsed[0], parsed[1]), (parsed[0], parsed[2]), (parsed[1], parsed[2])]
    taken, found = _assert_alike(monkeypatch, pairs)
    assert taken and found
    kinds = {rules: _as_tuples(compare(parsed[0].view, parsed[2].view, rules)) for rules in RULES}
    assert [path for _, path, _ in kinds["current"]] == [
        "#/Top/1",
        "#/Top/3",
        "#/Top/choice/5",
        "#/Top/Local/1",
    ]
    assert [path for _, path, _ in kinds["legacy"]] == [
        "#/Top/choice/5",
        "#/Top/1",
        "#/Top/3",
        "#/Top/Local/1",
    ]
