"""The installed CLI in a real git repository: commit on main, branch, change, run `check`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GitRepo, record

ORDER_V1 = record(
    "OrderPlaced",
    [
        {"name": "order_id", "type": "string"},
        {"name": "amount", "type": "long"},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}},
        {"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 16}},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
)


def with_fields(base: dict[str, Any], fields: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    return {**base, "fields": fields, **changes}


def start(repo: GitRepo, schema: dict[str, Any] = ORDER_V1, config: str | None = None) -> None:
    if config is not None:
        repo.write("contractctl.yaml", config)
    repo.write("contracts/orders/value.avsc", schema)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")


def finding_rules(result: Any) -> list[str]:
    return [f["rule"] for r in result.json()["results"] for f in r["findings"]]


def test_compatible_change_passes(repo: GitRepo) -> None:
    start(repo)
    fields = [*ORDER_V1["fields"], {"name": "channel", "type": "string", "default": "web"}]
    repo.write("contracts/orders/value.avsc", with_fields(ORDER_V1, fields))
    result = repo.run("check", "--format", "json")
    assert result.code == 0, result.output
    data = result.json()
    assert data["passed"] is True
    assert [(r["subject"], r["verdict"]) for r in data["results"]] == [("orders-value", "compatible")]


def test_unchanged_repository_checks_nothing(repo: GitRepo) -> None:
    start(repo)
    result = repo.run("check", "--format", "json")
    assert result.code == 0
    assert result.json()["results"] == []


BREAKS = [
    pytest.param(
        [*ORDER_V1["fields"], {"name": "channel", "type": "string"}],
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        "/fields/5",
        id="new-field-without-default",
    ),
    pytest.param(
        [{"name": "order_id", "type": "int"}, *ORDER_V1["fields"][1:]],
        "TYPE_MISMATCH",
        "/fields/0/type",
        id="string-to-int",
    ),
    pytest.param(
        [
            *ORDER_V1["fields"][:2],
            {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW"]}},
            *ORDER_V1["fields"][3:],
        ],
        "MISSING_ENUM_SYMBOLS",
        "/fields/2/type/symbols",
        id="enum-symbol-removed",
    ),
    pytest.param(
        [
            *ORDER_V1["fields"][:3],
            {"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 32}},
            ORDER_V1["fields"][4],
        ],
        "FIXED_SIZE_MISMATCH",
        "/fields/3/type/size",
        id="fixed-size",
    ),
    pytest.param(  # writer union, reader not a union: each writer branch reports its own type
        [*ORDER_V1["fields"][:4], {"name": "note", "type": "string", "default": ""}],
        "TYPE_MISMATCH",
        "/fields/4/type",
        id="union-to-single-type",
    ),
    pytest.param(
        [*ORDER_V1["fields"][:4], {"name": "note", "type": ["null"], "default": None}],
        "MISSING_UNION_BRANCH",
        "/fields/4/type",
        id="union-branch-removed",
    ),
]


@pytest.mark.parametrize(("fields", "rule", "pointer"), BREAKS)
def test_each_breaking_kind_fails_with_rule_and_line(
    repo: GitRepo, fields: list[dict[str, Any]], rule: str, pointer: str
) -> None:
    start(repo, config="version: 1\ndefaults: {compatibility: BACKWARD}\n")
    path = repo.write("contracts/orders/value.avsc", with_fields(ORDER_V1, fields))
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    findings = [f for r in result.json()["results"] for f in r["findings"]]
    match = [f for f in findings if f["rule"] == rule]
    assert match, findings
    finding = match[0]
    assert finding["pointer"].startswith(pointer)
    assert finding["file"] == "contracts/orders/value.avsc"
    assert finding["hint"]
    # the reported line really holds the element the pointer names
    lines = path.read_text().splitlines()
    element = pointer.split("/")[2]
    field_name = fields[int(element)]["name"]
    assert any(f'"{field_name}"' in lines[n] for n in range(max(0, finding["line"] - 9), finding["line"] + 1))


def test_record_rename_is_name_mismatch(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/orders/value.avsc", {**ORDER_V1, "name": "OrderCreated"})
    result = repo.run("check", "--format", "json")
    assert result.code == 1
    assert "NAME_MISMATCH" in finding_rules(result)


def test_namespace_move_is_compatible(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/orders/value.avsc", {**ORDER_V1, "namespace": "com.acme.sales"})
    result = repo.run("check")
    assert result.code == 0, result.output


def test_text_output_names_file_line_rule_subject_and_hint(repo: GitRepo) -> None:
    start(repo)
    fields = [*ORDER_V1["fields"], {"name": "channel", "type": "string"}]
    repo.write("contracts/orders/value.avsc", with_fields(ORDER_V1, fields))
    result = repo.run("check")
    assert result.code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("contracts/orders/value.avsc:")
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in first and "[orders-value]" in first
    assert "hint: " in result.stdout
    assert result.stdout.splitlines()[-1].startswith("failed: 1 subject checked")


def test_transitive_only_break(repo: GitRepo) -> None:
    v1 = record("Customer", [{"name": "id", "type": "string"}])
    v2 = record(
        "Customer", [{"name": "id", "type": "string"}, {"name": "tier", "type": "string", "default": "std"}]
    )
    v3 = record("Customer", [{"name": "id", "type": "string"}, {"name": "tier", "type": "string"}])
    for level, expected in (("BACKWARD", 0), ("BACKWARD_TRANSITIVE", 1)):
        target = repo.root / level
        sub = GitRepo(target)
        sub.write("contractctl.yaml", f"version: 1\ndefaults: {{compatibility: {level}}}\n")
        sub.write("contracts/customers/value.avsc", v1)
        sub.commit("v1")
        sub.write("contracts/customers/value.avsc", v2)
        sub.commit("v2")
        sub.git("checkout", "-q", "-b", "feature")
        sub.write("contracts/customers/value.avsc", v3)
        result = sub.run("check", "--format", "json")
        assert result.code == expected, (level, result.output)
        if expected:
            finding = result.json()["results"][0]["findings"][0]
            assert finding["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
            assert finding["compared_with"].startswith("version 1 ")


def test_forward_level_swaps_roles(repo: GitRepo) -> None:
    start(repo, config="version: 1\ndefaults: {compatibility: FORWARD}\n")
    # removing a field without default: backward fine, forward breaks (old reader needs it)
    repo.write(
        "contracts/orders/value.avsc", with_fields(ORDER_V1, [ORDER_V1["fields"][0], *ORDER_V1["fields"][2:]])
    )
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    finding = result.json()["results"][0]["findings"][0]
    assert finding["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert finding["direction"] == "forward"


def test_moved_file_keeps_history(repo: GitRepo) -> None:
    start(repo)
    repo.git("checkout", "-q", "main")
    (repo.root / "contracts/sales").mkdir()
    repo.git("mv", "contracts/orders", "contracts/sales/orders")
    repo.commit("move orders under sales")
    repo.git("checkout", "-q", "-B", "feature")
    result = repo.run("check", "--format", "json")
    assert result.code == 0 and result.json()["results"] == [], result.output
    fields = [*ORDER_V1["fields"], {"name": "channel", "type": "string"}]
    repo.write("contracts/sales/orders/value.avsc", with_fields(ORDER_V1, fields))
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    assert result.json()["results"][0]["subject"] == "orders-value"


def test_new_subject_is_compatible(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/shipments/value.avsc", record("ShipmentSent", [{"name": "id", "type": "string"}]))
    result = repo.run("check", "--format", "json")
    assert result.code == 0
    assert [(r["subject"], r["verdict"]) for r in result.json()["results"]] == [("shipments-value", "new")]


def test_staged_checks_the_index_not_the_working_tree(repo: GitRepo) -> None:
    start(repo)
    breaking = with_fields(ORDER_V1, [*ORDER_V1["fields"], {"name": "channel", "type": "string"}])
    compatible = with_fields(
        ORDER_V1, [*ORDER_V1["fields"], {"name": "channel", "type": "string", "default": ""}]
    )
    repo.write("contracts/orders/value.avsc", breaking)
    repo.git("add", "contracts/orders/value.avsc")
    repo.write("contracts/orders/value.avsc", compatible)
    assert repo.run("check").code == 0
    staged = repo.run("check", "--staged", "contracts/orders/value.avsc")
    assert staged.code == 1, staged.output
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in staged.stdout


def test_path_arguments_restrict_the_check(repo: GitRepo) -> None:
    start(repo)
    repo.write("contracts/orders/value.avsc", {**ORDER_V1, "name": "Renamed"})
    repo.write("contracts/shipments/value.avsc", record("ShipmentSent", [{"name": "id", "type": "string"}]))
    result = repo.run("check", "contracts/shipments", "--format", "json")
    assert result.code == 0
    assert [r["subject"] for r in result.json()["results"]] == ["shipments-value"]


def test_reference_change_checks_dependents(repo: GitRepo) -> None:
    money = record(
        "Money",
        [{"name": "amount", "type": "long"}, {"name": "currency", "type": "string"}],
        "com.acme.common",
    )
    order = record(
        "OrderPlaced", [{"name": "id", "type": "string"}, {"name": "total", "type": "com.acme.common.Money"}]
    )
    repo.write("contracts/common/money.avsc", money)
    repo.write("contracts/orders/value.avsc", order)
    repo.commit("v1")
    repo.git("checkout", "-q", "-b", "feature")
    changed = {**money, "fields": [*money["fields"], {"name": "scale", "type": "int"}]}
    repo.write("contracts/common/money.avsc", changed)
    result = repo.run("check", "--format", "json")
    assert result.code == 1, result.output
    subjects = {r["subject"]: r["verdict"] for r in result.json()["results"]}
    assert subjects == {"com.acme.common.Money": "incompatible", "orders-value": "incompatible"}


def test_all_audits_unchanged_contracts(repo: GitRepo) -> None:
    start(repo)
    result = repo.run("check", "--all", "--format", "json")
    assert result.code == 0
    assert [(r["subject"], r["verdict"]) for r in result.json()["results"]] == [("orders-value", "unchanged")]
    # a break that reached main without the gate is found by the audit
    repo.git("checkout", "-q", "main")
    repo.write("contracts/orders/value.avsc", {**ORDER_V1, "name": "Renamed"})
    repo.commit("unchecked break")
    assert repo.run("check").code == 0  # nothing changed against main itself
    audit = repo.run("check", "--all", "--format", "json")
    assert audit.code == 1
    assert finding_rules(audit) == ["NAME_MISMATCH"]


def test_against_unknown_ref_is_environment_failure(repo: GitRepo) -> None:
    start(repo)
    result = repo.run("check", "--against", "origin/nope")
    assert result.code == 3
    assert "unknown git ref 'origin/nope'" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_ref_suggests_a_fetch_only_of_a_name_a_remote_can_hold(repo: GitRepo) -> None:
    start(repo)
    past_the_root = repo.run("check", "--against", "HEAD~5")
    assert past_the_root.code == 3
    assert (
        "unknown git ref 'HEAD~5': HEAD's history holds no such commit: it has 1 commit"
        in past_the_root.stderr
    )
    no_remote = repo.run("check", "--against", "origin/nope")
    assert no_remote.code == 3
    assert "this repository has no remote to fetch from" in no_remote.stderr
    assert "git fetch" not in past_the_root.stderr + no_remote.stderr
    repo.git("remote", "add", "upstream", str(repo.root))
    assert (
        "`git fetch upstream nope` (remotes here: upstream)" in repo.run("check", "--against", "nope").stderr
    )
    assert "`git fetch upstream nope`" in repo.run("check", "--against", "upstream/nope").stderr


def test_a_missing_base_branch_suggests_a_fetch_only_from_a_remote_that_exists(repo: GitRepo) -> None:
    """The base branch named in contractctl.yaml is nowhere: `check` and `changelog` said "git fetch
    origin trunk" also in a repository without `origin`."""
    start(repo, config="version: 1\ncontracts: {root: contracts, base_branch: trunk}\n")
    for command in (("check",), ("changelog",)):
        alone = repo.run(*command)
        assert alone.code == 3, alone.output
        assert "base branch 'trunk' not found" in alone.stderr, alone.stderr
        assert "this repository has no remote to fetch from" in alone.stderr, alone.stderr
        assert "git fetch" not in alone.stderr, alone.stderr
    repo.git("remote", "add", "upstream", str(repo.root))
    for command in (("check",), ("changelog",)):
        assert "`git fetch upstream trunk` (remotes here: upstream)" in repo.run(*command).stderr


def test_outside_git_is_environment_failure(tmp_path: Any) -> None:
    from tests.conftest import run_cli

    (tmp_path / "contracts").mkdir()
    result = run_cli("check", cwd=tmp_path)
    assert result.code == 3
    assert "not inside a git repository" in result.stderr


def test_missing_base_branch_says_how_to_fix(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "-b", "trunk")
    repo.write("contracts/orders/value.avsc", ORDER_V1)
    repo.commit("v1")
    result = repo.run("check")
    assert result.code == 3
    assert "--against" in result.stderr


def test_shallow_clone_explains_fetch_depth(repo: GitRepo, tmp_path: Any) -> None:
    start(repo)
    repo.git("checkout", "-q", "main")
    for n in range(3):
        repo.write("contracts/orders/value.avsc", {**ORDER_V1, "doc": f"v{n}"})
        repo.commit(f"doc {n}")
    clone = tmp_path / "clone"
    import subprocess

    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--no-local", f"file://{repo.root}", str(clone)], check=True
    )
    shallow = GitRepo.__new__(GitRepo)
    shallow.root = clone
    result = shallow.run("check", "--against", "HEAD~2")
    assert result.code == 3
    assert "shallow" in result.stderr and "fetch" in result.stderr
