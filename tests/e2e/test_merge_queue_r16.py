"""The pull-request workflow in a GitHub merge queue (round 16): the `merge_group` event, whose
checkout is the queue's commit (main, the pull requests ahead in the queue, then this one) and whose
base is the commit the queue built on. The workflow's own `run:` steps are executed (workflow_runner);
`gh`, which asks GitHub for a pull request's labels, is a stand-in script answering from a table.

Without the `merge_group` trigger a required check never reports in a queue; with it, the group is
compared with its base, so a break made by any pull request in the group counts, and is allowed only
by a label on that pull request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import GitRepo, record
from tests.e2e.test_workflow_steps import BREAKING, COMPATIBLE, CONTRACT, GATE, origin_with_v1, registries
from tests.e2e.workflow_runner import Runner, step, workflow_job

STOCK = "contracts/stock/value.avsc"
FAKE_GH = """#!/usr/bin/env python3
import json, sys
labels = json.load(open(%r))
# gh pr view NUMBER --json labels --jq '.labels[].name'
args = sys.argv[1:]
if args[:2] != ["pr", "view"] or args[2] not in labels:
    print(f"no pull request {args[2:3]}", file=sys.stderr)
    sys.exit(1)
print("\\n".join(labels[args[2]]))
"""


def queue(tmp_path: Path, factory: Any, orders: dict[str, Any], labels: dict[str, list[str]]) -> Any:
    """main (orders v1, published), then the queue: PR 7 changes orders, PR 8 adds a stock contract on
    top of it; the check runs on PR 8's queue commit. Queue branches of PR 5 (merged before the base)
    and PR 9 (behind PR 8) are there too, as GitHub leaves them."""
    _, _, secrets = registries(factory)
    origin = origin_with_v1(tmp_path, secrets)
    base = origin.git("rev-parse", "HEAD").strip()
    origin.git("branch", "gh-readonly-queue/main/pr-5-aaaa", "HEAD")
    origin.write(CONTRACT, orders)
    pr7 = origin.commit("PR 7: orders")
    origin.write(STOCK, record("StockMoved", [{"name": "sku", "type": "string"}]))
    pr8 = origin.commit("PR 8: stock")
    origin.write(STOCK, record("StockMoved", [{"name": "sku", "type": "int"}]))
    pr9 = origin.commit("PR 9: behind")
    for number, sha in (("7", pr7), ("8", pr8), ("9", pr9)):
        origin.git("branch", f"gh-readonly-queue/main/pr-{number}-{sha[:12]}", sha)
    origin.git("reset", "-q", "--hard", base)  # main has not moved: the queue holds the rest

    workspace = tmp_path / "workspace"
    subprocess.run(["git", "clone", "-q", str(origin.root), str(workspace)], check=True)
    clone = GitRepo.__new__(GitRepo)
    clone.root = workspace
    clone.git("checkout", "-q", "--detach", pr8)

    table = tmp_path / "labels.json"
    table.write_text(json.dumps(labels))
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "gh").write_text(FAKE_GH % str(table))
    (fake_bin / "gh").chmod(0o755)
    event = {
        "merge_group": {
            "base_sha": base,
            "base_ref": "refs/heads/main",
            "head_sha": pr8,
            "head_ref": f"refs/heads/gh-readonly-queue/main/pr-8-{pr8[:12]}",
        }
    }
    runner = Runner(workspace, tmp_path / "runner", event, secrets)
    steps, env = workflow_job(".github/workflows/contracts-check.yml")
    path = os.pathsep.join([str(fake_bin), str(Path(sys.executable).parent), os.environ["PATH"]])
    return runner.run_steps(steps, {**env, "PATH": path})


def test_a_queued_group_with_a_break_labelled_on_its_pull_request_passes(
    tmp_path: Path, registry_double_factory: Any
) -> None:
    outcomes = queue(
        tmp_path, registry_double_factory, BREAKING, {"7": ["allow-breaking:orders-value"], "8": []}
    )
    gate = step(outcomes, GATE)
    assert gate.code == 0, gate.output
    assert "labels in the merge queue, on PRs: #7 #8" in gate.stdout  # the reason of the allowed break
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in gate.stdout  # still shown, marked allowed


def test_a_queued_break_is_not_allowed_by_labels_outside_the_group(
    tmp_path: Path, registry_double_factory: Any
) -> None:
    labels = {
        "5": ["allow-breaking:orders-value"],
        "7": ["documentation"],
        "8": [],
        "9": ["allow-breaking:orders-value"],
    }
    outcomes = queue(tmp_path, registry_double_factory, BREAKING, labels)
    gate = step(outcomes, GATE)
    assert gate.code == 1, gate.output
    assert "::error " in gate.stdout and "READER_FIELD_MISSING_DEFAULT_VALUE" in gate.stdout
    assert "registry aws" in gate.stdout and "registry azure" in gate.stdout


def test_a_queued_compatible_group_passes_and_an_unreadable_label_list_only_warns(
    tmp_path: Path, registry_double_factory: Any
) -> None:
    outcomes = queue(tmp_path, registry_double_factory, COMPATIBLE, {"8": []})  # PR 7 unknown to gh
    assert (
        "labels of PR #7 could not be read" in step(outcomes, "Collect allowed breaks from PR labels").output
    )
    gate = step(outcomes, GATE)
    assert gate.code == 0, gate.output
    assert (
        "stock-value" in gate.stdout or "stock-value" in (tmp_path / "runner" / "step-summary.md").read_text()
    )
