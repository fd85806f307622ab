"""A contract that is a symbolic link: the pre-commit gate (the index) answers as a check of the
working tree does (repo/index_links.py), through the real CLI in a real repository.

Before, the index's link was read as the contract's text: exit 2 ("Expected top-level statement")
where the working tree's check passed. A link inside the repository is read through (links of links
too); one leading out of the repository, nowhere or in a loop is skipped with a warning.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import GitRepo

P3 = 'syntax = "proto3";\npackage acme.orders;\n'
ORDER = P3 + "message Order { string id = 1; }\n"


@pytest.fixture
def linked(repo: GitRepo) -> GitRepo:
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("contracts/shared/order.proto", ORDER)
    repo.link("contracts/orders/value.proto", "../shared/order.proto")
    repo.link("contracts/refunds/value.proto", "../orders/value.proto")  # a link to a link
    repo.commit("linked")
    return repo


def _report(repo: GitRepo, *args: str) -> tuple[int, list[tuple[str, str]], list[tuple[str, str, str]]]:
    result = repo.run("check", *args, "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    verdicts = sorted((r["subject"], r["verdict"]) for r in document["results"])
    findings = sorted(
        (f["rule"], f["file"], f.get("subject") or "")
        for f in [*document.get("findings", []), *(f for r in document["results"] for f in r["findings"])]
    )
    return result.code, verdicts, findings


@pytest.mark.parametrize("scope", [["--all"], []], ids=["all", "change"])
def test_a_linked_contract_gets_the_same_answer_staged_as_in_the_working_tree(
    linked: GitRepo, scope: list[str]
) -> None:
    linked.write("contracts/shared/order.proto", ORDER.replace("}\n", "  int64 qty = 2;\n}\n"))
    linked.git("add", "-A")
    staged = _report(linked, *scope, "--staged")
    assert staged == _report(linked, *scope)
    code, verdicts, findings = staged
    assert code == 0 and ("shared/order.proto", "compatible") in verdicts
    if scope:  # every contract: the links are read through, as the files they lead to
        assert {"orders-value", "refunds-value"} <= {s for s, _ in verdicts}
        assert all(rule != "PROTO_SYNTAX" for rule, _, _ in findings)


def test_a_break_through_a_link_fails_staged_as_in_the_working_tree(linked: GitRepo) -> None:
    linked.write("contracts/shared/order.proto", ORDER.replace("string id = 1;", "int64 id = 1;"))
    linked.git("add", "-A")
    staged = _report(linked, "--all", "--staged")
    assert staged == _report(linked, "--all")
    code, verdicts, _ = staged
    assert code == 1 and ("shared/order.proto", "incompatible") in verdicts


def test_links_leading_out_nowhere_or_in_a_loop_are_skipped_staged_as_in_the_working_tree(
    linked: GitRepo, tmp_path: Any
) -> None:
    (tmp_path / "outside.proto").write_text(ORDER)
    linked.link("contracts/leak/value.proto", "../../../outside.proto")
    linked.link("contracts/gone/value.proto", "../nowhere/value.proto")
    linked.link("contracts/loop/value.proto", "../loop2/value.proto")
    linked.link("contracts/loop2/value.proto", "../loop/value.proto")
    linked.git("add", "-A")
    staged = _report(linked, "--all", "--staged")
    assert staged == _report(linked, "--all")
    code, verdicts, findings = staged
    skipped = {file for rule, file, _ in findings if rule == "PATH_SKIPPED"}
    assert skipped == {
        "contracts/leak/value.proto",
        "contracts/gone/value.proto",
        "contracts/loop/value.proto",
        "contracts/loop2/value.proto",
    }
    assert code == 0 and not {"leak-value", "gone-value", "loop-value"} & {s for s, _ in verdicts}


@pytest.mark.parametrize("excluded", [True, False], ids=["excluded", "not-excluded"])
def test_a_symlinked_directory_is_reported_alike_in_every_mode(repo: GitRepo, excluded: bool) -> None:
    exclude = ', exclude: ["contracts/shared/**"]' if excluded else ""
    repo.write("contractctl.yaml", f"version: 1\ncontracts: {{root: contracts{exclude}}}\n")
    repo.write("contracts/orders/value.proto", ORDER)
    repo.write("vendor/shared/common.proto", P3 + "message Common { string id = 1; }\n")
    repo.link("contracts/shared", "../vendor/shared")
    repo.commit("v1")
    repo.write("contracts/orders/value.proto", ORDER.replace("}\n", "  int64 qty = 2;\n}\n"))
    repo.git("add", "-A")
    reports = {mode: _report(repo, *mode) for mode in [(), ("--staged",), ("--against", "HEAD"), ("--all",)]}
    warnings = {
        mode: [f for f in findings if f[0] == "PATH_SKIPPED"] for mode, (_, _, findings) in reports.items()
    }
    expected = [] if excluded else [("PATH_SKIPPED", "contracts/shared", "")]
    assert warnings == dict.fromkeys(reports, expected)
