"""Text protoc compiles that Schema Registry's parser (Wire 6.4.5's ProtoParser) refuses or reads
with other numbers: an audit of protocolbuffers/protobuf found each passing `check` (exit 0) while
the registry would answer 422, or compare other field numbers than the data carries."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from contractctl.formats import get_format
from contractctl.formats.base import InvalidSchema
from contractctl.formats.protobuf.wire_syntax import wire_differences
from contractctl.model import SchemaText, SchemaType

PROTOBUF = get_format(SchemaType.PROTOBUF)


def proto2(body: str) -> str:
    return f'syntax = "proto2";\npackage t;\nmessage M {{\n  optional int32 x = 1;\n  {body}\n}}\n'


REFUSED = {
    "group in a group": "optional group G = 2 { optional group H = 3 { optional int32 a = 4; } }",
    "message in a group": "optional group G = 2 { message N { optional int32 z = 1; } optional N n = 3; }",
    "enum in a group": "optional group G = 2 { enum E { A = 0; } optional E e = 3; }",
    "option in a group": "optional group G = 2 { option deprecated = true; optional int32 a = 3; }",
    "hexadecimal end of extensions": "extensions 100 to 0x1FF;",
    "hexadecimal end of reserved": "reserved 5 to 0x10;",
    "signed hexadecimal enum value": "enum E { A = 0; B = -0x1; }",
    # ProtoParser.readGroup requires `{` right after the number (round 22 took these for accepted)
    "options on a group": "optional group G = 2 [deprecated = true] { optional int32 a = 3; }",
    # round 24's audit: SyntaxReader.readWord ends at `+`, reads a lone `-` as a word of its own;
    # skipWhitespace skips spaces, tabs, CR and LF only
    "an exponent with a plus": "optional double d = 2 [default = 1e+9];",
    "a minus apart from its number": "optional int32 y = 2 [default = - 5];",
    "a form feed between words": "optional int32\fy = 2;",
    "a vertical tab between words": "optional int32 y =\v2;",
}
ACCEPTED = {
    "plain group": "optional group G = 2 { optional int32 a = 3; repeated string b = 4; }",
    "group in a oneof": "oneof o { group G = 2 { optional int32 a = 3; } }",
    "map in a group": "optional group G = 2 { map<string, int32> m = 3; }",
    "hexadecimal numbers Wire reads": "optional int32 y = 0x10; extensions 0x100 to 300; reserved 0x20;",
    "octal and hexadecimal option values": "optional int32 y = 2 [default = 010]; "
    "optional int32 z = 3 [default = -0x1];",
    "a leading zero reading the same": "optional int32 y = 07; reserved 06;",
    "group as a field name": "optional int32 group = 2;",
    "exponents Wire reads": "optional double y = 2 [default = 1e9]; "
    "optional double z = 3 [default = -1.5e-3];",
    "a minus against its number": "optional int32 y = 2 [default = -5]; "
    "optional float f = 3 [default = -inf];",
    "a form feed in a comment": "// a\fcomment - 5 = - 6 [a.b/c] 1e+9\n  optional int32 y = 2;",
    "a string holding what Wire refuses elsewhere": 'optional string s = 2 [default = "1e+9 = - 5 [a.b/c]"];',
}


@pytest.mark.parametrize("body", REFUSED.values(), ids=REFUSED.keys())
def test_what_the_registry_refuses_is_invalid(body: str) -> None:
    text = proto2(body)
    (difference,) = wire_differences(text)[:1]
    assert difference.refused
    with pytest.raises(InvalidSchema) as raised:
        PROTOBUF.parse(SchemaText(PurePosixPath("contracts/t/value.proto"), text, root="contracts"), [])
    (finding, *_) = raised.value.findings
    assert finding.rule == "PROTO_REGISTRY_SYNTAX" and finding.line == 5, finding
    assert finding.hint and "Wire" in finding.hint


@pytest.mark.parametrize("body", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_both_read_alike_is_valid(body: str) -> None:
    text = proto2(body)
    assert wire_differences(text) == []
    PROTOBUF.parse(SchemaText(PurePosixPath("contracts/t/value.proto"), text, root="contracts"), [])


@pytest.mark.parametrize(
    ("statement", "protoc", "wire"),
    [
        ("optional string a = 010;", 8, 10),
        ("reserved 2 to 012;", 10, 12),
        ("enum E { A = 0; B = -011; }", -9, -11),
    ],
)
def test_a_number_protoc_reads_as_octal_is_invalid(statement: str, protoc: int, wire: int) -> None:
    text = proto2(statement)
    (difference,) = wire_differences(text)
    assert not difference.refused and f"is {protoc} to protoc" in difference.message
    assert f"but {wire} to the registry's parser" in difference.message
    with pytest.raises(InvalidSchema) as raised:
        PROTOBUF.parse(SchemaText(PurePosixPath("contracts/t/value.proto"), text, root="contracts"), [])
    assert [f.rule for f in raised.value.findings] == ["PROTO_OCTAL_NUMBER"]


def test_an_aggregate_option_value_is_not_read_as_numbers() -> None:
    text = (
        'syntax = "proto2";\npackage t;\nimport "google/protobuf/descriptor.proto";\n'
        "extend google.protobuf.MessageOptions { optional Limits limits = 50001; }\n"
        "message Limits { optional int32 low = 1; optional int32 high = 2; }\n"
        "message M { option (limits) = { low: 010 high: -0x1 }; optional int32 x = 1; }\n"
    )
    assert wire_differences(text) == []


def test_an_editions_file_is_said_to_be_one_before_its_imports_are_looked_for() -> None:
    # protocolbuffers/protobuf: editions files importing other editions files (refused in turn) read
    # "Import ... was not found or had errors"; the registry refuses the file whatever its imports
    text = (
        '// an editions file\nedition = "2023";\npackage t;\nimport "t/missing.proto";\n'
        "message M { t.X x = 1; }\n"
    )
    with pytest.raises(InvalidSchema) as raised:
        PROTOBUF.parse(SchemaText(PurePosixPath("contracts/t/value.proto"), text, root="contracts"), [])
    assert [(f.rule, f.line) for f in raised.value.findings] == [("PROTO_EDITIONS", 2)]


def test_the_prefilter_answers_as_the_one_pattern_it_replaced() -> None:
    """`_worth_scanning` (two literal searches) against the look-behind pattern it replaced, on random
    texts over the characters that decide it: a word character (also a non-ASCII one) or a dot
    before the 0, a sign, x and X, `group` inside a longer word."""
    import random
    import re

    from contractctl.formats.protobuf.wire_syntax import _worth_scanning

    pattern = re.compile(r"\bgroup\b|(?<![\w.])[-+]?0[0-9xX]|[=:,\[][ \t]*-[\s/]")
    pieces = [*"019xX-+._a\u00e9\u0663 \n;=", "group", "groups"]
    rnd = random.Random(17)
    for _ in range(20_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        assert _worth_scanning(text) == bool(pattern.search(text)), repr(text)


AGGREGATE = """syntax = "proto3";
package w;
import "google/protobuf/any.proto";
import "google/protobuf/descriptor.proto";
message Opt { double d = 1; google.protobuf.Any a = 2; }
message Inner { int32 v = 1; }
extend google.protobuf.FieldOptions { Opt opt = 50001; }
message M { int32 x = 1 [(opt) = VALUE]; }
"""


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("{ d: 2.5E+3 }", True),  # OptionReader.readMap: `+` starts no option name
        ("{ a { [type.googleapis.com/w.Inner] { v: 1 } } }", True),  # readName: `[word]` only
        ("{\n  # a text-format comment\n  d: 1 }", True),  # readName meets `#`: no comment to Wire
        ('{ a { type_url: "type.googleapis.com/w.Inner" }\n  # after a nested value\n  d: 1 }', True),
        ("{ d: 2.5E3 }", False),
        ("{ d: -2.5e-3 }", False),
        ('{ a { type_url: "type.googleapis.com/w.Inner" } }', False),
    ],
)
def test_aggregate_option_values_wire_cannot_read(value: str, refused: bool) -> None:
    """protoc compiles each (round 24's audit of the registry's parser, Wire 6.4.5)."""
    text = AGGREGATE.replace("VALUE", value)
    source = SchemaText(PurePosixPath("contracts/w/value.proto"), text, root="contracts")
    assert bool(wire_differences(text)) == refused
    if refused:
        with pytest.raises(InvalidSchema) as raised:
            PROTOBUF.parse(source, [])
        assert raised.value.findings[0].rule == "PROTO_REGISTRY_SYNTAX"
    else:
        PROTOBUF.parse(source, [])


def _with_offsets(text: str) -> list[object]:
    """wire_differences as first written: one scan, an offset for every token."""
    from contractctl.formats.protobuf.outline import token_offsets
    from contractctl.formats.protobuf.wire_syntax import _scan, _space_characters, _worth_scanning

    if not _worth_scanning(text):
        return []
    found = token_offsets(text)
    spaces = _space_characters(text, found) if "\f" in text or "\v" in text else []
    return sorted([*spaces, *_scan(text, found)], key=lambda d: d.offset)


def test_the_scan_without_offsets_answers_as_the_scan_with_them() -> None:
    """The tokens-only first scan (offsets only for a text with a difference, or a minus sign) on
    every text above and on random statements over what decides a difference."""
    import random

    texts = [proto2(body) for body in [*REFUSED.values(), *ACCEPTED.values()]]
    texts += [AGGREGATE.replace("VALUE", v) for v in ("{ d: 2.5E+3 }", "{ d: -2.5e-3 }", "{\n # c\n d: 1 }")]
    pieces = [
        *"{}[];=<>-+#/.\f",
        " ",
        "\n",
        "option",
        "group",
        "optional",
        "reserved",
        "extensions",
        "to",
        "package",
        "a",
        "G",
        "010",
        "0x1F",
        "-0x1",
        "1e+9",
        "07",
        "5",
        '"s"',
        "'q'",
        "// c {\n",
        "/* [#x] */",
    ]
    rnd = random.Random(26)
    for _ in range(5_000):
        texts.append(" ".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 24))))
    for text in texts:
        assert wire_differences(text) == _with_offsets(text), repr(text)
