"""A check must hand its parsed state back to reference counting when it returns.

It runs with the cyclic collector paused; a reference cycle that reaches the resolver (a recursive
inner function holding a bound method, say) or a module-wide cache of schema parts keeps every
parsed schema alive after the check, and the first collection afterwards scans them all (about a
second in a 2,000-contract audit run in one process, as a registry check is).
"""

from __future__ import annotations

import gc

from contractctl.commands.check import CheckOptions, run_check
from contractctl.config.project import default_config
from contractctl.formats.avro import AvroSchema
from contractctl.formats.avro.resolve import ResolvedSchema
from contractctl.repo.references import SchemaResolver
from tests.conftest import GitRepo, record

MONEY = record("Money", [{"name": "cents", "type": "long"}], "com.acme.common")
ORDER = record(
    "OrderPlaced",
    [
        {"name": "id", "type": "string"},
        {"name": "total", "type": "com.acme.common.Money"},
        {
            "name": "lines",
            "type": {"type": "array", "items": record("Line", [{"name": "sku", "type": "string"}])},
        },
    ],
)


def _alive() -> list[object]:
    kinds = (SchemaResolver, AvroSchema, ResolvedSchema)
    return [o for o in gc.get_objects() if isinstance(o, kinds)]


def test_nothing_parsed_outlives_the_check(repo: GitRepo) -> None:
    repo.write("contracts/common/money.avsc", MONEY)
    repo.write("contracts/orders/value.avsc", ORDER)
    repo.commit("v1")
    repo.write(
        "contracts/orders/value.avsc",
        {
            **ORDER,
            "fields": [*ORDER["fields"], {"name": "note", "type": ["null", "string"], "default": None}],
        },
    )
    repo.commit("v2")
    config = default_config(repo.root)
    gc.collect()
    assert _alive() == []
    gc.disable()  # as during the check: only reference counting frees anything
    try:
        report = run_check(config, CheckOptions(all_subjects=True, environ={"CONTRACTCTL_WORKERS": "1"}))
        survivors = _alive()
    finally:
        gc.enable()
    assert sorted((r.subject, r.verdict) for r in report.results) == [
        ("com.acme.common.Money", "unchanged"),
        ("orders-value", "unchanged"),
    ]
    assert report.results[1].compared_versions == 1  # the history and a reference were parsed
    assert survivors == []
