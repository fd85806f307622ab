"""The changelog between two refs of a real git repository, Avro and Protobuf, references included."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from contractctl.changelog import changelog, default_from_ref, render_markdown
from contractctl.config.project import default_config, load_config
from tests.conftest import GitRepo, record

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "changelog"

MONEY_V1 = record(
    "Money",
    [{"name": "amount_minor", "type": "long"}, {"name": "currency", "type": "string"}],
    namespace="com.acme.common",
)
MONEY_V2 = record(
    "Money",
    [
        {"name": "amount_minor", "type": "long"},
        {"name": "currency", "type": "string", "doc": "ISO 4217 code"},
        {"name": "scale", "type": "int", "default": 2},
    ],
    namespace="com.acme.common",
)


def order(version: int) -> dict[str, Any]:
    line_fields: list[dict[str, Any]] = [
        {"name": "sku", "type": "string"},
        {"name": "quantity", "type": "int" if version == 1 else "long"},
    ]
    fields: list[dict[str, Any]] = [
        {"name": "order_id", "type": "string"},
        {"name": "total", "type": "com.acme.common.Money"},
        {"name": "lines", "type": {"type": "array", "items": record("Line", line_fields, "com.acme.orders")}},
        {
            "name": "channel",
            "type": {
                "type": "enum",
                "name": "Channel",
                "symbols": ["WEB", "APP"] if version == 1 else ["WEB", "APP", "STORE"],
                "default": "WEB",
            },
        },
    ]
    if version == 1:
        fields.append({"name": "coupon", "type": "string"})
    else:
        fields.append(
            {"name": "note", "type": ["null", "string"], "default": None, "doc": "Free text | *raw*"}
        )
        fields.append({"name": "priority", "type": "int"})
    return record("OrderPlaced", fields, "com.acme.orders")


ADDRESS_V1 = 'syntax = "proto3";\npackage acme.common;\nmessage Address {\n  string city = 1;\n}\n'
ADDRESS_V2 = (
    'syntax = "proto3";\npackage acme.common;\nmessage Address {\n  string city = 1;\n  string zip = 2;\n}\n'
)
SHIPMENT_V1 = """syntax = "proto3";
package acme.shipping;
import "common/address.proto";
message Shipment {
  string id = 1;
  acme.common.Address to = 2;
  int32 weight = 3;
  string carrier = 4;
  string parcels = 8;
}
"""
SHIPMENT_V2 = """syntax = "proto3";
package acme.shipping;
import "common/address.proto";
message Shipment {
  reserved 4;
  reserved "carrier";
  string shipment_id = 1;
  acme.common.Address to = 2;
  int64 weight = 3;
  int32 parcels = 8;
  oneof tracking {
    string tracking_number = 5;
    string tracking_url = 6;
  }
  Status status = 7;
}
enum Status {
  STATUS_UNSPECIFIED = 0;
  SHIPPED = 1;
}
"""
INVENTORY = record("StockChanged", [{"name": "sku", "type": "string"}], "com.acme.inventory")
REFUND = record("RefundIssued", [{"name": "amount", "type": "com.acme.common.Money"}], "com.acme.refunds")
PAYMENT = record("PaymentTaken", [{"name": "id", "type": "string"}], "com.acme.payments")


def first_release(repo: GitRepo) -> None:
    repo.write("contracts/common/money.avsc", MONEY_V1)
    repo.write("contracts/orders/value.avsc", order(1))
    repo.write("contracts/common/address.proto", ADDRESS_V1)
    repo.write("contracts/shipping/value.proto", SHIPMENT_V1)
    repo.write("contracts/inventory/value.avsc", INVENTORY)
    repo.write("contracts/refunds/value.avsc", REFUND)
    repo.commit("first release")
    repo.git("tag", "v1")


def second_release(repo: GitRepo) -> None:
    repo.write("contracts/common/money.avsc", MONEY_V2)
    repo.write("contracts/orders/value.avsc", order(2))
    repo.commit("orders and money")
    repo.write("contracts/common/address.proto", ADDRESS_V2)
    repo.write("contracts/shipping/value.proto", SHIPMENT_V2)
    repo.write("contracts/payments/value.avsc", PAYMENT)
    repo.git("rm", "-q", "contracts/inventory/value.avsc")
    repo.commit("shipping, payments, no inventory")
    repo.git("tag", "v2")


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        pytest.skip(f"rewrote golden file {name}")
    assert path.exists(), f"golden file {name} is missing: run the tests once with UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs (UPDATE_GOLDEN=1 rewrites it)"


def test_changelog_between_two_tags(repo: GitRepo) -> None:
    first_release(repo)
    second_release(repo)
    subjects = changelog(default_config(repo.root), "v1", "v2")
    by_subject = {s.subject: s for s in subjects}
    assert list(by_subject) == [
        "com.acme.common.Money",
        "common/address.proto",  # a shared Protobuf file is named by its import path (issue 14)
        "inventory-value",
        "orders-value",
        "payments-value",
        "refunds-value",
        "shipping-value",
    ]
    assert by_subject["inventory-value"].removed_subject and not by_subject["inventory-value"].changes
    assert by_subject["payments-value"].new_subject and by_subject["payments-value"].from_version is None
    refunds = by_subject["refunds-value"]  # unchanged text, referenced Money changed
    assert (refunds.from_version, refunds.to_version) == (1, 1)
    assert [c.element for c in refunds.changes] == ["field `amount.currency`", "field `amount.scale`"]
    orders = by_subject["orders-value"]
    assert (orders.from_version, orders.to_version) == (1, 2)
    assert {c.element: c.breaking for c in orders.changes if c.kind in ("added", "removed")} == {
        "field `total.scale`": False,
        "field `note`": False,
        "field `priority`": True,  # BACKWARD_TRANSITIVE: no default, old data cannot be read
        "field `coupon`": False,
    }
    shipping = by_subject["shipping-value"]
    assert [(c.kind, c.breaking) for c in shipping.changes if "8" in c.element] == [("type-changed", True)]
    assert_golden("e2e.md", render_markdown(subjects, "v1", "v2"))


def test_default_from_is_the_merge_base_with_the_base_branch(repo: GitRepo) -> None:
    first_release(repo)
    repo.git("checkout", "-q", "-b", "feature")
    second_release(repo)
    repo.git("checkout", "-q", "main")
    repo.write("contracts/payments/value.avsc", PAYMENT)  # on main after the branch point: not in the diff
    repo.commit("payments on main")
    repo.write(
        "contractctl.yaml",
        "version: 1\ncontracts: {root: contracts, base_branch: main}\n"
        "subjects:\n  - match: contracts/orders/**\n    compatibility: FORWARD\n",
    )
    repo.commit("config")
    config = load_config(repo.root / "contractctl.yaml")
    assert default_from_ref(config, "feature", environ={}) == repo.git("rev-parse", "v1").strip()
    subjects = changelog(config, None, "feature", environ={})
    assert [s.subject for s in subjects] == [s.subject for s in changelog(config, "v1", "feature")]
    orders = next(s for s in subjects if s.subject == "orders-value")
    breaking = {c.element for c in orders.changes if c.breaking}
    # FORWARD: old readers need the removed field and cannot narrow long to int; a new field never breaks
    # them, nor does the new enum symbol (the enum has a default)
    assert breaking == {"field `coupon`", "field `lines[].quantity`"}


def test_no_changes_between_equal_refs(repo: GitRepo) -> None:
    first_release(repo)
    repo.write("contracts/orders/value.avsc", json.dumps(order(1)))  # only the layout changes
    repo.commit("reformat")
    subjects = changelog(default_config(repo.root), "v1", "HEAD")
    assert subjects == []
    assert render_markdown(subjects, "v1", "HEAD").endswith("No contract changes.\n")


def test_an_old_version_check_compares_is_compared_here_too(repo: GitRepo) -> None:
    # v1's default is not an int: the registry held it (it does not check defaults of a registered
    # version), and `check` compares it leniently, so the changelog must list the change too
    v1 = record("Order", [{"name": "id", "type": "string"}, {"name": "n", "type": "int", "default": "x"}])
    repo.write("contracts/orders/value.avsc", v1)
    repo.commit("v1")
    v2 = record("Order", [{"name": "id", "type": "string"}, {"name": "n", "type": "int", "default": 0}])
    repo.write("contracts/orders/value.avsc", v2)
    repo.commit("v2")
    assert repo.run("check", "--against", "HEAD~1", "--all").code == 0
    result = repo.run("changelog", "--from", "HEAD~1")
    assert result.code == 0, result.output
    assert "does not parse" not in result.stdout and "Could not compare" not in result.stdout
    assert '- Changed the default of field `n`: `"x"` -> `0`' in result.stdout, result.stdout


def test_default_range_on_the_base_branch_starts_at_the_last_tag(repo: GitRepo) -> None:
    first_release(repo)  # tagged v1
    repo.write("contracts/orders/value.avsc", order(2))
    repo.commit("orders v2")
    repo.write("contracts/payments/value.avsc", PAYMENT)
    repo.commit("payments")
    result = repo.run("changelog")
    assert result.code == 0, result.output
    assert "Changes from `v1` to `HEAD`." in result.stdout, result.stdout
    assert "## orders-value" in result.stdout and "## payments-value" in result.stdout
    assert "- Added symbols to enum `Channel`: `STORE`" in result.stdout  # natural wording


def test_default_range_on_the_base_branch_without_tags_is_the_last_commit(repo: GitRepo) -> None:
    repo.write("contracts/orders/value.avsc", order(1))
    repo.commit("orders v1")
    repo.write("contracts/orders/value.avsc", order(2))
    repo.commit("orders v2")
    result = repo.run("changelog")
    assert result.code == 0, result.output
    previous = repo.git("rev-parse", "HEAD~1").strip()
    assert f"Changes from `{previous[:12]}` to `HEAD`." in result.stdout, result.stdout
    assert "No contract changes." not in result.stdout and "## orders-value" in result.stdout


def test_a_revert_says_it_returns_to_an_earlier_version(repo: GitRepo) -> None:
    # a text seen before keeps its version number (the registry answers it with that version's ID),
    # so a revert goes from 2 back to 1: the line must not read as a downgrade of its own
    repo.write("contracts/common/money.avsc", MONEY_V1)
    repo.write("contracts/orders/value.avsc", order(1))
    repo.commit("orders v1")
    repo.write("contracts/orders/value.avsc", order(2))
    repo.commit("orders v2")
    repo.git("revert", "--no-edit", "HEAD")
    result = repo.run("changelog", "--from", "HEAD~1")
    assert result.code == 0, result.output
    assert "git version 2 → 1 (back to the text of version 1)" in result.stdout, result.stdout
    assert "- Removed field `priority`" in result.stdout
    forward = repo.run("changelog", "--from", "HEAD~2", "--to", "HEAD~1")
    assert "git version 1 → 2\n" in forward.stdout, forward.stdout
