"""The Protobuf format's plumbing: outline, fingerprint, batch compilation, positions, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import PurePosixPath

import pytest

from contractctl.formats.base import InvalidSchema
from contractctl.formats.protobuf import ProtobufFormat
from contractctl.formats.protobuf.builtins import KNOWN_DEPENDENCIES
from contractctl.formats.protobuf.compile import CompileFailed
from contractctl.model import SchemaText

ADDRESS = 'syntax = "proto3";\npackage acme.common;\nmessage Address { string city = 1; }\n'
ORDER = (
    'syntax = "proto3";\n'
    "package acme.orders;\n"
    'import "common/address.proto";\n'
    'import "google/protobuf/timestamp.proto";\n'
    "message Order {\n"
    "  acme.common.Address to = 1;\n"
    "  oneof pay {\n"
    "    string card = 2;\n"
    "  }\n"
    "  message Line { int32 qty = 1; }\n"
    "  enum Kind { K = 0; }\n"
    "}\n"
    "message Second { int32 a = 1; }\n"
)


def text(path: str, body: str) -> SchemaText:
    return SchemaText(PurePosixPath(f"contracts/{path}"), body, root="contracts")


def test_outline_names_import_paths_and_first_message() -> None:
    outline = ProtobufFormat().outline(text("orders/value.proto", ORDER))
    assert outline.defined_names == ("orders/value.proto",)
    assert outline.referenced_names == ("common/address.proto",)  # built-ins are no references
    assert outline.primary_name == "acme.orders.Order"


def test_fingerprint_ignores_formatting_comments_and_option_order() -> None:
    schema_format = ProtobufFormat()
    a = (
        'syntax = "proto3";\noption java_package = "a";\noption go_package = "b";\n'
        "message M { int32 x = 1; }\n"
    )
    b = (
        "// header\nsyntax='proto3';\noption go_package = \"b\";\n"
        'option java_package = "a";\nmessage M {\n  int32 x = 1; /* c */\n}\n'
    )
    c = a.replace("int32 x = 1", "int64 x = 1")
    assert schema_format.fingerprint(text("t/value.proto", a)) == schema_format.fingerprint(
        text("t/value.proto", b)
    )
    assert schema_format.fingerprint(text("t/value.proto", a)) != schema_format.fingerprint(
        text("t/value.proto", c)
    )
    assert schema_format.fingerprint(text("t/value.proto", 'message "unterminated')) != ""


def test_prepare_compiles_many_files_in_one_protoc_run() -> None:
    schema_format = ProtobufFormat()
    sources = [text("common/address.proto", ADDRESS), text("orders/value.proto", ORDER)]
    sources += [
        text(
            f"t{i}/value.proto",
            f'syntax = "proto3";\nimport "common/address.proto";\n'
            f"message T{i} {{ acme.common.Address a = 1; }}\n",
        )
        for i in range(20)
    ]
    schema_format.prepare(sources)
    assert schema_format.compiler.runs == 1
    address = schema_format.parse(sources[0], [])
    for source in sources[1:]:
        schema_format.parse(source, [address])
    assert schema_format.compiler.runs == 1  # every parse was a cache hit


def test_prepare_survives_a_broken_file_and_still_caches_the_rest() -> None:
    schema_format = ProtobufFormat()
    good = [
        text(f"g{i}/value.proto", f'syntax = "proto3";\nmessage G{i} {{ int32 a = 1; }}\n') for i in range(5)
    ]
    broken = text("bad/value.proto", 'syntax = "proto3";\nmessage B { int32 a = 1 }\n')
    schema_format.prepare([*good, broken])
    assert schema_format.compiler.runs == 2
    for source in good:
        schema_format.parse(source, [])
    assert schema_format.compiler.runs == 2
    with pytest.raises(InvalidSchema):
        schema_format.parse(broken, [])


def test_a_changed_import_is_not_served_from_the_cache() -> None:
    schema_format = ProtobufFormat()
    v1 = schema_format.parse(text("common/address.proto", ADDRESS), [])
    v2 = schema_format.parse(text("common/address.proto", ADDRESS.replace("string city", "int32 city")), [])
    first = schema_format.parse(text("orders/value.proto", ORDER), [v1])
    second = schema_format.parse(text("orders/value.proto", ORDER), [v2])
    assert first.compiled is not second.compiled


def test_locate_maps_confluent_paths_to_lines() -> None:
    schema_format = ProtobufFormat()
    address = schema_format.parse(text("common/address.proto", ADDRESS), [])
    order = schema_format.parse(text("orders/value.proto", ORDER), [address])
    line = lambda pointer: order.locate(pointer).line  # type: ignore[union-attr]  # noqa: E731
    assert line("#/Order") == 5
    assert line("#/Order/1") == 6
    assert line("#/Order/pay") == 7
    assert line("#/Order/pay/2") == 8
    assert line("#/Order/Line") == 10
    assert line("#/Order/Kind/0") == 11
    assert line("#/Order/99") == 5  # gone: nearest enclosing element
    assert line("#/") == 2
    assert order.locate(None) is None


def test_error_in_an_imported_file_is_blamed_on_that_file() -> None:
    broken = 'syntax = "proto3";\npackage acme.common;\nmessage Address { Unknown x = 1; }\n'
    with pytest.raises(CompileFailed) as raised:
        ProtobufFormat().compiler.compile(
            "orders/value.proto", {"orders/value.proto": ORDER, "common/address.proto": broken}
        )
    blamed = {(m.file, m.line) for m in raised.value.messages}
    assert ("common/address.proto", 3) in blamed and ("orders/value.proto", 3) in blamed


def test_missing_import_is_reported_at_the_import_line() -> None:
    with pytest.raises(InvalidSchema) as raised:
        ProtobufFormat().parse(text("orders/value.proto", ORDER), [])
    first = raised.value.findings[0]
    assert (first.rule, first.file, first.line) == (
        "PROTO_IMPORT_NOT_FOUND",
        "contracts/orders/value.proto",
        3,
    )


def test_oneof_rules_are_validated() -> None:
    with pytest.raises(ValueError, match="oneof_rules"):
        ProtobufFormat("newest")  # type: ignore[arg-type]


def test_every_confluent_builtin_is_importable() -> None:
    schema_format = ProtobufFormat()
    imports = "".join(f'import "{path}";\n' for path in sorted(KNOWN_DEPENDENCIES))
    parsed = schema_format.parse(
        text("all/value.proto", f'syntax = "proto3";\n{imports}message M {{ int32 a = 1; }}\n'), []
    )
    assert len(parsed.compiled.file.dependency) == len(KNOWN_DEPENDENCIES) == 30


def test_other_google_files_are_not_importable() -> None:
    source = text(
        "x/value.proto",
        'syntax = "proto3";\nimport "google/protobuf/compiler/plugin.proto";\nmessage M { int32 a = 1; }\n',
    )
    with pytest.raises(InvalidSchema) as raised:
        ProtobufFormat().parse(source, [])
    assert raised.value.findings[0].rule == "PROTO_IMPORT_NOT_FOUND"


def test_outline_and_fingerprint_do_not_load_protoc() -> None:
    code = (
        "import sys\n"
        "from pathlib import PurePosixPath\n"
        "from contractctl.formats import get_format\n"
        "from contractctl.model import SchemaText, SchemaType\n"
        "f = get_format(SchemaType.PROTOBUF)\n"
        "s = SchemaText(PurePosixPath('c/value.proto'), 'syntax = \"proto3\"; message M { int32 a = 1; }')\n"
        "f.outline(s); f.fingerprint(s)\n"
        "assert 'grpc_tools' not in sys.modules and 'google.protobuf' not in sys.modules, 'loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
