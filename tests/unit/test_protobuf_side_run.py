"""A side run (protoc in a forked process) hands back what protoc in this process would make of the
same tree, or nothing; a compiler given one answers exactly as without it."""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path
from typing import cast

import pytest

from contractctl.formats.protobuf import ProtobufFormat
from contractctl.formats.protobuf import compile as compile_module
from contractctl.formats.protobuf.compile import Compiler, run_protoc
from contractctl.formats.protobuf.side_run import SideRun, side_run
from contractctl.generic.parallel import usable_cores
from tests.unit.test_protobuf_sharing import _outcome, assert_same_outcome

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")
# `side_run` starts none with one core to use: the tests that need it to start skip there
needs_a_spare_core = pytest.mark.skipif(usable_cores() < 2, reason="side runs need two cores")

P3 = 'syntax = "proto3";\n'
TREE = {
    "common/kind.proto": P3 + "package acme.common;\nenum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }\n",
    "common/money.proto": P3 + "package acme.common;\nmessage Money { int64 cents = 1; }\n",
    "orders/value.proto": P3 + 'package acme.orders;\nimport "common/kind.proto";\n'
    'import "common/money.proto";\nimport "google/protobuf/timestamp.proto";\n'
    "message Order {\n  acme.common.Kind kind = 1;\n  acme.common.Money total = 2;\n"
    "  google.protobuf.Timestamp at = 3;\n}\n",
}


@pytest.mark.parametrize("source_info", [True, False])
def test_a_side_run_answers_what_protoc_in_process_does(source_info: bool) -> None:
    side = SideRun(TREE, source_info)
    found = side.result()
    assert found is not None
    here = run_protoc(TREE, sorted(TREE), (), None, source_info)
    assert sorted(found) == sorted(here)  # the tree and the built-ins it imports
    for name, descriptor in here.items():
        assert found[name].SerializeToString(deterministic=True) == descriptor.SerializeToString(
            deterministic=True
        ), name
    assert side.result() is found  # asked again: the same answer, no second wait


def test_a_tree_protoc_refuses_gives_nothing_and_leaves_nothing_behind() -> None:
    broken = {**TREE, "common/money.proto": P3 + "package acme.common;\nmessage Money { Nope cents = 1; }\n"}
    side = SideRun(broken, False)
    folder = side._folder
    assert side.result() is None
    assert not os.path.exists(folder)


def test_a_side_run_stopped_before_its_answer_leaves_no_child() -> None:
    side = SideRun(TREE, False)
    (pid,) = side.pids
    side.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # reaped: no zombie left
    assert side.result() is None


def test_a_side_run_stopped_mid_compile_leaves_none_of_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child lays protoc's files out in the side run's own folder, which close() removes after
    killing it (a killed child runs no cleanup of its own: before, a whole copy of the tree stayed in
    the scratch folder, /dev/shm, after every side run a check stopped early)."""
    # the module: the package's own attribute `side_run` is the function of that name
    side_run_module = importlib.import_module("contractctl.formats.protobuf.side_run")
    monkeypatch.setattr(side_run_module, "scratch_dir", lambda: str(tmp_path))
    monkeypatch.setattr(compile_module, "scratch_dir", lambda: str(tmp_path))
    many = {f"f{i}.proto": P3 + f"package p{i};\nmessage M{i} {{ int32 a = 1; }}\n" for i in range(3000)}
    side = SideRun(many, True)
    deadline = time.monotonic() + 30
    while not any(p.name.startswith("contractctl-proto-") for p in tmp_path.rglob("contractctl-proto-*")):
        assert time.monotonic() < deadline, "the child never laid its files out"
        time.sleep(0.001)
    side.close()  # mid-compile: the child is killed
    assert list(tmp_path.iterdir()) == []


@needs_a_spare_core
def test_no_side_run_for_small_trees_or_without_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    many = {f"f{i}.proto": P3 + f"package p{i};\nmessage M{i} {{}}\n" for i in range(250)}
    assert side_run(TREE, False) is None  # too small to pay for a process
    monkeypatch.setenv("CONTRACTCTL_WORKERS", "1")
    assert side_run(many, False) is None
    monkeypatch.setenv("CONTRACTCTL_WORKERS", "2")
    shadowing = {**many, "google/protobuf/timestamp.proto": P3 + "package own;\nmessage Timestamp {}\n"}
    assert side_run(shadowing, False) is None  # a contract named like a built-in: compiled here
    started = side_run(many, False)
    assert started is not None
    assert started.result() is not None


def test_a_compiler_given_a_side_run_answers_as_without_one() -> None:
    """The first layer of earlier states from the side run, the others compiled here: every file of
    every state compiles to what a compiler without the side run makes, in one protoc run less."""
    later = {**TREE, "common/money.proto": TREE["common/money.proto"].replace("}", "string currency = 2; }")}
    states = [TREE, later, {**TREE, "common/kind.proto": TREE["common/kind.proto"] + "// revision 2\n"}]
    with_side, without = Compiler(), Compiler()
    side = SideRun(states[0], False)
    with_side.compile_many(states, source_info=False, side=side)
    without.compile_many(states, source_info=False)
    assert with_side.side_runs == 1 and with_side.runs == without.runs - 1
    for state in states:
        for path in state:
            assert _outcome(with_side, path, state)[0] == "compiled"
            assert_same_outcome(with_side, without, path, state)


def test_with_include_folders_a_side_run_answers_as_a_plain_compile(tmp_path: Path) -> None:
    """The side run finds the folder files on disk; the compiler hands them over as descriptors:
    every file of every state compiles alike, and to what a run laying out every text makes."""
    vendor = tmp_path / "third_party" / "vendor"
    vendor.mkdir(parents=True)
    (vendor / "unit.proto").write_text(P3 + "package vendor;\nenum Unit { UNIT_UNSPECIFIED = 0; EUR = 1; }\n")
    folders = [str(tmp_path / "third_party")]
    tree = {
        **TREE,
        "common/money.proto": P3 + 'package acme.common;\nimport "vendor/unit.proto";\n'
        "message Money { int64 cents = 1; vendor.Unit unit = 2; }\n",
    }
    later = {
        **tree,
        "orders/value.proto": tree["orders/value.proto"].replace("at = 3;", "at = 3;\n  int32 n = 4;"),
    }
    states = [tree, later]
    with_side, plain = Compiler(folders), Compiler(folders, laid_out=True)
    with_side.compile_many(states, source_info=False, side=SideRun(states[0], False, include=folders))
    assert with_side.side_runs == 1
    for state in states:
        for path in state:
            ours, theirs = with_side.compile(path, state), plain.compile(path, state)
            assert [f.name for f in ours.closure] == [f.name for f in theirs.closure]
            assert ours.file.SerializeToString(deterministic=True) == _bare(theirs.file), path


def _bare(descriptor: object) -> bytes:
    from google.protobuf.descriptor_pb2 import FileDescriptorProto

    copy = FileDescriptorProto()
    copy.CopyFrom(descriptor)  # type: ignore[arg-type]
    copy.ClearField("source_code_info")
    return cast(bytes, copy.SerializeToString(deterministic=True))


@needs_a_spare_core
def test_a_check_prepares_with_a_side_run_and_reports_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """`ProtobufFormat.prepare` starts the side run for the earlier versions' first layer, and the
    differences found are those of a prepare without one (workers turned off)."""
    from pathlib import PurePosixPath

    from contractctl.model import SchemaText

    monkeypatch.setattr(sys.modules["contractctl.formats.protobuf.side_run"], "WORTH_A_SIDE_RUN", 1)

    def texts(tree: dict[str, str]) -> list[SchemaText]:
        return [SchemaText(PurePosixPath(f"contracts/{p}"), t, root="contracts") for p, t in tree.items()]

    noted = TREE["orders/value.proto"].replace("}\n", "  string note = 4;\n}\n")
    later = {**TREE, "orders/value.proto": noted}
    answers = []
    for workers, side_runs in (("2", 1), ("1", 0)):
        monkeypatch.setenv("CONTRACTCTL_WORKERS", workers)
        fmt = ProtobufFormat()
        fmt.compiler = Compiler()
        fmt.prepare(texts(later), all_parsed=True, groups=[texts(TREE)])
        assert fmt.compiler.side_runs == side_runs
        old = {s.import_path: s for s in texts(TREE)}
        kind = fmt.parse(old["common/kind.proto"], [])
        money = fmt.parse(old["common/money.proto"], [])
        before = fmt.parse(old["orders/value.proto"], [kind, money])
        new = {s.import_path: s for s in texts(later)}
        after = fmt.parse(new["orders/value.proto"], [kind, money])
        answers.append(fmt.differences(before, after))
    assert answers[0] == answers[1] and answers[0]


def test_a_side_run_that_cannot_start_leaves_the_compile_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """No process to spare (fork fails) or no room for the scratch folder: no side run, nothing left
    behind, and the caller compiles in this process as before."""
    import tempfile

    many = {f"f{i}.proto": P3 + f"package p{i};\nmessage M{i} {{}}\n" for i in range(250)}
    monkeypatch.setenv("CONTRACTCTL_WORKERS", "2")
    made: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args: object, **kwargs: object) -> str:
        made.append(real_mkdtemp(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    monkeypatch.setattr(os, "fork", no_fork)
    assert side_run(many, False) is None
    assert made and not os.path.exists(made[0])

    def no_room(*args: object, **kwargs: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", no_room)
    assert side_run(many, False) is None


def test_protoc_without_collected_messages_answers_alike_or_refuses_bare() -> None:
    """What a side run's child calls: the same descriptors, or a refusal without messages (its fd 2
    goes nowhere, and nothing there may wait on a lock another thread held at the fork)."""
    from contractctl.formats.protobuf.compile import CompileFailed

    bare = run_protoc(TREE, sorted(TREE), (), None, False, collect_messages=False)
    usual = run_protoc(TREE, sorted(TREE), (), None, False)
    assert {n: d.SerializeToString(deterministic=True) for n, d in bare.items()} == {
        n: d.SerializeToString(deterministic=True) for n, d in usual.items()
    }
    broken = {**TREE, "common/money.proto": P3 + "package acme.common;\nmessage Money { Nope cents = 1; }\n"}
    with pytest.raises(CompileFailed) as refused:
        run_protoc(broken, sorted(broken), (), None, False, collect_messages=False)
    assert refused.value.messages == []


def test_a_side_run_leaves_no_built_ins_folder_behind(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child leaves by os._exit (no atexit removal): it must use this process's built-ins folder,
    not make one of its own in the scratch directory."""
    from contractctl.formats.protobuf import builtins

    monkeypatch.setattr(builtins, "scratch_dir", lambda: str(tmp_path))
    builtins.builtin_include_dir.cache_clear()
    try:
        side = SideRun(TREE, False)
        assert side.result() is not None
        made = [p for p in os.listdir(str(tmp_path)) if p.startswith("contractctl-proto-builtin-")]
        assert made == [builtins.builtin_include_dir().name]  # this process's own, removed at exit
    finally:
        builtins.builtin_include_dir.cache_clear()  # later tests get a folder of their own


def _chains(count: int, depth: int) -> dict[str, str]:
    """`count` import chains of `depth` files, every file also importing one of two shared files."""
    tree = {
        "shared/a.proto": P3 + "package acme.a;\nenum A { A_UNSPECIFIED = 0; }\n",
        "shared/b.proto": P3 + "package acme.b;\nmessage B { string id = 1; }\n",
    }
    for chain in range(count):
        for link in range(depth):
            imports = f'import "shared/{"ab"[link % 2]}.proto";\n'
            field = f"  acme.{'ab'[link % 2]}.{'AB'[link % 2]} s = 1;\n"
            if link:
                imports += f'import "c{chain}/l{link - 1}.proto";\n'
                field += f"  acme.c{chain}.l{link - 1}.M before = 2;\n"
            tree[f"c{chain}/l{link}.proto"] = (
                P3 + f"package acme.c{chain}.l{link};\n{imports}message M {{\n{field}}}\n"
            )
    return tree


def test_a_tree_of_many_chains_splits_in_two_halves_no_import_crosses() -> None:
    side_run_module = importlib.import_module("contractctl.formats.protobuf.side_run")
    tree = _chains(30, 40)
    parts = side_run_module.parts_of(tree)
    assert parts is not None
    first, second = parts
    assert first | second == set(tree) and not first & second
    assert min(len(first), len(second)) >= len(tree) // 5
    shared = {"shared/a.proto", "shared/b.proto"}
    assert shared <= first
    for path, text in tree.items():  # only the shared files are imported across the halves
        home = first if path in first else second
        imported = {i for i in compile_module.contract_imports(text) if i in tree} - shared
        assert imported <= home, path
    assert side_run_module.parts_of(_chains(1, 1200)) is None  # one chain: no split
    assert side_run_module.parts_of(_chains(10, 40)) is None  # 402 files: one process


def test_a_side_run_in_two_parts_answers_what_one_does() -> None:
    side_run_module = importlib.import_module("contractctl.formats.protobuf.side_run")
    tree = _chains(30, 40)
    parts = side_run_module.parts_of(tree)
    halves = SideRun(tree, False, parts)
    assert len(halves.pids) == 2
    whole = SideRun(tree, False)
    ours, theirs = halves.result(), whole.result()
    assert ours is not None and theirs is not None
    assert set(ours) == set(theirs) and all(ours[p] == theirs[p] for p in tree)


def test_a_part_protoc_refuses_gives_nothing_and_leaves_nothing_behind() -> None:
    side_run_module = importlib.import_module("contractctl.formats.protobuf.side_run")
    tree = _chains(30, 40)
    parts = side_run_module.parts_of(tree)
    assert parts is not None
    broken = sorted(parts[1])[0]
    tree[broken] = tree[broken].replace("message M {", "message M {\n  Nope n = 9;")
    side = SideRun(tree, False, parts)
    folder = side._folder
    assert side.result() is None and not side.pids
    assert not os.path.exists(folder)


def test_a_side_run_in_two_parts_stopped_leaves_no_child() -> None:
    side_run_module = importlib.import_module("contractctl.formats.protobuf.side_run")
    tree = _chains(30, 40)
    side = SideRun(tree, False, side_run_module.parts_of(tree))
    pids = side.pids
    assert len(pids) == 2
    side.close()
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, 0)
    assert side.result() is None
