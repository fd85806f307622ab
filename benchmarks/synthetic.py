"""Synthetic contract repositories for the benchmarks: many Avro contracts with a history."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def avro_contract(topic: int, version: int) -> str:
    """Version n adds n optional fields to a base record: every step is backward compatible."""
    fields = [
        {"name": "id", "type": "string"},
        {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "amount", "type": ["null", "double"], "default": None},
        {
            "name": "status",
            "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "DONE", "UNKNOWN"], "default": "UNKNOWN"},
            "default": "UNKNOWN",
        },
        {
            "name": "lines",
            "type": {
                "type": "array",
                "items": {
                    "type": "record",
                    "name": "Line",
                    "fields": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}],
                },
            },
            "default": [],
        },
    ]
    fields += [{"name": f"extra_{n}", "type": ["null", "string"], "default": None} for n in range(version)]
    schema = {"type": "record", "name": f"Event{topic}", "namespace": f"com.bench.t{topic}", "fields": fields}
    return json.dumps(schema, indent=2) + "\n"


def build_avro_repo(root: Path, contracts: int, commits: int) -> Path:
    """`contracts` topics; each of `commits` commits evolves a tenth of them (all on the first)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    (root / "contractctl.yaml").write_text("version: 1\ncontracts: {root: contracts, base_branch: main}\n")
    versions = [0] * contracts
    for commit in range(commits):
        for topic in range(contracts):
            if commit == 0 or topic % 10 == commit % 10:
                versions[topic] += commit > 0
                path = root / "contracts" / f"topic{topic}" / "value.avsc"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(avro_contract(topic, versions[topic]))
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", f"commit {commit}")
    return root
