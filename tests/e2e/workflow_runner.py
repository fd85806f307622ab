"""Runs the `run:` steps of the shipped workflows and action.yml with bash, as a GitHub runner would.

The YAML is the one shipped (parsed, not copied into the test); `${{ ... }}` expressions are replaced
from the given context (github.event, secrets, inputs, ...) before a script runs, as GitHub does; the
runner's environment (GITHUB_EVENT_PATH, RUNNER_TEMP, GITHUB_BASE_REF, GITHUB_STEP_SUMMARY, ...) is
set up around a real git checkout. What cannot run here is skipped and recorded, never faked:
`uses:` steps (checkout, setup-python, SARIF upload: the test prepares the clone and the interpreter)
and the step installing contractctl with pip (the test's virtual environment has it installed).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import GIT_ENV

ROOT = Path(__file__).resolve().parents[2]
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
# GitHub's documented shells: no `shell:` on Linux is `bash -e {0}`; `shell: bash` adds pipefail
_SHELLS = {None: ["bash", "-e"], "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"]}


@dataclass
class StepOutcome:
    name: str
    status: str  # ran, skipped (uses/install), not run (an earlier step failed)
    code: int | None = None
    stdout: str = ""
    stderr: str = ""

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Runner:
    """One job: its steps run in order in `workspace`, sharing RUNNER_TEMP and the step summary."""

    workspace: Path
    temp: Path
    event: dict[str, Any]
    secrets: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    base_ref: str = ""
    action_path: Path = ROOT

    def environment(self) -> dict[str, str]:
        self.temp.mkdir(parents=True, exist_ok=True)
        event_path = self.temp / "event.json"
        event_path.write_text(json.dumps(self.event))
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_"))}
        return {
            **keep,
            **GIT_ENV,
            "HOME": str(self.temp),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_BASE_REF": self.base_ref,
            "GITHUB_STEP_SUMMARY": str(self.temp / "step-summary.md"),
            "GITHUB_OUTPUT": str(self.temp / "output"),
            "RUNNER_TEMP": str(self.temp),
            "NO_COLOR": "1",
            # the test's interpreter and its contractctl first, as setup-python + pip install leave them
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }

    def context(self) -> dict[str, Any]:
        return {
            "github": {"event": self.event, "base_ref": self.base_ref, "action_path": str(self.action_path)},
            "secrets": self.secrets,
            "inputs": self.inputs,
        }

    def expand(self, text: str) -> str:
        """Replace `${{ a.b.c }}` with the context's value ('' when absent, as GitHub does)."""

        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            if not re.fullmatch(r"[A-Za-z_][\w.-]*", expression):
                raise NotImplementedError(f"expression not supported by the test runner: {expression}")
            found: Any = self.context()
            for part in expression.split("."):
                found = found.get(part, "") if isinstance(found, dict) else ""
            return "" if found is None else str(found)

        return _EXPRESSION.sub(value, text)

    def run_steps(
        self, steps: list[dict[str, Any]], job_env: dict[str, str] | None = None
    ) -> list[StepOutcome]:
        outcomes: list[StepOutcome] = []
        failed = False
        base_env = {**self.environment(), **{k: self.expand(str(v)) for k, v in (job_env or {}).items()}}
        for index, step in enumerate(steps):
            name = step.get("name") or step.get("uses") or f"step {index + 1}"
            condition = str(step.get("if", "")).strip()
            if condition not in ("", "always()"):
                raise NotImplementedError(f"condition not supported by the test runner: {condition}")
            if failed and condition != "always()":
                outcomes.append(StepOutcome(name, "not run"))
                continue
            if "uses" in step or _installs_contractctl(step["run"]):
                outcomes.append(StepOutcome(name, "skipped"))
                continue
            script = self.temp / f"step-{index}.sh"
            script.write_text(self.expand(step["run"]))
            env = {**base_env, **{k: self.expand(str(v)) for k, v in step.get("env", {}).items()}}
            done = subprocess.run(
                [*_SHELLS[step.get("shell")], str(script)],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            outcomes.append(StepOutcome(name, "ran", done.returncode, done.stdout, done.stderr))
            if done.returncode != 0 and not step.get("continue-on-error", False):
                failed = True
        return outcomes


def _installs_contractctl(script: str) -> bool:
    return bool(
        re.fullmatch(
            r"python -m pip install (--quiet )?(\.|\"\$\{\{ github\.action_path \}\}\")", script.strip()
        )
    )


def workflow_job(relative: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The steps and environment of a shipped workflow's single job."""
    workflow = yaml.safe_load((ROOT / relative).read_text())
    [job] = workflow["jobs"].values()
    return job["steps"], {**workflow.get("env", {}), **job.get("env", {})}


def action_steps() -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The composite action's steps and its inputs' defaults."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    defaults = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    return action["runs"]["steps"], defaults


def step(outcomes: list[StepOutcome], name: str) -> StepOutcome:
    return next(o for o in outcomes if o.name == name)
