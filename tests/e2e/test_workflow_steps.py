"""The shipped workflows' and action's shell steps, executed: a pull request's checkout of a real git
repository with origin/main, the project's own contractctl.yaml, and two registry doubles behind the
secrets the workflows pass (see workflow_runner for what runs and what is skipped)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import GitRepo, record, run_cli
from tests.e2e.workflow_runner import ROOT, Runner, action_steps, step, workflow_job
from tests.registry_double import BasicAuth, RegistryDouble

V1 = record("OrderPlaced", [{"name": "id", "type": "string"}])
COMPATIBLE = record(
    "OrderPlaced", [{"name": "id", "type": "string"}, {"name": "total", "type": "long", "default": 0}]
)
BREAKING = record("OrderPlaced", [{"name": "id", "type": "string"}, {"name": "total", "type": "long"}])
CONTRACT = "contracts/orders/value.avsc"
GATE = "contractctl check"


def registries(factory: Any) -> tuple[RegistryDouble, RegistryDouble, dict[str, str]]:
    aws = factory(name="aws", auth=BasicAuth("aws-key", "aws-secret"), export_delay=0.05)
    azure = factory(name="azure", auth=BasicAuth("azure-key", "azure-secret"))
    secrets = {
        "AWS_SCHEMA_REGISTRY_URL": aws.url,
        "AWS_SR_KEY": "aws-key",
        "AWS_SR_SECRET": "aws-secret",
        "AZURE_SCHEMA_REGISTRY_URL": azure.url,
        "AZURE_SR_KEY": "azure-key",
        "AZURE_SR_SECRET": "azure-secret",
    }
    return aws, azure, secrets


def origin_with_v1(
    tmp_path: Path, secrets: dict[str, str], published_to: tuple[str, ...] = ("aws", "azure")
) -> GitRepo:
    """main with the project's own config and one contract, published to the named registries."""
    origin = GitRepo(tmp_path / "origin")
    shutil.copyfile(ROOT / "contractctl.yaml", origin.root / "contractctl.yaml")
    origin.write(CONTRACT, V1)
    origin.commit("v1")
    for name in published_to:
        published = run_cli("publish", "--registry", name, cwd=origin.root, env=secrets)
        assert published.code == 0, published.output
    return origin


def pull_request(tmp_path: Path, origin: GitRepo, schema: dict[str, Any]) -> GitRepo:
    """The PR's checkout as actions/checkout leaves it with fetch-depth 0: a full clone, detached."""
    workspace = tmp_path / "workspace"
    subprocess.run(["git", "clone", "-q", str(origin.root), str(workspace)], check=True)
    clone = GitRepo.__new__(GitRepo)
    clone.root = workspace
    clone.git("checkout", "-q", "-b", "feature")
    clone.write(CONTRACT, schema)
    clone.commit("change orders")
    clone.git("checkout", "-q", "--detach")
    return clone


def pr_event(labels: list[str], title: str = "Orders: add total") -> dict[str, Any]:
    return {"pull_request": {"number": 7, "title": title, "labels": [{"name": n} for n in labels]}}


def run_check_workflow(
    tmp_path: Path, factory: Any, schema: dict[str, Any], labels: list[str], title: str = "Orders: add total"
) -> list[Any]:
    _, _, secrets = registries(factory)
    workspace = pull_request(tmp_path, origin_with_v1(tmp_path, secrets), schema)
    runner = Runner(workspace.root, tmp_path / "runner", pr_event(labels, title), secrets, base_ref="main")
    steps, env = workflow_job(".github/workflows/contracts-check.yml")
    return runner.run_steps(steps, env)


def test_check_workflow_passes_an_unlabelled_compatible_pull_request(
    tmp_path: Path, registry_double_factory: Any
) -> None:
    outcomes = run_check_workflow(tmp_path, registry_double_factory, COMPATIBLE, labels=[])
    assert [(o.name, o.status) for o in outcomes][:3] == [
        ("actions/checkout@v4", "skipped"),
        ("actions/setup-python@v5", "skipped"),
        ("Install contractctl", "skipped"),
    ]
    gate = step(outcomes, GATE)
    assert gate.code == 0, gate.output
    summary = (tmp_path / "runner" / "step-summary.md").read_text()
    assert "orders-value" in summary and "aws" in summary and "azure" in summary
    sarif = step(outcomes, "SARIF for code scanning (local check only)")
    assert sarif.code == 0 and (tmp_path / "workspace" / "contractctl.sarif").is_file()


def test_check_workflow_fails_an_unlabelled_break_locally_and_in_both_registries(
    tmp_path: Path, registry_double_factory: Any
) -> None:
    outcomes = run_check_workflow(tmp_path, registry_double_factory, BREAKING, labels=["documentation"])
    gate = step(outcomes, GATE)
    assert gate.code == 1, gate.output
    assert "::error " in gate.stdout and "READER_FIELD_MISSING_DEFAULT_VALUE" in gate.stdout
    assert "registry aws" in gate.stdout and "registry azure" in gate.stdout
    # `if: always()`: the SARIF report is still produced after the gate failed
    assert step(outcomes, "SARIF for code scanning (local check only)").status == "ran"


def test_check_workflow_label_allows_the_break_with_the_title_as_one_reason(
    tmp_path: Path, registry_double_factory: Any
) -> None:
    title = 'Orders v2: drop "total" default; $(touch pwned) `touch pwned` *'
    outcomes = run_check_workflow(
        tmp_path, registry_double_factory, BREAKING, ["allow-breaking:orders-value", "bug"], title
    )
    gate = step(outcomes, GATE)
    assert gate.code == 0, gate.output
    assert f"label on PR #7: {title}" in gate.stdout  # the reason, verbatim, in the warning annotation
    assert not (tmp_path / "workspace" / "pwned").exists()


def run_action(
    tmp_path: Path, factory: Any, schema: dict[str, Any], base_ref: str = "main", **inputs: str
) -> Any:
    _, _, secrets = registries(factory)
    workspace = pull_request(tmp_path, origin_with_v1(tmp_path, secrets), schema)
    steps, defaults = action_steps()
    runner = Runner(
        workspace.root, tmp_path / "runner", pr_event([]), secrets, {**defaults, **inputs}, base_ref=base_ref
    )
    # the calling workflow passes the registry credentials as env vars named in contractctl.yaml
    outcomes = runner.run_steps(steps, dict(secrets))
    assert step(outcomes, "Install contractctl").status == "skipped"
    return step(outcomes, "contractctl check")


def test_action_args_keep_a_quoted_reason_in_one_piece(tmp_path: Path, registry_double_factory: Any) -> None:
    gate = run_action(
        tmp_path,
        registry_double_factory,
        BREAKING,
        registries="aws azure",
        args='--allow-breaking orders-value --reason "planned v2 migration"',
    )
    assert gate.code == 0, gate.output
    assert "planned v2 migration" in gate.stdout and "registry azure" in gate.stdout


def test_action_reason_input_and_paths(tmp_path: Path, registry_double_factory: Any) -> None:
    gate = run_action(
        tmp_path,
        registry_double_factory,
        BREAKING,
        args="--allow-breaking orders-value",
        reason="ORD-9: consumers on v2, $HOME stays text",
        paths=CONTRACT,
        format="text",
    )
    assert gate.code == 0, gate.output
    assert "ORD-9: consumers on v2, $HOME stays text" in gate.stdout


def test_action_without_inputs_fails_a_break_against_the_pull_request_base(
    tmp_path: Path, registry_double_factory: Any
) -> None:
    gate = run_action(tmp_path, registry_double_factory, BREAKING)
    assert gate.code == 1, gate.output
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in gate.stdout


def test_action_refuses_args_with_an_unbalanced_quote(tmp_path: Path, registry_double_factory: Any) -> None:
    gate = run_action(tmp_path, registry_double_factory, COMPATIBLE, args='--reason "unfinished')
    assert gate.code == 2, gate.output
    assert "input args" in gate.stderr and "quotation" in gate.stderr


def test_release_workflow_promotes_to_parity(tmp_path: Path, registry_double_factory: Any) -> None:
    aws, azure, secrets = registries(registry_double_factory)
    origin = origin_with_v1(tmp_path, secrets, published_to=())  # the release job publishes everything
    origin.write(CONTRACT, COMPATIBLE)
    origin.commit("v2")
    runner = Runner(origin.root, tmp_path / "runner", {"ref": "refs/heads/main"}, secrets)
    steps, env = workflow_job(".github/workflows/contracts-release.yml")
    promote = step(runner.run_steps(steps, env), "Promote AWS -> Azure")
    assert promote.code == 0, promote.output
    in_aws = [(v.version, v.id) for v in aws.store.versions_of("orders-value")]
    assert len(in_aws) == 2 and [(v.version, v.id) for v in azure.store.versions_of("orders-value")] == in_aws
