"""protoc's answers kept between pre-commit runs (formats/protobuf/kept.py).

Differential: a compiler that takes its answers from what an earlier one kept gives byte for byte the
descriptors the earlier one compiled, for every file of the case corpus and of generated histories,
without a protoc run. An edit makes protoc compile the edited file and its importers, nothing else. A
file from another installation, a damaged one, or an entry for another path answers nothing. Through
a real pre-commit check: the second run compiles nothing, a new edit compiles one file, and the
reports equal those of a run with nothing kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contractctl import formats
from contractctl.commands.check import CheckOptions, run_check
from contractctl.config.project import load_config
from contractctl.formats.protobuf import compile as compile_module
from contractctl.formats.protobuf import kept as kept_module
from contractctl.formats.protobuf.compile import CompileFailed, Compiler, _bare_bytes
from contractctl.generic import stamped_file
from contractctl.model import SchemaType
from tests.conftest import GitRepo

from .test_protobuf_diff_memo import _chain
from .test_protobuf_source_info import _trees
from .test_protoc_runs_of_a_check import _link

Tree = dict[str, str]


def _answers(compiler: Compiler, history: list[Tree]) -> dict[tuple[str, str], bytes]:
    """Every file of every tree, compiled in its tree: (path, text) -> its bare descriptor."""
    out = {}
    for tree in history:
        for path, text in sorted(tree.items()):
            try:
                out[path, text] = _bare_bytes(compiler.compile(path, tree).file)
            except CompileFailed:
                continue
    return out


def _keeping(folder: Path) -> Compiler:
    compiler = Compiler()
    compiler.keep_between_runs(folder)
    return compiler


def test_kept_answers_are_the_descriptors_protoc_gave(tmp_path: Path) -> None:
    answered = 0
    for index, history in enumerate(_trees()):
        folder = tmp_path / str(index)
        first = _keeping(folder)
        first.compile_many(history, source_info=False)
        assert first.kept is not None
        first.kept.save()
        theirs = _answers(first, history)
        second = _keeping(folder)
        second.compile_many(history, source_info=False)
        assert second.runs == 0, index  # every file the layers compiled was kept
        assert _answers(second, history) == theirs
        assert second.kept is not None
        answered += second.kept.answered
    assert answered > 200  # the comparison ran on kept answers, not on nothing


def _targets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files protoc is asked to compile from now on."""
    targets: list[str] = []
    real = compile_module.run_protoc

    def recorded(files: dict[str, str], paths: list[str], *args: object, **kwargs: object) -> object:
        targets.extend(paths)
        return real(files, paths, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compile_module, "run_protoc", recorded)
    return targets


def test_an_edit_compiles_the_edited_file_and_its_importers_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before, after = _chain(12, 0, set()), _chain(12, 1, {3})  # common/s3.proto gains a field
    first = _keeping(tmp_path)
    first.compile_many([before], source_info=False)
    assert first.kept is not None
    first.kept.save()
    targets = _targets(monkeypatch)
    second = _keeping(tmp_path)
    second.compile_many([after], source_info=False)
    importers = {f"common/s{i}.proto" for i in range(3, 12)} | {f"t{i}/value.proto" for i in range(3, 12)}
    assert sorted(targets) == sorted(importers)
    assert _answers(second, [after]) == _answers(Compiler(), [after])


def test_another_installation_a_damaged_file_or_another_paths_entry_answers_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tree = _chain(4, 0, set())
    first = _keeping(tmp_path)
    first.compile_many([tree], source_info=False)
    assert first.kept is not None
    first.kept.save()
    kept_file = stamped_file.named(tmp_path, kept_module.FILE_NAME, compile_module._builtins_stamp())
    whole = kept_file.read_bytes()

    monkeypatch.setattr(compile_module, "_builtins_stamp", lambda: "another protoc")
    other = _keeping(tmp_path)
    other.compile_many([tree], source_info=False)
    assert other.kept is not None and other.kept.answered == 0 and other.runs == 1
    monkeypatch.undo()

    kept_file.write_bytes(whole[: len(whole) // 2])  # torn
    torn = _keeping(tmp_path)
    torn.compile_many([tree], source_info=False)
    assert torn.kept is not None and torn.kept.answered == 0 and torn.runs == 1

    # every digest answered with the bytes of another path's descriptor
    node = first._nodes[("common/s0.proto", tree["common/s0.proto"], ())]
    wrong = _bare_bytes(first._files[node])
    digests = {first._digest(n) for n in first._files if n >= 0}
    stamped_file.write(
        kept_file, kept_module._MAGIC, compile_module._builtins_stamp(), dict.fromkeys(digests, wrong)
    )
    mixed = _keeping(tmp_path)
    mixed.compile_many([tree], source_info=False)
    assert mixed.kept is not None and mixed.kept.answered == 1  # common/s0.proto's own entry only
    assert _answers(mixed, [tree]) == _answers(Compiler(), [tree])


Outcome = tuple[list[tuple[str, str]], list[tuple[str, str | None, int]]]


def _check(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> tuple[Outcome, int]:
    """A pre-commit check in a fresh process state: ((verdicts, findings), protoc runs)."""
    monkeypatch.setattr(formats, "_LOADED", {})
    compile_module.builtin_descriptors.cache_clear()
    options = CheckOptions(staged=True, environ={"CONTRACTCTL_WORKERS": "1"})
    report = run_check(load_config(repo.root / "contractctl.yaml"), options)
    compiler = formats.get_format(SchemaType.PROTOBUF).compiler  # type: ignore[attr-defined]
    verdicts = sorted((r.subject, r.verdict) for r in report.results)
    findings = [(f.rule, f.file, f.line) for r in report.results for f in r.findings]
    return (verdicts, findings), compiler.runs


def test_a_pre_commit_check_compiles_only_what_changed_since_the_last_one(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    for index in range(8):
        repo.write(f"contracts/chain/c{index}.proto", _link(index, 0))
    repo.commit("chain")
    for index in range(8):
        repo.write(f"contracts/chain/c{index}.proto", _link(index, 1))
    repo.commit("evolve")
    repo.write("contracts/chain/c7.proto", _link(7, 2))
    repo.git("add", "contracts/chain/c7.proto")
    kept_file = stamped_file.named(
        repo.root / ".git" / "contractctl", kept_module.FILE_NAME, compile_module._builtins_stamp()
    )

    first, first_runs = _check(repo, monkeypatch)
    assert first == ([("chain/c7.proto", "compatible")], []) and first_runs == 2  # as it is, as it was
    written = kept_file.stat().st_mtime_ns
    again, again_runs = _check(repo, monkeypatch)
    assert (again, again_runs) == (first, 0)  # nothing edited since: nothing compiled
    assert kept_file.stat().st_mtime_ns == written  # nor written

    broken = _link(7, 2).replace("string added1 = 2;", "int64 added1 = 2;")
    repo.write("contracts/chain/c7.proto", broken)
    repo.git("add", "contracts/chain/c7.proto")
    edited, edited_runs = _check(repo, monkeypatch)
    assert edited_runs == 1  # the edited file, against its kept imports
    assert edited[0] == [("chain/c7.proto", "incompatible")]
    assert edited[1] == [("FIELD_SCALAR_KIND_CHANGED", "contracts/chain/c7.proto", 6)]
    kept_file.unlink()
    plain, plain_runs = _check(repo, monkeypatch)
    assert (plain, plain_runs) == (edited, 2)


def _diamond(a: int = 0, top: int = 0) -> dict[str, str]:
    """top.proto imports a.proto directly and through c.proto, which imports b.proto, which imports
    a.proto; `a` and `top` fields added to those two."""

    def added(count: int, first: int) -> str:
        return "".join(f"  string added{n} = {n + first};\n" for n in range(1, count + 1))

    head = 'syntax = "proto3";\npackage acme.{0};\n'
    return {
        "contracts/d/a.proto": head.format("a") + "message A {\n  int32 qty = 1;\n" + added(a, 1) + "}\n",
        "contracts/d/b.proto": head.format("b") + 'import "d/a.proto";\nmessage B {\n  acme.a.A a = 1;\n}\n',
        "contracts/d/c.proto": head.format("c") + 'import "d/b.proto";\nmessage C {\n  acme.b.B b = 1;\n}\n',
        "contracts/d/top.proto": head.format("top")
        + 'import "d/a.proto";\nimport "d/c.proto";\n'
        + "message Top {\n  acme.a.A a = 1;\n  acme.c.C c = 2;\n"
        + added(top, 2)
        + "}\n",
    }


def test_an_earlier_version_compiled_on_demand_is_kept_too(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """top.proto's latest version references a.proto as it was then, and c.proto's version, whose
    closure holds an older a.proto: two texts of one path, so the parse compiles that version on
    demand, outside the layers compiled in advance. Those answers are kept and taken on the next
    run like any other (round 14: they were compiled with source info, which kept answers never
    hold, so protoc ran again on every pre-commit run)."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    for path, text in _diamond().items():
        repo.write(path, text)
    repo.commit("diamond")
    for a, top, message in ((1, 0, "a"), (1, 1, "top"), (2, 1, "a again")):
        for path, text in _diamond(a, top).items():
            repo.write(path, text)
        repo.commit(message)
    repo.write("contracts/d/top.proto", _diamond(2, 2)["contracts/d/top.proto"])
    repo.git("add", "contracts/d/top.proto")
    targets = _targets(monkeypatch)

    first, first_runs = _check(repo, monkeypatch)
    assert first == ([("d/top.proto", "compatible")], []) and first_runs >= 1
    assert targets.count("d/top.proto") == 2  # as it is, and its version: compiled on demand
    targets.clear()
    again, again_runs = _check(repo, monkeypatch)
    assert (again, again_runs, targets) == (first, 0, [])
