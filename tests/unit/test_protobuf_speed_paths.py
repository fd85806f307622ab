"""The Protobuf fast paths give the answers of the plain ones: tokens, outline and fingerprint against a
reference tokenizer, and compilation deferred by prepare() against compiling everything up front."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

import pytest

from contractctl.formats.base import InvalidSchema
from contractctl.formats.protobuf import ProtobufFormat, ProtobufSchema
from contractctl.formats.protobuf.outline import _block, normalized, read_outline, tokens
from contractctl.model import SchemaText

# The tokenizer as first written (one match per token or skipped run, kinds by group name): the
# reference the single-findall tokenizer must agree with.
_REFERENCE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?(?:\*/|\Z))
  | (?P<string>"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.]*|\.[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<number>[-+]?(?:0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?))
  | (?P<symbol>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b"}


def reference_tokens(text: str) -> list[str]:
    out: list[str] = []
    for match in _REFERENCE.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind in ("ws", "line_comment", "block_comment"):
            continue
        if kind == "string":
            body = value[1:-1] if len(value) >= 2 and value[-1] == value[0] else value[1:]
            decoded = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)
            if out and out[-1].startswith('"'):
                out[-1] = json.dumps(json.loads(out[-1]) + decoded)
                continue
            value = json.dumps(decoded)
        out.append(value)
    return out


TRICKY = [
    "",
    "   \n\t ",
    "// only a comment",
    "message A {} // a comment at the very end",
    "message A {} /* an unclosed comment",
    'syntax = "proto3"; package a.b;\nimport "x/y.proto"; import public "p.proto"; import weak \'w.proto\';',
    'option java_package = "a" "b" \'c\';  // adjacent literals concatenate',
    'message M { string s = 1 [default = "tab\\there \\"q\\" \\x41 é"]; }',
    'message M { string s = 1 [default = "unterminated\n]; }',
    "message M { int32 a = -1; float b = .5e-3; int64 c = 0x1F; double d = +2.; }",
    "message M { message N { } } } message After {}",  # a stray closing brace
    "message M { message N { int32 a = 1;",  # unclosed braces
    "message M { option (x) = { a: 1 b: [1, 2] }; int32 a = 1 [(z) = 2, deprecated = true]; }",
    'message M { string s = 1; } "a\x00b" message N {}',
    "message M { string option = 1; }",  # `option` as a field name
    'import "a.proto"\nimport "b.proto"; message\n',
    "message " + "M { message " * 80 + "}" * 80,  # deeper than the fast path goes
]


@pytest.mark.parametrize("text", TRICKY)
def test_tokens_match_the_reference_tokenizer(text: str) -> None:
    assert tokens(text) == reference_tokens(text)


@pytest.mark.parametrize("text", TRICKY)
def test_fingerprint_text_does_not_depend_on_the_fast_path(text: str) -> None:
    slow, _ = _block(reference_tokens(text), 0)  # the general normalization, options sorted
    assert normalized(text) == " ".join(slow)


def source(path: str, body: str, origin: str = "working tree") -> SchemaText:
    return SchemaText(PurePosixPath(f"contracts/{path}"), body, origin, root="contracts")


COMMON = 'syntax = "proto3";\npackage acme.common;\nmessage Shared { string id = 1; }\n'
COMMON_V2 = 'syntax = "proto3";\npackage acme.common;\nmessage Shared { string id = 1; int32 n = 2; }\n'
OTHER = 'syntax = "proto3";\npackage acme.other;\nmessage Other { string id = 1; }\n'


def topic(index: int, imports: str = "common/shared.proto", extra: str = "") -> str:
    return (
        f'syntax = "proto3";\npackage acme.t{index};\nimport "{imports}";\n'
        f"message T{index} {{ {'acme.common.Shared' if 'shared' in imports else 'acme.other.Other'} s = 1;"
        f" {extra}}}\n"
    )


def check_sources() -> list[SchemaText]:
    """What a check hands to prepare(): each path's working-tree text, then its history."""
    now = {
        "common/shared.proto": COMMON_V2,  # changed: it and its importers will be parsed
        "common/other.proto": OTHER,
        "t0/value.proto": topic(0),  # unchanged text, changed import
        "t1/value.proto": topic(1, "common/other.proto", "int32 x = 2; "),  # changed text
        "t2/value.proto": topic(2, "common/other.proto"),  # unchanged, imports unchanged
        "t3/value.proto": topic(3, "common/other.proto"),  # unchanged
    }
    before = {**now, "common/shared.proto": COMMON, "t1/value.proto": topic(1, "common/other.proto")}
    out = []
    for path in sorted(now):
        out += [source(path, now[path]), source(path, before[path], "abc123")]
    return out


def parse_with_imports(schema_format: ProtobufFormat, path: str, texts: dict[str, str]) -> ProtobufSchema:
    imported = read_outline(texts[path]).imports
    references = [parse_with_imports(schema_format, i, texts) for i in imported]
    return schema_format.parse(source(path, texts[path]), references)


def test_prepare_compiles_only_what_a_check_parses_and_defers_the_rest() -> None:
    eager = ProtobufFormat()
    sources = check_sources()
    eager.prepare(sources)
    runs = eager.compiler.runs
    assert runs == 2  # the working tree's layer and history's layer
    now = {s.import_path: s.text for s in sources if s.origin == "working tree"}
    before = {s.import_path: s.text for s in sources if s.origin != "working tree"}
    for path in ("common/shared.proto", "t0/value.proto", "t1/value.proto", "common/other.proto"):
        parse_with_imports(eager, path, now)
        parse_with_imports(eager, path, before)
    assert eager.compiler.runs == runs  # changed files, importers of changed files, their imports
    parse_with_imports(eager, "t2/value.proto", now)  # deferred: one run compiles all that waited
    parse_with_imports(eager, "t3/value.proto", before)
    assert eager.compiler.runs == runs + 1


def test_deferred_and_eager_compilation_give_the_same_verdicts() -> None:
    sources = check_sources()
    now = {s.import_path: s.text for s in sources if s.origin == "working tree"}
    before = {s.import_path: s.text for s in sources if s.origin != "working tree"}
    prepared, plain = ProtobufFormat(), ProtobufFormat()
    prepared.prepare(sources)
    for path in sorted(now):
        new_a, old_a = parse_with_imports(prepared, path, now), parse_with_imports(prepared, path, before)
        new_b, old_b = parse_with_imports(plain, path, now), parse_with_imports(plain, path, before)
        assert prepared.differences(old_a, new_a) == plain.differences(old_b, new_b)
        assert prepared.check(new_a, old_a) == plain.check(new_b, old_b)
    assert plain.differences(
        parse_with_imports(plain, "t0/value.proto", before),
        parse_with_imports(plain, "t0/value.proto", now),
    ), "an unchanged file whose import changed still differs"


def test_a_broken_changed_file_does_not_compile_the_deferred_ones() -> None:
    schema_format = ProtobufFormat()
    broken = source("bad/value.proto", 'syntax = "proto3";\nmessage B { int32 a = 1 }\n')
    same = [source("ok/value.proto", OTHER), source("ok/value.proto", OTHER, "abc123")]
    schema_format.prepare([broken, *same])
    runs = schema_format.compiler.runs
    with pytest.raises(InvalidSchema):
        schema_format.parse(broken, [])
    assert schema_format.compiler.runs == runs + 1  # its own run, not the deferred batch
