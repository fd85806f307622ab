"""Positions read from a .proto text equal protoc's source info (what `locate` read before), so a
finding is placed where it was without compiling the file again."""

from __future__ import annotations

import pytest

from contractctl.formats.protobuf.locate import nearest, positions
from contractctl.formats.protobuf.text_positions import has_group, text_positions

from .protobuf_cases import CASES
from .test_protobuf_compat import parse, sides


def _schemas() -> list[object]:
    found = []
    for case in CASES:
        old, new = sides(case)
        found += [old, new, *old.references, *new.references]
    return found


def test_every_element_of_the_case_corpus_is_where_protoc_says() -> None:
    compared = 0
    for schema in _schemas():
        want = positions(schema.described)  # type: ignore[attr-defined]
        text = schema.source.text  # type: ignore[attr-defined]
        got = text_positions(text)
        if has_group(text):
            assert all(want.get(key) == position for key, position in got.items())
            continue
        assert got == {key: p for key, p in want.items() if not key.split("/")[-1].startswith("_")}, text
        compared += len(got)
    assert compared > 400


TRICKY = """syntax = "proto3";
// message Fake { int32 f = 9; }  a comment is no element
package acme.v1;

import "google/protobuf/timestamp.proto";

message Order {
  option deprecated = true;
  reserved 7, 8;
  map<string, int64> counts = 1 [json_name = "c"];
  oneof kind {
    string name = 2;
    Inner inner = 3;
  }
  message Inner { enum E { E_UNSPECIFIED = 0; E_ONE = 1 [deprecated = true]; } E e = 1; }
  optional google.protobuf.Timestamp at = 4;
  string s = 0x5;
}
service S { rpc Get(Order) returns (Order) { option deprecated = true; } }
"""


def test_options_maps_oneofs_nested_blocks_and_comments() -> None:
    want = positions(parse(TRICKY).described)
    got = text_positions(TRICKY)
    assert got == {key: p for key, p in want.items() if not key.split("/")[-1].startswith("_")}
    assert {"#/Order/1", "#/Order/kind/3", "#/Order/Inner/E/1", "#/Order/5", "#/"} <= got.keys()
    assert "#/Fake" not in got


@pytest.mark.parametrize("pointer", ["#/Order/kind/2", "#/Order/Inner/1", "#/Order/99", "#/Nothing/1"])
def test_nearest_answers_alike(pointer: str) -> None:
    assert nearest(text_positions(TRICKY), pointer) == nearest(positions(parse(TRICKY).described), pointer)
