"""How many protoc runs a whole check of a change takes on a deep import chain with a long history.

The compiler's own tests (test_protobuf_sharing.py) prove that earlier import states compile in a
few stand-in runs when they are handed over together. This proves it through the check itself, which
decides what is handed over: a change that handed the compiler fewer groups (each version's group
left out when another group held it) once took a 2,000-file chain from 3 protoc runs to 94 with the
same verdicts, and only a count of the runs shows that. The count here is what the check needs, not a
timing: it is the same on every machine.
"""

from __future__ import annotations

import pytest

from contractctl import formats
from contractctl.commands.check import CheckOptions, run_check
from contractctl.config.project import default_config
from contractctl.model import SchemaType
from tests.conftest import GitRepo

CHAIN = 24
COMMITS = 12


def _link(index: int, extra: int) -> str:
    """Chain file `index`: imports the one before it and holds it in a field, plus `extra` fields."""
    head = f'syntax = "proto3";\npackage acme.c{index};\n'
    if index:
        head += f'import "chain/c{index - 1}.proto";\n'
    fields = f"  acme.c{index - 1}.Link{index - 1} before = 1;\n" if index else "  int32 qty = 1;\n"
    fields += "".join(f"  string added{n} = {n + 1};\n" for n in range(1, extra + 1))
    return head + f"message Link{index} {{\n{fields}}}\n"


@pytest.fixture
def chain(repo: GitRepo) -> GitRepo:
    """A chain of CHAIN files; every commit evolves every third one (so each file's earlier versions
    import other texts than it does now), then the working tree evolves every other one and breaks
    the root."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    extra = dict.fromkeys(range(CHAIN), 0)
    for index in range(CHAIN):
        repo.write(f"contracts/chain/c{index}.proto", _link(index, 0))
    repo.commit("chain")
    for commit in range(1, COMMITS):
        for index in range(commit % 3, CHAIN, 3):
            extra[index] += 1
            repo.write(f"contracts/chain/c{index}.proto", _link(index, extra[index]))
        repo.commit(f"evolve {commit}")
    for index in range(1, CHAIN, 2):
        repo.write(f"contracts/chain/c{index}.proto", _link(index, extra[index] + 1))
    broken = _link(0, extra[0]).replace("int32 qty = 1;", "string qty = 1;")
    repo.write("contracts/chain/c0.proto", broken)
    return repo


def test_a_deep_history_compiles_in_a_few_protoc_runs(
    chain: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formats, "_LOADED", {})  # a fresh compiler: nothing cached from another test
    report = run_check(default_config(chain.root), CheckOptions(environ={"CONTRACTCTL_WORKERS": "1"}))
    verdicts = {r.subject: r.verdict for r in report.results}
    assert len(verdicts) == CHAIN, verdicts  # every file of the chain was checked
    # the break at the root reaches every importer through its field: each state was compared
    assert set(verdicts.values()) == {"incompatible"}, verdicts
    runs = formats.get_format(SchemaType.PROTOBUF).compiler.runs  # type: ignore[attr-defined]
    # 6 since round 9's stand-ins; leaving out each group another group held made it 14 here
    assert runs <= 6, runs
