"""One subject's result from the three ways of checking a change: a check of a change must give a
subject the verdict and findings `check --all` gives it."""

from __future__ import annotations

from typing import Any

from tests.conftest import GitRepo


def three_ways(repo: GitRepo, subject: str) -> dict[str, tuple[dict[str, Any], int]]:
    """(the subject's result, the exit code) of `check --all`, `check --against HEAD` and
    `check --staged`, the change being in the working tree (and, for --staged, in the index)."""
    found: dict[str, tuple[dict[str, Any], int]] = {}
    for name, args in (("all", ("--all",)), ("against", ("--against", "HEAD")), ("staged", ("--staged",))):
        if name == "staged":
            repo.git("add", "-A")
        result = repo.run("check", *args, "--format", "json")
        assert "Traceback" not in result.output, result.output
        results = {r["subject"]: r for r in result.json()["results"]}
        assert subject in results, (name, result.output)
        found[name] = (results[subject], result.code)
    return found


def change_modes(repo: GitRepo) -> dict[str, tuple[int, dict[str, dict[str, Any]]]]:
    """(exit code, subject -> result) of a change checked as the working tree (`check`), against
    HEAD (`check --against HEAD`) and staged (`check --staged`, after `git add -A`)."""
    found: dict[str, tuple[int, dict[str, dict[str, Any]]]] = {}
    for name, args in (("tree", ()), ("against", ("--against", "HEAD")), ("staged", ("--staged",))):
        if name == "staged":
            repo.git("add", "-A")
        result = repo.run("check", *args, "--format", "json")
        assert "Traceback" not in result.output, result.output
        found[name] = (result.code, {r["subject"]: r for r in result.json()["results"]})
    return found
