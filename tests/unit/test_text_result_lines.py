"""The text report's line for a subject without findings: what was compared must read as compared."""

from __future__ import annotations

import pytest

from contractctl.model import Report, SubjectResult
from contractctl.report.text import render_plain


def _line(verdict: str, level: str, compared: int, registry: str | None = None) -> str:
    result = SubjectResult(
        "orders-value", "contracts/orders/value.avsc", "AVRO", level, verdict, compared, registry
    )
    return render_plain(Report("check", results=[result]), quiet=False, banner=False).strip()


@pytest.mark.parametrize(
    ("verdict", "level", "compared", "expected"),
    [
        (
            "unchanged",
            "BACKWARD_TRANSITIVE",
            2,
            "unchanged, compatible under BACKWARD_TRANSITIVE with 2 earlier versions",
        ),
        ("unchanged", "FULL", 1, "unchanged, compatible under FULL with 1 earlier version"),
        ("unchanged", "BACKWARD", 0, "unchanged under BACKWARD, its only version"),
        ("unchanged", "NONE", 0, "unchanged under NONE, which compares nothing"),
        ("compatible", "BACKWARD", 1, "compatible under BACKWARD, against 1 earlier version"),
        ("new", "BACKWARD", 0, "new under BACKWARD, no earlier version"),
    ],
)
def test_a_result_line_says_what_was_compared(verdict: str, level: str, compared: int, expected: str) -> None:
    assert _line(verdict, level, compared) == f"contracts/orders/value.avsc: ok [orders-value]: {expected}"


def test_a_registry_result_keeps_the_registry_wording() -> None:
    line = _line("unchanged", "BACKWARD", 0, registry="aws")
    assert line.endswith(
        "[orders-value @ registry aws]: unchanged under BACKWARD, against the versions the registry holds"
    )
