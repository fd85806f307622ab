"""Two views of one text compiled against other imports share their field lists (model.rewrapped), and
the diff then compares only the fields naming a type (diff._compare_same_fields). The differences
are those of the full passes over views of their own, under both oneof rule sets, in the same order
and at the same paths: oneof members, maps, enums and nested messages whose referenced types changed,
and the generated trees of the memo tests."""

from __future__ import annotations

import pytest

from contractctl.formats.protobuf import ProtobufFormat, diff
from contractctl.formats.protobuf.diff import compare

from .protobuf_cases import p3
from .test_protobuf_diff_memo import RULES, _as_tuples, _fresh_view, _parse_tree, _versions

COMMON = p3(
    "message Money { int64 cents = 1; }\nmessage Tag { string k = 1; }\nenum Color { RED = 0; }", "acme"
)
COMMON_2 = p3(
    "message Money { string cents = 1; }\nmessage Tag { int64 k = 1; }\nenum Color { RED = 0; BLUE = 1; }",
    "acme",
)
TOP = p3(
    """message Top {
  int32 a = 1;
  acme.Money price = 5;
  map<string, acme.Money> by_key = 3;
  oneof pay { acme.Money cash = 7; string iban = 8; }
  oneof other { acme.Tag tag = 9; int64 n = 2; }
  repeated acme.Tag tags = 4;
  acme.Color color = 6;
  message Inner { acme.Money m = 1; map<int32, string> plain = 2; }
  Inner inner = 10;
}""",
    "acme.top",
    ("common.proto",),
)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    same_fields = diff._compare_same_fields

    def counted(*args: object) -> None:
        calls[0] += 1
        same_fields(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(diff, "_compare_same_fields", counted)
    return calls


@pytest.mark.parametrize("rules", RULES)
def test_one_text_against_changed_imports(monkeypatch: pytest.MonkeyPatch, rules: diff.OneofRules) -> None:
    schema_format = ProtobufFormat()
    old = _parse_tree(schema_format, {"common.proto": COMMON, "top.proto": TOP})["top.proto"]
    new = _parse_tree(schema_format, {"common.proto": COMMON_2, "top.proto": TOP})["top.proto"]
    assert old.view.file is not new.view.file
    assert old.view.file.messages[0].fields is new.view.file.messages[0].fields
    calls = _counting(monkeypatch)
    for original, update in ((old, new), (new, old)):
        shared = _as_tuples(compare(original.view, update.view, rules))
        plain = _as_tuples(compare(_fresh_view(original), _fresh_view(update), rules))
        assert shared == plain
        paths = [path for _, path, _ in shared]
        assert {"#/Top/pay/7", "#/Top/other/9", "#/Top/3", "#/Top/4", "#/Top/Inner/1"} <= set(paths)
    assert calls[0] >= 4  # Top and Inner, both ways: the short pass was taken


@pytest.mark.parametrize(("seed", "files", "chain"), [(3, 10, True), (6, 12, False), (11, 14, False)])
def test_generated_trees(monkeypatch: pytest.MonkeyPatch, seed: int, files: int, chain: bool) -> None:
    schema_format = ProtobufFormat()
    trees = [_parse_tree(schema_format, tree) for tree in _versions(seed, files, chain)]
    calls = _counting(monkeypatch)
    for rules in RULES:
        for i, old in enumerate(trees):
            for new in trees[i + 1 :]:
                for path in old:
                    for original, update in ((old[path], new[path]), (new[path], old[path])):
                        shared = compare(original.view, update.view, rules)
                        plain = compare(_fresh_view(original), _fresh_view(update), rules)
                        assert _as_tuples(shared) == _as_tuples(plain), (path, rules)
    assert calls[0] > 0
