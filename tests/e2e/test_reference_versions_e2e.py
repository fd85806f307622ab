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


def test_a_reference_at_the_same_version_is_not_compared_again(broken_below: GitRepo) -> None:
    """price was not registered again: orders' new version references price version 1, which
    references money version 1, as orders' last version does. Confluent compares nothing below."""
    _edit_orders(broken_below)
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


def test_a_reformatted_sidecar_is_no_new_version_of_a_reference(broken_below: GitRepo) -> None:
    """orders version 2 references price version 2 (money version 2). money then changes again.
    A reformatted sidecar of price registers nothing: orders' next version references price
    version 2 still, as its version 2 does, so money's string -> int32 is not compared against it."""
    broken_below.write("contracts/shared/price.contract.yaml", "owner: team-pricing\n")
    broken_below.write("contracts/orders/value.proto", ORDER.replace("}\n", "  string note = 3;\n}\n"))
    broken_below.commit("price gets an owner, orders a field")
    broken_below.write("contracts/shared/money.proto", MONEY.replace("int64 cents", "int32 cents"))
    broken_below.commit("money changes again, under NONE")
    broken_below.write("contracts/shared/price.contract.yaml", "owner:   team-pricing   # the same\n")
    broken_below.write(
        "contracts/orders/value.proto", ORDER.replace("}\n", "  string note = 3;\n  int32 n = 4;\n}\n")
    )
    result = broken_below.run("check", "--format", "json")
    orders = next(r for r in json.loads(result.stdout)["results"] if r["subject"] == "orders-value")
    # against version 1 price's versions differ, but money's int64 -> int32 stays in its wire group
    assert (orders["verdict"], orders["findings"]) == ("compatible", []), result.stdout
