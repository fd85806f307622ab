"""Options every command shares (DESIGN.md's global flags), accepted after the command name."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from contractctl.cli.output import COLOR_CHOICES, OutputOptions, emit
from contractctl.errors import ConfigError, ContractctlError, EnvironmentFailure, GitError
from contractctl.report import FORMATS

F = TypeVar("F", bound=Callable[..., Any])


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--format/--output/--color/--no-color/-q/-v, handed to the command as one `output: OutputOptions`."""

    @functools.wraps(func)
    def wrapper(
        *args: Any,
        output_format: str,
        output_file: Path | None,
        color: str,
        no_color: bool,
        quiet: bool,
        verbose: bool,
        **kwargs: Any,
    ) -> Any:
        if output_file is not None:
            output_file = _checked_output(output_file, kwargs.get("config_path"))
        # a command that reads contractctl.yaml reports repository-relative paths (compat: as given)
        repo_paths = "config_path" in kwargs
        output = OutputOptions(output_format, output_file, no_color, quiet, verbose, color, repo_paths)
        try:
            return func(*args, output=output, **kwargs)
        except ContractctlError as error:
            _report_error(error, output)
            raise

    decorators = [
        click.option(
            "--format",
            "output_format",
            type=click.Choice(FORMATS),
            default="text",
            show_default=True,
            help="Output format.",
        ),
        click.option(
            "--output",
            "output_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write the report to FILE (`-`: standard output). Replaces an existing file, but "
            "never a contract-like file (.avsc, .proto, .json, .contract.yaml) inside the contracts "
            "root, nor one behind a symlink leading out of the repository.",
        ),
        click.option(
            "--color",
            type=click.Choice(COLOR_CHOICES),
            default="auto",
            show_default=True,
            help="Colours in text output; auto: on a terminal, off when NO_COLOR is set (non-empty), "
            "on when FORCE_COLOR is.",
        ),
        click.option("--no-color", is_flag=True, help="Same as --color never."),
        click.option("-q", "--quiet", is_flag=True, help="Print only failures."),
        click.option("-v", "--verbose", is_flag=True, help="More detail on errors."),
    ]
    decorated: Callable[..., Any] = wrapper
    for decorator in reversed(decorators):
        decorated = decorator(decorated)
    return decorated


def _report_error(error: ContractctlError, output: OutputOptions) -> None:
    """A command stopped before it had a verdict (bad config, unknown ref, ...): a CI step that
    uploads the report must still find one in the asked-for format, holding the error. The error
    itself is then printed and sets the exit code as usual."""
    if output.output_format == "text" and output.output_file is None:
        return  # the error message on stderr is the whole report
    from contractctl.model import Finding, FindingKind, Report

    kind = FindingKind.ENVIRONMENT if isinstance(error, EnvironmentFailure) else FindingKind.INVALID
    rule = {ConfigError: "CONFIG_ERROR", GitError: "GIT_ERROR"}.get(type(error), type(error).__name__)
    context = click.get_current_context(silent=True)
    report = Report(command=context.info_name or "contractctl" if context else "contractctl")
    detail = error.detail if output.verbose else None
    report.findings.append(Finding(rule=rule, message=error.message, kind=kind, detail=detail))
    with contextlib.suppress(ContractctlError):  # unwritable: the original error is what matters
        emit(report, output)


def verbose_option(func: F) -> F:
    """-v/--verbose for the commands that print no report (changelog, init): main() shows an
    error's detail when it is given, as for every other command."""
    return click.option("-v", "--verbose", is_flag=True, help="More detail on errors.")(func)


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="contractctl.yaml to use (default: found upward from the working directory).",
    )(func)


def _checked_output(given: Path, config_path: Path | None) -> Path | None:
    """--output as the overwrite rule allows it (checked before the command does any work)."""
    from contractctl.cli.context import load
    from contractctl.cli.output_target import STDOUT, output_target
    from contractctl.errors import ContractctlError

    if str(given) == STDOUT:
        return None
    try:
        config = load(config_path)
    except ContractctlError:
        config = None  # outside a repository, or a config the command itself will refuse
    return output_target(given, config)
