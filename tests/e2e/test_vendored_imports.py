"""Vendored imports (`protobuf.include` folders git tracks) in history and in a change.

An audit of istio/api (k8s and google types vendored in common-protos/) and opentelemetry-proto: an
earlier version was compiled against the vendored files as they are now, so a wire break inside one
(`Money.units` int64 -> string) compared equal on both sides: "compatible", exit 0, where the
registry, whose new version references the vendored file's new version, walks into it. A change of
only the vendored file checked nothing at all.
"""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo
from tests.e2e.check_modes import change_modes

CONFIG = """version: 1
contracts: {root: contracts}
protobuf: {include: [third_party]}
defaults: {compatibility: BACKWARD}
"""
MONEY = """syntax = "proto3";
package vendor.money;
message Money {
  int64 units = 1;
  string currency = 2;
}
"""
PRICE = """syntax = "proto3";
package vendor.price;
import "vendor/money/money.proto";
message Price {
  vendor.money.Money amount = 1;
}
"""
ORDER = """syntax = "proto3";
package acme.orders.v1;
import "vendor/money/money.proto";
message Order {
  string id = 1;
  vendor.money.Money total = 2;
}
"""
QUOTE = """syntax = "proto3";
package acme.quotes.v1;
import "vendor/price/price.proto";
message Quote {
  vendor.price.Price price = 1;
}
"""
BROKEN_MONEY = MONEY.replace("int64 units", "string units")


def _setup(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", CONFIG)
    repo.write("third_party/vendor/money/money.proto", MONEY)
    repo.write("third_party/vendor/price/price.proto", PRICE)
    repo.write("contracts/orders/value.proto", ORDER)
    repo.write("contracts/quotes/value.proto", QUOTE)
    repo.commit("v1")


def _rules(result: dict[str, object]) -> list[str]:
    findings = result["findings"]
    assert isinstance(findings, list)
    return sorted(f["rule"] for f in findings)


def test_a_break_inside_a_vendored_file_committed_with_its_importer_is_found(repo: GitRepo) -> None:
    _setup(repo)
    repo.write("third_party/vendor/money/money.proto", BROKEN_MONEY)
    repo.write("contracts/orders/value.proto", ORDER.replace("}\n", "  string note = 3;\n}\n"))
    expected = ["FIELD_NAMED_TYPE_CHANGED", "FIELD_SCALAR_KIND_CHANGED"]
    for mode, (code, results) in change_modes(repo).items():
        assert code == 1, mode
        assert _rules(results["orders-value"]) == expected, mode
    repo.commit("v2")
    audit = repo.run("check", "--all", "--format", "json")
    results = {r["subject"]: r for r in audit.json()["results"]}
    assert audit.code == 1 and _rules(results["orders-value"]) == expected, audit.output


@pytest.mark.parametrize("compatible", [False, True])
def test_a_change_of_only_a_vendored_file_checks_its_users(repo: GitRepo, compatible: bool) -> None:
    """Directly (orders) and through another vendored file (quotes -> price -> money)."""
    _setup(repo)
    new = MONEY.replace("}\n", "  string note = 3;\n}\n") if compatible else BROKEN_MONEY
    repo.write("third_party/vendor/money/money.proto", new)
    for mode, (code, results) in change_modes(repo).items():
        assert sorted(results) == ["orders-value", "quotes-value"], mode
        if compatible:
            assert code == 0 and all(r["verdict"] == "compatible" for r in results.values()), mode
        else:
            assert code == 1, mode
            assert _rules(results["orders-value"]) == [
                "FIELD_NAMED_TYPE_CHANGED",
                "FIELD_SCALAR_KIND_CHANGED",
            ]
            assert "FIELD_SCALAR_KIND_CHANGED" in _rules(results["quotes-value"]), mode


def test_an_untracked_include_folder_is_read_as_it_is_now(repo: GitRepo) -> None:
    """A folder git does not track has no history: both sides use today's copy (the README's rule)."""
    repo.write(".gitignore", "third_party/\n")
    _setup(repo)
    repo.write("third_party/vendor/money/money.proto", BROKEN_MONEY)
    repo.write("contracts/orders/value.proto", ORDER.replace("}\n", "  string note = 3;\n}\n"))
    result = repo.run("check", "--format", "json")
    assert result.code == 0, result.output
    assert [r["subject"] for r in result.json()["results"]] == ["orders-value"]


def test_vendored_files_the_base_did_not_track_change_nothing(repo: GitRepo) -> None:
    """An include folder left untracked (and not ignored) lists as new files: no earlier version was
    compiled with another copy of them, so their users are not checked for it."""
    _setup(repo)
    repo.write(
        "third_party/vendor/extra/extra.proto", 'syntax = "proto3";\npackage vendor.extra;\nmessage X {}\n'
    )
    result = repo.run("check", "--format", "json")
    assert (result.code, result.json()["results"]) == (0, []), result.output


def test_an_edited_copy_of_a_built_in_file_is_said_to_change_nothing(repo: GitRepo) -> None:
    """google/type/money.proto is built into the registry (ProtobufSchema's known dependencies; the
    serializers skip it, `skip.known.types`): importers compile against the built-in file, in the
    registry as in the check, so an edit of a vendored copy changes nothing and must say so rather
    than pass as "0 subjects checked"."""
    builtin_copy = "third_party/google/type/money.proto"
    repo.write("contractctl.yaml", CONFIG)
    repo.write(builtin_copy, MONEY.replace("vendor.money", "google.type"))
    repo.write(
        "contracts/orders/value.proto",
        ORDER.replace("vendor/money/money.proto", "google/type/money.proto").replace(
            "vendor.money.Money", "google.type.Money"
        ),
    )
    repo.commit("v1")
    repo.write(builtin_copy, BROKEN_MONEY.replace("vendor.money", "google.type"))
    for mode in ("tree", "against", "staged"):
        args = {"tree": (), "against": ("--against", "HEAD"), "staged": ("--staged",)}[mode]
        if mode == "staged":
            repo.git("add", "-A")
        result = repo.run("check", *args, "--format", "json")
        report = result.json()
        assert result.code == 0 and report["results"] == [], (mode, result.output)
        (warning,) = report["findings"]
        assert (warning["rule"], warning["file"]) == ("VENDORED_BUILTIN", builtin_copy), mode
        assert "google/type/money.proto" in warning["message"] and "built in" in warning["message"]
