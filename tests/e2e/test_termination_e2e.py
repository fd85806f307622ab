"""SIGTERM (a cancelled CI job, `timeout`) ends a check cleanly: exit 143, its worker processes
stopped and its scratch folders removed. Before, SIGTERM's default ended the parent where it
stood: the forked workers went on checking with the output pipe open (a reader of it waited), and
the folders protoc's files were laid out in stayed in memory (/dev/shm)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GitRepo, cli_env, contractctl_command, record

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")

SHARED = 'syntax = "proto3";\npackage common;\nmessage Money {\n  int64 units = 1;\n}\n'


def topic(n: int, extra: str = "") -> str:
    fields = "".join(f"  string f{i} = {i + 2};\n" for i in range(30))
    return (
        f'syntax = "proto3";\npackage t{n};\nimport "common/money.proto";\n'
        f"message Event{n} {{\n  common.Money amount = 1;\n{fields}{extra}}}\n"
    )


def _children(pid: int) -> set[int]:
    """The processes `pid` forked as copies of itself (workers, side runs; not its git processes),
    from Linux's own list of its children."""
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        own = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return set()
    found = set()
    for child in map(int, listed):
        try:
            if Path(f"/proc/{child}/cmdline").read_bytes() == own:
                found.add(child)
        except OSError:
            continue
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


def _left_behind(before: set[str]) -> set[str]:
    """Scratch folders that were not there before and stay: another contractctl on this machine
    (a developer's run beside the suite) makes and removes its own within moments."""
    deadline = time.monotonic() + 5
    while (left := _scratch_entries() - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def avro_topic(n: int, version: int) -> dict[str, Any]:
    fields = [{"name": f"f{i}", "type": "string", "default": ""} for i in range(30 + version)]
    return record(f"Event{n}", fields)


def _checking_with_workers(repo: GitRepo, protobuf: bool = True) -> tuple[subprocess.Popen[bytes], set[int]]:
    """A check of 400 changed contracts on two workers, and its child processes once it has some
    (Protobuf: a side run's too, which ends on its own)."""
    if protobuf:
        repo.write("contracts/common/money.proto", SHARED)
    for version in range(3):
        for n in range(400):
            if protobuf:
                repo.write(
                    f"contracts/t{n}/value.proto", topic(n, "  string added = 40;\n" * min(version, 1))
                )
            else:
                repo.write(f"contracts/t{n}/value.avsc", avro_topic(n, version))
        if version == 0:
            repo.commit("tree")
            repo.git("checkout", "-q", "-b", "change")
        elif version == 1 and not protobuf:
            repo.commit("evolved")
    process = subprocess.Popen(  # --prove: each job writes and reads records, long enough to interrupt
        [*contractctl_command(), "check", "--against", "main", "--all", "--prove", "--samples", "200"],
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
    return process, children | _children(process.pid)


def test_sigterm_stops_the_workers_removes_scratch_folders_and_exits_143(repo: GitRepo) -> None:
    before = _scratch_entries()
    process, children = _checking_with_workers(repo)
    os.kill(process.pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)  # nothing left holding the pipe open
    assert process.returncode == 143, stderr
    assert "terminated" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    time.sleep(0.3)
    assert not [pid for pid in children if _alive(pid)]
    assert _left_behind(before) == set()


def test_workers_end_when_the_check_is_killed(repo: GitRepo) -> None:
    """SIGKILL (out of memory, a runner's last resort) cannot be handled; the workers then waited on
    their job queue forever, each holding a copy of the parsed tree."""
    process, children = _checking_with_workers(repo, protobuf=False)  # no side run: workers only
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while [pid for pid in children if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in children if _alive(pid)]


def test_an_interrupted_check_does_not_wait_for_a_slow_registry(repo: GitRepo, registry_double: Any) -> None:
    """A registry that answers after 30 s held Ctrl-C and SIGTERM for a minute: the pool of
    registry calls was shut down waiting for the requests under way, and the exit joined them."""
    order = record("Order", [{"name": "a", "type": "string"}])
    registry_double.store.register("orders-value", json.dumps(order))
    repo.write("contractctl.yaml", 'version: 1\nregistries:\n  r: {url: "${R_URL}"}\n')
    repo.write("contracts/orders/value.avsc", order)
    repo.commit("v1")
    order["fields"].append({"name": "b", "type": "string", "default": ""})
    repo.write("contracts/orders/value.avsc", order)
    registry_double.faults.latency(30)
    for signal_number, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130)):
        seen = len(registry_double.requests)
        process = subprocess.Popen(
            [*contractctl_command(), "check", "--registry", "r"],
            cwd=repo.root,
            env=cli_env(repo.root, {"R_URL": registry_double.url}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as a terminal has it
        )
        deadline = time.monotonic() + 30
        while len(registry_double.requests) == seen and time.monotonic() < deadline:
            time.sleep(0.02)  # until a request waits on the registry
        os.kill(process.pid, signal_number)
        started = time.monotonic()
        _, stderr = process.communicate(timeout=20)
        assert process.returncode == code, stderr
        assert time.monotonic() - started < 10
        assert "Traceback" not in stderr.decode()
    registry_double.faults.latency(0)
