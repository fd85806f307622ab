"""A file compiled again with other imports (another version of a file it imports, a historic
closure) gets a view of its own (the diff memo tells definitions apart by object), but the walk of
its descriptor is not repeated: the view is a copy of the first one built of that content
(`model.rewrapped`), equal to what `file_view` builds, with message, enum and file objects of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema
from contractctl.formats.protobuf.model import (
    EnumView,
    FileView,
    FileViews,
    MessageView,
    file_view,
    rewrapped,
)
from contractctl.model import SchemaText

MONEY = 'syntax = "proto3";\npackage acme.common;\nmessage Money {\n  int64 cents = 1;\n}\n'
MONEY_2 = MONEY.replace("}\n", "  string currency = 2;\n}\n")
ORDER = """syntax = "proto2";
package acme.orders;
import "common/money.proto";
message Order {
  required string id = 1;
  optional acme.common.Money total = 2;
  map<string, acme.common.Money> lines = 3;
  oneof pay { string card = 4; string iban = 5; }
  enum State { NEW = 0; PAID = 1; }
  optional State state = 6;
  message Line { repeated int32 qty = 1; message Deeper { optional bytes b = 1; } }
  repeated Line items = 7;
}
enum Kind { A = 0; B = 1; }
"""


def _source(path: str, text: str) -> SchemaText:
    return SchemaText(PurePosixPath(f"contracts/{path}"), text, root="contracts")


def _parse(schema_format: ProtobufFormat, money: str) -> tuple[ProtobufSchema, ProtobufSchema]:
    reference = schema_format.parse(_source("common/money.proto", money), [])
    return reference, schema_format.parse(_source("orders/value.proto", ORDER), [reference])


def _objects(view: FileView) -> Iterator[object]:
    yield view

    def walk(messages: list[MessageView], enums: list[EnumView]) -> Iterator[object]:
        yield from enums
        for message in messages:
            yield message
            yield from walk(message.messages, message.enums)

    yield from walk(view.messages, view.enums)


def test_a_copy_equals_a_fresh_view_and_shares_no_definition_object() -> None:
    _, order = _parse(ProtobufFormat(), MONEY)
    fresh = file_view(order.compiled.file)
    copy = rewrapped(fresh)
    assert copy == fresh
    assert copy.messages[0].messages and copy.messages[0].enums and copy.enums  # nesting is covered
    assert not {id(o) for o in _objects(copy)} & {id(o) for o in _objects(fresh)}
    assert len(list(_objects(copy))) == len(list(_objects(fresh)))


def test_the_same_file_with_another_import_gets_an_equal_view_of_its_own() -> None:
    schema_format = ProtobufFormat()
    money_1, order_1 = _parse(schema_format, MONEY)
    money_2, order_2 = _parse(schema_format, MONEY_2)
    # the same descriptor content (Order's text names Money alike), compiled against two Moneys
    assert order_1.compiled.file.SerializeToString(
        deterministic=True
    ) == order_2.compiled.file.SerializeToString(deterministic=True)
    first, second = order_1.view.file, order_2.view.file
    assert first == second == file_view(order_2.compiled.file)
    assert not {id(o) for o in _objects(first)} & {id(o) for o in _objects(second)}
    assert order_1.view.types["acme.orders.Order"].view is first.messages[0]
    assert order_2.view.types["acme.orders.Order"].view is second.messages[0]
    assert order_2.view.types["acme.common.Money"].view is money_2.view.file.messages[0]
    assert order_1.view.types["acme.common.Money"].view is money_1.view.file.messages[0]


def test_a_text_with_and_without_source_info_shares_one_view() -> None:
    """An earlier version is compiled without positions and comments, the checked text with them: a
    view never reads them, so the same text with the same imports is one view (one walk)."""
    _, order = _parse(ProtobufFormat(), MONEY)
    described = order.compiled.file
    assert described.HasField("source_code_info")
    bare = FileDescriptorProto()
    bare.CopyFrom(described)
    bare.ClearField("source_code_info")
    cache = FileViews()
    by_name = {f.name: f for f in order.compiled.closure}
    for imported in order.compiled.closure[:-1]:
        cache.add(imported, by_name)
    with_positions, _ = cache.add(described, by_name)
    without, _ = cache.add(bare, {**by_name, bare.name: bare})
    assert without is with_positions
    assert described.HasField("source_code_info")  # the checked descriptor is left as it was
