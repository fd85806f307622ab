"""Renderers: findings in, text out. Each format is a module imported only when chosen."""

from __future__ import annotations

import importlib

from contractctl.model import Report

FORMATS = ("text", "json", "github", "markdown", "junit", "sarif")
_MODULES = {
    "text": "contractctl.report.text",
    "json": "contractctl.report.jsonout",
    "github": "contractctl.report.github",
    "markdown": "contractctl.report.markdown",
    "junit": "contractctl.report.junit",
    "sarif": "contractctl.report.sarif",
}


def render(report: Report, output_format: str) -> str:
    module = importlib.import_module(_MODULES[output_format])
    text: str = module.render(report)
    return text
