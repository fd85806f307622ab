"""A check that does not lint compiles the current tree without source info and gets it back only
where a finding is placed (Compiler.described): alone for a few files, by the whole layer for many.

Differential: every file of the case corpus and of generated trees, given its source info either way,
is byte for byte the descriptor a compile with source info gives (so every position a finding reads is
the same). The counts are the point of the change and are the same on every machine: a file alone
until one in 100 of its layer was, then the layer in one run, never twice.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contractctl import formats
from contractctl.commands.check import CheckOptions, run_check
from contractctl.config.project import load_config
from contractctl.formats.protobuf import compile as compile_module
from contractctl.formats.protobuf.compile import CompileFailed, Compiler
from contractctl.model import SchemaType
from tests.conftest import GitRepo

from .test_protobuf_source_info import _trees

Tree = dict[str, str]


def _plain(tree: Tree, path: str, tmp_path: Path) -> object:
    return Compiler(laid_out=True).compile(path, tree).file  # every text laid out, with source info


def test_described_files_equal_a_compile_with_source_info_alone_or_by_layer(tmp_path: Path) -> None:
    alone = by_layer = 0
    for history in _trees():
        tree = history[-1]
        compiler = Compiler()
        compiler.compile_many([tree], source_info=False)
        for path, text in sorted(tree.items()):
            try:
                compiled = compiler.compile(path, tree)
            except CompileFailed:
                continue  # a corpus case that protoc refuses: nothing to place
            if compiled.file.HasField("source_code_info"):
                continue  # not compiled in the layer (an import failed): a plain parse gave it
            described = compiler.described(compiled, text)
            assert described.HasField("source_code_info")
            assert described == _plain(tree, path, tmp_path)
        alone += compiler.described_alone
        by_layer += compiler.described_runs
    # both ways ran: a small layer's first file alone, the rest of it in one run (74 and 11 today)
    assert alone > 30 and by_layer >= 10, (alone, by_layer)


def _wide(count: int) -> Tree:
    """`count` files, every one importing the first (a shared type), each with a message."""
    tree = {"shared.proto": 'syntax = "proto3";\npackage acme.shared;\nmessage Id { string value = 1; }\n'}
    for index in range(1, count):
        tree[f"t{index}.proto"] = (
            f'syntax = "proto3";\npackage acme.t{index};\nimport "shared.proto";\n\n'
            f"message Event{index} {{\n  acme.shared.Id id = 1;\n  int64 at = 2;\n}}\n"
        )
    return tree


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts protoc runs with source info (the only ones `described` makes)."""
    runs = [0]
    real = compile_module.run_protoc

    def counted(*args: object, **kwargs: object) -> object:
        if kwargs.get("source_info", True):
            runs[0] += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compile_module, "run_protoc", counted)
    return runs


def test_the_layer_gets_its_source_info_in_one_run_once_one_file_in_100_was_asked_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tree = _wide(250)
    compiler = Compiler()
    compiler.compile_many([tree], source_info=False)
    runs = _counting(monkeypatch)
    paths = sorted(tree)
    for asked, path in enumerate(paths[:3], start=1):
        compiler.described(compiler.compile(path, tree), tree[path])
        assert (runs[0], compiler.described_alone, compiler.described_runs) == (asked, asked, 0)
    for path in paths[3:]:  # 3 alone of 250: the 4th asked takes the layer, then nothing runs again
        described = compiler.described(compiler.compile(path, tree), tree[path])
        assert described.HasField("source_code_info")
    assert (runs[0], compiler.described_alone, compiler.described_runs) == (4, 3, 1)
    for path in (paths[0], paths[100], paths[-1]):
        assert compiler.described(compiler.compile(path, tree), tree[path]) == _plain(tree, path, tmp_path)


def test_a_layer_protoc_refuses_is_tried_once_then_its_files_are_compiled_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tree = _wide(20)
    compiler = Compiler()
    compiler.compile_many([tree], source_info=False)
    real = compile_module.run_protoc
    refused = [0]

    def refusing_layers(files: dict[str, str], targets: list[str], *args: object, **kwargs: object) -> object:
        if len(targets) > 1:
            refused[0] += 1
            raise CompileFailed([])
        return real(files, targets, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compile_module, "run_protoc", refusing_layers)
    for path in sorted(tree):
        described = compiler.described(compiler.compile(path, tree), tree[path])
        assert described == _plain(tree, path, tmp_path)
    assert refused[0] == 1 and compiler.described_runs == 1
    assert compiler.described_alone == len(tree)


@pytest.mark.parametrize("lint", [False, True], ids=["check", "check-with-lint"])
def test_a_check_compiles_source_info_in_only_when_it_lints(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, lint: bool
) -> None:
    """Without lint, the one finding's position is read from its text (no compile), with lint the
    first compile holds source info: the changed field's line either way, and no compile again."""
    lint_section = "lint:\n  rules: {docs: 'off'}\n" if lint else ""
    repo.write("contractctl.yaml", f"version: 1\ndefaults: {{compatibility: BACKWARD}}\n{lint_section}")
    for path, text in _wide(6).items():
        repo.write(f"contracts/{path}", text)
    repo.commit("tree")
    broken = _wide(6)["t3.proto"].replace("int64 at = 2;", "string at = 2;")
    repo.write("contracts/t3.proto", broken)
    monkeypatch.setattr(formats, "_LOADED", {})  # a fresh compiler: nothing cached from another test
    report = run_check(
        load_config(repo.root / "contractctl.yaml"), CheckOptions(environ={"CONTRACTCTL_WORKERS": "1"})
    )
    findings = [f for r in report.results for f in r.findings if f.rule == "FIELD_SCALAR_KIND_CHANGED"]
    assert [(f.file, f.line) for f in findings] == [("contracts/t3.proto", 7)]
    compiler = formats.get_format(SchemaType.PROTOBUF).compiler  # type: ignore[attr-defined]
    assert (compiler.described_alone, compiler.described_runs) == (0, 0)
