"""Earlier versions are compiled without source info, and get it back when something reads it.

Differential: every file of the Protobuf case corpus and of generated trees (import chains, diamonds,
random mutations over several versions) compiled the bare way (earlier versions in groups, without
source info) and the plain way (each file with source info, every text laid out) gives the same
descriptors once source info is set aside, the same closure, and, asked again for its source info,
exactly the plain descriptor: so every position a finding or a lint rule reads is the same.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from contractctl.formats.protobuf import ProtobufFormat
from contractctl.formats.protobuf.compile import Compiled, Compiler, with_source_info
from contractctl.formats.protobuf.locate import positions
from contractctl.model import SchemaText

from .protobuf_cases import CASES, Case
from .test_protobuf_diff_memo import _chain, _versions

Tree = dict[str, str]


def _bare(descriptor: object) -> bytes:
    from google.protobuf.descriptor_pb2 import FileDescriptorProto

    assert isinstance(descriptor, FileDescriptorProto)
    copy = FileDescriptorProto()
    copy.CopyFrom(descriptor)
    copy.ClearField("source_code_info")
    return bytes(copy.SerializeToString(deterministic=True))


def _trees() -> list[list[Tree]]:
    """Histories: each a list of trees (import path -> text), oldest first."""
    histories: list[list[Tree]] = []
    for case in CASES:
        old = {**case.old_deps, "case/m.proto": case.old}
        new = {**case.new_deps, "case/m.proto": case.new}
        histories.append([old, new])
    for seed, files, chain in [(1, 7, True), (2, 8, True), (5, 9, False), (6, 10, False), (7, 12, False)]:
        histories.append(_versions(seed, files, chain))
    histories.append([_chain(12, version, {3, 7} if version else set()) for version in range(3)])
    return histories


def _assert_same(ours: Compiled, theirs: Compiled, text: str) -> None:
    assert not ours.file.HasField("source_code_info")  # compiled bare, as earlier versions are
    assert _bare(ours.file) == _bare(theirs.file)
    assert [f.name for f in ours.closure] == [f.name for f in theirs.closure]
    assert [_bare(f) for f in ours.closure] == [_bare(f) for f in theirs.closure]
    described = with_source_info(ours, text)
    assert described == theirs.file  # source info included, byte for byte
    assert positions(described) == positions(theirs.file)


def test_bare_descriptors_equal_plain_ones_and_get_the_same_source_info_back(tmp_path: Path) -> None:
    checked = 0
    for history in _trees():
        bare = Compiler()
        bare.compile_many(history, source_info=False)  # every version of every file, in groups
        for tree in history:
            for path, text in tree.items():
                try:
                    theirs = Compiler(laid_out=True).compile(path, tree)  # every text laid out
                except Exception:
                    continue  # a corpus case that protoc refuses: nothing to compare
                ours = bare.compile(path, tree)
                if ours.file.HasField("source_code_info"):
                    continue  # its group failed to compile, so the parse compiled it the plain way
                _assert_same(ours, theirs, text)
                checked += 1
    assert checked > 200  # the comparison ran on the corpus, not on nothing


def _source(path: str, text: str) -> SchemaText:
    return SchemaText(PurePosixPath(f"contracts/{path}"), text, root="contracts")


@pytest.mark.parametrize("case", [c for c in CASES if c.backward][:25], ids=lambda c: c.id)
def test_an_earlier_version_locates_findings_as_a_plain_parse_does(case: Case) -> None:
    """The format compiles earlier versions (groups) bare; a parse of one still answers every
    position, and reports the same differences, as a format that compiled it with source info."""
    grouped, plain = ProtobufFormat(), ProtobufFormat()
    deps = [_source(p, t) for p, t in case.old_deps.items()]
    old = _source("case/m.proto", case.old)
    grouped.prepare([], groups=[[old, *deps]])
    parsed = []
    for schema_format in (grouped, plain):
        references = [schema_format.parse(d, []) for d in deps]  # the corpus' deps import nothing
        parsed.append(schema_format.parse(old, references))
    ours, theirs = parsed
    assert not ours.compiled.file.HasField("source_code_info")
    assert theirs.compiled.file.HasField("source_code_info")
    pointers = [*positions(theirs.compiled.file), "#/", "#/M", "#/M/1", "#/Nope/9"]
    assert [ours.locate(p) for p in pointers] == [theirs.locate(p) for p in pointers]
    new_deps = [plain.parse(_source(p, t), []) for p, t in case.new_deps.items()]
    new = plain.parse(_source("case/m.proto", case.new), new_deps)
    assert grouped.check(new, ours) == plain.check(new, theirs)


def test_a_source_info_compile_that_fails_leaves_positions_unknown_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import contractctl.formats.protobuf.compile as compile_module
    from contractctl.formats.protobuf.compile import CompileFailed

    case = next(c for c in CASES if c.backward and not c.old_deps)
    schema_format = ProtobufFormat()
    old = _source("case/m.proto", case.old)
    schema_format.prepare([], groups=[[old]])
    parsed = schema_format.parse(old, [])
    assert not parsed.compiled.file.HasField("source_code_info")

    def failing(*args: object) -> object:
        raise CompileFailed([])

    monkeypatch.setattr(compile_module, "with_source_info", failing)
    assert parsed.described is parsed.compiled.file
    # positions unknown (the package line's fallback, none here), and a later locate asks no more
    assert parsed.locate("#/M/1") is None


def test_a_finding_is_located_from_the_text_without_compiling_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A check that does not lint compiles without source info; the position of a finding is read
    from the text (text_positions), equal to protoc's, rather than by compiling the file again."""
    import contractctl.formats.protobuf.compile as compile_module

    case = next(c for c in CASES if c.backward and not c.old_deps)
    schema_format = ProtobufFormat()
    old = _source("case/m.proto", case.old)
    schema_format.prepare([], groups=[[old]])
    parsed = schema_format.parse(old, [])

    def never(*args: object) -> object:
        raise AssertionError("compiled again for a position")

    monkeypatch.setattr(compile_module, "with_source_info", never)
    position = parsed.locate("#/M/1")
    assert position is not None and position.line == 2
