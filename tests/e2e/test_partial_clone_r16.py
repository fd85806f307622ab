"""A partial clone (`git clone --filter=blob:none`, actions/checkout's `filter: blob:none`) lacks
every earlier content: a check reads them from its promisor remote in one request, not one fetch per
blob (round 16). The report is the full clone's; `GIT_TRACE` counts the fetches git runs.

Before: a check --all of 500 small contracts with 10 commits ran 1,994 fetches (45 s against 0.3 s
on a full clone); a pull-request check of 5 of them, 236 fetches.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import GIT_ENV, GitRepo, record

CONFIG = "version: 1\ncontracts: {root: contracts, base_branch: main}\n"
TOPICS = 12
COMMITS = 6


def _proto(topic: int, fields: int) -> str:
    body = "".join(f"  string f{i} = {i + 1};\n" for i in range(fields))
    return f'syntax = "proto3";\npackage t{topic};\nimport "common/money.proto";\n' + (
        f"message Event{topic} {{\n  common.Money price = 100;\n{body}}}\n"
    )


def _origin(root: Path) -> GitRepo:
    """main: Avro and Protobuf topics evolving over several commits; branch change: one compatible
    edit and one break."""
    origin = GitRepo(root)
    origin.git("config", "uploadpack.allowFilter", "true")
    origin.git("config", "uploadpack.allowAnySHA1InWant", "true")
    origin.write("contractctl.yaml", CONFIG)
    for number in range(COMMITS):
        origin.write(
            "contracts/common/money.proto",
            'syntax = "proto3";\npackage common;\nmessage Money {\n  string code = 1;\n'
            + "".join(f"  int64 part{i} = {i + 2};\n" for i in range(number))
            + "}\n",
        )
        for topic in range(TOPICS):
            fields = [{"name": f"f{i}", "type": "string", "default": ""} for i in range(number + 1)]
            origin.write(f"contracts/a{topic}/value.avsc", record(f"A{topic}", fields))
            origin.write(f"contracts/p{topic}/value.proto", _proto(topic, number + 1))
        origin.commit(f"main {number}")
    origin.git("checkout", "-q", "-b", "change")
    broken = [{"name": "f0", "type": "int", "default": 0}]
    origin.write("contracts/a3/value.avsc", record("A3", broken))
    origin.write("contracts/p5/value.proto", _proto(5, COMMITS + 1))
    origin.commit("change")
    origin.git("checkout", "-q", "main")
    return origin


def _clone(origin: GitRepo, target: Path, *options: str) -> GitRepo:
    env = {**os.environ, **GIT_ENV, "HOME": str(target.parent)}
    subprocess.run(
        ["git", "clone", "-q", *options, "--branch", "change", f"file://{origin.root}", str(target)],
        check=True,
        env=env,
        capture_output=True,
    )
    cloned = GitRepo.__new__(GitRepo)
    cloned.root = target
    return cloned


def _fetches(trace: Path) -> int:
    return sum("built-in: git fetch" in line for line in trace.read_text().splitlines())


def test_a_partial_clone_reads_what_it_lacks_in_one_fetch_and_answers_as_a_full_clone(tmp_path: Path) -> None:
    origin = _origin(tmp_path / "origin")
    full = _clone(origin, tmp_path / "full")
    partial = _clone(origin, tmp_path / "partial", "--filter=blob:none")
    missing = partial.git("rev-list", "--objects", "--all", "--missing=print").count("\n?")
    assert missing > 100  # the earlier contents are not in the partial clone

    for number, command in enumerate((("check", "--against", "origin/main"), ("check", "--all"))):
        expected = full.run(*command, "--format", "json")
        trace = tmp_path / f"trace-{number}.txt"
        got = partial.run(*command, "--format", "json", env={"GIT_TRACE": str(trace)})
        assert got.code == expected.code, got.output
        assert json.loads(got.stdout)["results"] == json.loads(expected.stdout)["results"], command
        assert _fetches(trace) <= 3, (command, _fetches(trace))
    verdicts = {r["subject"]: r["verdict"] for r in json.loads(got.stdout)["results"]}
    assert verdicts["a3-value"] == "incompatible"
