"""A contract whose references moved below it is compared as a producer built from the tree
registers it: every importer of a changed contract, directly or through others, up to the topic.

Confluent's Protobuf diff follows a field into a referenced type only when the two sides reference
other versions of it (FieldSchemaDiff.compareMessageTypes), and into a type of a reference's own
references always (Context.collectTypeInfo gives those no reference). The serializers register an
importer again with its references' new versions (auto.register.schemas), or look it up so and find
none. The check took an unchanged importer as its latest version whatever moved below it, so with
`m -> a -> b -> c` and `c` broken (under NONE) it failed `b` and passed `a` and the topic `m`, whose
producers write the new `c` all the same (an audit of temporalio/api). Real CLI, real repository.
"""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo
from tests.e2e.check_modes import change_modes

CONFIG = """version: 1
contracts: {root: contracts}
defaults: {compatibility: BACKWARD}
subjects:
  - {match: "contracts/common/c.proto", compatibility: NONE}
"""
C = 'syntax = "proto3";\npackage t;\nmessage C { string x = 1; }\n'
B = 'syntax = "proto3";\npackage t;\nimport "common/c.proto";\nmessage B { C c = 1; }\n'
A = 'syntax = "proto3";\npackage t;\nimport "common/b.proto";\nmessage A { B b = 1; }\n'
M = 'syntax = "proto3";\npackage t;\nimport "common/a.proto";\nmessage M { A a = 1; }\n'
IMPORTERS = ["common/b.proto", "common/a.proto", "orders-value"]


@pytest.fixture
def chain(repo: GitRepo) -> GitRepo:
    repo.write("contractctl.yaml", CONFIG)
    for path, text in (("common/c", C), ("common/b", B), ("common/a", A), ("orders/value", M)):
        repo.write(f"contracts/{path}.proto", text)
    repo.commit("m -> a -> b -> c")
    return repo


def test_a_break_below_fails_every_importer_up_to_the_topic(chain: GitRepo) -> None:
    chain.write("contracts/common/c.proto", C.replace("string x", "int32 x"))
    for mode, (code, results) in change_modes(chain).items():
        verdicts = {s: results[s]["verdict"] for s in IMPORTERS}
        assert code == 1 and set(verdicts.values()) == {"incompatible"}, (mode, verdicts)
        # the topic's finding names the break where it is, in c.proto
        where = {(f["rule"], f["file"]) for f in results["orders-value"]["findings"]}
        assert ("FIELD_SCALAR_KIND_CHANGED", "contracts/common/c.proto") in where, (mode, where)
    chain.commit("c breaks, let through")
    audit = chain.run("check", "--all", "--format", "json")
    verdicts = {r["subject"]: r["verdict"] for r in audit.json()["results"]}
    assert [verdicts[s] for s in IMPORTERS] == ["incompatible"] * 3, audit.output


def test_a_compatible_change_below_passes_every_importer(chain: GitRepo) -> None:
    chain.write("contracts/common/c.proto", C.replace("string x = 1;", "string x = 1; int32 y = 2;"))
    for mode, (code, results) in change_modes(chain).items():
        verdicts = [results[s]["verdict"] for s in IMPORTERS]
        assert (code, verdicts) == (0, ["compatible"] * 3), (mode, results)


def test_an_importer_touched_or_not_gets_one_verdict(chain: GitRepo) -> None:
    """Editing a comment in b (written again: a new version with c's new version) decided before
    whether a was compared below b; the verdict of a must not depend on it."""
    chain.write("contracts/common/c.proto", C.replace("string x", "int32 x"))
    plain = change_modes(chain)["tree"][1]["common/a.proto"]["verdict"]
    chain.write("contracts/common/b.proto", "// b\n" + B)
    touched = change_modes(chain)["tree"][1]["common/a.proto"]["verdict"]
    assert (plain, touched) == ("incompatible", "incompatible")


def test_importers_committed_again_settle_the_break(chain: GitRepo) -> None:
    """After the break is let through and b, a and m are committed again (registered with the new
    versions below them), the next change of m compares like with like and passes."""
    chain.write("contracts/common/c.proto", C.replace("string x", "int32 x"))
    chain.commit("c breaks, let through")
    for path, text in (("common/b", B), ("common/a", A), ("orders/value", M)):
        chain.write(f"contracts/{path}.proto", "// registered again\n" + text)
    chain.commit("importers registered again, let through")
    chain.write(
        "contracts/orders/value.proto",
        "// registered again\n" + M.replace("A a = 1;", "A a = 1; int32 n = 2;"),
    )
    code, results = change_modes(chain)["tree"]
    assert (code, results["orders-value"]["verdict"]) == (0, "compatible"), results


MONEY = 'syntax = "proto3";\npackage c;\nmessage Money { int64 units = 1; }\n'
TAG = 'syntax = "proto3";\npackage c;\nmessage Tag { string name = 1; }\n'
ORDERS = (
    'syntax = "proto3";\npackage p;\nimport "common/money.proto";\nimport "common/tag.proto";\n'
    "message A { c.Money m = 1; c.Tag t = 2; }\n"
)


def _money_broke_before(repo: GitRepo, levels: str, orders: str = ORDERS, config: str = "") -> None:
    """orders imports money and tag; money then breaks (its level NONE, `levels` the subjects it
    names), committed: the base a change of tag is checked against."""
    repo.write("contractctl.yaml", CONFIG.replace('"contracts/common/c.proto"', levels) + config)
    for path, text in (("common/money", MONEY), ("common/tag", TAG), ("orders/value", orders)):
        repo.write(f"contracts/{path}.proto", text)
    repo.commit("v1")
    repo.write("contracts/common/money.proto", MONEY.replace("int64 units", "string units"))
    repo.commit("money breaks, under NONE")


@pytest.mark.parametrize("vendored", [False, True])
def test_a_break_the_base_had_is_a_warning_for_an_untouched_importer(repo: GitRepo, vendored: bool) -> None:
    """money broke at an earlier commit (under NONE, let through); this change only adds a field to
    tag. orders, untouched, as built from the base already differed from its latest version so: the
    break is the base's, a warning here (the audit of kvproto: tikvpb failed every change to kvrpcpb
    for months), and `check --all` reports it as the standing error it is. `vendored`: orders also
    imports a tracked include file (kvproto's gogoproto), which lays its versions out as committed:
    the base's state is the base commit's tree, not the one of orders' last commit."""
    orders = ORDERS
    if vendored:
        repo.write("include/opts/o.proto", 'syntax = "proto3";\npackage o;\nmessage O { int32 v = 1; }\n')
        orders = ORDERS.replace(
            'import "common/tag.proto";', 'import "common/tag.proto";\nimport "opts/o.proto";'
        )
    include = "protobuf: {include: [include]}\n" if vendored else ""
    _money_broke_before(repo, '"contracts/common/money.proto"', orders, include)
    repo.write("contracts/common/tag.proto", TAG.replace("= 1;", "= 1; string color = 2;"))
    for mode, (code, results) in change_modes(repo).items():
        findings = results["orders-value"]["findings"]
        assert (code, results["orders-value"]["verdict"]) == (0, "compatible"), (mode, results)
        assert {f["severity"] for f in findings} == {"warning"} and len(findings) == 2, (mode, findings)
        assert all(f["hint"].startswith("This break predates the change") for f in findings), findings
    repo.commit("tag gets a field")
    audit = repo.run("check", "--all", "--format", "json")
    orders_result = next(r for r in audit.json()["results"] if r["subject"] == "orders-value")
    assert (audit.code, orders_result["verdict"]) == (1, "incompatible"), audit.output
    assert "what it references changed since" in orders_result["findings"][0]["hint"]


def test_a_break_the_change_adds_below_an_untouched_importer_stays_an_error(repo: GitRepo) -> None:
    """The same untouched orders, with the base's old break and a new one the change makes in tag:
    the old one is a warning, the new one an error."""
    _money_broke_before(repo, '"contracts/common/*.proto"')
    repo.write("contracts/common/tag.proto", TAG.replace("string name", "int64 name"))
    code, results = change_modes(repo)["tree"]
    by_severity = {(f["severity"], f["pointer"]) for f in results["orders-value"]["findings"]}
    assert code == 1 and results["orders-value"]["verdict"] == "incompatible", results
    assert {("warning", "#/Money/1"), ("error", "#/Tag/1")} <= by_severity, by_severity
