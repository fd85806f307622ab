"""`contractctl lint`: the configured lint rules over the contracts, without compatibility."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from contractctl.cli.context import load
from contractctl.cli.options import config_option, output_options
from contractctl.cli.output import OutputOptions, emit


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--against", metavar="REF", help="Git ref with the earlier versions (for history rules).")
@config_option
@output_options
def lint(
    paths: tuple[Path, ...], against: str | None, config_path: Path | None, output: OutputOptions
) -> None:
    """Lint every contract (or PATHs): naming, docs, defaults, reserved numbers, package versions."""
    from contractctl.commands.check import CheckOptions, run_check

    config = load(config_path)
    options = CheckOptions(paths=paths, against=against, all_subjects=True, lint_only=True)
    report = run_check(config, options)
    report.command = "lint"
    sys.exit(emit(report, output))
