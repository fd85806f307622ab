"""SIGTERM (a cancelled CI job, `timeout`) ends a check cleanly: exit 143, its worker processes
stopped and its scratch folders removed. Before, SIGTERM's default ended the parent where it
stood: the forked workers went on checking with the output pipe open (a reader of it waited), and
the folders protoc's files were laid out in stayed in memory (/dev/shm)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import GitRepo, cli_env, contractctl_command

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")

SHARED = 'syntax = "proto3";\npackage common;\nmessage Money {\n  int64 units = 1;\n}\n'


def topic(n: int, extra: str = "") -> str:
    fields = "".join(f"  string f{i} = {i + 2};\n" for i in range(30))
    return (
        f'syntax = "proto3";\npackage t{n};\nimport "common/money.proto";\n'
        f"message Event{n} {{\n  common.Money amount = 1;\n{fields}{extra}}}\n"
    )


def _children(pid: int) -> set[int]:
    """The processes `pid` started (Linux's own list), and theirs."""
    found: set[int] = set()
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            listed = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, listed):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _scratch_entries() -> set[str]:
    shm = Path("/dev/shm")
    return {p.name for p in shm.glob("contractctl-*")} if shm.is_dir() else set()


def test_sigterm_stops_the_workers_removes_scratch_folders_and_exits_143(repo: GitRepo) -> None:
    repo.write("contracts/common/money.proto", SHARED)
    for n in range(400):
        repo.write(f"contracts/t{n}/value.proto", topic(n))
    repo.commit("tree")
    repo.git("checkout", "-q", "-b", "change")
    for n in range(400):
        repo.write(f"contracts/t{n}/value.proto", topic(n, "  string added = 40;\n"))
    before = _scratch_entries()
    process = subprocess.Popen(
        [*contractctl_command(), "check", "--against", "main", "--all"],
        cwd=repo.root,
        env=cli_env(repo.root, {"CONTRACTCTL_WORKERS": "2"}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while not children and process.poll() is None and time.monotonic() < deadline:
        children = _children(process.pid)
        time.sleep(0.01)
    assert children, "the check ended before it started a worker: nothing was interrupted"
    time.sleep(0.2)  # into the work
    children |= _children(process.pid)
    os.kill(process.pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)  # nothing left holding the pipe open
    assert process.returncode == 143, stderr
    assert "terminated" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    time.sleep(0.3)
    assert not [pid for pid in children if _alive(pid)]
    assert _scratch_entries() <= before
