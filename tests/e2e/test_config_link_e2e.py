"""contractctl.yaml that is a symbolic link: read when it stays inside the repository, refused (exit 2,
nothing read) when it leads out of it, through the real CLI in a real repository.

Before, a pull request could link contractctl.yaml to any file of the machine running the check, and
the config error quoted it: "SECRET-TOKEN-1234: unknown key".
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import GitRepo

ORDER = 'syntax = "proto3";\npackage shop;\nmessage Order { string id = 1; }\n'


def test_a_config_linked_out_of_the_repository_is_not_read(repo: GitRepo, tmp_path: Path) -> None:
    secret = tmp_path / "netrc"
    secret.write_text("version: 1\nSECRET-TOKEN-1234: x\n")
    repo.write("contracts/orders/value.proto", ORDER)
    os.symlink(secret, repo.root / "contractctl.yaml")
    result = repo.run("check", "--all")
    assert result.code == 2, result.output
    assert "SECRET-TOKEN" not in result.output
    assert "symlink leading outside the repository" in result.output
    assert "Traceback" not in result.output


def test_a_config_linked_inside_the_repository_is_read(repo: GitRepo) -> None:
    repo.write("settings/contractctl.yaml", "version: 1\ndefaults: {compatibility: NONE}\n")
    repo.write("contracts/orders/value.proto", ORDER)
    os.symlink("settings/contractctl.yaml", repo.root / "contractctl.yaml")
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0, result.output
    assert [r["level"] for r in result.json()["results"]] == ["NONE"]
