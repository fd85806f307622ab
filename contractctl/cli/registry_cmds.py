"""`publish`, `status` and `can-deploy`: the commands that work against registries."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from contractctl.cli.context import load
from contractctl.cli.options import config_option, output_options
from contractctl.cli.output import OutputOptions, emit
from contractctl.cli.progress import progress
from contractctl.errors import UsageError

registry_option = click.option(
    "--registry",
    "registries",
    multiple=True,
    metavar="NAME",
    help="A registry from contractctl.yaml (repeatable).",
)


@click.command()
@registry_option
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option(
    "--ref", default="HEAD", show_default=True, help="Git ref whose contracts and history to publish."
)
@config_option
@output_options
def publish(
    registries: tuple[str, ...],
    dry_run: bool,
    ref: str,
    config_path: Path | None,
    output: OutputOptions,
) -> None:
    """Register every git version a registry lacks, references first (idempotent)."""
    from contractctl.commands.publish import publish as run_publish

    if not registries:
        raise UsageError("publish needs --registry NAME")
    config = load(config_path)
    with progress(f"publishing to {', '.join(registries)}"):
        report = run_publish(config, registries, ref, dry_run)
    sys.exit(emit(report, output))


@click.command()
@registry_option
@click.option("--fail-on-drift", is_flag=True, help="Exit 1 when git and a registry differ.")
@click.option(
    "--adopt",
    "adopt_subjects",
    multiple=True,
    metavar="SUBJECT",
    help="Write this registry-only subject into contracts/ (repeatable; one --registry).",
)
@click.option("--ref", default="HEAD", show_default=True, help="Git ref to compare with.")
@config_option
@output_options
def status(
    registries: tuple[str, ...],
    fail_on_drift: bool,
    adopt_subjects: tuple[str, ...],
    ref: str,
    config_path: Path | None,
    output: OutputOptions,
) -> None:
    """Drift between git and each registry (default: every configured registry)."""
    from contractctl.commands.status import adopt
    from contractctl.commands.status import status as run_status

    config = load(config_path)
    names = registries or tuple(config.registries)
    if not names:
        raise UsageError(f"{config.path}: no registries configured")
    if adopt_subjects and len(names) != 1:
        raise UsageError("--adopt takes exactly one --registry to adopt from")
    if adopt_subjects:
        for path in adopt(config, names[0], list(adopt_subjects)):
            click.echo(f"wrote {path}")
        click.echo("next: review, commit, and run `contractctl status` again")
        return
    with progress(f"comparing git with {', '.join(names)}"):
        report = run_status(config, names, ref, fail_on_drift)
    sys.exit(emit(report, output))


@click.command("can-deploy")
@click.option("--subject", required=True, help="The subject the producer writes.")
@click.option(
    "--schema",
    "schema_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The schema file the producer ships.",
)
@click.option(
    "--version", "version", type=click.IntRange(min=1), help="Or: this git version of the subject (at HEAD)."
)
@registry_option
@config_option
@output_options
def can_deploy(
    subject: str,
    schema_file: Path | None,
    version: int | None,
    registries: tuple[str, ...],
    config_path: Path | None,
    output: OutputOptions,
) -> None:
    """Exit 0 only if this exact schema is registered under SUBJECT, with one id, in every registry."""
    from contractctl.commands.can_deploy import can_deploy as run_can_deploy

    if (schema_file is None) == (version is None):
        raise UsageError("can-deploy needs exactly one of --schema FILE or --version N")
    if not registries:
        raise UsageError("can-deploy needs --registry NAME (every registry the producer runs against)")
    config = load(config_path)
    with progress(f"looking {subject} up in {', '.join(registries)}"):
        report = run_can_deploy(config, subject, registries, schema_file, version)
    sys.exit(emit(report, output))
