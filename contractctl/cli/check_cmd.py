"""`contractctl check`: the gate."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from contractctl.cli.context import load
from contractctl.cli.options import config_option, output_options
from contractctl.cli.output import OutputOptions, emit
from contractctl.cli.progress import progress
from contractctl.generic.gc_pause import without_cycle_collection


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--against",
    metavar="REF",
    help="Git ref holding the earlier versions (default: merge-base with the base branch).",
)
@click.option("--staged", is_flag=True, help="Check the index instead of the working tree (pre-commit).")
@click.option(
    "--all",
    "all_subjects",
    is_flag=True,
    help="Also check unchanged contracts against the versions before them.",
)
@click.option(
    "--prove", is_flag=True, help="Also prove compatible pairs by writing and reading generated data."
)
@click.option(
    "--samples",
    type=click.IntRange(1, 10000),
    default=25,
    show_default=True,
    help="Records per pair for --prove.",
)
@click.option(
    "--allow-breaking",
    "allow_breaking",
    multiple=True,
    metavar="SUBJECT",
    help="Let an intended break of SUBJECT pass, shown as allowed (repeatable; needs --reason).",
)
@click.option(
    "--reason", "reasons", multiple=True, metavar="TEXT", help="Why the break is intended (mandatory)."
)
@click.option(
    "--registry",
    "registries",
    multiple=True,
    metavar="NAME",
    help="Also check the change against this registry from contractctl.yaml (repeatable).",
)
@config_option
@output_options
def check(
    paths: tuple[Path, ...],
    against: str | None,
    staged: bool,
    all_subjects: bool,
    prove: bool,
    samples: int,
    allow_breaking: tuple[str, ...],
    reasons: tuple[str, ...],
    registries: tuple[str, ...],
    config_path: Path | None,
    output: OutputOptions,
) -> None:
    """Parse changed contracts, resolve references and check compatibility against git history."""
    with without_cycle_collection():  # the check's own imports and config too (see run_check)
        from contractctl.checking.allowances import apply_allowances, pair_allowances
        from contractctl.commands.check import CheckOptions, run_check

        allowances = pair_allowances(allow_breaking, reasons)
        config = load(config_path)
        options = CheckOptions(
            paths=paths,
            against=against,
            staged=staged,
            all_subjects=all_subjects,
            prove=prove,
            samples=samples,
            registries=registries,
        )
        if registries:  # only registry work is slow enough to deserve a spinner (on a terminal)
            with progress(f"checking against git and {', '.join(registries)}"):
                report = run_check(config, options)
        else:
            report = run_check(config, options)
        # still paused: the first allocations after the check would trigger collections that scan
        # every parsed schema still alive, and so would the interpreter's last one at exit
        apply_allowances(report, allowances)
        code = emit(report, output)
        gc.freeze()  # the process ends now: nothing it holds needs scanning again
    sys.exit(code)
