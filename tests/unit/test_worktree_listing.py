"""Listing the contracts root from the directory listings' own file types: the same files and the same
warnings, in the same order, as a walk that asked the file system about every entry, with no system
call per regular file."""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from contractctl.repo import worktree
from contractctl.repo.worktree import DiskFiles, contract_files


def _wanted(name: str) -> bool:
    return name.lower().endswith((".avsc", ".proto"))


def _hostile_tree(tmp_path: Path) -> Path:
    """A repository whose root holds every kind of entry git would never store, around real files."""
    top = tmp_path / "repo"
    contracts = top / "contracts"
    (contracts / "a" / "b").mkdir(parents=True)
    (contracts / "a" / "value.avsc").write_text("{}")
    (contracts / "a" / "b" / "key.avsc").write_text('{"k": 1}')
    (contracts / "a" / "notes.txt").write_text("not a contract")
    (contracts / "Z.AVSC").write_text("{}")
    (contracts / ".hidden").mkdir()
    (contracts / ".hidden" / "x.avsc").write_text("{}")
    (contracts / "dir.avsc").mkdir()
    (contracts / "dir.avsc" / "in.proto").write_text("syntax")
    outside = tmp_path / "outside"
    (outside / "d").mkdir(parents=True)
    (outside / "s.avsc").write_text("{}")
    (contracts / "elsewhere").symlink_to(outside / "d")
    (contracts / "inlinkdir").symlink_to(contracts / "a")
    (contracts / "leak.avsc").symlink_to(outside / "s.avsc")
    (contracts / "loop.avsc").symlink_to(contracts / "loop.avsc")
    (contracts / "dangling.avsc").symlink_to(contracts / "nowhere.avsc")
    (contracts / "inside.avsc").symlink_to(contracts / "a" / "value.avsc")
    (contracts / "inside_fifo.avsc").symlink_to(contracts / "fifo.avsc")
    os.mkfifo(contracts / "fifo.avsc")
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(contracts / "sock.proto"))
    return top


def _shown(found: DiskFiles) -> tuple[list[tuple[str, bytes]], list[tuple[str | None, str]]]:
    return [(str(p), data) for p, data in found.files], [(f.file, f.message) for f in found.skipped]


EXPECTED_SKIPPED = [
    # the root's subdirectories first, in name order; then its files; then each subdirectory's own
    (
        "contracts/dir.avsc",
        "is a directory named like a contract; its name is not a contract (its files are checked as usual)",
    ),
    ("contracts/elsewhere", "is a symlinked directory leading outside the repository (OUT/d); not followed"),
    (
        "contracts/inlinkdir",
        "is a symlinked directory; not followed (git stores the link, not the files behind it)",
    ),
    ("contracts/dangling.avsc", "is a symlink that loops or leads nowhere; skipped"),
    ("contracts/fifo.avsc", "is not a regular file (a FIFO); skipped"),
    ("contracts/inside_fifo.avsc", "is not a regular file (a FIFO); skipped"),
    ("contracts/leak.avsc", "is a symlink leading outside the repository (OUT/s.avsc); skipped"),
    ("contracts/loop.avsc", "is a symlink that loops or leads nowhere; skipped"),
    ("contracts/sock.proto", "is not a regular file (a socket); skipped"),
]


def test_every_hostile_entry_is_warned_about_in_walk_order(tmp_path: Path) -> None:
    top = _hostile_tree(tmp_path)
    out = str((tmp_path / "outside").resolve())
    for read in (False, True):
        found = contract_files(top, "contracts", _wanted, read=read)
        files, warnings = _shown(found)
        assert [(file, message.replace(out, "OUT")) for file, message in warnings] == EXPECTED_SKIPPED
        assert files == [
            ("contracts/Z.AVSC", b"{}" if read else b""),
            ("contracts/inside.avsc", b"{}" if read else b""),
            ("contracts/a/value.avsc", b"{}" if read else b""),
            ("contracts/a/b/key.avsc", b'{"k": 1}' if read else b""),
            ("contracts/dir.avsc/in.proto", b"syntax" if read else b""),
        ]
        assert found.links == {"contracts/inside.avsc"}  # git grep does not follow it: the caller must


def test_the_whole_repository_and_a_single_folder_are_listed_alike(tmp_path: Path) -> None:
    top = _hostile_tree(tmp_path)
    whole = contract_files(top, "", _wanted, read=False)
    assert [str(p) for p, _ in whole.files][:2] == ["contracts/Z.AVSC", "contracts/inside.avsc"]
    one = contract_files(top, "contracts/a", _wanted, read=False)
    assert _shown(one) == ([("contracts/a/value.avsc", b""), ("contracts/a/b/key.avsc", b"")], [])


def test_a_regular_file_costs_no_system_call_beyond_its_folder_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = tmp_path / "repo"
    for n in range(30):
        (top / "contracts" / f"d{n}").mkdir(parents=True)
        (top / "contracts" / f"d{n}" / "value.avsc").write_text("{}")
    asked: list[object] = []
    real_stat, real_lstat = os.stat, os.lstat

    def counting_stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        asked.append(path)
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    def counting_lstat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        asked.append(path)
        return real_lstat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", counting_stat)
    monkeypatch.setattr(os, "lstat", counting_lstat)
    found = contract_files(top, "contracts", _wanted, read=False)
    monkeypatch.undo()
    assert len(found.files) == 30 and not found.skipped
    # resolving the repository itself is the only question asked (pathlib's resolve walks its parts)
    assert all(not str(path).startswith(str(top / "contracts")) for path in asked), asked


def test_a_folder_that_cannot_be_listed_is_warned_about_and_the_rest_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = tmp_path / "repo"
    for name in ("locked", "open"):
        (top / "contracts" / name).mkdir(parents=True)
        (top / "contracts" / name / "value.avsc").write_text("{}")
    locked = str(top / "contracts" / "locked")
    real_scandir = os.scandir

    def scandir(path: str) -> Iterator[os.DirEntry[str]]:
        if path == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_scandir(path)

    monkeypatch.setattr(worktree.os, "scandir", scandir)
    found = contract_files(top, "contracts", _wanted, read=False)
    assert _shown(found) == (
        [("contracts/open/value.avsc", b"")],
        [("contracts/locked", "cannot be listed (Permission denied); skipped")],
    )


def test_a_missing_root_is_one_warning(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    found = contract_files(tmp_path / "repo", "contracts", _wanted, read=False)
    assert _shown(found) == ([], [("contracts", "cannot be listed (No such file or directory); skipped")])


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists every folder whatever its mode")
def test_an_unreadable_folder_is_warned_about(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    (top / "contracts" / "locked").mkdir(parents=True)
    (top / "contracts" / "locked" / "value.avsc").write_text("{}")
    (top / "contracts" / "locked").chmod(0)
    try:
        found = contract_files(top, "contracts", _wanted, read=False)
    finally:
        (top / "contracts" / "locked").chmod(0o755)
    assert _shown(found) == ([], [("contracts/locked", "cannot be listed (Permission denied); skipped")])


def test_examples_folders_of_every_kind(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    real = top / "contracts" / "real" / "examples"
    real.mkdir(parents=True)
    (real / "b.json").write_text("{}")
    (real / "a.json").write_text("[]")
    (real / "notes.txt").write_text("x")
    (top / "contracts" / "file").mkdir()
    (top / "contracts" / "file" / "examples").write_text("not a folder")
    (tmp_path / "outside").mkdir()
    (top / "contracts" / "out").mkdir()
    (top / "contracts" / "out" / "examples").symlink_to(tmp_path / "outside")
    (top / "contracts" / "in").mkdir()
    (top / "contracts" / "in" / "examples").symlink_to(real)
    (top / "contracts" / "loop").mkdir()
    (top / "contracts" / "loop" / "examples").symlink_to(top / "contracts" / "loop" / "examples")
    (top / "contracts" / "to_file").mkdir()
    (top / "contracts" / "to_file" / "examples").symlink_to(real / "a.json")

    def listed(folder: str) -> tuple[list[tuple[str, bytes]], list[tuple[str | None, str]]]:
        return _shown(worktree.example_files(top, PurePosixPath(folder), ".json"))

    assert listed("contracts/real/examples") == (
        [("contracts/real/examples/a.json", b"[]"), ("contracts/real/examples/b.json", b"{}")],
        [],
    )
    assert listed("contracts/missing/examples") == ([], [])
    assert listed("contracts/file/examples") == ([], [])
    assert listed("contracts/to_file/examples") == ([], [])
    outside = "is a symlink leading outside the repository (or nowhere); its examples are skipped"
    assert listed("contracts/out/examples") == ([], [("contracts/out/examples", outside)])
    assert listed("contracts/loop/examples") == ([], [("contracts/loop/examples", outside)])
    assert listed("contracts/in/examples") == (
        [("contracts/in/examples/a.json", b"[]"), ("contracts/in/examples/b.json", b"{}")],
        [],
    )


def test_a_contract_without_examples_costs_one_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "contracts" / "orders").mkdir(parents=True)
    asked: list[str] = []
    for name in ("stat", "lstat"):
        real = getattr(os, name)

        def counting(path: object, *args: object, real: object = real, **kwargs: object) -> object:
            asked.append(str(path))
            return real(path, *args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(os, name, counting)
    found = worktree.example_files(tmp_path, PurePosixPath("contracts/orders/examples"), ".json")
    monkeypatch.undo()
    assert _shown(found) == ([], [])
    assert asked == [str(tmp_path / "contracts/orders/examples")]
