"""Rendering a report to stdout or a file, and the exit code it implies."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from contractctl.errors import UsageError
from contractctl.model import Report
from contractctl.report import render
from contractctl.report.summary import summarize


@dataclass(frozen=True)
class OutputOptions:
    output_format: str = "text"
    output_file: Path | None = None
    no_color: bool = False
    quiet: bool = False
    verbose: bool = False

    def use_color(self) -> bool:
        if self.no_color or "NO_COLOR" in os.environ or self.output_file is not None:
            return False
        return sys.stdout.isatty()


def emit(report: Report, options: OutputOptions) -> int:
    """Write the report as asked; return the exit code DESIGN.md assigns to its findings."""
    if options.output_format == "text" and options.use_color():
        from contractctl.report.text import print_styled

        print_styled(report, options.quiet, sys.stdout)
    else:
        if options.output_format == "text":
            from contractctl.report.text import render_plain

            text = render_plain(report, options.quiet)
        else:
            text = render(report, options.output_format)
        if options.output_file is not None:
            try:
                options.output_file.write_text(text, encoding="utf-8")
            except OSError as error:
                raise UsageError(f"{options.output_file}: cannot write output: {error.strerror}") from None
            if options.output_format != "text":
                from contractctl.report.text import render_plain

                sys.stdout.write(render_plain(report, quiet=True))
        else:
            sys.stdout.write(text)
    if options.output_format == "github":
        _append_step_summary(report)
    return summarize(report).exit_code


def _append_step_summary(report: Report) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    from contractctl.report.github import step_summary

    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(step_summary(report))
    except OSError as error:
        raise UsageError(f"GITHUB_STEP_SUMMARY {path}: cannot write: {error.strerror}") from None
