"""The double's JSON Schema oracle agrees with Confluent's own diff tests, case by case.

The cases in ``confluent_cases/jsonschema_diff_cases.json`` are transcribed from Confluent Schema
Registry's ``json-schema-provider`` test resources (file, index and description kept per case; the
repository commit is recorded in the file). Each must give exactly the registry's differences
(type and JSON path, in any order) and verdict, both directly and over the double's REST API, and
the registry's verdict under the LENIENT policy.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ..registry_double import RegistryDouble
from ..registry_double.jsonschema_compat import LENIENT_COMPATIBLE, STRICT_COMPATIBLE, differences
from ..registry_double.jsonschema_messages import describe
from ._client import Client

_FILE = Path(__file__).parent / "confluent_cases" / "jsonschema_diff_cases.json"
_DOC = json.loads(_FILE.read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = _DOC["cases"]


def test_transcription_covers_both_confluent_files() -> None:
    assert _DOC["repository"] == "https://github.com/confluentinc/schema-registry"
    assert len(_DOC["commit"]) == 40
    sources = Counter(case["from"].split(" [")[0].rsplit("/", 1)[1] for case in CASES)
    assert sources == {"diff-schema-examples.json": 104, "diff-combined-schema-examples.json": 28}
    assert {case["compatible"] for case in CASES} == {True, False}
    assert sum("compatible_lenient" in case for case in CASES) == 4


@pytest.mark.parametrize("case", CASES, ids=[f"{c['from']} {c['description']}" for c in CASES])
def test_same_differences_and_verdict_as_confluent(case: dict[str, Any]) -> None:
    found = differences(json.dumps(case["old"]), json.dumps(case["new"]))
    assert Counter(found) == Counter(tuple(d) for d in case["differences"])
    assert all(kind in STRICT_COMPATIBLE for kind, _ in found) is case["compatible"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['from']} {c['description']}" for c in CASES])
def test_same_lenient_verdict_as_confluent(case: dict[str, Any]) -> None:
    """Under LENIENT the verdict is ``compatible_lenient`` where given, else the STRICT one."""
    found = differences(json.dumps(case["old"]), json.dumps(case["new"]), policy="LENIENT")
    expected = case.get("compatible_lenient", case["compatible"])
    assert all(kind in LENIENT_COMPATIBLE for kind, _ in found) is expected


def test_every_case_judged_the_same_over_http(registry_double: RegistryDouble) -> None:
    """Register the old schema, then ask the compatibility endpoint about the new one (BACKWARD)."""
    client = Client(registry_double.url)
    for index, case in enumerate(CASES):
        subject = f"case-{index}"
        body = {"schemaType": "JSON", "schema": json.dumps(case["old"])}
        assert client.post(f"/subjects/{subject}/versions", body).status == 200, case["from"]
        resp = client.post(
            f"/compatibility/subjects/{subject}/versions/latest?verbose=true",
            {"schemaType": "JSON", "schema": json.dumps(case["new"])},
        ).json()
        assert resp["is_compatible"] is case["compatible"], case["from"]
        expected = sorted(
            f'{{errorType:"{kind}", description:"{_fill(describe(kind, path))}\'}}'
            for kind, path in case["differences"]
            if kind not in STRICT_COMPATIBLE
        )
        reported = sorted(m for m in resp["messages"] if m.startswith("{errorType:"))
        assert reported == expected, case["from"]


def _fill(description: str) -> str:
    return description.replace("%s", "new", 1).replace("%s", "old", 1)
