"""A sidecar that is a symbolic link: read as the file it leads to in the working tree, the index and
the history alike, and never read when it leads out of the repository (real CLI, real repository).

Before: the working tree read it through, the index and the history as the name it leads to. With a
compatibility group in it, the history's "sidecar" had no group, so the group seemed to change and the
earlier version was not compared: a wire-incompatible edit passed the pull-request check (exit 0),
and the pre-commit gate failed for another reason ("the sidecar must be a mapping", exit 2). A
sidecar linked out of the repository (to ~/.netrc, say) was read and its YAML errors quoted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GitRepo

ORDER = 'syntax = "proto3";\npackage shop;\nmessage Order {\n  string id = 1;\n  int64 amount = 2;\n}\n'
BROKEN = ORDER.replace("int64 amount = 2;", "string amount = 2;")  # crosses wire groups
META = """owner: team-orders
properties: {major_version: "1"}
rules:
  migration:
    - {name: up, kind: TRANSFORM, mode: UPGRADE, type: JSONATA, expr: "$"}
    - {name: down, kind: TRANSFORM, mode: DOWNGRADE, type: JSONATA, expr: "$"}
"""
SIDECAR = "contracts/orders/value.contract.yaml"


@pytest.fixture
def grouped(repo: GitRepo) -> GitRepo:
    """A contract whose sidecar, a link to meta/orders.yaml, puts it in compatibility group 1."""
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility_group: major_version}\n")
    repo.write("contracts/orders/value.proto", ORDER)
    repo.write("meta/orders.yaml", META)
    repo.link(SIDECAR, "../../meta/orders.yaml")
    repo.commit("v1")
    return repo


def _check(repo: GitRepo, *args: str) -> tuple[int, dict[str, str], list[str], str]:
    result = repo.run("check", *args, "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    rules = sorted(
        f["rule"]
        for f in [*document.get("findings", []), *(f for r in document["results"] for f in r["findings"])]
    )
    return result.code, {r["subject"]: r["verdict"] for r in document["results"]}, rules, result.output


def test_a_break_beside_a_linked_sidecar_fails_in_every_mode(grouped: GitRepo) -> None:
    grouped.write("contracts/orders/value.proto", BROKEN)
    expected = (1, {"orders-value": "incompatible"}, ["FIELD_SCALAR_KIND_CHANGED"])
    assert _check(grouped)[:3] == expected  # the pull-request check: it passed before
    grouped.git("add", "-A")
    assert _check(grouped, "--staged")[:3] == expected
    grouped.commit("break")
    assert _check(grouped, "--all")[:3] == expected
    assert _check(grouped, "--against", "HEAD~1")[:3] == expected


def test_an_edit_of_the_linked_sidecar_outside_the_root_is_checked(grouped: GitRepo) -> None:
    """The change touches only meta/orders.yaml: the contract beside the link is checked anyway."""
    grouped.write("meta/orders.yaml", META + "tags: {no_such_field: [PII]}\n")
    code, verdicts, rules, _ = _check(grouped)
    assert code != 0 and "orders-value" in verdicts
    assert any(rule.startswith("CONTRACT_") for rule in rules), rules


def test_a_sidecar_linked_out_of_the_repository_is_never_read(repo: GitRepo, tmp_path: Path) -> None:
    secret = tmp_path / "netrc"
    secret.write_text("machine example.com password SECRET-TOKEN-1234 [\n")  # not YAML either
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility_group: major_version}\n")
    repo.write("contracts/orders/value.proto", ORDER)
    repo.commit("v1")
    repo.link(SIDECAR, str(secret))
    for args in ([], ["--staged"]):
        if args:
            repo.git("add", "-A")
        code, verdicts, rules, output = _check(repo, *args)
        assert "SECRET-TOKEN" not in output, args
        assert "CONTRACT_SIDECAR_YAML" not in rules, args
        assert "PATH_SKIPPED" in rules, args
        assert code == 0, output
        assert verdicts.get("orders-value", "unchanged") in ("compatible", "unchanged"), (args, verdicts)
    # committed: its history (git's own link resolution, a sidecar's group read at each version)
    # does not leave the repository either
    repo.commit("linked out")
    repo.write("contracts/orders/value.proto", BROKEN)
    code, verdicts, rules, output = _check(repo, "--all")
    assert "SECRET-TOKEN" not in output
    assert (code, verdicts["orders-value"]) == (1, "incompatible"), output


def test_an_edit_of_the_file_a_sidecar_links_to_is_a_version(grouped: GitRepo) -> None:
    """A commit that only edits a sidecar makes a version (it registers new metadata): so does one
    that edits the file a linked sidecar leads to."""
    grouped.write("meta/orders.yaml", META.replace("team-orders", "team-checkout"))
    grouped.commit("new owner")
    grouped.write("contracts/orders/value.proto", BROKEN)
    grouped.commit("break")
    result = grouped.run("check", "--against", "HEAD~1", "--format", "json")
    findings = [f for r in json.loads(result.stdout)["results"] for f in r["findings"]]
    assert result.code == 1
    assert [f["compared_with"].split(" (")[0] for f in findings] == ["version 2"]
