"""Protobuf changelog entries, one kind at a time, with Confluent's verdict on what breaks."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from contractctl.changelog import Change
from contractctl.formats import configure, get_format
from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema
from contractctl.formats.protobuf.changelog import diff_protobuf
from contractctl.model import SchemaText, SchemaType

BACKWARD = frozenset({"backward"})
FULL = frozenset({"backward", "forward"})
HEADER = 'syntax = "proto3";\npackage acme.shipping;\n'


@pytest.fixture(autouse=True)
def current_rules() -> None:
    configure(SchemaType.PROTOBUF, oneof_rules="current")


def parse(
    body: str, path: str = "shipping/value.proto", references: tuple[ProtobufSchema, ...] = ()
) -> ProtobufSchema:
    schema_format = get_format(SchemaType.PROTOBUF)
    assert isinstance(schema_format, ProtobufFormat)
    text = body if body.startswith("syntax") else HEADER + body
    return schema_format.parse(
        SchemaText(PurePosixPath(f"contracts/{path}"), text, root="contracts"), references
    )


def diff(old: str, new: str, directions: frozenset[str] = BACKWARD) -> list[Change]:
    return diff_protobuf(parse(old), parse(new), directions)


def test_identical_schemas_have_no_changes() -> None:
    body = "message S { string id = 1; }\n"
    assert diff(body, body) == []


def test_fields_added_removed_renamed() -> None:
    old = "message S { string id = 1; int32 weight = 2; }\n"
    new = "message S { string shipment_id = 1; repeated string tags = 3; }\n"
    assert diff(old, new) == [
        Change("renamed", "field 1 `S.shipment_id`", "`id` -> `shipment_id`", False),
        Change("removed", "field 2 `S.weight`", "`int32`", False),
        Change("added", "field 3 `S.tags`", "`repeated string`", False),
    ]


@pytest.mark.parametrize(
    ("old", "new", "breaking"),
    [
        ("int32", "int64", False),
        ("string", "int32", True),
        ("string", "bytes", False),
        ("int32", "Inner", True),
    ],
)
def test_type_changed(old: str, new: str, breaking: bool) -> None:
    def body(kind: str) -> str:
        return f"message S {{ {kind} x = 1; }}\nmessage Inner {{ int32 a = 1; }}\n"

    assert diff(body(old), body(new)) == [
        Change("type-changed", "field 1 `S.x`", f"`{old}` -> `{new}`", breaking)
    ]


def test_label_change_is_a_type_change() -> None:
    changes = diff("message S { int32 x = 1; }\n", "message S { repeated int32 x = 1; }\n")
    assert [(c.kind, c.detail) for c in changes] == [("type-changed", "`int32` -> `repeated int32`")]


def test_number_changed() -> None:
    changes = diff("message S { string id = 1; }\n", "message S { string id = 2; }\n")
    assert changes == [
        Change(
            "number-changed",
            "field 2 `S.id`",
            "1 -> 2: data written as field 1 is no longer read into it",
            False,
        )
    ]


def test_oneof_membership() -> None:
    old = "message S { string a = 1; string b = 2; }\n"
    new = "message S { oneof pick { string a = 1; string b = 2; } }\n"
    changes = diff(old, new)
    assert [(c.kind, c.element, c.detail, c.breaking) for c in changes] == [
        ("oneof-changed", "field 1 `S.a`", "moved into oneof `pick`", True),
        ("oneof-changed", "field 2 `S.b`", "moved into oneof `pick`", True),
        ("added", "oneof `S.pick`", "members `a`, `b`", True),  # two independent fields became exclusive
    ]
    back = diff(new, old)
    assert (back[0].kind, back[0].detail, back[0].breaking) == (
        "oneof-changed",
        "moved out of oneof `pick`",
        False,
    )


def test_messages_added_removed_renamed_nested() -> None:
    old = "message S { Inner i = 1; message Inner { int32 a = 1; } }\nmessage Gone { int32 g = 1; }\n"
    new = (
        "message S { Inside i = 1; message Inside { int32 a = 1; } }\n"
        "message Fresh { int32 f = 1; int32 h = 2; }\n"
    )
    changes = diff(old, new)
    assert [(c.kind, c.element, c.detail, c.breaking) for c in changes] == [
        ("type-changed", "field 1 `S.i`", "`S.Inner` -> `S.Inside`", True),
        ("renamed", "message `S.Inside`", "`S.Inner` -> `S.Inside`", True),
        ("added", "message `Fresh`", "2 fields", False),
        ("removed", "message `Gone`", "with all its fields", True),
    ]


def test_enums() -> None:
    old = "message S { Status s = 1; }\nenum Status { A = 0; B = 1; C = 2; }\nenum Old { O = 0; }\n"
    new = "message S { Status s = 1; }\nenum Status { A = 0; BEE = 1; D = 3; }\nenum New { N = 0; }\n"
    assert diff(old, new) == [
        Change("symbols-added", "enum `Status`", "`D` = 3", False),
        Change("symbols-removed", "enum `Status`", "`C` = 2", False),
        Change("renamed", "enum `Status`", "value 1: `B` -> `BEE`", False),
        Change("added", "enum `New`", "values `N`", False),
        Change("removed", "enum `Old`", "with all its values", False),
    ]


def test_reserved_numbers_and_names() -> None:
    old = "message S { reserved 2, 9 to 11; string id = 1; }\nenum E { reserved 5; Z = 0; }\n"
    new = 'message S { reserved 2, 20 to max; reserved "gone"; string id = 1; }\nenum E { Z = 0; }\n'
    assert diff(old, new) == [
        Change("reserved-added", "message `S`", '`20 to max`, `"gone"`', False),
        Change("reserved-removed", "message `S`", "`9 to 11`", False),
        Change("reserved-removed", "enum `E`", "`5`", False),
    ]


def test_package_changed() -> None:
    old = 'syntax = "proto3";\npackage acme.v1;\nmessage S { int32 a = 1; }\n'
    new = 'syntax = "proto3";\npackage acme.v2;\nmessage S { int32 a = 1; }\n'
    assert diff(old, new) == [Change("package-changed", "package", "`acme.v1` -> `acme.v2`", True)]


def test_referenced_types_are_diffed_where_used() -> None:
    address_v1 = 'syntax = "proto3";\npackage acme.common;\nmessage Address { string city = 1; }\n'
    address_v2 = (
        'syntax = "proto3";\npackage acme.common;\nmessage Address { int64 city = 1; string zip = 2; }\n'
    )
    body = (
        'import "common/address.proto";\n'
        "message S { acme.common.Address to = 1; acme.common.Address from = 2; }\n"
    )
    old = parse(body, references=(parse(address_v1, "common/address.proto"),))
    new = parse(body, references=(parse(address_v2, "common/address.proto"),))
    assert diff_protobuf(old, new, FULL) == [
        Change("type-changed", "field 1 `S.to.city`", "`string` -> `int64`", True),
        Change("added", "field 2 `S.to.zip`", "`string`", False),
    ]


def test_a_referenced_enum_is_named_as_itself_and_where_it_is_used() -> None:
    # temporalio/api: "Added symbols to enum `ActivityExecutionInfo.status`" named the field
    status_v1 = 'syntax = "proto3";\npackage acme.common;\nenum Status { STATUS_UNSPECIFIED = 0; }\n'
    status_v2 = status_v1.replace("= 0;", "= 0; STATUS_DONE = 1;")
    body = 'import "common/status.proto";\nmessage S { acme.common.Status status = 1; }\n'
    old = parse(body, references=(parse(status_v1, "common/status.proto"),))
    new = parse(body, references=(parse(status_v2, "common/status.proto"),))
    assert diff_protobuf(old, new, FULL) == [
        Change("symbols-added", "enum `Status` (field `S.status`)", "`STATUS_DONE` = 1", False)
    ]
