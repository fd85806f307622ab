"""Rendering a report to stdout or a file, and the exit code it implies.

The report is masked before it is rendered (a renderer may escape or cut a secret into a form the
text mask would miss) and its text again as it is written (see masked_io)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from contractctl.cli.masked_io import write_file
from contractctl.formats import supported_extensions
from contractctl.generic.masking import mask, mask_data
from contractctl.model import Finding, Report
from contractctl.report import render
from contractctl.report.summary import summarize

COLOR_CHOICES = ("auto", "always", "never")


def color_wanted(choice: str, is_terminal: bool, environ: Mapping[str, str] = os.environ) -> bool:
    """Colour by the usual conventions: an explicit --color always/never decides; under auto a
    non-empty NO_COLOR (no-color.org) turns colour off, else a non-empty FORCE_COLOR turns it on
    (force-color.org; NO_COLOR first, as CPython's own colouring does), else a terminal has colour.
    An empty variable counts as unset."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return is_terminal


@dataclass(frozen=True)
class OutputOptions:
    output_format: str = "text"
    output_file: Path | None = None
    no_color: bool = False
    quiet: bool = False
    verbose: bool = False
    color: str = "auto"  # --color; --no-color is "never"
    repo_paths: bool = False  # the report's file paths are relative to the repository's top

    def use_color(self) -> bool:
        if self.output_file is not None:  # a report file never holds escape codes
            return False
        return color_wanted("never" if self.no_color else self.color, sys.stdout.isatty())


def emit(report: Report, options: OutputOptions) -> int:
    """Write the report as asked; return the exit code DESIGN.md assigns to its findings."""
    report = report.in_order()
    if not options.verbose:
        report = report.without_details()
    report = mask_data(report)
    if options.repo_paths and options.output_format in CWD_RELATIVE_FORMATS:
        report = relative_to_cwd(report, Path.cwd())
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

                # the file is the report; the terminal gets what failed, with the verdict
                failed = not summarize(report).passed
                sys.stdout.write(mask(render_plain(report, quiet=True, banner=failed)))
        else:
            sys.stdout.write(mask(text))
    if options.output_format == "github":
        _append_step_summary(report)
    return summarize(report).exit_code


CWD_RELATIVE_FORMATS = ("text", "markdown")
"""Formats a person reads where they ran the command. The machine formats (json, sarif, junit) and
GitHub's annotations keep repository-relative paths: the tools reading them resolve paths from the
repository's top (GitHub attaches an annotation to the file of that path in the pull request)."""


def _toplevel(start: Path) -> Path | None:
    """The work tree holding `start`: the nearest directory with a `.git` entry (a directory, or
    the file of a linked worktree); no git process for what only decides how paths are printed."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def relative_to_cwd(report: Report, cwd: Path) -> Report:
    """The report with repository-relative paths made relative to `cwd` when that is a
    subdirectory of the repository, as git prints them (`../other/file` for a file elsewhere)."""
    top = _toplevel(cwd)
    if top is None or top == cwd:
        return report

    def moved(path: str | None) -> str | None:
        if not path or os.path.isabs(path):
            return path
        return Path(os.path.relpath(top / path, cwd)).as_posix()

    def finding(f: Finding) -> Finding:
        return replace(f, file=moved(f.file)) if f.file else f

    def result_path(path: str) -> str:  # a contract's file; not a config key such as `links.NAME`
        return moved(path) or path if path.endswith(supported_extensions()) else path

    results = [
        replace(r, path=result_path(r.path), findings=[finding(f) for f in r.findings])
        for r in report.results
    ]
    return replace(report, results=results, findings=[finding(f) for f in report.findings])


def _append_step_summary(report: Report) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    from contractctl.report.github import STEP_SUMMARY_LIMIT, step_summary

    try:  # an earlier command of the same step may have written to it: the limit is the step's
        written = os.path.getsize(path)
    except OSError:
        written = 0
    summary = step_summary(report, STEP_SUMMARY_LIMIT - written)
    if summary:
        write_file(Path(path), summary, append=True, what="GITHUB_STEP_SUMMARY: cannot write")
