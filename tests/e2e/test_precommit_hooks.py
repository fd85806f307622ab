"""The shipped pre-commit hooks, run the way pre-commit runs them, on commits users make.

pre-commit builds the command from the hook's `entry`, then appends the staged file names that match
`files` (and not `exclude`) unless `pass_filenames` is false. Both hooks once passed only `.avsc` and
`.proto` names: a commit staging a breaking JSON Schema change next to any Avro edit checked the Avro
file alone and passed (round 6). These tests build the command from the hook files themselves.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import GitRepo, cli_env, contractctl_command

PROJECT = Path(__file__).resolve().parents[2]
ADDRESS = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Address",
    "type": "object",
    "properties": {"street": {"type": "string"}},
    "additionalProperties": False,
}
ORDER = {
    "type": "record",
    "name": "Order",
    "namespace": "com.acme",
    "fields": [{"name": "id", "type": "string"}],
}


def _shipped_hook() -> dict[str, Any]:
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    return next(h for h in hooks if h["id"] == "contractctl-check")


def _scaffolded_hook(repo: GitRepo) -> dict[str, Any]:
    config = yaml.safe_load((repo.root / ".pre-commit-config.yaml").read_text())
    return next(h for r in config["repos"] for h in r["hooks"] if h["id"] == "contractctl-check")


def _run_hook(repo: GitRepo, hook: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """The hook's command as pre-commit assembles it for the staged files."""
    staged = [p for p in repo.git("diff", "--cached", "--name-only", "-z").split("\0") if p]
    files = re.compile(hook.get("files", ""))
    exclude = re.compile(hook["exclude"]) if hook.get("exclude") else None
    chosen = [p for p in staged if files.search(p) and not (exclude and exclude.search(p))]
    entry = shlex.split(hook["entry"])
    assert entry[0] == "contractctl"
    command = [*contractctl_command(), *entry[1:]]
    if hook.get("pass_filenames", True):
        command += chosen
    return subprocess.run(
        command, cwd=repo.root, capture_output=True, text=True, env=cli_env(repo.root), timeout=120
    )


@pytest.mark.parametrize("which", ["shipped", "scaffolded"])
def test_a_json_schema_break_staged_beside_an_avro_edit_fails_the_hook(repo: GitRepo, which: str) -> None:
    assert repo.run("init").code == 0
    repo.write("contracts/common/address.json", ADDRESS)
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("v1")
    repo.write(
        "contracts/common/address.json",
        {**ADDRESS, "properties": {"street": {"type": "integer"}}},
    )
    repo.write("contracts/orders/value.avsc", {**ORDER, "doc": "an order"})
    repo.git("add", "-A")

    hook = _shipped_hook() if which == "shipped" else _scaffolded_hook(repo)
    completed = _run_hook(repo, hook)

    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "common/address.json" in completed.stdout
    assert "TYPE_CHANGED" in completed.stdout


@pytest.mark.parametrize("which", ["shipped", "scaffolded"])
def test_a_compatible_staged_change_passes_the_hook(repo: GitRepo, which: str) -> None:
    assert repo.run("init").code == 0
    repo.write("contracts/common/address.json", ADDRESS)
    repo.commit("v1")
    repo.write(
        "contracts/common/address.json",
        {**ADDRESS, "properties": {"street": {"type": "string"}, "city": {"type": "string"}}},
    )
    repo.git("add", "-A")

    hook = _shipped_hook() if which == "shipped" else _scaffolded_hook(repo)
    completed = _run_hook(repo, hook)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "common/address.json" in completed.stdout
