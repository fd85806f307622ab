"""A change that writes a contract back to a schema it had before (a comment edited, a revert) makes no
new version to compare, but the text it wrote must still compile: an audit of opentelemetry-proto found
comment edits to a trace.proto protoc rejects (two fields numbered 16) passing with "0 subjects
checked", exit 0."""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo
from tests.e2e.check_modes import change_modes

CONFIG = "version: 1\ncontracts: {root: contracts}\ndefaults: {compatibility: BACKWARD}\n"
VALID = """syntax = "proto3";
package acme.v1;
message Order {
  // cents
  string id = 1;
  fixed32 flags = 16;
}
"""
DUPLICATE = VALID.replace("}\n", "  bool remote = 16;\n}\n")
PATH = "contracts/orders/value.proto"


@pytest.mark.parametrize("history", ["committed invalid", "a revert of a revert"])
def test_an_invalid_text_already_in_history_is_still_invalid(repo: GitRepo, history: str) -> None:
    repo.write("contractctl.yaml", CONFIG)
    if history == "committed invalid":
        repo.write(PATH, DUPLICATE)
        repo.commit("v1, invalid, before contractctl ran")
        repo.write(PATH, DUPLICATE.replace("// cents", "// cents, VAT included"))
    else:
        for text in (VALID, DUPLICATE, VALID):
            repo.write(PATH, text)
            repo.commit("a version")
        repo.write(PATH, DUPLICATE)
    for mode, (code, results) in change_modes(repo).items():
        assert code == 2, mode
        assert [(r["verdict"], [f["rule"] for f in r["findings"]]) for r in results.values()] == [
            ("invalid", ["PROTO_DUPLICATE"])
        ], mode


def test_a_comment_edit_of_a_valid_contract_is_not_audited_again(repo: GitRepo) -> None:
    """Its latest version broke the one before (allowed then): editing a comment is no new version,
    so nothing is compared, and the old break is not reported again."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write(PATH, VALID)
    repo.commit("v1")
    repo.write(PATH, VALID.replace("string id = 1", "int64 id = 1"))
    repo.commit("v2, a break allowed at the time")
    repo.write(PATH, VALID.replace("string id = 1", "int64 id = 1").replace("// cents", "// in cents"))
    for mode, (code, results) in change_modes(repo).items():
        assert (code, results) == (0, {}), mode
