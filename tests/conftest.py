"""Shared fixtures: a real temporary git repository and the installed CLI run as a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.invalid",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def contractctl_command() -> list[str]:
    """The installed console script next to this interpreter, as a user would run it."""
    script = Path(sys.executable).with_name("contractctl")
    if script.exists():
        return [str(script)]
    found = shutil.which("contractctl")
    return [found] if found else [sys.executable, "-m", "contractctl"]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def cli_env(cwd: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the CLI runs in: no GitHub variables but those given, git identity, no colour."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    full_env.update(GIT_ENV)
    full_env["HOME"] = str(cwd)
    full_env["NO_COLOR"] = "1"
    full_env.update(env or {})
    return full_env


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    full_env = cli_env(cwd, env)
    completed = subprocess.run(
        [*contractctl_command(), *args], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=120
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


class GitRepo:
    """A throwaway repository on branch main, driven through the real git."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env = {**os.environ, **GIT_ENV, "HOME": str(self.root)}
        completed = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, env=env, check=True
        )
        return completed.stdout

    def write(self, relative: str, content: str | bytes | dict[str, Any]) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            content = json.dumps(content, indent=2) + "\n"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def link(self, relative: str, name: str) -> Path:
        """A symbolic link at `relative` leading to `name` (replacing one already there)."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            path.unlink()
        os.symlink(name, path)
        return path

    def commit(self, message: str = "change", *paths: str) -> str:
        self.git("add", "-A", *paths)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return run_cli(*args, cwd=self.root, env=env)


@pytest.fixture(scope="session", autouse=True)
def compiled_package() -> None:
    """The CLI runs as a subprocess in thousands of tests, each importing the package anew. Where
    PYTHONDONTWRITEBYTECODE is set (as on the machines this project is built on), no import keeps
    what it compiles, so every run compiled every module again: about 0.1 s a run, 170 s of a
    10-minute suite. Compiled once here (a read-only install is left as it is)."""
    import compileall

    import contractctl

    compileall.compile_dir(str(Path(contractctl.__file__).parent), quiet=2)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[GitRepo]:
    yield GitRepo(tmp_path / "repo")


def record(name: str, fields: list[dict[str, Any]], namespace: str = "com.acme") -> dict[str, Any]:
    return {"type": "record", "name": name, "namespace": namespace, "fields": fields}


def place(repo: GitRepo, corpus_file: Path, target: str) -> None:
    """Copy a file of a bad-input corpus into the repository."""
    path = repo.root / target
    path.parent.mkdir(parents=True)
    shutil.copyfile(corpus_file, path)


def assert_bad_input(repo: GitRepo, target: str, expected: dict[str, Any]) -> dict[str, Any]:
    """`check` on a repository holding a broken `target`: exit 2, no traceback, and a finding with the
    expected rule at the expected line of `target`. Returns that finding."""
    result = repo.run("check", "--format", "json")
    assert result.code == 2, result.output
    assert "Traceback" not in result.output
    data = result.json()
    findings = data["findings"] + [f for r in data["results"] for f in r["findings"]]
    match = [f for f in findings if f["rule"] == expected["rule"]]
    assert match, findings
    assert match[0]["file"] == target
    assert match[0]["line"] == expected["line"]
    return dict(match[0])
