"""A compiler that shares descriptors across import states (by interface) answers exactly like one
that compiles every state: the same descriptors, closures and protoc messages for every file.

Each test compiles many states of one set of import paths twice, with `Compiler()` and with
`Compiler(share=False)` (protoc for every node), and compares everything. The states are built to
move the lines an interface must hold (kinds, enum values' names against a package or a `default =`,
closed enums, map values, custom options and their extensions' numbers and types, extension ranges,
public imports, the lite runtime) next to changes it may ignore (fields, a new enum value), so that
sharing happens (asserted) and a key that ignores one of those lines gives a wrong answer.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from contractctl.formats.protobuf import ProtobufFormat
from contractctl.formats.protobuf.compile import CompileFailed, Compiler
from contractctl.formats.protobuf.interface import interface
from contractctl.model import SchemaText
from tests.unit.protobuf_cases import CASES

P3 = 'syntax = "proto3";\n'
P2 = 'syntax = "proto2";\n'

KIND_V0 = (
    P3 + "package acme.lib;\n"
    "enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }\n"
    "message Item { string id = 1; }\n"
)
# the versions of lib/kind.proto: a field or a value added (interface without values unchanged), a
# kind changed, a closed enum starting at 1, values named like an importer's message or package, a
# type removed, a nested type, the lite runtime
KIND = (
    KIND_V0,
    KIND_V0.replace("KIND_A = 1;", "KIND_A = 1; KIND_B = 2;").replace("id = 1;", "id = 1; int32 n = 2;"),
    P3 + "package acme.lib;\nmessage Kind { string name = 1; }\nmessage Item { string id = 1; }\n",
    P2 + "package acme.lib;\nenum Kind { KIND_A = 1; KIND_UNSPECIFIED = 0; }\n"
    "message Item { optional string id = 1; }\n",
    KIND_V0.replace("KIND_A = 1;", "Holder = 1;"),
    KIND_V0.replace("KIND_A = 1;", "inner = 1;"),
    P3 + "package acme.lib;\nenum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }\n",
    KIND_V0.replace("string id = 1;", "string id = 1; message Kind { string x = 1; }"),
    KIND_V0.replace("package acme.lib;", "package acme.lib;\noption optimize_for = LITE_RUNTIME;"),
    KIND_V0.replace("message Item { string id = 1; }", "message Item { string id = 1; }\nmessage Spare {}"),
    P2 + "package acme.lib;\nenum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }\n"
    "message Item { optional string id = 1; }\n",
    KIND_V0.replace("string id = 1;", "string id = 1; map<string, string> labels = 2;"),
    KIND_V0.replace(
        "string id = 1;", "string id = 1; message LabelsEntry { string key = 1; string value = 2; }"
    ),
)
OPTS_V0 = (
    P3 + 'package acme.opts;\nimport "google/protobuf/descriptor.proto";\n'
    "extend google.protobuf.FieldOptions { string behavior = 50001; }\n"
)
LEVEL = "enum Level { LOW = 0; HIGH = 1; }\nextend google.protobuf.FieldOptions { Level level = 50004; }\n"
OPTS = (
    OPTS_V0,
    OPTS_V0 + "message Unrelated { string a = 1; }\n",
    OPTS_V0.replace("50001", "50003"),
    OPTS_V0.replace("string behavior", "int32 behavior"),
    OPTS_V0 + LEVEL,
    OPTS_V0 + LEVEL.replace("HIGH = 1", "HIGH = 2"),
    OPTS_V0.replace("FieldOptions", "MessageOptions"),
)
BASE_V0 = (
    P2 + "package acme.base;\nenum Color { RED = 1; GREEN = 2; }\n"
    "message Base { optional string id = 1; extensions 100 to 199; }\n"
)
BASE = (
    BASE_V0,
    BASE_V0.replace("optional string id = 1;", "optional string id = 1; optional int32 n = 2;"),
    BASE_V0.replace("100 to 199", "100 to 149"),
    BASE_V0.replace("RED = 1; GREEN = 2;", "GREEN = 2; BLUE = 3;"),
    BASE_V0.replace("RED = 1; GREEN = 2;", "RED = 1; GREEN = 2; BLUE = 3;"),
    BASE_V0 + "extend Base { optional int32 taken = 150; }\n",
    BASE_V0.replace("RED = 1;", "CRIMSON = 1;"),
    BASE_V0.replace("RED = 1; GREEN = 2;", "ZERO = 0; RED = 1; GREEN = 2;"),
)
MID = (
    P3 + 'package acme.mid;\nimport public "lib/kind.proto";\nmessage Mid { string x = 1; }\n',
    P3 + 'package acme.mid;\nimport "lib/kind.proto";\nmessage Mid { acme.lib.Item item = 1; }\n',
    P3 + 'package acme.mid;\nimport public "lib/kind.proto";\nmessage Mid { string x = 1; string y = 2; }\n',
)
# the importers: one text each
FIXED = {
    "app/a.proto": P3 + 'package acme.app;\nimport "mid/mid.proto";\n'
    "message A {\n  acme.lib.Kind kind = 1;\n  acme.lib.Item item = 2;\n"
    "  map<string, acme.lib.Kind> kinds = 3;\n  acme.mid.Mid mid = 4;\n}\n",
    "app/holder.proto": P3 + 'package acme.lib;\nimport "lib/kind.proto";\n'
    "message Holder { Kind k = 1; Item i = 2; }\n",
    "app/scope.proto": P3 + 'package acme.lib.inner;\nimport "lib/kind.proto";\n'
    "message S { Kind k = 1; Item.Kind nested = 2; }\n",
    "app/loose.proto": P3 + 'package acme.lib.inner;\nimport "lib/kind.proto";\nmessage L { Kind k = 1; }\n',
    "app/opt.proto": P3 + 'package acme.app;\nimport "lib/opts.proto";\nimport "lib/kind.proto";\n'
    'message O { string s = 1 [(acme.opts.behavior) = "x"]; acme.lib.Item i = 2; }\n',
    "app/level.proto": P3 + 'package acme.app;\nimport "lib/opts.proto";\nimport "lib/kind.proto";\n'
    "message V { string s = 1 [(acme.opts.level) = HIGH]; acme.lib.Item i = 2; }\n",
    "app/ext.proto": P2 + 'package acme.app;\nimport "lib/base.proto";\nimport "lib/kind.proto";\n'
    "extend acme.base.Base { optional int32 e = 150; }\nmessage X { optional acme.lib.Item i = 1; }\n",
    "app/def.proto": P2 + 'package acme.app;\nimport "lib/base.proto";\nimport "lib/kind.proto";\n'
    "message D { optional acme.base.Color c = 1 [default = RED]; optional acme.base.Base b = 2; }\n"
    "message Y { optional acme.lib.Item i = 1; }\n",
    "app/map2.proto": P2 + 'package acme.app2;\nimport "lib/base.proto";\nimport "lib/kind.proto";\n'
    "message M { map<string, acme.base.Color> colors = 1; optional acme.lib.Item i = 2; }\n",
    "app/entry.proto": P3 + 'package acme.app3;\nimport "lib/kind.proto";\nimport "lib/base.proto";\n'
    "message E { repeated acme.lib.Item.LabelsEntry e = 1; }\n",
    "app/deep.proto": P3 + 'package acme.deep;\nimport "app/a.proto";\nimport "app/holder.proto";\n'
    "message Deep { acme.app.A a = 1; acme.lib.Holder h = 2; }\n",
    "app/service.proto": P3 + 'package acme.svc;\nimport "app/a.proto";\n'
    "service S { rpc Get(acme.app.A) returns (acme.app.A); }\n",
    # its interface follows the kind of acme.lib.Kind (the extension's type): a message or an enum
    "app/kopt.proto": P3 + 'package acme.kopt;\nimport "google/protobuf/descriptor.proto";\n'
    'import "lib/kind.proto";\nextend google.protobuf.FieldOptions { acme.lib.Kind kopt = 50030; }\n'
    "message KO { acme.lib.Item i = 1; }\n",
}
VARYING = {"lib/kind.proto": KIND, "lib/opts.proto": OPTS, "lib/base.proto": BASE, "mid/mid.proto": MID}

Outcome = tuple[str, object]


def _outcome(compiler: Compiler, path: str, state: Mapping[str, str]) -> Outcome:
    try:
        compiled = compiler.compile(path, state)
    except CompileFailed as failure:
        return ("failed", [(m.file, m.line, m.column, m.message) for m in failure.messages])
    closure = [f.SerializeToString(deterministic=True) for f in compiled.closure]
    return ("compiled", (compiled.file.SerializeToString(deterministic=True), closure))


def _compare(states: Sequence[Mapping[str, str]], warm: bool) -> tuple[Compiler, int]:
    """Compile every file of every state with both compilers; the sharing one first warms its cache as
    a check does (`compile_many`, earlier versions without source info) when `warm`. Returns the
    sharing compiler and how many outcomes were compared."""
    shared, exact = Compiler(), Compiler(share=False)
    compared = 0
    for index, state in enumerate(states):
        lower = {p: t for p, t in state.items() if not p.startswith("app/")}
        for compiler in (shared, exact):
            if lower != state:
                compiler.compile_many([lower])
            if warm:
                compiler.compile_many([state], source_info=index % 2 == 0)
        for path in sorted(state, key=lambda p: (p.startswith("app/"), p)):
            assert_same_outcome(shared, exact, path, state)
            compared += 1
    assert_faces_hold(shared)
    return shared, compared


def assert_faces_hold(compiler: Compiler) -> None:
    """Every compiled node's remembered interface (a copy's: the one of the descriptor it copies) is
    its descriptor's own."""
    for node, file in compiler._files.items():
        assert compiler._face(node) == interface(file), node


def assert_same_outcome(mine: Compiler, theirs: Compiler, path: str, state: Mapping[str, str]) -> None:
    """Both compilers make the same of `path` in `state`: the same protoc messages, or the same
    descriptors and closure (source info aside: each has it as the file first came)."""
    ours, other = _outcome(mine, path, state), _outcome(theirs, path, state)
    if ours[0] == "compiled" and other[0] == "compiled":
        ours = ("compiled", _without_source_info(ours[1]))
        other = ("compiled", _without_source_info(other[1]))
    assert ours == other, (path, state)


def _without_source_info(value: object) -> object:
    from google.protobuf.descriptor_pb2 import FileDescriptorProto

    file, closure = value  # type: ignore[misc]
    out = []
    for data in (file, *closure):
        descriptor = FileDescriptorProto.FromString(data)
        descriptor.ClearField("source_code_info")
        out.append(descriptor.SerializeToString(deterministic=True))
    return out


def _states(count: int, seed: int) -> list[dict[str, str]]:
    chooser = random.Random(seed)
    states = []
    for _ in range(count):
        state = dict(FIXED)
        for path, versions in VARYING.items():
            state[path] = chooser.choice(versions)
        states.append(state)
    return states


@pytest.mark.parametrize("warm", [True, False])
def test_generated_states_compile_alike_with_and_without_sharing(warm: bool) -> None:
    shared, compared = _compare(_states(50, seed=17), warm)
    assert compared == 50 * (len(FIXED) + len(VARYING))
    assert shared.reused > 20  # sharing happened, so the comparison tested it


def test_each_interface_line_is_crossed() -> None:
    """Every version against the first (one path varies at a time), in both orders: the pairs that
    must not share."""
    states = []
    for path, versions in VARYING.items():
        for version in (*versions, *reversed(versions)):
            state = {**FIXED, **{p: v[0] for p, v in VARYING.items()}, path: version}
            states.extend([state, {**FIXED, **{p: v[0] for p, v in VARYING.items()}}])
    shared, _ = _compare(states, warm=True)
    assert shared.reused > 0


def _compare_at_once(states: Sequence[Mapping[str, str]]) -> tuple[Compiler, Compiler]:
    """Every state handed over in one `compile_many` (as a check hands its earlier versions: one layer
    per import state, without source info), then every file's outcome in every state compared."""
    shared, exact = Compiler(), Compiler(share=False)
    for compiler in (shared, exact):
        compiler.compile_many(states, source_info=False)
    for state in states:
        for path in sorted(state):
            assert_same_outcome(shared, exact, path, state)
    assert_faces_hold(shared)
    return shared, exact


@pytest.mark.parametrize("seed", [17, 29])
def test_many_states_compiled_at_once_compile_alike_with_stand_ins(seed: int) -> None:
    """The sharing compiler first compiles the later layers' new texts against the first layer's
    imports (`Compiler._stand_in`) and answers other nodes from those; here the interfaces differ
    from state to state, so many stand-ins fail or answer nothing. Every outcome must still be
    protoc's in the file's own state."""
    shared, _ = _compare_at_once(_states(40, seed))
    assert shared.stand_in_runs > 0


def test_stand_ins_spare_a_run_per_state_when_interfaces_hold() -> None:
    """States of a long history: every file at one of a few revisions that keep its interface (here
    a trailing comment). Without stand-ins each state costs a protoc run; with them, about one run per
    revision, and the outcomes are the same."""
    chooser = random.Random(5)
    texts = {**FIXED, **{p: v[0] for p, v in VARYING.items()}}
    for needing_other_versions in ("app/entry.proto", "app/level.proto", "app/map2.proto", "app/scope.proto"):
        del texts[needing_other_versions]
    states = [
        {p: t + (f"// revision {r}\n" if (r := chooser.randrange(5)) else "") for p, t in texts.items()}
        for _ in range(40)
    ]
    shared, exact = _compare_at_once(states)
    assert exact.runs >= 40 and shared.runs <= 8, (shared.runs, exact.runs)


def _case_states() -> list[dict[str, str]]:
    """The Protobuf corpus: each case's old and new texts against its own and the other's imports
    (those compiled alone first, as a check compiles the current versions before the earlier ones)."""
    states: list[dict[str, str]] = []
    for case in CASES:
        states.extend(dict(deps) for deps in (case.old_deps, case.new_deps) if deps)
        for text in (case.old, case.new):
            for deps in (case.old_deps, case.new_deps):
                states.append({**deps, "topic/value.proto": text})
    return states


def test_the_protobuf_cases_compile_alike_with_and_without_sharing() -> None:
    shared, _ = _compare(_case_states(), warm=True)
    assert shared.reused > 0


def _tree(root: Path) -> dict[str, str]:
    files = sorted(root.rglob("*.proto"))
    return {str(p.relative_to(root)): p.read_bytes().decode("utf-8", "replace") for p in files}


def test_the_test_trees_compile_alike_with_and_without_sharing() -> None:
    tests = Path(__file__).parent.parent
    tree = _tree(tests / "protoc_valid" / "api_tree" / "contracts")
    bad = _tree(tests / "bad_inputs" / "protobuf")
    states: list[dict[str, str]] = [tree]
    for path, text in bad.items():
        states.append({**tree, path: text})
    # every file of the tree against a tree where one other file has a field more
    for path, text in tree.items():
        if "message " in text:
            states.append({**tree, path: text.replace("}\n", "  string spare_field = 900;\n}\n", 1)})
    _compare(states, warm=True)


def test_a_check_of_the_cases_reports_alike_with_and_without_sharing() -> None:
    """The verdicts (compare both ways) of every case with a sharing and a non-sharing format."""
    from pathlib import PurePosixPath

    def parse(fmt: ProtobufFormat, text: str, deps: Mapping[str, str]) -> object:
        references = [
            fmt.parse(SchemaText(PurePosixPath(f"contracts/{p}"), body, root="contracts"), [])
            for p, body in sorted(deps.items())
        ]
        return fmt.parse(
            SchemaText(PurePosixPath("contracts/topic/value.proto"), text, root="contracts"), references
        )

    sharing, exact = ProtobufFormat(), ProtobufFormat()
    exact.compiler = Compiler(share=False)
    for case in CASES:
        answers = []
        for fmt in (sharing, exact):
            try:
                old, new = parse(fmt, case.old, case.old_deps), parse(fmt, case.new, case.new_deps)
            except Exception as error:  # an invalid case: both must refuse it alike
                answers.append(repr(error))
                continue
            answers.append(
                (
                    fmt.differences(old, new),  # type: ignore[arg-type]
                    fmt.differences(new, old),  # type: ignore[arg-type]
                    [f.message for f in fmt.check(new, old)],  # type: ignore[arg-type]
                )
            )
        assert answers[0] == answers[1], case.id


@pytest.mark.parametrize("seed", [1, 8])
def test_copies_keep_the_interface_of_the_state_they_were_copied_for(seed: int) -> None:
    """app/kopt.proto's interface follows its import (an extension typed by a message or by an enum):
    in these states its copies are made from a node of the same kind while another kind's node was
    compiled first, so a copy given the interface of any node of its text is caught."""
    shared, _ = _compare(_states(30, seed), warm=True)
    kopt = [node for node in shared._copied_from if shared._node_keys[node][0] == "app/kopt.proto"]
    assert kopt
