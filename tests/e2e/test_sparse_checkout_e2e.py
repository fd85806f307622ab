"""A sparse checkout gives the verdicts of a full one (real CLI, real repositories, real git).

A sparse checkout leaves files out of the working tree while git takes them to hold their index
content. A check of the working tree read only the disk: every contract importing a file outside the
sparse cone was "Import ... was not found" (exit 2), and a commit editing such a file looked like its
removal. Now those files are read from the index, their sidecars and examples too, and searched for
dependents (git grep of the working tree skips them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GIT_ENV, GitRepo, run_cli

P3 = 'syntax = "proto3";\n'
ORDER = P3 + "package shop;\nmessage Order {\n  string id = 1;\n  int64 amount = 2;\n}\n"
PAID = P3 + 'package pay;\nimport "shared/order.proto";\nmessage Paid {\n  shop.Order order = 1;\n}\n'
SIDECAR = "owner: team-shop\ntags: {no_such_field: [PII]}\n"  # an error a full checkout reports


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def _verdicts(cwd: Path, *args: str) -> tuple[int, list[tuple[str, str]], list[tuple[str, str]]]:
    result = run_cli("check", *args, "--format", "json", cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout, (args, result.stderr)
    document: dict[str, Any] = result.json()
    verdicts = sorted((r["subject"], r["verdict"]) for r in document["results"])
    rules = sorted((f["rule"], f.get("subject") or "") for r in document["results"] for f in r["findings"])
    return result.code, verdicts, rules


@pytest.fixture
def clones(repo: GitRepo, tmp_path: Path) -> tuple[Path, Path]:
    """(a full clone, a sparse clone whose cone holds contracts/pay only) of a two-contract repo."""
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("contracts/shared/order.proto", ORDER)
    repo.write("contracts/shared/order.contract.yaml", SIDECAR)
    repo.write("contracts/pay/value.proto", PAID)
    repo.commit("v1")
    repo.write("contracts/shared/order.proto", ORDER.replace("int64 amount = 2;", "string amount = 2;"))
    repo.commit("break the shared type")
    full, sparse = tmp_path / "full", tmp_path / "sparse"
    _git(tmp_path, "clone", "-q", str(repo.root), str(full))
    _git(tmp_path, "clone", "-q", "--no-checkout", str(repo.root), str(sparse))
    _git(sparse, "sparse-checkout", "set", "--no-cone", "/contracts/pay/", "/contractctl.yaml")
    _git(sparse, "checkout", "-q", "main")
    assert not (sparse / "contracts/shared").exists()
    return full, sparse


def test_a_sparse_checkout_answers_as_a_full_one(clones: tuple[Path, Path]) -> None:
    full, sparse = clones
    for args in (["--against", "HEAD~1"], ["--all"], ["--against", "HEAD~1", "--staged"]):
        expected = _verdicts(full, *args)
        assert expected[0] != 0 and ("CONTRACT_TAG_UNKNOWN_FIELD", "shared/order.proto") in expected[2], (
            args,
            expected,
        )
        assert _verdicts(sparse, *args) == expected, args


def test_an_edit_inside_the_cone_is_checked_against_what_lies_outside_it(clones: tuple[Path, Path]) -> None:
    full, sparse = clones
    for clone in (full, sparse):
        target = clone / "contracts/pay/value.proto"
        target.write_text(PAID.replace("}\n", "  string note = 2;\n}\n"))
    expected = _verdicts(full)
    # its last version was written with the shared type before its break: the break shows through
    assert expected[:2] == (1, [("pay-value", "incompatible")])
    assert ("FIELD_NAMED_TYPE_CHANGED", "pay-value") in expected[2]
    assert _verdicts(sparse) == expected
    shutil.rmtree(full)
