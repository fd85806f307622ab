"""`_prepare` hands a format the groups of earlier versions (each with its references as they were),
leaving out a group another handed group holds (`commands.check._historic_groups`). Over random
histories: every version's own group is inside a handed one, text for text, each handed group is one
of the plain ones, and the verdicts are those of handing every group.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from contractctl import formats
from contractctl.commands import check
from contractctl.commands.check import CheckOptions, run_check
from contractctl.config.project import default_config
from contractctl.formats.protobuf import ProtobufFormat
from contractctl.report import render
from tests.conftest import GitRepo
from tests.unit.test_shared_unchanged import _mutate

_IMPORTS = {"z": [], "m": ["z"], "b": ["m"], "t": ["b", "z"]}


def _write(repo: GitRepo, state: dict[str, list[tuple[str, str]]]) -> None:
    """A chain z <- m <- b, and a topic importing b and z: a diamond, so an earlier topic version
    can meet z in two states (its own commit's, and the one m's version was written with). The
    names make the walk take the topic's own z first: then m, met next, holds z in the other state."""
    for name, fields in state.items():
        kinds = {"int": "int32", "long": "int64", "string": "string"}
        body = "".join(f"  {kinds[kind]} {field} = {n + 1};\n" for n, (field, kind) in enumerate(fields))
        imports = "".join(f'import "shared/{i}.proto";\n' for i in _IMPORTS[name])
        uses = "".join(
            f"  acme.shared.{i.upper()} use_{i} = {50 + n};\n" for n, i in enumerate(_IMPORTS[name])
        )
        package = "acme.t" if name == "t" else "acme.shared"
        message = "Event" if name == "t" else name.upper()
        path = "contracts/t/value.proto" if name == "t" else f"contracts/shared/{name}.proto"
        text = f'syntax = "proto3";\npackage {package};\n{imports}message {message} {{\n{body}{uses}}}\n'
        repo.write(path, text)


def _plain_groups(checker: Any, roots: Any) -> list[tuple[list[Any], Any]]:
    """Every root's group, as `_prepare` handed them before groups could cover others."""
    return [
        (list(checker.historic_sources(s, v).values()), checker.current.file(s).schema_type) for s, v in roots
    ]


def _run(repo: GitRepo, monkeypatch: pytest.MonkeyPatch, plain: bool) -> tuple[str, list[Any], list[Any]]:
    """The JSON report, the groups handed to Protobuf, and every root's own group."""
    monkeypatch.setattr(formats, "_LOADED", {})
    handed: list[Any] = []
    own: list[Any] = []
    prepare = ProtobufFormat.prepare
    chosen = check._historic_groups

    def capture(self: ProtobufFormat, sources: Any, all_parsed: bool = False, groups: Any = ()) -> None:
        handed.extend(groups)
        prepare(self, sources, all_parsed=all_parsed, groups=groups)

    def groups(checker: Any, roots: Any) -> Any:
        own.extend(group for group, _ in _plain_groups(checker, roots))
        return _plain_groups(checker, roots) if plain else chosen(checker, roots)

    with monkeypatch.context() as patched:
        patched.setattr(ProtobufFormat, "prepare", capture)
        patched.setattr(check, "_historic_groups", groups)
        report = run_check(default_config(repo.root), CheckOptions(staged=True))
    return render(report, "json"), handed, own


def _texts(group: Any) -> dict[str, str]:
    return {source.import_path: source.text for source in group}


def test_handed_groups_hold_every_version_s_group_and_give_the_same_verdicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    left_out = several = 0
    for seed in range(12):
        chooser = random.Random(seed)
        repo = GitRepo(tmp_path / f"r{seed}")
        repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
        state = {name: [("a", "int")] for name in _IMPORTS}
        _write(repo, state)
        repo.commit("first")
        for commit in range(chooser.randrange(1, 4)):
            for name in chooser.sample(sorted(state), chooser.randrange(1, 3)):
                state[name] = _mutate(chooser, state[name])
            _write(repo, state)
            repo.commit(f"commit {commit}")
        state["z"] = _mutate(chooser, state["z"])  # everything using z is checked
        _write(repo, state)
        repo.git("add", "-A")
        report, handed, own = _run(repo, monkeypatch, plain=False)
        plain_report, plain_handed, _ = _run(repo, monkeypatch, plain=True)
        assert report == plain_report, seed
        handed_texts = [_texts(group) for group in handed]
        plain_texts = [_texts(group) for group in plain_handed]
        assert all(group in plain_texts for group in handed_texts), seed
        for group in map(_texts, own):
            assert any(group.items() <= other.items() for other in handed_texts), (seed, group)
        left_out += len(plain_handed) - len(handed)
        several += len(handed) > 1
    assert left_out > 0 and several > 0  # groups were left out, and some kept beside others
