"""contractctl.yaml is looked for up to the top of the repository, never above it (round 15: a stray
file in a parent folder, as a home folder or a CI workspace may hold, took over every check below it)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import GitRepo, record


def _repo_under_a_stray_config(tmp_path: Path) -> GitRepo:
    (tmp_path / "contractctl.yaml").write_text(
        "version: 1\ncontracts: {root: '.', base_branch: master}\n"
        "registries: {aws: {url: 'https://registry.example.invalid'}}\n"
    )
    repo = GitRepo(tmp_path / "repo")
    repo.write("contracts/orders/value.avsc", json.dumps(record("Order", [{"name": "id", "type": "string"}])))
    repo.commit("orders")
    return repo


def test_a_config_above_the_repository_is_not_read(tmp_path: Path) -> None:
    repo = _repo_under_a_stray_config(tmp_path)
    done = repo.run("check", "--all", "--format", "json")
    assert done.code == 0, done.output
    assert [r["subject"] for r in done.json()["results"]] == ["orders-value"]  # the defaults' naming


def test_a_subfolder_still_finds_the_repository_config(tmp_path: Path) -> None:
    repo = _repo_under_a_stray_config(tmp_path)
    repo.write(
        "contractctl.yaml", "version: 1\ncontracts: {root: contracts}\ndefaults: {subject_strategy: record}\n"
    )
    repo.commit("config")
    done = GitRepo(repo.root).run("check", "--all", "--format", "json")
    assert [r["subject"] for r in done.json()["results"]] == ["com.acme.Order"]


def test_named_with_config_it_is_read(tmp_path: Path) -> None:
    """Named with --config, a file in no repository applies to the working directory's (round 22)."""
    repo = _repo_under_a_stray_config(tmp_path)
    done = repo.run("check", "--config", str(tmp_path / "contractctl.yaml"), "--all")
    assert done.code == 3 and "base branch 'master' not found" in done.output, done.output  # its base
    done = repo.run("check", "--config", str(tmp_path / "contractctl.yaml"), "--all", "--against", "HEAD")
    assert done.code == 0 and "orders-value" in done.output, done.output
