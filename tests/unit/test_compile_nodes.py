"""The Protobuf compiler compiles each file once per node: its text and what its imports compile to.

A file already compiled is handed to later protoc runs as a descriptor instead of its text. These tests
pin what that must never change: a file whose import has another text is compiled again (its
descriptor can differ: a name resolves to an enum in one and to a message in the other), the
descriptors equal those of a run that lays out every text, and a check of an earlier version still
sees its imports as they were at its commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from contractctl import formats
from contractctl.commands.check import CheckOptions, run_check
from contractctl.config.project import default_config
from contractctl.formats.protobuf import compile as compile_module
from contractctl.formats.protobuf.compile import Compiled, CompileFailed, Compiler
from tests.conftest import GitRepo

KIND_ENUM = 'syntax = "proto3";\npackage acme.common;\nenum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }\n'
KIND_MESSAGE = 'syntax = "proto3";\npackage acme.common;\nmessage Kind { string name = 1; }\n'
OPTIONS = (
    'syntax = "proto3";\npackage acme.options;\nimport "google/protobuf/descriptor.proto";\n'
    "extend google.protobuf.FieldOptions { string behavior = 50001; }\n"
)
MIDDLE = (
    'syntax = "proto3";\npackage acme.middle;\nimport "common/kind.proto";\nimport "options/o.proto";\n'
    'message Middle { acme.common.Kind kind = 1 [(acme.options.behavior) = "REQUIRED"]; }\n'
)
TOP = (
    'syntax = "proto3";\npackage acme.top;\nimport "middle/m.proto";\n'
    'import "google/protobuf/timestamp.proto";\n'
    "message Top {\n  acme.middle.Middle middle = 1;\n  google.protobuf.Timestamp at = 2;\n}\n"
)


def _tree(kind: str) -> dict[str, str]:
    return {
        "common/kind.proto": kind,
        "options/o.proto": OPTIONS,
        "middle/m.proto": MIDDLE,
        "top/t.proto": TOP,
    }


def _with_texts_laid_out(tmp_path: Path, path: str, available: Mapping[str, str]) -> Compiled:
    """The same file compiled the way every run worked before: every text laid out (`laid_out`)."""
    return Compiler(laid_out=True).compile(path, available)


def _field_type(compiled: Compiled, message: str, field: str) -> int:
    found = next(m for m in compiled.file.message_type if m.name == message)
    return next(f.type for f in found.field if f.name == field)


def test_the_same_text_against_another_text_of_its_import_is_compiled_again(tmp_path: Path) -> None:
    from google.protobuf.descriptor_pb2 import FieldDescriptorProto

    compiler = Compiler()
    as_enum = compiler.compile("middle/m.proto", _tree(KIND_ENUM))
    as_message = compiler.compile("middle/m.proto", _tree(KIND_MESSAGE))
    assert _field_type(as_enum, "Middle", "kind") == FieldDescriptorProto.TYPE_ENUM
    assert _field_type(as_message, "Middle", "kind") == FieldDescriptorProto.TYPE_MESSAGE
    # and back: the first node is still served as it was compiled, not as last compiled
    assert compiler.compile("middle/m.proto", _tree(KIND_ENUM)) is as_enum
    assert as_enum.file == _with_texts_laid_out(tmp_path, "middle/m.proto", _tree(KIND_ENUM)).file


def test_descriptors_equal_those_of_a_run_with_every_text_laid_out(tmp_path: Path) -> None:
    compiler = Compiler()
    compiler.compile_many([_tree(KIND_ENUM)])  # the imports compiled first, then handed over as descriptors
    for kind in (KIND_ENUM, KIND_MESSAGE):
        ours = compiler.compile("top/t.proto", _tree(kind))
        theirs = _with_texts_laid_out(tmp_path, "top/t.proto", _tree(kind))
        assert [f.name for f in ours.closure] == [f.name for f in theirs.closure]
        assert list(ours.closure) == list(theirs.closure)  # source info included
        assert ours.file.HasField("source_code_info")


def test_each_node_is_laid_out_for_protoc_once(monkeypatch: pytest.MonkeyPatch) -> None:
    laid_out: list[str] = []
    real = compile_module.run_protoc

    def recording(files: Mapping[str, str], targets: Sequence[str], *args: Any) -> Any:
        laid_out.extend(files)
        return real(files, targets, *args)

    monkeypatch.setattr(compile_module, "run_protoc", recording)
    compiler = Compiler()
    compiler.compile_many([_tree(KIND_ENUM)])
    assert sorted(laid_out) == sorted(_tree(KIND_ENUM))
    laid_out.clear()
    changed_top = TOP.replace("at = 2;", "at = 2;\n  string note = 3;")
    compiler.compile_many([{**_tree(KIND_ENUM), "top/t.proto": changed_top}])
    assert laid_out == ["top/t.proto"]  # its imports came as descriptors
    laid_out.clear()
    compiler.compile("top/t.proto", _tree(KIND_MESSAGE))
    # the changed import and the files importing it, never the unchanged options file
    assert sorted(laid_out) == ["common/kind.proto", "middle/m.proto", "top/t.proto"]


def test_files_in_an_import_cycle_never_share_a_node() -> None:
    cycle = {
        "a.proto": 'syntax = "proto3";\nimport "b.proto";\nmessage A { int32 x = 1; }\n',
        "b.proto": 'syntax = "proto3";\nimport "a.proto";\nmessage B { int32 y = 1; }\n',
    }
    compiler = Compiler()
    for _ in range(2):
        with pytest.raises(CompileFailed):
            compiler.compile("a.proto", cycle)
    fixed = {**cycle, "b.proto": 'syntax = "proto3";\nmessage B { int32 y = 1; }\n'}
    assert compiler.compile("a.proto", fixed).file.name == "a.proto"


TOPIC = (
    'syntax = "proto3";\npackage acme.t;\nimport "common/kind.proto";\n'
    "message Event {\n  string id = 1;\n  acme.common.Kind kind = 2;\n}\n"
)


def test_an_earlier_version_is_compiled_with_its_import_as_it_was(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The topic's text never changes; its last version was committed when Kind was an enum, and the
    working tree makes Kind a message. The check compiles that same topic text against both texts of
    its import in one run: the earlier version must keep the enum (Confluent compares the registered
    version with the references it was registered with), so the field's kind changed."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write("contracts/common/kind.proto", KIND_ENUM)
    repo.write("contracts/t/value.proto", TOPIC)
    repo.commit("topic with an enum kind")
    repo.write("contracts/common/kind.proto", KIND_MESSAGE)
    monkeypatch.setattr(formats, "_LOADED", {})  # a fresh compiler
    report = run_check(default_config(repo.root), CheckOptions())
    verdicts = {r.subject: (r.verdict, sorted(f.rule for f in r.findings)) for r in report.results}
    assert verdicts["t-value"][0] == "incompatible", verdicts
    assert verdicts["t-value"][1] == ["FIELD_KIND_CHANGED"], verdicts  # as the code before this one said
