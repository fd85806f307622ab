"""protoc's scratch layout: every text written at its import path, byte for byte, and all of it gone
after the run, even when the run fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contractctl.formats.protobuf.compile import CompileFailed, _laid_out, run_protoc

FILES = {
    "a.proto": 'syntax = "proto3";\n// ünïcode ✓\nmessage A {}\n',
    "deep/er/still/b.proto": 'syntax = "proto3";\nmessage B {}\n',
    "deep/c.proto": 'syntax = "proto3";\r\nmessage C {}\r\n',
    "other/d.proto": "",
}


def test_the_texts_are_laid_out_by_import_path_and_removed_after(tmp_path: Path) -> None:
    root = tmp_path / "src"
    with _laid_out(str(root), FILES) as laid:
        assert laid == str(root)
        for path, text in FILES.items():
            assert (root / path).read_bytes() == text.encode("utf-8")
    assert not root.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_layout_is_removed_when_the_block_fails(tmp_path: Path) -> None:
    root = tmp_path / "src"
    with pytest.raises(RuntimeError), _laid_out(str(root), FILES):
        (root / "deep" / "extra.txt").write_text("not ours")  # left for the folder's own removal
        raise RuntimeError("protoc failed")
    assert not (root / "a.proto").exists() and not (root / "deep" / "er").exists()


def test_a_run_leaves_no_scratch_folder_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from contractctl.formats.protobuf import compile as compile_module

    monkeypatch.setattr(compile_module, "scratch_dir", lambda: str(tmp_path))
    found = run_protoc({k: v for k, v in FILES.items() if v}, ["deep/c.proto", "a.proto"])
    assert set(found) == {"deep/c.proto", "a.proto"}
    with pytest.raises(CompileFailed):
        run_protoc({"bad.proto": 'syntax = "proto3";\nmessage {}\n'}, ["bad.proto"])
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("extension", [True, False], ids=["extension", "protoc.main"])
def test_protoc_runs_with_or_without_grpc_tools_extension_at_hand(
    extension: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`protoc_main` calls grpc_tools' compiler extension directly; where it is not importable by that
    name, grpc_tools' public protoc.main does the same work, successes and refusals alike."""
    import sys

    import grpc_tools
    from grpc_tools import protoc

    calls: list[object] = []
    real_main = protoc.main
    monkeypatch.setattr(protoc, "main", lambda arguments: calls.append(arguments) or real_main(arguments))
    if not extension:
        monkeypatch.setitem(sys.modules, "grpc_tools._protoc_compiler", None)  # import raises
        monkeypatch.delattr(grpc_tools, "_protoc_compiler")
    good = run_protoc({"a.proto": FILES["a.proto"]}, ["a.proto"])
    assert [m.name for m in good["a.proto"].message_type] == ["A"]
    with pytest.raises(CompileFailed) as failed:
        run_protoc({"bad.proto": 'syntax = "proto3";\nmessage B { int32 x = 0; }\n'}, ["bad.proto"])
    assert any(m.file == "bad.proto" and m.line == 2 for m in failed.value.messages)
    assert len(calls) == (0 if extension else 2)
