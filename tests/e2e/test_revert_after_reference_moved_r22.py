"""A contract written back to an earlier version's text is that version only while what it
references is as it was then: Schema Registry finds an existing version by its text and its
references' versions (its lookup before registering), so after an import got a new version the old
text is a new version, compared with the latest.

An audit of temporalio/api (88780bce) and milvus-proto (3da60e4c): such reverts passed the PR check
and the pre-commit hook as "0 subjects checked", while `check --all` found MESSAGE_REMOVED.
"""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo
from tests.e2e.check_modes import change_modes

CONFIG = 'version: 1\ncontracts: {root: ".", formats: [protobuf]}\ndefaults: {compatibility: BACKWARD}\n'
A1 = 'syntax = "proto3";\npackage p;\nenum E { E_UNSPECIFIED = 0; }\n'
A2 = 'syntax = "proto3";\npackage p;\nenum E { E_UNSPECIFIED = 0; E_B = 1; }\n'
M1 = 'syntax = "proto3";\npackage p;\nimport "a.proto";\nmessage M { E e = 1; }\n'
M2 = M1 + "message N { int32 x = 1; }\n"


@pytest.mark.parametrize("reference_moved", [True, False])
def test_a_revert_is_a_new_version_once_its_references_moved_on(repo: GitRepo, reference_moved: bool) -> None:
    repo.write("contractctl.yaml", CONFIG)
    repo.write("a.proto", A1)
    repo.write("m.proto", M1)
    repo.commit("a v1, m v1")
    if reference_moved:
        repo.write("a.proto", A2)
        repo.commit("a v2")
    repo.write("m.proto", M2)
    repo.commit("m v2 adds N")
    repo.write("m.proto", M1)  # written back: version 1's text
    for mode, (code, results) in change_modes(repo).items():
        if reference_moved:  # (M1, a v2) is a state no commit had: a new version, N removed
            assert code == 1, (mode, results)
            rules = [f["rule"] for f in results["m.proto"]["findings"]]
            assert rules == ["MESSAGE_REMOVED"], (mode, results)
        else:  # (M1, a v1) is version 1: the registry answers with its ID, nothing to compare
            assert code == 0 and "m.proto" not in results, (mode, results)
    repo.commit("the revert")
    audit = repo.run("check", "--all", "--format", "json")
    verdicts = {r["subject"]: r["verdict"] for r in audit.json()["results"]}
    assert verdicts["m.proto"] == ("incompatible" if reference_moved else "unchanged"), audit.output


def test_a_version_compiled_with_an_import_its_commit_lacked_says_so(repo: GitRepo) -> None:
    """Version 1 imports a.proto, which came into the repository only later (temporalio/api took
    google/api from buf's registry before vendoring it): it is compared as compiled with today's
    file, a guess the finding must state (an audit took the break found against it for wrong)."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write("m.proto", 'syntax = "proto3";\npackage p;\nimport "a.proto";\nmessage M { A a = 1; }\n')
    repo.commit("m v1, its import elsewhere")
    repo.write("a.proto", 'syntax = "proto3";\npackage p;\nmessage A { int32 x = 1; }\n')
    repo.commit("a vendored")
    repo.write("m.proto", 'syntax = "proto3";\npackage p;\nmessage M { int32 a = 1; }\n')
    result = repo.run("check", "--format", "json")
    results = {r["subject"]: r for r in result.json()["results"]}
    rules = sorted(f["rule"] for f in results["m.proto"]["findings"])
    assert result.code == 1 and rules == ["FIELD_KIND_CHANGED", "HISTORY_REFERENCE_GUESSED"], result.output


def test_a_touched_contract_that_makes_no_version_says_why_nothing_was_compared(repo: GitRepo) -> None:
    """An audit found "passed: 0 subjects checked" with no reason the edit was not compared."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write("a.proto", A1)
    repo.commit("a v1")
    repo.write("a.proto", A1.replace("package p;", "package p;\n// the states of an order"))
    result = repo.run("check", "--format", "json")
    report = result.json()
    assert result.code == 0 and report["results"] == [], result.output
    (note,) = report["findings"]
    assert (note["rule"], note["severity"], note["file"]) == ("NO_NEW_VERSION", "info", "a.proto")
    assert note["message"].startswith("the schema is the same as version 1 ("), note


def test_a_revert_with_a_new_sidecar_is_a_new_version(repo: GitRepo) -> None:
    """Written back with version 1's text and a sidecar the base did not have (new metadata), the
    contract is compared with the latest: the sidecar edit alone makes it checked."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write("a.proto", A1)
    repo.write("m.proto", M1)
    repo.commit("v1")
    repo.write("m.proto", M2)
    repo.commit("m v2 adds N")
    repo.write("m.proto", M1)
    repo.write("m.contract.yaml", "owner: team-a\n")
    result = repo.run("check", "--format", "json")
    results = {r["subject"]: r for r in result.json()["results"]}
    assert result.code == 1, result.output
    assert [f["rule"] for f in results["m.proto"]["findings"]] == ["MESSAGE_REMOVED"], results
