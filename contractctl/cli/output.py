"""Rendering a report to stdout or a file, and the exit code it implies.

The report is masked before it is rendered (a renderer may escape or cut a secret into a form the
text mask would miss) and its text again as it is written (see masked_io)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from contractctl.cli.masked_io import write_file
from contractctl.generic.masking import mask, mask_data
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
    report = report.in_order()
    if not options.verbose:
        report = report.without_details()
    report = mask_data(report)
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
            write_file(options.output_file, text)
            if options.output_format != "text":
                from contractctl.report.text import render_plain

                sys.stdout.write(mask(render_plain(report, quiet=True)))
        else:
            sys.stdout.write(mask(text))
    if options.output_format == "github":
        _append_step_summary(report)
    return summarize(report).exit_code


def _append_step_summary(report: Report) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    from contractctl.report.github import step_summary

    write_file(Path(path), step_summary(report), append=True, what="GITHUB_STEP_SUMMARY: cannot write")
