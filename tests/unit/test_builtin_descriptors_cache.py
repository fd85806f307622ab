"""Protobuf's built-in descriptors kept in the run folder (formats/protobuf/compile.py,
generic/stamped_file.py): read back exactly as compiled, and never believed when damaged or stale."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contractctl.formats.protobuf import compile as protobuf_compile
from contractctl.generic import stamped_file


def _serialized(descriptors: dict[str, object]) -> dict[str, bytes]:
    return {name: d.SerializeToString() for name, d in descriptors.items()}  # type: ignore[attr-defined]


@pytest.fixture()
def folder(tmp_path: Path) -> Iterator[Path]:
    """The run folder of a check, and a process that has not compiled the built-ins yet."""
    protobuf_compile.builtin_descriptors.cache_clear()
    stamped_file.run_folder = tmp_path
    yield tmp_path
    stamped_file.run_folder = None
    protobuf_compile.builtin_descriptors.cache_clear()


def _fresh() -> dict[str, bytes]:
    protobuf_compile.builtin_descriptors.cache_clear()
    return _serialized(protobuf_compile.builtin_descriptors())


def _compiled_without_cache() -> dict[str, bytes]:
    return _serialized(protobuf_compile._compile_builtins())


def _kept_file(folder: Path) -> Path:
    """Where this installation keeps the built-ins (a file of its own stamp)."""
    return stamped_file.named(folder, protobuf_compile._BUILTINS_FILE, protobuf_compile._builtins_stamp())


def _no_protoc(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> dict[str, object]:
        raise AssertionError("compiled again")

    monkeypatch.setattr(protobuf_compile, "_compile_builtins", refuse)


def test_a_kept_file_gives_the_compiled_descriptors_without_protoc(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _fresh()
    assert (_kept_file(folder)).is_file()
    assert first == _compiled_without_cache()
    assert "google/protobuf/timestamp.proto" in first
    _no_protoc(monkeypatch)
    assert _fresh() == first  # read back, source info and order included


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-9],  # torn write
        lambda data: data[:-30] + bytes([data[-30] ^ 1]) + data[-29:],  # a flipped bit
        lambda data: b"",
    ],
)
def test_a_damaged_file_is_compiled_again_and_rewritten(folder: Path, damage: object) -> None:
    first = _fresh()
    file = _kept_file(folder)
    file.write_bytes(damage(file.read_bytes()))  # type: ignore[operator]
    assert _fresh() == first
    assert stamped_file.read(file, protobuf_compile._BUILTINS_MAGIC, protobuf_compile._builtins_stamp())


def test_a_checksummed_file_that_does_not_decode_is_compiled_again(folder: Path) -> None:
    first = _fresh()
    file = _kept_file(folder)
    stamp = protobuf_compile._builtins_stamp()
    stamped_file.write(file, protobuf_compile._BUILTINS_MAGIC, stamp, b"\xff\xff\xff not a descriptor set")
    assert _fresh() == first


def test_a_file_of_other_tools_or_texts_is_not_believed(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another protoc, another built-in text or another contractctl: another stamp."""
    first = _fresh()
    file = _kept_file(folder)
    # a file a different protoc wrote: same magic, other stamp, other (here: empty) descriptors
    stamped_file.write(file, protobuf_compile._BUILTINS_MAGIC, "other-protoc", b"")
    assert _fresh() == first
    # the stamp follows the files it is computed from
    before = protobuf_compile._builtins_stamp()
    shipped = next(iter(protobuf_compile.builtin_files().values()))
    monkeypatch.setattr(protobuf_compile, "builtin_files", lambda: {"x.proto": folder / "x.proto"})
    (folder / "x.proto").write_text("syntax = 'proto3';")
    assert protobuf_compile._builtins_stamp() != before
    assert shipped.is_file()


def test_without_a_run_folder_or_a_writable_one_nothing_is_kept(tmp_path: Path) -> None:
    protobuf_compile.builtin_descriptors.cache_clear()
    stamped_file.run_folder = None
    try:
        assert _fresh() == _compiled_without_cache()
        blocked = tmp_path / "file"
        blocked.write_text("a file, not a folder")
        stamped_file.run_folder = blocked / "contractctl"  # cannot be created: as a read-only git dir
        assert _fresh() == _compiled_without_cache()
        assert not (blocked / "contractctl").exists()
    finally:
        stamped_file.run_folder = None
        protobuf_compile.builtin_descriptors.cache_clear()
    assert not list(tmp_path.glob("**/protobuf-builtins*"))


def test_no_later_run_in_the_process_inherits_a_check_s_run_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contractctl.commands import check

    def fails_midway(config: object, options: object) -> object:
        stamped_file.run_folder = tmp_path  # as _LocalRun.prepare sets it for a check of the index
        raise RuntimeError("a check that ends early")

    monkeypatch.setattr(check, "_run_check", fails_midway)
    with pytest.raises(RuntimeError):
        check.run_check(None, None)  # type: ignore[arg-type]
    assert stamped_file.run_folder is None


def test_two_installations_keep_their_files_side_by_side(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pre-commit hook's environment and the developer's own contractctl stamp their files apart:
    each finds its own again instead of the other's (round 14: with one file, each run of the one
    replaced what the other kept). An upgrade leaves one older file at most."""
    first = _fresh()
    ours = _kept_file(folder)
    monkeypatch.setattr(protobuf_compile, "_builtins_stamp", lambda: "the other installation")
    assert _fresh() == first
    theirs = _kept_file(folder)
    assert theirs != ours and ours.is_file() and theirs.is_file()
    monkeypatch.undo()
    _no_protoc(monkeypatch)
    assert _fresh() == first  # ours, still there: no protoc run
    monkeypatch.undo()
    for release in range(3):  # three more upgrades
        monkeypatch.setattr(protobuf_compile, "_builtins_stamp", lambda r=release: f"release {r}")
        _fresh()
        monkeypatch.undo()
    assert len(list(folder.glob(f"{protobuf_compile._BUILTINS_FILE}-*"))) == 2
