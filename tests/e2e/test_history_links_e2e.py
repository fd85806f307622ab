"""A contract that is a symbolic link is checked against its history as the file it led to at each
commit (repo/history_links.py), through the real CLI in a real repository.

Before, git's history of a link held only the name it leads to: every earlier version was
HISTORY_UNPARSEABLE (a warning) and never compared, and a change of the file behind the link was
not part of any change check. A wire-incompatible edit of that file passed `check --all`, the pull
request check and the pre-commit gate alike (exit 0).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import GitRepo

P3 = 'syntax = "proto3";\npackage shop;\n'
ORDER = P3 + "message Order {\n  string id = 1;\n  int64 amount = 2;\n}\n"
BROKEN = ORDER.replace("int64 amount = 2;", "string amount = 2;")  # crosses wire groups
GROWN = ORDER.replace("}\n", "  string note = 3;\n}\n")


@pytest.fixture
def outside(repo: GitRepo) -> GitRepo:
    """contracts/orders/value.proto -> ../../proto/order.proto: the file lies outside the root."""
    repo.write("contractctl.yaml", "version: 1\n")
    repo.write("proto/order.proto", ORDER)
    repo.link("contracts/orders/value.proto", "../../proto/order.proto")
    repo.commit("linked")
    return repo


def _verdicts(repo: GitRepo, *args: str) -> tuple[int, dict[str, str], list[dict[str, Any]]]:
    result = repo.run("check", *args, "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    findings = [f for r in document["results"] for f in r["findings"]]
    return result.code, {r["subject"]: r["verdict"] for r in document["results"]}, findings


def test_a_break_of_the_file_behind_a_link_fails_every_check(outside: GitRepo) -> None:
    outside.write("proto/order.proto", BROKEN)
    outside.git("add", "-A")
    staged = _verdicts(outside, "--staged")
    assert staged[:2] == (1, {"orders-value": "incompatible"})
    assert [f["rule"] for f in staged[2]] == ["FIELD_SCALAR_KIND_CHANGED"]
    outside.commit("break")
    for args in (["--all"], ["--against", "HEAD~1"]):
        code, verdicts, findings = _verdicts(outside, *args)
        assert (code, verdicts["orders-value"]) == (1, "incompatible"), args
        assert all(f["rule"] != "HISTORY_UNPARSEABLE" for f in findings)


def test_a_compatible_edit_behind_a_link_passes_against_the_version_before(outside: GitRepo) -> None:
    outside.write("proto/order.proto", GROWN)
    outside.commit("grow")
    code, verdicts, findings = _verdicts(outside, "--against", "HEAD~1")
    assert (code, verdicts) == (0, {"orders-value": "compatible"})
    assert findings == []
    # each content of the file is a version of the linked subject: a break now names version 2
    outside.write("proto/order.proto", GROWN.replace("string note = 3;", "int64 note = 3;"))
    outside.commit("break the new field")
    code, _, findings = _verdicts(outside, "--against", "HEAD~1")
    assert code == 1
    assert findings[0]["compared_with"].startswith("version 2 ")


def test_an_unchanged_link_beside_a_change_elsewhere_is_not_a_new_version(outside: GitRepo) -> None:
    paid = P3.replace("shop", "pay") + "message Paid { string id = 1; }\n"
    outside.write("contracts/payments/value.proto", paid)
    outside.commit("another topic")
    code, verdicts, findings = _verdicts(outside, "--against", "HEAD~1")
    assert code == 0
    assert verdicts.get("orders-value", "unchanged") == "unchanged"  # its content is its last version
    assert verdicts["payments-value"] == "new"
    assert findings == []


def test_a_link_moved_to_another_file_is_compared_with_what_it_led_to(outside: GitRepo) -> None:
    outside.write("proto/other.proto", BROKEN)
    outside.commit("another file")
    outside.link("contracts/orders/value.proto", "../../proto/other.proto")
    outside.commit("retarget")
    code, verdicts, _ = _verdicts(outside, "--against", "HEAD~1")
    assert (code, verdicts["orders-value"]) == (1, "incompatible")


def test_history_where_the_link_led_nowhere_or_through_another_link(repo: GitRepo) -> None:
    repo.write("contractctl.yaml", "version: 1\n")
    repo.link("contracts/orders/value.proto", "../../proto/order.proto")  # nothing there yet
    repo.write("contracts/payments/value.proto", P3 + "message Paid { string id = 1; }\n")
    repo.commit("dangling")
    repo.write("proto/real.proto", ORDER)
    repo.link("proto/order.proto", "real.proto")  # a link to a link
    repo.commit("now it leads somewhere")
    repo.write("proto/real.proto", BROKEN)
    repo.commit("break")
    code, verdicts, findings = _verdicts(repo, "--all")
    assert (code, verdicts["orders-value"]) == (1, "incompatible")
    assert findings[0]["compared_with"].startswith("version 1 ")


def test_publish_registers_what_the_link_led_to_at_each_commit(repo: GitRepo, registry_double: Any) -> None:
    """publish reads the same versions check compares: the file's contents, not the link's name."""
    fast = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}, timeout: {connect: 1, read: 2}"
    repo.write("contractctl.yaml", 'version: 1\nregistries:\n  aws: {url: "${AWS_URL}", ' + fast + "}\n")
    repo.write("proto/order.proto", ORDER)
    repo.link("contracts/orders/value.proto", "../../proto/order.proto")
    repo.commit("linked")
    repo.write("proto/order.proto", GROWN)
    repo.commit("grow")
    result = repo.run("publish", "--registry", "aws", env={"AWS_URL": registry_double.url})
    assert result.code == 0, result.output
    posted = [
        r.json()["schema"]
        for r in registry_double.requests
        if r.method == "POST" and r.decoded_path == "/subjects/orders-value/versions"
    ]
    assert posted == [ORDER, GROWN]


def test_a_linked_contract_named_on_the_command_line_is_checked_under_its_own_subject(
    outside: GitRepo,
) -> None:
    """Before, the path was resolved through the link: "outside the contracts root", exit 2."""
    outside.write("proto/order.proto", BROKEN)
    code, verdicts, _ = _verdicts(outside, "contracts/orders/value.proto")
    assert (code, verdicts) == (1, {"orders-value": "incompatible"})


def test_the_changelog_shows_what_changed_behind_a_link(outside: GitRepo) -> None:
    """Before: "No contract changes" (both trees held the same link name)."""
    outside.write("proto/order.proto", BROKEN)
    outside.commit("break")
    result = outside.run("changelog", "--from", "HEAD~1")
    assert result.code == 0, result.output
    assert "## orders-value" in result.stdout
    assert "`int64` -> `string`" in result.stdout
