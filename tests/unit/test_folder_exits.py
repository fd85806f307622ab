"""FolderExits: the paths outside the include folders a folder file reaches through folder files,
with each file taken from the first folder holding it, as protoc searches them."""

from __future__ import annotations

from pathlib import Path

from contractctl.formats.protobuf.compile import contract_imports
from contractctl.generic.folder_exits import FolderExits


def _write(folder: Path, path: str, *imports: str) -> None:
    file = folder / path
    file.parent.mkdir(parents=True, exist_ok=True)
    lines = ['syntax = "proto3";', *(f'import "{i}";' for i in imports)]
    file.write_text("\n".join(lines) + "\n")


def _exits(*folders: Path) -> FolderExits:
    return FolderExits([str(f) for f in folders], lambda _path, text: contract_imports(text))


def test_exits_through_chains_and_cycles_in_the_first_folder(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _write(first, "v/top.proto", "v/mid.proto", "google/protobuf/timestamp.proto")
    _write(first, "v/mid.proto", "v/top.proto", "acme/orders.proto")  # a cycle back to top
    _write(second, "v/mid.proto", "acme/other.proto")  # shadowed by the first folder's copy
    _write(second, "v/alone.proto", "v/top.proto", "acme/z.proto")
    exits = _exits(first, second)
    assert exits.of("v/top.proto") == ("acme/orders.proto",)
    assert exits.of("v/alone.proto") == ("acme/orders.proto", "acme/z.proto")
    assert exits.of("acme/orders.proto") == ()  # in no folder: nothing to follow


def test_a_folder_reaching_only_itself_has_no_exits(tmp_path: Path) -> None:
    _write(tmp_path, "validate/validate.proto", "google/protobuf/descriptor.proto")
    _write(tmp_path, "udpa/status.proto", "validate/validate.proto")
    assert _exits(tmp_path).of("udpa/status.proto") == ()


def test_reaching_names_the_folder_files_a_contract_change_reaches(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _write(first, "v/top.proto", "v/mid.proto")
    _write(first, "v/mid.proto", "acme/orders.proto")
    _write(second, "v/mid.proto", "acme/other.proto")  # shadowed: never read as v/mid.proto
    _write(second, "w/alone.proto", "acme/other.proto")
    (first / "v" / "notes.txt").write_text('import "acme/orders.proto";\n')  # not a .proto file
    exits = _exits(first, second)
    assert exits.reaching(["acme/orders.proto"]) == ["v/mid.proto", "v/top.proto"]
    assert exits.reaching(["acme/other.proto"]) == ["w/alone.proto"]
    assert exits.reaching(["acme/none.proto"]) == []
