"""Files in hidden folders below the contracts root are no contracts, the same way in every mode.

An audit of istio/api (root "."): the working tree's walk skipped `.devcontainer/`, git's listings
did not, so `check --against` said ".devcontainer/devcontainer.json was deleted" (SUBJECT_REMOVED)
for a file that was there and edited; in a repro, --staged found a type change that the working
tree's check reported as a removal, whose --allow-breaking hint then passed the break.
"""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo

CONFIG = "version: 1\ncontracts: {root: contracts}\ndefaults: {subject_strategy: record}\n"
DRAFT = 'syntax = "proto3";\npackage acme.staging.v1;\nmessage Draft {\n  string id = 1;\n}\n'
ORDER = 'syntax = "proto3";\npackage acme.orders.v1;\nmessage Order {\n  string id = 1;\n}\n'


@pytest.mark.parametrize("args", [(), ("--against", "HEAD"), ("--staged",), ("--all",)])
def test_an_edit_in_a_hidden_folder_is_skipped_with_a_warning_in_every_mode(
    repo: GitRepo, args: tuple[str, ...]
) -> None:
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/.staging/draft.proto", DRAFT)
    repo.write("contracts/orders/order.proto", ORDER)
    repo.commit("v1")
    repo.write("contracts/.staging/draft.proto", DRAFT.replace("string id", "int64 id"))
    repo.git("add", "-A")
    result = repo.run("check", *args, "--format", "json")
    assert result.code == 0, result.output
    report = result.json()
    assert [r["subject"] for r in report["results"]] == (
        ["acme.orders.v1.Order"] if args == ("--all",) else []
    )
    rules = [(f["rule"], f["file"]) for f in report["findings"]]
    if args != ("--all",):  # a change names what it touched
        assert rules == [("PATH_SKIPPED", "contracts/.staging/draft.proto")]
    assert "SUBJECT_REMOVED" not in result.stdout


def test_a_hidden_folder_excluded_on_purpose_is_not_warned_about(repo: GitRepo) -> None:
    repo.write(
        "contractctl.yaml", CONFIG.replace("root: contracts", 'root: contracts, exclude: ["**/.staging/**"]')
    )
    repo.write("contracts/.staging/draft.proto", DRAFT)
    repo.write("contracts/orders/order.proto", ORDER)
    repo.commit("v1")
    repo.write("contracts/.staging/draft.proto", DRAFT.replace("string id", "int64 id"))
    result = repo.run("check", "--format", "json")
    assert (result.code, result.json()["findings"], result.json()["results"]) == (0, [], [])
