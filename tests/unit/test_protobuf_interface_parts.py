"""`interface` reads each part an importer depends on wherever it appears, and only those: the walk
skips what a message lacks (options, extension ranges, extensions), so each such part is tested here
present and absent, nested too, against the interface of the same file without it."""

from __future__ import annotations

import pytest

from contractctl.formats.protobuf.compile import run_protoc
from contractctl.formats.protobuf.interface import Face, interface

P2 = 'syntax = "proto2";\npackage acme.parts;\nimport "google/protobuf/descriptor.proto";\n'
PLAIN = P2 + "message Outer {\n  optional string id = 1;\n  message Inner { optional int32 n = 1; }\n}\n"
# each: the plain file with one part an importer reads added (at the top level or nested)
INNER = "message Inner { optional int32 n = 1; }"
WITH_PART = {
    "message set": PLAIN.replace(
        INNER, "message Inner {\n    option message_set_wire_format = true;\n    extensions 4 to max;\n  }"
    ),
    "map entry": PLAIN.replace("optional int32 n = 1;", "map<string, int32> labels = 1;"),
    "extension range": PLAIN.replace(
        "optional string id = 1;", "optional string id = 1; extensions 100 to 199;"
    ),
    "nested extension range": PLAIN.replace("n = 1;", "n = 1; extensions 10 to 19;"),
    "extension range options": P2
    + "extend google.protobuf.ExtensionRangeOptions { optional int32 tag = 50100; }\n"
    + "message Outer {\n  optional string id = 1;\n  extensions 100 to 199 [(tag) = 7];\n"
    + f"  {INNER}\n}}\n",
    "nested extension": PLAIN.replace(
        INNER, f"{INNER}\n  extend google.protobuf.FieldOptions {{ optional int32 f = 50101; }}"
    ),
    "file extension": PLAIN + "extend google.protobuf.MessageOptions { optional string m = 50102; }\n",
    "typed extension": PLAIN + "extend google.protobuf.MessageOptions { optional Outer typed = 50103; }\n",
    "service": PLAIN + "service S { rpc Get(Outer) returns (Outer); }\n",
    "nested enum": PLAIN.replace("n = 1; }", "n = 1; enum E { E0 = 0; E1 = 1; } }"),
}


def _face(text: str) -> Face:
    name = "acme/parts.proto"
    face = interface(run_protoc({name: text}, [name], source_info=False)[name])
    assert face is not None
    return face


@pytest.mark.parametrize("part", sorted(WITH_PART))
def test_each_part_an_importer_reads_changes_the_interface(part: str) -> None:
    assert _face(WITH_PART[part]) != _face(PLAIN)


def test_the_parts_are_read_as_they_are() -> None:
    """Values, not only presence: the flags, ranges with their options, extensions' fields."""
    symbols = _face(WITH_PART["extension range options"]).names[-1]
    outer = next(symbol for symbol in symbols if symbol[0] == "acme.parts.Outer")
    assert outer[:4] == ("acme.parts.Outer", "message", False, False)
    assert [(start, end) for start, end, _ in outer[4]] == [(100, 200)] and outer[4][0][2]  # its options
    message_set = _face(WITH_PART["message set"]).names[-1]
    assert ("acme.parts.Outer.Inner", "message", False, True, ((4, 2147483647, b""),)) in message_set
    entry = _face(WITH_PART["map entry"]).names[-1]
    assert ("acme.parts.Outer.Inner.LabelsEntry", "message", True, False, ()) in entry
    typed = _face(WITH_PART["typed extension"])
    assert typed.typed_options and not _face(WITH_PART["file extension"]).typed_options
    nested = _face(WITH_PART["nested enum"])
    assert ("acme.parts.Outer.Inner.E", ("E0", "E1")) in nested.values


def test_fields_alone_leave_the_interface_as_it_was() -> None:
    more = PLAIN.replace("optional string id = 1;", "optional string id = 1;\n  optional int64 added = 2;")
    assert _face(more) == _face(PLAIN)
