"""A check of a change reads what the change touches, not the rest of the tree (issue 17).

Proof by a contract the check must not read: one that no longer parses, committed long ago and
untouched. A check of an unrelated change passes without a word about it; the shared type's change
still reaches its dependent; `check --all`, which audits every contract, still reports it.
"""

from __future__ import annotations

import subprocess

from tests.conftest import GitRepo, record

MONEY = record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
ORDER = record("Order", [{"name": "total", "type": "com.acme.common.Money"}], "com.acme.orders")
OTHER = record("Other", [{"name": "id", "type": "string"}], "com.acme.other")


def _tree_with_a_broken_untouched_contract(repo: GitRepo) -> None:
    repo.write("contracts/common/money.avsc", MONEY)
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.write("contracts/other/value.avsc", OTHER)
    repo.write("contracts/legacy/value.avsc", '{"type": "record", "name": "Legacy", "fields": [\n')
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")


def test_a_change_never_reads_an_untouched_unrelated_contract(repo: GitRepo) -> None:
    _tree_with_a_broken_untouched_contract(repo)
    extra = {"name": "note", "type": ["null", "string"], "default": None}
    repo.write("contracts/other/value.avsc", {**OTHER, "fields": [*OTHER["fields"], extra]})
    for args in (["check"], ["check", "--staged"]):
        repo.git("add", "-A")
        result = repo.run(*args, "--format", "json")
        assert result.code == 0, result.output
        data = result.json()
        assert data["findings"] == []
        assert [(r["subject"], r["verdict"]) for r in data["results"]] == [("other-value", "compatible")]
    audit = repo.run("check", "--all", "--format", "json")
    assert audit.code == 2
    assert [f["file"] for f in audit.json()["findings"]] == ["contracts/legacy/value.avsc"]


def test_a_shared_type_change_still_reaches_its_dependents(repo: GitRepo) -> None:
    _tree_with_a_broken_untouched_contract(repo)
    repo.write("contracts/common/money.avsc", {**MONEY, "fields": [{"name": "cents", "type": "int"}]})
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    verdicts = {r["subject"]: r["verdict"] for r in result.json()["results"]}
    assert verdicts == {"com.acme.common.Money": "incompatible", "orders-value": "incompatible"}


def test_a_contract_named_in_another_case_keeps_its_history(repo: GitRepo) -> None:
    """`Value.avsc` is its topic's value contract (the name is read in any case); the history of a
    check of some subjects is read through git pathspecs, which are case-sensitive unless told."""
    repo.write("contracts/orders/Value.avsc", OTHER)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("contracts/orders/Value.avsc", {**OTHER, "fields": [{"name": "id", "type": "int"}]})
    for args in (["check"], ["check", "contracts/orders/Value.avsc"]):
        result = repo.run(*args, "--format", "json")
        assert result.code == 1, result.output
        assert [r["verdict"] for r in result.json()["results"]] == ["incompatible"]


def test_an_edit_git_diff_is_told_to_ignore_is_still_checked(repo: GitRepo) -> None:
    """A check of the working tree reads the files on disk: an edit to a file marked
    assume-unchanged (which `git diff` does not show) is a change all the same."""
    repo.write("contracts/orders/value.avsc", OTHER)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")
    repo.git("update-index", "--assume-unchanged", "contracts/orders/value.avsc")
    repo.write("contracts/orders/value.avsc", {**OTHER, "fields": [{"name": "id", "type": "int"}]})
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    assert [r["verdict"] for r in result.json()["results"]] == ["incompatible"]


def test_a_contract_inside_a_nested_repository_is_still_read(repo: GitRepo) -> None:
    """git lists a nested repository's folder, not its files; a check of the working tree reads
    every contract file on disk, so the broken one in there is still reported."""
    repo.write("contracts/other/value.avsc", OTHER)
    repo.commit("v1")
    nested = repo.root / "contracts" / "nested"
    nested.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=nested, check=True)
    repo.write("contracts/nested/x/value.avsc", '{"type": "record", "name": "N", "fields": [\n')
    result = repo.run("check", "--format", "json")
    assert result.code == 2, result.output
    assert [f["file"] for f in result.json()["findings"]] == ["contracts/nested/x/value.avsc"]


def test_a_named_contract_is_checked_when_what_it_references_changed(repo: GitRepo) -> None:
    """`check contracts/orders/value.avsc` while only the Money it references changed."""
    _tree_with_a_broken_untouched_contract(repo)
    repo.write("contracts/common/money.avsc", {**MONEY, "fields": [{"name": "cents", "type": "int"}]})
    result = repo.run("check", "contracts/orders/value.avsc", "--format", "json")
    assert result.code == 1, result.output
    assert [(r["subject"], r["verdict"]) for r in result.json()["results"]] == [
        ("orders-value", "incompatible")
    ]


def test_a_shared_type_keeps_the_versions_it_had_at_another_path(repo: GitRepo) -> None:
    """A check of a topic and a shared type named by its record reads two logs (the topic's files,
    and every file whose content names its subject) merged in commit order: the shared type's
    versions before a move, and a sidecar-only version, still count, warm cache or cold."""
    money = record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
    currency = {"name": "cur", "type": "string", "default": "EUR"}
    repo.write("contracts/common/money.avsc", money)
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.write("contracts/other/value.avsc", OTHER)
    repo.commit("v1")
    (repo.root / "contracts" / "shared").mkdir()
    repo.git("mv", "contracts/common/money.avsc", "contracts/shared/cash.avsc")
    repo.commit("moved")
    repo.write("contracts/shared/cash.avsc", {**money, "fields": [*money["fields"], currency]})
    repo.commit("v2")
    repo.write("contracts/shared/cash.contract.yaml", "owner: team-x\n")
    repo.commit("v3: metadata only")
    repo.write(
        "contracts/shared/cash.avsc", {**money, "fields": [{"name": "cents", "type": "int"}, currency]}
    )
    note = {"name": "n", "type": ["null", "string"], "default": None}
    repo.write("contracts/orders/value.avsc", {**ORDER, "fields": [*ORDER["fields"], note]})
    repo.git("add", "-A")
    for _ in range(2):
        result = repo.run("check", "--staged", "--format", "json")
        assert result.code == 1, result.output
        assert [(r["subject"], r["verdict"], r["compared_versions"]) for r in result.json()["results"]] == [
            ("orders-value", "incompatible", 1),
            ("com.acme.common.Money", "incompatible", 3),
        ]


def test_a_topic_no_pathspec_can_name_keeps_its_history_next_to_a_shared_type(repo: GitRepo) -> None:
    """A topic folder named with glob characters cannot be given a pathspec: its history and a
    shared type's come from the log of the whole root, as before the logs were split."""
    repo.write("contracts/common/money.avsc", MONEY)
    repo.write("contracts/or[d]ers/value.avsc", ORDER)
    repo.commit("v1")
    note = {"name": "n", "type": ["null", "string"], "default": None}
    repo.write("contracts/or[d]ers/value.avsc", {**ORDER, "fields": [*ORDER["fields"], note]})
    repo.commit("v2")
    repo.write("contracts/or[d]ers/value.avsc", {**ORDER, "fields": [{"name": "total", "type": "long"}]})
    repo.git("add", "-A")
    result = repo.run("check", "--staged", "--format", "json")
    assert result.code == 1, result.output
    assert [(r["subject"], r["verdict"], r["compared_versions"]) for r in result.json()["results"]] == [
        ("or[d]ers-value", "incompatible", 2)
    ]
