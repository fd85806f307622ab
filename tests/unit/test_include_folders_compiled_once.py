"""Files of `protobuf.include` folders are compiled once and handed to later runs as descriptors.

A third-party folder (the Envoy API's third_party: validate, xds, google/api, ...) is imported by
most contracts; laying it out for protoc in every run made each run parse it again. The answers must
be those of a run that lays out every text with the folders on protoc's path (`laid_out`), including
where that cannot hold and every text is laid out again: a folder file importing a contract's path
(the contracts come first on protoc's path), a folder file protoc refuses (its own errors are
reported), a folder holding a built-in's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath

import pytest

from contractctl.formats.protobuf import ProtobufFormat
from contractctl.formats.protobuf.compile import Compiled, CompileFailed, Compiler
from contractctl.model import SchemaText

VALIDATE = (
    'syntax = "proto3";\npackage vendor.validate;\nimport "google/protobuf/descriptor.proto";\n'
    "extend google.protobuf.FieldOptions { bool required = 51001; }\n"
)
STAMPED = (
    'syntax = "proto3";\npackage vendor.core;\nimport "google/protobuf/timestamp.proto";\n'
    'import "vendor/validate.proto";\n'
    "message Stamped {\n  google.protobuf.Timestamp at = 1 [(vendor.validate.required) = true];\n"
    "  enum Level { LEVEL_UNSPECIFIED = 0; HIGH = 1; }\n  Level level = 2;\n}\n"
)
COMMON = (
    'syntax = "proto3";\npackage acme.common;\nimport "vendor/core.proto";\n'
    "message Id { vendor.core.Stamped s = 1; }\n"
)
ORDER = (
    'syntax = "proto3";\npackage acme.orders;\nimport "common/id.proto";\nimport "vendor/core.proto";\n'
    "message Order {\n  acme.common.Id id = 1;\n  vendor.core.Stamped.Level level = 2;\n}\n"
)


def _folder(tmp_path: Path, files: Mapping[str, str]) -> str:
    folder = tmp_path / "third_party"
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
    return str(folder)


def _vendor(tmp_path: Path) -> str:
    return _folder(tmp_path, {"vendor/validate.proto": VALIDATE, "vendor/core.proto": STAMPED})


def _states() -> list[dict[str, str]]:
    """Three states of a small tree: the shared file changes, then the importer."""
    second = COMMON.replace("s = 1;", "s = 1;\n  string note = 2;")
    return [
        {"common/id.proto": COMMON, "orders/value.proto": ORDER},
        {"common/id.proto": second, "orders/value.proto": ORDER},
        {
            "common/id.proto": second,
            "orders/value.proto": ORDER.replace("level = 2;", "level = 2;\n  int32 n = 3;"),
        },
    ]


def _plain(folder: str, path: str, available: Mapping[str, str]) -> Compiled:
    return Compiler([folder], laid_out=True).compile(path, available)


def _same(ours: Compiled, theirs: Compiled) -> None:
    assert [f.name for f in ours.closure] == [f.name for f in theirs.closure]
    assert list(ours.closure) == list(theirs.closure)


def test_descriptors_equal_a_run_with_every_text_laid_out_and_the_folder_is_compiled_once(
    tmp_path: Path,
) -> None:
    folder = _vendor(tmp_path)
    compiler = Compiler([folder])
    compiler.compile_many(_states())
    for state in _states():
        for path in state:
            _same(compiler.compile(path, state), _plain(folder, path, state))
    assert compiler.folder_runs == 1  # both vendor files, in one run, for every state
    # a file asked for alone, not through a layer, takes the same descriptors
    alone = Compiler([folder])
    _same(
        alone.compile("orders/value.proto", _states()[2]), _plain(folder, "orders/value.proto", _states()[2])
    )


def test_a_parse_through_the_references_sees_every_type_the_folder_files_bring(tmp_path: Path) -> None:
    """The shortcut that assembles a closure from the references' own closures (compile_imported)
    holds the folder files and the built-ins they import: a type the diff cannot find makes it
    give up remembering walks, and a closure without it is not the one protoc compiled."""
    folder = _vendor(tmp_path)
    schema_format = ProtobufFormat(include=[folder])
    state = _states()[0]
    schema_format.compiler.compile_many([state])
    common = schema_format.parse(_text("common/id.proto", state), [])
    order = schema_format.parse(_text("orders/value.proto", state), [common])
    theirs = _plain(folder, "orders/value.proto", state)
    assert [f.name for f in order.compiled.closure] == [f.name for f in theirs.closure]
    for name in (
        "google.protobuf.Timestamp",
        "vendor.core.Stamped",
        "vendor.core.Stamped.Level",
        "acme.common.Id",
    ):
        assert name in order.view.types


def _text(path: str, tree: Mapping[str, str]) -> SchemaText:
    return SchemaText(PurePosixPath(f"contracts/{path}"), tree[path], root="contracts")


def test_a_folder_file_importing_a_contract_path_takes_the_contract_as_protoc_would(tmp_path: Path) -> None:
    """The folder imports `common/id.proto`, which the contracts hold with another text: protoc,
    searching the contracts first, compiles the folder file against the contract's."""
    folder = _folder(
        tmp_path,
        {
            "vendor/wrap.proto": 'syntax = "proto3";\npackage vendor.wrap;\nimport "common/id.proto";\n'
            "message Wrap { acme.common.Id id = 1; }\n",
            "common/id.proto": 'syntax = "proto3";\npackage acme.common;\nmessage Id { int64 n = 1; }\n',
        },
    )
    tree = {
        "common/id.proto": 'syntax = "proto3";\npackage acme.common;\nmessage Id { string value = 1; }\n',
        "top.proto": 'syntax = "proto3";\npackage acme.top;\nimport "vendor/wrap.proto";\n'
        "message Top { vendor.wrap.Wrap w = 1; }\n",
    }
    ours, theirs = (Compiler([folder], laid_out=plain) for plain in (False, True))
    for compiler in (ours, theirs):
        compiler.compile_many([tree])  # the tree's layer: every contract laid out for protoc
    _same(ours.compile("top.proto", tree), theirs.compile("top.proto", tree))
    assert ours.folder_runs == 1 and theirs.folder_runs == 0
    ids = next(f for f in ours.compile("top.proto", tree).closure if f.name == "common/id.proto")
    assert [field.name for field in ids.message_type[0].field] == ["value"]  # the contract's text


def test_a_folder_file_protoc_refuses_is_reported_as_a_run_with_the_folder_reports_it(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path, {"vendor/bad.proto": 'syntax = "proto3";\npackage vendor.bad;\nmessage B { Nope n = 1; }\n'}
    )
    tree = {
        "top.proto": 'syntax = "proto3";\npackage acme.top;\nimport "vendor/bad.proto";\n'
        "message Top { int32 x = 1; }\n"
    }
    outcomes = []
    for compiler in (Compiler([folder]), Compiler([folder], laid_out=True)):
        compiler.compile_many([tree])
        with pytest.raises(CompileFailed) as failure:
            compiler.compile("top.proto", tree)
        outcomes.append([(m.file, m.line, m.message) for m in failure.value.messages])
    assert outcomes[0] == outcomes[1]
    assert any(file.endswith("third_party/vendor/bad.proto") for file, _, _ in outcomes[0])


def test_an_import_in_no_folder_is_not_found_either_way(tmp_path: Path) -> None:
    folder = _vendor(tmp_path)
    tree = {"top.proto": 'syntax = "proto3";\nimport "vendor/missing.proto";\nmessage Top { int32 x = 1; }\n'}
    outcomes = []
    for compiler in (Compiler([folder]), Compiler([folder], laid_out=True)):
        with pytest.raises(CompileFailed) as failure:
            compiler.compile("top.proto", tree)
        outcomes.append([(m.file, m.line, m.message) for m in failure.value.messages])
    assert outcomes[0] == outcomes[1] and outcomes[0]


def test_a_folder_holding_a_built_in_name_is_read_from_disk_in_every_run(tmp_path: Path) -> None:
    """A vendored google/protobuf/timestamp.proto: which of the two protoc takes depends on its
    path, so every run lays out every text with the folders, as before."""
    shadow = (
        'syntax = "proto3";\npackage google.protobuf;\n'
        "message Timestamp { int64 seconds = 1; int32 nanos = 2; string zone = 3; }\n"
    )
    folder = _folder(
        tmp_path,
        {
            "google/protobuf/timestamp.proto": shadow,
            "vendor/core.proto": STAMPED.replace('import "vendor/validate.proto";\n', "").replace(
                " [(vendor.validate.required) = true]", ""
            ),
        },
    )
    tree = {
        "orders/value.proto": ORDER.replace('import "common/id.proto";\n', "").replace(
            "acme.common.Id id = 1;", "int32 id = 1;"
        )
    }
    compiler = Compiler([folder])
    ours = compiler.compile("orders/value.proto", tree)
    _same(ours, _plain(folder, "orders/value.proto", tree))
    assert compiler.folder_runs == 0
