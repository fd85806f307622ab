"""Where teams meet the gate: GitHub output, the escape hatch, quiet mode, workflows, pre-commit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import GIT_ENV, GitRepo, record

ROOT = Path(__file__).resolve().parents[2]
V1 = record("OrderPlaced", [{"name": "id", "type": "string"}])
BREAKING = record("OrderPlaced", [{"name": "id", "type": "string"}, {"name": "total", "type": "long"}])
COMPATIBLE = record(
    "OrderPlaced", [{"name": "id", "type": "string"}, {"name": "total", "type": "long", "default": 0}]
)


def branch_with(repo: GitRepo, schema: dict[str, Any]) -> Path:
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")
    return repo.write("contracts/orders/value.avsc", schema)


def test_github_format_annotates_the_line_and_writes_the_step_summary(repo: GitRepo, tmp_path: Path) -> None:
    branch_with(repo, BREAKING)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    result = repo.run("check", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.code == 1
    annotation = next(line for line in result.stdout.splitlines() if line.startswith("::error "))
    assert "file=contracts/orders/value.avsc,line=" in annotation
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in annotation
    text = summary.read_text()
    assert text.startswith("earlier step\n")  # appended, not overwritten
    assert "orders-value" in text and "`READER_FIELD_MISSING_DEFAULT_VALUE`" in text


def test_allowed_break_passes_but_still_shows_with_its_reason(repo: GitRepo) -> None:
    branch_with(repo, BREAKING)
    args = ("check", "--allow-breaking", "orders-value", "--reason", "ORD-7: all consumers upgraded")
    result = repo.run(*args, "--format", "json")
    assert result.code == 0, result.output
    [res] = result.json()["results"]
    assert res["verdict"] == "allowed"
    assert res["findings"][0]["allowed_reason"] == "ORD-7: all consumers upgraded"
    text = repo.run(*args)
    assert "allowed READER_FIELD_MISSING_DEFAULT_VALUE" in text.stdout and "ORD-7" in text.stdout
    github = repo.run(*args, "--format", "github")
    assert "::warning " in github.stdout and "ORD-7" in github.stdout
    sarif = repo.run(*args, "--format", "sarif")
    assert '"justification": "ORD-7: all consumers upgraded"' in sarif.stdout


def test_allow_breaking_needs_a_reason_and_unused_allowances_warn(repo: GitRepo) -> None:
    branch_with(repo, COMPATIBLE)
    no_reason = repo.run("check", "--allow-breaking", "orders-value")
    assert no_reason.code == 2 and "--reason" in no_reason.stderr
    unused = repo.run("check", "--allow-breaking", "payments-value", "--reason", "x", "--format", "json")
    assert unused.code == 0
    assert [f["rule"] for f in unused.json()["findings"]] == ["ALLOWANCE_UNUSED"]


def test_quiet_prints_only_failures(repo: GitRepo) -> None:
    branch_with(repo, COMPATIBLE)
    assert repo.run("check", "-q").stdout == ""
    repo.write("contracts/orders/value.avsc", BREAKING)
    failing = repo.run("check", "-q")
    assert failing.code == 1 and "READER_FIELD_MISSING_DEFAULT_VALUE" in failing.stdout


def test_base_ref_comes_from_the_github_environment(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", V1)
    base = repo.commit("v1")
    repo.git("update-ref", "refs/remotes/origin/develop", base)
    repo.git("checkout", "-q", "-b", "feature")
    repo.git("branch", "-q", "-D", "main")  # only origin/develop exists, as in a PR checkout
    repo.write("contracts/orders/value.avsc", BREAKING)
    assert repo.run("check").code == 3  # no main, no hint: says what to do
    result = repo.run("check", env={"GITHUB_BASE_REF": "develop"})
    assert result.code == 1, result.output


def test_junit_and_markdown_outputs_to_file(repo: GitRepo) -> None:
    branch_with(repo, BREAKING)
    result = repo.run("check", "--format", "junit", "--output", "report.xml")
    assert result.code == 1
    import xml.etree.ElementTree as ElementTree

    suite = ElementTree.parse(repo.root / "report.xml").getroot()
    assert suite.find(".//testcase[@name='orders-value']/failure") is not None
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in result.stdout  # the console still says what failed
    markdown = repo.run("check", "--format", "markdown")
    assert "| orders-value |" in markdown.stdout


def load_yaml(relative: str) -> Any:
    return yaml.safe_load((ROOT / relative).read_text())


def steps_running(workflow: Any, needle: str) -> list[str]:
    return [s["run"] for job in workflow["jobs"].values() for s in job["steps"] if needle in s.get("run", "")]


def test_pull_request_workflow_runs_the_gate_with_both_registries() -> None:
    workflow = load_yaml(".github/workflows/contracts-check.yml")
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "merge_group" in workflow[True]  # a merge queue's required check must report too
    [job] = workflow["jobs"].values()
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    [gate] = steps_running(workflow, "--registry aws")
    assert 'contractctl check --against "$(cat "$RUNNER_TEMP/base")"' in gate
    [base] = steps_running(workflow, '> "$RUNNER_TEMP/base"')  # the base each event names
    assert 'base="origin/${GITHUB_BASE_REF}"' in base and 'base="$QUEUE_BASE_SHA"' in base
    assert "--registry azure --format github" in gate
    assert any("allow-breaking:" in run for run in steps_running(workflow, "allow-breaking"))
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in job["steps"])


def test_pull_request_workflow_restores_the_history_cache_before_the_first_check() -> None:
    """Outlines of earlier versions are kept by content in .git/contractctl, stamped with the installed
    wheel (outline_cache.code_stamp): restored before the check, each run reads only what is new."""
    workflow = load_yaml(".github/workflows/contracts-check.yml")
    [job] = workflow["jobs"].values()
    names = [s.get("uses", "") or s.get("run", "") for s in job["steps"]]
    cache = next(i for i, n in enumerate(names) if n.startswith("actions/cache"))
    first_check = next(i for i, n in enumerate(names) if "contractctl check" in n)
    assert cache < first_check
    assert job["steps"][cache]["with"]["path"] == ".git/contractctl"
    assert job["steps"][cache]["with"]["restore-keys"].startswith("contractctl-")


def test_project_ci_workflow_runs_ci_script() -> None:
    workflow = load_yaml(".github/workflows/ci.yml")
    assert steps_running(workflow, ".ci/run")


def test_composite_action_and_pre_commit_hook_definitions() -> None:
    action = load_yaml("action.yml")
    assert action["runs"]["using"] == "composite"
    assert {"registries", "against", "format"} <= set(action["inputs"])
    assert any("contractctl" in step["run"] for step in action["runs"]["steps"])
    [hook] = load_yaml(".pre-commit-hooks.yaml")
    assert hook["id"] == "contractctl-check"
    assert "--staged" in hook["entry"] and "--registry" not in hook["entry"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git needed")
def test_pre_commit_hook_blocks_a_breaking_staged_change(repo: GitRepo, tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    assert repo.run("init").code == 0
    repo.write("contracts/orders/value.avsc", V1)
    repo.commit("v1")
    env = {
        **os.environ,
        **GIT_ENV,
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }

    def pre_commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run"],
            cwd=repo.root,
            env=env,
            capture_output=True,
            text=True,
        )

    repo.write("contracts/orders/value.avsc", BREAKING)
    repo.git("add", "-A")
    blocked = pre_commit()
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in blocked.stdout
    repo.write("contracts/orders/value.avsc", COMPATIBLE)
    repo.git("add", "-A")
    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_release_workflow_promotes_and_waits_for_parity() -> None:
    workflow = load_yaml(".github/workflows/contracts-release.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    [job] = workflow["jobs"].values()
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    [run] = steps_running(workflow, "contractctl promote")
    assert "--from aws --to azure" in run and "--wait" in run
    env = next(s for s in job["steps"] if "contractctl promote" in s.get("run", ""))["env"]
    assert all(value.startswith("${{ secrets.") for value in env.values())
