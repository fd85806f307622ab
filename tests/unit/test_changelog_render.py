"""The changelog's Markdown: golden files (UPDATE_GOLDEN=1 rewrites them), order and escaping."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from contractctl.changelog import Change, SubjectChanges, render_markdown
from contractctl.changelog.render import render_change
from contractctl.formats.vocabulary.markup import code, short, text, value

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "changelog"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        pytest.skip(f"rewrote golden file {name}")
    assert path.exists(), f"golden file {name} is missing: run the tests once with UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs (UPDATE_GOLDEN=1 rewrites it)"


def sample() -> list[SubjectChanges]:
    return [
        SubjectChanges(
            "orders-value",
            "contracts/orders/value.avsc",
            "AVRO",
            3,
            4,
            (
                Change("added", "field `note`", "`[null, string]`, default `null`", False),
                Change("type-changed", "field `lines[].quantity`", "`int` -> `string`", True),
                Change(
                    "doc-changed",
                    "record `Order`",
                    f"added: {code(short('Use <b>|pipes|</b> & `ticks` *freely*'))}",
                    False,
                ),
                Change("default-changed", "field `currency`", f"{value('EUR')} -> {value('``')}", False),
                Change("rules-changed", "rule `checkSku`", "expression changed", None),
            ),
        ),
        SubjectChanges(
            "a*b_c|<i>-value", "contracts/a`b/value.proto", "PROTOBUF", None, 1, (), new_subject=True
        ),
        SubjectChanges(
            "inventory-value", "contracts/inventory/value.avsc", "AVRO", 2, 2, (), removed_subject=True
        ),
        SubjectChanges(
            "refunds-value",
            "contracts/refunds/value.avsc",
            "AVRO",
            1,
            1,
            (Change("added", "field `amount.scale`", "`int`, default `2`", False),),
        ),
    ]


def test_changelog_golden() -> None:
    assert_golden("render.md", render_markdown(sample(), "v1.2.0", "HEAD"))


def test_empty_changelog_golden() -> None:
    assert_golden("empty.md", render_markdown([], "main", "feature/`x`"))


def test_output_does_not_depend_on_input_order() -> None:
    shuffled = sample()
    random.Random(3).shuffle(shuffled)
    assert render_markdown(shuffled, "a", "b") == render_markdown(sample(), "a", "b")


def test_breaking_changes_are_marked_and_counted() -> None:
    out = render_markdown(sample(), "a", "b")
    assert "- **Breaking:** Changed the type of field `lines[].quantity`: `int` -> `string`" in out
    assert "4 subjects changed: 1 new, 1 removed, 1 with breaking changes." in out
    assert "- Changed the rule `checkSku`: expression changed" in out
    # kinds without a template (a future sidecar differ's) still render, their name first
    assert render_change(Change("owner-moved", "team `a`", "", None)) == "- Owner moved: team `a`"


@pytest.mark.parametrize(
    ("raw", "span"),
    [
        ("plain", "`plain`"),
        ("a`b", "``a`b``"),
        ("`edge`", "`` `edge` ``"),
        ("line\nbreak  and   spaces", "`line break and spaces`"),
        ("", "(empty)"),
    ],
)
def test_code_spans_keep_content_literal(raw: str, span: str) -> None:
    assert code(raw) == span


def test_text_escapes_markup() -> None:
    assert text("a*b_c|<i>&[x](y)~!") == r"a\*b\_c\|\<i\>\&\[x\](y)\~\!"
