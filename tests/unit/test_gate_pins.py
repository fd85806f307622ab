"""The gate's linters are pinned exactly, so that a new ruff or mypy release cannot turn CI red."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
GATE_TOOLS = ("ruff", "mypy", "types-PyYAML")


def test_extras_pin_the_gate_tools_and_the_gate_runs_them() -> None:
    text = PYPROJECT.read_text(encoding="utf-8")
    extras = text.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
    for tool in GATE_TOOLS:
        [requirement] = re.findall(rf'"{re.escape(tool)}([^"]*)"', extras)
        assert re.fullmatch(r"==\d+(\.\d+)+", requirement), f"{tool}{requirement} is not an exact pin"
        assert version(tool) == requirement[2:], f"installed {tool} differs from the pin: reinstall .[test]"
