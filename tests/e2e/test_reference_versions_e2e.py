"""Protobuf: a field whose type comes from a direct reference is compared again unless both sides
reference the same subject at the same version, as Confluent's FieldSchemaDiff.compareMessageTypes
decides (schema-registry, protobuf-provider: "Don't need to compare if both are local or refer to
same subject-version"). Real CLI, real repository.

Before, the same text stood for the same version. A reference registered again with the same text
is a new version, though: after a sidecar-only commit, or after what it references changed. Then
Confluent follows the field into the reference, and through it into what that version references,
where a break under a laxer level (NONE here) shows; the check said compatible.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import GitRepo

CONFIG = """version: 1
subjects:
  - match: "contracts/shared/money.proto"
    compatibility: NONE
"""
MONEY = 'syntax = "proto3";\npackage shop;\nmessage Money {\n  int64 cents = 1;\n}\n'
PRICE = (
    'syntax = "proto3";\npackage shop;\nimport "shared/money.proto";\n'
    "message Price {\n  shop.Money amount = 1;\n}\n"
)
ORDER = (
    'syntax = "proto3";\npackage orders;\nimport "shared/price.proto";\n'
    "message Order {\n  string id = 1;\n  shop.Price price = 2;\n}\n"
)


@pytest.fixture
def broken_below(repo: GitRepo) -> GitRepo:
    """orders -> price -> money; money's field then crosses wire groups (allowed: its level is NONE)."""
    repo.write("contractctl.yaml", CONFIG)
    repo.write("contracts/shared/money.proto", MONEY)
    repo.write("contracts/shared/price.proto", PRICE)
    repo.write("contracts/orders/value.proto", ORDER)
    repo.commit("v1")
    repo.write("contracts/shared/money.proto", MONEY.replace("int64 cents", "string cents"))
    repo.commit("money breaks, under NONE")
    return repo


def _orders(repo: GitRepo) -> tuple[int, str, list[dict[str, Any]]]:
    result = repo.run("check", "--against", "HEAD~1", "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    results = {r["subject"]: r for r in json.loads(result.stdout)["results"]}
    return result.code, results["orders-value"]["verdict"], results["orders-value"]["findings"]


def _edit_orders(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.proto", ORDER.replace("}\n", "  string note = 3;\n}\n"))
    repo.commit("orders gets a field")


def test_a_reference_registered_again_with_the_same_text_is_followed(broken_below: GitRepo) -> None:
    # price's sidecar: price version 2, the same text, referencing money's version 2
    broken_below.write("contracts/shared/price.contract.yaml", "owner: team-pricing\n")
    broken_below.commit("price gets an owner")
    _edit_orders(broken_below)
    code, verdict, findings = _orders(broken_below)
    assert (code, verdict) == (1, "incompatible")
    # through price (another version of it) into money, which price's new version references
    assert {f["rule"] for f in findings} >= {"FIELD_SCALAR_KIND_CHANGED", "FIELD_NAMED_TYPE_CHANGED"}
    assert any("Money" in f["message"] for f in findings)


def test_a_reference_whose_references_moved_is_followed(broken_below: GitRepo) -> None:
    """price was not committed again, but money moved below it: a producer built from this tree
    registers price anew (with money's version 2; a lookup finds no such price), and orders with
    it, so Confluent follows orders' field into price and money. Round 12 took price as its version
    1 here and passed orders (compatible), while its producers write the new Money."""
    _edit_orders(broken_below)
    code, verdict, findings = _orders(broken_below)
    assert (code, verdict) == (1, "incompatible")
    assert {f["rule"] for f in findings} == {"FIELD_SCALAR_KIND_CHANGED", "FIELD_NAMED_TYPE_CHANGED"}


def test_a_reference_at_the_same_version_is_not_compared_again(broken_below: GitRepo) -> None:
    """A guard: price and orders committed again after money broke (price version 2 with money's
    version 2, orders version 2 with it): orders' next version references what its last one did,
    and Confluent compares nothing below under BACKWARD (the break is version 1's business)."""
    broken_below.write(
        "contractctl.yaml", CONFIG + '  - match: "contracts/orders/*"\n    compatibility: BACKWARD\n'
    )
    broken_below.write("contracts/shared/price.proto", "// prices\n" + PRICE)
    broken_below.write("contracts/orders/value.proto", "// orders\n" + ORDER)
    broken_below.commit("price and orders registered again")
    broken_below.write(
        "contracts/orders/value.proto", "// orders\n" + ORDER.replace("}\n", "  string note = 3;\n}\n")
    )
    broken_below.commit("orders gets a field")
    code, verdict, findings = _orders(broken_below)
    assert (code, verdict, findings) == (0, "compatible", [])


def test_a_sidecar_only_commit_of_a_shared_file_is_a_version_in_a_change_check(repo: GitRepo) -> None:
    """The same versions as a check of the whole history: the log of a change check, narrowed to
    the subjects it wants, named a shared file's path but not its sidecar's."""
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("contracts/shared/money.proto", MONEY)
    repo.commit("v1")
    repo.write("contracts/shared/money.contract.yaml", "owner: team-money\n")
    repo.commit("money gets an owner")
    repo.write("contracts/shared/money.proto", MONEY.replace("int64 cents", "string cents"))
    repo.commit("money breaks")
    labels = []
    for args in (["--against", "HEAD~1"], ["--all"]):
        result = repo.run("check", *args, "--format", "json")
        findings = [f for r in json.loads(result.stdout)["results"] for f in r["findings"]]
        labels.append(sorted({f["compared_with"].split(" (")[0] for f in findings}))
    assert labels == [["version 2"], ["version 2"]]


def test_a_reference_whose_sidecar_the_change_edits_is_a_new_version(broken_below: GitRepo) -> None:
    """The sidecar edited in the working tree, next to the edit of orders: publishing registers
    price again (version 2, referencing money's version 2), and orders' new version references it."""
    broken_below.write("contracts/orders/value.proto", ORDER.replace("}\n", "  string note = 3;\n}\n"))
    broken_below.write("contracts/shared/price.contract.yaml", "owner: team-pricing\n")
    result = broken_below.run("check", "--format", "json")
    results = {r["subject"]: r for r in json.loads(result.stdout)["results"]}
    assert (result.code, results["orders-value"]["verdict"]) == (1, "incompatible")


def test_a_reformatted_sidecar_after_money_moved_on_is_a_new_version_of_a_reference(
    broken_below: GitRepo,
) -> None:
    """orders version 2 references price version 2 (money version 2). money then changes again.
    The commit that reformats price's sidecar writes price again, with money's version 3: a state
    no commit had, so it registers price version 3 (publish does), and orders' next version
    references it. Against orders version 2 price's versions differ, and money's string -> int32
    crosses wire groups: the change check says so, as `check --all` does once it is committed."""
    broken_below.write("contracts/shared/price.contract.yaml", "owner: team-pricing\n")
    broken_below.write("contracts/orders/value.proto", ORDER.replace("}\n", "  string note = 3;\n}\n"))
    broken_below.commit("price gets an owner, orders a field")
    broken_below.write("contracts/shared/money.proto", MONEY.replace("int64 cents", "int32 cents"))
    broken_below.commit("money changes again, under NONE")
    broken_below.write("contracts/shared/price.contract.yaml", "owner:   team-pricing   # the same\n")
    broken_below.write(
        "contracts/orders/value.proto", ORDER.replace("}\n", "  string note = 3;\n  int32 n = 4;\n}\n")
    )
    found = [_orders_verdict(broken_below)]
    broken_below.commit("price's sidecar reformatted, orders another field")
    found.append(_orders_verdict(broken_below, "--all"))
    assert found == [("incompatible", ["version 2"])] * 2, found


def _orders_verdict(repo: GitRepo, *args: str) -> tuple[str, list[str]]:
    """orders' verdict, and the versions its findings were compared with."""
    result = repo.run("check", *args, "--format", "json")
    orders = next(r for r in json.loads(result.stdout)["results"] if r["subject"] == "orders-value")
    return orders["verdict"], sorted({f["compared_with"].split(" (")[0] for f in orders["findings"]})


def test_a_reformatted_sidecar_with_money_unmoved_is_no_new_version(broken_below: GitRepo) -> None:
    """A guard: price's sidecar reformatted while money has no version since price's version 2 is
    a state seen before, price version 2 still: an audit compares it with version 1 alone."""
    broken_below.write("contracts/shared/price.contract.yaml", "owner: team-pricing\n")
    broken_below.commit("price gets an owner")
    broken_below.write("contracts/shared/price.contract.yaml", "owner:   team-pricing   # the same\n")
    broken_below.commit("price's sidecar reformatted")
    result = broken_below.run("check", "--all", "--format", "json")
    price = next(r for r in json.loads(result.stdout)["results"] if r["subject"] == "shared/price.proto")
    assert price["compared_versions"] == 1, price
    assert {f["compared_with"].split(" (")[0] for f in price["findings"]} == {"version 1"}, price
