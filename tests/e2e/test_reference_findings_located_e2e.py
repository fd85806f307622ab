"""Protobuf: a difference the check finds inside a referenced type (a field of a message defined in
an imported file) is located where that field is, in the imported file, not at the importer's
`package` line (audit round 19). Confluent's path for it (`#/Money/1`) starts at the referenced
type, so looking it up in the importer found only the package line, and nothing said which file the
field is in. The importer's own finding, at its field that reaches the type, names the file too.
The rules, the verdicts and which differences are found are unchanged. Real CLI, real repository.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import GitRepo

MONEY = 'syntax = "proto3";\npackage shop;\n\nmessage Money {\n  int64 cents = 1;\n}\n'
ORDER = (
    'syntax = "proto3";\npackage shop;\nimport "shared/money.proto";\n\n'
    "message Order {\n  string id = 1;\n  shop.Money amount = 2;\n}\n"
)


@pytest.fixture
def money_breaks(repo: GitRepo) -> GitRepo:
    repo.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: BACKWARD}\n")
    repo.write("contracts/shared/money.proto", MONEY)
    repo.write("contracts/orders/value.proto", ORDER)
    repo.commit("v1")
    repo.write("contracts/shared/money.proto", MONEY.replace("int64 cents", "string cents"))
    repo.git("add", "-A")
    return repo


def _by_subject(result_json: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {r["subject"]: r["findings"] for r in result_json["results"]}


def test_the_importers_finding_points_at_the_changed_field_in_its_file(money_breaks: GitRepo) -> None:
    result = money_breaks.run("check", "--staged", "--format", "json")
    assert result.code == 1, result.output
    report = json.loads(result.stdout)
    assert {r["subject"]: r["verdict"] for r in report["results"]} == {
        "orders-value": "incompatible",
        "shared/money.proto": "incompatible",
    }
    located = {
        (f["rule"], f["file"], f["line"], f["column"], f["pointer"])
        for f in _by_subject(report)["orders-value"]
    }
    assert located == {
        # the field that changed, where it is: money.proto line 5 (was: value.proto:2:1, the package)
        ("FIELD_SCALAR_KIND_CHANGED", "contracts/shared/money.proto", 5, 3, "#/Money/1"),
        # where the importer reaches the changed type
        ("FIELD_NAMED_TYPE_CHANGED", "contracts/orders/value.proto", 7, 3, "#/Order/2"),
    }
    named = next(f for f in _by_subject(report)["orders-value"] if f["rule"] == "FIELD_NAMED_TYPE_CHANGED")
    assert "message Money (in shared/money.proto) changed incompatibly" in named["message"]


def test_the_text_report_says_so(money_breaks: GitRepo) -> None:
    result = money_breaks.run("check", "--staged")
    assert result.code == 1, result.output
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("contracts/shared/money.proto:5:3: error FIELD_SCALAR_KIND_CHANGED [orders-value]:")
        for line in lines
    ), result.stdout
    assert not any(line.startswith("contracts/orders/value.proto:2:") for line in lines), result.stdout


def test_forward_looks_the_field_up_in_the_new_version(money_breaks: GitRepo) -> None:
    """Under FORWARD the reader is the old version; the location is still the new version's file,
    as for every finding, here after a line moved: money's field is on line 6 now."""
    money_breaks.write("contractctl.yaml", "version: 1\ndefaults: {compatibility: FORWARD}\n")
    money_breaks.write(
        "contracts/shared/money.proto", MONEY.replace("  int64 cents", "  // in cents\n  string cents")
    )
    money_breaks.git("add", "-A")
    result = money_breaks.run("check", "--staged", "--format", "json")
    assert result.code == 1, result.output
    located = {(f["rule"], f["file"], f["line"]) for f in _by_subject(result.json())["orders-value"]}
    assert ("FIELD_SCALAR_KIND_CHANGED", "contracts/shared/money.proto", 6) in located
