"""Subject naming by strategy and overrides; reference ordering and cycles."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from contractctl.config.project import parse_config
from contractctl.formats.base import InvalidSchema
from contractctl.model import CompatibilityLevel
from contractctl.repo.contracts import ContractSet, SubjectMapper, build_contract_set, reference_order
from contractctl.repo.history import BlobStore, Git


def schema(name: str, namespace: str = "com.acme") -> bytes:
    return json.dumps({"type": "record", "name": name, "namespace": namespace, "fields": []}).encode()


def contract_set(m: SubjectMapper, files: list[tuple[PurePosixPath, bytes]]) -> ContractSet:
    """Entries served from memory: the store never needs git for keys already put."""
    store = BlobStore(Git(Path("/nonexistent")))
    for path, data in files:
        store.put(f"worktree:{path}", data)
    return build_contract_set(m, [(path, f"worktree:{path}") for path, _ in files], store, "test")


def mapper(**config: object) -> SubjectMapper:
    return SubjectMapper(parse_config({"version": 1, **config}, Path("/r/contractctl.yaml")), "contracts")


@pytest.mark.parametrize(
    ("strategy", "path", "expected"),
    [
        ("topic", "contracts/orders/value.avsc", "orders-value"),
        ("topic", "contracts/orders/key.avsc", "orders-key"),
        ("topic", "contracts/sales/orders/value.avsc", "orders-value"),
        ("topic", "contracts/common/money.avsc", "com.acme.Order"),
        ("topic", "contracts/value.avsc", "com.acme.Order"),
        ("record", "contracts/orders/value.avsc", "com.acme.Order"),
        ("topic_record", "contracts/orders/value.avsc", "orders-com.acme.Order"),
    ],
)
def test_subject_strategies(strategy: str, path: str, expected: str) -> None:
    files = [(PurePosixPath(path), schema("Order"))]
    contracts = contract_set(mapper(defaults={"subject_strategy": strategy}), files)
    assert list(contracts.contracts) == [expected]


def test_explicit_subject_and_level_overrides() -> None:
    m = mapper(
        subjects=[
            {"match": "contracts/**", "compatibility": "FORWARD"},
            {"match": "contracts/common/*.avsc", "subject": "shared-money", "compatibility": "FULL"},
            {"match": "orders-value", "compatibility": "NONE"},
        ]
    )
    files = [
        (PurePosixPath("contracts/common/money.avsc"), schema("Money")),
        (PurePosixPath("contracts/orders/value.avsc"), schema("Order")),
        (PurePosixPath("contracts/stock/value.avsc"), schema("Stock")),
    ]
    contracts = contract_set(m, files).contracts
    assert contracts["shared-money"].compatibility is CompatibilityLevel.FULL
    assert contracts["orders-value"].compatibility is CompatibilityLevel.NONE
    assert contracts["stock-value"].compatibility is CompatibilityLevel.FORWARD


def test_duplicate_subject_names_both_files() -> None:
    files = [
        (PurePosixPath("contracts/a/orders/value.avsc"), schema("A")),
        (PurePosixPath("contracts/b/orders/value.avsc"), schema("B")),
    ]
    result = contract_set(mapper(), files)
    [(path, findings)] = result.invalid.items()
    assert path == "contracts/b/orders/value.avsc"
    assert "contracts/a/orders/value.avsc" in findings[0].message
    assert findings[0].rule == "DUPLICATE_SUBJECT"


def test_reference_order_is_dependencies_first_and_rejects_cycles() -> None:
    graph = {"order": ["money", "line"], "line": ["money"], "money": []}
    assert reference_order("order", lambda s: graph[s], {}) == ["money", "line", "order"]
    cyclic = {"a": ["b"], "b": ["c"], "c": ["a"]}
    with pytest.raises(InvalidSchema) as error:
        reference_order("a", lambda s: cyclic[s], {"a": "a.avsc", "b": "b.avsc", "c": "c.avsc"})
    assert "a.avsc -> b.avsc -> c.avsc -> a.avsc" in error.value.findings[0].message
