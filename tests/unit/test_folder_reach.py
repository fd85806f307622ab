"""FolderReach: the paths a folder file reaches through folder files, with each file taken from the
first folder holding it, as protoc searches them."""

from __future__ import annotations

from pathlib import Path

from contractctl.formats.protobuf.compile import contract_imports
from contractctl.generic.folder_reach import FolderReach


def _write(folder: Path, path: str, *imports: str) -> None:
    file = folder / path
    file.parent.mkdir(parents=True, exist_ok=True)
    lines = ['syntax = "proto3";', *(f'import "{i}";' for i in imports)]
    file.write_text("\n".join(lines) + "\n")


def _reach(*folders: Path) -> FolderReach:
    return FolderReach([str(f) for f in folders], lambda _path, text: contract_imports(text))


def test_reach_through_chains_and_cycles_in_the_first_folder(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _write(first, "v/top.proto", "v/mid.proto", "google/protobuf/timestamp.proto")
    _write(first, "v/mid.proto", "v/top.proto", "acme/orders.proto")  # a cycle back to top
    _write(second, "v/mid.proto", "acme/other.proto")  # shadowed by the first folder's copy
    _write(second, "v/alone.proto", "v/top.proto", "acme/z.proto")
    reach = _reach(first, second)
    assert reach.of("v/top.proto") == ("acme/orders.proto", "v/mid.proto")
    assert reach.of("v/alone.proto") == ("acme/orders.proto", "acme/z.proto", "v/mid.proto", "v/top.proto")
    assert reach.of("acme/orders.proto") == ()  # in no folder: nothing to follow


def test_built_ins_are_left_out(tmp_path: Path) -> None:
    _write(tmp_path, "validate/validate.proto", "google/protobuf/descriptor.proto")
    _write(tmp_path, "udpa/status.proto", "validate/validate.proto")
    assert _reach(tmp_path).of("udpa/status.proto") == ("validate/validate.proto",)


def test_reaching_names_the_folder_files_a_contract_change_reaches(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _write(first, "v/top.proto", "v/mid.proto")
    _write(first, "v/mid.proto", "acme/orders.proto")
    _write(second, "v/mid.proto", "acme/other.proto")  # shadowed: never read as v/mid.proto
    _write(second, "w/alone.proto", "acme/other.proto")
    (first / "v" / "notes.txt").write_text('import "acme/orders.proto";\n')  # not a .proto file
    reach = _reach(first, second)
    assert reach.reaching(["acme/orders.proto"]) == ["v/mid.proto", "v/top.proto"]
    assert reach.reaching(["acme/other.proto"]) == ["w/alone.proto"]
    assert reach.reaching(["acme/none.proto"]) == []
