"""`SchemaResolver.versions`: the one list of a subject's versions (check, publish, status, changelog).

A version is what a commit of the contract registers: its text and its references' versions as they
are at that commit (a registry tells schemas apart by both). A state seen before is no new version.
"""

from __future__ import annotations

import json
from typing import Any

from contractctl.repo.references import SchemaResolver
from tests.conftest import GitRepo, record
from tests.resolvers import head_resolver

MONEY = record("Money", [{"name": "cents", "type": "long"}])
MONEY_EUR = record(
    "Money", [{"name": "cents", "type": "long"}, {"name": "cur", "type": "string", "default": ""}]
)
RATE = record("Rate", [{"name": "money", "type": "com.acme.Money"}])
ORDER = record("OrderPlaced", [{"name": "id", "type": "string"}, {"name": "rate", "type": "com.acme.Rate"}])
ORDER_NOTE = {**ORDER, "fields": [*ORDER["fields"], {"name": "note", "type": "string", "default": ""}]}
ALONE = record("Alone", [{"name": "id", "type": "string"}])


def versions(repo: GitRepo) -> tuple[dict[str, list[tuple[int, str, str]]], SchemaResolver]:
    """(number, commit message, the text's field names) of every subject's versions at HEAD."""
    resolver = head_resolver(repo)

    def described(version: Any) -> tuple[int, str, str]:
        message = repo.git("log", "-1", "--format=%s", version.commit).strip()
        fields = ",".join(f["name"] for f in json.loads(version.text)["fields"])
        return version.number, message, fields

    found = {
        subject: [described(v) for v in resolver.versions(subject)]
        for subject in sorted(resolver.current.contracts)
    }
    return found, resolver


def compact(content: dict[str, Any]) -> str:
    """The same schema in another layout: a commit that writes it again, without a new content."""
    return json.dumps(content, separators=(",", ":"))


def test_a_commit_of_a_contract_registers_its_references_as_they_are_then(repo: GitRepo) -> None:
    repo.write("contracts/common/money.avsc", MONEY)
    repo.write("contracts/common/rate.avsc", RATE)
    repo.write("contracts/alone/value.avsc", ALONE)
    repo.commit("one")
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("orders added")
    repo.write("contracts/common/money.avsc", MONEY_EUR)
    repo.commit("money gets a currency")
    repo.write("contracts/common/rate.avsc", compact(RATE))
    repo.commit("rate written again")
    repo.write("contracts/orders/value.avsc", compact(ORDER))
    repo.commit("orders written again")
    repo.write("contracts/common/money.avsc", MONEY)
    repo.write("contracts/common/rate.avsc", RATE)
    repo.commit("money reverted, rate written again")
    repo.write("contracts/orders/value.avsc", ORDER_NOTE)
    repo.commit("orders get a note")
    repo.write("contracts/alone/value.avsc", compact(ALONE))
    repo.commit("alone written again")

    found, resolver = versions(repo)
    assert found["com.acme.Money"] == [(1, "one", "cents"), (2, "money gets a currency", "cents,cur")]
    # Money's change alone makes no version of Rate; Rate's next commit pins Money 2; the one after
    # pins Money 1 again: Rate's version 1, no new one
    assert found["com.acme.Rate"] == [(1, "one", "money"), (2, "rate written again", "money")]
    assert found["orders-value"] == [
        (1, "orders added", "id,rate"),
        (2, "orders written again", "id,rate"),  # same content, Rate 2 (which holds Money 2)
        (3, "orders get a note", "id,rate,note"),  # with Rate 1 again (which holds Money 1)
    ]
    assert found["alone-value"] == [(1, "one", "id")]  # nothing referenced: its contents only

    # each version is parsed with the references of its own state, reverts included
    note = resolver.versions("orders-value")[2]
    assert '"cur"' not in resolver.historic_sources("orders-value", note)["com.acme.Money"].text
    again = resolver.versions("orders-value")[1]
    assert '"cur"' in resolver.historic_sources("orders-value", again)["com.acme.Money"].text


def test_a_state_seen_before_is_no_new_version(repo: GitRepo) -> None:
    repo.write("contracts/common/money.avsc", MONEY)
    repo.write(
        "contracts/orders/value.avsc", record("OrderPlaced", [{"name": "m", "type": "com.acme.Money"}])
    )
    repo.commit("one")
    for step, money in enumerate([MONEY_EUR, MONEY, MONEY_EUR]):
        repo.write("contracts/common/money.avsc", money)
        orders = (repo.root / "contracts/orders/value.avsc").read_text()
        repo.write("contracts/orders/value.avsc", orders + " " * (step + 1))  # written again each time
        repo.commit(f"step {step}")

    found, _ = versions(repo)
    assert [n for n, _, _ in found["com.acme.Money"]] == [1, 2]
    assert found["orders-value"] == [(1, "one", "m"), (2, "step 0", "m")]  # back and forth: seen before
