"""The current texts of a large change compiled aside (a side run started before the history is
read), and the views of the current tree built while the base's side run compiles.

An aside run is taken only where it covers what `prepare` compiles (same texts, same source info),
and then every difference found is the one found without it; one that is not taken, or that the check
never asks for, is stopped and leaves nothing behind. Warmed views are the views a check builds on
first use: after warming, a check's comparisons build none.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from contractctl.formats.protobuf import ProtobufFormat
from contractctl.formats.protobuf.compile import CompileFailed, Compiler, builtin_descriptors
from contractctl.formats.protobuf.model import FileViews
from contractctl.formats.protobuf.side_run import SideRun
from contractctl.generic.parallel import usable_cores
from contractctl.model import SchemaText

from .test_protobuf_side_run import TREE
from .test_protobuf_source_info import _trees

# the package's `side_run` is the function: the module by its name
side_run_module = importlib.import_module("contractctl.formats.protobuf.side_run")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")
needs_a_spare_core = pytest.mark.skipif(usable_cores() < 2, reason="side runs need two cores")

NOTED = {**TREE, "orders/value.proto": TREE["orders/value.proto"].replace("}\n", "  string note = 4;\n}\n")}


def _texts(tree: dict[str, str]) -> list[SchemaText]:
    return [SchemaText(PurePosixPath(f"contracts/{p}"), t, root="contracts") for p, t in tree.items()]


def test_a_side_run_covers_a_layer_of_its_own_texts_compiled_its_way_only() -> None:
    side = SideRun(TREE, False)
    try:
        assert side.covers(TREE, False)
        assert side.covers({"common/kind.proto": TREE["common/kind.proto"]}, False)  # a closed part
        assert not side.covers(TREE, True)  # without source info, asked with
        assert not side.covers(NOTED, False)  # another text of one path
        assert not side.covers({**TREE, "extra.proto": 'syntax = "proto3";\n'}, False)  # a file it lacks
    finally:
        side.close()


def _prepared(
    monkeypatch: pytest.MonkeyPatch,
    workers: str,
    aside: dict[str, str] | None,
    meanwhile: Callable[[], None] | None = None,
) -> ProtobufFormat:
    monkeypatch.setattr(side_run_module, "WORTH_A_SIDE_RUN", 1)
    monkeypatch.setenv("CONTRACTCTL_WORKERS", workers)
    fmt = ProtobufFormat()
    fmt.compiler = Compiler()
    if aside is not None:
        fmt.compile_aside(_texts(aside), source_info=False)
    fmt.prepare(_texts(NOTED), all_parsed=True, groups=[_texts(TREE)], source_info=False, meanwhile=meanwhile)
    return fmt


def _differences(fmt: ProtobufFormat) -> object:
    old = {s.import_path: s for s in _texts(TREE)}
    kind = fmt.parse(old["common/kind.proto"], [])
    money = fmt.parse(old["common/money.proto"], [])
    before = fmt.parse(old["orders/value.proto"], [kind, money])
    new = {s.import_path: s for s in _texts(NOTED)}
    after = fmt.parse(new["orders/value.proto"], [kind, money])
    return fmt.differences(before, after)


@needs_a_spare_core
def test_the_current_texts_compiled_aside_answer_as_protoc_here(monkeypatch: pytest.MonkeyPatch) -> None:
    aside = _prepared(monkeypatch, "2", NOTED)
    assert (aside.compiler.side_runs, aside.compiler.runs) == (2, 0)  # the current tree and the base's
    plain = _prepared(monkeypatch, "1", None)
    assert (plain.compiler.side_runs, plain.compiler.runs) == (0, 2)
    assert _differences(aside) == _differences(plain) and _differences(plain)


@needs_a_spare_core
def test_an_aside_run_of_other_texts_is_not_taken_and_is_stopped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(side_run_module, "scratch_dir", lambda: str(tmp_path))
    stale = _prepared(monkeypatch, "2", TREE)  # started for texts the change no longer has
    assert (stale.compiler.side_runs, stale.compiler.runs) == (1, 1)  # the base's only
    assert _differences(stale) == _differences(_prepared(monkeypatch, "1", None))
    assert not [p for p in os.listdir(tmp_path) if p.startswith("contractctl-side-")]


@needs_a_spare_core
def test_an_aside_run_started_again_stops_the_one_before(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(side_run_module, "WORTH_A_SIDE_RUN", 1)
    monkeypatch.setattr(side_run_module, "scratch_dir", lambda: str(tmp_path))
    monkeypatch.setenv("CONTRACTCTL_WORKERS", "2")
    fmt = ProtobufFormat()
    fmt.compile_aside(_texts(TREE))
    first = fmt._aside
    assert first is not None
    fmt.compile_aside(_texts(NOTED))  # a check that ended before taking it, then another check
    assert fmt._aside is not first and not first.pids  # stopped and reaped
    fmt.prepare(_texts(NOTED), source_info=True)
    assert not [p for p in os.listdir(tmp_path) if p.startswith("contractctl-side-")]


def test_a_process_that_ends_before_asking_leaves_no_side_run_behind(tmp_path: Path) -> None:
    """A check that stops between starting the aside run and `prepare` (an error, exit 3)."""
    program = (
        "import sys\n"
        "import importlib\n"
        "side_run = importlib.import_module('contractctl.formats.protobuf.side_run')\n"
        f"side_run.scratch_dir = lambda: {str(tmp_path)!r}\n"
        "files = {f'f{i}.proto': 'syntax = \"proto3\";\\nmessage M%d {}\\n' % i for i in range(300)}\n"
        "side_run.SideRun(files, False)\n"
        "sys.exit(3)\n"
    )
    finished = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=120, check=False)
    assert finished.returncode == 3, finished.stderr
    assert not [p for p in os.listdir(tmp_path) if p.startswith("contractctl-side-")]


@needs_a_spare_core
def test_the_callers_work_is_done_once_while_the_base_side_run_compiles_and_only_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []

    def meanwhile() -> None:
        calls.append(0)

    _prepared(monkeypatch, "2", NOTED, meanwhile)
    assert len(calls) == 1
    _prepared(monkeypatch, "1", None, meanwhile)  # no side run: nothing to wait on, nothing called
    assert len(calls) == 1


def test_warmed_views_are_the_views_a_check_builds_on_first_use() -> None:
    checked = 0
    for history in _trees():
        tree = history[-1]
        compiler = Compiler()
        compiler.compile_many([tree], source_info=False)
        warmed, lazy = FileViews(), FileViews()
        warmed.warm(compiler.first_layer_files(), builtin_descriptors())
        built = len(warmed._by_descriptor)
        for path in sorted(tree):
            try:
                closure = compiler.compile(path, tree).closure
            except CompileFailed:
                continue
            ours, theirs = warmed.lazy_types(closure, {}), lazy.lazy_types(closure, {})
            assert (ours is None) == (theirs is None)
            if ours is not None and theirs is not None:
                assert dict(ours) == dict(theirs)
                checked += 1
        assert len(warmed._by_descriptor) == built  # the check's closures found every view built
    assert checked > 100
