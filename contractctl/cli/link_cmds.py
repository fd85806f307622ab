"""`link plan|apply|status|verify` and `promote`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from contractctl.cli.context import load
from contractctl.cli.options import config_option, output_options
from contractctl.cli.output import OutputOptions, emit
from contractctl.cli.progress import progress


@click.group()
def link() -> None:
    """Schema Linking exporters as declared under `links:` in contractctl.yaml."""


@link.command("plan")
@click.argument("name", required=False)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 1 when changes are pending.")
@config_option
@output_options
def plan_cmd(
    name: str | None,
    detailed_exitcode: bool,
    config_path: Path | None,
    output: OutputOptions,
) -> None:
    """What `link apply` would do: create, update (pause, update, resume), resume, or nothing."""
    from contractctl.commands.link import plan_or_apply

    report, pending = plan_or_apply(load(config_path), name, apply=False)
    code = emit(report, output)
    sys.exit(code or (1 if detailed_exitcode and pending else 0))


@link.command("apply")
@click.argument("name", required=False)
@config_option
@output_options
def apply_cmd(
    name: str | None,
    config_path: Path | None,
    output: OutputOptions,
) -> None:
    """Create or update the exporter so it is as declared (idempotent)."""
    from contractctl.commands.link import plan_or_apply

    report, _ = plan_or_apply(load(config_path), name, apply=True)
    sys.exit(emit(report, output))


@link.command("status")
@click.argument("name", required=False)
@config_option
@output_options
def status_cmd(
    name: str | None,
    config_path: Path | None,
    output: OutputOptions,
) -> None:
    """State, offset, timestamp and trace of each exporter (exit 3 on an error trace)."""
    from contractctl.commands.link import status

    report = status(load(config_path), name)
    sys.exit(emit(report, output))


@link.command("verify")
@click.argument("name", required=False)
@click.option("--wait", is_flag=True, help="Poll with backoff until parity or --timeout.")
@click.option(
    "--timeout", type=click.FloatRange(min=0), default=120, show_default=True, help="Seconds for --wait."
)
@config_option
@output_options
def verify_cmd(
    name: str | None,
    wait: bool,
    timeout: float,
    config_path: Path | None,
    output: OutputOptions,
) -> None:
    """Prove the destination holds every covered version with the same id and text."""
    from contractctl.commands.link import verify

    with progress("verifying parity" + (" (waiting)" if wait else "")):
        report = verify(load(config_path), name, wait, timeout)
    sys.exit(emit(report, output))


@click.command()
@click.option("--from", "source", required=True, metavar="REGISTRY", help="Registry to publish to.")
@click.option("--to", "destination", required=True, metavar="REGISTRY", help="Registry to bring in line.")
@click.option(
    "--via",
    type=click.Choice(["link", "copy"]),
    default="link",
    show_default=True,
    help="Schema Linking, or copying in IMPORT mode.",
)
@click.option("--wait", is_flag=True, help="Wait for parity (up to --timeout).")
@click.option(
    "--timeout", type=click.FloatRange(min=0), default=120, show_default=True, help="Seconds for --wait."
)
@click.option("--dry-run", is_flag=True, help="Show the whole plan; change nothing.")
@config_option
@output_options
def promote(
    source: str,
    destination: str,
    via: str,
    wait: bool,
    timeout: float,
    dry_run: bool,
    config_path: Path | None,
    output: OutputOptions,
) -> None:
    """Publish to --from, make --to match, verify parity: one resumable release step."""
    from contractctl.commands.promote import PromoteOptions
    from contractctl.commands.promote import promote as run_promote

    options = PromoteOptions(source, destination, via, wait, timeout, dry_run)
    with progress(f"promoting {source} -> {destination}"):
        report = run_promote(load(config_path), options)
    sys.exit(emit(report, output))
