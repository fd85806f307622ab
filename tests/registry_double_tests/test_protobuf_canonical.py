"""Protobuf lookups and duplicate registrations ignore comments and layout, as Confluent's
``ProtobufSchema.canonicalString()`` does; everything else in the text still counts. Over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from ..registry_double import RegistryDouble
from ..registry_double.protobuf_canonical import same_schema, tokens
from ._client import Client

ORDER = (
    'syntax = "proto3";\npackage acme.orders;\n\nmessage Order {\n  string id = 1;\n  int64 total = 2;\n}\n'
)
# The same schema to Confluent: doc, trailing and block comments, other blanks, CRLF, tabs.
ORDER_COMMENTED = (
    "// Orders as the shop places them.\r\n"
    'syntax="proto3";  /* the only syntax we use */\r\n'
    "package   acme.orders;\r\n"
    "/**\r\n * An order.\r\n */\r\n"
    "message Order{\tstring id=1; // the shop's id\r\n"
    "  int64/* cents */total = 2;}\r\n"
)
# Different schemas: a new field, a renamed one, a changed string, comment markers inside a string.
ORDER_NEW_FIELD = ORDER.replace("  int64 total = 2;\n", "  int64 total = 2;\n  string note = 3;\n")
ORDER_RENAMED = ORDER.replace("int64 total", "int64 amount")
WITH_OPTION = ORDER.replace("package acme.orders;\n", 'package acme.orders;\noption go_package = "a";\n')
WITH_SLASHES = WITH_OPTION.replace('"a"', '"a//b"')
WITH_STARS = WITH_OPTION.replace('"a"', '"a/* b */"')


def proto(text: str, **extra: Any) -> dict[str, Any]:
    return {"schema": text, "schemaType": "PROTOBUF", **extra}


@pytest.fixture
def client(registry_double: RegistryDouble) -> Client:
    return Client(registry_double.url)


@pytest.mark.parametrize("query", ["", "?normalize=true", "?normalize=false"])
def test_a_lookup_finds_the_version_whatever_its_comments_and_layout(client: Client, query: str) -> None:
    first = client.post("/subjects/orders-value/versions", proto(ORDER)).json()
    found = client.post(f"/subjects/orders-value{query}", proto(ORDER_COMMENTED))
    assert found.status == 200, found.json()
    assert (found.json()["version"], found.json()["id"]) == (first["version"], first["id"])


def test_registering_the_same_schema_with_other_comments_adds_no_version(client: Client) -> None:
    first = client.post("/subjects/orders-value/versions", proto(ORDER)).json()
    again = client.post("/subjects/orders-value/versions", proto(ORDER_COMMENTED))
    assert again.status == 200, again.json()
    assert again.json()["id"] == first["id"]
    assert client.get("/subjects/orders-value/versions").json() == [1]


def test_another_subject_gets_the_same_id_for_the_same_schema(client: Client) -> None:
    """``MD5.ofSchema`` of the canonical string: one schema, one ID in a context."""
    a = client.post("/subjects/a-value/versions", proto(ORDER)).json()
    b = client.post("/subjects/b-value/versions", proto(ORDER_COMMENTED)).json()
    assert a["id"] == b["id"]
    assert client.get(f"/schemas/ids/{a['id']}/subjects").json() == ["a-value", "b-value"]


def test_an_import_under_a_taken_id_may_differ_only_in_comments(client: Client) -> None:
    """``checkIfSchemaWithIdExist`` compares the canonicalised schemas."""
    for subject in ("a-value", "b-value", "c-value"):
        assert client.put(f"/mode/{subject}", {"mode": "IMPORT"}).status == 200
    taken = client.post("/subjects/a-value/versions", proto(ORDER, id=7, version=1))
    assert (taken.status, taken.json()["id"]) == (200, 7)
    same = client.post("/subjects/b-value/versions", proto(ORDER_COMMENTED, id=7, version=1))
    assert (same.status, same.json()["id"]) == (200, 7)
    other = client.post("/subjects/c-value/versions", proto(ORDER_RENAMED, id=7, version=1))
    assert (other.status, other.json()["error_code"]) == (422, 42205)


@pytest.mark.parametrize("changed", [ORDER_NEW_FIELD, ORDER_RENAMED])
def test_a_real_change_is_not_found_and_registers_a_new_version(client: Client, changed: str) -> None:
    client.post("/subjects/orders-value/versions", proto(ORDER))
    for query in ("", "?normalize=true"):
        missing = client.post(f"/subjects/orders-value{query}", proto(changed))
        assert (missing.status, missing.json()["error_code"]) == (404, 40403)
    second = client.post("/subjects/orders-value/versions", proto(changed)).json()
    assert second["version"] == 2 and second["id"] != 1


@pytest.mark.parametrize("changed", [WITH_SLASHES, WITH_STARS])
def test_comment_markers_inside_a_string_are_the_string(client: Client, changed: str) -> None:
    client.post("/subjects/orders-value/versions", proto(WITH_OPTION))
    missing = client.post("/subjects/orders-value", proto(changed))
    assert (missing.status, missing.json()["error_code"]) == (404, 40403)


def test_the_same_text_under_another_type_or_with_other_references_is_not_found(client: Client) -> None:
    client.post("/subjects/orders-value/versions", proto(ORDER))
    client.post("/subjects/other/versions", proto('syntax = "proto3";\nmessage X { int32 x = 1; }\n'))
    ref = [{"name": "x.proto", "subject": "other", "version": 1}]
    missing = client.post("/subjects/orders-value", proto(ORDER_COMMENTED, references=ref))
    assert (missing.status, missing.json()["error_code"]) == (404, 40403)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("int32 ab = 1;", "int32 a b = 1;"),  # a blank between word characters splits a word
        ("int32 a = -1;", "int32 a = - 1;"),
        ("x = 'a b';", "x = 'a  b';"),  # blanks inside a string are the string's
        ('x = "a\\" //b";', 'x = "a\\" ";'),  # an escaped quote does not end the string
        ("a / b", "a b"),  # a stray slash is kept (Wire rejects it)
        ("a /* open", "a"),  # so is an unterminated comment
    ],
)
def test_what_separates_tokens_still_counts(left: str, right: str) -> None:
    assert not same_schema(left, right), (tokens(left), tokens(right))


def test_tokens_follow_wires_syntax_reader() -> None:
    text = "map<string,.acme.V> m=1 [json_name='M'];// doc\n/* c */ int32\tx\r\n=0x10;"
    assert tokens(text) == (
        "map", "<", "string", ",", ".acme.V", ">", "m", "=", "1", "[", "json_name", "=", "'M'", "]", ";",
        "int32", "x", "=", "0x10", ";",
    )  # fmt: skip
